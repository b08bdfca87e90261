/* bench-connect.c: wall time and round trips from connect to ready
 *
 * Usage: bench-connect [--count N] [--user USER] [--password PASSWORD]
 *                      [--json FILE] PORTS_ENV
 *
 * Logs in N times (20 by default), one login after the other, to the
 * server that PORTS_ENV describes (a ports.env written by
 * tests/servers/start-prosody), over STARTTLS with the SASL mechanism the
 * connection picks by itself (SCRAM). Each login gets a fresh
 * XmppConnection; the TLS database is read once. For each login it
 * measures the wall time from xmpp_connection_connect_async() to its
 * callback, and counts the XMPP-level round trips: the times the client
 * sent something (XmppConnection::xml-sent) and then heard from the
 * server (XmppConnection::xml-received) before sending again. The TLS
 * handshake happens below the XMPP layer and adds its own round trips
 * (1 with TLS 1.3), which are not counted.
 *
 * The login is also cut into steps, each named after the first element
 * the client sends in it and lasting until the client's next flight
 * starts; "connect" is the time from connect_async() to the first byte
 * queued (resolving and the TCP handshake). For each step the time spent
 * waiting for the server (from the client's last send to the server's
 * first reply) is kept apart from the rest (the client's own work, and
 * for the STARTTLS step the TLS handshake).
 *
 * bench/bench-connect-slixmpp.py measures slixmpp the same way, and
 * bench/run-connect-bench runs both against a local Prosody.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdlib.h>
#include <string.h>
#include <xmpp-glib/xmpp-glib.h>

#define LOGIN_TIMEOUT_SECONDS 30

typedef struct
{
  gint64 time;          /* µs since connect_async () */
  gboolean sent;
  char label[32];       /* the first element's name, for sent data */
} Event;

typedef struct
{
  char label[32];
  gint64 total;         /* µs, from this flight to the next one */
  gint64 wait;          /* µs, from the last send to the server's reply */
} Step;

typedef struct
{
  gint64 wall;          /* µs */
  guint round_trips;
  gint64 wait;          /* µs waiting for the server, summed over steps */
  GArray *steps;        /* of Step */
} Login;

typedef struct
{
  GMainLoop *loop;
  GHashTable *env;
  GTlsDatabase *database;
  XmppJid *jid;
  const char *password;
  guint count;

  XmppConnection *connection;
  gint64 start;
  GArray *events;       /* of Event, for the current login */
  GArray *logins;       /* of Login */
  char *mechanism;
  int status;
} Bench;

static void start_login (Bench *bench);

/* Reads KEY=VALUE lines, as start-prosody writes them. */
static GHashTable *
read_ports_env (const char  *path,
                GError     **error)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  GHashTable *env;

  if (!g_file_get_contents (path, &contents, NULL, error))
    return NULL;
  env = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *equals = strchr (lines[i], '=');
      char *value;
      gsize len;

      if (equals == NULL || lines[i][0] == '#')
        continue;
      *equals = '\0';
      value = equals + 1;
      len = strlen (value);
      if (len >= 2 && value[0] == '"' && value[len - 1] == '"')
        {
          value[len - 1] = '\0';
          value++;
        }
      g_hash_table_insert (env, g_strdup (lines[i]), g_strdup (value));
    }
  return env;
}

/* The name of the first element that @text opens, skipping an XML
 * declaration: "stream:stream", "starttls", "auth", "iq"… */
static void
element_label (const char *text,
               char       *label,
               gsize       size)
{
  const char *p = text;
  gsize n = 0;

  while ((p = strchr (p, '<')) != NULL && (p[1] == '?' || p[1] == '!'))
    p++;
  if (p == NULL)
    {
      g_strlcpy (label, "(text)", size);
      return;
    }
  p++;
  while (p[n] != '\0' && p[n] != ' ' && p[n] != '>' && p[n] != '/' && n + 1 < size)
    n++;
  memcpy (label, p, n);
  label[n] = '\0';
}

