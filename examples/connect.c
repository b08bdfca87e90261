/* connect.c: logs in to an XMPP server and prints what the server says
 * about itself
 *
 * Usage: connect [--host HOST] [--port PORT] [--ca-file FILE] JID
 *
 * The password is read from the XMPP_PASSWORD environment variable. The
 * program logs in, prints the bound address and the identities and
 * features of the server's disco#info, and closes the stream.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <xmpp-glib/xmpp-glib.h>

#define NS_DISCO_INFO "http://jabber.org/protocol/disco#info"

typedef struct
{
  GMainLoop *loop;
  int status;
} Demo;

static void
on_closed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Demo *demo = user_data;

  xmpp_connection_close_finish (XMPP_CONNECTION (source), result, NULL);
  g_main_loop_quit (demo->loop);
}

static void
on_disco_info (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  XmppConnection *connection = XMPP_CONNECTION (source);
  Demo *demo = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppStanza) reply = xmpp_connection_send_iq_finish (connection, result, &error);

  if (reply == NULL)
    {
      g_printerr ("disco#info failed: %s\n", error->message);
      demo->status = 1;
    }
  else
    {
      XmppElement *query = xmpp_element_get_child (xmpp_stanza_get_element (reply), "query", NS_DISCO_INFO);

      for (XmppElement *child = query ? xmpp_element_get_first_child (query) : NULL; child != NULL;
           child = xmpp_element_get_next_sibling (child))
        {
          if (xmpp_element_is (child, "identity", NS_DISCO_INFO))
            g_print ("identity: %s/%s %s\n",
                     xmpp_element_get_attribute (child, "category"),
                     xmpp_element_get_attribute (child, "type"),
                     xmpp_element_get_attribute (child, "name") ? xmpp_element_get_attribute (child, "name") : "");
          else if (xmpp_element_is (child, "feature", NS_DISCO_INFO))
            g_print ("feature: %s\n", xmpp_element_get_attribute (child, "var"));
        }
    }
  xmpp_connection_close_async (connection, NULL, on_closed, demo);
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  XmppConnection *connection = XMPP_CONNECTION (source);
  Demo *demo = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppStanza) iq = NULL;
  g_autoptr(XmppJid) server = NULL;

  if (!xmpp_connection_connect_finish (connection, result, &error))
    {
      g_printerr ("Login failed: %s\n", error->message);
      demo->status = 1;
      g_main_loop_quit (demo->loop);
      return;
    }

  g_print ("bound as %s (SASL %s)\n", xmpp_jid_to_string (xmpp_connection_get_bound_jid (connection)),
           xmpp_connection_get_used_mechanism (connection));

  server = xmpp_jid_new (xmpp_jid_get_domainpart (xmpp_connection_get_jid (connection)), NULL);
  iq = xmpp_stanza_new (XMPP_STANZA_KIND_IQ, "get");
  xmpp_stanza_set_to (iq, server);
  xmpp_element_add_child_new (xmpp_stanza_get_element (iq), "query", NS_DISCO_INFO);
  xmpp_connection_send_iq_async (connection, iq, 0, NULL, on_disco_info, demo);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *host = NULL;
  g_autofree char *ca_file = NULL;
  int port = 0;
  GOptionEntry entries[] = {
    { "host", 0, 0, G_OPTION_ARG_STRING, &host, "Connect to HOST instead of the domain's server", "HOST" },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "Port to connect to", "PORT" },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &ca_file, "Trust the certificates in FILE", "FILE" },
    { NULL }
  };
  g_autoptr(GOptionContext) options = g_option_context_new ("JID");
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppJid) jid = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(XmppConnection) connection = NULL;
  Demo demo = { 0 };

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error) || argc != 2)
    {
      g_printerr ("%s\n", error ? error->message : "Usage: connect [OPTION…] JID");
      return 2;
    }
  jid = xmpp_jid_new (argv[1], &error);
  if (error == NULL && ca_file != NULL)
    database = g_tls_file_database_new (ca_file, &error);
  if (error != NULL)
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  connection = xmpp_connection_new (jid, g_getenv ("XMPP_PASSWORD"));
  xmpp_connection_set_host (connection, host);
  xmpp_connection_set_port (connection, port);
  xmpp_connection_set_tls_database (connection, database);

  demo.loop = g_main_loop_new (NULL, FALSE);
  xmpp_connection_connect_async (connection, NULL, on_connected, &demo);
  g_main_loop_run (demo.loop);
  g_main_loop_unref (demo.loop);
  return demo.status;
}
