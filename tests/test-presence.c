/* test-presence.c: XmppPresence, parsed and built
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <xmpp-glib/xmpp-glib.h>

#include <string.h>

static XmppPresence *
parse (const char *xml)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppStanza) stanza = xmpp_stanza_new_from_string (xml, -1, &error);

  g_assert_no_error (error);
  return xmpp_presence_new_from_stanza (stanza);
}

static XmppJid *
jid (const char *text)
{
  g_autoptr(GError) error = NULL;
  XmppJid *parsed = xmpp_jid_new (text, &error);

  g_assert_no_error (error);
  return parsed;
}

static void
test_parse (void)
{
  g_autoptr(XmppPresence) presence = NULL;
  g_autoptr(GPtrArray) payloads = NULL;
  g_auto(GStrv) langs = NULL;

  presence = parse ("<presence from='Juliet@Example.com/balcony' to='romeo@example.net' id='p1' "
                    "xml:lang='en'>"
                    "<show>away</show>"
                    "<status>Walking the dog</status>"
                    "<status xml:lang='fr'>Je prom\xc3\xa8ne le chien</status>"
                    "<priority>5</priority>"
                    "<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='n' ver='v'/>"
                    "<delay xmlns='urn:xmpp:delay' from='example.com' stamp='2002-09-10T23:41:07Z'/>"
                    "<x xmlns='vcard-temp:x:update'><photo/></x>"
                    "</presence>");
  g_assert_nonnull (presence);
  g_assert_cmpint (xmpp_presence_get_presence_type (presence), ==, XMPP_PRESENCE_TYPE_AVAILABLE);
  g_assert_true (xmpp_presence_is_available (presence));
  g_assert_cmpstr (xmpp_presence_get_id (presence), ==, "p1");
  g_assert_cmpstr (xmpp_jid_to_string (xmpp_presence_get_from (presence)), ==, "juliet@example.com/balcony");
  g_assert_cmpstr (xmpp_jid_to_string (xmpp_presence_get_to (presence)), ==, "romeo@example.net");
  g_assert_cmpint (xmpp_presence_get_show (presence), ==, XMPP_PRESENCE_SHOW_AWAY);
  g_assert_cmpint (xmpp_presence_get_priority (presence), ==, 5);
  g_assert_cmpstr (xmpp_presence_get_status (presence, NULL), ==, "Walking the dog");
  g_assert_cmpstr (xmpp_presence_get_status (presence, "fr"), ==, "Je prom\xc3\xa8ne le chien");
  g_assert_cmpstr (xmpp_presence_get_status (presence, "FR"), ==, "Je prom\xc3\xa8ne le chien");
  g_assert_cmpstr (xmpp_presence_get_status (presence, ""), ==, "Walking the dog");
  g_assert_null (xmpp_presence_get_status (presence, "de"));
  langs = xmpp_presence_get_status_languages (presence);
  g_assert_cmpuint (g_strv_length (langs), ==, 2);
  g_assert_cmpstr (langs[0], ==, "");
  g_assert_cmpstr (langs[1], ==, "fr");

  g_assert_nonnull (xmpp_presence_get_delay (presence));
  g_assert_cmpint (g_date_time_to_unix (xmpp_presence_get_delay (presence)), ==, 1031701267);

  payloads = xmpp_presence_get_payloads (presence);
  g_assert_cmpuint (payloads->len, ==, 2);
  g_assert_true (xmpp_element_is (g_ptr_array_index (payloads, 0), "c", "http://jabber.org/protocol/caps"));
  g_assert_true (xmpp_element_is (g_ptr_array_index (payloads, 1), "x", "vcard-temp:x:update"));

  g_assert_nonnull (xmpp_presence_get_stanza (presence));
  g_assert_true (xmpp_presence_check_error (presence, NULL));
}

static void
test_types (void)
{
  static const struct {
    const char *xml;
    int type;   /* -1: not a presence for XmppPresence */
  } cases[] = {
    { "<presence/>", XMPP_PRESENCE_TYPE_AVAILABLE },
    { "<presence type='unavailable'/>", XMPP_PRESENCE_TYPE_UNAVAILABLE },
    { "<presence type='subscribe'/>", XMPP_PRESENCE_TYPE_SUBSCRIBE },
    { "<presence type='subscribed'/>", XMPP_PRESENCE_TYPE_SUBSCRIBED },
    { "<presence type='unsubscribe'/>", XMPP_PRESENCE_TYPE_UNSUBSCRIBE },
    { "<presence type='unsubscribed'/>", XMPP_PRESENCE_TYPE_UNSUBSCRIBED },
    { "<presence type='probe'/>", XMPP_PRESENCE_TYPE_PROBE },
    { "<presence type='error'/>", XMPP_PRESENCE_TYPE_ERROR },
    { "<presence xmlns='jabber:server' type='probe'/>", XMPP_PRESENCE_TYPE_PROBE },
    { "<presence type='invisible'/>", -1 },
    { "<presence type='available'/>", -1 },
    { "<presence type=''/>", -1 },
    { "<presence type='Unavailable'/>", -1 },
    { "<message/>", -1 },
    { "<iq type='get' id='1'/>", -1 },
    { "<presence xmlns='urn:other'/>", -1 },
  };

  g_test_summary ("Only the types RFC 6121 defines make a presence; an unknown one is "
                  "refused, not taken for available.");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(XmppPresence) presence = parse (cases[i].xml);

      if (cases[i].type < 0)
        {
          g_assert_null (presence);
          continue;
        }
      g_assert_nonnull (presence);
      g_assert_cmpint (xmpp_presence_get_presence_type (presence), ==, cases[i].type);
      g_assert_cmpint (xmpp_presence_is_available (presence), ==,
                       cases[i].type == XMPP_PRESENCE_TYPE_AVAILABLE);
    }
}

