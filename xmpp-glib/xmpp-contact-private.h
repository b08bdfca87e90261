/* xmpp-contact-private.h: how the roster and the IM connection update
 * contacts
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "xmpp-glib-private.h"
#include "xmpp-contact.h"

G_BEGIN_DECLS

/* A contact for @jid (made bare), with no roster data and no presence. */
XmppContact *xmpp_contact_new (XmppJid *jid);

/* Takes name, groups, subscription, ask and approved from a roster
 * <item/> whose jid is the contact's, and notifies what changed. */
void xmpp_contact_update_from_item (XmppContact *self,
                                    XmppElement *item);

/* The roster <item/> that describes the contact (for a roster set, or a
 * saved roster), without subscription attributes when @for_set. */
XmppElement *xmpp_contact_to_item (XmppContact *self,
                                   gboolean     for_set);

/* A roster <item/> with @jid (made bare), @name (none if NULL or empty)
 * and a <group/> for each of @groups (NULL for none), without empty or
 * repeated group names: what a roster set sends. */
XmppElement *xmpp_roster_item_new (XmppJid            *jid,
                                   const char         *name,
                                   const char * const *groups);

/* Records an available or unavailable @presence from one of the
 * contact's resources: available adds or replaces that resource's entry
 * in :resources, unavailable removes it (without a resource: all of
 * them). Notifies :best-presence when it changes. Returns the resource's
 * previous presence (transfer full), or NULL if it had none; for an
 * unavailable presence from the bare address, the previous best presence.
 * Other presence types change nothing and return NULL. */
XmppPresence *xmpp_contact_update_presence (XmppContact  *self,
                                            XmppPresence *presence);

/* Forgets the presence of every resource (the stream ended). */
void xmpp_contact_clear_presences (XmppContact *self);

G_END_DECLS
