/* xmpp-precis-private.h: PRECIS profiles (RFC 8264, RFC 8265) and the
 * IDNA mapping of RFC 5895, for the address code
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * XmppPrecisProfile:
 * @XMPP_PRECIS_USERNAME_CASE_MAPPED: RFC 8265 §3.3, used for localparts:
 *   width mapping, toLowerCase, NFC, the Bidi Rule, IdentifierClass
 * @XMPP_PRECIS_OPAQUE_STRING: RFC 8265 §4.2, used for resourceparts:
 *   non-ASCII spaces mapped to U+0020, NFC, FreeformClass
 */
typedef enum
{
  XMPP_PRECIS_USERNAME_CASE_MAPPED,
  XMPP_PRECIS_OPAQUE_STRING,
} XmppPrecisProfile;

/*
 * XmppPrecisStatus:
 * @XMPP_PRECIS_OK: the string conforms; the output holds its enforced form
 * @XMPP_PRECIS_EMPTY: the string is empty
 * @XMPP_PRECIS_DISALLOWED: a code point is DISALLOWED (or ID_DIS in the
 *   IdentifierClass); the bad code point is returned
 * @XMPP_PRECIS_UNASSIGNED: a code point is unassigned in the Unicode
 *   version GLib knows; the bad code point is returned
 * @XMPP_PRECIS_CONTEXT: a CONTEXTJ or CONTEXTO code point appears where its
 *   contextual rule does not hold; the bad code point is returned
 * @XMPP_PRECIS_BIDI: the string breaks the Bidi Rule of RFC 5893
 * @XMPP_PRECIS_UNSTABLE: applying the rules again keeps changing the string
 *   (RFC 8264 §7)
 *
 * The outcome of enforcing a profile.
 */
typedef enum
{
  XMPP_PRECIS_OK,
  XMPP_PRECIS_EMPTY,
  XMPP_PRECIS_DISALLOWED,
  XMPP_PRECIS_UNASSIGNED,
  XMPP_PRECIS_CONTEXT,
  XMPP_PRECIS_BIDI,
  XMPP_PRECIS_UNSTABLE,
} XmppPrecisStatus;

/*
 * xmpp_precis_enforce:
 * @profile: the profile to apply
 * @input: valid UTF-8, @length bytes (need not be nul-terminated)
 * @length: the length of @input in bytes
 * @output: (out) (transfer full): the enforced string, nul-terminated, set
 *   only on %XMPP_PRECIS_OK
 * @output_length: (out) (optional): its length in bytes
 * @bad_char: (out) (optional): the offending code point for the statuses
 *   that name one, 0 otherwise
 *
 * Applies the rules of @profile in the order of RFC 8264 §7, repeats them
 * until the string is stable, then checks the string class. The caller
 * must have validated @input as UTF-8.
 *
 * Returns: %XMPP_PRECIS_OK or why the string was refused
 */
XmppPrecisStatus xmpp_precis_enforce (XmppPrecisProfile profile,
                                      const char       *input,
                                      gsize             length,
                                      char            **output,
                                      gsize            *output_length,
                                      gunichar         *bad_char);

/*
 * xmpp_precis_idna_map:
 * @input: valid UTF-8, @length bytes (need not be nul-terminated)
 * @length: the length of @input in bytes
 * @output_length: (out) (optional): the length of the result in bytes
 *
 * The mapping RFC 5895 suggests before IDNA2008 processing, as RFC 7622
 * §3.2.1 asks for domainparts: fullwidth and halfwidth forms to their
 * decompositions, toLowerCase, NFC, then U+3002 IDEOGRAPHIC FULL STOP to
 * U+002E. It validates nothing.
 *
 * Returns: (transfer full): the mapped string
 */
char *xmpp_precis_idna_map (const char *input,
                            gsize       length,
                            gsize      *output_length);

G_END_DECLS
