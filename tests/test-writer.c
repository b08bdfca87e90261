/* test-writer.c: serialisation
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <xmpp-glib/xmpp-glib.h>

#define NS_XML "http://www.w3.org/XML/1998/namespace"

static void
assert_xml (XmppElement *element,
            const char  *expected)
{
  g_autofree char *xml = xmpp_element_to_string (element);

  g_assert_cmpstr (xml, ==, expected);
}

static void
test_escaping (void)
{
  g_autoptr(XmppElement) body = xmpp_element_new ("body", "jabber:client");
  g_autoptr(XmppElement) reparsed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;

  g_test_summary ("Text and attribute values are escaped so that they read back "
                  "unchanged, including ]]>, quotes, tabs and line breaks.");

  xmpp_element_set_text (body, "a < b && c > d ]]> 'q' \"dq\"\r\n\tend");
  xmpp_element_set_attribute (body, "id", "x'y\"z<&>\t\n\r");
  xml = xmpp_element_to_string (body);
  g_assert_cmpstr (xml, ==,
                   "<body xmlns='jabber:client' id='x&apos;y&quot;z&lt;&amp;&gt;&#9;&#10;&#13;'>"
                   "a &lt; b &amp;&amp; c &gt; d ]]&gt; 'q' \"dq\"&#13;\n\tend</body>");

  reparsed = xmpp_element_new_from_string (xml, -1, &error);
  g_assert_no_error (error);
  g_assert_true (xmpp_element_equal (body, reparsed));
}

static void
test_forbidden_characters (void)
{
  g_autoptr(XmppElement) body = xmpp_element_new ("body", NULL);

  g_test_summary ("Characters XML cannot carry (C0 controls, U+FFFE, invalid UTF-8) "
                  "are left out rather than producing a broken stream.");

  xmpp_element_set_text (body, "a\x01" "b\x1f" "c\xef\xbf\xbe" "d\xff" "e\xc3" "f\xc3\xa9");
  xmpp_element_set_attribute (body, "x", "1\x02" "2");
  assert_xml (body, "<body x='12'>abcdef\xc3\xa9</body>");
}

static void
test_namespaces (void)
{
  g_autoptr(XmppStanza) message = xmpp_stanza_new (XMPP_STANZA_KIND_MESSAGE, "chat");
  XmppElement *root = xmpp_stanza_get_element (message);
  XmppElement *body, *x;
  g_autofree char *in_stream = NULL;
  g_autofree char *standalone = NULL;

  g_test_summary ("Namespaces are written as default xmlns, only where they change; "
                  "inside a stream a jabber:client stanza carries no xmlns.");

  body = xmpp_element_add_child_with_text (root, "body", NULL, "hi");
  xmpp_element_set_attribute_ns (body, "lang", NS_XML, "en");
  xmpp_element_add_child_new (root, "active", "http://jabber.org/protocol/chatstates");
  x = xmpp_element_add_child_new (root, "x", "urn:test:x");
  xmpp_element_add_child_new (x, "y", NULL);
  xmpp_element_add_child_new (x, "z", "jabber:client");
  xmpp_element_set_attribute_ns (x, "attr", "urn:test:attr", "v");

  in_stream = xmpp_stanza_to_string (message);
  g_assert_cmpstr (in_stream, ==,
                   "<message type='chat'><body xml:lang='en'>hi</body>"
                   "<active xmlns='http://jabber.org/protocol/chatstates'/>"
                   "<x xmlns='urn:test:x' xmlns:ns0='urn:test:attr' ns0:attr='v'>"
                   "<y/><z xmlns='jabber:client'/></x></message>");

  standalone = xmpp_element_to_string (root);
  g_assert_true (g_str_has_prefix (standalone, "<message xmlns='jabber:client' type='chat'>"));
}

static void
test_no_namespace_child (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppElement) root = NULL;
  XmppElement *child;

  g_test_summary ("An element in no namespace below one with a default namespace "
                  "is written with xmlns='' so that it reads back the same.");

  root = xmpp_element_new_from_string ("<a xmlns='urn:a'><b xmlns=''><c/></b></a>", -1, &error);
  g_assert_no_error (error);
  child = xmpp_element_get_first_child (root);
  g_assert_null (xmpp_element_get_namespace (child));
  g_assert_null (xmpp_element_get_namespace (xmpp_element_get_first_child (child)));
  assert_xml (root, "<a xmlns='urn:a'><b xmlns=''><c/></b></a>");

  /* Added through the API, a child without a namespace takes its parent's. */
  child = xmpp_element_add_child_new (root, "d", NULL);
  g_assert_cmpstr (xmpp_element_get_namespace (child), ==, "urn:a");
}

