/* xmpp-roster.h: the roster (RFC 6121 §2) as a GListModel
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(__XMPP_GLIB_INSIDE__) && !defined(XMPP_GLIB_COMPILATION)
#error "Only <xmpp-glib/xmpp-glib.h> can be included directly."
#endif

#include <gio/gio.h>
#include <xmpp-glib/xmpp-version-macros.h>
#include <xmpp-glib/xmpp-contact.h>
#include <xmpp-glib/xmpp-jid.h>

G_BEGIN_DECLS

#define XMPP_TYPE_ROSTER (xmpp_roster_get_type ())

XMPP_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (XmppRoster, xmpp_roster, XMPP, ROSTER, GObject)

XMPP_AVAILABLE_IN_ALL
XmppContact *xmpp_roster_lookup (XmppRoster *self,
                                 XmppJid    *jid);
XMPP_AVAILABLE_IN_ALL
const char *xmpp_roster_get_version (XmppRoster *self);

XMPP_AVAILABLE_IN_ALL
char *xmpp_roster_save_to_string (XmppRoster *self);
XMPP_AVAILABLE_IN_ALL
gboolean xmpp_roster_load_from_string (XmppRoster  *self,
                                       const char  *data,
                                       GError     **error);

XMPP_AVAILABLE_IN_ALL
void xmpp_roster_add_contact_async (XmppRoster          *self,
                                    XmppJid             *jid,
                                    const char          *name,
                                    const char * const  *groups,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
XMPP_AVAILABLE_IN_ALL
gboolean xmpp_roster_add_contact_finish (XmppRoster    *self,
                                         GAsyncResult  *result,
                                         GError       **error);
XMPP_AVAILABLE_IN_ALL
void xmpp_roster_rename_contact_async (XmppRoster          *self,
                                       XmppJid             *jid,
                                       const char          *name,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
XMPP_AVAILABLE_IN_ALL
gboolean xmpp_roster_rename_contact_finish (XmppRoster    *self,
                                            GAsyncResult  *result,
                                            GError       **error);
XMPP_AVAILABLE_IN_ALL
void xmpp_roster_set_contact_groups_async (XmppRoster          *self,
                                           XmppJid             *jid,
                                           const char * const  *groups,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
XMPP_AVAILABLE_IN_ALL
gboolean xmpp_roster_set_contact_groups_finish (XmppRoster    *self,
                                                GAsyncResult  *result,
                                                GError       **error);
XMPP_AVAILABLE_IN_ALL
void xmpp_roster_remove_contact_async (XmppRoster          *self,
                                       XmppJid             *jid,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
XMPP_AVAILABLE_IN_ALL
gboolean xmpp_roster_remove_contact_finish (XmppRoster    *self,
                                            GAsyncResult  *result,
                                            GError       **error);

G_END_DECLS
