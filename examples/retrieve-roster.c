/* retrieve-roster.c: logs in to an XMPP server and prints the account's
 * roster
 *
 * Usage: retrieve-roster [--host HOST] [--port PORT] [--ca-file FILE] JID
 *
 * The password is read from the XMPP_PASSWORD environment variable. The
 * program logs in without showing itself online, waits for the session
 * (which fetches the roster), prints one line per contact and closes the
 * stream. Each line has four fields separated by tabs: the bare JID, the
 * name (empty when there is none), the subscription (none, to, from or
 * both) and the groups, separated by commas:
 *
 *   bob@example.com	Bob	both	Friends,Work
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <xmpp-glib/xmpp-glib.h>

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

/* The roster is fetched and the session started: print it and leave. */
static void
on_session_ready (XmppImConnection *connection,
                  gpointer          user_data)
{
  GListModel *roster = G_LIST_MODEL (xmpp_im_connection_get_roster (connection));
  g_autoptr(GEnumClass) subscriptions = g_type_class_ref (XMPP_TYPE_SUBSCRIPTION);

  for (guint i = 0; i < g_list_model_get_n_items (roster); i++)
    {
      g_autoptr(XmppContact) contact = g_list_model_get_item (roster, i);
      g_autofree char *groups = g_strjoinv (",", (char **) xmpp_contact_get_groups (contact));
      const char *name = xmpp_contact_get_name (contact);

      g_print ("%s\t%s\t%s\t%s\n",
               xmpp_jid_to_string (xmpp_contact_get_jid (contact)),
               name != NULL ? name : "",
               g_enum_get_value (subscriptions, xmpp_contact_get_subscription (contact))->value_nick,
               groups);
    }
  xmpp_connection_close_async (XMPP_CONNECTION (connection), NULL, on_closed, user_data);
}

/* The server ended the stream, or the network failed. A graceful close
 * (no error) is handled by on_closed(). */
static void
on_connection_closed (XmppConnection *connection,
                      const GError   *error,
                      gpointer        user_data)
{
  Demo *demo = user_data;

  if (error == NULL)
    return;
  g_printerr ("Connection lost: %s\n", error->message);
  demo->status = 1;
  g_main_loop_quit (demo->loop);
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Demo *demo = user_data;
  g_autoptr(GError) error = NULL;

  if (!xmpp_connection_connect_finish (XMPP_CONNECTION (source), result, &error))
    {
      g_printerr ("Login failed: %s\n", error->message);
      demo->status = 1;
      g_main_loop_quit (demo->loop);
      return;
    }
  /* Logged in; the rest starts at ::session-ready. From now on, a
   * connection that drops ends the program. */
  g_signal_connect (source, "closed", G_CALLBACK (on_connection_closed), demo);
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
  g_autoptr(XmppImConnection) connection = NULL;
  Demo demo = { 0 };

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error) || argc != 2)
    {
      g_printerr ("%s\n", error ? error->message : "Usage: retrieve-roster [OPTION…] JID");
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

  connection = xmpp_im_connection_new (jid, g_getenv ("XMPP_PASSWORD"));
  xmpp_connection_set_host (XMPP_CONNECTION (connection), host);
  xmpp_connection_set_port (XMPP_CONNECTION (connection), port);
  xmpp_connection_set_tls_database (XMPP_CONNECTION (connection), database);
  /* No presence: the account's contacts do not see this program online,
   * and the server sends it neither their presence nor stored messages. */
  xmpp_im_connection_set_presence (connection, NULL);

  demo.loop = g_main_loop_new (NULL, FALSE);
  g_signal_connect (connection, "session-ready", G_CALLBACK (on_session_ready), &demo);
  xmpp_connection_connect_async (XMPP_CONNECTION (connection), NULL, on_connected, &demo);
  g_main_loop_run (demo.loop);
  g_main_loop_unref (demo.loop);
  return demo.status;
}
