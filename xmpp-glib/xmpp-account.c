/* xmpp-account.c: one account of an XmppClient, and its reconnections
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "xmpp-account-private.h"
#include "xmpp-connection-private.h"
#include "xmpp-reconnect-private.h"

/**
 * XmppAccount:
 *
 * One account of a [class@Xmpp.Client]: an address, the
 * [class@Xmpp.ImConnection] that logs it in, and the policy that brings
 * the connection back when it drops.
 *
 * Accounts are made by [method@Xmpp.Client.add_account]. Connection
 * settings (host, port, TLS database, resource, the password through
 * [signal@Xmpp.Connection::password-needed], …) are set on
 * [property@Xmpp.Account:connection] before [method@Xmpp.Client.start].
 *
 * ```python
 * account = client.add_account(Xmpp.Jid.new('juliet@example.com'), 'secret')
 * account.props.connection.set_resource('balcony')
 * account.connect('notify::reconnect-state',
 *                 lambda a, _: print(a.props.reconnect_state, a.props.last_error))
 * client.start()
 * ```
 *
 * ## Reconnecting
 *
 * When the connection ends with an error, the account tries again after a
 * delay: [property@Xmpp.Account:initial-retry-delay] (one second by
 * default) the first time, doubled at each failure up to
 * [property@Xmpp.Account:max-retry-delay] (five minutes), each delay
 * randomized by ±25 % so that many accounts dropped together (a server
 * restart) do not all come back in the same instant. A session that stayed
 * up for [property@Xmpp.Account:stable-period] starts the series over from
 * the first delay. [signal@Xmpp.Account::reconnect-scheduled] tells each
 * delay; [property@Xmpp.Account:reconnect-state],
 * [property@Xmpp.Account:retry-count], [property@Xmpp.Account:next-retry]
 * and [property@Xmpp.Account:last-error] show where things stand, for a
 * status line.
 *
 * Some errors end the retries, because trying again cannot mend them or
 * would do harm: the account then emits [signal@Xmpp.Account::gave-up]
 * and stays in %XMPP_RECONNECT_STATE_GAVE_UP until the application
 * starts it again ([method@Xmpp.Account.retry_now], or
 * [property@Xmpp.Account:enabled] off and on):
 *
 * - every SASL failure (%XMPP_SASL_ERROR) but `temporary-auth-failure`:
 *   a wrong password, a disabled account, no password at all
 *   (%XMPP_SASL_ERROR_NO_PASSWORD), a server that cannot prove it knows
 *   the credentials; retrying would only lock the account;
 * - the stream errors `conflict` (another client took over the resource:
 *   coming back would throw it out in turn, without end), `not-authorized`
 *   (the server logged the account out), `host-unknown` and `host-gone`
 *   (the server does not serve the domain);
 * - a certificate that is not trusted
 *   (%XMPP_CONNECTION_ERROR_CERTIFICATE), and a server that will not
 *   encrypt (%XMPP_CONNECTION_ERROR_TLS_REQUIRED,
 *   %XMPP_CONNECTION_ERROR_TLS_REFUSED): decisions for the user.
 *
 * The stream errors `policy-violation` and `resource-constraint`, which
 * servers send for rate limits as well as for bans, are retried, but only
 * after the longest delay (75 to 100 % of
 * [property@Xmpp.Account:max-retry-delay]). A close the application asked for (through
 * [method@Xmpp.Client.stop_async], [method@Xmpp.Client.remove_account],
 * [property@Xmpp.Account:enabled], or
 * [method@Xmpp.Connection.close_async] on the connection itself) is never
 * followed by a reconnection, and [property@Xmpp.Account:auto-reconnect]
 * turns reconnecting off altogether.
 *
 * While [property@Xmpp.Client:network-monitor] says the network is
 * unavailable, no attempt is spent: the account waits, and tries at once
 * when the network comes back. When the system wakes up from sleep
 * (systemd-logind's `PrepareForSleep`, where there is a system bus), or
 * the network comes back, a waiting account tries at once and an online
 * one checks whether its stream survived, the way the connection checks
 * an idle stream: if the server does not answer within
 * [property@Xmpp.Connection:liveness-timeout], the connection ends with
 * %G_IO_ERROR_TIMED_OUT and the account reconnects. Connecting when
 * the client starts, or on [method@Xmpp.Account.retry_now], is always
 * tried, whatever the network monitor says: a server on the same machine
 * needs no network.
 *
 * With stream management (XEP-0198), a connection that drops keeps what
 * it needs to resume, and the reconnection resumes the session.
 */

