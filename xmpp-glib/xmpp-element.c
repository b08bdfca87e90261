/* xmpp-element.c: the XML element tree that stanzas are made of
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "xmpp-element-private.h"
#include "xmpp-names-private.h"
#include "xmpp-parser-private.h"
#include "xmpp-stanza-private.h"

#include <string.h>

#include <libxml/tree.h>

/**
 * XmppElement:
 *
 * An XML element: a name, a namespace, attributes, ordered children and
 * character data. Stanzas ([struct@Xmpp.Stanza]) and everything inside
 * them are made of elements, both when they are parsed from the stream
 * and when an application builds them.
 *
 * An element is reference counted. Its namespace is the resolved
 * namespace URI, never a prefix: `<stream:features/>` has the name
 * `features` and the namespace `http://etherx.jabber.org/streams`. A child
 * added with a %NULL namespace takes its parent's, as an unprefixed child
 * does in XML.
 *
 * Character data follows the model of XML itself. For the usual element
 * that holds only text, [method@Xmpp.Element.get_text] gives it. For mixed
 * content, the text before the first child is the *leading text* and the
 * text after each child is that child's *tail*, so the order of text and
 * children is kept.
 *
 * ```c
 * g_autoptr(XmppElement) query = xmpp_element_new ("query", "jabber:iq:version");
 * xmpp_element_add_child_with_text (query, "name", NULL, "my-app");
 * xmpp_element_add_child_with_text (query, "version", NULL, "1.0");
 * g_autofree char *xml = xmpp_element_to_string (query);
 * ```
 *
 * An element is not thread-safe: use it from one thread at a time.
 */

G_DEFINE_BOXED_TYPE (XmppElement, xmpp_element, xmpp_element_ref, xmpp_element_unref)

/* Whether @name can be written as an XML name without a prefix: the
 * writer copies names as they are, so an application must not be able to
 * slip markup in through one, nor make the stream not well-formed. */
static gboolean
is_valid_name (const char *name)
{
  return name != NULL && g_utf8_validate (name, -1, NULL) &&
         xmlValidateNCName ((const xmlChar *) name, 0) == 0;
}

static inline char *
name_or_null (const char *s)
{
  return s != NULL ? xmpp_name_new (s) : NULL;
}

XmppElement *
xmpp_element_new_take_sized (char  *name,
                             char  *ns,
                             guint  n_attributes)
{
  /* The attributes the caller announces live in the same block. */
  XmppElement *self = g_malloc0 (sizeof (XmppElement) + n_attributes * sizeof (XmppAttribute));

  g_atomic_ref_count_init (&self->ref_count);
  self->name = name;
  self->ns = ns;
  if (n_attributes > 0)
    {
      self->attrs = (XmppAttribute *) (self + 1);
      self->attrs_size = n_attributes;
    }
  return self;
}

XmppElement *
xmpp_element_new_take (char *name,
                       char *ns)
{
  return xmpp_element_new_take_sized (name, ns, 0);
}

static gboolean
attrs_inline (XmppElement *self)
{
  return self->attrs == (XmppAttribute *) (self + 1);
}

/**
 * xmpp_element_new:
 * @name: the local name, without a prefix: a valid XML name with no colon
 * @namespace_: (nullable): the namespace URI; %NULL to take the parent's
 *   namespace once the element is added as a child
 *
 * Creates an element with no attributes and no children.
 *
 * Returns: (transfer full): a new element
 */
XmppElement *
xmpp_element_new (const char *name,
                  const char *namespace_)
{
  g_return_val_if_fail (is_valid_name (name), NULL);

  return xmpp_element_new_take (xmpp_name_new (name), name_or_null (namespace_));
}

static void
capture_root (XmppStanza *stanza,
              gpointer    user_data)
{
  XmppElement **root = user_data;

  if (*root == NULL)
    *root = xmpp_element_ref (xmpp_stanza_get_element (stanza));
}

