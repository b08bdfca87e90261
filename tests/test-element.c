/* test-element.c: the element tree
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <xmpp-glib/xmpp-glib.h>

static void
test_build (void)
{
  g_autoptr(XmppElement) query = xmpp_element_new ("query", "jabber:iq:version");
  XmppElement *name, *version;

  name = xmpp_element_add_child_with_text (query, "name", NULL, "xmpp-glib");
  version = xmpp_element_add_child_with_text (query, "version", NULL, "1.0");

  g_assert_cmpstr (xmpp_element_get_name (query), ==, "query");
  g_assert_cmpstr (xmpp_element_get_namespace (query), ==, "jabber:iq:version");
  /* Children without a namespace take the parent's. */
  g_assert_cmpstr (xmpp_element_get_namespace (name), ==, "jabber:iq:version");
  g_assert_cmpuint (xmpp_element_get_n_children (query), ==, 2);
  g_assert_true (xmpp_element_get_first_child (query) == name);
  g_assert_true (xmpp_element_get_next_sibling (name) == version);
  g_assert_null (xmpp_element_get_next_sibling (version));
  g_assert_true (xmpp_element_get_child_at (query, 1) == version);
  g_assert_null (xmpp_element_get_child_at (query, 2));
  g_assert_true (xmpp_element_get_parent (version) == query);
  g_assert_null (xmpp_element_get_parent (query));
  g_assert_cmpstr (xmpp_element_get_child_text (query, "version", "jabber:iq:version"), ==, "1.0");
  g_assert_null (xmpp_element_get_child_text (query, "version", "other"));
  g_assert_null (xmpp_element_get_child (query, "os", NULL));
  g_assert_true (xmpp_element_is (query, "query", "jabber:iq:version"));
  g_assert_true (xmpp_element_is (query, "query", NULL));
  g_assert_false (xmpp_element_is (query, "query", "jabber:iq:roster"));
}

static void
test_attributes (void)
{
  g_autoptr(XmppElement) item = xmpp_element_new ("item", "jabber:iq:roster");
  const char *name, *ns, *value;

  xmpp_element_set_attribute (item, "jid", "juliet@example.com");
  xmpp_element_set_attribute (item, "name", "Juliet");
  xmpp_element_set_attribute_ns (item, "lang", "http://www.w3.org/XML/1998/namespace", "en");
  g_assert_cmpuint (xmpp_element_get_n_attributes (item), ==, 3);
  g_assert_cmpstr (xmpp_element_get_attribute (item, "jid"), ==, "juliet@example.com");
  g_assert_null (xmpp_element_get_attribute (item, "lang"));
  g_assert_cmpstr (xmpp_element_get_attribute_ns (item, "lang", "http://www.w3.org/XML/1998/namespace"), ==, "en");

  xmpp_element_set_attribute (item, "name", "Jules");
  g_assert_cmpstr (xmpp_element_get_attribute (item, "name"), ==, "Jules");
  g_assert_cmpuint (xmpp_element_get_n_attributes (item), ==, 3);

  xmpp_element_set_attribute (item, "jid", NULL);
  g_assert_null (xmpp_element_get_attribute (item, "jid"));
  g_assert_cmpuint (xmpp_element_get_n_attributes (item), ==, 2);

  g_assert_true (xmpp_element_get_attribute_at (item, 0, &name, &ns, &value));
  g_assert_cmpstr (name, ==, "name");
  g_assert_null (ns);
  g_assert_cmpstr (value, ==, "Jules");
  g_assert_true (xmpp_element_get_attribute_at (item, 1, &name, &ns, &value));
  g_assert_cmpstr (name, ==, "lang");
  g_assert_cmpstr (ns, ==, "http://www.w3.org/XML/1998/namespace");
  g_assert_false (xmpp_element_get_attribute_at (item, 2, &name, &ns, &value));

  /* Removing an absent attribute changes nothing. */
  xmpp_element_set_attribute (item, "subscription", NULL);
  g_assert_cmpuint (xmpp_element_get_n_attributes (item), ==, 2);
}

static void
test_mixed_text (void)
{
  g_autoptr(XmppElement) p = xmpp_element_new ("p", "http://www.w3.org/1999/xhtml");
  XmppElement *em;

  g_test_summary ("Mixed content keeps text and children in order: leading text, "
                  "then each child followed by its tail.");

  xmpp_element_append_text (p, "Hello ");
  em = xmpp_element_add_child_with_text (p, "em", NULL, "dear");
  xmpp_element_append_text (p, " world");
  xmpp_element_append_text (p, "!");

  g_assert_cmpstr (xmpp_element_get_leading_text (p), ==, "Hello ");
  g_assert_cmpstr (xmpp_element_get_tail (em), ==, " world!");
  g_assert_cmpstr (xmpp_element_get_text (p), ==, "Hello  world!");
  g_assert_cmpstr (xmpp_element_get_text (em), ==, "dear");

  xmpp_element_set_text (p, "plain");
  g_assert_cmpstr (xmpp_element_get_text (p), ==, "plain");
  g_assert_null (xmpp_element_get_tail (em));
  g_assert_cmpuint (xmpp_element_get_n_children (p), ==, 1);
}

