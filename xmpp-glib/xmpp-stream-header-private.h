/* xmpp-stream-header-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "xmpp-stream-header.h"

G_BEGIN_DECLS

/* Sets the content namespace, for the parser, which learns it from the
 * default namespace declared on the stream's open tag. */
void xmpp_stream_header_set_content_namespace (XmppStreamHeader *self,
                                               const char       *content_namespace);

G_END_DECLS
