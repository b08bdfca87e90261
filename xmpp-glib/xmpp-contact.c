/* xmpp-contact.c: one roster item and the presence of its resources
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "xmpp-contact-private.h"
#include "xmpp-roster-private.h"

#include <string.h>

/**
 * XmppContact:
 *
 * One item of the roster (RFC 6121 §2): an address with the name and
 * groups the user gave it, the state of the presence subscriptions
 * between the user and it, and the presence of each of its resources
 * that is online.
 *
 * Contacts are made and updated by [class@Xmpp.Roster] from what the
 * server sends, never by the application: to change one, use the roster's
 * methods, such as [method@Xmpp.Roster.rename_contact_async]. Each change
 * notifies its property, so a list view can bind to them:
 *
 * ```c
 * static void
 * on_name_changed (XmppContact *contact, GParamSpec *pspec, GtkLabel *label)
 * {
 *   const char *name = xmpp_contact_get_name (contact);
 *
 *   gtk_label_set_text (label, name != NULL ? name
 *                       : xmpp_jid_to_string (xmpp_contact_get_jid (contact)));
 * }
 *
 * g_signal_connect (contact, "notify::name", G_CALLBACK (on_name_changed), label);
 * ```
 *
 * [property@Xmpp.Contact:resources] lists the available presence of each
 * online resource, in the order they came online, and
 * [property@Xmpp.Contact:best-presence] is the most available of them.
 */

struct _XmppContact
{
  GObject parent_instance;

  XmppJid *jid;                 /* bare */
  char *name;
  GStrv groups;                 /* never NULL */
  XmppSubscription subscription;
  gboolean ask;
  gboolean approved;
  GListStore *resources;        /* of XmppPresence */
  XmppPresence *best_presence;
};

G_DEFINE_FINAL_TYPE (XmppContact, xmpp_contact, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_JID,
  PROP_NAME,
  PROP_GROUPS,
  PROP_SUBSCRIPTION,
  PROP_ASK,
  PROP_APPROVED,
  PROP_RESOURCES,
  PROP_BEST_PRESENCE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ------------------------------------------------------------------ */
/* Roster data */

static const char * const subscription_names[] = {
  [XMPP_SUBSCRIPTION_NONE] = "none",
  [XMPP_SUBSCRIPTION_TO] = "to",
  [XMPP_SUBSCRIPTION_FROM] = "from",
  [XMPP_SUBSCRIPTION_BOTH] = "both",
};

static XmppSubscription
parse_subscription (const char *value)
{
  for (guint i = 0; i < G_N_ELEMENTS (subscription_names); i++)
    if (g_strcmp0 (value, subscription_names[i]) == 0)
      return i;
  return XMPP_SUBSCRIPTION_NONE;
}

/* xs:boolean */
static gboolean
parse_boolean (const char *value)
{
  return g_strcmp0 (value, "true") == 0 || g_strcmp0 (value, "1") == 0;
}

/* The item's groups: the text of its <group/> children, in order, without
 * empty names (RFC 6121 §2.1.2.4) or duplicates. */
static GStrv
parse_groups (XmppElement *item)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GPtrArray) children = xmpp_element_get_children (item, "group", XMPP_NS_ROSTER);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < children->len; i++)
    {
      const char *group = xmpp_element_get_text (g_ptr_array_index (children, i));

      if (group == NULL || *group == '\0' || !g_hash_table_add (seen, (gpointer) group))
        continue;
      g_strv_builder_add (builder, group);
    }
  return g_strv_builder_end (builder);
}

void
xmpp_contact_update_from_item (XmppContact *self,
                               XmppElement *item)
{
  const char *name;
  g_auto(GStrv) groups = NULL;
  XmppSubscription subscription;
  gboolean ask, approved;

  g_return_if_fail (XMPP_IS_CONTACT (self));
  g_return_if_fail (item != NULL);

  name = xmpp_element_get_attribute (item, "name");
  if (name != NULL && *name == '\0')
    name = NULL;
  groups = parse_groups (item);
  subscription = parse_subscription (xmpp_element_get_attribute (item, "subscription"));
  ask = g_strcmp0 (xmpp_element_get_attribute (item, "ask"), "subscribe") == 0;
  approved = parse_boolean (xmpp_element_get_attribute (item, "approved"));

  g_object_freeze_notify (G_OBJECT (self));
  if (g_strcmp0 (self->name, name) != 0)
    {
      g_free (self->name);
      self->name = g_strdup (name);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
    }
  if (!g_strv_equal ((const char * const *) self->groups, (const char * const *) groups))
    {
      g_strfreev (self->groups);
      self->groups = g_steal_pointer (&groups);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GROUPS]);
    }
  if (self->subscription != subscription)
    {
      self->subscription = subscription;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUBSCRIPTION]);
    }
  if (self->ask != ask)
    {
      self->ask = ask;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ASK]);
    }
  if (self->approved != approved)
    {
      self->approved = approved;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_APPROVED]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

