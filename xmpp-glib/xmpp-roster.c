/* xmpp-roster.c: the roster (RFC 6121 §2) as a GListModel
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "xmpp-roster-private.h"
#include "xmpp-contact-private.h"

#include <string.h>

/**
 * XmppRoster:
 *
 * The user's contact list as the server keeps it (RFC 6121 §2): a
 * #GListModel of [class@Xmpp.Contact], sorted by the contacts' bare
 * addresses, that a GTK list view can show as it is.
 *
 * The roster follows the server: it is filled when the session starts and
 * updated by the server's roster pushes. The methods that change it, such
 * as [method@Xmpp.Roster.add_contact_async], send a request to the server
 * and finish with its answer; the roster itself changes when the server's
 * push arrives, which it sends before answering.
 *
 * ```c
 * static void
 * on_added (GObject *source, GAsyncResult *result, gpointer user_data)
 * {
 *   g_autoptr(GError) error = NULL;
 *
 *   if (!xmpp_roster_add_contact_finish (XMPP_ROSTER (source), result, &error))
 *     g_warning ("Could not add the contact: %s", error->message);
 * }
 *
 * const char *groups[] = { "Friends", NULL };
 * g_autoptr(XmppJid) jid = xmpp_jid_new ("romeo@example.net", NULL);
 * xmpp_roster_add_contact_async (roster, jid, "Romeo", groups, NULL, on_added, NULL);
 * ```
 *
 * [signal@Gio.ListModel::items-changed] covers exactly the positions that
 * changed: a contact that comes or goes is one addition or removal at its
 * position; a contact whose name, groups or subscription change stays the
 * same object at the same position and notifies its own properties.
 *
 * For roster versioning (RFC 6121 §2.6), an application keeps the roster
 * between runs with [method@Xmpp.Roster.save_to_string] and
 * [method@Xmpp.Roster.load_from_string]; the server then only sends what
 * changed since [property@Xmpp.Roster:version].
 */

struct _XmppRoster
{
  GObject parent_instance;

  GWeakRef connection;
  /* A GListStore (a GSequence) rather than an array, so that a change in
   * the middle of a large roster costs O(log n), not a move of its tail. */
  GListStore *contacts;         /* of XmppContact, sorted by bare JID */
  GHashTable *by_jid;           /* bare JID string → XmppContact (borrowed) */
  char *version;
};

static void xmpp_roster_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (XmppRoster, xmpp_roster, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, xmpp_roster_list_model_init))

enum
{
  PROP_0,
  PROP_VERSION,
  PROP_ITEM_TYPE,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ------------------------------------------------------------------ */
/* GListModel */

static GType
xmpp_roster_list_get_item_type (GListModel *model)
{
  return XMPP_TYPE_CONTACT;
}

static guint
xmpp_roster_list_get_n_items (GListModel *model)
{
  XmppRoster *self = XMPP_ROSTER (model);

  return g_list_model_get_n_items (G_LIST_MODEL (self->contacts));
}

static gpointer
xmpp_roster_list_get_item (GListModel *model,
                           guint       position)
{
  XmppRoster *self = XMPP_ROSTER (model);

  return g_list_model_get_item (G_LIST_MODEL (self->contacts), position);
}

static void
xmpp_roster_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = xmpp_roster_list_get_item_type;
  iface->get_n_items = xmpp_roster_list_get_n_items;
  iface->get_item = xmpp_roster_list_get_item;
}

/* ------------------------------------------------------------------ */
/* The sorted contacts */

static const char *
contact_key (XmppContact *contact)
{
  return xmpp_jid_to_string (xmpp_contact_get_jid (contact));
}

