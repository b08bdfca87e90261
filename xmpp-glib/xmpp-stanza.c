/* xmpp-stanza.c: iq, message and presence stanzas
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "xmpp-element-private.h"
#include "xmpp-names-private.h"
#include "xmpp-parser-private.h"
#include "xmpp-stanza-private.h"

#include <string.h>

/**
 * XmppStanza:
 *
 * A top-level element of an XMPP stream: usually one of the three stanzas
 * of RFC 6120, `<iq/>`, `<message/>` and `<presence/>`, and otherwise a
 * stream-level element such as `<stream:features/>`.
 *
 * A stanza wraps its root [struct@Xmpp.Element] and gives the basics at
 * hand: its kind, its `type`, its `id`, its `from` and `to` addresses as
 * [struct@Xmpp.Jid]s, and the condition of an error stanza.
 *
 * ```c
 * g_autoptr(XmppStanza) iq = xmpp_stanza_new (XMPP_STANZA_KIND_IQ, "get");
 * XmppElement *root = xmpp_stanza_get_element (iq);
 *
 * xmpp_stanza_set_id (iq, "v1");
 * xmpp_element_add_child_new (root, "query", "jabber:iq:version");
 * ```
 *
 * The addresses are parsed when first asked for and kept until the
 * attribute changes. A stanza is not thread-safe: use it from one thread
 * at a time.
 */

struct _XmppStanza
{
  gatomicrefcount ref_count;
  XmppStanzaKind kind;
  XmppElement *element;

  /* Parsed addresses, with the attribute text they were parsed from. */
  char *from_text;
  XmppJid *from;
  char *to_text;
  XmppJid *to;
};

G_DEFINE_BOXED_TYPE (XmppStanza, xmpp_stanza, xmpp_stanza_ref, xmpp_stanza_unref)

static const char *const kind_names[] = { NULL, "iq", "message", "presence" };

static gboolean
is_stanza_namespace (const char *ns)
{
  return ns != NULL &&
         (strcmp (ns, XMPP_NS_CLIENT) == 0 ||
          strcmp (ns, XMPP_NS_SERVER) == 0 ||
          strcmp (ns, XMPP_NS_COMPONENT) == 0);
}

static XmppStanzaKind
kind_of (XmppElement *element)
{
  if (!is_stanza_namespace (element->ns))
    return XMPP_STANZA_KIND_OTHER;
  for (guint i = XMPP_STANZA_KIND_IQ; i < G_N_ELEMENTS (kind_names); i++)
    if (strcmp (element->name, kind_names[i]) == 0)
      return (XmppStanzaKind) i;
  return XMPP_STANZA_KIND_OTHER;
}