XmppElement *
xmpp_roster_item_new (XmppJid            *jid,
                      const char         *name,
                      const char * const *groups)
{
  XmppElement *item;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  g_return_val_if_fail (jid != NULL, NULL);

  item = xmpp_element_new ("item", XMPP_NS_ROSTER);
  xmpp_element_set_attribute (item, "jid", xmpp_jid_to_bare_string (jid));
  if (name != NULL && *name != '\0')
    xmpp_element_set_attribute (item, "name", name);
  for (guint i = 0; groups != NULL && groups[i] != NULL; i++)
    {
      if (*groups[i] == '\0' || !g_hash_table_add (seen, (gpointer) groups[i]))
        continue;
      xmpp_element_add_child_with_text (item, "group", NULL, groups[i]);
    }
  return item;
}

XmppElement *
xmpp_contact_to_item (XmppContact *self,
                      gboolean     for_set)
{
  XmppElement *item;

  g_return_val_if_fail (XMPP_IS_CONTACT (self), NULL);

  item = xmpp_roster_item_new (self->jid, self->name, (const char * const *) self->groups);
  if (!for_set)
    {
      xmpp_element_set_attribute (item, "subscription", subscription_names[self->subscription]);
      if (self->ask)
        xmpp_element_set_attribute (item, "ask", "subscribe");
      if (self->approved)
        xmpp_element_set_attribute (item, "approved", "true");
    }
  return item;
}

/* ------------------------------------------------------------------ */
/* Presence */

static const char *
presence_resource (XmppPresence *presence)
{
  XmppJid *from = xmpp_presence_get_from (presence);

  return from != NULL ? xmpp_jid_get_resourcepart (from) : NULL;
}

/* The entry of @resource in :resources, and its position. */
static XmppPresence *
find_resource (XmppContact *self,
               const char  *resource,
               guint       *position)
{
  GListModel *resources = G_LIST_MODEL (self->resources);
  guint n = g_list_model_get_n_items (resources);

  for (guint i = 0; i < n; i++)
    {
      XmppPresence *presence = g_list_model_get_item (resources, i);

      /* The store keeps its own reference. */
      g_object_unref (presence);
      if (g_strcmp0 (presence_resource (presence), resource) == 0)
        {
          if (position != NULL)
            *position = i;
          return presence;
        }
    }
  return NULL;
}

/* The best presence is the first of the most available ones, so that a
 * tie goes to the resource that came online first. */
static void
update_best_presence (XmppContact *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->resources));
  g_autoptr(XmppPresence) best = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(XmppPresence) presence = g_list_model_get_item (G_LIST_MODEL (self->resources), i);

      if (best == NULL || xmpp_presence_compare (presence, best) < 0)
        g_set_object (&best, presence);
    }

  if (g_set_object (&self->best_presence, best))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BEST_PRESENCE]);
}

XmppPresence *
xmpp_contact_update_presence (XmppContact  *self,
                              XmppPresence *presence)
{
  XmppPresence *previous = NULL;
  const char *resource;
  guint position;

  g_return_val_if_fail (XMPP_IS_CONTACT (self), NULL);
  g_return_val_if_fail (XMPP_IS_PRESENCE (presence), NULL);
  g_return_val_if_fail (xmpp_presence_get_from (presence) == NULL ||
                        xmpp_jid_equal_bare (xmpp_presence_get_from (presence), self->jid), NULL);

  resource = presence_resource (presence);
  switch (xmpp_presence_get_presence_type (presence))
    {
    case XMPP_PRESENCE_TYPE_AVAILABLE:
      previous = find_resource (self, resource, &position);
      if (previous != NULL)
        {
          g_object_ref (previous);
          g_list_store_splice (self->resources, position, 1, (gpointer *) &presence, 1);
        }
      else
        g_list_store_append (self->resources, presence);
      break;

    case XMPP_PRESENCE_TYPE_UNAVAILABLE:
      if (resource == NULL)
        {
          /* The whole account went offline. */
          previous = self->best_presence != NULL ? g_object_ref (self->best_presence) : NULL;
          if (g_list_model_get_n_items (G_LIST_MODEL (self->resources)) > 0)
            g_list_store_remove_all (self->resources);
        }
      else if ((previous = find_resource (self, resource, &position)) != NULL)
        {
          g_object_ref (previous);
          g_list_store_remove (self->resources, position);
        }
      else
        return NULL;
      break;

    case XMPP_PRESENCE_TYPE_SUBSCRIBE:
    case XMPP_PRESENCE_TYPE_SUBSCRIBED:
    case XMPP_PRESENCE_TYPE_UNSUBSCRIBE:
    case XMPP_PRESENCE_TYPE_UNSUBSCRIBED:
    case XMPP_PRESENCE_TYPE_PROBE:
    case XMPP_PRESENCE_TYPE_ERROR:
    default:
      return NULL;
    }

  update_best_presence (self);
  return previous;
}

