/* xmpp-connection-stream.c: the transport and the negotiation of an
 * XmppConnection: sending and the write queue, reading, TLS and
 * STARTTLS, SASL, resource binding, stream errors, and the end of a
 * session, graceful (close_async) or not
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "xmpp-connection-private.h"
#include "xmpp-element-private.h"

#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#define NS_TLS     "urn:ietf:params:xml:ns:xmpp-tls"
#define NS_SASL    "urn:ietf:params:xml:ns:xmpp-sasl"
#define NS_BIND    "urn:ietf:params:xml:ns:xmpp-bind"
#define NS_SESSION "urn:ietf:params:xml:ns:xmpp-session"

/* How long a graceful close waits for the server's closing tag. */
#define CLOSE_TIMEOUT_SECONDS 5

static void start_reading (XmppConnection *self);
static void flush_writes (XmppConnection *self);
static void start_tls (XmppConnection *self);

/* ------------------------------------------------------------------ */
/* Writing */

static void
queue_bytes (XmppConnection *self,
             GBytes         *bytes)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);

  priv->queued_bytes += g_bytes_get_size (bytes);
  g_queue_push_tail (&priv->write_queue, bytes);
  flush_writes (self);
}

void
xmpp_connection_queue_text (XmppConnection *self,
                            const char     *text)
{
  xmpp_connection_emit_xml_sent (self, text);
  queue_bytes (self, g_bytes_new (text, strlen (text)));
}

void
xmpp_connection_queue_element (XmppConnection *self,
                               XmppElement    *element)
{
  GString *out = g_string_sized_new (256);

  xmpp_writer_append_element (out, element, XMPP_NS_CLIENT, TRUE);
  xmpp_connection_emit_xml_sent (self, out->str);
  xmpp_connection_sm_track (self, element);
  queue_bytes (self, g_string_free_to_bytes (out));
}

/**
 * xmpp_connection_send:
 * @self: a connection
 * @stanza: the stanza to send
 *
 * Queues a stanza for sending, after those queued before it; it never
 * blocks. When [property@Xmpp.Connection:queued-bytes] has reached
 * [property@Xmpp.Connection:max-queued-bytes], the stanza is not queued
 * and this returns %FALSE: wait for
 * [signal@Xmpp.Connection::queue-drained], then send again. This bounds
 * the memory a fast sender can take.
 *
 * On a connection that is not ready, the stanza is kept for a session
 * that [method@Xmpp.Connection.can_resume], and written once it resumed;
 * the stanzas kept so count against the same limit. Without such a
 * session, it is refused.
 *
 * Returns: %TRUE if the stanza was queued
 */
gboolean
xmpp_connection_send (XmppConnection *self,
                      XmppStanza     *stanza)
{
  XmppConnectionPrivate *priv;

  g_return_val_if_fail (XMPP_IS_CONNECTION (self), FALSE);
  g_return_val_if_fail (stanza != NULL, FALSE);

  priv = xmpp_connection_get_private (self);
  if (priv->phase != PHASE_READY)
    return xmpp_connection_sm_hold (self, stanza);

  if (priv->max_queued_bytes > 0 && priv->queued_bytes >= priv->max_queued_bytes)
    return FALSE;
  xmpp_connection_queue_element (self, xmpp_stanza_get_element (stanza));
  return TRUE;
}

static void
on_write_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(XmppConnection) self = user_data;
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);
  g_autoptr(GError) error = NULL;
  gboolean written;

  written = g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error);
  /* A write on a transport dropped since belongs to no one. */
  if (priv->stream == NULL || G_OUTPUT_STREAM (source) != g_io_stream_get_output_stream (priv->stream))
    return;
  priv->writing = FALSE;
  if (!written)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        xmpp_connection_stop (self, g_steal_pointer (&error));
      return;
    }

  {
    GBytes *written = g_queue_pop_head (&priv->write_queue);

    priv->queued_bytes -= g_bytes_get_size (written);
    g_bytes_unref (written);
  }
  priv->last_write_time = g_get_monotonic_time ();
  if (g_queue_is_empty (&priv->write_queue))
    {
      if (priv->tls_when_drained)
        {
          priv->tls_when_drained = FALSE;
          start_tls (self);
          return;
        }
      xmpp_connection_emit_queue_drained (self);
    }
  flush_writes (self);
}

static void
flush_writes (XmppConnection *self)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);
  GBytes *bytes;
  gsize size;
  const void *data;

  if (priv->writing || priv->stream == NULL || priv->tls_when_drained)
    return;
  bytes = g_queue_peek_head (&priv->write_queue);
  if (bytes == NULL)
    return;

  data = g_bytes_get_data (bytes, &size);
  priv->writing = TRUE;
  g_output_stream_write_all_async (g_io_stream_get_output_stream (priv->stream),
                                   data, size, G_PRIORITY_DEFAULT, priv->cancellable,
                                   on_write_done, g_object_ref (self));
}

