/* xmpp-connection.c: the RFC 6120 client stream
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "xmpp-element-private.h"
#include "xmpp-parser-private.h"
#include "xmpp-sasl-private.h"
#include "xmpp-stanza-private.h"
#include "xmpp-connection.h"

#include <string.h>
#include <sys/random.h>

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

#define NS_TLS     "urn:ietf:params:xml:ns:xmpp-tls"
#define NS_SASL    "urn:ietf:params:xml:ns:xmpp-sasl"
#define NS_BIND    "urn:ietf:params:xml:ns:xmpp-bind"
#define NS_SESSION "urn:ietf:params:xml:ns:xmpp-session"
#define NS_PING    "urn:xmpp:ping"

#define READ_BUFFER_SIZE 16384
#define CLOSE_TIMEOUT_SECONDS 5
#define DEFAULT_CONNECT_TIMEOUT 30

typedef enum {
  PHASE_NONE,
  PHASE_FEATURES,      /* waiting for <stream:features/> */
  PHASE_STARTTLS,      /* sent <starttls/>, waiting for <proceed/> */
  PHASE_SASL,          /* in a SASL exchange */
  PHASE_BIND,          /* sent the bind request */
  PHASE_SESSION,       /* sent the legacy session request */
  PHASE_READY,
} Phase;

typedef struct
{
  /* Settings */
  XmppJid *jid;
  char *password;
  char *host;
  guint port;
  XmppTlsMode tls_mode;
  GTlsDatabase *tls_database;
  GTlsCertificate *pinned_certificate;
  char *resource;
  char *sasl_mechanism;
  guint iq_timeout;
  guint connect_timeout;

  /* Session */
  XmppConnectionState state;
  Phase phase;
  XmppJid *bound_jid;
  char *used_mechanism;
  gboolean secured;
  gboolean authenticated;
  gboolean closed_emitted;

  GSocketConnection *socket;
  GIOStream *stream;               /* the socket, or TLS over it */
  GCancellable *cancellable;       /* all I/O; cancelled when the stream ends */
  XmppParser *parser;
  guint8 *read_buffer;
  gboolean reading;
  gboolean read_paused;            /* until TLS is up */
  GQueue write_queue;              /* GBytes */
  gboolean writing;
  gboolean tls_when_drained;
  GTlsCertificateFlags peer_errors;

  XmppSaslClient *sasl;
  char *bind_id;
  char *session_id;

  GMainContext *context;           /* where the session's callbacks run */
  GTask *connect_task;
  GCancellable *connect_cancellable;
  gulong connect_cancelled_id;
  GSource *connect_timeout_source;
  gboolean session_required;
  GTask *close_task;
  GSource *close_timeout_source;

  GHashTable *pending_iqs;         /* id → PendingIq */
} XmppConnectionPrivate;

typedef struct
{
  XmppConnection *self;            /* weak */
  char *id;
  XmppJid *expected_from;          /* NULL: the account or its server */
  GTask *task;
  GSource *timeout;
  gulong cancelled_id;
} PendingIq;

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
  PROP_RESOURCE,
  PROP_SASL_MECHANISM,
  PROP_IQ_TIMEOUT,
  PROP_CONNECT_TIMEOUT,
  PROP_STATE,
  PROP_BOUND_JID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

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
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void start_reading (XmppConnection *self);
static void flush_writes (XmppConnection *self);
static void start_tls (XmppConnection *self);
static void fail (XmppConnection *self,
                  GError         *error);

/* ------------------------------------------------------------------ */
/* State */

static void
set_state (XmppConnection      *self,
           XmppConnectionState  state)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);

  if (priv->state == state)
    return;
  priv->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static gboolean
is_active (XmppConnectionPrivate *priv)
{
  return priv->state != XMPP_CONNECTION_STATE_DISCONNECTED;
}

/* ------------------------------------------------------------------ */
/* Writing */

static void
queue_bytes (XmppConnection *self,
             GBytes         *bytes)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);

  g_queue_push_tail (&priv->write_queue, bytes);
  flush_writes (self);
}

static void
queue_text (XmppConnection *self,
            const char     *text)
{
  if (g_signal_has_handler_pending (self, signals[SIGNAL_XML_SENT], 0, FALSE))
    g_signal_emit (self, signals[SIGNAL_XML_SENT], 0, text);
  queue_bytes (self, g_bytes_new (text, strlen (text)));
}

static void
queue_element (XmppConnection *self,
               XmppElement    *element)
{
  GString *out = g_string_sized_new (256);

  xmpp_writer_append_element (out, element, XMPP_NS_CLIENT, TRUE);
  if (g_signal_has_handler_pending (self, signals[SIGNAL_XML_SENT], 0, FALSE))
    g_signal_emit (self, signals[SIGNAL_XML_SENT], 0, out->str);
  queue_bytes (self, g_string_free_to_bytes (out));
}

static void
on_write_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(XmppConnection) self = user_data;
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);
  g_autoptr(GError) error = NULL;

  priv->writing = FALSE;
  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        fail (self, g_steal_pointer (&error));
      return;
    }

  g_bytes_unref (g_queue_pop_head (&priv->write_queue));
  if (g_queue_is_empty (&priv->write_queue))
    {
      if (priv->tls_when_drained)
        {
          priv->tls_when_drained = FALSE;
          start_tls (self);
          return;
        }
      g_signal_emit (self, signals[SIGNAL_QUEUE_DRAINED], 0);
    }
  flush_writes (self);
}

