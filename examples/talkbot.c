/* talkbot.c: a bot that answers every message with a line from a file
 *
 * Usage: talkbot [--host HOST] [--port PORT] [--ca-file FILE]
 *                [--max-replies N] JID LINES-FILE
 *
 *   talkbot bot@example.com examples/talkbot-lines.txt
 *
 * The password is read from the XMPP_PASSWORD environment variable. The
 * bot logs in and shows itself online. It answers each chat or normal
 * message that has a body with a random line of LINES-FILE (empty lines
 * are skipped), in the same conversation thread, and prints what it
 * answered. It approves every subscription request and subscribes back.
 * It runs until interrupted (SIGINT or SIGTERM), or until it has sent N
 * replies with --max-replies, then closes the stream.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <xmpp-glib/xmpp-glib.h>

typedef struct
{
  GMainLoop *loop;
  XmppImConnection *connection;
  GPtrArray *lines;
  int max_replies;
  int replies;
  gboolean stopping;
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

/* Closes the stream gracefully: what is queued, the last reply
 * included, is written before the closing tag. While logging in, there
 * is nothing to close. */
static void
stop_bot (Demo *demo)
{
  XmppConnection *connection = XMPP_CONNECTION (demo->connection);

  if (demo->stopping)
    return;
  demo->stopping = TRUE;
  if (xmpp_connection_get_state (connection) == XMPP_CONNECTION_STATE_READY)
    xmpp_connection_close_async (connection, NULL, on_closed, demo);
  else
    g_main_loop_quit (demo->loop);
}

static gboolean
on_signal (gpointer user_data)
{
  g_print ("Interrupted, closing\n");
  stop_bot (user_data);
  return G_SOURCE_CONTINUE;
}

static void
on_message_received (XmppImConnection *connection,
                     XmppMessage      *message,
                     gpointer          user_data)
{
  Demo *demo = user_data;
  XmppMessageType type = xmpp_message_get_message_type (message);
  const char *line;
  g_autoptr(XmppMessage) reply = NULL;

  /* Chat state notifications have no body; group chat and headlines are
   * not for the bot; a message without a sender comes from the account
   * itself. */
  if ((type != XMPP_MESSAGE_TYPE_CHAT && type != XMPP_MESSAGE_TYPE_NORMAL) ||
      xmpp_message_get_body (message, NULL) == NULL ||
      xmpp_message_get_from (message) == NULL ||
      demo->stopping)
    return;

  line = g_ptr_array_index (demo->lines, g_random_int_range (0, demo->lines->len));
  reply = xmpp_message_make_reply (message, line);
  if (!xmpp_im_connection_send_message (connection, reply))
    {
      g_printerr ("Cannot answer %s: the send queue is full\n",
                  xmpp_jid_to_string (xmpp_message_get_from (message)));
      return;
    }
  g_print ("Replied to %s: %s\n", xmpp_jid_to_string (xmpp_message_get_from (message)), line);

  if (demo->max_replies > 0 && ++demo->replies >= demo->max_replies)
    stop_bot (demo);
}

static void
on_subscribe_received (XmppImConnection *connection,
                       XmppJid          *jid,
                       const char       *status,
                       gpointer          user_data)
{
  XmppContact *contact = xmpp_roster_lookup (xmpp_im_connection_get_roster (connection), jid);
  XmppSubscription subscription = contact != NULL ? xmpp_contact_get_subscription (contact)
                                                  : XMPP_SUBSCRIPTION_NONE;

  xmpp_im_connection_approve_subscription (connection, jid);
  g_print ("Approved the subscription of %s\n", xmpp_jid_to_string (jid));

  /* Subscribe back, unless the bot already sees the contact's presence or
   * has asked for it. */
  if (subscription != XMPP_SUBSCRIPTION_TO && subscription != XMPP_SUBSCRIPTION_BOTH &&
      (contact == NULL || !xmpp_contact_get_ask (contact)))
    xmpp_im_connection_subscribe (connection, jid, NULL);
}

