/* xmpp-jid-domain.c: the domainpart of XMPP addresses (RFC 7622 §3.2)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "xmpp-glib-private.h"

#include "xmpp-jid-private.h"
#include "xmpp-precis-private.h"

#include <gio/gio.h>
#include <idn2.h>
#include <string.h>

/* An A-label, "xn--" included, at most 63 octets (RFC 5890 §2.3.2.1). */
#define MAX_LABEL_LENGTH 63

static gboolean
prepare_ipv6_literal (const char *str,
                      gsize       length,
                      JidPart    *part,
                      GError    **error)
{
  char address[64];
  GInetAddress *inet;
  gboolean valid = FALSE;
  gsize inner_length;
  gsize i;

  /* "[" IPv6address "]": the longest text form has 45 characters. */
  if (length >= 3 && length - 2 < sizeof address && str[length - 1] == ']')
    {
      inner_length = length - 2;
      valid = TRUE;
      for (i = 0; i < inner_length; i++)
        {
          char c = str[i + 1];

          if (!g_ascii_isxdigit (c) && c != ':' && c != '.')
            valid = FALSE;
          address[i] = g_ascii_tolower (c);
        }
      address[inner_length] = '\0';
    }

  if (valid)
    {
      inet = g_inet_address_new_from_string (address);
      valid = inet != NULL && g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6;
      g_clear_object (&inet);
    }

  if (!valid)
    {
      char *shown = g_strndup (str, length);

      g_set_error (error, XMPP_JID_ERROR, XMPP_JID_ERROR_DOMAINPART,
                   _("Invalid domainpart: “%s” is not a valid IPv6 address"), shown);
      g_free (shown);
      return FALSE;
    }

  /* Kept as written, lower-cased. */
  part->str = str;
  part->length = length;
  part->ascii_lower = TRUE;
  return TRUE;
}

static gboolean
is_ldh (guchar c)
{
  return g_ascii_isalnum (c) || c == '-';
}

static gboolean
is_ace_label (const char *label,
              gsize       length)
{
  return length >= 4 && g_ascii_strncasecmp (label, "xn--", 4) == 0;
}

typedef enum
{
  LABEL_ERROR_HYPHEN_END,
  LABEL_ERROR_HYPHENS_3_4,
  LABEL_ERROR_TOO_LONG,
  LABEL_ERROR_UNSTABLE,
} LabelError;

static void
set_label_error (GError     **error,
                 LabelError   what,
                 const char  *label,
                 gsize        length)
{
  char *shown = g_strndup (label, length);

  switch (what)
    {
    case LABEL_ERROR_HYPHEN_END:
      g_set_error (error, XMPP_JID_ERROR, XMPP_JID_ERROR_DOMAINPART,
                   _("Invalid domainpart: the label “%s” begins or ends with a hyphen"), shown);
      break;
    case LABEL_ERROR_HYPHENS_3_4:
      g_set_error (error, XMPP_JID_ERROR, XMPP_JID_ERROR_DOMAINPART,
                   _("Invalid domainpart: the label “%s” has hyphens in the third and fourth "
                     "positions"),
                   shown);
      break;
    case LABEL_ERROR_UNSTABLE:
      g_set_error (error, XMPP_JID_ERROR, XMPP_JID_ERROR_DOMAINPART,
                   _("Invalid domainpart: the label “%s” changes when it is normalised again"),
                   shown);
      break;
    case LABEL_ERROR_TOO_LONG:
    default:
      g_set_error (error, XMPP_JID_ERROR, XMPP_JID_ERROR_DOMAINPART,
                   _("Invalid domainpart: the label “%s” is longer than 63 bytes"), shown);
      break;
    }
  g_free (shown);
}

/* The LDH checks that apply to every label, ASCII or not: the ASCII
 * characters in it are letters, digits and hyphens, and it neither begins
 * nor ends with a hyphen (RFC 5891 §4.2.3.1, RFC 1123 §2.1). */
static gboolean
check_label_ascii (const char *label,
                   gsize       length,
                   gboolean   *all_ascii,
                   GError    **error)
{
  gsize i;

  *all_ascii = TRUE;

  if (length == 0)
    {
      g_set_error_literal (error, XMPP_JID_ERROR, XMPP_JID_ERROR_DOMAINPART,
                           _("Invalid domainpart: it has an empty label"));
      return FALSE;
    }

  for (i = 0; i < length; i++)
    {
      guchar c = label[i];

      if (c >= 0x80)
        *all_ascii = FALSE;
      else if (!is_ldh (c))
        {
          xmpp_jid_set_char_error (error, XMPP_JID_ERROR_DOMAINPART, c);
          return FALSE;
        }
    }

  if (label[0] == '-' || label[length - 1] == '-')
    {
      set_label_error (error, LABEL_ERROR_HYPHEN_END, label, length);
      return FALSE;
    }

  return TRUE;
}

