/* test-roster.c: the roster model and the presence of contacts
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "xmpp-glib/xmpp-contact-private.h"
#include "xmpp-glib/xmpp-roster-private.h"

#include <string.h>

/* ------------------------------------------------------------------ */
/* A list model observer that works like a GTK list view: it keeps its own
 * copy of the list, updated only from items-changed, and checks it
 * against the model after each emission. */

typedef struct
{
  guint position;
  guint removed;
  guint added;
} Change;

typedef struct
{
  GListModel *model;
  GPtrArray *shadow;            /* of GObject */
  GArray *changes;              /* of Change */
  gulong handler;
} Observer;

static void
observer_check (Observer *observer)
{
  guint n = g_list_model_get_n_items (observer->model);

  g_assert_cmpuint (observer->shadow->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (observer->model, i);

      g_assert_true (item == g_ptr_array_index (observer->shadow, i));
    }
  g_assert_null (g_list_model_get_item (observer->model, n));
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Observer   *observer)
{
  Change change = { position, removed, added };

  g_assert_cmpuint (removed + added, >, 0);
  g_assert_cmpuint (position + removed, <=, observer->shadow->len);
  g_ptr_array_remove_range (observer->shadow, position, removed);
  for (guint i = 0; i < added; i++)
    g_ptr_array_insert (observer->shadow, position + i, g_list_model_get_item (model, position + i));
  observer_check (observer);
  g_array_append_val (observer->changes, change);
}

static Observer *
observer_new (GListModel *model)
{
  Observer *observer = g_new0 (Observer, 1);
  guint n = g_list_model_get_n_items (model);

  observer->model = g_object_ref (model);
  observer->shadow = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (observer->shadow, g_list_model_get_item (model, i));
  observer->changes = g_array_new (FALSE, FALSE, sizeof (Change));
  observer->handler = g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), observer);
  return observer;
}

static void
observer_free (Observer *observer)
{
  g_signal_handler_disconnect (observer->model, observer->handler);
  g_object_unref (observer->model);
  g_ptr_array_unref (observer->shadow);
  g_array_unref (observer->changes);
  g_free (observer);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Observer, observer_free)

/* Checks the changes since the last call: a string such as "1,0,1 0,1,0",
 * or "" for none. */
static void
observer_assert_changes (Observer   *observer,
                         const char *expected)
{
  g_autoptr(GString) seen = g_string_new (NULL);

  for (guint i = 0; i < observer->changes->len; i++)
    {
      Change *change = &g_array_index (observer->changes, Change, i);

      g_string_append_printf (seen, "%s%u,%u,%u", i > 0 ? " " : "",
                              change->position, change->removed, change->added);
    }
  g_assert_cmpstr (seen->str, ==, expected);
  g_array_set_size (observer->changes, 0);
  observer_check (observer);
}

/* Counts the notifications of each property of an object. */
typedef struct
{
  GObject *object;
  GHashTable *counts;           /* property name → count */
  gulong handler;
} NotifyCounter;

static void
on_notify (GObject       *object,
           GParamSpec    *pspec,
           NotifyCounter *counter)
{
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (counter->counts, pspec->name));

  g_hash_table_insert (counter->counts, (gpointer) pspec->name, GUINT_TO_POINTER (count + 1));
}

static NotifyCounter *
notify_counter_new (gpointer object)
{
  NotifyCounter *counter = g_new0 (NotifyCounter, 1);

  counter->object = g_object_ref (object);
  counter->counts = g_hash_table_new (g_str_hash, g_str_equal);
  counter->handler = g_signal_connect (object, "notify", G_CALLBACK (on_notify), counter);
  return counter;
}

static void
notify_counter_free (NotifyCounter *counter)
{
  g_signal_handler_disconnect (counter->object, counter->handler);
  g_object_unref (counter->object);
  g_hash_table_unref (counter->counts);
  g_free (counter);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NotifyCounter, notify_counter_free)

/* Checks the notifications since the last call, as "groups=1 name=1" in
 * alphabetical order, or "" for none. */
static void
notify_counter_assert (NotifyCounter *counter,
                       const char    *expected)
{
  g_autoptr(GString) seen = g_string_new (NULL);
  g_autoptr(GList) names = g_list_sort (g_hash_table_get_keys (counter->counts), (GCompareFunc) strcmp);

  for (GList *l = names; l != NULL; l = l->next)
    g_string_append_printf (seen, "%s%s=%u", l != names ? " " : "", (const char *) l->data,
                            GPOINTER_TO_UINT (g_hash_table_lookup (counter->counts, l->data)));
  g_assert_cmpstr (seen->str, ==, expected);
  g_hash_table_remove_all (counter->counts);
}

/* ------------------------------------------------------------------ */
/* Helpers */

static XmppElement *
parse (const char *xml)
{
  g_autoptr(GError) error = NULL;
  XmppElement *element = xmpp_element_new_from_string (xml, -1, &error);

  g_assert_no_error (error);
  return element;
}

static XmppJid *
jid (const char *text)
{
  g_autoptr(GError) error = NULL;
  XmppJid *result = xmpp_jid_new (text, &error);

  g_assert_no_error (error);
  return result;
}

static void
replace (XmppRoster *roster,
         const char *query)
{
  g_autoptr(XmppElement) element = parse (query);

  xmpp_roster_replace (roster, element);
}

static gboolean
push (XmppRoster *roster,
      const char *query)
{
  g_autoptr(XmppElement) element = parse (query);

  return xmpp_roster_apply_push (roster, element);
}

