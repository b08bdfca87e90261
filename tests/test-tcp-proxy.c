/* test-tcp-proxy.c: the fault-injecting TCP proxy of the tests, between
 * clients and an echo or sink server of its own, all on loopback.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gio/gio.h>
#include <gio/gnetworking.h>
#include <string.h>

#include "tcp-proxy.h"

#define WAIT_UNTIL(cond) \
  G_STMT_START { while (!(cond)) g_main_context_iteration (NULL, TRUE); } G_STMT_END

/* Waits until @cond, and fails if that takes more than @ms. */
#define WAIT_AT_MOST(ms, cond) \
  G_STMT_START { \
    gboolean timed_out_ = FALSE; \
    guint timeout_id_ = g_timeout_add (ms, set_flag, &timed_out_); \
    while (!(cond) && !timed_out_) \
      g_main_context_iteration (NULL, TRUE); \
    if (!timed_out_) \
      g_source_remove (timeout_id_); \
    g_assert_true (cond); \
  } G_STMT_END

#define BUFFER_SIZE 65536

static gboolean
set_flag (gpointer user_data)
{
  gboolean *flag = user_data;

  *flag = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the main context for @ms. */
static void
wait_ms (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, set_flag, &done);
  WAIT_UNTIL (done);
}

static GBytes *
make_pattern (gsize   size,
              guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  guint8 *data = g_malloc (size);

  for (gsize i = 0; i < size; i++)
    data[i] = g_rand_int (rand) & 0xff;
  return g_bytes_new_take (data, size);
}

static void
assert_bytes_equal (GByteArray *received,
                    gsize       offset,
                    GBytes     *expected)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (expected, &size);

  g_assert_cmpuint (received->len, >=, offset + size);
  g_assert_true (memcmp (received->data + offset, data, size) == 0);
}

/* ------------------------------------------------------------------ */
/* Peers: the test's clients, and the connections of its server */

typedef enum {
  PEER_CLIENT,      /* reads everything; sends with peer_send() */
  PEER_ECHO,        /* writes back what it reads, then reads on */
  PEER_SINK,        /* reads everything, unless paused */
} PeerKind;

typedef struct
{
  PeerKind kind;
  GSocketConnection *connection;
  GCancellable *cancellable;
  guint n_pending;
  guint8 buffer[BUFFER_SIZE];
  gboolean reading;
  gboolean paused;
  GByteArray *received;           /* every byte read */
  gboolean ended;                 /* a read returned 0 or failed */
  GError *error;                  /* … the failure */
  gboolean writing;
  gboolean sent;                  /* peer_send() has written everything */
  GError *send_error;
  GBytes *outgoing;               /* what peer_send() writes */
  gboolean shutdown_after;        /* … and then shut down the sending side */
} Peer;

static void peer_read (Peer *peer);

static void
on_peer_written (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Peer *peer = user_data;
  g_autoptr(GError) error = NULL;

  peer->n_pending--;
  peer->writing = FALSE;
  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        peer->send_error = g_steal_pointer (&error);
      return;
    }
  if (peer->kind == PEER_ECHO)
    {
      peer_read (peer);
      return;
    }
  peer->sent = TRUE;
  if (peer->shutdown_after)
    g_socket_shutdown (g_socket_connection_get_socket (peer->connection), FALSE, TRUE, NULL);
}

static void
peer_write (Peer       *peer,
            const void *data,
            gsize       size)
{
  peer->writing = TRUE;
  peer->n_pending++;
  g_output_stream_write_all_async (g_io_stream_get_output_stream (G_IO_STREAM (peer->connection)),
                                   data, size, G_PRIORITY_DEFAULT, peer->cancellable,
                                   on_peer_written, peer);
}

static void
on_peer_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Peer *peer = user_data;
  g_autoptr(GError) error = NULL;
  gssize n;

  peer->n_pending--;
  peer->reading = FALSE;
  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (n <= 0)
    {
      peer->ended = TRUE;
      peer->error = g_steal_pointer (&error);
      /* An echo answers the end of its input with the end of its output. */
      if (n == 0 && peer->kind == PEER_ECHO)
        g_socket_shutdown (g_socket_connection_get_socket (peer->connection), FALSE, TRUE, NULL);
      return;
    }
  g_byte_array_append (peer->received, peer->buffer, n);
  if (peer->kind == PEER_ECHO)
    peer_write (peer, peer->buffer, n);
  else
    peer_read (peer);
}

