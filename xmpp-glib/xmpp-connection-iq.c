/* xmpp-connection-iq.c: IQ requests and replies of an XmppConnection
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "xmpp-connection-private.h"

#include <string.h>
#include <gnutls/crypto.h>

#define NS_PING "urn:xmpp:ping"

typedef struct
{
  XmppConnection *self;            /* weak */
  char *id;
  XmppJid *expected_from;          /* NULL: the account or its server */
  GTask *task;
  GSource *timeout;
  GSource *cancel;                 /* fires in the connection's context */
} PendingIq;

/* ------------------------------------------------------------------ */
/* Waiting requests */

/* Takes the task out of @pending, which then waits for nothing: no
 * timeout, no cancellation. */
static GTask *
steal_task (PendingIq *pending)
{
  xmpp_connection_clear_source (&pending->timeout);
  xmpp_connection_clear_source (&pending->cancel);
  return g_steal_pointer (&pending->task);
}

static void
fail_pending_iq (gpointer key,
                 gpointer value,
                 gpointer user_data)
{
  PendingIq *pending = value;
  const GError *error = user_data;
  g_autoptr(GTask) task = steal_task (pending);

  g_task_return_error (task, g_error_copy (error));
}

static void
pending_iq_free (PendingIq *pending)
{
  g_clear_object (&pending->task);
  xmpp_connection_clear_source (&pending->timeout);
  xmpp_connection_clear_source (&pending->cancel);
  g_clear_pointer (&pending->expected_from, xmpp_jid_unref);
  g_free (pending->id);
  g_free (pending);
}

GHashTable *
xmpp_connection_new_pending_iqs (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) pending_iq_free);
}

void
xmpp_connection_fail_pending_iqs (XmppConnection *self,
                                  const GError   *error)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);
  GHashTable *pending;

  pending = g_steal_pointer (&priv->pending_iqs);
  priv->pending_iqs = xmpp_connection_new_pending_iqs ();
  g_hash_table_foreach (pending, fail_pending_iq, (gpointer) error);
  g_hash_table_unref (pending);
}

/* ------------------------------------------------------------------ */
/* Replies */

char *
xmpp_connection_new_iq_id (void)
{
  guint8 random[12];

  /* The ids are unguessable, so that nobody can forge a reply. GnuTLS
   * only fails here when its generator is broken beyond use. */
  if (gnutls_rnd (GNUTLS_RND_NONCE, random, sizeof random) < 0)
    g_error ("No random numbers for an IQ id");
  return g_base64_encode (random, sizeof random);
}

/* RFC 6120 §8.1.2.1: a reply to a request sent without 'to' comes from
 * the account itself or its server, with or without a 'from'. */
static gboolean
reply_sender_matches (XmppConnection *self,
                      PendingIq      *pending,
                      XmppStanza     *reply)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);
  const char *from_text = xmpp_element_get_attribute (xmpp_stanza_get_element (reply), "from");
  XmppJid *from = xmpp_stanza_get_from (reply);

  if (pending->expected_from != NULL)
    return from != NULL && xmpp_jid_equal (from, pending->expected_from);

  if (from_text == NULL)
    return TRUE;
  if (from == NULL)
    return FALSE;
  if (xmpp_jid_get_localpart (from) == NULL && xmpp_jid_get_resourcepart (from) == NULL)
    return strcmp (xmpp_jid_get_domainpart (from), xmpp_jid_get_domainpart (priv->jid)) == 0;
  if (priv->bound_jid != NULL && xmpp_jid_equal (from, priv->bound_jid))
    return TRUE;
  return xmpp_jid_is_bare (from) && xmpp_jid_equal_bare (from, priv->jid);
}

gboolean
xmpp_connection_handle_iq_reply (XmppConnection *self,
                                 XmppStanza     *reply)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);
  const char *id = xmpp_stanza_get_id (reply);
  PendingIq *pending;
  GTask *task;
  GError *error = NULL;

  if (id == NULL)
    return FALSE;
  pending = g_hash_table_lookup (priv->pending_iqs, id);
  if (pending == NULL || !reply_sender_matches (self, pending, reply))
    return FALSE;

  task = steal_task (pending);
  g_hash_table_remove (priv->pending_iqs, id);

  if (!xmpp_stanza_check_error (reply, &error))
    {
      g_task_set_task_data (task, xmpp_stanza_ref (reply), (GDestroyNotify) xmpp_stanza_unref);
      g_task_return_error (task, error);
    }
  else
    g_task_return_pointer (task, xmpp_stanza_ref (reply), (GDestroyNotify) xmpp_stanza_unref);
  g_object_unref (task);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Incoming requests */

void
xmpp_connection_handle_iq_request (XmppConnection *self,
                                   XmppStanza     *request)
{
  XmppElement *payload = xmpp_stanza_get_payload (request);

  if (payload != NULL && xmpp_element_is (payload, "ping", NS_PING) &&
      g_strcmp0 (xmpp_stanza_get_stanza_type (request), "get") == 0)
    {
      g_autoptr(XmppStanza) pong = xmpp_stanza_new_reply (request);

      xmpp_connection_queue_element (self, xmpp_stanza_get_element (pong));
      return;
    }

  if (!xmpp_connection_emit_iq_request (self, request))
    {
      g_autoptr(XmppStanza) refusal =
        xmpp_stanza_new_error_reply (request, XMPP_STANZA_ERROR_TYPE_CANCEL,
                                     XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE, NULL);
      xmpp_connection_queue_element (self, xmpp_stanza_get_element (refusal));
    }
}