static void
test_show (void)
{
  static const struct {
    const char *xml;
    XmppPresenceShow show;
  } cases[] = {
    { "<presence/>", XMPP_PRESENCE_SHOW_NONE },
    { "<presence><show>chat</show></presence>", XMPP_PRESENCE_SHOW_CHAT },
    { "<presence><show>away</show></presence>", XMPP_PRESENCE_SHOW_AWAY },
    { "<presence><show>xa</show></presence>", XMPP_PRESENCE_SHOW_XA },
    { "<presence><show>dnd</show></presence>", XMPP_PRESENCE_SHOW_DND },
    { "<presence><show>busy</show></presence>", XMPP_PRESENCE_SHOW_NONE },
    { "<presence><show/></presence>", XMPP_PRESENCE_SHOW_NONE },
    { "<presence><show>DND</show></presence>", XMPP_PRESENCE_SHOW_NONE },
    /* Only the <show/> of jabber:client counts. */
    { "<presence><show xmlns='urn:other'>dnd</show></presence>", XMPP_PRESENCE_SHOW_NONE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(XmppPresence) presence = parse (cases[i].xml);

      g_assert_nonnull (presence);
      g_assert_cmpint (xmpp_presence_get_show (presence), ==, cases[i].show);
    }
}

static void
test_priority (void)
{
  static const struct {
    const char *text;
    int priority;
  } cases[] = {
    { "5", 5 },
    { "-1", -1 },
    { "+3", 3 },
    { " 7\n", 7 },
    { "127", 127 },
    { "-128", -128 },
    { "200", 127 },
    { "-1000", -128 },
    { "99999999999999999999999999", 127 },
    { "-99999999999999999999999999", -128 },
    { "abc", 0 },
    { "1.5", 0 },
    { "0x10", 0 },
    { "", 0 },
    { " \t ", 0 },
    { "-", 0 },
    { "+", 0 },
    { "+ 3", 0 },
    { "--1", 0 },
    { "3 4", 0 },
    { "\t-5 \r\n", -5 },
    { "0127", 127 },
    { "-0", 0 },
    { "18446744073709551616", 127 },
  };

  g_test_summary ("A received priority that is no integer reads as 0; one out of "
                  "-128..127 is clamped.");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *xml = g_strdup_printf ("<presence><priority>%s</priority></presence>", cases[i].text);
      g_autoptr(XmppPresence) presence = parse (xml);

      g_assert_nonnull (presence);
      g_assert_cmpint (xmpp_presence_get_priority (presence), ==, cases[i].priority);
    }
}

