/* xmpp-jid.c: XMPP addresses (RFC 7622)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * XmppJid:
 *
 * An XMPP address, or JID: `localpart@domainpart/resourcepart`, where the
 * localpart and the resourcepart are optional (RFC 7622).
 *
 * A JID is checked and normalised once, when it is created, so every
 * #XmppJid holds a valid address in its canonical form:
 *
 * - the localpart goes through the PRECIS UsernameCaseMapped profile
 *   (RFC 8265 §3.3): fullwidth forms are narrowed, letters lower-cased,
 *   the text put in NFC, and characters outside the IdentifierClass, as
 *   well as `"&'/:<>@`, refused;
 * - the domainpart is lower-cased and checked as an internationalized
 *   domain name (IDNA2008), with A-labels (`xn--…`) turned into U-labels
 *   and one trailing dot removed; IPv4 addresses and IPv6 addresses in
 *   brackets are accepted too;
 * - the resourcepart goes through the PRECIS OpaqueString profile
 *   (RFC 8265 §4.2): its case is kept.
 *
 * Each part is at most 1023 bytes long after normalisation. When an
 * address is refused, the #GError is in the %XMPP_JID_ERROR domain and its
 * code says which part is wrong.
 *
 * #XmppJid is immutable and reference counted, so it can be shared freely,
 * also between threads. Two JIDs that denote the same address compare
 * equal with xmpp_jid_equal(), which together with xmpp_jid_hash() makes
 * JIDs usable as #GHashTable keys.
 *
 * ```c
 * g_autoptr(GError) error = NULL;
 * g_autoptr(XmppJid) jid = NULL;
 *
 * jid = xmpp_jid_new ("Juliet@Example.COM/Balcony", &error);
 * if (jid == NULL)
 *   {
 *     g_warning ("%s", error->message);
 *     return;
 *   }
 *
 * // Prints "juliet@example.com/Balcony"
 * g_print ("%s\n", xmpp_jid_to_string (jid));
 * // Prints "juliet@example.com"
 * g_print ("%s\n", xmpp_jid_to_bare_string (jid));
 * ```
 *
 * Localparts cannot hold a space or any of `"&'/:<>@`; user interfaces
 * that need them use the escaping of XEP-0106, see
 * xmpp_jid_escape_localpart() and xmpp_jid_unescape_localpart().
 */

#include "xmpp-glib-private.h"

#include "xmpp-jid-private.h"
#include "xmpp-precis-private.h"

#include <stddef.h>
#include <string.h>

/* The characters RFC 7622 §3.3.1 forbids in a localpart on top of the
 * IdentifierClass. */
#define LOCALPART_FORBIDDEN "\"&'/:<>@"

struct _XmppJid
{
  gatomicrefcount ref_count;
  guint hash;

  /* (atomic) (owned) (nullable): the bare JID, created on demand by
   * xmpp_jid_get_bare() for a full JID. */
  XmppJid *bare;

  /* Pointers into @string. */
  const char *localpart;     /* (nullable) */
  const char *domainpart;
  const char *resourcepart;  /* (nullable) */
  const char *bare_string;

  gsize length;              /* of the full string */

  /* The full string, then a copy of the bare string when there is a
   * resourcepart, then a copy of the localpart when there is one: a single
   * allocation holds everything. */
  char string[];
};

G_DEFINE_BOXED_TYPE (XmppJid, xmpp_jid, xmpp_jid_ref, xmpp_jid_unref)

/**
 * xmpp_jid_error_quark:
 *
 * The quark of the %XMPP_JID_ERROR error domain.
 *
 * Returns: the error domain of address parsing
 */
G_DEFINE_QUARK (xmpp-jid-error-quark, xmpp_jid_error)

static void
jid_part_clear (JidPart *part)
{
  g_clear_pointer (&part->owned, g_free);
}

/* Errors. Every message is a whole sentence per part, for translators. */

