/* xmpp-connection-resolve.c: where XmppConnection connects to: SRV
 * lookup (RFC 6120 §3.2, XEP-0368), fallback, and see-other-host
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "xmpp-connection-private.h"

#include <stdlib.h>
#include <string.h>

/* How many see-other-host redirects one connection attempt follows. */
#define MAX_REDIRECTS 3

static XmppConnectionTarget *
target_new (const char *host,
            guint16     port,
            gboolean    direct_tls)
{
  XmppConnectionTarget *target = g_new0 (XmppConnectionTarget, 1);

  target->host = g_strdup (host);
  target->port = port;
  target->direct_tls = direct_tls;
  return target;
}

void
xmpp_connection_target_free (XmppConnectionTarget *target)
{
  g_free (target->host);
  g_free (target);
}

GList *
xmpp_connection_merge_srv_targets (GList *xmpps,
                                   GList *xmpp)
{
  g_autoptr(GHashTable) direct = g_hash_table_new (NULL, NULL);
  GList *all = NULL;
  GList *targets = NULL;

  /* Both lists are ordered together by priority and weight (XEP-0368
   * §3); which one a record came from says whether TLS starts at once. */
  /* A record for "." says the service is not offered there (RFC 2782);
   * it is left out here, and the caller's list stays whole. */
  for (GList *l = xmpps; l != NULL; l = l->next)
    if (g_strcmp0 (g_srv_target_get_hostname (l->data), ".") != 0)
      {
        g_hash_table_add (direct, l->data);
        all = g_list_prepend (all, l->data);
      }
  for (GList *l = xmpp; l != NULL; l = l->next)
    if (g_strcmp0 (g_srv_target_get_hostname (l->data), ".") != 0)
      all = g_list_prepend (all, l->data);
  all = g_srv_target_list_sort (all);

  for (GList *l = all; l != NULL; l = l->next)
    {
      GSrvTarget *srv = l->data;

      targets = g_list_prepend (targets, target_new (g_srv_target_get_hostname (srv),
                                                     g_srv_target_get_port (srv),
                                                     g_hash_table_contains (direct, srv)));
    }
  g_list_free (all);
  return g_list_reverse (targets);
}

void
xmpp_connection_try_next_target (XmppConnection *self,
                                 GError         *last_error)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);
  XmppConnectionTarget *target;

  if (priv->targets == NULL)
    {
      xmpp_connection_stop (self, last_error != NULL
                            ? last_error
                            : g_error_new (G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND,
                                           _("No server found for %s"),
                                           xmpp_jid_get_domainpart (priv->jid)));
      return;
    }
  g_clear_error (&last_error);

  target = priv->targets->data;
  priv->targets = g_list_delete_link (priv->targets, priv->targets);
  priv->direct_tls = target->direct_tls;
  g_debug ("Connecting to %s port %u%s", target->host, target->port,
           target->direct_tls ? " with Direct TLS" : "");
  xmpp_connection_connect_socket (self, target->host, target->port);
  xmpp_connection_target_free (target);
}

typedef struct
{
  XmppConnection *self;
  GCancellable *cancellable;       /* the attempt's: cancelled, it is over */
  GList *xmpps;
  GList *xmpp;
  guint pending;
} Lookup;

static void
lookup_free (Lookup *lookup)
{
  g_list_free_full (lookup->xmpps, (GDestroyNotify) g_srv_target_free);
  g_list_free_full (lookup->xmpp, (GDestroyNotify) g_srv_target_free);
  g_object_unref (lookup->cancellable);
  g_object_unref (lookup->self);
  g_free (lookup);
}

static void
lookup_done (Lookup *lookup)
{
  XmppConnection *self = lookup->self;
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);
  const char *domain = xmpp_jid_get_domainpart (priv->jid);

  if (g_cancellable_is_cancelled (lookup->cancellable) || priv->connect_task == NULL)
    return; /* the attempt ended meanwhile; another may have started */

  g_list_free_full (priv->targets, (GDestroyNotify) xmpp_connection_target_free);
  priv->targets = xmpp_connection_merge_srv_targets (lookup->xmpps, lookup->xmpp);
  if (priv->targets == NULL)
    {
      /* No SRV record: the domain itself, on the standard port. */
      gboolean direct = priv->tls_mode == XMPP_TLS_MODE_DIRECT;

      priv->targets = g_list_append (NULL, target_new (domain, direct ? 5223 : 5222, direct));
    }
  xmpp_connection_try_next_target (self, NULL);
}

