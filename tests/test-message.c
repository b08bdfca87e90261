/* test-message.c: XmppMessage, parsed and built
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <xmpp-glib/xmpp-glib.h>

#include <string.h>

#define NS_SID "urn:xmpp:sid:0"

/* Parses @xml as a received stanza; %NULL if it is no message. */
static XmppMessage *
receive (const char *xml)
{
  GError *error = NULL;
  XmppStanza *stanza = xmpp_stanza_new_from_string (xml, -1, &error);
  XmppMessage *message;

  g_assert_no_error (error);
  message = xmpp_message_new_from_stanza (stanza);
  xmpp_stanza_unref (stanza);
  return message;
}

static void
test_parse_languages (void)
{
  g_autoptr(XmppMessage) message = NULL;
  g_auto(GStrv) bodies = NULL;
  g_auto(GStrv) subjects = NULL;

  g_test_summary ("RFC 6121 §5.2.3: several bodies and subjects, one per language.");

  message = receive ("<message from='juliet@example.com/balcony' to='romeo@example.net' "
                     "type='chat' id='m1' xml:lang='en'>"
                     "<subject>I implore you!</subject>"
                     "<subject xml:lang='cs'>\xc3\x9apenliv\xc4\x9b pros\xc3\xadm!</subject>"
                     "<body>Wherefore art thou, Romeo?</body>"
                     "<body xml:lang='cs'>Pro\xc4\x8d se jmenuje\xc5\xa1 Romeo?</body>"
                     "<body xml:lang='de'>Warum bist du Romeo?</body>"
                     "</message>");
  g_assert_nonnull (message);
  g_assert_cmpint (xmpp_message_get_message_type (message), ==, XMPP_MESSAGE_TYPE_CHAT);
  g_assert_cmpstr (xmpp_message_get_id (message), ==, "m1");
  g_assert_cmpstr (xmpp_jid_to_string (xmpp_message_get_from (message)), ==, "juliet@example.com/balcony");
  g_assert_cmpstr (xmpp_jid_to_string (xmpp_message_get_to (message)), ==, "romeo@example.net");

  g_assert_cmpstr (xmpp_message_get_body (message, NULL), ==, "Wherefore art thou, Romeo?");
  g_assert_cmpstr (xmpp_message_get_body (message, ""), ==, "Wherefore art thou, Romeo?");
  g_assert_cmpstr (xmpp_message_get_body (message, "de"), ==, "Warum bist du Romeo?");
  g_assert_cmpstr (xmpp_message_get_body (message, "cs"), ==, "Pro\xc4\x8d se jmenuje\xc5\xa1 Romeo?");
  g_assert_null (xmpp_message_get_body (message, "fr"));
  g_assert_cmpstr (xmpp_message_get_subject (message, NULL), ==, "I implore you!");
  g_assert_cmpstr (xmpp_message_get_subject (message, "cs"), ==, "\xc3\x9apenliv\xc4\x9b pros\xc3\xadm!");
  g_assert_null (xmpp_message_get_subject (message, "de"));

  bodies = xmpp_message_get_body_languages (message);
  g_assert_cmpuint (g_strv_length (bodies), ==, 3);
  g_assert_cmpstr (bodies[0], ==, "");
  g_assert_cmpstr (bodies[1], ==, "cs");
  g_assert_cmpstr (bodies[2], ==, "de");
  subjects = xmpp_message_get_subject_languages (message);
  g_assert_cmpuint (g_strv_length (subjects), ==, 2);

  g_assert_null (xmpp_message_get_thread (message));
  g_assert_null (xmpp_message_get_delay (message));
  g_assert_null (xmpp_message_get_origin_id (message));
  g_assert_nonnull (xmpp_message_get_stanza (message));
}

