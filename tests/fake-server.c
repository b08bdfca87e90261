/* fake-server.c: a scripted XMPP server for tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "fake-server.h"

#include <glib/gstdio.h>
#include <gsasl.h>
#include <string.h>

typedef enum {
  STEP_HEADER,      /* wait for the client's stream header, send data */
  STEP_EXPECT,      /* wait for an element, send data with {id} filled in */
  STEP_SEND,        /* send data */
  STEP_TRICKLE,     /* send data one byte per interval */
  STEP_STARTTLS,    /* <starttls/>, <proceed/>, then the TLS handshake */
  STEP_SASL,        /* <auth/> and <response/>s, with GSASL's server */
  STEP_HANG_UP,     /* close the TCP connection once everything is written */
} StepKind;

typedef struct
{
  StepKind kind;
  char *name;
  char *namespace_;
  char *data;
  guint interval_ms;
  gsize sent;                     /* STEP_TRICKLE: bytes sent so far */
  gboolean break_signature;       /* STEP_SASL */
} Step;

struct _FakeServer
{
  char *domain;
  char *user;
  char *password;
  GTlsCertificate *certificate;
  GMainContext *context;

  GSocketService *service;
  guint16 port;
  GCancellable *cancellable;      /* all I/O */
  guint n_pending;                /* async operations in flight */

  /* The client's connection */
  GSocketConnection *socket;
  GIOStream *stream;              /* the socket, or TLS over it */
  XmppParser *parser;
  guint8 buffer[4096];
  gboolean reading;
  gboolean paused;                /* stop reading: TLS is about to start */
  gboolean securing;              /* from <proceed/> to the end of the handshake */
  gboolean gone;                  /* the client closed, or we hung up */
  GQueue writes;                  /* GBytes */
  gboolean writing;

  /* The script */
  GQueue script;                  /* Step */
  gboolean running;
  GQueue inbox;                   /* XmppStanza not yet taken by a step */
  guint n_headers;                /* stream headers received */
  guint n_headers_taken;          /* … and taken by a step */
  guint n_streams;                /* stream headers sent */
  Gsasl *gsasl;
  Gsasl_session *sasl;
  GSource *trickle;
  char *error;

  /* The record */
  GPtrArray *received;            /* XmppStanza */
  GString *received_text;
};

static void run_script (FakeServer *self);
static void start_reading (FakeServer *self);

static void
step_free (Step *step)
{
  g_free (step->name);
  g_free (step->namespace_);
  g_free (step->data);
  g_free (step);
}

static Step *
new_step (StepKind    kind,
          const char *data)
{
  Step *step = g_new0 (Step, 1);

  step->kind = kind;
  step->data = g_strdup (data);
  return step;
}

/* Appends @step to the script, and runs it if the script was idle. */
static void
add_step (FakeServer *self,
          Step       *step)
{
  g_queue_push_tail (&self->script, step);
  run_script (self);
}

/* ------------------------------------------------------------------ */
/* Writing and hanging up */

static void flush_writes (FakeServer *self);
static void start_tls (FakeServer *self);

static void
stop_trickle (FakeServer *self)
{
  if (self->trickle != NULL)
    {
      g_source_destroy (self->trickle);
      g_clear_pointer (&self->trickle, g_source_unref);
    }
}

static void
on_written (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  FakeServer *self = user_data;
  g_autoptr(GError) error = NULL;

  self->n_pending--;
  self->writing = FALSE;
  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_test_message ("fake server: the client is gone: %s", error->message);
          self->gone = TRUE;
          stop_trickle (self);
        }
      return;
    }

  g_bytes_unref (g_queue_pop_head (&self->writes));
  if (g_queue_is_empty (&self->writes) && self->securing && self->stream != NULL &&
      !G_IS_TLS_CONNECTION (self->stream))
    start_tls (self);
  else
    flush_writes (self);
  run_script (self);
}

