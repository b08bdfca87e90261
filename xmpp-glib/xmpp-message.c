/* xmpp-message.c: messages (RFC 6121 §5) with delay, thread and ids
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "xmpp-im-fields-private.h"

#include <string.h>

#define XMPP_NS_SID "urn:xmpp:sid:0"

/**
 * XmppMessage:
 *
 * A message stanza (RFC 6121 §5) as a value: its type, addresses and id,
 * its `<body/>` and `<subject/>` texts in each language, its `<thread/>`
 * (with the parent thread), the time it was delayed to (XEP-0203, or the
 * legacy XEP-0091), its unique ids (XEP-0359), and the extension payloads
 * it carries, such as a chat state.
 *
 * A message is either parsed from a received stanza with
 * [ctor@Xmpp.Message.new_from_stanza], or built by the application with
 * [ctor@Xmpp.Message.new] and turned into a stanza to send with
 * [method@Xmpp.Message.to_stanza]:
 *
 * ```c
 * g_autoptr(XmppMessage) message = xmpp_message_new (XMPP_MESSAGE_TYPE_CHAT, romeo,
 *                                                    "Art thou not Romeo?");
 * g_autoptr(XmppElement) active = xmpp_element_new ("active",
 *                                                   "http://jabber.org/protocol/chatstates");
 * g_autoptr(XmppStanza) stanza = NULL;
 *
 * xmpp_message_set_body (message, "de", "Bist du nicht Romeo?");
 * xmpp_message_set_thread (message, "e0ffe42b28561960c6b12b944a092794b9683a38", NULL);
 * xmpp_message_add_payload (message, active);
 * stanza = xmpp_message_to_stanza (message);
 * ```
 *
 * [ctor@Xmpp.Message.new] gives the message a random, unguessable
 * XEP-0359 origin id, and the same value as its `id`, so that the
 * application can recognise the message when it comes back: as a carbon
 * or archive copy ([method@Xmpp.Message.get_origin_id]) or as an error
 * bounce ([method@Xmpp.Message.get_id]).
 *
 * Parsing then serialising gives the same fields back. The scalar fields
 * are properties that notify only when their value changes.
 *
 * Strings from the network are kept as they came (the parser has already
 * checked that they are valid UTF-8 and XML); missing attributes and empty
 * elements read as absent values.
 */

typedef struct
{
  XmppJid *by;
  char *id;
} StanzaId;

struct _XmppMessage
{
  GObject parent_instance;

  XmppImFields fields;
  XmppMessageType type;
  XmppLangTexts bodies;
  XmppLangTexts subjects;
  char *thread;
  char *parent_thread;
  char *origin_id;
  GArray *stanza_ids;   /* of StanzaId; NULL for none */
};

