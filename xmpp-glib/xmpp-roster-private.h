/* xmpp-roster-private.h: how the IM connection feeds the roster
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "xmpp-glib-private.h"
#include "xmpp-connection.h"
#include "xmpp-roster.h"

G_BEGIN_DECLS

#define XMPP_NS_ROSTER "jabber:iq:roster"

/* An empty roster whose add/rename/remove requests go through
 * @connection, which it does not keep alive (a weak pointer). */
XmppRoster *xmpp_roster_new (XmppConnection *connection);

/* Replaces every item with those of @query, the <query/> of a roster
 * result, and takes its version. Contacts that stay keep their object
 * (and presence); items-changed covers exactly the positions that
 * changed. */
void xmpp_roster_replace (XmppRoster  *self,
                          XmppElement *query);

/* Applies the <query/> of a roster push (exactly one <item/>): adds,
 * updates or, for subscription='remove', removes that contact, and takes
 * the version. Returns: %FALSE (and changes nothing) if @query is
 * malformed: not exactly one item, or an item without a valid jid. */
gboolean xmpp_roster_apply_push (XmppRoster  *self,
                                 XmppElement *query);

/* Forgets the presence of every contact. */
void xmpp_roster_clear_presences (XmppRoster *self);

G_END_DECLS