static void
flush_writes (FakeServer *self)
{
  GBytes *bytes = g_queue_peek_head (&self->writes);
  gsize size;
  const void *data;

  if (self->writing || self->stream == NULL || self->gone || bytes == NULL)
    return;
  data = g_bytes_get_data (bytes, &size);
  self->writing = TRUE;
  self->n_pending++;
  g_output_stream_write_all_async (g_io_stream_get_output_stream (self->stream), data, size,
                                   G_PRIORITY_DEFAULT, self->cancellable, on_written, self);
}

/* Queues @length bytes of @data, or all of it if @length is -1. */
static void
queue_write (FakeServer *self,
             const char *data,
             gssize      length)
{
  gsize size = length < 0 ? strlen (data) : (gsize) length;

  g_queue_push_tail (&self->writes, g_bytes_new (data, size));
  flush_writes (self);
}

/* Closes the TCP connection at once: no closing tag, no TLS close_notify. */
static void
hang_up (FakeServer *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  stop_trickle (self);
  if (self->socket != NULL)
    g_socket_close (g_socket_connection_get_socket (self->socket), NULL);
  g_clear_object (&self->stream);
  g_queue_clear_full (&self->writes, (GDestroyNotify) g_bytes_unref);
  self->gone = TRUE;
}

static void G_GNUC_PRINTF (2, 3)
fail (FakeServer *self,
      const char *format,
      ...)
{
  va_list args;

  if (self->error == NULL)
    {
      va_start (args, format);
      self->error = g_strdup_vprintf (format, args);
      va_end (args);
      g_test_message ("fake server: %s; hanging up", self->error);
    }
  hang_up (self);
}

/* ------------------------------------------------------------------ */
/* TLS */

static void
on_handshake_done (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  FakeServer *self = user_data;
  g_autoptr(GError) error = NULL;

  self->n_pending--;
  if (!g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        fail (self, "the TLS handshake failed: %s", error->message);
      return;
    }
  self->securing = FALSE;
  self->paused = FALSE;
  start_reading (self);
  run_script (self);
}

static void
start_tls (FakeServer *self)
{
  g_autoptr(GError) error = NULL;
  GIOStream *tls;

  tls = g_tls_server_connection_new (G_IO_STREAM (self->socket), self->certificate, &error);
  if (tls == NULL)
    {
      fail (self, "cannot start TLS: %s", error->message);
      return;
    }
  g_clear_object (&self->stream);
  self->stream = tls;
  self->n_pending++;
  g_tls_connection_handshake_async (G_TLS_CONNECTION (tls), G_PRIORITY_DEFAULT, self->cancellable,
                                    on_handshake_done, self);
}

/* ------------------------------------------------------------------ */
/* SASL */

static int
on_sasl_property (Gsasl          *gsasl,
                  Gsasl_session  *session,
                  Gsasl_property  property)
{
  FakeServer *self = gsasl_callback_hook_get (gsasl);

  /* SCRAM asks for the password, and so does PLAIN, to compare it with
   * the one the client sent. */
  if (property == GSASL_PASSWORD &&
      g_strcmp0 (gsasl_property_fast (session, GSASL_AUTHID), self->user) == 0)
    return gsasl_property_set (session, GSASL_PASSWORD, self->password);
  return GSASL_NO_CALLBACK;
}

/* Flips a bit in the first byte of the signature of a SCRAM server-final
 * message "v=<base64>". */
static char *
break_server_signature (const char *final)
{
  g_autofree guchar *signature = NULL;
  g_autofree char *encoded = NULL;
  gsize length = 0;

  g_assert_true (g_str_has_prefix (final, "v="));
  signature = g_base64_decode (final + 2, &length);
  g_assert_cmpuint (length, >, 0);
  signature[0] ^= 0x01;
  encoded = g_base64_encode (signature, length);
  return g_strconcat ("v=", encoded, NULL);
}