static void
flush_writes (XmppConnection *self)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);
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
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);
  g_autoptr(XmppStreamHeader) header = xmpp_stream_header_new (XMPP_NS_CLIENT);
  g_autofree char *text = NULL;

  xmpp_parser_reset (priv->parser);
  xmpp_stream_header_set_to (header, xmpp_jid_get_domainpart (priv->jid));
  if (priv->secured)
    xmpp_stream_header_set_from (header, xmpp_jid_to_bare_string (priv->jid));
  xmpp_stream_header_set_version (header, "1.0");
  text = xmpp_stream_header_to_string (header);
  priv->phase = PHASE_FEATURES;
  queue_text (self, text);
}

/* ------------------------------------------------------------------ */
/* Ending */

static void
fail_pending_iq (gpointer key,
                 gpointer value,
                 gpointer user_data)
{
  PendingIq *pending = value;
  const GError *error = user_data;

  g_task_return_error (g_steal_pointer (&pending->task), g_error_copy (error));
}

static void
pending_iq_free (PendingIq *pending)
{
  if (pending->timeout != NULL)
    {
      g_source_destroy (pending->timeout);
      g_source_unref (pending->timeout);
    }
  if (pending->task != NULL)
    {
      GCancellable *cancellable = g_task_get_cancellable (pending->task);

      if (cancellable != NULL && pending->cancelled_id != 0)
        g_cancellable_disconnect (cancellable, pending->cancelled_id);
      g_object_unref (pending->task);
    }
  g_clear_pointer (&pending->expected_from, xmpp_jid_unref);
  g_free (pending->id);
  g_free (pending);
}

static void
disconnect_connect_cancellable (XmppConnectionPrivate *priv)
{
  if (priv->connect_cancellable != NULL)
    {
      g_cancellable_disconnect (priv->connect_cancellable, priv->connect_cancelled_id);
      priv->connect_cancelled_id = 0;
      g_clear_object (&priv->connect_cancellable);
    }
}

static void
clear_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

/* Ends the session: drops the transport, fails what waits on it, and
 * emits ::closed once. @error is NULL for a clean close. */
static void
finish_session (XmppConnection *self,
                GError         *error)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);
  g_autoptr(GError) owned_error = error;
  g_autoptr(GError) closed_error = NULL;
  GHashTable *pending;

  if (!is_active (priv))
    return;

  g_object_ref (self);

  g_cancellable_cancel (priv->cancellable);
  g_clear_object (&priv->cancellable);
  priv->cancellable = g_cancellable_new ();
  if (priv->stream != NULL)
    g_io_stream_close_async (priv->stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  g_clear_object (&priv->stream);
  g_clear_object (&priv->socket);
  g_queue_clear_full (&priv->write_queue, (GDestroyNotify) g_bytes_unref);
  priv->writing = FALSE;
  priv->reading = FALSE;
  priv->read_paused = FALSE;
  priv->tls_when_drained = FALSE;
  priv->phase = PHASE_NONE;
  g_clear_pointer (&priv->sasl, xmpp_sasl_client_free);
  clear_source (&priv->connect_timeout_source);
  clear_source (&priv->close_timeout_source);
  disconnect_connect_cancellable (priv);

  closed_error = owned_error != NULL
    ? g_error_copy (owned_error)
    : g_error_new_literal (XMPP_CONNECTION_ERROR, XMPP_CONNECTION_ERROR_CLOSED,
                           _("The connection was closed"));
  pending = g_steal_pointer (&priv->pending_iqs);
  priv->pending_iqs = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                             (GDestroyNotify) pending_iq_free);
  g_hash_table_foreach (pending, fail_pending_iq, closed_error);
  g_hash_table_unref (pending);

  set_state (self, XMPP_CONNECTION_STATE_DISCONNECTED);

  if (priv->connect_task != NULL)
    g_task_return_error (g_steal_pointer (&priv->connect_task), g_error_copy (closed_error));
  if (priv->close_task != NULL)
    {
      if (owned_error != NULL)
        g_task_return_error (g_steal_pointer (&priv->close_task), g_error_copy (owned_error));
      else
        g_task_return_boolean (g_steal_pointer (&priv->close_task), TRUE);
    }

  if (!priv->closed_emitted)
    {
      priv->closed_emitted = TRUE;
      g_signal_emit (self, signals[SIGNAL_CLOSED], 0, owned_error);
    }

  g_object_unref (self);
}

static void
fail (XmppConnection *self,
      GError         *error)
{
  finish_session (self, error);
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

/* ------------------------------------------------------------------ */
/* IQ */

static char *
new_iq_id (void)
{
  guint8 random[12];
  gsize filled = 0;

  /* The ids are unguessable, so that nobody can forge a reply. */
  while (filled < sizeof random)
    {
      gssize n = getrandom (random + filled, sizeof random - filled, 0);

      if (n > 0)
        filled += n;
    }
  return g_base64_encode (random, sizeof random);
}

/* RFC 6120 §8.1.2.1: a reply to a request sent without 'to' comes from
 * the account itself or its server, with or without a 'from'. */
static gboolean
reply_sender_matches (XmppConnection *self,
                      PendingIq      *pending,
                      XmppStanza     *reply)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);
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

static gboolean
handle_iq_reply (XmppConnection *self,
                 XmppStanza     *reply)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);
  const char *id = xmpp_stanza_get_id (reply);
  PendingIq *pending;
  GTask *task;
  GError *error = NULL;

  if (id == NULL)
    return FALSE;
  pending = g_hash_table_lookup (priv->pending_iqs, id);
  if (pending == NULL || !reply_sender_matches (self, pending, reply))
    return FALSE;

  task = g_steal_pointer (&pending->task);
  if (pending->cancelled_id != 0)
    g_cancellable_disconnect (g_task_get_cancellable (task), pending->cancelled_id);
  pending->cancelled_id = 0;
  g_hash_table_remove (priv->pending_iqs, id);

  if (!xmpp_stanza_check_error (reply, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, xmpp_stanza_ref (reply), (GDestroyNotify) xmpp_stanza_unref);
  g_object_unref (task);
  return TRUE;
}

