/* xmpp-account.h: one account of an XmppClient, and its reconnections
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(__XMPP_GLIB_INSIDE__) && !defined(XMPP_GLIB_COMPILATION)
#error "Only <xmpp-glib/xmpp-glib.h> can be included directly."
#endif

#include <gio/gio.h>
#include <xmpp-glib/xmpp-version-macros.h>
#include <xmpp-glib/xmpp-im-connection.h>
#include <xmpp-glib/xmpp-jid.h>

G_BEGIN_DECLS

/**
 * XmppReconnectState:
 * @XMPP_RECONNECT_STATE_DISABLED: the account is not enabled
 *   ([property@Xmpp.Account:enabled]); nothing happens
 * @XMPP_RECONNECT_STATE_IDLE: enabled, but not connected and not trying:
 *   the client was not started or was stopped, the application closed the
 *   connection, or it ended while [property@Xmpp.Account:auto-reconnect]
 *   was off
 * @XMPP_RECONNECT_STATE_CONNECTING: a connection attempt is under way, or
 *   waits for its turn (see [property@Xmpp.Client:max-connecting])
 * @XMPP_RECONNECT_STATE_ONLINE: the stream is up and stanzas flow
 * @XMPP_RECONNECT_STATE_WAITING: the connection ended with an error and
 *   another attempt will follow: at [property@Xmpp.Account:next-retry],
 *   or when the network comes back if that is 0
 * @XMPP_RECONNECT_STATE_GAVE_UP: the connection ended with an error that
 *   trying again cannot mend (see [signal@Xmpp.Account::gave-up]); the
 *   account stays so until the application starts it again
 *
 * Where an account stands, seen from its reconnection policy.
 */
typedef enum {
  XMPP_RECONNECT_STATE_DISABLED,
  XMPP_RECONNECT_STATE_IDLE,
  XMPP_RECONNECT_STATE_CONNECTING,
  XMPP_RECONNECT_STATE_ONLINE,
  XMPP_RECONNECT_STATE_WAITING,
  XMPP_RECONNECT_STATE_GAVE_UP,
} XmppReconnectState;

/**
 * XMPP_ACCOUNT_DEFAULT_INITIAL_RETRY_DELAY:
 *
 * The default of [property@Xmpp.Account:initial-retry-delay], in
 * milliseconds.
 */
#define XMPP_ACCOUNT_DEFAULT_INITIAL_RETRY_DELAY 1000

/**
 * XMPP_ACCOUNT_DEFAULT_MAX_RETRY_DELAY:
 *
 * The default of [property@Xmpp.Account:max-retry-delay], in
 * milliseconds: five minutes.
 */
#define XMPP_ACCOUNT_DEFAULT_MAX_RETRY_DELAY (5 * 60 * 1000)

/**
 * XMPP_ACCOUNT_DEFAULT_STABLE_PERIOD:
 *
 * The default of [property@Xmpp.Account:stable-period], in seconds.
 */
#define XMPP_ACCOUNT_DEFAULT_STABLE_PERIOD 60

#define XMPP_TYPE_ACCOUNT (xmpp_account_get_type ())

XMPP_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (XmppAccount, xmpp_account, XMPP, ACCOUNT, GObject)

XMPP_AVAILABLE_IN_ALL
XmppJid *xmpp_account_get_jid (XmppAccount *self);
XMPP_AVAILABLE_IN_ALL
XmppImConnection *xmpp_account_get_connection (XmppAccount *self);
XMPP_AVAILABLE_IN_ALL
gboolean xmpp_account_get_enabled (XmppAccount *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_account_set_enabled (XmppAccount *self,
                               gboolean     enabled);
XMPP_AVAILABLE_IN_ALL
gboolean xmpp_account_get_auto_reconnect (XmppAccount *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_account_set_auto_reconnect (XmppAccount *self,
                                      gboolean     auto_reconnect);
XMPP_AVAILABLE_IN_ALL
guint xmpp_account_get_initial_retry_delay (XmppAccount *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_account_set_initial_retry_delay (XmppAccount *self,
                                           guint        milliseconds);
XMPP_AVAILABLE_IN_ALL
guint xmpp_account_get_max_retry_delay (XmppAccount *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_account_set_max_retry_delay (XmppAccount *self,
                                       guint        milliseconds);
XMPP_AVAILABLE_IN_ALL
guint xmpp_account_get_stable_period (XmppAccount *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_account_set_stable_period (XmppAccount *self,
                                     guint        seconds);
XMPP_AVAILABLE_IN_ALL
XmppReconnectState xmpp_account_get_reconnect_state (XmppAccount *self);
XMPP_AVAILABLE_IN_ALL
guint xmpp_account_get_retry_count (XmppAccount *self);
XMPP_AVAILABLE_IN_ALL
gint64 xmpp_account_get_next_retry (XmppAccount *self);
XMPP_AVAILABLE_IN_ALL
const GError *xmpp_account_get_last_error (XmppAccount *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_account_retry_now (XmppAccount *self);

G_END_DECLS