static void
record (Bench      *bench,
        gboolean    sent,
        const char *text)
{
  Event event = { g_get_monotonic_time () - bench->start, sent, "" };

  if (sent)
    element_label (text, event.label, sizeof event.label);
  g_array_append_val (bench->events, event);
}

static void
on_xml_sent (XmppConnection *connection,
             const char     *text,
             gpointer        user_data)
{
  record (user_data, TRUE, text);
}

static void
on_xml_received (XmppConnection *connection,
                 const char     *text,
                 gpointer        user_data)
{
  record (user_data, FALSE, text);
}

/* Cuts the events of one login into flights. A round trip is a flight of
 * sent chunks followed by a received chunk; chunks the server sends
 * without being asked, or while the client is still waiting, do not
 * count again. */
static Login
analyse (GArray *events,
         gint64  wall)
{
  Login login = { wall, 0, 0, g_array_new (FALSE, TRUE, sizeof (Step)) };
  Step step = { "connect", 0, 0 };
  gint64 step_start = 0;
  gint64 last_send = 0;
  gboolean waiting = FALSE;

  for (guint i = 0; i < events->len; i++)
    {
      Event *event = &g_array_index (events, Event, i);

      if (event->sent && !waiting)
        {
          /* A new flight: the step before it ends here. */
          step.total = event->time - step_start;
          g_array_append_val (login.steps, step);
          step = (Step) { "", 0, 0 };
          g_strlcpy (step.label, event->label, sizeof step.label);
          step_start = event->time;
          waiting = TRUE;
        }
      if (event->sent)
        last_send = event->time;
      else if (waiting)
        {
          login.round_trips++;
          step.wait = event->time - last_send;
          login.wait += step.wait;
          waiting = FALSE;
        }
    }
  step.total = wall - step_start;
  g_array_append_val (login.steps, step);
  return login;
}

