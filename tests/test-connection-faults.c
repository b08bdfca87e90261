/* test-connection-faults.c: XmppConnection against a scripted fake
 * server, for what real servers cannot show: a man in the middle, broken
 * signatures, spoofed replies, hostile input, slow and vanishing peers.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>
#include <xmpp-glib/xmpp-glib.h>

#include "fake-server.h"
#include "server-env.h"

#define DOMAIN    "localhost"
#define USER      "alice"
#define PASSWORD  "Fake-Secret-4711"
#define BARE_JID  USER "@" DOMAIN
#define FULL_JID  BARE_JID "/fake"
#define NS_FAKE   "urn:example:fake"
#define NS_PING   "urn:xmpp:ping"

/* A ping from the server: once the client has answered it, it has
 * processed everything the server sent before. */
#define PING \
  "<iq type='get' id='ping-1' from='" DOMAIN "' to='" FULL_JID "'><ping xmlns='" NS_PING "'/></iq>"

static FakeCertificate *certificate;

typedef struct
{
  FakeServer *server;
  XmppConnection *connection;
  guint n_closed;
  GError *closed_error;
  guint n_ready;
  gboolean reached_ready_state;
  GPtrArray *stanza_senders;    /* the from of every stanza the client got */
  guint watchdog;
} Fixture;

static void
on_closed (XmppConnection *connection,
           const GError   *error,
           gpointer        user_data)
{
  Fixture *f = user_data;

  f->n_closed++;
  g_clear_error (&f->closed_error);
  if (error != NULL)
    f->closed_error = g_error_copy (error);
}

static void
on_ready (XmppConnection *connection,
          XmppJid        *jid,
          gpointer        user_data)
{
  Fixture *f = user_data;

  f->n_ready++;
}

static void
on_state (XmppConnection *connection,
          GParamSpec     *pspec,
          gpointer        user_data)
{
  Fixture *f = user_data;

  if (xmpp_connection_get_state (connection) == XMPP_CONNECTION_STATE_READY)
    f->reached_ready_state = TRUE;
}

static void
on_stanza (XmppConnection *connection,
           XmppStanza     *stanza,
           gpointer        user_data)
{
  Fixture *f = user_data;
  XmppJid *from = xmpp_stanza_get_from (stanza);

  g_ptr_array_add (f->stanza_senders, g_strdup (from != NULL ? xmpp_jid_to_string (from) : ""));
}

static gboolean
on_watchdog (gpointer user_data)
{
  g_error ("The test did not finish in time");
  return G_SOURCE_REMOVE;
}

static void
fixture_setup_type (Fixture *f,
                    GType    type)
{
  g_autoptr(XmppJid) jid = xmpp_jid_new (BARE_JID, NULL);

  f->server = fake_server_new (DOMAIN, USER, PASSWORD);
  fake_server_set_certificate (f->server, certificate->certificate);

  f->connection = g_object_new (type, "jid", jid, "password", PASSWORD, NULL);
  xmpp_connection_set_host (f->connection, "127.0.0.1");
  xmpp_connection_set_port (f->connection, fake_server_get_port (f->server));
  xmpp_connection_set_resource (f->connection, "fake");
  xmpp_connection_set_tls_database (f->connection, certificate->database);
  g_signal_connect (f->connection, "closed", G_CALLBACK (on_closed), f);
  g_signal_connect (f->connection, "ready", G_CALLBACK (on_ready), f);
  g_signal_connect (f->connection, "notify::state", G_CALLBACK (on_state), f);
  g_signal_connect (f->connection, "stanza", G_CALLBACK (on_stanza), f);
  f->stanza_senders = g_ptr_array_new_with_free_func (g_free);
  f->watchdog = g_timeout_add_seconds (60, on_watchdog, NULL);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  fixture_setup_type (f, XMPP_TYPE_CONNECTION);
}

static void
fixture_setup_im (Fixture       *f,
                  gconstpointer  data)
{
  fixture_setup_type (f, XMPP_TYPE_IM_CONNECTION);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  /* A script that went wrong is a broken test. */
  g_assert_null (fake_server_get_error (f->server));

  if (f->connection != NULL)
    g_signal_handlers_disconnect_by_data (f->connection, f);
  g_clear_object (&f->connection);
  g_clear_pointer (&f->server, fake_server_free);
  g_clear_error (&f->closed_error);
  g_clear_pointer (&f->stanza_senders, g_ptr_array_unref);
  g_source_remove (f->watchdog);
}

/* Logs in through the fake server: STARTTLS and PLAIN, or SCRAM-SHA-256
 * in plain text. */