XmppElement *
xmpp_element_parse (const char *xml,
                    gssize      length,
                    const char *default_namespace,
                    GError    **error)
{
  static const XmppParserHandlers handlers = { NULL, capture_root, NULL };
  g_autoptr(XmppParser) parser = NULL;
  XmppElement *root = NULL;

  if (length < 0)
    length = strlen (xml);

  parser = xmpp_parser_new_fragment_in_namespace (default_namespace);
  xmpp_parser_set_handlers (parser, &handlers, &root);
  if (!xmpp_parser_feed (parser, (const guint8 *) xml, length, error) ||
      !xmpp_parser_finish (parser, error))
    {
      g_clear_pointer (&root, xmpp_element_unref);
      return NULL;
    }

  if (root == NULL)
    g_set_error_literal (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_NOT_WELL_FORMED,
                         _("The text holds no XML element"));
  return root;
}

/**
 * xmpp_element_new_from_string:
 * @xml: the text of one XML element
 * @length: the length of @xml in bytes, or -1 if it is NUL-terminated
 * @error: return location for a #GError
 *
 * Parses one element, with the same restrictions and limits as a stream
 * (see [class@Xmpp.Parser]): no DTD, no comments, no processing
 * instructions, no entity but the predefined ones. An unprefixed element
 * without an `xmlns` has no namespace.
 *
 * Returns: (transfer full) (nullable): the element, or %NULL with @error
 *   set in the %XMPP_STREAM_ERROR domain
 */
