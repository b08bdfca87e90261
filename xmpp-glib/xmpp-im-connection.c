/* xmpp-im-connection.c: instant messaging and presence (RFC 6121)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "xmpp-glib-private.h"
#include "xmpp-contact-private.h"
#include "xmpp-roster-private.h"

#include <string.h>

/**
 * XmppImConnection:
 *
 * A client connection with the instant messaging and presence of RFC 6121:
 * the roster, presence, subscriptions and messages.
 *
 * Once the stream is bound, the connection fetches the roster (with
 * roster versioning when the server supports it, from the version and
 * items given to [method@Xmpp.Roster.load_from_string]), sends the initial
 * presence of [property@Xmpp.ImConnection:presence], and emits
 * [signal@Xmpp.ImConnection::session-ready].
 *
 * ```python
 * conn = Xmpp.ImConnection.new(Xmpp.Jid.new('juliet@example.com'), 'secret')
 * conn.connect('message-received', lambda c, msg: print(msg.get_body(None)))
 * conn.connect('session-ready', lambda c: c.send_message(
 *     Xmpp.Message.new(Xmpp.MessageType.CHAT, Xmpp.Jid.new('romeo@example.net'), 'Hi')))
 * conn.connect_async(None, None)
 * ```
 *
 * [property@Xmpp.ImConnection:roster] is a [iface@Gio.ListModel] of
 * [class@Xmpp.Contact] that a list view binds to; each contact keeps the
 * presence of its online resources. Roster pushes are taken only from the
 * server on the account's behalf (no `from`, or the account's bare
 * address); a push from anybody else is refused.
 */

struct _XmppImConnection
{
  XmppConnection parent_instance;

  XmppRoster *roster;
  XmppContact *own_contact;
  XmppPresence *presence;          /* sent at session start; NULL: none */
  GCancellable *session_cancellable;
  gboolean session_ready;
};

G_DEFINE_FINAL_TYPE (XmppImConnection, xmpp_im_connection, XMPP_TYPE_CONNECTION)

#define NS_ROSTER_VERSIONING "urn:xmpp:features:rosterver"
#define NS_PREAPPROVAL       "urn:xmpp:features:pre-approval"

enum
{
  PROP_0,
  PROP_ROSTER,
  PROP_OWN_CONTACT,
  PROP_PRESENCE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_SESSION_READY,
  SIGNAL_MESSAGE_RECEIVED,
  SIGNAL_MESSAGE_ERROR,
  SIGNAL_PRESENCE_CHANGED,
  SIGNAL_SUBSCRIBE_RECEIVED,
  SIGNAL_SUBSCRIBED_RECEIVED,
  SIGNAL_UNSUBSCRIBE_RECEIVED,
  SIGNAL_UNSUBSCRIBED_RECEIVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ------------------------------------------------------------------ */
/* The session: roster, then initial presence */

static gboolean
server_supports (XmppImConnection *self,
                 const char       *name,
                 const char       *ns)
{
  XmppElement *features = xmpp_connection_get_stream_features (XMPP_CONNECTION (self));

  return features != NULL && xmpp_element_get_child (features, name, ns) != NULL;
}

static void
on_roster_reply (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(XmppImConnection) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppStanza) reply = NULL;
  XmppElement *query;

  reply = xmpp_connection_send_iq_finish (XMPP_CONNECTION (self), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_error_matches (error, XMPP_CONNECTION_ERROR, XMPP_CONNECTION_ERROR_CLOSED))
    return;
  if (reply == NULL)
    {
      /* The session goes on without a roster from the server. */
      g_debug ("The roster could not be fetched: %s", error->message);
    }
  else
    {
      /* An empty result means the cached roster is current (RFC 6121
       * §2.6.3); changes since then come as pushes. */
      query = xmpp_element_get_child (xmpp_stanza_get_element (reply), "query", XMPP_NS_ROSTER);
      if (query != NULL)
        xmpp_roster_replace (self->roster, query);
    }

  if (self->presence != NULL)
    {
      g_autoptr(XmppStanza) stanza = xmpp_presence_to_stanza (self->presence);

      xmpp_connection_send (XMPP_CONNECTION (self), stanza);
    }
  self->session_ready = TRUE;
  g_signal_emit (self, signals[SIGNAL_SESSION_READY], 0);
}