static void
login (Fixture *f,
       gboolean starttls)
{
  g_autoptr(GError) error = NULL;
  const char *mechanism = starttls ? "PLAIN" : "SCRAM-SHA-256";

  if (!starttls)
    xmpp_connection_set_tls_mode (f->connection, XMPP_TLS_MODE_INSECURE_PLAINTEXT);
  fake_server_script_login (f->server, starttls, mechanism, FULL_JID);
  g_assert_true (connect_sync (f->connection, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (xmpp_connection_get_used_mechanism (f->connection), ==, mechanism);
  g_assert_cmpstr (xmpp_jid_to_string (xmpp_connection_get_bound_jid (f->connection)), ==,
                   FULL_JID);
  WAIT_UNTIL (fake_server_is_idle (f->server));
}

static XmppStanza *
new_request (const char *to)
{
  XmppStanza *iq = xmpp_stanza_new (XMPP_STANZA_KIND_IQ, "get");

  if (to != NULL)
    {
      g_autoptr(XmppJid) jid = xmpp_jid_new (to, NULL);

      xmpp_stanza_set_to (iq, jid);
    }
  xmpp_element_add_child_new (xmpp_stanza_get_element (iq), "query", NS_FAKE);
  return iq;
}

static void
assert_closed_once (Fixture *f)
{
  g_assert_cmpuint (f->n_closed, ==, 1);
  g_assert_cmpint (xmpp_connection_get_state (f->connection), ==,
                   XMPP_CONNECTION_STATE_DISCONNECTED);
}

/* ------------------------------------------------------------------ */

static void
test_starttls_stripped (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *plain = g_base64_encode ((const guchar *) "\0" USER "\0" PASSWORD,
                                            strlen (USER) + strlen (PASSWORD) + 2);
  const char *sent;

  g_test_summary ("A man in the middle removed <starttls/> from the features: the client "
                  "refuses to go on, and sends neither <auth/> nor its password.");

  fake_server_open_stream (f->server,
                           "<mechanisms xmlns='" FAKE_NS_SASL "'>"
                           "<mechanism>SCRAM-SHA-256</mechanism><mechanism>PLAIN</mechanism>"
                           "</mechanisms>");
  fake_server_sasl (f->server, "PLAIN", FALSE);

  g_assert_false (connect_sync (f->connection, &error));
  g_assert_error (error, XMPP_CONNECTION_ERROR, XMPP_CONNECTION_ERROR_TLS_REQUIRED);
  assert_closed_once (f);
  g_assert_error (f->closed_error, XMPP_CONNECTION_ERROR, XMPP_CONNECTION_ERROR_TLS_REQUIRED);

  /* Everything the client sent has arrived once it has hung up. */
  WAIT_UNTIL (fake_server_client_gone (f->server));
  sent = fake_server_get_received_text (f->server);
  g_assert_cmpuint (fake_server_get_n_headers (f->server), ==, 1);
  g_assert_cmpuint (fake_server_count_received (f->server, "auth", NULL), ==, 0);
  g_assert_cmpuint (fake_server_get_received (f->server)->len, ==, 0);
  g_assert_null (strstr (sent, PASSWORD));
  g_assert_null (strstr (sent, plain));
  g_assert_false (fake_server_is_idle (f->server));
}

static void
test_stream_error (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(XmppStanza) iq = new_request (DOMAIN);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(XmppStanza) reply = NULL;
  g_autoptr(GError) error = NULL;

  g_test_summary ("A stream error on a ready session (another login replaced this one) "
                  "closes the connection with its condition and text, and fails the IQ "
                  "request still waiting.");

  login (f, TRUE);
  fake_server_expect (f->server, "iq", FAKE_NS_CLIENT,
                      "<stream:error><conflict xmlns='" FAKE_NS_STREAMS "'/>"
                      "<text xmlns='" FAKE_NS_STREAMS "'>Replaced</text></stream:error>");

  xmpp_connection_send_iq_async (f->connection, iq, 0, NULL, on_async_done, &result);
  WAIT_UNTIL (result != NULL);
  reply = xmpp_connection_send_iq_finish (f->connection, result, &error);
  g_assert_null (reply);
  g_assert_error (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_CONFLICT);

  assert_closed_once (f);
  g_assert_error (f->closed_error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_CONFLICT);
  g_assert_nonnull (strstr (f->closed_error->message, "Replaced"));
}

static void
test_scram_bad_signature (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_test_summary ("The server-final SCRAM message carries a wrong signature, so the "
                  "server never proved it knows the password: the login fails before "
                  "the client opens the authenticated stream.");

  xmpp_connection_set_tls_mode (f->connection, XMPP_TLS_MODE_INSECURE_PLAINTEXT);
  fake_server_open_stream (f->server, FAKE_FEATURES_MECHANISMS ("SCRAM-SHA-256"));
  fake_server_sasl (f->server, "SCRAM-SHA-256", TRUE);
  fake_server_open_stream (f->server, FAKE_FEATURES_BIND);
  fake_server_bind (f->server, FULL_JID);

  g_assert_false (connect_sync (f->connection, &error));
  g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_SERVER_SIGNATURE);
  assert_closed_once (f);
  g_assert_error (f->closed_error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_SERVER_SIGNATURE);
  g_assert_cmpuint (f->n_ready, ==, 0);
  g_assert_false (f->reached_ready_state);
  g_assert_null (xmpp_connection_get_bound_jid (f->connection));

  WAIT_UNTIL (fake_server_client_gone (f->server));
  g_assert_cmpuint (fake_server_get_n_headers (f->server), ==, 1);
  g_assert_cmpuint (fake_server_count_received (f->server, "auth", FAKE_NS_SASL), ==, 1);
  g_assert_cmpuint (fake_server_count_received (f->server, "iq", NULL), ==, 0);
}

static void
test_iq_wrong_sender (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(XmppStanza) iq = new_request ("bob@localhost/x");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(XmppStanza) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *real = NULL;
  XmppStanza *sent;

  g_test_summary ("A reply with the right id from someone other than the entity the "
                  "request went to is ignored: the request completes with the real one.");

  login (f, FALSE);
  fake_server_expect (f->server, "iq", FAKE_NS_CLIENT,
                      "<iq type='result' id='{id}' from='mallory@localhost/evil' to='" FULL_JID "'>"
                      "<query xmlns='" NS_FAKE "'><who>mallory</who></query></iq>" PING);
  fake_server_expect (f->server, "iq", FAKE_NS_CLIENT, NULL);

  xmpp_connection_send_iq_async (f->connection, iq, 0, NULL, on_async_done, &result);
  WAIT_UNTIL (fake_server_is_idle (f->server));

  /* The client answered the ping, so it has seen the spoofed reply, and
   * still waits. */
  g_assert_null (result);
  g_assert_cmpuint (f->stanza_senders->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (f->stanza_senders, 0), ==, "mallory@localhost/evil");
  sent = fake_server_find_received (f->server, xmpp_stanza_get_id (iq));
  g_assert_nonnull (sent);
  g_assert_cmpstr (xmpp_element_get_attribute (xmpp_stanza_get_element (sent), "to"), ==,
                   "bob@localhost/x");
  sent = fake_server_find_received (f->server, "ping-1");
  g_assert_nonnull (sent);
  g_assert_cmpstr (xmpp_stanza_get_stanza_type (sent), ==, "result");

  real = g_strdup_printf ("<iq type='result' id='%s' from='bob@localhost/x' to='" FULL_JID "'>"
                          "<query xmlns='" NS_FAKE "'><who>bob</who></query></iq>",
                          xmpp_stanza_get_id (iq));
  fake_server_send (f->server, real);
  WAIT_UNTIL (result != NULL);
  reply = xmpp_connection_send_iq_finish (f->connection, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (xmpp_jid_to_string (xmpp_stanza_get_from (reply)), ==, "bob@localhost/x");
  g_assert_cmpstr (xmpp_element_get_child_text (xmpp_stanza_get_payload (reply), "who", NS_FAKE),
                   ==, "bob");

  g_assert_cmpint (xmpp_connection_get_state (f->connection), ==, XMPP_CONNECTION_STATE_READY);
  g_assert_cmpuint (f->n_closed, ==, 0);
  close_sync (f->connection);
  assert_closed_once (f);
  g_assert_null (f->closed_error);
}

static void
test_iq_no_to (Fixture       *f,
               gconstpointer  data)
{
  /* Who may answer a request without 'to' (RFC 6120 §10.3.3): the
   * server on the account's behalf, or the account itself. */
  const char *const accepted[] = { NULL, DOMAIN, BARE_JID, FULL_JID };
  const char *const ignored[] = {
    "bob@localhost", "bob@localhost/x", "example.org", "localhost/evil",
  };

  g_test_summary ("A request without 'to' goes to the account: a reply without 'from', "
                  "from the server's domain or from the account is taken; a reply from "
                  "anyone else is ignored.");

  login (f, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (accepted); i++)
    {
      g_autoptr(XmppStanza) iq = new_request (NULL);
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(XmppStanza) reply = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *answer = NULL;
      XmppJid *from;

      g_test_message ("a reply from %s", accepted[i] != NULL ? accepted[i] : "nobody");
      if (accepted[i] != NULL)
        answer = g_strdup_printf ("<iq type='result' id='{id}' from='%s'/>", accepted[i]);
      else
        answer = g_strdup ("<iq type='result' id='{id}'/>");
      fake_server_expect (f->server, "iq", FAKE_NS_CLIENT, answer);

      xmpp_connection_send_iq_async (f->connection, iq, 0, NULL, on_async_done, &result);
      WAIT_UNTIL (result != NULL);
      reply = xmpp_connection_send_iq_finish (f->connection, result, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (xmpp_stanza_get_id (reply), ==, xmpp_stanza_get_id (iq));
      from = xmpp_stanza_get_from (reply);
      g_assert_cmpstr (from != NULL ? xmpp_jid_to_string (from) : NULL, ==, accepted[i]);
    }

  for (guint i = 0; i < G_N_ELEMENTS (ignored); i++)
    {
      g_autoptr(XmppStanza) iq = new_request (NULL);
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(XmppStanza) reply = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *spoof = NULL;
      g_autofree char *real = NULL;

      g_test_message ("a reply from %s", ignored[i]);
      spoof = g_strdup_printf ("<iq type='error' id='{id}' from='%s'><error type='cancel'>"
                               "<forbidden xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
                               "</error></iq>" PING, ignored[i]);
      fake_server_expect (f->server, "iq", FAKE_NS_CLIENT, spoof);
      fake_server_expect (f->server, "iq", FAKE_NS_CLIENT, NULL);

      xmpp_connection_send_iq_async (f->connection, iq, 0, NULL, on_async_done, &result);
      WAIT_UNTIL (fake_server_is_idle (f->server));
      g_assert_null (result);

      real = g_strdup_printf ("<iq type='result' id='%s'/>", xmpp_stanza_get_id (iq));
      fake_server_send (f->server, real);
      WAIT_UNTIL (result != NULL);
      reply = xmpp_connection_send_iq_finish (f->connection, result, &error);
      g_assert_no_error (error);
      g_assert_null (xmpp_stanza_get_from (reply));
    }

  g_assert_cmpuint (f->n_closed, ==, 0);
  close_sync (f->connection);
  assert_closed_once (f);
}

static void
test_trickle_timeout (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 start, elapsed;

  g_test_summary ("A server that sends its stream header one byte per second never lets "
                  "the connection finish: connect-timeout ends it on time.");

  xmpp_connection_set_connect_timeout (f->connection, 2);
  fake_server_expect_header (f->server);
  fake_server_trickle (f->server,
                       "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
                       "xmlns:stream='http://etherx.jabber.org/streams' from='localhost' "
                       "id='slow' version='1.0'>", 1000);

  start = g_get_monotonic_time ();
  g_assert_false (connect_sync (f->connection, &error));
  elapsed = g_get_monotonic_time () - start;
  g_test_message ("timed out after %.2f s", elapsed / (double) G_USEC_PER_SEC);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpint (elapsed, >=, 1500 * 1000);
  g_assert_cmpint (elapsed, <=, 5000 * 1000);
  assert_closed_once (f);
  g_assert_error (f->closed_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);

  /* The server was still trickling when the client gave up. */
  WAIT_UNTIL (fake_server_client_gone (f->server));
  g_assert_false (fake_server_is_idle (f->server));
}

static void
test_unhandled_iq (Fixture       *f,
                   gconstpointer  data)
{
  XmppStanza *answer;
  XmppStanzaErrorType type;

  g_test_summary ("A request in a namespace nobody handles gets a service-unavailable "
                  "error with its id; a ping gets a result.");

  login (f, FALSE);
  fake_server_send (f->server,
                    "<iq type='get' id='unknown-1' from='" DOMAIN "' to='" FULL_JID "'>"
                    "<query xmlns='urn:example:unknown'/></iq>");
  fake_server_expect (f->server, "iq", FAKE_NS_CLIENT, PING);
  fake_server_expect (f->server, "iq", FAKE_NS_CLIENT, NULL);
  WAIT_UNTIL (fake_server_is_idle (f->server));

  answer = fake_server_find_received (f->server, "unknown-1");
  g_assert_nonnull (answer);
  g_assert_cmpstr (xmpp_stanza_get_stanza_type (answer), ==, "error");
  g_assert_cmpstr (xmpp_element_get_attribute (xmpp_stanza_get_element (answer), "to"), ==, DOMAIN);
  g_assert_cmpint (xmpp_stanza_get_error_condition (answer), ==,
                   XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE);
  g_assert_true (xmpp_stanza_get_error_type (answer, &type));
  g_assert_cmpint (type, ==, XMPP_STANZA_ERROR_TYPE_CANCEL);

  answer = fake_server_find_received (f->server, "ping-1");
  g_assert_nonnull (answer);
  g_assert_cmpstr (xmpp_stanza_get_stanza_type (answer), ==, "result");
  g_assert_cmpstr (xmpp_element_get_attribute (xmpp_stanza_get_element (answer), "to"), ==, DOMAIN);
  g_assert_null (xmpp_stanza_get_payload (answer));

  g_assert_cmpuint (fake_server_count_received (f->server, "iq", FAKE_NS_CLIENT), ==, 3);
  close_sync (f->connection);
  assert_closed_once (f);
}

static void
test_server_drops (Fixture       *f,
                   gconstpointer  data)
{
  gboolean tls = GPOINTER_TO_INT (data);
  g_autoptr(XmppStanza) iq = new_request (DOMAIN);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(XmppStanza) reply = NULL;
  g_autoptr(GError) error = NULL;

  g_test_summary ("The server closes the TCP connection while a request waits: the "
                  "connection closes once with an error, and the request fails with it. "
                  "Inside TLS, the missing close_notify makes it a truncation, not a "
                  "clean end.");

  login (f, tls);
  fake_server_expect (f->server, "iq", FAKE_NS_CLIENT, NULL);
  fake_server_hang_up (f->server);

  xmpp_connection_send_iq_async (f->connection, iq, 0, NULL, on_async_done, &result);
  WAIT_UNTIL (result != NULL);
  reply = xmpp_connection_send_iq_finish (f->connection, result, &error);
  g_assert_null (reply);
  assert_closed_once (f);
  if (tls)
    {
      g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_EOF);
      g_assert_error (f->closed_error, G_TLS_ERROR, G_TLS_ERROR_EOF);
    }
  else
    {
      g_assert_error (error, XMPP_CONNECTION_ERROR, XMPP_CONNECTION_ERROR_CLOSED);
      g_assert_error (f->closed_error, XMPP_CONNECTION_ERROR, XMPP_CONNECTION_ERROR_CLOSED);
    }
}

static void
test_invalid_xml (Fixture       *f,
                  gconstpointer  data)
{
  g_test_summary ("A document type declaration inside the stream (RFC 6120 §11.1) closes "
                  "the connection with restricted-xml, without expanding anything.");

  login (f, FALSE);
  fake_server_send (f->server, "<!DOCTYPE x [<!ENTITY a 'b'>]>");
  WAIT_UNTIL (f->n_closed > 0);

  assert_closed_once (f);
  g_assert_error (f->closed_error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_RESTRICTED_XML);

  /* The client said why before it closed (RFC 6120 §4.9.1.1). */
  WAIT_UNTIL (fake_server_client_gone (f->server));
  g_assert_nonnull (strstr (fake_server_get_received_text (f->server),
                            "<restricted-xml xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"));
}

/* Makes @server answer the client's header with a stream error that sends
 * it to @port on 127.0.0.1. */
static void
script_redirect (FakeServer *server,
                 guint16     port)
{
  g_autofree char *error = g_strdup_printf (
    "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' "
    "from='" DOMAIN "' id='r' version='1.0'>"
    "<stream:error><see-other-host xmlns='urn:ietf:params:xml:ns:xmpp-streams'>127.0.0.1:%u"
    "</see-other-host></stream:error></stream:stream>", port);

  fake_server_expect_header (server);
  fake_server_send (server, error);
}

static void
test_see_other_host (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(FakeServer) other = fake_server_new (DOMAIN, USER, PASSWORD);
  g_autoptr(GError) error = NULL;

  g_test_summary ("A see-other-host while connecting is followed to the host and port it "
                  "names; the login there succeeds, with the certificate still checked for "
                  "the account's domain, and no closed is emitted for the redirect.");

  fake_server_set_certificate (other, certificate->certificate);
  script_redirect (f->server, fake_server_get_port (other));
  fake_server_script_login (other, TRUE, "PLAIN", FULL_JID);

  g_assert_true (connect_sync (f->connection, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (xmpp_jid_to_string (xmpp_connection_get_bound_jid (f->connection)), ==, FULL_JID);
  g_assert_cmpuint (f->n_closed, ==, 0);
  WAIT_UNTIL (fake_server_is_idle (other));
  g_assert_null (fake_server_get_error (other));
  /* Nothing but the stream header went to the first server. */
  g_assert_cmpuint (fake_server_get_received (f->server)->len, ==, 0);
  close_sync (f->connection);
  g_assert_cmpuint (f->n_closed, ==, 1);
}

static void
test_see_other_host_loop (Fixture       *f,
                          gconstpointer  data)
{
  FakeServer *chain[3];
  g_autoptr(GError) error = NULL;

  g_test_summary ("Redirects are followed at most three times: a fourth see-other-host "
                  "ends the attempt with that stream error.");

  for (guint i = 0; i < G_N_ELEMENTS (chain); i++)
    chain[i] = fake_server_new (DOMAIN, USER, PASSWORD);
  script_redirect (f->server, fake_server_get_port (chain[0]));
  script_redirect (chain[0], fake_server_get_port (chain[1]));
  script_redirect (chain[1], fake_server_get_port (chain[2]));
  script_redirect (chain[2], fake_server_get_port (f->server));

  g_assert_false (connect_sync (f->connection, &error));
  g_assert_error (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_SEE_OTHER_HOST);
  assert_closed_once (f);
  for (guint i = 0; i < G_N_ELEMENTS (chain); i++)
    {
      g_assert_null (fake_server_get_error (chain[i]));
      fake_server_free (chain[i]);
    }
}

typedef struct
{
  Fixture *f;
  FakeServer *other;
  GAsyncResult *first;
  GAsyncResult *second;
  guint n_events;
  char events[8];
} Retry;

static void
on_retry_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Retry *retry = user_data;

  retry->second = g_object_ref (result);
}

static void
on_first_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Retry *retry = user_data;

  retry->first = g_object_ref (result);
}

static void
retry_from_closed (XmppConnection *connection,
                   const GError   *error,
                   gpointer        user_data)
{
  Retry *retry = user_data;

  /* The usual retry: connect again, elsewhere, from the handler. */
  if (retry->second == NULL && retry->n_events == 0)
    {
      retry->n_events++;
      xmpp_connection_set_port (connection, fake_server_get_port (retry->other));
      xmpp_connection_connect_async (connection, NULL, on_retry_done, retry);
    }
}

static void
test_reconnect_from_closed (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(FakeServer) other = fake_server_new (DOMAIN, USER, PASSWORD);
  Retry retry = { f, other, NULL, NULL, 0, { 0 } };
  g_autoptr(GError) error = NULL;

  g_test_summary ("A handler of closed may connect again at once: the first attempt's "
                  "callback gets its own error, the second its own success, and each "
                  "attempt emits closed once.");

  fake_server_set_certificate (other, certificate->certificate);
  fake_server_expect_header (f->server);
  fake_server_hang_up (f->server);
  fake_server_script_login (other, TRUE, "PLAIN", FULL_JID);

  g_signal_connect (f->connection, "closed", G_CALLBACK (retry_from_closed), &retry);
  xmpp_connection_connect_async (f->connection, NULL, on_first_done, &retry);
  WAIT_UNTIL (retry.first != NULL && retry.second != NULL);

  g_assert_false (xmpp_connection_connect_finish (f->connection, retry.first, &error));
  g_assert_error (error, XMPP_CONNECTION_ERROR, XMPP_CONNECTION_ERROR_CLOSED);
  g_clear_error (&error);
  g_assert_true (xmpp_connection_connect_finish (f->connection, retry.second, &error));
  g_assert_no_error (error);
  g_assert_cmpint (xmpp_connection_get_state (f->connection), ==, XMPP_CONNECTION_STATE_READY);
  g_assert_cmpuint (f->n_closed, ==, 1);

  close_sync (f->connection);
  g_assert_cmpuint (f->n_closed, ==, 2);
  g_signal_handlers_disconnect_by_data (f->connection, &retry);
  g_clear_object (&retry.first);
  g_clear_object (&retry.second);
}

static void
close_on_cancel (GCancellable *cancellable,
                 gpointer      user_data)
{
  Fixture *f = user_data;

  xmpp_connection_close_async (f->connection, NULL, NULL, NULL);
}

static void
test_cancel_closes (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_test_summary ("An application whose own cancelled handler closes the connection while "
                  "it connects neither hangs nor crashes: the attempt ends once.");

  fake_server_expect_header (f->server);
  g_signal_connect (cancellable, "cancelled", G_CALLBACK (close_on_cancel), f);
  xmpp_connection_connect_async (f->connection, cancellable, on_async_done, &result);
  WAIT_UNTIL (fake_server_get_n_headers (f->server) == 1);
  g_cancellable_cancel (cancellable);
  WAIT_UNTIL (result != NULL);

  g_assert_false (xmpp_connection_connect_finish (f->connection, result, &error));
  g_assert_nonnull (error);
  assert_closed_once (f);
}

static void
note_ready (XmppConnection *connection,
            XmppJid        *jid,
            gpointer        user_data)
{
  GString *order = user_data;

  g_string_append (order, "ready ");
}

static void
note_callback (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GString *order = user_data;

  g_assert_true (xmpp_connection_connect_finish (XMPP_CONNECTION (source), result, NULL));
  g_string_append (order, "callback ");
}

static void
test_ready_before_callback (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GString) order = g_string_new (NULL);
  GWeakRef weak;

  g_test_summary ("The connect callback runs after ready, as documented; and a connection "
                  "closed and dropped is finalized.");

  fake_server_script_login (f->server, TRUE, "PLAIN", FULL_JID);
  g_signal_connect (f->connection, "ready", G_CALLBACK (note_ready), order);
  xmpp_connection_connect_async (f->connection, NULL, note_callback, order);
  WAIT_UNTIL (g_str_has_suffix (order->str, "callback "));
  g_assert_cmpstr (order->str, ==, "ready callback ");

  close_sync (f->connection);
  g_weak_ref_init (&weak, f->connection);
  g_signal_handlers_disconnect_by_data (f->connection, f);
  g_signal_handlers_disconnect_by_data (f->connection, order);
  g_clear_object (&f->connection);
  WAIT_UNTIL (!g_main_context_pending (NULL));
  g_assert_null (g_weak_ref_get (&weak));
  g_weak_ref_clear (&weak);
}

static void
test_bind_conflict (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *received;
  XmppStanza *second;

  g_test_summary ("A conflict on the requested resource is met by one more bind request "
                  "without a resource, and the server's choice is bound.");

  fake_server_open_stream (f->server, FAKE_FEATURES_STARTTLS);
  fake_server_starttls (f->server);
  fake_server_open_stream (f->server, "<mechanisms xmlns='" FAKE_NS_SASL "'><mechanism>PLAIN</mechanism></mechanisms>");
  fake_server_sasl (f->server, "PLAIN", FALSE);
  fake_server_open_stream (f->server, FAKE_FEATURES_BIND);
  fake_server_expect (f->server, "iq", "jabber:client",
                      "<iq type='error' id='{id}'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"
                      "<error type='modify'><conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>");
  fake_server_bind (f->server, BARE_JID "/chosen-by-server");

  g_assert_true (connect_sync (f->connection, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (xmpp_jid_get_resourcepart (xmpp_connection_get_bound_jid (f->connection)), ==,
                   "chosen-by-server");

  /* The second request asked for no resource. */
  received = fake_server_get_received (f->server);
  second = g_ptr_array_index (received, received->len - 1);
  g_assert_nonnull (xmpp_element_get_child (xmpp_stanza_get_element (second), "bind",
                                            "urn:ietf:params:xml:ns:xmpp-bind"));
  g_assert_null (xmpp_element_get_child (xmpp_element_get_child (xmpp_stanza_get_element (second), "bind",
                                                                 "urn:ietf:params:xml:ns:xmpp-bind"),
                                         "resource", NULL));
  close_sync (f->connection);
}

static void
collect_received (XmppConnection *connection,
                  const char     *text,
                  gpointer        user_data)
{
  GString *received = user_data;

  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_string_append (received, text);
}

static void
count_message (XmppConnection *connection,
               XmppStanza     *message,
               gpointer        user_data)
{
  (*(guint *) user_data)++;
}

static void
test_xml_received_utf8 (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GString) received = g_string_new (NULL);
  guint messages = 0;

  g_test_summary ("Bytes that arrive one at a time, splitting multi-byte characters, reach "
                  "xml-received as whole UTF-8 and in full.");

  login (f, FALSE);
  g_signal_connect (f->connection, "xml-received", G_CALLBACK (collect_received), received);
  g_signal_connect (f->connection, "message", G_CALLBACK (count_message), &messages);
  fake_server_trickle (f->server, "<message><body>\xc3\xa9t\xc3\xa9 \xe2\x98\x83 \xf0\x9f\x8c\x8d</body></message>", 5);
  WAIT_UNTIL (messages == 1);
  g_assert_nonnull (strstr (received->str, "<body>\xc3\xa9t\xc3\xa9 \xe2\x98\x83 \xf0\x9f\x8c\x8d</body>"));
  g_signal_handlers_disconnect_by_data (f->connection, received);
  g_signal_handlers_disconnect_by_data (f->connection, &messages);
  close_sync (f->connection);
}

/* ------------------------------------------------------------------ */
/* Properties */

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  (*(guint *) user_data)++;
}

/* Gives every writable property a value other than its default. */
static void
set_every_property (XmppConnection  *c,
                    GTlsCertificate *pem)
{
  xmpp_connection_set_host (c, "localhost");
  xmpp_connection_set_port (c, 5999);
  xmpp_connection_set_tls_mode (c, XMPP_TLS_MODE_DIRECT);
  xmpp_connection_set_tls_database (c, NULL);
  xmpp_connection_set_pinned_certificate (c, pem);
  xmpp_connection_set_tls_certificate (c, pem);
  xmpp_connection_set_resource (c, NULL);
  xmpp_connection_set_sasl_mechanism (c, "SCRAM-SHA-1");
  xmpp_connection_set_iq_timeout (c, 7);
  xmpp_connection_set_connect_timeout (c, 8);
  xmpp_connection_set_max_queued_bytes (c, 4096);
  xmpp_connection_set_keepalive_interval (c, 9);
  xmpp_connection_set_stream_management (c, FALSE);
  xmpp_connection_set_liveness_timeout (c, 0);
}

static void
test_properties (Fixture       *f,
                 gconstpointer  data)
{
  XmppConnection *c = f->connection;
  GTlsCertificate *pem = certificate->certificate;
  guint notified = 0;
  guint port = 0;
  guint64 max = 0;
  gboolean sm = FALSE;

  g_test_summary ("Every property reads back what its setter wrote, through the accessors "
                  "and through GObject; a change is notified once and a non-change not at "
                  "all; a connection that never connected has nothing to report.");

  g_signal_connect (c, "notify", G_CALLBACK (count_notify), &notified);

  /* Before any connection */
  g_assert_cmpstr (xmpp_jid_to_string (xmpp_connection_get_jid (c)), ==, BARE_JID);
  g_assert_null (xmpp_connection_get_bound_jid (c));
  g_assert_cmpint (xmpp_connection_get_state (c), ==, XMPP_CONNECTION_STATE_DISCONNECTED);
  g_assert_null (xmpp_connection_get_used_mechanism (c));
  g_assert_null (xmpp_connection_get_stream_features (c));
  g_assert_null (xmpp_connection_get_peer_certificate (c));
  g_assert_cmpint (xmpp_connection_get_peer_certificate_errors (c), ==, 0);
  g_assert_false (xmpp_connection_get_resumed (c));
  g_assert_cmpuint (xmpp_connection_get_queued_bytes (c), ==, 0);
  g_assert_false (xmpp_connection_can_resume (c));
  g_assert_null (xmpp_connection_save_stream_state (c));

  /* Defaults */
  g_assert_cmpuint (xmpp_connection_get_iq_timeout (c), ==, XMPP_CONNECTION_DEFAULT_IQ_TIMEOUT);
  g_assert_cmpuint (xmpp_connection_get_max_queued_bytes (c), ==, XMPP_CONNECTION_DEFAULT_MAX_QUEUED_BYTES);
  g_assert_cmpuint (xmpp_connection_get_keepalive_interval (c), ==, XMPP_CONNECTION_DEFAULT_KEEPALIVE_INTERVAL);
  g_assert_cmpuint (xmpp_connection_get_liveness_timeout (c), ==, XMPP_CONNECTION_DEFAULT_LIVENESS_TIMEOUT);
  g_assert_cmpuint (xmpp_connection_get_connect_timeout (c), >, 0);
  g_assert_true (xmpp_connection_get_stream_management (c));
  g_assert_cmpint (xmpp_connection_get_tls_mode (c), ==, XMPP_TLS_MODE_STARTTLS);
  g_assert_null (xmpp_connection_get_sasl_mechanism (c));
  g_assert_null (xmpp_connection_get_pinned_certificate (c));
  g_assert_null (xmpp_connection_get_tls_certificate (c));

  /* The fixture set these. */
  g_assert_cmpstr (xmpp_connection_get_host (c), ==, "127.0.0.1");
  g_assert_cmpuint (xmpp_connection_get_port (c), ==, fake_server_get_port (f->server));
  g_assert_cmpstr (xmpp_connection_get_resource (c), ==, "fake");
  g_assert_true (xmpp_connection_get_tls_database (c) == certificate->database);

  set_every_property (c, pem);
  g_assert_cmpuint (notified, ==, 14);

  g_assert_cmpstr (xmpp_connection_get_host (c), ==, "localhost");
  g_assert_cmpuint (xmpp_connection_get_port (c), ==, 5999);
  g_assert_cmpint (xmpp_connection_get_tls_mode (c), ==, XMPP_TLS_MODE_DIRECT);
  g_assert_null (xmpp_connection_get_tls_database (c));
  g_assert_true (xmpp_connection_get_pinned_certificate (c) == pem);
  g_assert_true (xmpp_connection_get_tls_certificate (c) == pem);
  g_assert_null (xmpp_connection_get_resource (c));
  g_assert_cmpstr (xmpp_connection_get_sasl_mechanism (c), ==, "SCRAM-SHA-1");
  g_assert_cmpuint (xmpp_connection_get_iq_timeout (c), ==, 7);
  g_assert_cmpuint (xmpp_connection_get_connect_timeout (c), ==, 8);
  g_assert_cmpuint (xmpp_connection_get_max_queued_bytes (c), ==, 4096);
  g_assert_cmpuint (xmpp_connection_get_keepalive_interval (c), ==, 9);
  g_assert_false (xmpp_connection_get_stream_management (c));
  g_assert_cmpuint (xmpp_connection_get_liveness_timeout (c), ==, 0);

  /* The same values again: nothing to notify. */
  set_every_property (c, pem);
  g_assert_cmpuint (notified, ==, 14);

  /* Through GObject, as the bindings see them. */
  g_object_get (c, "port", &port, "max-queued-bytes", &max, "stream-management", &sm, NULL);
  g_assert_cmpuint (port, ==, 5999);
  g_assert_cmpuint (max, ==, 4096);
  g_assert_false (sm);
  g_object_set (c, "stream-management", TRUE, "liveness-timeout", 3, "password", "other", NULL);
  g_assert_true (xmpp_connection_get_stream_management (c));
  g_assert_cmpuint (xmpp_connection_get_liveness_timeout (c), ==, 3);
  g_assert_cmpuint (notified, ==, 16);
  xmpp_connection_set_password (c, NULL);
  g_signal_handlers_disconnect_by_data (c, &notified);
}

/* ------------------------------------------------------------------ */
/* Stream management */

#define NS_SM "urn:xmpp:sm:3"
#define SM_STATE_HEADER "<sm-state xmlns='urn:xmpp:xmpp-glib:sm-state:0' "

/* The login up to the authenticated stream, which offers binding and
 * stream management; the test scripts what follows. */
static void
script_sm_stream (Fixture *f)
{
  xmpp_connection_set_tls_mode (f->connection, XMPP_TLS_MODE_INSECURE_PLAINTEXT);
  fake_server_open_stream (f->server, FAKE_FEATURES_MECHANISMS ("SCRAM-SHA-256"));
  fake_server_sasl (f->server, "SCRAM-SHA-256", FALSE);
  fake_server_open_stream (f->server, FAKE_FEATURES_BIND "<sm xmlns='" NS_SM "'/>");
}

static XmppStanza *
new_message (const char *body)
{
  XmppStanza *message = xmpp_stanza_new (XMPP_STANZA_KIND_MESSAGE, "chat");
  g_autoptr(XmppJid) to = xmpp_jid_new ("bob@" DOMAIN, NULL);

  xmpp_stanza_set_to (message, to);
  xmpp_element_add_child_with_text (xmpp_stanza_get_element (message), "body", NULL, body);
  return message;
}

static void
test_sm_wrap (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *state = NULL;
  XmppStanza *element;

  g_test_summary ("A saved state with counts at 2^32 - 1 resumes; both counts wrap to 0 "
                  "(XEP-0198 §5), and an acknowledgement of more than was sent ends the "
                  "stream with undefined-condition.");

  g_assert_true (xmpp_connection_restore_stream_state (
    f->connection,
    "<sm-state xmlns='urn:xmpp:xmpp-glib:sm-state:0' id='s1' jid='" FULL_JID "' "
    "h-in='4294967295' h-acked='4294967294'>"
    "<message xmlns='jabber:client' to='bob@" DOMAIN "'><body>waiting</body></message>"
    "</sm-state>", &error));
  g_assert_no_error (error);
  g_assert_true (xmpp_connection_can_resume (f->connection));

  script_sm_stream (f);
  /* The server had the waiting message already: nothing is sent again. */
  fake_server_expect (f->server, "resume", NS_SM,
                      "<resumed xmlns='" NS_SM "' previd='s1' h='4294967295'/>");
  g_assert_true (connect_sync (f->connection, &error));
  g_assert_no_error (error);
  g_assert_true (xmpp_connection_get_resumed (f->connection));
  g_assert_cmpstr (xmpp_jid_to_string (xmpp_connection_get_bound_jid (f->connection)), ==, FULL_JID);
  WAIT_UNTIL (fake_server_is_idle (f->server));
  element = fake_server_last_received (f->server, "resume");
  g_assert_cmpstr (xmpp_element_get_attribute (xmpp_stanza_get_element (element), "h"), ==, "4294967295");
  g_assert_cmpuint (fake_server_count_received (f->server, "message", FAKE_NS_CLIENT), ==, 0);

  /* One stanza in: the incoming count wraps to 0. */
  fake_server_send (f->server, "<message from='bob@" DOMAIN "/x' to='" FULL_JID "'><body>hi</body></message>"
                               "<r xmlns='" NS_SM "'/>");
  fake_server_expect (f->server, "a", NS_SM, NULL);
  WAIT_UNTIL (fake_server_is_idle (f->server));
  element = fake_server_last_received (f->server, "a");
  g_assert_cmpstr (xmpp_element_get_attribute (xmpp_stanza_get_element (element), "h"), ==, "0");

  /* Two stanzas out, acknowledged across the wrap with h='1'. */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(XmppStanza) message = xmpp_stanza_new (XMPP_STANZA_KIND_MESSAGE, "chat");

      xmpp_element_add_child_with_text (xmpp_stanza_get_element (message), "body", NULL, "out");
      g_assert_true (xmpp_connection_send (f->connection, message));
    }
  fake_server_expect (f->server, "message", FAKE_NS_CLIENT, NULL);
  fake_server_expect (f->server, "message", FAKE_NS_CLIENT, "<a xmlns='" NS_SM "' h='1'/>" PING);
  fake_server_expect (f->server, "iq", FAKE_NS_CLIENT, NULL);
  WAIT_UNTIL (fake_server_is_idle (f->server));
  state = xmpp_connection_save_stream_state (f->connection);
  g_assert_nonnull (state);
  g_assert_null (strstr (state, "<message"));
  g_assert_nonnull (strstr (state, "h-acked='1'"));

  /* An acknowledgement of stanzas never sent. */
  fake_server_send (f->server, "<a xmlns='" NS_SM "' h='5'/>");
  fake_server_expect (f->server, "error", FAKE_NS_STREAM, NULL);
  WAIT_UNTIL (f->n_closed == 1);
  WAIT_UNTIL (fake_server_is_idle (f->server) || fake_server_client_gone (f->server));
  g_assert_error (f->closed_error, XMPP_CONNECTION_ERROR, XMPP_CONNECTION_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (fake_server_get_received_text (f->server), "<undefined-condition"));
  g_assert_false (xmpp_connection_can_resume (f->connection));
}