/* The store changed: so did the roster, at the same positions. */
static void
on_contacts_changed (XmppRoster *self,
                     guint       position,
                     guint       removed,
                     guint       added)
{
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
  if (removed != added)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static XmppContact *
contact_at (XmppRoster *self,
            guint       position)
{
  XmppContact *contact = g_list_model_get_item (G_LIST_MODEL (self->contacts), position);

  /* The store keeps its own reference. */
  g_object_unref (contact);
  return contact;
}

/* Where a contact whose bare JID is @key is, or would be inserted. */
static guint
find_position (XmppRoster *self,
               const char *key)
{
  guint low = 0, high = g_list_model_get_n_items (G_LIST_MODEL (self->contacts));

  while (low < high)
    {
      guint middle = low + (high - low) / 2;

      if (strcmp (contact_key (contact_at (self, middle)), key) < 0)
        low = middle + 1;
      else
        high = middle;
    }
  return low;
}

/* Replaces the @n_removed contacts at @position with the @added ones
 * (sorted, and not in the roster yet), keeping the index in step, and
 * emits one items-changed. */
static void
splice_contacts (XmppRoster *self,
                 guint       position,
                 guint       n_removed,
                 GPtrArray  *added)
{
  for (guint i = 0; i < n_removed; i++)
    g_hash_table_remove (self->by_jid, contact_key (contact_at (self, position + i)));
  for (guint i = 0; i < added->len; i++)
    {
      XmppContact *contact = g_ptr_array_index (added, i);

      g_hash_table_insert (self->by_jid, (gpointer) contact_key (contact), contact);
    }
  g_list_store_splice (self->contacts, position, n_removed, added->pdata, added->len);
}

/* A new contact for @jid with the data of @item, in @added. */
static void
add_new_contact (GPtrArray   *added,
                 XmppJid     *jid,
                 XmppElement *item)
{
  XmppContact *contact = xmpp_contact_new (jid);

  xmpp_contact_update_from_item (contact, item);
  g_ptr_array_add (added, contact);
}

static void
set_version (XmppRoster *self,
             const char *version)
{
  if (g_strcmp0 (self->version, version) == 0)
    return;
  g_free (self->version);
  self->version = g_strdup (version);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERSION]);
}

/* The bare address of a roster item, or NULL if it has none or a wrong
 * one. */
static XmppJid *
item_jid (XmppElement *item)
{
  const char *text = xmpp_element_get_attribute (item, "jid");
  g_autoptr(XmppJid) jid = NULL;

  if (text == NULL)
    return NULL;
  jid = xmpp_jid_new (text, NULL);
  if (jid == NULL)
    return NULL;
  return xmpp_jid_ref (xmpp_jid_get_bare (jid));
}

/* ------------------------------------------------------------------ */
/* Updates from the server */

XmppRoster *
xmpp_roster_new (XmppConnection *connection)
{
  XmppRoster *self;

  g_return_val_if_fail (connection == NULL || XMPP_IS_CONNECTION (connection), NULL);

  self = g_object_new (XMPP_TYPE_ROSTER, NULL);
  g_weak_ref_set (&self->connection, connection);
  return self;
}

typedef struct
{
  XmppJid *jid;
  XmppElement *item;
} NewItem;

static void
new_item_clear (NewItem *entry)
{
  g_clear_pointer (&entry->jid, xmpp_jid_unref);
  g_clear_pointer (&entry->item, xmpp_element_unref);
}

static int
new_item_compare (gconstpointer a,
                  gconstpointer b)
{
  const NewItem *x = a, *y = b;

  return strcmp (xmpp_jid_to_string (x->jid), xmpp_jid_to_string (y->jid));
}

/* The valid items of @query, sorted by bare JID, each JID once (the first
 * item for it counts). */
static GArray *
collect_items (XmppElement *query)
{
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (NewItem));
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  g_array_set_clear_func (entries, (GDestroyNotify) new_item_clear);
  for (XmppElement *child = xmpp_element_get_first_child (query);
       child != NULL;
       child = xmpp_element_get_next_sibling (child))
    {
      NewItem entry;

      if (!xmpp_element_is (child, "item", XMPP_NS_ROSTER) ||
          g_strcmp0 (xmpp_element_get_attribute (child, "subscription"), "remove") == 0)
        continue;
      entry.jid = item_jid (child);
      if (entry.jid == NULL)
        continue;
      if (!g_hash_table_add (seen, (gpointer) xmpp_jid_to_string (entry.jid)))
        {
          xmpp_jid_unref (entry.jid);
          continue;
        }
      entry.item = xmpp_element_ref (child);
      g_array_append_val (entries, entry);
    }
  g_array_sort (entries, new_item_compare);
  return g_steal_pointer (&entries);
}

