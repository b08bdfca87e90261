/* server-env.h: what the tests against real servers share: the servers
 * that tests/servers/with-servers started, and waiting for async calls
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <xmpp-glib/xmpp-glib.h>

G_BEGIN_DECLS

/* Runs the main loop until @cond holds; a test that waits longer than
 * WAIT_LIMIT_SECONDS fails instead of hanging. */
#define WAIT_LIMIT_SECONDS 60
#define WAIT_UNTIL(cond)                                                        \
  G_STMT_START {                                                                \
    gint64 wait_deadline_ = g_get_monotonic_time () + WAIT_LIMIT_SECONDS * G_USEC_PER_SEC; \
    guint wait_tick_ = g_timeout_add (250, wait_tick, NULL);                    \
    while (!(cond))                                                             \
      {                                                                         \
        if (g_get_monotonic_time () > wait_deadline_)                           \
          g_error ("%s:%d: waited %d s in vain for %s", __FILE__, __LINE__,     \
                   WAIT_LIMIT_SECONDS, #cond);                                  \
        g_main_context_iteration (NULL, TRUE);                                  \
      }                                                                         \
    g_source_remove (wait_tick_);                                               \
  } G_STMT_END

/* A timeout callback that only wakes the main loop up. */
gboolean wait_tick (gpointer data);

typedef struct
{
  const char *name;        /* "prosody" or "ejabberd" */
  char *host;
  guint c2s_port;
  guint tls_port;
  guint cert_port;         /* c2s that asks for client certificates, or 0 */
  char *domain;
  char *anon_domain;       /* a host with anonymous login, or NULL */
  char *ca_file;
  char *client_cert;       /* alice's client certificate and key, or NULL */
  char *untrusted_client_cert;
  int pid;
} Server;

/* Reads the ports.env of the server named @server->name. Returns: %FALSE
 * if the test does not run under with-servers. */
gboolean server_load (Server *server);

/* Points @connection at @server (host, port, the test CA). */
void server_configure (Server         *server,
                       XmppConnection *connection);

/* A new connection of @type (XMPP_TYPE_CONNECTION or a subclass) for
 * user@domain, configured for @server, trusting its CA if @trust. */
gpointer server_new_connection (Server     *server,
                                GType       type,
                                const char *user,
                                const char *password,
                                gboolean    trust);

/* A GAsyncReadyCallback that stores the result in *(GAsyncResult **) @user_data. */
void on_async_done (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data);

gboolean connect_sync (XmppConnection *connection,
                       GError        **error);
void close_sync (XmppConnection *connection);
XmppStanza *send_iq_sync (XmppConnection *connection,
                          XmppStanza     *iq,
                          int             timeout,
                          GError        **error);

/* Runs the main loop for @ms milliseconds. */
void run_for (guint ms);

/* Runs the main loop until @cond (a callback over @data) holds, failing
 * the test after @seconds. */
void wait_for (gboolean (*cond) (gpointer data),
               gpointer data,
               guint    seconds);

G_END_DECLS
