/* test-client-faults.c: the reconnection policy of XmppAccount against
 * what real servers cannot show on demand: a port that refuses, a
 * scripted fake server sending each kind of error, a network monitor
 * that comes and goes, a system that wakes up (logind on a private bus),
 * a link that dies silently.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>
#include <xmpp-glib/xmpp-glib.h>

#include "fake-server.h"

#define WAIT_UNTIL(cond) \
  G_STMT_START { while (!(cond)) g_main_context_iteration (NULL, TRUE); } G_STMT_END

#define DOMAIN    "localhost"
#define USER      "alice"
#define PASSWORD  "Fake-Secret-4711"
#define BARE_JID  USER "@" DOMAIN
#define FULL_JID  BARE_JID "/fake"
#define NS_PING   "urn:xmpp:ping"

static FakeCertificate *certificate;
static GTestDBus *test_bus;

/* ------------------------------------------------------------------ */
/* A network monitor that the test switches on and off */

#define TEST_TYPE_MONITOR (test_monitor_get_type ())
G_DECLARE_FINAL_TYPE (TestMonitor, test_monitor, TEST, MONITOR, GObject)

struct _TestMonitor
{
  GObject parent_instance;
  gboolean available;
};

enum { MONITOR_PROP_0, MONITOR_PROP_AVAILABLE, MONITOR_PROP_METERED, MONITOR_PROP_CONNECTIVITY };

static gboolean
test_monitor_initable_init (GInitable     *initable,
                            GCancellable  *cancellable,
                            GError       **error)
{
  return TRUE;
}

static void
test_monitor_initable_iface_init (GInitableIface *iface)
{
  iface->init = test_monitor_initable_init;
}

static gboolean
test_monitor_can_reach (GNetworkMonitor     *monitor,
                        GSocketConnectable  *connectable,
                        GCancellable        *cancellable,
                        GError             **error)
{
  return TRUE;
}

static void
test_monitor_iface_init (GNetworkMonitorInterface *iface)
{
  iface->can_reach = test_monitor_can_reach;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (TestMonitor, test_monitor, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE, test_monitor_initable_iface_init)
                               G_IMPLEMENT_INTERFACE (G_TYPE_NETWORK_MONITOR, test_monitor_iface_init))

static void
test_monitor_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  TestMonitor *self = TEST_MONITOR (object);

  switch (prop_id)
    {
    case MONITOR_PROP_AVAILABLE: g_value_set_boolean (value, self->available); break;
    case MONITOR_PROP_METERED: g_value_set_boolean (value, FALSE); break;
    case MONITOR_PROP_CONNECTIVITY:
      g_value_set_enum (value, self->available ? G_NETWORK_CONNECTIVITY_FULL : G_NETWORK_CONNECTIVITY_LOCAL);
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
test_monitor_class_init (TestMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = test_monitor_get_property;
  g_object_class_override_property (object_class, MONITOR_PROP_AVAILABLE, "network-available");
  g_object_class_override_property (object_class, MONITOR_PROP_METERED, "network-metered");
  g_object_class_override_property (object_class, MONITOR_PROP_CONNECTIVITY, "connectivity");
}

static void
test_monitor_init (TestMonitor *self)
{
  self->available = TRUE;
}

static void
test_monitor_set_available (TestMonitor *self,
                            gboolean     available)
{
  if (self->available == available)
    return;
  self->available = available;
  g_object_notify (G_OBJECT (self), "network-available");
  g_object_notify (G_OBJECT (self), "connectivity");
  g_signal_emit_by_name (self, "network-changed", available);
}

/* ------------------------------------------------------------------ */
/* Fixture: a client with one account, its policy recorded */

typedef struct
{
  XmppClient *client;
  XmppAccount *account;
  XmppConnection *connection;
  TestMonitor *monitor;
  FakeServer *server;
  guint attempts;          /* connection states that went to CONNECTING */
  guint ready;             /* … and to READY */
  GArray *delays;          /* guint: each reconnect-scheduled */
  GPtrArray *gave_up;      /* GError */
  guint watchdog;
} Fixture;

static gboolean
on_watchdog (gpointer user_data)
{
  g_error ("The test ran for more than 60 s");
  return G_SOURCE_REMOVE;
}

static void
on_connection_state (XmppConnection *connection,
                     GParamSpec     *pspec,
                     gpointer        user_data)
{
  Fixture *f = user_data;

  switch (xmpp_connection_get_state (connection))
    {
    case XMPP_CONNECTION_STATE_CONNECTING: f->attempts++; break;
    case XMPP_CONNECTION_STATE_READY: f->ready++; break;
    default: break;
    }
}

static void
on_reconnect_scheduled (XmppAccount *account,
                        guint        delay,
                        gpointer     user_data)
{
  Fixture *f = user_data;

  g_assert_cmpint (xmpp_account_get_reconnect_state (account), ==, XMPP_RECONNECT_STATE_WAITING);
  g_assert_cmpint (xmpp_account_get_retry_count (account), >, 0);
  g_assert_nonnull (xmpp_account_get_last_error (account));
  g_array_append_val (f->delays, delay);
}

static void
on_gave_up (XmppAccount  *account,
            const GError *error,
            gpointer      user_data)
{
  Fixture *f = user_data;

  g_ptr_array_add (f->gave_up, g_error_copy (error));
}

/* A port on 127.0.0.1 where nobody listens. */
static guint16
refusing_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_socket_bind (socket, address, FALSE, &error));
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(XmppJid) jid = xmpp_jid_new (FULL_JID, NULL);
  g_autoptr(GError) error = NULL;

  f->watchdog = g_timeout_add_seconds (60, on_watchdog, NULL);
  f->delays = g_array_new (FALSE, FALSE, sizeof (guint));
  f->gave_up = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  f->monitor = g_object_new (TEST_TYPE_MONITOR, NULL);
  f->client = xmpp_client_new ();
  xmpp_client_set_network_monitor (f->client, G_NETWORK_MONITOR (f->monitor));
  f->account = xmpp_client_add_account (f->client, jid, PASSWORD, &error);
  g_assert_no_error (error);
  f->connection = XMPP_CONNECTION (xmpp_account_get_connection (f->account));
  xmpp_connection_set_host (f->connection, "127.0.0.1");
  xmpp_connection_set_port (f->connection, refusing_port ());
  xmpp_connection_set_tls_mode (f->connection, XMPP_TLS_MODE_INSECURE_PLAINTEXT);
  g_signal_connect (f->connection, "notify::state", G_CALLBACK (on_connection_state), f);
  g_signal_connect (f->account, "reconnect-scheduled", G_CALLBACK (on_reconnect_scheduled), f);
  g_signal_connect (f->account, "gave-up", G_CALLBACK (on_gave_up), f);
}

