/* tcp-proxy.c: a TCP proxy on loopback that injects network faults
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "tcp-proxy.h"

#include <errno.h>
#include <gio/gnetworking.h>

#define BUFFER_SIZE 65536

enum {
  UPSTREAM,         /* client → target */
  DOWNSTREAM,       /* target → client */
};

typedef struct _Pair Pair;

/* One direction of a connection: read into the buffer, write it all to
 * the other side, read again. */
typedef struct
{
  Pair *pair;
  guint direction;
  GInputStream *input;
  GOutputStream *output;
  GSocket *destination;           /* the socket written, for the shutdown */
  guint8 buffer[BUFFER_SIZE];
  gsize start;                    /* bytes not yet written: buffer[start, end) */
  gsize end;
  gsize reserved;                 /* of the write in flight, counted against the cut */
  gboolean reading;
  gboolean writing;
  gboolean eof;                   /* the source has closed its side */
  gboolean shut;                  /* … and the destination has been told */
} Pump;

/* A client connection and its connection to the target. */
struct _Pair
{
  TcpProxy *proxy;
  GList link;                     /* in proxy->pairs */
  guint id;
  GSocketConnection *client;
  GSocketConnection *server;      /* NULL until connected */
  GCancellable *cancellable;
  Pump pumps[2];                  /* UPSTREAM, DOWNSTREAM */
  guint n_pending;                /* async operations in flight, and callers holding it */
  gboolean failed;                /* a side failed in a black hole: reset the other after it */
  gboolean closed;
};

struct _TcpProxy
{
  GMainContext *context;
  GSocketConnectable *target;
  GSocketListener *listener;
  GSocketClient *connector;
  guint16 port;
  GCancellable *cancellable;      /* accepting */
  gboolean accepting;
  GQueue pairs;                   /* every Pair not yet freed, closed or not */
  guint n_open;
  gboolean black_hole;

  /* Cutting after a number of bytes */
  gboolean cut_armed;
  guint64 cut_budget;             /* bytes that writes may still start to forward */
  guint64 cut_in_flight;          /* bytes of writes in flight counted against it */
  GRand *rand;                    /* tcp_proxy_cut_randomly() */
  guint random_cuts_left;
  guint64 random_min;
  guint64 random_max;

  /* Counters */
  guint n_accepted;
  guint n_cuts;
  guint64 bytes[2];               /* UPSTREAM, DOWNSTREAM */
};

static void pump_run (Pump *pump);

/* ------------------------------------------------------------------ */
/* Connections */

static void
set_no_delay (GSocketConnection *connection)
{
  /* The proxy writes what it reads as soon as it reads it: Nagle's
   * algorithm would only add the delays of a second TCP hop. */
  g_socket_set_option (g_socket_connection_get_socket (connection), IPPROTO_TCP, TCP_NODELAY,
                       TRUE, NULL);
}

/* Closes @connection's socket, with a reset if @abort. Operations in
 * flight on it must have been cancelled. */
static void
close_socket (GSocketConnection *connection,
              gboolean           abort)
{
  GSocket *socket = g_socket_connection_get_socket (connection);

  if (abort)
    {
      /* g_socket_set_option() sets integer options only; struct linger
       * needs setsockopt() itself. A linger timeout of 0 makes close()
       * drop the send queue and send a RST instead of a FIN. */
      struct linger linger = { .l_onoff = 1, .l_linger = 0 };

      if (setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_LINGER, &linger,
                      sizeof linger) != 0)
        g_test_message ("tcp proxy: cannot set SO_LINGER: %s", g_strerror (errno));
    }
  g_socket_close (socket, NULL);
}

static void
pair_free (Pair *pair)
{
  g_queue_unlink (&pair->proxy->pairs, &pair->link);
  g_clear_object (&pair->client);
  g_clear_object (&pair->server);
  g_clear_object (&pair->cancellable);
  g_free (pair);
}

/* Closes both sockets, with resets if @abort. The pair goes once every
 * operation in flight has returned. */
static void
pair_close (Pair    *pair,
            gboolean abort)
{
  if (pair->closed)
    return;
  pair->closed = TRUE;
  pair->proxy->n_open--;
  g_cancellable_cancel (pair->cancellable);
  close_socket (pair->client, abort);
  if (pair->server != NULL)
    close_socket (pair->server, abort);
  if (pair->n_pending == 0)
    pair_free (pair);
}