static XmppElement *
payload_of (XmppStanza *stanza)
{
  XmppElement *root = xmpp_stanza_get_element (stanza);

  /* The first child in a namespace of its own: the query of an IQ, the
   * extension of a message or presence. */
  for (XmppElement *child = xmpp_element_get_first_child (root); child != NULL;
       child = xmpp_element_get_next_sibling (child))
    if (g_strcmp0 (xmpp_element_get_namespace (child), xmpp_element_get_namespace (root)) != 0)
      return child;
  return NULL;
}

static GQuark
payload_detail (XmppStanza *stanza)
{
  XmppElement *payload = payload_of (stanza);
  const char *ns = payload != NULL ? xmpp_element_get_namespace (payload) : NULL;

  return ns != NULL ? g_quark_from_string (ns) : 0;
}

static void
handle_iq_request (XmppConnection *self,
                   XmppStanza     *request)
{
  XmppElement *payload = payload_of (request);
  gboolean handled = FALSE;

  if (payload != NULL && xmpp_element_is (payload, "ping", NS_PING) &&
      g_strcmp0 (xmpp_stanza_get_stanza_type (request), "get") == 0)
    {
      g_autoptr(XmppStanza) pong = xmpp_stanza_new_reply (request);

      xmpp_connection_send (self, pong);
      return;
    }

  g_signal_emit (self, signals[SIGNAL_IQ_REQUEST], payload_detail (request), request, &handled);
  if (!handled)
    {
      g_autoptr(XmppStanza) refusal =
        xmpp_stanza_new_error_reply (request, XMPP_STANZA_ERROR_TYPE_CANCEL,
                                     XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE, NULL);
      xmpp_connection_send (self, refusal);
    }
}

static void
dispatch (XmppConnection *self,
          XmppStanza     *stanza)
{
  const char *type = xmpp_stanza_get_stanza_type (stanza);

  switch (xmpp_stanza_get_kind (stanza))
    {
    case XMPP_STANZA_KIND_IQ:
      if (g_strcmp0 (type, "get") == 0 || g_strcmp0 (type, "set") == 0)
        handle_iq_request (self, stanza);
      else if (g_strcmp0 (type, "result") == 0 || g_strcmp0 (type, "error") == 0)
        handle_iq_reply (self, stanza);
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
/* Negotiation */

static void
become_ready (XmppConnection *self)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);

  priv->phase = PHASE_READY;
  clear_source (&priv->connect_timeout_source);
  disconnect_connect_cancellable (priv);
  set_state (self, XMPP_CONNECTION_STATE_READY);
  if (priv->connect_task != NULL)
    g_task_return_boolean (g_steal_pointer (&priv->connect_task), TRUE);
  g_signal_emit (self, signals[SIGNAL_READY], 0, priv->bound_jid);
}

static void
send_bind (XmppConnection *self)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);
  g_autoptr(XmppStanza) iq = xmpp_stanza_new (XMPP_STANZA_KIND_IQ, "set");
  XmppElement *bind;

  set_state (self, XMPP_CONNECTION_STATE_BINDING);
  g_free (priv->bind_id);
  priv->bind_id = new_iq_id ();
  xmpp_stanza_set_id (iq, priv->bind_id);
  bind = xmpp_element_add_child_new (xmpp_stanza_get_element (iq), "bind", NS_BIND);
  if (priv->resource != NULL)
    xmpp_element_add_child_with_text (bind, "resource", NULL, priv->resource);
  priv->phase = PHASE_BIND;
  queue_element (self, xmpp_stanza_get_element (iq));
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
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);
  g_autoptr(GError) error = NULL;
  XmppElement *bind;
  const char *jid_text;
  XmppJid *jid;

  if (g_strcmp0 (xmpp_stanza_get_id (reply), priv->bind_id) != 0)
    return FALSE;

  if (!xmpp_stanza_check_error (reply, &error))
    {
      fail (self, g_error_new (XMPP_CONNECTION_ERROR, XMPP_CONNECTION_ERROR_BIND,
                               _("The server refused to bind a resource: %s"), error->message));
      return TRUE;
    }

  bind = xmpp_element_get_child (xmpp_stanza_get_element (reply), "bind", NS_BIND);
  jid_text = bind != NULL ? xmpp_element_get_child_text (bind, "jid", NS_BIND) : NULL;
  jid = jid_text != NULL ? xmpp_jid_new (jid_text, NULL) : NULL;
  if (jid == NULL || xmpp_jid_is_bare (jid) || !xmpp_jid_equal_bare (jid, priv->jid))
    {
      g_clear_pointer (&jid, xmpp_jid_unref);
      fail (self, g_error_new_literal (XMPP_CONNECTION_ERROR, XMPP_CONNECTION_ERROR_BIND,
                                       _("The server bound an address that is not the account’s")));
      return TRUE;
    }

  g_clear_pointer (&priv->bound_jid, xmpp_jid_unref);
  priv->bound_jid = jid;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BOUND_JID]);
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

/* Creates the SASL client for this login and gives the <auth/> that
 * starts it. */