static void
open_stream (XmppConnection *self)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);
  g_autoptr(XmppStreamHeader) header = xmpp_stream_header_new (XMPP_NS_CLIENT);
  g_autofree char *text = NULL;

  xmpp_parser_reset (priv->parser);
  xmpp_stream_header_set_to (header, xmpp_jid_get_domainpart (priv->jid));
  if (priv->secured)
    xmpp_stream_header_set_from (header, xmpp_jid_to_bare_string (priv->jid));
  xmpp_stream_header_set_version (header, "1.0");
  text = xmpp_stream_header_to_string (header);
  priv->phase = PHASE_FEATURES;
  xmpp_connection_queue_text (self, text);
}

/* ------------------------------------------------------------------ */
/* Ending */

static void
on_liveness_pong (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  XmppConnection *self = XMPP_CONNECTION (source);
  g_autoptr(XmppStanza) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = xmpp_connection_send_iq_finish (self, result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    xmpp_connection_stop (self, g_steal_pointer (&error));
}

/* XEP-0199: a ping to the server, which must answer (a result or an
 * error alike) within :liveness-timeout. */
static void
send_liveness_ping (XmppConnection *self)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);
  g_autoptr(XmppStanza) ping = xmpp_stanza_new (XMPP_STANZA_KIND_IQ, "get");
  g_autoptr(XmppJid) server = xmpp_jid_new (xmpp_jid_get_domainpart (priv->jid), NULL);

  xmpp_stanza_set_to (ping, server);
  xmpp_element_add_child_new (xmpp_stanza_get_element (ping), "ping", "urn:xmpp:ping");
  xmpp_connection_send_iq_async (self, ping, priv->liveness_timeout, NULL, on_liveness_pong, NULL);
}

/* RFC 6120 §4.6.1: a space between stanzas keeps an idle stream, and
 * the NAT and firewall state on its path, alive. */
void
xmpp_connection_check_liveness (XmppConnection *self)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);

  if (priv->phase != PHASE_READY)
    return;
  /* With stream management, asking for an acknowledgement keeps the
   * stream alive and proves the server is still there; without, a ping
   * does when a liveness timeout is set, and a space otherwise. */
  if (xmpp_connection_sm_request_ack (self))
    return;
  if (priv->liveness_timeout > 0)
    send_liveness_ping (self);
  else
    xmpp_connection_queue_text (self, " ");
}

static gboolean
on_keepalive (gpointer user_data)
{
  XmppConnection *self = user_data;
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);
  gint64 idle = g_get_monotonic_time () - priv->last_write_time;

  if (g_queue_is_empty (&priv->write_queue) &&
      idle >= (gint64) priv->keepalive_interval * G_USEC_PER_SEC - G_USEC_PER_SEC / 2)
    xmpp_connection_check_liveness (self);
  return G_SOURCE_CONTINUE;
}

void
xmpp_connection_start_keepalive (XmppConnection *self)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);

  xmpp_connection_clear_source (&priv->keepalive_source);
  if (priv->keepalive_interval > 0 && priv->phase == PHASE_READY)
    priv->keepalive_source = xmpp_connection_add_timeout (self, priv->keepalive_interval,
                                                          on_keepalive, self);
}

void
xmpp_connection_drop_transport (XmppConnection *self)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);

  /* Whatever the parser still holds of this transport is dropped too. */
  xmpp_parser_reset (priv->parser);

  g_cancellable_cancel (priv->cancellable);
  g_clear_object (&priv->cancellable);
  priv->cancellable = g_cancellable_new ();
  if (priv->stream != NULL)
    g_io_stream_close_async (priv->stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  g_clear_object (&priv->stream);
  g_clear_object (&priv->socket);
  g_queue_clear_full (&priv->write_queue, (GDestroyNotify) g_bytes_unref);
  priv->queued_bytes = 0;
  priv->writing = FALSE;
  priv->reading = FALSE;
  priv->read_paused = FALSE;
  priv->tls_when_drained = FALSE;
  priv->secured = FALSE;
  priv->authenticated = FALSE;
  priv->bind_retried = FALSE;
  priv->phase = PHASE_NONE;
  g_clear_pointer (&priv->sasl, xmpp_sasl_client_free);
  g_clear_pointer (&priv->login_features, xmpp_element_unref);
  xmpp_connection_disarm_liveness (self);
}

/* Ends the session: drops the transport, fails what waits on it, and
 * emits ::closed once. @error is NULL for a clean close.
 *
 * Everything of the session is taken apart before any callback runs, so
 * that a handler of ::closed, of notify::state or of a finished task may
 * connect again at once. */