XmppElement *
xmpp_element_new_from_string (const char *xml,
                              gssize      length,
                              GError    **error)
{
  g_return_val_if_fail (xml != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return xmpp_element_parse (xml, length, NULL, error);
}

/**
 * xmpp_element_ref:
 * @self: an element
 *
 * Takes a reference.
 *
 * Returns: (transfer full): @self
 */
XmppElement *
xmpp_element_ref (XmppElement *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

static void
clear_text_cache (XmppElement *self)
{
  g_clear_pointer (&self->text_cache, g_free);
}

static void
element_free (XmppElement *self)
{
  XmppElement *child = self->first_child;

  while (child != NULL)
    {
      XmppElement *next = child->next;

      child->parent = NULL;
      child->next = NULL;
      xmpp_element_unref (child);
      child = next;
    }

  for (guint i = 0; i < self->n_attrs; i++)
    {
      xmpp_name_release (self->attrs[i].name);
      xmpp_name_release (self->attrs[i].ns);
      g_free (self->attrs[i].value);
    }
  if (!attrs_inline (self))
    g_free (self->attrs);
  xmpp_name_release (self->name);
  xmpp_name_release (self->ns);
  g_free (self->text);
  g_free (self->tail);
  g_free (self->text_cache);
  g_free (self);
}

/**
 * xmpp_element_unref:
 * @self: (transfer full): an element
 *
 * Drops a reference. When the last one goes, the element and the children
 * nobody else holds are freed. A child that is still referenced elsewhere
 * survives, detached from its parent.
 */
void
xmpp_element_unref (XmppElement *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    element_free (self);
}

/**
 * xmpp_element_copy:
 * @self: an element
 *
 * Makes a deep copy of @self and its children. The copy has no parent and
 * no tail.
 *
 * Returns: (transfer full): the copy
 */
XmppElement *
xmpp_element_copy (XmppElement *self)
{
  XmppElement *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = xmpp_element_new_take_sized (xmpp_name_acquire (self->name),
                                      xmpp_name_acquire (self->ns),
                                      self->n_attrs);
  for (guint i = 0; i < self->n_attrs; i++)
    xmpp_element_take_attribute (copy,
                                 xmpp_name_acquire (self->attrs[i].name),
                                 xmpp_name_acquire (self->attrs[i].ns),
                                 g_strdup (self->attrs[i].value));
  copy->text = g_strdup (self->text);
  for (XmppElement *child = self->first_child; child != NULL; child = child->next)
    {
      XmppElement *child_copy = xmpp_element_copy (child);

      child_copy->tail = g_strdup (child->tail);
      xmpp_element_take_child (copy, child_copy);
    }
  return copy;
}

static const XmppAttribute *
find_attribute (XmppElement *self,
                const char  *name,
                const char  *ns)
{
  for (guint i = 0; i < self->n_attrs; i++)
    {
      const XmppAttribute *attr = &self->attrs[i];

      if (strcmp (attr->name, name) == 0 && g_strcmp0 (attr->ns, ns) == 0)
        return attr;
    }
  return NULL;
}

/* Treats NULL and "" alike: both mean no character data. */
static gboolean
text_equal (const char *a,
            const char *b)
{
  return g_strcmp0 (a != NULL && *a != '\0' ? a : NULL, b != NULL && *b != '\0' ? b : NULL) == 0;
}

/**
 * xmpp_element_equal:
 * @a: an element
 * @b: another element
 *
 * Compares two trees: names, namespaces, attributes (in any order),
 * children in order and character data in order must all match. The
 * parents and the tails of @a and @b themselves are not compared.
 *
 * Returns: %TRUE if @a and @b are the same XML
 */
gboolean
xmpp_element_equal (XmppElement *a,
                    XmppElement *b)
{
  XmppElement *ca, *cb;

  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  if (a == b)
    return TRUE;
  if (strcmp (a->name, b->name) != 0 || g_strcmp0 (a->ns, b->ns) != 0)
    return FALSE;
  if (a->n_attrs != b->n_attrs || a->n_children != b->n_children)
    return FALSE;
  for (guint i = 0; i < a->n_attrs; i++)
    {
      const XmppAttribute *other = find_attribute (b, a->attrs[i].name, a->attrs[i].ns);

      if (other == NULL || strcmp (other->value, a->attrs[i].value) != 0)
        return FALSE;
    }
  if (!text_equal (a->text, b->text))
    return FALSE;
  for (ca = a->first_child, cb = b->first_child; ca != NULL; ca = ca->next, cb = cb->next)
    if (!xmpp_element_equal (ca, cb) || !text_equal (ca->tail, cb->tail))
      return FALSE;
  return TRUE;
}

/**
 * xmpp_element_get_name:
 * @self: an element
 *
 * Gives the local name of the element, without any prefix.
 *
 * Returns: the name
 */
const char *
xmpp_element_get_name (XmppElement *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->name;
}

/**
 * xmpp_element_get_namespace:
 * @self: an element
 *
 * Gives the namespace URI of the element.
 *
 * Returns: (nullable): the namespace, or %NULL if the element has none
 */
const char *
xmpp_element_get_namespace (XmppElement *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->ns;
}

/**
 * xmpp_element_is:
 * @self: an element
 * @name: a local name
 * @namespace_: (nullable): a namespace URI, or %NULL to match any
 *
 * Checks the name and the namespace of an element at once.
 *
 * Returns: %TRUE if @self is called @name and is in @namespace_
 */
gboolean
xmpp_element_is (XmppElement *self,
                 const char  *name,
                 const char  *namespace_)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  return strcmp (self->name, name) == 0 &&
         (namespace_ == NULL || g_strcmp0 (self->ns, namespace_) == 0);
}

void
xmpp_element_take_attribute (XmppElement *self,
                             char        *name,
                             char        *ns,
                             char        *value)
{
  XmppAttribute *attr;

  if (self->n_attrs == self->attrs_size)
    {
      guint size = self->attrs_size == 0 ? 4 : self->attrs_size * 2;

      if (self->attrs != NULL && attrs_inline (self))
        {
          XmppAttribute *grown = g_new (XmppAttribute, size);

          memcpy (grown, self->attrs, self->n_attrs * sizeof (XmppAttribute));
          self->attrs = grown;
        }
      else
        self->attrs = g_renew (XmppAttribute, self->attrs, size);
      self->attrs_size = size;
    }
  attr = &self->attrs[self->n_attrs++];
  attr->name = name;
  attr->ns = ns;
  attr->value = value;
}

/**
 * xmpp_element_get_attribute:
 * @self: an element
 * @name: an attribute name without a namespace
 *
 * Looks up an attribute that has no namespace, such as `to` or `type`.
 *
 * Returns: (nullable): the attribute's value, or %NULL if it is absent
 */
const char *
xmpp_element_get_attribute (XmppElement *self,
                            const char  *name)
{
  return xmpp_element_get_attribute_ns (self, name, NULL);
}

/**
 * xmpp_element_set_attribute:
 * @self: an element
 * @name: an attribute name without a namespace
 * @value: (nullable): the new value, or %NULL to remove the attribute
 *
 * Sets or removes an attribute that has no namespace.
 */
void
xmpp_element_set_attribute (XmppElement *self,
                            const char  *name,
                            const char  *value)
{
  xmpp_element_set_attribute_ns (self, name, NULL, value);
}

/**
 * xmpp_element_get_attribute_ns:
 * @self: an element
 * @name: the attribute's local name
 * @namespace_: (nullable): the attribute's namespace URI, or %NULL for none
 *
 * Looks up an attribute by name and namespace. `xml:lang` is the attribute
 * `lang` in the namespace `http://www.w3.org/XML/1998/namespace`.
 *
 * Returns: (nullable): the attribute's value, or %NULL if it is absent
 */
const char *
xmpp_element_get_attribute_ns (XmppElement *self,
                               const char  *name,
                               const char  *namespace_)
{
  const XmppAttribute *attr;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  attr = find_attribute (self, name, namespace_);
  return attr != NULL ? attr->value : NULL;
}

/**
 * xmpp_element_set_attribute_ns:
 * @self: an element
 * @name: the attribute's local name
 * @namespace_: (nullable): the attribute's namespace URI, or %NULL for none
 * @value: (nullable): the new value, or %NULL to remove the attribute
 *
 * Sets or removes an attribute by name and namespace. The writer declares
 * a prefix for the namespace where it is needed (`xml:` for the XML
 * namespace).
 */
void
xmpp_element_set_attribute_ns (XmppElement *self,
                               const char  *name,
                               const char  *namespace_,
                               const char  *value)
{
  XmppAttribute *attr;

  g_return_if_fail (self != NULL);
  g_return_if_fail (is_valid_name (name));
  /* Namespace declarations follow from the namespaces of the elements. */
  g_return_if_fail (g_strcmp0 (namespace_, "http://www.w3.org/2000/xmlns/") != 0);
  g_return_if_fail (namespace_ != NULL || strcmp (name, "xmlns") != 0);

  attr = (XmppAttribute *) find_attribute (self, name, namespace_);
  if (attr != NULL)
    {
      if (value != NULL)
        {
          char *old = attr->value;

          attr->value = g_strdup (value);
          g_free (old);
        }
      else
        {
          guint index = attr - self->attrs;

          xmpp_name_release (attr->name);
          xmpp_name_release (attr->ns);
          g_free (attr->value);
          memmove (attr, attr + 1, (self->n_attrs - index - 1) * sizeof (XmppAttribute));
          self->n_attrs--;
        }
    }
  else if (value != NULL)
    {
      xmpp_element_take_attribute (self, xmpp_name_new (name),
                                   name_or_null (namespace_), g_strdup (value));
    }
}

/**
 * xmpp_element_get_n_attributes:
 * @self: an element
 *
 * Counts the attributes of @self. Namespace declarations are not counted
 * as attributes, since the namespaces of the elements imply them.
 *
 * Returns: the number of attributes
 */
guint
xmpp_element_get_n_attributes (XmppElement *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_attrs;
}

/**
 * xmpp_element_get_attribute_at:
 * @self: an element
 * @index_: the position of the attribute, from 0
 * @name: (out) (optional) (transfer none): the attribute's local name
 * @namespace_: (out) (optional) (nullable) (transfer none): its namespace
 * @value: (out) (optional) (transfer none): its value
 *
 * Reads an attribute by position, to walk all of them in document order.
 *
 * Returns: %TRUE if @index_ is less than the number of attributes
 */
gboolean
xmpp_element_get_attribute_at (XmppElement *self,
                               guint        index_,
                               const char **name,
                               const char **namespace_,
                               const char **value)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (index_ >= self->n_attrs)
    return FALSE;
  if (name != NULL)
    *name = self->attrs[index_].name;
  if (namespace_ != NULL)
    *namespace_ = self->attrs[index_].ns;
  if (value != NULL)
    *value = self->attrs[index_].value;
  return TRUE;
}

