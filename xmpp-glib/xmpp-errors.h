/* xmpp-errors.h: stream and stanza error domains
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
 * XMPP_STREAM_ERROR:
 *
 * The error domain of stream-level errors: the conditions of RFC 6120
 * §4.9.3, whether the peer sent them or the library detected them (for
 * example the parser rejecting restricted XML).
 */
#define XMPP_STREAM_ERROR (xmpp_stream_error_quark ())

/**
 * XmppStreamError:
 * @XMPP_STREAM_ERROR_BAD_FORMAT: `bad-format`
 * @XMPP_STREAM_ERROR_BAD_NAMESPACE_PREFIX: `bad-namespace-prefix`
 * @XMPP_STREAM_ERROR_CONFLICT: `conflict`
 * @XMPP_STREAM_ERROR_CONNECTION_TIMEOUT: `connection-timeout`
 * @XMPP_STREAM_ERROR_HOST_GONE: `host-gone`
 * @XMPP_STREAM_ERROR_HOST_UNKNOWN: `host-unknown`
 * @XMPP_STREAM_ERROR_IMPROPER_ADDRESSING: `improper-addressing`
 * @XMPP_STREAM_ERROR_INTERNAL_SERVER_ERROR: `internal-server-error`
 * @XMPP_STREAM_ERROR_INVALID_FROM: `invalid-from`
 * @XMPP_STREAM_ERROR_INVALID_NAMESPACE: `invalid-namespace`
 * @XMPP_STREAM_ERROR_INVALID_XML: `invalid-xml`
 * @XMPP_STREAM_ERROR_NOT_AUTHORIZED: `not-authorized`
 * @XMPP_STREAM_ERROR_NOT_WELL_FORMED: `not-well-formed`
 * @XMPP_STREAM_ERROR_POLICY_VIOLATION: `policy-violation`
 * @XMPP_STREAM_ERROR_REMOTE_CONNECTION_FAILED: `remote-connection-failed`
 * @XMPP_STREAM_ERROR_RESET: `reset`
 * @XMPP_STREAM_ERROR_RESOURCE_CONSTRAINT: `resource-constraint`
 * @XMPP_STREAM_ERROR_RESTRICTED_XML: `restricted-xml`
 * @XMPP_STREAM_ERROR_SEE_OTHER_HOST: `see-other-host`
 * @XMPP_STREAM_ERROR_SYSTEM_SHUTDOWN: `system-shutdown`
 * @XMPP_STREAM_ERROR_UNDEFINED_CONDITION: `undefined-condition`, also used
 *   for a condition this library does not know
 * @XMPP_STREAM_ERROR_UNSUPPORTED_ENCODING: `unsupported-encoding`
 * @XMPP_STREAM_ERROR_UNSUPPORTED_FEATURE: `unsupported-feature`
 * @XMPP_STREAM_ERROR_UNSUPPORTED_STANZA_TYPE: `unsupported-stanza-type`
 * @XMPP_STREAM_ERROR_UNSUPPORTED_VERSION: `unsupported-version`
 *
 * The stream error conditions of RFC 6120 §4.9.3.
 */
