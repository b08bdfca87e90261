/* xmpp-jid-private.h: what the address code shares between xmpp-jid.c and
 * xmpp-jid-domain.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "xmpp-jid.h"

G_BEGIN_DECLS

/* RFC 7622 §3.2, §3.3, §3.4: the limit of each part, in bytes, after
 * normalisation. */
#define MAX_PART_LENGTH 1023

/* No mapping of the profiles shrinks text by more than a factor of three
 * (width mapping of a fullwidth letter, the Kelvin sign lower-cased,
 * Hangul jamo composed by NFC), so a part longer than this before
 * normalisation cannot fit the limit after it. Refusing such parts early
 * keeps hostile input cheap. */
#define MAX_RAW_PART_LENGTH (4 * MAX_PART_LENGTH)

/* One part of an address on its way into an XmppJid. */
typedef struct
{
  const char *str;       /* NULL when the part is absent */
  gsize length;
  char *owned;           /* what to free, or NULL */
  gboolean ascii_lower;  /* lower-case ASCII letters while copying */
} JidPart;

/* Errors, in the %XMPP_JID_ERROR domain. @code names the part; any code
 * other than %XMPP_JID_ERROR_LOCALPART and %XMPP_JID_ERROR_DOMAINPART
 * gives the resourcepart message and code. */

/* Sets "the part is empty". */
void xmpp_jid_set_empty_error (GError     **error,
                               XmppJidError code);

/* Sets "the part is longer than MAX_PART_LENGTH bytes". */
void xmpp_jid_set_length_error (GError     **error,
                                XmppJidError code);

/* Sets "the character @c is not allowed in the part". */
void xmpp_jid_set_char_error (GError     **error,
                              XmppJidError code,
                              gunichar     c);

/*
 * xmpp_jid_prepare_domainpart:
 * @str: valid UTF-8, @length bytes (need not be nul-terminated)
 * @length: the length of @str in bytes
 * @part: (out caller-allocates): the normalised domainpart; it may point
 *   into @str, and what it owns is freed by the caller
 * @error: return location for a #GError
 *
 * Checks and normalises a domainpart (RFC 7622 §3.2): an IPv6 address in
 * brackets, an IPv4 address, or a domain name, with the RFC 5895 mapping,
 * IDNA2008 through libidn2 for the labels that need it, and one trailing
 * dot removed.
 *
 * Returns: %TRUE on success, %FALSE with @error set otherwise
 */
gboolean xmpp_jid_prepare_domainpart (const char *str,
                                      gsize       length,
                                      JidPart    *part,
                                      GError    **error);

G_END_DECLS
