/* xmpp-client.c: several accounts, connected and reconnected together
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "xmpp-account-private.h"
#include "xmpp-reconnect-private.h"

/**
 * XmppClient:
 *
 * A set of accounts that connect together, come back by themselves when
 * their connection drops, and share one presence; for a desktop client
 * with several accounts, or a bot or gateway with many.
 *
 * The client is a [iface@Gio.ListModel] of [class@Xmpp.Account], in the
 * order they were added, which a GTK list view can show as it is. Each
 * account owns a [class@Xmpp.ImConnection], on which the application sets
 * connection options before [method@Xmpp.Client.start]. The signals of the
 * accounts' connections that most applications want come out of the
 * client too, with the account first: [signal@Xmpp.Client::account-ready],
 * [signal@Xmpp.Client::message-received],
 * [signal@Xmpp.Client::presence-changed] and
 * [signal@Xmpp.Client::account-closed]; every other signal is on
 * [property@Xmpp.Account:connection].
 *
 * ```python
 * client = Xmpp.Client.new()
 * for address, password in [('juliet@example.com', 'secret'),
 *                            ('juliet@example.org', 'other')]:
 *     client.add_account(Xmpp.Jid.new(address), password)
 * client.connect('message-received',
 *                lambda c, account, msg: print(account.props.jid, msg.get_body(None)))
 * client.connect('account-ready', lambda c, account: c.send_message(
 *     Xmpp.Message.new(Xmpp.MessageType.CHAT, Xmpp.Jid.new('romeo@example.net'), 'Hi')))
 * client.start()
 * ```
 *
 * [method@Xmpp.Client.send_message] picks the account to send with: an
 * online account that has the recipient in its roster, or else the first
 * account online. How the accounts reconnect is told in
 * [class@Xmpp.Account]; the client gives them
 * [property@Xmpp.Client:network-monitor], and tells them when the system
 * wakes up from sleep.
 *
 * All signals and callbacks run in the thread-default main context of the
 * thread that called [method@Xmpp.Client.start].
 */

struct _XmppClient
{
  GObject parent_instance;

  GPtrArray *accounts;             /* XmppAccount, in the order added */
  GHashTable *by_jid;              /* bare XmppJid → XmppAccount (in accounts) */
  XmppPresence *presence;
  GNetworkMonitor *network_monitor;
  gboolean network_available;
  gboolean started;
  GPtrArray *stop_tasks;           /* GTask: waiting until every account is closed */
  XmppSleepWatch *sleep_watch;
  guint max_connecting;
  guint n_connecting;              /* accounts in a connection attempt */
  GQueue turn_queue;               /* XmppAccount (in accounts) waiting to connect */
};

static void xmpp_client_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (XmppClient, xmpp_client, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, xmpp_client_list_model_init))

/**
 * xmpp_client_error_quark:
 *
 * Gives the quark of the %XMPP_CLIENT_ERROR domain.
 *
 * Returns: the error domain
 */
G_DEFINE_QUARK (xmpp-client-error-quark, xmpp_client_error)

enum
{
  PROP_0,
  PROP_ITEM_TYPE,
  PROP_N_ITEMS,
  PROP_PRESENCE,
  PROP_NETWORK_MONITOR,
  PROP_MAX_CONNECTING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_ACCOUNT_READY,
  SIGNAL_MESSAGE_RECEIVED,
  SIGNAL_PRESENCE_CHANGED,
  SIGNAL_ACCOUNT_CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ------------------------------------------------------------------ */
/* GListModel */

static GType
xmpp_client_get_item_type (GListModel *model)
{
  return XMPP_TYPE_ACCOUNT;
}

static guint
xmpp_client_get_n_items (GListModel *model)
{
  return XMPP_CLIENT (model)->accounts->len;
}

static gpointer
xmpp_client_get_item (GListModel *model,
                      guint       position)
{
  XmppClient *self = XMPP_CLIENT (model);

  if (position >= self->accounts->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->accounts, position));
}

static void
xmpp_client_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = xmpp_client_get_item_type;
  iface->get_n_items = xmpp_client_get_n_items;
  iface->get_item = xmpp_client_get_item;
}

/* ------------------------------------------------------------------ */
/* Stopping */