typedef enum {
  XMPP_STREAM_ERROR_BAD_FORMAT,
  XMPP_STREAM_ERROR_BAD_NAMESPACE_PREFIX,
  XMPP_STREAM_ERROR_CONFLICT,
  XMPP_STREAM_ERROR_CONNECTION_TIMEOUT,
  XMPP_STREAM_ERROR_HOST_GONE,
  XMPP_STREAM_ERROR_HOST_UNKNOWN,
  XMPP_STREAM_ERROR_IMPROPER_ADDRESSING,
  XMPP_STREAM_ERROR_INTERNAL_SERVER_ERROR,
  XMPP_STREAM_ERROR_INVALID_FROM,
  XMPP_STREAM_ERROR_INVALID_NAMESPACE,
  XMPP_STREAM_ERROR_INVALID_XML,
  XMPP_STREAM_ERROR_NOT_AUTHORIZED,
  XMPP_STREAM_ERROR_NOT_WELL_FORMED,
  XMPP_STREAM_ERROR_POLICY_VIOLATION,
  XMPP_STREAM_ERROR_REMOTE_CONNECTION_FAILED,
  XMPP_STREAM_ERROR_RESET,
  XMPP_STREAM_ERROR_RESOURCE_CONSTRAINT,
  XMPP_STREAM_ERROR_RESTRICTED_XML,
  XMPP_STREAM_ERROR_SEE_OTHER_HOST,
  XMPP_STREAM_ERROR_SYSTEM_SHUTDOWN,
  XMPP_STREAM_ERROR_UNDEFINED_CONDITION,
  XMPP_STREAM_ERROR_UNSUPPORTED_ENCODING,
  XMPP_STREAM_ERROR_UNSUPPORTED_FEATURE,
  XMPP_STREAM_ERROR_UNSUPPORTED_STANZA_TYPE,
  XMPP_STREAM_ERROR_UNSUPPORTED_VERSION,
} XmppStreamError;

/**
 * XMPP_STANZA_ERROR:
 *
 * The error domain of stanza errors (RFC 6120 §8.3): an error reply from a
 * peer, turned into a #GError whose code is the #XmppStanzaError condition.
 */
#define XMPP_STANZA_ERROR (xmpp_stanza_error_quark ())

/**
 * XmppStanzaError:
 * @XMPP_STANZA_ERROR_BAD_REQUEST: `bad-request`
 * @XMPP_STANZA_ERROR_CONFLICT: `conflict`
 * @XMPP_STANZA_ERROR_FEATURE_NOT_IMPLEMENTED: `feature-not-implemented`
 * @XMPP_STANZA_ERROR_FORBIDDEN: `forbidden`
 * @XMPP_STANZA_ERROR_GONE: `gone`
 * @XMPP_STANZA_ERROR_INTERNAL_SERVER_ERROR: `internal-server-error`
 * @XMPP_STANZA_ERROR_ITEM_NOT_FOUND: `item-not-found`
 * @XMPP_STANZA_ERROR_JID_MALFORMED: `jid-malformed`
 * @XMPP_STANZA_ERROR_NOT_ACCEPTABLE: `not-acceptable`
 * @XMPP_STANZA_ERROR_NOT_ALLOWED: `not-allowed`
 * @XMPP_STANZA_ERROR_NOT_AUTHORIZED: `not-authorized`
 * @XMPP_STANZA_ERROR_POLICY_VIOLATION: `policy-violation`
 * @XMPP_STANZA_ERROR_RECIPIENT_UNAVAILABLE: `recipient-unavailable`
 * @XMPP_STANZA_ERROR_REDIRECT: `redirect`
 * @XMPP_STANZA_ERROR_REGISTRATION_REQUIRED: `registration-required`
 * @XMPP_STANZA_ERROR_REMOTE_SERVER_NOT_FOUND: `remote-server-not-found`
 * @XMPP_STANZA_ERROR_REMOTE_SERVER_TIMEOUT: `remote-server-timeout`
 * @XMPP_STANZA_ERROR_RESOURCE_CONSTRAINT: `resource-constraint`
 * @XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE: `service-unavailable`
 * @XMPP_STANZA_ERROR_SUBSCRIPTION_REQUIRED: `subscription-required`
 * @XMPP_STANZA_ERROR_UNDEFINED_CONDITION: `undefined-condition`, also used
 *   for a condition this library does not know
 * @XMPP_STANZA_ERROR_UNEXPECTED_REQUEST: `unexpected-request`
 *
 * The stanza error conditions of RFC 6120 §8.3.3.
 */
