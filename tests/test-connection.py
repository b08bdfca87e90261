#!/usr/bin/python3
# XmppConnection through introspection: log in to the Prosody that
# tests/servers/with-servers started, send an IQ and wait for its reply.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import os
import shlex
import unittest

import gi
gi.require_version('Xmpp', '1.0')
from gi.repository import Gio, GLib, Xmpp  # noqa: E402

NS_DISCO_INFO = 'http://jabber.org/protocol/disco#info'


def load_env(path):
    env = {}
    with open(path) as f:
        for line in f:
            key, sep, value = line.strip().partition('=')
            if sep:
                env[key] = ''.join(shlex.split(value))
    return env


class ConnectionTest(unittest.TestCase):
    def setUp(self):
        path = os.environ.get('XMPP_PROSODY_ENV')
        self.assertIsNotNone(path, 'run through tests/servers/with-servers')
        self.server = load_env(path)
        self.loop = GLib.MainLoop()

    def wait(self, start):
        """Runs the main loop until the async call started by @start
        completes, and returns its GAsyncResult."""
        box = []

        def done(source, result):
            box.append(result)
            self.loop.quit()

        start(done)
        GLib.timeout_add_seconds(30, self.loop.quit)
        self.loop.run()
        self.assertTrue(box, 'the call did not complete')
        return box[0]

    def new_connection(self, user, password):
        jid = Xmpp.Jid.new(f"{user}@{self.server['XMPP_DOMAIN']}")
        connection = Xmpp.Connection.new(jid, password)
        connection.props.host = self.server['XMPP_HOST']
        connection.props.port = int(self.server['XMPP_C2S_PORT'])
        self.database = Gio.TlsFileDatabase.new(self.server['XMPP_CA_FILE'])
        connection.props.tls_database = self.database
        return connection

    def test_login_and_iq(self):
        connection = self.new_connection('alice', 'alicepass')
        closed = []
        connection.connect('closed', lambda c, error: closed.append(error))

        result = self.wait(lambda cb: connection.connect_async(None, cb))
        self.assertTrue(connection.connect_finish(result))
        self.assertEqual(connection.props.state, Xmpp.ConnectionState.READY)
        self.assertEqual(connection.get_bound_jid().get_bare().to_string(),
                         f"alice@{self.server['XMPP_DOMAIN']}")

        iq = Xmpp.Stanza.new(Xmpp.StanzaKind.IQ, 'get')
        iq.set_to(Xmpp.Jid.new(self.server['XMPP_DOMAIN']))
        iq.get_element().add_child_new('query', NS_DISCO_INFO)
        result = self.wait(lambda cb: connection.send_iq_async(iq, 0, None, cb))
        reply = connection.send_iq_finish(result)
        self.assertEqual(reply.get_stanza_type(), 'result')
        query = reply.get_element().get_child('query', NS_DISCO_INFO)
        features = [f.get_attribute('var') for f in query.get_children('feature', None)]
        self.assertIn('urn:xmpp:ping', features)

        result = self.wait(lambda cb: connection.close_async(None, cb))
        self.assertTrue(connection.close_finish(result))
        self.assertEqual(closed, [None])

    def test_wrong_password_raises(self):
        connection = self.new_connection('bob', 'wrong')
        result = self.wait(lambda cb: connection.connect_async(None, cb))
        with self.assertRaises(GLib.Error) as ctx:
            connection.connect_finish(result)
        self.assertTrue(ctx.exception.matches(Xmpp.sasl_error_quark(),
                                              Xmpp.SaslError.NOT_AUTHORIZED))

    def test_iq_request_signal(self):
        alice = self.new_connection('alice', 'alicepass')
        bob = self.new_connection('bob', 'bobpass')
        for c in (alice, bob):
            self.assertTrue(c.connect_finish(self.wait(lambda cb, c=c: c.connect_async(None, cb))))

        def on_version(conn, request):
            reply = request.new_reply()
            query = reply.get_element().add_child_new('query', 'jabber:iq:version')
            query.add_child_with_text('name', None, 'python-bot')
            conn.send(reply)
            return True

        bob.connect('iq-request::jabber:iq:version', on_version)
        iq = Xmpp.Stanza.new(Xmpp.StanzaKind.IQ, 'get')
        iq.set_to(bob.get_bound_jid())
        iq.get_element().add_child_new('query', 'jabber:iq:version')
        reply = alice.send_iq_finish(self.wait(lambda cb: alice.send_iq_async(iq, 5, None, cb)))
        name = reply.get_payload().get_child_text('name', 'jabber:iq:version')
        self.assertEqual(name, 'python-bot')

        for c in (alice, bob):
            c.close_finish(self.wait(lambda cb, c=c: c.close_async(None, cb)))

    def test_password_needed_and_error_reply(self):
        connection = self.new_connection('carol', None)
        asked = []

        def on_password_needed(conn):
            asked.append(conn.props.state)
            GLib.timeout_add(100, lambda: conn.set_password('carolpass'))
            return True

        connection.connect('password-needed', on_password_needed)
        result = self.wait(lambda cb: connection.connect_async(None, cb))
        self.assertTrue(connection.connect_finish(result))
        self.assertEqual(asked, [Xmpp.ConnectionState.AUTHENTICATING])

        iq = Xmpp.Stanza.new(Xmpp.StanzaKind.IQ, 'get')
        iq.get_element().add_child_new('query', 'urn:example:unknown')
        result = self.wait(lambda cb: connection.send_iq_async(iq, 0, None, cb))
        with self.assertRaises(GLib.Error) as ctx:
            connection.send_iq_finish(result)
        self.assertTrue(ctx.exception.matches(Xmpp.stanza_error_quark(), ctx.exception.code))
        reply = connection.send_iq_get_error_reply(result)
        self.assertEqual(reply.get_stanza_type(), 'error')
        self.assertEqual(reply.get_id(), iq.get_id())
        self.assertEqual(reply.get_error_condition(), Xmpp.StanzaError(ctx.exception.code))

        connection.close_finish(self.wait(lambda cb: connection.close_async(None, cb)))


if __name__ == '__main__':
    unittest.main(verbosity=2)
