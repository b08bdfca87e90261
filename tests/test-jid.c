/* test-jid.c: tests for XmppJid, its PRECIS profiles and JID escaping
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <xmpp-glib/xmpp-glib.h>

#include <string.h>

typedef struct
{
  const char *input;
  const char *expected;    /* xmpp_jid_to_string() */
  const char *localpart;   /* NULL when absent */
  const char *domainpart;
  const char *resourcepart;
} ValidCase;

typedef struct
{
  const char *input;
  XmppJidError code;
} InvalidCase;

static XmppJid *
parse_valid (const char *input)
{
  g_autoptr(GError) error = NULL;
  XmppJid *jid;

  jid = xmpp_jid_new (input, &error);
  g_assert_no_error (error);
  g_assert_nonnull (jid);

  return jid;
}

static void
assert_invalid (const char  *input,
                XmppJidError code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppJid) jid = NULL;

  jid = xmpp_jid_new (input, &error);
  if (jid != NULL)
    g_test_message ("“%s” was accepted as “%s”", input, xmpp_jid_to_string (jid));
  g_assert_null (jid);
  g_assert_error (error, XMPP_JID_ERROR, (gint) code);
  g_assert_nonnull (error->message);
}

/* Parses @c, checks every accessor, then checks that the normalised form
 * parses to itself. */
static void
check_valid_case (const ValidCase *c)
{
  g_autoptr(XmppJid) jid = NULL;
  g_autoptr(XmppJid) again = NULL;

  jid = parse_valid (c->input);
  g_assert_cmpstr (xmpp_jid_to_string (jid), ==, c->expected);
  g_assert_cmpstr (xmpp_jid_get_localpart (jid), ==, c->localpart);
  g_assert_cmpstr (xmpp_jid_get_domainpart (jid), ==, c->domainpart);
  g_assert_cmpstr (xmpp_jid_get_resourcepart (jid), ==, c->resourcepart);
  g_assert_true (xmpp_jid_is_bare (jid) == (c->resourcepart == NULL));

  again = parse_valid (xmpp_jid_to_string (jid));
  g_assert_cmpstr (xmpp_jid_to_string (again), ==, xmpp_jid_to_string (jid));
  g_assert_true (xmpp_jid_equal (jid, again));
  g_assert_cmpuint (xmpp_jid_hash (jid), ==, xmpp_jid_hash (again));
}

/* RFC 7622 §3.5.1, then more. */
static const ValidCase valid_cases[] = {
  /* RFC 7622 §3.5.1 */
  { "juliet@example.com", "juliet@example.com", "juliet", "example.com", NULL },
  { "juliet@example.com/foo", "juliet@example.com/foo", "juliet", "example.com", "foo" },
  { "juliet@example.com/foo bar", "juliet@example.com/foo bar",
    "juliet", "example.com", "foo bar" },
  { "juliet@example.com/foo@bar", "juliet@example.com/foo@bar",
    "juliet", "example.com", "foo@bar" },
  { "foo\\20bar@example.com", "foo\\20bar@example.com", "foo\\20bar", "example.com", NULL },
  { "fussball@example.com", "fussball@example.com", "fussball", "example.com", NULL },
  { "fußball@example.com", "fußball@example.com", "fußball", "example.com", NULL },
  { "π@example.com", "π@example.com", "π", "example.com", NULL },
  { "Σ@example.com/foo", "σ@example.com/foo", "σ", "example.com", "foo" },
  { "σ@example.com/foo", "σ@example.com/foo", "σ", "example.com", "foo" },
  { "ς@example.com/foo", "ς@example.com/foo", "ς", "example.com", "foo" },
  { "king@example.com/♚", "king@example.com/♚", "king", "example.com", "♚" },
  { "example.com", "example.com", NULL, "example.com", NULL },
  { "example.com/foobar", "example.com/foobar", NULL, "example.com", "foobar" },
  { "a.example.com/b@example.net", "a.example.com/b@example.net",
    NULL, "a.example.com", "b@example.net" },

  /* Splitting: the first '/' starts the resourcepart, whatever follows. */
  { "juliet@example.com/a/b@c", "juliet@example.com/a/b@c", "juliet", "example.com", "a/b@c" },
  { "example.com/@", "example.com/@", NULL, "example.com", "@" },
  { "example.com//", "example.com//", NULL, "example.com", "/" },

  /* Non-ASCII localparts */
  { "πß@example.com", "πß@example.com", "πß", "example.com", NULL },
  { "ᚠᛇᚻ@example.com", "ᚠᛇᚻ@example.com", "ᚠᛇᚻ", "example.com", NULL },
  { "Ünïcödé@example.com", "ünïcödé@example.com", "ünïcödé", "example.com", NULL },
  { "日本語@example.com", "日本語@example.com", "日本語", "example.com", NULL },
  { "한국어@example.com", "한국어@example.com", "한국어", "example.com", NULL },

  /* Case: localpart and domainpart lower-cased, resourcepart kept. */
  { "JULIET@EXAMPLE.COM/Balcony", "juliet@example.com/Balcony",
    "juliet", "example.com", "Balcony" },
  { "Juliet@Example.Com/BALCONY", "juliet@example.com/BALCONY",
    "juliet", "example.com", "BALCONY" },
  { "ΣΑΣ@example.com", "σας@example.com", "σας", "example.com", NULL },

  /* Domainparts */
  { "juliet@example.com.", "juliet@example.com", "juliet", "example.com", NULL },
  { "example.com./r", "example.com/r", NULL, "example.com", "r" },
  { "juliet@xn--mller-kva.example", "juliet@müller.example", "juliet", "müller.example", NULL },
  { "juliet@XN--MLLER-KVA.EXAMPLE", "juliet@müller.example", "juliet", "müller.example", NULL },
  { "juliet@Müller.Example", "juliet@müller.example", "juliet", "müller.example", NULL },
  { "juliet@[::1]/r", "juliet@[::1]/r", "juliet", "[::1]", "r" },
  { "juliet@[2001:DB8::1]", "juliet@[2001:db8::1]", "juliet", "[2001:db8::1]", NULL },
  { "juliet@[::ffff:192.0.2.1]", "juliet@[::ffff:192.0.2.1]",
    "juliet", "[::ffff:192.0.2.1]", NULL },
  { "juliet@192.0.2.1", "juliet@192.0.2.1", "juliet", "192.0.2.1", NULL },
  { "juliet@localhost", "juliet@localhost", "juliet", "localhost", NULL },
  { "a@1example.com", "a@1example.com", "a", "1example.com", NULL },
  { "a@r3---sn-abc.example", "a@r3---sn-abc.example", "a", "r3---sn-abc.example", NULL },

  /* Resourceparts */
  { "juliet@example.com/ foo ", "juliet@example.com/ foo ", "juliet", "example.com", " foo " },
  { "juliet@example.com/Ⅳ ﬁ ①", "juliet@example.com/Ⅳ ﬁ ①", "juliet", "example.com", "Ⅳ ﬁ ①" },
  { "juliet@example.com/\"&'<>:", "juliet@example.com/\"&'<>:",
    "juliet", "example.com", "\"&'<>:" },
};

static void
test_parse_valid (void)
{
  gsize i;

  g_test_summary ("Valid addresses of RFC 7622 §3.5.1 and more parse to the "
                  "expected normalised parts, and the result parses to itself.");

  for (i = 0; i < G_N_ELEMENTS (valid_cases); i++)
    {
      g_test_message ("valid case %" G_GSIZE_FORMAT ": %s", i, valid_cases[i].input);
      check_valid_case (&valid_cases[i]);
    }
}

