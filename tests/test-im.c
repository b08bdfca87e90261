/* test-im.c: XmppImConnection (roster, presence, subscriptions,
 * messages) against real Prosody and ejabberd servers, with alice, bob
 * and carol, each test with accounts of its own where state would leak.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>
#include "server-env.h"

#define WAIT_SECONDS 20

static Server servers[2] = { { .name = "prosody" }, { .name = "ejabberd" } };

static gboolean
is_session_ready (gpointer data)
{
  return xmpp_im_connection_is_session_ready (data);
}

static XmppImConnection *
im_connect (Server     *server,
            const char *user,
            const char *resource)
{
  g_autofree char *password = g_strconcat (user, "pass", NULL);
  XmppImConnection *connection = server_new_connection (server, XMPP_TYPE_IM_CONNECTION,
                                                        user, password, TRUE);
  g_autoptr(GError) error = NULL;

  xmpp_connection_set_resource (XMPP_CONNECTION (connection), resource);
  g_assert_true (connect_sync (XMPP_CONNECTION (connection), &error));
  g_assert_no_error (error);
  wait_for (is_session_ready, connection, WAIT_SECONDS);
  return connection;
}

static XmppJid *
account_jid (Server     *server,
             const char *user)
{
  g_autofree char *address = g_strdup_printf ("%s@%s", user, server->domain);

  return xmpp_jid_new (address, NULL);
}

static void
add_contact_sync (XmppRoster         *roster,
                  XmppJid            *jid,
                  const char         *name,
                  const char * const *groups)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  xmpp_roster_add_contact_async (roster, jid, name, groups, NULL, on_async_done, &result);
  WAIT_UNTIL (result != NULL);
  g_assert_true (xmpp_roster_add_contact_finish (roster, result, &error));
  g_assert_no_error (error);
}

static void
remove_contact_sync (XmppRoster *roster,
                     XmppJid    *jid)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  xmpp_roster_remove_contact_async (roster, jid, NULL, on_async_done, &result);
  WAIT_UNTIL (result != NULL);
  g_assert_true (xmpp_roster_remove_contact_finish (roster, result, &error));
  g_assert_no_error (error);
}

typedef struct
{
  XmppRoster *roster;
  XmppJid *jid;
  gboolean present;
} RosterWait;

static gboolean
roster_has (gpointer data)
{
  RosterWait *wait = data;

  return (xmpp_roster_lookup (wait->roster, wait->jid) != NULL) == wait->present;
}

static void
wait_roster_has (XmppRoster *roster,
                 XmppJid    *jid,
                 gboolean    present)
{
  RosterWait wait = { roster, jid, present };

  wait_for (roster_has, &wait, WAIT_SECONDS);
}

/* Empties @connection's roster, so that a test starts from nothing. */
static void
clear_roster (XmppImConnection *connection)
{
  XmppRoster *roster = xmpp_im_connection_get_roster (connection);

  while (g_list_model_get_n_items (G_LIST_MODEL (roster)) > 0)
    {
      g_autoptr(XmppContact) contact = g_list_model_get_item (G_LIST_MODEL (roster), 0);
      g_autoptr(XmppJid) jid = xmpp_jid_ref (xmpp_contact_get_jid (contact));

      remove_contact_sync (roster, jid);
      wait_roster_has (roster, jid, FALSE);
    }
}

/* A GTK list view's view of a model: a copy kept up to date from
 * items-changed alone, checked against the model after each emission. */
typedef struct
{
  GPtrArray *shadow;
  guint emissions;
  guint added;
  guint removed;
} ListObserver;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    user_data)
{
  ListObserver *observer = user_data;

  g_assert_cmpuint (position + removed, <=, observer->shadow->len);
  g_ptr_array_remove_range (observer->shadow, position, removed);
  for (guint i = 0; i < added; i++)
    g_ptr_array_insert (observer->shadow, position + i, g_list_model_get_item (model, position + i));

  g_assert_cmpuint (observer->shadow->len, ==, g_list_model_get_n_items (model));
  for (guint i = 0; i < observer->shadow->len; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      g_assert_true (item == g_ptr_array_index (observer->shadow, i));
    }
  observer->emissions++;
  observer->added += added;
  observer->removed += removed;
}

static void
list_observer_init (ListObserver *observer,
                    GListModel   *model)
{
  observer->shadow = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    g_ptr_array_add (observer->shadow, g_list_model_get_item (model, i));
  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), observer);
}

static void
list_observer_clear (ListObserver *observer,
                     GListModel   *model)
{
  g_signal_handlers_disconnect_by_data (model, observer);
  g_clear_pointer (&observer->shadow, g_ptr_array_unref);
}

typedef struct
{
  XmppContact *contact;
  const char *name;
  const char *group;    /* the only group, or NULL for none */
} ContactWait;

static gboolean
contact_matches (gpointer data)
{
  ContactWait *wait = data;
  const char *const *groups = xmpp_contact_get_groups (wait->contact);

  if (g_strcmp0 (xmpp_contact_get_name (wait->contact), wait->name) != 0)
    return FALSE;
  if (wait->group == NULL)
    return groups == NULL || groups[0] == NULL;
  return groups != NULL && g_strcmp0 (groups[0], wait->group) == 0 && groups[1] == NULL;
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  (*(guint *) user_data)++;
}