struct _XmppAccount
{
  GObject parent_instance;

  XmppClient *client;             /* (unowned): it detaches us before it goes */
  XmppJid *jid;
  XmppImConnection *connection;
  gboolean enabled;
  gboolean auto_reconnect;
  guint initial_retry_delay;       /* ms */
  guint max_retry_delay;           /* ms */
  guint stable_period;             /* s */

  gboolean running;                /* the client is started */
  gboolean closing;                /* we asked the connection to close */
  gboolean restart_after_close;    /* … and to connect again once closed (the
                                    * client started again meanwhile) */
  gboolean queued;                 /* waiting for a connecting turn of the client */
  gboolean has_turn;               /* connecting, counted by the client */
  XmppReconnectState reconnect_state;
  guint retry_count;
  gint64 next_retry;               /* monotonic µs, 0: none */
  GError *last_error;
  gint64 online_since;             /* monotonic µs, 0: not online */
  GSource *retry_source;
  GMainContext *context;           /* where the timers run */
};

G_DEFINE_FINAL_TYPE (XmppAccount, xmpp_account, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_JID,
  PROP_CONNECTION,
  PROP_ENABLED,
  PROP_AUTO_RECONNECT,
  PROP_INITIAL_RETRY_DELAY,
  PROP_MAX_RETRY_DELAY,
  PROP_STABLE_PERIOD,
  PROP_RECONNECT_STATE,
  PROP_RETRY_COUNT,
  PROP_NEXT_RETRY,
  PROP_LAST_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_RECONNECT_SCHEDULED,
  SIGNAL_GAVE_UP,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void attempt (XmppAccount *self);

/* ------------------------------------------------------------------ */
/* State */

static void
set_reconnect_state (XmppAccount        *self,
                     XmppReconnectState  state)
{
  if (self->reconnect_state == state)
    return;
  self->reconnect_state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECONNECT_STATE]);
}

/* Sets a guint property's field, and notifies when it changed. */
static void
set_uint (XmppAccount *self,
          guint       *field,
          guint        value,
          guint        prop)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_retry_count (XmppAccount *self,
                 guint        count)
{
  set_uint (self, &self->retry_count, count, PROP_RETRY_COUNT);
}

static void
set_next_retry (XmppAccount *self,
                gint64       when)
{
  if (self->next_retry == when)
    return;
  self->next_retry = when;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEXT_RETRY]);
}

