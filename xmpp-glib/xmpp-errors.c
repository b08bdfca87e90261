/* xmpp-errors.c: stream and stanza error domains
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "xmpp-glib-private.h"
#include "xmpp-stanza-private.h"

#include <string.h>

/**
 * xmpp_stream_error_quark:
 *
 * Gives the quark of the %XMPP_STREAM_ERROR domain.
 *
 * Returns: the error domain
 */
G_DEFINE_QUARK (xmpp-stream-error-quark, xmpp_stream_error)

/* A stanza error carries the error reply it was made from. */
typedef struct
{
  XmppStanza *reply;
} XmppStanzaErrorPrivate;

static void
xmpp_stanza_error_private_init (XmppStanzaErrorPrivate *priv)
{
}

static void
xmpp_stanza_error_private_copy (const XmppStanzaErrorPrivate *src,
                                XmppStanzaErrorPrivate       *dest)
{
  dest->reply = src->reply != NULL ? xmpp_stanza_ref (src->reply) : NULL;
}

static void
xmpp_stanza_error_private_clear (XmppStanzaErrorPrivate *priv)
{
  g_clear_pointer (&priv->reply, xmpp_stanza_unref);
}

/**
 * xmpp_stanza_error_quark:
 *
 * Gives the quark of the %XMPP_STANZA_ERROR domain.
 *
 * Returns: the error domain
 */
G_DEFINE_EXTENDED_ERROR (XmppStanzaError, xmpp_stanza_error)

/* A GError gets room for the private data only if its domain is
 * registered when it is made, but has its private data cleared whenever it
 * is freed after the registration. PyGObject and GJS make a GError from
 * the domain's name alone, without calling xmpp_stanza_error_quark(), so
 * the domain is registered as soon as the library is loaded: no error of
 * it can exist before. */
__attribute__ ((constructor)) static void
register_error_domains (void)
{
  (void) xmpp_stanza_error_quark ();
}

void
xmpp_stanza_error_set_reply (GError     *error,
                             XmppStanza *reply)
{
  XmppStanzaErrorPrivate *priv;

  if (error->domain != XMPP_STANZA_ERROR)
    return;
  priv = xmpp_stanza_error_get_private (error);
  g_clear_pointer (&priv->reply, xmpp_stanza_unref);
  priv->reply = reply != NULL ? xmpp_stanza_ref (reply) : NULL;
}

/**
 * xmpp_stanza_error_get_reply:
 * @error: a #GError
 *
 * Gives the error stanza a %XMPP_STANZA_ERROR came from, such as the
 * `type='error'` reply to an IQ request, for its application-specific
 * condition or any other detail.
 *
 * The stanza travels with the #GError itself, as an extended error: it
 * reaches C and GJS code, but PyGObject makes a new #GError from the
 * exception's domain, code and message, which has none.
 *
 * Returns: (transfer none) (nullable): the error reply, or %NULL if
 *   @error is not in the %XMPP_STANZA_ERROR domain or was not made from a
 *   stanza
 */
XmppStanza *
xmpp_stanza_error_get_reply (const GError *error)
{
  XmppStanzaErrorPrivate *priv;

  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain != XMPP_STANZA_ERROR)
    return NULL;
  priv = xmpp_stanza_error_get_private (error);
  return priv->reply;
}

/* Indexed by XmppStreamError. */
static const char *const stream_conditions[] = {
  "bad-format", "bad-namespace-prefix", "conflict", "connection-timeout",
  "host-gone", "host-unknown", "improper-addressing", "internal-server-error",
  "invalid-from", "invalid-namespace", "invalid-xml", "not-authorized",
  "not-well-formed", "policy-violation", "remote-connection-failed", "reset",
  "resource-constraint", "restricted-xml", "see-other-host", "system-shutdown",
  "undefined-condition", "unsupported-encoding", "unsupported-feature",
  "unsupported-stanza-type", "unsupported-version",
};
G_STATIC_ASSERT (G_N_ELEMENTS (stream_conditions) == XMPP_STREAM_ERROR_UNSUPPORTED_VERSION + 1);