static const InvalidCase invalid_cases[] = {
  /* RFC 7622 §3.5.2 */
  { "\"juliet\"@example.com", XMPP_JID_ERROR_LOCALPART },
  { "foo bar@example.com", XMPP_JID_ERROR_LOCALPART },
  { "juliet@example.com/", XMPP_JID_ERROR_RESOURCEPART },
  { "@example.com/", XMPP_JID_ERROR_LOCALPART },
  { "henryⅣ@example.com", XMPP_JID_ERROR_LOCALPART },
  { "♚@example.com", XMPP_JID_ERROR_LOCALPART },
  { "juliet@", XMPP_JID_ERROR_DOMAINPART },
  { "/foobar", XMPP_JID_ERROR_DOMAINPART },

  /* Empty parts */
  { "", XMPP_JID_ERROR_DOMAINPART },
  { "@example.com", XMPP_JID_ERROR_LOCALPART },
  { "@", XMPP_JID_ERROR_LOCALPART },
  { "/", XMPP_JID_ERROR_DOMAINPART },
  { "juliet@/r", XMPP_JID_ERROR_DOMAINPART },
  { "example.com/", XMPP_JID_ERROR_RESOURCEPART },

  /* The characters RFC 7622 §3.3.1 forbids in a localpart */
  { "\"@example.com", XMPP_JID_ERROR_LOCALPART },
  { "&@example.com", XMPP_JID_ERROR_LOCALPART },
  { "'@example.com", XMPP_JID_ERROR_LOCALPART },
  { ":@example.com", XMPP_JID_ERROR_LOCALPART },
  { "<@example.com", XMPP_JID_ERROR_LOCALPART },
  { ">@example.com", XMPP_JID_ERROR_LOCALPART },
  { "a@b@example.com", XMPP_JID_ERROR_DOMAINPART },
  { "＠@example.com", XMPP_JID_ERROR_LOCALPART }, /* FULLWIDTH COMMERCIAL AT */

  /* Outside the IdentifierClass */
  { "a\tb@example.com", XMPP_JID_ERROR_LOCALPART },
  { "a\177b@example.com", XMPP_JID_ERROR_LOCALPART },
  { "\xc2\x85@example.com", XMPP_JID_ERROR_LOCALPART },             /* U+0085 NEL */
  { "ﬁ@example.com", XMPP_JID_ERROR_LOCALPART },                    /* ligature */
  { "ǅ@example.com", XMPP_JID_ERROR_LOCALPART },                    /* ǆ has compat */
  { "x²@example.com", XMPP_JID_ERROR_LOCALPART },
  { "a\u00a0b@example.com", XMPP_JID_ERROR_LOCALPART },             /* NO-BREAK SPACE */
  { "a\u3000b@example.com", XMPP_JID_ERROR_LOCALPART },             /* to U+0020 */
  { "€@example.com", XMPP_JID_ERROR_LOCALPART },
  { "a—b@example.com", XMPP_JID_ERROR_LOCALPART },
  { "«a»@example.com", XMPP_JID_ERROR_LOCALPART },

  /* Domainparts */
  { "juliet@example..com", XMPP_JID_ERROR_DOMAINPART },
  { "juliet@.example.com", XMPP_JID_ERROR_DOMAINPART },
  { "juliet@example.com..", XMPP_JID_ERROR_DOMAINPART },
  { "juliet@.", XMPP_JID_ERROR_DOMAINPART },
  { "juliet@exa mple.com", XMPP_JID_ERROR_DOMAINPART },
  { "juliet@exa_mple.com", XMPP_JID_ERROR_DOMAINPART },
  { "juliet@exa\tmple.com", XMPP_JID_ERROR_DOMAINPART },
  { "juliet@example.com:5222", XMPP_JID_ERROR_DOMAINPART },
  { "juliet@-example.com", XMPP_JID_ERROR_DOMAINPART },
  { "juliet@example-.com", XMPP_JID_ERROR_DOMAINPART },
  { "juliet@♥.example", XMPP_JID_ERROR_DOMAINPART },
  { "juliet@ﬁ.example", XMPP_JID_ERROR_DOMAINPART },
  { "juliet@ü-.example", XMPP_JID_ERROR_DOMAINPART },
  { "juliet@xn--mller-kva-.example", XMPP_JID_ERROR_DOMAINPART },
  { "juliet@xn--ls8h.example", XMPP_JID_ERROR_DOMAINPART },         /* an emoji */
  { "juliet@XN---N-5BM", XMPP_JID_ERROR_DOMAINPART },               /* unstable, see below */
  { "juliet@ex ample.com", XMPP_JID_ERROR_DOMAINPART },
  { "juliet@[::1", XMPP_JID_ERROR_DOMAINPART },
  { "juliet@[::1].", XMPP_JID_ERROR_DOMAINPART },
  { "juliet@[]", XMPP_JID_ERROR_DOMAINPART },
  { "juliet@[192.0.2.1]", XMPP_JID_ERROR_DOMAINPART },
  { "juliet@[::1%eth0]", XMPP_JID_ERROR_DOMAINPART },
  { "juliet@[fe80::1::2]", XMPP_JID_ERROR_DOMAINPART },
  { "juliet@::1", XMPP_JID_ERROR_DOMAINPART },
  { "juliet@256.0.2.1", XMPP_JID_ERROR_DOMAINPART },
  { "juliet@192.0.2", XMPP_JID_ERROR_DOMAINPART },

  /* Resourceparts */
  { "juliet@example.com/a\nb", XMPP_JID_ERROR_RESOURCEPART },
  { "juliet@example.com/\x01", XMPP_JID_ERROR_RESOURCEPART },
  { "juliet@example.com/a\u200bb", XMPP_JID_ERROR_RESOURCEPART },   /* ZERO WIDTH SPACE */
  { "juliet@example.com/\u2028", XMPP_JID_ERROR_RESOURCEPART },     /* LINE SEPARATOR */
  { "juliet@example.com/\ue000", XMPP_JID_ERROR_RESOURCEPART },     /* private use */

  /* Not UTF-8 */
  { "juliet\xff@example.com", XMPP_JID_ERROR_INVALID_UTF8 },
  { "juliet@example.com/\xc3", XMPP_JID_ERROR_INVALID_UTF8 },
  { "juliet@example.com/\xed\xa0\x80", XMPP_JID_ERROR_INVALID_UTF8 }, /* a surrogate */
  { "\xc0\x80@example.com", XMPP_JID_ERROR_INVALID_UTF8 },            /* overlong */
};

static void
test_parse_invalid (void)
{
  gsize i;

  g_test_summary ("Invalid addresses of RFC 7622 §3.5.2 and more are refused "
                  "with the error code of the part at fault.");

  for (i = 0; i < G_N_ELEMENTS (invalid_cases); i++)
    {
      g_autofree char *shown = g_strescape (invalid_cases[i].input, NULL);

      g_test_message ("invalid case %" G_GSIZE_FORMAT ": %s", i, shown);
      assert_invalid (invalid_cases[i].input, invalid_cases[i].code);
    }
}

static void
test_parse_null (void)
{
  g_autoptr(GError) error = NULL;
  XmppJid *jid;

  if (g_test_undefined ())
    {
      g_test_expect_message ("Xmpp", G_LOG_LEVEL_CRITICAL, "*string != NULL*");
      jid = xmpp_jid_new (NULL, &error);
      g_test_assert_expected_messages ();
      g_assert_null (jid);
      g_assert_no_error (error);

      g_test_expect_message ("Xmpp", G_LOG_LEVEL_CRITICAL, "*domainpart != NULL*");
      jid = xmpp_jid_new_from_parts ("juliet", NULL, NULL, &error);
      g_test_assert_expected_messages ();
      g_assert_null (jid);
      g_assert_no_error (error);
    }
}

