/* test-stanza.c: stanza basics
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <xmpp-glib/xmpp-glib.h>

#include <string.h>

static void
test_kinds (void)
{
  static const struct {
    const char *xml;
    XmppStanzaKind kind;
  } cases[] = {
    { "<iq type='get' id='1'/>", XMPP_STANZA_KIND_IQ },
    { "<message/>", XMPP_STANZA_KIND_MESSAGE },
    { "<presence/>", XMPP_STANZA_KIND_PRESENCE },
    { "<presence xmlns='jabber:server'/>", XMPP_STANZA_KIND_PRESENCE },
    { "<message xmlns='jabber:component:accept'/>", XMPP_STANZA_KIND_MESSAGE },
    { "<message xmlns='urn:other'/>", XMPP_STANZA_KIND_OTHER },
    { "<stream:features xmlns:stream='http://etherx.jabber.org/streams'/>", XMPP_STANZA_KIND_OTHER },
    { "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>", XMPP_STANZA_KIND_OTHER },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(XmppStanza) stanza = xmpp_stanza_new_from_string (cases[i].xml, -1, &error);

      g_assert_no_error (error);
      g_assert_cmpint (xmpp_stanza_get_kind (stanza), ==, cases[i].kind);
    }
}

static void
test_basics (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppStanza) iq = NULL;
  g_autoptr(XmppJid) to = NULL;
  XmppJid *from;

  iq = xmpp_stanza_new_from_string ("<iq type='get' id='q1' from='Juliet@Example.COM/Balcony' "
                                    "to='example.com'><query xmlns='jabber:iq:roster'/></iq>",
                                    -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (xmpp_stanza_get_kind (iq), ==, XMPP_STANZA_KIND_IQ);
  g_assert_cmpstr (xmpp_stanza_get_stanza_type (iq), ==, "get");
  g_assert_cmpstr (xmpp_stanza_get_id (iq), ==, "q1");
  g_assert_cmpstr (xmpp_element_get_namespace (xmpp_stanza_get_element (iq)), ==, "jabber:client");

  from = xmpp_stanza_get_from (iq);
  g_assert_nonnull (from);
  g_assert_cmpstr (xmpp_jid_to_string (from), ==, "juliet@example.com/Balcony");
  /* The parsed address is kept while the attribute is unchanged. */
  g_assert_true (xmpp_stanza_get_from (iq) == from);
  g_assert_cmpstr (xmpp_jid_to_string (xmpp_stanza_get_to (iq)), ==, "example.com");
  g_assert_true (xmpp_element_is (xmpp_stanza_get_payload (iq), "query", "jabber:iq:roster"));

  to = xmpp_jid_new ("romeo@example.net", &error);
  g_assert_no_error (error);
  xmpp_stanza_set_to (iq, to);
  g_assert_cmpstr (xmpp_element_get_attribute (xmpp_stanza_get_element (iq), "to"), ==, "romeo@example.net");
  g_assert_true (xmpp_jid_equal (xmpp_stanza_get_to (iq), to));

  xmpp_stanza_set_from (iq, NULL);
  g_assert_null (xmpp_stanza_get_from (iq));

  /* An address that is not valid reads as NULL. */
  xmpp_element_set_attribute (xmpp_stanza_get_element (iq), "from", "@bad");
  g_assert_null (xmpp_stanza_get_from (iq));

  xmpp_stanza_set_stanza_type (iq, "set");
  xmpp_stanza_set_id (iq, "q2");
  g_assert_cmpstr (xmpp_stanza_get_stanza_type (iq), ==, "set");
  g_assert_cmpstr (xmpp_stanza_get_id (iq), ==, "q2");
  g_assert_false (xmpp_stanza_is_error (iq));
  g_assert_true (xmpp_stanza_check_error (iq, &error));
  g_assert_no_error (error);
}