void
xmpp_jid_set_empty_error (GError     **error,
                          XmppJidError code)
{
  switch (code)
    {
    case XMPP_JID_ERROR_LOCALPART:
      g_set_error_literal (error, XMPP_JID_ERROR, code,
                           _("Invalid localpart: it is empty"));
      break;
    case XMPP_JID_ERROR_DOMAINPART:
      g_set_error_literal (error, XMPP_JID_ERROR, code,
                           _("Invalid domainpart: it is empty"));
      break;
    case XMPP_JID_ERROR_RESOURCEPART:
    case XMPP_JID_ERROR_INVALID_UTF8:
    default:
      g_set_error_literal (error, XMPP_JID_ERROR, XMPP_JID_ERROR_RESOURCEPART,
                           _("Invalid resourcepart: it is empty"));
      break;
    }
}

void
xmpp_jid_set_length_error (GError     **error,
                           XmppJidError code)
{
  switch (code)
    {
    case XMPP_JID_ERROR_LOCALPART:
      g_set_error (error, XMPP_JID_ERROR, code,
                   _("Invalid localpart: it is longer than %d bytes"), MAX_PART_LENGTH);
      break;
    case XMPP_JID_ERROR_DOMAINPART:
      g_set_error (error, XMPP_JID_ERROR, code,
                   _("Invalid domainpart: it is longer than %d bytes"), MAX_PART_LENGTH);
      break;
    case XMPP_JID_ERROR_RESOURCEPART:
    case XMPP_JID_ERROR_INVALID_UTF8:
    default:
      g_set_error (error, XMPP_JID_ERROR, XMPP_JID_ERROR_RESOURCEPART,
                   _("Invalid resourcepart: it is longer than %d bytes"), MAX_PART_LENGTH);
      break;
    }
}

void
xmpp_jid_set_char_error (GError     **error,
                         XmppJidError code,
                         gunichar     c)
{
  switch (code)
    {
    case XMPP_JID_ERROR_LOCALPART:
      g_set_error (error, XMPP_JID_ERROR, code,
                   _("Invalid localpart: the character U+%04X is not allowed"), c);
      break;
    case XMPP_JID_ERROR_DOMAINPART:
      g_set_error (error, XMPP_JID_ERROR, code,
                   _("Invalid domainpart: the character U+%04X is not allowed"), c);
      break;
    case XMPP_JID_ERROR_RESOURCEPART:
    case XMPP_JID_ERROR_INVALID_UTF8:
    default:
      g_set_error (error, XMPP_JID_ERROR, XMPP_JID_ERROR_RESOURCEPART,
                   _("Invalid resourcepart: the character U+%04X is not allowed"), c);
      break;
    }
}

static void
set_precis_error (GError          **error,
                  XmppJidError      code,
                  XmppPrecisStatus  status,
                  gunichar          c)
{
  gboolean local = code == XMPP_JID_ERROR_LOCALPART;

  switch (status)
    {
    case XMPP_PRECIS_EMPTY:
      xmpp_jid_set_empty_error (error, code);
      break;
    case XMPP_PRECIS_UNASSIGNED:
      if (local)
        g_set_error (error, XMPP_JID_ERROR, code,
                     _("Invalid localpart: the code point U+%04X is unassigned"), c);
      else
        g_set_error (error, XMPP_JID_ERROR, code,
                     _("Invalid resourcepart: the code point U+%04X is unassigned"), c);
      break;
    case XMPP_PRECIS_CONTEXT:
      if (local)
        g_set_error (error, XMPP_JID_ERROR, code,
                     _("Invalid localpart: the character U+%04X is not allowed in this position"),
                     c);
      else
        g_set_error (error, XMPP_JID_ERROR, code,
                     _("Invalid resourcepart: the character U+%04X is not allowed in this "
                       "position"),
                     c);
      break;
    case XMPP_PRECIS_BIDI:
      /* Only UsernameCaseMapped has a directionality rule. */
      g_set_error_literal (error, XMPP_JID_ERROR, code,
                           _("Invalid localpart: it mixes left-to-right and right-to-left "
                             "text in a way RFC 5893 forbids"));
      break;
    case XMPP_PRECIS_UNSTABLE:
      if (local)
        g_set_error_literal (error, XMPP_JID_ERROR, code,
                             _("Invalid localpart: its normalisation does not settle"));
      else
        g_set_error_literal (error, XMPP_JID_ERROR, code,
                             _("Invalid resourcepart: its normalisation does not settle"));
      break;
    case XMPP_PRECIS_DISALLOWED:
    case XMPP_PRECIS_OK:
    default:
      xmpp_jid_set_char_error (error, code, c);
      break;
    }
}