static void
set_last_error (XmppAccount  *self,
                const GError *error)
{
  if (self->last_error == NULL && error == NULL)
    return;
  g_clear_error (&self->last_error);
  if (error != NULL)
    self->last_error = g_error_copy (error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

/* Whether the account should be online: enabled, in a started client. */
static gboolean
wants_online (XmppAccount *self)
{
  return self->client != NULL && self->running && self->enabled;
}

static gboolean
is_disconnected (XmppAccount *self)
{
  return xmpp_connection_get_state (XMPP_CONNECTION (self->connection)) == XMPP_CONNECTION_STATE_DISCONNECTED;
}

static gboolean
network_available (XmppAccount *self)
{
  GNetworkMonitor *monitor = self->client != NULL ? xmpp_client_get_network_monitor (self->client) : NULL;

  return monitor == NULL || g_network_monitor_get_network_available (monitor);
}

/* Not connected, and nothing planned. */
static void
come_to_rest (XmppAccount *self)
{
  set_next_retry (self, 0);
  set_reconnect_state (self, self->enabled ? XMPP_RECONNECT_STATE_IDLE : XMPP_RECONNECT_STATE_DISABLED);
}

static void
clear_retry_source (XmppAccount *self)
{
  if (self->retry_source == NULL)
    return;
  g_source_destroy (self->retry_source);
  g_clear_pointer (&self->retry_source, g_source_unref);
}

/* ------------------------------------------------------------------ */
/* Connecting and closing */

/* Gives the client's connecting slot back (see
 * XmppClient:max-connecting), or the place in its queue. */
static void
leave_turn (XmppAccount *self)
{
  if (self->queued && self->client != NULL)
    xmpp_client_forget_turn (self->client, self);
  self->queued = FALSE;
  if (self->has_turn && self->client != NULL)
    xmpp_client_end_turn (self->client);
  self->has_turn = FALSE;
}

static void
on_connect_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(XmppAccount) self = user_data;
  g_autoptr(GError) error = NULL;

  /* Ready or failed, the attempt is over. A failure is handled where
   * ::closed comes; connecting while the application had connected
   * already changes nothing. */
  if (!xmpp_connection_connect_finish (XMPP_CONNECTION (source), result, &error))
    g_debug ("%s: connecting failed: %s", xmpp_jid_to_string (self->jid), error->message);
  if (self->has_turn)
    leave_turn (self);
}

static void
attempt (XmppAccount *self)
{
  clear_retry_source (self);
  set_next_retry (self, 0);
  if (!is_disconnected (self) || self->queued)
    return;
  set_reconnect_state (self, XMPP_RECONNECT_STATE_CONNECTING);
  if (self->client != NULL && !xmpp_client_begin_turn (self->client, self))
    {
      /* Too many accounts of the client connect already: it calls
       * xmpp_account_take_turn() when one is done. */
      self->queued = TRUE;
      return;
    }
  self->has_turn = self->client != NULL;
  xmpp_connection_connect_async (XMPP_CONNECTION (self->connection), NULL, on_connect_done,
                                 g_object_ref (self));
}

static gboolean
on_retry_timeout (gpointer user_data)
{
  XmppAccount *self = user_data;

  g_clear_pointer (&self->retry_source, g_source_unref);
  set_next_retry (self, 0);
  /* No network: the attempt would fail for nothing. The account waits,
   * and tries when the network comes back. */
  if (network_available (self))
    attempt (self);
  return G_SOURCE_REMOVE;
}

static void
start_retry_source (XmppAccount *self,
                    guint        delay_ms)
{
  clear_retry_source (self);
  self->retry_source = g_timeout_source_new (delay_ms);
  g_source_set_callback (self->retry_source, on_retry_timeout, self, NULL);
  g_source_attach (self->retry_source, self->context);
  set_next_retry (self, g_get_monotonic_time () + (gint64) delay_ms * 1000);
}

/* After a failure: waits for the next back-off delay, or for the
 * network. With @longest, for the longest delay (randomized all the same,
 * between 75 and 100 % of it). */
static void
schedule_retry (XmppAccount *self,
                gboolean     longest)
{
  guint delay;

  clear_retry_source (self);
  if (!network_available (self))
    {
      set_next_retry (self, 0);
      set_reconnect_state (self, XMPP_RECONNECT_STATE_WAITING);
      return;
    }

  delay = xmpp_reconnect_compute_delay (self->initial_retry_delay, self->max_retry_delay,
                                        longest ? G_MAXUINT : self->retry_count);
  set_retry_count (self, self->retry_count + 1);
  start_retry_source (self, delay);
  set_reconnect_state (self, XMPP_RECONNECT_STATE_WAITING);
  g_debug ("%s: reconnecting in %u ms", xmpp_jid_to_string (self->jid), delay);
  g_signal_emit (self, signals[SIGNAL_RECONNECT_SCHEDULED], 0, delay);
}

static void
on_close_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  /* Whatever the outcome, ::closed has come or will come; the account
   * was kept alive for the call. */
  xmpp_connection_close_finish (XMPP_CONNECTION (source), result, NULL);
  g_object_unref (user_data);
}

static void
close_connection (XmppAccount *self)
{
  self->restart_after_close = FALSE;
  if (self->closing)
    return;
  self->closing = TRUE;
  xmpp_connection_close_async (XMPP_CONNECTION (self->connection), NULL, on_close_done,
                               g_object_ref (self));
}

static gboolean
on_start (gpointer user_data)
{
  XmppAccount *self = user_data;

  g_clear_pointer (&self->retry_source, g_source_unref);
  attempt (self);
  return G_SOURCE_REMOVE;
}

/* The account should now be online: it was enabled, or its client
 * started. It connects from the main loop, so that whoever added or
 * enabled it can still set connection options first. */
static void
start (XmppAccount *self)
{
  set_retry_count (self, 0);
  clear_retry_source (self);
  if (!is_disconnected (self))
    {
      /* Still closing after a stop: connect again once closed. */
      if (self->closing)
        self->restart_after_close = TRUE;
      return;
    }
  self->retry_source = g_idle_source_new ();
  g_source_set_callback (self->retry_source, on_start, self, NULL);
  g_source_attach (self->retry_source, self->context);
  set_reconnect_state (self, XMPP_RECONNECT_STATE_CONNECTING);
}

