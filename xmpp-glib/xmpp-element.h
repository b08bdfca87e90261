/* xmpp-element.h: the XML element tree that stanzas are made of
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(__XMPP_GLIB_INSIDE__) && !defined(XMPP_GLIB_COMPILATION)
#error "Only <xmpp-glib/xmpp-glib.h> can be included directly."
#endif

#include <glib-object.h>
#include <xmpp-glib/xmpp-version-macros.h>

G_BEGIN_DECLS

#define XMPP_TYPE_ELEMENT (xmpp_element_get_type ())

typedef struct _XmppElement XmppElement;

XMPP_AVAILABLE_IN_ALL
GType xmpp_element_get_type (void) G_GNUC_CONST;

XMPP_AVAILABLE_IN_ALL
XmppElement *xmpp_element_new (const char *name,
                               const char *namespace_);
XMPP_AVAILABLE_IN_ALL
XmppElement *xmpp_element_new_from_string (const char *xml,
                                           gssize      length,
                                           GError    **error);
XMPP_AVAILABLE_IN_ALL
XmppElement *xmpp_element_ref (XmppElement *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_element_unref (XmppElement *self);
XMPP_AVAILABLE_IN_ALL
XmppElement *xmpp_element_copy (XmppElement *self);
XMPP_AVAILABLE_IN_ALL
gboolean xmpp_element_equal (XmppElement *a,
                             XmppElement *b);

XMPP_AVAILABLE_IN_ALL
const char *xmpp_element_get_name (XmppElement *self);
XMPP_AVAILABLE_IN_ALL
const char *xmpp_element_get_namespace (XmppElement *self);
XMPP_AVAILABLE_IN_ALL
gboolean xmpp_element_is (XmppElement *self,
                          const char  *name,
                          const char  *namespace_);

/* Attributes */
XMPP_AVAILABLE_IN_ALL
const char *xmpp_element_get_attribute (XmppElement *self,
                                        const char  *name);
XMPP_AVAILABLE_IN_ALL
void xmpp_element_set_attribute (XmppElement *self,
                                 const char  *name,
                                 const char  *value);
XMPP_AVAILABLE_IN_ALL
const char *xmpp_element_get_attribute_ns (XmppElement *self,
                                           const char  *name,
                                           const char  *namespace_);
XMPP_AVAILABLE_IN_ALL
void xmpp_element_set_attribute_ns (XmppElement *self,
                                    const char  *name,
                                    const char  *namespace_,
                                    const char  *value);
XMPP_AVAILABLE_IN_ALL
guint xmpp_element_get_n_attributes (XmppElement *self);
XMPP_AVAILABLE_IN_ALL
gboolean xmpp_element_get_attribute_at (XmppElement *self,
                                        guint        index_,
                                        const char **name,
                                        const char **namespace_,
                                        const char **value);

/* Text */
XMPP_AVAILABLE_IN_ALL
const char *xmpp_element_get_text (XmppElement *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_element_set_text (XmppElement *self,
                            const char  *text);
XMPP_AVAILABLE_IN_ALL
void xmpp_element_append_text (XmppElement *self,
                               const char  *text);
XMPP_AVAILABLE_IN_ALL
const char *xmpp_element_get_leading_text (XmppElement *self);
XMPP_AVAILABLE_IN_ALL
const char *xmpp_element_get_tail (XmppElement *self);

/* Children */
XMPP_AVAILABLE_IN_ALL
XmppElement *xmpp_element_get_parent (XmppElement *self);
XMPP_AVAILABLE_IN_ALL
XmppElement *xmpp_element_get_first_child (XmppElement *self);
XMPP_AVAILABLE_IN_ALL
XmppElement *xmpp_element_get_next_sibling (XmppElement *self);
XMPP_AVAILABLE_IN_ALL
guint xmpp_element_get_n_children (XmppElement *self);
XMPP_AVAILABLE_IN_ALL
XmppElement *xmpp_element_get_child_at (XmppElement *self,
                                        guint        index_);
XMPP_AVAILABLE_IN_ALL
XmppElement *xmpp_element_get_child (XmppElement *self,
                                     const char  *name,
                                     const char  *namespace_);
XMPP_AVAILABLE_IN_ALL
GPtrArray *xmpp_element_get_children (XmppElement *self,
                                      const char  *name,
                                      const char  *namespace_);
XMPP_AVAILABLE_IN_ALL
const char *xmpp_element_get_child_text (XmppElement *self,
                                         const char  *name,
                                         const char  *namespace_);
XMPP_AVAILABLE_IN_ALL
void xmpp_element_add_child (XmppElement *self,
                             XmppElement *child);
XMPP_AVAILABLE_IN_ALL
XmppElement *xmpp_element_add_child_new (XmppElement *self,
                                         const char  *name,
                                         const char  *namespace_);
XMPP_AVAILABLE_IN_ALL
XmppElement *xmpp_element_add_child_with_text (XmppElement *self,
                                               const char  *name,
                                               const char  *namespace_,
                                               const char  *text);
XMPP_AVAILABLE_IN_ALL
void xmpp_element_remove_child (XmppElement *self,
                                XmppElement *child);

/* Output */
XMPP_AVAILABLE_IN_ALL
char *xmpp_element_to_string (XmppElement *self);
XMPP_AVAILABLE_IN_ALL
char *xmpp_element_to_string_in_namespace (XmppElement *self,
                                           const char  *default_namespace);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XmppElement, xmpp_element_unref)

G_END_DECLS