static void
test_roster_pushes (gconstpointer data)
{
  Server *server = (Server *) data;
  g_autoptr(XmppImConnection) alice1 = im_connect (server, "alice", "one");
  g_autoptr(XmppImConnection) alice2 = NULL;
  g_autoptr(XmppJid) carol = account_jid (server, "carol");
  g_autoptr(XmppJid) bob = account_jid (server, "bob");
  XmppRoster *roster1 = xmpp_im_connection_get_roster (alice1);
  XmppRoster *roster2;
  ListObserver observer = { 0 };
  XmppContact *contact;
  guint name_notified = 0;

  g_test_summary ("Roster add, rename, group change and removal by one resource are seen "
                  "by the account's second resource through pushes, with items-changed "
                  "positions a list view can follow.");

  clear_roster (alice1);
  alice2 = im_connect (server, "alice", "two");
  roster2 = xmpp_im_connection_get_roster (alice2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (roster2)), ==, 0);
  list_observer_init (&observer, G_LIST_MODEL (roster2));

  /* Add carol, then bob, who sorts before her. */
  {
    const char *groups[] = { "Friends", NULL };

    add_contact_sync (roster1, carol, "Carol", groups);
    wait_roster_has (roster2, carol, TRUE);
    add_contact_sync (roster1, bob, NULL, NULL);
    wait_roster_has (roster2, bob, TRUE);
  }
  g_assert_cmpuint (observer.added, ==, 2);
  contact = xmpp_roster_lookup (roster2, carol);
  {
    ContactWait wait = { contact, "Carol", "Friends" };

    wait_for (contact_matches, &wait, WAIT_SECONDS);
  }
  g_assert_cmpint (xmpp_contact_get_subscription (contact), ==, XMPP_SUBSCRIPTION_NONE);

  /* A rename changes the contact, not the list. */
  g_signal_connect (contact, "notify::name", G_CALLBACK (count_notify), &name_notified);
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GError) error = NULL;
    guint emissions = observer.emissions;
    ContactWait wait = { contact, "Caroline", "Friends" };

    xmpp_roster_rename_contact_async (roster1, carol, "Caroline", NULL, on_async_done, &result);
    WAIT_UNTIL (result != NULL);
    g_assert_true (xmpp_roster_rename_contact_finish (roster1, result, &error));
    g_assert_no_error (error);
    wait_for (contact_matches, &wait, WAIT_SECONDS);
    g_assert_cmpuint (observer.emissions, ==, emissions);
    g_assert_cmpuint (name_notified, ==, 1);
  }

  /* Groups change, the name stays. */
  {
    const char *groups[] = { "Family", NULL };
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GError) error = NULL;
    ContactWait wait = { contact, "Caroline", "Family" };

    xmpp_roster_set_contact_groups_async (roster1, carol, groups, NULL, on_async_done, &result);
    WAIT_UNTIL (result != NULL);
    g_assert_true (xmpp_roster_set_contact_groups_finish (roster1, result, &error));
    g_assert_no_error (error);
    wait_for (contact_matches, &wait, WAIT_SECONDS);
  }
  g_signal_handlers_disconnect_by_data (contact, &name_notified);

  /* Removal. */
  remove_contact_sync (roster1, carol);
  wait_roster_has (roster2, carol, FALSE);
  g_assert_cmpuint (observer.removed, ==, 1);
  g_assert_nonnull (xmpp_roster_lookup (roster2, bob));

  list_observer_clear (&observer, G_LIST_MODEL (roster2));
  clear_roster (alice1);
  close_sync (XMPP_CONNECTION (alice2));
  close_sync (XMPP_CONNECTION (alice1));
}

/* Subscriptions */

typedef struct
{
  XmppJid *jid;
  char *status;
  guint count;
} Received;

static void
on_received (XmppImConnection *connection,
             XmppJid          *jid,
             const char       *status,
             gpointer          user_data)
{
  Received *received = user_data;

  g_clear_pointer (&received->jid, xmpp_jid_unref);
  g_free (received->status);
  received->jid = xmpp_jid_ref (jid);
  received->status = g_strdup (status);
  received->count++;
}

static void
received_clear (Received *received)
{
  g_clear_pointer (&received->jid, xmpp_jid_unref);
  g_clear_pointer (&received->status, g_free);
  received->count = 0;
}

typedef struct
{
  XmppRoster *roster;
  XmppJid *jid;
  XmppSubscription subscription;
  gboolean ask;
} SubscriptionWait;

static gboolean
subscription_is (gpointer data)
{
  SubscriptionWait *wait = data;
  XmppContact *contact = xmpp_roster_lookup (wait->roster, wait->jid);

  return contact != NULL && xmpp_contact_get_subscription (contact) == wait->subscription &&
         xmpp_contact_get_ask (contact) == wait->ask;
}

static void
wait_subscription (XmppImConnection *connection,
                   XmppJid          *jid,
                   XmppSubscription  subscription,
                   gboolean          ask)
{
  SubscriptionWait wait = { xmpp_im_connection_get_roster (connection), jid, subscription, ask };

  wait_for (subscription_is, &wait, WAIT_SECONDS);
}

/* @watcher asks @target, who approves: @watcher then sees @target's
 * presence. */