static void
send_sasl_element (FakeServer *self,
                   const char *name,
                   const char *data,
                   gsize       length)
{
  g_autofree char *encoded = length > 0 ? g_base64_encode ((const guchar *) data, length) : NULL;
  g_autofree char *xml = NULL;

  if (encoded != NULL)
    xml = g_strdup_printf ("<%s xmlns='%s'>%s</%s>", name, FAKE_NS_SASL, encoded, name);
  else
    xml = g_strdup_printf ("<%s xmlns='%s'/>", name, FAKE_NS_SASL);
  queue_write (self, xml, -1);
}

/* Runs one GSASL server step on the <auth/> or <response/> @element.
 * Returns: %TRUE once the exchange has ended. */
static gboolean
sasl_step (FakeServer  *self,
           Step        *step,
           XmppElement *element)
{
  const char *text = xmpp_element_get_text (element);
  g_autofree guchar *input = NULL;
  gsize input_length = 0;
  char *output = NULL;
  size_t output_length = 0;
  int rc;

  if (self->sasl == NULL)
    {
      const char *mechanism = xmpp_element_get_attribute (element, "mechanism");

      if (!xmpp_element_is (element, "auth", FAKE_NS_SASL) ||
          g_strcmp0 (mechanism, step->data) != 0)
        {
          fail (self, "expected <auth mechanism='%s'/>, got <%s mechanism='%s'/>", step->data,
                xmpp_element_get_name (element), mechanism);
          return FALSE;
        }
      g_assert_cmpint (gsasl_server_start (self->gsasl, mechanism, &self->sasl), ==, GSASL_OK);
    }
  else if (!xmpp_element_is (element, "response", FAKE_NS_SASL))
    {
      fail (self, "expected a SASL <response/>, got <%s/>", xmpp_element_get_name (element));
      return FALSE;
    }

  if (text != NULL && strcmp (text, "=") != 0)
    input = g_base64_decode (text, &input_length);
  rc = gsasl_step (self->sasl, input != NULL ? (const char *) input : "", input_length,
                   &output, &output_length);

  if (rc == GSASL_NEEDS_MORE)
    {
      send_sasl_element (self, "challenge", output, output_length);
      gsasl_free (output);
      return FALSE;
    }

  if (rc == GSASL_OK)
    {
      g_autofree char *final = g_strndup (output != NULL ? output : "", output_length);

      if (step->break_signature)
        {
          g_autofree char *broken = break_server_signature (final);

          g_free (final);
          final = g_steal_pointer (&broken);
        }
      send_sasl_element (self, "success", final, strlen (final));
      /* The client opens a new stream. */
      xmpp_parser_reset (self->parser);
    }
  else
    {
      g_autofree char *failure =
        g_strdup_printf ("<failure xmlns='%s'><not-authorized/></failure>", FAKE_NS_SASL);

      g_test_message ("fake server: SASL failed: %s", gsasl_strerror (rc));
      queue_write (self, failure, -1);
    }
  gsasl_free (output);
  g_clear_pointer (&self->sasl, gsasl_finish);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* The script */

/* Takes the next element the client sent, if there is one, and checks
 * that it is <name xmlns='namespace_'/> (any namespace if NULL). */
static XmppStanza *
take_element (FakeServer *self,
              const char *name,
              const char *namespace_)
{
  XmppStanza *stanza = g_queue_pop_head (&self->inbox);
  XmppElement *element;

  if (stanza == NULL)
    return NULL;
  element = xmpp_stanza_get_element (stanza);
  if (g_strcmp0 (xmpp_element_get_name (element), name) != 0 ||
      (namespace_ != NULL && g_strcmp0 (xmpp_element_get_namespace (element), namespace_) != 0))
    {
      g_autofree char *text = xmpp_stanza_to_string (stanza);

      fail (self, "expected <%s xmlns='%s'/>, got %s", name, namespace_, text);
      xmpp_stanza_unref (stanza);
      return NULL;
    }
  return stanza;
}

/* @template with each "{id}" replaced by @id, escaped. */
static char *
fill_in_id (const char *template,
            const char *id)
{
  g_autofree char *escaped = g_markup_escape_text (id != NULL ? id : "", -1);
  g_auto(GStrv) parts = g_strsplit (template, "{id}", -1);

  return g_strjoinv (escaped, parts);
}

static gboolean
on_trickle (gpointer user_data)
{
  FakeServer *self = user_data;
  Step *step = g_queue_peek_head (&self->script);

  g_assert_true (step != NULL && step->kind == STEP_TRICKLE);
  queue_write (self, step->data + step->sent, 1);
  step->sent++;
  if (step->data[step->sent] != '\0')
    return G_SOURCE_CONTINUE;
  g_clear_pointer (&self->trickle, g_source_unref);
  run_script (self);
  return G_SOURCE_REMOVE;
}

/* Runs @step as far as it can go. Returns: %TRUE when it is complete. */
static gboolean
run_step (FakeServer *self,
          Step       *step)
{
  g_autoptr(XmppStanza) stanza = NULL;

  switch (step->kind)
    {
    case STEP_HEADER:
      if (self->n_headers_taken == self->n_headers)
        return FALSE;
      self->n_headers_taken++;
      if (step->data != NULL)
        queue_write (self, step->data, -1);
      return TRUE;

    case STEP_EXPECT:
      stanza = take_element (self, step->name, step->namespace_);
      if (stanza == NULL)
        return FALSE;
      if (step->data != NULL)
        {
          g_autofree char *reply = fill_in_id (step->data, xmpp_stanza_get_id (stanza));

          queue_write (self, reply, -1);
        }
      return TRUE;

    case STEP_SEND:
      queue_write (self, step->data, -1);
      return TRUE;

    case STEP_TRICKLE:
      if (step->data[step->sent] == '\0')
        return TRUE;
      if (self->trickle == NULL)
        {
          self->trickle = g_timeout_source_new (step->interval_ms);
          g_source_set_callback (self->trickle, on_trickle, self, NULL);
          g_source_attach (self->trickle, self->context);
        }
      return FALSE;

    case STEP_STARTTLS:
      stanza = take_element (self, "starttls", FAKE_NS_TLS);
      if (stanza == NULL)
        return FALSE;
      g_assert_nonnull (self->certificate);
      g_assert_false (self->reading);
      /* Read no further on the plain stream: TLS starts once <proceed/>
       * is written (see on_written()). */
      self->paused = TRUE;
      self->securing = TRUE;
      xmpp_parser_reset (self->parser);
      queue_write (self, "<proceed xmlns='" FAKE_NS_TLS "'/>", -1);
      return TRUE;

    case STEP_SASL:
      while ((stanza = g_queue_pop_head (&self->inbox)) != NULL)
        {
          if (sasl_step (self, step, xmpp_stanza_get_element (stanza)))
            return TRUE;
          g_clear_pointer (&stanza, xmpp_stanza_unref);
        }
      return FALSE;

    case STEP_HANG_UP:
      if (self->writing || !g_queue_is_empty (&self->writes))
        return FALSE;
      hang_up (self);
      return TRUE;

    default:
      g_assert_not_reached ();
    }
}

static void
run_script (FakeServer *self)
{
  Step *step;

  if (self->running)
    return;
  self->running = TRUE;
  while (self->error == NULL && self->stream != NULL && !self->gone && !self->securing &&
         (step = g_queue_peek_head (&self->script)) != NULL && run_step (self, step))
    step_free (g_queue_pop_head (&self->script));
  self->running = FALSE;
}

/* ------------------------------------------------------------------ */
/* Reading */

static void
on_stream_start (XmppParser       *parser,
                 XmppStreamHeader *header,
                 gpointer          user_data)
{
  FakeServer *self = user_data;

  self->n_headers++;
  run_script (self);
}

static void
on_stanza (XmppParser *parser,
           XmppStanza *stanza,
           gpointer    user_data)
{
  FakeServer *self = user_data;

  g_ptr_array_add (self->received, xmpp_stanza_ref (stanza));
  g_queue_push_tail (&self->inbox, xmpp_stanza_ref (stanza));
  run_script (self);
}

static void
on_stream_end (XmppParser *parser,
               gpointer    user_data)
{
  FakeServer *self = user_data;

  /* The client closes: close too. */
  queue_write (self, "</stream:stream>", -1);
}

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  FakeServer *self = user_data;
  g_autoptr(GError) error = NULL;
  gssize n;

  self->n_pending--;
  self->reading = FALSE;
  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (n <= 0)
    {
      g_test_message ("fake server: the client is gone%s%s", error != NULL ? ": " : "",
                      error != NULL ? error->message : "");
      self->gone = TRUE;
      stop_trickle (self);
      return;
    }

  g_string_append_len (self->received_text, (const char *) self->buffer, n);
  if (!xmpp_parser_feed (self->parser, self->buffer, n, &error))
    {
      fail (self, "the client sent bad XML: %s", error->message);
      return;
    }
  start_reading (self);
}

