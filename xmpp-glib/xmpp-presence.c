/* xmpp-presence.c: presence (RFC 6121 §4)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "xmpp-im-fields-private.h"

#include <string.h>

/**
 * XmppPresence:
 *
 * A presence stanza (RFC 6121 §4) as a value: its type, addresses,
 * `<show/>`, `<priority/>`, its `<status/>` texts in each language, the
 * time it was delayed to (XEP-0203), and the extension payloads it
 * carries.
 *
 * A presence is either parsed from a received stanza with
 * [ctor@Xmpp.Presence.new_from_stanza], or built by the application with
 * [ctor@Xmpp.Presence.new] and turned into a stanza to send with
 * [method@Xmpp.Presence.to_stanza]:
 *
 * ```c
 * g_autoptr(XmppPresence) presence = xmpp_presence_new (XMPP_PRESENCE_TYPE_AVAILABLE);
 * g_autoptr(XmppStanza) stanza = NULL;
 *
 * xmpp_presence_set_show (presence, XMPP_PRESENCE_SHOW_AWAY);
 * xmpp_presence_set_status (presence, NULL, "Walking the dog");
 * xmpp_presence_set_status (presence, "fr", "Je promène le chien");
 * xmpp_presence_set_priority (presence, 5);
 * stanza = xmpp_presence_to_stanza (presence);
 * ```
 *
 * Parsing then serialising gives the same fields back. The scalar fields
 * are properties that notify only when their value changes.
 *
 * To pick which of a contact's resources to show, sort their available
 * presences with [method@Xmpp.Presence.compare].
 *
 * Strings from the network are kept as they came (the parser has already
 * checked that they are valid UTF-8 and XML); missing attributes and empty
 * elements read as absent values.
 */

struct _XmppPresence
{
  GObject parent_instance;

  XmppImFields fields;
  XmppPresenceType type;
  XmppPresenceShow show;
  int priority;
  XmppLangTexts statuses;
};