static void
xmpp_im_connection_ready (XmppConnection *connection,
                          XmppJid        *jid)
{
  XmppImConnection *self = XMPP_IM_CONNECTION (connection);
  g_autoptr(XmppStanza) iq = xmpp_stanza_new (XMPP_STANZA_KIND_IQ, "get");
  XmppJid *bare = xmpp_jid_get_bare (jid);
  XmppElement *query;

  /* A resumed session (XEP-0198) is the same session: the server kept
   * the roster subscription and the presence, and sends what changed. */
  if (xmpp_connection_get_resumed (connection))
    {
      self->session_ready = TRUE;
      return;
    }

  if (!xmpp_jid_equal (xmpp_contact_get_jid (self->own_contact), bare))
    {
      /* The server chose another address than the one asked for. */
      g_clear_object (&self->own_contact);
      self->own_contact = xmpp_contact_new (bare);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OWN_CONTACT]);
    }

  g_cancellable_cancel (self->session_cancellable);
  g_clear_object (&self->session_cancellable);
  self->session_cancellable = g_cancellable_new ();

  query = xmpp_element_add_child_new (xmpp_stanza_get_element (iq), "query", XMPP_NS_ROSTER);
  if (server_supports (self, "ver", NS_ROSTER_VERSIONING))
    {
      const char *version = xmpp_roster_get_version (self->roster);

      xmpp_element_set_attribute (query, "ver", version != NULL ? version : "");
    }
  xmpp_connection_send_iq_async (connection, iq, 0, self->session_cancellable,
                                 on_roster_reply, g_object_ref (self));
}

static void
xmpp_im_connection_closed (XmppConnection *connection,
                           const GError   *error)
{
  XmppImConnection *self = XMPP_IM_CONNECTION (connection);

  g_cancellable_cancel (self->session_cancellable);
  self->session_ready = FALSE;
  /* A session the server keeps for resumption keeps its presence;
   * otherwise nothing is known of anybody's presence without a stream. */
  if (xmpp_connection_can_resume (connection))
    return;
  xmpp_roster_clear_presences (self->roster);
  xmpp_contact_clear_presences (self->own_contact);
}

/* ------------------------------------------------------------------ */
/* Incoming stanzas */

static gboolean
is_own_account (XmppImConnection *self,
                XmppJid          *jid)
{
  return xmpp_jid_equal_bare (jid, xmpp_contact_get_jid (self->own_contact));
}

/* RFC 6121 §2.1.6: a push comes from the server on the account's behalf,
 * with no from or the account's bare address; anything else is a forgery
 * and is left unclaimed, so that it is refused. */
static gboolean
on_roster_push (XmppConnection *connection,
                XmppStanza     *request,
                gpointer        user_data)
{
  XmppImConnection *self = XMPP_IM_CONNECTION (connection);
  XmppJid *from = xmpp_stanza_get_from (request);
  XmppElement *query = xmpp_stanza_get_payload (request);
  g_autoptr(XmppStanza) reply = NULL;

  if (g_strcmp0 (xmpp_stanza_get_stanza_type (request), "set") != 0)
    return FALSE;
  if (from != NULL && (xmpp_jid_get_resourcepart (from) != NULL || !is_own_account (self, from)))
    {
      g_debug ("Ignoring a roster push from %s", xmpp_jid_to_string (from));
      return FALSE;
    }

  if (query != NULL && xmpp_roster_apply_push (self->roster, query))
    reply = xmpp_stanza_new_reply (request);
  else
    reply = xmpp_stanza_new_error_reply (request, XMPP_STANZA_ERROR_TYPE_MODIFY,
                                         XMPP_STANZA_ERROR_BAD_REQUEST, NULL);
  xmpp_connection_send (connection, reply);
  return TRUE;
}

/* The contact whose presence an available or unavailable presence from
 * @from tells, or NULL if it tells nothing the connection keeps. */
static XmppContact *
availability_contact (XmppImConnection *self,
                      XmppJid          *from)
{
  XmppJid *bound = xmpp_connection_get_bound_jid (XMPP_CONNECTION (self));

  if (!is_own_account (self, from))
    return xmpp_roster_lookup (self->roster, from);
  /* The account's other resources; the server also reflects this
   * resource's own presence, which is not news. */
  if (bound != NULL && xmpp_jid_equal (from, bound))
    return NULL;
  return self->own_contact;
}

/* Presence is the busiest stanza (a chat room sends one for each
 * occupant), so it is read into an XmppPresence only when it concerns a
 * contact or somebody listens. */