static void
start_reading (FakeServer *self)
{
  if (self->reading || self->paused || self->gone || self->stream == NULL)
    return;
  self->reading = TRUE;
  self->n_pending++;
  g_input_stream_read_async (g_io_stream_get_input_stream (self->stream), self->buffer,
                             sizeof self->buffer, G_PRIORITY_DEFAULT, self->cancellable,
                             on_read, self);
}

static gboolean
on_incoming (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source_object,
             gpointer           user_data)
{
  FakeServer *self = user_data;

  /* One client per server; another is refused. */
  if (self->socket != NULL)
    return FALSE;
  self->socket = g_object_ref (connection);
  self->stream = g_object_ref (G_IO_STREAM (connection));
  start_reading (self);
  run_script (self);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Public */

FakeServer *
fake_server_new (const char *domain,
                 const char *user,
                 const char *password)
{
  FakeServer *self = g_new0 (FakeServer, 1);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  self->domain = g_strdup (domain);
  self->user = g_strdup (user);
  self->password = g_strdup (password);
  self->context = g_main_context_ref_thread_default ();
  self->cancellable = g_cancellable_new ();
  self->parser = xmpp_parser_new ();
  g_signal_connect (self->parser, "stream-start", G_CALLBACK (on_stream_start), self);
  g_signal_connect (self->parser, "stanza", G_CALLBACK (on_stanza), self);
  g_signal_connect (self->parser, "stream-end", G_CALLBACK (on_stream_end), self);
  g_queue_init (&self->writes);
  g_queue_init (&self->script);
  g_queue_init (&self->inbox);
  self->received = g_ptr_array_new_with_free_func ((GDestroyNotify) xmpp_stanza_unref);
  self->received_text = g_string_new (NULL);
  g_assert_cmpint (gsasl_init (&self->gsasl), ==, GSASL_OK);
  gsasl_callback_hook_set (self->gsasl, self);
  gsasl_callback_set (self->gsasl, on_sasl_property);

  self->service = g_socket_service_new ();
  g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_signal_connect (self->service, "incoming", G_CALLBACK (on_incoming), self);
  g_socket_service_start (self->service);
  return self;
}

void
fake_server_free (FakeServer *self)
{
  g_socket_service_stop (self->service);
  g_socket_listener_close (G_SOCKET_LISTENER (self->service));
  g_cancellable_cancel (self->cancellable);
  stop_trickle (self);
  while (self->n_pending > 0)
    g_main_context_iteration (self->context, TRUE);

  if (self->socket != NULL)
    g_io_stream_close (G_IO_STREAM (self->socket), NULL, NULL);
  g_clear_object (&self->stream);
  g_clear_object (&self->socket);
  g_clear_object (&self->service);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->parser);
  g_clear_object (&self->certificate);
  g_queue_clear_full (&self->writes, (GDestroyNotify) g_bytes_unref);
  g_queue_clear_full (&self->script, (GDestroyNotify) step_free);
  g_queue_clear_full (&self->inbox, (GDestroyNotify) xmpp_stanza_unref);
  g_clear_pointer (&self->sasl, gsasl_finish);
  g_clear_pointer (&self->gsasl, gsasl_done);
  g_ptr_array_unref (self->received);
  g_string_free (self->received_text, TRUE);
  g_main_context_unref (self->context);
  g_free (self->domain);
  g_free (self->user);
  g_free (self->password);
  g_free (self->error);
  g_free (self);
}

