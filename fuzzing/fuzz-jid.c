/* fuzz-jid.c: libFuzzer target for XmppJid parsing and JID escaping
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Feeds arbitrary bytes to xmpp_jid_new() and, when they parse, checks the
 * invariants that the rest of the library relies on:
 *
 * - the normalised string parses again, to an equal JID with the very same
 *   string (normalisation is idempotent) and the same hash;
 * - building the JID again from its parts gives the same JID;
 * - the bare JID is bare, equal in its bare part, and its string is the
 *   bare string;
 * - putting the resourcepart back on the bare JID gives the JID again.
 *
 * Any input must be refused cleanly, with an error of the XMPP_JID_ERROR
 * domain. The escaping functions must round trip: unescaping an escaped
 * localpart gives back the input, less its leading and trailing spaces.
 */
#include <xmpp-glib/xmpp-glib.h>

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static void
check_valid_jid (XmppJid *jid)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppJid) again = NULL;
  g_autoptr(XmppJid) from_parts = NULL;
  g_autoptr(XmppJid) with_resource = NULL;
  const char *string = xmpp_jid_to_string (jid);
  const char *resourcepart = xmpp_jid_get_resourcepart (jid);
  XmppJid *bare;

  g_assert_nonnull (string);
  g_assert_true (g_utf8_validate (string, -1, NULL));
  g_assert_nonnull (xmpp_jid_get_domainpart (jid));
  g_assert_true (xmpp_jid_is_bare (jid) == (resourcepart == NULL));

  /* Idempotence */
  again = xmpp_jid_new (string, &error);
  g_assert_no_error (error);
  g_assert_nonnull (again);
  g_assert_cmpstr (xmpp_jid_to_string (again), ==, string);
  g_assert_true (xmpp_jid_equal (jid, again));
  g_assert_true (xmpp_jid_equal (again, jid));
  g_assert_cmpuint (xmpp_jid_hash (jid), ==, xmpp_jid_hash (again));
  g_assert_cmpstr (xmpp_jid_get_localpart (again), ==, xmpp_jid_get_localpart (jid));
  g_assert_cmpstr (xmpp_jid_get_domainpart (again), ==, xmpp_jid_get_domainpart (jid));
  g_assert_cmpstr (xmpp_jid_get_resourcepart (again), ==, resourcepart);

  /* The parts make the same JID. */
  from_parts = xmpp_jid_new_from_parts (xmpp_jid_get_localpart (jid),
                                        xmpp_jid_get_domainpart (jid),
                                        resourcepart, &error);
  g_assert_no_error (error);
  g_assert_true (xmpp_jid_equal (jid, from_parts));
  g_assert_cmpstr (xmpp_jid_to_string (from_parts), ==, string);

  /* The bare JID */
  bare = xmpp_jid_get_bare (jid);
  g_assert_nonnull (bare);
  g_assert_true (xmpp_jid_is_bare (bare));
  g_assert_true (xmpp_jid_get_bare (bare) == bare);
  g_assert_true (xmpp_jid_get_bare (jid) == bare);
  g_assert_true (xmpp_jid_equal_bare (jid, bare));
  g_assert_cmpstr (xmpp_jid_to_string (bare), ==, xmpp_jid_to_bare_string (jid));
  g_assert_cmpstr (xmpp_jid_get_localpart (bare), ==, xmpp_jid_get_localpart (jid));
  g_assert_cmpstr (xmpp_jid_get_domainpart (bare), ==, xmpp_jid_get_domainpart (jid));
  g_assert_null (xmpp_jid_get_resourcepart (bare));
  if (resourcepart == NULL)
    g_assert_true (bare == jid);
  else
    g_assert_false (xmpp_jid_equal (bare, jid));

  /* And back */
  with_resource = xmpp_jid_with_resource (bare, resourcepart, &error);
  g_assert_no_error (error);
  g_assert_true (xmpp_jid_equal (with_resource, jid));
  g_assert_cmpuint (xmpp_jid_hash (with_resource), ==, xmpp_jid_hash (jid));
}

static void
check_escaping (const char *input)
{
  g_autofree char *escaped = xmpp_jid_escape_localpart (input);
  g_autofree char *unescaped = xmpp_jid_unescape_localpart (escaped);
  const char *start = input;
  size_t length;

  while (*start == ' ')
    start++;
  length = strlen (start);
  while (length > 0 && start[length - 1] == ' ')
    length--;

  g_assert_cmpuint (strlen (unescaped), ==, length);
  g_assert_true (memcmp (unescaped, start, length) == 0);
  g_assert_false (g_str_has_prefix (escaped, "\\20"));
  g_assert_false (g_str_has_suffix (escaped, "\\20"));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppJid) jid = NULL;
  g_autofree char *input = NULL;

  /* A nul-terminated copy; an embedded nul ends the string there. */
  input = g_malloc (size + 1);
  memcpy (input, data, size);
  input[size] = '\0';

  jid = xmpp_jid_new (input, &error);
  if (jid == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == XMPP_JID_ERROR);
      g_assert_cmpint (error->code, >=, XMPP_JID_ERROR_LOCALPART);
      g_assert_cmpint (error->code, <=, XMPP_JID_ERROR_INVALID_UTF8);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
    }
  else
    {
      g_assert_no_error (error);
      check_valid_jid (jid);
    }

  check_escaping (input);

  return 0;
}