static gboolean
all_closed (XmppClient *self)
{
  for (guint i = 0; i < self->accounts->len; i++)
    {
      XmppAccount *account = g_ptr_array_index (self->accounts, i);
      XmppConnection *connection = XMPP_CONNECTION (xmpp_account_get_connection (account));

      if (xmpp_connection_get_state (connection) != XMPP_CONNECTION_STATE_DISCONNECTED)
        return FALSE;
    }
  return TRUE;
}

/* Completes the stop calls once every account is closed. */
static void
check_stopped (XmppClient *self)
{
  g_autoptr(GPtrArray) tasks = NULL;

  if (self->stop_tasks->len == 0 || !all_closed (self))
    return;
  tasks = g_steal_pointer (&self->stop_tasks);
  self->stop_tasks = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < tasks->len; i++)
    g_task_return_boolean (g_ptr_array_index (tasks, i), TRUE);
}

/* ------------------------------------------------------------------ */
/* Connecting turns */

static gboolean
has_free_turn (XmppClient *self)
{
  return self->max_connecting == 0 || self->n_connecting < self->max_connecting;
}

gboolean
xmpp_client_begin_turn (XmppClient  *self,
                        XmppAccount *account)
{
  if (!has_free_turn (self))
    {
      g_queue_push_tail (&self->turn_queue, account);
      return FALSE;
    }
  self->n_connecting++;
  return TRUE;
}

/* Gives the free turns to the accounts that wait for one. */
static void
hand_out_turns (XmppClient *self)
{
  while (self->started && has_free_turn (self) && !g_queue_is_empty (&self->turn_queue))
    xmpp_account_take_turn (g_queue_pop_head (&self->turn_queue));
}

void
xmpp_client_end_turn (XmppClient *self)
{
  g_return_if_fail (self->n_connecting > 0);

  self->n_connecting--;
  hand_out_turns (self);
}

void
xmpp_client_forget_turn (XmppClient  *self,
                         XmppAccount *account)
{
  g_queue_remove (&self->turn_queue, account);
}

/* ------------------------------------------------------------------ */
/* The accounts' signals, forwarded */

static XmppAccount *
account_of (XmppClient     *self,
            XmppConnection *connection)
{
  return g_hash_table_lookup (self->by_jid, xmpp_jid_get_bare (xmpp_connection_get_jid (connection)));
}

static void
on_session_ready (XmppImConnection *connection,
                  gpointer          user_data)
{
  XmppClient *self = user_data;

  g_signal_emit (self, signals[SIGNAL_ACCOUNT_READY], 0, account_of (self, XMPP_CONNECTION (connection)));
}

static void
on_message_received (XmppImConnection *connection,
                     XmppMessage      *message,
                     gpointer          user_data)
{
  XmppClient *self = user_data;

  g_signal_emit (self, signals[SIGNAL_MESSAGE_RECEIVED], 0,
                 account_of (self, XMPP_CONNECTION (connection)), message);
}

static void
on_presence_changed (XmppImConnection *connection,
                     XmppContact      *contact,
                     XmppPresence     *old,
                     XmppPresence     *presence,
                     gpointer          user_data)
{
  XmppClient *self = user_data;

  g_signal_emit (self, signals[SIGNAL_PRESENCE_CHANGED], 0,
                 account_of (self, XMPP_CONNECTION (connection)), contact, old, presence);
}

static void
on_closed (XmppConnection *connection,
           const GError   *error,
           gpointer        user_data)
{
  XmppClient *self = user_data;

  g_object_ref (self);
  g_signal_emit (self, signals[SIGNAL_ACCOUNT_CLOSED], 0, account_of (self, connection), error);
  check_stopped (self);
  g_object_unref (self);
}

/* ------------------------------------------------------------------ */
/* The network and sleep */

static void
wake_up_accounts (XmppClient *self)
{
  if (!self->started)
    return;
  for (guint i = 0; i < self->accounts->len; i++)
    xmpp_account_wake_up (g_ptr_array_index (self->accounts, i));
}

static void
on_network_changed (GNetworkMonitor *monitor,
                    gboolean         available,
                    gpointer         user_data)
{
  XmppClient *self = user_data;
  gboolean came_back = available && !self->network_available;

  self->network_available = available;
  if (!came_back)
    return;
  g_debug ("The network is back");
  wake_up_accounts (self);
}