static void
collect_stanza (XmppConnection *connection,
                XmppStanza     *stanza,
                gpointer        user_data)
{
  g_ptr_array_add (user_data, xmpp_stanza_ref (stanza));
}

static void
test_sm_resume_refused (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) handed = g_ptr_array_new_with_free_func ((GDestroyNotify) xmpp_stanza_unref);

  g_test_summary ("The server refuses to resume: the stanzas it did not acknowledge are "
                  "handed to stanza-unacknowledged, in order, and a new session is bound "
                  "with stream management enabled again.");

  g_assert_true (xmpp_connection_restore_stream_state (
    f->connection,
    "<sm-state xmlns='urn:xmpp:xmpp-glib:sm-state:0' id='gone' jid='" FULL_JID "' h-in='3' h-acked='7'>"
    "<message xmlns='jabber:client' to='bob@" DOMAIN "' id='m8'/>"
    "<message xmlns='jabber:client' to='bob@" DOMAIN "' id='m9'/>"
    "<message xmlns='jabber:client' to='bob@" DOMAIN "' id='m10'/>"
    "</sm-state>", &error));
  g_assert_no_error (error);
  g_signal_connect (f->connection, "stanza-unacknowledged", G_CALLBACK (collect_stanza), handed);

  script_sm_stream (f);
  /* It handled one more of them (h='8'): only m9 and m10 may be lost. */
  fake_server_expect (f->server, "resume", NS_SM,
                      "<failed xmlns='" NS_SM "' h='8'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></failed>");
  fake_server_bind (f->server, FULL_JID);
  fake_server_expect (f->server, "enable", NS_SM, "<enabled xmlns='" NS_SM "' id='new' resume='true'/>");
  g_assert_true (connect_sync (f->connection, &error));
  g_assert_no_error (error);
  g_assert_false (xmpp_connection_get_resumed (f->connection));
  WAIT_UNTIL (fake_server_is_idle (f->server));

  g_assert_cmpuint (handed->len, ==, 2);
  g_assert_cmpstr (xmpp_stanza_get_id (g_ptr_array_index (handed, 0)), ==, "m9");
  g_assert_cmpstr (xmpp_stanza_get_id (g_ptr_array_index (handed, 1)), ==, "m10");
  g_assert_true (xmpp_connection_can_resume (f->connection));
  close_sync (f->connection);
}