static void
peer_read (Peer *peer)
{
  if (peer->reading || peer->paused || peer->ended)
    return;
  peer->reading = TRUE;
  peer->n_pending++;
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (peer->connection)),
                             peer->buffer, sizeof peer->buffer, G_PRIORITY_DEFAULT,
                             peer->cancellable, on_peer_read, peer);
}

static Peer *
peer_new (PeerKind           kind,
          GSocketConnection *connection,
          gboolean           paused)
{
  Peer *peer = g_new0 (Peer, 1);

  peer->kind = kind;
  peer->connection = g_object_ref (connection);
  peer->cancellable = g_cancellable_new ();
  peer->received = g_byte_array_new ();
  peer->paused = paused;
  peer_read (peer);
  return peer;
}

static void
peer_set_paused (Peer    *peer,
                 gboolean paused)
{
  peer->paused = paused;
  peer_read (peer);
}

/* Writes @bytes, then shuts the sending side down if @shutdown_after. */
static void
peer_send (Peer     *peer,
           GBytes   *bytes,
           gboolean  shutdown_after)
{
  gsize size;
  const void *data = g_bytes_get_data (bytes, &size);

  g_assert_cmpint (peer->kind, ==, PEER_CLIENT);
  g_assert_false (peer->writing);
  g_clear_pointer (&peer->outgoing, g_bytes_unref);
  peer->outgoing = g_bytes_ref (bytes);
  peer->sent = FALSE;
  peer->shutdown_after = shutdown_after;
  peer_write (peer, data, size);
}

/* Closes the connection with a reset, as a crashing peer would. */
static void
peer_reset (Peer *peer)
{
  GSocket *socket = g_socket_connection_get_socket (peer->connection);
  struct linger linger = { .l_onoff = 1, .l_linger = 0 };

  g_cancellable_cancel (peer->cancellable);
  g_assert_cmpint (setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_LINGER, &linger,
                               sizeof linger), ==, 0);
  g_socket_close (socket, NULL);
}

static void
peer_free (Peer *peer)
{
  g_cancellable_cancel (peer->cancellable);
  g_socket_close (g_socket_connection_get_socket (peer->connection), NULL);
  while (peer->n_pending > 0)
    g_main_context_iteration (NULL, TRUE);
  g_object_unref (peer->connection);
  g_object_unref (peer->cancellable);
  g_byte_array_unref (peer->received);
  g_clear_error (&peer->error);
  g_clear_error (&peer->send_error);
  g_clear_pointer (&peer->outgoing, g_bytes_unref);
  g_free (peer);
}

static void
on_peer_connected (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* Connects to 127.0.0.1:@port. */
static GSocketConnection *
try_connect (guint16  port,
             GError **error)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnectable) address = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  address = G_SOCKET_CONNECTABLE (g_inet_socket_address_new_from_string ("127.0.0.1", port));
  g_socket_client_set_enable_proxy (client, FALSE);
  g_socket_client_connect_async (client, address, NULL, on_peer_connected, &result);
  WAIT_UNTIL (result != NULL);
  return g_socket_client_connect_finish (client, result, error);
}

/* A client connected to 127.0.0.1:@port. */
static Peer *
peer_connect (guint16 port)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketConnection) connection = try_connect (port, &error);

  g_assert_no_error (error);
  return peer_new (PEER_CLIENT, connection, FALSE);
}

/* Sends @text and waits for its echo. */
static void
peer_ping (Peer       *peer,
           const char *text)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));
  guint offset = peer->received->len;

  peer_send (peer, bytes, FALSE);
  WAIT_UNTIL (peer->received->len >= offset + strlen (text) || peer->ended);
  assert_bytes_equal (peer->received, offset, bytes);
}

/* ------------------------------------------------------------------ */
/* The server */

typedef struct
{
  GSocketService *service;
  guint16 port;
  PeerKind kind;
  gboolean paused;                /* new peers start paused */
  GPtrArray *peers;               /* Peer */
} TestServer;

static gboolean
on_incoming (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source_object,
             gpointer           user_data)
{
  TestServer *server = user_data;

  g_ptr_array_add (server->peers, peer_new (server->kind, connection, server->paused));
  return TRUE;
}

