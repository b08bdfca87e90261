/* xmpp-connection.c: the RFC 6120 client stream
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "xmpp-connection-private.h"

#include <string.h>

/**
 * XmppConnection:
 *
 * A client connection to an XMPP server: the stream of RFC 6120.
 *
 * [method@Xmpp.Connection.connect_async] connects to the server of the
 * account's domain (or to [property@Xmpp.Connection:host]), secures the
 * stream with TLS, checks the server's certificate against the account's
 * domain, logs in with the strongest SASL mechanism both sides know, and
 * binds a resource. Then [signal@Xmpp.Connection::ready] is emitted and
 * stanzas flow both ways.
 *
 * ```c
 * static void
 * on_ready (XmppConnection *connection, XmppJid *jid, gpointer user_data)
 * {
 *   g_print ("online as %s\n", xmpp_jid_to_string (jid));
 * }
 *
 * g_autoptr(XmppJid) jid = xmpp_jid_new ("juliet@example.com", NULL);
 * XmppConnection *connection = xmpp_connection_new (jid, "secret");
 * g_signal_connect (connection, "ready", G_CALLBACK (on_ready), NULL);
 * xmpp_connection_connect_async (connection, NULL, NULL, NULL);
 * ```
 *
 * Security is the default: TLS is required and a server that does not
 * offer it is refused before any credential is sent; the certificate must
 * be valid for the account's domain; PLAIN is only used inside TLS.
 *
 * IQ requests are sent with [method@Xmpp.Connection.send_iq_async], which
 * matches the reply by its id and by its sender and times out. Incoming
 * requests are offered to [signal@Xmpp.Connection::iq-request]; one that no
 * handler claims is answered with `service-unavailable`, and pings
 * (XEP-0199) are answered.
 *
 * All signals and callbacks run in the thread-default main context of the
 * thread that called [method@Xmpp.Connection.connect_async].
 */

#define DEFAULT_CONNECT_TIMEOUT 30

G_DEFINE_TYPE_WITH_PRIVATE (XmppConnection, xmpp_connection, G_TYPE_OBJECT)

/**
 * xmpp_connection_error_quark:
 *
 * Gives the quark of the %XMPP_CONNECTION_ERROR domain.
 *
 * Returns: the error domain
 */
G_DEFINE_QUARK (xmpp-connection-error-quark, xmpp_connection_error)

enum
{
  PROP_0,
  PROP_JID,
  PROP_PASSWORD,
  PROP_HOST,
  PROP_PORT,
  PROP_TLS_MODE,
  PROP_TLS_DATABASE,
  PROP_PINNED_CERTIFICATE,
  PROP_TLS_CERTIFICATE,
  PROP_RESOURCE,
  PROP_SASL_MECHANISM,
  PROP_IQ_TIMEOUT,
  PROP_CONNECT_TIMEOUT,
  PROP_STATE,
  PROP_BOUND_JID,
  PROP_QUEUED_BYTES,
  PROP_MAX_QUEUED_BYTES,
  PROP_KEEPALIVE_INTERVAL,
  PROP_PEER_CERTIFICATE,
  PROP_PEER_CERTIFICATE_ERRORS,
  PROP_STREAM_MANAGEMENT,
  PROP_LIVENESS_TIMEOUT,
  PROP_RESUMED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define PARAM_RW (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS)
#define PARAM_RO (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS)

enum
{
  SIGNAL_READY,
  SIGNAL_CLOSED,
  SIGNAL_IQ_REQUEST,
  SIGNAL_MESSAGE,
  SIGNAL_PRESENCE,
  SIGNAL_STANZA,
  SIGNAL_XML_RECEIVED,
  SIGNAL_XML_SENT,
  SIGNAL_QUEUE_DRAINED,
  SIGNAL_PASSWORD_NEEDED,
  SIGNAL_STANZA_UNACKNOWLEDGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ------------------------------------------------------------------ */
/* State */

XmppConnectionPrivate *
xmpp_connection_get_private (XmppConnection *self)
{
  return xmpp_connection_get_instance_private (self);
}

void
xmpp_connection_clear_source (GSource **source)
{
  if (*source == NULL)
    return;
  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

GSource *
xmpp_connection_add_timeout (XmppConnection *self,
                             guint           seconds,
                             GSourceFunc     func,
                             gpointer        data)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);
  GSource *source = g_timeout_source_new_seconds (seconds);

  g_source_set_callback (source, func, data, NULL);
  g_source_attach (source, priv->context);
  return source;
}

void
xmpp_connection_set_state (XmppConnection      *self,
                           XmppConnectionState  state)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);

  if (priv->state == state)
    return;
  priv->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

gboolean
xmpp_connection_is_active (XmppConnection *self)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);

  return priv->state != XMPP_CONNECTION_STATE_DISCONNECTED;
}

void
xmpp_connection_take_bound_jid (XmppConnection *self,
                                XmppJid        *jid)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);

  g_clear_pointer (&priv->bound_jid, xmpp_jid_unref);
  priv->bound_jid = jid;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BOUND_JID]);
}

/* ------------------------------------------------------------------ */
/* Signals */

void
xmpp_connection_emit_ready (XmppConnection *self,
                            XmppJid        *jid)
{
  g_signal_emit (self, signals[SIGNAL_READY], 0, jid);
}

void
xmpp_connection_emit_closed (XmppConnection *self,
                             const GError   *error)
{
  g_signal_emit (self, signals[SIGNAL_CLOSED], 0, error);
}

void
xmpp_connection_emit_stanza_unacknowledged (XmppConnection *self,
                                            XmppStanza     *stanza)
{
  g_signal_emit (self, signals[SIGNAL_STANZA_UNACKNOWLEDGED], 0, stanza);
}

gboolean
xmpp_connection_emit_password_needed (XmppConnection *self)
{
  gboolean handled = FALSE;

  g_signal_emit (self, signals[SIGNAL_PASSWORD_NEEDED], 0, &handled);
  return handled;
}

void
xmpp_connection_emit_xml_sent (XmppConnection *self,
                               const char     *text)
{
  if (g_signal_has_handler_pending (self, signals[SIGNAL_XML_SENT], 0, FALSE))
    g_signal_emit (self, signals[SIGNAL_XML_SENT], 0, text);
}