static int
compare_int64 (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

/* The median of @n values; sorts them. */
static double
median (gint64 *values,
        guint   n)
{
  qsort (values, n, sizeof (gint64), compare_int64);
  if (n % 2 == 1)
    return values[n / 2];
  return (values[n / 2 - 1] + values[n / 2]) / 2.0;
}

static void
print_summary (Bench *bench)
{
  guint n = bench->logins->len;
  g_autofree gint64 *walls = g_new (gint64, n);
  g_autofree gint64 *trips = g_new (gint64, n);
  g_autofree gint64 *waits = g_new (gint64, n);
  Login *first = &g_array_index (bench->logins, Login, 0);
  gboolean same_steps = TRUE;
  double wall_median, trips_median;

  for (guint i = 0; i < n; i++)
    {
      Login *login = &g_array_index (bench->logins, Login, i);

      walls[i] = login->wall;
      trips[i] = login->round_trips;
      waits[i] = login->wait;
      same_steps = same_steps && login->steps->len == first->steps->len;
      for (guint s = 0; same_steps && s < login->steps->len; s++)
        same_steps = strcmp (g_array_index (login->steps, Step, s).label,
                             g_array_index (first->steps, Step, s).label) == 0;
    }

  /* median () sorts, so min and max are read after it. */
  wall_median = median (walls, n);
  trips_median = median (trips, n);
  g_print ("xmpp-glib: %u logins over STARTTLS with %s\n", n, bench->mechanism);
  g_print ("  wall time: median %.2f ms, min %.2f ms, max %.2f ms\n",
           wall_median / 1000.0, walls[0] / 1000.0, walls[n - 1] / 1000.0);
  g_print ("  XMPP round trips: median %.1f, min %" G_GINT64_FORMAT ", max %" G_GINT64_FORMAT
           " (plus the TLS handshake's own)\n",
           trips_median, trips[0], trips[n - 1]);
  g_print ("  waiting for the server: median %.2f ms\n", median (waits, n) / 1000.0);
  if (!same_steps)
    {
      g_print ("  (the logins went through different steps; no breakdown)\n");
      return;
    }
  g_print ("  steps (median total / of which waiting for the server):\n");
  for (guint s = 0; s < first->steps->len; s++)
    {
      g_autofree gint64 *totals = g_new (gint64, n);

      for (guint i = 0; i < n; i++)
        {
          GArray *steps = g_array_index (bench->logins, Login, i).steps;

          totals[i] = g_array_index (steps, Step, s).total;
          waits[i] = g_array_index (steps, Step, s).wait;
        }
      g_print ("    %-16s %8.2f ms / %6.2f ms\n", g_array_index (first->steps, Step, s).label,
               median (totals, n) / 1000.0, median (waits, n) / 1000.0);
    }
}

static gboolean
write_json (Bench       *bench,
            const char  *path,
            GError     **error)
{
  g_autoptr(GString) out = g_string_new (NULL);

  g_string_append_printf (out, "{\"impl\": \"xmpp-glib\", \"mechanism\": \"%s\", \"logins\": [",
                          bench->mechanism);
  for (guint i = 0; i < bench->logins->len; i++)
    {
      Login *login = &g_array_index (bench->logins, Login, i);

      g_string_append_printf (out, "%s\n  {\"wall_ms\": %.3f, \"round_trips\": %u, \"wait_ms\": %.3f, \"steps\": [",
                              i > 0 ? "," : "", login->wall / 1000.0, login->round_trips,
                              login->wait / 1000.0);
      for (guint s = 0; s < login->steps->len; s++)
        {
          Step *step = &g_array_index (login->steps, Step, s);

          g_string_append_printf (out, "%s[\"%s\", %.3f, %.3f]", s > 0 ? ", " : "",
                                  step->label, step->total / 1000.0, step->wait / 1000.0);
        }
      g_string_append (out, "]}");
    }
  g_string_append (out, "\n]}\n");
  return g_file_set_contents (path, out->str, out->len, error);
}

static void
on_closed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Bench *bench = user_data;

  xmpp_connection_close_finish (XMPP_CONNECTION (source), result, NULL);
  g_clear_object (&bench->connection);
  if (bench->logins->len < bench->count)
    start_login (bench);
  else
    g_main_loop_quit (bench->loop);
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  XmppConnection *connection = XMPP_CONNECTION (source);
  Bench *bench = user_data;
  gint64 wall = g_get_monotonic_time () - bench->start;
  g_autoptr(GError) error = NULL;
  Login login;

  /* A login that takes longer than connect-timeout fails here too. */
  if (!xmpp_connection_connect_finish (connection, result, &error))
    {
      g_printerr ("login %u failed: %s\n", bench->logins->len + 1, error->message);
      bench->status = 1;
      g_main_loop_quit (bench->loop);
      return;
    }

  /* Nothing more counts once the connection is ready. */
  g_signal_handlers_disconnect_by_data (connection, bench);
  login = analyse (bench->events, wall);
  g_array_append_val (bench->logins, login);
  if (bench->mechanism == NULL)
    bench->mechanism = g_strdup (xmpp_connection_get_used_mechanism (connection));
  g_printerr ("login %u/%u: %.2f ms, %u round trips\n", bench->logins->len, bench->count,
              wall / 1000.0, login.round_trips);
  xmpp_connection_close_async (connection, NULL, on_closed, bench);
}

static void
start_login (Bench *bench)
{
  XmppConnection *connection = xmpp_connection_new (bench->jid, bench->password);

  xmpp_connection_set_host (connection, g_hash_table_lookup (bench->env, "XMPP_HOST"));
  xmpp_connection_set_port (connection, atoi (g_hash_table_lookup (bench->env, "XMPP_C2S_PORT")));
  xmpp_connection_set_tls_database (connection, bench->database);
  xmpp_connection_set_connect_timeout (connection, LOGIN_TIMEOUT_SECONDS);
  g_signal_connect (connection, "xml-sent", G_CALLBACK (on_xml_sent), bench);
  g_signal_connect (connection, "xml-received", G_CALLBACK (on_xml_received), bench);
  bench->connection = connection;
  g_array_set_size (bench->events, 0);

  bench->start = g_get_monotonic_time ();
  xmpp_connection_connect_async (connection, NULL, on_connected, bench);
}