static void
on_stopped (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (xmpp_client_stop_finish (XMPP_CLIENT (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static void
stop_sync (Fixture *f)
{
  gboolean stopped = FALSE;

  xmpp_client_stop_async (f->client, NULL, on_stopped, &stopped);
  WAIT_UNTIL (stopped);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  stop_sync (f);
  g_signal_handlers_disconnect_by_data (f->connection, f);
  g_signal_handlers_disconnect_by_data (f->account, f);
  g_clear_object (&f->client);
  g_clear_object (&f->monitor);
  g_clear_pointer (&f->server, fake_server_free);
  g_clear_pointer (&f->delays, g_array_unref);
  g_clear_pointer (&f->gave_up, g_ptr_array_unref);
  g_source_remove (f->watchdog);
}

static gboolean
set_true (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop for @ms milliseconds, to see that something does
 * not happen. */
static void
iterate_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, set_true, &done);
  WAIT_UNTIL (done);
}

/* Points the account at a new fake server. */
static FakeServer *
use_fake_server (Fixture *f)
{
  g_clear_pointer (&f->server, fake_server_free);
  f->server = fake_server_new (DOMAIN, USER, PASSWORD);
  xmpp_connection_set_port (f->connection, fake_server_get_port (f->server));
  return f->server;
}

/* ------------------------------------------------------------------ */
/* Back-off */

static void
test_backoff (Fixture       *f,
              gconstpointer  data)
{
  const GError *error;

  g_test_summary ("A port that refuses: each failure schedules a reconnection, the delays "
                  "double from the first (±25 %) up to the cap, and the state, retry count, "
                  "next retry and last error follow.");

  xmpp_account_set_initial_retry_delay (f->account, 20);
  xmpp_account_set_max_retry_delay (f->account, 160);
  xmpp_client_start (f->client);
  g_assert_cmpint (xmpp_account_get_reconnect_state (f->account), ==, XMPP_RECONNECT_STATE_CONNECTING);
  WAIT_UNTIL (f->delays->len == 6);

  for (guint i = 0; i < f->delays->len; i++)
    {
      guint delay = g_array_index (f->delays, guint, i);
      guint base = MIN (20u << i, 160u);

      g_test_message ("delay %u: %u ms", i + 1, delay);
      g_assert_cmpuint (delay, >=, base * 3 / 4);
      g_assert_cmpuint (delay, <=, MIN (base * 5 / 4, 160u));
    }
  g_assert_cmpuint (f->attempts, ==, 6);
  g_assert_cmpuint (xmpp_account_get_retry_count (f->account), ==, 6);
  g_assert_cmpint (xmpp_account_get_reconnect_state (f->account), ==, XMPP_RECONNECT_STATE_WAITING);
  error = xmpp_account_get_last_error (f->account);
  g_assert_error ((GError *) error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  g_assert_cmpuint (f->gave_up->len, ==, 0);
}

static void
test_auto_reconnect_off (Fixture       *f,
                         gconstpointer  data)
{
  g_test_summary ("With auto-reconnect off, a failed connection is not tried again: the "
                  "account stays idle with the error.");

  xmpp_account_set_initial_retry_delay (f->account, 20);
  xmpp_account_set_auto_reconnect (f->account, FALSE);
  xmpp_client_start (f->client);
  WAIT_UNTIL (f->attempts == 1 &&
              xmpp_account_get_reconnect_state (f->account) == XMPP_RECONNECT_STATE_IDLE);
  iterate_for (300);
  g_assert_cmpuint (f->attempts, ==, 1);
  g_assert_cmpuint (f->delays->len, ==, 0);
  g_assert_nonnull (xmpp_account_get_last_error (f->account));

  /* Turned on while waiting and off again: the waiting ends. */
  xmpp_account_set_auto_reconnect (f->account, TRUE);
  xmpp_account_set_initial_retry_delay (f->account, 5000);
  xmpp_account_retry_now (f->account);
  WAIT_UNTIL (f->delays->len == 1);
  xmpp_account_set_auto_reconnect (f->account, FALSE);
  g_assert_cmpint (xmpp_account_get_reconnect_state (f->account), ==, XMPP_RECONNECT_STATE_IDLE);
  g_assert_cmpint (xmpp_account_get_next_retry (f->account), ==, 0);
}

static void
on_closed_count (XmppClient   *client,
                 XmppAccount  *account,
                 const GError *error,
                 gpointer      user_data)
{
  (*(guint *) user_data)++;
}

static void
test_stop_and_remove (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(XmppJid) jid = xmpp_jid_new ("bob@" DOMAIN, NULL);
  g_autoptr(XmppAccount) bob = NULL;
  g_autoptr(GError) error = NULL;
  guint closed = 0;

  g_test_summary ("A client stopped, or an account removed or disabled, while a "
                  "reconnection waits: the reconnection never comes; a disabled account "
                  "connects again once enabled.");

  bob = g_object_ref (xmpp_client_add_account (f->client, jid, "bobpass", &error));
  g_assert_no_error (error);
  xmpp_connection_set_host (XMPP_CONNECTION (xmpp_account_get_connection (bob)), "127.0.0.1");
  xmpp_connection_set_port (XMPP_CONNECTION (xmpp_account_get_connection (bob)), refusing_port ());
  xmpp_account_set_initial_retry_delay (bob, 5000);
  xmpp_account_set_initial_retry_delay (f->account, 5000);
  g_signal_connect (f->client, "account-closed", G_CALLBACK (on_closed_count), &closed);

  xmpp_client_start (f->client);
  WAIT_UNTIL (f->delays->len == 1 && xmpp_account_get_retry_count (bob) == 1);
  g_assert_cmpuint (closed, ==, 2);

  /* Removed: nothing more from bob. */
  xmpp_client_remove_account (f->client, bob);
  g_assert_cmpint (xmpp_account_get_reconnect_state (bob), ==, XMPP_RECONNECT_STATE_IDLE);
  g_assert_cmpint (xmpp_account_get_next_retry (bob), ==, 0);

  /* Disabled: nothing more from alice, until enabled. */
  xmpp_account_set_enabled (f->account, FALSE);
  g_assert_cmpint (xmpp_account_get_reconnect_state (f->account), ==, XMPP_RECONNECT_STATE_DISABLED);
  iterate_for (300);
  g_assert_cmpuint (f->attempts, ==, 1);
  g_assert_cmpuint (xmpp_account_get_retry_count (bob), ==, 1);
  xmpp_account_set_enabled (f->account, TRUE);
  WAIT_UNTIL (f->attempts == 2);
  WAIT_UNTIL (f->delays->len == 2);
  /* Enabling started the series over. */
  g_assert_cmpuint (xmpp_account_get_retry_count (f->account), ==, 1);

  /* Stopped: the waiting reconnection is dropped at once. */
  stop_sync (f);
  g_assert_cmpint (xmpp_account_get_reconnect_state (f->account), ==, XMPP_RECONNECT_STATE_IDLE);
  g_assert_cmpint (xmpp_account_get_next_retry (f->account), ==, 0);
  iterate_for (300);
  g_assert_cmpuint (f->attempts, ==, 2);
  g_assert_cmpuint (closed, ==, 3);
  g_signal_handlers_disconnect_by_data (f->client, &closed);
}

static void
test_turns (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(XmppJid) jid = xmpp_jid_new ("bob@" DOMAIN, NULL);
  g_autoptr(GError) error = NULL;
  FakeServer *server = use_fake_server (f);
  XmppAccount *bob;
  XmppConnection *bob_connection;

  g_test_summary ("With max-connecting at 1, a second account waits, connecting but "
                  "without a connection, until the first attempt is over.");

  xmpp_client_set_max_connecting (f->client, 1);
  bob = xmpp_client_add_account (f->client, jid, "bobpass", &error);
  g_assert_no_error (error);
  bob_connection = XMPP_CONNECTION (xmpp_account_get_connection (bob));
  xmpp_connection_set_host (bob_connection, "127.0.0.1");
  xmpp_connection_set_port (bob_connection, refusing_port ());
  xmpp_account_set_initial_retry_delay (bob, 60000);
  xmpp_account_set_initial_retry_delay (f->account, 60000);

  /* alice's server takes the stream header and says nothing. */
  fake_server_expect_header (server);
  xmpp_client_start (f->client);
  WAIT_UNTIL (fake_server_get_n_headers (server) == 1);
  iterate_for (200);
  g_assert_cmpint (xmpp_account_get_reconnect_state (bob), ==, XMPP_RECONNECT_STATE_CONNECTING);
  g_assert_cmpint (xmpp_connection_get_state (bob_connection), ==, XMPP_CONNECTION_STATE_DISCONNECTED);

  /* alice's attempt fails: bob's turn. */
  fake_server_hang_up (server);
  WAIT_UNTIL (xmpp_account_get_retry_count (bob) == 1);
  g_assert_cmpuint (f->delays->len, ==, 1);
  g_assert_error ((GError *) xmpp_account_get_last_error (bob), G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
}

/* ------------------------------------------------------------------ */
/* Which errors end the retries */

typedef struct
{
  const char *name;
  const char *reply;             /* to <auth/>; NULL: no STARTTLS offered */
  gboolean starttls;             /* an untrusted certificate */
  int code;                      /* in the domain the name's prefix tells */
  int verdict;                   /* 0: give up, 1: retry, 2: retry after the longest delay */
} Verdict;

#define STREAM_ERROR(condition) \
  "<stream:error><" condition " xmlns='" FAKE_NS_STREAMS "'/></stream:error></stream:stream>"
#define SASL_FAILURE(condition) \
  "<failure xmlns='" FAKE_NS_SASL "'><" condition "/></failure>"

static Verdict verdicts[] = {
  { "stream-conflict", STREAM_ERROR ("conflict"), FALSE, XMPP_STREAM_ERROR_CONFLICT, 0 },
  { "stream-not-authorized", STREAM_ERROR ("not-authorized"), FALSE, XMPP_STREAM_ERROR_NOT_AUTHORIZED, 0 },
  { "stream-host-unknown", STREAM_ERROR ("host-unknown"), FALSE, XMPP_STREAM_ERROR_HOST_UNKNOWN, 0 },
  { "stream-policy-violation", STREAM_ERROR ("policy-violation"), FALSE, XMPP_STREAM_ERROR_POLICY_VIOLATION, 2 },
  { "stream-system-shutdown", STREAM_ERROR ("system-shutdown"), FALSE, XMPP_STREAM_ERROR_SYSTEM_SHUTDOWN, 1 },
  { "sasl-not-authorized", SASL_FAILURE ("not-authorized"), FALSE, XMPP_SASL_ERROR_NOT_AUTHORIZED, 0 },
  { "sasl-account-disabled", SASL_FAILURE ("account-disabled"), FALSE, XMPP_SASL_ERROR_ACCOUNT_DISABLED, 0 },
  { "sasl-temporary", SASL_FAILURE ("temporary-auth-failure"), FALSE, XMPP_SASL_ERROR_TEMPORARY_AUTH_FAILURE, 1 },
  { "tls-required", NULL, FALSE, XMPP_CONNECTION_ERROR_TLS_REQUIRED, 0 },
  { "certificate", NULL, TRUE, XMPP_CONNECTION_ERROR_CERTIFICATE, 0 },
};

static void
test_verdict (Fixture       *f,
              gconstpointer  data)
{
  const Verdict *verdict = data;
  FakeServer *server = use_fake_server (f);
  const GError *error;

  g_test_summary ("Each kind of error, sent by a fake server at login: the account gives "
                  "up on those that retrying cannot mend, retries the others after the first "
                  "delay, and policy-violation only after the longest.");

  xmpp_account_set_initial_retry_delay (f->account, 10000);
  xmpp_account_set_max_retry_delay (f->account, 40000);
  if (verdict->starttls)
    {
      /* The system's trust store does not know the fake certificate. */
      xmpp_connection_set_tls_mode (f->connection, XMPP_TLS_MODE_STARTTLS);
      fake_server_set_certificate (server, certificate->certificate);
      fake_server_open_stream (server, FAKE_FEATURES_STARTTLS);
      fake_server_starttls (server);
    }
  else if (verdict->reply == NULL)
    {
      xmpp_connection_set_tls_mode (f->connection, XMPP_TLS_MODE_STARTTLS);
      fake_server_open_stream (server, FAKE_FEATURES_MECHANISMS ("PLAIN"));
    }
  else
    {
      fake_server_open_stream (server, FAKE_FEATURES_MECHANISMS ("SCRAM-SHA-1"));
      fake_server_expect (server, "auth", FAKE_NS_SASL, verdict->reply);
    }

  xmpp_client_start (f->client);
  WAIT_UNTIL (f->gave_up->len > 0 || f->delays->len > 0);
  error = xmpp_account_get_last_error (f->account);
  g_assert_nonnull (error);
  g_test_message ("%s: %s", verdict->name, error->message);
  g_assert_true (error->domain == (g_str_has_prefix (verdict->name, "stream") ? XMPP_STREAM_ERROR
                                   : g_str_has_prefix (verdict->name, "sasl") ? XMPP_SASL_ERROR
                                   : XMPP_CONNECTION_ERROR));
  g_assert_cmpint (error->code, ==, verdict->code);
  g_assert_cmpuint (f->attempts, ==, 1);

  switch (verdict->verdict)
    {
    case 0:
      g_assert_cmpuint (f->gave_up->len, ==, 1);
      g_assert_cmpuint (f->delays->len, ==, 0);
      g_assert_cmpint (xmpp_account_get_reconnect_state (f->account), ==, XMPP_RECONNECT_STATE_GAVE_UP);
      break;
    case 1:
      g_assert_cmpuint (f->gave_up->len, ==, 0);
      g_assert_cmpuint (g_array_index (f->delays, guint, 0), >=, 7500);
      g_assert_cmpuint (g_array_index (f->delays, guint, 0), <=, 12500);
      break;
    case 2:
      g_assert_cmpuint (f->gave_up->len, ==, 0);
      g_assert_cmpuint (g_array_index (f->delays, guint, 0), >=, 30000);
      g_assert_cmpuint (g_array_index (f->delays, guint, 0), <=, 40000);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* ------------------------------------------------------------------ */
/* Stable sessions */

static void
move_to_fake_server (XmppAccount *account,
                     guint        delay,
                     gpointer     user_data)
{
  Fixture *f = user_data;
  FakeServer *server;

  if (f->delays->len != 2 || f->server != NULL)
    return;
  /* After two refusals, a server that logs in and then drops the
   * stream. */
  server = use_fake_server (f);
  fake_server_script_login (server, FALSE, "SCRAM-SHA-1", FULL_JID);
  fake_server_expect (server, "iq", FAKE_NS_CLIENT, NULL);    /* the roster */
  fake_server_hang_up (server);
}

static void
test_stable_period (Fixture       *f,
                    gconstpointer  data)
{
  guint stable_period = GPOINTER_TO_UINT (data);
  guint delay;

  g_test_summary ("A session that lasted the stable period starts the delays over from the "
                  "first; a shorter one goes on with the series.");

  xmpp_account_set_initial_retry_delay (f->account, 40);
  xmpp_account_set_max_retry_delay (f->account, 10000);
  xmpp_account_set_stable_period (f->account, stable_period);
  /* Connected after the handler that counts the delays. */
  g_signal_connect (f->account, "reconnect-scheduled", G_CALLBACK (move_to_fake_server), f);
  xmpp_client_start (f->client);
  WAIT_UNTIL (f->delays->len == 3);

  g_assert_cmpuint (f->ready, ==, 1);
  g_assert_cmpuint (f->attempts, ==, 3);
  delay = g_array_index (f->delays, guint, 2);
  g_test_message ("after the session: retry %u in %u ms", xmpp_account_get_retry_count (f->account), delay);
  if (stable_period == 0)
    {
      g_assert_cmpuint (xmpp_account_get_retry_count (f->account), ==, 1);
      g_assert_cmpuint (delay, >=, 30);
      g_assert_cmpuint (delay, <=, 50);
    }
  else
    {
      g_assert_cmpuint (xmpp_account_get_retry_count (f->account), ==, 3);
      g_assert_cmpuint (delay, >=, 120);
      g_assert_cmpuint (delay, <=, 200);
    }
}

/* ------------------------------------------------------------------ */
/* The network */

static void
test_network (Fixture       *f,
              gconstpointer  data)
{
  gint64 since;

  g_test_summary ("Without network, a failure waits for the network instead of a delay; "
                  "when the network comes back, the account tries at once, also in the "
                  "middle of a long delay; a delay that ends without network spends no "
                  "attempt.");

  test_monitor_set_available (f->monitor, FALSE);
  xmpp_account_set_initial_retry_delay (f->account, 20);

  /* Starting tries whatever the monitor says (a server may be local). */
  xmpp_client_start (f->client);
  WAIT_UNTIL (f->attempts == 1 && xmpp_account_get_reconnect_state (f->account) == XMPP_RECONNECT_STATE_WAITING);
  iterate_for (300);
  g_assert_cmpuint (f->attempts, ==, 1);
  g_assert_cmpuint (f->delays->len, ==, 0);
  g_assert_cmpint (xmpp_account_get_next_retry (f->account), ==, 0);
  g_assert_cmpuint (xmpp_account_get_retry_count (f->account), ==, 0);

  /* The network comes back: at once, for no delay was planned. */
  xmpp_account_set_initial_retry_delay (f->account, 60000);
  since = g_get_monotonic_time ();
  test_monitor_set_available (f->monitor, TRUE);
  g_assert_cmpuint (f->attempts, ==, 2);
  WAIT_UNTIL (f->delays->len == 1);
  g_assert_cmpuint (g_array_index (f->delays, guint, 0), >=, 45000);

  /* Gone and back during a delay of a minute: at once again. */
  test_monitor_set_available (f->monitor, FALSE);
  test_monitor_set_available (f->monitor, TRUE);
  g_assert_cmpuint (f->attempts, ==, 3);
  WAIT_UNTIL (f->delays->len == 2);
  g_assert_cmpint (g_get_monotonic_time () - since, <, 30 * G_USEC_PER_SEC);

  /* A delay that runs out without network: no attempt until it is back. */
  xmpp_account_set_initial_retry_delay (f->account, 20);
  xmpp_account_set_max_retry_delay (f->account, 100);
  xmpp_account_retry_now (f->account);
  WAIT_UNTIL (f->delays->len == 3);
  test_monitor_set_available (f->monitor, FALSE);
  iterate_for (400);
  g_assert_cmpuint (f->attempts, ==, 4);
  g_assert_cmpint (xmpp_account_get_reconnect_state (f->account), ==, XMPP_RECONNECT_STATE_WAITING);
  g_assert_cmpint (xmpp_account_get_next_retry (f->account), ==, 0);
  test_monitor_set_available (f->monitor, TRUE);
  g_assert_cmpuint (f->attempts, ==, 5);
}

/* The fake server logs the account in and answers (or not) the ping of
 * a link check. */
static void
go_online (Fixture *f)
{
  FakeServer *server = use_fake_server (f);

  fake_server_script_login (server, FALSE, "SCRAM-SHA-1", FULL_JID);
  fake_server_expect (server, "iq", FAKE_NS_CLIENT,
                      "<iq type='result' id='{id}'><query xmlns='jabber:iq:roster'/></iq>");
  fake_server_expect (server, "presence", FAKE_NS_CLIENT, NULL);
  xmpp_client_start (f->client);
  WAIT_UNTIL (xmpp_account_get_reconnect_state (f->account) == XMPP_RECONNECT_STATE_ONLINE &&
              fake_server_is_idle (server));
}

static void
test_link_check (Fixture       *f,
                 gconstpointer  data)
{
  gboolean answer = GPOINTER_TO_INT (data);
  FakeServer *server;

  g_test_summary ("When the network comes back under an online account, it pings its "
                  "server: an answer keeps the session; none within the liveness timeout "
                  "ends it with a time-out, and the account reconnects.");

  xmpp_connection_set_liveness_timeout (f->connection, 1);
  go_online (f);
  server = f->server;
  if (answer)
    fake_server_expect (server, "iq", FAKE_NS_CLIENT, "<iq type='result' id='{id}' from='" DOMAIN "'/>");
  else
    fake_server_expect (server, "iq", FAKE_NS_CLIENT, NULL);

  test_monitor_set_available (f->monitor, FALSE);
  test_monitor_set_available (f->monitor, TRUE);
  if (answer)
    {
      WAIT_UNTIL (fake_server_is_idle (server));
      iterate_for (1500);
      g_assert_cmpint (xmpp_account_get_reconnect_state (f->account), ==, XMPP_RECONNECT_STATE_ONLINE);
      g_assert_cmpuint (f->delays->len, ==, 0);
    }
  else
    {
      WAIT_UNTIL (f->delays->len == 1);
      g_assert_error ((GError *) xmpp_account_get_last_error (f->account), G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
    }
  {
    GPtrArray *received = fake_server_get_received (server);
    XmppStanza *last = g_ptr_array_index (received, received->len - 1);

    g_assert_nonnull (xmpp_element_get_child (xmpp_stanza_get_element (last), "ping", NS_PING));
  }
}

/* ------------------------------------------------------------------ */
/* Waking up from sleep, told by logind on a bus of the test's own */

static void
emit_prepare_for_sleep (GDBusConnection *bus,
                        gboolean         sleeping)
{
  g_autoptr(GError) error = NULL;

  g_dbus_connection_emit_signal (bus, NULL, "/org/freedesktop/login1",
                                 "org.freedesktop.login1.Manager", "PrepareForSleep",
                                 g_variant_new ("(b)", sleeping), &error);
  g_assert_no_error (error);
}

static void
test_wake_up (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GDBusConnection) logind = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  g_test_summary ("PrepareForSleep(false) from logind on the system bus: a waiting account "
                  "tries at once instead of at the end of its delay.");

  /* .ci/install-deps installs dbus-daemon: without it the test fails. */
  g_assert_nonnull (test_bus);

  /* logind's part, on a connection of its own. */
  logind = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (test_bus),
                                                   G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                   G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                   NULL, NULL, &error);
  g_assert_no_error (error);
  reply = g_dbus_connection_call_sync (logind, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "RequestName",
                                       g_variant_new ("(su)", "org.freedesktop.login1", 0),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);

  xmpp_account_set_initial_retry_delay (f->account, 60000);
  xmpp_client_start (f->client);
  WAIT_UNTIL (f->delays->len == 1);

  /* Going to sleep changes nothing; waking up brings the attempt. The
   * client subscribes asynchronously, so logind says it until heard. */
  emit_prepare_for_sleep (logind, TRUE);
  while (f->attempts == 1)
    {
      emit_prepare_for_sleep (logind, FALSE);
      iterate_for (50);
    }
  g_assert_cmpuint (f->attempts, ==, 2);
  WAIT_UNTIL (f->delays->len == 2);
}

/* ------------------------------------------------------------------ */
/* The API, and odd uses of it */

static void
on_notify_count (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  (*(guint *) user_data)++;
}

static void
test_properties (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(XmppJid) jid = xmpp_jid_new (FULL_JID, NULL);
  g_autoptr(XmppClient) other = xmpp_client_new ();
  GType item_type = G_TYPE_INVALID;
  guint n_items = 0;
  guint retry_delay = 0;
  guint notified = 0;

  g_test_summary ("Every property of XmppClient and XmppAccount: its default, its getter "
                  "and setter, one notification per change and none when nothing "
                  "changes.");

  /* The account's defaults. */
  g_assert_true (xmpp_jid_equal (xmpp_account_get_jid (f->account), jid));
  g_assert_true (xmpp_jid_equal (xmpp_connection_get_jid (f->connection), jid));
  g_assert_true (xmpp_account_get_enabled (f->account));
  g_assert_true (xmpp_account_get_auto_reconnect (f->account));
  g_assert_cmpuint (xmpp_account_get_initial_retry_delay (f->account), ==,
                    XMPP_ACCOUNT_DEFAULT_INITIAL_RETRY_DELAY);
  g_assert_cmpuint (xmpp_account_get_max_retry_delay (f->account), ==, XMPP_ACCOUNT_DEFAULT_MAX_RETRY_DELAY);
  g_assert_cmpuint (xmpp_account_get_stable_period (f->account), ==, XMPP_ACCOUNT_DEFAULT_STABLE_PERIOD);
  g_assert_cmpint (xmpp_account_get_reconnect_state (f->account), ==, XMPP_RECONNECT_STATE_IDLE);
  g_assert_cmpuint (xmpp_account_get_retry_count (f->account), ==, 0);
  g_assert_cmpint (xmpp_account_get_next_retry (f->account), ==, 0);
  g_assert_null (xmpp_account_get_last_error (f->account));

  /* Each change notifies once; setting the same value again, never. */
  g_signal_connect (f->account, "notify", G_CALLBACK (on_notify_count), &notified);
  for (guint i = 0; i < 2; i++)
    {
      xmpp_account_set_initial_retry_delay (f->account, 250);
      xmpp_account_set_max_retry_delay (f->account, 9000);
      xmpp_account_set_stable_period (f->account, 5);
      xmpp_account_set_auto_reconnect (f->account, FALSE);
    }
  g_assert_cmpuint (notified, ==, 4);
  g_assert_cmpuint (xmpp_account_get_initial_retry_delay (f->account), ==, 250);
  g_assert_cmpuint (xmpp_account_get_max_retry_delay (f->account), ==, 9000);
  g_assert_cmpuint (xmpp_account_get_stable_period (f->account), ==, 5);
  g_assert_false (xmpp_account_get_auto_reconnect (f->account));
  g_object_set (f->account, "initial-retry-delay", 300, "auto-reconnect", TRUE, NULL);
  g_object_get (f->account, "initial-retry-delay", &retry_delay, NULL);
  g_assert_cmpuint (retry_delay, ==, 300);
  g_assert_cmpuint (notified, ==, 6);

  /* Disabled and enabled in a client not started: the state follows, as
   * :enabled and :reconnect-state notifications. */
  xmpp_account_set_enabled (f->account, FALSE);
  xmpp_account_set_enabled (f->account, FALSE);
  g_assert_false (xmpp_account_get_enabled (f->account));
  g_assert_cmpint (xmpp_account_get_reconnect_state (f->account), ==, XMPP_RECONNECT_STATE_DISABLED);
  g_assert_cmpuint (notified, ==, 8);
  xmpp_account_set_enabled (f->account, TRUE);
  g_assert_cmpint (xmpp_account_get_reconnect_state (f->account), ==, XMPP_RECONNECT_STATE_IDLE);
  g_assert_cmpuint (notified, ==, 10);
  g_signal_handlers_disconnect_by_func (f->account, on_notify_count, &notified);

  /* The client's. */
  notified = 0;
  g_assert_false (xmpp_client_is_started (f->client));
  g_assert_cmpuint (xmpp_client_get_max_connecting (f->client), ==, XMPP_CLIENT_DEFAULT_MAX_CONNECTING);
  g_assert_true (xmpp_client_get_network_monitor (other) == g_network_monitor_get_default ());
  g_assert_true (xmpp_client_get_network_monitor (f->client) == G_NETWORK_MONITOR (f->monitor));
  g_assert_nonnull (xmpp_client_get_presence (f->client));
  g_assert_cmpint (xmpp_presence_get_presence_type (xmpp_client_get_presence (f->client)), ==,
                   XMPP_PRESENCE_TYPE_AVAILABLE);
  g_assert_cmpint (xmpp_presence_get_show (xmpp_client_get_presence (f->client)), ==, XMPP_PRESENCE_SHOW_NONE);
  g_object_get (f->client, "n-items", &n_items, "item-type", &item_type, NULL);
  g_assert_cmpuint (n_items, ==, 1);
  g_assert_true (item_type == XMPP_TYPE_ACCOUNT);

  g_signal_connect (f->client, "notify", G_CALLBACK (on_notify_count), &notified);
  xmpp_client_set_max_connecting (f->client, 0);
  xmpp_client_set_max_connecting (f->client, 0);
  g_assert_cmpuint (xmpp_client_get_max_connecting (f->client), ==, 0);
  xmpp_client_set_network_monitor (f->client, NULL);
  xmpp_client_set_network_monitor (f->client, NULL);
  g_assert_null (xmpp_client_get_network_monitor (f->client));
  xmpp_client_set_network_monitor (f->client, G_NETWORK_MONITOR (f->monitor));
  g_assert_cmpuint (notified, ==, 3);
  g_signal_handlers_disconnect_by_func (f->client, on_notify_count, &notified);

  xmpp_client_start (f->client);
  xmpp_client_start (f->client);
  g_assert_true (xmpp_client_is_started (f->client));
  stop_sync (f);
  g_assert_false (xmpp_client_is_started (f->client));
}

static void
test_presence (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(XmppPresence) away = xmpp_presence_new (XMPP_PRESENCE_TYPE_AVAILABLE);
  g_autoptr(XmppJid) jid = xmpp_jid_new ("bob@" DOMAIN, NULL);
  g_autoptr(XmppPresence) sent = NULL;
  g_autoptr(GError) error = NULL;
  XmppImConnection *connection = XMPP_IM_CONNECTION (f->connection);
  XmppImConnection *bob_connection;
  FakeServer *server;
  GPtrArray *received;
  XmppAccount *bob;

  g_test_summary ("set_presence gives every account the client's presence: an online one "
                  "sends it at once, one added later takes it; NULL sends unavailable "
                  "presence, and the account stays online.");

  g_assert_true (xmpp_im_connection_get_presence (connection) == xmpp_client_get_presence (f->client));
  go_online (f);
  server = f->server;

  xmpp_presence_set_show (away, XMPP_PRESENCE_SHOW_AWAY);
  fake_server_expect (server, "presence", FAKE_NS_CLIENT, NULL);
  xmpp_client_set_presence (f->client, away);
  g_assert_true (xmpp_client_get_presence (f->client) == away);
  g_assert_true (xmpp_im_connection_get_presence (connection) == away);
  WAIT_UNTIL (fake_server_is_idle (server));
  received = fake_server_get_received (server);
  sent = xmpp_presence_new_from_stanza (g_ptr_array_index (received, received->len - 1));
  g_assert_cmpint (xmpp_presence_get_presence_type (sent), ==, XMPP_PRESENCE_TYPE_AVAILABLE);
  g_assert_cmpint (xmpp_presence_get_show (sent), ==, XMPP_PRESENCE_SHOW_AWAY);
  g_clear_object (&sent);

  /* An account added later takes it (and stays disabled here: it has no
   * server). */
  bob = xmpp_client_add_account (f->client, jid, NULL, &error);
  g_assert_no_error (error);
  xmpp_account_set_enabled (bob, FALSE);
  bob_connection = xmpp_account_get_connection (bob);
  g_assert_true (xmpp_im_connection_get_presence (bob_connection) == away);

  fake_server_expect (server, "presence", FAKE_NS_CLIENT, NULL);
  xmpp_client_set_presence (f->client, NULL);
  g_assert_null (xmpp_client_get_presence (f->client));
  g_assert_null (xmpp_im_connection_get_presence (connection));
  g_assert_null (xmpp_im_connection_get_presence (bob_connection));
  WAIT_UNTIL (fake_server_is_idle (server));
  received = fake_server_get_received (server);
  sent = xmpp_presence_new_from_stanza (g_ptr_array_index (received, received->len - 1));
  g_assert_cmpint (xmpp_presence_get_presence_type (sent), ==, XMPP_PRESENCE_TYPE_UNAVAILABLE);
  iterate_for (200);
  g_assert_cmpint (xmpp_account_get_reconnect_state (f->account), ==, XMPP_RECONNECT_STATE_ONLINE);
  g_assert_cmpint (xmpp_account_get_reconnect_state (bob), ==, XMPP_RECONNECT_STATE_DISABLED);
  g_assert_null (fake_server_get_error (server));
}

typedef struct
{
  guint calls;
  gboolean stopped;
  GError *error;
} StopCall;

static void
on_stop_call (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  StopCall *call = user_data;

  call->calls++;
  call->stopped = xmpp_client_stop_finish (XMPP_CLIENT (source), result, &call->error);
}

static void
test_stop_twice (Fixture       *f,
                 gconstpointer  data)
{
  StopCall first = { 0 }, second = { 0 }, again = { 0 }, overtaken = { 0 };
  guint closed = 0;

  g_test_summary ("stop_async twice while the account closes: each call completes once, "
                  "from the main loop, when the connection is closed; stopping a stopped "
                  "client completes too; a stop that start overtakes fails with CANCELLED, "
                  "and the account connects again.");

  go_online (f);
  g_signal_connect (f->client, "account-closed", G_CALLBACK (on_closed_count), &closed);
  xmpp_client_stop_async (f->client, NULL, on_stop_call, &first);
  xmpp_client_stop_async (f->client, NULL, on_stop_call, &second);
  g_assert_false (xmpp_client_is_started (f->client));
  g_assert_cmpint (xmpp_connection_get_state (f->connection), ==, XMPP_CONNECTION_STATE_CLOSING);
  WAIT_UNTIL (first.calls > 0 && second.calls > 0);
  g_assert_cmpint (xmpp_connection_get_state (f->connection), ==, XMPP_CONNECTION_STATE_DISCONNECTED);
  g_assert_cmpint (xmpp_account_get_reconnect_state (f->account), ==, XMPP_RECONNECT_STATE_IDLE);
  g_assert_cmpuint (closed, ==, 1);

  xmpp_client_stop_async (f->client, NULL, on_stop_call, &again);
  g_assert_cmpuint (again.calls, ==, 0);
  WAIT_UNTIL (again.calls > 0);

  for (guint i = 0; i < 3; i++)
    {
      StopCall *call = (StopCall *[]) { &first, &second, &again }[i];

      g_assert_cmpuint (call->calls, ==, 1);
      g_assert_no_error (call->error);
      g_assert_true (call->stopped);
    }

  go_online (f);
  xmpp_client_stop_async (f->client, NULL, on_stop_call, &overtaken);
  xmpp_client_start (f->client);
  WAIT_UNTIL (overtaken.calls > 0);
  g_assert_false (overtaken.stopped);
  g_assert_error (overtaken.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* Closed as asked, then connecting again for the new start. */
  WAIT_UNTIL (f->attempts == 3);
  g_assert_cmpuint (closed, ==, 2);
  g_assert_cmpuint (overtaken.calls, ==, 1);
  g_clear_error (&overtaken.error);
  g_signal_handlers_disconnect_by_data (f->client, &closed);
}

static void
test_remove_connecting (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(XmppJid) jid = xmpp_jid_new ("bob@" DOMAIN, NULL);
  g_autoptr(XmppAccount) removed = g_object_ref (f->account);
  g_autoptr(GError) error = NULL;
  FakeServer *server = use_fake_server (f);
  XmppAccount *bob;
  guint closed = 0;

  g_test_summary ("An account removed while it connects: its connection closes, it never "
                  "connects again, the client no longer speaks of it, and its connecting "
                  "turn goes to the account that waited for one.");

  xmpp_client_set_max_connecting (f->client, 1);
  bob = xmpp_client_add_account (f->client, jid, "bobpass", &error);
  g_assert_no_error (error);
  xmpp_connection_set_host (XMPP_CONNECTION (xmpp_account_get_connection (bob)), "127.0.0.1");
  xmpp_connection_set_port (XMPP_CONNECTION (xmpp_account_get_connection (bob)), refusing_port ());
  xmpp_account_set_initial_retry_delay (bob, 60000);
  xmpp_account_set_initial_retry_delay (f->account, 20);
  g_signal_connect (f->client, "account-closed", G_CALLBACK (on_closed_count), &closed);

  /* alice's server takes the stream header and says nothing. */
  fake_server_expect_header (server);
  xmpp_client_start (f->client);
  WAIT_UNTIL (fake_server_get_n_headers (server) == 1);
  g_assert_cmpint (xmpp_account_get_reconnect_state (bob), ==, XMPP_RECONNECT_STATE_CONNECTING);

  xmpp_client_remove_account (f->client, removed);
  g_assert_null (xmpp_client_lookup_account (f->client, xmpp_account_get_jid (removed)));
  WAIT_UNTIL (xmpp_account_get_retry_count (bob) == 1 &&
              xmpp_connection_get_state (f->connection) == XMPP_CONNECTION_STATE_DISCONNECTED);
  iterate_for (300);
  g_assert_cmpint (xmpp_account_get_reconnect_state (removed), ==, XMPP_RECONNECT_STATE_IDLE);
  g_assert_cmpuint (f->attempts, ==, 1);
  g_assert_cmpuint (f->delays->len, ==, 0);
  g_assert_cmpuint (f->gave_up->len, ==, 0);
  g_assert_cmpuint (closed, ==, 1);

  /* Enabling or retrying an account of no client does nothing. */
  xmpp_account_set_enabled (removed, FALSE);
  xmpp_account_set_enabled (removed, TRUE);
  xmpp_account_retry_now (removed);
  iterate_for (100);
  g_assert_cmpuint (f->attempts, ==, 1);
  g_assert_cmpint (xmpp_account_get_reconnect_state (removed), ==, XMPP_RECONNECT_STATE_IDLE);

  /* The fixture goes on with bob. */
  g_signal_handlers_disconnect_by_data (f->connection, f);
  g_signal_handlers_disconnect_by_data (f->account, f);
  g_signal_handlers_disconnect_by_data (f->client, &closed);
  f->account = bob;
  f->connection = XMPP_CONNECTION (xmpp_account_get_connection (bob));
}

static void
test_no_recipient (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(XmppMessage) message = xmpp_message_new (XMPP_MESSAGE_TYPE_CHAT, NULL, "to whom?");
  g_autoptr(GError) error = NULL;
  guint sent;

  g_test_summary ("send_message with a message without a recipient fails with "
                  "NO_RECIPIENT, online or not, and sends nothing.");

  g_assert_false (xmpp_client_send_message (f->client, message, &error));
  g_assert_error (error, XMPP_CLIENT_ERROR, XMPP_CLIENT_ERROR_NO_RECIPIENT);
  g_clear_error (&error);

  go_online (f);
  sent = fake_server_get_received (f->server)->len;
  g_assert_false (xmpp_client_send_message (f->client, message, &error));
  g_assert_error (error, XMPP_CLIENT_ERROR, XMPP_CLIENT_ERROR_NO_RECIPIENT);
  iterate_for (200);
  g_assert_cmpuint (fake_server_get_received (f->server)->len, ==, sent);
}

/* ------------------------------------------------------------------ */

int
main (int    argc,
      char **argv)
{
  g_autofree char *openssl = NULL;
  g_autofree char *dbus_daemon = g_find_program_in_path ("dbus-daemon");
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  openssl = fake_find_openssl (argc, argv);
  if (openssl == NULL)
    g_error ("No openssl program: pass --openssl PATH");
  certificate = fake_certificate_new (openssl, &error);
  g_assert_no_error (error);

  /* A message bus of the test's own stands for the system bus, where
   * logind would be. */
  if (dbus_daemon != NULL)
    {
      test_bus = g_test_dbus_new (G_TEST_DBUS_NONE);
      g_test_dbus_up (test_bus);
      g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", g_test_dbus_get_bus_address (test_bus), TRUE);
    }

#define ADD(path, data, func) \
  g_test_add (path, Fixture, data, fixture_setup, func, fixture_teardown)

  ADD ("/client/fake/backoff", NULL, test_backoff);
  ADD ("/client/fake/auto-reconnect-off", NULL, test_auto_reconnect_off);
  ADD ("/client/fake/stop-and-remove", NULL, test_stop_and_remove);
  ADD ("/client/fake/turns", NULL, test_turns);
  for (guint i = 0; i < G_N_ELEMENTS (verdicts); i++)
    {
      g_autofree char *path = g_strdup_printf ("/client/fake/verdict/%s", verdicts[i].name);

      ADD (path, &verdicts[i], test_verdict);
    }
  ADD ("/client/fake/stable-period/reached", GUINT_TO_POINTER (0), test_stable_period);
  ADD ("/client/fake/stable-period/not-reached", GUINT_TO_POINTER (3600), test_stable_period);
  ADD ("/client/fake/network", NULL, test_network);
  ADD ("/client/fake/link-check/alive", GINT_TO_POINTER (TRUE), test_link_check);
  ADD ("/client/fake/link-check/dead", GINT_TO_POINTER (FALSE), test_link_check);
  ADD ("/client/fake/wake-up", NULL, test_wake_up);
  ADD ("/client/fake/properties", NULL, test_properties);
  ADD ("/client/fake/presence", NULL, test_presence);
  ADD ("/client/fake/stop-twice", NULL, test_stop_twice);
  ADD ("/client/fake/remove-connecting", NULL, test_remove_connecting);
  ADD ("/client/fake/no-recipient", NULL, test_no_recipient);

  status = g_test_run ();
  g_clear_pointer (&certificate, fake_certificate_free);
  if (test_bus != NULL)
    {
      /* The system bus connection would end the process when the bus
       * goes away. */
      g_autoptr(GDBusConnection) system_bus = g_bus_get_sync (G_BUS_TYPE_SYSTEM, NULL, NULL);

      if (system_bus != NULL)
        g_dbus_connection_set_exit_on_close (system_bus, FALSE);
      g_test_dbus_down (test_bus);
      g_clear_object (&test_bus);
    }
  return status;
}