/* The account should no longer be online. */
static void
stop (XmppAccount *self)
{
  clear_retry_source (self);
  set_next_retry (self, 0);
  if (self->queued)
    leave_turn (self);
  if (!is_disconnected (self))
    close_connection (self);
  else
    come_to_rest (self);
}

/* Follows a change of what wants_online() looks at (the client, its
 * running, :enabled), given what it said before: connects, closes, or
 * only tells an account at rest whether it is enabled. */
static void
update_online (XmppAccount *self,
               gboolean     was_online)
{
  gboolean online = wants_online (self);

  if (online && !was_online)
    start (self);
  else if (!online && was_online)
    stop (self);
  else if (!online && is_disconnected (self))
    come_to_rest (self);
}

/* ------------------------------------------------------------------ */
/* The connection's signals */

static void
on_connection_state (XmppConnection *connection,
                     GParamSpec     *pspec,
                     gpointer        user_data)
{
  XmppAccount *self = user_data;

  switch (xmpp_connection_get_state (connection))
    {
    case XMPP_CONNECTION_STATE_READY:
      if (self->reconnect_state == XMPP_RECONNECT_STATE_ONLINE)
        break;
      self->online_since = g_get_monotonic_time ();
      set_last_error (self, NULL);
      set_reconnect_state (self, XMPP_RECONNECT_STATE_ONLINE);
      break;

    case XMPP_CONNECTION_STATE_CONNECTING:
    case XMPP_CONNECTION_STATE_SECURING:
    case XMPP_CONNECTION_STATE_AUTHENTICATING:
    case XMPP_CONNECTION_STATE_BINDING:
      /* Also when the application connects by itself. */
      if (self->queued)
        leave_turn (self);
      clear_retry_source (self);
      set_next_retry (self, 0);
      set_reconnect_state (self, XMPP_RECONNECT_STATE_CONNECTING);
      break;

    case XMPP_CONNECTION_STATE_DISCONNECTED:
    case XMPP_CONNECTION_STATE_CLOSING:
    default:
      /* What follows is decided where ::closed comes. */
      break;
    }
}

static void
on_connection_closed (XmppConnection *connection,
                      const GError   *error,
                      gpointer        user_data)
{
  XmppAccount *self = user_data;
  gint64 online_since = self->online_since;
  gboolean ours = self->closing;
  gboolean restart = self->restart_after_close;
  XmppReconnectVerdict verdict;

  self->online_since = 0;
  self->closing = FALSE;
  self->restart_after_close = FALSE;
  if (error != NULL)
    set_last_error (self, error);

  if (!wants_online (self))
    {
      come_to_rest (self);
      return;
    }
  if (ours)
    {
      if (!restart)
        come_to_rest (self);
      else
        {
          /* From the main loop, not from inside ::closed. */
          start_retry_source (self, 0);
          set_reconnect_state (self, XMPP_RECONNECT_STATE_WAITING);
        }
      return;
    }
  /* The application closed the connection, or cancelled a connection
   * attempt it made itself. */
  if (error == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      come_to_rest (self);
      return;
    }

  verdict = xmpp_reconnect_judge (error);
  if (verdict == XMPP_RECONNECT_GIVE_UP)
    {
      g_debug ("%s: not reconnecting after: %s", xmpp_jid_to_string (self->jid), error->message);
      set_next_retry (self, 0);
      set_reconnect_state (self, XMPP_RECONNECT_STATE_GAVE_UP);
      g_signal_emit (self, signals[SIGNAL_GAVE_UP], 0, error);
      return;
    }
  if (!self->auto_reconnect)
    {
      come_to_rest (self);
      return;
    }

  if (online_since != 0 &&
      g_get_monotonic_time () - online_since >= (gint64) self->stable_period * G_USEC_PER_SEC)
    set_retry_count (self, 0);
  schedule_retry (self, verdict == XMPP_RECONNECT_RETRY_LATER);
}

/* ------------------------------------------------------------------ */
/* What the client tells */

XmppAccount *
xmpp_account_new (XmppClient *client,
                  XmppJid    *jid,
                  const char *password)
{
  XmppAccount *self = g_object_new (XMPP_TYPE_ACCOUNT, NULL);

  self->client = client;
  self->jid = xmpp_jid_ref (jid);
  self->connection = xmpp_im_connection_new (jid, password);
  g_signal_connect (self->connection, "notify::state", G_CALLBACK (on_connection_state), self);
  g_signal_connect (self->connection, "closed", G_CALLBACK (on_connection_closed), self);
  return self;
}