/* ------------------------------------------------------------------ */
/* Sending */

static gboolean
on_iq_timeout (gpointer user_data)
{
  PendingIq *pending = user_data;
  XmppConnectionPrivate *priv = xmpp_connection_get_private (pending->self);
  g_autoptr(GTask) task = steal_task (pending);

  g_hash_table_remove (priv->pending_iqs, pending->id);
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                           _("No reply to the request within the time allowed"));
  return G_SOURCE_REMOVE;
}

/* Runs from a cancellable source in the connection's context, never
 * inside the cancellable's own signal emission. */
static gboolean
on_iq_cancelled (GCancellable *cancellable,
                 gpointer      user_data)
{
  PendingIq *pending = user_data;
  XmppConnectionPrivate *priv = xmpp_connection_get_private (pending->self);
  g_autoptr(GTask) task = steal_task (pending);

  g_hash_table_remove (priv->pending_iqs, pending->id);
  g_task_return_error_if_cancelled (task);
  return G_SOURCE_REMOVE;
}

/**
 * xmpp_connection_send_iq_async:
 * @self: a ready connection
 * @iq: an IQ of type `get` or `set`
 * @timeout_seconds: how long to wait for the reply; 0 for
 *   [property@Xmpp.Connection:iq-timeout], -1 for no limit
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called with the reply
 * @user_data: data for @callback
 *
 * Sends an IQ request and waits for its reply. The library gives @iq an
 * unguessable id, and accepts as the reply only a `result` or `error`
 * with that id from the entity the request went to (or, without `to`,
 * from the account or its server); anything else with the same id is
 * ignored.
 */
void
xmpp_connection_send_iq_async (XmppConnection      *self,
                               XmppStanza          *iq,
                               int                  timeout_seconds,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  XmppConnectionPrivate *priv;
  g_autoptr(GTask) task = NULL;
  PendingIq *pending;
  XmppJid *to;
  const char *type;

  g_return_if_fail (XMPP_IS_CONNECTION (self));
  g_return_if_fail (iq != NULL && xmpp_stanza_get_kind (iq) == XMPP_STANZA_KIND_IQ);

  priv = xmpp_connection_get_private (self);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xmpp_connection_send_iq_async);

  type = xmpp_stanza_get_stanza_type (iq);
  if (g_strcmp0 (type, "get") != 0 && g_strcmp0 (type, "set") != 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("An IQ request must have the type “get” or “set”"));
      return;
    }
  if (priv->phase != PHASE_READY)
    {
      g_task_return_new_error (task, XMPP_CONNECTION_ERROR, XMPP_CONNECTION_ERROR_CLOSED,
                               _("The connection is not ready"));
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;

  pending = g_new0 (PendingIq, 1);
  pending->self = self;
  pending->id = xmpp_connection_new_iq_id ();
  to = xmpp_stanza_get_to (iq);
  pending->expected_from = to != NULL ? xmpp_jid_ref (to) : NULL;
  xmpp_stanza_set_id (iq, pending->id);

  if (timeout_seconds == 0)
    timeout_seconds = priv->iq_timeout;
  if (timeout_seconds > 0)
    pending->timeout = xmpp_connection_add_timeout (self, timeout_seconds, on_iq_timeout, pending);
  pending->task = g_steal_pointer (&task);
  if (cancellable != NULL)
    {
      pending->cancel = g_cancellable_source_new (cancellable);
      g_source_set_callback (pending->cancel, G_SOURCE_FUNC (on_iq_cancelled), pending, NULL);
      g_source_attach (pending->cancel, priv->context);
    }
  g_hash_table_insert (priv->pending_iqs, pending->id, pending);

  xmpp_connection_queue_element (self, xmpp_stanza_get_element (iq));
}

/**
 * xmpp_connection_send_iq_finish:
 * @self: a connection
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Xmpp.Connection.send_iq_async]. An error reply gives a
 * #GError in the %XMPP_STANZA_ERROR domain with the reply's condition and
 * text; no reply in time gives %G_IO_ERROR_TIMED_OUT; the stream closing
 * first gives %XMPP_CONNECTION_ERROR_CLOSED or the error that closed it.
 *
 * Returns: (transfer full): the `result` reply
 */
XmppStanza *
xmpp_connection_send_iq_finish (XmppConnection *self,
                                GAsyncResult   *result,
                                GError        **error)
{
  g_return_val_if_fail (XMPP_IS_CONNECTION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == xmpp_connection_send_iq_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * xmpp_connection_send_iq_get_error_reply:
 * @self: a connection
 * @result: the result given to the callback of
 *   [method@Xmpp.Connection.send_iq_async]
 *
 * Gives the `type='error'` reply that made
 * [method@Xmpp.Connection.send_iq_finish] fail with a %XMPP_STANZA_ERROR,
 * for its application-specific condition or other details. It is the
 * same stanza as [func@Xmpp.StanzaError.get_reply] gives from the error,
 * for languages whose bindings do not keep a #GError's extra data.
 *
 * Returns: (transfer none) (nullable): the error reply, or %NULL if the
 *   request did not fail with one
 */
XmppStanza *
xmpp_connection_send_iq_get_error_reply (XmppConnection *self,
                                         GAsyncResult   *result)
{
  g_return_val_if_fail (XMPP_IS_CONNECTION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == xmpp_connection_send_iq_async, NULL);

  return g_task_get_task_data (G_TASK (result));
}
