/* sendmsg.c: sends a chat message read from standard input
 *
 * Usage: sendmsg [--host HOST] [--port PORT] [--ca-file FILE] JID TO
 *
 *   echo "Dinner is ready" | sendmsg juliet@example.com romeo@example.net
 *
 * The password is read from the XMPP_PASSWORD environment variable. The
 * program reads all of standard input (UTF-8; trailing white space is
 * dropped), logs in as JID without showing itself online, sends the text
 * as a chat message to TO, waits until it is written to the server and
 * closes the stream.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <unistd.h>
#include <xmpp-glib/xmpp-glib.h>

typedef struct
{
  GMainLoop *loop;
  XmppJid *to;
  const char *body;
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

/* Everything queued, the message included, has been written. */
static void
on_queue_drained (XmppConnection *connection,
                  gpointer        user_data)
{
  Demo *demo = user_data;

  g_signal_handlers_disconnect_by_func (connection, on_queue_drained, user_data);
  g_print ("Sent to %s\n", xmpp_jid_to_string (demo->to));
  xmpp_connection_close_async (connection, NULL, on_closed, demo);
}

static void
on_session_ready (XmppImConnection *connection,
                  gpointer          user_data)
{
  Demo *demo = user_data;
  g_autoptr(XmppMessage) message = xmpp_message_new (XMPP_MESSAGE_TYPE_CHAT, demo->to, demo->body);

  if (!xmpp_im_connection_send_message (connection, message))
    {
      g_printerr ("The message is too large to send\n");
      demo->status = 1;
      xmpp_connection_close_async (XMPP_CONNECTION (connection), NULL, on_closed, demo);
      return;
    }
  /* Sending only queues the message; ::queue-drained tells when it left. */
  g_signal_connect (connection, "queue-drained", G_CALLBACK (on_queue_drained), demo);
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
  g_autoptr(GOptionContext) options = g_option_context_new ("JID TO");
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppJid) jid = NULL;
  g_autoptr(XmppJid) to = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GIOChannel) input = NULL;
  g_autofree char *body = NULL;
  g_autoptr(XmppImConnection) connection = NULL;
  Demo demo = { 0 };

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error) || argc != 3)
    {
      g_printerr ("%s\n", error ? error->message : "Usage: sendmsg [OPTION…] JID TO < MESSAGE");
      return 2;
    }
  jid = xmpp_jid_new (argv[1], &error);
  if (error == NULL)
    to = xmpp_jid_new (argv[2], &error);
  if (error == NULL && ca_file != NULL)
    database = g_tls_file_database_new (ca_file, &error);
  if (error != NULL)
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  /* The channel checks that the text is UTF-8, as XMPP requires. */
  input = g_io_channel_unix_new (STDIN_FILENO);
  if (g_io_channel_read_to_end (input, &body, NULL, &error) != G_IO_STATUS_NORMAL)
    {
      g_printerr ("Cannot read the message: %s\n", error->message);
      return 2;
    }
  if (*g_strchomp (body) == '\0')
    {
      g_printerr ("The message is empty\n");
      return 2;
    }

  connection = xmpp_im_connection_new (jid, g_getenv ("XMPP_PASSWORD"));
  xmpp_connection_set_host (XMPP_CONNECTION (connection), host);
  xmpp_connection_set_port (XMPP_CONNECTION (connection), port);
  xmpp_connection_set_tls_database (XMPP_CONNECTION (connection), database);
  /* No presence: the program only sends, so it does not show itself
   * online, and the server sends it no messages meant for the user. */
  xmpp_im_connection_set_presence (connection, NULL);

  demo.loop = g_main_loop_new (NULL, FALSE);
  demo.to = to;
  demo.body = body;
  g_signal_connect (connection, "session-ready", G_CALLBACK (on_session_ready), &demo);
  xmpp_connection_connect_async (XMPP_CONNECTION (connection), NULL, on_connected, &demo);
  g_main_loop_run (demo.loop);
  g_main_loop_unref (demo.loop);
  return demo.status;
}