static void
test_build (void)
{
  g_autoptr(XmppStanza) message = xmpp_stanza_new (XMPP_STANZA_KIND_MESSAGE, "chat");
  g_autofree char *xml = NULL;

  xmpp_stanza_set_id (message, "m1");
  xmpp_element_add_child_with_text (xmpp_stanza_get_element (message), "body", NULL, "Art thou not Romeo?");
  xml = xmpp_stanza_to_string (message);
  g_assert_cmpstr (xml, ==, "<message type='chat' id='m1'><body>Art thou not Romeo?</body></message>");
  g_assert_cmpint (xmpp_stanza_get_kind (message), ==, XMPP_STANZA_KIND_MESSAGE);
}

static void
test_payload (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppStanza) message = NULL;
  g_autoptr(XmppStanza) plain = NULL;

  g_test_summary ("The payload is the first child in a namespace other than the stanza's: "
                  "a message's body and thread are skipped for its extension.");

  message = xmpp_stanza_new_from_string ("<message><body>hi</body><thread>t</thread>"
                                         "<active xmlns='http://jabber.org/protocol/chatstates'/>"
                                         "<x xmlns='jabber:x:oob'/></message>", -1, &error);
  g_assert_no_error (error);
  g_assert_true (xmpp_element_is (xmpp_stanza_get_payload (message), "active",
                                  "http://jabber.org/protocol/chatstates"));

  plain = xmpp_stanza_new_from_string ("<presence><show>away</show></presence>", -1, &error);
  g_assert_no_error (error);
  g_assert_null (xmpp_stanza_get_payload (plain));
}

static void
test_replies (void)
{
  g_autoptr(XmppStanza) request = NULL;
  g_autoptr(XmppStanza) result = NULL;
  g_autoptr(XmppStanza) error_reply = NULL;
  g_autoptr(GError) error = NULL;
  XmppStanzaErrorType type;
  g_autofree char *xml = NULL;

  request = xmpp_stanza_new_from_string ("<iq type='get' id='v1' from='romeo@example.net/orchard' "
                                         "to='juliet@example.com/balcony'>"
                                         "<query xmlns='jabber:iq:version'/></iq>", -1, &error);
  g_assert_no_error (error);

  result = xmpp_stanza_new_reply (request);
  g_assert_cmpstr (xmpp_stanza_get_stanza_type (result), ==, "result");
  g_assert_cmpstr (xmpp_stanza_get_id (result), ==, "v1");
  g_assert_cmpstr (xmpp_jid_to_string (xmpp_stanza_get_to (result)), ==, "romeo@example.net/orchard");
  g_assert_cmpstr (xmpp_jid_to_string (xmpp_stanza_get_from (result)), ==, "juliet@example.com/balcony");
  g_assert_null (xmpp_stanza_get_payload (result));

  error_reply = xmpp_stanza_new_error_reply (request, XMPP_STANZA_ERROR_TYPE_CANCEL,
                                             XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE, "No such service");
  xml = xmpp_stanza_to_string (error_reply);
  g_assert_cmpstr (xml, ==,
                   "<iq to='romeo@example.net/orchard' from='juliet@example.com/balcony' id='v1' type='error'>"
                   "<error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
                   "<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>No such service</text></error></iq>");
  g_assert_true (xmpp_stanza_is_error (error_reply));
  g_assert_cmpint (xmpp_stanza_get_error_condition (error_reply), ==, XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE);
  g_assert_true (xmpp_stanza_get_error_type (error_reply, &type));
  g_assert_cmpint (type, ==, XMPP_STANZA_ERROR_TYPE_CANCEL);
  g_assert_cmpstr (xmpp_stanza_get_error_text (error_reply), ==, "No such service");
  g_assert_null (xmpp_stanza_get_payload (error_reply));

  g_assert_false (xmpp_stanza_check_error (error_reply, &error));
  g_assert_error (error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE);
  g_assert_cmpstr (error->message, ==, "No such service");
  /* The error keeps the reply, also in a copy. */
  g_assert_true (xmpp_stanza_error_get_reply (error) == error_reply);
  {
    g_autoptr(GError) copy = g_error_copy (error);
    g_autoptr(GError) other = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "x");

    g_assert_true (xmpp_stanza_error_get_reply (copy) == error_reply);
    g_assert_null (xmpp_stanza_error_get_reply (other));
  }
}