static void
test_parse_messages (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppJid) jid = NULL;

  g_test_summary ("Error messages name the part and the reason.");

  jid = xmpp_jid_new ("foo bar@example.com", &error);
  g_assert_null (jid);
  g_assert_error (error, XMPP_JID_ERROR, XMPP_JID_ERROR_LOCALPART);
  g_assert_nonnull (strstr (error->message, "localpart"));
  g_assert_nonnull (strstr (error->message, "U+0020"));
  g_clear_error (&error);

  jid = xmpp_jid_new ("juliet@exa_mple.com", &error);
  g_assert_error (error, XMPP_JID_ERROR, XMPP_JID_ERROR_DOMAINPART);
  g_assert_nonnull (strstr (error->message, "domainpart"));
  g_assert_nonnull (strstr (error->message, "U+005F"));
  g_clear_error (&error);

  jid = xmpp_jid_new ("juliet@example.com/", &error);
  g_assert_error (error, XMPP_JID_ERROR, XMPP_JID_ERROR_RESOURCEPART);
  g_assert_nonnull (strstr (error->message, "resourcepart"));
  g_clear_error (&error);

  jid = xmpp_jid_new ("juliet@♥.example", &error);
  g_assert_error (error, XMPP_JID_ERROR, XMPP_JID_ERROR_DOMAINPART);
  g_assert_nonnull (strstr (error->message, "♥"));
}

static void
test_parse_idempotence (void)
{
  static const char *const inputs[] = {
    "ＪＵＬＩＥＴ@Ｅｘａｍｐｌｅ.com/Ｂａｌｃｏｎｙ",
    "İstanbul@example.com",
    "ΌΣΟΣ@example.com/ΌΣΟΣ",
    "e\u0301@e\u0301.example/e\u0301",
    "\u1100\u1161\u11a8@example.com",    /* conjoining jamo, composed by NFC */
    "ﾃｽﾄ@example.com/ﾃｽﾄ",               /* halfwidth katakana */
    "\u212b@example.com/\u212b",          /* ANGSTROM SIGN, NFC gives U+00C5 */
    "juliet@example.com/a\u00a0b\u2003c",  /* non-ASCII spaces */
    "juliet@XN--MLLER-KVA.example./r",
    "juliet@ｅｘａｍｐｌｅ。com",
    "שלום@example.com",
    "مثال@مثال.example/مثال",
  };
  gsize i;

  g_test_summary ("Normalising an already normalised address changes nothing: "
                  "the second parse gives the identical string.");

  for (i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autoptr(XmppJid) first = NULL;
      g_autoptr(XmppJid) second = NULL;
      g_autoptr(XmppJid) third = NULL;

      g_test_message ("idempotence %" G_GSIZE_FORMAT ": %s", i, inputs[i]);
      first = parse_valid (inputs[i]);
      second = parse_valid (xmpp_jid_to_string (first));
      g_assert_cmpstr (xmpp_jid_to_string (second), ==, xmpp_jid_to_string (first));
      g_assert_true (xmpp_jid_equal (first, second));

      third = xmpp_jid_new_from_parts (xmpp_jid_get_localpart (first),
                                       xmpp_jid_get_domainpart (first),
                                       xmpp_jid_get_resourcepart (first),
                                       NULL);
      g_assert_nonnull (third);
      g_assert_cmpstr (xmpp_jid_to_string (third), ==, xmpp_jid_to_string (first));
    }
}

/* A domain name of exactly @length bytes: labels of 50 letters, and a
 * shorter last one. */
static char *
make_domain (gsize length)
{
  GString *s = g_string_new (NULL);
  gsize units = (length - 1) / 51;
  gsize i;

  for (i = 0; i < units; i++)
    g_string_append (s, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.");
  while (s->len < length)
    g_string_append_c (s, 'b');
  g_assert_cmpuint (s->len, ==, length);

  return g_string_free (s, FALSE);
}

static void
test_parse_limits (void)
{
  g_autofree char *local_1023 = g_strnfill (1023, 'a');
  g_autofree char *local_1024 = g_strnfill (1024, 'a');
  g_autofree char *domain_1023 = make_domain (1023);
  g_autofree char *domain_1024 = make_domain (1024);
  g_autofree char *huge = g_strnfill (100000, 'a');
  g_autoptr(GString) e_acute = g_string_new (NULL);
  g_autofree char *s = NULL;
  g_autoptr(XmppJid) jid = NULL;
  gsize i;

  g_test_summary ("Each part may be 1023 bytes long after normalisation, "
                  "not 1024 (RFC 7622 §3.2, §3.3, §3.4).");

  /* Localpart */
  s = g_strdup_printf ("%s@example.com", local_1023);
  jid = parse_valid (s);
  g_assert_cmpuint (strlen (xmpp_jid_get_localpart (jid)), ==, 1023);
  g_clear_pointer (&jid, xmpp_jid_unref);
  g_clear_pointer (&s, g_free);

  s = g_strdup_printf ("%s@example.com", local_1024);
  assert_invalid (s, XMPP_JID_ERROR_LOCALPART);
  g_clear_pointer (&s, g_free);

  /* Domainpart */
  jid = parse_valid (domain_1023);
  g_assert_cmpuint (strlen (xmpp_jid_get_domainpart (jid)), ==, 1023);
  g_clear_pointer (&jid, xmpp_jid_unref);

  /* The trailing dot does not count. */
  s = g_strdup_printf ("%s.", domain_1023);
  jid = parse_valid (s);
  g_assert_cmpstr (xmpp_jid_get_domainpart (jid), ==, domain_1023);
  g_clear_pointer (&jid, xmpp_jid_unref);
  g_clear_pointer (&s, g_free);

  assert_invalid (domain_1024, XMPP_JID_ERROR_DOMAINPART);

  /* Labels: 63 bytes, not 64. */
  s = g_strdup_printf ("%.63s.example", local_1023);
  g_clear_pointer (&jid, xmpp_jid_unref);
  jid = parse_valid (s);
  g_clear_pointer (&s, g_free);
  s = g_strdup_printf ("%.64s.example", local_1023);
  assert_invalid (s, XMPP_JID_ERROR_DOMAINPART);
  g_clear_pointer (&s, g_free);

  /* Resourcepart */
  s = g_strdup_printf ("example.com/%s", local_1023);
  g_clear_pointer (&jid, xmpp_jid_unref);
  jid = parse_valid (s);
  g_assert_cmpuint (strlen (xmpp_jid_get_resourcepart (jid)), ==, 1023);
  g_clear_pointer (&jid, xmpp_jid_unref);
  g_clear_pointer (&s, g_free);

  s = g_strdup_printf ("example.com/%s", local_1024);
  assert_invalid (s, XMPP_JID_ERROR_RESOURCEPART);
  g_clear_pointer (&s, g_free);

  /* Non-ASCII: the limit is in bytes, after normalisation. 511 × "é"
   * (2 bytes each) and one "a" make 1023 bytes; decomposed, the input is
   * 1534 bytes long. */
  for (i = 0; i < 511; i++)
    g_string_append (e_acute, "e\u0301");
  s = g_strdup_printf ("%sa@example.com", e_acute->str);
  jid = parse_valid (s);
  g_assert_cmpuint (strlen (xmpp_jid_get_localpart (jid)), ==, 1023);
  g_clear_pointer (&jid, xmpp_jid_unref);
  g_clear_pointer (&s, g_free);

  s = g_strdup_printf ("%saa@example.com", e_acute->str);
  assert_invalid (s, XMPP_JID_ERROR_LOCALPART);
  g_clear_pointer (&s, g_free);

  s = g_strdup_printf ("example.com/%saa", e_acute->str);
  assert_invalid (s, XMPP_JID_ERROR_RESOURCEPART);
  g_clear_pointer (&s, g_free);

  /* Huge input is refused, without trouble. */
  s = g_strdup_printf ("%s@example.com", huge);
  assert_invalid (s, XMPP_JID_ERROR_LOCALPART);
  g_clear_pointer (&s, g_free);
  assert_invalid (huge, XMPP_JID_ERROR_DOMAINPART);
  s = g_strdup_printf ("example.com/%s", huge);
  assert_invalid (s, XMPP_JID_ERROR_RESOURCEPART);
}

/* Domainparts */

static void
test_domain_idna (void)
{
  static const struct
  {
    const char *input;
    const char *expected;
  } cases[] = {
    { "xn--mller-kva.example", "müller.example" },
    { "Xn--MLLER-kva.Example", "müller.example" },
    { "MÜLLER.example", "müller.example" },
    { "müller.example.", "müller.example" },
    { "ｅｘａｍｐｌｅ．ｃｏｍ", "example.com" },       /* fullwidth, FULLWIDTH FULL STOP */
    { "example。com", "example.com" },                  /* IDEOGRAPHIC FULL STOP */
    { "example｡com", "example.com" },                   /* HALFWIDTH IDEOGRAPHIC FULL STOP */
    { "xn--zca.example", "ß.example" },                 /* deviation kept (IDNA2008) */
    { "faß.example", "faß.example" },
    { "xn--4ca0bs.example.com", "äöü.example.com" },
    { "ПРИМЕР.испытание", "пример.испытание" },
    { "xn--e1afmkfd.xn--80akhbyknj4f", "пример.испытание" },
    { "例え.テスト", "例え.テスト" },
    { "a.b.c.d.e", "a.b.c.d.e" },
  };
  gsize i;

  g_test_summary ("Domainparts go through the RFC 5895 mapping and IDNA2008; "
                  "A-labels become U-labels.");

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(XmppJid) jid = NULL;
      g_autoptr(XmppJid) again = NULL;

      g_test_message ("domain %" G_GSIZE_FORMAT ": %s", i, cases[i].input);
      jid = parse_valid (cases[i].input);
      g_assert_cmpstr (xmpp_jid_get_domainpart (jid), ==, cases[i].expected);
      again = parse_valid (xmpp_jid_to_string (jid));
      g_assert_cmpstr (xmpp_jid_to_string (again), ==, cases[i].expected);
    }
}