static XmppElement *
start_sasl (XmppConnection *self,
            XmppElement    *features,
            GError        **error)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);
  g_auto(GStrv) mechanisms = NULL;
  g_auto(GStrv) bindings = NULL;

  g_clear_pointer (&priv->sasl, xmpp_sasl_client_free);
  priv->sasl = xmpp_sasl_client_new (xmpp_jid_get_localpart (priv->jid), priv->password, NULL,
                                     "xmpp", xmpp_jid_get_domainpart (priv->jid), priv->secured);

  if (priv->sasl_mechanism != NULL)
    {
      XmppSaslMechanism forced = xmpp_sasl_mechanism_from_name (priv->sasl_mechanism);

      if (forced == 0)
        {
          g_set_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_NO_MECHANISM,
                       _("The SASL mechanism %s is not supported"), priv->sasl_mechanism);
          return NULL;
        }
      xmpp_sasl_client_set_allowed_mechanisms (priv->sasl, forced);
    }

  if (priv->secured && G_IS_TLS_CONNECTION (priv->stream))
    {
      GTlsConnection *tls = G_TLS_CONNECTION (priv->stream);
      g_autoptr(GBytes) unique = get_binding (tls, G_TLS_CHANNEL_BINDING_TLS_UNIQUE);
      g_autoptr(GBytes) exporter = get_binding (tls, G_TLS_CHANNEL_BINDING_TLS_EXPORTER);

      xmpp_sasl_client_set_channel_binding (priv->sasl, g_tls_connection_get_protocol_version (tls),
                                            unique, exporter);
    }

  xmpp_sasl_parse_features (features, &mechanisms, &bindings);
  return xmpp_sasl_client_start (priv->sasl, (const char *const *) mechanisms,
                                 (const char *const *) bindings, error);
}

static void
handle_features (XmppConnection *self,
                 XmppElement    *features)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);
  g_autoptr(GError) error = NULL;

  if (!priv->secured && priv->tls_mode != XMPP_TLS_MODE_INSECURE_PLAINTEXT)
    {
      if (xmpp_element_get_child (features, "starttls", NS_TLS) == NULL)
        {
          fail (self, g_error_new_literal (XMPP_CONNECTION_ERROR, XMPP_CONNECTION_ERROR_TLS_REQUIRED,
                                           _("The server does not offer TLS, which this connection requires")));
          return;
        }
      set_state (self, XMPP_CONNECTION_STATE_SECURING);
      priv->phase = PHASE_STARTTLS;
      {
        g_autoptr(XmppElement) starttls = xmpp_element_new ("starttls", NS_TLS);

        queue_element (self, starttls);
      }
      return;
    }

  if (!priv->authenticated)
    {
      XmppElement *auth;

      set_state (self, XMPP_CONNECTION_STATE_AUTHENTICATING);
      auth = start_sasl (self, features, &error);
      if (auth == NULL)
        {
          fail (self, g_steal_pointer (&error));
          return;
        }
      g_free (priv->used_mechanism);
      priv->used_mechanism = g_strdup (xmpp_sasl_client_get_mechanism (priv->sasl));
      priv->phase = PHASE_SASL;
      queue_element (self, auth);
      xmpp_element_unref (auth);
      return;
    }

  if (xmpp_element_get_child (features, "bind", NS_BIND) == NULL)
    {
      fail (self, g_error_new_literal (XMPP_CONNECTION_ERROR, XMPP_CONNECTION_ERROR_PROTOCOL,
                                       _("The server does not offer resource binding")));
      return;
    }
  priv->phase = PHASE_BIND;
  priv->session_required = session_required (features);
  send_bind (self);
}

static void
handle_sasl (XmppConnection *self,
             XmppElement    *element)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);
  g_autoptr(GError) error = NULL;
  XmppElement *reply = NULL;

  switch (xmpp_sasl_client_receive (priv->sasl, element, &reply, &error))
    {
    case XMPP_SASL_STATUS_CONTINUE:
      if (reply != NULL)
        {
          queue_element (self, reply);
          xmpp_element_unref (reply);
        }
      break;

    case XMPP_SASL_STATUS_SUCCESS:
      g_clear_pointer (&priv->sasl, xmpp_sasl_client_free);
      if (priv->password != NULL)
        explicit_bzero (priv->password, strlen (priv->password));
      g_clear_pointer (&priv->password, g_free);
      priv->authenticated = TRUE;
      open_stream (self);
      break;

    case XMPP_SASL_STATUS_FAILED:
    default:
      g_clear_pointer (&reply, xmpp_element_unref);
      fail (self, g_steal_pointer (&error));
      break;
    }
}

static void
on_stream_start (XmppStreamHeader *header,
                 gpointer          user_data)
{
  XmppConnection *self = user_data;

  if (g_strcmp0 (xmpp_stream_header_get_version (header), "1.0") != 0 &&
      !g_str_has_prefix (xmpp_stream_header_get_version (header) ? xmpp_stream_header_get_version (header) : "", "1."))
    fail (self, g_error_new_literal (XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_UNSUPPORTED_VERSION,
                                     _("The server does not speak XMPP 1.0")));
}

static void
on_stream_end (gpointer user_data)
{
  XmppConnection *self = user_data;
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);

  if (priv->state == XMPP_CONNECTION_STATE_CLOSING)
    finish_session (self, NULL);
  else
    fail (self, g_error_new_literal (XMPP_CONNECTION_ERROR, XMPP_CONNECTION_ERROR_CLOSED,
                                     _("The server closed the stream")));
}