static void
on_presence (XmppConnection *connection,
             XmppStanza     *stanza,
             gpointer        user_data)
{
  static const struct {
    const char *type;
    guint signal;
  } subscription_signals[] = {
    { "subscribe", SIGNAL_SUBSCRIBE_RECEIVED },
    { "subscribed", SIGNAL_SUBSCRIBED_RECEIVED },
    { "unsubscribe", SIGNAL_UNSUBSCRIBE_RECEIVED },
    { "unsubscribed", SIGNAL_UNSUBSCRIBED_RECEIVED },
  };
  XmppImConnection *self = XMPP_IM_CONNECTION (connection);
  XmppJid *from = xmpp_stanza_get_from (stanza);
  const char *type = xmpp_stanza_get_stanza_type (stanza);
  g_autoptr(XmppPresence) presence = NULL;

  if (from == NULL)
    return;

  if (type == NULL || strcmp (type, "unavailable") == 0)
    {
      XmppContact *contact = availability_contact (self, from);
      g_autoptr(XmppPresence) old = NULL;

      if (contact == NULL)
        return;
      presence = xmpp_presence_new_from_stanza (stanza);
      old = xmpp_contact_update_presence (contact, presence);
      /* Unavailable from a resource that was not online changes nothing
       * (servers send it, for example, when a subscription is approved). */
      if (old == NULL && !xmpp_presence_is_available (presence))
        return;
      g_signal_emit (self, signals[SIGNAL_PRESENCE_CHANGED], 0, contact, old, presence);
      return;
    }

  /* Probes are the server's business; errors and unknown types are
   * nobody's. */
  for (guint i = 0; i < G_N_ELEMENTS (subscription_signals); i++)
    {
      guint signal_id = signals[subscription_signals[i].signal];

      if (strcmp (type, subscription_signals[i].type) != 0)
        continue;
      if (!g_signal_has_handler_pending (self, signal_id, 0, FALSE))
        return;
      presence = xmpp_presence_new_from_stanza (stanza);
      g_signal_emit (self, signal_id, 0, xmpp_jid_get_bare (from), xmpp_presence_get_status (presence, NULL));
      return;
    }
}

/* Read into an XmppMessage only when somebody listens: a client that
 * handles messages through XmppConnection::message alone pays nothing. */
static void
on_message (XmppConnection *connection,
            XmppStanza     *stanza,
            gpointer        user_data)
{
  XmppImConnection *self = XMPP_IM_CONNECTION (connection);
  gboolean is_error = xmpp_stanza_is_error (stanza);
  guint signal_id = signals[is_error ? SIGNAL_MESSAGE_ERROR : SIGNAL_MESSAGE_RECEIVED];
  g_autoptr(XmppMessage) message = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_signal_has_handler_pending (self, signal_id, 0, FALSE))
    return;
  message = xmpp_message_new_from_stanza (stanza);
  if (message == NULL)
    return;
  if (is_error)
    {
      xmpp_stanza_check_error (stanza, &error);
      g_signal_emit (self, signal_id, 0, message, error);
    }
  else
    g_signal_emit (self, signal_id, 0, message);
}

/* ------------------------------------------------------------------ */
/* API */

/**
 * xmpp_im_connection_new:
 * @jid: the account's address; a resource in it is requested when binding
 * @password: (nullable): the account's password
 *
 * Creates an instant messaging connection for an account. Nothing happens
 * on the network until [method@Xmpp.Connection.connect_async].
 *
 * Returns: (transfer full): a new connection
 */
XmppImConnection *
xmpp_im_connection_new (XmppJid    *jid,
                        const char *password)
{
  g_return_val_if_fail (jid != NULL, NULL);

  return g_object_new (XMPP_TYPE_IM_CONNECTION, "jid", jid, "password", password, NULL);
}

/**
 * xmpp_im_connection_get_roster:
 * @self: a connection
 *
 * Gives the account's roster. It stays the same object for the life of
 * the connection, across reconnections.
 *
 * Returns: (transfer none): the roster
 */
XmppRoster *
xmpp_im_connection_get_roster (XmppImConnection *self)
{
  g_return_val_if_fail (XMPP_IS_IM_CONNECTION (self), NULL);

  return self->roster;
}

