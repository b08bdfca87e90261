/* test-client.c: XmppClient and XmppAccount against real Prosody and
 * ejabberd servers: several accounts in one client, the account chosen to
 * send, the errors that end the reconnections; in runs of their own, a
 * server killed under its accounts (XMPP_TEST_KILL) and a thousand
 * accounts in one process (XMPP_TEST_MANY).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include "server-env.h"

#define WAIT_SECONDS 20
#define MANY_ACCOUNTS 1000

static Server servers[2] = { { .name = "prosody" }, { .name = "ejabberd" } };

static XmppJid *
account_jid (Server     *server,
             const char *user)
{
  g_autofree char *address = g_strdup_printf ("%s@%s", user, server->domain);

  return xmpp_jid_new (address, NULL);
}

/* Adds user@domain to @client, pointed at @server, with @password (or
 * the test servers' USERpass) and @resource. */
static XmppAccount *
add_account (XmppClient *client,
             Server     *server,
             const char *user,
             const char *password,
             const char *resource)
{
  g_autoptr(XmppJid) jid = account_jid (server, user);
  g_autofree char *default_password = g_strconcat (user, "pass", NULL);
  g_autoptr(GError) error = NULL;
  XmppAccount *account;
  XmppConnection *connection;

  account = xmpp_client_add_account (client, jid, password != NULL ? password : default_password, &error);
  g_assert_no_error (error);
  g_assert_nonnull (account);
  connection = XMPP_CONNECTION (xmpp_account_get_connection (account));
  server_configure (server, connection);
  xmpp_connection_set_resource (connection, resource);
  return account;
}

static void
stop_sync (XmppClient *client)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  xmpp_client_stop_async (client, NULL, on_async_done, &result);
  WAIT_UNTIL (result != NULL);
  g_assert_true (xmpp_client_stop_finish (client, result, &error));
  g_assert_no_error (error);
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
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* Removes @jid from the roster of @connection, if it is there. */
static void
forget_contact (XmppImConnection *connection,
                XmppJid          *jid)
{
  XmppRoster *roster = xmpp_im_connection_get_roster (connection);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  if (xmpp_roster_lookup (roster, jid) == NULL)
    return;
  xmpp_roster_remove_contact_async (roster, jid, NULL, on_async_done, &result);
  WAIT_UNTIL (result != NULL);
  g_assert_true (xmpp_roster_remove_contact_finish (roster, result, &error));
  g_assert_no_error (error);
  WAIT_UNTIL (xmpp_roster_lookup (roster, jid) == NULL);
}

/* What an account's reconnection policy did. */
typedef struct
{
  guint attempts;          /* connection states that went to CONNECTING */
  GArray *delays;          /* guint: each reconnect-scheduled */
  GError *gave_up;
  guint n_gave_up;
} Policy;

static void
on_connection_state (XmppConnection *connection,
                     GParamSpec     *pspec,
                     gpointer        user_data)
{
  Policy *policy = user_data;

  if (xmpp_connection_get_state (connection) == XMPP_CONNECTION_STATE_CONNECTING)
    policy->attempts++;
}

static void
on_reconnect_scheduled (XmppAccount *account,
                        guint        delay,
                        gpointer     user_data)
{
  Policy *policy = user_data;

  g_assert_cmpint (xmpp_account_get_reconnect_state (account), ==, XMPP_RECONNECT_STATE_WAITING);
  g_assert_cmpint (xmpp_account_get_next_retry (account), >, 0);
  g_array_append_val (policy->delays, delay);
}

static void
on_gave_up (XmppAccount  *account,
            const GError *error,
            gpointer      user_data)
{
  Policy *policy = user_data;

  g_assert_cmpint (xmpp_account_get_reconnect_state (account), ==, XMPP_RECONNECT_STATE_GAVE_UP);
  g_clear_error (&policy->gave_up);
  policy->gave_up = g_error_copy (error);
  policy->n_gave_up++;
}