static void
subscribe_and_approve (XmppImConnection *watcher,
                       XmppImConnection *target)
{
  XmppJid *watcher_jid = xmpp_contact_get_jid (xmpp_im_connection_get_own_contact (watcher));
  XmppJid *target_jid = xmpp_contact_get_jid (xmpp_im_connection_get_own_contact (target));
  Received asked = { 0 };
  Received approved = { 0 };
  gulong asked_id = g_signal_connect (target, "subscribe-received", G_CALLBACK (on_received), &asked);
  gulong approved_id = g_signal_connect (watcher, "subscribed-received", G_CALLBACK (on_received), &approved);

  g_assert_true (xmpp_im_connection_subscribe (watcher, target_jid, "Let me see"));
  WAIT_UNTIL (asked.count == 1);
  g_assert_true (xmpp_jid_equal (asked.jid, watcher_jid));
  g_assert_cmpstr (asked.status, ==, "Let me see");
  g_assert_true (xmpp_im_connection_approve_subscription (target, asked.jid));
  WAIT_UNTIL (approved.count == 1);
  g_assert_true (xmpp_jid_equal (approved.jid, target_jid));

  g_signal_handler_disconnect (target, asked_id);
  g_signal_handler_disconnect (watcher, approved_id);
  received_clear (&asked);
  received_clear (&approved);
}