static void
on_stanza (XmppStanza *stanza,
           gpointer    user_data)
{
  XmppConnection *self = user_data;
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);
  XmppElement *element = xmpp_stanza_get_element (stanza);

  if (xmpp_element_is (element, "error", XMPP_NS_STREAM))
    {
      fail (self, stream_error_from_element (element));
      return;
    }

  switch (priv->phase)
    {
    case PHASE_FEATURES:
      if (xmpp_element_is (element, "features", XMPP_NS_STREAM))
        handle_features (self, element);
      else
        fail (self, g_error_new (XMPP_CONNECTION_ERROR, XMPP_CONNECTION_ERROR_PROTOCOL,
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
        fail (self, g_error_new_literal (XMPP_CONNECTION_ERROR, XMPP_CONNECTION_ERROR_TLS_REFUSED,
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
              priv->session_id = new_iq_id ();
              xmpp_stanza_set_id (iq, priv->session_id);
              xmpp_element_add_child_new (xmpp_stanza_get_element (iq), "session", NS_SESSION);
              priv->phase = PHASE_SESSION;
              queue_element (self, xmpp_stanza_get_element (iq));
            }
          else
            become_ready (self);
        }
      break;

    case PHASE_SESSION:
      if (xmpp_stanza_get_kind (stanza) == XMPP_STANZA_KIND_IQ &&
          g_strcmp0 (xmpp_stanza_get_id (stanza), priv->session_id) == 0)
        {
          g_autoptr(GError) error = NULL;

          if (!xmpp_stanza_check_error (stanza, &error))
            fail (self, g_steal_pointer (&error));
          else
            become_ready (self);
        }
      break;

    case PHASE_READY:
      g_signal_emit (self, signals[SIGNAL_STANZA], 0, stanza);
      dispatch (self, stanza);
      break;

    case PHASE_NONE:
    default:
      break;
    }
}

static const XmppParserHandlers parser_handlers = {
  on_stream_start,
  on_stanza,
  on_stream_end,
};

/* ------------------------------------------------------------------ */
/* Reading */

static void
on_read_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(XmppConnection) self = user_data;
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);
  g_autoptr(GError) error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  priv->reading = FALSE;
  if (n < 0)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        fail (self, g_steal_pointer (&error));
      return;
    }
  if (n == 0)
    {
      fail (self, g_error_new_literal (XMPP_CONNECTION_ERROR, XMPP_CONNECTION_ERROR_CLOSED,
                                       _("The server closed the connection")));
      return;
    }

  if (g_signal_has_handler_pending (self, signals[SIGNAL_XML_RECEIVED], 0, FALSE))
    {
      g_autofree char *text = g_strndup ((const char *) priv->read_buffer, n);

      g_signal_emit (self, signals[SIGNAL_XML_RECEIVED], 0, text);
    }

  if (!xmpp_parser_feed (priv->parser, priv->read_buffer, n, &error))
    {
      fail (self, g_steal_pointer (&error));
      return;
    }

  if (is_active (priv) && !priv->read_paused)
    start_reading (self);
}

static void
start_reading (XmppConnection *self)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);

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
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);

  priv->peer_errors = errors;
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
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);
  g_autoptr(GError) error = NULL;

  if (!g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE))
        {
          fail (self, g_error_new (XMPP_CONNECTION_ERROR, XMPP_CONNECTION_ERROR_CERTIFICATE,
                                   _("The server’s certificate is not trusted for %s (%s)"),
                                   xmpp_jid_get_domainpart (priv->jid), error->message));
          return;
        }
      fail (self, g_steal_pointer (&error));
      return;
    }

  priv->secured = TRUE;
  priv->read_paused = FALSE;
  open_stream (self);
  start_reading (self);
}

static void
start_tls (XmppConnection *self)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);
  g_autoptr(GSocketConnectable) identity = NULL;
  g_autoptr(GError) error = NULL;
  GIOStream *tls;
  const char *const alpn[] = { "xmpp-client", NULL };

  set_state (self, XMPP_CONNECTION_STATE_SECURING);
  /* The certificate is checked against the account's domain, never the
   * host the connection went to. */
  identity = g_network_address_new (xmpp_jid_get_domainpart (priv->jid), priv->port);
  tls = g_tls_client_connection_new (G_IO_STREAM (priv->socket), identity, &error);
  if (tls == NULL)
    {
      fail (self, g_steal_pointer (&error));
      return;
    }
  if (priv->tls_database != NULL)
    g_tls_connection_set_database (G_TLS_CONNECTION (tls), priv->tls_database);
  if (priv->tls_mode == XMPP_TLS_MODE_DIRECT)
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
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);
  g_autoptr(GError) error = NULL;
  GSocketConnection *socket;

  socket = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), result, &error);
  if (socket == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || priv->connect_task != NULL)
        fail (self, g_steal_pointer (&error));
      return;
    }

  priv->socket = socket;
  if (priv->tls_mode == XMPP_TLS_MODE_DIRECT)
    {
      start_tls (self);
      return;
    }
  priv->stream = g_object_ref (G_IO_STREAM (socket));
  open_stream (self);
  start_reading (self);
}

static gboolean
on_connect_timeout (gpointer user_data)
{
  XmppConnection *self = user_data;
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);

  g_clear_pointer (&priv->connect_timeout_source, g_source_unref);
  fail (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                   _("The connection to the server timed out")));
  return G_SOURCE_REMOVE;
}

static gboolean
on_connect_cancelled_idle (gpointer user_data)
{
  XmppConnection *self = user_data;
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);

  if (priv->connect_task != NULL)
    fail (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                     _("Connecting was cancelled")));
  return G_SOURCE_REMOVE;
}