/* Whether mapping @ulabel and converting it to an A-label and back gives
 * @ulabel again. */
static gboolean
idna_label_is_stable (const char *ulabel)
{
  gsize length = strlen (ulabel);
  gsize mapped_length = 0;
  char *mapped;
  char *alabel = NULL;
  char *again = NULL;
  gboolean stable;
  int rc;

  mapped = xmpp_precis_idna_map (ulabel, length, &mapped_length);
  stable = mapped_length == length && memcmp (mapped, ulabel, length) == 0;
  g_free (mapped);
  if (!stable)
    return FALSE;

  rc = idn2_lookup_u8 ((const uint8_t *) ulabel, (uint8_t **) &alabel,
                       IDN2_NFC_INPUT | IDN2_NO_TR46);
  if (rc == IDN2_OK)
    rc = idn2_to_unicode_8z8z (alabel, &again, 0);
  stable = rc == IDN2_OK && strcmp (again, ulabel) == 0;
  idn2_free (alabel);
  idn2_free (again);

  return stable;
}

/* IDNA2008 for one label that is not plain LDH: a U-label, or an A-label
 * to turn into one. libidn2 checks the code points (IDNA2008 without the
 * UTS 46 mapping, which RFC 5895 mapping replaces), the contextual rules,
 * the Bidi Rule within the label and the A-label round trip. Returns the
 * U-label. */
static char *
idna_label (const char *label,
            gsize       length,
            GError    **error)
{
  char *input;
  char *alabel = NULL;
  char *ulabel = NULL;
  char *result;
  const char *p;
  gunichar first[4];
  gsize n;
  int rc;

  /* The mapping lower-cased everything but an ACE prefix in an ASCII
   * domain. */
  input = g_ascii_strdown (label, length);

  rc = idn2_lookup_u8 ((const uint8_t *) input, (uint8_t **) &alabel,
                       IDN2_NFC_INPUT | IDN2_NO_TR46);
  if (rc == IDN2_OK && strlen (alabel) > MAX_LABEL_LENGTH)
    rc = IDN2_TOO_BIG_LABEL;
  if (rc == IDN2_OK)
    rc = idn2_to_unicode_8z8z (alabel, &ulabel, 0);
  idn2_free (alabel);

  if (rc != IDN2_OK)
    {
      char *shown = g_strdup (input);

      g_free (input);
      idn2_free (ulabel);
      /* Translators: the second %s is libidn2's explanation, in English. */
      g_set_error (error, XMPP_JID_ERROR, XMPP_JID_ERROR_DOMAINPART,
                   _("Invalid domainpart: “%s” is not a valid internationalized domain label (%s)"),
                   shown, idn2_strerror (rc));
      g_free (shown);
      return NULL;
    }
  g_free (input);

  result = g_strdup (ulabel);
  idn2_free (ulabel);

  /* The U-label has to be a fixed point of the whole processing, or the
   * JID would not parse to itself. libidn2's IDNA2008 tables can be older
   * than GLib's case tables: xn---n-5bm decodes to U+13BA CHEROKEE LETTER
   * ME, which libidn2 takes as valid but which GLib lower-cases to
   * U+AB8A, which libidn2 refuses. */
  if (!idna_label_is_stable (result))
    {
      set_label_error (error, LABEL_ERROR_UNSTABLE, result, strlen (result));
      g_free (result);
      return NULL;
    }

  /* Rules for U-labels that libidn2 leaves out without UTS 46 processing
   * (RFC 5891 §4.2.3.1): no hyphen at either end, none in both the third
   * and fourth positions. */
  n = 0;
  for (p = result; *p != '\0' && n < G_N_ELEMENTS (first); p = g_utf8_next_char (p))
    first[n++] = g_utf8_get_char (p);
  if (result[0] == '-' || (*result != '\0' && result[strlen (result) - 1] == '-'))
    {
      set_label_error (error, LABEL_ERROR_HYPHEN_END, result, strlen (result));
      g_free (result);
      return NULL;
    }
  if (n == 4 && first[2] == '-' && first[3] == '-')
    {
      set_label_error (error, LABEL_ERROR_HYPHENS_3_4, result, strlen (result));
      g_free (result);
      return NULL;
    }

  return result;
}

static gboolean
is_ascii (const char *str,
          gsize       length)
{
  gsize i;

  for (i = 0; i < length; i++)
    if ((guchar) str[i] >= 0x80)
      return FALSE;

  return TRUE;
}