static void
test_subscriptions (gconstpointer data)
{
  Server *server = (Server *) data;
  g_autoptr(XmppImConnection) alice = im_connect (server, "alice", "subs");
  g_autoptr(XmppImConnection) bob = im_connect (server, "bob", "subs");
  g_autoptr(XmppImConnection) carol = im_connect (server, "carol", "subs");
  g_autoptr(XmppJid) alice_jid = account_jid (server, "alice");
  g_autoptr(XmppJid) bob_jid = account_jid (server, "bob");
  g_autoptr(XmppJid) carol_jid = account_jid (server, "carol");
  g_autoptr(GError) error = NULL;
  Received denied = { 0 };
  Received asked = { 0 };
  Received approved = { 0 };

  g_test_summary ("The subscription handshake in both directions, a denial, and "
                  "pre-approval where the server supports it.");

  clear_roster (alice);
  clear_roster (bob);
  clear_roster (carol);

  /* alice → bob, then bob → alice: both. */
  subscribe_and_approve (alice, bob);
  wait_subscription (alice, bob_jid, XMPP_SUBSCRIPTION_TO, FALSE);
  wait_subscription (bob, alice_jid, XMPP_SUBSCRIPTION_FROM, FALSE);
  subscribe_and_approve (bob, alice);
  wait_subscription (alice, bob_jid, XMPP_SUBSCRIPTION_BOTH, FALSE);
  wait_subscription (bob, alice_jid, XMPP_SUBSCRIPTION_BOTH, FALSE);

  /* alice stops watching bob, then takes back bob's subscription to
   * her: none either way, and bob hears of both. */
  {
    Received ended = { 0 };
    Received cancelled = { 0 };

    g_signal_connect (bob, "unsubscribe-received", G_CALLBACK (on_received), &ended);
    g_signal_connect (bob, "unsubscribed-received", G_CALLBACK (on_received), &cancelled);
    g_assert_true (xmpp_im_connection_unsubscribe (alice, bob_jid));
    WAIT_UNTIL (ended.count == 1);
    g_assert_true (xmpp_jid_equal (ended.jid, alice_jid));
    wait_subscription (alice, bob_jid, XMPP_SUBSCRIPTION_FROM, FALSE);
    wait_subscription (bob, alice_jid, XMPP_SUBSCRIPTION_TO, FALSE);
    g_assert_true (xmpp_im_connection_cancel_subscription (alice, bob_jid));
    WAIT_UNTIL (cancelled.count == 1);
    g_assert_true (xmpp_jid_equal (cancelled.jid, alice_jid));
    wait_subscription (alice, bob_jid, XMPP_SUBSCRIPTION_NONE, FALSE);
    wait_subscription (bob, alice_jid, XMPP_SUBSCRIPTION_NONE, FALSE);
    g_signal_handlers_disconnect_by_data (bob, &ended);
    g_signal_handlers_disconnect_by_data (bob, &cancelled);
    received_clear (&ended);
    received_clear (&cancelled);
  }

  /* carol asks bob, who refuses. */
  g_signal_connect (bob, "subscribe-received", G_CALLBACK (on_received), &asked);
  g_signal_connect (carol, "unsubscribed-received", G_CALLBACK (on_received), &denied);
  g_assert_true (xmpp_im_connection_subscribe (carol, bob_jid, NULL));
  wait_subscription (carol, bob_jid, XMPP_SUBSCRIPTION_NONE, TRUE);
  WAIT_UNTIL (asked.count == 1);
  g_assert_true (xmpp_im_connection_deny_subscription (bob, asked.jid));
  WAIT_UNTIL (denied.count == 1);
  g_assert_true (xmpp_jid_equal (denied.jid, bob_jid));
  wait_subscription (carol, bob_jid, XMPP_SUBSCRIPTION_NONE, FALSE);
  g_signal_handlers_disconnect_by_data (bob, &asked);
  received_clear (&asked);

  /* alice approves carol before carol asks. */
  if (xmpp_im_connection_get_supports_preapproval (alice))
    {
      g_test_message ("%s supports pre-approval", server->name);
      g_signal_connect (alice, "subscribe-received", G_CALLBACK (on_received), &asked);
      g_signal_connect (carol, "subscribed-received", G_CALLBACK (on_received), &approved);
      g_assert_true (xmpp_im_connection_preapprove_subscription (alice, carol_jid, &error));
      g_assert_no_error (error);
      /* The server adds carol to alice's roster. RFC 6121 wants the item
       * marked approved; Prosody 0.12 leaves the mark out of the push. */
      wait_roster_has (xmpp_im_connection_get_roster (alice), carol_jid, TRUE);
      g_test_message ("approved='%s' in the push",
                      xmpp_contact_get_approved (xmpp_roster_lookup (xmpp_im_connection_get_roster (alice),
                                                                     carol_jid)) ? "true" : "false");
      g_assert_true (xmpp_im_connection_subscribe (carol, alice_jid, NULL));
      WAIT_UNTIL (approved.count == 1);
      wait_subscription (carol, alice_jid, XMPP_SUBSCRIPTION_TO, FALSE);
      /* The server answered for alice: she was not asked. */
      g_assert_cmpuint (asked.count, ==, 0);
      received_clear (&approved);
      received_clear (&asked);
    }
  else
    {
      g_test_message ("%s does not support pre-approval", server->name);
      g_assert_false (xmpp_im_connection_preapprove_subscription (alice, carol_jid, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
    }
  g_signal_handlers_disconnect_by_data (alice, &asked);
  g_signal_handlers_disconnect_by_data (carol, &approved);
  g_signal_handlers_disconnect_by_data (carol, &denied);
  received_clear (&denied);
  received_clear (&asked);
  received_clear (&approved);

  clear_roster (alice);
  clear_roster (bob);
  clear_roster (carol);
  close_sync (XMPP_CONNECTION (carol));
  close_sync (XMPP_CONNECTION (bob));
  close_sync (XMPP_CONNECTION (alice));
}

/* Presence */

typedef struct
{
  XmppContact *contact;
  guint n_resources;
  const char *best_resource;   /* NULL: no best presence */
} PresenceWait;

static gboolean
presence_is (gpointer data)
{
  PresenceWait *wait = data;
  XmppPresence *best = xmpp_contact_get_best_presence (wait->contact);

  if (g_list_model_get_n_items (xmpp_contact_get_resources (wait->contact)) != wait->n_resources)
    return FALSE;
  if (wait->best_resource == NULL)
    return best == NULL;
  return best != NULL && g_strcmp0 (xmpp_jid_get_resourcepart (xmpp_presence_get_from (best)),
                                    wait->best_resource) == 0;
}

typedef struct
{
  guint count;
  XmppContact *contact;
  XmppPresence *old;
  XmppPresence *presence;
} PresenceChanges;

static void
on_presence_changed (XmppImConnection *connection,
                     XmppContact      *contact,
                     XmppPresence     *old,
                     XmppPresence     *presence,
                     gpointer          user_data)
{
  PresenceChanges *changes = user_data;

  changes->count++;
  changes->contact = contact;
  g_set_object (&changes->old, old);
  g_set_object (&changes->presence, presence);
}

static void
presence_changes_clear (PresenceChanges *changes)
{
  g_clear_object (&changes->old);
  g_clear_object (&changes->presence);
}

static void
set_presence (XmppImConnection *connection,
              XmppPresenceShow  show,
              int               priority,
              const char       *status)
{
  g_autoptr(XmppPresence) presence = xmpp_presence_new (XMPP_PRESENCE_TYPE_AVAILABLE);

  xmpp_presence_set_show (presence, show);
  xmpp_presence_set_priority (presence, priority);
  xmpp_presence_set_status (presence, NULL, status);
  xmpp_im_connection_set_presence (connection, presence);
}

typedef struct
{
  XmppContact *contact;
  const char *resource;
  const char *status;
} StatusWait;

static gboolean
status_is (gpointer data)
{
  StatusWait *wait = data;
  XmppPresence *presence = xmpp_contact_get_presence (wait->contact, wait->resource);

  return presence != NULL && g_strcmp0 (xmpp_presence_get_status (presence, NULL), wait->status) == 0;
}

static void
test_best_presence (gconstpointer data)
{
  Server *server = (Server *) data;
  g_autoptr(XmppImConnection) alice = im_connect (server, "alice", "watch");
  g_autoptr(XmppImConnection) bob1 = im_connect (server, "bob", "desk");
  g_autoptr(XmppImConnection) bob2 = NULL;
  g_autoptr(XmppJid) bob_jid = account_jid (server, "bob");
  XmppContact *contact;
  XmppPresence *presence;
  PresenceChanges changes = { 0 };

  g_test_summary ("Two resources of bob give the right best presence and resource list; "
                  "unavailable removes one; bob's second resource sees the first.");

  clear_roster (alice);
  clear_roster (bob1);
  subscribe_and_approve (alice, bob1);
  wait_subscription (alice, bob_jid, XMPP_SUBSCRIPTION_TO, FALSE);

  g_signal_connect (alice, "presence-changed", G_CALLBACK (on_presence_changed), &changes);
  set_presence (bob1, XMPP_PRESENCE_SHOW_AWAY, 5, "At the desk");
  contact = xmpp_roster_lookup (xmpp_im_connection_get_roster (alice), bob_jid);
  {
    PresenceWait wait = { contact, 1, "desk" };

    wait_for (presence_is, &wait, WAIT_SECONDS);
  }

  bob2 = im_connect (server, "bob", "phone");
  set_presence (bob2, XMPP_PRESENCE_SHOW_DND, 10, "Busy");
  {
    PresenceWait wait = { contact, 2, "phone" };

    wait_for (presence_is, &wait, WAIT_SECONDS);
  }
  presence = xmpp_contact_get_best_presence (contact);
  g_assert_cmpint (xmpp_presence_get_show (presence), ==, XMPP_PRESENCE_SHOW_DND);
  g_assert_cmpint (xmpp_presence_get_priority (presence), ==, 10);
  g_assert_cmpstr (xmpp_presence_get_status (presence, NULL), ==, "Busy");
  g_assert_nonnull (xmpp_contact_get_presence (contact, "desk"));

  /* bob's resources see each other, not themselves. */
  {
    PresenceWait wait = { xmpp_im_connection_get_own_contact (bob2), 1, "desk" };

    wait_for (presence_is, &wait, WAIT_SECONDS);
  }

  /* The phone goes offline: the desk is the best again. */
  close_sync (XMPP_CONNECTION (bob2));
  {
    PresenceWait wait = { contact, 1, "desk" };

    wait_for (presence_is, &wait, WAIT_SECONDS);
  }
  g_assert_null (xmpp_contact_get_presence (contact, "phone"));
  /* The last change seen: the phone's DND presence, then unavailable. */
  g_assert_true (changes.contact == contact);
  g_assert_nonnull (changes.old);
  g_assert_cmpint (xmpp_presence_get_show (changes.old), ==, XMPP_PRESENCE_SHOW_DND);
  g_assert_cmpint (xmpp_presence_get_presence_type (changes.presence), ==, XMPP_PRESENCE_TYPE_UNAVAILABLE);
  g_assert_cmpuint (changes.count, >=, 3);

  /* The same presence object, changed and set again, is sent again. */
  {
    XmppPresence *mine = xmpp_im_connection_get_presence (bob1);
    StatusWait wait = { contact, "desk", "Back at the desk" };

    xmpp_presence_set_status (mine, NULL, "Back at the desk");
    xmpp_im_connection_set_presence (bob1, mine);
    wait_for (status_is, &wait, WAIT_SECONDS);
  }

  /* Unavailable while connected. */
  xmpp_im_connection_set_presence (bob1, NULL);
  {
    PresenceWait wait = { contact, 0, NULL };

    wait_for (presence_is, &wait, WAIT_SECONDS);
  }

  g_signal_handlers_disconnect_by_data (alice, &changes);
  presence_changes_clear (&changes);
  clear_roster (alice);
  clear_roster (bob1);
  close_sync (XMPP_CONNECTION (bob1));
  close_sync (XMPP_CONNECTION (alice));
}

/* Messages */

static void
on_message_received (XmppImConnection *connection,
                     XmppMessage      *message,
                     gpointer          user_data)
{
  XmppMessage **out = user_data;

  if (*out == NULL)
    *out = g_object_ref (message);
}

static void
on_directed_presence (XmppConnection *connection,
                      XmppStanza     *stanza,
                      gpointer        user_data)
{
  XmppStanza **out = user_data;
  g_autoptr(XmppPresence) presence = xmpp_presence_new_from_stanza (stanza);

  if (*out == NULL && presence != NULL &&
      g_strcmp0 (xmpp_presence_get_status (presence, NULL), "Just for you") == 0)
    *out = xmpp_stanza_ref (stanza);
}

static void
test_message_intact (gconstpointer data)
{
  Server *server = (Server *) data;
  g_autoptr(XmppImConnection) alice = im_connect (server, "alice", "talk");
  g_autoptr(XmppImConnection) bob = im_connect (server, "bob", "talk");
  g_autoptr(XmppMessage) message = NULL;
  g_autoptr(XmppMessage) received = NULL;
  g_autoptr(XmppMessage) reply = NULL;
  g_autoptr(XmppMessage) reply_received = NULL;
  g_auto(GStrv) languages = NULL;

  g_test_summary ("A message with bodies in two languages, a subject and a thread arrives "
                  "intact; its reply keeps the thread. Directed presence arrives.");

  message = xmpp_message_new (XMPP_MESSAGE_TYPE_CHAT, xmpp_connection_get_bound_jid (XMPP_CONNECTION (bob)),
                              "Good morning");
  xmpp_message_set_body (message, "de", "Guten Morgen");
  xmpp_message_set_subject (message, NULL, "Greetings");
  xmpp_message_set_thread (message, "thread-1", "parent-0");

  g_signal_connect (bob, "message-received", G_CALLBACK (on_message_received), &received);
  g_assert_true (xmpp_im_connection_send_message (alice, message));
  WAIT_UNTIL (received != NULL);

  g_assert_cmpint (xmpp_message_get_message_type (received), ==, XMPP_MESSAGE_TYPE_CHAT);
  g_assert_true (xmpp_jid_equal (xmpp_message_get_from (received),
                                 xmpp_connection_get_bound_jid (XMPP_CONNECTION (alice))));
  g_assert_cmpstr (xmpp_message_get_body (received, NULL), ==, "Good morning");
  g_assert_cmpstr (xmpp_message_get_body (received, "de"), ==, "Guten Morgen");
  languages = xmpp_message_get_body_languages (received);
  g_assert_cmpuint (g_strv_length (languages), ==, 2);
  g_assert_cmpstr (xmpp_message_get_subject (received, NULL), ==, "Greetings");
  g_assert_cmpstr (xmpp_message_get_thread (received), ==, "thread-1");
  g_assert_cmpstr (xmpp_message_get_parent_thread (received), ==, "parent-0");
  g_assert_cmpstr (xmpp_message_get_id (received), ==, xmpp_message_get_id (message));
  g_assert_cmpstr (xmpp_message_get_origin_id (received), ==, xmpp_message_get_origin_id (message));
  g_assert_null (xmpp_message_get_delay (received));

  reply = xmpp_message_make_reply (received, "Morning!");
  g_signal_connect (alice, "message-received", G_CALLBACK (on_message_received), &reply_received);
  g_assert_true (xmpp_im_connection_send_message (bob, reply));
  WAIT_UNTIL (reply_received != NULL);
  g_assert_cmpstr (xmpp_message_get_body (reply_received, NULL), ==, "Morning!");
  g_assert_cmpstr (xmpp_message_get_thread (reply_received), ==, "thread-1");

  /* Directed presence reaches bob without any subscription. */
  {
    g_autoptr(XmppPresence) directed = xmpp_presence_new (XMPP_PRESENCE_TYPE_AVAILABLE);
    g_autoptr(XmppStanza) seen = NULL;

    xmpp_presence_set_to (directed, xmpp_connection_get_bound_jid (XMPP_CONNECTION (bob)));
    xmpp_presence_set_status (directed, NULL, "Just for you");
    g_signal_connect (bob, "presence", G_CALLBACK (on_directed_presence), &seen);
    g_assert_true (xmpp_im_connection_send_presence (alice, directed));
    WAIT_UNTIL (seen != NULL);
    g_assert_true (xmpp_jid_equal (xmpp_stanza_get_from (seen),
                                   xmpp_connection_get_bound_jid (XMPP_CONNECTION (alice))));
    g_signal_handlers_disconnect_by_data (bob, &seen);
  }

  close_sync (XMPP_CONNECTION (bob));
  close_sync (XMPP_CONNECTION (alice));
}

static void
test_offline_message (gconstpointer data)
{
  Server *server = (Server *) data;
  g_autoptr(XmppImConnection) alice = im_connect (server, "alice", "offline");
  g_autoptr(XmppImConnection) carol = NULL;
  g_autoptr(XmppJid) carol_jid = account_jid (server, "carol");
  g_autoptr(XmppMessage) message = NULL;
  g_autoptr(XmppMessage) received = NULL;
  g_autoptr(GDateTime) before = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) sent = NULL;
  GDateTime *delay;

  g_test_summary ("A message sent while the recipient was offline arrives with its "
                  "delay stamp when she comes online.");

  /* Server stamps have whole seconds. */
  sent = g_date_time_add_seconds (before, -1);
  message = xmpp_message_new (XMPP_MESSAGE_TYPE_CHAT, carol_jid, "While you were out");
  g_assert_true (xmpp_im_connection_send_message (alice, message));
  /* The message must reach the server before carol does. */
  {
    g_autoptr(XmppStanza) ping = xmpp_stanza_new (XMPP_STANZA_KIND_IQ, "get");
    g_autoptr(XmppStanza) pong = NULL;
    g_autoptr(GError) error = NULL;

    xmpp_element_add_child_new (xmpp_stanza_get_element (ping), "ping", "urn:xmpp:ping");
    pong = send_iq_sync (XMPP_CONNECTION (alice), ping, 0, &error);
    g_assert_no_error (error);
  }

  carol = server_new_connection (server, XMPP_TYPE_IM_CONNECTION, "carol", "carolpass", TRUE);
  g_signal_connect (carol, "message-received", G_CALLBACK (on_message_received), &received);
  {
    g_autoptr(GError) error = NULL;

    g_assert_true (connect_sync (XMPP_CONNECTION (carol), &error));
    g_assert_no_error (error);
  }
  WAIT_UNTIL (received != NULL);
  g_assert_cmpstr (xmpp_message_get_body (received, NULL), ==, "While you were out");
  delay = xmpp_message_get_delay (received);
  g_assert_nonnull (delay);
  g_assert_cmpint (g_date_time_compare (delay, sent), >=, 0);
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

    g_assert_cmpint (g_date_time_compare (delay, now), <=, 0);
  }

  close_sync (XMPP_CONNECTION (carol));
  close_sync (XMPP_CONNECTION (alice));
}