G_DEFINE_FINAL_TYPE (XmppPresence, xmpp_presence, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PRESENCE_TYPE,
  PROP_ID,
  PROP_FROM,
  PROP_TO,
  PROP_SHOW,
  PROP_PRIORITY,
  PROP_DELAY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Indexed by XmppPresenceType; available has no type attribute. */
static const char *const type_names[] = {
  NULL, "unavailable", "subscribe", "subscribed", "unsubscribe", "unsubscribed", "probe", "error",
};

/* Indexed by XmppPresenceShow. */
static const char *const show_names[] = { NULL, "chat", "away", "xa", "dnd" };

/* The children a presence reads itself, besides the common ones. */
static const XmppImKnownChild known_children[] = {
  { "show", NULL },
  { "status", NULL },
  { "priority", NULL },
  { NULL, NULL },
};

static void
xmpp_presence_finalize (GObject *object)
{
  XmppPresence *self = XMPP_PRESENCE (object);

  xmpp_im_fields_clear (&self->fields);
  xmpp_lang_texts_clear (&self->statuses);

  G_OBJECT_CLASS (xmpp_presence_parent_class)->finalize (object);
}

static void
xmpp_presence_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  XmppPresence *self = XMPP_PRESENCE (object);

  switch (prop_id)
    {
    case PROP_PRESENCE_TYPE:
      g_value_set_enum (value, self->type);
      break;
    case PROP_ID:
      g_value_set_string (value, self->fields.id);
      break;
    case PROP_FROM:
      g_value_set_boxed (value, self->fields.from);
      break;
    case PROP_TO:
      g_value_set_boxed (value, self->fields.to);
      break;
    case PROP_SHOW:
      g_value_set_enum (value, self->show);
      break;
    case PROP_PRIORITY:
      g_value_set_int (value, self->priority);
      break;
    case PROP_DELAY:
      g_value_set_boxed (value, self->fields.delay);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xmpp_presence_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  XmppPresence *self = XMPP_PRESENCE (object);

  switch (prop_id)
    {
    case PROP_PRESENCE_TYPE:
      xmpp_presence_set_presence_type (self, g_value_get_enum (value));
      break;
    case PROP_ID:
      xmpp_presence_set_id (self, g_value_get_string (value));
      break;
    case PROP_FROM:
      xmpp_presence_set_from (self, g_value_get_boxed (value));
      break;
    case PROP_TO:
      xmpp_presence_set_to (self, g_value_get_boxed (value));
      break;
    case PROP_SHOW:
      xmpp_presence_set_show (self, g_value_get_enum (value));
      break;
    case PROP_PRIORITY:
      xmpp_presence_set_priority (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xmpp_presence_class_init (XmppPresenceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = xmpp_presence_finalize;
  object_class->get_property = xmpp_presence_get_property;
  object_class->set_property = xmpp_presence_set_property;

  /**
   * XmppPresence:presence-type:
   *
   * The `type` of the presence; %XMPP_PRESENCE_TYPE_AVAILABLE when the
   * stanza has no `type` attribute.
   */
  properties[PROP_PRESENCE_TYPE] =
    g_param_spec_enum ("presence-type", NULL, NULL,
                       XMPP_TYPE_PRESENCE_TYPE, XMPP_PRESENCE_TYPE_AVAILABLE,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppPresence:id:
   *
   * The `id` attribute of the stanza, which an error bounce carries back.
   */
  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppPresence:from:
   *
   * The sender, from the `from` attribute; %NULL when the attribute is
   * absent or not a valid address.
   */
  properties[PROP_FROM] =
    g_param_spec_boxed ("from", NULL, NULL, XMPP_TYPE_JID,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppPresence:to:
   *
   * The addressee, from the `to` attribute; %NULL for a presence
   * broadcast to the subscribers.
   */
  properties[PROP_TO] =
    g_param_spec_boxed ("to", NULL, NULL, XMPP_TYPE_JID,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppPresence:show:
   *
   * The `<show/>` of an available presence. A value RFC 6121 does not
   * define reads as %XMPP_PRESENCE_SHOW_NONE.
   */
  properties[PROP_SHOW] =
    g_param_spec_enum ("show", NULL, NULL,
                       XMPP_TYPE_PRESENCE_SHOW, XMPP_PRESENCE_SHOW_NONE,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppPresence:priority:
   *
   * The `<priority/>` of the resource, from -128 to 127; 0 when absent.
   * A received priority that is not an integer reads as 0, one out of
   * range is clamped.
   */
  properties[PROP_PRIORITY] =
    g_param_spec_int ("priority", NULL, NULL, -128, 127, 0,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppPresence:delay:
   *
   * When the presence was originally sent, in UTC, if it was delayed
   * (XEP-0203, or the legacy XEP-0091): the server sends the last
   * presence of a contact with a delay when it was not sent just now.
   */
  properties[PROP_DELAY] =
    g_param_spec_boxed ("delay", NULL, NULL, G_TYPE_DATE_TIME,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
xmpp_presence_init (XmppPresence *self)
{
}

/**
 * xmpp_presence_new:
 * @type: the type of the presence
 *
 * Creates a presence with no address, no `<show/>`, no status and a
 * priority of 0: with %XMPP_PRESENCE_TYPE_AVAILABLE, the initial presence
 * a client broadcasts once connected.
 *
 * Returns: (transfer full): a new presence
 */
XmppPresence *
xmpp_presence_new (XmppPresenceType type)
{
  g_return_val_if_fail ((guint) type <= XMPP_PRESENCE_TYPE_ERROR, NULL);

  return g_object_new (XMPP_TYPE_PRESENCE, "presence-type", type, NULL);
}

/* xs:byte, white space around it allowed (g_ascii_strtoll() skips the
 * leading one); whatever is not an integer reads as 0, the rest is
 * clamped. */
static int
parse_priority (const char *text)
{
  gint64 value;
  char *end;

  if (text == NULL)
    return 0;
  value = g_ascii_strtoll (text, &end, 10);
  if (end == text)
    return 0;
  while (g_ascii_isspace (*end))
    end++;
  return *end == '\0' ? CLAMP (value, -128, 127) : 0;
}

/**
 * xmpp_presence_new_from_stanza:
 * @stanza: a received stanza
 *
 * Reads a presence stanza. A `type` RFC 6121 does not define makes it
 * unusable, so it gives %NULL, as does a stanza that is not a presence.
 * An unknown `<show/>` reads as %XMPP_PRESENCE_SHOW_NONE; a
 * `<priority/>` that is not an integer as 0, one out of range is clamped
 * to -128..127. Of several `<status/>` in the same language, the first
 * counts.
 *
 * The children that are none of `<show/>`, `<status/>`, `<priority/>`,
 * `<error/>` and the delays are the payloads
 * ([method@Xmpp.Presence.get_payloads]).
 *
 * PyGObject raises `TypeError` where a constructor returns %NULL: from
 * Python, expect it for a stanza that is not a presence of a known type.
 *
 * Returns: (transfer full) (nullable): the presence, or %NULL if @stanza
 *   is not a presence of a known type
 */
XmppPresence *
xmpp_presence_new_from_stanza (XmppStanza *stanza)
{
  XmppPresence *self;
  XmppElement *root;
  const char *ns;
  const char *type_attr;
  guint type = XMPP_PRESENCE_TYPE_AVAILABLE;
  guint show = XMPP_PRESENCE_SHOW_NONE;

  g_return_val_if_fail (stanza != NULL, NULL);

  if (xmpp_stanza_get_kind (stanza) != XMPP_STANZA_KIND_PRESENCE)
    return NULL;
  type_attr = xmpp_stanza_get_stanza_type (stanza);
  if (type_attr != NULL &&
      !xmpp_im_lookup_name (type_names, G_N_ELEMENTS (type_names), type_attr, &type))
    return NULL;

  root = xmpp_stanza_get_element (stanza);
  ns = xmpp_element_get_namespace (root);
  self = g_object_new (XMPP_TYPE_PRESENCE, NULL);
  self->type = type;
  xmpp_im_fields_read (&self->fields, stanza, known_children);
  xmpp_im_lookup_name (show_names, G_N_ELEMENTS (show_names),
                       xmpp_element_get_child_text (root, "show", ns), &show);
  self->show = show;
  self->priority = parse_priority (xmpp_element_get_child_text (root, "priority", ns));
  xmpp_lang_texts_read (&self->statuses, root, "status");
  return self;
}

/**
 * xmpp_presence_to_stanza:
 * @self: a presence
 *
 * Writes the presence as a new `jabber:client` stanza: the `type` (none
 * for available), `id`, `from` and `to` attributes, the `<show/>`, the
 * `<status/>` texts (with `xml:lang` where a language is set), the
 * `<priority/>` when it is not 0, the delay (XEP-0203) if there is one,
 * copies of the payloads, and for an error the received `<error/>`.
 *
 * Returns: (transfer full): a new stanza
 */
XmppStanza *
xmpp_presence_to_stanza (XmppPresence *self)
{
  XmppStanza *stanza;
  XmppElement *root;

  g_return_val_if_fail (XMPP_IS_PRESENCE (self), NULL);

  stanza = xmpp_im_fields_write_start (&self->fields, XMPP_STANZA_KIND_PRESENCE,
                                       type_names[self->type]);
  root = xmpp_stanza_get_element (stanza);
  if (self->show != XMPP_PRESENCE_SHOW_NONE)
    xmpp_element_add_child_with_text (root, "show", NULL, show_names[self->show]);
  xmpp_lang_texts_write (&self->statuses, root, "status");
  if (self->priority != 0)
    {
      char priority[8];

      g_snprintf (priority, sizeof priority, "%d", self->priority);
      xmpp_element_add_child_with_text (root, "priority", NULL, priority);
    }
  xmpp_im_fields_write_end (&self->fields, stanza, self->type == XMPP_PRESENCE_TYPE_ERROR);
  return stanza;
}

/**
 * xmpp_presence_get_stanza:
 * @self: a presence
 *
 * Gives the stanza @self was parsed from, as it was received: changes
 * made to @self since do not show in it.
 *
 * Returns: (transfer none) (nullable): the stanza, or %NULL for a
 *   presence the application built
 */
XmppStanza *
xmpp_presence_get_stanza (XmppPresence *self)
{
  g_return_val_if_fail (XMPP_IS_PRESENCE (self), NULL);

  return self->fields.stanza;
}

/**
 * xmpp_presence_get_presence_type:
 * @self: a presence
 *
 * Gives [property@Xmpp.Presence:presence-type].
 *
 * Returns: the type
 */
XmppPresenceType
xmpp_presence_get_presence_type (XmppPresence *self)
{
  g_return_val_if_fail (XMPP_IS_PRESENCE (self), XMPP_PRESENCE_TYPE_AVAILABLE);

  return self->type;
}

/**
 * xmpp_presence_set_presence_type:
 * @self: a presence
 * @type: the new type
 *
 * Sets [property@Xmpp.Presence:presence-type].
 */
void
xmpp_presence_set_presence_type (XmppPresence     *self,
                                 XmppPresenceType  type)
{
  g_return_if_fail (XMPP_IS_PRESENCE (self));
  g_return_if_fail ((guint) type <= XMPP_PRESENCE_TYPE_ERROR);

  if (self->type == type)
    return;
  self->type = type;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRESENCE_TYPE]);
}

/**
 * xmpp_presence_get_id:
 * @self: a presence
 *
 * Gives [property@Xmpp.Presence:id].
 *
 * Returns: (nullable): the id, or %NULL if there is none
 */
const char *
xmpp_presence_get_id (XmppPresence *self)
{
  g_return_val_if_fail (XMPP_IS_PRESENCE (self), NULL);

  return self->fields.id;
}

/**
 * xmpp_presence_set_id:
 * @self: a presence
 * @id: (nullable): the new id, or %NULL for none
 *
 * Sets [property@Xmpp.Presence:id].
 */
void
xmpp_presence_set_id (XmppPresence *self,
                      const char   *id)
{
  g_return_if_fail (XMPP_IS_PRESENCE (self));

  xmpp_im_set_string (G_OBJECT (self), &self->fields.id, id, properties[PROP_ID]);
}

/**
 * xmpp_presence_get_from:
 * @self: a presence
 *
 * Gives [property@Xmpp.Presence:from].
 *
 * Returns: (transfer none) (nullable): the sender, or %NULL
 */
XmppJid *
xmpp_presence_get_from (XmppPresence *self)
{
  g_return_val_if_fail (XMPP_IS_PRESENCE (self), NULL);

  return self->fields.from;
}

/**
 * xmpp_presence_set_from:
 * @self: a presence
 * @from: (nullable): the sender, or %NULL to let the server fill it in
 *
 * Sets [property@Xmpp.Presence:from].
 */
void
xmpp_presence_set_from (XmppPresence *self,
                        XmppJid      *from)
{
  g_return_if_fail (XMPP_IS_PRESENCE (self));

  xmpp_im_set_jid (G_OBJECT (self), &self->fields.from, from, properties[PROP_FROM]);
}

/**
 * xmpp_presence_get_to:
 * @self: a presence
 *
 * Gives [property@Xmpp.Presence:to].
 *
 * Returns: (transfer none) (nullable): the addressee, or %NULL
 */
XmppJid *
xmpp_presence_get_to (XmppPresence *self)
{
  g_return_val_if_fail (XMPP_IS_PRESENCE (self), NULL);

  return self->fields.to;
}

/**
 * xmpp_presence_set_to:
 * @self: a presence
 * @to: (nullable): the addressee, or %NULL to broadcast
 *
 * Sets [property@Xmpp.Presence:to]: a directed presence, or a
 * subscription request, goes to one address.
 */
void
xmpp_presence_set_to (XmppPresence *self,
                      XmppJid      *to)
{
  g_return_if_fail (XMPP_IS_PRESENCE (self));

  xmpp_im_set_jid (G_OBJECT (self), &self->fields.to, to, properties[PROP_TO]);
}

/**
 * xmpp_presence_get_show:
 * @self: a presence
 *
 * Gives [property@Xmpp.Presence:show].
 *
 * Returns: the availability
 */
XmppPresenceShow
xmpp_presence_get_show (XmppPresence *self)
{
  g_return_val_if_fail (XMPP_IS_PRESENCE (self), XMPP_PRESENCE_SHOW_NONE);

  return self->show;
}

/**
 * xmpp_presence_set_show:
 * @self: a presence
 * @show: the availability
 *
 * Sets [property@Xmpp.Presence:show]; %XMPP_PRESENCE_SHOW_NONE leaves
 * the `<show/>` out.
 */
void
xmpp_presence_set_show (XmppPresence     *self,
                        XmppPresenceShow  show)
{
  g_return_if_fail (XMPP_IS_PRESENCE (self));
  g_return_if_fail ((guint) show <= XMPP_PRESENCE_SHOW_DND);

  if (self->show == show)
    return;
  self->show = show;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW]);
}

/**
 * xmpp_presence_get_priority:
 * @self: a presence
 *
 * Gives [property@Xmpp.Presence:priority].
 *
 * Returns: the priority, from -128 to 127
 */
int
xmpp_presence_get_priority (XmppPresence *self)
{
  g_return_val_if_fail (XMPP_IS_PRESENCE (self), 0);

  return self->priority;
}

/**
 * xmpp_presence_set_priority:
 * @self: a presence
 * @priority: the priority; a value out of -128..127 is clamped
 *
 * Sets [property@Xmpp.Presence:priority]. A negative priority asks the
 * server not to deliver messages for the bare JID to this resource.
 */
void
xmpp_presence_set_priority (XmppPresence *self,
                            int           priority)
{
  g_return_if_fail (XMPP_IS_PRESENCE (self));

  priority = CLAMP (priority, -128, 127);
  if (self->priority == priority)
    return;
  self->priority = priority;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRIORITY]);
}

/**
 * xmpp_presence_get_status:
 * @self: a presence
 * @lang: (nullable): a language tag such as `de`, or %NULL for the
 *   default
 *
 * Gives a `<status/>` text. With %NULL, the one without `xml:lang` if
 * there is one (it is in the stanza's default language), else the first;
 * with a language, the one in exactly that language (compared without
 * regard to ASCII case), or %NULL. The empty string stands for the one
 * without `xml:lang`.
 *
 * Returns: (nullable): the status text, or %NULL
 */
const char *
xmpp_presence_get_status (XmppPresence *self,
                          const char   *lang)
{
  g_return_val_if_fail (XMPP_IS_PRESENCE (self), NULL);

  return xmpp_lang_texts_lookup (&self->statuses, lang);
}

/**
 * xmpp_presence_set_status:
 * @self: a presence
 * @lang: (nullable): a language tag, or %NULL (or the empty string) for
 *   the status without `xml:lang`
 * @status: (nullable): the text, or %NULL to remove the status in @lang
 *
 * Sets or removes the `<status/>` in one language. A new language comes
 * after the existing ones.
 */
void
xmpp_presence_set_status (XmppPresence *self,
                          const char   *lang,
                          const char   *status)
{
  g_return_if_fail (XMPP_IS_PRESENCE (self));

  xmpp_lang_texts_replace (&self->statuses, lang, status);
}

/**
 * xmpp_presence_get_status_languages:
 * @self: a presence
 *
 * Lists the languages of the `<status/>` texts in document order, the
 * empty string standing for the one without `xml:lang`.
 *
 * Returns: (transfer full) (array zero-terminated=1): the languages,
 *   possibly none
 */
char **
xmpp_presence_get_status_languages (XmppPresence *self)
{
  g_return_val_if_fail (XMPP_IS_PRESENCE (self), NULL);

  return xmpp_lang_texts_dup_languages (&self->statuses);
}

/**
 * xmpp_presence_get_delay:
 * @self: a presence
 *
 * Gives [property@Xmpp.Presence:delay]: when the presence was first
 * sent, from a XEP-0203 `<delay/>` (or, when there is none, a legacy
 * XEP-0091 `<x xmlns='jabber:x:delay'/>`).
 *
 * Returns: (transfer none) (nullable): the time in UTC, or %NULL if the
 *   presence was not delayed
 */
GDateTime *
xmpp_presence_get_delay (XmppPresence *self)
{
  g_return_val_if_fail (XMPP_IS_PRESENCE (self), NULL);

  return self->fields.delay;
}

/**
 * xmpp_presence_add_payload:
 * @self: a presence
 * @payload: an extension element, such as a XEP-0115 `<c/>`
 *
 * Appends a payload. @self keeps a reference to @payload, so a later
 * change to it shows in the next [method@Xmpp.Presence.to_stanza], which
 * writes a copy (an element has only one parent).
 */
void
xmpp_presence_add_payload (XmppPresence *self,
                           XmppElement  *payload)
{
  g_return_if_fail (XMPP_IS_PRESENCE (self));
  g_return_if_fail (payload != NULL);

  xmpp_im_fields_add_payload (&self->fields, payload);
}

/**
 * xmpp_presence_get_payloads:
 * @self: a presence
 *
 * Gives the extension elements, in order: for a parsed presence, the
 * children that are none of `<show/>`, `<status/>`, `<priority/>`,
 * `<error/>` and the delays; then those added with
 * [method@Xmpp.Presence.add_payload].
 *
 * Returns: (transfer container) (element-type XmppElement): the payloads
 */
GPtrArray *
xmpp_presence_get_payloads (XmppPresence *self)
{
  g_return_val_if_fail (XMPP_IS_PRESENCE (self), NULL);

  return xmpp_im_fields_dup_payloads (&self->fields);
}

/**
 * xmpp_presence_is_available:
 * @self: a presence
 *
 * Tells whether the sender is online: the type is
 * %XMPP_PRESENCE_TYPE_AVAILABLE, whatever the `<show/>`.
 *
 * Returns: %TRUE for an available presence
 */
gboolean
xmpp_presence_is_available (XmppPresence *self)
{
  g_return_val_if_fail (XMPP_IS_PRESENCE (self), FALSE);

  return self->type == XMPP_PRESENCE_TYPE_AVAILABLE;
}

/* Indexed by XmppPresenceShow: lower is more available. */
static const int show_rank[] = { 1, 0, 2, 3, 4 };

/**
 * xmpp_presence_compare:
 * @a: a presence
 * @b: another presence
 *
 * Orders the presences of a contact's resources best first, to choose the
 * one to show: an available presence comes before any other, then the
 * higher priority, then the more available `<show/>` (chat, none, away,
 * xa, dnd). Cast to a #GCompareFunc, it sorts a #GList of presences
 * with g_list_sort().
 *
 * Returns: a negative number if @a is better than @b, a positive one if
 *   it is worse, 0 if they rank the same
 */
int
xmpp_presence_compare (XmppPresence *a,
                       XmppPresence *b)
{
  g_return_val_if_fail (XMPP_IS_PRESENCE (a), 0);
  g_return_val_if_fail (XMPP_IS_PRESENCE (b), 0);

  if (xmpp_presence_is_available (a) != xmpp_presence_is_available (b))
    return xmpp_presence_is_available (a) ? -1 : 1;
  if (a->priority != b->priority)
    return a->priority > b->priority ? -1 : 1;
  return show_rank[a->show] - show_rank[b->show];
}

/**
 * xmpp_presence_check_error:
 * @self: a presence
 * @error: return location for a #GError
 *
 * Turns a presence of type %XMPP_PRESENCE_TYPE_ERROR into a #GError in
 * the %XMPP_STANZA_ERROR domain, as [method@Xmpp.Stanza.check_error]
 * does for the received stanza (or, for a presence built or changed into
 * an error, for [method@Xmpp.Presence.to_stanza]).
 *
 * Returns: %TRUE if @self is not an error, %FALSE with @error set if it
 *   is
 */
gboolean
xmpp_presence_check_error (XmppPresence *self,
                           GError      **error)
{
  g_return_val_if_fail (XMPP_IS_PRESENCE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->type != XMPP_PRESENCE_TYPE_ERROR)
    return TRUE;
  return xmpp_im_fields_check_error (&self->fields, (XmppImToStanza) xmpp_presence_to_stanza,
                                     self, error);
}