static void
set_utf8_error (GError **error)
{
  g_set_error_literal (error, XMPP_JID_ERROR, XMPP_JID_ERROR_INVALID_UTF8,
                       _("Invalid address: it is not valid UTF-8"));
}

/* Localpart: PRECIS UsernameCaseMapped (RFC 7622 §3.3). */

static gboolean
is_localpart_forbidden (char c)
{
  return c != '\0' && strchr (LOCALPART_FORBIDDEN, c) != NULL;
}

static gboolean
prepare_localpart (const char *str,
                   gsize       length,
                   JidPart    *part,
                   GError    **error)
{
  XmppPrecisStatus status;
  gunichar bad_char = 0;
  gboolean ascii = TRUE;
  char *output = NULL;
  gsize output_length = 0;
  gsize i;

  if (length == 0)
    {
      xmpp_jid_set_empty_error (error, XMPP_JID_ERROR_LOCALPART);
      return FALSE;
    }
  if (length > MAX_RAW_PART_LENGTH)
    {
      xmpp_jid_set_length_error (error, XMPP_JID_ERROR_LOCALPART);
      return FALSE;
    }

  /* In ASCII the profile is simple: U+0021 to U+007E are valid, the
   * letters are lower-cased, nothing else changes. An ASCII character that
   * is refused here is refused by the full profile too, whatever surrounds
   * it, so the scan may stop at the first one. */
  for (i = 0; i < length; i++)
    {
      guchar c = str[i];

      if (c >= 0x80)
        ascii = FALSE;
      else if (c < 0x21 || c > 0x7E || is_localpart_forbidden (c))
        {
          xmpp_jid_set_char_error (error, XMPP_JID_ERROR_LOCALPART, c);
          return FALSE;
        }
    }

  if (ascii)
    {
      if (length > MAX_PART_LENGTH)
        {
          xmpp_jid_set_length_error (error, XMPP_JID_ERROR_LOCALPART);
          return FALSE;
        }
      part->str = str;
      part->length = length;
      part->ascii_lower = TRUE;
      return TRUE;
    }

  status = xmpp_precis_enforce (XMPP_PRECIS_USERNAME_CASE_MAPPED, str, length,
                                &output, &output_length, &bad_char);
  if (status != XMPP_PRECIS_OK)
    {
      set_precis_error (error, XMPP_JID_ERROR_LOCALPART, status, bad_char);
      return FALSE;
    }

  /* Mapping can bring in a forbidden character: U+FF20 FULLWIDTH
   * COMMERCIAL AT becomes '@'. */
  for (i = 0; i < output_length; i++)
    {
      if (is_localpart_forbidden (output[i]))
        {
          xmpp_jid_set_char_error (error, XMPP_JID_ERROR_LOCALPART, (guchar) output[i]);
          g_free (output);
          return FALSE;
        }
    }

  if (output_length > MAX_PART_LENGTH)
    {
      xmpp_jid_set_length_error (error, XMPP_JID_ERROR_LOCALPART);
      g_free (output);
      return FALSE;
    }

  part->str = part->owned = output;
  part->length = output_length;
  return TRUE;
}

/* Resourcepart: PRECIS OpaqueString (RFC 7622 §3.4). */