/* Forged pushes */

static void
test_forged_push (gconstpointer data)
{
  Server *server = (Server *) data;
  g_autoptr(XmppImConnection) alice = im_connect (server, "alice", "forged");
  g_autoptr(XmppImConnection) carol = im_connect (server, "carol", "forger");
  g_autoptr(XmppStanza) push = xmpp_stanza_new (XMPP_STANZA_KIND_IQ, "set");
  g_autoptr(XmppStanza) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppJid) mallory = xmpp_jid_new ("mallory@evil.example", NULL);
  XmppRoster *roster = xmpp_im_connection_get_roster (alice);
  guint before;
  XmppElement *item;

  g_test_summary ("A roster push from another account is ignored and refused.");

  clear_roster (alice);
  before = g_list_model_get_n_items (G_LIST_MODEL (roster));
  xmpp_stanza_set_to (push, xmpp_connection_get_bound_jid (XMPP_CONNECTION (alice)));
  item = xmpp_element_add_child_new (xmpp_element_add_child_new (xmpp_stanza_get_element (push),
                                                                 "query", "jabber:iq:roster"),
                                     "item", NULL);
  xmpp_element_set_attribute (item, "jid", "mallory@evil.example");
  xmpp_element_set_attribute (item, "name", "Trust me");

  reply = send_iq_sync (XMPP_CONNECTION (carol), push, 0, &error);
  g_assert_null (reply);
  g_assert_error (error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE);
  g_assert_null (xmpp_roster_lookup (roster, mallory));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (roster)), ==, before);

  close_sync (XMPP_CONNECTION (carol));
  close_sync (XMPP_CONNECTION (alice));
}