void
xmpp_account_detach (XmppAccount *self)
{
  gboolean was_online = wants_online (self);

  leave_turn (self);
  self->client = NULL;
  self->running = FALSE;
  update_online (self, was_online);
}

void
xmpp_account_set_running (XmppAccount *self,
                          gboolean     running)
{
  gboolean was_online = wants_online (self);

  if (self->running == running)
    return;
  self->running = running;
  if (running)
    {
      g_clear_pointer (&self->context, g_main_context_unref);
      self->context = g_main_context_ref_thread_default ();
    }
  update_online (self, was_online);
}

void
xmpp_account_take_turn (XmppAccount *self)
{
  self->queued = FALSE;
  if (wants_online (self))
    attempt (self);
}

void
xmpp_account_wake_up (XmppAccount *self)
{
  if (!wants_online (self))
    return;
  if (self->reconnect_state == XMPP_RECONNECT_STATE_WAITING && is_disconnected (self))
    attempt (self);
  else if (self->reconnect_state == XMPP_RECONNECT_STATE_ONLINE && !self->closing)
    xmpp_connection_check_liveness (XMPP_CONNECTION (self->connection));
}

/* ------------------------------------------------------------------ */
/* API */

/**
 * xmpp_account_get_jid:
 * @self: an account
 *
 * Gives the account's address, as given to
 * [method@Xmpp.Client.add_account]; a resource in it is the one the
 * connection asks for.
 *
 * Returns: (transfer none): the address
 */
XmppJid *
xmpp_account_get_jid (XmppAccount *self)
{
  g_return_val_if_fail (XMPP_IS_ACCOUNT (self), NULL);

  return self->jid;
}

/**
 * xmpp_account_get_connection:
 * @self: an account
 *
 * Gives the account's connection, the same object for the life of the
 * account. Set its options (host, port, TLS database, resource, …) on it
 * before the client starts.
 *
 * Returns: (transfer none): the connection
 */
XmppImConnection *
xmpp_account_get_connection (XmppAccount *self)
{
  g_return_val_if_fail (XMPP_IS_ACCOUNT (self), NULL);

  return self->connection;
}

/**
 * xmpp_account_get_enabled:
 * @self: an account
 *
 * Tells whether the account is enabled.
 *
 * Returns: the value of [property@Xmpp.Account:enabled]
 */
gboolean
xmpp_account_get_enabled (XmppAccount *self)
{
  g_return_val_if_fail (XMPP_IS_ACCOUNT (self), FALSE);

  return self->enabled;
}

/**
 * xmpp_account_set_enabled:
 * @self: an account
 * @enabled: whether the account should be online
 *
 * Enables or disables the account. In a started client, enabling
 * connects at once, and disabling closes the connection gracefully.
 */
void
xmpp_account_set_enabled (XmppAccount *self,
                          gboolean     enabled)
{
  gboolean was_online;

  g_return_if_fail (XMPP_IS_ACCOUNT (self));

  enabled = !!enabled;
  if (self->enabled == enabled)
    return;
  was_online = wants_online (self);
  self->enabled = enabled;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENABLED]);
  update_online (self, was_online);
}

/**
 * xmpp_account_get_auto_reconnect:
 * @self: an account
 *
 * Tells whether the account reconnects after a failure.
 *
 * Returns: the value of [property@Xmpp.Account:auto-reconnect]
 */
gboolean
xmpp_account_get_auto_reconnect (XmppAccount *self)
{
  g_return_val_if_fail (XMPP_IS_ACCOUNT (self), FALSE);

  return self->auto_reconnect;
}

/**
 * xmpp_account_set_auto_reconnect:
 * @self: an account
 * @auto_reconnect: whether to reconnect after a failure
 *
 * Turns reconnecting on or off. Turning it off also drops a reconnection
 * that was waiting; the account then stays idle until the application
 * connects it.
 */
void
xmpp_account_set_auto_reconnect (XmppAccount *self,
                                 gboolean     auto_reconnect)
{
  g_return_if_fail (XMPP_IS_ACCOUNT (self));

  auto_reconnect = !!auto_reconnect;
  if (self->auto_reconnect == auto_reconnect)
    return;
  self->auto_reconnect = auto_reconnect;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTO_RECONNECT]);

  if (!auto_reconnect && self->reconnect_state == XMPP_RECONNECT_STATE_WAITING && is_disconnected (self))
    {
      clear_retry_source (self);
      come_to_rest (self);
    }
}