static void
test_delay (void)
{
  static const struct {
    const char *xml;
    const char *utc;   /* NULL: no delay */
  } cases[] = {
    { "<presence><delay xmlns='urn:xmpp:delay' stamp='2002-09-10T23:41:07.123+02:00'/></presence>",
      "2002-09-10T21:41:07.123000Z" },
    { "<presence><x xmlns='jabber:x:delay' stamp='20020910T23:08:25'/></presence>",
      "2002-09-10T23:08:25Z" },
    /* With both, XEP-0203 wins. */
    { "<presence><x xmlns='jabber:x:delay' stamp='20020910T23:08:25'/>"
      "<delay xmlns='urn:xmpp:delay' stamp='2002-09-10T23:08:25Z'/></presence>",
      "2002-09-10T23:08:25Z" },
    { "<presence><x xmlns='jabber:x:delay' stamp='20020910T23:08:25'/>"
      "<delay xmlns='urn:xmpp:delay' stamp='2003-01-01T00:00:00Z'/></presence>",
      "2003-01-01T00:00:00Z" },
    /* A broken XEP-0203 stamp leaves the legacy one. */
    { "<presence><delay xmlns='urn:xmpp:delay' stamp='yesterday'/>"
      "<x xmlns='jabber:x:delay' stamp='20020910T23:08:25'/></presence>",
      "2002-09-10T23:08:25Z" },
    { "<presence><delay xmlns='urn:xmpp:delay'/></presence>", NULL },
    { "<presence><x xmlns='jabber:x:delay' stamp='2002-09-10T23:08:25'/></presence>", NULL },
    { "<presence><x xmlns='jabber:x:delay' stamp='20021310T23:08:25'/></presence>", NULL },
    { "<presence><x xmlns='jabber:x:delay' stamp='2002091OT23:08:25'/></presence>", NULL },
    { "<presence><delay stamp='2002-09-10T23:08:25Z'/></presence>", NULL },
    /* Out of GDateTime's range once in UTC, or no date at all. */
    { "<presence><delay xmlns='urn:xmpp:delay' stamp='0001-01-01T00:00:00+05:00'/></presence>", NULL },
    { "<presence><delay xmlns='urn:xmpp:delay' stamp='9999-12-31T23:59:59-05:00'/></presence>", NULL },
    { "<presence><delay xmlns='urn:xmpp:delay' stamp='2002-09-10T23:08:25+99:99'/></presence>", NULL },
    { "<presence><x xmlns='jabber:x:delay' stamp='00000101T00:00:00'/></presence>", NULL },
    { "<presence><x xmlns='jabber:x:delay' stamp='20020910T23:59:60'/></presence>", NULL },
    { "<presence/>", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(XmppPresence) presence = parse (cases[i].xml);
      GDateTime *delay;

      g_assert_nonnull (presence);
      delay = xmpp_presence_get_delay (presence);
      if (cases[i].utc == NULL)
        {
          g_assert_null (delay);
        }
      else
        {
          g_autofree char *text = NULL;

          g_assert_nonnull (delay);
          g_assert_cmpint (g_date_time_get_utc_offset (delay), ==, 0);
          text = g_date_time_format_iso8601 (delay);
          g_assert_cmpstr (text, ==, cases[i].utc);
        }
    }
}

static void
test_languages (void)
{
  g_autoptr(XmppPresence) presence = xmpp_presence_new (XMPP_PRESENCE_TYPE_AVAILABLE);
  g_autoptr(XmppPresence) labelled = NULL;
  g_auto(GStrv) langs = NULL;
  g_auto(GStrv) none = NULL;

  none = xmpp_presence_get_status_languages (presence);
  g_assert_nonnull (none);
  g_assert_null (none[0]);
  g_assert_null (xmpp_presence_get_status (presence, NULL));

  xmpp_presence_set_status (presence, "de", "Beim Mittagessen");
  /* Without an unlabelled status, the default is the first. */
  g_assert_cmpstr (xmpp_presence_get_status (presence, NULL), ==, "Beim Mittagessen");
  g_assert_null (xmpp_presence_get_status (presence, ""));
  xmpp_presence_set_status (presence, NULL, "At lunch");
  xmpp_presence_set_status (presence, "fr", "Au d\xc3\xa9jeuner");
  g_assert_cmpstr (xmpp_presence_get_status (presence, NULL), ==, "At lunch");
  xmpp_presence_set_status (presence, "de", "Mittagspause");
  langs = xmpp_presence_get_status_languages (presence);
  g_assert_cmpuint (g_strv_length (langs), ==, 3);
  g_assert_cmpstr (langs[0], ==, "de");
  g_assert_cmpstr (langs[1], ==, "");
  g_assert_cmpstr (langs[2], ==, "fr");
  g_assert_cmpstr (xmpp_presence_get_status (presence, "de"), ==, "Mittagspause");

  xmpp_presence_set_status (presence, "", NULL);
  g_assert_cmpstr (xmpp_presence_get_status (presence, NULL), ==, "Mittagspause");
  xmpp_presence_set_status (presence, "it", NULL);
  xmpp_presence_set_status (presence, "de", NULL);
  xmpp_presence_set_status (presence, "fr", NULL);
  g_assert_null (xmpp_presence_get_status (presence, NULL));

  /* Several of the same language: the first counts. */
  labelled = parse ("<presence><status xml:lang='en'>one</status><status>two</status>"
                    "<status xml:lang='en'>three</status><status/></presence>");
  g_assert_cmpstr (xmpp_presence_get_status (labelled, "en"), ==, "one");
  g_assert_cmpstr (xmpp_presence_get_status (labelled, NULL), ==, "two");
}

static void
test_build (void)
{
  g_autoptr(XmppPresence) presence = xmpp_presence_new (XMPP_PRESENCE_TYPE_AVAILABLE);
  g_autoptr(XmppPresence) unavailable = xmpp_presence_new (XMPP_PRESENCE_TYPE_UNAVAILABLE);
  g_autoptr(XmppElement) caps = xmpp_element_new ("c", "http://jabber.org/protocol/caps");
  g_autoptr(XmppStanza) stanza = NULL;
  g_autoptr(XmppStanza) plain = NULL;
  g_autoptr(XmppJid) to = jid ("room@muc.example.com/romeo");
  g_autofree char *xml = NULL;
  g_autofree char *plain_xml = NULL;

  g_assert_null (xmpp_presence_get_stanza (presence));
  xmpp_presence_set_show (presence, XMPP_PRESENCE_SHOW_DND);
  xmpp_presence_set_status (presence, NULL, "Busy & <b>");
  xmpp_presence_set_status (presence, "de", "Besch\xc3\xa4" "ftigt");
  xmpp_presence_set_priority (presence, -3);
  xmpp_presence_set_id (presence, "join1");
  xmpp_presence_set_to (presence, to);
  xmpp_element_set_attribute (caps, "ver", "abc");
  xmpp_presence_add_payload (presence, caps);

  stanza = xmpp_presence_to_stanza (presence);
  xml = xmpp_stanza_to_string (stanza);
  g_assert_cmpstr (xml, ==,
                   "<presence id='join1' to='room@muc.example.com/romeo'><show>dnd</show>"
                   "<status>Busy &amp; &lt;b&gt;</status>"
                   "<status xml:lang='de'>Besch\xc3\xa4" "ftigt</status>"
                   "<priority>-3</priority>"
                   "<c xmlns='http://jabber.org/protocol/caps' ver='abc'/></presence>");
  /* The payload is copied: it keeps no parent. */
  g_assert_null (xmpp_element_get_parent (caps));

  /* A priority of 0 and no show are left out. */
  plain = xmpp_presence_to_stanza (unavailable);
  plain_xml = xmpp_stanza_to_string (plain);
  g_assert_cmpstr (plain_xml, ==, "<presence type='unavailable'/>");

  xmpp_presence_set_priority (presence, 1000);
  g_assert_cmpint (xmpp_presence_get_priority (presence), ==, 127);
  xmpp_presence_set_priority (presence, -1000);
  g_assert_cmpint (xmpp_presence_get_priority (presence), ==, -128);
}

static void
assert_same (XmppPresence *a,
             XmppPresence *b)
{
  g_auto(GStrv) langs_a = xmpp_presence_get_status_languages (a);
  g_auto(GStrv) langs_b = xmpp_presence_get_status_languages (b);
  g_autoptr(GPtrArray) payloads_a = xmpp_presence_get_payloads (a);
  g_autoptr(GPtrArray) payloads_b = xmpp_presence_get_payloads (b);
  GDateTime *delay_a = xmpp_presence_get_delay (a);
  GDateTime *delay_b = xmpp_presence_get_delay (b);

  g_assert_cmpint (xmpp_presence_get_presence_type (a), ==, xmpp_presence_get_presence_type (b));
  g_assert_cmpstr (xmpp_presence_get_id (a), ==, xmpp_presence_get_id (b));
  g_assert_true ((xmpp_presence_get_from (a) == NULL) == (xmpp_presence_get_from (b) == NULL));
  if (xmpp_presence_get_from (a) != NULL)
    g_assert_true (xmpp_jid_equal (xmpp_presence_get_from (a), xmpp_presence_get_from (b)));
  g_assert_true ((xmpp_presence_get_to (a) == NULL) == (xmpp_presence_get_to (b) == NULL));
  if (xmpp_presence_get_to (a) != NULL)
    g_assert_true (xmpp_jid_equal (xmpp_presence_get_to (a), xmpp_presence_get_to (b)));
  g_assert_cmpint (xmpp_presence_get_show (a), ==, xmpp_presence_get_show (b));
  g_assert_cmpint (xmpp_presence_get_priority (a), ==, xmpp_presence_get_priority (b));
  g_assert_cmpstrv (langs_a, langs_b);
  for (guint i = 0; langs_a[i] != NULL; i++)
    g_assert_cmpstr (xmpp_presence_get_status (a, langs_a[i]), ==, xmpp_presence_get_status (b, langs_a[i]));
  g_assert_true ((delay_a == NULL) == (delay_b == NULL));
  if (delay_a != NULL)
    g_assert_true (g_date_time_equal (delay_a, delay_b));
  g_assert_cmpuint (payloads_a->len, ==, payloads_b->len);
  for (guint i = 0; i < payloads_a->len; i++)
    g_assert_true (xmpp_element_equal (payloads_a->pdata[i], payloads_b->pdata[i]));
}

static void
test_round_trip (void)
{
  static const char *const xmls[] = {
    "<presence/>",
    "<presence type='subscribe' to='juliet@example.com' id='s1'/>",
    "<presence from='juliet@example.com/balcony' xml:lang='en'><show>chat</show>"
    "<status xml:lang='en'>Ready</status><status>Bereit</status><priority>-1</priority>"
    "<delay xmlns='urn:xmpp:delay' stamp='2002-09-10T23:41:07.5Z' from='example.com'/>"
    "<c xmlns='http://jabber.org/protocol/caps' ver='x'><extra>text</extra></c></presence>",
    "<presence type='error' id='e'><error type='cancel'>"
    "<item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></presence>",
  };

  for (guint i = 0; i < G_N_ELEMENTS (xmls); i++)
    {
      g_autoptr(XmppPresence) parsed = parse (xmls[i]);
      g_autoptr(XmppStanza) written = xmpp_presence_to_stanza (parsed);
      g_autoptr(XmppPresence) again = xmpp_presence_new_from_stanza (written);

      g_assert_nonnull (again);
      assert_same (parsed, again);
    }
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  GString *log = user_data;

  g_string_append_printf (log, "%s;", pspec->name);
}

static void
test_notify (void)
{
  g_autoptr(XmppPresence) presence = xmpp_presence_new (XMPP_PRESENCE_TYPE_AVAILABLE);
  g_autoptr(GString) log = g_string_new (NULL);
  g_autoptr(XmppJid) a = jid ("juliet@example.com");
  g_autoptr(XmppJid) same = jid ("Juliet@example.com");

  g_signal_connect (presence, "notify", G_CALLBACK (count_notify), log);

  xmpp_presence_set_presence_type (presence, XMPP_PRESENCE_TYPE_AVAILABLE);
  xmpp_presence_set_show (presence, XMPP_PRESENCE_SHOW_NONE);
  xmpp_presence_set_priority (presence, 0);
  xmpp_presence_set_id (presence, NULL);
  xmpp_presence_set_to (presence, NULL);
  xmpp_presence_set_from (presence, NULL);
  g_assert_cmpstr (log->str, ==, "");

  xmpp_presence_set_presence_type (presence, XMPP_PRESENCE_TYPE_UNAVAILABLE);
  xmpp_presence_set_show (presence, XMPP_PRESENCE_SHOW_XA);
  xmpp_presence_set_priority (presence, 4);
  xmpp_presence_set_id (presence, "x");
  xmpp_presence_set_to (presence, a);
  xmpp_presence_set_from (presence, a);
  g_assert_cmpstr (log->str, ==, "presence-type;show;priority;id;to;from;");

  g_string_truncate (log, 0);
  xmpp_presence_set_presence_type (presence, XMPP_PRESENCE_TYPE_UNAVAILABLE);
  xmpp_presence_set_show (presence, XMPP_PRESENCE_SHOW_XA);
  xmpp_presence_set_priority (presence, 4);
  xmpp_presence_set_id (presence, "x");
  xmpp_presence_set_to (presence, same);
  xmpp_presence_set_from (presence, same);
  /* Clamped to the value it already has. */
  xmpp_presence_set_priority (presence, 500);
  g_object_set (presence, "priority", 127, NULL);
  xmpp_presence_set_priority (presence, 500);
  g_assert_cmpstr (log->str, ==, "priority;");

  g_string_truncate (log, 0);
  /* g_object_set() queues the notifications; their order is GObject's. */
  g_object_set (presence, "show", XMPP_PRESENCE_SHOW_CHAT, "id", NULL, "priority", 127, NULL);
  g_assert_cmpuint (log->len, ==, strlen ("show;id;"));
  g_assert_nonnull (strstr (log->str, "show;"));
  g_assert_nonnull (strstr (log->str, "id;"));
}

static void
test_compare (void)
{
  g_autoptr(XmppPresence) away_high = xmpp_presence_new (XMPP_PRESENCE_TYPE_AVAILABLE);
  g_autoptr(XmppPresence) chat_low = xmpp_presence_new (XMPP_PRESENCE_TYPE_AVAILABLE);
  g_autoptr(XmppPresence) none_low = xmpp_presence_new (XMPP_PRESENCE_TYPE_AVAILABLE);
  g_autoptr(XmppPresence) dnd_low = xmpp_presence_new (XMPP_PRESENCE_TYPE_AVAILABLE);
  g_autoptr(XmppPresence) xa_low = xmpp_presence_new (XMPP_PRESENCE_TYPE_AVAILABLE);
  g_autoptr(XmppPresence) gone = xmpp_presence_new (XMPP_PRESENCE_TYPE_UNAVAILABLE);
  g_autoptr(XmppPresence) none_low_too = xmpp_presence_new (XMPP_PRESENCE_TYPE_AVAILABLE);
  GList *list = NULL;

  xmpp_presence_set_show (away_high, XMPP_PRESENCE_SHOW_AWAY);
  xmpp_presence_set_priority (away_high, 10);
  xmpp_presence_set_show (chat_low, XMPP_PRESENCE_SHOW_CHAT);
  xmpp_presence_set_show (dnd_low, XMPP_PRESENCE_SHOW_DND);
  xmpp_presence_set_show (xa_low, XMPP_PRESENCE_SHOW_XA);
  xmpp_presence_set_priority (gone, 100);

  g_assert_cmpint (xmpp_presence_compare (none_low, none_low_too), ==, 0);
  g_assert_cmpint (xmpp_presence_compare (away_high, chat_low), <, 0);
  g_assert_cmpint (xmpp_presence_compare (chat_low, away_high), >, 0);
  g_assert_cmpint (xmpp_presence_compare (chat_low, none_low), <, 0);
  g_assert_cmpint (xmpp_presence_compare (xa_low, dnd_low), <, 0);
  g_assert_cmpint (xmpp_presence_compare (dnd_low, gone), <, 0);
  g_assert_cmpint (xmpp_presence_compare (gone, dnd_low), >, 0);

  list = g_list_prepend (list, gone);
  list = g_list_prepend (list, dnd_low);
  list = g_list_prepend (list, none_low);
  list = g_list_prepend (list, xa_low);
  list = g_list_prepend (list, chat_low);
  list = g_list_prepend (list, away_high);
  list = g_list_sort (list, (GCompareFunc) xmpp_presence_compare);
  g_assert_true (g_list_nth_data (list, 0) == away_high);
  g_assert_true (g_list_nth_data (list, 1) == chat_low);
  g_assert_true (g_list_nth_data (list, 2) == none_low);
  g_assert_true (g_list_nth_data (list, 3) == xa_low);
  g_assert_true (g_list_nth_data (list, 4) == dnd_low);
  g_assert_true (g_list_nth_data (list, 5) == gone);
  g_list_free (list);
}

static void
test_error (void)
{
  g_autoptr(XmppPresence) bounce = NULL;
  g_autoptr(XmppPresence) built = xmpp_presence_new (XMPP_PRESENCE_TYPE_ERROR);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) payloads = NULL;

  bounce = parse ("<presence type='error' from='room@muc.example.com/romeo' id='join1'>"
                  "<x xmlns='http://jabber.org/protocol/muc'/>"
                  "<error type='cancel' by='room@muc.example.com'>"
                  "<conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
                  "<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>Nickname in use</text>"
                  "</error></presence>");
  g_assert_nonnull (bounce);
  g_assert_false (xmpp_presence_is_available (bounce));
  g_assert_cmpstr (xmpp_presence_get_id (bounce), ==, "join1");
  payloads = xmpp_presence_get_payloads (bounce);
  g_assert_cmpuint (payloads->len, ==, 1);
  g_assert_true (xmpp_element_is (payloads->pdata[0], "x", "http://jabber.org/protocol/muc"));

  g_assert_false (xmpp_presence_check_error (bounce, &error));
  g_assert_error (error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_CONFLICT);
  g_assert_cmpstr (error->message, ==, "Nickname in use");
  g_assert_true (xmpp_stanza_error_get_reply (error) == xmpp_presence_get_stanza (bounce));
  g_clear_error (&error);

  /* Without the <error/>, the condition is undefined. */
  g_assert_false (xmpp_presence_check_error (built, &error));
  g_assert_error (error, XMPP_STANZA_ERROR, XMPP_STANZA_ERROR_UNDEFINED_CONDITION);
  g_clear_error (&error);

  xmpp_presence_set_presence_type (bounce, XMPP_PRESENCE_TYPE_AVAILABLE);
  g_assert_true (xmpp_presence_check_error (bounce, &error));
  g_assert_no_error (error);
}