void
xmpp_connection_stop (XmppConnection *self,
                      GError         *error)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);
  g_autoptr(GError) owned_error = error;
  g_autoptr(GError) closed_error = NULL;
  g_autoptr(GTask) connect_task = NULL;
  g_autoptr(GTask) close_task = NULL;
  GQueue lost = G_QUEUE_INIT;

  if (!xmpp_connection_is_active (self))
    return;

  g_object_ref (self);

  xmpp_connection_drop_transport (self);
  xmpp_connection_sm_stream_ended (self, owned_error, &lost);
  g_list_free_full (g_steal_pointer (&priv->targets), (GDestroyNotify) xmpp_connection_target_free);
  xmpp_connection_clear_source (&priv->keepalive_source);
  xmpp_connection_clear_source (&priv->connect_timeout_source);
  xmpp_connection_clear_source (&priv->close_timeout_source);
  xmpp_connection_clear_source (&priv->connect_cancel_source);
  connect_task = g_steal_pointer (&priv->connect_task);
  close_task = g_steal_pointer (&priv->close_task);
  closed_error = owned_error != NULL
    ? g_error_copy (owned_error)
    : g_error_new_literal (XMPP_CONNECTION_ERROR, XMPP_CONNECTION_ERROR_CLOSED,
                           _("The connection was closed"));

  xmpp_connection_set_state (self, XMPP_CONNECTION_STATE_DISCONNECTED);
  xmpp_connection_sm_hand_back (self, &lost);
  xmpp_connection_fail_pending_iqs (self, closed_error);
  if (connect_task != NULL)
    g_task_return_error (connect_task, g_error_copy (closed_error));
  if (close_task != NULL)
    {
      if (owned_error != NULL)
        g_task_return_error (close_task, g_error_copy (owned_error));
      else
        g_task_return_boolean (close_task, TRUE);
    }
  xmpp_connection_emit_closed (self, owned_error);

  g_object_unref (self);
}

static GError *
stream_error_from_element (XmppElement *element)
{
  XmppStreamError code = XMPP_STREAM_ERROR_UNDEFINED_CONDITION;
  const char *text = NULL;

  for (XmppElement *child = xmpp_element_get_first_child (element); child != NULL;
       child = xmpp_element_get_next_sibling (child))
    {
      if (g_strcmp0 (xmpp_element_get_namespace (child), XMPP_NS_STREAMS) != 0)
        continue;
      if (strcmp (xmpp_element_get_name (child), "text") == 0)
        text = xmpp_element_get_text (child);
      else
        code = xmpp_stream_condition_from_string (xmpp_element_get_name (child));
    }

  if (text != NULL)
    return g_error_new (XMPP_STREAM_ERROR, code, _("The server ended the stream (%s): %s"),
                        xmpp_stream_condition_to_string (code), text);
  return g_error_new (XMPP_STREAM_ERROR, code, _("The server ended the stream (%s)"),
                      xmpp_stream_condition_to_string (code));
}

static gboolean
on_close_timeout (gpointer user_data)
{
  XmppConnection *self = user_data;
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);

  /* The peer did not answer with its footer: close anyway. */
  g_clear_pointer (&priv->close_timeout_source, g_source_unref);
  xmpp_connection_stop (self, NULL);
  return G_SOURCE_REMOVE;
}

/**
 * xmpp_connection_close_async:
 * @self: a connection
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the connection is closed
 * @user_data: data for @callback
 *
 * Closes the stream gracefully (RFC 6120 §4.4): sends the closing tag,
 * waits a few seconds for the server's, then closes the transport.
 * [signal@Xmpp.Connection::closed] is emitted without an error, and IQ
 * requests still waiting fail with %XMPP_CONNECTION_ERROR_CLOSED. Closing a
 * connection that is not open completes at once.
 */
void
xmpp_connection_close_async (XmppConnection      *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  XmppConnectionPrivate *priv;
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (XMPP_IS_CONNECTION (self));

  priv = xmpp_connection_get_private (self);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xmpp_connection_close_async);

  if (!xmpp_connection_is_active (self))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (priv->close_task != NULL)
    {
      g_task_return_new_error (task, XMPP_CONNECTION_ERROR, XMPP_CONNECTION_ERROR_BUSY,
                               _("The connection is already closing"));
      return;
    }

  priv->close_task = g_steal_pointer (&task);
  if (priv->stream == NULL || priv->read_paused)
    {
      /* Nothing to say goodbye on yet. */
      xmpp_connection_stop (self, NULL);
      return;
    }

  /* Nothing more goes out after the closing tag, and nothing that comes
   * in is acted on but the peer's own end of the stream. */
  /* The last count goes first, or the server would take what it sent
   * as undelivered and deliver it again elsewhere (XEP-0198 §4). */
  xmpp_connection_sm_acknowledge (self);
  priv->phase = PHASE_CLOSING;
  xmpp_connection_set_state (self, XMPP_CONNECTION_STATE_CLOSING);
  xmpp_connection_queue_text (self, XMPP_STREAM_FOOTER);
  priv->close_timeout_source = xmpp_connection_add_timeout (self, CLOSE_TIMEOUT_SECONDS,
                                                            on_close_timeout, self);
}

/**
 * xmpp_connection_close_finish:
 * @self: a connection
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Xmpp.Connection.close_async].
 *
 * Returns: %TRUE if the connection closed cleanly
 */
