#!/usr/bin/python3
# XmppClient and XmppAccount through introspection, against the Prosody
# that tests/servers/with-servers started: two accounts in one client,
# account-ready for each, a message sent by the client and received with
# its account, the reconnection state, stopping.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import os
import shlex
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

    def add_account(self, client, user):
        account = client.add_account(Xmpp.Jid.new(f'{user}@{self.domain}'), f'{user}pass')
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


if __name__ == '__main__':
    unittest.main(verbosity=2)