static void
test_sm_held_bounded (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *body = g_strnfill (200, 'x');
  guint held = 0;

  g_test_summary ("While a resumable stream is down, send keeps stanzas for the resumption "
                  "only up to max-queued-bytes, then refuses; the resumption writes every "
                  "one kept, once, and send takes stanzas again.");

  g_assert_true (xmpp_connection_restore_stream_state (
    f->connection, SM_STATE_HEADER "id='s1' jid='" FULL_JID "' h-in='0' h-acked='0'/>", &error));
  g_assert_no_error (error);
  xmpp_connection_set_max_queued_bytes (f->connection, 1024);

  /* Without the network, a sender that never lets go. */
  for (guint i = 0; i < 1000; i++)
    {
      g_autoptr(XmppStanza) message = new_message (body);

      if (!xmpp_connection_send (f->connection, message))
        break;
      held++;
    }
  g_assert_cmpuint (held, >=, 1024 / 300);
  g_assert_cmpuint (held, <=, 1024 / 200 + 1);
  {
    g_autoptr(XmppStanza) message = new_message ("still refused");

    g_assert_false (xmpp_connection_send (f->connection, message));
  }

  script_sm_stream (f);
  fake_server_expect (f->server, "resume", NS_SM, "<resumed xmlns='" NS_SM "' previd='s1' h='0'/>");
  for (guint i = 0; i < held; i++)
    fake_server_expect (f->server, "message", FAKE_NS_CLIENT, NULL);
  g_assert_true (connect_sync (f->connection, &error));
  g_assert_no_error (error);
  g_assert_true (xmpp_connection_get_resumed (f->connection));
  WAIT_UNTIL (fake_server_is_idle (f->server) && xmpp_connection_get_queued_bytes (f->connection) == 0);
  g_assert_cmpuint (fake_server_count_received (f->server, "message", FAKE_NS_CLIENT), ==, held);

  {
    g_autoptr(XmppStanza) message = new_message ("after");

    g_assert_true (xmpp_connection_send (f->connection, message));
  }
  fake_server_expect (f->server, "message", FAKE_NS_CLIENT, NULL);
  WAIT_UNTIL (fake_server_is_idle (f->server));
  close_sync (f->connection);
}

