/* xmpp-jid.h: XMPP addresses (RFC 7622)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(__XMPP_GLIB_INSIDE__) && !defined(XMPP_GLIB_COMPILATION)
#error "Only <xmpp-glib/xmpp-glib.h> can be included directly."
#endif

#include <glib-object.h>
#include <xmpp-glib/xmpp-version-macros.h>

G_BEGIN_DECLS

/**
 * XMPP_JID_ERROR:
 *
 * The error domain of address parsing. The code says which part of the
 * address is wrong; the message says why.
 */
#define XMPP_JID_ERROR (xmpp_jid_error_quark ())

/**
 * XmppJidError:
 * @XMPP_JID_ERROR_LOCALPART: the localpart (before `@`) is empty, longer
 *   than 1023 bytes, or not allowed by the PRECIS UsernameCaseMapped profile
 * @XMPP_JID_ERROR_DOMAINPART: the domainpart is missing, too long, not a
 *   valid IDNA2008 domain name, or not a valid IP literal
 * @XMPP_JID_ERROR_RESOURCEPART: the resourcepart (after `/`) is empty,
 *   longer than 1023 bytes, or not allowed by the PRECIS OpaqueString profile
 * @XMPP_JID_ERROR_INVALID_UTF8: the input is not valid UTF-8
 *
 * Why an address was refused.
 */
typedef enum {
  XMPP_JID_ERROR_LOCALPART,
  XMPP_JID_ERROR_DOMAINPART,
  XMPP_JID_ERROR_RESOURCEPART,
  XMPP_JID_ERROR_INVALID_UTF8,
} XmppJidError;

#define XMPP_TYPE_JID (xmpp_jid_get_type ())

typedef struct _XmppJid XmppJid;

XMPP_AVAILABLE_IN_ALL
GQuark xmpp_jid_error_quark (void);
XMPP_AVAILABLE_IN_ALL
GType xmpp_jid_get_type (void) G_GNUC_CONST;

XMPP_AVAILABLE_IN_ALL
XmppJid *xmpp_jid_new (const char *string,
                       GError    **error);
XMPP_AVAILABLE_IN_ALL
XmppJid *xmpp_jid_new_from_parts (const char *localpart,
                                  const char *domainpart,
                                  const char *resourcepart,
                                  GError    **error);
XMPP_AVAILABLE_IN_ALL
XmppJid *xmpp_jid_ref (XmppJid *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_jid_unref (XmppJid *self);

XMPP_AVAILABLE_IN_ALL
const char *xmpp_jid_get_localpart (XmppJid *self);
XMPP_AVAILABLE_IN_ALL
const char *xmpp_jid_get_domainpart (XmppJid *self);
XMPP_AVAILABLE_IN_ALL
const char *xmpp_jid_get_resourcepart (XmppJid *self);
XMPP_AVAILABLE_IN_ALL
gboolean xmpp_jid_is_bare (XmppJid *self);
XMPP_AVAILABLE_IN_ALL
XmppJid *xmpp_jid_get_bare (XmppJid *self);
XMPP_AVAILABLE_IN_ALL
XmppJid *xmpp_jid_with_resource (XmppJid    *self,
                                 const char *resourcepart,
                                 GError    **error);
XMPP_AVAILABLE_IN_ALL
const char *xmpp_jid_to_string (XmppJid *self);
XMPP_AVAILABLE_IN_ALL
const char *xmpp_jid_to_bare_string (XmppJid *self);

XMPP_AVAILABLE_IN_ALL
gboolean xmpp_jid_equal (gconstpointer a,
                         gconstpointer b);
XMPP_AVAILABLE_IN_ALL
gboolean xmpp_jid_equal_bare (XmppJid *a,
                              XmppJid *b);
XMPP_AVAILABLE_IN_ALL
guint xmpp_jid_hash (gconstpointer jid);

XMPP_AVAILABLE_IN_ALL
char *xmpp_jid_escape_localpart (const char *unescaped);
XMPP_AVAILABLE_IN_ALL
char *xmpp_jid_unescape_localpart (const char *escaped);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XmppJid, xmpp_jid_unref)

G_END_DECLS