guint16
fake_server_get_port (FakeServer *self)
{
  return self->port;
}

void
fake_server_set_certificate (FakeServer      *self,
                             GTlsCertificate *certificate)
{
  g_set_object (&self->certificate, certificate);
}

void
fake_server_expect_header (FakeServer *self)
{
  add_step (self, new_step (STEP_HEADER, NULL));
}

void
fake_server_open_stream (FakeServer *self,
                         const char *features)
{
  g_autofree char *reply =
    g_strdup_printf ("<?xml version='1.0'?><stream:stream xmlns='" FAKE_NS_CLIENT "' "
                     "xmlns:stream='" FAKE_NS_STREAM "' id='fake-%u' from='%s' version='1.0' "
                     "xml:lang='en'><stream:features>%s</stream:features>",
                     ++self->n_streams, self->domain, features);

  add_step (self, new_step (STEP_HEADER, reply));
}

void
fake_server_expect (FakeServer *self,
                    const char *name,
                    const char *namespace_,
                    const char *reply)
{
  Step *step = new_step (STEP_EXPECT, reply);

  step->name = g_strdup (name);
  step->namespace_ = g_strdup (namespace_);
  add_step (self, step);
}

void
fake_server_send (FakeServer *self,
                  const char *data)
{
  add_step (self, new_step (STEP_SEND, data));
}