static void
on_resumed (gpointer user_data)
{
  wake_up_accounts (user_data);
}

/* ------------------------------------------------------------------ */
/* API */

/**
 * xmpp_client_new:
 *
 * Creates a client without accounts.
 *
 * Returns: (transfer full): a new client
 */
XmppClient *
xmpp_client_new (void)
{
  return g_object_new (XMPP_TYPE_CLIENT, NULL);
}

/**
 * xmpp_client_add_account:
 * @self: a client
 * @jid: the account's address; a resource in it is the one the connection
 *   asks for
 * @password: (nullable): the account's password, or %NULL to give it
 *   through [signal@Xmpp.Connection::password-needed]
 * @error: return location for a #GError
 *
 * Adds an account, at the end of the list. It takes the client's
 * [property@Xmpp.Client:presence]; in a started client, it connects at
 * once, from the main loop, so that the caller can still set connection
 * options on it.
 *
 * A client has one account per bare address: adding a second fails with
 * %XMPP_CLIENT_ERROR_ACCOUNT_EXISTS, rather than change the first account
 * behind the back of whoever set it up. Use
 * [method@Xmpp.Client.lookup_account] to find it. An address without a
 * localpart, such as `example.com`, logs in with SASL ANONYMOUS and no
 * password: the server makes the account up. A client can hold one such
 * account per domain.
 *
 * Returns: (transfer none) (nullable): the new account, or %NULL if the
 *   client already has one for that address
 */
XmppAccount *
xmpp_client_add_account (XmppClient  *self,
                         XmppJid     *jid,
                         const char  *password,
                         GError     **error)
{
  XmppAccount *account;
  XmppImConnection *connection;

  g_return_val_if_fail (XMPP_IS_CLIENT (self), NULL);
  g_return_val_if_fail (jid != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_hash_table_contains (self->by_jid, xmpp_jid_get_bare (jid)))
    {
      g_set_error (error, XMPP_CLIENT_ERROR, XMPP_CLIENT_ERROR_ACCOUNT_EXISTS,
                   _("The client already has an account for %s"), xmpp_jid_to_bare_string (jid));
      return NULL;
    }

  account = xmpp_account_new (self, jid, password);
  connection = xmpp_account_get_connection (account);
  g_ptr_array_add (self->accounts, account);
  g_hash_table_insert (self->by_jid, xmpp_jid_ref (xmpp_jid_get_bare (jid)), account);
  xmpp_im_connection_set_presence (connection, self->presence);
  g_signal_connect (connection, "session-ready", G_CALLBACK (on_session_ready), self);
  g_signal_connect (connection, "message-received", G_CALLBACK (on_message_received), self);
  g_signal_connect (connection, "presence-changed", G_CALLBACK (on_presence_changed), self);
  g_signal_connect (connection, "closed", G_CALLBACK (on_closed), self);

  g_list_model_items_changed (G_LIST_MODEL (self), self->accounts->len - 1, 0, 1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
  if (self->started)
    xmpp_account_set_running (account, TRUE);
  return account;
}

/**
 * xmpp_client_remove_account:
 * @self: a client
 * @account: one of its accounts
 *
 * Removes an account. Its connection closes gracefully, and it never
 * connects again; its signals no longer come out of the client.
 */
void
xmpp_client_remove_account (XmppClient  *self,
                            XmppAccount *account)
{
  guint position;

  g_return_if_fail (XMPP_IS_CLIENT (self));
  g_return_if_fail (XMPP_IS_ACCOUNT (account));
  g_return_if_fail (g_ptr_array_find (self->accounts, account, &position));

  g_signal_handlers_disconnect_by_data (xmpp_account_get_connection (account), self);
  g_hash_table_remove (self->by_jid, xmpp_jid_get_bare (xmpp_account_get_jid (account)));
  account = g_ptr_array_steal_index (self->accounts, position);
  xmpp_account_detach (account);

  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
  g_object_unref (account);
  check_stopped (self);
}

/**
 * xmpp_client_lookup_account:
 * @self: a client
 * @jid: an address; its resource, if any, is ignored
 *
 * Finds the account of an address, in constant time.
 *
 * Returns: (transfer none) (nullable): the account, or %NULL if the
 *   client has none for that bare address
 */
XmppAccount *
xmpp_client_lookup_account (XmppClient *self,
                            XmppJid    *jid)
{
  g_return_val_if_fail (XMPP_IS_CLIENT (self), NULL);
  g_return_val_if_fail (jid != NULL, NULL);

  return g_hash_table_lookup (self->by_jid, xmpp_jid_get_bare (jid));
}

/**
 * xmpp_client_start:
 * @self: a client
 *
 * Connects every enabled account, and from then on each account added or
 * enabled, until [method@Xmpp.Client.stop_async]. The connections start
 * from the main loop, the thread-default main context of the caller,
 * where their signals and the client's come too. Starting a started
 * client does nothing.
 */
void
xmpp_client_start (XmppClient *self)
{
  g_autoptr(GPtrArray) tasks = NULL;

  g_return_if_fail (XMPP_IS_CLIENT (self));

  if (self->started)
    return;
  self->started = TRUE;
  if (self->sleep_watch == NULL)
    self->sleep_watch = xmpp_sleep_watch_new (on_resumed, self);

  /* A stop that was still closing the accounts is overtaken. */
  tasks = g_steal_pointer (&self->stop_tasks);
  self->stop_tasks = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < tasks->len; i++)
    g_task_return_new_error (g_ptr_array_index (tasks, i), G_IO_ERROR, G_IO_ERROR_CANCELLED,
                             _("The client was started again before it stopped"));

  for (guint i = 0; i < self->accounts->len; i++)
    xmpp_account_set_running (g_ptr_array_index (self->accounts, i), TRUE);
}