gboolean
xmpp_connection_close_finish (XmppConnection *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  g_return_val_if_fail (XMPP_IS_CONNECTION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == xmpp_connection_close_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------ */
/* Negotiation */

void
xmpp_connection_become_ready (XmppConnection *self,
                              gboolean        resumed)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);

  /* Every stanza of the session is covered by stream management, or
   * none: the session starts once the server answered <enable/>. */
  if (!resumed && priv->phase != PHASE_ENABLE && xmpp_connection_sm_enable (self))
    return;
  priv->resumed = resumed;
  priv->phase = PHASE_READY;
  xmpp_connection_clear_source (&priv->connect_timeout_source);
  xmpp_connection_clear_source (&priv->connect_cancel_source);
  xmpp_connection_start_keepalive (self);
  xmpp_connection_set_state (self, XMPP_CONNECTION_STATE_READY);
  /* ::ready comes first, as documented; a handler may close the
   * connection, which then fails the connect task instead. */
  xmpp_connection_emit_ready (self, priv->bound_jid);
  if (priv->connect_task != NULL && priv->state == XMPP_CONNECTION_STATE_READY)
    {
      g_autoptr(GTask) task = g_steal_pointer (&priv->connect_task);

      g_task_return_boolean (task, TRUE);
    }
}

/* Asks for the configured resource, or with @server_chosen for one the
 * server picks. */
static void
send_bind (XmppConnection *self,
           gboolean        server_chosen)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);
  g_autoptr(XmppStanza) iq = xmpp_stanza_new (XMPP_STANZA_KIND_IQ, "set");
  XmppElement *bind;

  xmpp_connection_set_state (self, XMPP_CONNECTION_STATE_BINDING);
  g_free (priv->bind_id);
  priv->bind_id = xmpp_connection_new_iq_id ();
  xmpp_stanza_set_id (iq, priv->bind_id);
  bind = xmpp_element_add_child_new (xmpp_stanza_get_element (iq), "bind", NS_BIND);
  if (priv->resource != NULL && !server_chosen)
    xmpp_element_add_child_with_text (bind, "resource", NULL, priv->resource);
  priv->phase = PHASE_BIND;
  xmpp_connection_queue_element (self, xmpp_stanza_get_element (iq));
}

static gboolean
session_required (XmppElement *features)
{
  XmppElement *session = xmpp_element_get_child (features, "session", NS_SESSION);

  /* RFC 3921's session request, only where the server still marks it
   * required (no <optional/>). */
  return session != NULL && xmpp_element_get_child (session, "optional", NS_SESSION) == NULL;
}

static gboolean
handle_bind_reply (XmppConnection *self,
                   XmppStanza     *reply)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);
  g_autoptr(GError) error = NULL;
  XmppElement *bind;
  const char *jid_text;
  XmppJid *jid;

  if (g_strcmp0 (xmpp_stanza_get_id (reply), priv->bind_id) != 0)
    return FALSE;

  if (!xmpp_stanza_check_error (reply, &error))
    {
      /* RFC 6120 §7.7.2.2: the resource is taken; one the server picks
       * will do, once. */
      if (g_error_matches (error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_CONFLICT) &&
          priv->resource != NULL && !priv->bind_retried)
        {
          priv->bind_retried = TRUE;
          send_bind (self, TRUE);
          return TRUE;
        }
      xmpp_connection_stop (self, g_error_new (XMPP_CONNECTION_ERROR, XMPP_CONNECTION_ERROR_BIND,
                                               _("The server refused to bind a resource: %s"),
                                               error->message));
      return TRUE;
    }

  bind = xmpp_element_get_child (xmpp_stanza_get_element (reply), "bind", NS_BIND);
  jid_text = bind != NULL ? xmpp_element_get_child_text (bind, "jid", NS_BIND) : NULL;
  jid = jid_text != NULL ? xmpp_jid_new (jid_text, NULL) : NULL;
  /* The bound address must be the account's; an anonymous account (no
   * localpart) gets a localpart from the server, on the same domain. */
  if (jid == NULL || xmpp_jid_is_bare (jid) ||
      (xmpp_jid_get_localpart (priv->jid) != NULL
       ? !xmpp_jid_equal_bare (jid, priv->jid)
       : g_strcmp0 (xmpp_jid_get_domainpart (jid), xmpp_jid_get_domainpart (priv->jid)) != 0))
    {
      g_clear_pointer (&jid, xmpp_jid_unref);
      xmpp_connection_stop (self,
                            g_error_new_literal (XMPP_CONNECTION_ERROR, XMPP_CONNECTION_ERROR_BIND,
                                                 _("The server bound an address that is not the account’s")));
      return TRUE;
    }

  xmpp_connection_take_bound_jid (self, jid);
  return TRUE;
}

static GBytes *
get_binding (GTlsConnection         *tls,
             GTlsChannelBindingType  type)
{
  g_autoptr(GByteArray) data = g_byte_array_new ();

  if (!g_tls_connection_get_channel_binding_data (tls, type, data, NULL))
    return NULL;
  return g_byte_array_free_to_bytes (g_steal_pointer (&data));
}

/* The mechanisms this login may use: the one forced by
 * :sasl-mechanism; ANONYMOUS for an account address without a localpart;
 * otherwise SCRAM and PLAIN, and EXTERNAL with a client certificate. */
