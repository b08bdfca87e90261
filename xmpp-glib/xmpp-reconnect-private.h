/* xmpp-reconnect-private.h: the parts of the reconnection policy that do
 * not need an account: which errors end the retries, the back-off delays,
 * and the system's sleep and wake-up
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "xmpp-glib-private.h"

G_BEGIN_DECLS

typedef enum {
  XMPP_RECONNECT_RETRY,         /* try again after the next back-off delay */
  XMPP_RECONNECT_RETRY_LATER,   /* try again, but only after the longest delay */
  XMPP_RECONNECT_GIVE_UP,       /* trying again cannot help */
} XmppReconnectVerdict;

/* What to do after a connection ended with @error (never %NULL). */
XmppReconnectVerdict xmpp_reconnect_judge (const GError *error);

/* The delay in milliseconds before the next attempt when @retry delays
 * were scheduled since the last stable session: @initial_ms doubled
 * @retry times, capped at @max_ms, then randomized by ±25 % and capped
 * again. */
guint xmpp_reconnect_compute_delay (guint initial_ms,
                                    guint max_ms,
                                    guint retry);

/* Watches systemd-logind's PrepareForSleep on the system bus, when there
 * is one: @resumed runs in the thread-default main context of the caller
 * of xmpp_sleep_watch_new() each time the system wakes up. Without a
 * system bus or logind, nothing happens and nothing is logged above
 * debug level. */
typedef struct _XmppSleepWatch XmppSleepWatch;
typedef void (*XmppSleepWatchFunc) (gpointer user_data);

XmppSleepWatch *xmpp_sleep_watch_new (XmppSleepWatchFunc resumed,
                                      gpointer           user_data);
void xmpp_sleep_watch_free (XmppSleepWatch *self);

G_END_DECLS