static void
policy_watch (Policy      *policy,
              XmppAccount *account)
{
  policy->delays = g_array_new (FALSE, FALSE, sizeof (guint));
  g_signal_connect (xmpp_account_get_connection (account), "notify::state",
                    G_CALLBACK (on_connection_state), policy);
  g_signal_connect (account, "reconnect-scheduled", G_CALLBACK (on_reconnect_scheduled), policy);
  g_signal_connect (account, "gave-up", G_CALLBACK (on_gave_up), policy);
}

static void
policy_clear (Policy      *policy,
              XmppAccount *account)
{
  g_signal_handlers_disconnect_by_data (xmpp_account_get_connection (account), policy);
  g_signal_handlers_disconnect_by_data (account, policy);
  g_clear_pointer (&policy->delays, g_array_unref);
  g_clear_error (&policy->gave_up);
}

/* ------------------------------------------------------------------ */
/* Several accounts */

typedef struct
{
  GPtrArray *ready;                /* XmppAccount, one per account-ready */
  GPtrArray *closed;               /* XmppAccount, one per account-closed */
  guint closed_with_error;
  XmppAccount *message_account;
  XmppMessage *message;
  XmppAccount *presence_account;
  XmppContact *presence_contact;
  guint added;
  guint removed;
} Events;

static guint
count_of (GPtrArray *accounts,
          gpointer   account)
{
  guint n = 0;

  for (guint i = 0; i < accounts->len; i++)
    n += g_ptr_array_index (accounts, i) == account;
  return n;
}

static void
on_account_ready (XmppClient  *client,
                  XmppAccount *account,
                  gpointer     user_data)
{
  Events *events = user_data;

  g_assert_true (xmpp_im_connection_is_session_ready (xmpp_account_get_connection (account)));
  g_ptr_array_add (events->ready, g_object_ref (account));
}

static void
on_account_closed (XmppClient   *client,
                   XmppAccount  *account,
                   const GError *error,
                   gpointer      user_data)
{
  Events *events = user_data;

  g_ptr_array_add (events->closed, g_object_ref (account));
  events->closed_with_error += error != NULL;
}

static void
on_message_received (XmppClient  *client,
                     XmppAccount *account,
                     XmppMessage *message,
                     gpointer     user_data)
{
  Events *events = user_data;

  g_set_object (&events->message_account, account);
  g_set_object (&events->message, message);
}

static void
on_presence_changed (XmppClient   *client,
                     XmppAccount  *account,
                     XmppContact  *contact,
                     XmppPresence *old,
                     XmppPresence *presence,
                     gpointer      user_data)
{
  Events *events = user_data;

  g_assert_true (xmpp_roster_lookup (xmpp_im_connection_get_roster (xmpp_account_get_connection (account)),
                                     xmpp_contact_get_jid (contact)) == contact);
  g_set_object (&events->presence_account, account);
  g_set_object (&events->presence_contact, contact);
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    user_data)
{
  Events *events = user_data;

  events->added += added;
  events->removed += removed;
}

static void
on_subscribe_received (XmppImConnection *connection,
                       XmppJid          *jid,
                       const char       *status,
                       gpointer          user_data)
{
  g_assert_true (xmpp_im_connection_approve_subscription (connection, jid));
}

/* Sends @body to @to through the client, and returns the account that
 * received it, after checking that it came from @sender. */
static XmppAccount *
send_to (XmppClient *client,
         Events     *events,
         XmppJid    *to,
         XmppJid    *sender,
         const char *body)
{
  g_autoptr(XmppMessage) message = xmpp_message_new (XMPP_MESSAGE_TYPE_CHAT, to, body);
  g_autoptr(GError) error = NULL;

  g_clear_object (&events->message);
  g_clear_object (&events->message_account);
  g_assert_true (xmpp_client_send_message (client, message, &error));
  g_assert_no_error (error);
  WAIT_UNTIL (events->message != NULL && g_strcmp0 (xmpp_message_get_body (events->message, NULL), body) == 0);
  g_assert_true (xmpp_jid_equal_bare (xmpp_message_get_from (events->message), sender));
  return events->message_account;
}

