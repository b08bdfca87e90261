/* xmpp-parser-private.h: direct callbacks for the library's own users of
 * the parser
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "xmpp-parser.h"

G_BEGIN_DECLS

/* The connection receives its events through these plain callbacks
 * rather than through signals, which keeps the per-stanza cost down.
 * While handlers are set, the parser emits no signal. The stanza is
 * borrowed: a handler that keeps it takes a reference. */
typedef struct
{
  void (*stream_start) (XmppStreamHeader *header,
                        gpointer          user_data);
  void (*stanza)       (XmppStanza       *stanza,
                        gpointer          user_data);
  void (*stream_end)   (gpointer          user_data);
} XmppParserHandlers;

void xmpp_parser_set_handlers (XmppParser               *self,
                               const XmppParserHandlers *handlers,
                               gpointer                  user_data);

/* A parser for a lone element, without the <stream:stream> wrapper: the
 * root element is reported through the stanza callback or signal, and
 * the same restrictions and limits apply. As inside a stream, the
 * stream: prefix is bound to http://etherx.jabber.org/streams (that is
 * how xmpp_stanza_to_string() writes <stream:features/>); there is no
 * default namespace. No XML declaration is allowed. */
XmppParser *xmpp_parser_new_fragment (void);
/* The same, with @default_namespace in scope as the default namespace, as
 * the content namespace is inside a stream: an unprefixed element without
 * an xmlns is in it, and one with xmlns='' is in no namespace. */
XmppParser *xmpp_parser_new_fragment_in_namespace (const char *default_namespace);

/* Ends the input: parses what libxml2 held back and fails with
 * XMPP_STREAM_ERROR_NOT_WELL_FORMED unless the document was complete (the
 * root element of a fragment, or the whole stream, has ended). Feeding
 * more afterwards fails until xmpp_parser_reset(). */
gboolean xmpp_parser_finish (XmppParser  *self,
                             GError     **error);

G_END_DECLS