static gboolean
allowed_mechanisms (XmppConnection     *self,
                    XmppSaslMechanism  *allowed,
                    GError            **error)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);

  if (priv->sasl_mechanism != NULL)
    {
      *allowed = xmpp_sasl_mechanism_from_name (priv->sasl_mechanism);
      if (*allowed == 0)
        {
          g_set_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_NO_MECHANISM,
                       _("The SASL mechanism %s is not supported"), priv->sasl_mechanism);
          return FALSE;
        }
    }
  else if (xmpp_jid_get_localpart (priv->jid) == NULL)
    *allowed = XMPP_SASL_MECHANISM_ANONYMOUS;
  else
    {
      *allowed = XMPP_SASL_MECHANISMS_DEFAULT;
      if (priv->tls_certificate != NULL)
        *allowed |= XMPP_SASL_MECHANISM_EXTERNAL;
    }
  return TRUE;
}

/* Whether the login must have a password: not when the server offers a
 * mechanism that needs none, or when there is one already. */
static gboolean
needs_password (XmppConnection     *self,
                XmppSaslMechanism   allowed,
                const char * const *offered)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);
  const XmppSaslMechanism passwordless = XMPP_SASL_MECHANISM_EXTERNAL | XMPP_SASL_MECHANISM_ANONYMOUS;

  if (priv->password != NULL || (allowed & ~passwordless) == 0)
    return FALSE;
  for (guint i = 0; offered[i] != NULL; i++)
    if ((xmpp_sasl_mechanism_from_name (offered[i]) & allowed & passwordless) != 0)
      return FALSE;
  return TRUE;
}

/* Creates the SASL client for this login and gives the <auth/> that
 * starts it. */
static XmppElement *
start_sasl (XmppConnection     *self,
            XmppSaslMechanism   allowed,
            const char * const *mechanisms,
            const char * const *bindings,
            GError            **error)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);

  g_clear_pointer (&priv->sasl, xmpp_sasl_client_free);
  priv->sasl = xmpp_sasl_client_new (xmpp_jid_get_localpart (priv->jid), priv->password, NULL,
                                     "xmpp", xmpp_jid_get_domainpart (priv->jid), priv->secured);
  xmpp_sasl_client_set_allowed_mechanisms (priv->sasl, allowed);

  if (priv->secured && G_IS_TLS_CONNECTION (priv->stream))
    {
      GTlsConnection *tls = G_TLS_CONNECTION (priv->stream);
      g_autoptr(GBytes) unique = get_binding (tls, G_TLS_CHANNEL_BINDING_TLS_UNIQUE);
      g_autoptr(GBytes) exporter = get_binding (tls, G_TLS_CHANNEL_BINDING_TLS_EXPORTER);

      xmpp_sasl_client_set_channel_binding (priv->sasl, g_tls_connection_get_protocol_version (tls),
                                            unique, exporter);
    }

  return xmpp_sasl_client_start (priv->sasl, mechanisms, bindings, error);
}

/* Logs in with the mechanisms @features offers, first asking the
 * application for a password if the login needs one that is not set. */
static void
begin_login (XmppConnection *self,
             XmppElement    *features)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);
  g_auto(GStrv) mechanisms = NULL;
  g_auto(GStrv) bindings = NULL;
  g_autoptr(GError) error = NULL;
  XmppSaslMechanism allowed;
  XmppElement *auth;

  xmpp_connection_set_state (self, XMPP_CONNECTION_STATE_AUTHENTICATING);
  if (!allowed_mechanisms (self, &allowed, &error))
    {
      xmpp_connection_stop (self, g_steal_pointer (&error));
      return;
    }
  xmpp_sasl_parse_features (features, &mechanisms, &bindings);

  if (needs_password (self, allowed, (const char *const *) mechanisms))
    {
      if (!xmpp_connection_emit_password_needed (self))
        {
          xmpp_connection_stop (self, g_error_new_literal (XMPP_SASL_ERROR, XMPP_SASL_ERROR_NO_PASSWORD,
                                                           _("Logging in needs a password, and none was given")));
          return;
        }
      /* A handler may have closed the connection, or connected anew. */
      if (priv->phase != PHASE_FEATURES || !xmpp_connection_is_active (self))
        return;
      if (priv->password == NULL)
        {
          priv->phase = PHASE_PASSWORD;
          priv->login_features = xmpp_element_ref (features);
          xmpp_connection_pause_connect_timeout (self);
          return;
        }
    }

  auth = start_sasl (self, allowed, (const char *const *) mechanisms,
                     (const char *const *) bindings, &error);
  if (auth == NULL)
    {
      xmpp_connection_stop (self, g_steal_pointer (&error));
      return;
    }
  g_free (priv->used_mechanism);
  priv->used_mechanism = g_strdup (xmpp_sasl_client_get_mechanism (priv->sasl));
  priv->phase = PHASE_SASL;
  xmpp_connection_queue_element (self, auth);
  xmpp_element_unref (auth);
}

void
xmpp_connection_continue_login (XmppConnection *self)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);
  g_autoptr(XmppElement) features = g_steal_pointer (&priv->login_features);

  g_return_if_fail (priv->phase == PHASE_PASSWORD);

  if (priv->password == NULL)
    {
      xmpp_connection_stop (self, g_error_new_literal (XMPP_SASL_ERROR, XMPP_SASL_ERROR_NO_PASSWORD,
                                                       _("Logging in needs a password, and none was given")));
      return;
    }
  priv->phase = PHASE_FEATURES;
  xmpp_connection_start_connect_timeout (self);
  begin_login (self, features);
}

