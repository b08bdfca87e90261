/* xmpp-presence.h: presence (RFC 6121 §4)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(__XMPP_GLIB_INSIDE__) && !defined(XMPP_GLIB_COMPILATION)
#error "Only <xmpp-glib/xmpp-glib.h> can be included directly."
#endif

#include <glib-object.h>
#include <xmpp-glib/xmpp-version-macros.h>
#include <xmpp-glib/xmpp-element.h>
#include <xmpp-glib/xmpp-jid.h>
#include <xmpp-glib/xmpp-stanza.h>

G_BEGIN_DECLS

/**
 * XmppPresenceType:
 * @XMPP_PRESENCE_TYPE_AVAILABLE: available (no `type` attribute)
 * @XMPP_PRESENCE_TYPE_UNAVAILABLE: `unavailable`: the sender went offline
 * @XMPP_PRESENCE_TYPE_SUBSCRIBE: `subscribe`: a subscription request
 * @XMPP_PRESENCE_TYPE_SUBSCRIBED: `subscribed`: a request was approved
 * @XMPP_PRESENCE_TYPE_UNSUBSCRIBE: `unsubscribe`: the sender ends its
 *   subscription to the recipient
 * @XMPP_PRESENCE_TYPE_UNSUBSCRIBED: `unsubscribed`: a request was denied,
 *   or a subscription cancelled
 * @XMPP_PRESENCE_TYPE_PROBE: `probe`: a server asks for the current
 *   presence
 * @XMPP_PRESENCE_TYPE_ERROR: `error`: a presence bounced
 *
 * The `type` of a presence.
 */
typedef enum {
  XMPP_PRESENCE_TYPE_AVAILABLE,
  XMPP_PRESENCE_TYPE_UNAVAILABLE,
  XMPP_PRESENCE_TYPE_SUBSCRIBE,
  XMPP_PRESENCE_TYPE_SUBSCRIBED,
  XMPP_PRESENCE_TYPE_UNSUBSCRIBE,
  XMPP_PRESENCE_TYPE_UNSUBSCRIBED,
  XMPP_PRESENCE_TYPE_PROBE,
  XMPP_PRESENCE_TYPE_ERROR,
} XmppPresenceType;

/**
 * XmppPresenceShow:
 * @XMPP_PRESENCE_SHOW_NONE: no `<show/>`: simply available (or not an
 *   available presence at all)
 * @XMPP_PRESENCE_SHOW_CHAT: `chat`: free to chat
 * @XMPP_PRESENCE_SHOW_AWAY: `away`
 * @XMPP_PRESENCE_SHOW_XA: `xa`: away for a long time
 * @XMPP_PRESENCE_SHOW_DND: `dnd`: do not disturb
 *
 * The `<show/>` of an available presence. From most to least available:
 * chat, none, away, xa, dnd.
 */
typedef enum {
  XMPP_PRESENCE_SHOW_NONE,
  XMPP_PRESENCE_SHOW_CHAT,
  XMPP_PRESENCE_SHOW_AWAY,
  XMPP_PRESENCE_SHOW_XA,
  XMPP_PRESENCE_SHOW_DND,
} XmppPresenceShow;

#define XMPP_TYPE_PRESENCE (xmpp_presence_get_type ())

XMPP_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (XmppPresence, xmpp_presence, XMPP, PRESENCE, GObject)

XMPP_AVAILABLE_IN_ALL
XmppPresence *xmpp_presence_new (XmppPresenceType type);
XMPP_AVAILABLE_IN_ALL
XmppPresence *xmpp_presence_new_from_stanza (XmppStanza *stanza);
XMPP_AVAILABLE_IN_ALL
XmppStanza *xmpp_presence_to_stanza (XmppPresence *self);
XMPP_AVAILABLE_IN_ALL
XmppStanza *xmpp_presence_get_stanza (XmppPresence *self);

XMPP_AVAILABLE_IN_ALL
XmppPresenceType xmpp_presence_get_presence_type (XmppPresence *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_presence_set_presence_type (XmppPresence     *self,
                                      XmppPresenceType  type);
XMPP_AVAILABLE_IN_ALL
const char *xmpp_presence_get_id (XmppPresence *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_presence_set_id (XmppPresence *self,
                           const char   *id);
XMPP_AVAILABLE_IN_ALL
XmppJid *xmpp_presence_get_from (XmppPresence *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_presence_set_from (XmppPresence *self,
                             XmppJid      *from);
XMPP_AVAILABLE_IN_ALL
XmppJid *xmpp_presence_get_to (XmppPresence *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_presence_set_to (XmppPresence *self,
                           XmppJid      *to);
XMPP_AVAILABLE_IN_ALL
XmppPresenceShow xmpp_presence_get_show (XmppPresence *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_presence_set_show (XmppPresence     *self,
                             XmppPresenceShow  show);
XMPP_AVAILABLE_IN_ALL
int xmpp_presence_get_priority (XmppPresence *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_presence_set_priority (XmppPresence *self,
                                 int           priority);
XMPP_AVAILABLE_IN_ALL
const char *xmpp_presence_get_status (XmppPresence *self,
                                      const char   *lang);
XMPP_AVAILABLE_IN_ALL
void xmpp_presence_set_status (XmppPresence *self,
                               const char   *lang,
                               const char   *status);
XMPP_AVAILABLE_IN_ALL
char **xmpp_presence_get_status_languages (XmppPresence *self);
XMPP_AVAILABLE_IN_ALL
GDateTime *xmpp_presence_get_delay (XmppPresence *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_presence_add_payload (XmppPresence *self,
                                XmppElement  *payload);
XMPP_AVAILABLE_IN_ALL
GPtrArray *xmpp_presence_get_payloads (XmppPresence *self);

XMPP_AVAILABLE_IN_ALL
gboolean xmpp_presence_is_available (XmppPresence *self);
XMPP_AVAILABLE_IN_ALL
int xmpp_presence_compare (XmppPresence *a,
                           XmppPresence *b);
XMPP_AVAILABLE_IN_ALL
gboolean xmpp_presence_check_error (XmppPresence *self,
                                    GError      **error);

G_END_DECLS
