/* xmpp-stanza.h: iq, message and presence stanzas
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(__XMPP_GLIB_INSIDE__) && !defined(XMPP_GLIB_COMPILATION)
#error "Only <xmpp-glib/xmpp-glib.h> can be included directly."
#endif

#include <glib-object.h>
#include <xmpp-glib/xmpp-version-macros.h>
#include <xmpp-glib/xmpp-errors.h>
#include <xmpp-glib/xmpp-element.h>
#include <xmpp-glib/xmpp-jid.h>

G_BEGIN_DECLS

/**
 * XmppStanzaKind:
 * @XMPP_STANZA_KIND_OTHER: any other top-level element, such as
 *   `<stream:features/>` or a SASL element
 * @XMPP_STANZA_KIND_IQ: an `<iq/>`
 * @XMPP_STANZA_KIND_MESSAGE: a `<message/>`
 * @XMPP_STANZA_KIND_PRESENCE: a `<presence/>`
 *
 * What a top-level element of the stream is.
 */
typedef enum {
  XMPP_STANZA_KIND_OTHER,
  XMPP_STANZA_KIND_IQ,
  XMPP_STANZA_KIND_MESSAGE,
  XMPP_STANZA_KIND_PRESENCE,
} XmppStanzaKind;

#define XMPP_TYPE_STANZA (xmpp_stanza_get_type ())


XMPP_AVAILABLE_IN_ALL
GType xmpp_stanza_get_type (void) G_GNUC_CONST;

XMPP_AVAILABLE_IN_ALL
XmppStanza *xmpp_stanza_new (XmppStanzaKind kind,
                             const char    *type);
XMPP_AVAILABLE_IN_ALL
XmppStanza *xmpp_stanza_new_for_element (XmppElement *element);
XMPP_AVAILABLE_IN_ALL
XmppStanza *xmpp_stanza_new_from_string (const char *xml,
                                         gssize      length,
                                         GError    **error);
XMPP_AVAILABLE_IN_ALL
XmppStanza *xmpp_stanza_new_reply (XmppStanza *request);
XMPP_AVAILABLE_IN_ALL
XmppStanza *xmpp_stanza_new_error_reply (XmppStanza         *request,
                                         XmppStanzaErrorType type,
                                         XmppStanzaError     condition,
                                         const char         *text);
XMPP_AVAILABLE_IN_ALL
XmppStanza *xmpp_stanza_ref (XmppStanza *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_stanza_unref (XmppStanza *self);

XMPP_AVAILABLE_IN_ALL
XmppElement *xmpp_stanza_get_element (XmppStanza *self);
XMPP_AVAILABLE_IN_ALL
XmppStanzaKind xmpp_stanza_get_kind (XmppStanza *self);
XMPP_AVAILABLE_IN_ALL
const char *xmpp_stanza_get_stanza_type (XmppStanza *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_stanza_set_stanza_type (XmppStanza *self,
                                  const char *type);
XMPP_AVAILABLE_IN_ALL
const char *xmpp_stanza_get_id (XmppStanza *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_stanza_set_id (XmppStanza *self,
                         const char *id);
XMPP_AVAILABLE_IN_ALL
XmppJid *xmpp_stanza_get_from (XmppStanza *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_stanza_set_from (XmppStanza *self,
                           XmppJid    *from);
XMPP_AVAILABLE_IN_ALL
XmppJid *xmpp_stanza_get_to (XmppStanza *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_stanza_set_to (XmppStanza *self,
                         XmppJid    *to);
XMPP_AVAILABLE_IN_ALL
XmppElement *xmpp_stanza_get_payload (XmppStanza *self);

XMPP_AVAILABLE_IN_ALL
gboolean xmpp_stanza_is_error (XmppStanza *self);
XMPP_AVAILABLE_IN_ALL
XmppStanzaError xmpp_stanza_get_error_condition (XmppStanza *self);
XMPP_AVAILABLE_IN_ALL
gboolean xmpp_stanza_get_error_type (XmppStanza          *self,
                                     XmppStanzaErrorType *type);
XMPP_AVAILABLE_IN_ALL
const char *xmpp_stanza_get_error_text (XmppStanza *self);
XMPP_AVAILABLE_IN_ALL
gboolean xmpp_stanza_check_error (XmppStanza *self,
                                  GError    **error);

XMPP_AVAILABLE_IN_ALL
char *xmpp_stanza_to_string (XmppStanza *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XmppStanza, xmpp_stanza_unref)

G_END_DECLS