static void
on_connect_cancelled (GCancellable *cancellable,
                      gpointer      user_data)
{
  /* Cancellation may come from any thread, and the handler may not
   * disconnect itself: end the attempt from an idle in the connection's
   * own context. */
  XmppConnection *self = user_data;
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);
  g_autoptr(GSource) idle = g_idle_source_new ();

  g_source_set_callback (idle, on_connect_cancelled_idle, g_object_ref (self), g_object_unref);
  g_source_attach (idle, priv->context);
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
  g_autoptr(GSocketClient) client = NULL;
  g_autoptr(GTask) task = NULL;
  const char *host;
  guint port;

  g_return_if_fail (XMPP_IS_CONNECTION (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  priv = xmpp_connection_get_instance_private (self);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xmpp_connection_connect_async);

  if (is_active (priv))
    {
      g_task_return_new_error (task, XMPP_CONNECTION_ERROR, XMPP_CONNECTION_ERROR_BUSY,
                               _("The connection is already open"));
      return;
    }

  priv->connect_task = g_steal_pointer (&task);
  g_clear_pointer (&priv->context, g_main_context_unref);
  priv->context = g_main_context_ref_thread_default ();
  priv->closed_emitted = FALSE;
  priv->secured = FALSE;
  priv->authenticated = FALSE;
  g_clear_pointer (&priv->bound_jid, xmpp_jid_unref);
  set_state (self, XMPP_CONNECTION_STATE_CONNECTING);

  if (priv->connect_timeout > 0)
    {
      priv->connect_timeout_source = g_timeout_source_new_seconds (priv->connect_timeout);
      g_source_set_callback (priv->connect_timeout_source, on_connect_timeout, self, NULL);
      g_source_attach (priv->connect_timeout_source, priv->context);
    }
  if (cancellable != NULL)
    {
      priv->connect_cancellable = g_object_ref (cancellable);
      priv->connect_cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_connect_cancelled),
                                                          self, NULL);
    }

  host = priv->host != NULL ? priv->host : xmpp_jid_get_domainpart (priv->jid);
  port = priv->port != 0 ? priv->port : priv->tls_mode == XMPP_TLS_MODE_DIRECT ? 5223 : 5222;
  client = g_socket_client_new ();
  g_socket_client_connect_to_host_async (client, host, port, priv->cancellable,
                                         on_connected, g_object_ref (self));
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
/* Closing */

static gboolean
on_close_timeout (gpointer user_data)
{
  XmppConnection *self = user_data;
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);

  /* The peer did not answer with its footer: close anyway. */
  g_clear_pointer (&priv->close_timeout_source, g_source_unref);
  finish_session (self, NULL);
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

  priv = xmpp_connection_get_instance_private (self);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xmpp_connection_close_async);

  if (!is_active (priv))
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
      finish_session (self, NULL);
      return;
    }

  set_state (self, XMPP_CONNECTION_STATE_CLOSING);
  queue_text (self, XMPP_STREAM_FOOTER);
  priv->close_timeout_source = g_timeout_source_new_seconds (CLOSE_TIMEOUT_SECONDS);
  g_source_set_callback (priv->close_timeout_source, on_close_timeout, self, NULL);
  g_source_attach (priv->close_timeout_source, priv->context);
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

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------ */
/* Sending */

/**
 * xmpp_connection_send:
 * @self: a connection
 * @stanza: the stanza to send
 *
 * Queues a stanza for sending, after those queued before it; it never
 * blocks. [signal@Xmpp.Connection::queue-drained] tells when everything
 * queued has been written. A stanza sent while the connection is not
 * ready is dropped with a warning.
 */
void
xmpp_connection_send (XmppConnection *self,
                      XmppStanza     *stanza)
{
  XmppConnectionPrivate *priv;

  g_return_if_fail (XMPP_IS_CONNECTION (self));
  g_return_if_fail (stanza != NULL);

  priv = xmpp_connection_get_instance_private (self);
  if (priv->phase != PHASE_READY)
    {
      g_warning ("xmpp_connection_send: the connection is not ready; the stanza is dropped");
      return;
    }
  queue_element (self, xmpp_stanza_get_element (stanza));
}

static gboolean
on_iq_timeout (gpointer user_data)
{
  PendingIq *pending = user_data;
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (pending->self);
  GTask *task = g_steal_pointer (&pending->task);

  if (pending->cancelled_id != 0)
    g_cancellable_disconnect (g_task_get_cancellable (task), pending->cancelled_id);
  pending->cancelled_id = 0;
  g_clear_pointer (&pending->timeout, g_source_unref);
  g_hash_table_remove (priv->pending_iqs, pending->id);
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                           _("No reply to the request within the time allowed"));
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

typedef struct
{
  XmppConnection *self;
  char *id;
} CancelData;

static void
cancel_data_free (CancelData *data)
{
  g_object_unref (data->self);
  g_free (data->id);
  g_free (data);
}

static gboolean
on_iq_cancelled_idle (gpointer user_data)
{
  CancelData *data = user_data;
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (data->self);
  PendingIq *pending = g_hash_table_lookup (priv->pending_iqs, data->id);
  GTask *task;

  if (pending == NULL || pending->task == NULL)
    return G_SOURCE_REMOVE;
  task = g_steal_pointer (&pending->task);
  g_cancellable_disconnect (g_task_get_cancellable (task), pending->cancelled_id);
  pending->cancelled_id = 0;
  g_hash_table_remove (priv->pending_iqs, data->id);
  g_task_return_error_if_cancelled (task);
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

static void
on_iq_cancelled (GCancellable *cancellable,
                 gpointer      user_data)
{
  PendingIq *pending = user_data;
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (pending->self);
  g_autoptr(GSource) idle = g_idle_source_new ();
  CancelData *data = g_new0 (CancelData, 1);

  data->self = g_object_ref (pending->self);
  data->id = g_strdup (pending->id);
  g_source_set_callback (idle, on_iq_cancelled_idle, data, (GDestroyNotify) cancel_data_free);
  g_source_attach (idle, priv->context);
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

  priv = xmpp_connection_get_instance_private (self);
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
  pending->id = new_iq_id ();
  to = xmpp_stanza_get_to (iq);
  pending->expected_from = to != NULL ? xmpp_jid_ref (to) : NULL;
  xmpp_stanza_set_id (iq, pending->id);

  if (timeout_seconds == 0)
    timeout_seconds = priv->iq_timeout;
  if (timeout_seconds > 0)
    {
      pending->timeout = g_timeout_source_new_seconds (timeout_seconds);
      g_source_set_callback (pending->timeout, on_iq_timeout, pending, NULL);
      g_source_attach (pending->timeout, priv->context);
    }
  pending->task = g_steal_pointer (&task);
  if (cancellable != NULL)
    pending->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_iq_cancelled), pending, NULL);
  g_hash_table_insert (priv->pending_iqs, pending->id, pending);

  queue_element (self, xmpp_stanza_get_element (iq));
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

  return g_task_propagate_pointer (G_TASK (result), error);
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
 * xmpp_connection_get_jid:
 * @self: a connection
 *
 * Gives the account's address, as given at creation.
 *
 * Returns: (transfer none): the address
 */