static TestServer *
test_server_new (PeerKind kind)
{
  TestServer *server = g_new0 (TestServer, 1);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  server->kind = kind;
  server->peers = g_ptr_array_new_with_free_func ((GDestroyNotify) peer_free);
  server->service = g_socket_service_new ();
  g_socket_listener_add_address (G_SOCKET_LISTENER (server->service), address,
                                 G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL, &bound,
                                 &error);
  g_assert_no_error (error);
  server->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_signal_connect (server->service, "incoming", G_CALLBACK (on_incoming), server);
  g_socket_service_start (server->service);
  return server;
}

static void
test_server_free (TestServer *server)
{
  g_socket_service_stop (server->service);
  g_socket_listener_close (G_SOCKET_LISTENER (server->service));
  g_signal_handlers_disconnect_by_data (server->service, server);
  g_clear_object (&server->service);
  g_ptr_array_unref (server->peers);
  g_free (server);
}

static Peer *
test_server_get_peer (TestServer *server,
                      guint       index)
{
  g_assert_cmpuint (index, <, server->peers->len);
  return g_ptr_array_index (server->peers, index);
}

/* ------------------------------------------------------------------ */
/* Fixture */

typedef struct
{
  TestServer *server;
  TcpProxy *proxy;
  GPtrArray *clients;             /* Peer */
  guint watchdog;
} Fixture;

static gboolean
on_watchdog (gpointer user_data)
{
  g_error ("The test did not finish in time");
  return G_SOURCE_REMOVE;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->server = test_server_new (GPOINTER_TO_INT (data));
  f->proxy = tcp_proxy_new ("127.0.0.1", f->server->port, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->proxy);
  g_assert_cmpuint (tcp_proxy_get_port (f->proxy), !=, 0);
  f->clients = g_ptr_array_new_with_free_func ((GDestroyNotify) peer_free);
  f->watchdog = g_timeout_add_seconds (240, on_watchdog, NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_pointer (&f->clients, g_ptr_array_unref);
  g_clear_pointer (&f->proxy, tcp_proxy_free);
  g_clear_pointer (&f->server, test_server_free);
  g_source_remove (f->watchdog);
}

/* A new client through the proxy, freed at teardown. */
static Peer *
add_client (Fixture *f)
{
  Peer *client = peer_connect (tcp_proxy_get_port (f->proxy));

  g_ptr_array_add (f->clients, client);
  return client;
}

/* ------------------------------------------------------------------ */
/* Tests */

static void
test_forward (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GBytes) large = make_pattern (8 * 1024 * 1024, 1);
  Peer *client = add_client (f);
  Peer *server;
  gsize total;

  g_test_summary ("Bytes go both ways in order, and an orderly close (FIN) is passed on");

  peer_ping (client, "hello, proxy");
  g_assert_cmpuint (f->server->peers->len, ==, 1);

  /* 8 MiB at once: the client reads while it writes, the echo writes
   * back before it reads on, the proxy in between. */
  peer_send (client, large, TRUE);
  WAIT_UNTIL (client->ended);
  g_assert_no_error (client->error);
  g_assert_no_error (client->send_error);
  g_assert_true (client->sent);
  total = strlen ("hello, proxy") + g_bytes_get_size (large);
  g_assert_cmpuint (client->received->len, ==, total);
  assert_bytes_equal (client->received, strlen ("hello, proxy"), large);

  /* The echo saw the end of the client's data, not a reset. */
  server = test_server_get_peer (f->server, 0);
  g_assert_true (server->ended);
  g_assert_no_error (server->error);
  g_assert_cmpuint (server->received->len, ==, total);

  WAIT_UNTIL (tcp_proxy_get_n_open (f->proxy) == 0);
  g_assert_cmpuint (tcp_proxy_get_n_accepted (f->proxy), ==, 1);
  g_assert_cmpuint (tcp_proxy_get_n_cuts (f->proxy), ==, 0);
  g_assert_cmpuint (tcp_proxy_get_bytes_upstream (f->proxy), ==, total);
  g_assert_cmpuint (tcp_proxy_get_bytes_downstream (f->proxy), ==, total);
}

