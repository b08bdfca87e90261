/* xmpp-client.h: several accounts, connected and reconnected together
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(__XMPP_GLIB_INSIDE__) && !defined(XMPP_GLIB_COMPILATION)
#error "Only <xmpp-glib/xmpp-glib.h> can be included directly."
#endif

#include <gio/gio.h>
#include <xmpp-glib/xmpp-version-macros.h>
#include <xmpp-glib/xmpp-account.h>
#include <xmpp-glib/xmpp-jid.h>
#include <xmpp-glib/xmpp-message.h>
#include <xmpp-glib/xmpp-presence.h>

G_BEGIN_DECLS

/**
 * XMPP_CLIENT_ERROR:
 *
 * The error domain of [class@Xmpp.Client].
 */
#define XMPP_CLIENT_ERROR (xmpp_client_error_quark ())

/**
 * XmppClientError:
 * @XMPP_CLIENT_ERROR_ACCOUNT_EXISTS: the client already has an account
 *   for that bare address
 * @XMPP_CLIENT_ERROR_NOT_ONLINE: no account is online to send with
 * @XMPP_CLIENT_ERROR_QUEUE_FULL: the send queue of the account chosen is
 *   full (see [method@Xmpp.Connection.send])
 * @XMPP_CLIENT_ERROR_NO_RECIPIENT: the message has no recipient to choose
 *   the account by
 *
 * Why a [class@Xmpp.Client] call failed.
 */
typedef enum {
  XMPP_CLIENT_ERROR_ACCOUNT_EXISTS,
  XMPP_CLIENT_ERROR_NOT_ONLINE,
  XMPP_CLIENT_ERROR_QUEUE_FULL,
  XMPP_CLIENT_ERROR_NO_RECIPIENT,
} XmppClientError;

/**
 * XMPP_CLIENT_DEFAULT_MAX_CONNECTING:
 *
 * The default of [property@Xmpp.Client:max-connecting].
 */
#define XMPP_CLIENT_DEFAULT_MAX_CONNECTING 32

#define XMPP_TYPE_CLIENT (xmpp_client_get_type ())

XMPP_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (XmppClient, xmpp_client, XMPP, CLIENT, GObject)

XMPP_AVAILABLE_IN_ALL
GQuark xmpp_client_error_quark (void);

XMPP_AVAILABLE_IN_ALL
XmppClient *xmpp_client_new (void);

XMPP_AVAILABLE_IN_ALL
XmppAccount *xmpp_client_add_account (XmppClient  *self,
                                      XmppJid     *jid,
                                      const char  *password,
                                      GError     **error);
XMPP_AVAILABLE_IN_ALL
void xmpp_client_remove_account (XmppClient  *self,
                                 XmppAccount *account);
XMPP_AVAILABLE_IN_ALL
XmppAccount *xmpp_client_lookup_account (XmppClient *self,
                                         XmppJid    *jid);

XMPP_AVAILABLE_IN_ALL
void xmpp_client_start (XmppClient *self);
XMPP_AVAILABLE_IN_ALL
gboolean xmpp_client_is_started (XmppClient *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_client_stop_async (XmppClient          *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data);
XMPP_AVAILABLE_IN_ALL
gboolean xmpp_client_stop_finish (XmppClient    *self,
                                  GAsyncResult  *result,
                                  GError       **error);

XMPP_AVAILABLE_IN_ALL
XmppPresence *xmpp_client_get_presence (XmppClient *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_client_set_presence (XmppClient   *self,
                               XmppPresence *presence);
XMPP_AVAILABLE_IN_ALL
gboolean xmpp_client_send_message (XmppClient   *self,
                                   XmppMessage  *message,
                                   GError      **error);

XMPP_AVAILABLE_IN_ALL
GNetworkMonitor *xmpp_client_get_network_monitor (XmppClient *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_client_set_network_monitor (XmppClient      *self,
                                      GNetworkMonitor *monitor);

XMPP_AVAILABLE_IN_ALL
guint xmpp_client_get_max_connecting (XmppClient *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_client_set_max_connecting (XmppClient *self,
                                     guint       max_connecting);

G_END_DECLS