XmppJid *
xmpp_connection_get_jid (XmppConnection *self)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);

  g_return_val_if_fail (XMPP_IS_CONNECTION (self), NULL);
  return priv->jid;
}

/**
 * xmpp_connection_get_bound_jid:
 * @self: a connection
 *
 * Gives the full address the server bound for this session.
 *
 * Returns: (transfer none) (nullable): the address, or %NULL before
 *   binding
 */
XmppJid *
xmpp_connection_get_bound_jid (XmppConnection *self)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);

  g_return_val_if_fail (XMPP_IS_CONNECTION (self), NULL);
  return priv->bound_jid;
}

/**
 * xmpp_connection_get_state:
 * @self: a connection
 *
 * Tells where the connection stands.
 *
 * Returns: the state
 */
XmppConnectionState
xmpp_connection_get_state (XmppConnection *self)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);

  g_return_val_if_fail (XMPP_IS_CONNECTION (self), XMPP_CONNECTION_STATE_DISCONNECTED);
  return priv->state;
}

/**
 * xmpp_connection_get_used_mechanism:
 * @self: a connection
 *
 * Gives the SASL mechanism the last login used, such as
 * `SCRAM-SHA-256-PLUS`.
 *
 * Returns: (nullable): the mechanism, or %NULL before a login
 */
const char *
xmpp_connection_get_used_mechanism (XmppConnection *self)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);

  g_return_val_if_fail (XMPP_IS_CONNECTION (self), NULL);
  return priv->used_mechanism;
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

static gboolean
set_object (gpointer slot,
            gpointer value)
{
  return g_set_object ((GObject **) slot, value);
}

#define DEFINE_STRING_PROPERTY(name, PROP)                                            \
  const char *                                                                        \
  xmpp_connection_get_##name (XmppConnection *self)                                   \
  {                                                                                   \
    XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);        \
    g_return_val_if_fail (XMPP_IS_CONNECTION (self), NULL);                           \
    return priv->name;                                                                \
  }                                                                                   \
  void                                                                                \
  xmpp_connection_set_##name (XmppConnection *self, const char *value)                \
  {                                                                                   \
    XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);        \
    g_return_if_fail (XMPP_IS_CONNECTION (self));                                     \
    if (set_string (&priv->name, value))                                              \
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP]);                   \
  }

#define DEFINE_UINT_PROPERTY(name, PROP)                                              \
  guint                                                                               \
  xmpp_connection_get_##name (XmppConnection *self)                                   \
  {                                                                                   \
    XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);        \
    g_return_val_if_fail (XMPP_IS_CONNECTION (self), 0);                              \
    return priv->name;                                                                \
  }                                                                                   \
  void                                                                                \
  xmpp_connection_set_##name (XmppConnection *self, guint value)                      \
  {                                                                                   \
    XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);        \
    g_return_if_fail (XMPP_IS_CONNECTION (self));                                     \
    if (priv->name == value)                                                          \
      return;                                                                         \
    priv->name = value;                                                               \
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP]);                     \
  }

#define DEFINE_OBJECT_PROPERTY(Type, name, PROP)                                      \
  Type *                                                                              \
  xmpp_connection_get_##name (XmppConnection *self)                                   \
  {                                                                                   \
    XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);        \
    g_return_val_if_fail (XMPP_IS_CONNECTION (self), NULL);                           \
    return priv->name;                                                                \
  }                                                                                   \
  void                                                                                \
  xmpp_connection_set_##name (XmppConnection *self, Type *value)                      \
  {                                                                                   \
    XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);        \
    g_return_if_fail (XMPP_IS_CONNECTION (self));                                     \
    if (set_object (&priv->name, value))                                              \
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP]);                   \
  }

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
DEFINE_UINT_PROPERTY (port, PROP_PORT)

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
DEFINE_UINT_PROPERTY (iq_timeout, PROP_IQ_TIMEOUT)

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
DEFINE_UINT_PROPERTY (connect_timeout, PROP_CONNECT_TIMEOUT)

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
 * xmpp_connection_get_tls_mode:
 * @self: a connection
 *
 * Tells how the connection is encrypted.
 *
 * Returns: the mode
 */
XmppTlsMode
xmpp_connection_get_tls_mode (XmppConnection *self)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);

  g_return_val_if_fail (XMPP_IS_CONNECTION (self), XMPP_TLS_MODE_STARTTLS);
  return priv->tls_mode;
}

/**
 * xmpp_connection_set_tls_mode:
 * @self: a connection
 * @mode: how to encrypt
 *
 * Sets [property@Xmpp.Connection:tls-mode].
 */