void
xmpp_connection_emit_xml_received (XmppConnection *self,
                                   const guint8   *data,
                                   gsize           size)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);
  g_autoptr(GString) bytes = NULL;
  g_autofree char *text = NULL;
  const char *end;
  gsize tail;

  if (!g_signal_has_handler_pending (self, signals[SIGNAL_XML_RECEIVED], 0, FALSE))
    {
      priv->received_tail_len = 0;
      return;
    }

  bytes = g_string_new_len (priv->received_tail, priv->received_tail_len);
  g_string_append_len (bytes, (const char *) data, size);
  priv->received_tail_len = 0;

  /* A character split between two reads is held back for the next one,
   * so that handlers (and the bindings) always get whole UTF-8. */
  g_utf8_validate_len (bytes->str, bytes->len, &end);
  tail = bytes->str + bytes->len - end;
  if (tail > 0 && tail < (gsize) g_utf8_skip[(guchar) *end] && tail <= sizeof priv->received_tail)
    {
      gboolean continuations = TRUE;

      for (gsize i = 1; i < tail; i++)
        continuations &= ((guchar) end[i] & 0xC0) == 0x80;
      if (continuations && ((guchar) *end & 0xC0) == 0xC0)
        {
          memcpy (priv->received_tail, end, tail);
          priv->received_tail_len = tail;
          g_string_truncate (bytes, bytes->len - tail);
        }
    }

  text = g_utf8_make_valid (bytes->str, bytes->len);
  g_signal_emit (self, signals[SIGNAL_XML_RECEIVED], 0, text);
}

void
xmpp_connection_emit_queue_drained (XmppConnection *self)
{
  g_signal_emit (self, signals[SIGNAL_QUEUE_DRAINED], 0);
}

static GQuark
payload_detail (XmppStanza *stanza)
{
  XmppElement *payload = xmpp_stanza_get_payload (stanza);
  const char *ns = payload != NULL ? xmpp_element_get_namespace (payload) : NULL;

  /* Only a detail a handler was connected for exists as a quark; a peer
   * cannot make new quarks, which are never freed. */
  return ns != NULL ? g_quark_try_string (ns) : 0;
}

gboolean
xmpp_connection_emit_iq_request (XmppConnection *self,
                                 XmppStanza     *request)
{
  gboolean handled = FALSE;

  g_signal_emit (self, signals[SIGNAL_IQ_REQUEST], payload_detail (request), request, &handled);
  return handled;
}

void
xmpp_connection_dispatch (XmppConnection *self,
                          XmppStanza     *stanza)
{
  const char *type = xmpp_stanza_get_stanza_type (stanza);

  g_signal_emit (self, signals[SIGNAL_STANZA], 0, stanza);

  switch (xmpp_stanza_get_kind (stanza))
    {
    case XMPP_STANZA_KIND_IQ:
      if (g_strcmp0 (type, "get") == 0 || g_strcmp0 (type, "set") == 0)
        xmpp_connection_handle_iq_request (self, stanza);
      else if (g_strcmp0 (type, "result") == 0 || g_strcmp0 (type, "error") == 0)
        xmpp_connection_handle_iq_reply (self, stanza);
      break;
    case XMPP_STANZA_KIND_MESSAGE:
      g_signal_emit (self, signals[SIGNAL_MESSAGE], payload_detail (stanza), stanza);
      break;
    case XMPP_STANZA_KIND_PRESENCE:
      g_signal_emit (self, signals[SIGNAL_PRESENCE], payload_detail (stanza), stanza);
      break;
    case XMPP_STANZA_KIND_OTHER:
    default:
      break;
    }
}

/* ------------------------------------------------------------------ */
/* Connecting */

static gboolean
on_connect_timeout (gpointer user_data)
{
  XmppConnection *self = user_data;
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);

  g_clear_pointer (&priv->connect_timeout_source, g_source_unref);
  xmpp_connection_stop (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                                   _("The connection to the server timed out")));
  return G_SOURCE_REMOVE;
}

void
xmpp_connection_start_connect_timeout (XmppConnection *self)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);

  xmpp_connection_pause_connect_timeout (self);
  if (priv->connect_timeout > 0)
    priv->connect_timeout_source = xmpp_connection_add_timeout (self, priv->connect_timeout,
                                                                on_connect_timeout, self);
}

void
xmpp_connection_pause_connect_timeout (XmppConnection *self)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);

  xmpp_connection_clear_source (&priv->connect_timeout_source);
}

/* Runs from a cancellable source in the connection's context, never
 * inside the cancellable's own signal emission. */
static gboolean
on_connect_cancelled (GCancellable *cancellable,
                      gpointer      user_data)
{
  XmppConnection *self = user_data;
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);

  g_clear_pointer (&priv->connect_cancel_source, g_source_unref);
  xmpp_connection_stop (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                   _("Connecting was cancelled")));
  return G_SOURCE_REMOVE;
}

/**
 * xmpp_connection_connect_async:
 * @self: a connection
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the connection is ready or has
 *   failed
 * @user_data: data for @callback
 *
 * Connects to the server, secures the stream, logs in and binds a
 * resource. The callback runs when [signal@Xmpp.Connection::ready] has
 * been emitted, or when the attempt failed. Cancelling @cancellable, or
 * running past [property@Xmpp.Connection:connect-timeout], fails the
 * attempt.
 */