static void
count_stanza (XmppConnection *connection,
              XmppStanza     *stanza,
              gpointer        user_data)
{
  (*(guint *) user_data)++;
}

static void
test_sm_early_stanza (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint messages = 0;
  XmppStanza *a;

  g_test_summary ("A message that reaches the freshly bound address before the server "
                  "answered <enable/> is delivered, and not counted: the server counts "
                  "from <enabled/> on.");

  g_signal_connect (f->connection, "message", G_CALLBACK (count_stanza), &messages);
  script_sm_stream (f);
  fake_server_bind (f->server, FULL_JID);
  fake_server_expect (f->server, "enable", NS_SM,
                      "<message from='bob@" DOMAIN "/x' to='" FULL_JID "'><body>early</body></message>"
                      "<enabled xmlns='" NS_SM "' id='e1' resume='true'/>");
  g_assert_true (connect_sync (f->connection, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (messages, ==, 1);
  g_assert_true (xmpp_connection_can_resume (f->connection));
  g_assert_nonnull (xmpp_element_get_child (xmpp_connection_get_stream_features (f->connection),
                                            "sm", NS_SM));

  fake_server_send (f->server, "<r xmlns='" NS_SM "'/>");
  fake_server_expect (f->server, "a", NS_SM, NULL);
  WAIT_UNTIL (fake_server_is_idle (f->server));
  a = fake_server_last_received (f->server, "a");
  g_assert_cmpstr (xmpp_element_get_attribute (xmpp_stanza_get_element (a), "h"), ==, "0");
  g_signal_handlers_disconnect_by_data (f->connection, &messages);
  close_sync (f->connection);
}

static void
test_sm_failed_while_ready (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) handed = g_ptr_array_new_with_free_func ((GDestroyNotify) xmpp_stanza_unref);

  g_test_summary ("A <failed/> on a ready stream turns stream management off: the stanzas "
                  "not yet acknowledged are handed to stanza-unacknowledged, in order, "
                  "and the stream goes on.");

  g_signal_connect (f->connection, "stanza-unacknowledged", G_CALLBACK (collect_stanza), handed);
  script_sm_stream (f);
  fake_server_bind (f->server, FULL_JID);
  fake_server_expect (f->server, "enable", NS_SM, "<enabled xmlns='" NS_SM "' id='e1' resume='true'/>");
  g_assert_true (connect_sync (f->connection, &error));
  g_assert_no_error (error);
  WAIT_UNTIL (fake_server_is_idle (f->server));

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *id = g_strdup_printf ("m%u", i);
      g_autoptr(XmppStanza) message = new_message ("unacknowledged");

      xmpp_stanza_set_id (message, id);
      g_assert_true (xmpp_connection_send (f->connection, message));
    }
  fake_server_expect (f->server, "message", FAKE_NS_CLIENT, NULL);
  fake_server_expect (f->server, "message", FAKE_NS_CLIENT,
                      "<failed xmlns='" NS_SM "'><unexpected-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></failed>"
                      PING);
  fake_server_expect (f->server, "iq", FAKE_NS_CLIENT, NULL);
  WAIT_UNTIL (fake_server_is_idle (f->server));

  g_assert_cmpuint (handed->len, ==, 2);
  g_assert_cmpstr (xmpp_stanza_get_id (g_ptr_array_index (handed, 0)), ==, "m0");
  g_assert_cmpstr (xmpp_stanza_get_id (g_ptr_array_index (handed, 1)), ==, "m1");
  g_assert_false (xmpp_connection_can_resume (f->connection));
  g_assert_cmpint (xmpp_connection_get_state (f->connection), ==, XMPP_CONNECTION_STATE_READY);
  g_signal_handlers_disconnect_by_data (f->connection, handed);
  close_sync (f->connection);
}