void
fake_server_trickle (FakeServer *self,
                     const char *data,
                     guint       interval_ms)
{
  Step *step = new_step (STEP_TRICKLE, data);

  step->interval_ms = interval_ms;
  add_step (self, step);
}

void
fake_server_starttls (FakeServer *self)
{
  add_step (self, new_step (STEP_STARTTLS, NULL));
}

void
fake_server_sasl (FakeServer *self,
                  const char *mechanism,
                  gboolean    break_signature)
{
  Step *step = new_step (STEP_SASL, mechanism);

  step->break_signature = break_signature;
  add_step (self, step);
}

void
fake_server_bind (FakeServer *self,
                  const char *jid)
{
  g_autofree char *reply =
    g_markup_printf_escaped ("<iq type='result' id='{id}'>"
                             "<bind xmlns='%s'><jid>%s</jid></bind></iq>", FAKE_NS_BIND, jid);

  fake_server_expect (self, "iq", FAKE_NS_CLIENT, reply);
}

void
fake_server_hang_up (FakeServer *self)
{
  add_step (self, new_step (STEP_HANG_UP, NULL));
}

void
fake_server_script_login (FakeServer *self,
                          gboolean    starttls,
                          const char *mechanism,
                          const char *jid)
{
  g_autofree char *mechanisms =
    g_strdup_printf ("<mechanisms xmlns='" FAKE_NS_SASL "'><mechanism>%s</mechanism></mechanisms>",
                     mechanism);

  if (starttls)
    {
      fake_server_open_stream (self, FAKE_FEATURES_STARTTLS);
      fake_server_starttls (self);
    }
  fake_server_open_stream (self, mechanisms);
  fake_server_sasl (self, mechanism, FALSE);
  fake_server_open_stream (self, FAKE_FEATURES_BIND);
  fake_server_bind (self, jid);
}