/**
 * xmpp_account_get_initial_retry_delay:
 * @self: an account
 *
 * Gives the delay before the first reconnection.
 *
 * Returns: the value of [property@Xmpp.Account:initial-retry-delay], in
 *   milliseconds
 */
guint
xmpp_account_get_initial_retry_delay (XmppAccount *self)
{
  g_return_val_if_fail (XMPP_IS_ACCOUNT (self), 0);

  return self->initial_retry_delay;
}

/**
 * xmpp_account_set_initial_retry_delay:
 * @self: an account
 * @milliseconds: the delay before the first reconnection, at least 1
 *
 * Sets [property@Xmpp.Account:initial-retry-delay]. It applies from the
 * next delay on.
 */
void
xmpp_account_set_initial_retry_delay (XmppAccount *self,
                                      guint        milliseconds)
{
  g_return_if_fail (XMPP_IS_ACCOUNT (self));
  g_return_if_fail (milliseconds > 0);

  set_uint (self, &self->initial_retry_delay, milliseconds, PROP_INITIAL_RETRY_DELAY);
}

/**
 * xmpp_account_get_max_retry_delay:
 * @self: an account
 *
 * Gives the longest delay between two reconnections.
 *
 * Returns: the value of [property@Xmpp.Account:max-retry-delay], in
 *   milliseconds
 */
guint
xmpp_account_get_max_retry_delay (XmppAccount *self)
{
  g_return_val_if_fail (XMPP_IS_ACCOUNT (self), 0);

  return self->max_retry_delay;
}

/**
 * xmpp_account_set_max_retry_delay:
 * @self: an account
 * @milliseconds: the longest delay between two reconnections, at least 1
 *
 * Sets [property@Xmpp.Account:max-retry-delay]. It applies from the next
 * delay on.
 */
void
xmpp_account_set_max_retry_delay (XmppAccount *self,
                                  guint        milliseconds)
{
  g_return_if_fail (XMPP_IS_ACCOUNT (self));
  g_return_if_fail (milliseconds > 0);

  set_uint (self, &self->max_retry_delay, milliseconds, PROP_MAX_RETRY_DELAY);
}

/**
 * xmpp_account_get_stable_period:
 * @self: an account
 *
 * Gives how long a session must last to start the delays over.
 *
 * Returns: the value of [property@Xmpp.Account:stable-period], in seconds
 */
guint
xmpp_account_get_stable_period (XmppAccount *self)
{
  g_return_val_if_fail (XMPP_IS_ACCOUNT (self), 0);

  return self->stable_period;
}

/**
 * xmpp_account_set_stable_period:
 * @self: an account
 * @seconds: how long a session must last to start the delays over
 *
 * Sets [property@Xmpp.Account:stable-period].
 */
void
xmpp_account_set_stable_period (XmppAccount *self,
                                guint        seconds)
{
  g_return_if_fail (XMPP_IS_ACCOUNT (self));

  set_uint (self, &self->stable_period, seconds, PROP_STABLE_PERIOD);
}

/**
 * xmpp_account_get_reconnect_state:
 * @self: an account
 *
 * Tells where the account stands.
 *
 * Returns: the value of [property@Xmpp.Account:reconnect-state]
 */
XmppReconnectState
xmpp_account_get_reconnect_state (XmppAccount *self)
{
  g_return_val_if_fail (XMPP_IS_ACCOUNT (self), XMPP_RECONNECT_STATE_DISABLED);

  return self->reconnect_state;
}

/**
 * xmpp_account_get_retry_count:
 * @self: an account
 *
 * Tells how many reconnections were scheduled since the account started
 * or last had a stable session.
 *
 * Returns: the value of [property@Xmpp.Account:retry-count]
 */
guint
xmpp_account_get_retry_count (XmppAccount *self)
{
  g_return_val_if_fail (XMPP_IS_ACCOUNT (self), 0);

  return self->retry_count;
}

/**
 * xmpp_account_get_next_retry:
 * @self: an account
 *
 * Tells when the next reconnection is due.
 *
 * Returns: the value of [property@Xmpp.Account:next-retry]: a time of
 *   g_get_monotonic_time(), or 0 when none is scheduled
 */
gint64
xmpp_account_get_next_retry (XmppAccount *self)
{
  g_return_val_if_fail (XMPP_IS_ACCOUNT (self), 0);

  return self->next_retry;
}

