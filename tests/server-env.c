/* server-env.c: what the tests against real servers share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "server-env.h"

#include <stdlib.h>

gboolean
server_load (Server *server)
{
  const char *var = g_str_equal (server->name, "prosody") ? "XMPP_PROSODY_ENV" : "XMPP_EJABBERD_ENV";
  const char *path = g_getenv (var);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (path == NULL || !g_file_get_contents (path, &contents, NULL, NULL))
    return FALSE;

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) kv = g_strsplit (lines[i], "=", 2);
      g_autofree char *value = NULL;

      if (kv[0] == NULL || kv[1] == NULL)
        continue;
      value = g_shell_unquote (kv[1], NULL);
      if (value == NULL)
        continue;
      if (g_str_equal (kv[0], "XMPP_HOST"))
        server->host = g_strdup (value);
      else if (g_str_equal (kv[0], "XMPP_DOMAIN"))
        server->domain = g_strdup (value);
      else if (g_str_equal (kv[0], "XMPP_ANON_DOMAIN"))
        server->anon_domain = g_strdup (value);
      else if (g_str_equal (kv[0], "XMPP_C2S_PORT"))
        server->c2s_port = atoi (value);
      else if (g_str_equal (kv[0], "XMPP_C2S_TLS_PORT"))
        server->tls_port = atoi (value);
      else if (g_str_equal (kv[0], "XMPP_C2S_CERT_PORT"))
        server->cert_port = atoi (value);
      else if (g_str_equal (kv[0], "XMPP_CA_FILE"))
        server->ca_file = g_strdup (value);
      else if (g_str_equal (kv[0], "XMPP_CLIENT_CERT"))
        server->client_cert = g_strdup (value);
      else if (g_str_equal (kv[0], "XMPP_UNTRUSTED_CLIENT_CERT"))
        server->untrusted_client_cert = g_strdup (value);
      else if (g_str_equal (kv[0], "XMPP_PID"))
        server->pid = atoi (value);
    }
  return server->host != NULL && server->domain != NULL && server->c2s_port != 0 &&
         server->ca_file != NULL && server->anon_domain != NULL && server->cert_port != 0 &&
         server->client_cert != NULL && server->untrusted_client_cert != NULL;
}

void
server_configure (Server         *server,
                  XmppConnection *connection)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsDatabase) database = g_tls_file_database_new (server->ca_file, &error);

  g_assert_no_error (error);
  xmpp_connection_set_host (connection, server->host);
  xmpp_connection_set_port (connection, server->c2s_port);
  xmpp_connection_set_tls_database (connection, database);
}

gpointer
server_new_connection (Server     *server,
                       GType       type,
                       const char *user,
                       const char *password,
                       gboolean    trust)
{
  g_autofree char *address = g_strdup_printf ("%s@%s", user, server->domain);
  g_autoptr(XmppJid) jid = xmpp_jid_new (address, NULL);
  XmppConnection *connection = g_object_new (type, "jid", jid, "password", password, NULL);

  server_configure (server, connection);
  if (!trust)
    xmpp_connection_set_tls_database (connection, NULL);
  return connection;
}

void
on_async_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

gboolean
connect_sync (XmppConnection *connection,
              GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  xmpp_connection_connect_async (connection, NULL, on_async_done, &result);
  WAIT_UNTIL (result != NULL);
  return xmpp_connection_connect_finish (connection, result, error);
}

XmppStanza *
send_iq_sync (XmppConnection *connection,
              XmppStanza     *iq,
              int             timeout,
              GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  xmpp_connection_send_iq_async (connection, iq, timeout, NULL, on_async_done, &result);
  WAIT_UNTIL (result != NULL);
  return xmpp_connection_send_iq_finish (connection, result, error);
}

void
close_sync (XmppConnection *connection)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  xmpp_connection_close_async (connection, NULL, on_async_done, &result);
  WAIT_UNTIL (result != NULL);
  g_assert_true (xmpp_connection_close_finish (connection, result, &error));
  g_assert_no_error (error);
}

gboolean
wait_tick (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static gboolean
on_wait_timeout (gpointer user_data)
{
  gboolean *expired = user_data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

void
run_for (guint ms)
{
  gboolean expired = FALSE;

  g_timeout_add (ms, on_wait_timeout, &expired);
  WAIT_UNTIL (expired);
}

void
wait_for (gboolean (*cond) (gpointer data),
          gpointer data,
          guint    seconds)
{
  gboolean expired = FALSE;
  guint id = g_timeout_add_seconds (seconds, on_wait_timeout, &expired);

  while (!cond (data) && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (expired)
    g_error ("Waited %u s in vain", seconds);
  g_source_remove (id);
}