static void
test_two_connections (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GBytes) pattern_a = make_pattern (2 * 1024 * 1024, 2);
  g_autoptr(GBytes) pattern_b = make_pattern (3 * 1024 * 1024, 3);
  Peer *a = add_client (f);
  Peer *b = add_client (f);

  g_test_summary ("Two connections at once do not mix their bytes");

  peer_send (a, pattern_a, TRUE);
  peer_send (b, pattern_b, TRUE);
  WAIT_UNTIL (a->ended && b->ended);
  g_assert_no_error (a->error);
  g_assert_no_error (b->error);
  g_assert_cmpuint (a->received->len, ==, g_bytes_get_size (pattern_a));
  g_assert_cmpuint (b->received->len, ==, g_bytes_get_size (pattern_b));
  assert_bytes_equal (a->received, 0, pattern_a);
  assert_bytes_equal (b->received, 0, pattern_b);

  g_assert_cmpuint (tcp_proxy_get_n_accepted (f->proxy), ==, 2);
  g_assert_cmpuint (f->server->peers->len, ==, 2);
  g_assert_cmpuint (tcp_proxy_get_bytes_upstream (f->proxy), ==,
                    g_bytes_get_size (pattern_a) + g_bytes_get_size (pattern_b));
}

static void
test_back_pressure (Fixture       *f,
                    gconstpointer  data)
{
  /* More than all the socket buffers between the client and the server
   * can hold, even grown to their maximum sizes. */
  g_autoptr(GBytes) large = make_pattern (64 * 1024 * 1024, 4);
  Peer *client;
  Peer *server;
  guint64 before;

  g_test_summary ("A server that does not read stops the client's writes, through the proxy");

  f->server->paused = TRUE;
  client = add_client (f);
  peer_send (client, large, TRUE);

  /* Wait until nothing moves. */
  do
    {
      before = tcp_proxy_get_bytes_upstream (f->proxy);
      wait_ms (250);
    }
  while (tcp_proxy_get_bytes_upstream (f->proxy) != before || before == 0);
  g_test_message ("stalled after %" G_GUINT64_FORMAT " bytes forwarded", before);
  g_assert_cmpuint (before, <, g_bytes_get_size (large));
  g_assert_false (client->sent);
  g_assert_no_error (client->send_error);

  server = test_server_get_peer (f->server, 0);
  g_assert_cmpuint (server->received->len, ==, 0);
  peer_set_paused (server, FALSE);
  WAIT_UNTIL (server->ended);
  g_assert_no_error (server->error);
  g_assert_true (client->sent);
  g_assert_cmpuint (server->received->len, ==, g_bytes_get_size (large));
  assert_bytes_equal (server->received, 0, large);
  g_assert_cmpuint (tcp_proxy_get_bytes_upstream (f->proxy), ==, g_bytes_get_size (large));
}

static void
test_cut_all (Fixture       *f,
              gconstpointer  data)
{
  Peer *clients[2] = { add_client (f), add_client (f) };
  Peer *servers[2];
  Peer *again;

  g_test_summary ("tcp_proxy_cut_all() resets both sides of every connection at once");

  peer_ping (clients[0], "one");
  peer_ping (clients[1], "two");
  servers[0] = test_server_get_peer (f->server, 0);
  servers[1] = test_server_get_peer (f->server, 1);
  g_assert_cmpuint (tcp_proxy_get_n_open (f->proxy), ==, 2);

  tcp_proxy_cut_all (f->proxy);
  g_assert_cmpuint (tcp_proxy_get_n_open (f->proxy), ==, 0);
  g_assert_cmpuint (tcp_proxy_get_n_cuts (f->proxy), ==, 1);
  WAIT_AT_MOST (2000, clients[0]->ended && clients[1]->ended &&
                      servers[0]->ended && servers[1]->ended);
  for (guint i = 0; i < 2; i++)
    {
      /* A reset, not an orderly end of the stream. */
      g_assert_nonnull (clients[i]->error);
      g_assert_nonnull (servers[i]->error);
      g_test_message ("client %u: %s; server %u: %s", i, clients[i]->error->message, i,
                      servers[i]->error->message);
    }

  /* The proxy goes on accepting. */
  again = add_client (f);
  peer_ping (again, "again");
  g_assert_cmpuint (tcp_proxy_get_n_accepted (f->proxy), ==, 3);
}

