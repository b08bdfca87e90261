/* test-connection.c: XmppConnection against real Prosody and ejabberd
 * servers, started on loopback by tests/servers/with-servers.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include "server-env.h"

static Server servers[2] = { { .name = "prosody" }, { .name = "ejabberd" } };

static XmppConnection *
new_connection (Server     *server,
                const char *user,
                const char *password,
                gboolean    trust)
{
  return server_new_connection (server, XMPP_TYPE_CONNECTION, user, password, trust);
}

static void
count_closed (XmppConnection *connection,
              const GError   *error,
              gpointer        user_data)
{
  guint *count = user_data;

  (*count)++;
}

static void
test_login (gconstpointer data)
{
  Server *server = (Server *) data;
  g_autoptr(XmppConnection) connection = new_connection (server, "alice", "alicepass", TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppStanza) iq = NULL;
  g_autoptr(XmppStanza) reply = NULL;
  g_autoptr(GPtrArray) identities = NULL;
  guint closed = 0;
  XmppElement *query;

  g_test_summary ("Login over STARTTLS with certificate checking, SASL and binding, then a "
                  "disco#info round trip with the server and a graceful close.");

  g_signal_connect (connection, "closed", G_CALLBACK (count_closed), &closed);
  xmpp_connection_set_resource (connection, "test");
  g_assert_true (connect_sync (connection, &error));
  g_assert_no_error (error);
  g_assert_cmpint (xmpp_connection_get_state (connection), ==, XMPP_CONNECTION_STATE_READY);
  g_assert_nonnull (xmpp_connection_get_bound_jid (connection));
  g_assert_cmpstr (xmpp_jid_get_resourcepart (xmpp_connection_get_bound_jid (connection)), ==, "test");
  g_assert_true (g_str_has_prefix (xmpp_connection_get_used_mechanism (connection), "SCRAM-"));
  g_test_message ("logged in with %s", xmpp_connection_get_used_mechanism (connection));

  iq = xmpp_stanza_new (XMPP_STANZA_KIND_IQ, "get");
  {
    g_autoptr(XmppJid) to = xmpp_jid_new (server->domain, NULL);

    xmpp_stanza_set_to (iq, to);
  }
  xmpp_element_add_child_new (xmpp_stanza_get_element (iq), "query", "http://jabber.org/protocol/disco#info");
  reply = send_iq_sync (connection, iq, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (xmpp_stanza_get_stanza_type (reply), ==, "result");
  query = xmpp_element_get_child (xmpp_stanza_get_element (reply), "query", "http://jabber.org/protocol/disco#info");
  g_assert_nonnull (query);
  identities = xmpp_element_get_children (query, "identity", NULL);
  g_assert_cmpuint (identities->len, >=, 1);

  close_sync (connection);
  g_assert_cmpint (xmpp_connection_get_state (connection), ==, XMPP_CONNECTION_STATE_DISCONNECTED);
  g_assert_cmpuint (closed, ==, 1);
}

static void
test_direct_tls (gconstpointer data)
{
  Server *server = (Server *) data;
  g_autoptr(XmppConnection) connection = new_connection (server, "bob", "bobpass", TRUE);
  g_autoptr(GError) error = NULL;

  xmpp_connection_set_tls_mode (connection, XMPP_TLS_MODE_DIRECT);
  xmpp_connection_set_port (connection, server->tls_port);
  g_assert_true (connect_sync (connection, &error));
  g_assert_no_error (error);
  g_assert_true (xmpp_jid_equal_bare (xmpp_connection_get_bound_jid (connection),
                                      xmpp_connection_get_jid (connection)));
  close_sync (connection);
}

static void
test_wrong_password (gconstpointer data)
{
  Server *server = (Server *) data;
  g_autoptr(XmppConnection) connection = new_connection (server, "alice", "not-the-password", TRUE);
  g_autoptr(GError) error = NULL;
  guint closed = 0;

  g_signal_connect (connection, "closed", G_CALLBACK (count_closed), &closed);
  g_assert_false (connect_sync (connection, &error));
  g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_NOT_AUTHORIZED);
  g_assert_cmpuint (closed, ==, 1);
  g_assert_cmpint (xmpp_connection_get_state (connection), ==, XMPP_CONNECTION_STATE_DISCONNECTED);
}

static void
test_untrusted_certificate (gconstpointer data)
{
  Server *server = (Server *) data;
  g_autoptr(XmppConnection) connection = new_connection (server, "alice", "alicepass", FALSE);
  g_autoptr(GTlsCertificate) expected = NULL;
  g_autoptr(GError) error = NULL;
  GTlsCertificate *presented;
  guint closed = 0;

  g_test_summary ("The test server's certificate is not in the system trust store: the login "
                  "fails before any credential is sent. The application then sees the "
                  "certificate and its problems, as a prompt would show them, and once it "
                  "pins that certificate the same connection logs in.");

  g_signal_connect (connection, "closed", G_CALLBACK (count_closed), &closed);
  g_assert_false (connect_sync (connection, &error));
  g_assert_error (error, XMPP_CONNECTION_ERROR, XMPP_CONNECTION_ERROR_CERTIFICATE);
  g_assert_cmpuint (closed, ==, 1);
  g_clear_error (&error);

  expected = g_tls_certificate_new_from_file (server->ca_file, &error);
  g_assert_no_error (error);
  presented = xmpp_connection_get_peer_certificate (connection);
  g_assert_nonnull (presented);
  g_assert_true (g_tls_certificate_is_same (presented, expected));
  g_assert_true (xmpp_connection_get_peer_certificate_errors (connection) & G_TLS_CERTIFICATE_UNKNOWN_CA);

  /* The user accepted it. */
  xmpp_connection_set_pinned_certificate (connection, presented);
  g_assert_true (connect_sync (connection, &error));
  g_assert_no_error (error);
  close_sync (connection);
  g_assert_cmpuint (closed, ==, 2);
}