static void
test_error_parsing (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppStanza) reply = NULL;
  g_autoptr(XmppStanza) unknown = NULL;
  XmppStanzaErrorType type;

  g_test_summary ("The condition of an error stanza is read from the stanzas namespace, "
                  "skipping <text/> and application-specific conditions.");

  reply = xmpp_stanza_new_from_string ("<message type='error' id='m'><body>x</body>"
                                       "<error type='wait'><text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>busy</text>"
                                       "<app xmlns='urn:app'/>"
                                       "<resource-constraint xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
                                       "</error></message>", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (xmpp_stanza_get_error_condition (reply), ==, XMPP_STANZA_ERROR_RESOURCE_CONSTRAINT);
  g_assert_true (xmpp_stanza_get_error_type (reply, &type));
  g_assert_cmpint (type, ==, XMPP_STANZA_ERROR_TYPE_WAIT);
  g_assert_false (xmpp_stanza_check_error (reply, &error));
  g_assert_error (error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_RESOURCE_CONSTRAINT);
  g_assert_cmpstr (error->message, ==, "busy");
  g_clear_error (&error);

  unknown = xmpp_stanza_new_from_string ("<iq type='error' id='x'><error type='bogus'>"
                                         "<made-up xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
                                         "</error></iq>", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (xmpp_stanza_get_error_condition (unknown), ==, XMPP_STANZA_ERROR_UNDEFINED_CONDITION);
  g_assert_false (xmpp_stanza_get_error_type (unknown, &type));
  g_assert_null (xmpp_stanza_get_error_text (unknown));
  g_assert_false (xmpp_stanza_check_error (unknown, &error));
  g_assert_error (error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_UNDEFINED_CONDITION);
}

static void
test_error_tables (void)
{
  for (int i = XMPP_STANZA_ERROR_BAD_REQUEST; i <= XMPP_STANZA_ERROR_UNEXPECTED_REQUEST; i++)
    g_assert_cmpint (xmpp_stanza_condition_from_string (xmpp_stanza_condition_to_string (i)), ==, i);
  for (int i = XMPP_STREAM_ERROR_BAD_FORMAT; i <= XMPP_STREAM_ERROR_UNSUPPORTED_VERSION; i++)
    g_assert_cmpint (xmpp_stream_condition_from_string (xmpp_stream_condition_to_string (i)), ==, i);
  g_assert_cmpstr (xmpp_stream_condition_to_string (XMPP_STREAM_ERROR_RESTRICTED_XML), ==, "restricted-xml");
  g_assert_cmpint (xmpp_stream_condition_from_string ("nonsense"), ==, XMPP_STREAM_ERROR_UNDEFINED_CONDITION);
  g_assert_cmpint (xmpp_stream_condition_from_string (NULL), ==, XMPP_STREAM_ERROR_UNDEFINED_CONDITION);
  g_assert_cmpstr (xmpp_stanza_error_type_to_string (XMPP_STANZA_ERROR_TYPE_MODIFY), ==, "modify");
  g_assert_false (xmpp_stanza_error_type_from_string ("later", NULL));
  g_assert_cmpstr (xmpp_stanza_condition_to_string (XMPP_STANZA_ERROR_ITEM_NOT_FOUND), ==, "item-not-found");
  g_assert_cmpint (xmpp_stanza_condition_from_string ("nonsense"), ==, XMPP_STANZA_ERROR_UNDEFINED_CONDITION);
  g_assert_cmpint (xmpp_stanza_condition_from_string (NULL), ==, XMPP_STANZA_ERROR_UNDEFINED_CONDITION);
  for (int i = XMPP_STANZA_ERROR_TYPE_AUTH; i <= XMPP_STANZA_ERROR_TYPE_WAIT; i++)
    {
      XmppStanzaErrorType type = -1;

      g_assert_true (xmpp_stanza_error_type_from_string (xmpp_stanza_error_type_to_string (i), &type));
      g_assert_cmpint (type, ==, i);
    }
  g_assert_false (xmpp_stanza_error_type_from_string (NULL, NULL));
}

static void
test_from_string_hostile (void)
{
  static const struct {
    const char *xml;
    gssize length;
    int code;
  } cases[] = {
    { "<!DOCTYPE message [<!ENTITY a 'b'>]><message>&a;</message>", -1, XMPP_STREAM_ERROR_RESTRICTED_XML },
    { "<message><!DOCTYPE x></message>", -1, XMPP_STREAM_ERROR_RESTRICTED_XML },
    { "<message>&lol;</message>", -1, XMPP_STREAM_ERROR_RESTRICTED_XML },
    { "<message><?pi x?></message>", -1, XMPP_STREAM_ERROR_RESTRICTED_XML },
    { "<message><body>\xff\xfe</body></message>", -1, XMPP_STREAM_ERROR_NOT_WELL_FORMED },
    { "<message><body>a\0b</body></message>", 35, XMPP_STREAM_ERROR_NOT_WELL_FORMED },
    { "<message/><iq/>", -1, XMPP_STREAM_ERROR_NOT_WELL_FORMED },
    { "<message/>text", -1, XMPP_STREAM_ERROR_NOT_WELL_FORMED },
    { "<message/></stream:stream>", -1, XMPP_STREAM_ERROR_NOT_WELL_FORMED },
    { "<message/></fragment><fragment>", -1, XMPP_STREAM_ERROR_NOT_WELL_FORMED },
    { "<message><body>", -1, XMPP_STREAM_ERROR_NOT_WELL_FORMED },
    { "<p:message/>", -1, XMPP_STREAM_ERROR_NOT_WELL_FORMED },
    { "  ", -1, XMPP_STREAM_ERROR_NOT_WELL_FORMED },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppStanza) stanza = NULL;
  g_autoptr(GString) huge = g_string_new ("<message><body>");

  g_test_summary ("Parsing a stanza from text refuses a DTD, entities, bytes that are not "
                  "UTF-8, more or less than one element and oversized input with a GError "
                  "whose position is in the caller's text.");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *shown = g_strescape (cases[i].xml, NULL);

      /* Escaped: the cases hold bytes that are not UTF-8, which TAP
       * output may not carry. */
      g_test_message ("%s", shown);
      stanza = xmpp_stanza_new_from_string (cases[i].xml, cases[i].length, &error);
      g_assert_null (stanza);
      g_assert_error (error, XMPP_STREAM_ERROR, cases[i].code);
      g_assert_null (strstr (error->message, "stream:stream xmlns"));
      g_clear_error (&error);
    }

  stanza = xmpp_stanza_new_from_string ("<message><!-- c --></message>", -1, &error);
  g_assert_null (stanza);
  g_assert_error (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_RESTRICTED_XML);
  g_assert_true (g_str_has_suffix (error->message, "(line 1, column 20)"));
  g_clear_error (&error);

  while (huge->len <= XMPP_PARSER_DEFAULT_MAX_STANZA_SIZE)
    g_string_append (huge, "0123456789abcdef");
  g_string_append (huge, "</body></message>");
  stanza = xmpp_stanza_new_from_string (huge->str, huge->len, &error);
  g_assert_null (stanza);
  g_assert_error (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_POLICY_VIOLATION);
  g_clear_error (&error);

  /* The stream: prefix is bound and the default namespace is jabber:client. */
  stanza = xmpp_stanza_new_from_string ("<message><stream:error/><b/></message>", -1, &error);
  g_assert_no_error (error);
  g_assert_true (xmpp_element_is (xmpp_element_get_child_at (xmpp_stanza_get_element (stanza), 0),
                                  "error", "http://etherx.jabber.org/streams"));
  g_assert_true (xmpp_element_is (xmpp_element_get_child_at (xmpp_stanza_get_element (stanza), 1),
                                  "b", "jabber:client"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stanza/kinds", test_kinds);
  g_test_add_func ("/stanza/basics", test_basics);
  g_test_add_func ("/stanza/build", test_build);
  g_test_add_func ("/stanza/payload", test_payload);
  g_test_add_func ("/stanza/replies", test_replies);
  g_test_add_func ("/stanza/error/parsing", test_error_parsing);
  g_test_add_func ("/stanza/error/tables", test_error_tables);
  g_test_add_func ("/stanza/from-string/hostile", test_from_string_hostile);

  return g_test_run ();
}