/**
 * xmpp_client_is_started:
 * @self: a client
 *
 * Tells whether the client was started and not stopped since.
 *
 * Returns: %TRUE between [method@Xmpp.Client.start] and
 *   [method@Xmpp.Client.stop_async]
 */
gboolean
xmpp_client_is_started (XmppClient *self)
{
  g_return_val_if_fail (XMPP_IS_CLIENT (self), FALSE);

  return self->started;
}

/**
 * xmpp_client_stop_async:
 * @self: a client
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when every account is closed
 * @user_data: data for @callback
 *
 * Closes every account's connection gracefully (see
 * [method@Xmpp.Connection.close_async]) and drops the reconnections that
 * were waiting; no account connects again until
 * [method@Xmpp.Client.start]. The callback runs once every connection is
 * closed, which takes at most a few seconds. Cancelling @cancellable does
 * not stop the closing, but the call then fails with
 * %G_IO_ERROR_CANCELLED; so does it when the client is started again
 * before the accounts are closed.
 */
void
xmpp_client_stop_async (XmppClient          *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (XMPP_IS_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xmpp_client_stop_async);

  self->started = FALSE;
  g_ptr_array_add (self->stop_tasks, g_steal_pointer (&task));
  for (guint i = 0; i < self->accounts->len; i++)
    xmpp_account_set_running (g_ptr_array_index (self->accounts, i), FALSE);
  check_stopped (self);
}

/**
 * xmpp_client_stop_finish:
 * @self: a client
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Finishes [method@Xmpp.Client.stop_async].
 *
 * Returns: %TRUE once every account is closed
 */
gboolean
xmpp_client_stop_finish (XmppClient    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (XMPP_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == xmpp_client_stop_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * xmpp_client_get_presence:
 * @self: a client
 *
 * Gives the presence the client gives its accounts.
 *
 * Returns: (transfer none) (nullable): the value of
 *   [property@Xmpp.Client:presence]
 */
XmppPresence *
xmpp_client_get_presence (XmppClient *self)
{
  g_return_val_if_fail (XMPP_IS_CLIENT (self), NULL);

  return self->presence;
}

/**
 * xmpp_client_set_presence:
 * @self: a client
 * @presence: (nullable): the presence of every account, or %NULL for
 *   none
 *
 * Sets [property@Xmpp.ImConnection:presence] on every account, now and
 * on those added later: online accounts send it at once, the others when
 * their session starts. %NULL makes online accounts unavailable to their
 * contacts while they stay connected. An account can still be given a
 * presence of its own afterwards, on its connection.
 */
void
xmpp_client_set_presence (XmppClient   *self,
                          XmppPresence *presence)
{
  g_return_if_fail (XMPP_IS_CLIENT (self));
  g_return_if_fail (presence == NULL || XMPP_IS_PRESENCE (presence));

  if (!g_set_object (&self->presence, presence))
    return;
  for (guint i = 0; i < self->accounts->len; i++)
    xmpp_im_connection_set_presence (xmpp_account_get_connection (g_ptr_array_index (self->accounts, i)),
                                     presence);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRESENCE]);
}