static gboolean
prepare_resourcepart (const char *str,
                      gsize       length,
                      JidPart    *part,
                      GError    **error)
{
  XmppPrecisStatus status;
  gunichar bad_char = 0;
  gboolean ascii = TRUE;
  char *output = NULL;
  gsize output_length = 0;
  gsize i;

  if (length == 0)
    {
      xmpp_jid_set_empty_error (error, XMPP_JID_ERROR_RESOURCEPART);
      return FALSE;
    }
  if (length > MAX_RAW_PART_LENGTH)
    {
      xmpp_jid_set_length_error (error, XMPP_JID_ERROR_RESOURCEPART);
      return FALSE;
    }

  /* ASCII: U+0020 to U+007E are valid and nothing is mapped. */
  for (i = 0; i < length; i++)
    {
      guchar c = str[i];

      if (c >= 0x80)
        ascii = FALSE;
      else if (c < 0x20 || c == 0x7F)
        {
          xmpp_jid_set_char_error (error, XMPP_JID_ERROR_RESOURCEPART, c);
          return FALSE;
        }
    }

  if (ascii)
    {
      if (length > MAX_PART_LENGTH)
        {
          xmpp_jid_set_length_error (error, XMPP_JID_ERROR_RESOURCEPART);
          return FALSE;
        }
      part->str = str;
      part->length = length;
      return TRUE;
    }

  status = xmpp_precis_enforce (XMPP_PRECIS_OPAQUE_STRING, str, length,
                                &output, &output_length, &bad_char);
  if (status != XMPP_PRECIS_OK)
    {
      set_precis_error (error, XMPP_JID_ERROR_RESOURCEPART, status, bad_char);
      return FALSE;
    }

  if (output_length > MAX_PART_LENGTH)
    {
      xmpp_jid_set_length_error (error, XMPP_JID_ERROR_RESOURCEPART);
      g_free (output);
      return FALSE;
    }

  part->str = part->owned = output;
  part->length = output_length;
  return TRUE;
}

/* Assembly */

static char *
copy_part (char          *dest,
           const JidPart *part)
{
  if (part->ascii_lower)
    {
      gsize i;

      for (i = 0; i < part->length; i++)
        dest[i] = g_ascii_tolower (part->str[i]);
    }
  else
    memcpy (dest, part->str, part->length);

  return dest + part->length;
}

/* Builds the XmppJid from normalised parts, in one allocation. */
static XmppJid *
jid_assemble (const JidPart *local,
              const JidPart *domain,
              const JidPart *resource)
{
  XmppJid *self;
  gsize bare_length;
  gsize full_length;
  gsize size;
  char *p;

  bare_length = domain->length;
  if (local->str != NULL)
    bare_length += local->length + 1;
  full_length = bare_length;
  if (resource->str != NULL)
    full_length += 1 + resource->length;

  size = full_length + 1;
  if (resource->str != NULL)
    size += bare_length + 1;
  if (local->str != NULL)
    size += local->length + 1;

  self = g_malloc (offsetof (XmppJid, string) + size);
  g_atomic_ref_count_init (&self->ref_count);
  self->bare = NULL;
  self->length = full_length;

  /* The full string. */
  p = self->string;
  if (local->str != NULL)
    {
      p = copy_part (p, local);
      *p++ = '@';
    }
  self->domainpart = p;
  p = copy_part (p, domain);
  if (resource->str != NULL)
    {
      *p++ = '/';
      self->resourcepart = p;
      p = copy_part (p, resource);
    }
  else
    self->resourcepart = NULL;
  *p++ = '\0';

  /* The bare string: the full one when there is no resourcepart, a copy
   * of its beginning otherwise. */
  if (resource->str != NULL)
    {
      memcpy (p, self->string, bare_length);
      p[bare_length] = '\0';
      self->bare_string = p;
      self->domainpart = p + (self->domainpart - self->string);
      p += bare_length + 1;
    }
  else
    self->bare_string = self->string;

  /* The localpart, copied from the full string. */
  if (local->str != NULL)
    {
      memcpy (p, self->string, local->length);
      p[local->length] = '\0';
      self->localpart = p;
    }
  else
    self->localpart = NULL;

  self->hash = g_str_hash (self->string);

  return self;
}

static XmppJid *
jid_new_from_slices (const char *localpart,
                     gsize       localpart_length,
                     const char *domainpart,
                     gsize       domainpart_length,
                     const char *resourcepart,
                     gsize       resourcepart_length,
                     GError    **error)
{
  JidPart local = { NULL, 0, NULL, FALSE };
  JidPart domain = { NULL, 0, NULL, FALSE };
  JidPart resource = { NULL, 0, NULL, FALSE };
  XmppJid *self = NULL;

  if (localpart != NULL &&
      !prepare_localpart (localpart, localpart_length, &local, error))
    goto out;
  if (!xmpp_jid_prepare_domainpart (domainpart, domainpart_length, &domain, error))
    goto out;
  if (resourcepart != NULL &&
      !prepare_resourcepart (resourcepart, resourcepart_length, &resource, error))
    goto out;

  self = jid_assemble (&local, &domain, &resource);

out:
  jid_part_clear (&local);
  jid_part_clear (&domain);
  jid_part_clear (&resource);

  return self;
}