void
xmpp_connection_set_tls_mode (XmppConnection *self,
                              XmppTlsMode     mode)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);

  g_return_if_fail (XMPP_IS_CONNECTION (self));
  if (priv->tls_mode == mode)
    return;
  priv->tls_mode = mode;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TLS_MODE]);
}

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
    case PROP_RESOURCE: g_value_set_string (value, priv->resource); break;
    case PROP_SASL_MECHANISM: g_value_set_string (value, priv->sasl_mechanism); break;
    case PROP_IQ_TIMEOUT: g_value_set_uint (value, priv->iq_timeout); break;
    case PROP_CONNECT_TIMEOUT: g_value_set_uint (value, priv->connect_timeout); break;
    case PROP_STATE: g_value_set_enum (value, priv->state); break;
    case PROP_BOUND_JID: g_value_set_boxed (value, priv->bound_jid); break;
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
    case PROP_PASSWORD:
      g_clear_pointer (&priv->password, g_free);
      priv->password = g_value_dup_string (value);
      break;
    case PROP_HOST: xmpp_connection_set_host (self, g_value_get_string (value)); break;
    case PROP_PORT: xmpp_connection_set_port (self, g_value_get_uint (value)); break;
    case PROP_TLS_MODE: xmpp_connection_set_tls_mode (self, g_value_get_enum (value)); break;
    case PROP_TLS_DATABASE: xmpp_connection_set_tls_database (self, g_value_get_object (value)); break;
    case PROP_PINNED_CERTIFICATE:
      xmpp_connection_set_pinned_certificate (self, g_value_get_object (value));
      break;
    case PROP_RESOURCE: xmpp_connection_set_resource (self, g_value_get_string (value)); break;
    case PROP_SASL_MECHANISM: xmpp_connection_set_sasl_mechanism (self, g_value_get_string (value)); break;
    case PROP_IQ_TIMEOUT: xmpp_connection_set_iq_timeout (self, g_value_get_uint (value)); break;
    case PROP_CONNECT_TIMEOUT: xmpp_connection_set_connect_timeout (self, g_value_get_uint (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xmpp_connection_dispose (GObject *object)
{
  XmppConnection *self = XMPP_CONNECTION (object);
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);

  if (is_active (priv))
    finish_session (self, g_error_new_literal (XMPP_CONNECTION_ERROR, XMPP_CONNECTION_ERROR_CLOSED,
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
  g_clear_pointer (&priv->resource, g_free);
  g_clear_pointer (&priv->sasl_mechanism, g_free);
  g_clear_pointer (&priv->bound_jid, xmpp_jid_unref);
  g_clear_pointer (&priv->used_mechanism, g_free);
  g_clear_pointer (&priv->bind_id, g_free);
  g_clear_pointer (&priv->session_id, g_free);
  g_clear_object (&priv->cancellable);
  g_clear_object (&priv->parser);
  g_clear_pointer (&priv->read_buffer, g_free);
  g_clear_pointer (&priv->pending_iqs, g_hash_table_unref);
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
   * The account's password. It is forgotten once the login succeeds.
   */
  properties[PROP_PASSWORD] =
    g_param_spec_string ("password", NULL, NULL, NULL,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppConnection:host:
   *
   * A host to connect to instead of the account's domain, such as
   * `127.0.0.1` for a local server. The certificate is still checked
   * against the account's domain.
   */
  properties[PROP_HOST] =
    g_param_spec_string ("host", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppConnection:port:
   *
   * The port to connect to; 0 for the default.
   */
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 0, G_MAXUINT16, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppConnection:tls-mode:
   *
   * How the connection is encrypted: STARTTLS, required, by default.
   */
  properties[PROP_TLS_MODE] =
    g_param_spec_enum ("tls-mode", NULL, NULL, XMPP_TYPE_TLS_MODE, XMPP_TLS_MODE_STARTTLS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppConnection:tls-database:
   *
   * The trust store that checks the server's certificate; %NULL for the
   * system's.
   */
  properties[PROP_TLS_DATABASE] =
    g_param_spec_object ("tls-database", NULL, NULL, G_TYPE_TLS_DATABASE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppConnection:pinned-certificate:
   *
   * A server certificate trusted as it is, even if no trusted authority
   * issued it.
   */
  properties[PROP_PINNED_CERTIFICATE] =
    g_param_spec_object ("pinned-certificate", NULL, NULL, G_TYPE_TLS_CERTIFICATE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppConnection:resource:
   *
   * The resource to request when binding; %NULL lets the server choose.
   */
  properties[PROP_RESOURCE] =
    g_param_spec_string ("resource", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppConnection:sasl-mechanism:
   *
   * The only SASL mechanism to use; %NULL for the strongest both sides
   * know.
   */
  properties[PROP_SASL_MECHANISM] =
    g_param_spec_string ("sasl-mechanism", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppConnection:iq-timeout:
   *
   * How long, in seconds, an IQ request waits for its reply by default.
   */
  properties[PROP_IQ_TIMEOUT] =
    g_param_spec_uint ("iq-timeout", NULL, NULL, 0, G_MAXUINT, XMPP_CONNECTION_DEFAULT_IQ_TIMEOUT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppConnection:connect-timeout:
   *
   * How long, in seconds, connecting may take until the stream is ready.
   */
  properties[PROP_CONNECT_TIMEOUT] =
    g_param_spec_uint ("connect-timeout", NULL, NULL, 0, G_MAXUINT, DEFAULT_CONNECT_TIMEOUT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppConnection:state:
   *
   * Where the connection stands.
   */
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, XMPP_TYPE_CONNECTION_STATE,
                       XMPP_CONNECTION_STATE_DISCONNECTED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppConnection:bound-jid:
   *
   * The full address the server bound for this session.
   */
  properties[PROP_BOUND_JID] =
    g_param_spec_boxed ("bound-jid", NULL, NULL, XMPP_TYPE_JID,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

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
   * chunks are not split at element boundaries.
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
}

static void
xmpp_connection_init (XmppConnection *self)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_instance_private (self);

  priv->iq_timeout = XMPP_CONNECTION_DEFAULT_IQ_TIMEOUT;
  priv->connect_timeout = DEFAULT_CONNECT_TIMEOUT;
  priv->cancellable = g_cancellable_new ();
  priv->parser = xmpp_parser_new ();
  xmpp_parser_set_handlers (priv->parser, &parser_handlers, self);
  priv->read_buffer = g_malloc (READ_BUFFER_SIZE);
  priv->pending_iqs = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                             (GDestroyNotify) pending_iq_free);
  g_queue_init (&priv->write_queue);
}