static void
test_black_hole (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GBytes) late = g_bytes_new_static ("late", 4);
  g_autoptr(GBytes) new_bytes = g_bytes_new_static ("new", 3);
  Peer *old = add_client (f);
  Peer *doomed = add_client (f);
  Peer *server;
  Peer *doomed_server;
  Peer *young;
  guint64 up, down;

  g_test_summary ("A black hole forwards nothing and reports nothing, then lets the bytes "
                  "and the resets through late");

  peer_ping (old, "early");
  peer_ping (doomed, "doomed");
  server = test_server_get_peer (f->server, 0);
  doomed_server = test_server_get_peer (f->server, 1);

  tcp_proxy_set_black_hole (f->proxy, TRUE);
  g_assert_true (tcp_proxy_get_black_hole (f->proxy));
  up = tcp_proxy_get_bytes_upstream (f->proxy);
  down = tcp_proxy_get_bytes_downstream (f->proxy);
  peer_send (old, late, FALSE);
  /* A new connection is accepted, and black-holed too. */
  young = add_client (f);
  peer_send (young, new_bytes, FALSE);
  WAIT_UNTIL (tcp_proxy_get_n_accepted (f->proxy) == 3);
  /* A reset from a client does not cross the black hole. */
  peer_reset (doomed);

  wait_ms (3000);
  /* The clients' writes went into their socket buffers… */
  g_assert_true (old->sent);
  g_assert_true (young->sent);
  g_assert_no_error (old->send_error);
  g_assert_no_error (young->send_error);
  /* … and nothing came back, not even an error. */
  g_assert_false (old->ended);
  g_assert_false (young->ended);
  g_assert_cmpuint (old->received->len, ==, strlen ("early"));
  g_assert_cmpuint (young->received->len, ==, 0);
  g_assert_cmpuint (server->received->len, ==, strlen ("early"));
  g_assert_false (server->ended);
  g_assert_false (doomed_server->ended);
  g_assert_cmpuint (f->server->peers->len, ==, 3);
  g_assert_cmpuint (tcp_proxy_get_bytes_upstream (f->proxy), ==, up);
  g_assert_cmpuint (tcp_proxy_get_bytes_downstream (f->proxy), ==, down);
  g_assert_cmpuint (tcp_proxy_get_n_open (f->proxy), ==, 3);

  /* The path comes back: what was sent meanwhile arrives. */
  tcp_proxy_set_black_hole (f->proxy, FALSE);
  WAIT_UNTIL (old->received->len == strlen ("earlylate") &&
              young->received->len == strlen ("new"));
  g_assert_true (memcmp (old->received->data, "earlylate", strlen ("earlylate")) == 0);
  g_assert_true (memcmp (young->received->data, "new", strlen ("new")) == 0);
  g_assert_false (old->ended);
  g_assert_false (young->ended);
  WAIT_AT_MOST (2000, doomed_server->ended);
  g_assert_nonnull (doomed_server->error);
  g_assert_cmpuint (tcp_proxy_get_n_open (f->proxy), ==, 2);
}

static void
test_cut_after_bytes (Fixture       *f,
                      gconstpointer  data)
{
  /* Below the server's receive window, so that every byte the proxy
   * writes reaches the server before the reset. */
  const guint64 limits[] = { 1, 1000, 50000 };
  g_autoptr(GBytes) large = make_pattern (1024 * 1024, 5);

  g_test_summary ("A cut after N bytes comes after exactly N bytes");

  for (guint i = 0; i < G_N_ELEMENTS (limits); i++)
    {
      guint64 before = tcp_proxy_get_bytes_upstream (f->proxy);
      g_autoptr(GBytes) expected = g_bytes_new_from_bytes (large, 0, limits[i]);
      Peer *client;
      Peer *server;

      tcp_proxy_cut_after_bytes (f->proxy, limits[i]);
      client = add_client (f);
      peer_send (client, large, FALSE);
      WAIT_UNTIL (f->server->peers->len == i + 1);
      server = test_server_get_peer (f->server, i);
      WAIT_AT_MOST (5000, client->ended && server->ended);

      g_assert_cmpuint (tcp_proxy_get_n_cuts (f->proxy), ==, i + 1);
      g_assert_cmpuint (tcp_proxy_get_bytes_upstream (f->proxy) - before, ==, limits[i]);
      g_assert_cmpuint (tcp_proxy_get_bytes_downstream (f->proxy), ==, 0);
      g_assert_nonnull (client->error);
      g_assert_nonnull (server->error);
      g_assert_cmpuint (server->received->len, ==, limits[i]);
      assert_bytes_equal (server->received, 0, expected);
    }
}

