/* xmpp-names-private.h: the strings that name elements, attributes and
 * namespaces
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Names in element trees are either one of the library's well-known
 * names, static and never counted, or a GRefString. Parsing a usual
 * stanza then touches no reference count at all, while a peer's unknown
 * names still cost memory only as long as an element uses them. */

extern const char xmpp_known_names[];
extern const gsize xmpp_known_names_size;

static inline gboolean
xmpp_name_is_known (const char *name)
{
  return name >= xmpp_known_names && name < xmpp_known_names + xmpp_known_names_size;
}

/* A name for @name: the well-known copy, or a new reference to an
 * interned GRefString. */
char *xmpp_name_new (const char *name);

static inline char *
xmpp_name_acquire (char *name)
{
  return name == NULL || xmpp_name_is_known (name) ? name : g_ref_string_acquire (name);
}

static inline void
xmpp_name_release (char *name)
{
  if (name != NULL && !xmpp_name_is_known (name))
    g_ref_string_release (name);
}

G_END_DECLS