static XmppPresence *
presence (const char *xml)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppStanza) stanza = xmpp_stanza_new_from_string (xml, -1, &error);

  g_assert_no_error (error);
  return xmpp_presence_new_from_stanza (stanza);
}

/* The bare JIDs of the roster, in order, separated by spaces. */
static char *
roster_jids (XmppRoster *roster)
{
  g_autoptr(GString) jids = g_string_new (NULL);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (roster));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(XmppContact) contact = g_list_model_get_item (G_LIST_MODEL (roster), i);

      g_string_append_printf (jids, "%s%s", i > 0 ? " " : "",
                              xmpp_jid_to_string (xmpp_contact_get_jid (contact)));
    }
  return g_string_free (g_steal_pointer (&jids), FALSE);
}

static void
assert_roster (XmppRoster *roster,
               const char *expected)
{
  g_autofree char *jids = roster_jids (roster);

  g_assert_cmpstr (jids, ==, expected);
}

static XmppContact *
lookup (XmppRoster *roster,
        const char *text)
{
  g_autoptr(XmppJid) address = jid (text);

  return xmpp_roster_lookup (roster, address);
}

static void
assert_groups (XmppContact *contact,
               const char  *expected)
{
  g_autofree char *groups = g_strjoinv ("|", (char **) xmpp_contact_get_groups (contact));

  g_assert_cmpstr (groups, ==, expected);
}

/* ------------------------------------------------------------------ */
/* Roster results and pushes */

#define ROSTER_RESULT \
  "<query xmlns='jabber:iq:roster' ver='v1'>" \
  "<item jid='romeo@example.net' name='Romeo' subscription='both'>" \
  "<group>Friends</group><group>Lovers</group><group>Friends</group><group></group></item>" \
  "<item jid='mercutio@example.com' name='Mercutio' subscription='from' approved='true'/>" \
  "<item jid='benvolio@example.net' subscription='none' ask='subscribe'/>" \
  "</query>"

static void
test_replace_from_empty (void)
{
  g_autoptr(XmppRoster) roster = xmpp_roster_new (NULL);
  g_autoptr(Observer) observer = observer_new (G_LIST_MODEL (roster));
  g_autoptr(NotifyCounter) counter = notify_counter_new (roster);
  XmppContact *romeo, *mercutio, *benvolio;
  GType item_type;
  guint n_items;

  g_test_summary ("A roster result fills an empty roster in one change, sorted by bare JID, "
                  "and gives each contact the item's data.");

  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (roster)) == XMPP_TYPE_CONTACT);
  g_object_get (roster, "item-type", &item_type, NULL);
  g_assert_true (item_type == XMPP_TYPE_CONTACT);
  g_assert_null (xmpp_roster_get_version (roster));

  replace (roster, ROSTER_RESULT);
  observer_assert_changes (observer, "0,0,3");
  notify_counter_assert (counter, "n-items=1 version=1");
  assert_roster (roster, "benvolio@example.net mercutio@example.com romeo@example.net");
  g_assert_cmpstr (xmpp_roster_get_version (roster), ==, "v1");
  g_object_get (roster, "n-items", &n_items, NULL);
  g_assert_cmpuint (n_items, ==, 3);

  romeo = lookup (roster, "romeo@example.net");
  g_assert_nonnull (romeo);
  g_assert_cmpstr (xmpp_contact_get_name (romeo), ==, "Romeo");
  assert_groups (romeo, "Friends|Lovers");
  g_assert_cmpint (xmpp_contact_get_subscription (romeo), ==, XMPP_SUBSCRIPTION_BOTH);
  g_assert_false (xmpp_contact_get_ask (romeo));
  g_assert_false (xmpp_contact_get_approved (romeo));
  g_assert_null (xmpp_contact_get_best_presence (romeo));
  g_assert_cmpuint (g_list_model_get_n_items (xmpp_contact_get_resources (romeo)), ==, 0);

  mercutio = lookup (roster, "mercutio@example.com");
  g_assert_cmpint (xmpp_contact_get_subscription (mercutio), ==, XMPP_SUBSCRIPTION_FROM);
  g_assert_true (xmpp_contact_get_approved (mercutio));
  assert_groups (mercutio, "");

  benvolio = lookup (roster, "benvolio@example.net");
  g_assert_null (xmpp_contact_get_name (benvolio));
  g_assert_cmpint (xmpp_contact_get_subscription (benvolio), ==, XMPP_SUBSCRIPTION_NONE);
  g_assert_true (xmpp_contact_get_ask (benvolio));

  /* The same result again changes nothing. */
  replace (roster, ROSTER_RESULT);
  observer_assert_changes (observer, "");
  notify_counter_assert (counter, "");
}

static void
test_push_add (void)
{
  g_autoptr(XmppRoster) roster = xmpp_roster_new (NULL);
  g_autoptr(Observer) observer = NULL;

  replace (roster, "<query xmlns='jabber:iq:roster'>"
                   "<item jid='b@example.com'/><item jid='d@example.com'/></query>");
  g_assert_null (xmpp_roster_get_version (roster));
  observer = observer_new (G_LIST_MODEL (roster));

  g_assert_true (push (roster, "<query xmlns='jabber:iq:roster' ver='v2'><item jid='c@example.com'/></query>"));
  observer_assert_changes (observer, "1,0,1");
  g_assert_cmpstr (xmpp_roster_get_version (roster), ==, "v2");

  g_assert_true (push (roster, "<query xmlns='jabber:iq:roster' ver='v3'><item jid='a@example.com'/></query>"));
  observer_assert_changes (observer, "0,0,1");

  g_assert_true (push (roster, "<query xmlns='jabber:iq:roster'><item jid='e@example.com/phone'/></query>"));
  observer_assert_changes (observer, "4,0,1");
  /* A push without a version keeps the last one. */
  g_assert_cmpstr (xmpp_roster_get_version (roster), ==, "v3");

  assert_roster (roster, "a@example.com b@example.com c@example.com d@example.com e@example.com");
}