static void
test_cut_after_bytes_echo (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GBytes) large = make_pattern (1024 * 1024, 6);
  Peer *client = add_client (f);
  Peer *after;

  g_test_summary ("A cut after N bytes counts both directions together, and happens once");

  tcp_proxy_cut_after_bytes (f->proxy, 300000);
  peer_send (client, large, FALSE);
  WAIT_AT_MOST (5000, client->ended);
  g_assert_nonnull (client->error);
  g_assert_cmpuint (tcp_proxy_get_n_cuts (f->proxy), ==, 1);
  g_assert_cmpuint (tcp_proxy_get_bytes_upstream (f->proxy) +
                    tcp_proxy_get_bytes_downstream (f->proxy), ==, 300000);
  g_assert_cmpuint (tcp_proxy_get_bytes_downstream (f->proxy), >, 0);
  g_assert_cmpuint (client->received->len, <=, tcp_proxy_get_bytes_downstream (f->proxy));

  /* Disarmed by the cut. */
  after = add_client (f);
  peer_send (after, large, TRUE);
  WAIT_UNTIL (after->ended);
  g_assert_no_error (after->error);
  g_assert_cmpuint (after->received->len, ==, g_bytes_get_size (large));
  g_assert_cmpuint (tcp_proxy_get_n_cuts (f->proxy), ==, 1);
}

#define RANDOM_CUTS 5
#define RANDOM_MIN  10000
#define RANDOM_MAX  200000

/* Cuts @proxy RANDOM_CUTS times with @seed, a client sending until each
 * cut; returns the bytes forwarded between one cut and the next. */
static GArray *
run_random_cuts (TcpProxy *proxy,
                 guint32   seed)
{
  g_autoptr(GBytes) data = make_pattern (2 * RANDOM_MAX, seed);
  GArray *gaps = g_array_new (FALSE, FALSE, sizeof (guint64));
  guint64 last = 0;
  Peer *client;

  tcp_proxy_cut_randomly (proxy, seed, RANDOM_CUTS, RANDOM_MIN, RANDOM_MAX);
  for (guint i = 0; i < RANDOM_CUTS; i++)
    {
      guint64 total;

      client = peer_connect (tcp_proxy_get_port (proxy));
      peer_send (client, data, FALSE);
      WAIT_AT_MOST (5000, client->ended);
      g_assert_nonnull (client->error);
      g_assert_cmpuint (tcp_proxy_get_n_cuts (proxy), ==, i + 1);
      total = tcp_proxy_get_bytes_upstream (proxy) + tcp_proxy_get_bytes_downstream (proxy);
      g_array_append_vals (gaps, &(guint64) { total - last }, 1);
      last = total;
      peer_free (client);
    }

  /* Then no more cuts. */
  client = peer_connect (tcp_proxy_get_port (proxy));
  peer_send (client, data, TRUE);
  WAIT_UNTIL (client->ended);
  g_assert_no_error (client->error);
  g_assert_cmpuint (client->received->len, ==, g_bytes_get_size (data));
  g_assert_cmpuint (tcp_proxy_get_n_cuts (proxy), ==, RANDOM_CUTS);
  peer_free (client);
  return gaps;
}

static void
test_cut_randomly (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GArray) gaps = NULL;
  g_autoptr(GArray) again = NULL;
  g_autoptr(TcpProxy) second = NULL;
  g_autoptr(GError) error = NULL;

  g_test_summary ("Random cuts come within the bounds, the same ones for the same seed");

  gaps = run_random_cuts (f->proxy, 4711);
  second = tcp_proxy_new ("127.0.0.1", f->server->port, &error);
  g_assert_no_error (error);
  again = run_random_cuts (second, 4711);

  g_assert_cmpuint (gaps->len, ==, RANDOM_CUTS);
  g_assert_cmpuint (again->len, ==, RANDOM_CUTS);
  for (guint i = 0; i < RANDOM_CUTS; i++)
    {
      guint64 gap = g_array_index (gaps, guint64, i);

      g_test_message ("cut %u after %" G_GUINT64_FORMAT " bytes", i + 1, gap);
      g_assert_cmpuint (gap, >=, RANDOM_MIN);
      g_assert_cmpuint (gap, <=, RANDOM_MAX);
      g_assert_cmpuint (gap, ==, g_array_index (again, guint64, i));
    }
}

