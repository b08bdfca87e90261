/* xmpp-im-connection.h: instant messaging and presence (RFC 6121)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(__XMPP_GLIB_INSIDE__) && !defined(XMPP_GLIB_COMPILATION)
#error "Only <xmpp-glib/xmpp-glib.h> can be included directly."
#endif

#include <xmpp-glib/xmpp-version-macros.h>
#include <xmpp-glib/xmpp-connection.h>
#include <xmpp-glib/xmpp-contact.h>
#include <xmpp-glib/xmpp-message.h>
#include <xmpp-glib/xmpp-presence.h>
#include <xmpp-glib/xmpp-roster.h>

G_BEGIN_DECLS

#define XMPP_TYPE_IM_CONNECTION (xmpp_im_connection_get_type ())

XMPP_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (XmppImConnection, xmpp_im_connection, XMPP, IM_CONNECTION, XmppConnection)

XMPP_AVAILABLE_IN_ALL
XmppImConnection *xmpp_im_connection_new (XmppJid    *jid,
                                          const char *password);

XMPP_AVAILABLE_IN_ALL
XmppRoster *xmpp_im_connection_get_roster (XmppImConnection *self);
XMPP_AVAILABLE_IN_ALL
XmppContact *xmpp_im_connection_get_own_contact (XmppImConnection *self);
XMPP_AVAILABLE_IN_ALL
gboolean xmpp_im_connection_is_session_ready (XmppImConnection *self);

XMPP_AVAILABLE_IN_ALL
XmppPresence *xmpp_im_connection_get_presence (XmppImConnection *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_im_connection_set_presence (XmppImConnection *self,
                                      XmppPresence     *presence);
XMPP_AVAILABLE_IN_ALL
gboolean xmpp_im_connection_send_presence (XmppImConnection *self,
                                           XmppPresence     *presence);
XMPP_AVAILABLE_IN_ALL
gboolean xmpp_im_connection_send_message (XmppImConnection *self,
                                          XmppMessage      *message);

XMPP_AVAILABLE_IN_ALL
gboolean xmpp_im_connection_subscribe (XmppImConnection *self,
                                       XmppJid          *jid,
                                       const char       *status);
XMPP_AVAILABLE_IN_ALL
gboolean xmpp_im_connection_unsubscribe (XmppImConnection *self,
                                         XmppJid          *jid);
XMPP_AVAILABLE_IN_ALL
gboolean xmpp_im_connection_approve_subscription (XmppImConnection *self,
                                                  XmppJid          *jid);
XMPP_AVAILABLE_IN_ALL
gboolean xmpp_im_connection_deny_subscription (XmppImConnection *self,
                                               XmppJid          *jid);
XMPP_AVAILABLE_IN_ALL
gboolean xmpp_im_connection_cancel_subscription (XmppImConnection *self,
                                                 XmppJid          *jid);
XMPP_AVAILABLE_IN_ALL
gboolean xmpp_im_connection_preapprove_subscription (XmppImConnection  *self,
                                                     XmppJid           *jid,
                                                     GError           **error);
XMPP_AVAILABLE_IN_ALL
gboolean xmpp_im_connection_get_supports_preapproval (XmppImConnection *self);

G_END_DECLS
