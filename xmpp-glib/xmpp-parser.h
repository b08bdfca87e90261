/* xmpp-parser.h: the incremental XML stream parser
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(__XMPP_GLIB_INSIDE__) && !defined(XMPP_GLIB_COMPILATION)
#error "Only <xmpp-glib/xmpp-glib.h> can be included directly."
#endif

#include <glib-object.h>
#include <xmpp-glib/xmpp-version-macros.h>
#include <xmpp-glib/xmpp-stanza.h>
#include <xmpp-glib/xmpp-stream-header.h>

G_BEGIN_DECLS

/**
 * XMPP_PARSER_DEFAULT_MAX_STANZA_SIZE:
 *
 * The default of [property@Xmpp.Parser:max-stanza-size]: 1 MiB.
 */
#define XMPP_PARSER_DEFAULT_MAX_STANZA_SIZE (1024 * 1024)

/**
 * XMPP_PARSER_DEFAULT_MAX_DEPTH:
 *
 * The default of [property@Xmpp.Parser:max-depth].
 */
#define XMPP_PARSER_DEFAULT_MAX_DEPTH 64

/**
 * XMPP_PARSER_DEFAULT_MAX_ATTRIBUTES:
 *
 * The default of [property@Xmpp.Parser:max-attributes].
 */
#define XMPP_PARSER_DEFAULT_MAX_ATTRIBUTES 64

#define XMPP_TYPE_PARSER (xmpp_parser_get_type ())

XMPP_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (XmppParser, xmpp_parser, XMPP, PARSER, GObject)

XMPP_AVAILABLE_IN_ALL
XmppParser *xmpp_parser_new (void);
XMPP_AVAILABLE_IN_ALL
gboolean xmpp_parser_feed (XmppParser   *self,
                           const guint8 *data,
                           gsize         length,
                           GError      **error);
XMPP_AVAILABLE_IN_ALL
void xmpp_parser_reset (XmppParser *self);

XMPP_AVAILABLE_IN_ALL
gsize xmpp_parser_get_max_stanza_size (XmppParser *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_parser_set_max_stanza_size (XmppParser *self,
                                      gsize       max_stanza_size);
XMPP_AVAILABLE_IN_ALL
guint xmpp_parser_get_max_depth (XmppParser *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_parser_set_max_depth (XmppParser *self,
                                guint       max_depth);
XMPP_AVAILABLE_IN_ALL
guint xmpp_parser_get_max_attributes (XmppParser *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_parser_set_max_attributes (XmppParser *self,
                                     guint       max_attributes);

G_END_DECLS