void
xmpp_connection_connect_async (XmppConnection      *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  XmppConnectionPrivate *priv;
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (XMPP_IS_CONNECTION (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  priv = xmpp_connection_get_instance_private (self);
  g_return_if_fail (priv->jid != NULL);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xmpp_connection_connect_async);
  /* Cancellation is handled here: once ready, the result stands. */
  g_task_set_check_cancellable (task, FALSE);

  if (xmpp_connection_is_active (self))
    {
      g_task_return_new_error (task, XMPP_CONNECTION_ERROR, XMPP_CONNECTION_ERROR_BUSY,
                               _("The connection is already open"));
      return;
    }

  priv->connect_task = g_steal_pointer (&task);
  g_clear_pointer (&priv->context, g_main_context_unref);
  priv->context = g_main_context_ref_thread_default ();
  xmpp_connection_set_peer_certificate (self, NULL, 0);
  priv->secured = FALSE;
  priv->authenticated = FALSE;
  priv->resumed = FALSE;
  g_clear_pointer (&priv->bound_jid, xmpp_jid_unref);
  g_clear_pointer (&priv->features, xmpp_element_unref);
  xmpp_connection_set_state (self, XMPP_CONNECTION_STATE_CONNECTING);

  xmpp_connection_start_connect_timeout (self);
  if (cancellable != NULL)
    {
      priv->connect_cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (priv->connect_cancel_source, G_SOURCE_FUNC (on_connect_cancelled), self, NULL);
      g_source_attach (priv->connect_cancel_source, priv->context);
    }

  xmpp_connection_start (self);
}

/**
 * xmpp_connection_connect_finish:
 * @self: a connection
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Xmpp.Connection.connect_async].
 *
 * Returns: %TRUE if the connection is ready
 */
gboolean
xmpp_connection_connect_finish (XmppConnection *self,
                                GAsyncResult   *result,
                                GError        **error)
{
  g_return_val_if_fail (XMPP_IS_CONNECTION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == xmpp_connection_connect_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------ */
/* Properties */

/**
 * xmpp_connection_new:
 * @jid: the account's address; a resource in it is requested when binding
 * @password: (nullable): the account's password
 *
 * Creates a connection for an account. Nothing happens on the network
 * until [method@Xmpp.Connection.connect_async].
 *
 * Returns: (transfer full): a new connection
 */
XmppConnection *
xmpp_connection_new (XmppJid    *jid,
                     const char *password)
{
  g_return_val_if_fail (jid != NULL, NULL);

  return g_object_new (XMPP_TYPE_CONNECTION, "jid", jid, "password", password, NULL);
}

/**
 * xmpp_connection_set_password:
 * @self: a connection
 * @password: (nullable): the account's password
 *
 * Sets the password of the account, wiping the previous one from memory.
 * While a login waits for a password after
 * [signal@Xmpp.Connection::password-needed], this gives it and the login
 * goes on; %NULL then fails the attempt with %XMPP_SASL_ERROR_NO_PASSWORD.
 */
void
xmpp_connection_set_password (XmppConnection *self,
                              const char     *password)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);

  g_return_if_fail (XMPP_IS_CONNECTION (self));

  if (priv->password != NULL)
    explicit_bzero (priv->password, strlen (priv->password));
  g_free (priv->password);
  priv->password = g_strdup (password);
  if (priv->phase == PHASE_PASSWORD)
    xmpp_connection_continue_login (self);
}

void
xmpp_connection_set_peer_certificate (XmppConnection       *self,
                                      GTlsCertificate      *certificate,
                                      GTlsCertificateFlags  errors)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);

  if (g_set_object (&priv->peer_certificate, certificate))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PEER_CERTIFICATE]);
  if (priv->peer_errors != errors)
    {
      priv->peer_errors = errors;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PEER_CERTIFICATE_ERRORS]);
    }
}

/* The accessors below differ only in their types and fields: getters
 * check @self and give the field; setters return early when nothing
 * changed, then notify. */

#define DEFINE_GETTER(Type, name, field, fallback)                                    \
  Type                                                                                \
  xmpp_connection_get_##name (XmppConnection *self)                                   \
  {                                                                                   \
    XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);        \
    g_return_val_if_fail (XMPP_IS_CONNECTION (self), fallback);                       \
    return priv->field;                                                               \
  }

#define DEFINE_SETTER(Type, name, PROP, changed)                                      \
  void                                                                                \
  xmpp_connection_set_##name (XmppConnection *self, Type value)                       \
  {                                                                                   \
    XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);        \
    g_return_if_fail (XMPP_IS_CONNECTION (self));                                     \
    if (changed)                                                                      \
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP]);                   \
  }

static gboolean
set_string (char       **slot,
            const char  *value)
{
  if (g_strcmp0 (*slot, value) == 0)
    return FALSE;
  g_free (*slot);
  *slot = g_strdup (value);
  return TRUE;
}

#define set_value(slot, value) (*(slot) != (value) ? (*(slot) = (value), TRUE) : FALSE)

#define DEFINE_VALUE_PROPERTY(Type, name, PROP, fallback)                             \
  DEFINE_GETTER (Type, name, name, fallback)                                          \
  DEFINE_SETTER (Type, name, PROP, set_value (&priv->name, value))
#define DEFINE_STRING_PROPERTY(name, PROP)                                            \
  DEFINE_GETTER (const char *, name, name, NULL)                                      \
  DEFINE_SETTER (const char *, name, PROP, set_string (&priv->name, value))
#define DEFINE_OBJECT_PROPERTY(Type, name, PROP)                                      \
  DEFINE_GETTER (Type *, name, name, NULL)                                            \
  DEFINE_SETTER (Type *, name, PROP, g_set_object (&priv->name, value))

/**
 * xmpp_connection_get_jid:
 * @self: a connection
 *
 * Gives the account's address, as given at creation.
 *
 * Returns: (transfer none): the address
 */
DEFINE_GETTER (XmppJid *, jid, jid, NULL)

/**
 * xmpp_connection_get_bound_jid:
 * @self: a connection
 *
 * Gives the full address the server bound for this session.
 *
 * Returns: (transfer none) (nullable): the address, or %NULL before
 *   binding
 */
DEFINE_GETTER (XmppJid *, bound_jid, bound_jid, NULL)

/**
 * xmpp_connection_get_state:
 * @self: a connection
 *
 * Tells where the connection stands.
 *
 * Returns: the state
 */
DEFINE_GETTER (XmppConnectionState, state, state, XMPP_CONNECTION_STATE_DISCONNECTED)

/**
 * xmpp_connection_get_used_mechanism:
 * @self: a connection
 *
 * Gives the SASL mechanism the last login used, such as
 * `SCRAM-SHA-256-PLUS`.
 *
 * Returns: (nullable): the mechanism, or %NULL before a login
 */
DEFINE_GETTER (const char *, used_mechanism, used_mechanism, NULL)

/**
 * xmpp_connection_get_stream_features:
 * @self: a connection
 *
 * Gives the last `<stream:features/>` the server sent. Once the
 * connection is ready, those are the features of the authenticated
 * stream, where the server announces what it supports beyond the core,
 * such as roster versioning or stream management.
 *
 * Returns: (transfer none) (nullable): the features element, or %NULL
 *   before the server sent any
 */