/**
 * xmpp_jid_new:
 * @string: an XMPP address, such as `juliet@example.com/balcony`
 * @error: return location for a #GError
 *
 * Parses, checks and normalises an XMPP address (RFC 7622).
 *
 * The string is split as RFC 7622 §3.1 says: the resourcepart is
 * everything after the first `/`, the localpart is everything before the
 * first `@` that comes before that `/`, the domainpart is the rest. A `@`
 * or `/` present with nothing on its other side is an error, as is an
 * empty domainpart.
 *
 * Each part is then normalised (see #XmppJid), so that
 * `Juliet@Example.COM/Balcony` gives `juliet@example.com/Balcony`.
 * Normalising is idempotent: parsing the result of xmpp_jid_to_string()
 * gives the same string back.
 *
 * Returns: (transfer full) (nullable): the new JID, or %NULL with @error
 *   set in the %XMPP_JID_ERROR domain if @string is not a valid address
 */
XmppJid *
xmpp_jid_new (const char *string,
              GError    **error)
{
  const char *slash;
  const char *at;
  const char *domain;
  const char *end;
  gsize length;

  g_return_val_if_fail (string != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  length = strlen (string);
  if (!g_utf8_validate_len (string, length, NULL))
    {
      set_utf8_error (error);
      return NULL;
    }

  slash = memchr (string, '/', length);
  end = slash != NULL ? slash : string + length;
  at = memchr (string, '@', end - string);
  domain = at != NULL ? at + 1 : string;

  return jid_new_from_slices (at != NULL ? string : NULL,
                              at != NULL ? (gsize) (at - string) : 0,
                              domain, end - domain,
                              slash != NULL ? slash + 1 : NULL,
                              slash != NULL ? length - (slash + 1 - string) : 0,
                              error);
}

/**
 * xmpp_jid_new_from_parts:
 * @localpart: (nullable): the localpart, without `@`, or %NULL for none
 * @domainpart: the domainpart
 * @resourcepart: (nullable): the resourcepart, without `/`, or %NULL for
 *   none
 * @error: return location for a #GError
 *
 * Builds an address from its parts, checking and normalising each of them
 * as xmpp_jid_new() does. Unlike in a string, the parts need no
 * splitting: a resourcepart may hold `@` and `/`, but a localpart cannot
 * hold `@` (use xmpp_jid_escape_localpart() for that) and an empty string
 * is an error, not an absent part.
 *
 * Returns: (transfer full) (nullable): the new JID, or %NULL with @error
 *   set in the %XMPP_JID_ERROR domain if a part is not valid
 */
XmppJid *
xmpp_jid_new_from_parts (const char *localpart,
                         const char *domainpart,
                         const char *resourcepart,
                         GError    **error)
{
  gsize localpart_length = 0;
  gsize domainpart_length;
  gsize resourcepart_length = 0;

  g_return_val_if_fail (domainpart != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  domainpart_length = strlen (domainpart);
  if (localpart != NULL)
    localpart_length = strlen (localpart);
  if (resourcepart != NULL)
    resourcepart_length = strlen (resourcepart);

  if ((localpart != NULL && !g_utf8_validate_len (localpart, localpart_length, NULL)) ||
      !g_utf8_validate_len (domainpart, domainpart_length, NULL) ||
      (resourcepart != NULL && !g_utf8_validate_len (resourcepart, resourcepart_length, NULL)))
    {
      set_utf8_error (error);
      return NULL;
    }

  return jid_new_from_slices (localpart, localpart_length,
                              domainpart, domainpart_length,
                              resourcepart, resourcepart_length,
                              error);
}

/**
 * xmpp_jid_ref:
 * @self: a JID
 *
 * Takes a reference on @self. This is thread-safe.
 *
 * Returns: (transfer full): @self
 */
XmppJid *
xmpp_jid_ref (XmppJid *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);

  return self;
}

/**
 * xmpp_jid_unref:
 * @self: (transfer full): a JID
 *
 * Drops a reference on @self, and frees it when none is left. This is
 * thread-safe.
 */
void
xmpp_jid_unref (XmppJid *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      XmppJid *bare = g_atomic_pointer_get (&self->bare);

      if (bare != NULL)
        xmpp_jid_unref (bare);
      g_free (self);
    }
}