static void
test_free_with_connections (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GBytes) large = make_pattern (4 * 1024 * 1024, 7);
  guint16 port = tcp_proxy_get_port (f->proxy);
  Peer *busy = add_client (f);
  Peer *idle = add_client (f);
  Peer *fresh;
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;

  g_test_summary ("Freeing the proxy resets its connections, also those in flight");

  peer_ping (idle, "idle");
  peer_send (busy, large, FALSE);
  WAIT_UNTIL (busy->received->len > 0);
  /* One more, perhaps still connecting to the server. */
  fresh = add_client (f);
  WAIT_UNTIL (tcp_proxy_get_n_accepted (f->proxy) == 3);

  g_clear_pointer (&f->proxy, tcp_proxy_free);
  WAIT_AT_MOST (2000, busy->ended && idle->ended && fresh->ended);
  for (guint i = 0; i < f->server->peers->len; i++)
    WAIT_AT_MOST (2000, test_server_get_peer (f->server, i)->ended);

  /* Nobody listens any more. */
  connection = try_connect (port, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  g_assert_null (connection);
}

static void
test_loopback_only (Fixture       *f,
                    gconstpointer  data)
{
  const char *refused[] = { "192.0.2.1", "::ffff:192.0.2.1", "2001:db8::1", "example.org", "" };
  const char *accepted[] = { "127.0.0.1", "127.1.2.3", "::1", "localhost" };

  g_test_summary ("The proxy forwards to loopback only");

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;
      TcpProxy *proxy = tcp_proxy_new (refused[i], 5222, &error);

      g_assert_null (proxy);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    }
  for (guint i = 0; i < G_N_ELEMENTS (accepted); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TcpProxy) proxy = tcp_proxy_new (accepted[i], 5222, &error);

      g_assert_no_error (error);
      g_assert_nonnull (proxy);
    }

  /* "localhost" reaches a server on 127.0.0.1, even if ::1 comes first. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(TcpProxy) proxy = tcp_proxy_new ("localhost", f->server->port, &error);
    Peer *client;

    g_assert_no_error (error);
    client = peer_connect (tcp_proxy_get_port (proxy));
    peer_ping (client, "via localhost");
    peer_free (client);
  }
}

static void
test_target_refused (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TcpProxy) proxy = NULL;
  guint16 port;
  Peer *client;

  g_test_summary ("A client whose server cannot be reached is reset");

  /* A port that was free a moment ago. */
  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);
  g_socket_listener_close (listener);

  proxy = tcp_proxy_new ("127.0.0.1", port, &error);
  g_assert_no_error (error);
  client = peer_connect (tcp_proxy_get_port (proxy));
  WAIT_AT_MOST (5000, client->ended);
  g_assert_nonnull (client->error);
  g_assert_cmpuint (tcp_proxy_get_n_accepted (proxy), ==, 1);
  g_assert_cmpuint (tcp_proxy_get_n_open (proxy), ==, 0);
  peer_free (client);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD_TEST(path, kind, func) \
  g_test_add (path, Fixture, GINT_TO_POINTER (kind), fixture_setup, func, fixture_teardown)

  ADD_TEST ("/tcp-proxy/forward", PEER_ECHO, test_forward);
  ADD_TEST ("/tcp-proxy/two-connections", PEER_ECHO, test_two_connections);
  ADD_TEST ("/tcp-proxy/back-pressure", PEER_SINK, test_back_pressure);
  ADD_TEST ("/tcp-proxy/cut-all", PEER_ECHO, test_cut_all);
  ADD_TEST ("/tcp-proxy/black-hole", PEER_ECHO, test_black_hole);
  ADD_TEST ("/tcp-proxy/cut-after-bytes", PEER_SINK, test_cut_after_bytes);
  ADD_TEST ("/tcp-proxy/cut-after-bytes-echo", PEER_ECHO, test_cut_after_bytes_echo);
  ADD_TEST ("/tcp-proxy/cut-randomly", PEER_ECHO, test_cut_randomly);
  ADD_TEST ("/tcp-proxy/free-with-connections", PEER_ECHO, test_free_with_connections);
  ADD_TEST ("/tcp-proxy/loopback-only", PEER_ECHO, test_loopback_only);
  ADD_TEST ("/tcp-proxy/target-refused", PEER_ECHO, test_target_refused);

  return g_test_run ();
}