static void
test_accounts (gconstpointer data)
{
  Server *server = (Server *) data;
  g_autoptr(XmppClient) client = xmpp_client_new ();
  g_autoptr(XmppJid) alice_jid = account_jid (server, "alice");
  g_autoptr(XmppJid) bob_jid = account_jid (server, "bob");
  g_autoptr(XmppJid) carol_jid = account_jid (server, "carol");
  g_autoptr(XmppJid) carol_full = xmpp_jid_with_resource (carol_jid, "elsewhere", NULL);
  g_autoptr(XmppAccount) carol = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppMessage) message = NULL;
  Events events = { 0 };
  XmppAccount *alice;
  XmppAccount *bob;
  XmppImConnection *bob_connection;

  g_test_summary ("alice, bob and carol in one client: each account is ready once; "
                  "send_message picks the account whose roster has the recipient, or "
                  "else the first online; messages and presence come with their account; "
                  "the list model follows additions and removals; stop closes all.");

  events.ready = g_ptr_array_new_with_free_func (g_object_unref);
  events.closed = g_ptr_array_new_with_free_func (g_object_unref);
  g_signal_connect (client, "items-changed", G_CALLBACK (on_items_changed), &events);
  g_signal_connect (client, "account-ready", G_CALLBACK (on_account_ready), &events);
  g_signal_connect (client, "account-closed", G_CALLBACK (on_account_closed), &events);
  g_signal_connect (client, "message-received", G_CALLBACK (on_message_received), &events);
  g_signal_connect (client, "presence-changed", G_CALLBACK (on_presence_changed), &events);

  alice = add_account (client, server, "alice", NULL, "client");
  bob = add_account (client, server, "bob", NULL, "client");
  carol = g_object_ref (add_account (client, server, "carol", NULL, "client"));
  g_assert_cmpuint (events.added, ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (client)), ==, 3);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (client)) == XMPP_TYPE_ACCOUNT);
  g_assert_true (xmpp_client_lookup_account (client, carol_full) == carol);
  g_assert_null (xmpp_client_add_account (client, carol_full, "carolpass", &error));
  g_assert_error (error, XMPP_CLIENT_ERROR, XMPP_CLIENT_ERROR_ACCOUNT_EXISTS);
  g_clear_error (&error);
  g_assert_cmpuint (events.added, ==, 3);

  xmpp_client_start (client);
  WAIT_UNTIL (events.ready->len == 3);
  g_assert_cmpuint (count_of (events.ready, alice), ==, 1);
  g_assert_cmpuint (count_of (events.ready, bob), ==, 1);
  g_assert_cmpuint (count_of (events.ready, carol), ==, 1);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(XmppAccount) account = g_list_model_get_item (G_LIST_MODEL (client), i);

      g_assert_cmpint (xmpp_account_get_reconnect_state (account), ==, XMPP_RECONNECT_STATE_ONLINE);
      g_assert_null (xmpp_account_get_last_error (account));
    }

  /* Other runs may have left contacts behind. */
  bob_connection = xmpp_account_get_connection (bob);
  forget_contact (xmpp_account_get_connection (alice), carol_jid);
  forget_contact (bob_connection, carol_jid);

  /* bob alone has carol in his roster, with a subscription to her
   * presence, which comes out of the client with bob's account. */
  g_signal_connect (xmpp_account_get_connection (carol), "subscribe-received",
                    G_CALLBACK (on_subscribe_received), NULL);
  g_assert_true (xmpp_im_connection_subscribe (bob_connection, carol_jid, NULL));
  WAIT_UNTIL (events.presence_contact != NULL &&
              xmpp_jid_equal (xmpp_contact_get_jid (events.presence_contact), carol_jid));
  g_assert_true (events.presence_account == bob);
  g_assert_nonnull (xmpp_contact_get_presence (events.presence_contact, "client"));

  /* So a message to carol goes from bob, the second account; carol's
   * account receives it. */
  g_assert_true (send_to (client, &events, carol_jid, bob_jid, "from whoever knows carol") == carol);
  /* Without carol in any roster, from the first account online. */
  forget_contact (bob_connection, carol_jid);
  g_assert_true (send_to (client, &events, carol_jid, alice_jid, "from the first") == carol);
  /* The same to a full address. */
  g_assert_true (send_to (client, &events,
                          xmpp_connection_get_bound_jid (XMPP_CONNECTION (xmpp_account_get_connection (carol))),
                          alice_jid, "to a resource") == carol);

  /* Removing carol closes her connection; her signals stop. */
  xmpp_client_remove_account (client, carol);
  g_assert_cmpuint (events.removed, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (client)), ==, 2);
  g_assert_null (xmpp_client_lookup_account (client, carol_jid));
  {
    g_autoptr(XmppAccount) second = g_list_model_get_item (G_LIST_MODEL (client), 1);

    g_assert_true (second == bob);
    g_assert_null (g_list_model_get_item (G_LIST_MODEL (client), 2));
  }
  WAIT_UNTIL (xmpp_connection_get_state (XMPP_CONNECTION (xmpp_account_get_connection (carol))) ==
              XMPP_CONNECTION_STATE_DISCONNECTED);
  g_assert_cmpint (xmpp_account_get_reconnect_state (carol), ==, XMPP_RECONNECT_STATE_IDLE);
  g_assert_cmpuint (events.closed->len, ==, 0);

  stop_sync (client);
  g_assert_cmpuint (events.closed->len, ==, 2);
  g_assert_cmpuint (count_of (events.closed, alice), ==, 1);
  g_assert_cmpuint (count_of (events.closed, bob), ==, 1);
  g_assert_cmpuint (events.closed_with_error, ==, 0);
  g_assert_cmpint (xmpp_account_get_reconnect_state (alice), ==, XMPP_RECONNECT_STATE_IDLE);
  g_assert_cmpint (xmpp_account_get_reconnect_state (bob), ==, XMPP_RECONNECT_STATE_IDLE);

  message = xmpp_message_new (XMPP_MESSAGE_TYPE_CHAT, carol_jid, "nobody online");
  g_assert_false (xmpp_client_send_message (client, message, &error));
  g_assert_error (error, XMPP_CLIENT_ERROR, XMPP_CLIENT_ERROR_NOT_ONLINE);

  g_signal_handlers_disconnect_by_data (client, &events);
  g_ptr_array_unref (events.ready);
  g_ptr_array_unref (events.closed);
  g_clear_object (&events.message);
  g_clear_object (&events.message_account);
  g_clear_object (&events.presence_account);
  g_clear_object (&events.presence_contact);
}