/* Indexed by XmppStanzaError. */
static const char *const stanza_conditions[] = {
  "bad-request", "conflict", "feature-not-implemented", "forbidden", "gone",
  "internal-server-error", "item-not-found", "jid-malformed", "not-acceptable",
  "not-allowed", "not-authorized", "policy-violation", "recipient-unavailable",
  "redirect", "registration-required", "remote-server-not-found",
  "remote-server-timeout", "resource-constraint", "service-unavailable",
  "subscription-required", "undefined-condition", "unexpected-request",
};
G_STATIC_ASSERT (G_N_ELEMENTS (stanza_conditions) == XMPP_STANZA_ERROR_UNEXPECTED_REQUEST + 1);

/* Indexed by XmppStanzaErrorType. */
static const char *const stanza_error_types[] = {
  "auth", "cancel", "continue", "modify", "wait",
};
G_STATIC_ASSERT (G_N_ELEMENTS (stanza_error_types) == XMPP_STANZA_ERROR_TYPE_WAIT + 1);

static int
lookup (const char *const *table,
        guint               n,
        const char         *name)
{
  if (name == NULL)
    return -1;
  for (guint i = 0; i < n; i++)
    if (strcmp (table[i], name) == 0)
      return (int) i;
  return -1;
}

/**
 * xmpp_stream_condition_to_string:
 * @error: a stream error condition
 *
 * Gives the element name of a stream error condition, as it appears inside
 * `<stream:error/>`.
 *
 * Returns: the condition name, such as `"not-well-formed"`
 */
const char *
xmpp_stream_condition_to_string (XmppStreamError error)
{
  if ((guint) error >= G_N_ELEMENTS (stream_conditions))
    return "undefined-condition";
  return stream_conditions[error];
}

/**
 * xmpp_stream_condition_from_string:
 * @condition: (nullable): an element name from `<stream:error/>`
 *
 * Looks up a stream error condition by its element name.
 *
 * Returns: the condition, or %XMPP_STREAM_ERROR_UNDEFINED_CONDITION for a
 *   name RFC 6120 does not define
 */
XmppStreamError
xmpp_stream_condition_from_string (const char *condition)
{
  int i = lookup (stream_conditions, G_N_ELEMENTS (stream_conditions), condition);

  return i < 0 ? XMPP_STREAM_ERROR_UNDEFINED_CONDITION : (XmppStreamError) i;
}

/**
 * xmpp_stanza_condition_to_string:
 * @error: a stanza error condition
 *
 * Gives the element name of a stanza error condition, as it appears inside
 * `<error/>`.
 *
 * Returns: the condition name, such as `"item-not-found"`
 */
const char *
xmpp_stanza_condition_to_string (XmppStanzaError error)
{
  if ((guint) error >= G_N_ELEMENTS (stanza_conditions))
    return "undefined-condition";
  return stanza_conditions[error];
}

/**
 * xmpp_stanza_condition_from_string:
 * @condition: (nullable): an element name from a stanza's `<error/>`
 *
 * Looks up a stanza error condition by its element name.
 *
 * Returns: the condition, or %XMPP_STANZA_ERROR_UNDEFINED_CONDITION for a
 *   name RFC 6120 does not define
 */
XmppStanzaError
xmpp_stanza_condition_from_string (const char *condition)
{
  int i = lookup (stanza_conditions, G_N_ELEMENTS (stanza_conditions), condition);

  return i < 0 ? XMPP_STANZA_ERROR_UNDEFINED_CONDITION : (XmppStanzaError) i;
}

/**
 * xmpp_stanza_error_type_to_string:
 * @type: a stanza error type
 *
 * Gives the value of the `type` attribute for a stanza error type.
 *
 * Returns: the attribute value, such as `"cancel"`
 */
const char *
xmpp_stanza_error_type_to_string (XmppStanzaErrorType type)
{
  if ((guint) type >= G_N_ELEMENTS (stanza_error_types))
    return "cancel";
  return stanza_error_types[type];
}

/**
 * xmpp_stanza_error_type_from_string:
 * @string: (nullable): the value of an `<error/>` element's `type` attribute
 * @type: (out) (optional): where to store the type
 *
 * Parses the `type` attribute of a stanza error.
 *
 * Returns: %TRUE if @string is one of the five types RFC 6120 defines
 */
gboolean
xmpp_stanza_error_type_from_string (const char          *string,
                                    XmppStanzaErrorType *type)
{
  int i = lookup (stanza_error_types, G_N_ELEMENTS (stanza_error_types), string);

  if (i < 0)
    return FALSE;
  if (type != NULL)
    *type = (XmppStanzaErrorType) i;
  return TRUE;
}