/**
 * xmpp_element_get_text:
 * @self: an element
 *
 * Gives the character data directly inside @self, that is the text of the
 * element without the text of its children. For mixed content it is the
 * leading text and the tails of the children, joined.
 *
 * Returns: (nullable): the text, or %NULL if there is none
 */
const char *
xmpp_element_get_text (XmppElement *self)
{
  GString *joined;

  g_return_val_if_fail (self != NULL, NULL);

  if (self->first_child == NULL)
    return self->text;

  if (self->text_cache != NULL)
    return self->text_cache;

  joined = g_string_new (self->text);
  for (XmppElement *child = self->first_child; child != NULL; child = child->next)
    if (child->tail != NULL)
      g_string_append (joined, child->tail);

  if (joined->len == 0)
    {
      g_string_free (joined, TRUE);
      return NULL;
    }
  self->text_cache = g_string_free (joined, FALSE);
  return self->text_cache;
}

/**
 * xmpp_element_set_text:
 * @self: an element
 * @text: (nullable): the new text, or %NULL for none
 *
 * Replaces all the character data directly inside @self with @text, which
 * becomes the leading text; the children stay, without tails.
 */
void
xmpp_element_set_text (XmppElement *self,
                       const char  *text)
{
  g_return_if_fail (self != NULL);

  g_free (self->text);
  self->text = g_strdup (text);
  for (XmppElement *child = self->first_child; child != NULL; child = child->next)
    g_clear_pointer (&child->tail, g_free);
  clear_text_cache (self);
}