static void
handle_features (XmppConnection *self,
                 XmppElement    *features)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);

  g_clear_pointer (&priv->features, xmpp_element_unref);
  priv->features = xmpp_element_ref (features);

  if (!priv->secured && priv->tls_mode != XMPP_TLS_MODE_INSECURE_PLAINTEXT)
    {
      if (xmpp_element_get_child (features, "starttls", NS_TLS) == NULL)
        {
          xmpp_connection_stop (self,
                                g_error_new_literal (XMPP_CONNECTION_ERROR,
                                                     XMPP_CONNECTION_ERROR_TLS_REQUIRED,
                                                     _("The server does not offer TLS, which this connection requires")));
          return;
        }
      xmpp_connection_set_state (self, XMPP_CONNECTION_STATE_SECURING);
      priv->phase = PHASE_STARTTLS;
      {
        g_autoptr(XmppElement) starttls = xmpp_element_new ("starttls", NS_TLS);

        xmpp_connection_queue_element (self, starttls);
      }
      return;
    }

  if (!priv->authenticated)
    {
      begin_login (self, features);
      return;
    }

  if (xmpp_connection_sm_try_resume (self))
    return;
  /* Stanzas the server no longer resumes were handed back: a handler
   * may have closed the connection. */
  if (priv->phase != PHASE_FEATURES)
    return;
  if (xmpp_element_get_child (features, "bind", NS_BIND) == NULL)
    {
      xmpp_connection_stop (self,
                            g_error_new_literal (XMPP_CONNECTION_ERROR,
                                                 XMPP_CONNECTION_ERROR_PROTOCOL,
                                                 _("The server does not offer resource binding")));
      return;
    }
  xmpp_connection_bind (self);
}

void
xmpp_connection_bind (XmppConnection *self)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);

  priv->phase = PHASE_BIND;
  priv->session_required = session_required (priv->features);
  send_bind (self, FALSE);
}

static void
handle_sasl (XmppConnection *self,
             XmppElement    *element)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);
  g_autoptr(GError) error = NULL;
  XmppElement *reply = NULL;

  switch (xmpp_sasl_client_receive (priv->sasl, element, &reply, &error))
    {
    case XMPP_SASL_STATUS_CONTINUE:
      if (reply != NULL)
        {
          xmpp_connection_queue_element (self, reply);
          xmpp_element_unref (reply);
        }
      break;

    case XMPP_SASL_STATUS_SUCCESS:
      g_clear_pointer (&priv->sasl, xmpp_sasl_client_free);
      priv->authenticated = TRUE;
      open_stream (self);
      break;

    case XMPP_SASL_STATUS_FAILED:
    default:
      g_clear_pointer (&reply, xmpp_element_unref);
      xmpp_connection_stop (self, g_steal_pointer (&error));
      break;
    }
}

static void
on_stream_start (XmppStreamHeader *header,
                 gpointer          user_data)
{
  XmppConnection *self = user_data;
  const char *version = xmpp_stream_header_get_version (header);

  /* RFC 6120 §4.7.5: any 1.x will do; no version means pre-RFC 3920. */
  if (version == NULL || !g_str_has_prefix (version, "1."))
    xmpp_connection_stop (self,
                          g_error_new_literal (XMPP_STREAM_ERROR,
                                               XMPP_STREAM_ERROR_UNSUPPORTED_VERSION,
                                               _("The server does not speak XMPP 1.0")));
}

static void
on_stream_end (gpointer user_data)
{
  XmppConnection *self = user_data;
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);

  if (priv->state == XMPP_CONNECTION_STATE_CLOSING)
    xmpp_connection_stop (self, NULL);
  else
    xmpp_connection_stop (self,
                          g_error_new_literal (XMPP_CONNECTION_ERROR, XMPP_CONNECTION_ERROR_CLOSED,
                                               _("The server closed the stream")));
}

