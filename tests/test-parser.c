/* test-parser.c: tests of XmppParser
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include <xmpp-glib/xmpp-glib.h>

#include "xmpp-glib/xmpp-parser-private.h"

#define STREAM_NS "http://etherx.jabber.org/streams"

#define HEADER \
  "<?xml version='1.0'?>" \
  "<stream:stream xmlns='jabber:client' xmlns:stream='" STREAM_NS "'" \
  " from='example.com' to='juliet@example.com' id='s1'" \
  " version='1.0' xml:lang='en'>"

/* A stream with a bit of everything: several kinds of stanza, white space
 * between them, multi-byte characters, entities, CDATA, mixed content and
 * namespaces. */
static const char full_stream[] =
  HEADER
  "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>\n"
  "<message from='romeo@example.net/orchard' to='juliet@example.com' type='chat' id='m1'>"
  "<body>Art thou not Romeo, and a Montague? &amp; caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80</body>"
  "<thread>t-1</thread>"
  "<active xmlns='http://jabber.org/protocol/chatstates'/>"
  "</message>\n  "
  "<presence from='romeo@example.net/orchard'><show>away</show>"
  "<status>a &lt;b&gt; &quot;c&quot; &apos;d&apos;</status></presence>"
  "<iq type='get' id='i&amp;1'><query xmlns='jabber:iq:roster' ver=''/></iq>"
  "<message id='m2'>"
  "<body>one <b xmlns='urn:x'>two</b> three<![CDATA[ <four> & ]]>five</body>"
  "</message>"
  "<iq xmlns:p='urn:p' type='result' id='i2'>"
  "<p:x p:a='1' b='&#x41;&#65;'>\xe4\xb8\xad\xe6\x96\x87</p:x>"
  "</iq>"
  "\n</stream:stream>";

typedef struct
{
  GPtrArray *stanzas;          /* XmppStanza */
  GPtrArray *headers;          /* XmppStreamHeader */
  guint n_stream_ends;
  guint n_after_error;
  gboolean failed;
} Events;

static void
on_stream_start (XmppParser       *parser,
                 XmppStreamHeader *header,
                 Events           *events)
{
  g_ptr_array_add (events->headers, xmpp_stream_header_ref (header));
}

static void
on_stanza (XmppParser *parser,
           XmppStanza *stanza,
           Events     *events)
{
  g_ptr_array_add (events->stanzas, xmpp_stanza_ref (stanza));
}

static void
on_stream_end (XmppParser *parser,
               Events     *events)
{
  events->n_stream_ends++;
}

static void
events_init (Events *events)
{
  events->stanzas = g_ptr_array_new_with_free_func ((GDestroyNotify) xmpp_stanza_unref);
  events->headers = g_ptr_array_new_with_free_func ((GDestroyNotify) xmpp_stream_header_unref);
  events->n_stream_ends = 0;
}

static void
events_clear (Events *events)
{
  g_ptr_array_unref (events->stanzas);
  g_ptr_array_unref (events->headers);
}

static XmppParser *
new_parser (Events *events)
{
  XmppParser *parser = xmpp_parser_new ();

  events_init (events);
  g_signal_connect (parser, "stream-start", G_CALLBACK (on_stream_start), events);
  g_signal_connect (parser, "stanza", G_CALLBACK (on_stanza), events);
  g_signal_connect (parser, "stream-end", G_CALLBACK (on_stream_end), events);
  return parser;
}

static gboolean
feed (XmppParser  *parser,
      const char  *data,
      gssize       length,
      GError     **error)
{
  if (length < 0)
    length = strlen (data);
  return xmpp_parser_feed (parser, (const guint8 *) data, length, error);
}

/* Feeds @data whole, then checks it went through. */
static void
feed_ok (XmppParser *parser,
         const char *data)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = feed (parser, data, -1, &error);

  g_assert_no_error (error);
  g_assert_true (ok);
}

static XmppElement *
stanza_element (Events *events,
                guint   index_)
{
  g_assert_cmpuint (index_, <, events->stanzas->len);
  return xmpp_stanza_get_element (g_ptr_array_index (events->stanzas, index_));
}

static void
assert_same_stanzas (GPtrArray *a,
                     GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    {
      XmppStanza *sa = g_ptr_array_index (a, i);
      XmppStanza *sb = g_ptr_array_index (b, i);
      g_autofree char *ta = xmpp_stanza_to_string (sa);
      g_autofree char *tb = xmpp_stanza_to_string (sb);

      g_assert_true (xmpp_element_equal (xmpp_stanza_get_element (sa),
                                         xmpp_stanza_get_element (sb)));
      g_assert_cmpstr (ta, ==, tb);
    }
}

/* Feeds @data to a fresh parser and expects it to fail with @code, with no
 * stanza reported from @data. Returns the events for more checks. */
static void
assert_stream_fails (const char      *prefix,
                     const char      *data,
                     gssize           length,
                     XmppStreamError  code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) again = NULL;
  XmppParser *parser;
  Events events;
  guint n_stanzas;

  parser = new_parser (&events);
  if (prefix != NULL)
    feed_ok (parser, prefix);
  n_stanzas = events.stanzas->len;

  g_assert_false (feed (parser, data, length, &error));
  g_assert_error (error, XMPP_STREAM_ERROR, (gint) code);
  g_test_message ("%s", error->message);
  g_assert_cmpuint (events.stanzas->len, ==, n_stanzas);

  /* The error sticks, and nothing more is reported. */
  g_assert_false (feed (parser, "<presence/>", -1, &again));
  g_assert_error (again, XMPP_STREAM_ERROR, (gint) code);
  g_assert_cmpuint (events.stanzas->len, ==, n_stanzas);

  g_object_unref (parser);
  events_clear (&events);
}

/* Header and stanzas */

static void
test_header (void)
{
  Events events;
  XmppParser *parser = new_parser (&events);
  XmppStreamHeader *header;

  feed_ok (parser, HEADER);
  g_assert_cmpuint (events.headers->len, ==, 1);
  header = g_ptr_array_index (events.headers, 0);
  g_assert_cmpstr (xmpp_stream_header_get_from (header), ==, "example.com");
  g_assert_cmpstr (xmpp_stream_header_get_to (header), ==, "juliet@example.com");
  g_assert_cmpstr (xmpp_stream_header_get_id (header), ==, "s1");
  g_assert_cmpstr (xmpp_stream_header_get_version (header), ==, "1.0");
  g_assert_cmpstr (xmpp_stream_header_get_lang (header), ==, "en");
  g_assert_cmpstr (xmpp_stream_header_get_content_namespace (header), ==, "jabber:client");
  g_assert_cmpuint (events.stanzas->len, ==, 0);
  g_assert_cmpuint (events.n_stream_ends, ==, 0);

  g_object_unref (parser);
  events_clear (&events);
}

static void
test_header_minimal (void)
{
  Events events;
  XmppParser *parser = new_parser (&events);
  XmppStreamHeader *header;

  g_test_summary ("A header without a default namespace nor attributes, with "
                  "another prefix, reports NULL for each");

  feed_ok (parser, "<s:stream xmlns:s='" STREAM_NS "'>");
  g_assert_cmpuint (events.headers->len, ==, 1);
  header = g_ptr_array_index (events.headers, 0);
  g_assert_null (xmpp_stream_header_get_content_namespace (header));
  g_assert_null (xmpp_stream_header_get_from (header));
  g_assert_null (xmpp_stream_header_get_to (header));
  g_assert_null (xmpp_stream_header_get_id (header));
  g_assert_null (xmpp_stream_header_get_version (header));
  g_assert_null (xmpp_stream_header_get_lang (header));

  g_object_unref (parser);
  events_clear (&events);
}