static void
append_to (char       **slot,
           const char  *text)
{
  if (*slot == NULL)
    {
      *slot = g_strdup (text);
    }
  else
    {
      char *joined = g_strconcat (*slot, text, NULL);

      g_free (*slot);
      *slot = joined;
    }
}

void
xmpp_element_take_text (XmppElement *self,
                        char        *text)
{
  char **slot = self->last_child != NULL ? &self->last_child->tail : &self->text;

  if (*slot == NULL)
    {
      *slot = text;
    }
  else
    {
      append_to (slot, text);
      g_free (text);
    }
  clear_text_cache (self);
}

/**
 * xmpp_element_append_text:
 * @self: an element
 * @text: the text to add
 *
 * Adds character data after the last child of @self, or at the end of the
 * leading text if @self has no child. With
 * [method@Xmpp.Element.add_child] it builds mixed content in order.
 */
void
xmpp_element_append_text (XmppElement *self,
                          const char  *text)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (text != NULL);

  if (*text != '\0')
    xmpp_element_take_text (self, g_strdup (text));
}

/**
 * xmpp_element_get_leading_text:
 * @self: an element
 *
 * Gives the character data before the first child of @self; for an
 * element without children it is all its text.
 *
 * Returns: (nullable): the text, or %NULL if there is none
 */
const char *
xmpp_element_get_leading_text (XmppElement *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->text;
}

/**
 * xmpp_element_get_tail:
 * @self: an element
 *
 * Gives the character data that follows @self inside its parent, before
 * the next sibling.
 *
 * Returns: (nullable): the text, or %NULL if there is none
 */
const char *
xmpp_element_get_tail (XmppElement *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->tail;
}

/**
 * xmpp_element_get_parent:
 * @self: an element
 *
 * Gives the element that contains @self.
 *
 * Returns: (nullable) (transfer none): the parent, or %NULL for a root
 */
XmppElement *
xmpp_element_get_parent (XmppElement *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->parent;
}

/**
 * xmpp_element_get_first_child:
 * @self: an element
 *
 * Starts a walk over the children with
 * [method@Xmpp.Element.get_next_sibling].
 *
 * Returns: (nullable) (transfer none): the first child element, or %NULL
 */
XmppElement *
xmpp_element_get_first_child (XmppElement *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->first_child;
}

