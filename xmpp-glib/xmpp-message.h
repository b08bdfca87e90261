/* xmpp-message.h: messages (RFC 6121 §5) with delay, thread and ids
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
 * XmppMessageType:
 * @XMPP_MESSAGE_TYPE_NORMAL: `normal` (also no `type` attribute): a
 *   message outside a conversation
 * @XMPP_MESSAGE_TYPE_CHAT: `chat`: one-to-one conversation
 * @XMPP_MESSAGE_TYPE_GROUPCHAT: `groupchat`: a message in a group chat
 * @XMPP_MESSAGE_TYPE_HEADLINE: `headline`: an alert or notification
 *   that expects no reply
 * @XMPP_MESSAGE_TYPE_ERROR: `error`: a message that bounced
 *
 * The `type` of a message.
 */
typedef enum {
  XMPP_MESSAGE_TYPE_NORMAL,
  XMPP_MESSAGE_TYPE_CHAT,
  XMPP_MESSAGE_TYPE_GROUPCHAT,
  XMPP_MESSAGE_TYPE_HEADLINE,
  XMPP_MESSAGE_TYPE_ERROR,
} XmppMessageType;

#define XMPP_TYPE_MESSAGE (xmpp_message_get_type ())

XMPP_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (XmppMessage, xmpp_message, XMPP, MESSAGE, GObject)

XMPP_AVAILABLE_IN_ALL
XmppMessage *xmpp_message_new (XmppMessageType  type,
                               XmppJid         *to,
                               const char      *body);
XMPP_AVAILABLE_IN_ALL
XmppMessage *xmpp_message_new_from_stanza (XmppStanza *stanza);
XMPP_AVAILABLE_IN_ALL
XmppStanza *xmpp_message_to_stanza (XmppMessage *self);
XMPP_AVAILABLE_IN_ALL
XmppStanza *xmpp_message_get_stanza (XmppMessage *self);
XMPP_AVAILABLE_IN_ALL
XmppMessage *xmpp_message_make_reply (XmppMessage *self,
                                      const char  *body);

XMPP_AVAILABLE_IN_ALL
XmppMessageType xmpp_message_get_message_type (XmppMessage *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_message_set_message_type (XmppMessage     *self,
                                    XmppMessageType  type);
XMPP_AVAILABLE_IN_ALL
const char *xmpp_message_get_id (XmppMessage *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_message_set_id (XmppMessage *self,
                          const char  *id);
XMPP_AVAILABLE_IN_ALL
XmppJid *xmpp_message_get_from (XmppMessage *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_message_set_from (XmppMessage *self,
                            XmppJid     *from);
XMPP_AVAILABLE_IN_ALL
XmppJid *xmpp_message_get_to (XmppMessage *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_message_set_to (XmppMessage *self,
                          XmppJid     *to);

XMPP_AVAILABLE_IN_ALL
const char *xmpp_message_get_body (XmppMessage *self,
                                   const char  *lang);
XMPP_AVAILABLE_IN_ALL
void xmpp_message_set_body (XmppMessage *self,
                            const char  *lang,
                            const char  *body);
XMPP_AVAILABLE_IN_ALL
char **xmpp_message_get_body_languages (XmppMessage *self);
XMPP_AVAILABLE_IN_ALL
const char *xmpp_message_get_subject (XmppMessage *self,
                                      const char  *lang);
XMPP_AVAILABLE_IN_ALL
void xmpp_message_set_subject (XmppMessage *self,
                               const char  *lang,
                               const char  *subject);
XMPP_AVAILABLE_IN_ALL
char **xmpp_message_get_subject_languages (XmppMessage *self);

XMPP_AVAILABLE_IN_ALL
const char *xmpp_message_get_thread (XmppMessage *self);
XMPP_AVAILABLE_IN_ALL
const char *xmpp_message_get_parent_thread (XmppMessage *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_message_set_thread (XmppMessage *self,
                              const char  *thread,
                              const char  *parent_thread);

XMPP_AVAILABLE_IN_ALL
GDateTime *xmpp_message_get_delay (XmppMessage *self);
XMPP_AVAILABLE_IN_ALL
XmppJid *xmpp_message_get_delay_from (XmppMessage *self);
XMPP_AVAILABLE_IN_ALL
const char *xmpp_message_get_origin_id (XmppMessage *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_message_set_origin_id (XmppMessage *self,
                                 const char  *origin_id);
XMPP_AVAILABLE_IN_ALL
const char *xmpp_message_get_stanza_id (XmppMessage *self,
                                        XmppJid     *by);

XMPP_AVAILABLE_IN_ALL
void xmpp_message_add_payload (XmppMessage *self,
                               XmppElement *payload);
XMPP_AVAILABLE_IN_ALL
GPtrArray *xmpp_message_get_payloads (XmppMessage *self);

XMPP_AVAILABLE_IN_ALL
gboolean xmpp_message_check_error (XmppMessage *self,
                                   GError     **error);

G_END_DECLS