static void
on_stanza (XmppStanza *stanza,
           gpointer    user_data)
{
  XmppConnection *self = user_data;
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);
  XmppElement *element = xmpp_stanza_get_element (stanza);

  if (xmpp_element_is (element, "error", XMPP_NS_STREAM))
    {
      const char *location = xmpp_element_get_child_text (element, "see-other-host", XMPP_NS_STREAMS);

      if (location != NULL && xmpp_connection_redirect (self, location))
        return;
      xmpp_connection_stop (self, stream_error_from_element (element));
      return;
    }

  if ((priv->phase == PHASE_READY || priv->phase == PHASE_RESUME || priv->phase == PHASE_ENABLE) &&
      xmpp_connection_sm_handle (self, element))
    return;

  switch (priv->phase)
    {
    case PHASE_FEATURES:
      if (xmpp_element_is (element, "features", XMPP_NS_STREAM))
        handle_features (self, element);
      else
        xmpp_connection_stop (self,
                              g_error_new (XMPP_CONNECTION_ERROR, XMPP_CONNECTION_ERROR_PROTOCOL,
                                           _("Unexpected <%s/> before the stream features"),
                                           xmpp_element_get_name (element)));
      break;

    case PHASE_STARTTLS:
      if (xmpp_element_is (element, "proceed", NS_TLS))
        {
          /* The next bytes are TLS: stop reading the plain stream. */
          priv->read_paused = TRUE;
          if (priv->writing || !g_queue_is_empty (&priv->write_queue))
            priv->tls_when_drained = TRUE;
          else
            start_tls (self);
        }
      else
        xmpp_connection_stop (self,
                              g_error_new_literal (XMPP_CONNECTION_ERROR,
                                                   XMPP_CONNECTION_ERROR_TLS_REFUSED,
                                                   _("The server refused to start TLS")));
      break;

    case PHASE_SASL:
      handle_sasl (self, element);
      break;

    case PHASE_BIND:
      if (xmpp_stanza_get_kind (stanza) == XMPP_STANZA_KIND_IQ && handle_bind_reply (self, stanza) &&
          priv->bound_jid != NULL && priv->state == XMPP_CONNECTION_STATE_BINDING)
        {
          if (priv->session_required)
            {
              g_autoptr(XmppStanza) iq = xmpp_stanza_new (XMPP_STANZA_KIND_IQ, "set");

              g_free (priv->session_id);
              priv->session_id = xmpp_connection_new_iq_id ();
              xmpp_stanza_set_id (iq, priv->session_id);
              xmpp_element_add_child_new (xmpp_stanza_get_element (iq), "session", NS_SESSION);
              priv->phase = PHASE_SESSION;
              xmpp_connection_queue_element (self, xmpp_stanza_get_element (iq));
            }
          else
            xmpp_connection_become_ready (self, FALSE);
        }
      break;

    case PHASE_SESSION:
      if (xmpp_stanza_get_kind (stanza) == XMPP_STANZA_KIND_IQ &&
          g_strcmp0 (xmpp_stanza_get_id (stanza), priv->session_id) == 0)
        {
          g_autoptr(GError) error = NULL;

          if (!xmpp_stanza_check_error (stanza, &error))
            xmpp_connection_stop (self, g_steal_pointer (&error));
          else
            xmpp_connection_become_ready (self, FALSE);
          break;
        }
      G_GNUC_FALLTHROUGH;
    /* Once bound, the address can be reached: what comes before the
     * server answered the session or <enable/> request is handed on, not
     * lost. */
    case PHASE_ENABLE:
    case PHASE_READY:
      xmpp_connection_sm_count_incoming (self, stanza);
      xmpp_connection_dispatch (self, stanza);
      break;

    case PHASE_NONE:
    default:
      break;
    }
}

const XmppParserHandlers xmpp_connection_parser_handlers = {
  on_stream_start,
  on_stanza,
  on_stream_end,
};

/* ------------------------------------------------------------------ */
/* Reading */

/* RFC 6120 §4.9.1.1: the side that finds the error says so before it
 * closes the stream. This is a last word, written only if it fits into
 * the socket at once and nothing else is being written. */
static void
send_stream_error (XmppConnection  *self,
                   XmppStreamError  condition)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);
  g_autofree char *text = NULL;
  GOutputStream *output;

  if (priv->stream == NULL || priv->writing || priv->read_paused)
    return;
  output = g_io_stream_get_output_stream (priv->stream);
  if (!G_IS_POLLABLE_OUTPUT_STREAM (output) ||
      !g_pollable_output_stream_can_poll (G_POLLABLE_OUTPUT_STREAM (output)))
    return;

  text = g_strdup_printf ("<stream:error><%s xmlns='" XMPP_NS_STREAMS "'/></stream:error>" XMPP_STREAM_FOOTER,
                          xmpp_stream_condition_to_string (condition));
  xmpp_connection_emit_xml_sent (self, text);
  g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (output), text, strlen (text),
                                              NULL, NULL);
}

void
xmpp_connection_send_stream_error (XmppConnection  *self,
                                   XmppStreamError  condition,
                                   GError          *error)
{
  send_stream_error (self, condition);
  xmpp_connection_stop (self, error);
}

static void
on_read_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(XmppConnection) self = user_data;
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);
  g_autoptr(GError) error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  /* A read on a transport dropped since belongs to no one. */
  if (priv->stream == NULL || G_INPUT_STREAM (source) != g_io_stream_get_input_stream (priv->stream))
    return;
  priv->reading = FALSE;
  if (n < 0)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        xmpp_connection_stop (self, g_steal_pointer (&error));
      return;
    }
  if (n == 0)
    {
      xmpp_connection_stop (self,
                            g_error_new_literal (XMPP_CONNECTION_ERROR,
                                                 XMPP_CONNECTION_ERROR_CLOSED,
                                                 _("The server closed the connection")));
      return;
    }

  xmpp_connection_emit_xml_received (self, priv->read_buffer, n);

  if (!xmpp_parser_feed (priv->parser, priv->read_buffer, n, &error))
    {
      XmppStreamError condition = error->code;

      xmpp_connection_send_stream_error (self, condition, g_steal_pointer (&error));
      return;
    }

  if (xmpp_connection_is_active (self) && !priv->read_paused)
    start_reading (self);
}