static void
test_robust (void)
{
  static const char *const xmls[] = {
    "<presence from='not@valid@jid'><show/><status/><priority/></presence>",
    "<presence><status xml:lang=''>empty lang</status><delay xmlns='urn:xmpp:delay' stamp=''/>"
    "<x xmlns='jabber:x:delay'/></presence>",
    "<presence><priority><b/>3</priority><show><x/></show></presence>",
    "<presence xmlns='jabber:server' from='a@b' type='unavailable'><status>bye</status></presence>",
  };

  for (guint i = 0; i < G_N_ELEMENTS (xmls); i++)
    {
      g_autoptr(XmppPresence) presence = parse (xmls[i]);
      g_autoptr(XmppStanza) stanza = NULL;
      g_auto(GStrv) langs = NULL;

      g_assert_nonnull (presence);
      g_assert_null (xmpp_presence_get_delay (presence));
      langs = xmpp_presence_get_status_languages (presence);
      stanza = xmpp_presence_to_stanza (presence);
      g_assert_nonnull (stanza);
    }

  {
    g_autoptr(XmppPresence) empty = parse (xmls[0]);
    g_autoptr(XmppPresence) unlabelled = parse (xmls[1]);
    g_autoptr(XmppPresence) mixed = parse (xmls[2]);
    g_autoptr(XmppPresence) server = parse (xmls[3]);

    g_assert_null (xmpp_presence_get_from (empty));
    g_assert_cmpstr (xmpp_presence_get_status (empty, NULL), ==, "");
    g_assert_cmpint (xmpp_presence_get_priority (empty), ==, 0);
    /* xml:lang='' means no language. */
    g_assert_cmpstr (xmpp_presence_get_status (unlabelled, ""), ==, "empty lang");
    g_assert_cmpint (xmpp_presence_get_priority (mixed), ==, 3);
    g_assert_cmpstr (xmpp_presence_get_status (server, NULL), ==, "bye");
  }
}