/**
 * xmpp_jid_get_localpart:
 * @self: a JID
 *
 * Gets the normalised localpart: `juliet` in `juliet@example.com/balcony`.
 *
 * Returns: (transfer none) (nullable): the localpart, or %NULL if @self
 *   has none
 */
const char *
xmpp_jid_get_localpart (XmppJid *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->localpart;
}

/**
 * xmpp_jid_get_domainpart:
 * @self: a JID
 *
 * Gets the normalised domainpart: `example.com` in
 * `juliet@example.com/balcony`. Internationalized names are given in
 * Unicode (U-labels), IPv6 addresses in brackets.
 *
 * Returns: (transfer none): the domainpart
 */
const char *
xmpp_jid_get_domainpart (XmppJid *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->domainpart;
}

/**
 * xmpp_jid_get_resourcepart:
 * @self: a JID
 *
 * Gets the normalised resourcepart: `balcony` in
 * `juliet@example.com/balcony`.
 *
 * Returns: (transfer none) (nullable): the resourcepart, or %NULL if @self
 *   is a bare JID
 */
const char *
xmpp_jid_get_resourcepart (XmppJid *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->resourcepart;
}

/**
 * xmpp_jid_is_bare:
 * @self: a JID
 *
 * Tells whether @self is a bare JID, one without a resourcepart.
 *
 * Returns: %TRUE if @self has no resourcepart
 */
gboolean
xmpp_jid_is_bare (XmppJid *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->resourcepart == NULL;
}

/**
 * xmpp_jid_get_bare:
 * @self: a JID
 *
 * Gets the bare JID of @self: the same address without its resourcepart.
 * That is @self itself when it is already bare. Otherwise the bare JID is
 * created on the first call and kept by @self, so it lives as long as
 * @self does; take a reference with xmpp_jid_ref() to keep it longer.
 * This is thread-safe.
 *
 * Returns: (transfer none): the bare JID
 */
XmppJid *
xmpp_jid_get_bare (XmppJid *self)
{
  XmppJid *bare;
  JidPart local = { NULL, 0, NULL, FALSE };
  JidPart domain = { NULL, 0, NULL, FALSE };
  JidPart resource = { NULL, 0, NULL, FALSE };

  g_return_val_if_fail (self != NULL, NULL);

  if (self->resourcepart == NULL)
    return self;

  bare = g_atomic_pointer_get (&self->bare);
  if (bare != NULL)
    return bare;

  if (self->localpart != NULL)
    {
      local.str = self->localpart;
      local.length = strlen (self->localpart);
    }
  domain.str = self->domainpart;
  domain.length = strlen (self->domainpart);
  bare = jid_assemble (&local, &domain, &resource);

  /* Another thread may have been faster: keep its JID. */
  if (!g_atomic_pointer_compare_and_exchange (&self->bare, NULL, bare))
    {
      xmpp_jid_unref (bare);
      bare = g_atomic_pointer_get (&self->bare);
    }

  return bare;
}

/**
 * xmpp_jid_with_resource:
 * @self: a JID
 * @resourcepart: (nullable): a resourcepart, without `/`, or %NULL
 * @error: return location for a #GError
 *
 * Makes the address with the localpart and domainpart of @self and the
 * given resourcepart, which is checked and normalised as in
 * xmpp_jid_new(). With a %NULL @resourcepart the result is the bare JID
 * of @self.
 *
 * Returns: (transfer full) (nullable): the new JID, or %NULL with @error
 *   set to %XMPP_JID_ERROR_RESOURCEPART or %XMPP_JID_ERROR_INVALID_UTF8 if
 *   @resourcepart is not valid
 */