/**
 * xmpp_element_get_next_sibling:
 * @self: an element
 *
 * Gives the next child of the same parent.
 *
 * Returns: (nullable) (transfer none): the next sibling, or %NULL
 */
XmppElement *
xmpp_element_get_next_sibling (XmppElement *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->next;
}

/**
 * xmpp_element_get_n_children:
 * @self: an element
 *
 * Counts the child elements of @self.
 *
 * Returns: the number of children
 */
guint
xmpp_element_get_n_children (XmppElement *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_children;
}

/**
 * xmpp_element_get_child_at:
 * @self: an element
 * @index_: the position of the child, from 0
 *
 * Gives a child by position.
 *
 * Returns: (nullable) (transfer none): the child, or %NULL if @index_ is
 *   out of range
 */
XmppElement *
xmpp_element_get_child_at (XmppElement *self,
                           guint        index_)
{
  XmppElement *child;

  g_return_val_if_fail (self != NULL, NULL);

  for (child = self->first_child; child != NULL && index_ > 0; child = child->next)
    index_--;
  return child;
}

static gboolean
child_matches (XmppElement *child,
               const char  *name,
               const char  *ns)
{
  return (name == NULL || strcmp (child->name, name) == 0) &&
         (ns == NULL || g_strcmp0 (child->ns, ns) == 0);
}

/**
 * xmpp_element_get_child:
 * @self: an element
 * @name: (nullable): the child's local name, or %NULL for any
 * @namespace_: (nullable): the child's namespace, or %NULL for any
 *
 * Finds the first child with the given name and namespace, such as the
 * `<query xmlns='jabber:iq:roster'/>` of an IQ.
 *
 * Returns: (nullable) (transfer none): the child, or %NULL
 */
XmppElement *
xmpp_element_get_child (XmppElement *self,
                        const char  *name,
                        const char  *namespace_)
{
  g_return_val_if_fail (self != NULL, NULL);

  for (XmppElement *child = self->first_child; child != NULL; child = child->next)
    if (child_matches (child, name, namespace_))
      return child;
  return NULL;
}

/**
 * xmpp_element_get_children:
 * @self: an element
 * @name: (nullable): the children's local name, or %NULL for any
 * @namespace_: (nullable): the children's namespace, or %NULL for any
 *
 * Collects the children with the given name and namespace, in order; with
 * two %NULLs, all the children.
 *
 * Returns: (transfer container) (element-type XmppElement): the children
 */
GPtrArray *
xmpp_element_get_children (XmppElement *self,
                           const char  *name,
                           const char  *namespace_)
{
  GPtrArray *children;

  g_return_val_if_fail (self != NULL, NULL);

  children = g_ptr_array_new ();
  for (XmppElement *child = self->first_child; child != NULL; child = child->next)
    if (child_matches (child, name, namespace_))
      g_ptr_array_add (children, child);
  return children;
}

/**
 * xmpp_element_get_child_text:
 * @self: an element
 * @name: the child's local name
 * @namespace_: (nullable): the child's namespace, or %NULL for any
 *
 * Gives the text of the first matching child, such as the `<body/>` of a
 * message.
 *
 * Returns: (nullable): the child's text, or %NULL if there is no such
 *   child or it has no text
 */
const char *
xmpp_element_get_child_text (XmppElement *self,
                             const char  *name,
                             const char  *namespace_)
{
  XmppElement *child;

  g_return_val_if_fail (name != NULL, NULL);

  child = xmpp_element_get_child (self, name, namespace_);
  return child != NULL ? xmpp_element_get_text (child) : NULL;
}

void
xmpp_element_take_child (XmppElement *self,
                         XmppElement *child)
{
  child->parent = self;
  if (self->last_child != NULL)
    self->last_child->next = child;
  else
    self->first_child = child;
  self->last_child = child;
  self->n_children++;
}

/**
 * xmpp_element_add_child:
 * @self: an element
 * @child: an element without a parent
 *
 * Appends @child after the existing children and text. If @child has no
 * namespace, it takes the namespace of @self.
 */