/* ------------------------------------------------------------------ */
/* Accounts without a password */

static gboolean
give_password (XmppConnection *connection,
               gpointer        user_data)
{
  xmpp_connection_set_password (connection, user_data);
  return TRUE;
}

static void
test_no_password (gconstpointer data)
{
  Server *server = (Server *) data;
  g_autoptr(XmppClient) client = xmpp_client_new ();
  g_autoptr(XmppJid) anonymous_jid = xmpp_jid_new (server->anon_domain, NULL);
  g_autoptr(XmppJid) bob_jid = account_jid (server, "bob");
  g_autoptr(XmppMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  XmppConnection *anonymous_connection;
  XmppConnection *bob_connection;
  XmppAccount *anonymous;
  XmppAccount *bob;
  XmppJid *bound;
  Events events = { 0 };
  Policy policy = { 0 };

  g_test_summary ("Accounts added without a password: an address without a localpart logs "
                  "in anonymously, and what it receives comes out of the client with its "
                  "account; one that nobody gives a password gives up with NO_PASSWORD, "
                  "and logs in once ::password-needed answers and retry_now asks again.");

  events.ready = g_ptr_array_new_with_free_func (g_object_unref);
  g_signal_connect (client, "account-ready", G_CALLBACK (on_account_ready), &events);
  g_signal_connect (client, "message-received", G_CALLBACK (on_message_received), &events);

  anonymous = xmpp_client_add_account (client, anonymous_jid, NULL, &error);
  g_assert_no_error (error);
  anonymous_connection = XMPP_CONNECTION (xmpp_account_get_connection (anonymous));
  server_configure (server, anonymous_connection);
  bob = xmpp_client_add_account (client, bob_jid, NULL, &error);
  g_assert_no_error (error);
  bob_connection = XMPP_CONNECTION (xmpp_account_get_connection (bob));
  server_configure (server, bob_connection);
  xmpp_connection_set_resource (bob_connection, "no-password");
  policy_watch (&policy, bob);

  /* Online, rather than ready: ejabberd does not answer the roster
   * request of an anonymous account, which gets the session after the IQ
   * timeout. */
  xmpp_client_start (client);
  WAIT_UNTIL (xmpp_account_get_reconnect_state (anonymous) == XMPP_RECONNECT_STATE_ONLINE &&
              policy.gave_up != NULL);
  g_assert_cmpstr (xmpp_connection_get_used_mechanism (anonymous_connection), ==, "ANONYMOUS");
  bound = xmpp_connection_get_bound_jid (anonymous_connection);
  g_assert_nonnull (xmpp_jid_get_localpart (bound));
  g_assert_true (xmpp_client_lookup_account (client, anonymous_jid) == anonymous);
  g_assert_error (policy.gave_up, XMPP_SASL_ERROR, XMPP_SASL_ERROR_NO_PASSWORD);
  g_assert_cmpint (xmpp_account_get_reconnect_state (bob), ==, XMPP_RECONNECT_STATE_GAVE_UP);
  g_assert_cmpuint (policy.attempts, ==, 1);

  g_signal_connect (bob_connection, "password-needed", G_CALLBACK (give_password), "bobpass");
  xmpp_account_retry_now (bob);
  WAIT_UNTIL (count_of (events.ready, bob) == 1);
  g_assert_cmpuint (xmpp_account_get_retry_count (bob), ==, 0);

  message = xmpp_message_new (XMPP_MESSAGE_TYPE_CHAT, bound, "to the anonymous account");
  g_assert_true (xmpp_im_connection_send_message (XMPP_IM_CONNECTION (bob_connection), message));
  WAIT_UNTIL (events.message != NULL);
  g_assert_true (events.message_account == anonymous);
  g_assert_true (xmpp_jid_equal_bare (xmpp_message_get_from (events.message), bob_jid));

  stop_sync (client);
  policy_clear (&policy, bob);
  g_signal_handlers_disconnect_by_data (client, &events);
  g_ptr_array_unref (events.ready);
  g_clear_object (&events.message);
  g_clear_object (&events.message_account);
}

/* ------------------------------------------------------------------ */
/* What ends the retries */

/* An account with delays short enough that a few would run out while
 * the test watches. */
static XmppAccount *
add_quick_account (XmppClient *client,
                   Server     *server,
                   const char *user,
                   const char *password,
                   const char *resource)
{
  XmppAccount *account = add_account (client, server, user, password, resource);

  xmpp_account_set_initial_retry_delay (account, 50);
  xmpp_account_set_max_retry_delay (account, 200);
  return account;
}

static void
test_wrong_password (gconstpointer data)
{
  Server *server = (Server *) data;
  g_autoptr(XmppClient) client = xmpp_client_new ();
  XmppAccount *account = add_quick_account (client, server, "alice", "not-alicepass", "wrong");
  Policy policy = { 0 };

  g_test_summary ("A wrong password is tried once: the account gives up with the SASL "
                  "error and schedules no reconnection, while delays of 50-200 ms would "
                  "have run out several times; retry_now tries once more.");

  policy_watch (&policy, account);
  xmpp_client_start (client);
  WAIT_UNTIL (policy.gave_up != NULL);
  iterate_for (1000);

  g_test_message ("gave up with: %s", policy.gave_up->message);
  g_assert_error (policy.gave_up, XMPP_SASL_ERROR, XMPP_SASL_ERROR_NOT_AUTHORIZED);
  g_assert_cmpuint (policy.attempts, ==, 1);
  g_assert_cmpuint (policy.delays->len, ==, 0);
  g_assert_cmpuint (policy.n_gave_up, ==, 1);
  g_assert_cmpint (xmpp_account_get_reconnect_state (account), ==, XMPP_RECONNECT_STATE_GAVE_UP);
  g_assert_cmpint (xmpp_account_get_next_retry (account), ==, 0);
  g_assert_error ((GError *) xmpp_account_get_last_error (account), XMPP_SASL_ERROR,
                  XMPP_SASL_ERROR_NOT_AUTHORIZED);

  xmpp_account_retry_now (account);
  WAIT_UNTIL (policy.n_gave_up == 2);
  g_assert_cmpuint (policy.attempts, ==, 2);
  g_assert_cmpuint (policy.delays->len, ==, 0);

  stop_sync (client);
  g_assert_cmpint (xmpp_account_get_reconnect_state (account), ==, XMPP_RECONNECT_STATE_IDLE);
  policy_clear (&policy, account);
}

static void
test_conflict (gconstpointer data)
{
  Server *server = (Server *) data;
  g_autoptr(XmppClient) client = xmpp_client_new ();
  XmppAccount *account = add_quick_account (client, server, "alice", NULL, "twin");
  g_autoptr(XmppImConnection) intruder = NULL;
  g_autoptr(GError) error = NULL;
  Policy policy = { 0 };

  g_test_summary ("Another client logs in with the same full address: the server throws "
                  "the account out with a conflict stream error, and the account gives up "
                  "instead of throwing the other client out in turn.");

  policy_watch (&policy, account);
  xmpp_client_start (client);
  WAIT_UNTIL (xmpp_account_get_reconnect_state (account) == XMPP_RECONNECT_STATE_ONLINE);

  intruder = server_new_connection (server, XMPP_TYPE_IM_CONNECTION, "alice", "alicepass", TRUE);
  xmpp_connection_set_resource (XMPP_CONNECTION (intruder), "twin");
  g_assert_true (connect_sync (XMPP_CONNECTION (intruder), &error));
  g_assert_no_error (error);
  WAIT_UNTIL (policy.gave_up != NULL);
  iterate_for (1000);

  g_test_message ("%s threw the first session out with: %s", server->name, policy.gave_up->message);
  g_assert_error (policy.gave_up, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_CONFLICT);
  g_assert_cmpstr (xmpp_jid_get_resourcepart (xmpp_connection_get_bound_jid (XMPP_CONNECTION (intruder))), ==, "twin");
  g_assert_cmpuint (policy.attempts, ==, 1);
  g_assert_cmpuint (policy.delays->len, ==, 0);
  g_assert_cmpint (xmpp_account_get_reconnect_state (account), ==, XMPP_RECONNECT_STATE_GAVE_UP);
  g_assert_cmpint (xmpp_connection_get_state (XMPP_CONNECTION (intruder)), ==, XMPP_CONNECTION_STATE_READY);

  close_sync (XMPP_CONNECTION (intruder));
  stop_sync (client);
  policy_clear (&policy, account);
}

/* ------------------------------------------------------------------ */
/* A server killed (a run of its own: the server stays dead) */

static void
test_server_killed (gconstpointer data)
{
  Server *server = (Server *) data;
  g_autoptr(XmppClient) client = xmpp_client_new ();
  XmppAccount *account = add_account (client, server, "alice", NULL, "killed");
  Policy policy = { 0 };
  const GError *last_error;

  g_test_summary ("The server process is killed under an online account: reconnections "
                  "are scheduled with growing delays, each attempt refused, and the state "
                  "shows it.");

  g_assert_cmpint (server->pid, >, 0);
  xmpp_account_set_initial_retry_delay (account, 100);
  xmpp_account_set_max_retry_delay (account, 10000);
  policy_watch (&policy, account);
  xmpp_client_start (client);
  WAIT_UNTIL (xmpp_account_get_reconnect_state (account) == XMPP_RECONNECT_STATE_ONLINE);
  g_assert_cmpuint (policy.attempts, ==, 1);

  /* The test harness started this server for this run; it is ended here. */
  g_assert_cmpint (kill (server->pid, SIGKILL), ==, 0);
  WAIT_UNTIL (policy.delays->len == 5);

  for (guint i = 0; i < policy.delays->len; i++)
    {
      guint delay = g_array_index (policy.delays, guint, i);
      guint base = 100 << i;

      g_test_message ("reconnection %u in %u ms", i + 1, delay);
      g_assert_cmpuint (delay, >=, base * 3 / 4);
      g_assert_cmpuint (delay, <=, base * 5 / 4);
      if (i > 0)
        g_assert_cmpuint (delay, >, g_array_index (policy.delays, guint, i - 1));
    }
  g_assert_cmpuint (policy.attempts, ==, 5);
  g_assert_cmpuint (xmpp_account_get_retry_count (account), ==, 5);
  g_assert_cmpint (xmpp_account_get_reconnect_state (account), ==, XMPP_RECONNECT_STATE_WAITING);
  g_assert_cmpint (xmpp_account_get_next_retry (account), >, g_get_monotonic_time ());
  last_error = xmpp_account_get_last_error (account);
  g_assert_nonnull (last_error);
  g_test_message ("last error: %s", last_error->message);
  g_assert_true (last_error->domain == G_IO_ERROR);
  g_assert_null (policy.gave_up);

  /* Stopping drops the reconnection that was waiting. */
  stop_sync (client);
  g_assert_cmpint (xmpp_account_get_reconnect_state (account), ==, XMPP_RECONNECT_STATE_IDLE);
  g_assert_cmpint (xmpp_account_get_next_retry (account), ==, 0);
  iterate_for (500);
  g_assert_cmpuint (policy.attempts, ==, 5);
  policy_clear (&policy, account);
}

/* ------------------------------------------------------------------ */
/* A thousand accounts (a run of its own, Prosody only) */

/* VmRSS of this process, in KiB. */
static guint64
resident_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  line = strstr (status, "VmRSS:");
  g_assert_nonnull (line);
  return g_ascii_strtoull (line + strlen ("VmRSS:"), NULL, 10);
}