static void
on_message_error (XmppImConnection *connection,
                  XmppMessage      *message,
                  const GError     *error,
                  gpointer          user_data)
{
  GError **out = user_data;

  g_assert_true (xmpp_message_get_message_type (message) == XMPP_MESSAGE_TYPE_ERROR);
  if (*out == NULL)
    {
      *out = g_error_copy (error);
      g_object_set_data_full (G_OBJECT (connection), "bounced-id",
                              g_strdup (xmpp_message_get_id (message)), g_free);
    }
}

static void
test_message_error (gconstpointer data)
{
  Server *server = (Server *) data;
  g_autoptr(XmppImConnection) alice = im_connect (server, "alice", "bounce");
  g_autoptr(XmppJid) nobody = NULL;
  g_autoptr(XmppMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = g_strdup_printf ("nobody@%s", server->domain);

  g_test_summary ("A message to an account that does not exist bounces, and the bounce "
                  "comes as a GError with the id of the message sent.");

  nobody = xmpp_jid_new (address, NULL);
  message = xmpp_message_new (XMPP_MESSAGE_TYPE_CHAT, nobody, "Anybody there?");
  g_signal_connect (alice, "message-error", G_CALLBACK (on_message_error), &error);
  g_assert_true (xmpp_im_connection_send_message (alice, message));
  WAIT_UNTIL (error != NULL);
  g_assert_true (error->domain == XMPP_STANZA_ERROR);
  g_test_message ("bounced with %s", error->message);
  g_assert_cmpstr (g_object_get_data (G_OBJECT (alice), "bounced-id"), ==, xmpp_message_get_id (message));

  close_sync (XMPP_CONNECTION (alice));
}

static void
test_roster_versioning (gconstpointer data)
{
  Server *server = (Server *) data;
  g_autoptr(XmppImConnection) alice = im_connect (server, "alice", "cache");
  g_autoptr(XmppImConnection) again = NULL;
  g_autoptr(XmppJid) bob = account_jid (server, "bob");
  g_autoptr(XmppJid) carol = account_jid (server, "carol");
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = NULL;
  XmppRoster *roster = xmpp_im_connection_get_roster (alice);
  XmppRoster *cached;
  ListObserver observer = { 0 };

  g_test_summary ("A roster saved with its version and loaded into a new connection is "
                  "brought up to date by the server (RFC 6121 §2.6).");

  g_assert_nonnull (xmpp_connection_get_stream_features (XMPP_CONNECTION (alice)));
  g_assert_nonnull (xmpp_element_get_child (xmpp_connection_get_stream_features (XMPP_CONNECTION (alice)),
                                            "ver", "urn:xmpp:features:rosterver"));
  clear_roster (alice);
  add_contact_sync (roster, bob, "Bob", NULL);
  wait_roster_has (roster, bob, TRUE);
  g_assert_nonnull (xmpp_roster_get_version (roster));
  saved = xmpp_roster_save_to_string (roster);
  g_test_message ("saved roster: %s", saved);

  /* While the cache sits on disk, carol joins the roster. */
  add_contact_sync (roster, carol, NULL, NULL);
  wait_roster_has (roster, carol, TRUE);

  again = server_new_connection (server, XMPP_TYPE_IM_CONNECTION, "alice", "alicepass", TRUE);
  cached = xmpp_im_connection_get_roster (again);
  g_assert_true (xmpp_roster_load_from_string (cached, saved, &error));
  g_assert_no_error (error);
  g_assert_nonnull (xmpp_roster_lookup (cached, bob));
  g_assert_null (xmpp_roster_lookup (cached, carol));
  list_observer_init (&observer, G_LIST_MODEL (cached));
  g_assert_true (connect_sync (XMPP_CONNECTION (again), &error));
  wait_for (is_session_ready, again, WAIT_SECONDS);
  /* Either the changes since the saved version, or the whole roster. */
  wait_roster_has (cached, carol, TRUE);
  g_assert_nonnull (xmpp_roster_lookup (cached, bob));
  g_assert_cmpstr (xmpp_contact_get_name (xmpp_roster_lookup (cached, bob)), ==, "Bob");
  g_assert_cmpstr (xmpp_roster_get_version (cached), ==, xmpp_roster_get_version (roster));
  list_observer_clear (&observer, G_LIST_MODEL (cached));

  clear_roster (alice);
  close_sync (XMPP_CONNECTION (again));
  close_sync (XMPP_CONNECTION (alice));
}

/* Interoperability */

static void
on_subprocess_done (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  gboolean *done = user_data;

  g_assert_true (g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL));
  *done = TRUE;
}

