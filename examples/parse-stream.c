/* parse-stream.c: reads an XMPP stream and prints what it holds
 *
 * Usage: parse-stream [FILE]   (standard input without FILE)
 *
 * The stream is fed to the parser in small chunks, the way bytes arrive
 * from a socket, and each stanza is printed with its addresses.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <xmpp-glib/xmpp-glib.h>

static const char *const kinds[] = { "element", "iq", "message", "presence" };

static void
on_stream_start (XmppParser       *parser,
                 XmppStreamHeader *header,
                 gpointer          user_data)
{
  g_print ("stream from %s, id %s, version %s\n",
           xmpp_stream_header_get_from (header),
           xmpp_stream_header_get_id (header),
           xmpp_stream_header_get_version (header));
}

static void
print_address (const char *label,
               XmppStanza *stanza,
               XmppJid    *jid,
               const char *attribute)
{
  const char *raw = xmpp_element_get_attribute (xmpp_stanza_get_element (stanza), attribute);

  if (raw == NULL)
    return;
  if (jid == NULL)
    {
      g_print ("  %s: %s (not a valid address)\n", label, raw);
      return;
    }
  g_print ("  %s: %s  [local %s, domain %s, resource %s]\n", label,
           xmpp_jid_to_string (jid),
           xmpp_jid_get_localpart (jid) ? xmpp_jid_get_localpart (jid) : "-",
           xmpp_jid_get_domainpart (jid),
           xmpp_jid_get_resourcepart (jid) ? xmpp_jid_get_resourcepart (jid) : "-");
}

static void
on_stanza (XmppParser *parser,
           XmppStanza *stanza,
           gpointer    user_data)
{
  XmppElement *root = xmpp_stanza_get_element (stanza);
  XmppElement *payload = xmpp_stanza_get_payload (stanza);
  const char *body = xmpp_element_get_child_text (root, "body", NULL);
  g_autofree char *xml = xmpp_stanza_to_string (stanza);

  g_print ("%s <%s/> type=%s id=%s\n", kinds[xmpp_stanza_get_kind (stanza)],
           xmpp_element_get_name (root),
           xmpp_stanza_get_stanza_type (stanza) ? xmpp_stanza_get_stanza_type (stanza) : "-",
           xmpp_stanza_get_id (stanza) ? xmpp_stanza_get_id (stanza) : "-");
  print_address ("from", stanza, xmpp_stanza_get_from (stanza), "from");
  print_address ("to", stanza, xmpp_stanza_get_to (stanza), "to");
  if (payload != NULL)
    g_print ("  payload: <%s xmlns='%s'/>\n", xmpp_element_get_name (payload),
             xmpp_element_get_namespace (payload));
  if (body != NULL)
    g_print ("  body: %s\n", body);
  if (xmpp_stanza_is_error (stanza))
    g_print ("  error: %s\n", xmpp_stanza_condition_to_string (xmpp_stanza_get_error_condition (stanza)));
  g_print ("  xml: %s\n", xml);
}

static void
on_stream_end (XmppParser *parser,
               gpointer    user_data)
{
  g_print ("stream closed\n");
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(XmppParser) parser = xmpp_parser_new ();
  g_autoptr(GError) error = NULL;
  FILE *input = stdin;
  guint8 chunk[61];
  size_t n;

  if (argc > 1 && (input = fopen (argv[1], "rb")) == NULL)
    {
      g_printerr ("Cannot open %s\n", argv[1]);
      return 1;
    }

  g_signal_connect (parser, "stream-start", G_CALLBACK (on_stream_start), NULL);
  g_signal_connect (parser, "stanza", G_CALLBACK (on_stanza), NULL);
  g_signal_connect (parser, "stream-end", G_CALLBACK (on_stream_end), NULL);

  while ((n = fread (chunk, 1, sizeof chunk, input)) > 0)
    if (!xmpp_parser_feed (parser, chunk, n, &error))
      {
        g_printerr ("Stream error %s: %s\n",
                    xmpp_stream_condition_to_string (error->code), error->message);
        return 1;
      }

  if (input != stdin)
    fclose (input);
  return 0;
}