void
xmpp_roster_replace (XmppRoster  *self,
                     XmppElement *query)
{
  g_autoptr(GArray) entries = NULL;
  g_autoptr(GPtrArray) old = NULL;
  g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func (g_object_unref);
  guint position = 0, i = 0, j = 0;

  g_return_if_fail (XMPP_IS_ROSTER (self));
  g_return_if_fail (query != NULL);

  entries = collect_items (query);
  old = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint k = 0; k < g_list_model_get_n_items (G_LIST_MODEL (self->contacts)); k++)
    g_ptr_array_add (old, g_list_model_get_item (G_LIST_MODEL (self->contacts), k));

  /* Both lists are sorted: walk them together. Between two contacts
   * that stay, the old contacts are removed and the new ones added in one
   * items-changed. Each step costs O(log n), so the whole is
   * O((n + m) log n) however the two lists interleave. */
  while (i < old->len || j < entries->len)
    {
      guint old_end = i, new_end = j;

      while (old_end < old->len || new_end < entries->len)
        {
          int order;

          if (old_end >= old->len)
            order = 1;
          else if (new_end >= entries->len)
            order = -1;
          else
            order = strcmp (contact_key (g_ptr_array_index (old, old_end)),
                            xmpp_jid_to_string (g_array_index (entries, NewItem, new_end).jid));
          if (order == 0)
            break;
          if (order < 0)
            old_end++;
          else
            new_end++;
        }

      if (old_end == i && new_end == j)
        {
          /* The same contact on both sides: it stays. */
          xmpp_contact_update_from_item (g_ptr_array_index (old, i),
                                         g_array_index (entries, NewItem, j).item);
          position++;
          i++;
          j++;
          continue;
        }

      g_ptr_array_set_size (added, 0);
      for (; j < new_end; j++)
        {
          NewItem *entry = &g_array_index (entries, NewItem, j);

          add_new_contact (added, entry->jid, entry->item);
        }
      splice_contacts (self, position, old_end - i, added);
      position += added->len;
      i = old_end;
    }

  set_version (self, xmpp_element_get_attribute (query, "ver"));
}

gboolean
xmpp_roster_apply_push (XmppRoster  *self,
                        XmppElement *query)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(XmppJid) jid = NULL;
  XmppElement *item;
  XmppContact *contact;
  const char *version;

  g_return_val_if_fail (XMPP_IS_ROSTER (self), FALSE);
  g_return_val_if_fail (query != NULL, FALSE);

  if (!xmpp_element_is (query, "query", XMPP_NS_ROSTER))
    return FALSE;
  items = xmpp_element_get_children (query, "item", XMPP_NS_ROSTER);
  if (items->len != 1)
    return FALSE;
  item = g_ptr_array_index (items, 0);
  jid = item_jid (item);
  if (jid == NULL)
    return FALSE;

  contact = g_hash_table_lookup (self->by_jid, xmpp_jid_to_string (jid));
  if (g_strcmp0 (xmpp_element_get_attribute (item, "subscription"), "remove") == 0)
    {
      if (contact != NULL)
        splice_contacts (self, find_position (self, xmpp_jid_to_string (jid)), 1, added);
    }
  else if (contact != NULL)
    xmpp_contact_update_from_item (contact, item);
  else
    {
      add_new_contact (added, jid, item);
      splice_contacts (self, find_position (self, xmpp_jid_to_string (jid)), 0, added);
    }

  /* A server without roster versioning sends no 'ver': the roster then
   * has none to keep. */
  version = xmpp_element_get_attribute (query, "ver");
  if (version != NULL)
    set_version (self, version);
  return TRUE;
}

void
xmpp_roster_clear_presences (XmppRoster *self)
{
  g_return_if_fail (XMPP_IS_ROSTER (self));

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->contacts)); i++)
    xmpp_contact_clear_presences (contact_at (self, i));
}

/* ------------------------------------------------------------------ */
/* Public API */

/**
 * xmpp_roster_lookup:
 * @self: a roster
 * @jid: an address; its resource, if any, is ignored
 *
 * Finds the contact of an address, in constant time. A full address, such
 * as the sender of a message, finds the contact of its bare address.
 *
 * Returns: (transfer none) (nullable): the contact, or %NULL if the
 *   address is not in the roster
 */
XmppContact *
xmpp_roster_lookup (XmppRoster *self,
                    XmppJid    *jid)
{
  g_return_val_if_fail (XMPP_IS_ROSTER (self), NULL);
  g_return_val_if_fail (jid != NULL, NULL);

  return g_hash_table_lookup (self->by_jid, xmpp_jid_to_bare_string (jid));
}

/**
 * xmpp_roster_get_version:
 * @self: a roster
 *
 * Gives the version of the roster that the server last sent (RFC 6121
 * §2.6), to keep with the saved roster.
 *
 * Returns: (nullable): the version, or %NULL if the server does not
 *   version rosters or none was received yet
 */