static void
test_children_filter (void)
{
  g_autoptr(XmppElement) message = xmpp_element_new ("message", "jabber:client");
  g_autoptr(GPtrArray) bodies = NULL;
  g_autoptr(GPtrArray) all = NULL;

  xmpp_element_set_attribute_ns (xmpp_element_add_child_with_text (message, "body", NULL, "Hello"),
                                 "lang", "http://www.w3.org/XML/1998/namespace", "en");
  xmpp_element_add_child_new (message, "active", "http://jabber.org/protocol/chatstates");
  xmpp_element_set_attribute_ns (xmpp_element_add_child_with_text (message, "body", NULL, "Hallo"),
                                 "lang", "http://www.w3.org/XML/1998/namespace", "de");

  bodies = xmpp_element_get_children (message, "body", "jabber:client");
  g_assert_cmpuint (bodies->len, ==, 2);
  g_assert_cmpstr (xmpp_element_get_text (g_ptr_array_index (bodies, 1)), ==, "Hallo");

  all = xmpp_element_get_children (message, NULL, NULL);
  g_assert_cmpuint (all->len, ==, 3);
  g_assert_cmpstr (xmpp_element_get_namespace (g_ptr_array_index (all, 1)), ==,
                   "http://jabber.org/protocol/chatstates");
}

static void
test_remove_and_lifetime (void)
{
  XmppElement *root = xmpp_element_new ("a", "urn:test");
  XmppElement *b = xmpp_element_add_child_new (root, "b", NULL);
  XmppElement *c = xmpp_element_add_child_new (root, "c", NULL);
  XmppElement *d = xmpp_element_add_child_new (root, "d", NULL);

  g_test_summary ("Removing children keeps the list consistent, and a child held "
                  "elsewhere outlives its parent, detached.");

  xmpp_element_ref (c);
  xmpp_element_remove_child (root, c);
  g_assert_cmpuint (xmpp_element_get_n_children (root), ==, 2);
  g_assert_true (xmpp_element_get_next_sibling (b) == d);
  g_assert_null (xmpp_element_get_parent (c));

  xmpp_element_remove_child (root, d);
  g_assert_true (xmpp_element_get_first_child (root) == b);
  g_assert_null (xmpp_element_get_next_sibling (b));
  xmpp_element_add_child (root, c);
  g_assert_true (xmpp_element_get_next_sibling (b) == c);

  xmpp_element_ref (b);
  xmpp_element_unref (root);
  g_assert_null (xmpp_element_get_parent (b));
  g_assert_cmpstr (xmpp_element_get_name (b), ==, "b");
  xmpp_element_unref (b);
  xmpp_element_unref (c);
}

static void
test_copy_equal (void)
{
  g_autoptr(XmppElement) a = xmpp_element_new ("x", "jabber:x:data");
  g_autoptr(XmppElement) b = NULL;
  XmppElement *field;

  xmpp_element_set_attribute (a, "type", "submit");
  field = xmpp_element_add_child_new (a, "field", NULL);
  xmpp_element_set_attribute (field, "var", "FORM_TYPE");
  xmpp_element_add_child_with_text (field, "value", NULL, "urn:test");
  xmpp_element_append_text (a, "tail text");

  b = xmpp_element_copy (a);
  g_assert_true (b != a);
  g_assert_true (xmpp_element_equal (a, b));
  g_assert_true (xmpp_element_get_first_child (b) != field);

  xmpp_element_set_attribute (xmpp_element_get_first_child (b), "var", "other");
  g_assert_false (xmpp_element_equal (a, b));
  xmpp_element_set_attribute (xmpp_element_get_first_child (b), "var", "FORM_TYPE");
  g_assert_true (xmpp_element_equal (a, b));

  xmpp_element_append_text (b, "more");
  g_assert_false (xmpp_element_equal (a, b));
}

static void
test_from_string (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppElement) e = NULL;
  g_autoptr(XmppElement) bad = NULL;

  e = xmpp_element_new_from_string ("<query xmlns='jabber:iq:roster' ver='v1'>"
                                    "<item jid='a@b' name='A &amp; B'><group>G</group></item>"
                                    "</query>", -1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (e);
  g_assert_cmpstr (xmpp_element_get_attribute (e, "ver"), ==, "v1");
  g_assert_cmpstr (xmpp_element_get_attribute (xmpp_element_get_first_child (e), "name"), ==, "A & B");
  g_assert_cmpstr (xmpp_element_get_child_text (xmpp_element_get_first_child (e), "group", "jabber:iq:roster"), ==, "G");

  bad = xmpp_element_new_from_string ("<a><b></a>", -1, &error);
  g_assert_null (bad);
  g_assert_error (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_NOT_WELL_FORMED);
  g_clear_error (&error);

  bad = xmpp_element_new_from_string ("<a>", -1, &error);
  g_assert_null (bad);
  g_assert_error (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_NOT_WELL_FORMED);
  g_clear_error (&error);

  bad = xmpp_element_new_from_string ("<!-- c --><a/>", -1, &error);
  g_assert_null (bad);
  g_assert_error (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_RESTRICTED_XML);
  g_clear_error (&error);

  bad = xmpp_element_new_from_string ("", -1, &error);
  g_assert_null (bad);
  g_assert_error (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_NOT_WELL_FORMED);
}