static void
pair_hold (Pair *pair)
{
  pair->n_pending++;
}

static void
pair_release (Pair *pair)
{
  if (--pair->n_pending == 0 && pair->closed)
    pair_free (pair);
}

/* An operation failed: pass the failure on to the other side, as a
 * reset; in a black hole, once it is over. */
static void
pair_fail (Pair         *pair,
           const char   *what,
           const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || pair->closed)
    return;
  g_test_message ("tcp proxy: connection %u: %s: %s; resetting it%s", pair->id, what,
                  error->message, pair->proxy->black_hole ? " after the black hole" : "");
  if (pair->proxy->black_hole)
    pair->failed = TRUE;
  else
    pair_close (pair, TRUE);
}

/* Starts whatever the pair can do now: pass on a failure held back by a
 * black hole, or move bytes. */
static void
pair_kick (Pair *pair)
{
  if (pair->failed && !pair->proxy->black_hole)
    {
      pair_close (pair, TRUE);
    }
  else if (pair->server != NULL)   /* else the pumps start once connected */
    {
      pair_hold (pair);
      pump_run (&pair->pumps[UPSTREAM]);
      pump_run (&pair->pumps[DOWNSTREAM]);
      pair_release (pair);
    }
}

static void
pair_reset (Pair *pair)
{
  pair_close (pair, TRUE);
}

/* Calls @func on every pair; @func may free the pair it is given. */
static void
foreach_pair (TcpProxy *self,
              void    (*func) (Pair *pair))
{
  for (GList *l = self->pairs.head, *next; l != NULL; l = next)
    {
      next = l->next;
      func (l->data);
    }
}

/* ------------------------------------------------------------------ */
/* Cutting after a number of bytes */

/* Arms the cut after @n bytes, or disarms it if @n is 0. */
static void
arm_cut (TcpProxy *self,
         guint64   n)
{
  /* Writes in flight were started before: they do not count. */
  for (GList *l = self->pairs.head; l != NULL; l = l->next)
    {
      Pair *pair = l->data;

      pair->pumps[UPSTREAM].reserved = 0;
      pair->pumps[DOWNSTREAM].reserved = 0;
    }
  self->cut_in_flight = 0;
  self->cut_armed = n > 0;
  self->cut_budget = n;
  /* Pumps held back by the budget may go on. */
  foreach_pair (self, pair_kick);
}

static guint64
next_random_budget (TcpProxy *self)
{
  guint64 span = self->random_max - self->random_min;
  guint64 r = (guint64) g_rand_int (self->rand) << 32;

  /* In two statements: the order of the draws is part of the seed's
   * meaning. */
  r |= g_rand_int (self->rand);

  /* random_min > 0, so span + 1 does not overflow. */
  return self->random_min + r % (span + 1);
}

/* Called after every write while a cut is armed. */
static void
check_cut (TcpProxy *self)
{
  if (!self->cut_armed || self->cut_budget > 0 || self->cut_in_flight > 0)
    return;
  tcp_proxy_cut_all (self);
  g_test_message ("tcp proxy: cut %u, at %" G_GUINT64_FORMAT " bytes forwarded", self->n_cuts,
                  self->bytes[UPSTREAM] + self->bytes[DOWNSTREAM]);
  if (self->rand != NULL && --self->random_cuts_left > 0)
    {
      arm_cut (self, next_random_budget (self));
    }
  else
    {
      g_clear_pointer (&self->rand, g_rand_free);
      arm_cut (self, 0);
    }
}

/* ------------------------------------------------------------------ */
/* Forwarding */

static void
on_written (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Pump *pump = user_data;
  Pair *pair = pump->pair;
  TcpProxy *self = pair->proxy;
  g_autoptr(GError) error = NULL;
  gsize written = 0;
  gboolean ok;

  ok = g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, &written, &error);
  pump->writing = FALSE;
  pump->start += written;
  if (pump->start == pump->end)
    pump->start = pump->end = 0;
  self->bytes[pump->direction] += written;
  if (pump->reserved > 0)
    {
      /* What was not written goes back to the budget. */
      self->cut_in_flight -= pump->reserved;
      self->cut_budget += pump->reserved - written;
      pump->reserved = 0;
    }

  if (!ok)
    pair_fail (pair, "cannot write", error);
  else if (self->cut_armed)
    check_cut (self);
  pump_run (pump);
  pair_release (pair);
}