static void
test_parse_types (void)
{
  static const struct {
    const char *xml;
    int type;   /* -1: no message */
  } cases[] = {
    { "<message/>", XMPP_MESSAGE_TYPE_NORMAL },
    { "<message type='normal'/>", XMPP_MESSAGE_TYPE_NORMAL },
    { "<message type='chat'/>", XMPP_MESSAGE_TYPE_CHAT },
    { "<message type='groupchat'/>", XMPP_MESSAGE_TYPE_GROUPCHAT },
    { "<message type='headline'/>", XMPP_MESSAGE_TYPE_HEADLINE },
    { "<message type='error'/>", XMPP_MESSAGE_TYPE_ERROR },
    { "<message xmlns='jabber:component:accept' type='chat'/>", XMPP_MESSAGE_TYPE_CHAT },
    /* RFC 6121 §5.2.2: an unknown type MUST be taken as normal. */
    { "<message type='invisible'/>", XMPP_MESSAGE_TYPE_NORMAL },
    { "<message type=''/>", XMPP_MESSAGE_TYPE_NORMAL },
    { "<message type='Chat'/>", XMPP_MESSAGE_TYPE_NORMAL },
    { "<presence/>", -1 },
    { "<iq type='set' id='1'/>", -1 },
    { "<message xmlns='urn:other'/>", -1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(XmppMessage) message = receive (cases[i].xml);

      if (cases[i].type < 0)
        {
          g_assert_null (message);
          continue;
        }
      g_assert_nonnull (message);
      g_assert_cmpint (xmpp_message_get_message_type (message), ==, cases[i].type);
    }
}

static void
test_parse_delay (void)
{
  g_autoptr(XmppMessage) offline = NULL;
  g_autoptr(XmppMessage) legacy = NULL;
  g_autoptr(XmppMessage) both = NULL;
  g_autoptr(XmppMessage) live = NULL;
  g_autofree char *stamp = NULL;

  offline = receive ("<message from='romeo@montague.net/orchard' to='juliet@capulet.com' type='chat'>"
                     "<body>O blessed, blessed night!</body>"
                     "<delay xmlns='urn:xmpp:delay' from='capulet.com' stamp='2002-09-10T23:08:25Z'>"
                     "Offline Storage</delay></message>");
  g_assert_nonnull (xmpp_message_get_delay (offline));
  stamp = g_date_time_format_iso8601 (xmpp_message_get_delay (offline));
  g_assert_cmpstr (stamp, ==, "2002-09-10T23:08:25Z");
  g_assert_cmpstr (xmpp_jid_to_string (xmpp_message_get_delay_from (offline)), ==, "capulet.com");
  g_clear_pointer (&stamp, g_free);

  legacy = receive ("<message type='groupchat' from='room@muc.example.com/nick'>"
                    "<body>old</body><x xmlns='jabber:x:delay' from='room@muc.example.com' "
                    "stamp='20020910T23:08:25'/></message>");
  g_assert_nonnull (xmpp_message_get_delay (legacy));
  stamp = g_date_time_format_iso8601 (xmpp_message_get_delay (legacy));
  g_assert_cmpstr (stamp, ==, "2002-09-10T23:08:25Z");
  g_assert_cmpstr (xmpp_jid_to_string (xmpp_message_get_delay_from (legacy)), ==, "room@muc.example.com");
  g_clear_pointer (&stamp, g_free);

  both = receive ("<message><x xmlns='jabber:x:delay' from='old.example' stamp='19990101T00:00:00'/>"
                  "<delay xmlns='urn:xmpp:delay' stamp='2010-06-01T12:00:00-05:00'/></message>");
  stamp = g_date_time_format_iso8601 (xmpp_message_get_delay (both));
  g_assert_cmpstr (stamp, ==, "2010-06-01T17:00:00Z");
  g_assert_null (xmpp_message_get_delay_from (both));

  live = receive ("<message><body>now</body></message>");
  g_assert_null (xmpp_message_get_delay (live));
  g_assert_null (xmpp_message_get_delay_from (live));
}

static void
test_parse_ids (void)
{
  g_autoptr(XmppMessage) message = NULL;
  g_autoptr(XmppJid) me = xmpp_jid_new ("juliet@capulet.com", NULL);
  g_autoptr(XmppJid) me_full = xmpp_jid_new ("juliet@capulet.com/balcony", NULL);
  g_autoptr(XmppJid) room = xmpp_jid_new ("room@muc.capulet.com", NULL);
  g_autoptr(XmppJid) mallory = xmpp_jid_new ("mallory@evil.example", NULL);
  g_autoptr(GPtrArray) payloads = NULL;

  g_test_summary ("XEP-0359: a stanza-id counts only for the entity asked about, since the "
                  "sender can add one in the name of any other entity.");

  message = receive ("<message from='romeo@montague.net/orchard' to='juliet@capulet.com' type='chat'>"
                     "<body>Hi</body>"
                     "<stanza-id xmlns='urn:xmpp:sid:0' id='spoofed' by='room@muc.capulet.com'/>"
                     "<stanza-id xmlns='urn:xmpp:sid:0' id='evil' by='mallory@evil.example'/>"
                     "<stanza-id xmlns='urn:xmpp:sid:0' id='no-by'/>"
                     "<stanza-id xmlns='urn:xmpp:sid:0' id='bad-by' by='@@'/>"
                     "<origin-id xmlns='urn:xmpp:sid:0' id='de305d54-75b4-431b-adb2-eb6b9e546013'/>"
                     "<stanza-id xmlns='urn:xmpp:sid:0' id='5f3dbc5e-e1d3-4077-a492-693f3769c7ad' "
                     "by='Juliet@capulet.com'/>"
                     "</message>");
  g_assert_cmpstr (xmpp_message_get_origin_id (message), ==, "de305d54-75b4-431b-adb2-eb6b9e546013");
  g_assert_cmpstr (xmpp_message_get_stanza_id (message, me), ==, "5f3dbc5e-e1d3-4077-a492-693f3769c7ad");
  g_assert_null (xmpp_message_get_stanza_id (message, me_full));
  /* The room did not route this message: what claims to be its id is
   * only returned when the application asks about the room. */
  g_assert_cmpstr (xmpp_message_get_stanza_id (message, room), ==, "spoofed");
  g_assert_cmpstr (xmpp_message_get_stanza_id (message, mallory), ==, "evil");
  payloads = xmpp_message_get_payloads (message);
  g_assert_cmpuint (payloads->len, ==, 0);
}

static void
test_parse_thread (void)
{
  g_autoptr(XmppMessage) child = NULL;
  g_autoptr(XmppMessage) plain = NULL;
  g_autoptr(XmppMessage) empty = NULL;

  child = receive ("<message type='chat'><body>x</body>"
                   "<thread parent='e0ffe42b28561960c6b12b944a092794b9683a38'>"
                   "7edac73ab41e45c4aafa7b2d7b749080</thread></message>");
  g_assert_cmpstr (xmpp_message_get_thread (child), ==, "7edac73ab41e45c4aafa7b2d7b749080");
  g_assert_cmpstr (xmpp_message_get_parent_thread (child), ==, "e0ffe42b28561960c6b12b944a092794b9683a38");

  plain = receive ("<message><thread>t1</thread><thread>t2</thread></message>");
  g_assert_cmpstr (xmpp_message_get_thread (plain), ==, "t1");
  g_assert_null (xmpp_message_get_parent_thread (plain));

  empty = receive ("<message><thread parent='p'/></message>");
  g_assert_null (xmpp_message_get_thread (empty));
  g_assert_null (xmpp_message_get_parent_thread (empty));
}

static void
test_parse_payloads (void)
{
  g_autoptr(XmppMessage) message = NULL;
  g_autoptr(GPtrArray) payloads = NULL;
  g_autoptr(XmppElement) receipt = xmpp_element_new ("request", "urn:xmpp:receipts");
  g_autoptr(GPtrArray) more = NULL;

  message = receive ("<message type='chat'>"
                     "<active xmlns='http://jabber.org/protocol/chatstates'/>"
                     "<body>hi</body><body xmlns='urn:other'>not a body</body>"
                     "<x xmlns='jabber:x:oob'><url>https://example.com/a.png</url></x>"
                     "<delay xmlns='urn:xmpp:delay' stamp='2002-09-10T23:08:25Z'/>"
                     "<x xmlns='jabber:x:delay' stamp='20020910T23:08:25'/>"
                     "<thread>t</thread><subject>s</subject>"
                     "<origin-id xmlns='urn:xmpp:sid:0' id='o'/>"
                     "<stanza-id xmlns='urn:xmpp:sid:0' id='s' by='a@b'/>"
                     "<other xmlns='urn:xmpp:sid:0'/>"
                     "</message>");
  payloads = xmpp_message_get_payloads (message);
  g_assert_cmpuint (payloads->len, ==, 4);
  g_assert_true (xmpp_element_is (payloads->pdata[0], "active", "http://jabber.org/protocol/chatstates"));
  g_assert_true (xmpp_element_is (payloads->pdata[1], "body", "urn:other"));
  g_assert_true (xmpp_element_is (payloads->pdata[2], "x", "jabber:x:oob"));
  g_assert_true (xmpp_element_is (payloads->pdata[3], "other", NS_SID));
  /* The payloads are the stanza's own children. */
  g_assert_true (xmpp_element_get_parent (payloads->pdata[0]) ==
                 xmpp_stanza_get_element (xmpp_message_get_stanza (message)));

  xmpp_message_add_payload (message, receipt);
  more = xmpp_message_get_payloads (message);
  g_assert_cmpuint (more->len, ==, 5);
  g_assert_true (more->pdata[4] == receipt);
}

static void
test_error (void)
{
  g_autoptr(XmppMessage) bounce = NULL;
  g_autoptr(XmppMessage) chat = NULL;
  g_autoptr(XmppMessage) built = NULL;
  g_autoptr(XmppStanza) written = NULL;
  g_autoptr(XmppMessage) reparsed = NULL;
  g_autoptr(GError) error = NULL;

  bounce = receive ("<message type='error' from='romeo@example.net' to='juliet@example.com/balcony' id='m42'>"
                    "<body>Are you there?</body>"
                    "<error type='cancel'>"
                    "<service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
                    "<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>Romeo is gone</text>"
                    "</error></message>");
  g_assert_cmpint (xmpp_message_get_message_type (bounce), ==, XMPP_MESSAGE_TYPE_ERROR);
  g_assert_cmpstr (xmpp_message_get_id (bounce), ==, "m42");
  g_assert_cmpstr (xmpp_message_get_body (bounce, NULL), ==, "Are you there?");
  g_assert_false (xmpp_message_check_error (bounce, &error));
  g_assert_error (error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE);
  g_assert_cmpstr (error->message, ==, "Romeo is gone");
  g_assert_true (xmpp_stanza_error_get_reply (error) == xmpp_message_get_stanza (bounce));
  g_clear_error (&error);

  /* The <error/> survives a round trip. */
  written = xmpp_message_to_stanza (bounce);
  reparsed = xmpp_message_new_from_stanza (written);
  g_assert_false (xmpp_message_check_error (reparsed, &error));
  g_assert_error (error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE);
  g_clear_error (&error);

  chat = receive ("<message type='chat'><body>x</body></message>");
  g_assert_true (xmpp_message_check_error (chat, &error));
  g_assert_no_error (error);

  built = xmpp_message_new (XMPP_MESSAGE_TYPE_ERROR, NULL, NULL);
  g_assert_false (xmpp_message_check_error (built, &error));
  g_assert_error (error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_UNDEFINED_CONDITION);
}

static void
test_new (void)
{
  g_autoptr(XmppJid) romeo = xmpp_jid_new ("romeo@example.net", NULL);
  g_autoptr(XmppMessage) message = xmpp_message_new (XMPP_MESSAGE_TYPE_CHAT, romeo, "Art thou not Romeo?");
  g_autoptr(XmppMessage) other = xmpp_message_new (XMPP_MESSAGE_TYPE_NORMAL, NULL, NULL);
  g_autoptr(XmppElement) active = xmpp_element_new ("active", "http://jabber.org/protocol/chatstates");
  g_autoptr(XmppStanza) stanza = NULL;
  g_autoptr(XmppStanza) empty = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *empty_xml = NULL;
  g_autofree char *expected = NULL;

  g_assert_null (xmpp_message_get_stanza (message));
  g_assert_true (g_uuid_string_is_valid (xmpp_message_get_origin_id (message)));
  g_assert_cmpstr (xmpp_message_get_id (message), ==, xmpp_message_get_origin_id (message));
  g_assert_cmpstr (xmpp_message_get_origin_id (message), !=, xmpp_message_get_origin_id (other));
  g_assert_cmpstr (xmpp_message_get_body (message, NULL), ==, "Art thou not Romeo?");
  g_assert_null (xmpp_message_get_body (other, NULL));

  xmpp_message_set_body (message, "de", "Bist du nicht Romeo?");
  xmpp_message_set_subject (message, "de", "Frage");
  xmpp_message_set_thread (message, "t1", "t0");
  xmpp_message_add_payload (message, active);
  stanza = xmpp_message_to_stanza (message);
  xml = xmpp_stanza_to_string (stanza);
  expected = g_strdup_printf ("<message type='chat' id='%s' to='romeo@example.net'>"
                              "<subject xml:lang='de'>Frage</subject>"
                              "<body>Art thou not Romeo?</body>"
                              "<body xml:lang='de'>Bist du nicht Romeo?</body>"
                              "<thread parent='t0'>t1</thread>"
                              "<origin-id xmlns='urn:xmpp:sid:0' id='%s'/>"
                              "<active xmlns='http://jabber.org/protocol/chatstates'/></message>",
                              xmpp_message_get_id (message), xmpp_message_get_origin_id (message));
  g_assert_cmpstr (xml, ==, expected);
  g_assert_null (xmpp_element_get_parent (active));

  xmpp_message_set_id (other, NULL);
  xmpp_message_set_origin_id (other, NULL);
  empty = xmpp_message_to_stanza (other);
  empty_xml = xmpp_stanza_to_string (empty);
  g_assert_cmpstr (empty_xml, ==, "<message/>");
}

static void
assert_same_texts (char       **langs_a,
                   char       **langs_b,
                   XmppMessage *a,
                   XmppMessage *b,
                   const char *(*get) (XmppMessage *, const char *))
{
  g_assert_cmpstrv (langs_a, langs_b);
  for (guint i = 0; langs_a[i] != NULL; i++)
    g_assert_cmpstr (get (a, langs_a[i]), ==, get (b, langs_a[i]));
  g_strfreev (langs_a);
  g_strfreev (langs_b);
}

static void
assert_same_jid (XmppJid *a,
                 XmppJid *b)
{
  g_assert_true ((a == NULL) == (b == NULL));
  if (a != NULL)
    g_assert_true (xmpp_jid_equal (a, b));
}

static void
assert_same (XmppMessage *a,
             XmppMessage *b)
{
  g_autoptr(GPtrArray) payloads_a = xmpp_message_get_payloads (a);
  g_autoptr(GPtrArray) payloads_b = xmpp_message_get_payloads (b);
  GDateTime *delay_a = xmpp_message_get_delay (a);
  GDateTime *delay_b = xmpp_message_get_delay (b);

  g_assert_cmpint (xmpp_message_get_message_type (a), ==, xmpp_message_get_message_type (b));
  g_assert_cmpstr (xmpp_message_get_id (a), ==, xmpp_message_get_id (b));
  assert_same_jid (xmpp_message_get_from (a), xmpp_message_get_from (b));
  assert_same_jid (xmpp_message_get_to (a), xmpp_message_get_to (b));
  assert_same_texts (xmpp_message_get_body_languages (a), xmpp_message_get_body_languages (b),
                     a, b, xmpp_message_get_body);
  assert_same_texts (xmpp_message_get_subject_languages (a), xmpp_message_get_subject_languages (b),
                     a, b, xmpp_message_get_subject);
  g_assert_cmpstr (xmpp_message_get_thread (a), ==, xmpp_message_get_thread (b));
  g_assert_cmpstr (xmpp_message_get_parent_thread (a), ==, xmpp_message_get_parent_thread (b));
  g_assert_cmpstr (xmpp_message_get_origin_id (a), ==, xmpp_message_get_origin_id (b));
  g_assert_true ((delay_a == NULL) == (delay_b == NULL));
  if (delay_a != NULL)
    g_assert_true (g_date_time_equal (delay_a, delay_b));
  assert_same_jid (xmpp_message_get_delay_from (a), xmpp_message_get_delay_from (b));
  g_assert_cmpuint (payloads_a->len, ==, payloads_b->len);
  for (guint i = 0; i < payloads_a->len; i++)
    g_assert_true (xmpp_element_equal (payloads_a->pdata[i], payloads_b->pdata[i]));
}

static void
test_round_trip (void)
{
  static const char *const xmls[] = {
    "<message/>",
    "<message type='headline' from='news.example.com'><subject>Flash</subject>"
    "<body xml:lang='en'>News</body><body xml:lang='fr'>Nouvelles</body><body>Default</body></message>",
    "<message type='groupchat' from='room@muc.example.com/nick' id='g1'>"
    "<body>old</body><thread parent='p'>t</thread>"
    "<origin-id xmlns='urn:xmpp:sid:0' id='oid'/>"
    "<x xmlns='jabber:x:delay' from='room@muc.example.com' stamp='20020910T23:08:25'/>"
    "<markable xmlns='urn:xmpp:chat-markers:0'/><x xmlns='jabber:x:oob'><url>u</url></x></message>",
    "<message type='chat'><body></body><subject xml:lang='de'/></message>",
  };

  for (guint i = 0; i < G_N_ELEMENTS (xmls); i++)
    {
      g_autoptr(XmppMessage) parsed = receive (xmls[i]);
      g_autoptr(XmppStanza) written = xmpp_message_to_stanza (parsed);
      g_autoptr(XmppMessage) again = xmpp_message_new_from_stanza (written);

      g_assert_nonnull (again);
      assert_same (parsed, again);
    }

  {
    g_autoptr(XmppJid) to = xmpp_jid_new ("romeo@example.net", NULL);
    g_autoptr(XmppMessage) built = xmpp_message_new (XMPP_MESSAGE_TYPE_CHAT, to, "hello");
    g_autoptr(XmppStanza) written = NULL;
    g_autoptr(XmppMessage) again = NULL;

    xmpp_message_set_body (built, "fr", "bonjour");
    xmpp_message_set_subject (built, NULL, "greeting");
    xmpp_message_set_thread (built, "thread", NULL);
    xmpp_message_set_from (built, to);
    written = xmpp_message_to_stanza (built);
    again = xmpp_message_new_from_stanza (written);
    assert_same (built, again);
  }
}

static void
test_reply (void)
{
  g_autoptr(XmppMessage) chat = NULL;
  g_autoptr(XmppMessage) chat_reply = NULL;
  g_autoptr(XmppMessage) room = NULL;
  g_autoptr(XmppMessage) room_reply = NULL;
  g_autoptr(XmppMessage) normal = NULL;
  g_autoptr(XmppMessage) normal_reply = NULL;
  g_autoptr(XmppMessage) bounce = NULL;
  g_autoptr(XmppMessage) bounce_reply = NULL;

  chat = receive ("<message type='chat' from='juliet@example.com/balcony' to='romeo@example.net/orchard' "
                  "id='c1'><body>Hi</body><thread parent='p0'>t1</thread></message>");
  chat_reply = xmpp_message_make_reply (chat, "Hello");
  g_assert_cmpint (xmpp_message_get_message_type (chat_reply), ==, XMPP_MESSAGE_TYPE_CHAT);
  g_assert_cmpstr (xmpp_jid_to_string (xmpp_message_get_to (chat_reply)), ==, "juliet@example.com/balcony");
  g_assert_null (xmpp_message_get_from (chat_reply));
  g_assert_cmpstr (xmpp_message_get_body (chat_reply, NULL), ==, "Hello");
  g_assert_cmpstr (xmpp_message_get_thread (chat_reply), ==, "t1");
  g_assert_cmpstr (xmpp_message_get_parent_thread (chat_reply), ==, "p0");
  g_assert_cmpstr (xmpp_message_get_id (chat_reply), !=, "c1");
  g_assert_nonnull (xmpp_message_get_origin_id (chat_reply));

  room = receive ("<message type='groupchat' from='coven@chat.shakespeare.lit/thirdwitch'>"
                  "<body>Harpier cries</body></message>");
  room_reply = xmpp_message_make_reply (room, "Thrice");
  g_assert_cmpint (xmpp_message_get_message_type (room_reply), ==, XMPP_MESSAGE_TYPE_GROUPCHAT);
  g_assert_cmpstr (xmpp_jid_to_string (xmpp_message_get_to (room_reply)), ==, "coven@chat.shakespeare.lit");
  g_assert_null (xmpp_message_get_thread (room_reply));

  normal = receive ("<message from='nurse@example.com/kitchen'><subject>Lunch</subject><body>?</body></message>");
  normal_reply = xmpp_message_make_reply (normal, NULL);
  g_assert_cmpint (xmpp_message_get_message_type (normal_reply), ==, XMPP_MESSAGE_TYPE_NORMAL);
  g_assert_cmpstr (xmpp_jid_to_string (xmpp_message_get_to (normal_reply)), ==, "nurse@example.com/kitchen");
  g_assert_null (xmpp_message_get_body (normal_reply, NULL));

  bounce = receive ("<message type='error'/>");
  bounce_reply = xmpp_message_make_reply (bounce, "x");
  g_assert_cmpint (xmpp_message_get_message_type (bounce_reply), ==, XMPP_MESSAGE_TYPE_NORMAL);
  g_assert_null (xmpp_message_get_to (bounce_reply));
}

static void
log_notify (GObject    *object,
            GParamSpec *pspec,
            gpointer    user_data)
{
  g_string_append_printf (user_data, "%s;", pspec->name);
}

static void
test_notify (void)
{
  g_autoptr(XmppMessage) message = xmpp_message_new (XMPP_MESSAGE_TYPE_CHAT, NULL, NULL);
  g_autoptr(GString) log = g_string_new (NULL);
  g_autoptr(XmppJid) romeo = xmpp_jid_new ("romeo@example.net", NULL);
  g_autoptr(XmppJid) romeo_again = xmpp_jid_new ("ROMEO@example.net", NULL);
  g_autofree char *id = g_strdup (xmpp_message_get_id (message));

  g_signal_connect (message, "notify", G_CALLBACK (log_notify), log);

  xmpp_message_set_message_type (message, XMPP_MESSAGE_TYPE_CHAT);
  xmpp_message_set_id (message, id);
  xmpp_message_set_origin_id (message, id);
  xmpp_message_set_to (message, NULL);
  xmpp_message_set_thread (message, NULL, "ignored");
  xmpp_message_set_body (message, NULL, "no property");
  g_assert_cmpstr (log->str, ==, "");

  xmpp_message_set_message_type (message, XMPP_MESSAGE_TYPE_HEADLINE);
  xmpp_message_set_id (message, "i");
  xmpp_message_set_origin_id (message, "o");
  xmpp_message_set_to (message, romeo);
  xmpp_message_set_from (message, romeo);
  xmpp_message_set_thread (message, "t", NULL);
  xmpp_message_set_thread (message, "t", "p");
  g_assert_cmpstr (log->str, ==, "message-type;id;origin-id;to;from;thread;parent-thread;");

  g_string_truncate (log, 0);
  xmpp_message_set_to (message, romeo_again);
  xmpp_message_set_thread (message, "t", "p");
  g_object_set (message, "thread", "t", "origin-id", "o", NULL);
  g_assert_cmpstr (log->str, ==, "");

  /* Dropping the thread drops its parent. */
  xmpp_message_set_thread (message, NULL, "p");
  g_assert_cmpstr (log->str, ==, "thread;parent-thread;");
  g_assert_null (xmpp_message_get_parent_thread (message));
}

static void
test_robust (void)
{
  static const char *const xmls[] = {
    "<message from='' to='@'><body/><subject/><thread/><delay xmlns='urn:xmpp:delay'/>"
    "<origin-id xmlns='urn:xmpp:sid:0'/><stanza-id xmlns='urn:xmpp:sid:0'/>"
    "<x xmlns='jabber:x:delay' stamp='x'/></message>",
    "<message><body xml:lang='en'><b>bold</b> tail</body><error/></message>",
    "<message type='error'><error/></message>",
  };

  for (guint i = 0; i < G_N_ELEMENTS (xmls); i++)
    {
      g_autoptr(XmppMessage) message = receive (xmls[i]);
      g_autoptr(XmppStanza) stanza = NULL;
      g_autoptr(XmppJid) anyone = xmpp_jid_new ("a@b", NULL);

      g_assert_nonnull (message);
      g_assert_null (xmpp_message_get_from (message));
      g_assert_null (xmpp_message_get_to (message));
      g_assert_null (xmpp_message_get_delay (message));
      g_assert_null (xmpp_message_get_origin_id (message));
      g_assert_null (xmpp_message_get_thread (message));
      g_assert_null (xmpp_message_get_stanza_id (message, anyone));
      stanza = xmpp_message_to_stanza (message);
      g_assert_nonnull (stanza);
      xmpp_message_check_error (message, NULL);
    }

  {
    g_autoptr(XmppMessage) empty = receive (xmls[0]);
    g_autoptr(XmppMessage) mixed = receive (xmls[1]);

    g_assert_cmpstr (xmpp_message_get_body (empty, NULL), ==, "");
    g_assert_cmpstr (xmpp_message_get_body (mixed, "en"), ==, " tail");
  }
}

static void
test_many_languages (void)
{
  g_autoptr(GString) xml = g_string_new ("<message>");
  g_autoptr(XmppMessage) message = NULL;
  g_auto(GStrv) langs = NULL;
  g_autoptr(XmppStanza) written = NULL;
  g_autoptr(XmppMessage) again = NULL;
  g_auto(GStrv) langs_again = NULL;
  guint n = 20000;

  g_test_summary ("A hostile message with tens of thousands of languages is read in "
                  "linear time, and of each language (compared without regard to case) "
                  "the first body counts, however many came before it.");

  for (guint i = 0; i < n; i++)
    g_string_append_printf (xml, "<body xml:lang='l%u'>%u</body>", i, i);
  /* Repeats, first of a language read one by one, then through the
   * hash table. */
  g_string_append (xml, "<body xml:lang='L1'>again</body><body xml:lang='L19999'>again</body>"
                        "<body>unlabelled</body><body xml:lang=''>again</body></message>");
  message = receive (xml->str);
  g_assert_nonnull (message);
  langs = xmpp_message_get_body_languages (message);
  g_assert_cmpuint (g_strv_length (langs), ==, n + 1);
  g_assert_cmpstr (langs[0], ==, "l0");
  g_assert_cmpstr (langs[n - 1], ==, "l19999");
  g_assert_cmpstr (langs[n], ==, "");
  g_assert_cmpstr (xmpp_message_get_body (message, "L1"), ==, "1");
  g_assert_cmpstr (xmpp_message_get_body (message, "l19999"), ==, "19999");
  g_assert_cmpstr (xmpp_message_get_body (message, NULL), ==, "unlabelled");

  written = xmpp_message_to_stanza (message);
  again = xmpp_message_new_from_stanza (written);
  langs_again = xmpp_message_get_body_languages (again);
  g_assert_cmpstrv (langs, langs_again);
}

static void
test_set_texts (void)
{
  g_autoptr(XmppMessage) message = xmpp_message_new (XMPP_MESSAGE_TYPE_CHAT, NULL, "hello");
  g_auto(GStrv) langs = NULL;
  g_auto(GStrv) subjects = NULL;

  xmpp_message_set_body (message, "fr", "bonjour");
  xmpp_message_set_body (message, "de", "hallo");
  /* A text of the message itself, as it is replaced. */
  xmpp_message_set_body (message, "de", xmpp_message_get_body (message, "fr"));
  xmpp_message_set_body (message, "fr", xmpp_message_get_body (message, "fr"));
  g_assert_cmpstr (xmpp_message_get_body (message, "de"), ==, "bonjour");
  g_assert_cmpstr (xmpp_message_get_body (message, "fr"), ==, "bonjour");
  /* The spelling of the language follows the last setter. */
  xmpp_message_set_body (message, "FR", "salut");
  langs = xmpp_message_get_body_languages (message);
  g_assert_cmpuint (g_strv_length (langs), ==, 3);
  g_assert_cmpstr (langs[0], ==, "");
  g_assert_cmpstr (langs[1], ==, "FR");
  g_assert_cmpstr (langs[2], ==, "de");
  g_assert_cmpstr (xmpp_message_get_body (message, "fr"), ==, "salut");

  xmpp_message_set_body (message, "", NULL);
  g_assert_cmpstr (xmpp_message_get_body (message, NULL), ==, "salut");
  xmpp_message_set_body (message, "it", NULL);

  subjects = xmpp_message_get_subject_languages (message);
  g_assert_null (subjects[0]);
  g_assert_null (xmpp_message_get_subject (message, NULL));
  xmpp_message_set_subject (message, "de", "Gru\xc3\x9f");
  xmpp_message_set_subject (message, NULL, "Greeting");
  g_assert_cmpstr (xmpp_message_get_subject (message, NULL), ==, "Greeting");
  g_assert_cmpstr (xmpp_message_get_subject (message, "DE"), ==, "Gru\xc3\x9f");
  xmpp_message_set_subject (message, NULL, NULL);
  g_assert_cmpstr (xmpp_message_get_subject (message, NULL), ==, "Gru\xc3\x9f");
}

static void
test_hostile_stamps (void)
{
  static const char *const stamps[] = {
    "0001-01-01T00:00:00+05:00",   /* before year 1 in UTC */
    "9999-12-31T23:59:59-05:00",   /* after 9999 in UTC */
    "0000-01-01T00:00:00Z",
    "2002-02-30T00:00:00Z",
    "2002-09-10T23:08:25+99:99",
    "99999-01-01T00:00:00Z",
    "2002-09-10T23:08:25.99999999999999999999Z",
    "T",
    "-",
  };
  static const char *const legacy[] = {
    "00000101T00:00:00", "99991231T23:59:60", "20020230T00:00:00", "20020910T24:00:00",
    "20020910T23:60:00", "20020910T23:08:2", "20020910T23:08:255", "2002091 T23:08:25",
  };

  for (guint i = 0; i < G_N_ELEMENTS (stamps); i++)
    {
      g_autofree char *xml = g_strdup_printf ("<message><delay xmlns='urn:xmpp:delay' from='a@b' "
                                              "stamp='%s'/></message>", stamps[i]);
      g_autoptr(XmppMessage) message = receive (xml);

      g_assert_null (xmpp_message_get_delay (message));
      g_assert_null (xmpp_message_get_delay_from (message));
    }
  for (guint i = 0; i < G_N_ELEMENTS (legacy); i++)
    {
      g_autofree char *xml = g_strdup_printf ("<message><x xmlns='jabber:x:delay' stamp='%s'/></message>",
                                              legacy[i]);
      g_autoptr(XmppMessage) message = receive (xml);

      g_assert_null (xmpp_message_get_delay (message));
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/message/parse/languages", test_parse_languages);
  g_test_add_func ("/message/parse/types", test_parse_types);
  g_test_add_func ("/message/parse/delay", test_parse_delay);
  g_test_add_func ("/message/parse/ids", test_parse_ids);
  g_test_add_func ("/message/parse/thread", test_parse_thread);
  g_test_add_func ("/message/parse/payloads", test_parse_payloads);
  g_test_add_func ("/message/parse/robust", test_robust);
  g_test_add_func ("/message/parse/many-languages", test_many_languages);
  g_test_add_func ("/message/parse/hostile-stamps", test_hostile_stamps);
  g_test_add_func ("/message/texts", test_set_texts);
  g_test_add_func ("/message/error", test_error);
  g_test_add_func ("/message/new", test_new);
  g_test_add_func ("/message/round-trip", test_round_trip);
  g_test_add_func ("/message/reply", test_reply);
  g_test_add_func ("/message/notify", test_notify);

  return g_test_run ();
}