/**
 * xmpp_im_connection_get_own_contact:
 * @self: a connection
 *
 * Gives a contact for the account itself, whose resources are the
 * account's other online resources (other devices of the same user).
 * This connection's own resource is not among them.
 *
 * Returns: (transfer none): the account as a contact
 */
XmppContact *
xmpp_im_connection_get_own_contact (XmppImConnection *self)
{
  g_return_val_if_fail (XMPP_IS_IM_CONNECTION (self), NULL);

  return self->own_contact;
}

/**
 * xmpp_im_connection_is_session_ready:
 * @self: a connection
 *
 * Tells whether the session is ready: the roster was fetched and the
 * initial presence sent.
 *
 * Returns: %TRUE between [signal@Xmpp.ImConnection::session-ready] and the
 *   end of the connection
 */
gboolean
xmpp_im_connection_is_session_ready (XmppImConnection *self)
{
  g_return_val_if_fail (XMPP_IS_IM_CONNECTION (self), FALSE);

  return self->session_ready;
}

/**
 * xmpp_im_connection_get_presence:
 * @self: a connection
 *
 * Gives the account's own presence, sent when the session starts.
 *
 * Returns: (transfer none) (nullable): the presence, or %NULL when the
 *   connection sends none
 */
XmppPresence *
xmpp_im_connection_get_presence (XmppImConnection *self)
{
  g_return_val_if_fail (XMPP_IS_IM_CONNECTION (self), NULL);

  return self->presence;
}

/**
 * xmpp_im_connection_set_presence:
 * @self: a connection
 * @presence: (nullable): the account's presence (available, with its show,
 *   status and priority), or %NULL to send none
 *
 * Sets [property@Xmpp.ImConnection:presence]. It is sent at the start of
 * every session and, when the session is ready, at once: setting the same
 * object again after changing it sends it again. %NULL on a ready
 * session sends unavailable presence: the account stays connected but
 * invisible to its contacts (a bot that only sends, for example).
 */
void
xmpp_im_connection_set_presence (XmppImConnection *self,
                                 XmppPresence     *presence)
{
  g_autoptr(XmppStanza) stanza = NULL;

  g_return_if_fail (XMPP_IS_IM_CONNECTION (self));
  g_return_if_fail (presence == NULL || XMPP_IS_PRESENCE (presence));

  if (self->session_ready)
    {
      if (presence != NULL)
        stanza = xmpp_presence_to_stanza (presence);
      else if (self->presence != NULL)
        {
          g_autoptr(XmppPresence) unavailable = xmpp_presence_new (XMPP_PRESENCE_TYPE_UNAVAILABLE);

          stanza = xmpp_presence_to_stanza (unavailable);
        }
    }
  if (stanza != NULL)
    xmpp_connection_send (XMPP_CONNECTION (self), stanza);
  if (g_set_object (&self->presence, presence))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRESENCE]);
}

/**
 * xmpp_im_connection_send_presence:
 * @self: a connection
 * @presence: a presence
 *
 * Sends a presence as it is: directed presence when it has a recipient
 * (RFC 6121 §4.6), or a broadcast to the contacts otherwise. It does not
 * change [property@Xmpp.ImConnection:presence].
 *
 * Returns: %TRUE if it was queued, %FALSE if the send queue is full (see
 *   [method@Xmpp.Connection.send])
 */
gboolean
xmpp_im_connection_send_presence (XmppImConnection *self,
                                  XmppPresence     *presence)
{
  g_autoptr(XmppStanza) stanza = NULL;

  g_return_val_if_fail (XMPP_IS_IM_CONNECTION (self), FALSE);
  g_return_val_if_fail (XMPP_IS_PRESENCE (presence), FALSE);

  stanza = xmpp_presence_to_stanza (presence);
  return xmpp_connection_send (XMPP_CONNECTION (self), stanza);
}

/**
 * xmpp_im_connection_send_message:
 * @self: a connection
 * @message: a message with a recipient
 *
 * Sends a message. If it bounces, [signal@Xmpp.ImConnection::message-error]
 * is emitted with the bounce, which carries the same id as @message.
 *
 * Returns: %TRUE if it was queued, %FALSE if the send queue is full (see
 *   [method@Xmpp.Connection.send])
 */
gboolean
xmpp_im_connection_send_message (XmppImConnection *self,
                                 XmppMessage      *message)
{
  g_autoptr(XmppStanza) stanza = NULL;

  g_return_val_if_fail (XMPP_IS_IM_CONNECTION (self), FALSE);
  g_return_val_if_fail (XMPP_IS_MESSAGE (message), FALSE);

  stanza = xmpp_message_to_stanza (message);
  return xmpp_connection_send (XMPP_CONNECTION (self), stanza);
}

