/* xmpp-stanza-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "xmpp-stanza.h"

G_BEGIN_DECLS

/* Wraps @element, taking the caller's reference. */
XmppStanza *xmpp_stanza_new_take_element (XmppElement *element);

/* Attaches @reply to a %XMPP_STANZA_ERROR (xmpp-errors.c). */
void xmpp_stanza_error_set_reply (GError     *error,
                                  XmppStanza *reply);

G_END_DECLS