static void
test_domain_unstable (void)
{
  g_test_summary ("An A-label whose U-label would not parse to itself is refused. "
                  "xn---n-5bm decodes to U+13BA CHEROKEE LETTER ME, which libidn2 "
                  "accepts but which lower-cases to U+AB8A, which it refuses. "
                  "Found by fuzz-jid.");

  assert_invalid ("xn---n-5bm", XMPP_JID_ERROR_DOMAINPART);
  assert_invalid ("\u13ba-n.example", XMPP_JID_ERROR_DOMAINPART);
}

static void
test_domain_ip (void)
{
  g_autoptr(XmppJid) v4 = NULL;
  g_autoptr(XmppJid) v6 = NULL;
  g_autoptr(XmppJid) v6_full = NULL;

  g_test_summary ("IPv4 addresses and bracketed IPv6 addresses are domainparts; "
                  "IPv6 text is lower-cased, not otherwise rewritten.");

  v4 = parse_valid ("juliet@192.0.2.1.");
  g_assert_cmpstr (xmpp_jid_get_domainpart (v4), ==, "192.0.2.1");

  v6 = parse_valid ("[2001:DB8:0:0::1]");
  g_assert_cmpstr (xmpp_jid_get_domainpart (v6), ==, "[2001:db8:0:0::1]");
  g_assert_null (xmpp_jid_get_localpart (v6));

  v6_full = parse_valid ("juliet@[::1]/[::2]");
  g_assert_cmpstr (xmpp_jid_get_domainpart (v6_full), ==, "[::1]");
  g_assert_cmpstr (xmpp_jid_get_resourcepart (v6_full), ==, "[::2]");

  assert_invalid ("[::g]", XMPP_JID_ERROR_DOMAINPART);
  assert_invalid ("[1.2.3.4]", XMPP_JID_ERROR_DOMAINPART);
  assert_invalid ("1.2.3.4.5", XMPP_JID_ERROR_DOMAINPART);
  assert_invalid ("01.2.3.4", XMPP_JID_ERROR_DOMAINPART);
}

/* PRECIS */

static void
test_precis_width (void)
{
  g_autoptr(XmppJid) jid = NULL;

  g_test_summary ("The localpart maps fullwidth and halfwidth forms (RFC 8265 "
                  "§3.3.1); the resourcepart (OpaqueString) does not.");

  jid = parse_valid ("ＪＵＬＩＥＴ@example.com/ＪＵＬＩＥＴ");
  g_assert_cmpstr (xmpp_jid_get_localpart (jid), ==, "juliet");
  g_assert_cmpstr (xmpp_jid_get_resourcepart (jid), ==, "ＪＵＬＩＥＴ");
  g_clear_pointer (&jid, xmpp_jid_unref);

  /* Halfwidth katakana to their standard forms, voiced by NFC:
   * ﾃﾞ (U+FF83 U+FF9E) gives デ (U+30C7). */
  jid = parse_valid ("ﾃﾞｽ@example.com");
  g_assert_cmpstr (xmpp_jid_get_localpart (jid), ==, "デス");
  g_clear_pointer (&jid, xmpp_jid_unref);

  /* IDEOGRAPHIC SPACE maps to U+0020, which a localpart cannot hold. */
  assert_invalid ("a\u3000b@example.com", XMPP_JID_ERROR_LOCALPART);
  /* FULLWIDTH SOLIDUS maps to '/', which a localpart cannot hold. */
  assert_invalid ("a／b@example.com", XMPP_JID_ERROR_LOCALPART);
}

static void
test_precis_case (void)
{
  g_autoptr(XmppJid) jid = NULL;

  g_test_summary ("The localpart is lower-cased with Unicode toLowerCase, "
                  "independently of the locale; the resourcepart keeps its case.");

  jid = parse_valid ("JuLiEt@example.com/JuLiEt");
  g_assert_cmpstr (xmpp_jid_get_localpart (jid), ==, "juliet");
  g_assert_cmpstr (xmpp_jid_get_resourcepart (jid), ==, "JuLiEt");
  g_clear_pointer (&jid, xmpp_jid_unref);

  /* Not case folding: ß stays, ẞ becomes ß. */
  jid = parse_valid ("STRAẞE@example.com");
  g_assert_cmpstr (xmpp_jid_get_localpart (jid), ==, "straße");
  g_clear_pointer (&jid, xmpp_jid_unref);

  /* 'I' is 'i' whatever the locale, and U+0130 is i + COMBINING DOT ABOVE. */
  jid = parse_valid ("ISTANBUL@example.com");
  g_assert_cmpstr (xmpp_jid_get_localpart (jid), ==, "istanbul");
  g_clear_pointer (&jid, xmpp_jid_unref);
  jid = parse_valid ("İSTANBUL@example.com");
  g_assert_cmpstr (xmpp_jid_get_localpart (jid), ==, "i\u0307stanbul");
  g_clear_pointer (&jid, xmpp_jid_unref);

  /* Final sigma */
  jid = parse_valid ("ΟΔΥΣΣΕΥΣ@example.com");
  g_assert_cmpstr (xmpp_jid_get_localpart (jid), ==, "οδυσσευς");
  g_clear_pointer (&jid, xmpp_jid_unref);
  jid = parse_valid ("ΣΑ@example.com");
  g_assert_cmpstr (xmpp_jid_get_localpart (jid), ==, "σα");
  g_clear_pointer (&jid, xmpp_jid_unref);

  /* The domainpart is lower-cased too. */
  jid = parse_valid ("EXAMPLE.COM");
  g_assert_cmpstr (xmpp_jid_get_domainpart (jid), ==, "example.com");
}