void
xmpp_contact_clear_presences (XmppContact *self)
{
  g_return_if_fail (XMPP_IS_CONTACT (self));

  if (g_list_model_get_n_items (G_LIST_MODEL (self->resources)) > 0)
    g_list_store_remove_all (self->resources);
  update_best_presence (self);
}

/* ------------------------------------------------------------------ */
/* Public API */

XmppContact *
xmpp_contact_new (XmppJid *jid)
{
  XmppContact *self;

  g_return_val_if_fail (jid != NULL, NULL);

  self = g_object_new (XMPP_TYPE_CONTACT, NULL);
  self->jid = xmpp_jid_ref (xmpp_jid_get_bare (jid));
  return self;
}

/**
 * xmpp_contact_get_jid:
 * @self: a contact
 *
 * Gives the contact's bare address, which identifies it in the roster.
 *
 * Returns: (transfer none): the bare address
 */
XmppJid *
xmpp_contact_get_jid (XmppContact *self)
{
  g_return_val_if_fail (XMPP_IS_CONTACT (self), NULL);

  return self->jid;
}

/**
 * xmpp_contact_get_name:
 * @self: a contact
 *
 * Gives the name the user gave the contact in the roster.
 *
 * Returns: (nullable): the name, or %NULL if it has none
 */
const char *
xmpp_contact_get_name (XmppContact *self)
{
  g_return_val_if_fail (XMPP_IS_CONTACT (self), NULL);

  return self->name;
}

/**
 * xmpp_contact_get_groups:
 * @self: a contact
 *
 * Gives the roster groups the contact is in, in the server's order,
 * without duplicates.
 *
 * Returns: (transfer none) (array zero-terminated=1): the group names;
 *   an empty array when the contact is in no group
 */
const char * const *
xmpp_contact_get_groups (XmppContact *self)
{
  g_return_val_if_fail (XMPP_IS_CONTACT (self), NULL);

  return (const char * const *) self->groups;
}

/**
 * xmpp_contact_get_subscription:
 * @self: a contact
 *
 * Gives the state of the presence subscriptions between the user and the
 * contact.
 *
 * Returns: the subscription state
 */
XmppSubscription
xmpp_contact_get_subscription (XmppContact *self)
{
  g_return_val_if_fail (XMPP_IS_CONTACT (self), XMPP_SUBSCRIPTION_NONE);

  return self->subscription;
}

/**
 * xmpp_contact_get_ask:
 * @self: a contact
 *
 * Tells whether the user asked to see the contact's presence and the
 * contact has not answered yet (`ask='subscribe'`, RFC 6121 §2.1.2.2).
 *
 * Returns: %TRUE while the user's subscription request is pending
 */
gboolean
xmpp_contact_get_ask (XmppContact *self)
{
  g_return_val_if_fail (XMPP_IS_CONTACT (self), FALSE);

  return self->ask;
}

/**
 * xmpp_contact_get_approved:
 * @self: a contact
 *
 * Tells whether the user approved the contact's subscription to the
 * user's presence in advance (`approved='true'`, RFC 6121 §3.4).
 *
 * Returns: %TRUE if the subscription is pre-approved
 */
gboolean
xmpp_contact_get_approved (XmppContact *self)
{
  g_return_val_if_fail (XMPP_IS_CONTACT (self), FALSE);

  return self->approved;
}

/**
 * xmpp_contact_get_resources:
 * @self: a contact
 *
 * Gives the list of the contact's online resources: the last available
 * presence of each, in the order the resources came online. The list is
 * the same object for the contact's whole life; its
 * [signal@Gio.ListModel::items-changed] says which entry came, went or
 * was replaced.
 *
 * Returns: (transfer none): a list model of [class@Xmpp.Presence]
 */