static void
test_slixmpp_interop (gconstpointer data)
{
  Server *server = (Server *) data;
  const char *env_path = g_getenv (g_str_equal (server->name, "prosody") ? "XMPP_PROSODY_ENV" : "XMPP_EJABBERD_ENV");
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "slixmpp-peer.py", NULL);
  g_autoptr(XmppImConnection) alice = im_connect (server, "alice", "interop");
  g_autoptr(XmppJid) bob_jid = account_jid (server, "bob");
  g_autoptr(XmppJid) bob_full = NULL;
  g_autoptr(GSubprocess) peer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppMessage) message = NULL;
  g_autoptr(XmppMessage) echo = NULL;
  Received approved = { 0 };
  Received asked = { 0 };
  XmppContact *contact;
  XmppPresence *presence;
  gboolean done = FALSE;

  g_test_summary ("An xmpp-glib client and an independent slixmpp client exchange a "
                  "subscription in both directions, presence and messages.");

  clear_roster (alice);
  {
    g_autoptr(XmppImConnection) bob = im_connect (server, "bob", "cleanup");

    clear_roster (bob);
    close_sync (XMPP_CONNECTION (bob));
  }

  peer = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, "/usr/bin/python3", script, env_path,
                           "bob", xmpp_jid_to_string (xmpp_contact_get_jid (xmpp_im_connection_get_own_contact (alice))),
                           NULL);
  g_assert_no_error (error);
  g_subprocess_wait_async (peer, NULL, on_subprocess_done, &done);

  /* alice asks; the request waits on the server until bob is online. */
  g_signal_connect (alice, "subscribed-received", G_CALLBACK (on_received), &approved);
  g_signal_connect (alice, "subscribe-received", G_CALLBACK (on_received), &asked);
  g_assert_true (xmpp_im_connection_subscribe (alice, bob_jid, NULL));
  WAIT_UNTIL (approved.count == 1 || done);
  g_assert_false (done);
  WAIT_UNTIL (asked.count == 1 || done);
  g_assert_true (xmpp_jid_equal (asked.jid, bob_jid));
  g_assert_true (xmpp_im_connection_approve_subscription (alice, bob_jid));

  /* bob's presence, as slixmpp sent it. */
  contact = xmpp_roster_lookup (xmpp_im_connection_get_roster (alice), bob_jid);
  g_assert_nonnull (contact);
  WAIT_UNTIL (xmpp_contact_get_presence (contact, "slixmpp") != NULL || done);
  presence = xmpp_contact_get_presence (contact, "slixmpp");
  g_assert_nonnull (presence);
  g_assert_cmpint (xmpp_presence_get_priority (presence), ==, 7);
  g_assert_cmpstr (xmpp_presence_get_status (presence, NULL), ==, "slixmpp here");
  bob_full = xmpp_jid_ref (xmpp_presence_get_from (presence));

  /* A message and its echo, in the same thread. */
  g_signal_connect (alice, "message-received", G_CALLBACK (on_message_received), &echo);
  message = xmpp_message_new (XMPP_MESSAGE_TYPE_CHAT, bob_full, "hello from xmpp-glib");
  xmpp_message_set_thread (message, "interop-thread", NULL);
  g_assert_true (xmpp_im_connection_send_message (alice, message));
  WAIT_UNTIL (echo != NULL || done);
  g_assert_nonnull (echo);
  g_assert_true (xmpp_jid_equal (xmpp_message_get_from (echo), bob_full));
  g_assert_cmpstr (xmpp_message_get_body (echo, NULL), ==, "echo: hello from xmpp-glib");
  g_assert_cmpstr (xmpp_message_get_thread (echo), ==, "interop-thread");

  /* bob checks what it saw of alice, and says so in its exit status. */
  g_clear_object (&message);
  message = xmpp_message_new (XMPP_MESSAGE_TYPE_CHAT, bob_full, "bye");
  g_assert_true (xmpp_im_connection_send_message (alice, message));
  WAIT_UNTIL (done);
  g_assert_true (g_subprocess_get_if_exited (peer));
  g_assert_cmpint (g_subprocess_get_exit_status (peer), ==, 0);

  g_signal_handlers_disconnect_by_data (alice, &approved);
  g_signal_handlers_disconnect_by_data (alice, &asked);
  received_clear (&approved);
  received_clear (&asked);
  clear_roster (alice);
  close_sync (XMPP_CONNECTION (alice));
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
        { "roster-pushes", test_roster_pushes },
        { "subscriptions", test_subscriptions },
        { "best-presence", test_best_presence },
        { "message-intact", test_message_intact },
        { "offline-message", test_offline_message },
        { "forged-push", test_forged_push },
        { "message-error", test_message_error },
        { "roster-versioning", test_roster_versioning },
        { "slixmpp-interop", test_slixmpp_interop },
      };

      if (!server_load (server))
        g_error ("No %s server: run this test through tests/servers/with-servers", server->name);
      for (guint t = 0; t < G_N_ELEMENTS (tests); t++)
        {
          g_autofree char *path = g_strdup_printf ("/im/%s/%s", server->name, tests[t].name);

          g_test_add_data_func (path, server, tests[t].func);
        }
    }

  return g_test_run ();
}