static void
pump_write (Pump *pump)
{
  Pair *pair = pump->pair;
  TcpProxy *self = pair->proxy;
  gsize size = pump->end - pump->start;

  if (self->cut_armed)
    {
      /* Stop at the budget; once it is spent, wait for the cut. */
      size = MIN (size, self->cut_budget);
      if (size == 0)
        return;
      self->cut_budget -= size;
      self->cut_in_flight += size;
      pump->reserved = size;
    }
  pump->writing = TRUE;
  pair_hold (pair);
  g_output_stream_write_all_async (pump->output, pump->buffer + pump->start, size,
                                   G_PRIORITY_DEFAULT, pair->cancellable, on_written, pump);
}

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Pump *pump = user_data;
  Pair *pair = pump->pair;
  g_autoptr(GError) error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  pump->reading = FALSE;
  if (n < 0)
    pair_fail (pair, "cannot read", error);
  else if (n == 0)
    pump->eof = TRUE;
  else
    pump->end = n;
  pump_run (pump);
  pair_release (pair);
}

static void
pump_read (Pump *pump)
{
  Pair *pair = pump->pair;

  pump->reading = TRUE;
  pair_hold (pair);
  g_input_stream_read_async (pump->input, pump->buffer, sizeof pump->buffer, G_PRIORITY_DEFAULT,
                             pair->cancellable, on_read, pump);
}

/* Does the next thing: write what is buffered, else pass an end on, else
 * read. Nothing while a read or a write is in flight (back-pressure),
 * nor in a black hole. The caller holds the pair. */
static void
pump_run (Pump *pump)
{
  Pair *pair = pump->pair;

  if (pair->closed || pair->server == NULL || pair->proxy->black_hole || pump->reading ||
      pump->writing)
    return;

  if (pump->start < pump->end)
    {
      pump_write (pump);
    }
  else if (pump->eof)
    {
      if (pump->shut)
        return;
      pump->shut = TRUE;
      g_socket_shutdown (pump->destination, FALSE, TRUE, NULL);
      if (pair->pumps[UPSTREAM].shut && pair->pumps[DOWNSTREAM].shut)
        pair_close (pair, FALSE);
    }
  else
    {
      pump_read (pump);
    }
}

static void
pump_init (Pump              *pump,
           Pair              *pair,
           guint              direction,
           GSocketConnection *from,
           GSocketConnection *to)
{
  pump->pair = pair;
  pump->direction = direction;
  pump->input = g_io_stream_get_input_stream (G_IO_STREAM (from));
  pump->output = g_io_stream_get_output_stream (G_IO_STREAM (to));
  pump->destination = g_socket_connection_get_socket (to);
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Pair *pair = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketConnection) server = NULL;

  server = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), result, &error);
  if (server == NULL)
    {
      pair_fail (pair, "cannot connect to the target", error);
    }
  else if (pair->closed)
    {
      close_socket (server, TRUE);
    }
  else
    {
      set_no_delay (server);
      pair->server = g_steal_pointer (&server);
      pump_init (&pair->pumps[UPSTREAM], pair, UPSTREAM, pair->client, pair->server);
      pump_init (&pair->pumps[DOWNSTREAM], pair, DOWNSTREAM, pair->server, pair->client);
      pump_run (&pair->pumps[UPSTREAM]);
      pump_run (&pair->pumps[DOWNSTREAM]);
    }
  pair_release (pair);
}

/* ------------------------------------------------------------------ */
/* Accepting */

static void accept_next (TcpProxy *self);

static void
on_accepted (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  TcpProxy *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketConnection) connection = NULL;
  Pair *pair;

  self->accepting = FALSE;
  connection = g_socket_listener_accept_finish (G_SOCKET_LISTENER (source), result, NULL, &error);
  if (g_cancellable_is_cancelled (self->cancellable))
    {
      if (connection != NULL)
        close_socket (connection, TRUE);
      return;
    }
  if (connection == NULL)
    {
      g_test_message ("tcp proxy: cannot accept: %s", error->message);
      accept_next (self);
      return;
    }

  pair = g_new0 (Pair, 1);
  pair->proxy = self;
  pair->link.data = pair;
  pair->id = ++self->n_accepted;
  pair->client = g_steal_pointer (&connection);
  pair->cancellable = g_cancellable_new ();
  g_queue_push_tail_link (&self->pairs, &pair->link);
  self->n_open++;
  set_no_delay (pair->client);
  pair_hold (pair);
  g_socket_client_connect_async (self->connector, self->target, pair->cancellable, on_connected,
                                 pair);
  accept_next (self);
}