void
xmpp_element_add_child (XmppElement *self,
                        XmppElement *child)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (child != NULL);
  g_return_if_fail (child->parent == NULL);
  g_return_if_fail (child != self);

  if (child->ns == NULL && self->ns != NULL)
    child->ns = xmpp_name_acquire (self->ns);
  g_clear_pointer (&child->tail, g_free);
  xmpp_element_take_child (self, xmpp_element_ref (child));
  clear_text_cache (self);
}

/**
 * xmpp_element_add_child_new:
 * @self: an element
 * @name: the child's local name
 * @namespace_: (nullable): the child's namespace, or %NULL for the
 *   namespace of @self
 *
 * Creates a child and appends it, to build a tree in few lines.
 *
 * Returns: (transfer none): the new child, owned by @self
 */
XmppElement *
xmpp_element_add_child_new (XmppElement *self,
                            const char  *name,
                            const char  *namespace_)
{
  XmppElement *child;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (is_valid_name (name), NULL);

  child = xmpp_element_new (name, namespace_);
  xmpp_element_add_child (self, child);
  xmpp_element_unref (child);
  return child;
}

/**
 * xmpp_element_add_child_with_text:
 * @self: an element
 * @name: the child's local name
 * @namespace_: (nullable): the child's namespace, or %NULL for the
 *   namespace of @self
 * @text: (nullable): the child's text
 *
 * Creates a child holding @text and appends it, as for a `<body/>`.
 *
 * Returns: (transfer none): the new child, owned by @self
 */
XmppElement *
xmpp_element_add_child_with_text (XmppElement *self,
                                  const char  *name,
                                  const char  *namespace_,
                                  const char  *text)
{
  XmppElement *child = xmpp_element_add_child_new (self, name, namespace_);

  if (child != NULL)
    xmpp_element_set_text (child, text);
  return child;
}

/**
 * xmpp_element_remove_child:
 * @self: an element
 * @child: a child of @self
 *
 * Removes @child and drops the reference @self held. The child's tail goes
 * with it.
 */
void
xmpp_element_remove_child (XmppElement *self,
                           XmppElement *child)
{
  XmppElement *prev = NULL;

  g_return_if_fail (self != NULL);
  g_return_if_fail (child != NULL && child->parent == self);

  for (XmppElement *it = self->first_child; it != child; it = it->next)
    prev = it;

  if (prev != NULL)
    prev->next = child->next;
  else
    self->first_child = child->next;
  if (self->last_child == child)
    self->last_child = prev;
  self->n_children--;

  child->parent = NULL;
  child->next = NULL;
  g_clear_pointer (&child->tail, g_free);
  clear_text_cache (self);
  xmpp_element_unref (child);
}

/**
 * xmpp_element_to_string:
 * @self: an element
 *
 * Serialises @self and its children as XML, declaring its namespace with
 * `xmlns`. Text and attribute values are escaped; characters that XML
 * cannot carry (control characters, invalid UTF-8) are left out.
 *
 * Returns: (transfer full): the XML text
 */
char *
xmpp_element_to_string (XmppElement *self)
{
  return xmpp_element_to_string_in_namespace (self, NULL);
}

/**
 * xmpp_element_to_string_in_namespace:
 * @self: an element
 * @default_namespace: (nullable): the default namespace in scope where the
 *   XML goes, such as `jabber:client` inside a client stream
 *
 * Serialises @self as it is written inside a stream: the `xmlns` of an
 * element whose namespace is @default_namespace is left out, as servers
 * expect for stanzas. An element of the stream namespace, such as
 * `<stream:error/>`, declares the `stream:` prefix so that the text stands
 * on its own.
 *
 * Returns: (transfer full): the XML text
 */
char *
xmpp_element_to_string_in_namespace (XmppElement *self,
                                     const char  *default_namespace)
{
  GString *out;

  g_return_val_if_fail (self != NULL, NULL);

  out = g_string_sized_new (256);
  xmpp_writer_append_element (out, self, default_namespace, FALSE);
  return g_string_free (out, FALSE);
}