XmppJid *
xmpp_jid_with_resource (XmppJid    *self,
                        const char *resourcepart,
                        GError    **error)
{
  JidPart local = { NULL, 0, NULL, FALSE };
  JidPart domain = { NULL, 0, NULL, FALSE };
  JidPart resource = { NULL, 0, NULL, FALSE };
  XmppJid *result;
  gsize length;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (resourcepart == NULL)
    return xmpp_jid_ref (xmpp_jid_get_bare (self));

  length = strlen (resourcepart);
  if (!g_utf8_validate_len (resourcepart, length, NULL))
    {
      set_utf8_error (error);
      return NULL;
    }
  if (!prepare_resourcepart (resourcepart, length, &resource, error))
    return NULL;

  if (self->resourcepart != NULL &&
      resource.length == strlen (self->resourcepart) &&
      memcmp (resource.str, self->resourcepart, resource.length) == 0)
    {
      jid_part_clear (&resource);
      return xmpp_jid_ref (self);
    }

  if (self->localpart != NULL)
    {
      local.str = self->localpart;
      local.length = strlen (self->localpart);
    }
  domain.str = self->domainpart;
  domain.length = strlen (self->domainpart);
  result = jid_assemble (&local, &domain, &resource);
  jid_part_clear (&resource);

  return result;
}

/**
 * xmpp_jid_to_string:
 * @self: a JID
 *
 * Gives the normalised address, with all its parts:
 * `juliet@example.com/balcony`. This is the form to send on the wire and
 * to store.
 *
 * Returns: (transfer none): the address, valid as long as @self
 */
const char *
xmpp_jid_to_string (XmppJid *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->string;
}

/**
 * xmpp_jid_to_bare_string:
 * @self: a JID
 *
 * Gives the normalised address without its resourcepart:
 * `juliet@example.com` for `juliet@example.com/balcony`.
 *
 * Returns: (transfer none): the bare address, valid as long as @self
 */
const char *
xmpp_jid_to_bare_string (XmppJid *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->bare_string;
}

/**
 * xmpp_jid_equal:
 * @a: (type XmppJid): a JID
 * @b: (type XmppJid): another JID
 *
 * Compares two addresses, all parts included, after normalisation: the
 * localpart and the domainpart are case-insensitive, the resourcepart is
 * not. Together with xmpp_jid_hash() this makes a #GHashTable keyed by
 * JIDs:
 *
 * ```c
 * GHashTable *table = g_hash_table_new_full (xmpp_jid_hash, xmpp_jid_equal,
 *                                            (GDestroyNotify) xmpp_jid_unref,
 *                                            NULL);
 * ```
 *
 * Returns: %TRUE if @a and @b are the same address
 */
gboolean
xmpp_jid_equal (gconstpointer a,
                gconstpointer b)
{
  const XmppJid *jid_a = a;
  const XmppJid *jid_b = b;

  if (jid_a == jid_b)
    return TRUE;
  g_return_val_if_fail (jid_a != NULL && jid_b != NULL, FALSE);

  return jid_a->hash == jid_b->hash &&
         jid_a->length == jid_b->length &&
         memcmp (jid_a->string, jid_b->string, jid_a->length) == 0;
}

/**
 * xmpp_jid_equal_bare:
 * @a: a JID
 * @b: another JID
 *
 * Compares the bare parts of two addresses (localpart and domainpart),
 * ignoring their resourceparts: `juliet@example.com/balcony` and
 * `Juliet@example.com/garden` are the same account.
 *
 * Returns: %TRUE if @a and @b have the same bare JID
 */
gboolean
xmpp_jid_equal_bare (XmppJid *a,
                     XmppJid *b)
{
  if (a == b)
    return TRUE;
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  return strcmp (a->bare_string, b->bare_string) == 0;
}

/**
 * xmpp_jid_hash:
 * @jid: (type XmppJid): a JID
 *
 * Hashes an address, for #GHashTable; equal JIDs (see xmpp_jid_equal())
 * have equal hashes.
 *
 * Returns: the hash of @jid
 */
guint
xmpp_jid_hash (gconstpointer jid)
{
  const XmppJid *self = jid;

  g_return_val_if_fail (self != NULL, 0);

  return self->hash;
}