G_DEFINE_FINAL_TYPE (XmppMessage, xmpp_message, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_MESSAGE_TYPE,
  PROP_ID,
  PROP_FROM,
  PROP_TO,
  PROP_THREAD,
  PROP_PARENT_THREAD,
  PROP_ORIGIN_ID,
  PROP_DELAY,
  PROP_DELAY_FROM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Indexed by XmppMessageType. */
static const char *const type_names[] = { "normal", "chat", "groupchat", "headline", "error" };

/* The children a message reads itself, besides the common ones. */
static const XmppImKnownChild known_children[] = {
  { "body", NULL },
  { "subject", NULL },
  { "thread", NULL },
  { "origin-id", XMPP_NS_SID },
  { "stanza-id", XMPP_NS_SID },
  { NULL, NULL },
};

static void
stanza_id_clear (gpointer data)
{
  StanzaId *stanza_id = data;

  g_clear_pointer (&stanza_id->by, xmpp_jid_unref);
  g_clear_pointer (&stanza_id->id, g_free);
}

static void
xmpp_message_finalize (GObject *object)
{
  XmppMessage *self = XMPP_MESSAGE (object);

  xmpp_im_fields_clear (&self->fields);
  xmpp_lang_texts_clear (&self->bodies);
  xmpp_lang_texts_clear (&self->subjects);
  g_free (self->thread);
  g_free (self->parent_thread);
  g_free (self->origin_id);
  g_clear_pointer (&self->stanza_ids, g_array_unref);

  G_OBJECT_CLASS (xmpp_message_parent_class)->finalize (object);
}

static void
xmpp_message_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  XmppMessage *self = XMPP_MESSAGE (object);

  switch (prop_id)
    {
    case PROP_MESSAGE_TYPE:
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
    case PROP_THREAD:
      g_value_set_string (value, self->thread);
      break;
    case PROP_PARENT_THREAD:
      g_value_set_string (value, self->parent_thread);
      break;
    case PROP_ORIGIN_ID:
      g_value_set_string (value, self->origin_id);
      break;
    case PROP_DELAY:
      g_value_set_boxed (value, self->fields.delay);
      break;
    case PROP_DELAY_FROM:
      g_value_set_boxed (value, self->fields.delay_from);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xmpp_message_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  XmppMessage *self = XMPP_MESSAGE (object);

  switch (prop_id)
    {
    case PROP_MESSAGE_TYPE:
      xmpp_message_set_message_type (self, g_value_get_enum (value));
      break;
    case PROP_ID:
      xmpp_message_set_id (self, g_value_get_string (value));
      break;
    case PROP_FROM:
      xmpp_message_set_from (self, g_value_get_boxed (value));
      break;
    case PROP_TO:
      xmpp_message_set_to (self, g_value_get_boxed (value));
      break;
    case PROP_THREAD:
      xmpp_message_set_thread (self, g_value_get_string (value), self->parent_thread);
      break;
    case PROP_PARENT_THREAD:
      xmpp_message_set_thread (self, self->thread, g_value_get_string (value));
      break;
    case PROP_ORIGIN_ID:
      xmpp_message_set_origin_id (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xmpp_message_class_init (XmppMessageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = xmpp_message_finalize;
  object_class->get_property = xmpp_message_get_property;
  object_class->set_property = xmpp_message_set_property;

  /**
   * XmppMessage:message-type:
   *
   * The `type` of the message; %XMPP_MESSAGE_TYPE_NORMAL when the stanza
   * has no `type` attribute or one RFC 6121 does not define.
   */
  properties[PROP_MESSAGE_TYPE] =
    g_param_spec_enum ("message-type", NULL, NULL,
                       XMPP_TYPE_MESSAGE_TYPE, XMPP_MESSAGE_TYPE_NORMAL,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppMessage:id:
   *
   * The `id` attribute of the stanza, which an error bounce carries back.
   */
  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppMessage:from:
   *
   * The sender, from the `from` attribute; %NULL when the attribute is
   * absent or not a valid address.
   */
  properties[PROP_FROM] =
    g_param_spec_boxed ("from", NULL, NULL, XMPP_TYPE_JID,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppMessage:to:
   *
   * The addressee, from the `to` attribute; %NULL when the attribute is
   * absent or not a valid address.
   */
  properties[PROP_TO] =
    g_param_spec_boxed ("to", NULL, NULL, XMPP_TYPE_JID,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppMessage:thread:
   *
   * The `<thread/>`: the id of the conversation thread the message
   * belongs to (RFC 6121 §5.2.5).
   */
  properties[PROP_THREAD] =
    g_param_spec_string ("thread", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppMessage:parent-thread:
   *
   * The `parent` attribute of the `<thread/>`: the thread that
   * [property@Xmpp.Message:thread] branched from. Always %NULL when there
   * is no thread.
   */
  properties[PROP_PARENT_THREAD] =
    g_param_spec_string ("parent-thread", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppMessage:origin-id:
   *
   * The XEP-0359 `<origin-id/>`: the unique id the sending client gave
   * the message, kept by servers, archives and carbons.
   */
  properties[PROP_ORIGIN_ID] =
    g_param_spec_string ("origin-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppMessage:delay:
   *
   * When the message was originally sent, in UTC, if its delivery was
   * delayed: stored offline, or replayed from a room's history
   * (XEP-0203, or the legacy XEP-0091).
   */
  properties[PROP_DELAY] =
    g_param_spec_boxed ("delay", NULL, NULL, G_TYPE_DATE_TIME,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppMessage:delay-from:
   *
   * The entity that delayed the message, from the `from` of the delay;
   * %NULL when there is no delay or it names no valid address.
   */
  properties[PROP_DELAY_FROM] =
    g_param_spec_boxed ("delay-from", NULL, NULL, XMPP_TYPE_JID,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
xmpp_message_init (XmppMessage *self)
{
}

/**
 * xmpp_message_new:
 * @type: the type of the message
 * @to: (nullable): the addressee, or %NULL for the user's own account
 * @body: (nullable): the body, without `xml:lang`, or %NULL for none
 *
 * Creates a message to send. It gets a random, unguessable origin id
 * (XEP-0359) and the same value as its `id`, so that the application can
 * match the copies and the error bounces of the message that come back.
 *
 * Returns: (transfer full): a new message
 */
XmppMessage *
xmpp_message_new (XmppMessageType  type,
                  XmppJid         *to,
                  const char      *body)
{
  XmppMessage *self;

  g_return_val_if_fail ((guint) type <= XMPP_MESSAGE_TYPE_ERROR, NULL);

  self = g_object_new (XMPP_TYPE_MESSAGE, "message-type", type, "to", to, NULL);
  self->origin_id = g_uuid_string_random ();
  self->fields.id = g_strdup (self->origin_id);
  xmpp_lang_texts_replace (&self->bodies, NULL, body);
  return self;
}

static void
add_stanza_id (XmppMessage *self,
               const char  *by,
               const char  *id)
{
  StanzaId stanza_id;

  stanza_id.by = by != NULL ? xmpp_jid_new (by, NULL) : NULL;
  if (stanza_id.by == NULL)
    return;
  stanza_id.id = g_strdup (id);
  if (self->stanza_ids == NULL)
    {
      self->stanza_ids = g_array_new (FALSE, FALSE, sizeof (StanzaId));
      g_array_set_clear_func (self->stanza_ids, stanza_id_clear);
    }
  g_array_append_val (self->stanza_ids, stanza_id);
}

static void
read_ids (XmppMessage *self,
          XmppElement *root)
{
  for (XmppElement *child = xmpp_element_get_first_child (root); child != NULL;
       child = xmpp_element_get_next_sibling (child))
    {
      const char *id = xmpp_element_get_attribute (child, "id");

      if (id == NULL)
        continue;
      if (self->origin_id == NULL && xmpp_element_is (child, "origin-id", XMPP_NS_SID))
        self->origin_id = g_strdup (id);
      else if (xmpp_element_is (child, "stanza-id", XMPP_NS_SID))
        add_stanza_id (self, xmpp_element_get_attribute (child, "by"), id);
    }
}

static void
read_thread (XmppMessage *self,
             XmppElement *root)
{
  XmppElement *thread = xmpp_element_get_child (root, "thread", xmpp_element_get_namespace (root));

  if (thread == NULL || xmpp_element_get_text (thread) == NULL)
    return;
  self->thread = g_strdup (xmpp_element_get_text (thread));
  self->parent_thread = g_strdup (xmpp_element_get_attribute (thread, "parent"));
}

/**
 * xmpp_message_new_from_stanza:
 * @stanza: a received stanza
 *
 * Reads a message stanza. As RFC 6121 §5.2.2 requires, a message without
 * a `type`, or with one the RFC does not define, is
 * %XMPP_MESSAGE_TYPE_NORMAL. Of several `<body/>` or `<subject/>` in the
 * same language, the first counts.
 *
 * The delay comes from the first XEP-0203 `<delay/>` with a valid stamp,
 * or when there is none from a legacy XEP-0091
 * `<x xmlns='jabber:x:delay'/>`. The XEP-0359 `<stanza-id/>`s are kept by
 * the entity that added them (see [method@Xmpp.Message.get_stanza_id]).
 *
 * The children that are none of `<body/>`, `<subject/>`, `<thread/>`,
 * `<error/>`, the delays, `<origin-id/>` and `<stanza-id/>` are the
 * payloads ([method@Xmpp.Message.get_payloads]).
 *
 * PyGObject raises `TypeError` where a constructor returns %NULL: from
 * Python, check that the kind of @stanza is %XMPP_STANZA_KIND_MESSAGE
 * first.
 *
 * Returns: (transfer full) (nullable): the message, or %NULL if @stanza
 *   is not a message
 */
XmppMessage *
xmpp_message_new_from_stanza (XmppStanza *stanza)
{
  XmppMessage *self;
  XmppElement *root;
  guint type = XMPP_MESSAGE_TYPE_NORMAL;

  g_return_val_if_fail (stanza != NULL, NULL);

  if (xmpp_stanza_get_kind (stanza) != XMPP_STANZA_KIND_MESSAGE)
    return NULL;

  root = xmpp_stanza_get_element (stanza);
  xmpp_im_lookup_name (type_names, G_N_ELEMENTS (type_names),
                       xmpp_stanza_get_stanza_type (stanza), &type);
  self = g_object_new (XMPP_TYPE_MESSAGE, NULL);
  self->type = type;
  xmpp_im_fields_read (&self->fields, stanza, known_children);
  xmpp_lang_texts_read (&self->subjects, root, "subject");
  xmpp_lang_texts_read (&self->bodies, root, "body");
  read_thread (self, root);
  read_ids (self, root);
  return self;
}

/**
 * xmpp_message_to_stanza:
 * @self: a message
 *
 * Writes the message as a new `jabber:client` stanza: the `type` (none
 * for normal), `id`, `from` and `to` attributes, the `<subject/>` and
 * `<body/>` texts (with `xml:lang` where a language is set), the
 * `<thread/>` with its `parent`, the `<origin-id/>`, the delay
 * (XEP-0203) if there is one, copies of the payloads, and for an error
 * the received `<error/>`. The `<stanza-id/>`s are left out: only the
 * entity that assigns one may add it.
 *
 * Returns: (transfer full): a new stanza
 */
XmppStanza *
xmpp_message_to_stanza (XmppMessage *self)
{
  XmppStanza *stanza;
  XmppElement *root;
  const char *type;

  g_return_val_if_fail (XMPP_IS_MESSAGE (self), NULL);

  /* Normal is the default: no type attribute. */
  type = self->type != XMPP_MESSAGE_TYPE_NORMAL ? type_names[self->type] : NULL;
  stanza = xmpp_im_fields_write_start (&self->fields, XMPP_STANZA_KIND_MESSAGE, type);
  root = xmpp_stanza_get_element (stanza);
  xmpp_lang_texts_write (&self->subjects, root, "subject");
  xmpp_lang_texts_write (&self->bodies, root, "body");
  if (self->thread != NULL)
    {
      XmppElement *thread = xmpp_element_add_child_with_text (root, "thread", NULL, self->thread);

      xmpp_element_set_attribute (thread, "parent", self->parent_thread);
    }
  if (self->origin_id != NULL)
    {
      XmppElement *origin_id = xmpp_element_add_child_new (root, "origin-id", XMPP_NS_SID);

      xmpp_element_set_attribute (origin_id, "id", self->origin_id);
    }
  xmpp_im_fields_write_end (&self->fields, stanza, self->type == XMPP_MESSAGE_TYPE_ERROR);
  return stanza;
}

/**
 * xmpp_message_get_stanza:
 * @self: a message
 *
 * Gives the stanza @self was parsed from, as it was received: changes
 * made to @self since do not show in it.
 *
 * Returns: (transfer none) (nullable): the stanza, or %NULL for a message
 *   the application built
 */
XmppStanza *
xmpp_message_get_stanza (XmppMessage *self)
{
  g_return_val_if_fail (XMPP_IS_MESSAGE (self), NULL);

  return self->fields.stanza;
}

/**
 * xmpp_message_make_reply:
 * @self: a received message
 * @body: (nullable): the body of the reply, or %NULL for none
 *
 * Creates the answer to @self, as [ctor@Xmpp.Message.new] does: to the
 * sender of @self, of the same type, in the same thread (with the same
 * parent). The answer to a groupchat message goes to the room, the bare
 * JID of its sender; the answer to an error is a normal message. A
 * message without `from` came from the user's own account, and so does
 * the reply go to it, without `to`.
 *
 * Returns: (transfer full): the reply
 */
XmppMessage *
xmpp_message_make_reply (XmppMessage *self,
                         const char  *body)
{
  XmppMessage *reply;
  XmppMessageType type;
  XmppJid *to;

  g_return_val_if_fail (XMPP_IS_MESSAGE (self), NULL);

  type = self->type != XMPP_MESSAGE_TYPE_ERROR ? self->type : XMPP_MESSAGE_TYPE_NORMAL;
  to = self->fields.from;
  if (to != NULL && self->type == XMPP_MESSAGE_TYPE_GROUPCHAT)
    to = xmpp_jid_get_bare (to);
  reply = xmpp_message_new (type, to, body);
  xmpp_message_set_thread (reply, self->thread, self->parent_thread);
  return reply;
}

/**
 * xmpp_message_get_message_type:
 * @self: a message
 *
 * Gives [property@Xmpp.Message:message-type].
 *
 * Returns: the type
 */
XmppMessageType
xmpp_message_get_message_type (XmppMessage *self)
{
  g_return_val_if_fail (XMPP_IS_MESSAGE (self), XMPP_MESSAGE_TYPE_NORMAL);

  return self->type;
}

/**
 * xmpp_message_set_message_type:
 * @self: a message
 * @type: the new type
 *
 * Sets [property@Xmpp.Message:message-type].
 */
void
xmpp_message_set_message_type (XmppMessage     *self,
                               XmppMessageType  type)
{
  g_return_if_fail (XMPP_IS_MESSAGE (self));
  g_return_if_fail ((guint) type <= XMPP_MESSAGE_TYPE_ERROR);

  if (self->type == type)
    return;
  self->type = type;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE_TYPE]);
}

/**
 * xmpp_message_get_id:
 * @self: a message
 *
 * Gives [property@Xmpp.Message:id].
 *
 * Returns: (nullable): the id, or %NULL if there is none
 */
const char *
xmpp_message_get_id (XmppMessage *self)
{
  g_return_val_if_fail (XMPP_IS_MESSAGE (self), NULL);

  return self->fields.id;
}

/**
 * xmpp_message_set_id:
 * @self: a message
 * @id: (nullable): the new id, or %NULL for none
 *
 * Sets [property@Xmpp.Message:id].
 */
void
xmpp_message_set_id (XmppMessage *self,
                     const char  *id)
{
  g_return_if_fail (XMPP_IS_MESSAGE (self));

  xmpp_im_set_string (G_OBJECT (self), &self->fields.id, id, properties[PROP_ID]);
}

/**
 * xmpp_message_get_from:
 * @self: a message
 *
 * Gives [property@Xmpp.Message:from].
 *
 * Returns: (transfer none) (nullable): the sender, or %NULL
 */
XmppJid *
xmpp_message_get_from (XmppMessage *self)
{
  g_return_val_if_fail (XMPP_IS_MESSAGE (self), NULL);

  return self->fields.from;
}

/**
 * xmpp_message_set_from:
 * @self: a message
 * @from: (nullable): the sender, or %NULL to let the server fill it in
 *
 * Sets [property@Xmpp.Message:from].
 */
void
xmpp_message_set_from (XmppMessage *self,
                       XmppJid     *from)
{
  g_return_if_fail (XMPP_IS_MESSAGE (self));

  xmpp_im_set_jid (G_OBJECT (self), &self->fields.from, from, properties[PROP_FROM]);
}

/**
 * xmpp_message_get_to:
 * @self: a message
 *
 * Gives [property@Xmpp.Message:to].
 *
 * Returns: (transfer none) (nullable): the addressee, or %NULL
 */
XmppJid *
xmpp_message_get_to (XmppMessage *self)
{
  g_return_val_if_fail (XMPP_IS_MESSAGE (self), NULL);

  return self->fields.to;
}

/**
 * xmpp_message_set_to:
 * @self: a message
 * @to: (nullable): the addressee, or %NULL for the user's own account
 *
 * Sets [property@Xmpp.Message:to].
 */
void
xmpp_message_set_to (XmppMessage *self,
                     XmppJid     *to)
{
  g_return_if_fail (XMPP_IS_MESSAGE (self));

  xmpp_im_set_jid (G_OBJECT (self), &self->fields.to, to, properties[PROP_TO]);
}

/**
 * xmpp_message_get_body:
 * @self: a message
 * @lang: (nullable): a language tag such as `de`, or %NULL for the
 *   default
 *
 * Gives a `<body/>`. With %NULL, the one without `xml:lang` if there is
 * one (it is in the stanza's default language), else the first; with a
 * language, the one in exactly that language (compared without regard to
 * ASCII case), or %NULL. The empty string stands for the one without
 * `xml:lang`.
 *
 * Returns: (nullable): the body, or %NULL
 */
const char *
xmpp_message_get_body (XmppMessage *self,
                       const char  *lang)
{
  g_return_val_if_fail (XMPP_IS_MESSAGE (self), NULL);

  return xmpp_lang_texts_lookup (&self->bodies, lang);
}

/**
 * xmpp_message_set_body:
 * @self: a message
 * @lang: (nullable): a language tag, or %NULL (or the empty string) for
 *   the body without `xml:lang`
 * @body: (nullable): the text, or %NULL to remove the body in @lang
 *
 * Sets or removes the `<body/>` in one language. A new language comes
 * after the existing ones.
 */
void
xmpp_message_set_body (XmppMessage *self,
                       const char  *lang,
                       const char  *body)
{
  g_return_if_fail (XMPP_IS_MESSAGE (self));

  xmpp_lang_texts_replace (&self->bodies, lang, body);
}

/**
 * xmpp_message_get_body_languages:
 * @self: a message
 *
 * Lists the languages of the `<body/>` texts in document order, the empty
 * string standing for the one without `xml:lang`.
 *
 * Returns: (transfer full) (array zero-terminated=1): the languages,
 *   possibly none
 */
char **
xmpp_message_get_body_languages (XmppMessage *self)
{
  g_return_val_if_fail (XMPP_IS_MESSAGE (self), NULL);

  return xmpp_lang_texts_dup_languages (&self->bodies);
}

/**
 * xmpp_message_get_subject:
 * @self: a message
 * @lang: (nullable): a language tag, or %NULL for the default
 *
 * Gives a `<subject/>`, chosen as [method@Xmpp.Message.get_body] chooses
 * a body. In a groupchat message, the subject is the room's topic.
 *
 * Returns: (nullable): the subject, or %NULL
 */
const char *
xmpp_message_get_subject (XmppMessage *self,
                          const char  *lang)
{
  g_return_val_if_fail (XMPP_IS_MESSAGE (self), NULL);

  return xmpp_lang_texts_lookup (&self->subjects, lang);
}

/**
 * xmpp_message_set_subject:
 * @self: a message
 * @lang: (nullable): a language tag, or %NULL (or the empty string) for
 *   the subject without `xml:lang`
 * @subject: (nullable): the text, or %NULL to remove the subject in @lang
 *
 * Sets or removes the `<subject/>` in one language. A new language comes
 * after the existing ones.
 */
void
xmpp_message_set_subject (XmppMessage *self,
                          const char  *lang,
                          const char  *subject)
{
  g_return_if_fail (XMPP_IS_MESSAGE (self));

  xmpp_lang_texts_replace (&self->subjects, lang, subject);
}

/**
 * xmpp_message_get_subject_languages:
 * @self: a message
 *
 * Lists the languages of the `<subject/>` texts in document order, the
 * empty string standing for the one without `xml:lang`.
 *
 * Returns: (transfer full) (array zero-terminated=1): the languages,
 *   possibly none
 */
char **
xmpp_message_get_subject_languages (XmppMessage *self)
{
  g_return_val_if_fail (XMPP_IS_MESSAGE (self), NULL);

  return xmpp_lang_texts_dup_languages (&self->subjects);
}

/**
 * xmpp_message_get_thread:
 * @self: a message
 *
 * Gives [property@Xmpp.Message:thread].
 *
 * Returns: (nullable): the thread id, or %NULL
 */
const char *
xmpp_message_get_thread (XmppMessage *self)
{
  g_return_val_if_fail (XMPP_IS_MESSAGE (self), NULL);

  return self->thread;
}

/**
 * xmpp_message_get_parent_thread:
 * @self: a message
 *
 * Gives [property@Xmpp.Message:parent-thread].
 *
 * Returns: (nullable): the parent thread id, or %NULL
 */
const char *
xmpp_message_get_parent_thread (XmppMessage *self)
{
  g_return_val_if_fail (XMPP_IS_MESSAGE (self), NULL);

  return self->parent_thread;
}

/**
 * xmpp_message_set_thread:
 * @self: a message
 * @thread: (nullable): the thread id, or %NULL for none
 * @parent_thread: (nullable): the id of the thread @thread branched
 *   from, or %NULL; ignored when @thread is %NULL
 *
 * Sets [property@Xmpp.Message:thread] and
 * [property@Xmpp.Message:parent-thread].
 */
void
xmpp_message_set_thread (XmppMessage *self,
                         const char  *thread,
                         const char  *parent_thread)
{
  g_return_if_fail (XMPP_IS_MESSAGE (self));

  if (thread == NULL)
    parent_thread = NULL;
  xmpp_im_set_string (G_OBJECT (self), &self->thread, thread, properties[PROP_THREAD]);
  xmpp_im_set_string (G_OBJECT (self), &self->parent_thread, parent_thread,
                      properties[PROP_PARENT_THREAD]);
}

/**
 * xmpp_message_get_delay:
 * @self: a message
 *
 * Gives [property@Xmpp.Message:delay]: when the message was first sent,
 * from a XEP-0203 `<delay/>` (or, when there is none, a legacy XEP-0091
 * `<x xmlns='jabber:x:delay'/>`).
 *
 * Returns: (transfer none) (nullable): the time in UTC, or %NULL if the
 *   message was not delayed
 */
GDateTime *
xmpp_message_get_delay (XmppMessage *self)
{
  g_return_val_if_fail (XMPP_IS_MESSAGE (self), NULL);

  return self->fields.delay;
}

/**
 * xmpp_message_get_delay_from:
 * @self: a message
 *
 * Gives [property@Xmpp.Message:delay-from].
 *
 * Returns: (transfer none) (nullable): the entity that delayed the
 *   message, or %NULL
 */
XmppJid *
xmpp_message_get_delay_from (XmppMessage *self)
{
  g_return_val_if_fail (XMPP_IS_MESSAGE (self), NULL);

  return self->fields.delay_from;
}

/**
 * xmpp_message_get_origin_id:
 * @self: a message
 *
 * Gives [property@Xmpp.Message:origin-id].
 *
 * Returns: (nullable): the origin id, or %NULL
 */
const char *
xmpp_message_get_origin_id (XmppMessage *self)
{
  g_return_val_if_fail (XMPP_IS_MESSAGE (self), NULL);

  return self->origin_id;
}

/**
 * xmpp_message_set_origin_id:
 * @self: a message
 * @origin_id: (nullable): the new origin id, or %NULL for none
 *
 * Sets [property@Xmpp.Message:origin-id]. It must be unique and hard to
 * guess, as the one [ctor@Xmpp.Message.new] makes.
 */
void
xmpp_message_set_origin_id (XmppMessage *self,
                            const char  *origin_id)
{
  g_return_if_fail (XMPP_IS_MESSAGE (self));

  xmpp_im_set_string (G_OBJECT (self), &self->origin_id, origin_id, properties[PROP_ORIGIN_ID]);
}

/**
 * xmpp_message_get_stanza_id:
 * @self: a message
 * @by: the entity trusted to assign ids: the user's own bare JID for the
 *   server's archive, or a room's bare JID
 *
 * Gives the id of the XEP-0359 `<stanza-id/>` that @by added, compared
 * with xmpp_jid_equal(). Only @by's counts: the sender can add a
 * `<stanza-id/>` in the name of any other entity, and only the entities
 * that promise to strip such spoofed ones can be trusted.
 *
 * Returns: (nullable): the id @by assigned, or %NULL
 */
const char *
xmpp_message_get_stanza_id (XmppMessage *self,
                            XmppJid     *by)
{
  g_return_val_if_fail (XMPP_IS_MESSAGE (self), NULL);
  g_return_val_if_fail (by != NULL, NULL);

  for (guint i = 0; self->stanza_ids != NULL && i < self->stanza_ids->len; i++)
    {
      StanzaId *stanza_id = &g_array_index (self->stanza_ids, StanzaId, i);

      if (xmpp_jid_equal (stanza_id->by, by))
        return stanza_id->id;
    }
  return NULL;
}

/**
 * xmpp_message_add_payload:
 * @self: a message
 * @payload: an extension element, such as a chat state
 *
 * Appends a payload. @self keeps a reference to @payload, so a later
 * change to it shows in the next [method@Xmpp.Message.to_stanza], which
 * writes a copy (an element has only one parent).
 */
void
xmpp_message_add_payload (XmppMessage *self,
                          XmppElement *payload)
{
  g_return_if_fail (XMPP_IS_MESSAGE (self));
  g_return_if_fail (payload != NULL);

  xmpp_im_fields_add_payload (&self->fields, payload);
}

/**
 * xmpp_message_get_payloads:
 * @self: a message
 *
 * Gives the extension elements, in order: for a parsed message, the
 * children that are none of `<body/>`, `<subject/>`, `<thread/>`,
 * `<error/>`, the delays, `<origin-id/>` and `<stanza-id/>`; then those
 * added with [method@Xmpp.Message.add_payload].
 *
 * Returns: (transfer container) (element-type XmppElement): the payloads
 */
GPtrArray *
xmpp_message_get_payloads (XmppMessage *self)
{
  g_return_val_if_fail (XMPP_IS_MESSAGE (self), NULL);

  return xmpp_im_fields_dup_payloads (&self->fields);
}

/**
 * xmpp_message_check_error:
 * @self: a message
 * @error: return location for a #GError
 *
 * Turns a message of type %XMPP_MESSAGE_TYPE_ERROR into a #GError in the
 * %XMPP_STANZA_ERROR domain, as [method@Xmpp.Stanza.check_error] does
 * for the received stanza (or, for a message built or changed into an
 * error, for [method@Xmpp.Message.to_stanza]). The `id` of @self says
 * which sent message bounced.
 *
 * Returns: %TRUE if @self is not an error, %FALSE with @error set if it
 *   is
 */
gboolean
xmpp_message_check_error (XmppMessage *self,
                          GError     **error)
{
  g_return_val_if_fail (XMPP_IS_MESSAGE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->type != XMPP_MESSAGE_TYPE_ERROR)
    return TRUE;
  return xmpp_im_fields_check_error (&self->fields, (XmppImToStanza) xmpp_message_to_stanza,
                                     self, error);
}