/* Records what one lookup found; the merge waits for both. */
static void
lookup_step (Lookup       *lookup,
             GResolver    *resolver,
             GAsyncResult *result,
             GList       **slot)
{
  g_autoptr(GError) error = NULL;

  *slot = g_resolver_lookup_service_finish (resolver, result, &error);
  if (error != NULL)
    g_debug ("SRV lookup failed: %s", error->message);

  if (--lookup->pending == 0)
    {
      lookup_done (lookup);
      lookup_free (lookup);
    }
}

static void
on_xmpps_resolved (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Lookup *lookup = user_data;

  lookup_step (lookup, G_RESOLVER (source), result, &lookup->xmpps);
}

static void
on_xmpp_resolved (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Lookup *lookup = user_data;

  lookup_step (lookup, G_RESOLVER (source), result, &lookup->xmpp);
}

void
xmpp_connection_start (XmppConnection *self)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);
  g_autoptr(GResolver) resolver = NULL;
  const char *domain = xmpp_jid_get_domainpart (priv->jid);
  Lookup *lookup;

  priv->redirects = 0;
  g_list_free_full (g_steal_pointer (&priv->targets), (GDestroyNotify) xmpp_connection_target_free);

  if (priv->host != NULL)
    {
      gboolean direct = priv->tls_mode == XMPP_TLS_MODE_DIRECT;
      guint port = priv->port != 0 ? priv->port : direct ? 5223 : 5222;

      priv->targets = g_list_append (NULL, target_new (priv->host, port, direct));
      xmpp_connection_try_next_target (self, NULL);
      return;
    }

  /* _xmpps-client (Direct TLS) and _xmpp-client are looked up together
   * and merged; plain-text tests never use Direct TLS records. */
  lookup = g_new0 (Lookup, 1);
  lookup->self = g_object_ref (self);
  lookup->cancellable = g_object_ref (priv->cancellable);
  resolver = g_resolver_get_default ();
  if (priv->tls_mode != XMPP_TLS_MODE_INSECURE_PLAINTEXT)
    {
      lookup->pending++;
      g_resolver_lookup_service_async (resolver, "xmpps-client", "tcp", domain, priv->cancellable,
                                       on_xmpps_resolved, lookup);
    }
  if (priv->tls_mode != XMPP_TLS_MODE_DIRECT)
    {
      lookup->pending++;
      g_resolver_lookup_service_async (resolver, "xmpp-client", "tcp", domain, priv->cancellable,
                                       on_xmpp_resolved, lookup);
    }
}

gboolean
xmpp_connection_redirect (XmppConnection *self,
                          const char     *location)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);
  g_autofree char *host = NULL;
  guint16 port = 5222;
  g_autoptr(GSocketConnectable) address = NULL;

  /* Only while connecting, and only so often: a redirect loop ends. */
  if (priv->connect_task == NULL || location == NULL || priv->redirects >= MAX_REDIRECTS)
    return FALSE;

  /* RFC 6120 §4.9.3.19: a host name, an IPv4 address or a bracketed IPv6
   * address, with an optional port. */
  address = g_network_address_parse (location, 5222, NULL);
  if (address == NULL)
    return FALSE;
  host = g_strdup (g_network_address_get_hostname (G_NETWORK_ADDRESS (address)));
  port = g_network_address_get_port (G_NETWORK_ADDRESS (address));
  if (host == NULL || *host == '\0' || port == 0)
    return FALSE;

  priv->redirects++;
  g_debug ("The server redirects to %s port %u", host, port);
  xmpp_connection_drop_transport (self);
  g_list_free_full (g_steal_pointer (&priv->targets), (GDestroyNotify) xmpp_connection_target_free);
  /* The certificate is still checked against the account's domain. */
  priv->targets = g_list_append (NULL, target_new (host, port, priv->tls_mode == XMPP_TLS_MODE_DIRECT));
  xmpp_connection_try_next_target (self, NULL);
  return TRUE;
}