const char *
xmpp_roster_get_version (XmppRoster *self)
{
  g_return_val_if_fail (XMPP_IS_ROSTER (self), NULL);

  return self->version;
}

/**
 * xmpp_roster_save_to_string:
 * @self: a roster
 *
 * Writes the roster and its version as a small XML document, a
 * `<query xmlns='jabber:iq:roster'/>` with one `<item/>` a contact, for an
 * application to keep between runs and give back to
 * [method@Xmpp.Roster.load_from_string]. The presence of the contacts is
 * not saved.
 *
 * Returns: (transfer full): the saved roster
 */
char *
xmpp_roster_save_to_string (XmppRoster *self)
{
  g_autoptr(XmppElement) query = NULL;

  g_return_val_if_fail (XMPP_IS_ROSTER (self), NULL);

  query = xmpp_element_new ("query", XMPP_NS_ROSTER);
  if (self->version != NULL)
    xmpp_element_set_attribute (query, "ver", self->version);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->contacts)); i++)
    {
      g_autoptr(XmppElement) item = xmpp_contact_to_item (contact_at (self, i), FALSE);

      xmpp_element_add_child (query, item);
    }
  return xmpp_element_to_string (query);
}

/**
 * xmpp_roster_load_from_string:
 * @self: a roster
 * @data: a roster saved by [method@Xmpp.Roster.save_to_string]
 * @error: return location for a #GError
 *
 * Replaces the contacts and the version of the roster with those saved
 * in @data, as the server's roster would: contacts that stay keep their
 * object and their presence, and [signal@Gio.ListModel::items-changed]
 * covers the contacts that come and go. Do it before connecting, so that
 * the server can send only what changed since the saved version.
 *
 * Items without a valid address are skipped. If @data is not a saved
 * roster, the roster is left as it was.
 *
 * Returns: %TRUE if the roster was loaded; %FALSE with @error set in the
 *   %XMPP_STREAM_ERROR domain if @data is not well-formed XML, or to
 *   %G_IO_ERROR_INVALID_DATA if it is not a saved roster
 */
gboolean
xmpp_roster_load_from_string (XmppRoster  *self,
                              const char  *data,
                              GError     **error)
{
  g_autoptr(XmppElement) query = NULL;

  g_return_val_if_fail (XMPP_IS_ROSTER (self), FALSE);
  g_return_val_if_fail (data != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  query = xmpp_element_new_from_string (data, -1, error);
  if (query == NULL)
    return FALSE;
  if (!xmpp_element_is (query, "query", XMPP_NS_ROSTER))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The saved roster is a <%s/>, not a roster <query/>"),
                   xmpp_element_get_name (query));
      return FALSE;
    }

  xmpp_roster_replace (self, query);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Roster sets */