static void
test_stream_elements (void)
{
  g_autoptr(XmppElement) features = xmpp_element_new ("features", "http://etherx.jabber.org/streams");
  XmppElement *starttls;
  g_autofree char *inside = NULL;

  g_test_summary ("Elements of the stream namespace use the stream: prefix and declare "
                  "it, so that the text stands on its own; the default namespace stays.");

  starttls = xmpp_element_add_child_new (features, "starttls", "urn:ietf:params:xml:ns:xmpp-tls");
  xmpp_element_add_child_new (starttls, "required", NULL);
  assert_xml (features,
              "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>"
              "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>"
              "</stream:features>");

  inside = xmpp_element_to_string_in_namespace (features, "jabber:client");
  g_assert_cmpstr (inside, ==,
                   "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>"
                   "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>"
                   "</stream:features>");
}

static void
test_xml_namespace_element (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppStanza) stanza = NULL;
  g_autoptr(XmppStanza) again = NULL;
  g_autofree char *xml = NULL;

  g_test_summary ("An element in the XML namespace is written with the xml: prefix, "
                  "since that namespace cannot be declared as a default namespace.");

  stanza = xmpp_stanza_new_from_string ("<message><xml:x><y/></xml:x></message>", -1, &error);
  g_assert_no_error (error);
  xml = xmpp_stanza_to_string (stanza);
  g_assert_cmpstr (xml, ==, "<message><xml:x><y/></xml:x></message>");
  again = xmpp_stanza_new_from_string (xml, -1, &error);
  g_assert_no_error (error);
  g_assert_true (xmpp_element_equal (xmpp_stanza_get_element (stanza), xmpp_stanza_get_element (again)));
}

static void
test_stream_header (void)
{
  g_autoptr(XmppStreamHeader) header = xmpp_stream_header_new (NULL);
  g_autofree char *xml = NULL;

  xmpp_stream_header_set_to (header, "example.com");
  xmpp_stream_header_set_from (header, "juliet@example.com");
  xmpp_stream_header_set_version (header, "1.0");
  xmpp_stream_header_set_lang (header, "en");
  g_assert_cmpstr (xmpp_stream_header_get_content_namespace (header), ==, "jabber:client");
  g_assert_cmpstr (xmpp_stream_header_get_to (header), ==, "example.com");
  g_assert_null (xmpp_stream_header_get_id (header));

  xml = xmpp_stream_header_to_string (header);
  g_assert_cmpstr (xml, ==,
                   "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
                   "xmlns:stream='http://etherx.jabber.org/streams' from='juliet@example.com' "
                   "to='example.com' version='1.0' xml:lang='en'>");
  g_assert_cmpstr (XMPP_STREAM_FOOTER, ==, "</stream:stream>");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/writer/escaping", test_escaping);
  g_test_add_func ("/writer/forbidden-characters", test_forbidden_characters);
  g_test_add_func ("/writer/namespaces", test_namespaces);
  g_test_add_func ("/writer/no-namespace", test_no_namespace_child);
  g_test_add_func ("/writer/stream-elements", test_stream_elements);
  g_test_add_func ("/writer/xml-namespace-element", test_xml_namespace_element);
  g_test_add_func ("/writer/stream-header", test_stream_header);

  return g_test_run ();
}