static gboolean
is_dotted_decimal (const char *str,
                   gsize       length)
{
  gsize i;

  for (i = 0; i < length; i++)
    if (!g_ascii_isdigit (str[i]) && str[i] != '.')
      return FALSE;

  return TRUE;
}

gboolean
xmpp_jid_prepare_domainpart (const char *str,
                             gsize       length,
                             JidPart    *part,
                             GError    **error)
{
  const char *domain;
  gsize domain_length;
  char *mapped = NULL;
  gboolean needs_idna = FALSE;
  GString *out = NULL;
  gsize start;
  gsize i;

  if (length == 0)
    {
      xmpp_jid_set_empty_error (error, XMPP_JID_ERROR_DOMAINPART);
      return FALSE;
    }

  if (str[0] == '[')
    return prepare_ipv6_literal (str, length, part, error);

  if (length > MAX_RAW_PART_LENGTH)
    {
      xmpp_jid_set_length_error (error, XMPP_JID_ERROR_DOMAINPART);
      return FALSE;
    }

  /* RFC 5895 mapping, only needed for non-ASCII text; ASCII letters are
   * lower-cased while copying. */
  domain = str;
  domain_length = length;
  if (!is_ascii (str, length))
    domain = mapped = xmpp_precis_idna_map (str, length, &domain_length);

  /* One trailing dot goes (RFC 7622 §3.2). */
  if (domain_length > 0 && domain[domain_length - 1] == '.')
    domain_length--;

  if (domain_length == 0)
    {
      xmpp_jid_set_empty_error (error, XMPP_JID_ERROR_DOMAINPART);
      goto fail;
    }

  /* Only digits and dots: an IPv4 address (RFC 7622 §3.2 IPv4address; a
   * name whose top-level label is numeric is not a valid host name). */
  if (is_dotted_decimal (domain, domain_length))
    {
      char *address = g_strndup (domain, domain_length);
      GInetAddress *inet = g_inet_address_new_from_string (address);
      gboolean valid = inet != NULL && g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV4;

      g_clear_object (&inet);
      if (!valid)
        {
          g_set_error (error, XMPP_JID_ERROR, XMPP_JID_ERROR_DOMAINPART,
                       _("Invalid domainpart: “%s” is not a valid IPv4 address"), address);
          g_free (address);
          goto fail;
        }
      g_free (address);

      part->str = domain;
      part->length = domain_length;
      part->owned = mapped;
      return TRUE;
    }

  /* First pass: the checks every label needs, and whether any needs
   * IDNA2008 processing. */
  for (start = 0, i = 0; i <= domain_length; i++)
    {
      gboolean all_ascii;

      if (i < domain_length && domain[i] != '.')
        continue;

      if (!check_label_ascii (domain + start, i - start, &all_ascii, error))
        goto fail;
      if (!all_ascii || is_ace_label (domain + start, i - start))
        needs_idna = TRUE;
      else if (i - start > MAX_LABEL_LENGTH)
        {
          set_label_error (error, LABEL_ERROR_TOO_LONG, domain + start, i - start);
          goto fail;
        }
      start = i + 1;
    }

  if (!needs_idna)
    {
      if (domain_length > MAX_PART_LENGTH)
        {
          xmpp_jid_set_length_error (error, XMPP_JID_ERROR_DOMAINPART);
          goto fail;
        }
      part->str = domain;
      part->length = domain_length;
      part->owned = mapped;
      part->ascii_lower = TRUE;
      return TRUE;
    }

  /* Second pass: U-labels for the labels that are not plain LDH. */
  out = g_string_sized_new (domain_length + 16);
  for (start = 0, i = 0; i <= domain_length; i++)
    {
      const char *label = domain + start;
      gsize label_length = i - start;

      if (i < domain_length && domain[i] != '.')
        continue;

      if (start > 0)
        g_string_append_c (out, '.');

      if (is_ace_label (label, label_length) || !is_ascii (label, label_length))
        {
          char *ulabel = idna_label (label, label_length, error);

          if (ulabel == NULL)
            goto fail;
          g_string_append (out, ulabel);
          g_free (ulabel);
        }
      else
        {
          gsize j;

          for (j = 0; j < label_length; j++)
            g_string_append_c (out, g_ascii_tolower (label[j]));
        }
      start = i + 1;
    }

  if (out->len > MAX_PART_LENGTH)
    {
      xmpp_jid_set_length_error (error, XMPP_JID_ERROR_DOMAINPART);
      goto fail;
    }

  g_free (mapped);
  part->length = out->len;
  part->str = part->owned = g_string_free (out, FALSE);
  return TRUE;

fail:
  if (out != NULL)
    g_string_free (out, TRUE);
  g_free (mapped);
  return FALSE;
}