static void
test_push_update (void)
{
  g_autoptr(XmppRoster) roster = xmpp_roster_new (NULL);
  g_autoptr(Observer) observer = NULL;
  g_autoptr(NotifyCounter) counter = NULL;
  XmppContact *romeo;

  g_test_summary ("A push about a contact in the roster updates that object and notifies its "
                  "properties, with no items-changed.");

  replace (roster, ROSTER_RESULT);
  observer = observer_new (G_LIST_MODEL (roster));
  romeo = lookup (roster, "romeo@example.net");
  counter = notify_counter_new (romeo);

  /* Rename */
  g_assert_true (push (roster, "<query xmlns='jabber:iq:roster' ver='v2'>"
                               "<item jid='romeo@example.net' name='Romeo Montague' subscription='both'>"
                               "<group>Friends</group><group>Lovers</group></item></query>"));
  observer_assert_changes (observer, "");
  notify_counter_assert (counter, "name=1");
  g_assert_true (lookup (roster, "romeo@example.net") == romeo);
  g_assert_cmpstr (xmpp_contact_get_name (romeo), ==, "Romeo Montague");
  assert_groups (romeo, "Friends|Lovers");

  /* Groups */
  g_assert_true (push (roster, "<query xmlns='jabber:iq:roster' ver='v3'>"
                               "<item jid='romeo@example.net' name='Romeo Montague' subscription='both'>"
                               "<group>Verona</group></item></query>"));
  observer_assert_changes (observer, "");
  notify_counter_assert (counter, "groups=1");
  assert_groups (romeo, "Verona");

  /* Subscription and pending request */
  g_assert_true (push (roster, "<query xmlns='jabber:iq:roster' ver='v4'>"
                               "<item jid='romeo@example.net' name='Romeo Montague' subscription='from' "
                               "ask='subscribe'><group>Verona</group></item></query>"));
  observer_assert_changes (observer, "");
  notify_counter_assert (counter, "ask=1 subscription=1");
  g_assert_cmpint (xmpp_contact_get_subscription (romeo), ==, XMPP_SUBSCRIPTION_FROM);
  g_assert_true (xmpp_contact_get_ask (romeo));

  /* The same again: nothing to notify. */
  g_assert_true (push (roster, "<query xmlns='jabber:iq:roster' ver='v5'>"
                               "<item jid='romeo@example.net' name='Romeo Montague' subscription='from' "
                               "ask='subscribe'><group>Verona</group></item></query>"));
  notify_counter_assert (counter, "");
  g_assert_cmpstr (xmpp_roster_get_version (roster), ==, "v5");
}

static void
test_push_remove (void)
{
  g_autoptr(XmppRoster) roster = xmpp_roster_new (NULL);
  g_autoptr(Observer) observer = NULL;
  g_autoptr(NotifyCounter) counter = NULL;

  replace (roster, ROSTER_RESULT);
  observer = observer_new (G_LIST_MODEL (roster));
  counter = notify_counter_new (roster);

  g_assert_true (push (roster, "<query xmlns='jabber:iq:roster' ver='v2'>"
                               "<item jid='mercutio@example.com' subscription='remove'/></query>"));
  observer_assert_changes (observer, "1,1,0");
  notify_counter_assert (counter, "n-items=1 version=1");
  g_assert_null (lookup (roster, "mercutio@example.com"));
  assert_roster (roster, "benvolio@example.net romeo@example.net");

  /* Removing what is not there is a valid push that changes nothing
   * but the version. */
  g_assert_true (push (roster, "<query xmlns='jabber:iq:roster' ver='v3'>"
                               "<item jid='tybalt@example.com' subscription='remove'/></query>"));
  observer_assert_changes (observer, "");
  notify_counter_assert (counter, "version=1");

  g_assert_true (push (roster, "<query xmlns='jabber:iq:roster' ver='v4'>"
                               "<item jid='romeo@example.net' subscription='remove'/></query>"));
  observer_assert_changes (observer, "1,1,0");
  g_assert_true (push (roster, "<query xmlns='jabber:iq:roster' ver='v5'>"
                               "<item jid='benvolio@example.net' subscription='remove'/></query>"));
  observer_assert_changes (observer, "0,1,0");
  assert_roster (roster, "");
}

static void
test_push_malformed (void)
{
  static const char *pushes[] = {
    "<query xmlns='jabber:iq:roster' ver='bad'/>",
    "<query xmlns='jabber:iq:roster' ver='bad'><item jid='a@example.com'/><item jid='b@example.com'/></query>",
    "<query xmlns='jabber:iq:roster' ver='bad'><item name='No address'/></query>",
    "<query xmlns='jabber:iq:roster' ver='bad'><item jid='@example.com'/></query>",
    "<query xmlns='jabber:iq:roster' ver='bad'><item jid=''/></query>",
    "<query xmlns='jabber:iq:private' ver='bad'><item jid='a@example.com'/></query>",
  };
  g_autoptr(XmppRoster) roster = xmpp_roster_new (NULL);
  g_autoptr(Observer) observer = NULL;
  g_autoptr(NotifyCounter) counter = NULL;

  g_test_summary ("A push with no item, several items, or an item without a valid address "
                  "is refused and changes nothing, not even the version.");

  replace (roster, ROSTER_RESULT);
  observer = observer_new (G_LIST_MODEL (roster));
  counter = notify_counter_new (roster);

  for (guint i = 0; i < G_N_ELEMENTS (pushes); i++)
    g_assert_false (push (roster, pushes[i]));

  observer_assert_changes (observer, "");
  notify_counter_assert (counter, "");
  g_assert_cmpstr (xmpp_roster_get_version (roster), ==, "v1");
  assert_roster (roster, "benvolio@example.net mercutio@example.com romeo@example.net");
}

