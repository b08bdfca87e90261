#!/usr/bin/python3
# XmppClient and XmppAccount through introspection, against the Prosody
# that tests/servers/with-servers started: two accounts in one client,
# account-ready for each, a message sent by the client and received with
# its account, the reconnection state, stopping.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import os
import shlex
import socket
import unittest

import gi
gi.require_version('Xmpp', '1.0')
from gi.repository import Gio, GLib, Xmpp  # noqa: E402

WAIT_SECONDS = 20


def load_env(path):
    env = {}
    with open(path) as f:
        for line in f:
            key, sep, value = line.strip().partition('=')
            if sep:
                env[key] = ''.join(shlex.split(value))
    return env


class ClientTest(unittest.TestCase):
    def setUp(self):
        path = os.environ.get('XMPP_PROSODY_ENV')
        self.assertIsNotNone(path, 'run through tests/servers/with-servers')
        self.server = load_env(path)
        self.domain = self.server['XMPP_DOMAIN']
        self.database = Gio.TlsFileDatabase.new(self.server['XMPP_CA_FILE'])

    def wait_until(self, predicate, what, seconds=WAIT_SECONDS):
        """Iterates the main context until @predicate holds: never
        sleeps."""
        context = GLib.MainContext.default()
        expired = []

        def on_timeout():
            expired.append(True)
            return GLib.SOURCE_REMOVE

        source = GLib.timeout_add_seconds(seconds, on_timeout)
        while not predicate() and not expired:
            context.iteration(True)
        if not expired:
            GLib.source_remove(source)
        self.assertTrue(predicate(), f'timed out waiting for {what}')

    def add_account(self, client, user, password=None):
        account = client.add_account(Xmpp.Jid.new(f'{user}@{self.domain}'),
                                     password or f'{user}pass')
        connection = account.props.connection
        connection.props.host = self.server['XMPP_HOST']
        connection.props.port = int(self.server['XMPP_C2S_PORT'])
        connection.props.tls_database = self.database
        connection.props.resource = 'py-client'
        return account

    def test_two_accounts(self):
        client = Xmpp.Client.new()
        self.assertEqual(client.props.item_type, Xmpp.Account.__gtype__)
        alice = self.add_account(client, 'alice')
        bob = self.add_account(client, 'bob')
        self.assertEqual(client.get_n_items(), 2)
        self.assertEqual(list(client), [alice, bob])
        self.assertIs(client.lookup_account(Xmpp.Jid.new(f'bob@{self.domain}/any')), bob)
        with self.assertRaises(GLib.Error) as ctx:
            client.add_account(Xmpp.Jid.new(f'alice@{self.domain}'), 'alicepass')
        self.assertTrue(ctx.exception.matches(Xmpp.client_error_quark(),
                                              Xmpp.ClientError.ACCOUNT_EXISTS))

        ready = []
        received = []
        states = []
        client.connect('account-ready', lambda c, account: ready.append(account))
        client.connect('message-received',
                       lambda c, account, message: received.append((account, message)))
        alice.connect('notify::reconnect-state',
                      lambda account, pspec: states.append(account.props.reconnect_state))

        client.start()
        self.assertTrue(client.is_started())
        self.wait_until(lambda: len(ready) == 2, 'both accounts to be ready')
        self.assertEqual(sorted(a.props.jid.to_string() for a in ready),
                         [f'alice@{self.domain}', f'bob@{self.domain}'])
        self.assertEqual(states, [Xmpp.ReconnectState.CONNECTING, Xmpp.ReconnectState.ONLINE])
        self.assertIsNone(alice.props.last_error)
        self.assertEqual(alice.props.retry_count, 0)
        self.assertEqual(alice.props.next_retry, 0)

        # Nobody has bob in a roster: the first account online sends.
        message = Xmpp.Message.new(Xmpp.MessageType.CHAT, Xmpp.Jid.new(f'bob@{self.domain}'),
                                   'hello from the client')
        self.assertTrue(client.send_message(message))
        self.wait_until(lambda: received, 'the message')
        account, got = received[0]
        self.assertIs(account, bob)
        self.assertEqual(got.get_body(None), 'hello from the client')
        self.assertTrue(got.get_from().equal_bare(alice.props.jid))

        # Stopping, awaited the way Python awaits GIO calls.
        done = []
        client.stop_async(None, lambda c, result: done.append(c.stop_finish(result)))
        self.wait_until(lambda: done, 'the client to stop')
        self.assertEqual(done, [True])
        self.assertEqual(alice.props.reconnect_state, Xmpp.ReconnectState.IDLE)
        self.assertEqual(bob.props.connection.props.state, Xmpp.ConnectionState.DISCONNECTED)
        with self.assertRaises(GLib.Error) as ctx:
            client.send_message(message)
        self.assertTrue(ctx.exception.matches(Xmpp.client_error_quark(),
                                              Xmpp.ClientError.NOT_ONLINE))

        client.remove_account(alice)
        self.assertEqual(list(client), [bob])


    def test_settings(self):
        client = Xmpp.Client.new()
        self.assertFalse(client.is_started())
        self.assertEqual(client.get_max_connecting(), Xmpp.CLIENT_DEFAULT_MAX_CONNECTING)
        client.set_max_connecting(2)
        self.assertEqual(client.props.max_connecting, 2)
        self.assertIs(client.get_network_monitor(), Gio.NetworkMonitor.get_default())
        client.set_network_monitor(None)
        self.assertIsNone(client.get_network_monitor())

        account = self.add_account(client, 'alice')
        self.assertTrue(account.get_jid().equal(Xmpp.Jid.new(f'alice@{self.domain}')))
        self.assertIs(account.get_connection(), account.props.connection)
        self.assertTrue(account.get_enabled())
        self.assertTrue(account.get_auto_reconnect())
        self.assertEqual(account.get_initial_retry_delay(),
                         Xmpp.ACCOUNT_DEFAULT_INITIAL_RETRY_DELAY)
        self.assertEqual(account.get_max_retry_delay(), Xmpp.ACCOUNT_DEFAULT_MAX_RETRY_DELAY)
        self.assertEqual(account.get_stable_period(), Xmpp.ACCOUNT_DEFAULT_STABLE_PERIOD)
        account.set_initial_retry_delay(50)
        account.set_max_retry_delay(400)
        account.set_stable_period(0)
        account.set_auto_reconnect(False)
        self.assertEqual((account.props.initial_retry_delay, account.props.max_retry_delay,
                          account.props.stable_period, account.props.auto_reconnect),
                         (50, 400, 0, False))
        account.set_enabled(False)
        self.assertFalse(account.props.enabled)
        self.assertEqual(account.get_reconnect_state(), Xmpp.ReconnectState.DISABLED)
        account.set_enabled(True)
        self.assertEqual(account.get_reconnect_state(), Xmpp.ReconnectState.IDLE)

        # The client's presence is every account's, also one added later.
        self.assertEqual(client.get_presence().get_presence_type(), Xmpp.PresenceType.AVAILABLE)
        away = Xmpp.Presence.new(Xmpp.PresenceType.AVAILABLE)
        away.set_show(Xmpp.PresenceShow.AWAY)
        client.set_presence(away)
        self.assertIs(client.get_presence(), away)
        self.assertIs(account.props.connection.get_presence(), away)
        self.assertIs(self.add_account(client, 'bob').props.connection.props.presence, away)
        client.set_presence(None)
        self.assertIsNone(account.props.connection.get_presence())

        # A message without a recipient cannot choose its account.
        with self.assertRaises(GLib.Error) as ctx:
            client.send_message(Xmpp.Message.new(Xmpp.MessageType.CHAT, None, 'to whom?'))
        self.assertTrue(ctx.exception.matches(Xmpp.client_error_quark(),
                                              Xmpp.ClientError.NO_RECIPIENT))

    def test_retries(self):
        client = Xmpp.Client.new()
        client.set_network_monitor(None)
        # Nobody listens on a port the system gave and took back.
        with socket.socket() as s:
            s.bind(('127.0.0.1', 0))
            port = s.getsockname()[1]
        refused = self.add_account(client, 'alice')
        refused.props.connection.props.port = port
        refused.set_initial_retry_delay(60000)
        wrong = self.add_account(client, 'bob', 'not-bobpass')
        online = self.add_account(client, 'carol')

        scheduled = []
        gave_up = []
        closed = []
        presences = []
        refused.connect('reconnect-scheduled', lambda a, delay: scheduled.append(delay))
        wrong.connect('gave-up', lambda a, error: gave_up.append(error))
        client.connect('account-closed', lambda c, account, error: closed.append((account, error)))
        client.connect('presence-changed',
                       lambda c, account, contact, old, new: presences.append((account, contact)))

        client.start()
        self.wait_until(lambda: scheduled and gave_up and
                        online.get_reconnect_state() == Xmpp.ReconnectState.ONLINE,
                        'a refusal, a wrong password and a login')
        self.assertGreaterEqual(scheduled[0], 45000)
        self.assertEqual(refused.get_reconnect_state(), Xmpp.ReconnectState.WAITING)
        self.assertEqual(refused.get_retry_count(), 1)
        self.assertGreater(refused.get_next_retry(), GLib.get_monotonic_time())
        self.assertTrue(refused.get_last_error().matches(Gio.io_error_quark(),
                                                         Gio.IOErrorEnum.CONNECTION_REFUSED))
        self.assertTrue(gave_up[0].matches(Xmpp.sasl_error_quark(),
                                           Xmpp.SaslError.NOT_AUTHORIZED))
        self.assertEqual(wrong.get_reconnect_state(), Xmpp.ReconnectState.GAVE_UP)
        errors = [error for account, error in closed if account is refused]
        self.assertEqual(len(errors), 1)
        self.assertTrue(errors[0].matches(Gio.io_error_quark(), Gio.IOErrorEnum.CONNECTION_REFUSED))

        # Retried at once, for a "Retry now" button: no waiting for the minute.
        refused.retry_now()
        self.wait_until(lambda: len(scheduled) == 2, 'the second refusal')
        self.assertEqual(refused.get_retry_count(), 2)

        # Pointed at the server, alice comes online at the next attempt;
        # carol subscribes to her, and alice's presence comes out of the
        # client with carol's account.
        refused.props.connection.props.port = int(self.server['XMPP_C2S_PORT'])
        refused.retry_now()
        self.wait_until(lambda: refused.get_reconnect_state() == Xmpp.ReconnectState.ONLINE,
                        'alice online')
        self.assertEqual(refused.get_retry_count(), 2)
        self.assertIsNone(refused.get_last_error())
        alice = refused.get_jid()
        refused.get_connection().connect('subscribe-received',
                                         lambda conn, jid, status: conn.approve_subscription(jid))
        self.assertTrue(online.get_connection().subscribe(alice, None))
        self.wait_until(lambda: presences, "alice's presence")
        self.assertIs(presences[0][0], online)
        self.assertTrue(presences[0][1].props.jid.equal(alice))

        # Removed after it gave up: it stays at rest.
        client.remove_account(wrong)
        self.assertEqual(wrong.get_reconnect_state(), Xmpp.ReconnectState.IDLE)
        self.assertEqual(list(client), [refused, online])

        done = []
        client.stop_async(None, lambda c, result: done.append(c.stop_finish(result)))
        client.stop_async(None, lambda c, result: done.append(c.stop_finish(result)))
        self.wait_until(lambda: len(done) == 2, 'both stops')
        self.assertEqual(done, [True, True])


if __name__ == '__main__':
    unittest.main(verbosity=2)