static void
close_on_unacknowledged (XmppConnection *connection,
                         XmppStanza     *stanza,
                         gpointer        user_data)
{
  xmpp_connection_close_async (connection, NULL, on_async_done, user_data);
}

static void
test_sm_unacknowledged_closes (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) closed = NULL;

  g_test_summary ("A handler of stanza-unacknowledged that closes the connection when the "
                  "server refuses to resume: the connection closes once, cleanly, and binds "
                  "nothing.");

  g_assert_true (xmpp_connection_restore_stream_state (
    f->connection,
    SM_STATE_HEADER "id='gone' jid='" FULL_JID "' h-in='0' h-acked='0'>"
    "<message xmlns='jabber:client' to='bob@" DOMAIN "' id='m1'/></sm-state>", &error));
  g_assert_no_error (error);
  g_signal_connect (f->connection, "stanza-unacknowledged", G_CALLBACK (close_on_unacknowledged), &closed);

  script_sm_stream (f);
  fake_server_expect (f->server, "resume", NS_SM, "<failed xmlns='" NS_SM "'/>");
  g_assert_false (connect_sync (f->connection, &error));
  g_assert_error (error, XMPP_CONNECTION_ERROR, XMPP_CONNECTION_ERROR_CLOSED);
  WAIT_UNTIL (closed != NULL);
  g_assert_true (xmpp_connection_close_finish (f->connection, closed, NULL));
  assert_closed_once (f);
  g_assert_null (f->closed_error);
  g_assert_cmpuint (fake_server_count_received (f->server, "iq", FAKE_NS_CLIENT), ==, 0);
  g_signal_handlers_disconnect_by_data (f->connection, &closed);
}