static void
test_replace_difference (void)
{
  g_autoptr(XmppRoster) roster = xmpp_roster_new (NULL);
  g_autoptr(Observer) observer = NULL;
  g_autoptr(XmppPresence) available = NULL;
  g_autoptr(XmppPresence) previous = NULL;
  g_autoptr(XmppContact) b = NULL;
  g_autoptr(XmppContact) d = NULL;
  g_autoptr(XmppContact) a = NULL;

  g_test_summary ("A roster result that differs from the roster removes and adds only the "
                  "contacts that differ; those that stay keep their object and presence.");

  replace (roster, "<query xmlns='jabber:iq:roster' ver='v1'>"
                   "<item jid='a@example.com'/><item jid='b@example.com' name='B'/>"
                   "<item jid='c@example.com'/><item jid='d@example.com'/>"
                   "<item jid='f@example.com'/><item jid='g@example.com'/></query>");
  a = g_object_ref (lookup (roster, "a@example.com"));
  b = g_object_ref (lookup (roster, "b@example.com"));
  d = g_object_ref (lookup (roster, "d@example.com"));
  available = presence ("<presence from='b@example.com/home'/>");
  previous = xmpp_contact_update_presence (b, available);
  g_assert_null (previous);
  observer = observer_new (G_LIST_MODEL (roster));

  /* a goes, 0 comes before it; b and d stay; c goes, e comes between d
   * and f; f and g go; h and i come at the end. Items without a valid
   * address and removals are skipped, and a repeated address counts
   * once. */
  replace (roster, "<query xmlns='jabber:iq:roster' ver='v2'>"
                   "<item jid='i@example.com'/><item jid='d@example.com' name='D'/>"
                   "<item jid='0@example.com'/><item jid='b@example.com' name='B'/>"
                   "<item jid='e@example.com'/><item jid='h@example.com'/>"
                   "<item jid='x@example.com' subscription='remove'/>"
                   "<item jid='@bad'/><item/><item jid='e@example.com' name='Twice'/></query>");
  observer_assert_changes (observer, "0,1,1 2,1,0 3,2,3");
  assert_roster (roster, "0@example.com b@example.com d@example.com e@example.com h@example.com i@example.com");
  g_assert_cmpstr (xmpp_roster_get_version (roster), ==, "v2");

  g_assert_true (lookup (roster, "b@example.com") == b);
  g_assert_true (lookup (roster, "d@example.com") == d);
  g_assert_null (lookup (roster, "a@example.com"));
  g_assert_null (lookup (roster, "c@example.com"));
  g_assert_null (lookup (roster, "x@example.com"));
  g_assert_null (xmpp_contact_get_name (lookup (roster, "e@example.com")));
  g_assert_cmpstr (xmpp_contact_get_name (d), ==, "D");
  g_assert_true (xmpp_contact_get_best_presence (b) == available);
  g_assert_true (xmpp_contact_get_presence (b, "home") == available);

  /* Everything goes. */
  replace (roster, "<query xmlns='jabber:iq:roster' ver='v3'/>");
  observer_assert_changes (observer, "0,6,0");
  assert_roster (roster, "");
}

/* A roster result of @n items, "<prefix><i>@<domain>" for i = start,
 * start + step, ... */
static void
add_items (GString    *query,
           guint       n,
           const char *prefix,
           guint       start,
           guint       step,
           const char *domain)
{
  for (guint i = 0; i < n; i++)
    g_string_append_printf (query, "<item jid='%s%06u@%s'/>", prefix, start + i * step, domain);
}

typedef struct
{
  GPtrArray *shadow;
  guint emissions;
} LargeObserver;

/* observer_check() after each emission would be quadratic here: the
 * shadow is only compared at the end. */
static void
on_large_items_changed (GListModel    *model,
                        guint          position,
                        guint          removed,
                        guint          added,
                        LargeObserver *observer)
{
  g_assert_cmpuint (position + removed, <=, observer->shadow->len);
  g_ptr_array_remove_range (observer->shadow, position, removed);
  for (guint i = 0; i < added; i++)
    g_ptr_array_insert (observer->shadow, position + i, g_list_model_get_item (model, position + i));
  g_assert_cmpuint (observer->shadow->len, ==, g_list_model_get_n_items (model));
  observer->emissions++;
}