static void
test_precis_identifier_class (void)
{
  static const char *const valid[] = {
    "ß", "ς", "π", "łódź", "日本", "ᚠᛇᚻ", "한국", "\u3007",   /* IDEOGRAPHIC NUMBER ZERO */
    "ʻokina", "々",                                              /* Lm */
    "a\u0301",                                                  /* NFC: á */
    "\u1100\u1161",                                            /* NFC: 가 */
    "!#$%()*+,-.;=?[\\]^_`{|}~",                                /* ASCII7 minus the forbidden */
  };
  static const char *const invalid[] = {
    "Ⅳ",          /* U+2163, Nl and HasCompat */
    "ﬁ", "ﬀ",     /* ligatures: HasCompat */
    "½", "²",     /* No */
    "♚", "€", "∑", "©",
    "a\u00adb",   /* SOFT HYPHEN: default ignorable */
    "a\u2060b",   /* WORD JOINER */
    "a\ufeffb",   /* ZERO WIDTH NO-BREAK SPACE */
    "a\ufdd0b",   /* noncharacter */
    "a\U0010fffe",
    "\u1100",         /* a jamo left alone by NFC: OldHangulJamo */
    "a\u0378b",       /* unassigned */
    "a\ue000b",       /* private use */
    "a\u200eb",       /* LEFT-TO-RIGHT MARK */
    "a\u0640b",       /* ARABIC TATWEEL: exception, DISALLOWED */
    "a\u302eb",       /* HANGUL SINGLE DOT TONE MARK: exception */
    "a\001b",
    "a\u00a0b",
    "a\u2028b",
    "\u20dd",         /* Me */
  };
  gsize i;

  g_test_summary ("The localpart holds only IdentifierClass code points "
                  "(RFC 8264 §4.2), with the exceptions of RFC 5892 §2.6.");

  for (i = 0; i < G_N_ELEMENTS (valid); i++)
    {
      g_autoptr(XmppJid) jid = NULL;

      g_test_message ("valid localpart %" G_GSIZE_FORMAT ": %s", i, valid[i]);
      jid = xmpp_jid_new_from_parts (valid[i], "example.com", NULL, NULL);
      g_assert_nonnull (jid);
    }

  for (i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(XmppJid) jid = NULL;

      g_test_message ("invalid localpart %" G_GSIZE_FORMAT ": %s", i, invalid[i]);
      jid = xmpp_jid_new_from_parts (invalid[i], "example.com", NULL, &error);
      g_assert_error (error, XMPP_JID_ERROR, XMPP_JID_ERROR_LOCALPART);
      g_assert_null (jid);
    }
}

static void
test_precis_freeform_class (void)
{
  static const struct
  {
    const char *input;
    const char *expected;
  } valid[] = {
    { "Ⅳ ﬁ ½ ♚ € ∑ ©", "Ⅳ ﬁ ½ ♚ € ∑ ©" },   /* HasCompat, symbols, No */
    { "a\u00a0b", "a b" },                  /* NO-BREAK SPACE */
    { "a\u2003b\u3000c", "a b c" },         /* EM SPACE, IDEOGRAPHIC SPACE */
    { "e\u0301", "é" },                     /* NFC */
    { "\u212b", "Å" },                      /* ANGSTROM SIGN, NFC */
    { "ＡＢＣ", "ＡＢＣ" },                  /* no width mapping */
    { "ǅ", "ǅ" },                           /* Lt */
    { " ", " " },
    { "\u0915\u094d\u200d", "\u0915\u094d\u200d" }, /* ZWJ after virama */
  };
  static const char *const invalid[] = {
    "a\tb", "a\rb", "\x7f", "\xc2\x9f",
    "a\u200bb",   /* ZERO WIDTH SPACE: default ignorable */
    "a\u200db",   /* ZWJ, not after a virama */
    "a\u202eb",   /* RIGHT-TO-LEFT OVERRIDE */
    "a\ufffeb",   /* noncharacter */
    "a\u0378b",   /* unassigned */
    "a\U000f0000b",
    "\u1100",     /* OldHangulJamo */
    "a\u0640b",   /* ARABIC TATWEEL */
    "a\u2029b",   /* PARAGRAPH SEPARATOR */
    "a\u0600b",   /* ARABIC NUMBER SIGN: Cf */
  };
  gsize i;

  g_test_summary ("The resourcepart follows OpaqueString (RFC 8265 §4.2): the "
                  "FreeformClass, non-ASCII spaces mapped to U+0020, NFC.");

  for (i = 0; i < G_N_ELEMENTS (valid); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(XmppJid) jid = NULL;

      g_test_message ("valid resourcepart %" G_GSIZE_FORMAT ": %s", i, valid[i].input);
      jid = xmpp_jid_new_from_parts (NULL, "example.com", valid[i].input, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (xmpp_jid_get_resourcepart (jid), ==, valid[i].expected);
    }

  for (i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(XmppJid) jid = NULL;

      g_test_message ("invalid resourcepart %" G_GSIZE_FORMAT ": %s", i, invalid[i]);
      jid = xmpp_jid_new_from_parts (NULL, "example.com", invalid[i], &error);
      g_assert_error (error, XMPP_JID_ERROR, XMPP_JID_ERROR_RESOURCEPART);
      g_assert_null (jid);
    }
}

static void
test_precis_context (void)
{
  static const struct
  {
    const char *localpart;
    gboolean valid;
  } cases[] = {
    { "l·l", TRUE },                   /* MIDDLE DOT between two 'l' (Catalan) */
    { "col·lega", TRUE },
    { "a·b", FALSE },
    { "·l", FALSE },
    { "l·", FALSE },
    { "\u0375α", TRUE },               /* KERAIA before Greek */
    { "\u0375a", FALSE },
    { "\u05d0\u05f3", TRUE },          /* GERESH after Hebrew */
    { "a\u05f3", FALSE },
    { "\u05d0\u05f4", TRUE },          /* GERSHAYIM after Hebrew */
    { "カ\u30fbナ", TRUE },            /* KATAKANA MIDDLE DOT with Katakana */
    { "a\u30fbb", FALSE },
    { "\u0627\u0661\u0662", TRUE },    /* ARABIC-INDIC DIGITS */
    { "\u0627\u06f1\u06f2", TRUE },    /* EXTENDED ARABIC-INDIC DIGITS */
    { "\u0627\u0661\u06f2", FALSE },   /* mixed */
    { "\u0915\u094d\u200d\u0937", TRUE },  /* ZWJ after a virama */
    { "\u0915\u094d\u200c\u0937", TRUE },  /* ZWNJ after a virama */
    { "a\u200db", FALSE },
    { "a\u200cb", FALSE },
    { "\u200d", FALSE },
  };
  gsize i;

  g_test_summary ("CONTEXTO code points (RFC 5892 A.3–A.9) are accepted only "
                  "where their rule holds, CONTEXTJ only after a virama.");

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(XmppJid) jid = NULL;

      g_test_message ("context %" G_GSIZE_FORMAT ": %s", i, cases[i].localpart);
      jid = xmpp_jid_new_from_parts (cases[i].localpart, "example.com", NULL, &error);
      if (cases[i].valid)
        {
          g_assert_no_error (error);
          g_assert_cmpstr (xmpp_jid_get_localpart (jid), ==, cases[i].localpart);
        }
      else
        {
          g_assert_error (error, XMPP_JID_ERROR, XMPP_JID_ERROR_LOCALPART);
          g_assert_null (jid);
        }
    }

  /* The rules hold in resourceparts too (FreeformClass). */
  assert_invalid ("example.com/a·b", XMPP_JID_ERROR_RESOURCEPART);
}

