/* xmpp-account-private.h: what XmppClient and its accounts tell each
 * other
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "xmpp-glib-private.h"

G_BEGIN_DECLS

/* A new account of @client (not referenced: the client detaches its
 * accounts before it goes), with a connection for @jid and @password. */
XmppAccount *xmpp_account_new (XmppClient *client,
                               XmppJid    *jid,
                               const char *password);

/* The client let the account go: it closes, and connects no more. */
void xmpp_account_detach (XmppAccount *self);

/* The client was started or stopped: an enabled account connects, or
 * closes gracefully. */
void xmpp_account_set_running (XmppAccount *self,
                               gboolean     running);

/* The network came back, or the system woke up: a waiting account tries
 * at once, an online one checks that its stream still works. */
void xmpp_account_wake_up (XmppAccount *self);

/* The client has a connecting turn free for an account that it had put
 * in its queue. */
void xmpp_account_take_turn (XmppAccount *self);

/* Turns: at most XmppClient:max-connecting accounts connect at once. An
 * account takes a turn before connecting (%FALSE: it is queued, and
 * xmpp_account_take_turn() comes later), ends it when the attempt is over
 * (ready or failed), and forgets its place in the queue when it no longer
 * wants to connect. */
gboolean xmpp_client_begin_turn (XmppClient  *self,
                                 XmppAccount *account);
void xmpp_client_end_turn (XmppClient *self);
void xmpp_client_forget_turn (XmppClient  *self,
                              XmppAccount *account);

G_END_DECLS