static gboolean
send_subscription (XmppImConnection *self,
                   XmppPresenceType  type,
                   XmppJid          *jid,
                   const char       *status)
{
  g_autoptr(XmppPresence) presence = xmpp_presence_new (type);
  XmppJid *bare = xmpp_jid_get_bare (jid);

  /* Subscriptions are between bare addresses (RFC 6121 §3.1.1). */
  xmpp_presence_set_to (presence, bare);
  if (status != NULL)
    xmpp_presence_set_status (presence, NULL, status);
  return xmpp_im_connection_send_presence (self, presence);
}

/**
 * xmpp_im_connection_subscribe:
 * @self: a connection
 * @jid: the contact's address
 * @status: (nullable): a text for the contact, such as "It's Juliet"
 *
 * Asks a contact for a subscription to its presence. The server adds the
 * contact to the roster, with [property@Xmpp.Contact:ask] set until the
 * contact answers.
 *
 * Returns: %TRUE if the request was queued
 */
gboolean
xmpp_im_connection_subscribe (XmppImConnection *self,
                              XmppJid          *jid,
                              const char       *status)
{
  g_return_val_if_fail (XMPP_IS_IM_CONNECTION (self), FALSE);
  g_return_val_if_fail (jid != NULL, FALSE);

  return send_subscription (self, XMPP_PRESENCE_TYPE_SUBSCRIBE, jid, status);
}

/**
 * xmpp_im_connection_unsubscribe:
 * @self: a connection
 * @jid: the contact's address
 *
 * Ends the account's subscription to a contact's presence.
 *
 * Returns: %TRUE if the request was queued
 */
gboolean
xmpp_im_connection_unsubscribe (XmppImConnection *self,
                                XmppJid          *jid)
{
  g_return_val_if_fail (XMPP_IS_IM_CONNECTION (self), FALSE);
  g_return_val_if_fail (jid != NULL, FALSE);

  return send_subscription (self, XMPP_PRESENCE_TYPE_UNSUBSCRIBE, jid, NULL);
}

/**
 * xmpp_im_connection_approve_subscription:
 * @self: a connection
 * @jid: the address that asked
 *
 * Approves a subscription request received through
 * [signal@Xmpp.ImConnection::subscribe-received]: the contact will see the
 * account's presence.
 *
 * Returns: %TRUE if the approval was queued
 */
gboolean
xmpp_im_connection_approve_subscription (XmppImConnection *self,
                                         XmppJid          *jid)
{
  g_return_val_if_fail (XMPP_IS_IM_CONNECTION (self), FALSE);
  g_return_val_if_fail (jid != NULL, FALSE);

  return send_subscription (self, XMPP_PRESENCE_TYPE_SUBSCRIBED, jid, NULL);
}

/**
 * xmpp_im_connection_deny_subscription:
 * @self: a connection
 * @jid: the address that asked
 *
 * Refuses a subscription request received through
 * [signal@Xmpp.ImConnection::subscribe-received].
 *
 * Returns: %TRUE if the refusal was queued
 */
gboolean
xmpp_im_connection_deny_subscription (XmppImConnection *self,
                                      XmppJid          *jid)
{
  g_return_val_if_fail (XMPP_IS_IM_CONNECTION (self), FALSE);
  g_return_val_if_fail (jid != NULL, FALSE);

  return send_subscription (self, XMPP_PRESENCE_TYPE_UNSUBSCRIBED, jid, NULL);
}

/**
 * xmpp_im_connection_cancel_subscription:
 * @self: a connection
 * @jid: the contact's address
 *
 * Takes back a contact's subscription to the account's presence: the
 * contact no longer sees it. On the wire this is the same `unsubscribed`
 * as a refusal (RFC 6121 §3.2).
 *
 * Returns: %TRUE if it was queued
 */
gboolean
xmpp_im_connection_cancel_subscription (XmppImConnection *self,
                                        XmppJid          *jid)
{
  return xmpp_im_connection_deny_subscription (self, jid);
}

/**
 * xmpp_im_connection_get_supports_preapproval:
 * @self: a connection
 *
 * Tells whether the server supports subscription pre-approval (RFC 6121
 * §3.4), which it announces in the stream features.
 *
 * Returns: %TRUE if it does
 */