/* The folder of the server, from its ports.env. */
static char *
server_dir (Server *server)
{
  const char *path = g_getenv (g_str_equal (server->name, "prosody") ? "XMPP_PROSODY_ENV" : "XMPP_EJABBERD_ENV");
  g_autofree char *dir = NULL;

  g_assert_nonnull (path);
  dir = g_path_get_dirname (path);
  return g_steal_pointer (&dir);
}

/* Makes the accounts userNNNN/passNNNN the way the test Prosody stores
 * its own (internal_plain: one Lua file each, read at each login), which
 * takes milliseconds where in-band registration would take a connection
 * each. */
static void
create_prosody_accounts (Server *server,
                         guint   n)
{
  g_autofree char *dir = server_dir (server);
  g_autofree char *accounts = g_build_filename (dir, "data", server->domain, "accounts", NULL);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("user%04u.dat", i);
      g_autofree char *path = g_build_filename (accounts, name, NULL);
      g_autofree char *contents = g_strdup_printf ("return {\n\t[\"password\"] = \"pass%04u\";\n};\n", i);
      g_autoptr(GError) error = NULL;

      g_assert_true (g_file_set_contents (path, contents, -1, &error));
      g_assert_no_error (error);
    }
}

typedef struct
{
  guint ready;
  guint scheduled;
  gint64 start;
} Many;