/**
 * xmpp_client_send_message:
 * @self: a client
 * @message: a message with a recipient
 * @error: return location for a #GError
 *
 * Sends a message from the account that suits it best: the first online
 * account (in the list's order) that has the recipient's bare address in
 * its roster, or else the first online account. Online means that its
 * session is ready ([method@Xmpp.ImConnection.is_session_ready]). To
 * send from a given account, use
 * [method@Xmpp.ImConnection.send_message] on its connection.
 *
 * Returns: %TRUE if the message was queued; %FALSE with
 *   %XMPP_CLIENT_ERROR_NO_RECIPIENT when it has no recipient,
 *   %XMPP_CLIENT_ERROR_NOT_ONLINE when no account is online, or
 *   %XMPP_CLIENT_ERROR_QUEUE_FULL when the chosen account's send queue is
 *   full
 */
gboolean
xmpp_client_send_message (XmppClient   *self,
                          XmppMessage  *message,
                          GError      **error)
{
  XmppJid *to;
  XmppImConnection *first_online = NULL;
  XmppImConnection *chosen = NULL;

  g_return_val_if_fail (XMPP_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (XMPP_IS_MESSAGE (message), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* A message without one goes to the sender's own account: which
   * account that is, the client cannot guess. */
  to = xmpp_message_get_to (message);
  if (to == NULL)
    {
      g_set_error_literal (error, XMPP_CLIENT_ERROR, XMPP_CLIENT_ERROR_NO_RECIPIENT,
                           _("The message has no recipient to choose the account by"));
      return FALSE;
    }

  for (guint i = 0; i < self->accounts->len && chosen == NULL; i++)
    {
      XmppImConnection *connection = xmpp_account_get_connection (g_ptr_array_index (self->accounts, i));

      if (!xmpp_im_connection_is_session_ready (connection))
        continue;
      if (first_online == NULL)
        first_online = connection;
      if (xmpp_roster_lookup (xmpp_im_connection_get_roster (connection), to) != NULL)
        chosen = connection;
    }
  if (chosen == NULL)
    chosen = first_online;

  if (chosen == NULL)
    {
      g_set_error (error, XMPP_CLIENT_ERROR, XMPP_CLIENT_ERROR_NOT_ONLINE,
                   _("No account is online to send a message to %s"), xmpp_jid_to_string (to));
      return FALSE;
    }
  if (!xmpp_im_connection_send_message (chosen, message))
    {
      g_set_error (error, XMPP_CLIENT_ERROR, XMPP_CLIENT_ERROR_QUEUE_FULL,
                   _("The send queue of %s is full"),
                   xmpp_jid_to_string (xmpp_connection_get_jid (XMPP_CONNECTION (chosen))));
      return FALSE;
    }
  return TRUE;
}

/**
 * xmpp_client_get_network_monitor:
 * @self: a client
 *
 * Gives the network monitor the accounts follow.
 *
 * Returns: (transfer none) (nullable): the value of
 *   [property@Xmpp.Client:network-monitor]
 */
GNetworkMonitor *
xmpp_client_get_network_monitor (XmppClient *self)
{
  g_return_val_if_fail (XMPP_IS_CLIENT (self), NULL);

  return self->network_monitor;
}

/**
 * xmpp_client_set_network_monitor:
 * @self: a client
 * @monitor: (nullable): a network monitor, or %NULL to take the network as
 *   always there
 *
 * Sets [property@Xmpp.Client:network-monitor].
 */
void
xmpp_client_set_network_monitor (XmppClient      *self,
                                 GNetworkMonitor *monitor)
{
  g_return_if_fail (XMPP_IS_CLIENT (self));
  g_return_if_fail (monitor == NULL || G_IS_NETWORK_MONITOR (monitor));

  if (self->network_monitor == monitor)
    return;
  if (self->network_monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->network_monitor, self);
  g_set_object (&self->network_monitor, monitor);
  if (monitor != NULL)
    g_signal_connect (monitor, "network-changed", G_CALLBACK (on_network_changed), self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NETWORK_MONITOR]);
  on_network_changed (monitor, monitor == NULL || g_network_monitor_get_network_available (monitor), self);
}

/**
 * xmpp_client_get_max_connecting:
 * @self: a client
 *
 * Tells how many accounts may be connecting at once.
 *
 * Returns: the value of [property@Xmpp.Client:max-connecting]
 */
guint
xmpp_client_get_max_connecting (XmppClient *self)
{
  g_return_val_if_fail (XMPP_IS_CLIENT (self), 0);

  return self->max_connecting;
}

/**
 * xmpp_client_set_max_connecting:
 * @self: a client
 * @max_connecting: how many accounts may be connecting at once, or 0 for
 *   no limit
 *
 * Sets [property@Xmpp.Client:max-connecting].
 */
void
xmpp_client_set_max_connecting (XmppClient *self,
                                guint       max_connecting)
{
  g_return_if_fail (XMPP_IS_CLIENT (self));

  if (self->max_connecting == max_connecting)
    return;
  self->max_connecting = max_connecting;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_CONNECTING]);
  hand_out_turns (self);
}