DEFINE_GETTER (XmppElement *, stream_features, features, NULL)

/**
 * xmpp_connection_get_peer_certificate:
 * @self: a connection
 *
 * Gives the certificate the server presented in the last TLS handshake.
 *
 * Returns: (transfer none) (nullable): the certificate, or %NULL before
 *   any handshake
 */
DEFINE_GETTER (GTlsCertificate *, peer_certificate, peer_certificate, NULL)

/**
 * xmpp_connection_get_peer_certificate_errors:
 * @self: a connection
 *
 * Tells what is wrong with the server's certificate, for an application
 * that asks its user whether to trust it anyway.
 *
 * Returns: the problems, or 0 if the certificate checked out
 */
DEFINE_GETTER (GTlsCertificateFlags, peer_certificate_errors, peer_errors, 0)

/**
 * xmpp_connection_get_resumed:
 * @self: a connection
 *
 * Tells whether the current session resumed an earlier one.
 *
 * Returns: %TRUE if the server resumed the session
 */
DEFINE_GETTER (gboolean, resumed, resumed, FALSE)

/**
 * xmpp_connection_get_queued_bytes:
 * @self: a connection
 *
 * Tells how many bytes wait to be written.
 *
 * Returns: the number of bytes queued
 */
DEFINE_GETTER (gsize, queued_bytes, queued_bytes, 0)

/**
 * xmpp_connection_get_max_queued_bytes:
 * @self: a connection
 *
 * Gives the size of the send queue past which
 * [method@Xmpp.Connection.send] refuses stanzas.
 *
 * Returns: the limit in bytes, 0 for none
 */
/**
 * xmpp_connection_set_max_queued_bytes:
 * @self: a connection
 * @max_queued_bytes: the limit in bytes, 0 for none
 *
 * Sets [property@Xmpp.Connection:max-queued-bytes].
 */
DEFINE_VALUE_PROPERTY (gsize, max_queued_bytes, PROP_MAX_QUEUED_BYTES, 0)

/**
 * xmpp_connection_get_keepalive_interval:
 * @self: a connection
 *
 * Gives how long the stream may stay silent before a whitespace
 * keepalive is sent.
 *
 * Returns: the interval in seconds, 0 for no keepalive
 */
/**
 * xmpp_connection_set_keepalive_interval:
 * @self: a connection
 * @seconds: the interval in seconds, 0 for no keepalive
 *
 * Sets [property@Xmpp.Connection:keepalive-interval]; a ready connection
 * takes the new interval at once.
 */
DEFINE_GETTER (guint, keepalive_interval, keepalive_interval, 0)

void
xmpp_connection_set_keepalive_interval (XmppConnection *self,
                                        guint           seconds)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);

  g_return_if_fail (XMPP_IS_CONNECTION (self));
  if (priv->keepalive_interval == seconds)
    return;
  priv->keepalive_interval = seconds;
  xmpp_connection_start_keepalive (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEEPALIVE_INTERVAL]);
}

/**
 * xmpp_connection_get_tls_mode:
 * @self: a connection
 *
 * Tells how the connection is encrypted.
 *
 * Returns: the mode
 */
/**
 * xmpp_connection_set_tls_mode:
 * @self: a connection
 * @mode: how to encrypt
 *
 * Sets [property@Xmpp.Connection:tls-mode].
 */
DEFINE_VALUE_PROPERTY (XmppTlsMode, tls_mode, PROP_TLS_MODE, XMPP_TLS_MODE_STARTTLS)

/**
 * xmpp_connection_get_host:
 * @self: a connection
 *
 * Gives the host to connect to instead of looking up the domain's.
 *
 * Returns: (nullable): the host, or %NULL to use the account's domain
 */
/**
 * xmpp_connection_set_host:
 * @self: a connection
 * @host: (nullable): a host name or address, or %NULL to use the account's
 *   domain
 *
 * Sets [property@Xmpp.Connection:host]. The certificate is still checked
 * against the account's domain.
 */
DEFINE_STRING_PROPERTY (host, PROP_HOST)

/**
 * xmpp_connection_get_resource:
 * @self: a connection
 *
 * Gives the resource requested at binding.
 *
 * Returns: (nullable): the resource, or %NULL to let the server choose
 */
/**
 * xmpp_connection_set_resource:
 * @self: a connection
 * @resource: (nullable): the resource, or %NULL to let the server choose
 *
 * Sets [property@Xmpp.Connection:resource].
 */
DEFINE_STRING_PROPERTY (resource, PROP_RESOURCE)

/**
 * xmpp_connection_get_sasl_mechanism:
 * @self: a connection
 *
 * Gives the only SASL mechanism the connection will use, if one is forced.
 *
 * Returns: (nullable): the mechanism, or %NULL for the strongest offered
 */
/**
 * xmpp_connection_set_sasl_mechanism:
 * @self: a connection
 * @mechanism: (nullable): a mechanism name such as `SCRAM-SHA-1`, or %NULL for
 *   the strongest both sides know
 *
 * Sets [property@Xmpp.Connection:sasl-mechanism]. Forcing a mechanism never
 * allows PLAIN without TLS.
 */
DEFINE_STRING_PROPERTY (sasl_mechanism, PROP_SASL_MECHANISM)

/**
 * xmpp_connection_get_port:
 * @self: a connection
 *
 * Gives the port used with [property@Xmpp.Connection:host].
 *
 * Returns: the port, or 0 for the default
 */
/**
 * xmpp_connection_set_port:
 * @self: a connection
 * @port: a port, or 0 for the default (5222, or 5223 for Direct TLS)
 *
 * Sets [property@Xmpp.Connection:port].
 */
DEFINE_VALUE_PROPERTY (guint, port, PROP_PORT, 0)

/**
 * xmpp_connection_get_iq_timeout:
 * @self: a connection
 *
 * Gives how long an IQ request waits for its reply by default.
 *
 * Returns: the time in seconds
 */
/**
 * xmpp_connection_set_iq_timeout:
 * @self: a connection
 * @seconds: the time in seconds; 0 for no limit
 *
 * Sets [property@Xmpp.Connection:iq-timeout].
 */