static void
test_grow_parsed_attributes (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppElement) e = xmpp_element_new_from_string ("<iq type='get' to='a@b'/>", -1, &error);

  g_test_summary ("A parsed element keeps its attributes next to itself; adding more moves "
                  "them to an array of their own without reading past the old ones.");

  g_assert_no_error (error);
  xmpp_element_set_attribute (e, "id", "1");
  xmpp_element_set_attribute (e, "from", "c@d");
  xmpp_element_set_attribute (e, "x", "y");
  g_assert_cmpuint (xmpp_element_get_n_attributes (e), ==, 5);
  g_assert_cmpstr (xmpp_element_get_attribute (e, "type"), ==, "get");
  g_assert_cmpstr (xmpp_element_get_attribute (e, "to"), ==, "a@b");
  g_assert_cmpstr (xmpp_element_get_attribute (e, "x"), ==, "y");
}

static void
test_invalid_names (void)
{
  static const char *const names[] = {
    "x/><iq type='set'", "a b", "", "1abc", "p:x", "a&b", "a\u00d7b", "-x", "\xff",
  };

  g_test_summary ("Names are written as they are, so one that is not an XML name is refused "
                  "at once: markup cannot be slipped in through a name.");

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(XmppElement) parent = xmpp_element_new ("ok", "urn:test");

      g_test_expect_message ("Xmpp", G_LOG_LEVEL_CRITICAL, "*is_valid_name*");
      g_assert_null (xmpp_element_new (names[i], NULL));
      g_test_assert_expected_messages ();

      g_test_expect_message ("Xmpp", G_LOG_LEVEL_CRITICAL, "*is_valid_name*");
      xmpp_element_set_attribute (parent, names[i], "v");
      g_test_assert_expected_messages ();
      g_assert_cmpuint (xmpp_element_get_n_attributes (parent), ==, 0);
    }
  {
    g_autoptr(XmppElement) fine = xmpp_element_new ("r\u00e9sum\u00e9-2_x.y", NULL);

    g_assert_nonnull (fine);
  }
}

static void
test_from_string_hostile (void)
{
  static const struct {
    const char *xml;
    gssize length;
    int code;
  } cases[] = {
    { "<!DOCTYPE a [<!ENTITY x 'y'>]><a>&x;</a>", -1, XMPP_STREAM_ERROR_RESTRICTED_XML },
    { "<!DOCTYPE a [<!ENTITY l 'l'><!ENTITY l2 '&l;&l;&l;&l;'>]><a>&l2;</a>", -1,
      XMPP_STREAM_ERROR_RESTRICTED_XML },
    { "<a><!ENTITY x 'y'></a>", -1, XMPP_STREAM_ERROR_RESTRICTED_XML },
    { "<a>\xc3\x28</a>", -1, XMPP_STREAM_ERROR_NOT_WELL_FORMED },
    { "<a>\0</a>", 8, XMPP_STREAM_ERROR_NOT_WELL_FORMED },
    { "<a/><b/>", -1, XMPP_STREAM_ERROR_NOT_WELL_FORMED },
    { "<a/>x", -1, XMPP_STREAM_ERROR_NOT_WELL_FORMED },
    { "<a/></fragment><fragment>", -1, XMPP_STREAM_ERROR_NOT_WELL_FORMED },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppElement) e = NULL;
  g_autoptr(GString) huge = g_string_new ("<a>");

  g_test_summary ("Parsing an element from text refuses a DTD, entities, bytes that are not "
                  "UTF-8, more than one element and oversized input with a GError.");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      e = xmpp_element_new_from_string (cases[i].xml, cases[i].length, &error);
      g_assert_null (e);
      g_assert_error (error, XMPP_STREAM_ERROR, cases[i].code);
      g_clear_error (&error);
    }

  while (huge->len <= XMPP_PARSER_DEFAULT_MAX_STANZA_SIZE)
    g_string_append (huge, "<b c='0123456789'/>");
  g_string_append (huge, "</a>");
  e = xmpp_element_new_from_string (huge->str, huge->len, &error);
  g_assert_null (e);
  g_assert_error (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_POLICY_VIOLATION);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/element/build", test_build);
  g_test_add_func ("/element/attributes", test_attributes);
  g_test_add_func ("/element/text/mixed", test_mixed_text);
  g_test_add_func ("/element/children/filter", test_children_filter);
  g_test_add_func ("/element/children/remove", test_remove_and_lifetime);
  g_test_add_func ("/element/copy-equal", test_copy_equal);
  g_test_add_func ("/element/from-string", test_from_string);
  g_test_add_func ("/element/from-string/hostile", test_from_string_hostile);
  g_test_add_func ("/element/attributes/grow-parsed", test_grow_parsed_attributes);
  g_test_add_func ("/element/invalid-names", test_invalid_names);

  return g_test_run ();
}
