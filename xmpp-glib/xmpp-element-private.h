/* xmpp-element-private.h: the element struct and fast constructors for
 * the parser and the writer
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "xmpp-glib-private.h"

G_BEGIN_DECLS

typedef struct
{
  char *name;   /* a name (xmpp-names-private.h) */
  char *ns;     /* a name, or NULL for no namespace */
  char *value;  /* g_malloc'd */
} XmppAttribute;

struct _XmppElement
{
  gatomicrefcount ref_count;
  guint n_attrs;
  guint attrs_size;
  guint n_children;

  char *name;                 /* a name (xmpp-names-private.h) */
  char *ns;                   /* a name, or NULL for no namespace */
  XmppAttribute *attrs;       /* may follow the struct in its allocation */

  XmppElement *parent;        /* weak */
  XmppElement *first_child;   /* owned, linked through ->next */
  XmppElement *last_child;
  XmppElement *next;

  char *text;                 /* character data before the first child */
  char *tail;                 /* character data after this element, in its parent */
  char *text_cache;           /* all direct character data, when mixed */
};

/* Takes ownership of @name and @ns, names as xmpp-names-private.h makes
 * them. The sized form makes room for @n_attributes attributes in the
 * element's own allocation. */
XmppElement *xmpp_element_new_take (char *name,
                                    char *ns);
XmppElement *xmpp_element_new_take_sized (char  *name,
                                          char  *ns,
                                          guint  n_attributes);
/* Parses the one element of @xml (@length -1 if NUL-terminated) with the
 * restrictions and limits of a stream, as a fragment whose default
 * namespace is @default_namespace (nullable) and where the stream: prefix
 * is bound. */
XmppElement *xmpp_element_parse (const char *xml,
                                 gssize      length,
                                 const char *default_namespace,
                                 GError    **error);
/* Appends an attribute without looking for an existing one of the same
 * name; takes ownership of all three strings (@name and @ns names as
 * xmpp-names-private.h makes them, @value g_malloc'd). */
void xmpp_element_take_attribute (XmppElement *self,
                                  char        *name,
                                  char        *ns,
                                  char        *value);
/* Appends @child, taking the caller's reference. */
void xmpp_element_take_child (XmppElement *self,
                              XmppElement *child);
/* Appends character data after the last child, taking ownership of @text. */
void xmpp_element_take_text (XmppElement *self,
                             char        *text);

/* Serialisation (xmpp-writer.c). @inherited_ns is the default namespace in
 * scope where the element is written (NULL when none);
 * @stream_prefix_bound says whether the stream: prefix is declared there,
 * as it is inside a stream after its header. */
void xmpp_writer_append_element (GString     *out,
                                 XmppElement *element,
                                 const char  *inherited_ns,
                                 gboolean     stream_prefix_bound);
void xmpp_writer_append_attribute_value (GString    *out,
                                         const char *value);

G_END_DECLS