gboolean
xmpp_im_connection_get_supports_preapproval (XmppImConnection *self)
{
  g_return_val_if_fail (XMPP_IS_IM_CONNECTION (self), FALSE);

  return server_supports (self, "sub", NS_PREAPPROVAL);
}

/**
 * xmpp_im_connection_preapprove_subscription:
 * @self: a connection
 * @jid: the address to approve in advance
 * @error: return location for a #GError
 *
 * Approves a subscription request before it comes (RFC 6121 §3.4): when
 * @jid asks, the server approves at once. The roster item shows
 * [property@Xmpp.Contact:approved]. Only where the server supports it.
 *
 * Returns: %TRUE if the pre-approval was queued; %FALSE with
 *   %G_IO_ERROR_NOT_SUPPORTED if the server does not support it
 */
gboolean
xmpp_im_connection_preapprove_subscription (XmppImConnection  *self,
                                            XmppJid           *jid,
                                            GError           **error)
{
  g_return_val_if_fail (XMPP_IS_IM_CONNECTION (self), FALSE);
  g_return_val_if_fail (jid != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!xmpp_im_connection_get_supports_preapproval (self))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("The server does not support subscription pre-approval"));
      return FALSE;
    }
  return send_subscription (self, XMPP_PRESENCE_TYPE_SUBSCRIBED, jid, NULL);
}

/* ------------------------------------------------------------------ */
/* GObject */

static void
xmpp_im_connection_constructed (GObject *object)
{
  XmppImConnection *self = XMPP_IM_CONNECTION (object);
  XmppJid *jid = xmpp_connection_get_jid (XMPP_CONNECTION (self));

  G_OBJECT_CLASS (xmpp_im_connection_parent_class)->constructed (object);

  self->roster = xmpp_roster_new (XMPP_CONNECTION (self));
  self->own_contact = xmpp_contact_new (jid);
  g_signal_connect (self, "iq-request::" XMPP_NS_ROSTER, G_CALLBACK (on_roster_push), NULL);
  g_signal_connect (self, "presence", G_CALLBACK (on_presence), NULL);
  g_signal_connect (self, "message", G_CALLBACK (on_message), NULL);
}

