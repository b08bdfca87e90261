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
NS_SM = 'urn:xmpp:sm:3'
SM_STATE = "<sm-state xmlns='urn:xmpp:xmpp-glib:sm-state:0' "


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

    def wait_until(self, cond, seconds=30):
        """Runs the main loop until cond() holds, failing after seconds."""
        context = GLib.MainContext.default()
        deadline = GLib.get_monotonic_time() + seconds * 1000000
        tick = GLib.timeout_add(100, lambda: True)
        try:
            while not cond():
                self.assertLess(GLib.get_monotonic_time(), deadline, 'waited in vain')
                context.iteration(True)
        finally:
            GLib.source_remove(tick)

    def connect_sync(self, connection):
        return connection.connect_finish(self.wait(lambda cb: connection.connect_async(None, cb)))

    def close_sync(self, connection):
        return connection.close_finish(self.wait(lambda cb: connection.close_async(None, cb)))

    def new_message(self, to, body, id=None):
        message = Xmpp.Stanza.new(Xmpp.StanzaKind.MESSAGE, 'chat')
        message.set_to(to)
        if id is not None:
            message.set_id(id)
        message.get_element().add_child_with_text('body', None, body)
        return message

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


    def test_properties(self):
        connection = self.new_connection('alice', 'alicepass')
        notified = []
        connection.connect('notify', lambda c, pspec: notified.append(pspec.name))
        certificate = Gio.TlsCertificate.new_from_file(self.server['XMPP_CLIENT_CERT'])

        # Defaults, and nothing to report before connecting.
        self.assertEqual(connection.get_jid().to_string(), f"alice@{self.server['XMPP_DOMAIN']}")
        self.assertEqual(connection.props.state, Xmpp.ConnectionState.DISCONNECTED)
        self.assertIsNone(connection.get_bound_jid())
        self.assertIsNone(connection.get_used_mechanism())
        self.assertIsNone(connection.get_stream_features())
        self.assertIsNone(connection.get_peer_certificate())
        self.assertFalse(connection.props.resumed)
        self.assertFalse(connection.can_resume())
        self.assertIsNone(connection.save_stream_state())
        self.assertEqual(connection.get_queued_bytes(), 0)
        self.assertEqual(connection.props.iq_timeout, Xmpp.CONNECTION_DEFAULT_IQ_TIMEOUT)
        self.assertEqual(connection.props.max_queued_bytes, Xmpp.CONNECTION_DEFAULT_MAX_QUEUED_BYTES)
        self.assertEqual(connection.props.keepalive_interval, Xmpp.CONNECTION_DEFAULT_KEEPALIVE_INTERVAL)
        self.assertEqual(connection.props.liveness_timeout, Xmpp.CONNECTION_DEFAULT_LIVENESS_TIMEOUT)
        self.assertTrue(connection.props.stream_management)
        self.assertEqual(connection.props.tls_mode, Xmpp.TlsMode.STARTTLS)

        values = {
            'host': 'localhost', 'port': 5999, 'resource': 'py',
            'sasl_mechanism': 'SCRAM-SHA-1', 'iq_timeout': 7, 'connect_timeout': 8,
            'max_queued_bytes': 4096, 'keepalive_interval': 9, 'liveness_timeout': 0,
            'stream_management': False, 'tls_mode': Xmpp.TlsMode.DIRECT,
            'tls_database': None, 'pinned_certificate': certificate,
            'tls_certificate': certificate,
        }
        for name, value in values.items():
            setattr(connection.props, name, value)
            self.assertEqual(getattr(connection, 'get_' + name)(), value, name)
            getattr(connection, 'set_' + name)(value)
        # Each change notified once; setting the same value again, not.
        self.assertEqual(sorted(notified), sorted(n.replace('_', '-') for n in values))
        connection.set_password(None)

    def test_stream_management_resume(self):
        alice = self.new_connection('alice', 'alicepass')
        alice.props.resource = 'py-sm'
        self.assertTrue(self.connect_sync(alice))
        self.assertIsNotNone(alice.get_stream_features().get_child('sm', NS_SM))
        self.assertFalse(alice.get_resumed())
        self.assertTrue(alice.can_resume())
        state = alice.save_stream_state()
        self.assertIn('py-sm', state)

        # Another process takes the session over from the saved state, with
        # a message to itself waiting.
        fresh = self.new_connection('alice', 'alicepass')
        with self.assertRaises(GLib.Error) as ctx:
            fresh.restore_stream_state(SM_STATE + '/>')
        self.assertTrue(ctx.exception.matches(Gio.io_error_quark(), Gio.IOErrorEnum.INVALID_DATA))
        self.assertTrue(fresh.restore_stream_state(state))
        self.assertTrue(fresh.can_resume())
        bodies = []
        fresh.connect('message', lambda c, m: bodies.append(
            m.get_element().get_child_text('body', None)))
        self.assertTrue(fresh.send(self.new_message(alice.get_bound_jid(), 'kept while down')))

        self.assertTrue(self.connect_sync(fresh))
        self.assertTrue(fresh.props.resumed)
        self.assertTrue(fresh.get_bound_jid().equal(alice.get_bound_jid()))
        self.wait_until(lambda: bodies)
        self.assertEqual(bodies, ['kept while down'])
        self.assertTrue(self.close_sync(fresh))
        self.assertFalse(fresh.can_resume())

    def test_resume_refused_hands_back(self):
        domain = self.server['XMPP_DOMAIN']
        connection = self.new_connection('bob', 'bobpass')
        handed = []
        connection.connect('stanza-unacknowledged', lambda c, s: handed.append(s.get_id()))
        self.assertTrue(connection.restore_stream_state(
            SM_STATE + f"id='no-such-session' jid='bob@{domain}/gone' h-in='0' h-acked='0'>"
            f"<message xmlns='jabber:client' to='alice@{domain}' id='lost-1'/></sm-state>"))
        self.assertTrue(self.connect_sync(connection))
        self.assertFalse(connection.get_resumed())
        self.assertEqual(handed, ['lost-1'])
        self.assertTrue(connection.can_resume())
        self.close_sync(connection)

    def test_client_certificate(self):
        connection = self.new_connection('alice', None)
        connection.props.port = int(self.server['XMPP_C2S_CERT_PORT'])
        connection.set_tls_certificate(Gio.TlsCertificate.new_from_file(self.server['XMPP_CLIENT_CERT']))
        self.assertTrue(self.connect_sync(connection))
        self.assertEqual(connection.get_used_mechanism(), 'EXTERNAL')
        self.assertIsNotNone(connection.get_tls_certificate())
        self.assertIsNotNone(connection.props.peer_certificate)
        self.assertEqual(connection.get_peer_certificate_errors(), 0)
        self.close_sync(connection)


if __name__ == '__main__':
    unittest.main(verbosity=2)
