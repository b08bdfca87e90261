/* xmpp-contact.h: one roster item and the presence of its resources
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(__XMPP_GLIB_INSIDE__) && !defined(XMPP_GLIB_COMPILATION)
#error "Only <xmpp-glib/xmpp-glib.h> can be included directly."
#endif

#include <gio/gio.h>
#include <xmpp-glib/xmpp-version-macros.h>
#include <xmpp-glib/xmpp-jid.h>
#include <xmpp-glib/xmpp-presence.h>

G_BEGIN_DECLS

/**
 * XmppSubscription:
 * @XMPP_SUBSCRIPTION_NONE: neither side sees the other's presence
 * @XMPP_SUBSCRIPTION_TO: the user sees the contact's presence
 * @XMPP_SUBSCRIPTION_FROM: the contact sees the user's presence
 * @XMPP_SUBSCRIPTION_BOTH: both see each other's presence
 *
 * The presence subscription state of a roster item (RFC 6121 §2.1.2.5).
 */
typedef enum {
  XMPP_SUBSCRIPTION_NONE,
  XMPP_SUBSCRIPTION_TO,
  XMPP_SUBSCRIPTION_FROM,
  XMPP_SUBSCRIPTION_BOTH,
} XmppSubscription;

#define XMPP_TYPE_CONTACT (xmpp_contact_get_type ())

XMPP_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (XmppContact, xmpp_contact, XMPP, CONTACT, GObject)

XMPP_AVAILABLE_IN_ALL
XmppJid *xmpp_contact_get_jid (XmppContact *self);
XMPP_AVAILABLE_IN_ALL
const char *xmpp_contact_get_name (XmppContact *self);
XMPP_AVAILABLE_IN_ALL
const char * const *xmpp_contact_get_groups (XmppContact *self);
XMPP_AVAILABLE_IN_ALL
XmppSubscription xmpp_contact_get_subscription (XmppContact *self);
XMPP_AVAILABLE_IN_ALL
gboolean xmpp_contact_get_ask (XmppContact *self);
XMPP_AVAILABLE_IN_ALL
gboolean xmpp_contact_get_approved (XmppContact *self);
XMPP_AVAILABLE_IN_ALL
GListModel *xmpp_contact_get_resources (XmppContact *self);
XMPP_AVAILABLE_IN_ALL
XmppPresence *xmpp_contact_get_best_presence (XmppContact *self);
XMPP_AVAILABLE_IN_ALL
XmppPresence *xmpp_contact_get_presence (XmppContact *self,
                                         const char  *resource);

G_END_DECLS