static void
xmpp_im_connection_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  XmppImConnection *self = XMPP_IM_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_ROSTER: g_value_set_object (value, self->roster); break;
    case PROP_OWN_CONTACT: g_value_set_object (value, self->own_contact); break;
    case PROP_PRESENCE: g_value_set_object (value, self->presence); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xmpp_im_connection_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  XmppImConnection *self = XMPP_IM_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_PRESENCE: xmpp_im_connection_set_presence (self, g_value_get_object (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xmpp_im_connection_dispose (GObject *object)
{
  XmppImConnection *self = XMPP_IM_CONNECTION (object);

  g_cancellable_cancel (self->session_cancellable);
  G_OBJECT_CLASS (xmpp_im_connection_parent_class)->dispose (object);
}

static void
xmpp_im_connection_finalize (GObject *object)
{
  XmppImConnection *self = XMPP_IM_CONNECTION (object);

  g_clear_object (&self->roster);
  g_clear_object (&self->own_contact);
  g_clear_object (&self->presence);
  g_clear_object (&self->session_cancellable);

  G_OBJECT_CLASS (xmpp_im_connection_parent_class)->finalize (object);
}

static void
xmpp_im_connection_class_init (XmppImConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  XmppConnectionClass *connection_class = XMPP_CONNECTION_CLASS (klass);

  object_class->constructed = xmpp_im_connection_constructed;
  object_class->get_property = xmpp_im_connection_get_property;
  object_class->set_property = xmpp_im_connection_set_property;
  object_class->dispose = xmpp_im_connection_dispose;
  object_class->finalize = xmpp_im_connection_finalize;
  connection_class->ready = xmpp_im_connection_ready;
  connection_class->closed = xmpp_im_connection_closed;

  /**
   * XmppImConnection:roster:
   *
   * The account's roster, a [iface@Gio.ListModel] of [class@Xmpp.Contact].
   */
  properties[PROP_ROSTER] =
    g_param_spec_object ("roster", NULL, NULL, XMPP_TYPE_ROSTER,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppImConnection:own-contact:
   *
   * The account as a contact, whose resources are the account's other
   * online resources.
   */
  properties[PROP_OWN_CONTACT] =
    g_param_spec_object ("own-contact", NULL, NULL, XMPP_TYPE_CONTACT,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppImConnection:presence:
   *
   * The account's own presence, sent when a session starts and whenever
   * it is set on a ready session; %NULL sends none. By default, simply
   * available.
   */
  properties[PROP_PRESENCE] =
    g_param_spec_object ("presence", NULL, NULL, XMPP_TYPE_PRESENCE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * XmppImConnection::session-ready:
   * @self: the connection
   *
   * Emitted once a session has started: after
   * [signal@Xmpp.Connection::ready], the roster was fetched and the
   * initial presence sent.
   */
  signals[SIGNAL_SESSION_READY] =
    g_signal_new ("session-ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * XmppImConnection::message-received:
   * @self: the connection
   * @message: the message
   *
   * Emitted for each incoming message that is not an error, with or
   * without a body (chat state notifications have none).
   */
  signals[SIGNAL_MESSAGE_RECEIVED] =
    g_signal_new ("message-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, XMPP_TYPE_MESSAGE);

  /**
   * XmppImConnection::message-error:
   * @self: the connection
   * @message: the bounced message, whose id is that of the message sent
   * @error: the error it carries, in the %XMPP_STANZA_ERROR domain
   *
   * Emitted when a message comes back as an error, for example because
   * the recipient does not exist.
   */
  signals[SIGNAL_MESSAGE_ERROR] =
    g_signal_new ("message-error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, XMPP_TYPE_MESSAGE, G_TYPE_ERROR);

  /**
   * XmppImConnection::presence-changed:
   * @self: the connection
   * @contact: the contact (a roster item, or the account's own contact)
   * @old: (nullable): the previous presence of the resource, or %NULL if
   *   it was offline
   * @presence: the new presence of the resource; unavailable when it went
   *   offline
   *
   * Emitted when a resource of a contact changes its presence, after the
   * contact's resources and best presence were updated. Unavailable
   * presence from a resource that was not online is no change, and
   * emits nothing.
   */
  signals[SIGNAL_PRESENCE_CHANGED] =
    g_signal_new ("presence-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  XMPP_TYPE_CONTACT, XMPP_TYPE_PRESENCE, XMPP_TYPE_PRESENCE);

  /**
   * XmppImConnection::subscribe-received:
   * @self: the connection
   * @jid: the bare address that asks
   * @status: (nullable): the text that came with the request
   *
   * Emitted when somebody asks for a subscription to the account's
   * presence. Answer with
   * [method@Xmpp.ImConnection.approve_subscription] or
   * [method@Xmpp.ImConnection.deny_subscription], now or later: the server
   * keeps the request until it is answered.
   */
  signals[SIGNAL_SUBSCRIBE_RECEIVED] =
    g_signal_new ("subscribe-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, XMPP_TYPE_JID, G_TYPE_STRING);

  /**
   * XmppImConnection::subscribed-received:
   * @self: the connection
   * @jid: the contact's bare address
   * @status: (nullable): the text that came with it
   *
   * Emitted when a contact approved the account's subscription request.
   */
  signals[SIGNAL_SUBSCRIBED_RECEIVED] =
    g_signal_new ("subscribed-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, XMPP_TYPE_JID, G_TYPE_STRING);

  /**
   * XmppImConnection::unsubscribe-received:
   * @self: the connection
   * @jid: the contact's bare address
   * @status: (nullable): the text that came with it
   *
   * Emitted when a contact ended its subscription to the account's
   * presence.
   */
  signals[SIGNAL_UNSUBSCRIBE_RECEIVED] =
    g_signal_new ("unsubscribe-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, XMPP_TYPE_JID, G_TYPE_STRING);

  /**
   * XmppImConnection::unsubscribed-received:
   * @self: the connection
   * @jid: the contact's bare address
   * @status: (nullable): the text that came with it
   *
   * Emitted when a contact refused the account's subscription request, or
   * took back a subscription it had approved.
   */
  signals[SIGNAL_UNSUBSCRIBED_RECEIVED] =
    g_signal_new ("unsubscribed-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, XMPP_TYPE_JID, G_TYPE_STRING);
}

static void
xmpp_im_connection_init (XmppImConnection *self)
{
  self->presence = xmpp_presence_new (XMPP_PRESENCE_TYPE_AVAILABLE);
  self->session_cancellable = g_cancellable_new ();
}