typedef enum {
  XMPP_STANZA_ERROR_BAD_REQUEST,
  XMPP_STANZA_ERROR_CONFLICT,
  XMPP_STANZA_ERROR_FEATURE_NOT_IMPLEMENTED,
  XMPP_STANZA_ERROR_FORBIDDEN,
  XMPP_STANZA_ERROR_GONE,
  XMPP_STANZA_ERROR_INTERNAL_SERVER_ERROR,
  XMPP_STANZA_ERROR_ITEM_NOT_FOUND,
  XMPP_STANZA_ERROR_JID_MALFORMED,
  XMPP_STANZA_ERROR_NOT_ACCEPTABLE,
  XMPP_STANZA_ERROR_NOT_ALLOWED,
  XMPP_STANZA_ERROR_NOT_AUTHORIZED,
  XMPP_STANZA_ERROR_POLICY_VIOLATION,
  XMPP_STANZA_ERROR_RECIPIENT_UNAVAILABLE,
  XMPP_STANZA_ERROR_REDIRECT,
  XMPP_STANZA_ERROR_REGISTRATION_REQUIRED,
  XMPP_STANZA_ERROR_REMOTE_SERVER_NOT_FOUND,
  XMPP_STANZA_ERROR_REMOTE_SERVER_TIMEOUT,
  XMPP_STANZA_ERROR_RESOURCE_CONSTRAINT,
  XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE,
  XMPP_STANZA_ERROR_SUBSCRIPTION_REQUIRED,
  XMPP_STANZA_ERROR_UNDEFINED_CONDITION,
  XMPP_STANZA_ERROR_UNEXPECTED_REQUEST,
} XmppStanzaError;

/**
 * XmppStanzaErrorType:
 * @XMPP_STANZA_ERROR_TYPE_AUTH: `auth`: retry after giving credentials
 * @XMPP_STANZA_ERROR_TYPE_CANCEL: `cancel`: do not retry
 * @XMPP_STANZA_ERROR_TYPE_CONTINUE: `continue`: a warning only
 * @XMPP_STANZA_ERROR_TYPE_MODIFY: `modify`: retry after changing the data
 * @XMPP_STANZA_ERROR_TYPE_WAIT: `wait`: retry after waiting
 *
 * The `type` of a stanza error (RFC 6120 §8.3.2): what the sender may do
 * about it.
 */
typedef enum {
  XMPP_STANZA_ERROR_TYPE_AUTH,
  XMPP_STANZA_ERROR_TYPE_CANCEL,
  XMPP_STANZA_ERROR_TYPE_CONTINUE,
  XMPP_STANZA_ERROR_TYPE_MODIFY,
  XMPP_STANZA_ERROR_TYPE_WAIT,
} XmppStanzaErrorType;

XMPP_AVAILABLE_IN_ALL
GQuark xmpp_stream_error_quark (void);
XMPP_AVAILABLE_IN_ALL
GQuark xmpp_stanza_error_quark (void);

typedef struct _XmppStanza XmppStanza;

XMPP_AVAILABLE_IN_ALL
XmppStanza *xmpp_stanza_error_get_reply (const GError *error);

XMPP_AVAILABLE_IN_ALL
const char *xmpp_stream_condition_to_string (XmppStreamError error);
XMPP_AVAILABLE_IN_ALL
XmppStreamError xmpp_stream_condition_from_string (const char *condition);

XMPP_AVAILABLE_IN_ALL
const char *xmpp_stanza_condition_to_string (XmppStanzaError error);
XMPP_AVAILABLE_IN_ALL
XmppStanzaError xmpp_stanza_condition_from_string (const char *condition);

XMPP_AVAILABLE_IN_ALL
const char *xmpp_stanza_error_type_to_string (XmppStanzaErrorType type);
XMPP_AVAILABLE_IN_ALL
gboolean xmpp_stanza_error_type_from_string (const char *string,
                                             XmppStanzaErrorType *type);

G_END_DECLS
