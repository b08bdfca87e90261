/* xmpp-sasl-scram-private.h: the client side of SCRAM (RFC 5802,
 * RFC 7677) on GnuTLS's crypto API
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The hash a SCRAM mechanism is named after. */
typedef enum {
  XMPP_SCRAM_SHA_1,
  XMPP_SCRAM_SHA_256,
  XMPP_SCRAM_SHA_512,
} XmppScramHash;

/* The random bytes of the client nonce, sent in base64. */
#define XMPP_SCRAM_NONCE_BYTES 24

typedef enum {
  XMPP_SCRAM_CONTINUE,  /* send the output, then give the next server message */
  XMPP_SCRAM_DONE,      /* the server's signature verified */
  XMPP_SCRAM_FAILED,    /* the error is set, in the XMPP_SASL_ERROR domain */
} XmppScramStatus;

typedef struct _XmppScram XmppScram;

/* One exchange as @username, with @password and, unless NULL, @authzid.
 * The username and the password go through SASLprep (RFC 5802 §2.2). The
 * GS2 channel binding flag (RFC 5802 §6) follows from @cb_type and
 * @cb_data: with a type, "p=" that type and the data is bound; with data
 * but no type, "y" (the client could bind, but the server offers no -PLUS
 * mechanism); with neither, "n". Fails when a string cannot be prepared. */
XmppScram *xmpp_scram_new (XmppScramHash   hash,
                           const char     *username,
                           const char     *password,
                           const char     *authzid,
                           const char     *cb_type,
                           GBytes         *cb_data,
                           GError        **error);

/* Wipes the secrets it still holds, then frees @self. */
void xmpp_scram_free (XmppScram *self);

/* For tests only: the client nonce to send instead of a random one. Call
 * before the first step. */
void xmpp_scram_set_client_nonce (XmppScram  *self,
                                  const char *nonce);

/* Runs one step: the first takes no input and gives the client-first
 * message, the second takes the server-first message and gives the
 * client-final message, the third takes the server-final message and
 * gives no output. *@output is newly allocated (NULL when empty). */
XmppScramStatus xmpp_scram_step (XmppScram   *self,
                                 const char  *input,
                                 gsize        input_len,
                                 char       **output,
                                 gsize       *output_len,
                                 GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XmppScram, xmpp_scram_free)

G_END_DECLS