static void
on_many_ready (XmppClient  *client,
               XmppAccount *account,
               gpointer     user_data)
{
  Many *many = user_data;

  if (++many->ready % 100 == 0)
    g_test_message ("%u online after %.2f s", many->ready,
                    (g_get_monotonic_time () - many->start) / (double) G_USEC_PER_SEC);
}

static gboolean
all_ready (gpointer data)
{
  Many *many = data;

  return many->ready == MANY_ACCOUNTS;
}

static void
on_many_scheduled (XmppAccount *account,
                   guint        delay,
                   gpointer     user_data)
{
  Many *many = user_data;

  many->scheduled++;
  g_test_message ("%s: %s; reconnecting in %u ms", xmpp_jid_to_string (xmpp_account_get_jid (account)),
                  xmpp_account_get_last_error (account)->message, delay);
}

static void
test_many_accounts (gconstpointer data)
{
  Server *server = (Server *) data;
  g_autoptr(XmppClient) client = xmpp_client_new ();
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppJid) first_jid = NULL;
  g_autoptr(XmppMessage) message = NULL;
  Many many = { 0 };
  guint64 rss_before, rss_after;
  gint64 start, logged_in;

  g_test_summary ("A thousand accounts in one client, in one process, log in to the "
                  "local Prosody; the test reports how long it took and the memory.");

  /* One process holds a thousand sockets, and more while they connect. */
  {
    struct rlimit limit;

    g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &limit), ==, 0);
    limit.rlim_cur = limit.rlim_max;
    g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &limit), ==, 0);
    g_assert_cmpuint (limit.rlim_cur, >, MANY_ACCOUNTS + 100);
  }
  create_prosody_accounts (server, MANY_ACCOUNTS);
  database = g_tls_file_database_new (server->ca_file, &error);
  g_assert_no_error (error);

  rss_before = resident_kib ();
  for (guint i = 0; i < MANY_ACCOUNTS; i++)
    {
      g_autofree char *address = g_strdup_printf ("user%04u@%s", i, server->domain);
      g_autofree char *password = g_strdup_printf ("pass%04u", i);
      g_autoptr(XmppJid) jid = xmpp_jid_new (address, NULL);
      XmppAccount *account = xmpp_client_add_account (client, jid, password, &error);
      XmppConnection *connection;

      g_assert_no_error (error);
      connection = XMPP_CONNECTION (xmpp_account_get_connection (account));
      xmpp_connection_set_host (connection, server->host);
      xmpp_connection_set_port (connection, server->c2s_port);
      xmpp_connection_set_tls_database (connection, database);
      xmpp_connection_set_resource (connection, "many");
      g_signal_connect (account, "reconnect-scheduled", G_CALLBACK (on_many_scheduled), &many);
    }
  g_signal_connect (client, "account-ready", G_CALLBACK (on_many_ready), &many);

  start = many.start = g_get_monotonic_time ();
  xmpp_client_start (client);
  /* Sanitizer builds take minutes. */
  wait_for (all_ready, &many, 240);
  logged_in = g_get_monotonic_time ();
  rss_after = resident_kib ();

  g_test_message ("%u accounts logged in to %s in %.2f s (%u reconnections on the way)",
                  MANY_ACCOUNTS, server->name, (logged_in - start) / (double) G_USEC_PER_SEC, many.scheduled);
  g_test_message ("VmRSS: %" G_GUINT64_FORMAT " KiB before, %" G_GUINT64_FORMAT " KiB with every "
                  "account online: %.1f KiB per account", rss_before, rss_after,
                  (double) (rss_after - rss_before) / MANY_ACCOUNTS);

  /* The client can still send. */
  first_jid = account_jid (server, "user0000");
  message = xmpp_message_new (XMPP_MESSAGE_TYPE_CHAT, first_jid, "one of a thousand");
  g_assert_true (xmpp_client_send_message (client, message, &error));
  g_assert_no_error (error);

  start = g_get_monotonic_time ();
  stop_sync (client);
  g_test_message ("stopped in %.2f s", (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
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
        { "accounts", test_accounts },
        { "wrong-password", test_wrong_password },
        { "conflict", test_conflict },
        { "no-password", test_no_password },
      };

      if (g_getenv ("XMPP_TEST_MANY") != NULL)
        {
          /* Prosody only: its accounts are files this test can write. */
          if (g_str_equal (server->name, "prosody"))
            {
              if (!server_load (server))
                g_error ("No prosody server: run this test through tests/servers/with-servers");
              g_test_add_data_func ("/client/prosody/many-accounts", server, test_many_accounts);
            }
          continue;
        }

      if (!server_load (server))
        g_error ("No %s server: run this test through tests/servers/with-servers", server->name);

      /* Killing the servers ends them for everything after, so it is a
       * run of its own. */
      if (g_getenv ("XMPP_TEST_KILL") != NULL)
        {
          g_autofree char *path = g_strdup_printf ("/client/%s/server-killed", server->name);

          g_test_add_data_func (path, server, test_server_killed);
          continue;
        }

      for (guint t = 0; t < G_N_ELEMENTS (tests); t++)
        {
          g_autofree char *path = g_strdup_printf ("/client/%s/%s", server->name, tests[t].name);

          g_test_add_data_func (path, server, tests[t].func);
        }
    }

  return g_test_run ();
}