/* XEP-0106 escaping */

/* The characters XEP-0106 escapes, and their sequences, in the same
 * order. */
static const char escaped_chars[] = " \"&'/:<>@\\";
static const char *const escape_sequences[] = {
  "20", "22", "26", "27", "2f", "3a", "3c", "3e", "40", "5c",
};
G_STATIC_ASSERT (G_N_ELEMENTS (escape_sequences) == sizeof escaped_chars - 1);

/* Whether the backslash at @p starts one of the ten sequences. They are
 * lower case: XEP-0106 §4 says case is significant. */
static int
find_escape_sequence (const char *p)
{
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (escape_sequences); i++)
    if (p[1] == escape_sequences[i][0] && p[2] == escape_sequences[i][1])
      return (int) i;

  return -1;
}

/**
 * xmpp_jid_escape_localpart:
 * @unescaped: a localpart as a user would type it, such as `d'artagnan`
 *
 * Escapes the characters that a localpart cannot hold, following XEP-0106
 * (JID Escaping): space, `"`, `&`, `'`, `/`, `:`, `<`, `>` and `@` become
 * `\20`, `\22`, `\26`, `\27`, `\2f`, `\3a`, `\3c`, `\3e` and `\40`.
 *
 * The rules of XEP-0106 §4 and §5 apply:
 *
 * - a backslash is escaped (to `\5c`) only when it starts one of the ten
 *   escape sequences (`\20` to `\40`, or `\5c` itself), so that
 *   unescaping gives it back; any other backslash is kept as it is.
 *   (The example table of XEP-0106 escapes `c:\net` to `c\3a\5cnet`,
 *   which contradicts its own rules; this function gives `c\3a\net`,
 *   which unescapes to the same text.)
 * - an escaped localpart may not begin or end with `\20`, so spaces at
 *   the beginning and at the end of @unescaped are removed.
 *
 * Nothing else changes: the result still has to pass xmpp_jid_new() or
 * xmpp_jid_new_from_parts(), which lower-case it among other things.
 *
 * Returns: (transfer full): the escaped localpart
 */
char *
xmpp_jid_escape_localpart (const char *unescaped)
{
  const char *start;
  const char *end;
  const char *p;
  GString *out;

  g_return_val_if_fail (unescaped != NULL, NULL);

  start = unescaped;
  while (*start == ' ')
    start++;
  end = start + strlen (start);
  while (end > start && end[-1] == ' ')
    end--;

  out = g_string_sized_new (end - start + 8);
  for (p = start; p < end; p++)
    {
      const char *found = *p != '\0' ? strchr (escaped_chars, *p) : NULL;

      if (found == NULL || (*p == '\\' && find_escape_sequence (p) < 0))
        {
          g_string_append_c (out, *p);
          continue;
        }

      g_string_append_c (out, '\\');
      g_string_append (out, escape_sequences[found - escaped_chars]);
    }

  return g_string_free (out, FALSE);
}

/**
 * xmpp_jid_unescape_localpart:
 * @escaped: an escaped localpart, such as `d\27artagnan`
 *
 * Reverses xmpp_jid_escape_localpart(), for display: each of the ten
 * escape sequences of XEP-0106 (`\20`, `\22`, `\26`, `\27`, `\2f`, `\3a`,
 * `\3c`, `\3e`, `\40` and `\5c`, in lower case) becomes the character it
 * stands for. Any other backslash, such as the one in `\41`, is kept.
 *
 * The result is for people to read: it is in general not a valid
 * localpart.
 *
 * Returns: (transfer full): the unescaped localpart
 */
char *
xmpp_jid_unescape_localpart (const char *escaped)
{
  const char *p;
  GString *out;

  g_return_val_if_fail (escaped != NULL, NULL);

  out = g_string_sized_new (strlen (escaped));
  for (p = escaped; *p != '\0';)
    {
      int i = *p == '\\' ? find_escape_sequence (p) : -1;

      if (i < 0)
        {
          g_string_append_c (out, *p);
          p++;
        }
      else
        {
          g_string_append_c (out, escaped_chars[i]);
          p += 3;
        }
    }

  return g_string_free (out, FALSE);
}