static void
accept_next (TcpProxy *self)
{
  self->accepting = TRUE;
  g_socket_listener_accept_async (self->listener, self->cancellable, on_accepted, self);
}

/* ------------------------------------------------------------------ */
/* Public */

TcpProxy *
tcp_proxy_new (const char *target_host,
               guint16     target_port,
               GError    **error)
{
  g_autoptr(GInetAddress) target_address = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  TcpProxy *self;

  g_return_val_if_fail (target_host != NULL, NULL);
  g_return_val_if_fail (target_port != 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  target_address = g_inet_address_new_from_string (target_host);
  if (target_address != NULL ? !g_inet_address_get_is_loopback (target_address)
                             : g_ascii_strcasecmp (target_host, "localhost") != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "The TCP proxy forwards to loopback only, not to “%s”", target_host);
      return NULL;
    }

  self = g_new0 (TcpProxy, 1);
  self->context = g_main_context_ref_thread_default ();
  if (target_address != NULL)
    self->target = G_SOCKET_CONNECTABLE (g_inet_socket_address_new (target_address, target_port));
  else
    self->target = g_network_address_new ("localhost", target_port);
  self->connector = g_socket_client_new ();
  g_socket_client_set_enable_proxy (self->connector, FALSE);
  self->cancellable = g_cancellable_new ();
  g_queue_init (&self->pairs);

  self->listener = g_socket_listener_new ();
  if (!g_socket_listener_add_address (self->listener, address, G_SOCKET_TYPE_STREAM,
                                      G_SOCKET_PROTOCOL_TCP, NULL, &bound, error))
    {
      tcp_proxy_free (self);
      return NULL;
    }
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  accept_next (self);
  return self;
}

void
tcp_proxy_free (TcpProxy *self)
{
  g_cancellable_cancel (self->cancellable);
  g_socket_listener_close (self->listener);
  foreach_pair (self, pair_reset);
  while (self->accepting || self->pairs.length > 0)
    g_main_context_iteration (self->context, TRUE);

  g_clear_object (&self->listener);
  g_clear_object (&self->connector);
  g_clear_object (&self->target);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->rand, g_rand_free);
  g_main_context_unref (self->context);
  g_free (self);
}

guint16
tcp_proxy_get_port (TcpProxy *self)
{
  return self->port;
}

void
tcp_proxy_cut_all (TcpProxy *self)
{
  self->n_cuts++;
  foreach_pair (self, pair_reset);
}

void
tcp_proxy_set_black_hole (TcpProxy *self,
                          gboolean  on)
{
  on = !!on;
  if (self->black_hole == on)
    return;
  self->black_hole = on;
  if (!on)
    foreach_pair (self, pair_kick);
}

gboolean
tcp_proxy_get_black_hole (TcpProxy *self)
{
  return self->black_hole;
}

void
tcp_proxy_cut_after_bytes (TcpProxy *self,
                           guint64   n)
{
  g_clear_pointer (&self->rand, g_rand_free);
  arm_cut (self, n);
}

void
tcp_proxy_cut_randomly (TcpProxy *self,
                        guint32   seed,
                        guint     n_cuts,
                        guint64   min_bytes,
                        guint64   max_bytes)
{
  g_return_if_fail (n_cuts > 0);
  g_return_if_fail (min_bytes > 0 && min_bytes <= max_bytes);

  g_clear_pointer (&self->rand, g_rand_free);
  self->rand = g_rand_new_with_seed (seed);
  self->random_cuts_left = n_cuts;
  self->random_min = min_bytes;
  self->random_max = max_bytes;
  arm_cut (self, next_random_budget (self));
}

guint
tcp_proxy_get_n_accepted (TcpProxy *self)
{
  return self->n_accepted;
}

guint
tcp_proxy_get_n_open (TcpProxy *self)
{
  return self->n_open;
}

guint
tcp_proxy_get_n_cuts (TcpProxy *self)
{
  return self->n_cuts;
}

guint64
tcp_proxy_get_bytes_upstream (TcpProxy *self)
{
  return self->bytes[UPSTREAM];
}

guint64
tcp_proxy_get_bytes_downstream (TcpProxy *self)
{
  return self->bytes[DOWNSTREAM];
}