static void
test_replace_large (void)
{
  const guint n = 5000;
  g_autoptr(XmppRoster) roster = xmpp_roster_new (NULL);
  g_autoptr(GString) first = g_string_new ("<query xmlns='jabber:iq:roster'>");
  g_autoptr(GString) second = g_string_new ("<query xmlns='jabber:iq:roster'>");
  LargeObserver observer = { g_ptr_array_new_with_free_func (g_object_unref), 0 };
  g_autoptr(XmppContact) kept = NULL;
  gulong handler;

  g_test_summary ("A roster result that interleaves with a large roster (every other "
                  "contact goes, another comes in its place, and a block comes before "
                  "them all) gives one items-changed a run, keeps the contacts that stay, "
                  "and ends sorted, with each contact found by its address.");

  /* u000000@a, u000001@a, ... */
  add_items (first, 2 * n, "u", 0, 1, "a");
  g_string_append (first, "</query>");
  replace (roster, first->str);
  kept = g_object_ref (lookup (roster, "u000002@a"));

  /* The even ones stay, each odd one becomes u<i>@b (just after it), and
   * n contacts "a..." come before them all, in reverse order and each
   * twice. */
  add_items (second, n, "u", 0, 2, "a");
  add_items (second, n, "u", 1, 2, "b");
  for (guint i = n; i > 0; i--)
    {
      add_items (second, 1, "a", i - 1, 1, "c");
      add_items (second, 1, "a", i - 1, 1, "c");
    }
  g_string_append (second, "</query>");

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (roster)); i++)
    g_ptr_array_add (observer.shadow, g_list_model_get_item (G_LIST_MODEL (roster), i));
  handler = g_signal_connect (roster, "items-changed", G_CALLBACK (on_large_items_changed), &observer);
  replace (roster, second->str);
  g_signal_handler_disconnect (roster, handler);

  /* The block before u000000@a, then one run after each even contact. */
  g_assert_cmpuint (observer.emissions, ==, 1 + n);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (roster)), ==, 3 * n);
  g_assert_true (lookup (roster, "u000002@a") == kept);
  g_assert_null (lookup (roster, "u000001@a"));
  for (guint i = 0; i < observer.shadow->len; i++)
    {
      g_autoptr(XmppContact) contact = g_list_model_get_item (G_LIST_MODEL (roster), i);
      XmppJid *address = xmpp_contact_get_jid (contact);

      g_assert_true (contact == g_ptr_array_index (observer.shadow, i));
      g_assert_true (xmpp_roster_lookup (roster, address) == contact);
      if (i > 0)
        {
          XmppContact *before = g_ptr_array_index (observer.shadow, i - 1);

          g_assert_cmpstr (xmpp_jid_to_string (xmpp_contact_get_jid (before)), <,
                           xmpp_jid_to_string (address));
        }
    }
  g_ptr_array_unref (observer.shadow);
}

static void
test_lookup (void)
{
  g_autoptr(XmppRoster) roster = xmpp_roster_new (NULL);
  XmppContact *romeo;

  replace (roster, ROSTER_RESULT);
  romeo = lookup (roster, "romeo@example.net");
  g_assert_nonnull (romeo);
  g_assert_true (lookup (roster, "Romeo@Example.NET/orchard") == romeo);
  g_assert_cmpstr (xmpp_jid_to_string (xmpp_contact_get_jid (romeo)), ==, "romeo@example.net");
  g_assert_null (lookup (roster, "example.net"));
  g_assert_null (lookup (roster, "juliet@example.com"));
}

/* ------------------------------------------------------------------ */
/* Saving */

static void
assert_same_contacts (XmppRoster *a,
                      XmppRoster *b)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (a));

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (b)), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(XmppContact) x = g_list_model_get_item (G_LIST_MODEL (a), i);
      g_autoptr(XmppContact) y = g_list_model_get_item (G_LIST_MODEL (b), i);

      g_assert_true (xmpp_jid_equal (xmpp_contact_get_jid (x), xmpp_contact_get_jid (y)));
      g_assert_cmpstr (xmpp_contact_get_name (x), ==, xmpp_contact_get_name (y));
      g_assert_true (g_strv_equal (xmpp_contact_get_groups (x), xmpp_contact_get_groups (y)));
      g_assert_cmpint (xmpp_contact_get_subscription (x), ==, xmpp_contact_get_subscription (y));
      g_assert_cmpint (xmpp_contact_get_ask (x), ==, xmpp_contact_get_ask (y));
      g_assert_cmpint (xmpp_contact_get_approved (x), ==, xmpp_contact_get_approved (y));
    }
}

static void
test_save_load (void)
{
  g_autoptr(XmppRoster) roster = xmpp_roster_new (NULL);
  g_autoptr(XmppRoster) loaded = xmpp_roster_new (NULL);
  g_autoptr(Observer) observer = observer_new (G_LIST_MODEL (loaded));
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *saved_again = NULL;

  replace (roster, ROSTER_RESULT);
  g_assert_true (push (roster, "<query xmlns='jabber:iq:roster' ver='v2 &amp; more'>"
                               "<item jid='tybalt@example.com' name='Tybalt &lt;Prince of Cats&gt; &amp; &apos;co&apos;'"
                               " subscription='to'><group>Capulet &amp; kin</group></item></query>"));
  saved = xmpp_roster_save_to_string (roster);
  g_assert_nonnull (strstr (saved, "jabber:iq:roster"));

  g_assert_true (xmpp_roster_load_from_string (loaded, saved, &error));
  g_assert_no_error (error);
  observer_assert_changes (observer, "0,0,4");
  g_assert_cmpstr (xmpp_roster_get_version (loaded), ==, "v2 & more");
  assert_same_contacts (roster, loaded);
  g_assert_cmpstr (xmpp_contact_get_name (lookup (loaded, "tybalt@example.com")), ==,
                   "Tybalt <Prince of Cats> & 'co'");

  saved_again = xmpp_roster_save_to_string (loaded);
  g_assert_cmpstr (saved_again, ==, saved);

  /* Loading the same again changes nothing. */
  g_assert_true (xmpp_roster_load_from_string (loaded, saved, &error));
  g_assert_no_error (error);
  observer_assert_changes (observer, "");
}

