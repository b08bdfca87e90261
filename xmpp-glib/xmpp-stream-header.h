/* xmpp-stream-header.h: the attributes of a <stream:stream> open tag
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

/**
 * XMPP_STREAM_FOOTER:
 *
 * The closing tag of a stream, as written at the end of a session.
 */
#define XMPP_STREAM_FOOTER "</stream:stream>"

#define XMPP_TYPE_STREAM_HEADER (xmpp_stream_header_get_type ())

typedef struct _XmppStreamHeader XmppStreamHeader;

XMPP_AVAILABLE_IN_ALL
GType xmpp_stream_header_get_type (void) G_GNUC_CONST;

XMPP_AVAILABLE_IN_ALL
XmppStreamHeader *xmpp_stream_header_new (const char *content_namespace);
XMPP_AVAILABLE_IN_ALL
XmppStreamHeader *xmpp_stream_header_ref (XmppStreamHeader *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_stream_header_unref (XmppStreamHeader *self);

XMPP_AVAILABLE_IN_ALL
const char *xmpp_stream_header_get_content_namespace (XmppStreamHeader *self);
XMPP_AVAILABLE_IN_ALL
const char *xmpp_stream_header_get_from (XmppStreamHeader *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_stream_header_set_from (XmppStreamHeader *self,
                                  const char       *from);
XMPP_AVAILABLE_IN_ALL
const char *xmpp_stream_header_get_to (XmppStreamHeader *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_stream_header_set_to (XmppStreamHeader *self,
                                const char       *to);
XMPP_AVAILABLE_IN_ALL
const char *xmpp_stream_header_get_id (XmppStreamHeader *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_stream_header_set_id (XmppStreamHeader *self,
                                const char       *id);
XMPP_AVAILABLE_IN_ALL
const char *xmpp_stream_header_get_version (XmppStreamHeader *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_stream_header_set_version (XmppStreamHeader *self,
                                     const char       *version);
XMPP_AVAILABLE_IN_ALL
const char *xmpp_stream_header_get_lang (XmppStreamHeader *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_stream_header_set_lang (XmppStreamHeader *self,
                                  const char       *lang);

XMPP_AVAILABLE_IN_ALL
char *xmpp_stream_header_to_string (XmppStreamHeader *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XmppStreamHeader, xmpp_stream_header_unref)

G_END_DECLS
