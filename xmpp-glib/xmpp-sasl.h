/* xmpp-sasl.h: the SASL authentication error domain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(__XMPP_GLIB_INSIDE__) && !defined(XMPP_GLIB_COMPILATION)
#error "Only <xmpp-glib/xmpp-glib.h> can be included directly."
#endif

#include <glib.h>
#include <xmpp-glib/xmpp-version-macros.h>

G_BEGIN_DECLS

/**
 * XMPP_SASL_ERROR:
 *
 * The error domain of SASL authentication (RFC 6120 §6): a `<failure/>`
 * the server sent, whose condition becomes the #XmppSaslError code and
 * whose `<text/>` goes into the message, or a problem the library found
 * in the exchange itself, such as a server signature that does not verify.
 */
#define XMPP_SASL_ERROR (xmpp_sasl_error_quark ())

/**
 * XmppSaslError:
 * @XMPP_SASL_ERROR_ABORTED: `aborted`: the server acknowledged that the
 *   client gave up the exchange
 * @XMPP_SASL_ERROR_ACCOUNT_DISABLED: `account-disabled`: the account is
 *   disabled, for now or for good
 * @XMPP_SASL_ERROR_CREDENTIALS_EXPIRED: `credentials-expired`: the
 *   password or other credentials have expired
 * @XMPP_SASL_ERROR_ENCRYPTION_REQUIRED: `encryption-required`: the
 *   mechanism may only be used over an encrypted stream
 * @XMPP_SASL_ERROR_INCORRECT_ENCODING: `incorrect-encoding`: the server
 *   could not decode the base64 the client sent
 * @XMPP_SASL_ERROR_INVALID_AUTHZID: `invalid-authzid`: the authorization
 *   identity is malformed or the user may not act for it
 * @XMPP_SASL_ERROR_INVALID_MECHANISM: `invalid-mechanism`: the server does
 *   not support the mechanism the client chose
 * @XMPP_SASL_ERROR_MALFORMED_REQUEST: `malformed-request`: the request
 *   broke the protocol, for example an `<abort/>` before any `<auth/>`
 * @XMPP_SASL_ERROR_MECHANISM_TOO_WEAK: `mechanism-too-weak`: the mechanism
 *   is weaker than the server's policy allows for this account; also used
 *   when the server asks SCRAM for fewer password hashing iterations than
 *   the library accepts
 * @XMPP_SASL_ERROR_NOT_AUTHORIZED: `not-authorized`: the credentials are
 *   wrong, or the user may not use this authorization identity
 * @XMPP_SASL_ERROR_TEMPORARY_AUTH_FAILURE: `temporary-auth-failure`: the
 *   server failed on its side; trying again later may work
 * @XMPP_SASL_ERROR_NO_MECHANISM: the server offered no mechanism the
 *   library accepts with the credentials and transport at hand (for
 *   example only `PLAIN` on a stream without TLS)
 * @XMPP_SASL_ERROR_SERVER_SIGNATURE: the server did not prove that it
 *   knows the credentials: its SCRAM signature did not verify, or it
 *   announced success before sending the message that proves it
 * @XMPP_SASL_ERROR_PROTOCOL: the server broke the exchange: invalid
 *   base64, a malformed or oversized challenge, too many rounds, an
 *   element out of place
 * @XMPP_SASL_ERROR_NO_PASSWORD: logging in needs a password, and none was
 *   set or given through [signal@Xmpp.Connection::password-needed]
 * @XMPP_SASL_ERROR_UNDEFINED: a condition this library does not know, a
 *   `<failure/>` without a condition, or a failure inside the SASL
 *   implementation itself
 *
 * The SASL failure conditions of RFC 6120 §6.5, followed by the problems
 * the library detects on its own, which have no element name.
 */
typedef enum {
  XMPP_SASL_ERROR_ABORTED,
  XMPP_SASL_ERROR_ACCOUNT_DISABLED,
  XMPP_SASL_ERROR_CREDENTIALS_EXPIRED,
  XMPP_SASL_ERROR_ENCRYPTION_REQUIRED,
  XMPP_SASL_ERROR_INCORRECT_ENCODING,
  XMPP_SASL_ERROR_INVALID_AUTHZID,
  XMPP_SASL_ERROR_INVALID_MECHANISM,
  XMPP_SASL_ERROR_MALFORMED_REQUEST,
  XMPP_SASL_ERROR_MECHANISM_TOO_WEAK,
  XMPP_SASL_ERROR_NOT_AUTHORIZED,
  XMPP_SASL_ERROR_TEMPORARY_AUTH_FAILURE,
  XMPP_SASL_ERROR_NO_MECHANISM,
  XMPP_SASL_ERROR_SERVER_SIGNATURE,
  XMPP_SASL_ERROR_PROTOCOL,
  XMPP_SASL_ERROR_NO_PASSWORD,
  XMPP_SASL_ERROR_UNDEFINED,
} XmppSaslError;

XMPP_AVAILABLE_IN_ALL
GQuark xmpp_sasl_error_quark (void);

XMPP_AVAILABLE_IN_ALL
const char *xmpp_sasl_condition_to_string (XmppSaslError error);
XMPP_AVAILABLE_IN_ALL
XmppSaslError xmpp_sasl_condition_from_string (const char *condition);

G_END_DECLS