static void
on_set_reply (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(XmppStanza) reply = NULL;
  GError *error = NULL;

  reply = xmpp_connection_send_iq_finish (XMPP_CONNECTION (source), result, &error);
  if (reply == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* Sends @item in a roster set through the connection, and completes
 * @task with the answer. */
static void
send_item (XmppRoster  *self,
           GTask       *task,
           XmppElement *item)
{
  g_autoptr(XmppConnection) connection = g_weak_ref_get (&self->connection);
  g_autoptr(XmppStanza) iq = NULL;
  XmppElement *query;

  if (connection == NULL || xmpp_connection_get_state (connection) != XMPP_CONNECTION_STATE_READY)
    {
      g_task_return_new_error (task, XMPP_CONNECTION_ERROR, XMPP_CONNECTION_ERROR_CLOSED,
                               _("The roster cannot be changed: the connection is not ready"));
      return;
    }

  iq = xmpp_stanza_new (XMPP_STANZA_KIND_IQ, "set");
  query = xmpp_element_add_child_new (xmpp_stanza_get_element (iq), "query", XMPP_NS_ROSTER);
  xmpp_element_add_child (query, item);
  xmpp_connection_send_iq_async (connection, iq, 0, g_task_get_cancellable (task),
                                 on_set_reply, g_object_ref (task));
}

static GTask *
new_set_task (XmppRoster          *self,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data,
              gpointer             source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  return task;
}

/* Sends a roster set that gives the contact of @jid a new name (if
 * @new_name) or new groups (if not), and keeps the other. */
static void
change_contact (XmppRoster         *self,
                GTask              *task,
                XmppJid            *jid,
                gboolean            new_name,
                const char         *name,
                const char * const *groups)
{
  XmppContact *contact = xmpp_roster_lookup (self, jid);
  g_autoptr(XmppElement) item = NULL;

  if (contact == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("%s is not in the roster"), xmpp_jid_to_bare_string (jid));
      return;
    }

  item = xmpp_roster_item_new (jid,
                               new_name ? name : xmpp_contact_get_name (contact),
                               new_name ? xmpp_contact_get_groups (contact) : groups);
  send_item (self, task, item);
}

static gboolean
finish_set (XmppRoster    *self,
            GAsyncResult  *result,
            gpointer       source_tag,
            GError       **error)
{
  g_return_val_if_fail (XMPP_IS_ROSTER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * xmpp_roster_add_contact_async:
 * @self: a roster
 * @jid: the address to add; its resource, if any, is dropped
 * @name: (nullable): the name to give the contact, or %NULL
 * @groups: (array zero-terminated=1) (nullable): the groups to put the
 *   contact in, or %NULL for none
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the server has answered
 * @user_data: data for @callback
 *
 * Asks the server to add a contact to the roster, or to replace the name
 * and groups of one that is there already (RFC 6121 §2.3). Empty and
 * repeated group names are left out. The roster changes when the
 * server's roster push arrives, not on its answer.
 *
 * Adding a contact does not ask to see its presence: that is a presence
 * subscription request.
 */
void
xmpp_roster_add_contact_async (XmppRoster          *self,
                               XmppJid             *jid,
                               const char          *name,
                               const char * const  *groups,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(XmppElement) item = NULL;

  g_return_if_fail (XMPP_IS_ROSTER (self));
  g_return_if_fail (jid != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = new_set_task (self, cancellable, callback, user_data, xmpp_roster_add_contact_async);
  item = xmpp_roster_item_new (jid, name, groups);
  send_item (self, task, item);
}

/**
 * xmpp_roster_add_contact_finish:
 * @self: a roster
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Xmpp.Roster.add_contact_async].
 *
 * Returns: %TRUE if the server accepted the change; %FALSE with @error
 *   set as by [method@Xmpp.Connection.send_iq_finish] if it refused it
 *   or did not answer, or to %XMPP_CONNECTION_ERROR_CLOSED if the
 *   roster's connection was not ready
 */
gboolean
xmpp_roster_add_contact_finish (XmppRoster    *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return finish_set (self, result, xmpp_roster_add_contact_async, error);
}

/**
 * xmpp_roster_rename_contact_async:
 * @self: a roster
 * @jid: the address of a contact in the roster
 * @name: (nullable): the contact's new name, or %NULL to remove its name
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the server has answered
 * @user_data: data for @callback
 *
 * Asks the server to change the name of a contact, keeping its groups.
 * The contact's [property@Xmpp.Contact:name] changes when the server's
 * roster push arrives. A contact that is not in the roster fails with
 * %G_IO_ERROR_NOT_FOUND, and nothing is sent.
 */
void
xmpp_roster_rename_contact_async (XmppRoster          *self,
                                  XmppJid             *jid,
                                  const char          *name,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (XMPP_IS_ROSTER (self));
  g_return_if_fail (jid != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = new_set_task (self, cancellable, callback, user_data, xmpp_roster_rename_contact_async);
  change_contact (self, task, jid, TRUE, name, NULL);
}

/**
 * xmpp_roster_rename_contact_finish:
 * @self: a roster
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Xmpp.Roster.rename_contact_async].
 *
 * Returns: %TRUE if the server accepted the change; %FALSE with @error
 *   set otherwise, as for [method@Xmpp.Roster.add_contact_finish], or to
 *   %G_IO_ERROR_NOT_FOUND if the contact is not in the roster
 */
gboolean
xmpp_roster_rename_contact_finish (XmppRoster    *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return finish_set (self, result, xmpp_roster_rename_contact_async, error);
}

/**
 * xmpp_roster_set_contact_groups_async:
 * @self: a roster
 * @jid: the address of a contact in the roster
 * @groups: (array zero-terminated=1) (nullable): the contact's new
 *   groups, or %NULL for none
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the server has answered
 * @user_data: data for @callback
 *
 * Asks the server to put a contact in other groups, keeping its name.
 * Empty and repeated group names are left out. The contact's
 * [property@Xmpp.Contact:groups] change when the server's roster push
 * arrives. A contact that is not in the roster fails with
 * %G_IO_ERROR_NOT_FOUND, and nothing is sent.
 */
void
xmpp_roster_set_contact_groups_async (XmppRoster          *self,
                                      XmppJid             *jid,
                                      const char * const  *groups,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (XMPP_IS_ROSTER (self));
  g_return_if_fail (jid != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = new_set_task (self, cancellable, callback, user_data, xmpp_roster_set_contact_groups_async);
  change_contact (self, task, jid, FALSE, NULL, groups);
}

/**
 * xmpp_roster_set_contact_groups_finish:
 * @self: a roster
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Xmpp.Roster.set_contact_groups_async].
 *
 * Returns: %TRUE if the server accepted the change; %FALSE with @error
 *   set otherwise, as for [method@Xmpp.Roster.rename_contact_finish]
 */
gboolean
xmpp_roster_set_contact_groups_finish (XmppRoster    *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  return finish_set (self, result, xmpp_roster_set_contact_groups_async, error);
}

/**
 * xmpp_roster_remove_contact_async:
 * @self: a roster
 * @jid: the address to remove; its resource, if any, is dropped
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the server has answered
 * @user_data: data for @callback
 *
 * Asks the server to remove a contact from the roster
 * (`subscription='remove'`, RFC 6121 §2.5), which also cancels the
 * presence subscriptions both ways. The contact leaves the roster when the
 * server's roster push arrives. The request is sent even for an address
 * that the roster does not hold; the server then answers
 * `item-not-found`.
 */
void
xmpp_roster_remove_contact_async (XmppRoster          *self,
                                  XmppJid             *jid,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(XmppElement) item = NULL;

  g_return_if_fail (XMPP_IS_ROSTER (self));
  g_return_if_fail (jid != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = new_set_task (self, cancellable, callback, user_data, xmpp_roster_remove_contact_async);
  item = xmpp_roster_item_new (jid, NULL, NULL);
  xmpp_element_set_attribute (item, "subscription", "remove");
  send_item (self, task, item);
}

/**
 * xmpp_roster_remove_contact_finish:
 * @self: a roster
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Xmpp.Roster.remove_contact_async].
 *
 * Returns: %TRUE if the server removed the contact; %FALSE with @error
 *   set otherwise, as for [method@Xmpp.Roster.add_contact_finish]
 */
gboolean
xmpp_roster_remove_contact_finish (XmppRoster    *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return finish_set (self, result, xmpp_roster_remove_contact_async, error);
}

/* ------------------------------------------------------------------ */
/* GObject */

static void
xmpp_roster_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  XmppRoster *self = XMPP_ROSTER (object);

  switch (prop_id)
    {
    case PROP_VERSION: g_value_set_string (value, self->version); break;
    case PROP_ITEM_TYPE: g_value_set_gtype (value, XMPP_TYPE_CONTACT); break;
    case PROP_N_ITEMS: g_value_set_uint (value, g_list_model_get_n_items (G_LIST_MODEL (self->contacts))); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xmpp_roster_finalize (GObject *object)
{
  XmppRoster *self = XMPP_ROSTER (object);

  g_weak_ref_clear (&self->connection);
  g_clear_pointer (&self->by_jid, g_hash_table_unref);
  g_clear_object (&self->contacts);
  g_clear_pointer (&self->version, g_free);

  G_OBJECT_CLASS (xmpp_roster_parent_class)->finalize (object);
}

static void
xmpp_roster_class_init (XmppRosterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = xmpp_roster_get_property;
  object_class->finalize = xmpp_roster_finalize;

  /**
   * XmppRoster:version:
   *
   * The version of the roster that the server last sent (RFC 6121 §2.6),
   * or %NULL.
   */
  properties[PROP_VERSION] =
    g_param_spec_string ("version", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppRoster:item-type:
   *
   * The type of the roster's items: always [class@Xmpp.Contact].
   */
  properties[PROP_ITEM_TYPE] =
    g_param_spec_gtype ("item-type", NULL, NULL, G_TYPE_OBJECT,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppRoster:n-items:
   *
   * The number of contacts in the roster.
   */
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
xmpp_roster_init (XmppRoster *self)
{
  g_weak_ref_init (&self->connection, NULL);
  self->contacts = g_list_store_new (XMPP_TYPE_CONTACT);
  self->by_jid = g_hash_table_new (g_str_hash, g_str_equal);
  g_signal_connect_swapped (self->contacts, "items-changed", G_CALLBACK (on_contacts_changed), self);
}