static void
on_session_ready (XmppImConnection *connection,
                  gpointer          user_data)
{
  XmppJid *bound = xmpp_connection_get_bound_jid (XMPP_CONNECTION (connection));

  g_print ("Talking as %s\n", xmpp_jid_to_string (bound));
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

/* Gives the non-empty lines of a file, without their surrounding white
 * space. The file must be UTF-8, as XMPP requires. */
static GPtrArray *
load_lines (const char  *path,
            GError     **error)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *result;

  if (!g_file_get_contents (path, &text, NULL, error))
    return NULL;
  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, G_CONVERT_ERROR, G_CONVERT_ERROR_ILLEGAL_SEQUENCE, "%s is not UTF-8", path);
      return NULL;
    }
  result = g_ptr_array_new_with_free_func (g_free);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (*g_strstrip (lines[i]) != '\0')
        g_ptr_array_add (result, g_strdup (lines[i]));
    }
  return result;
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *host = NULL;
  g_autofree char *ca_file = NULL;
  int port = 0;
  int max_replies = 0;
  GOptionEntry entries[] = {
    { "host", 0, 0, G_OPTION_ARG_STRING, &host, "Connect to HOST instead of the domain's server", "HOST" },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "Port to connect to", "PORT" },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &ca_file, "Trust the certificates in FILE", "FILE" },
    { "max-replies", 0, 0, G_OPTION_ARG_INT, &max_replies, "Stop after N replies", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) options = g_option_context_new ("JID LINES-FILE");
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppJid) jid = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(XmppImConnection) connection = NULL;
  g_autoptr(XmppPresence) presence = NULL;
  Demo demo = { 0 };

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error) || argc != 3)
    {
      g_printerr ("%s\n", error ? error->message : "Usage: talkbot [OPTION…] JID LINES-FILE");
      return 2;
    }
  jid = xmpp_jid_new (argv[1], &error);
  if (error == NULL)
    lines = load_lines (argv[2], &error);
  if (error == NULL && ca_file != NULL)
    database = g_tls_file_database_new (ca_file, &error);
  if (error != NULL)
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (lines->len == 0)
    {
      g_printerr ("%s has nothing to say\n", argv[2]);
      return 2;
    }

  connection = xmpp_im_connection_new (jid, g_getenv ("XMPP_PASSWORD"));
  xmpp_connection_set_host (XMPP_CONNECTION (connection), host);
  xmpp_connection_set_port (XMPP_CONNECTION (connection), port);
  xmpp_connection_set_tls_database (XMPP_CONNECTION (connection), database);
  /* Online, so that messages sent to the bare JID reach the bot. */
  presence = xmpp_presence_new (XMPP_PRESENCE_TYPE_AVAILABLE);
  xmpp_presence_set_status (presence, NULL, "I'm a talking bot.");
  xmpp_im_connection_set_presence (connection, presence);

  /* What the bot says shows at once, also in a log file or a pipe. */
  setvbuf (stdout, NULL, _IOLBF, 0);

  demo.loop = g_main_loop_new (NULL, FALSE);
  demo.connection = connection;
  demo.lines = lines;
  demo.max_replies = max_replies;
  g_signal_connect (connection, "session-ready", G_CALLBACK (on_session_ready), &demo);
  g_signal_connect (connection, "message-received", G_CALLBACK (on_message_received), &demo);
  g_signal_connect (connection, "subscribe-received", G_CALLBACK (on_subscribe_received), &demo);
  g_unix_signal_add (SIGINT, on_signal, &demo);
  g_unix_signal_add (SIGTERM, on_signal, &demo);
  xmpp_connection_connect_async (XMPP_CONNECTION (connection), NULL, on_connected, &demo);
  g_main_loop_run (demo.loop);
  g_main_loop_unref (demo.loop);
  return demo.status;
}