/**
 * xmpp_account_get_last_error:
 * @self: an account
 *
 * Gives the error that ended the last connection or attempt.
 *
 * Returns: (transfer none) (nullable): the value of
 *   [property@Xmpp.Account:last-error]
 */
const GError *
xmpp_account_get_last_error (XmppAccount *self)
{
  g_return_val_if_fail (XMPP_IS_ACCOUNT (self), NULL);

  return self->last_error;
}

/**
 * xmpp_account_retry_now:
 * @self: an account
 *
 * Connects at once, for a "Retry now" button: a waiting account skips
 * the rest of its delay, and one that gave up starts over, with
 * [property@Xmpp.Account:retry-count] back at 0. Nothing happens when the
 * account is online or connecting, disabled, or its client is not
 * started.
 */
void
xmpp_account_retry_now (XmppAccount *self)
{
  g_return_if_fail (XMPP_IS_ACCOUNT (self));

  if (!wants_online (self) || !is_disconnected (self) || self->closing)
    return;
  if (self->reconnect_state == XMPP_RECONNECT_STATE_GAVE_UP)
    set_retry_count (self, 0);
  attempt (self);
}

/* ------------------------------------------------------------------ */
/* GObject */

static void
xmpp_account_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  XmppAccount *self = XMPP_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_JID: g_value_set_boxed (value, self->jid); break;
    case PROP_CONNECTION: g_value_set_object (value, self->connection); break;
    case PROP_ENABLED: g_value_set_boolean (value, self->enabled); break;
    case PROP_AUTO_RECONNECT: g_value_set_boolean (value, self->auto_reconnect); break;
    case PROP_INITIAL_RETRY_DELAY: g_value_set_uint (value, self->initial_retry_delay); break;
    case PROP_MAX_RETRY_DELAY: g_value_set_uint (value, self->max_retry_delay); break;
    case PROP_STABLE_PERIOD: g_value_set_uint (value, self->stable_period); break;
    case PROP_RECONNECT_STATE: g_value_set_enum (value, self->reconnect_state); break;
    case PROP_RETRY_COUNT: g_value_set_uint (value, self->retry_count); break;
    case PROP_NEXT_RETRY: g_value_set_int64 (value, self->next_retry); break;
    case PROP_LAST_ERROR: g_value_set_boxed (value, self->last_error); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xmpp_account_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  XmppAccount *self = XMPP_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_ENABLED: xmpp_account_set_enabled (self, g_value_get_boolean (value)); break;
    case PROP_AUTO_RECONNECT: xmpp_account_set_auto_reconnect (self, g_value_get_boolean (value)); break;
    case PROP_INITIAL_RETRY_DELAY: xmpp_account_set_initial_retry_delay (self, g_value_get_uint (value)); break;
    case PROP_MAX_RETRY_DELAY: xmpp_account_set_max_retry_delay (self, g_value_get_uint (value)); break;
    case PROP_STABLE_PERIOD: xmpp_account_set_stable_period (self, g_value_get_uint (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xmpp_account_dispose (GObject *object)
{
  XmppAccount *self = XMPP_ACCOUNT (object);

  clear_retry_source (self);
  if (self->connection != NULL)
    g_signal_handlers_disconnect_by_data (self->connection, self);
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (xmpp_account_parent_class)->dispose (object);
}

static void
xmpp_account_finalize (GObject *object)
{
  XmppAccount *self = XMPP_ACCOUNT (object);

  g_clear_pointer (&self->jid, xmpp_jid_unref);
  g_clear_error (&self->last_error);
  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (xmpp_account_parent_class)->finalize (object);
}

static void
xmpp_account_class_init (XmppAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = xmpp_account_get_property;
  object_class->set_property = xmpp_account_set_property;
  object_class->dispose = xmpp_account_dispose;
  object_class->finalize = xmpp_account_finalize;

  /**
   * XmppAccount:jid:
   *
   * The account's address, as given to [method@Xmpp.Client.add_account].
   */
  properties[PROP_JID] =
    g_param_spec_boxed ("jid", NULL, NULL, XMPP_TYPE_JID,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppAccount:connection:
   *
   * The account's connection, on which the application sets connection
   * options and finds the roster.
   */
  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL, XMPP_TYPE_IM_CONNECTION,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppAccount:enabled:
   *
   * Whether the account should be online while its client is started.
   */
  properties[PROP_ENABLED] =
    g_param_spec_boolean ("enabled", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppAccount:auto-reconnect:
   *
   * Whether the account connects again after its connection ended with
   * an error.
   */
  properties[PROP_AUTO_RECONNECT] =
    g_param_spec_boolean ("auto-reconnect", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppAccount:initial-retry-delay:
   *
   * The delay before the first reconnection after a failure, in
   * milliseconds; each following delay doubles, up to
   * [property@Xmpp.Account:max-retry-delay], randomized by ±25 %.
   */
  properties[PROP_INITIAL_RETRY_DELAY] =
    g_param_spec_uint ("initial-retry-delay", NULL, NULL, 1, G_MAXUINT,
                       XMPP_ACCOUNT_DEFAULT_INITIAL_RETRY_DELAY,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppAccount:max-retry-delay:
   *
   * The longest delay between two reconnections, in milliseconds.
   */
  properties[PROP_MAX_RETRY_DELAY] =
    g_param_spec_uint ("max-retry-delay", NULL, NULL, 1, G_MAXUINT,
                       XMPP_ACCOUNT_DEFAULT_MAX_RETRY_DELAY,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppAccount:stable-period:
   *
   * How long a session must have lasted, in seconds, for the delays to
   * start over from [property@Xmpp.Account:initial-retry-delay] when it
   * ends.
   */
  properties[PROP_STABLE_PERIOD] =
    g_param_spec_uint ("stable-period", NULL, NULL, 0, G_MAXUINT,
                       XMPP_ACCOUNT_DEFAULT_STABLE_PERIOD,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppAccount:reconnect-state:
   *
   * Where the account stands: online, connecting, waiting to reconnect,
   * given up, idle or disabled.
   */
  properties[PROP_RECONNECT_STATE] =
    g_param_spec_enum ("reconnect-state", NULL, NULL, XMPP_TYPE_RECONNECT_STATE,
                       XMPP_RECONNECT_STATE_IDLE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppAccount:retry-count:
   *
   * How many reconnections were scheduled since the account was started
   * or last had a session that lasted
   * [property@Xmpp.Account:stable-period].
   */
  properties[PROP_RETRY_COUNT] =
    g_param_spec_uint ("retry-count", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppAccount:next-retry:
   *
   * When the next reconnection is due, in the time of
   * g_get_monotonic_time() (microseconds); 0 when none is scheduled,
   * also while the account waits for the network.
   */
  properties[PROP_NEXT_RETRY] =
    g_param_spec_int64 ("next-retry", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppAccount:last-error:
   *
   * The error that ended the last connection or connection attempt;
   * %NULL again once the account is online.
   */
  properties[PROP_LAST_ERROR] =
    g_param_spec_boxed ("last-error", NULL, NULL, G_TYPE_ERROR,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * XmppAccount::reconnect-scheduled:
   * @self: the account
   * @delay: how long until the attempt, in milliseconds
   *
   * Emitted when a reconnection is planned after the connection ended
   * with an error, once
   * [property@Xmpp.Account:reconnect-state],
   * [property@Xmpp.Account:retry-count] and
   * [property@Xmpp.Account:next-retry] are up to date. Not emitted while
   * the account waits for the network, which has no delay.
   */
  signals[SIGNAL_RECONNECT_SCHEDULED] =
    g_signal_new ("reconnect-scheduled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  /**
   * XmppAccount::gave-up:
   * @self: the account
   * @error: the error that ended the retries
   *
   * Emitted when the connection ended with an error that reconnecting
   * cannot mend, such as a wrong password or a resource conflict (the
   * class description lists them), after
   * [property@Xmpp.Account:reconnect-state] became
   * %XMPP_RECONNECT_STATE_GAVE_UP.
   */
  signals[SIGNAL_GAVE_UP] =
    g_signal_new ("gave-up", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
xmpp_account_init (XmppAccount *self)
{
  self->enabled = TRUE;
  self->auto_reconnect = TRUE;
  self->initial_retry_delay = XMPP_ACCOUNT_DEFAULT_INITIAL_RETRY_DELAY;
  self->max_retry_delay = XMPP_ACCOUNT_DEFAULT_MAX_RETRY_DELAY;
  self->stable_period = XMPP_ACCOUNT_DEFAULT_STABLE_PERIOD;
  self->reconnect_state = XMPP_RECONNECT_STATE_IDLE;
}