static void
test_stanzas (void)
{
  Events events;
  XmppParser *parser = new_parser (&events);
  XmppElement *element, *child;

  feed_ok (parser, full_stream);
  g_assert_cmpuint (events.headers->len, ==, 1);
  g_assert_cmpuint (events.stanzas->len, ==, 6);
  g_assert_cmpuint (events.n_stream_ends, ==, 1);

  g_assert_cmpint (xmpp_stanza_get_kind (g_ptr_array_index (events.stanzas, 0)), ==,
                   XMPP_STANZA_KIND_OTHER);
  element = stanza_element (&events, 0);
  g_assert_true (xmpp_element_is (element, "features", STREAM_NS));
  g_assert_nonnull (xmpp_element_get_child (element, "bind", "urn:ietf:params:xml:ns:xmpp-bind"));

  g_assert_cmpint (xmpp_stanza_get_kind (g_ptr_array_index (events.stanzas, 1)), ==,
                   XMPP_STANZA_KIND_MESSAGE);
  element = stanza_element (&events, 1);
  g_assert_true (xmpp_element_is (element, "message", "jabber:client"));
  g_assert_cmpstr (xmpp_element_get_attribute (element, "from"), ==, "romeo@example.net/orchard");
  g_assert_cmpstr (xmpp_element_get_attribute (element, "type"), ==, "chat");
  g_assert_cmpstr (xmpp_element_get_attribute (element, "id"), ==, "m1");
  g_assert_cmpuint (xmpp_element_get_n_attributes (element), ==, 4);
  g_assert_cmpstr (xmpp_element_get_child_text (element, "body", "jabber:client"), ==,
                   "Art thou not Romeo, and a Montague? "
                   "& caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
  g_assert_cmpstr (xmpp_element_get_child_text (element, "thread", NULL), ==, "t-1");
  g_assert_nonnull (xmpp_element_get_child (element, "active",
                                            "http://jabber.org/protocol/chatstates"));
  g_assert_cmpuint (xmpp_element_get_n_children (element), ==, 3);

  g_assert_cmpint (xmpp_stanza_get_kind (g_ptr_array_index (events.stanzas, 2)), ==,
                   XMPP_STANZA_KIND_PRESENCE);
  element = stanza_element (&events, 2);
  g_assert_cmpstr (xmpp_element_get_child_text (element, "show", NULL), ==, "away");
  g_assert_cmpstr (xmpp_element_get_child_text (element, "status", NULL), ==,
                   "a <b> \"c\" 'd'");

  g_assert_cmpint (xmpp_stanza_get_kind (g_ptr_array_index (events.stanzas, 3)), ==,
                   XMPP_STANZA_KIND_IQ);
  element = stanza_element (&events, 3);
  g_assert_cmpstr (xmpp_stanza_get_id (g_ptr_array_index (events.stanzas, 3)), ==, "i&1");
  child = xmpp_element_get_child (element, "query", "jabber:iq:roster");
  g_assert_nonnull (child);
  g_assert_cmpstr (xmpp_element_get_attribute (child, "ver"), ==, "");

  /* Mixed content keeps its order; CDATA joins the text around it. */
  element = xmpp_element_get_child (stanza_element (&events, 4), "body", NULL);
  g_assert_cmpstr (xmpp_element_get_leading_text (element), ==, "one ");
  child = xmpp_element_get_child (element, "b", "urn:x");
  g_assert_nonnull (child);
  g_assert_cmpstr (xmpp_element_get_text (child), ==, "two");
  g_assert_cmpstr (xmpp_element_get_tail (child), ==, " three <four> & five");
  g_assert_cmpstr (xmpp_element_get_text (element), ==, "one  three <four> & five");

  /* Prefixed elements and attributes. */
  child = xmpp_element_get_child (stanza_element (&events, 5), "x", "urn:p");
  g_assert_nonnull (child);
  g_assert_cmpstr (xmpp_element_get_attribute_ns (child, "a", "urn:p"), ==, "1");
  g_assert_null (xmpp_element_get_attribute (child, "a"));
  g_assert_cmpstr (xmpp_element_get_attribute (child, "b"), ==, "AA");
  g_assert_cmpstr (xmpp_element_get_text (child), ==, "\xe4\xb8\xad\xe6\x96\x87");

  g_object_unref (parser);
  events_clear (&events);
}

static void
test_stanza_signal_order (void)
{
  Events events;
  XmppParser *parser = new_parser (&events);

  g_test_summary ("A complete stanza is reported by the feed that completes it, "
                  "without waiting for more data");

  feed_ok (parser, HEADER);
  g_assert_cmpuint (events.headers->len, ==, 1);
  feed_ok (parser, "<presence/>");
  g_assert_cmpuint (events.stanzas->len, ==, 1);
  feed_ok (parser, "<message><body>hi</body></messa");
  g_assert_cmpuint (events.stanzas->len, ==, 1);
  feed_ok (parser, "ge>");
  g_assert_cmpuint (events.stanzas->len, ==, 2);
  feed_ok (parser, " ");
  feed_ok (parser, "</stream:stream>");
  g_assert_cmpuint (events.n_stream_ends, ==, 1);
  /* White space after the end is harmless. */
  feed_ok (parser, "\n");

  g_object_unref (parser);
  events_clear (&events);
}

/* Splitting */

static void
parse_in_pieces (const char *data,
                 gsize       length,
                 GRand      *rand,
                 gsize       piece,
                 Events     *events)
{
  XmppParser *parser = new_parser (events);
  gsize offset = 0;

  while (offset < length)
    {
      gsize n;
      g_autoptr(GError) error = NULL;

      if (rand != NULL)
        n = g_rand_int_range (rand, 1, 40);
      else
        n = piece;
      n = MIN (n, length - offset);
      g_assert_true (xmpp_parser_feed (parser, (const guint8 *) data + offset, n, &error));
      g_assert_no_error (error);
      offset += n;
    }
  g_object_unref (parser);
}

static void
test_split (void)
{
  gsize length = strlen (full_stream);
  Events whole, bytes;

  g_test_summary ("The same stream fed whole, one byte at a time and in random "
                  "pieces gives the same stanzas");

  parse_in_pieces (full_stream, length, NULL, length, &whole);
  g_assert_cmpuint (whole.stanzas->len, ==, 6);
  g_assert_cmpuint (whole.n_stream_ends, ==, 1);

  parse_in_pieces (full_stream, length, NULL, 1, &bytes);
  assert_same_stanzas (whole.stanzas, bytes.stanzas);
  g_assert_cmpuint (bytes.n_stream_ends, ==, 1);
  events_clear (&bytes);

  /* Fixed seeds, so that a failure can be replayed. */
  for (guint32 seed = 1; seed <= 50; seed++)
    {
      g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
      Events random;

      parse_in_pieces (full_stream, length, rand, 0, &random);
      assert_same_stanzas (whole.stanzas, random.stanzas);
      g_assert_cmpuint (random.headers->len, ==, 1);
      g_assert_cmpuint (random.n_stream_ends, ==, 1);
      events_clear (&random);
    }

  events_clear (&whole);
}

static void
test_split_utf8 (void)
{
  static const char *characters[] = {
    "\xc3\xa9",                 /* é, 2 bytes */
    "\xe2\x82\xac",             /* €, 3 bytes */
    "\xf0\x9f\x98\x80",         /* 😀, 4 bytes */
  };

  g_test_summary ("A multi-byte UTF-8 character split between two feeds, in text "
                  "and in an attribute value, at every possible place");

  for (guint c = 0; c < G_N_ELEMENTS (characters); c++)
    {
      const char *character = characters[c];
      gsize char_length = strlen (character);
      g_autofree char *stanza = g_strdup_printf ("<message id='%s'><body>a%sb</body></message>",
                                                 character, character);
      g_autofree char *body = g_strdup_printf ("a%sb", character);
      const char *in_attribute = strstr (stanza, character);
      const char *in_text = strstr (in_attribute + char_length, character);
      const char *places[] = { in_attribute, in_text };

      for (guint p = 0; p < G_N_ELEMENTS (places); p++)
        for (gsize cut = 1; cut < char_length; cut++)
          {
            Events events;
            XmppParser *parser = new_parser (&events);
            gsize split = places[p] - stanza + cut;
            XmppElement *element;

            feed_ok (parser, HEADER);
            g_assert_true (feed (parser, stanza, split, NULL));
            g_assert_true (feed (parser, stanza + split, -1, NULL));
            g_assert_cmpuint (events.stanzas->len, ==, 1);
            element = stanza_element (&events, 0);
            g_assert_cmpstr (xmpp_element_get_attribute (element, "id"), ==, character);
            g_assert_cmpstr (xmpp_element_get_child_text (element, "body", NULL), ==, body);

            g_object_unref (parser);
            events_clear (&events);
          }
    }
}

static void
test_roundtrip (void)
{
  Events events;
  XmppParser *parser = new_parser (&events);

  g_test_summary ("Each stanza serialised and parsed again gives the same tree");

  feed_ok (parser, full_stream);
  g_assert_cmpuint (events.stanzas->len, ==, 6);
  for (guint i = 0; i < events.stanzas->len; i++)
    {
      XmppStanza *stanza = g_ptr_array_index (events.stanzas, i);
      g_autofree char *text = xmpp_stanza_to_string (stanza);
      g_autoptr(GError) error = NULL;
      g_autoptr(XmppStanza) again = xmpp_stanza_new_from_string (text, -1, &error);
      g_autofree char *text_again = NULL;

      g_assert_no_error (error);
      g_assert_nonnull (again);
      g_assert_true (xmpp_element_equal (xmpp_stanza_get_element (stanza),
                                         xmpp_stanza_get_element (again)));
      text_again = xmpp_stanza_to_string (again);
      g_assert_cmpstr (text, ==, text_again);
    }

  g_object_unref (parser);
  events_clear (&events);
}

/* End and restart */

static void
test_stream_end (void)
{
  g_autoptr(GError) error = NULL;
  Events events;
  XmppParser *parser = new_parser (&events);

  feed_ok (parser, HEADER "<presence/></stream:stream>");
  g_assert_cmpuint (events.stanzas->len, ==, 1);
  g_assert_cmpuint (events.n_stream_ends, ==, 1);

  /* Anything but white space after the end is an error. */
  g_assert_false (feed (parser, " <presence/>", -1, &error));
  g_assert_error (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_NOT_WELL_FORMED);
  g_assert_cmpuint (events.stanzas->len, ==, 1);

  g_object_unref (parser);
  events_clear (&events);
}

static void
test_reset (void)
{
  Events events;
  XmppParser *parser = new_parser (&events);

  g_test_summary ("After a reset the parser expects a new stream header, as for "
                  "the restart after STARTTLS or SASL");

  feed_ok (parser, HEADER "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
  g_assert_cmpuint (events.stanzas->len, ==, 1);

  xmpp_parser_reset (parser);
  feed_ok (parser, "<stream:stream xmlns='jabber:client' xmlns:stream='" STREAM_NS "' id='s2'>"
                   "<presence/>");
  g_assert_cmpuint (events.headers->len, ==, 2);
  g_assert_cmpstr (xmpp_stream_header_get_id (g_ptr_array_index (events.headers, 1)), ==, "s2");
  g_assert_cmpuint (events.stanzas->len, ==, 2);
  g_assert_true (xmpp_element_is (stanza_element (&events, 1), "presence", "jabber:client"));

  /* A reset also clears an error. */
  g_assert_false (feed (parser, "<!-- no -->", -1, NULL));
  xmpp_parser_reset (parser);
  feed_ok (parser, HEADER "<iq type='get' id='1'/>");
  g_assert_cmpuint (events.headers->len, ==, 3);
  g_assert_cmpuint (events.stanzas->len, ==, 3);

  g_object_unref (parser);
  events_clear (&events);
}

static void
reset_on_stanza (XmppParser *parser,
                 XmppStanza *stanza,
                 Events     *events)
{
  if (xmpp_element_is (xmpp_stanza_get_element (stanza), "proceed", NULL))
    xmpp_parser_reset (parser);
}

static void
test_reset_in_callback (void)
{
  Events events;
  XmppParser *parser = new_parser (&events);

  g_test_summary ("A reset from the stanza handler takes effect when the feed "
                  "returns; the rest of that feed is discarded");

  g_signal_connect_after (parser, "stanza", G_CALLBACK (reset_on_stanza), &events);
  feed_ok (parser, HEADER "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/><presence/>junk<");
  g_assert_cmpuint (events.stanzas->len, ==, 1);

  feed_ok (parser, HEADER "<presence/>");
  g_assert_cmpuint (events.headers->len, ==, 2);
  g_assert_cmpuint (events.stanzas->len, ==, 2);

  g_object_unref (parser);
  events_clear (&events);
}

static void
reset_in_handler (XmppStanza *stanza,
                  gpointer    user_data)
{
  XmppParser *parser = user_data;

  xmpp_parser_reset (parser);
}

static void
test_reset_in_handler (void)
{
  static const XmppParserHandlers handlers = { NULL, reset_in_handler, NULL };
  XmppParser *parser = xmpp_parser_new ();

  xmpp_parser_set_handlers (parser, &handlers, parser);
  feed_ok (parser, HEADER "<presence/><presence/>");
  feed_ok (parser, HEADER "<presence/>trailing junk");
  g_object_unref (parser);
}

static void
unref_on_stanza (XmppParser *parser,
                 XmppStanza *stanza,
                 gpointer    user_data)
{
  XmppParser **owner = user_data;

  g_clear_object (owner);
}

static void
test_unref_in_callback (void)
{
  XmppParser *parser = xmpp_parser_new ();
  XmppParser *owner = parser;

  g_test_summary ("A handler may drop the last reference to the parser");

  g_object_add_weak_pointer (G_OBJECT (parser), (gpointer *) &parser);
  g_signal_connect (parser, "stanza", G_CALLBACK (unref_on_stanza), &owner);
  g_assert_true (feed (parser, HEADER "<presence/><presence/></stream:stream>", -1, NULL));
  g_assert_null (owner);
  g_assert_null (parser);
}

static void
dispose_on_stanza (XmppParser *parser,
                   XmppStanza *stanza,
                   Events     *events)
{
  g_object_run_dispose (G_OBJECT (parser));
}

static void
test_dispose_in_callback (void)
{
  Events events;
  XmppParser *parser = new_parser (&events);

  g_signal_connect (parser, "stanza", G_CALLBACK (dispose_on_stanza), &events);
  feed_ok (parser, HEADER "<presence/><presence/></stream:stream>");
  g_assert_cmpuint (events.stanzas->len, ==, 1);
  g_assert_cmpuint (events.n_stream_ends, ==, 0);
  /* Still safe to use, although nobody listens any more. */
  feed (parser, "<presence/>", -1, NULL);
  g_assert_cmpuint (events.stanzas->len, ==, 1);

  g_object_unref (parser);
  events_clear (&events);
}

static void
count_stream_start (XmppStreamHeader *header,
                    gpointer          user_data)
{
  guint *counts = user_data;

  g_assert_cmpstr (xmpp_stream_header_get_id (header), ==, "s1");
  counts[0]++;
}

static void
count_stanza (XmppStanza *stanza,
              gpointer    user_data)
{
  guint *counts = user_data;

  counts[1]++;
}

static void
count_stream_end (gpointer user_data)
{
  guint *counts = user_data;

  counts[2]++;
}

static void
test_handlers (void)
{
  static const XmppParserHandlers handlers = {
    count_stream_start, count_stanza, count_stream_end
  };
  Events events;
  XmppParser *parser = new_parser (&events);
  guint counts[3] = { 0, 0, 0 };

  g_test_summary ("With private handlers set, they are called and no signal is emitted");

  xmpp_parser_set_handlers (parser, &handlers, counts);
  feed_ok (parser, full_stream);
  g_assert_cmpuint (counts[0], ==, 1);
  g_assert_cmpuint (counts[1], ==, 6);
  g_assert_cmpuint (counts[2], ==, 1);
  g_assert_cmpuint (events.headers->len, ==, 0);
  g_assert_cmpuint (events.stanzas->len, ==, 0);
  g_assert_cmpuint (events.n_stream_ends, ==, 0);

  /* Back to signals. */
  xmpp_parser_set_handlers (parser, NULL, NULL);
  xmpp_parser_reset (parser);
  feed_ok (parser, full_stream);
  g_assert_cmpuint (counts[1], ==, 6);
  g_assert_cmpuint (events.stanzas->len, ==, 6);

  g_object_unref (parser);
  events_clear (&events);
}

/* Fragments */

static void
test_fragment (void)
{
  g_autoptr(GError) error = NULL;
  XmppParser *parser;
  Events events;

  g_test_summary ("A fragment parser reports its root element as a stanza and "
                  "its finish checks that the element was complete");

  parser = xmpp_parser_new_fragment ();
  events_init (&events);
  g_signal_connect (parser, "stanza", G_CALLBACK (on_stanza), &events);
  g_signal_connect (parser, "stream-start", G_CALLBACK (on_stream_start), &events);
  feed_ok (parser, "<message xmlns='jabber:client'><body>x</bo");
  feed_ok (parser, "dy></message>");
  g_assert_true (xmpp_parser_finish (parser, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (events.stanzas->len, ==, 1);
  g_assert_cmpuint (events.headers->len, ==, 0);
  g_assert_true (xmpp_element_is (stanza_element (&events, 0), "message", "jabber:client"));

  /* Nothing more may come. */
  g_assert_false (feed (parser, "<presence/>", -1, &error));
  g_assert_error (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_NOT_WELL_FORMED);
  g_clear_error (&error);

  /* An incomplete element. */
  xmpp_parser_reset (parser);
  feed_ok (parser, "<message><body>x</body>");
  g_assert_false (xmpp_parser_finish (parser, &error));
  g_assert_error (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_NOT_WELL_FORMED);
  g_clear_error (&error);

  /* Nothing at all. */
  xmpp_parser_reset (parser);
  g_assert_false (xmpp_parser_finish (parser, &error));
  g_assert_error (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_NOT_WELL_FORMED);
  g_clear_error (&error);

  /* A second element. */
  xmpp_parser_reset (parser);
  g_assert_false (feed (parser, "<a/><b/>", -1, &error));
  g_assert_error (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_NOT_WELL_FORMED);
  g_clear_error (&error);

  /* Restricted XML applies too. */
  xmpp_parser_reset (parser);
  g_assert_false (feed (parser, "<a><!-- x --></a>", -1, &error));
  g_assert_error (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_RESTRICTED_XML);

  g_object_unref (parser);
  events_clear (&events);
}

static void
test_stream_finish (void)
{
  g_autoptr(GError) error = NULL;
  Events events;
  XmppParser *parser = new_parser (&events);

  feed_ok (parser, HEADER "<presence/>");
  g_assert_false (xmpp_parser_finish (parser, &error));
  g_assert_error (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_NOT_WELL_FORMED);
  g_clear_error (&error);

  xmpp_parser_reset (parser);
  feed_ok (parser, HEADER "<presence/></stream:stream>");
  g_assert_true (xmpp_parser_finish (parser, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (events.n_stream_ends, ==, 2 - 1);

  g_object_unref (parser);
  events_clear (&events);
}

/* Restricted XML */

static void
test_restricted_dtd (void)
{
  assert_stream_fails (NULL,
                       "<?xml version='1.0'?><!DOCTYPE stream:stream>"
                       "<stream:stream xmlns='jabber:client' xmlns:stream='" STREAM_NS "'>",
                       -1, XMPP_STREAM_ERROR_RESTRICTED_XML);
}

static void
test_restricted_billion_laughs (void)
{
  g_test_summary ("An internal subset declaring entities is refused before any "
                  "entity is declared or expanded");

  assert_stream_fails (NULL,
                       "<?xml version='1.0'?>"
                       "<!DOCTYPE lolz [<!ENTITY lol 'lol'>"
                       "<!ENTITY lol1 '&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;'>"
                       "<!ENTITY lol2 '&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;'>"
                       "<!ENTITY lol3 '&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;'>]>"
                       "<stream:stream xmlns='jabber:client' xmlns:stream='" STREAM_NS "'>"
                       "<message><body>&lol3;</body></message>",
                       -1, XMPP_STREAM_ERROR_RESTRICTED_XML);
}

static void
test_restricted_external_entity (void)
{
  assert_stream_fails (NULL,
                       "<!DOCTYPE s [<!ENTITY xxe SYSTEM 'file:///etc/passwd'>]>"
                       "<stream:stream xmlns='jabber:client' xmlns:stream='" STREAM_NS "'>"
                       "<message><body>&xxe;</body></message>",
                       -1, XMPP_STREAM_ERROR_RESTRICTED_XML);
  assert_stream_fails (NULL,
                       "<!DOCTYPE s SYSTEM 'http://example.com/s.dtd'>"
                       "<stream:stream xmlns='jabber:client' xmlns:stream='" STREAM_NS "'>",
                       -1, XMPP_STREAM_ERROR_RESTRICTED_XML);
}

static void
test_restricted_entity_reference (void)
{
  assert_stream_fails (HEADER, "<message><body>&nbsp;</body></message>", -1,
                       XMPP_STREAM_ERROR_RESTRICTED_XML);
  assert_stream_fails (HEADER, "<message id='&foo;'/>", -1,
                       XMPP_STREAM_ERROR_RESTRICTED_XML);
}

static void
test_restricted_pi (void)
{
  assert_stream_fails (NULL, "<?xml version='1.0'?><?xml-stylesheet href='a.xsl'?>", -1,
                       XMPP_STREAM_ERROR_RESTRICTED_XML);
  assert_stream_fails (HEADER, "<message><?php echo 1; ?></message><presence/>", -1,
                       XMPP_STREAM_ERROR_RESTRICTED_XML);
}

static void
test_restricted_comment (void)
{
  assert_stream_fails (NULL, "<!-- hello --><stream:stream xmlns:stream='" STREAM_NS "'>", -1,
                       XMPP_STREAM_ERROR_RESTRICTED_XML);
  assert_stream_fails (HEADER, "<message><!-- hello --></message><presence/>", -1,
                       XMPP_STREAM_ERROR_RESTRICTED_XML);
  assert_stream_fails (HEADER "<presence/>", "<!-- between --><presence/>", -1,
                       XMPP_STREAM_ERROR_RESTRICTED_XML);
}

static void
test_restricted_no_stanza_after (void)
{
  Events events;
  XmppParser *parser = new_parser (&events);

  g_test_summary ("Stanzas before restricted XML in the same feed are reported, "
                  "none after it");

  g_assert_false (feed (parser, HEADER "<presence/><!-- x --><presence/>", -1, NULL));
  g_assert_cmpuint (events.stanzas->len, ==, 1);

  g_object_unref (parser);
  events_clear (&events);
}

/* Entities and characters */

static void
test_entities (void)
{
  Events events;
  XmppParser *parser = new_parser (&events);
  XmppElement *element;

  g_test_summary ("The predefined entities and character references are decoded in "
                  "text and attribute values");

  feed_ok (parser, HEADER
           "<message id='&amp;&lt;&gt;&quot;&apos;&#x41;&#65;&#38;&#x26;&#60;\xc3\xa9&amp;amp;'>"
           "<body>&amp;&lt;&gt;&quot;&apos;&#x41;&#65;&#38;&#x26;&#60;&#xe9;&amp;amp;</body>"
           "<x a='&#38;#38;' b='a&#9;b&#10;c' c='a\tb\nc'/>"
           "</message>");
  g_assert_cmpuint (events.stanzas->len, ==, 1);
  element = stanza_element (&events, 0);
  g_assert_cmpstr (xmpp_element_get_attribute (element, "id"), ==, "&<>\"'AA&&<\xc3\xa9&amp;");
  g_assert_cmpstr (xmpp_element_get_child_text (element, "body", NULL), ==,
                   "&<>\"'AA&&<\xc3\xa9&amp;");
  element = xmpp_element_get_child (element, "x", NULL);
  g_assert_cmpstr (xmpp_element_get_attribute (element, "a"), ==, "&#38;");
  g_assert_cmpstr (xmpp_element_get_attribute (element, "b"), ==, "a\tb\nc");
  /* Literal white space in attribute values is normalised to spaces. */
  g_assert_cmpstr (xmpp_element_get_attribute (element, "c"), ==, "a b c");

  g_object_unref (parser);
  events_clear (&events);
}

static void
test_namespace_entities (void)
{
  Events events;
  XmppParser *parser = new_parser (&events);
  XmppElement *element;

  g_test_summary ("References in namespace names are decoded like those in "
                  "attribute values");

  feed_ok (parser,
           "<stream:stream xmlns='urn:a&amp;b' xmlns:stream='" STREAM_NS "'"
           " xmlns:p='urn:&#38;&#x26;&lt;'>"
           "<message p:q='1'><x xmlns='urn:c&amp;d'/></message>");
  g_assert_cmpuint (events.headers->len, ==, 1);
  g_assert_cmpstr (xmpp_stream_header_get_content_namespace (g_ptr_array_index (events.headers, 0)),
                   ==, "urn:a&b");
  g_assert_cmpuint (events.stanzas->len, ==, 1);
  element = stanza_element (&events, 0);
  g_assert_cmpstr (xmpp_element_get_namespace (element), ==, "urn:a&b");
  g_assert_cmpstr (xmpp_element_get_attribute_ns (element, "q", "urn:&&<"), ==, "1");
  g_assert_nonnull (xmpp_element_get_child (element, "x", "urn:c&d"));

  g_object_unref (parser);
  events_clear (&events);
}

static void
test_fragment_in_namespace (void)
{
  static const char xml[] =
    "<message><body>x</body><x xmlns=''/><y xmlns='urn:y'/><stream:error/></message>";
  g_autoptr(GError) error = NULL;
  XmppParser *parser = xmpp_parser_new_fragment_in_namespace ("jabber:client");
  Events events;
  XmppElement *element;

  g_test_summary ("A fragment parser with a default namespace parses as inside a "
                  "stream: xmlns='' still means no namespace");

  events_init (&events);
  g_signal_connect (parser, "stanza", G_CALLBACK (on_stanza), &events);
  feed_ok (parser, xml);
  g_assert_true (xmpp_parser_finish (parser, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (events.stanzas->len, ==, 1);
  element = stanza_element (&events, 0);
  g_assert_true (xmpp_element_is (element, "message", "jabber:client"));
  g_assert_nonnull (xmpp_element_get_child (element, "body", "jabber:client"));
  g_assert_null (xmpp_element_get_namespace (xmpp_element_get_child_at (element, 1)));
  g_assert_nonnull (xmpp_element_get_child (element, "y", "urn:y"));
  g_assert_nonnull (xmpp_element_get_child (element, "error", STREAM_NS));

  g_object_unref (parser);
  events_clear (&events);
}

static void
test_invalid_utf8 (void)
{
  assert_stream_fails (HEADER, "<message><body>a\xff" "b</body></message>", -1,
                       XMPP_STREAM_ERROR_NOT_WELL_FORMED);
  assert_stream_fails (HEADER, "<message><body>\xc0\x80</body></message>", -1,
                       XMPP_STREAM_ERROR_NOT_WELL_FORMED);
  assert_stream_fails (HEADER, "<message><body>\xed\xa0\x80</body></message>", -1,
                       XMPP_STREAM_ERROR_NOT_WELL_FORMED);
  assert_stream_fails (HEADER, "<message id='\xfe'/>", -1,
                       XMPP_STREAM_ERROR_NOT_WELL_FORMED);
  assert_stream_fails (HEADER, "<m\xe9ssage/>", -1,
                       XMPP_STREAM_ERROR_NOT_WELL_FORMED);
  /* Overlong forms that libxml2 2.9 would let through */
  assert_stream_fails (HEADER, "<message><body>\xc1\xbb</body></message>", -1,
                       XMPP_STREAM_ERROR_NOT_WELL_FORMED);
  assert_stream_fails (HEADER, "<message><body><![CDATA[\xc1\xbb]]></body></message>", -1,
                       XMPP_STREAM_ERROR_NOT_WELL_FORMED);
  assert_stream_fails (HEADER, "<message id='\xe0\x81\xbb'/>", -1,
                       XMPP_STREAM_ERROR_NOT_WELL_FORMED);
  assert_stream_fails (HEADER, "<message><body>\xf0\x80\x81\xbb</body></message>", -1,
                       XMPP_STREAM_ERROR_NOT_WELL_FORMED);
  /* Past U+10FFFF, and a lone continuation byte */
  assert_stream_fails (HEADER, "<message><body>\xf4\x90\x80\x80</body></message>", -1,
                       XMPP_STREAM_ERROR_NOT_WELL_FORMED);
  assert_stream_fails (HEADER, "<message><body>\x80</body></message>", -1,
                       XMPP_STREAM_ERROR_NOT_WELL_FORMED);
}

static void
test_invalid_utf8_split (void)
{
  static const char stanza[] = "<message><body>\xe2\x82\xac\xed\xa0\x80</body></message>";
  gsize bad = strlen ("<message><body>\xe2\x82\xac");

  g_test_summary ("A bad UTF-8 sequence split between feeds is still caught, and "
                  "the stanzas before it are reported");

  for (gsize cut = bad - 2; cut <= bad + 2; cut++)
    {
      g_autoptr(GError) error = NULL;
      Events events;
      XmppParser *parser = new_parser (&events);
      gboolean ok;

      feed_ok (parser, HEADER "<presence/>");
      ok = feed (parser, stanza, cut, &error) && feed (parser, stanza + cut, -1, &error);
      g_assert_false (ok);
      g_assert_error (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_NOT_WELL_FORMED);
      g_assert_cmpuint (events.stanzas->len, ==, 1);

      g_object_unref (parser);
      events_clear (&events);
    }
}

static void
test_nul_byte (void)
{
  static const char in_text[] = "<message><body>a\0b</body></message>";
  static const char in_tag[] = "<message\0/>";

  assert_stream_fails (HEADER, in_text, sizeof in_text - 1, XMPP_STREAM_ERROR_NOT_WELL_FORMED);
  assert_stream_fails (HEADER, in_tag, sizeof in_tag - 1, XMPP_STREAM_ERROR_NOT_WELL_FORMED);
  assert_stream_fails (HEADER, "\0", 1, XMPP_STREAM_ERROR_NOT_WELL_FORMED);
}

static void
test_control_characters (void)
{
  assert_stream_fails (HEADER, "<message><body>\x01</body></message>", -1,
                       XMPP_STREAM_ERROR_NOT_WELL_FORMED);
  assert_stream_fails (HEADER, "<message><body>&#1;</body></message>", -1,
                       XMPP_STREAM_ERROR_NOT_WELL_FORMED);
  assert_stream_fails (HEADER, "<message id='&#x0;'/>", -1,
                       XMPP_STREAM_ERROR_NOT_WELL_FORMED);
  assert_stream_fails (HEADER, "<message><body>\xef\xbf\xbe</body></message>", -1,
                       XMPP_STREAM_ERROR_NOT_WELL_FORMED);
}

static void
test_encoding_declaration (void)
{
  static const char *refused[] = { "ISO-8859-1", "UTF-16", "US-ASCII", "no-such-encoding" };
  static const char *accepted[] = { "UTF-8", "utf-8", "UTF8" };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *declaration =
        g_strdup_printf ("<?xml version='1.0' encoding='%s'?>"
                         "<stream:stream xmlns='jabber:client' xmlns:stream='" STREAM_NS "'>",
                         refused[i]);

      assert_stream_fails (NULL, declaration, -1, XMPP_STREAM_ERROR_UNSUPPORTED_ENCODING);
    }

  for (guint i = 0; i < G_N_ELEMENTS (accepted); i++)
    {
      g_autofree char *stream =
        g_strdup_printf ("<?xml version='1.0' encoding='%s'?>"
                         "<stream:stream xmlns='jabber:client' xmlns:stream='" STREAM_NS "'>"
                         "<message><body>caf\xc3\xa9</body></message>",
                         accepted[i]);
      Events events;
      XmppParser *parser = new_parser (&events);

      feed_ok (parser, stream);
      g_assert_cmpuint (events.stanzas->len, ==, 1);
      g_assert_cmpstr (xmpp_element_get_child_text (stanza_element (&events, 0), "body", NULL),
                       ==, "caf\xc3\xa9");
      g_object_unref (parser);
      events_clear (&events);
    }
}

/* Namespaces and format */

static void
test_stream_namespace (void)
{
  g_test_summary ("The root must be stream in the streams namespace: a prefix "
                  "bound elsewhere is bad-namespace-prefix, anything else "
                  "invalid-namespace");

  assert_stream_fails (NULL, "<stream:stream xmlns:stream='urn:wrong' xmlns='jabber:client'>", -1,
                       XMPP_STREAM_ERROR_BAD_NAMESPACE_PREFIX);
  assert_stream_fails (NULL, "<stream xmlns='jabber:client'>", -1,
                       XMPP_STREAM_ERROR_INVALID_NAMESPACE);
  assert_stream_fails (NULL, "<stream>", -1, XMPP_STREAM_ERROR_INVALID_NAMESPACE);
  assert_stream_fails (NULL, "<stream:other xmlns:stream='" STREAM_NS "'>", -1,
                       XMPP_STREAM_ERROR_INVALID_NAMESPACE);
  assert_stream_fails (NULL, "<message xmlns='jabber:client'/>", -1,
                       XMPP_STREAM_ERROR_INVALID_NAMESPACE);
  /* An unbound prefix is not namespace-well-formed. */
  assert_stream_fails (NULL, "<stream:stream xmlns='jabber:client'>", -1,
                       XMPP_STREAM_ERROR_NOT_WELL_FORMED);
  assert_stream_fails (HEADER, "<message><x:y/></message>", -1,
                       XMPP_STREAM_ERROR_NOT_WELL_FORMED);
  assert_stream_fails (HEADER, "<message x:y='1'/>", -1, XMPP_STREAM_ERROR_NOT_WELL_FORMED);
}

static void
test_not_well_formed (void)
{
  assert_stream_fails (HEADER, "<message></presence>", -1, XMPP_STREAM_ERROR_NOT_WELL_FORMED);
  assert_stream_fails (HEADER, "<message a='1' a='2'/>", -1, XMPP_STREAM_ERROR_NOT_WELL_FORMED);
  assert_stream_fails (HEADER, "<message a=1/>", -1, XMPP_STREAM_ERROR_NOT_WELL_FORMED);
  assert_stream_fails (HEADER, "<message>a & b;</message>", -1, XMPP_STREAM_ERROR_NOT_WELL_FORMED);
  assert_stream_fails (HEADER, "<?xml version='1.0'?>", -1, XMPP_STREAM_ERROR_NOT_WELL_FORMED);
  assert_stream_fails (NULL, "hello", -1, XMPP_STREAM_ERROR_NOT_WELL_FORMED);
}

static void
test_text_between_stanzas (void)
{
  Events events;
  XmppParser *parser = new_parser (&events);

  assert_stream_fails (HEADER "<presence/>", "hello<presence/>", -1, XMPP_STREAM_ERROR_BAD_FORMAT);
  assert_stream_fails (HEADER "<presence/>", "&amp;<presence/>", -1, XMPP_STREAM_ERROR_BAD_FORMAT);
  assert_stream_fails (HEADER, "<![CDATA[x]]><presence/>", -1, XMPP_STREAM_ERROR_BAD_FORMAT);

  /* White space is fine. */
  feed_ok (parser, HEADER " \n\t\r\n <presence/> \r\n\t <presence/>  ");
  g_assert_cmpuint (events.stanzas->len, ==, 2);

  g_object_unref (parser);
  events_clear (&events);
}

/* Limits */

static char *
message_of_size (gsize size)
{
  static const char head[] = "<message><body>";
  static const char tail[] = "</body></message>";
  gsize fixed = strlen (head) + strlen (tail);
  GString *s = g_string_new (head);

  g_assert_cmpuint (size, >=, fixed);
  for (gsize i = 0; i < size - fixed; i++)
    g_string_append_c (s, 'a' + i % 26);
  g_string_append (s, tail);
  g_assert_cmpuint (s->len, ==, size);
  return g_string_free (s, FALSE);
}

static void
check_stanza_size (const char *before,
                   gsize       size,
                   gboolean    fits)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *message = message_of_size (size);
  Events events;
  XmppParser *parser = new_parser (&events);
  guint n_before;

  xmpp_parser_set_max_stanza_size (parser, 4096);
  feed_ok (parser, HEADER);
  feed_ok (parser, before);
  n_before = events.stanzas->len;
  /* In one piece, and again byte by byte. */
  if (fits)
    {
      feed_ok (parser, message);
      g_assert_cmpuint (events.stanzas->len, ==, n_before + 1);
      for (gsize i = 0; i < size; i++)
        g_assert_true (feed (parser, message + i, 1, NULL));
      g_assert_cmpuint (events.stanzas->len, ==, n_before + 2);
    }
  else
    {
      g_assert_false (feed (parser, message, -1, &error));
      g_assert_error (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_POLICY_VIOLATION);
      g_assert_cmpuint (events.stanzas->len, ==, n_before);
      g_clear_error (&error);

      xmpp_parser_reset (parser);
      feed_ok (parser, HEADER);
      feed_ok (parser, before);
      for (gsize i = 0; i < size - 1; i++)
        g_assert_true (feed (parser, message + i, 1, NULL));
      g_assert_false (feed (parser, message + size - 1, 1, &error));
      g_assert_error (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_POLICY_VIOLATION);
      g_assert_cmpuint (events.stanzas->len, ==, 2 * n_before);
    }

  g_object_unref (parser);
  events_clear (&events);
}

static void
test_limit_stanza_size (void)
{
  g_test_summary ("A stanza of max-stanza-size bytes passes, one byte more fails, "
                  "right after the header, another stanza or white space");

  check_stanza_size ("", 4096, TRUE);
  check_stanza_size ("", 4097, FALSE);
  check_stanza_size ("<presence/>", 4096, TRUE);
  check_stanza_size ("<presence/>", 4097, FALSE);
  check_stanza_size ("<presence/>\n  ", 4096, TRUE);
  check_stanza_size ("<presence/>\n  ", 4097, FALSE);
}

static void
test_limit_huge_stanza (void)
{
  gsize chunk_size = 64 * 1024;
  g_autofree char *chunk = g_malloc (chunk_size);
  g_autoptr(GError) error = NULL;
  Events events;
  XmppParser *parser = new_parser (&events);
  gsize accepted = 0;
  gboolean ok = TRUE;

  g_test_summary ("A 100 MB stanza fed in 64 KiB pieces fails soon after the default "
                  "limit of 1 MiB, so the parser never holds much of it");

  memset (chunk, 'a', chunk_size);
  feed_ok (parser, HEADER "<message><body>");
  while (accepted < 100 * 1000 * 1000)
    {
      ok = feed (parser, chunk, chunk_size, &error);
      if (!ok)
        break;
      accepted += chunk_size;
    }
  g_assert_false (ok);
  g_assert_error (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_POLICY_VIOLATION);
  g_assert_cmpuint (accepted, <, 2 * 1000 * 1000);
  g_assert_cmpuint (accepted, >=, XMPP_PARSER_DEFAULT_MAX_STANZA_SIZE - chunk_size);

  /* The same in one call. */
  g_clear_error (&error);
  xmpp_parser_reset (parser);
  {
    gsize big_size = 8 * 1024 * 1024;
    g_autofree char *big = g_malloc (big_size);

    memset (big, 'a', big_size);
    memcpy (big, HEADER "<message><body>", strlen (HEADER "<message><body>"));
    g_assert_false (feed (parser, big, big_size, &error));
    g_assert_error (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_POLICY_VIOLATION);
  }

  g_object_unref (parser);
  events_clear (&events);
}

static void
test_limit_keepalives (void)
{
  Events events;
  XmppParser *parser = new_parser (&events);

  g_test_summary ("White space keepalives between stanzas never add up to a stanza");

  xmpp_parser_set_max_stanza_size (parser, 100);
  feed_ok (parser, HEADER);
  for (guint i = 0; i < 1000; i++)
    {
      feed_ok (parser, " ");
      if (i % 100 == 0)
        feed_ok (parser, "<presence/>");
    }
  feed_ok (parser, "<presence/>");
  g_assert_cmpuint (events.stanzas->len, ==, 11);

  g_object_unref (parser);
  events_clear (&events);
}

static char *
nested (guint depth)
{
  GString *s = g_string_new ("<message>");

  for (guint i = 1; i < depth; i++)
    g_string_append (s, "<x>");
  for (guint i = 1; i < depth; i++)
    g_string_append (s, "</x>");
  g_string_append (s, "</message>");
  return g_string_free (s, FALSE);
}

static void
test_limit_depth (void)
{
  Events events;
  XmppParser *parser = new_parser (&events);
  g_autofree char *at_limit = nested (XMPP_PARSER_DEFAULT_MAX_DEPTH);
  g_autofree char *over_limit = nested (XMPP_PARSER_DEFAULT_MAX_DEPTH + 1);
  g_autofree char *four = nested (4);
  g_autofree char *five = nested (5);

  g_test_summary ("A stanza nested max-depth deep passes, one level more fails; "
                  "the stanza element counts as level 1");

  feed_ok (parser, HEADER);
  feed_ok (parser, at_limit);
  g_assert_cmpuint (events.stanzas->len, ==, 1);
  g_object_unref (parser);
  events_clear (&events);

  assert_stream_fails (HEADER, over_limit, -1, XMPP_STREAM_ERROR_POLICY_VIOLATION);

  parser = new_parser (&events);
  xmpp_parser_set_max_depth (parser, 4);
  feed_ok (parser, HEADER);
  feed_ok (parser, four);
  g_assert_cmpuint (events.stanzas->len, ==, 1);
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (feed (parser, five, -1, &error));
    g_assert_error (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_POLICY_VIOLATION);
  }
  g_assert_cmpuint (events.stanzas->len, ==, 1);
  g_object_unref (parser);
  events_clear (&events);
}

static char *
with_attributes (guint n)
{
  GString *s = g_string_new ("<message");

  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, " a%u='%u'", i, i);
  g_string_append (s, "><x");
  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, " a%u='%u'", i, i);
  g_string_append (s, "/></message>");
  return g_string_free (s, FALSE);
}

static void
test_limit_attributes (void)
{
  g_autofree char *at_limit = with_attributes (XMPP_PARSER_DEFAULT_MAX_ATTRIBUTES);
  g_autofree char *over_limit = with_attributes (XMPP_PARSER_DEFAULT_MAX_ATTRIBUTES + 1);
  g_autoptr(GError) error = NULL;
  Events events;
  XmppParser *parser = new_parser (&events);

  g_test_summary ("An element with max-attributes attributes passes, one more fails; "
                  "namespace declarations count");

  feed_ok (parser, HEADER);
  feed_ok (parser, at_limit);
  g_assert_cmpuint (events.stanzas->len, ==, 1);
  g_assert_cmpuint (xmpp_element_get_n_attributes (stanza_element (&events, 0)), ==,
                    XMPP_PARSER_DEFAULT_MAX_ATTRIBUTES);
  g_object_unref (parser);
  events_clear (&events);

  assert_stream_fails (HEADER, over_limit, -1, XMPP_STREAM_ERROR_POLICY_VIOLATION);

  parser = new_parser (&events);
  feed_ok (parser, HEADER);
  xmpp_parser_set_max_attributes (parser, 2);
  feed_ok (parser, "<message a='1' b='2'/><message xmlns='jabber:client' a='1'/>");
  g_assert_cmpuint (events.stanzas->len, ==, 2);
  g_assert_false (feed (parser, "<message xmlns:x='urn:x' a='1' b='2'/>", -1, &error));
  g_assert_error (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_POLICY_VIOLATION);
  g_object_unref (parser);
  events_clear (&events);
}

static void
test_limit_attributes_pending (void)
{
  g_autoptr(GError) error = NULL;
  GString *tag = g_string_new ("<message");
  Events events;
  XmppParser *parser = new_parser (&events);
  gsize offset = 0;
  gboolean ok = TRUE;

  g_test_summary ("A long start tag with too many attributes fails before its end "
                  "arrives: libxml2 2.9 would spend seconds on its duplicate check");

  for (guint i = 0; i < 150000; i++)
    g_string_append_printf (tag, " a%u=''", i);

  feed_ok (parser, HEADER);
  while (ok && offset < tag->len)
    {
      gsize n = MIN (64 * 1024, tag->len - offset);

      ok = feed (parser, tag->str + offset, n, &error);
      offset += n;
    }
  /* The tag never ended, so only the scan of the pending tag can tell. */
  g_assert_false (ok);
  g_assert_error (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_POLICY_VIOLATION);
  g_assert_cmpuint (offset, <=, 64 * 1024);

  g_string_free (tag, TRUE);
  g_object_unref (parser);
  events_clear (&events);
}

/* Properties */

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

static void
test_properties (void)
{
  XmppParser *parser = xmpp_parser_new ();
  guint64 max_stanza_size = 0;
  guint max_depth = 0, max_attributes = 0;
  guint n_size = 0, n_depth = 0, n_attributes = 0;

  g_object_get (parser,
                "max-stanza-size", &max_stanza_size,
                "max-depth", &max_depth,
                "max-attributes", &max_attributes,
                NULL);
  g_assert_cmpuint (max_stanza_size, ==, XMPP_PARSER_DEFAULT_MAX_STANZA_SIZE);
  g_assert_cmpuint (max_depth, ==, XMPP_PARSER_DEFAULT_MAX_DEPTH);
  g_assert_cmpuint (max_attributes, ==, XMPP_PARSER_DEFAULT_MAX_ATTRIBUTES);

  g_signal_connect (parser, "notify::max-stanza-size", G_CALLBACK (count_notify), &n_size);
  g_signal_connect (parser, "notify::max-depth", G_CALLBACK (count_notify), &n_depth);
  g_signal_connect (parser, "notify::max-attributes", G_CALLBACK (count_notify), &n_attributes);

  /* The same values: no notification. */
  xmpp_parser_set_max_stanza_size (parser, XMPP_PARSER_DEFAULT_MAX_STANZA_SIZE);
  g_object_set (parser, "max-depth", XMPP_PARSER_DEFAULT_MAX_DEPTH, NULL);
  xmpp_parser_set_max_attributes (parser, XMPP_PARSER_DEFAULT_MAX_ATTRIBUTES);
  g_assert_cmpuint (n_size + n_depth + n_attributes, ==, 0);

  /* New values: one each. */
  g_object_set (parser, "max-stanza-size", (guint64) 1000, NULL);
  xmpp_parser_set_max_depth (parser, 8);
  xmpp_parser_set_max_attributes (parser, 9);
  xmpp_parser_set_max_attributes (parser, 9);
  g_assert_cmpuint (n_size, ==, 1);
  g_assert_cmpuint (n_depth, ==, 1);
  g_assert_cmpuint (n_attributes, ==, 1);

  g_assert_cmpuint (xmpp_parser_get_max_stanza_size (parser), ==, 1000);
  g_assert_cmpuint (xmpp_parser_get_max_depth (parser), ==, 8);
  g_assert_cmpuint (xmpp_parser_get_max_attributes (parser), ==, 9);
  g_object_get (parser, "max-stanza-size", &max_stanza_size, NULL);
  g_assert_cmpuint (max_stanza_size, ==, 1000);

  g_object_unref (parser);
}

/* Errors */

static void
test_error_message (void)
{
  g_autoptr(GError) error = NULL;
  XmppParser *parser = xmpp_parser_new ();

  g_test_summary ("An error message says what was wrong and where");

  g_assert_false (feed (parser, HEADER "\n<message>\n<!-- x --></message>", -1, &error));
  g_assert_error (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_RESTRICTED_XML);
  g_assert_nonnull (strstr (error->message, "comment"));
  g_assert_nonnull (strstr (error->message, "line 3"));

  g_object_unref (parser);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/parser/header", test_header);
  g_test_add_func ("/parser/header/minimal", test_header_minimal);
  g_test_add_func ("/parser/stanzas", test_stanzas);
  g_test_add_func ("/parser/stanzas/order", test_stanza_signal_order);
  g_test_add_func ("/parser/split", test_split);
  g_test_add_func ("/parser/split/utf8", test_split_utf8);
  g_test_add_func ("/parser/roundtrip", test_roundtrip);
  g_test_add_func ("/parser/stream-end", test_stream_end);
  g_test_add_func ("/parser/reset", test_reset);
  g_test_add_func ("/parser/reset/in-callback", test_reset_in_callback);
  g_test_add_func ("/parser/reset/in-handler", test_reset_in_handler);
  g_test_add_func ("/parser/unref-in-callback", test_unref_in_callback);
  g_test_add_func ("/parser/dispose-in-callback", test_dispose_in_callback);
  g_test_add_func ("/parser/handlers", test_handlers);
  g_test_add_func ("/parser/fragment", test_fragment);
  g_test_add_func ("/parser/fragment/namespace", test_fragment_in_namespace);
  g_test_add_func ("/parser/finish", test_stream_finish);
  g_test_add_func ("/parser/restricted/dtd", test_restricted_dtd);
  g_test_add_func ("/parser/restricted/billion-laughs", test_restricted_billion_laughs);
  g_test_add_func ("/parser/restricted/external-entity", test_restricted_external_entity);
  g_test_add_func ("/parser/restricted/entity-reference", test_restricted_entity_reference);
  g_test_add_func ("/parser/restricted/pi", test_restricted_pi);
  g_test_add_func ("/parser/restricted/comment", test_restricted_comment);
  g_test_add_func ("/parser/restricted/no-stanza-after", test_restricted_no_stanza_after);
  g_test_add_func ("/parser/entities", test_entities);
  g_test_add_func ("/parser/entities/namespace", test_namespace_entities);
  g_test_add_func ("/parser/characters/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/parser/characters/invalid-utf8/split", test_invalid_utf8_split);
  g_test_add_func ("/parser/characters/nul", test_nul_byte);
  g_test_add_func ("/parser/characters/control", test_control_characters);
  g_test_add_func ("/parser/encoding-declaration", test_encoding_declaration);
  g_test_add_func ("/parser/stream-namespace", test_stream_namespace);
  g_test_add_func ("/parser/not-well-formed", test_not_well_formed);
  g_test_add_func ("/parser/bad-format", test_text_between_stanzas);
  g_test_add_func ("/parser/limits/stanza-size", test_limit_stanza_size);
  g_test_add_func ("/parser/limits/huge-stanza", test_limit_huge_stanza);
  g_test_add_func ("/parser/limits/keepalives", test_limit_keepalives);
  g_test_add_func ("/parser/limits/depth", test_limit_depth);
  g_test_add_func ("/parser/limits/attributes", test_limit_attributes);
  g_test_add_func ("/parser/limits/attributes/pending", test_limit_attributes_pending);
  g_test_add_func ("/parser/properties", test_properties);
  g_test_add_func ("/parser/error-message", test_error_message);

  return g_test_run ();
}