static void
start_reading (XmppConnection *self)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);

  if (priv->reading || priv->stream == NULL)
    return;
  priv->reading = TRUE;
  g_input_stream_read_async (g_io_stream_get_input_stream (priv->stream),
                             priv->read_buffer, READ_BUFFER_SIZE, G_PRIORITY_DEFAULT,
                             priv->cancellable, on_read_done, g_object_ref (self));
}

/* ------------------------------------------------------------------ */
/* TLS */

static gboolean
on_accept_certificate (GTlsConnection       *tls,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  XmppConnection *self = user_data;
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);

  xmpp_connection_set_peer_certificate (self, certificate, errors);
  /* A pinned certificate is trusted as it is, whatever its issuer. */
  return priv->pinned_certificate != NULL &&
         g_tls_certificate_is_same (certificate, priv->pinned_certificate);
}

static void
on_handshake_done (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(XmppConnection) self = user_data;
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);
  g_autoptr(GError) error = NULL;
  GTlsProtocolVersion version;

  if (!g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE))
        {
          xmpp_connection_stop (self,
                                g_error_new (XMPP_CONNECTION_ERROR,
                                             XMPP_CONNECTION_ERROR_CERTIFICATE,
                                             _("The server’s certificate is not trusted for %s (%s)"),
                                             xmpp_jid_get_domainpart (priv->jid),
                                             error->message));
          return;
        }
      xmpp_connection_stop (self, g_steal_pointer (&error));
      return;
    }

  /* RFC 7590 §3.1: TLS 1.2 at least. */
  version = g_tls_connection_get_protocol_version (G_TLS_CONNECTION (source));
  if (version != G_TLS_PROTOCOL_VERSION_TLS_1_2 && version != G_TLS_PROTOCOL_VERSION_TLS_1_3)
    {
      xmpp_connection_stop (self, g_error_new_literal (XMPP_CONNECTION_ERROR, XMPP_CONNECTION_ERROR_TLS_REQUIRED,
                                                       _("The server offers no TLS version newer than 1.1")));
      return;
    }

  xmpp_connection_set_peer_certificate (self,
                                        g_tls_connection_get_peer_certificate (G_TLS_CONNECTION (source)),
                                        g_tls_connection_get_peer_certificate_errors (G_TLS_CONNECTION (source)));
  priv->secured = TRUE;
  priv->read_paused = FALSE;
  open_stream (self);
  start_reading (self);
}

static void
start_tls (XmppConnection *self)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);
  g_autoptr(GSocketConnectable) identity = NULL;
  g_autofree char *ascii_domain = NULL;
  g_autoptr(GError) error = NULL;
  GIOStream *tls;
  const char *const alpn[] = { "xmpp-client", NULL };

  xmpp_connection_set_state (self, XMPP_CONNECTION_STATE_SECURING);
  /* The certificate is checked against the account's domain, never the
   * host the connection went to. */
  ascii_domain = g_hostname_to_ascii (xmpp_jid_get_domainpart (priv->jid));
  identity = g_network_address_new (ascii_domain != NULL ? ascii_domain : xmpp_jid_get_domainpart (priv->jid),
                                    priv->port);
  tls = g_tls_client_connection_new (G_IO_STREAM (priv->socket), identity, &error);
  if (tls == NULL)
    {
      xmpp_connection_stop (self, g_steal_pointer (&error));
      return;
    }
  if (priv->tls_database != NULL)
    g_tls_connection_set_database (G_TLS_CONNECTION (tls), priv->tls_database);
  if (priv->tls_certificate != NULL)
    g_tls_connection_set_certificate (G_TLS_CONNECTION (tls), priv->tls_certificate);
  if (priv->direct_tls)
    g_tls_connection_set_advertised_protocols (G_TLS_CONNECTION (tls), alpn);
  g_signal_connect_object (tls, "accept-certificate", G_CALLBACK (on_accept_certificate), self, 0);

  g_clear_object (&priv->stream);
  priv->stream = tls;
  g_tls_connection_handshake_async (G_TLS_CONNECTION (tls), G_PRIORITY_DEFAULT, priv->cancellable,
                                    on_handshake_done, g_object_ref (self));
}

/* ------------------------------------------------------------------ */
/* Connecting */

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(XmppConnection) self = user_data;
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);
  g_autoptr(GError) error = NULL;
  GSocketConnection *socket;

  socket = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), result, &error);
  if (socket == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        xmpp_connection_try_next_target (self, g_steal_pointer (&error));
      return;
    }

  priv->socket = socket;
  /* Stanzas are small and the stream is interactive: without this, a
   * server's TLS session tickets and its features can sit behind a
   * delayed ACK for tens of milliseconds at every login step. */
  g_socket_set_option (g_socket_connection_get_socket (socket), IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);
  if (priv->direct_tls)
    {
      start_tls (self);
      return;
    }
  priv->stream = g_object_ref (G_IO_STREAM (socket));
  open_stream (self);
  start_reading (self);
}

void
xmpp_connection_connect_socket (XmppConnection *self,
                                const char     *host,
                                guint           port)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);
  g_autoptr(GSocketClient) client = g_socket_client_new ();

  g_socket_client_connect_to_host_async (client, host, port, priv->cancellable,
                                         on_connected, g_object_ref (self));
}