int
main (int    argc,
      char **argv)
{
  int count = 20;
  g_autofree char *user = NULL;
  g_autofree char *password = NULL;
  g_autofree char *json = NULL;
  GOptionEntry entries[] = {
    { "count", 'n', 0, G_OPTION_ARG_INT, &count, "Log in N times (20)", "N" },
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, "Log in as USER (alice)", "USER" },
    { "password", 0, 0, G_OPTION_ARG_STRING, &password, "USER's password (from XMPP_USERS)", "PASSWORD" },
    { "json", 0, 0, G_OPTION_ARG_FILENAME, &json, "Also write every login's figures to FILE", "FILE" },
    { NULL }
  };
  g_autoptr(GOptionContext) options = g_option_context_new ("PORTS_ENV");
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) env = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(XmppJid) jid = NULL;
  g_autofree char *address = NULL;
  const char *keys[] = { "XMPP_HOST", "XMPP_C2S_PORT", "XMPP_DOMAIN", "XMPP_CA_FILE", "XMPP_USERS" };
  Bench bench = { 0 };

  g_option_context_add_main_entries (options, entries, NULL);
  g_option_context_set_summary (options, "Times logins over STARTTLS with SCRAM, from connect to ready.");
  if (!g_option_context_parse (options, &argc, &argv, &error) || argc != 2 || count < 1)
    {
      g_printerr ("%s\n", error ? error->message : "Usage: bench-connect [OPTION…] PORTS_ENV");
      return 2;
    }
  env = read_ports_env (argv[1], &error);
  if (env == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    if (g_hash_table_lookup (env, keys[i]) == NULL)
      {
        g_printerr ("%s: no %s\n", argv[1], keys[i]);
        return 2;
      }

  if (user == NULL)
    user = g_strdup ("alice");
  if (password == NULL)
    {
      g_auto(GStrv) users = g_strsplit (g_hash_table_lookup (env, "XMPP_USERS"), " ", -1);
      g_autofree char *prefix = g_strconcat (user, ":", NULL);

      for (guint i = 0; users[i] != NULL && password == NULL; i++)
        if (g_str_has_prefix (users[i], prefix))
          password = g_strdup (users[i] + strlen (prefix));
      if (password == NULL)
        {
          g_printerr ("no password for %s\n", user);
          return 2;
        }
    }
  address = g_strdup_printf ("%s@%s", user, (char *) g_hash_table_lookup (env, "XMPP_DOMAIN"));
  jid = xmpp_jid_new (address, &error);
  database = jid ? g_tls_file_database_new (g_hash_table_lookup (env, "XMPP_CA_FILE"), &error) : NULL;
  if (database == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  bench.loop = g_main_loop_new (NULL, FALSE);
  bench.env = env;
  bench.database = database;
  bench.jid = jid;
  bench.password = password;
  bench.count = count;
  bench.events = g_array_new (FALSE, TRUE, sizeof (Event));
  bench.logins = g_array_new (FALSE, TRUE, sizeof (Login));

  start_login (&bench);
  g_main_loop_run (bench.loop);

  if (bench.status == 0)
    {
      print_summary (&bench);
      if (json != NULL && !write_json (&bench, json, &error))
        {
          g_printerr ("%s\n", error->message);
          bench.status = 1;
        }
    }

  g_clear_object (&bench.connection);
  for (guint i = 0; i < bench.logins->len; i++)
    g_array_unref (g_array_index (bench.logins, Login, i).steps);
  g_array_unref (bench.logins);
  g_array_unref (bench.events);
  g_free (bench.mechanism);
  g_main_loop_unref (bench.loop);
  return bench.status;
}