static void
test_many_languages (void)
{
  g_autoptr(GString) xml = g_string_new ("<presence>");
  g_autoptr(XmppPresence) presence = NULL;
  g_auto(GStrv) langs = NULL;
  guint n = 20000;

  g_test_summary ("Tens of thousands of status languages are read in linear time; the "
                  "first status of each language counts.");

  for (guint i = 0; i < n; i++)
    g_string_append_printf (xml, "<status xml:lang='x-%u'>%u</status>", i, i);
  g_string_append (xml, "<status xml:lang='X-7'>again</status><status xml:lang='X-12345'>again</status>"
                        "</presence>");
  presence = parse (xml->str);
  g_assert_nonnull (presence);
  langs = xmpp_presence_get_status_languages (presence);
  g_assert_cmpuint (g_strv_length (langs), ==, n);
  g_assert_cmpstr (xmpp_presence_get_status (presence, "x-7"), ==, "7");
  g_assert_cmpstr (xmpp_presence_get_status (presence, "x-12345"), ==, "12345");
  /* Without an unlabelled one, the default is the first. */
  g_assert_cmpstr (xmpp_presence_get_status (presence, NULL), ==, "0");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/presence/parse", test_parse);
  g_test_add_func ("/presence/parse/types", test_types);
  g_test_add_func ("/presence/parse/show", test_show);
  g_test_add_func ("/presence/parse/priority", test_priority);
  g_test_add_func ("/presence/parse/delay", test_delay);
  g_test_add_func ("/presence/parse/robust", test_robust);
  g_test_add_func ("/presence/parse/many-languages", test_many_languages);
  g_test_add_func ("/presence/languages", test_languages);
  g_test_add_func ("/presence/build", test_build);
  g_test_add_func ("/presence/round-trip", test_round_trip);
  g_test_add_func ("/presence/notify", test_notify);
  g_test_add_func ("/presence/compare", test_compare);
  g_test_add_func ("/presence/error", test_error);

  return g_test_run ();
}