static void
test_load_garbage (void)
{
  static const char *garbage[] = {
    "",
    "not xml at all",
    "<query xmlns='jabber:iq:roster'><item jid='a@example.com'>",
    "<query xmlns='jabber:iq:roster'><item jid='a@example.com'/></quer>",
    "<!DOCTYPE query><query xmlns='jabber:iq:roster'/>",
    "<query xmlns='jabber:iq:roster'/><query xmlns='jabber:iq:roster'/>",
    "\xff\xfe<query/>",
  };
  g_autoptr(XmppRoster) roster = xmpp_roster_new (NULL);
  g_autoptr(Observer) observer = NULL;
  g_autoptr(GError) error = NULL;

  g_test_summary ("A saved roster that is not well-formed, or not a roster, is refused with "
                  "an error and leaves the roster as it was.");

  replace (roster, ROSTER_RESULT);
  observer = observer_new (G_LIST_MODEL (roster));

  for (guint i = 0; i < G_N_ELEMENTS (garbage); i++)
    {
      g_assert_false (xmpp_roster_load_from_string (roster, garbage[i], &error));
      g_assert_nonnull (error);
      g_clear_error (&error);
    }

  g_assert_false (xmpp_roster_load_from_string (roster, "<query xmlns='jabber:iq:private'/>", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);
  g_assert_false (xmpp_roster_load_from_string (roster, "<roster/>", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);

  observer_assert_changes (observer, "");
  g_assert_cmpstr (xmpp_roster_get_version (roster), ==, "v1");
}

static void
test_items (void)
{
  g_autoptr(XmppRoster) roster = xmpp_roster_new (NULL);
  g_autoptr(XmppElement) saved = NULL;
  g_autoptr(XmppElement) set = NULL;
  g_autoptr(XmppElement) added = NULL;
  g_autoptr(XmppJid) address = jid ("juliet@example.com/balcony");
  const char *groups[] = { "Capulets", "", "Nurse's", "Capulets", NULL };
  g_autofree char *saved_xml = NULL;
  g_autofree char *set_xml = NULL;
  g_autofree char *added_xml = NULL;

  replace (roster, ROSTER_RESULT);
  saved = xmpp_contact_to_item (lookup (roster, "mercutio@example.com"), FALSE);
  saved_xml = xmpp_element_to_string (saved);
  g_assert_cmpstr (saved_xml, ==, "<item xmlns='jabber:iq:roster' jid='mercutio@example.com' name='Mercutio' "
                                  "subscription='from' approved='true'/>");

  set = xmpp_contact_to_item (lookup (roster, "romeo@example.net"), TRUE);
  set_xml = xmpp_element_to_string (set);
  g_assert_cmpstr (set_xml, ==, "<item xmlns='jabber:iq:roster' jid='romeo@example.net' name='Romeo'>"
                                "<group>Friends</group><group>Lovers</group></item>");

  added = xmpp_roster_item_new (address, "", groups);
  added_xml = xmpp_element_to_string (added);
  g_assert_cmpstr (added_xml, ==, "<item xmlns='jabber:iq:roster' jid='juliet@example.com'>"
                                  "<group>Capulets</group><group>Nurse's</group></item>");
}

/* ------------------------------------------------------------------ */
/* Presence */

static void
test_presence (void)
{
  g_autoptr(XmppRoster) roster = xmpp_roster_new (NULL);
  g_autoptr(Observer) resources = NULL;
  g_autoptr(NotifyCounter) counter = NULL;
  g_autoptr(XmppPresence) phone = presence ("<presence from='romeo@example.net/phone'>"
                                            "<show>away</show><priority>1</priority></presence>");
  g_autoptr(XmppPresence) laptop = presence ("<presence from='romeo@example.net/laptop'>"
                                             "<priority>5</priority></presence>");
  g_autoptr(XmppPresence) phone_back = presence ("<presence from='romeo@example.net/phone'>"
                                                 "<priority>10</priority></presence>");
  g_autoptr(XmppPresence) phone_gone = presence ("<presence from='romeo@example.net/phone' type='unavailable'/>");
  g_autoptr(XmppPresence) tablet_gone = presence ("<presence from='romeo@example.net/tablet' type='unavailable'/>");
  g_autoptr(XmppPresence) all_gone = presence ("<presence from='romeo@example.net' type='unavailable'/>");
  g_autoptr(XmppPresence) subscribe = presence ("<presence from='romeo@example.net' type='subscribe'/>");
  g_autoptr(XmppPresence) previous = NULL;
  XmppContact *romeo;

  g_test_summary ("Available presence adds or replaces its resource's entry, unavailable "
                  "removes it; the best presence follows, and the resources list reports "
                  "each change at its position.");

  replace (roster, ROSTER_RESULT);
  romeo = lookup (roster, "romeo@example.net");
  resources = observer_new (xmpp_contact_get_resources (romeo));
  counter = notify_counter_new (romeo);

  previous = xmpp_contact_update_presence (romeo, phone);
  g_assert_null (previous);
  observer_assert_changes (resources, "0,0,1");
  notify_counter_assert (counter, "best-presence=1");
  g_assert_true (xmpp_contact_get_best_presence (romeo) == phone);

  previous = xmpp_contact_update_presence (romeo, laptop);
  g_assert_null (previous);
  observer_assert_changes (resources, "1,0,1");
  notify_counter_assert (counter, "best-presence=1");
  g_assert_true (xmpp_contact_get_best_presence (romeo) == laptop);
  g_assert_true (xmpp_contact_get_presence (romeo, "phone") == phone);
  g_assert_true (xmpp_contact_get_presence (romeo, "laptop") == laptop);
  g_assert_null (xmpp_contact_get_presence (romeo, "tablet"));
  g_assert_null (xmpp_contact_get_presence (romeo, NULL));

  /* The phone comes back with a higher priority: same place in the
   * list, and it is now the best. */
  previous = xmpp_contact_update_presence (romeo, phone_back);
  g_assert_true (previous == phone);
  g_clear_object (&previous);
  observer_assert_changes (resources, "0,1,1");
  notify_counter_assert (counter, "best-presence=1");
  g_assert_true (xmpp_contact_get_best_presence (romeo) == phone_back);

  /* Neither an unknown resource going offline nor a subscription request
   * changes anything. */
  g_assert_null (xmpp_contact_update_presence (romeo, tablet_gone));
  g_assert_null (xmpp_contact_update_presence (romeo, subscribe));
  observer_assert_changes (resources, "");
  notify_counter_assert (counter, "");

  previous = xmpp_contact_update_presence (romeo, phone_gone);
  g_assert_true (previous == phone_back);
  g_clear_object (&previous);
  observer_assert_changes (resources, "0,1,0");
  notify_counter_assert (counter, "best-presence=1");
  g_assert_true (xmpp_contact_get_best_presence (romeo) == laptop);
  g_assert_null (xmpp_contact_get_presence (romeo, "phone"));

  /* Unavailable from the bare address: every resource is gone. */
  previous = xmpp_contact_update_presence (romeo, phone);
  g_assert_null (previous);
  observer_assert_changes (resources, "1,0,1");
  notify_counter_assert (counter, "");
  previous = xmpp_contact_update_presence (romeo, all_gone);
  g_assert_nonnull (previous);
  g_clear_object (&previous);
  observer_assert_changes (resources, "0,2,0");
  notify_counter_assert (counter, "best-presence=1");
  g_assert_null (xmpp_contact_get_best_presence (romeo));
  g_assert_null (xmpp_contact_update_presence (romeo, all_gone));
  observer_assert_changes (resources, "");
  notify_counter_assert (counter, "");
}

static void
test_clear_presences (void)
{
  g_autoptr(XmppRoster) roster = xmpp_roster_new (NULL);
  g_autoptr(XmppPresence) romeo_home = presence ("<presence from='romeo@example.net/home'/>");
  g_autoptr(XmppPresence) benvolio_home = presence ("<presence from='benvolio@example.net/home'/>");
  g_autoptr(XmppPresence) previous = NULL;
  g_autoptr(Observer) observer = NULL;
  XmppContact *romeo, *benvolio;

  replace (roster, ROSTER_RESULT);
  romeo = lookup (roster, "romeo@example.net");
  benvolio = lookup (roster, "benvolio@example.net");
  previous = xmpp_contact_update_presence (romeo, romeo_home);
  g_assert_null (previous);
  previous = xmpp_contact_update_presence (benvolio, benvolio_home);
  g_assert_null (previous);
  observer = observer_new (G_LIST_MODEL (roster));

  xmpp_roster_clear_presences (roster);
  g_assert_null (xmpp_contact_get_best_presence (romeo));
  g_assert_null (xmpp_contact_get_best_presence (benvolio));
  g_assert_cmpuint (g_list_model_get_n_items (xmpp_contact_get_resources (romeo)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (xmpp_contact_get_resources (benvolio)), ==, 0);
  /* The contacts stay. */
  observer_assert_changes (observer, "");
}

/* ------------------------------------------------------------------ */
/* Roster sets without a connection */

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static void
assert_sets_fail (XmppRoster *roster,
                  GQuark      domain,
                  int         code)
{
  g_autoptr(XmppJid) romeo = jid ("romeo@example.net");
  g_autoptr(XmppJid) juliet = jid ("juliet@example.com");
  const char *groups[] = { "Friends", NULL };
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;

  xmpp_roster_add_contact_async (roster, juliet, "Juliet", groups, NULL, on_done, &result);
  /* The callback never runs before the call returns. */
  g_assert_null (result);
  g_assert_false (xmpp_roster_add_contact_finish (roster, wait_result (&result), &error));
  g_assert_error (error, domain, code);
  g_clear_error (&error);
  g_clear_object (&result);

  xmpp_roster_rename_contact_async (roster, romeo, "Romeo", NULL, on_done, &result);
  g_assert_false (xmpp_roster_rename_contact_finish (roster, wait_result (&result), &error));
  g_assert_error (error, domain, code);
  g_clear_error (&error);
  g_clear_object (&result);

  xmpp_roster_set_contact_groups_async (roster, romeo, NULL, NULL, on_done, &result);
  g_assert_false (xmpp_roster_set_contact_groups_finish (roster, wait_result (&result), &error));
  g_assert_error (error, domain, code);
  g_clear_error (&error);
  g_clear_object (&result);

  xmpp_roster_remove_contact_async (roster, romeo, NULL, on_done, &result);
  g_assert_false (xmpp_roster_remove_contact_finish (roster, wait_result (&result), &error));
  g_assert_error (error, domain, code);
  g_clear_error (&error);
  g_clear_object (&result);
}

static void
test_sets_without_connection (void)
{
  g_autoptr(XmppRoster) orphan = xmpp_roster_new (NULL);
  g_autoptr(XmppRoster) idle = NULL;
  g_autoptr(XmppRoster) gone = NULL;
  g_autoptr(XmppJid) account = jid ("juliet@example.com");
  g_autoptr(XmppConnection) connection = xmpp_connection_new (account, "secret");
  g_autoptr(XmppJid) stranger = jid ("tybalt@example.com");
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;

  g_test_summary ("Roster sets fail with XMPP_CONNECTION_ERROR_CLOSED when the roster's "
                  "connection is gone or not ready, and renaming or regrouping an address "
                  "that is not in the roster fails with G_IO_ERROR_NOT_FOUND.");

  replace (orphan, ROSTER_RESULT);
  assert_sets_fail (orphan, XMPP_CONNECTION_ERROR, XMPP_CONNECTION_ERROR_CLOSED);

  idle = xmpp_roster_new (connection);
  replace (idle, ROSTER_RESULT);
  assert_sets_fail (idle, XMPP_CONNECTION_ERROR, XMPP_CONNECTION_ERROR_CLOSED);

  gone = xmpp_roster_new (connection);
  replace (gone, ROSTER_RESULT);
  g_clear_object (&connection);
  assert_sets_fail (gone, XMPP_CONNECTION_ERROR, XMPP_CONNECTION_ERROR_CLOSED);

  xmpp_roster_rename_contact_async (orphan, stranger, "Tybalt", NULL, on_done, &result);
  g_assert_false (xmpp_roster_rename_contact_finish (orphan, wait_result (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_object (&result);

  xmpp_roster_set_contact_groups_async (orphan, stranger, NULL, NULL, on_done, &result);
  g_assert_false (xmpp_roster_set_contact_groups_finish (orphan, wait_result (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_object (&result);
}

/* ------------------------------------------------------------------ */
/* The IM connection before it connects */

static void
test_im_connection_offline (void)
{
  g_autoptr(XmppJid) account = jid ("juliet@example.com/balcony");
  g_autoptr(XmppJid) romeo = jid ("romeo@example.net");
  g_autoptr(XmppImConnection) connection = xmpp_im_connection_new (account, "secret");
  g_autoptr(NotifyCounter) counter = notify_counter_new (connection);
  g_autoptr(XmppPresence) away = xmpp_presence_new (XMPP_PRESENCE_TYPE_AVAILABLE);
  g_autoptr(GError) error = NULL;
  XmppRoster *roster = xmpp_im_connection_get_roster (connection);
  XmppContact *own = xmpp_im_connection_get_own_contact (connection);
  XmppPresence *presence = xmpp_im_connection_get_presence (connection);
  XmppRoster *roster_property = NULL;

  g_test_summary ("A new IM connection has an empty roster bound to it, the account's bare "
                  "address as its own contact, and simply available presence; setting the "
                  "presence offline sends nothing and notifies only a change; what needs "
                  "a stream fails cleanly.");

  g_assert_true (XMPP_IS_ROSTER (roster));
  g_object_get (connection, "roster", &roster_property, NULL);
  g_assert_true (roster_property == roster);
  g_clear_object (&roster_property);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (roster)), ==, 0);
  g_assert_true (xmpp_jid_is_bare (xmpp_contact_get_jid (own)));
  g_assert_cmpstr (xmpp_jid_to_string (xmpp_contact_get_jid (own)), ==, "juliet@example.com");
  g_assert_cmpuint (g_list_model_get_n_items (xmpp_contact_get_resources (own)), ==, 0);
  g_assert_false (xmpp_im_connection_is_session_ready (connection));

  g_assert_nonnull (presence);
  g_assert_cmpint (xmpp_presence_get_presence_type (presence), ==, XMPP_PRESENCE_TYPE_AVAILABLE);
  xmpp_presence_set_show (away, XMPP_PRESENCE_SHOW_AWAY);
  xmpp_im_connection_set_presence (connection, away);
  notify_counter_assert (counter, "presence=1");
  g_assert_true (xmpp_im_connection_get_presence (connection) == away);
  xmpp_im_connection_set_presence (connection, away);
  notify_counter_assert (counter, "");
  xmpp_im_connection_set_presence (connection, NULL);
  notify_counter_assert (counter, "presence=1");
  g_assert_null (xmpp_im_connection_get_presence (connection));
  xmpp_im_connection_set_presence (connection, NULL);
  notify_counter_assert (counter, "");

  /* No stream, no stream features. */
  g_assert_false (xmpp_im_connection_get_supports_preapproval (connection));
  g_assert_false (xmpp_im_connection_preapprove_subscription (connection, romeo, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);
  /* The roster's connection is not ready. */
  replace (roster, ROSTER_RESULT);
  assert_sets_fail (roster, XMPP_CONNECTION_ERROR, XMPP_CONNECTION_ERROR_CLOSED);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/roster/replace/from-empty", test_replace_from_empty);
  g_test_add_func ("/roster/replace/difference", test_replace_difference);
  g_test_add_func ("/roster/replace/large", test_replace_large);
  g_test_add_func ("/roster/push/add", test_push_add);
  g_test_add_func ("/roster/push/update", test_push_update);
  g_test_add_func ("/roster/push/remove", test_push_remove);
  g_test_add_func ("/roster/push/malformed", test_push_malformed);
  g_test_add_func ("/roster/lookup", test_lookup);
  g_test_add_func ("/roster/save-load", test_save_load);
  g_test_add_func ("/roster/load-garbage", test_load_garbage);
  g_test_add_func ("/roster/items", test_items);
  g_test_add_func ("/roster/clear-presences", test_clear_presences);
  g_test_add_func ("/roster/sets/without-connection", test_sets_without_connection);
  g_test_add_func ("/contact/presence", test_presence);
  g_test_add_func ("/im-connection/offline", test_im_connection_offline);

  return g_test_run ();
}