gboolean
fake_server_is_idle (FakeServer *self)
{
  return g_queue_is_empty (&self->script) && !self->writing && g_queue_is_empty (&self->writes);
}

gboolean
fake_server_client_gone (FakeServer *self)
{
  return self->gone;
}

const char *
fake_server_get_error (FakeServer *self)
{
  return self->error;
}

guint
fake_server_get_n_headers (FakeServer *self)
{
  return self->n_headers;
}

GPtrArray *
fake_server_get_received (FakeServer *self)
{
  return self->received;
}

guint
fake_server_count_received (FakeServer *self,
                            const char *name,
                            const char *namespace_)
{
  guint count = 0;

  for (guint i = 0; i < self->received->len; i++)
    {
      XmppElement *element = xmpp_stanza_get_element (g_ptr_array_index (self->received, i));

      if (g_strcmp0 (xmpp_element_get_name (element), name) == 0 &&
          (namespace_ == NULL || g_strcmp0 (xmpp_element_get_namespace (element), namespace_) == 0))
        count++;
    }
  return count;
}

XmppStanza *
fake_server_find_received (FakeServer *self,
                           const char *id)
{
  for (guint i = 0; i < self->received->len; i++)
    if (g_strcmp0 (xmpp_stanza_get_id (g_ptr_array_index (self->received, i)), id) == 0)
      return g_ptr_array_index (self->received, i);
  return NULL;
}

XmppStanza *
fake_server_last_received (FakeServer *self,
                           const char *name)
{
  for (guint i = self->received->len; i > 0; i--)
    {
      XmppStanza *stanza = g_ptr_array_index (self->received, i - 1);

      if (g_strcmp0 (xmpp_element_get_name (xmpp_stanza_get_element (stanza)), name) == 0)
        return stanza;
    }
  return NULL;
}

const char *
fake_server_get_received_text (FakeServer *self)
{
  return self->received_text->str;
}

/* ------------------------------------------------------------------ */
/* The certificate */

char *
fake_find_openssl (int    argc,
                   char **argv)
{
  for (int i = 1; i + 1 < argc; i++)
    if (g_str_equal (argv[i], "--openssl"))
      return g_strdup (argv[i + 1]);
  return g_find_program_in_path ("openssl");
}

FakeCertificate *
fake_certificate_new (const char *openssl,
                      GError    **error)
{
  g_autoptr(FakeCertificate) self = g_new0 (FakeCertificate, 1);
  g_autofree char *key_file = NULL;
  g_autofree char *errors = NULL;
  int status;
  gboolean ok;

  self->dir = g_dir_make_tmp ("xmpp-glib-fake-XXXXXX", error);
  if (self->dir == NULL)
    return NULL;
  key_file = g_build_filename (self->dir, "key.pem", NULL);
  self->cert_file = g_build_filename (self->dir, "cert.pem", NULL);

  {
    const char *argv[] = {
      openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
      "-nodes", "-keyout", key_file, "-out", self->cert_file, "-days", "2",
      "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost", NULL
    };

    ok = g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                       NULL, &errors, &status, error);
  }
  if (ok && !g_spawn_check_wait_status (status, error))
    {
      g_prefix_error (error, "%s: %s", openssl, errors);
      ok = FALSE;
    }
  if (ok)
    self->certificate = g_tls_certificate_new_from_files (self->cert_file, key_file, error);
  g_remove (key_file);
  if (self->certificate == NULL)
    return NULL;
  self->database = g_tls_file_database_new (self->cert_file, error);
  if (self->database == NULL)
    return NULL;
  return g_steal_pointer (&self);
}

void
fake_certificate_free (FakeCertificate *self)
{
  if (self->cert_file != NULL)
    g_remove (self->cert_file);
  if (self->dir != NULL)
    g_rmdir (self->dir);
  g_clear_object (&self->certificate);
  g_clear_object (&self->database);
  g_free (self->cert_file);
  g_free (self->dir);
  g_free (self);
}