static void
test_precis_bidi (void)
{
  g_autoptr(XmppJid) resource = NULL;
  static const struct
  {
    const char *localpart;
    gboolean valid;
  } cases[] = {
    { "שלום", TRUE },
    { "שלום1", TRUE },               /* ends with EN */
    { "مثال", TRUE },
    { "مثال١٢", TRUE },              /* ends with AN */
    { "\u05d0\u05b8", TRUE },          /* ends with NSM after R */
    { "abc123", TRUE },              /* left-to-right: no rule */
    { "abcשלום", FALSE },            /* begins with L */
    { "שלוםabc", FALSE },            /* holds L */
    { "1שלום", FALSE },              /* begins with EN */
    { "١مثال", FALSE },              /* begins with AN */
    { "مثال1١", FALSE },             /* EN and AN */
    { "שלום-", FALSE },              /* ends with a neutral */
  };
  gsize i;

  g_test_summary ("Localparts with right-to-left characters follow the Bidi Rule "
                  "of RFC 5893, approximated from scripts and categories.");

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(XmppJid) jid = NULL;

      g_test_message ("bidi %" G_GSIZE_FORMAT ": %s", i, cases[i].localpart);
      jid = xmpp_jid_new_from_parts (cases[i].localpart, "example.com", NULL, &error);
      if (cases[i].valid)
        g_assert_no_error (error);
      else
        g_assert_error (error, XMPP_JID_ERROR, XMPP_JID_ERROR_LOCALPART);
    }

  /* No directionality rule in OpaqueString. */
  resource = xmpp_jid_new_from_parts (NULL, "example.com", "abcשלום", NULL);
  g_assert_nonnull (resource);
}

/* Construction from parts and derived JIDs */