DEFINE_VALUE_PROPERTY (guint, iq_timeout, PROP_IQ_TIMEOUT, 0)

/**
 * xmpp_connection_get_connect_timeout:
 * @self: a connection
 *
 * Gives how long connecting may take, from the start to
 * [signal@Xmpp.Connection::ready].
 *
 * Returns: the time in seconds
 */
/**
 * xmpp_connection_set_connect_timeout:
 * @self: a connection
 * @seconds: the time in seconds; 0 for no limit
 *
 * Sets [property@Xmpp.Connection:connect-timeout].
 */
DEFINE_VALUE_PROPERTY (guint, connect_timeout, PROP_CONNECT_TIMEOUT, 0)

/**
 * xmpp_connection_get_stream_management:
 * @self: a connection
 *
 * Tells whether XEP-0198 stream management is used when offered.
 *
 * Returns: %TRUE if it is
 */
/**
 * xmpp_connection_set_stream_management:
 * @self: a connection
 * @enabled: whether to use stream management
 *
 * Sets [property@Xmpp.Connection:stream-management], for the next
 * session.
 */
DEFINE_GETTER (gboolean, stream_management, stream_management, FALSE)
DEFINE_SETTER (gboolean, stream_management, PROP_STREAM_MANAGEMENT,
               set_value (&priv->stream_management, !!value))

/**
 * xmpp_connection_get_liveness_timeout:
 * @self: a connection
 *
 * Gives how long the server may take to prove the link alive.
 *
 * Returns: the time in seconds; 0 when the check is off
 */
/**
 * xmpp_connection_set_liveness_timeout:
 * @self: a connection
 * @seconds: the time in seconds; 0 turns the check off
 *
 * Sets [property@Xmpp.Connection:liveness-timeout].
 */
DEFINE_VALUE_PROPERTY (guint, liveness_timeout, PROP_LIVENESS_TIMEOUT, 0)

/**
 * xmpp_connection_get_tls_database:
 * @self: a connection
 *
 * Gives the trust store that checks the server's certificate.
 *
 * Returns: (transfer none) (nullable): the database, or %NULL for the
 *   system's
 */
/**
 * xmpp_connection_set_tls_database:
 * @self: a connection
 * @database: (nullable): a trust store, or %NULL for the system's
 *
 * Sets [property@Xmpp.Connection:tls-database].
 */
DEFINE_OBJECT_PROPERTY (GTlsDatabase, tls_database, PROP_TLS_DATABASE)

/**
 * xmpp_connection_get_pinned_certificate:
 * @self: a connection
 *
 * Gives the certificate trusted as it is, whoever issued it.
 *
 * Returns: (transfer none) (nullable): the certificate, or %NULL
 */
/**
 * xmpp_connection_set_pinned_certificate:
 * @self: a connection
 * @certificate: (nullable): the server certificate to trust, or %NULL
 *
 * Sets [property@Xmpp.Connection:pinned-certificate].
 */
DEFINE_OBJECT_PROPERTY (GTlsCertificate, pinned_certificate, PROP_PINNED_CERTIFICATE)

/**
 * xmpp_connection_get_tls_certificate:
 * @self: a connection
 *
 * Gives the client certificate presented to the server.
 *
 * Returns: (transfer none) (nullable): the certificate, or %NULL
 */
/**
 * xmpp_connection_set_tls_certificate:
 * @self: a connection
 * @certificate: (nullable): a certificate with its private key, or %NULL
 *
 * Sets [property@Xmpp.Connection:tls-certificate].
 */
DEFINE_OBJECT_PROPERTY (GTlsCertificate, tls_certificate, PROP_TLS_CERTIFICATE)