/* ------------------------------------------------------------------ */
/* The IM connection */

#define ROSTER_RESULT                                                         \
  "<iq type='result' id='{id}'><query xmlns='jabber:iq:roster' ver='v1'>"     \
  "<item jid='bob@" DOMAIN "' name='Bob' subscription='both'><group>Friends</group></item>" \
  "<item name='No address'/>"                                                 \
  "<item jid='@not a jid@'/>"                                                 \
  "<item jid='carol@" DOMAIN "' subscription='remove'/>"                      \
  "</query></iq>"

#define PUSH(id, from_attr, items)                                            \
  "<iq type='set' id='" id "' " from_attr " to='" FULL_JID "'>"               \
  "<query xmlns='jabber:iq:roster' ver='" id "'>" items "</query></iq>"

static void
test_im_roster_hostile (Fixture       *f,
                        gconstpointer  data)
{
  XmppImConnection *im = XMPP_IM_CONNECTION (f->connection);
  XmppRoster *roster = xmpp_im_connection_get_roster (im);
  g_autoptr(XmppJid) bob = xmpp_jid_new ("bob@" DOMAIN, NULL);
  g_autoptr(XmppJid) dave = xmpp_jid_new ("dave@" DOMAIN, NULL);
  g_autoptr(XmppJid) mallory = xmpp_jid_new ("mallory@" DOMAIN, NULL);
  g_autoptr(GError) error = NULL;
  struct {
    const char *id;
    const char *type;
    XmppStanzaError condition;
  } answers[] = {
    { "from-resource", "error", XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE },
    { "from-other", "error", XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE },
    { "two-items", "error", XMPP_STANZA_ERROR_BAD_REQUEST },
    { "from-bare", "result", 0 },
    { "no-from", "result", 0 },
  };

  g_test_summary ("The roster takes only well-formed items from the server: a result with "
                  "broken items keeps the good ones; pushes from another resource or "
                  "account, or with two items, are refused; pushes from the account's "
                  "bare address or without a from are applied.");

  xmpp_connection_set_tls_mode (f->connection, XMPP_TLS_MODE_INSECURE_PLAINTEXT);
  fake_server_script_login (f->server, FALSE, "SCRAM-SHA-256", FULL_JID);
  fake_server_expect (f->server, "iq", FAKE_NS_CLIENT, ROSTER_RESULT);
  fake_server_expect (f->server, "presence", FAKE_NS_CLIENT, NULL);
  g_assert_true (connect_sync (f->connection, &error));
  g_assert_no_error (error);
  WAIT_UNTIL (xmpp_im_connection_is_session_ready (im));
  WAIT_UNTIL (fake_server_is_idle (f->server));

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (roster)), ==, 1);
  g_assert_nonnull (xmpp_roster_lookup (roster, bob));
  g_assert_cmpint (xmpp_contact_get_subscription (xmpp_roster_lookup (roster, bob)), ==, XMPP_SUBSCRIPTION_BOTH);
  g_assert_cmpstr (xmpp_roster_get_version (roster), ==, "v1");

  fake_server_send (f->server, PUSH ("from-resource", "from='" BARE_JID "/other'",
                                     "<item jid='mallory@" DOMAIN "'/>"));
  fake_server_send (f->server, PUSH ("from-other", "from='carol@" DOMAIN "'",
                                     "<item jid='mallory@" DOMAIN "'/>"));
  fake_server_send (f->server, PUSH ("two-items", "",
                                     "<item jid='mallory@" DOMAIN "'/><item jid='dave@" DOMAIN "'/>"));
  fake_server_send (f->server, PUSH ("from-bare", "from='" BARE_JID "'",
                                     "<item jid='dave@" DOMAIN "' name='Dave'/>"));
  fake_server_send (f->server, PUSH ("no-from", "",
                                     "<item jid='bob@" DOMAIN "' subscription='remove'/>"));
  for (guint i = 0; i < G_N_ELEMENTS (answers); i++)
    fake_server_expect (f->server, "iq", FAKE_NS_CLIENT, NULL);
  WAIT_UNTIL (fake_server_is_idle (f->server));

  for (guint i = 0; i < G_N_ELEMENTS (answers); i++)
    {
      XmppStanza *answer = fake_server_find_received (f->server, answers[i].id);

      g_assert_nonnull (answer);
      g_assert_cmpstr (xmpp_stanza_get_stanza_type (answer), ==, answers[i].type);
      if (answers[i].condition != 0)
        g_assert_cmpint (xmpp_stanza_get_error_condition (answer), ==, answers[i].condition);
    }
  g_assert_null (xmpp_roster_lookup (roster, mallory));
  g_assert_null (xmpp_roster_lookup (roster, bob));
  g_assert_nonnull (xmpp_roster_lookup (roster, dave));
  g_assert_cmpstr (xmpp_contact_get_name (xmpp_roster_lookup (roster, dave)), ==, "Dave");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (roster)), ==, 1);
  g_assert_cmpstr (xmpp_roster_get_version (roster), ==, "no-from");

  close_sync (f->connection);
  assert_closed_once (f);
}