GListModel *
xmpp_contact_get_resources (XmppContact *self)
{
  g_return_val_if_fail (XMPP_IS_CONTACT (self), NULL);

  return G_LIST_MODEL (self->resources);
}

/**
 * xmpp_contact_get_best_presence:
 * @self: a contact
 *
 * Gives the most available presence of the contact's resources, as
 * ordered by xmpp_presence_compare(); of equal ones, that of the resource
 * that came online first.
 *
 * Returns: (transfer none) (nullable): the best presence, or %NULL when
 *   the contact is offline
 */
XmppPresence *
xmpp_contact_get_best_presence (XmppContact *self)
{
  g_return_val_if_fail (XMPP_IS_CONTACT (self), NULL);

  return self->best_presence;
}

/**
 * xmpp_contact_get_presence:
 * @self: a contact
 * @resource: (nullable): a resourcepart, or %NULL for a presence sent
 *   from the bare address
 *
 * Finds the presence of one of the contact's resources.
 *
 * Returns: (transfer none) (nullable): the resource's last available
 *   presence, or %NULL if that resource is not online
 */
XmppPresence *
xmpp_contact_get_presence (XmppContact *self,
                           const char  *resource)
{
  g_return_val_if_fail (XMPP_IS_CONTACT (self), NULL);

  return find_resource (self, resource, NULL);
}

/* ------------------------------------------------------------------ */
/* GObject */

static void
xmpp_contact_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  XmppContact *self = XMPP_CONTACT (object);

  switch (prop_id)
    {
    case PROP_JID: g_value_set_boxed (value, self->jid); break;
    case PROP_NAME: g_value_set_string (value, self->name); break;
    case PROP_GROUPS: g_value_set_boxed (value, self->groups); break;
    case PROP_SUBSCRIPTION: g_value_set_enum (value, self->subscription); break;
    case PROP_ASK: g_value_set_boolean (value, self->ask); break;
    case PROP_APPROVED: g_value_set_boolean (value, self->approved); break;
    case PROP_RESOURCES: g_value_set_object (value, self->resources); break;
    case PROP_BEST_PRESENCE: g_value_set_object (value, self->best_presence); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xmpp_contact_finalize (GObject *object)
{
  XmppContact *self = XMPP_CONTACT (object);

  g_clear_pointer (&self->jid, xmpp_jid_unref);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->groups, g_strfreev);
  g_clear_object (&self->resources);
  g_clear_object (&self->best_presence);

  G_OBJECT_CLASS (xmpp_contact_parent_class)->finalize (object);
}

static void
xmpp_contact_class_init (XmppContactClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = xmpp_contact_get_property;
  object_class->finalize = xmpp_contact_finalize;

  /**
   * XmppContact:jid:
   *
   * The contact's bare address.
   */
  properties[PROP_JID] =
    g_param_spec_boxed ("jid", NULL, NULL, XMPP_TYPE_JID,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppContact:name:
   *
   * The name the user gave the contact, or %NULL.
   */
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppContact:groups:
   *
   * The roster groups the contact is in, in the server's order, without
   * duplicates.
   */
  properties[PROP_GROUPS] =
    g_param_spec_boxed ("groups", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppContact:subscription:
   *
   * The state of the presence subscriptions between the user and the
   * contact.
   */
  properties[PROP_SUBSCRIPTION] =
    g_param_spec_enum ("subscription", NULL, NULL, XMPP_TYPE_SUBSCRIPTION, XMPP_SUBSCRIPTION_NONE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppContact:ask:
   *
   * Whether the user's request to see the contact's presence waits for an
   * answer.
   */
  properties[PROP_ASK] =
    g_param_spec_boolean ("ask", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppContact:approved:
   *
   * Whether the user approved the contact's subscription in advance.
   */
  properties[PROP_APPROVED] =
    g_param_spec_boolean ("approved", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppContact:resources:
   *
   * The available presence of each online resource, in the order they
   * came online: a #GListModel of [class@Xmpp.Presence] that stays the
   * same object.
   */
  properties[PROP_RESOURCES] =
    g_param_spec_object ("resources", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppContact:best-presence:
   *
   * The most available presence of the contact's resources, or %NULL
   * when the contact is offline. It is notified when it becomes another
   * object.
   */
  properties[PROP_BEST_PRESENCE] =
    g_param_spec_object ("best-presence", NULL, NULL, XMPP_TYPE_PRESENCE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
xmpp_contact_init (XmppContact *self)
{
  self->groups = g_new0 (char *, 1);
  self->resources = g_list_store_new (XMPP_TYPE_PRESENCE);
}