static void
test_mechanism (Server     *server,
                const char *mechanism)
{
  g_autoptr(XmppConnection) connection = new_connection (server, "carol", "carolpass", TRUE);
  g_autoptr(GError) error = NULL;

  xmpp_connection_set_sasl_mechanism (connection, mechanism);
  g_assert_true (connect_sync (connection, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (xmpp_connection_get_used_mechanism (connection), ==, mechanism);
  close_sync (connection);
}

static void
test_mechanisms (gconstpointer data)
{
  Server *server = (Server *) data;

  test_mechanism (server, "SCRAM-SHA-1");
  test_mechanism (server, "SCRAM-SHA-256");
  test_mechanism (server, "PLAIN");
  if (g_str_equal (server->name, "ejabberd"))
    {
      g_autoptr(XmppConnection) connection = new_connection (server, "carol", "carolpass", TRUE);
      g_autoptr(GError) error = NULL;

      test_mechanism (server, "SCRAM-SHA-512");
      /* Unforced, the strongest: without XEP-0440 there is no -PLUS under
       * TLS 1.3. */
      g_assert_true (connect_sync (connection, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (xmpp_connection_get_used_mechanism (connection), ==, "SCRAM-SHA-512");
      close_sync (connection);
    }
}

static void
test_anonymous (gconstpointer data)
{
  Server *server = (Server *) data;
  g_autoptr(XmppJid) jid = xmpp_jid_new (server->anon_domain, NULL);
  g_autoptr(XmppConnection) connection = xmpp_connection_new (jid, NULL);
  g_autoptr(GError) error = NULL;
  XmppJid *bound;

  g_test_summary ("An address without a localpart logs in with ANONYMOUS, and the server "
                  "makes up the account.");

  server_configure (server, connection);
  g_assert_true (connect_sync (connection, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (xmpp_connection_get_used_mechanism (connection), ==, "ANONYMOUS");
  bound = xmpp_connection_get_bound_jid (connection);
  g_assert_nonnull (xmpp_jid_get_localpart (bound));
  g_assert_cmpstr (xmpp_jid_get_domainpart (bound), ==, server->anon_domain);
  g_test_message ("bound as %s", xmpp_jid_to_string (bound));
  close_sync (connection);
}

static gboolean
refuse_password (XmppConnection *connection,
                 gpointer        user_data)
{
  (*(guint *) user_data)++;
  return FALSE;
}

static void
test_external (gconstpointer data)
{
  Server *server = (Server *) data;
  g_autoptr(GError) error = NULL;

  g_test_summary ("A client certificate logs in with EXTERNAL and no password; a "
                  "certificate from an unknown authority is refused.");

  {
    g_autoptr(XmppConnection) connection = new_connection (server, "alice", NULL, TRUE);
    g_autoptr(GTlsCertificate) certificate = g_tls_certificate_new_from_file (server->client_cert, &error);
    guint asked = 0;

    g_assert_no_error (error);
    xmpp_connection_set_port (connection, server->cert_port);
    xmpp_connection_set_tls_certificate (connection, certificate);
    g_signal_connect (connection, "password-needed", G_CALLBACK (refuse_password), &asked);
    g_assert_true (connect_sync (connection, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (xmpp_connection_get_used_mechanism (connection), ==, "EXTERNAL");
    g_assert_true (xmpp_jid_equal_bare (xmpp_connection_get_bound_jid (connection),
                                        xmpp_connection_get_jid (connection)));
    g_assert_cmpuint (asked, ==, 0);
    close_sync (connection);
  }

  {
    g_autoptr(XmppConnection) connection = new_connection (server, "alice", NULL, TRUE);
    g_autoptr(GTlsCertificate) certificate = g_tls_certificate_new_from_file (server->untrusted_client_cert,
                                                                             &error);

    g_assert_no_error (error);
    xmpp_connection_set_port (connection, server->cert_port);
    xmpp_connection_set_tls_certificate (connection, certificate);
    g_assert_false (connect_sync (connection, &error));
    g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_NOT_AUTHORIZED);
  }
}

static gboolean
swallow_request (XmppConnection *connection,
                 XmppStanza     *request,
                 gpointer        user_data)
{
  guint *count = user_data;

  (*count)++;
  return TRUE; /* claimed, and never answered */
}

static void
test_iq_errors_and_timeout (gconstpointer data)
{
  Server *server = (Server *) data;
  g_autoptr(XmppConnection) connection = new_connection (server, "alice", "alicepass", TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppStanza) unknown = NULL;
  g_autoptr(XmppStanza) to_self = NULL;
  g_autoptr(XmppStanza) reply = NULL;
  guint swallowed = 0;

  g_test_summary ("An IQ the server does not support comes back as a stanza error; an IQ "
                  "nobody answers times out.");

  g_assert_true (connect_sync (connection, &error));

  unknown = xmpp_stanza_new (XMPP_STANZA_KIND_IQ, "get");
  xmpp_element_add_child_new (xmpp_stanza_get_element (unknown), "query", "urn:example:unknown");
  reply = send_iq_sync (connection, unknown, 0, &error);
  g_assert_null (reply);
  g_assert_nonnull (error);
  g_assert_true (error->domain == XMPP_STANZA_ERROR);
  g_assert_true (error->code == XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE ||
                 error->code == XMPP_STANZA_ERROR_FEATURE_NOT_IMPLEMENTED);
  /* The error reply itself stays reachable. */
  g_assert_nonnull (xmpp_stanza_error_get_reply (error));
  g_assert_cmpstr (xmpp_stanza_get_stanza_type (xmpp_stanza_error_get_reply (error)), ==, "error");
  g_assert_cmpstr (xmpp_stanza_get_id (xmpp_stanza_error_get_reply (error)), ==, xmpp_stanza_get_id (unknown));
  g_clear_error (&error);

  /* Bindings reach the same reply through the result. */
  {
    g_autoptr(GAsyncResult) result = NULL;
    XmppStanza *error_reply;

    xmpp_connection_send_iq_async (connection, unknown, 0, NULL, on_async_done, &result);
    WAIT_UNTIL (result != NULL);
    g_assert_null (xmpp_connection_send_iq_finish (connection, result, &error));
    g_assert_true (error->domain == XMPP_STANZA_ERROR);
    error_reply = xmpp_connection_send_iq_get_error_reply (connection, result);
    g_assert_true (error_reply == xmpp_stanza_error_get_reply (error));
    g_assert_cmpstr (xmpp_stanza_get_stanza_type (error_reply), ==, "error");
    g_clear_error (&error);
  }

  /* A request to our own full JID reaches our handler, which never answers. */
  g_signal_connect (connection, "iq-request::urn:example:silence", G_CALLBACK (swallow_request), &swallowed);
  to_self = xmpp_stanza_new (XMPP_STANZA_KIND_IQ, "get");
  xmpp_stanza_set_to (to_self, xmpp_connection_get_bound_jid (connection));
  xmpp_element_add_child_new (xmpp_stanza_get_element (to_self), "query", "urn:example:silence");
  reply = send_iq_sync (connection, to_self, 1, &error);
  g_assert_null (reply);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpuint (swallowed, ==, 1);

  close_sync (connection);
}

typedef struct
{
  guint asked;
  XmppConnectionState state;   /* when it was asked */
  const char *answer;          /* given from an idle callback */
} PasswordPrompt;

static gboolean
give_password (gpointer user_data)
{
  XmppConnection *connection = user_data;
  PasswordPrompt *prompt = g_object_get_data (G_OBJECT (connection), "prompt");

  xmpp_connection_set_password (connection, prompt->answer);
  return G_SOURCE_REMOVE;
}

static gboolean
on_password_needed (XmppConnection *connection,
                    gpointer        user_data)
{
  PasswordPrompt *prompt = user_data;

  prompt->asked++;
  prompt->state = xmpp_connection_get_state (connection);
  g_object_set_data (G_OBJECT (connection), "prompt", prompt);
  /* The answer comes later, as from a dialog or a keyring. */
  g_timeout_add (200, give_password, connection);
  return TRUE;
}

static void
test_password_needed (gconstpointer data)
{
  Server *server = (Server *) data;
  g_autoptr(GError) error = NULL;

  g_test_summary ("Without a password, ::password-needed asks for it; the login waits for "
                  "the answer, and fails with NO_PASSWORD when nobody gives one.");

  {
    g_autoptr(XmppConnection) connection = new_connection (server, "carol", NULL, TRUE);
    PasswordPrompt prompt = { 0, 0, "carolpass" };

    /* Shorter than the prompt takes: the timer must not run meanwhile. */
    xmpp_connection_set_connect_timeout (connection, 5);
    g_signal_connect (connection, "password-needed", G_CALLBACK (on_password_needed), &prompt);
    g_assert_true (connect_sync (connection, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (prompt.asked, ==, 1);
    g_assert_cmpint (prompt.state, ==, XMPP_CONNECTION_STATE_AUTHENTICATING);
    close_sync (connection);

    /* The password is kept for the next login: no second question. */
    g_assert_true (connect_sync (connection, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (prompt.asked, ==, 1);
    close_sync (connection);
  }

  {
    g_autoptr(XmppConnection) connection = new_connection (server, "carol", NULL, TRUE);
    PasswordPrompt prompt = { 0, 0, NULL };

    /* The prompt was dismissed: the answer is no password. */
    g_signal_connect (connection, "password-needed", G_CALLBACK (on_password_needed), &prompt);
    g_assert_false (connect_sync (connection, &error));
    g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_NO_PASSWORD);
    g_assert_cmpuint (prompt.asked, ==, 1);
    g_clear_error (&error);
  }

  {
    g_autoptr(XmppConnection) connection = new_connection (server, "carol", NULL, TRUE);

    g_assert_false (connect_sync (connection, &error));
    g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_NO_PASSWORD);
    g_assert_cmpint (xmpp_connection_get_state (connection), ==, XMPP_CONNECTION_STATE_DISCONNECTED);
  }
}

static void
test_unhandled_request (gconstpointer data)
{
  Server *server = (Server *) data;
  g_autoptr(XmppConnection) alice = new_connection (server, "alice", "alicepass", TRUE);
  g_autoptr(XmppConnection) bob = new_connection (server, "bob", "bobpass", TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppStanza) iq = NULL;
  g_autoptr(XmppStanza) reply = NULL;

  g_test_summary ("A request no handler claims is answered with service-unavailable, and "
                  "a ping (XEP-0199) is answered, between two clients of the library.");

  g_assert_true (connect_sync (alice, &error));
  g_assert_true (connect_sync (bob, &error));

  iq = xmpp_stanza_new (XMPP_STANZA_KIND_IQ, "get");
  xmpp_stanza_set_to (iq, xmpp_connection_get_bound_jid (bob));
  xmpp_element_add_child_new (xmpp_stanza_get_element (iq), "query", "jabber:iq:version");
  reply = send_iq_sync (alice, iq, 5, &error);
  g_assert_null (reply);
  g_assert_error (error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE);
  g_clear_error (&error);
  g_clear_pointer (&iq, xmpp_stanza_unref);

  iq = xmpp_stanza_new (XMPP_STANZA_KIND_IQ, "get");
  xmpp_stanza_set_to (iq, xmpp_connection_get_bound_jid (bob));
  xmpp_element_add_child_new (xmpp_stanza_get_element (iq), "ping", "urn:xmpp:ping");
  reply = send_iq_sync (alice, iq, 5, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (xmpp_stanza_get_stanza_type (reply), ==, "result");

  close_sync (alice);
  close_sync (bob);
}

static void
collect_sent (XmppConnection *connection,
              const char     *text,
              gpointer        user_data)
{
  g_string_append (user_data, text);
  g_string_append_c (user_data, '|');
}

static void
test_keepalive (gconstpointer data)
{
  Server *server = (Server *) data;
  g_autoptr(GError) error = NULL;

  g_test_summary ("An idle ready stream sends a whitespace keepalive after the interval, "
                  "a ping when the liveness check is on, or an acknowledgement request with "
                  "stream management; the server answers and the session stays.");

  /* Without stream management, without and with the liveness check;
   * then with stream management. */
  for (guint mode = 0; mode < 3; mode++)
    {
      gboolean sm = mode == 2;
      g_autoptr(XmppConnection) connection = new_connection (server, "bob", "bobpass", TRUE);
      g_autoptr(GString) sent = g_string_new (NULL);
      g_autoptr(GString) received = g_string_new (NULL);

      xmpp_connection_set_stream_management (connection, sm);
      xmpp_connection_set_keepalive_interval (connection, 1);
      xmpp_connection_set_liveness_timeout (connection, mode == 0 ? 0 : 5);
      g_assert_true (connect_sync (connection, &error));
      /* Let <enable/> and its answer pass first. */
      run_for (300);
      g_signal_connect (connection, "xml-sent", G_CALLBACK (collect_sent), sent);
      g_signal_connect (connection, "xml-received", G_CALLBACK (collect_sent), received);
      run_for (2500);
      g_test_message ("mode %u: sent %s, received %s", mode, sent->str, received->str);
      if (mode == 2)
        {
          g_assert_true (g_str_has_prefix (sent->str, "<r xmlns='urn:xmpp:sm:3'/>|"));
          g_assert_nonnull (strstr (received->str, "<a "));
        }
      else if (mode == 1)
        {
          g_assert_nonnull (strstr (sent->str, "<ping xmlns='urn:xmpp:ping'/>"));
          g_assert_nonnull (strstr (received->str, "type='result'"));
        }
      else
        g_assert_true (g_str_has_prefix (sent->str, " |"));
      g_assert_cmpint (xmpp_connection_get_state (connection), ==, XMPP_CONNECTION_STATE_READY);
      close_sync (connection);
    }
}

static void
on_drained (XmppConnection *connection,
            gpointer        user_data)
{
  *(gboolean *) user_data = TRUE;
}

static void
test_flow_control (gconstpointer data)
{
  Server *server = (Server *) data;
  g_autoptr(XmppConnection) connection = new_connection (server, "carol", "carolpass", TRUE);
  g_autoptr(GError) error = NULL;
  gboolean drained = FALSE;
  guint queued = 0;

  g_test_summary ("A sender that does not let the main loop run fills the send queue up to "
                  "max-queued-bytes; then send refuses until queue-drained.");

  g_assert_true (connect_sync (connection, &error));
  xmpp_connection_set_max_queued_bytes (connection, 4096);
  g_signal_connect (connection, "queue-drained", G_CALLBACK (on_drained), &drained);

  for (guint i = 0; i < 1000; i++)
    {
      g_autoptr(XmppStanza) message = xmpp_stanza_new (XMPP_STANZA_KIND_MESSAGE, "chat");

      xmpp_stanza_set_to (message, xmpp_connection_get_jid (connection));
      xmpp_element_add_child_with_text (xmpp_stanza_get_element (message), "body", NULL,
                                        "flow control test message");
      if (!xmpp_connection_send (connection, message))
        break;
      queued++;
    }
  g_assert_cmpuint (queued, >, 10);
  g_assert_cmpuint (queued, <, 1000);
  g_assert_cmpuint (xmpp_connection_get_queued_bytes (connection), >=, 4096);

  WAIT_UNTIL (drained);
  g_assert_cmpuint (xmpp_connection_get_queued_bytes (connection), ==, 0);
  {
    g_autoptr(XmppStanza) again = xmpp_stanza_new (XMPP_STANZA_KIND_MESSAGE, "chat");

    xmpp_stanza_set_to (again, xmpp_connection_get_jid (connection));
    g_assert_true (xmpp_connection_send (connection, again));
  }
  close_sync (connection);
}

static void
test_channel_binding (gconstpointer data)
{
  Server *server = (Server *) data;
  g_autoptr(XmppConnection) connection = new_connection (server, "alice", "alicepass", TRUE);
  g_autoptr(GError) error = NULL;

  g_test_summary ("Over TLS 1.2 both servers offer SCRAM -PLUS with tls-unique, and the "
                  "client prefers it: the login is bound to this TLS session.");

  g_assert_true (connect_sync (connection, &error));
  g_assert_no_error (error);
  g_test_message ("logged in with %s", xmpp_connection_get_used_mechanism (connection));
  g_assert_true (g_str_has_prefix (xmpp_connection_get_used_mechanism (connection), "SCRAM-SHA-"));
  g_assert_true (g_str_has_suffix (xmpp_connection_get_used_mechanism (connection), "-PLUS"));
  close_sync (connection);
}

static void
note_closed_error (XmppConnection *connection,
                   const GError   *error,
                   gpointer        user_data)
{
  GError **out = user_data;

  g_assert_null (*out);
  *out = error != NULL ? g_error_copy (error)
                       : g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "closed without an error");
}

static void
test_server_killed (gconstpointer data)
{
  Server *server = (Server *) data;
  g_autoptr(XmppConnection) connection = new_connection (server, "alice", "alicepass", TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) closed_error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(XmppStanza) iq = NULL;
  guint swallowed = 0;

  g_test_summary ("The server process is killed mid-session, with an IQ waiting: closed is "
                  "emitted once, with an error, and the IQ fails.");

  g_assert_cmpint (server->pid, >, 0);
  g_assert_true (connect_sync (connection, &error));
  g_signal_connect (connection, "closed", G_CALLBACK (note_closed_error), &closed_error);
  g_signal_connect (connection, "iq-request::urn:example:silence", G_CALLBACK (swallow_request), &swallowed);

  iq = xmpp_stanza_new (XMPP_STANZA_KIND_IQ, "get");
  xmpp_stanza_set_to (iq, xmpp_connection_get_bound_jid (connection));
  xmpp_element_add_child_new (xmpp_stanza_get_element (iq), "query", "urn:example:silence");
  xmpp_connection_send_iq_async (connection, iq, 0, NULL, on_async_done, &result);
  WAIT_UNTIL (swallowed == 1);

  /* The test harness started this server for this run; it is ended here. */
  g_assert_cmpint (kill (server->pid, SIGKILL), ==, 0);
  WAIT_UNTIL (closed_error != NULL && result != NULL);

  g_test_message ("closed with: %s", closed_error->message);
  g_assert_null (xmpp_connection_send_iq_finish (connection, result, &error));
  g_assert_nonnull (error);
  g_assert_cmpint (xmpp_connection_get_state (connection), ==, XMPP_CONNECTION_STATE_DISCONNECTED);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (servers); i++)
    {
      Server *server = &servers[i];
      struct {
        const char *name;
        GTestDataFunc func;
      } tests[] = {
        { "login", test_login },
        { "direct-tls", test_direct_tls },
        { "wrong-password", test_wrong_password },
        { "untrusted-certificate", test_untrusted_certificate },
        { "mechanisms", test_mechanisms },
        { "iq-errors-and-timeout", test_iq_errors_and_timeout },
        { "password-needed", test_password_needed },
        { "anonymous", test_anonymous },
        { "external", test_external },
        { "unhandled-request", test_unhandled_request },
        { "keepalive", test_keepalive },
        { "flow-control", test_flow_control },
      };

      /* The servers are started by the test wrapper; without them the
       * tests fail rather than skip. */
      if (!server_load (server))
        g_error ("No %s server: run this test through tests/servers/with-servers", server->name);

      /* Channel binding is checked in a run of its own, where GnuTLS is
       * held to TLS 1.2 (G_TLS_GNUTLS_PRIORITY), the version on which
       * both servers bind with tls-unique. */
      /* Killing the servers ends them for everything after, so it is a
       * run of its own too. */
      if (g_getenv ("XMPP_TEST_KILL") != NULL)
        {
          g_autofree char *path = g_strdup_printf ("/connection/%s/server-killed", server->name);

          g_test_add_data_func (path, server, test_server_killed);
          continue;
        }
      if (g_getenv ("XMPP_TEST_TLS_1_2") != NULL)
        {
          g_autofree char *path = g_strdup_printf ("/connection/%s/tls-1.2/channel-binding", server->name);

          g_test_add_data_func (path, server, test_channel_binding);
          continue;
        }

      for (guint t = 0; t < G_N_ELEMENTS (tests); t++)
        {
          g_autofree char *path = g_strdup_printf ("/connection/%s/%s", server->name, tests[t].name);

          g_test_add_data_func (path, server, tests[t].func);
        }
    }

  return g_test_run ();
}