static void
test_im_presence_hostile (Fixture       *f,
                          gconstpointer  data)
{
  XmppImConnection *im = XMPP_IM_CONNECTION (f->connection);
  XmppRoster *roster = xmpp_im_connection_get_roster (im);
  g_autoptr(XmppJid) bob = xmpp_jid_new ("bob@" DOMAIN, NULL);
  g_autoptr(GError) error = NULL;
  XmppContact *contact;
  XmppPresence *best;

  g_test_summary ("Presence with odd values (an unknown show, a priority out of range or "
                  "not a number, an unknown type) never crashes and is read as documented; "
                  "presence from strangers does not reach the roster.");

  xmpp_connection_set_tls_mode (f->connection, XMPP_TLS_MODE_INSECURE_PLAINTEXT);
  fake_server_script_login (f->server, FALSE, "SCRAM-SHA-256", FULL_JID);
  fake_server_expect (f->server, "iq", FAKE_NS_CLIENT, ROSTER_RESULT);
  fake_server_expect (f->server, "presence", FAKE_NS_CLIENT, NULL);
  g_assert_true (connect_sync (f->connection, &error));
  g_assert_no_error (error);
  WAIT_UNTIL (fake_server_is_idle (f->server));

  fake_server_send (f->server,
                    "<presence from='bob@" DOMAIN "/a'><show>sleepy</show><priority>1000</priority></presence>"
                    "<presence from='bob@" DOMAIN "/b'><priority>lots</priority><status>B</status></presence>"
                    "<presence from='bob@" DOMAIN "/c' type='invisible'/>"
                    "<presence from='mallory@" DOMAIN "/x'><priority>127</priority></presence>"
                    "<presence/>"
                    PING);
  fake_server_expect (f->server, "iq", FAKE_NS_CLIENT, NULL);
  WAIT_UNTIL (fake_server_is_idle (f->server));

  contact = xmpp_roster_lookup (roster, bob);
  g_assert_nonnull (contact);
  g_assert_cmpuint (g_list_model_get_n_items (xmpp_contact_get_resources (contact)), ==, 2);
  g_assert_null (xmpp_contact_get_presence (contact, "c"));
  best = xmpp_contact_get_best_presence (contact);
  g_assert_nonnull (best);
  g_assert_cmpstr (xmpp_jid_get_resourcepart (xmpp_presence_get_from (best)), ==, "a");
  g_assert_cmpint (xmpp_presence_get_priority (best), ==, 127);
  g_assert_cmpint (xmpp_presence_get_show (best), ==, XMPP_PRESENCE_SHOW_NONE);
  g_assert_cmpint (xmpp_presence_get_priority (xmpp_contact_get_presence (contact, "b")), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (roster)), ==, 1);

  close_sync (f->connection);
  /* Without a stream nothing is known of anybody's presence. */
  g_assert_cmpuint (g_list_model_get_n_items (xmpp_contact_get_resources (contact)), ==, 0);
  g_assert_null (xmpp_contact_get_best_presence (contact));
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *openssl = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  openssl = fake_find_openssl (argc, argv);
  if (openssl == NULL)
    g_error ("No openssl program: pass --openssl PATH");
  certificate = fake_certificate_new (openssl, &error);
  g_assert_no_error (error);

#define ADD_WITH_DATA(path, data, func) \
  g_test_add (path, Fixture, data, fixture_setup, func, fixture_teardown)
#define ADD(path, func) ADD_WITH_DATA (path, NULL, func)

  ADD ("/connection/fake/starttls-stripped", test_starttls_stripped);
  ADD ("/connection/fake/stream-error", test_stream_error);
  ADD ("/connection/fake/scram-bad-signature", test_scram_bad_signature);
  ADD ("/connection/fake/iq-wrong-sender", test_iq_wrong_sender);
  ADD ("/connection/fake/iq-no-to", test_iq_no_to);
  ADD ("/connection/fake/trickle-timeout", test_trickle_timeout);
  ADD ("/connection/fake/unhandled-iq", test_unhandled_iq);
  ADD_WITH_DATA ("/connection/fake/server-drops", GINT_TO_POINTER (FALSE), test_server_drops);
  ADD_WITH_DATA ("/connection/fake/server-drops-tls", GINT_TO_POINTER (TRUE), test_server_drops);
  ADD ("/connection/fake/invalid-xml", test_invalid_xml);
  ADD ("/connection/fake/see-other-host", test_see_other_host);
  ADD ("/connection/fake/see-other-host-loop", test_see_other_host_loop);
  ADD ("/connection/fake/reconnect-from-closed", test_reconnect_from_closed);
  ADD ("/connection/fake/cancel-closes", test_cancel_closes);
  ADD ("/connection/fake/ready-before-callback", test_ready_before_callback);
  ADD ("/connection/fake/bind-conflict", test_bind_conflict);
  ADD ("/connection/fake/xml-received-utf8", test_xml_received_utf8);
  ADD ("/connection/fake/sm-wrap", test_sm_wrap);
  ADD ("/connection/fake/sm-resume-refused", test_sm_resume_refused);
  ADD ("/connection/fake/sm-held-bounded", test_sm_held_bounded);
  ADD ("/connection/fake/sm-early-stanza", test_sm_early_stanza);
  ADD ("/connection/fake/sm-failed-while-ready", test_sm_failed_while_ready);
  ADD ("/connection/fake/sm-unacknowledged-closes", test_sm_unacknowledged_closes);
  ADD ("/connection/fake/properties", test_properties);
  g_test_add ("/im/fake/roster-hostile", Fixture, NULL, fixture_setup_im, test_im_roster_hostile,
              fixture_teardown);
  g_test_add ("/im/fake/presence-hostile", Fixture, NULL, fixture_setup_im, test_im_presence_hostile,
              fixture_teardown);

  status = g_test_run ();
  g_clear_pointer (&certificate, fake_certificate_free);
  return status;
}