/* ------------------------------------------------------------------ */
/* GObject */

static void
xmpp_client_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  XmppClient *self = XMPP_CLIENT (object);

  switch (prop_id)
    {
    case PROP_ITEM_TYPE: g_value_set_gtype (value, XMPP_TYPE_ACCOUNT); break;
    case PROP_N_ITEMS: g_value_set_uint (value, self->accounts->len); break;
    case PROP_PRESENCE: g_value_set_object (value, self->presence); break;
    case PROP_NETWORK_MONITOR: g_value_set_object (value, self->network_monitor); break;
    case PROP_MAX_CONNECTING: g_value_set_uint (value, self->max_connecting); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xmpp_client_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  XmppClient *self = XMPP_CLIENT (object);

  switch (prop_id)
    {
    case PROP_PRESENCE: xmpp_client_set_presence (self, g_value_get_object (value)); break;
    case PROP_NETWORK_MONITOR: xmpp_client_set_network_monitor (self, g_value_get_object (value)); break;
    case PROP_MAX_CONNECTING: xmpp_client_set_max_connecting (self, g_value_get_uint (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xmpp_client_dispose (GObject *object)
{
  XmppClient *self = XMPP_CLIENT (object);

  /* The accounts close gracefully; whoever still holds one keeps it. */
  self->started = FALSE;
  for (guint i = 0; i < self->accounts->len; i++)
    {
      XmppAccount *account = g_ptr_array_index (self->accounts, i);

      g_signal_handlers_disconnect_by_data (xmpp_account_get_connection (account), self);
      xmpp_account_detach (account);
    }
  g_hash_table_remove_all (self->by_jid);
  g_ptr_array_set_size (self->accounts, 0);
  g_clear_pointer (&self->sleep_watch, xmpp_sleep_watch_free);
  if (self->network_monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->network_monitor, self);
  g_clear_object (&self->network_monitor);

  G_OBJECT_CLASS (xmpp_client_parent_class)->dispose (object);
}

static void
xmpp_client_finalize (GObject *object)
{
  XmppClient *self = XMPP_CLIENT (object);

  g_clear_pointer (&self->accounts, g_ptr_array_unref);
  g_clear_pointer (&self->by_jid, g_hash_table_unref);
  g_clear_pointer (&self->stop_tasks, g_ptr_array_unref);
  g_queue_clear (&self->turn_queue);
  g_clear_object (&self->presence);

  G_OBJECT_CLASS (xmpp_client_parent_class)->finalize (object);
}

static void
xmpp_client_class_init (XmppClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = xmpp_client_get_property;
  object_class->set_property = xmpp_client_set_property;
  object_class->dispose = xmpp_client_dispose;
  object_class->finalize = xmpp_client_finalize;

  /**
   * XmppClient:item-type:
   *
   * The type of the list's items: [class@Xmpp.Account].
   */
  properties[PROP_ITEM_TYPE] =
    g_param_spec_gtype ("item-type", NULL, NULL, XMPP_TYPE_ACCOUNT,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * XmppClient:n-items:
   *
   * The number of accounts.
   */
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppClient:presence:
   *
   * The presence of every account (see
   * [property@Xmpp.ImConnection:presence]); %NULL for none. By default,
   * simply available.
   */
  properties[PROP_PRESENCE] =
    g_param_spec_object ("presence", NULL, NULL, XMPP_TYPE_PRESENCE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppClient:network-monitor:
   *
   * The network monitor that tells the accounts when the network is
   * unavailable (they do not try to reconnect then) and when it comes
   * back (they try at once). By default, g_network_monitor_get_default();
   * %NULL takes the network as always there, which suits a server on the
   * same machine when there is no network.
   */
  properties[PROP_NETWORK_MONITOR] =
    g_param_spec_object ("network-monitor", NULL, NULL, G_TYPE_NETWORK_MONITOR,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppClient:max-connecting:
   *
   * How many accounts may be in a connection attempt at once (from the
   * TCP connection to the bound stream); the others wait for their turn,
   * in %XMPP_RECONNECT_STATE_CONNECTING. Hundreds of accounts that start
   * together, or come back together after a server restart, would
   * otherwise share the server's time until each of them runs into
   * [property@Xmpp.Connection:connect-timeout]. 0 for no limit. Connections
   * the application starts itself, with
   * [method@Xmpp.Connection.connect_async], do not count.
   */
  properties[PROP_MAX_CONNECTING] =
    g_param_spec_uint ("max-connecting", NULL, NULL, 0, G_MAXUINT, XMPP_CLIENT_DEFAULT_MAX_CONNECTING,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * XmppClient::account-ready:
   * @self: the client
   * @account: the account
   *
   * Emitted when an account's session has started (see
   * [signal@Xmpp.ImConnection::session-ready]), after each connection and
   * each reconnection, but not when stream management resumed the
   * session, which goes on as it was.
   */
  signals[SIGNAL_ACCOUNT_READY] =
    g_signal_new ("account-ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, XMPP_TYPE_ACCOUNT);

  /**
   * XmppClient::message-received:
   * @self: the client
   * @account: the account that received it
   * @message: the message
   *
   * Emitted for each message an account receives (see
   * [signal@Xmpp.ImConnection::message-received]).
   */
  signals[SIGNAL_MESSAGE_RECEIVED] =
    g_signal_new ("message-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, XMPP_TYPE_ACCOUNT, XMPP_TYPE_MESSAGE);

  /**
   * XmppClient::presence-changed:
   * @self: the client
   * @account: the account whose roster has the contact
   * @contact: the contact
   * @old: (nullable): the previous presence of the resource, or %NULL if
   *   it was offline
   * @presence: the new presence of the resource
   *
   * Emitted when a resource of a contact of an account changes its
   * presence (see [signal@Xmpp.ImConnection::presence-changed]).
   */
  signals[SIGNAL_PRESENCE_CHANGED] =
    g_signal_new ("presence-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 4, XMPP_TYPE_ACCOUNT,
                  XMPP_TYPE_CONTACT, XMPP_TYPE_PRESENCE, XMPP_TYPE_PRESENCE);

  /**
   * XmppClient::account-closed:
   * @self: the client
   * @account: the account
   * @error: (nullable): why the connection ended, or %NULL after a
   *   graceful close
   *
   * Emitted when an account's connection ends, whether it was ready or
   * still connecting (see [signal@Xmpp.Connection::closed]). By then
   * [property@Xmpp.Account:reconnect-state] tells what comes next.
   */
  signals[SIGNAL_ACCOUNT_CLOSED] =
    g_signal_new ("account-closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, XMPP_TYPE_ACCOUNT, G_TYPE_ERROR);
}

static void
xmpp_client_init (XmppClient *self)
{
  self->accounts = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_jid = g_hash_table_new_full (xmpp_jid_hash, xmpp_jid_equal,
                                        (GDestroyNotify) xmpp_jid_unref, NULL);
  self->stop_tasks = g_ptr_array_new_with_free_func (g_object_unref);
  self->presence = xmpp_presence_new (XMPP_PRESENCE_TYPE_AVAILABLE);
  self->max_connecting = XMPP_CLIENT_DEFAULT_MAX_CONNECTING;
  g_queue_init (&self->turn_queue);
  xmpp_client_set_network_monitor (self, g_network_monitor_get_default ());
}