static void
xmpp_connection_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  XmppConnection *self = XMPP_CONNECTION (object);
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_JID: g_value_set_boxed (value, priv->jid); break;
    case PROP_HOST: g_value_set_string (value, priv->host); break;
    case PROP_PORT: g_value_set_uint (value, priv->port); break;
    case PROP_TLS_MODE: g_value_set_enum (value, priv->tls_mode); break;
    case PROP_TLS_DATABASE: g_value_set_object (value, priv->tls_database); break;
    case PROP_PINNED_CERTIFICATE: g_value_set_object (value, priv->pinned_certificate); break;
    case PROP_TLS_CERTIFICATE: g_value_set_object (value, priv->tls_certificate); break;
    case PROP_RESOURCE: g_value_set_string (value, priv->resource); break;
    case PROP_SASL_MECHANISM: g_value_set_string (value, priv->sasl_mechanism); break;
    case PROP_IQ_TIMEOUT: g_value_set_uint (value, priv->iq_timeout); break;
    case PROP_CONNECT_TIMEOUT: g_value_set_uint (value, priv->connect_timeout); break;
    case PROP_STATE: g_value_set_enum (value, priv->state); break;
    case PROP_BOUND_JID: g_value_set_boxed (value, priv->bound_jid); break;
    case PROP_QUEUED_BYTES: g_value_set_uint64 (value, priv->queued_bytes); break;
    case PROP_MAX_QUEUED_BYTES: g_value_set_uint64 (value, priv->max_queued_bytes); break;
    case PROP_KEEPALIVE_INTERVAL: g_value_set_uint (value, priv->keepalive_interval); break;
    case PROP_PEER_CERTIFICATE: g_value_set_object (value, priv->peer_certificate); break;
    case PROP_PEER_CERTIFICATE_ERRORS: g_value_set_flags (value, priv->peer_errors); break;
    case PROP_STREAM_MANAGEMENT: g_value_set_boolean (value, priv->stream_management); break;
    case PROP_LIVENESS_TIMEOUT: g_value_set_uint (value, priv->liveness_timeout); break;
    case PROP_RESUMED: g_value_set_boolean (value, priv->resumed); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xmpp_connection_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  XmppConnection *self = XMPP_CONNECTION (object);
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_JID:
      g_clear_pointer (&priv->jid, xmpp_jid_unref);
      priv->jid = g_value_dup_boxed (value);
      if (priv->jid != NULL && priv->resource == NULL)
        priv->resource = g_strdup (xmpp_jid_get_resourcepart (priv->jid));
      break;
    case PROP_PASSWORD: xmpp_connection_set_password (self, g_value_get_string (value)); break;
    case PROP_HOST: xmpp_connection_set_host (self, g_value_get_string (value)); break;
    case PROP_PORT: xmpp_connection_set_port (self, g_value_get_uint (value)); break;
    case PROP_TLS_MODE: xmpp_connection_set_tls_mode (self, g_value_get_enum (value)); break;
    case PROP_TLS_DATABASE: xmpp_connection_set_tls_database (self, g_value_get_object (value)); break;
    case PROP_PINNED_CERTIFICATE:
      xmpp_connection_set_pinned_certificate (self, g_value_get_object (value));
      break;
    case PROP_TLS_CERTIFICATE:
      xmpp_connection_set_tls_certificate (self, g_value_get_object (value));
      break;
    case PROP_RESOURCE: xmpp_connection_set_resource (self, g_value_get_string (value)); break;
    case PROP_SASL_MECHANISM: xmpp_connection_set_sasl_mechanism (self, g_value_get_string (value)); break;
    case PROP_IQ_TIMEOUT: xmpp_connection_set_iq_timeout (self, g_value_get_uint (value)); break;
    case PROP_CONNECT_TIMEOUT: xmpp_connection_set_connect_timeout (self, g_value_get_uint (value)); break;
    case PROP_MAX_QUEUED_BYTES: xmpp_connection_set_max_queued_bytes (self, g_value_get_uint64 (value)); break;
    case PROP_KEEPALIVE_INTERVAL: xmpp_connection_set_keepalive_interval (self, g_value_get_uint (value)); break;
    case PROP_STREAM_MANAGEMENT:
      xmpp_connection_set_stream_management (self, g_value_get_boolean (value));
      break;
    case PROP_LIVENESS_TIMEOUT: xmpp_connection_set_liveness_timeout (self, g_value_get_uint (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xmpp_connection_dispose (GObject *object)
{
  XmppConnection *self = XMPP_CONNECTION (object);

  if (xmpp_connection_is_active (self))
    xmpp_connection_stop (self, g_error_new_literal (XMPP_CONNECTION_ERROR, XMPP_CONNECTION_ERROR_CLOSED,
                                                     _("The connection was disposed")));
  G_OBJECT_CLASS (xmpp_connection_parent_class)->dispose (object);
}

static void
xmpp_connection_finalize (GObject *object)
{
  XmppConnection *self = XMPP_CONNECTION (object);
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);

  g_clear_pointer (&priv->jid, xmpp_jid_unref);
  if (priv->password != NULL)
    explicit_bzero (priv->password, strlen (priv->password));
  g_clear_pointer (&priv->password, g_free);
  g_clear_pointer (&priv->host, g_free);
  g_clear_object (&priv->tls_database);
  g_clear_object (&priv->pinned_certificate);
  g_clear_object (&priv->tls_certificate);
  g_clear_object (&priv->peer_certificate);
  g_clear_pointer (&priv->resource, g_free);
  g_clear_pointer (&priv->sasl_mechanism, g_free);
  g_clear_pointer (&priv->bound_jid, xmpp_jid_unref);
  g_clear_pointer (&priv->features, xmpp_element_unref);
  g_clear_pointer (&priv->used_mechanism, g_free);
  g_clear_pointer (&priv->bind_id, g_free);
  g_clear_pointer (&priv->session_id, g_free);
  g_clear_object (&priv->cancellable);
  g_clear_object (&priv->parser);
  g_clear_pointer (&priv->read_buffer, g_free);
  g_clear_pointer (&priv->pending_iqs, g_hash_table_unref);
  xmpp_connection_sm_reset (self);
  g_clear_pointer (&priv->context, g_main_context_unref);

  G_OBJECT_CLASS (xmpp_connection_parent_class)->finalize (object);
}

static void
xmpp_connection_class_init (XmppConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = xmpp_connection_get_property;
  object_class->set_property = xmpp_connection_set_property;
  object_class->dispose = xmpp_connection_dispose;
  object_class->finalize = xmpp_connection_finalize;

  /**
   * XmppConnection:jid:
   *
   * The account's address. A resource in it is requested when binding.
   */
  properties[PROP_JID] =
    g_param_spec_boxed ("jid", NULL, NULL, XMPP_TYPE_JID,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppConnection:password:
   *
   * The account's password, kept for the logins of this connection (a
   * redirect, a new connect) and wiped from memory when it is replaced or
   * the connection is finalized. It cannot be read back. When it is
   * %NULL and a login needs one,
   * [signal@Xmpp.Connection::password-needed] asks for it.
   */
  properties[PROP_PASSWORD] =
    g_param_spec_string ("password", NULL, NULL, NULL,
                         G_PARAM_WRITABLE | G_PARAM_STATIC_STRINGS);

  /**
   * XmppConnection:host:
   *
   * A host to connect to instead of the account's domain, such as
   * `127.0.0.1` for a local server. The certificate is still checked
   * against the account's domain.
   */
  properties[PROP_HOST] =
    g_param_spec_string ("host", NULL, NULL, NULL, PARAM_RW);

  /**
   * XmppConnection:port:
   *
   * The port to connect to; 0 for the default.
   */
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 0, G_MAXUINT16, 0, PARAM_RW);

  /**
   * XmppConnection:tls-mode:
   *
   * How the connection is encrypted: STARTTLS, required, by default.
   */
  properties[PROP_TLS_MODE] =
    g_param_spec_enum ("tls-mode", NULL, NULL, XMPP_TYPE_TLS_MODE, XMPP_TLS_MODE_STARTTLS,
                       PARAM_RW);

  /**
   * XmppConnection:tls-database:
   *
   * The trust store that checks the server's certificate; %NULL for the
   * system's.
   */
  properties[PROP_TLS_DATABASE] =
    g_param_spec_object ("tls-database", NULL, NULL, G_TYPE_TLS_DATABASE, PARAM_RW);

  /**
   * XmppConnection:pinned-certificate:
   *
   * A server certificate trusted as it is, even if no trusted authority
   * issued it.
   */
  properties[PROP_PINNED_CERTIFICATE] =
    g_param_spec_object ("pinned-certificate", NULL, NULL, G_TYPE_TLS_CERTIFICATE, PARAM_RW);

  /**
   * XmppConnection:tls-certificate:
   *
   * A client certificate, with its private key, to present in the TLS
   * handshake. When the server then offers SASL `EXTERNAL` (XEP-0178), the
   * connection logs in with the certificate, and needs no password.
   */
  properties[PROP_TLS_CERTIFICATE] =
    g_param_spec_object ("tls-certificate", NULL, NULL, G_TYPE_TLS_CERTIFICATE, PARAM_RW);

  /**
   * XmppConnection:resource:
   *
   * The resource to request when binding; %NULL lets the server choose.
   */
  properties[PROP_RESOURCE] =
    g_param_spec_string ("resource", NULL, NULL, NULL, PARAM_RW);

  /**
   * XmppConnection:sasl-mechanism:
   *
   * The only SASL mechanism to use; %NULL for the strongest both sides
   * know.
   */
  properties[PROP_SASL_MECHANISM] =
    g_param_spec_string ("sasl-mechanism", NULL, NULL, NULL, PARAM_RW);

  /**
   * XmppConnection:iq-timeout:
   *
   * How long, in seconds, an IQ request waits for its reply by default.
   */
  properties[PROP_IQ_TIMEOUT] =
    g_param_spec_uint ("iq-timeout", NULL, NULL, 0, G_MAXUINT, XMPP_CONNECTION_DEFAULT_IQ_TIMEOUT,
                       PARAM_RW);

  /**
   * XmppConnection:connect-timeout:
   *
   * How long, in seconds, connecting may take until the stream is ready.
   */
  properties[PROP_CONNECT_TIMEOUT] =
    g_param_spec_uint ("connect-timeout", NULL, NULL, 0, G_MAXUINT, DEFAULT_CONNECT_TIMEOUT,
                       PARAM_RW);

  /**
   * XmppConnection:state:
   *
   * Where the connection stands.
   */
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, XMPP_TYPE_CONNECTION_STATE,
                       XMPP_CONNECTION_STATE_DISCONNECTED, PARAM_RO);

  /**
   * XmppConnection:bound-jid:
   *
   * The full address the server bound for this session.
   */
  properties[PROP_BOUND_JID] =
    g_param_spec_boxed ("bound-jid", NULL, NULL, XMPP_TYPE_JID, PARAM_RO);

  /**
   * XmppConnection:queued-bytes:
   *
   * How many bytes wait to be written. It changes with every write and is
   * not notified; [signal@Xmpp.Connection::queue-drained] tells when it
   * reaches 0.
   */
  properties[PROP_QUEUED_BYTES] =
    g_param_spec_uint64 ("queued-bytes", NULL, NULL, 0, G_MAXUINT64, 0, PARAM_RO);

  /**
   * XmppConnection:max-queued-bytes:
   *
   * The size of the send queue past which [method@Xmpp.Connection.send]
   * refuses stanzas; 0 for no limit.
   */
  properties[PROP_MAX_QUEUED_BYTES] =
    g_param_spec_uint64 ("max-queued-bytes", NULL, NULL, 0, G_MAXUINT64,
                         XMPP_CONNECTION_DEFAULT_MAX_QUEUED_BYTES, PARAM_RW);

  /**
   * XmppConnection:keepalive-interval:
   *
   * After this many seconds without sending, a ready connection sends a
   * space (RFC 6120 §4.6.1) to keep the stream alive; 0 turns it off.
   */
  properties[PROP_KEEPALIVE_INTERVAL] =
    g_param_spec_uint ("keepalive-interval", NULL, NULL, 0, G_MAXUINT,
                       XMPP_CONNECTION_DEFAULT_KEEPALIVE_INTERVAL, PARAM_RW);

  /**
   * XmppConnection:peer-certificate:
   *
   * The certificate the server presented in the last TLS handshake, also
   * after a failed one. An application that lets the user decide about a
   * certificate it does not trust shows this one with
   * [property@Xmpp.Connection:peer-certificate-errors] when connecting
   * fails with %XMPP_CONNECTION_ERROR_CERTIFICATE; if the user accepts it,
   * the application pins it with
   * [property@Xmpp.Connection:pinned-certificate] and connects again.
   */
  properties[PROP_PEER_CERTIFICATE] =
    g_param_spec_object ("peer-certificate", NULL, NULL, G_TYPE_TLS_CERTIFICATE, PARAM_RO);

  /**
   * XmppConnection:peer-certificate-errors:
   *
   * What is wrong with [property@Xmpp.Connection:peer-certificate]; no
   * flag for a certificate that checked out.
   */
  properties[PROP_PEER_CERTIFICATE_ERRORS] =
    g_param_spec_flags ("peer-certificate-errors", NULL, NULL, G_TYPE_TLS_CERTIFICATE_FLAGS, 0,
                        PARAM_RO);

  /**
   * XmppConnection:stream-management:
   *
   * Whether to use XEP-0198 stream management when the server offers it:
   * acknowledged stanzas, and a session that a new connect resumes after
   * a network failure, without losing or repeating stanzas.
   */
  properties[PROP_STREAM_MANAGEMENT] =
    g_param_spec_boolean ("stream-management", NULL, NULL, TRUE, PARAM_RW);

  /**
   * XmppConnection:liveness-timeout:
   *
   * How long, in seconds, the server may take to answer the check that
   * the link is alive (a stream management acknowledgement request, or
   * a ping without stream management), sent when the stream has been
   * idle for [property@Xmpp.Connection:keepalive-interval]. Without an
   * answer the stream ends with %G_IO_ERROR_TIMED_OUT, and may then be
   * resumed. 0 turns the check off.
   */
  properties[PROP_LIVENESS_TIMEOUT] =
    g_param_spec_uint ("liveness-timeout", NULL, NULL, 0, G_MAXUINT, XMPP_CONNECTION_DEFAULT_LIVENESS_TIMEOUT,
                       PARAM_RW);

  /**
   * XmppConnection:resumed:
   *
   * Whether the current session resumed an earlier one (XEP-0198): the
   * server kept its state, so nothing of the session needs to be set up
   * again.
   */
  properties[PROP_RESUMED] =
    g_param_spec_boolean ("resumed", NULL, NULL, FALSE, PARAM_RO);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * XmppConnection::ready:
   * @self: the connection
   * @jid: the full address the server bound
   *
   * Emitted when the stream is bound and stanzas may flow.
   */
  signals[SIGNAL_READY] =
    g_signal_new ("ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  G_STRUCT_OFFSET (XmppConnectionClass, ready), NULL, NULL, NULL,
                  G_TYPE_NONE, 1, XMPP_TYPE_JID);

  /**
   * XmppConnection::closed:
   * @self: the connection
   * @error: (nullable): why the connection ended, or %NULL after a
   *   graceful close
   *
   * Emitted exactly once when a connection that was started ends, whether
   * it ever became ready or not.
   */
  signals[SIGNAL_CLOSED] =
    g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  G_STRUCT_OFFSET (XmppConnectionClass, closed), NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);

  /**
   * XmppConnection::iq-request:
   * @self: the connection
   * @request: an IQ of type `get` or `set`
   *
   * Emitted for each incoming IQ request, with the namespace of its payload
   * as the detail, so that `iq-request::jabber:iq:version` sees only
   * version queries. A handler that answers the request (with
   * [method@Xmpp.Stanza.new_reply] or [method@Xmpp.Stanza.new_error_reply] and
   * [method@Xmpp.Connection.send]) returns %TRUE; a request no handler
   * claims is answered with `service-unavailable`.
   *
   * Returns: %TRUE if the handler answered the request
   */
  signals[SIGNAL_IQ_REQUEST] =
    g_signal_new ("iq-request", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0, g_signal_accumulator_true_handled, NULL, NULL,
                  G_TYPE_BOOLEAN, 1, XMPP_TYPE_STANZA);

  /**
   * XmppConnection::message:
   * @self: the connection
   * @message: the message stanza
   *
   * Emitted for each incoming message, with the namespace of its first
   * extension element (such as `http://jabber.org/protocol/chatstates`) as
   * the detail.
   */
  signals[SIGNAL_MESSAGE] =
    g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, XMPP_TYPE_STANZA);

  /**
   * XmppConnection::presence:
   * @self: the connection
   * @presence: the presence stanza
   *
   * Emitted for each incoming presence, with the namespace of its first
   * extension element as the detail.
   */
  signals[SIGNAL_PRESENCE] =
    g_signal_new ("presence", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, XMPP_TYPE_STANZA);

  /**
   * XmppConnection::stanza:
   * @self: the connection
   * @stanza: the element
   *
   * Emitted for every top-level element received once the connection is
   * ready, before the more specific signals.
   */
  signals[SIGNAL_STANZA] =
    g_signal_new ("stanza", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, XMPP_TYPE_STANZA);

  /**
   * XmppConnection::xml-received:
   * @self: the connection
   * @text: the bytes received, as text
   *
   * Emitted with each chunk read from the server, for debugging. The
   * chunks are not split at element boundaries, but always hold whole
   * UTF-8 characters: a character split between two reads comes with the
   * second.
   */
  signals[SIGNAL_XML_RECEIVED] =
    g_signal_new ("xml-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * XmppConnection::xml-sent:
   * @self: the connection
   * @text: the XML queued for sending
   *
   * Emitted with each piece of XML the connection queues, for debugging.
   */
  signals[SIGNAL_XML_SENT] =
    g_signal_new ("xml-sent", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * XmppConnection::queue-drained:
   * @self: the connection
   *
   * Emitted when everything queued for sending has been written.
   */
  signals[SIGNAL_QUEUE_DRAINED] =
    g_signal_new ("queue-drained", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * XmppConnection::stanza-unacknowledged:
   * @self: the connection
   * @stanza: a stanza the server may not have received
   *
   * Emitted, in sending order, for each stanza sent under stream
   * management that the server never acknowledged, when the session it
   * belonged to is lost for good: the server refused to resume it, turned
   * stream management off with `<failed/>`, or the stream ended in a way
   * that cannot be resumed (then before [signal@Xmpp.Connection::closed],
   * with the connection already disconnected). The application decides
   * whether to send them again.
   */
  signals[SIGNAL_STANZA_UNACKNOWLEDGED] =
    g_signal_new ("stanza-unacknowledged", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, XMPP_TYPE_STANZA);

  /**
   * XmppConnection::password-needed:
   * @self: the connection
   *
   * Emitted when a login needs a password and
   * [property@Xmpp.Connection:password] is not set, for example to ask the
   * user or a keyring. A handler that will give the password returns
   * %TRUE and calls [method@Xmpp.Connection.set_password], at once or
   * later; the login waits meanwhile, and
   * [property@Xmpp.Connection:connect-timeout] does not run. Cancelling
   * the connect call gives up. When no handler returns %TRUE, connecting
   * fails with %XMPP_SASL_ERROR_NO_PASSWORD.
   *
   * Returns: %TRUE if the handler will set the password
   */
  signals[SIGNAL_PASSWORD_NEEDED] =
    g_signal_new ("password-needed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  G_STRUCT_OFFSET (XmppConnectionClass, password_needed),
                  g_signal_accumulator_true_handled, NULL, NULL, G_TYPE_BOOLEAN, 0);
}

static void
xmpp_connection_init (XmppConnection *self)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);

  priv->iq_timeout = XMPP_CONNECTION_DEFAULT_IQ_TIMEOUT;
  priv->max_queued_bytes = XMPP_CONNECTION_DEFAULT_MAX_QUEUED_BYTES;
  priv->keepalive_interval = XMPP_CONNECTION_DEFAULT_KEEPALIVE_INTERVAL;
  priv->connect_timeout = DEFAULT_CONNECT_TIMEOUT;
  priv->stream_management = TRUE;
  priv->liveness_timeout = XMPP_CONNECTION_DEFAULT_LIVENESS_TIMEOUT;
  g_queue_init (&priv->sm_unacked);
  priv->cancellable = g_cancellable_new ();
  priv->parser = xmpp_parser_new ();
  xmpp_parser_set_handlers (priv->parser, &xmpp_connection_parser_handlers, self);
  priv->read_buffer = g_malloc (READ_BUFFER_SIZE);
  priv->pending_iqs = xmpp_connection_new_pending_iqs ();
  g_queue_init (&priv->write_queue);
}