static void
test_from_parts (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppJid) jid = NULL;
  g_autoptr(XmppJid) parsed = NULL;

  g_test_summary ("xmpp_jid_new_from_parts() checks and normalises each part "
                  "as xmpp_jid_new() does, without splitting.");

  jid = xmpp_jid_new_from_parts ("Juliet", "Example.COM.", "Balcony", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (xmpp_jid_to_string (jid), ==, "juliet@example.com/Balcony");
  parsed = parse_valid ("juliet@example.com/Balcony");
  g_assert_true (xmpp_jid_equal (jid, parsed));
  g_clear_pointer (&jid, xmpp_jid_unref);

  jid = xmpp_jid_new_from_parts (NULL, "example.com", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (xmpp_jid_to_string (jid), ==, "example.com");
  g_assert_null (xmpp_jid_get_localpart (jid));
  g_assert_null (xmpp_jid_get_resourcepart (jid));
  g_clear_pointer (&jid, xmpp_jid_unref);

  /* A resourcepart may hold '/' and '@'. */
  jid = xmpp_jid_new_from_parts ("a", "example.com", "x/y@z", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (xmpp_jid_to_string (jid), ==, "a@example.com/x/y@z");
  g_clear_pointer (&parsed, xmpp_jid_unref);
  parsed = parse_valid (xmpp_jid_to_string (jid));
  g_assert_true (xmpp_jid_equal (jid, parsed));
  g_clear_pointer (&jid, xmpp_jid_unref);

  jid = xmpp_jid_new_from_parts ("a@b", "example.com", NULL, &error);
  g_assert_error (error, XMPP_JID_ERROR, XMPP_JID_ERROR_LOCALPART);
  g_assert_null (jid);
  g_clear_error (&error);

  jid = xmpp_jid_new_from_parts ("a/b", "example.com", NULL, &error);
  g_assert_error (error, XMPP_JID_ERROR, XMPP_JID_ERROR_LOCALPART);
  g_clear_error (&error);

  jid = xmpp_jid_new_from_parts ("", "example.com", NULL, &error);
  g_assert_error (error, XMPP_JID_ERROR, XMPP_JID_ERROR_LOCALPART);
  g_clear_error (&error);

  jid = xmpp_jid_new_from_parts ("a", "", NULL, &error);
  g_assert_error (error, XMPP_JID_ERROR, XMPP_JID_ERROR_DOMAINPART);
  g_clear_error (&error);

  jid = xmpp_jid_new_from_parts ("a", "example.com/x", NULL, &error);
  g_assert_error (error, XMPP_JID_ERROR, XMPP_JID_ERROR_DOMAINPART);
  g_clear_error (&error);

  jid = xmpp_jid_new_from_parts ("a", "b@example.com", NULL, &error);
  g_assert_error (error, XMPP_JID_ERROR, XMPP_JID_ERROR_DOMAINPART);
  g_clear_error (&error);

  jid = xmpp_jid_new_from_parts ("a", "example.com", "", &error);
  g_assert_error (error, XMPP_JID_ERROR, XMPP_JID_ERROR_RESOURCEPART);
  g_clear_error (&error);

  jid = xmpp_jid_new_from_parts ("a\xff", "example.com", NULL, &error);
  g_assert_error (error, XMPP_JID_ERROR, XMPP_JID_ERROR_INVALID_UTF8);
  g_clear_error (&error);

  jid = xmpp_jid_new_from_parts ("a", "example.com\xff", NULL, &error);
  g_assert_error (error, XMPP_JID_ERROR, XMPP_JID_ERROR_INVALID_UTF8);
  g_clear_error (&error);

  jid = xmpp_jid_new_from_parts ("a", "example.com", "\xff", &error);
  g_assert_error (error, XMPP_JID_ERROR, XMPP_JID_ERROR_INVALID_UTF8);
  g_clear_error (&error);
}

static void
test_bare (void)
{
  g_autoptr(XmppJid) full = NULL;
  g_autoptr(XmppJid) bare = NULL;
  g_autoptr(XmppJid) domain_full = NULL;
  XmppJid *from_full;

  g_test_summary ("get_bare() returns the JID itself when bare, otherwise a "
                  "bare JID created once and kept.");

  bare = parse_valid ("juliet@example.com");
  g_assert_true (xmpp_jid_is_bare (bare));
  g_assert_true (xmpp_jid_get_bare (bare) == bare);
  g_assert_cmpstr (xmpp_jid_to_bare_string (bare), ==, "juliet@example.com");
  g_assert_true (xmpp_jid_to_bare_string (bare) == xmpp_jid_to_string (bare));

  full = parse_valid ("Juliet@example.com/balcony");
  g_assert_false (xmpp_jid_is_bare (full));
  g_assert_cmpstr (xmpp_jid_to_bare_string (full), ==, "juliet@example.com");
  from_full = xmpp_jid_get_bare (full);
  g_assert_true (xmpp_jid_is_bare (from_full));
  g_assert_true (xmpp_jid_get_bare (full) == from_full);
  g_assert_true (xmpp_jid_equal (from_full, bare));
  g_assert_cmpuint (xmpp_jid_hash (from_full), ==, xmpp_jid_hash (bare));
  g_assert_cmpstr (xmpp_jid_get_localpart (from_full), ==, "juliet");
  g_assert_cmpstr (xmpp_jid_get_domainpart (from_full), ==, "example.com");
  g_assert_null (xmpp_jid_get_resourcepart (from_full));

  domain_full = parse_valid ("example.com/x");
  g_assert_cmpstr (xmpp_jid_to_bare_string (domain_full), ==, "example.com");
  g_assert_cmpstr (xmpp_jid_to_string (xmpp_jid_get_bare (domain_full)), ==, "example.com");
  g_assert_null (xmpp_jid_get_localpart (xmpp_jid_get_bare (domain_full)));
}

typedef struct
{
  XmppJid *jid;
  GMutex mutex;
  GCond cond;
  gboolean go;
} BareThreadData;

static gpointer
bare_thread (gpointer user_data)
{
  BareThreadData *data = user_data;

  g_mutex_lock (&data->mutex);
  while (!data->go)
    g_cond_wait (&data->cond, &data->mutex);
  g_mutex_unlock (&data->mutex);

  return xmpp_jid_get_bare (data->jid);
}

static void
test_bare_threads (void)
{
  BareThreadData data = { 0 };
  GThread *threads[8];
  gpointer first = NULL;
  gsize i;

  g_test_summary ("Threads racing on get_bare() of a shared JID all get the "
                  "same bare JID, and none leaks.");

  data.jid = parse_valid ("juliet@example.com/balcony");
  g_mutex_init (&data.mutex);
  g_cond_init (&data.cond);

  for (i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("bare", bare_thread, &data);

  g_mutex_lock (&data.mutex);
  data.go = TRUE;
  g_cond_broadcast (&data.cond);
  g_mutex_unlock (&data.mutex);

  for (i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      gpointer result = g_thread_join (threads[i]);

      if (first == NULL)
        first = result;
      g_assert_true (result == first);
    }
  g_assert_true (xmpp_jid_get_bare (data.jid) == first);

  xmpp_jid_unref (data.jid);
  g_mutex_clear (&data.mutex);
  g_cond_clear (&data.cond);
}

static void
test_with_resource (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppJid) jid = NULL;
  g_autoptr(XmppJid) other = NULL;
  g_autoptr(XmppJid) same = NULL;
  g_autoptr(XmppJid) bare = NULL;
  g_autoptr(XmppJid) invalid = NULL;

  jid = parse_valid ("juliet@example.com/balcony");

  other = xmpp_jid_with_resource (jid, "Garden ☘", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (xmpp_jid_to_string (other), ==, "juliet@example.com/Garden ☘");
  g_assert_true (xmpp_jid_equal_bare (jid, other));
  g_assert_false (xmpp_jid_equal (jid, other));

  same = xmpp_jid_with_resource (jid, "balcony", &error);
  g_assert_no_error (error);
  g_assert_true (xmpp_jid_equal (same, jid));

  bare = xmpp_jid_with_resource (jid, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (xmpp_jid_is_bare (bare));
  g_assert_cmpstr (xmpp_jid_to_string (bare), ==, "juliet@example.com");
  g_assert_true (bare == xmpp_jid_get_bare (jid));

  invalid = xmpp_jid_with_resource (jid, "", &error);
  g_assert_error (error, XMPP_JID_ERROR, XMPP_JID_ERROR_RESOURCEPART);
  g_assert_null (invalid);
  g_clear_error (&error);

  invalid = xmpp_jid_with_resource (jid, "a\x01", &error);
  g_assert_error (error, XMPP_JID_ERROR, XMPP_JID_ERROR_RESOURCEPART);
  g_clear_error (&error);

  invalid = xmpp_jid_with_resource (jid, "\xff", &error);
  g_assert_error (error, XMPP_JID_ERROR, XMPP_JID_ERROR_INVALID_UTF8);
  g_clear_error (&error);

  /* From a bare JID, and normalised. */
  g_clear_pointer (&other, xmpp_jid_unref);
  other = xmpp_jid_with_resource (bare, "e\u0301", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (xmpp_jid_get_resourcepart (other), ==, "é");
}

/* Comparison */

static void
test_compare_equal (void)
{
  g_autoptr(XmppJid) a = parse_valid ("Juliet@Example.com/Balcony");
  g_autoptr(XmppJid) b = parse_valid ("juliet@EXAMPLE.COM./Balcony");
  g_autoptr(XmppJid) c = parse_valid ("juliet@example.com/balcony");
  g_autoptr(XmppJid) d = parse_valid ("juliet@example.com");
  g_autoptr(XmppJid) e = parse_valid ("romeo@example.com/Balcony");
  g_autoptr(XmppJid) f = parse_valid ("example.com/juliet");
  g_autoptr(XmppJid) g = parse_valid ("ｊｕｌｉｅｔ@xn--mller-kva.example");
  g_autoptr(XmppJid) h = parse_valid ("juliet@müller.example");

  g_test_summary ("equal() compares all normalised parts, equal_bare() the "
                  "localpart and domainpart only.");

  g_assert_true (xmpp_jid_equal (a, a));
  g_assert_true (xmpp_jid_equal (a, b));
  g_assert_cmpuint (xmpp_jid_hash (a), ==, xmpp_jid_hash (b));
  g_assert_false (xmpp_jid_equal (a, c));     /* resourceparts keep case */
  g_assert_false (xmpp_jid_equal (a, d));
  g_assert_false (xmpp_jid_equal (a, e));
  g_assert_false (xmpp_jid_equal (d, f));
  g_assert_true (xmpp_jid_equal (g, h));

  g_assert_true (xmpp_jid_equal_bare (a, c));
  g_assert_true (xmpp_jid_equal_bare (a, d));
  g_assert_false (xmpp_jid_equal_bare (a, e));
  g_assert_false (xmpp_jid_equal_bare (d, f));
}

static void
test_compare_hash_table (void)
{
  g_autoptr(GHashTable) table = NULL;
  g_autoptr(XmppJid) lookup = NULL;
  static const char *const inputs[] = {
    "juliet@example.com", "Juliet@Example.COM", "ＪＵＬＩＥＴ@example.com.",
    "juliet@example.com/balcony", "juliet@example.com/Balcony",
    "romeo@example.com", "example.com", "EXAMPLE.com",
  };
  gsize i;

  g_test_summary ("JIDs work as GHashTable keys with xmpp_jid_hash() and "
                  "xmpp_jid_equal().");

  table = g_hash_table_new_full (xmpp_jid_hash, xmpp_jid_equal,
                                 (GDestroyNotify) xmpp_jid_unref, NULL);
  for (i = 0; i < G_N_ELEMENTS (inputs); i++)
    g_hash_table_add (table, parse_valid (inputs[i]));

  g_assert_cmpuint (g_hash_table_size (table), ==, 5);

  lookup = parse_valid ("JULIET@example.com");
  g_assert_true (g_hash_table_contains (table, lookup));
  g_clear_pointer (&lookup, xmpp_jid_unref);

  lookup = parse_valid ("juliet@example.com/BALCONY");
  g_assert_false (g_hash_table_contains (table, lookup));
  g_clear_pointer (&lookup, xmpp_jid_unref);

  lookup = parse_valid ("juliet@example.com/Balcony");
  g_assert_true (g_hash_table_contains (table, lookup));
  g_assert_true (g_hash_table_contains (table, xmpp_jid_get_bare (lookup)));
}

static void
test_boxed (void)
{
  g_autoptr(XmppJid) jid = parse_valid ("juliet@example.com/balcony");
  g_auto(GValue) value = G_VALUE_INIT;
  XmppJid *copy;

  g_assert_true (G_TYPE_IS_BOXED (XMPP_TYPE_JID));
  g_assert_cmpstr (g_type_name (XMPP_TYPE_JID), ==, "XmppJid");

  /* Copying is taking a reference: JIDs are immutable. */
  copy = g_boxed_copy (XMPP_TYPE_JID, jid);
  g_assert_true (copy == jid);
  g_boxed_free (XMPP_TYPE_JID, copy);

  g_value_init (&value, XMPP_TYPE_JID);
  g_value_set_boxed (&value, jid);
  g_assert_true (g_value_get_boxed (&value) == jid);

  g_assert_true (xmpp_jid_ref (jid) == jid);
  xmpp_jid_unref (jid);
}

/* XEP-0106 */

static void
test_escape_table (void)
{
  /* XEP-0106 §5.1, examples 1 to 8 and 12: user input, escaped form. */
  static const struct
  {
    const char *unescaped;
    const char *escaped;
  } cases[] = {
    { "space cadet", "space\\20cadet" },
    { "call me \"ishmael\"", "call\\20me\\20\\22ishmael\\22" },
    { "at&t guy", "at\\26t\\20guy" },
    { "d'artagnan", "d\\27artagnan" },
    { "/.fanboy", "\\2f.fanboy" },
    { "::foo::", "\\3a\\3afoo\\3a\\3a" },
    { "<foo>", "\\3cfoo\\3e" },
    { "user@host", "user\\40host" },
    { "c:\\5commas", "c\\3a\\5c5commas" },
    /* A backslash that starts a sequence is escaped, others are not
     * (XEP-0106 §4.3 and the exceptions of §4.4). */
    { "c:\\net", "c\\3a\\net" },
    { "\\20", "\\5c20" },
    { "\\5c", "\\5c5c" },
    { "a\\", "a\\" },
    { "foo\\bar", "foo\\bar" },
    { "\\2plus\\2is\\4", "\\2plus\\2is\\4" },
    { "\\2F", "\\2F" },
    { "plain", "plain" },
    { "", "" },
    { "ü é", "ü\\20é" },
  };
  gsize i;

  g_test_summary ("xmpp_jid_escape_localpart() follows the table of XEP-0106 "
                  "and unescaping reverses it.");

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *escaped = NULL;
      g_autofree char *unescaped = NULL;

      g_test_message ("escape %" G_GSIZE_FORMAT ": %s", i, cases[i].unescaped);
      escaped = xmpp_jid_escape_localpart (cases[i].unescaped);
      g_assert_cmpstr (escaped, ==, cases[i].escaped);
      unescaped = xmpp_jid_unescape_localpart (escaped);
      g_assert_cmpstr (unescaped, ==, cases[i].unescaped);
    }
}

static void
test_escape_spaces (void)
{
  g_autofree char *escaped = NULL;

  g_test_summary ("An escaped localpart never begins or ends with \\20: spaces "
                  "there are removed (XEP-0106 §4.2).");

  escaped = xmpp_jid_escape_localpart ("  space cadet ");
  g_assert_cmpstr (escaped, ==, "space\\20cadet");
  g_clear_pointer (&escaped, g_free);

  escaped = xmpp_jid_escape_localpart ("   ");
  g_assert_cmpstr (escaped, ==, "");
}

static void
test_escape_unescape (void)
{
  static const struct
  {
    const char *escaped;
    const char *unescaped;
  } cases[] = {
    { "space\\20cadet", "space cadet" },
    { "treville\\40musketeers.lit", "treville@musketeers.lit" },
    { "\\5c3and\\2is\\5c5cool", "\\3and\\2is\\5cool" },
    /* Only the ten sequences, lower case. */
    { "foob\\41r", "foob\\41r" },
    { "\\2F\\3A", "\\2F\\3A" },
    { "\\", "\\" },
    { "\\2", "\\2" },
    { "a\\5", "a\\5" },
    { "\\20\\22\\26\\27\\2f\\3a\\3c\\3e\\40\\5c", " \"&'/:<>@\\" },
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *unescaped = xmpp_jid_unescape_localpart (cases[i].escaped);

      g_assert_cmpstr (unescaped, ==, cases[i].unescaped);
    }
}

static void
test_escape_jid (void)
{
  g_autofree char *escaped = NULL;
  g_autofree char *unescaped = NULL;
  g_autoptr(XmppJid) jid = NULL;
  g_autoptr(GError) error = NULL;

  g_test_summary ("An escaped localpart is a valid localpart.");

  escaped = xmpp_jid_escape_localpart ("D'Artagnan <the elder>@gascon");
  jid = xmpp_jid_new_from_parts (escaped, "musketeers.lit", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (xmpp_jid_to_string (jid), ==,
                   "d\\27artagnan\\20\\3cthe\\20elder\\3e\\40gascon@musketeers.lit");

  unescaped = xmpp_jid_unescape_localpart (xmpp_jid_get_localpart (jid));
  g_assert_cmpstr (unescaped, ==, "d'artagnan <the elder>@gascon");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/jid/parse/valid", test_parse_valid);
  g_test_add_func ("/jid/parse/invalid", test_parse_invalid);
  g_test_add_func ("/jid/parse/null", test_parse_null);
  g_test_add_func ("/jid/parse/messages", test_parse_messages);
  g_test_add_func ("/jid/parse/idempotence", test_parse_idempotence);
  g_test_add_func ("/jid/parse/limits", test_parse_limits);
  g_test_add_func ("/jid/domain/idna", test_domain_idna);
  g_test_add_func ("/jid/domain/unstable", test_domain_unstable);
  g_test_add_func ("/jid/domain/ip", test_domain_ip);
  g_test_add_func ("/jid/precis/width", test_precis_width);
  g_test_add_func ("/jid/precis/case", test_precis_case);
  g_test_add_func ("/jid/precis/identifier-class", test_precis_identifier_class);
  g_test_add_func ("/jid/precis/freeform-class", test_precis_freeform_class);
  g_test_add_func ("/jid/precis/context", test_precis_context);
  g_test_add_func ("/jid/precis/bidi", test_precis_bidi);
  g_test_add_func ("/jid/from-parts", test_from_parts);
  g_test_add_func ("/jid/bare/get", test_bare);
  g_test_add_func ("/jid/bare/threads", test_bare_threads);
  g_test_add_func ("/jid/with-resource", test_with_resource);
  g_test_add_func ("/jid/compare/equal", test_compare_equal);
  g_test_add_func ("/jid/compare/hash-table", test_compare_hash_table);
  g_test_add_func ("/jid/boxed", test_boxed);
  g_test_add_func ("/jid/escape/table", test_escape_table);
  g_test_add_func ("/jid/escape/spaces", test_escape_spaces);
  g_test_add_func ("/jid/escape/unescape", test_escape_unescape);
  g_test_add_func ("/jid/escape/jid", test_escape_jid);

  return g_test_run ();
}