XmppStanza *
xmpp_stanza_new_take_element (XmppElement *element)
{
  XmppStanza *self = g_new0 (XmppStanza, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->element = element;
  self->kind = kind_of (element);
  return self;
}

/**
 * xmpp_stanza_new:
 * @kind: %XMPP_STANZA_KIND_IQ, %XMPP_STANZA_KIND_MESSAGE or
 *   %XMPP_STANZA_KIND_PRESENCE
 * @type: (nullable): the `type` attribute, or %NULL for none
 *
 * Creates an empty stanza in the `jabber:client` namespace.
 *
 * Returns: (transfer full): a new stanza
 */
XmppStanza *
xmpp_stanza_new (XmppStanzaKind kind,
                 const char    *type)
{
  XmppElement *element;

  g_return_val_if_fail (kind > XMPP_STANZA_KIND_OTHER && kind <= XMPP_STANZA_KIND_PRESENCE, NULL);

  element = xmpp_element_new (kind_names[kind], XMPP_NS_CLIENT);
  if (type != NULL)
    xmpp_element_set_attribute (element, "type", type);
  return xmpp_stanza_new_take_element (element);
}

/**
 * xmpp_stanza_new_for_element:
 * @element: the root element
 *
 * Wraps an element as a stanza. The stanza shares @element; changes made
 * through either are seen by both.
 *
 * Returns: (transfer full): a new stanza
 */
XmppStanza *
xmpp_stanza_new_for_element (XmppElement *element)
{
  g_return_val_if_fail (element != NULL, NULL);

  return xmpp_stanza_new_take_element (xmpp_element_ref (element));
}

/**
 * xmpp_stanza_new_from_string:
 * @xml: the text of one stanza
 * @length: the length of @xml in bytes, or -1 if it is NUL-terminated
 * @error: return location for a #GError
 *
 * Parses one stanza, with the restrictions and limits of
 * [class@Xmpp.Parser], as it would be read inside a client stream: an
 * element without an `xmlns` is in `jabber:client`, and the `stream:`
 * prefix is bound. The text must hold exactly one element.
 *
 * Returns: (transfer full) (nullable): the stanza, or %NULL with @error
 *   set in the %XMPP_STREAM_ERROR domain
 */
XmppStanza *
xmpp_stanza_new_from_string (const char *xml,
                             gssize      length,
                             GError    **error)
{
  XmppElement *element;

  g_return_val_if_fail (xml != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  element = xmpp_element_parse (xml, length, XMPP_NS_CLIENT, error);
  return element != NULL ? xmpp_stanza_new_take_element (element) : NULL;
}

static XmppStanza *
new_reply (XmppStanza *request,
           const char *type)
{
  XmppElement *element;
  XmppStanza *reply;
  const char *from, *to, *id;

  element = xmpp_element_new_take (xmpp_name_acquire (request->element->name),
                                   xmpp_name_acquire (request->element->ns));
  reply = xmpp_stanza_new_take_element (element);

  from = xmpp_element_get_attribute (request->element, "from");
  to = xmpp_element_get_attribute (request->element, "to");
  id = xmpp_element_get_attribute (request->element, "id");
  if (from != NULL)
    xmpp_element_set_attribute (element, "to", from);
  if (to != NULL)
    xmpp_element_set_attribute (element, "from", to);
  if (id != NULL)
    xmpp_element_set_attribute (element, "id", id);
  if (type != NULL)
    xmpp_element_set_attribute (element, "type", type);
  return reply;
}

/**
 * xmpp_stanza_new_reply:
 * @request: an IQ request
 *
 * Creates the empty `result` that answers @request: same kind and id,
 * `to` and `from` swapped. Add a payload to it if the protocol asks for
 * one.
 *
 * Returns: (transfer full): the reply
 */
XmppStanza *
xmpp_stanza_new_reply (XmppStanza *request)
{
  g_return_val_if_fail (request != NULL, NULL);

  return new_reply (request, request->kind == XMPP_STANZA_KIND_IQ ? "result" : NULL);
}

/**
 * xmpp_stanza_new_error_reply:
 * @request: the stanza to refuse
 * @type: what the sender may do about the error
 * @condition: the defined condition
 * @text: (nullable): a human-readable description, or %NULL
 *
 * Creates the error that answers @request (RFC 6120 §8.3): same kind and
 * id, `to` and `from` swapped, `type='error'`, and an `<error/>` child
 * with the condition and text.
 *
 * Returns: (transfer full): the error reply
 */
XmppStanza *
xmpp_stanza_new_error_reply (XmppStanza         *request,
                             XmppStanzaErrorType type,
                             XmppStanzaError     condition,
                             const char         *text)
{
  XmppStanza *reply;
  XmppElement *error;

  g_return_val_if_fail (request != NULL, NULL);

  reply = new_reply (request, "error");
  error = xmpp_element_add_child_new (reply->element, "error", NULL);
  xmpp_element_set_attribute (error, "type", xmpp_stanza_error_type_to_string (type));
  xmpp_element_add_child_new (error, xmpp_stanza_condition_to_string (condition), XMPP_NS_STANZAS);
  if (text != NULL)
    xmpp_element_add_child_with_text (error, "text", XMPP_NS_STANZAS, text);
  return reply;
}

/**
 * xmpp_stanza_ref:
 * @self: a stanza
 *
 * Takes a reference.
 *
 * Returns: (transfer full): @self
 */
XmppStanza *
xmpp_stanza_ref (XmppStanza *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * xmpp_stanza_unref:
 * @self: (transfer full): a stanza
 *
 * Drops a reference; the last one frees the stanza.
 */
void
xmpp_stanza_unref (XmppStanza *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  xmpp_element_unref (self->element);
  g_free (self->from_text);
  g_clear_pointer (&self->from, xmpp_jid_unref);
  g_free (self->to_text);
  g_clear_pointer (&self->to, xmpp_jid_unref);
  g_free (self);
}

/**
 * xmpp_stanza_get_element:
 * @self: a stanza
 *
 * Gives the root element, to read or change anything the stanza holds.
 *
 * Returns: (transfer none): the root element
 */
XmppElement *
xmpp_stanza_get_element (XmppStanza *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->element;
}

/**
 * xmpp_stanza_get_kind:
 * @self: a stanza
 *
 * Tells whether the stanza is an IQ, a message, a presence or another
 * top-level element.
 *
 * Returns: the kind
 */
XmppStanzaKind
xmpp_stanza_get_kind (XmppStanza *self)
{
  g_return_val_if_fail (self != NULL, XMPP_STANZA_KIND_OTHER);

  return self->kind;
}

/**
 * xmpp_stanza_get_stanza_type:
 * @self: a stanza
 *
 * Gives the `type` attribute: `get`, `set`, `result` or `error` for an
 * IQ; `chat`, `groupchat` and so on for a message.
 *
 * Returns: (nullable): the type, or %NULL if the attribute is absent
 */
const char *
xmpp_stanza_get_stanza_type (XmppStanza *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return xmpp_element_get_attribute (self->element, "type");
}

/**
 * xmpp_stanza_set_stanza_type:
 * @self: a stanza
 * @type: (nullable): the new type, or %NULL to remove the attribute
 *
 * Sets the `type` attribute.
 */
void
xmpp_stanza_set_stanza_type (XmppStanza *self,
                             const char *type)
{
  g_return_if_fail (self != NULL);

  xmpp_element_set_attribute (self->element, "type", type);
}

/**
 * xmpp_stanza_get_id:
 * @self: a stanza
 *
 * Gives the `id` attribute.
 *
 * Returns: (nullable): the id, or %NULL if the attribute is absent
 */
const char *
xmpp_stanza_get_id (XmppStanza *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return xmpp_element_get_attribute (self->element, "id");
}

/**
 * xmpp_stanza_set_id:
 * @self: a stanza
 * @id: (nullable): the new id, or %NULL to remove the attribute
 *
 * Sets the `id` attribute.
 */
void
xmpp_stanza_set_id (XmppStanza *self,
                    const char *id)
{
  g_return_if_fail (self != NULL);

  xmpp_element_set_attribute (self->element, "id", id);
}

/* Parses the address in attribute @name, reusing the cached one while
 * the attribute's text is unchanged. */
static XmppJid *
get_address (XmppStanza *self,
             const char *name,
             char      **cached_text,
             XmppJid   **cached)
{
  const char *text = xmpp_element_get_attribute (self->element, name);

  if (g_strcmp0 (text, *cached_text) != 0)
    {
      g_free (*cached_text);
      *cached_text = g_strdup (text);
      g_clear_pointer (cached, xmpp_jid_unref);
      if (text != NULL)
        *cached = xmpp_jid_new (text, NULL);
    }
  return *cached;
}

/**
 * xmpp_stanza_get_from:
 * @self: a stanza
 *
 * Gives the sender's address from the `from` attribute, normalised.
 *
 * Returns: (nullable) (transfer none): the address, or %NULL if the
 *   attribute is absent or is not a valid address
 */
XmppJid *
xmpp_stanza_get_from (XmppStanza *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return get_address (self, "from", &self->from_text, &self->from);
}

/**
 * xmpp_stanza_set_from:
 * @self: a stanza
 * @from: (nullable): the address, or %NULL to remove the attribute
 *
 * Sets the `from` attribute.
 */
void
xmpp_stanza_set_from (XmppStanza *self,
                      XmppJid    *from)
{
  g_return_if_fail (self != NULL);

  xmpp_element_set_attribute (self->element, "from", from != NULL ? xmpp_jid_to_string (from) : NULL);
}

/**
 * xmpp_stanza_get_to:
 * @self: a stanza
 *
 * Gives the addressee from the `to` attribute, normalised.
 *
 * Returns: (nullable) (transfer none): the address, or %NULL if the
 *   attribute is absent or is not a valid address
 */
XmppJid *
xmpp_stanza_get_to (XmppStanza *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return get_address (self, "to", &self->to_text, &self->to);
}

/**
 * xmpp_stanza_set_to:
 * @self: a stanza
 * @to: (nullable): the address, or %NULL to remove the attribute
 *
 * Sets the `to` attribute.
 */
void
xmpp_stanza_set_to (XmppStanza *self,
                    XmppJid    *to)
{
  g_return_if_fail (self != NULL);

  xmpp_element_set_attribute (self->element, "to", to != NULL ? xmpp_jid_to_string (to) : NULL);
}

/**
 * xmpp_stanza_get_payload:
 * @self: a stanza
 *
 * Gives the first child in a namespace other than the stanza's own: the
 * query of an IQ, or the first extension of a message or presence (a
 * chat state, say), past the `<body/>`, `<show/>` and `<error/>` of the
 * stanza's own namespace.
 *
 * Returns: (nullable) (transfer none): the payload element, or %NULL
 */
XmppElement *
xmpp_stanza_get_payload (XmppStanza *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  for (XmppElement *child = self->element->first_child; child != NULL; child = child->next)
    if (g_strcmp0 (child->ns, self->element->ns) != 0)
      return child;
  return NULL;
}

/**
 * xmpp_stanza_is_error:
 * @self: a stanza
 *
 * Tells whether the stanza has `type='error'`.
 *
 * Returns: %TRUE for an error stanza
 */
gboolean
xmpp_stanza_is_error (XmppStanza *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return g_strcmp0 (xmpp_stanza_get_stanza_type (self), "error") == 0;
}

static XmppElement *
get_error_element (XmppStanza *self)
{
  if (!xmpp_stanza_is_error (self))
    return NULL;
  return xmpp_element_get_child (self->element, "error", self->element->ns);
}

/**
 * xmpp_stanza_get_error_condition:
 * @self: a stanza
 *
 * Gives the defined condition of an error stanza. A condition RFC 6120
 * does not define, or a missing one, reads as
 * %XMPP_STANZA_ERROR_UNDEFINED_CONDITION.
 *
 * Returns: the condition
 */
XmppStanzaError
xmpp_stanza_get_error_condition (XmppStanza *self)
{
  XmppElement *error;

  g_return_val_if_fail (self != NULL, XMPP_STANZA_ERROR_UNDEFINED_CONDITION);

  error = get_error_element (self);
  if (error == NULL)
    return XMPP_STANZA_ERROR_UNDEFINED_CONDITION;
  for (XmppElement *child = error->first_child; child != NULL; child = child->next)
    if (g_strcmp0 (child->ns, XMPP_NS_STANZAS) == 0 && strcmp (child->name, "text") != 0)
      return xmpp_stanza_condition_from_string (child->name);
  return XMPP_STANZA_ERROR_UNDEFINED_CONDITION;
}

/**
 * xmpp_stanza_get_error_type:
 * @self: a stanza
 * @type: (out) (optional): where to store the error type
 *
 * Reads the `type` of an error stanza's `<error/>`.
 *
 * Returns: %TRUE if @self is an error stanza with a valid error type
 */
gboolean
xmpp_stanza_get_error_type (XmppStanza          *self,
                            XmppStanzaErrorType *type)
{
  XmppElement *error;

  g_return_val_if_fail (self != NULL, FALSE);

  error = get_error_element (self);
  return error != NULL &&
         xmpp_stanza_error_type_from_string (xmpp_element_get_attribute (error, "type"), type);
}

/**
 * xmpp_stanza_get_error_text:
 * @self: a stanza
 *
 * Gives the human-readable `<text/>` of an error stanza.
 *
 * Returns: (nullable): the text, or %NULL if there is none
 */
const char *
xmpp_stanza_get_error_text (XmppStanza *self)
{
  XmppElement *error;

  g_return_val_if_fail (self != NULL, NULL);

  error = get_error_element (self);
  return error != NULL ? xmpp_element_get_child_text (error, "text", XMPP_NS_STANZAS) : NULL;
}

/**
 * xmpp_stanza_check_error:
 * @self: a stanza
 * @error: return location for a #GError
 *
 * Turns an error stanza into a #GError in the %XMPP_STANZA_ERROR domain,
 * whose code is the condition and whose message is the stanza's text, or
 * the condition's name when there is no text. In Python and JavaScript it
 * raises the error. From C, [func@Xmpp.StanzaError.get_reply] gives
 * @self back from the error.
 *
 * Returns: %TRUE if @self is not an error stanza, %FALSE with @error set
 *   if it is
 */
gboolean
xmpp_stanza_check_error (XmppStanza *self,
                         GError    **error)
{
  XmppStanzaError condition;
  const char *text;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!xmpp_stanza_is_error (self))
    return TRUE;

  condition = xmpp_stanza_get_error_condition (self);
  text = xmpp_stanza_get_error_text (self);
  if (text != NULL)
    g_set_error (error, XMPP_STANZA_ERROR, condition, "%s", text);
  else
    g_set_error (error, XMPP_STANZA_ERROR, condition, _("The peer answered with the error “%s”"),
                 xmpp_stanza_condition_to_string (condition));
  if (error != NULL)
    xmpp_stanza_error_set_reply (*error, self);
  return FALSE;
}

/**
 * xmpp_stanza_to_string:
 * @self: a stanza
 *
 * Serialises the stanza as it is written inside a client stream: without
 * the `xmlns` of a root in `jabber:client`.
 *
 * Returns: (transfer full): the XML text
 */
char *
xmpp_stanza_to_string (XmppStanza *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return xmpp_element_to_string_in_namespace (self->element, XMPP_NS_CLIENT);
}
