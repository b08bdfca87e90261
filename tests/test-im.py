#!/usr/bin/python3
# XmppImConnection through introspection, against the Prosody that
# tests/servers/with-servers started: the roster as a list model and its
# saved copy, messages and replies, subscriptions and presence, with
# alice, bob and carol.
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


class Recorder:
    """Keeps the arguments of each emission of a signal, without the
    emitter."""

    def __init__(self, obj, signal):
        self.calls = []
        self.obj = obj
        self.handler = obj.connect(signal, self.on_signal)

    def on_signal(self, obj, *args):
        self.calls.append(args)

    def disconnect(self):
        self.obj.disconnect(self.handler)


class ListShadow:
    """A copy of a list model kept up to date from items-changed alone, as
    a GTK list view keeps its rows, compared with the model after each
    emission. PyGObject prints what a signal handler raises instead of
    failing the test, so the handler notes problems for check()."""

    def __init__(self, model):
        self.model = model
        self.items = list(model)
        self.added = 0
        self.removed = 0
        self.problems = []
        self.handler = model.connect('items-changed', self.on_items_changed)

    def on_items_changed(self, model, position, removed, added):
        if position + removed > len(self.items):
            self.problems.append(f'{position}+{removed} past the end of {len(self.items)}')
        self.items[position:position + removed] = [model.get_item(position + i)
                                                   for i in range(added)]
        if [model.get_item(i) for i in range(model.get_n_items())] != self.items:
            self.problems.append(f'the shadow differs after ({position}, {removed}, {added})')
        self.added += added
        self.removed += removed

    def check(self, test):
        test.assertEqual(self.problems, [])
        test.assertEqual(len(self.items), self.model.get_n_items())
        for i, item in enumerate(self.items):
            test.assertIs(self.model.get_item(i), item)

    def disconnect(self):
        self.model.disconnect(self.handler)


class ImTest(unittest.TestCase):
    def setUp(self):
        path = os.environ.get('XMPP_PROSODY_ENV')
        self.assertIsNotNone(path, 'run through tests/servers/with-servers')
        self.server = load_env(path)
        self.domain = self.server['XMPP_DOMAIN']
        self.database = Gio.TlsFileDatabase.new(self.server['XMPP_CA_FILE'])
        self.connections = []

    def tearDown(self):
        # A test that failed half-way leaves nothing running.
        for connection in self.connections:
            if connection.props.state != Xmpp.ConnectionState.DISCONNECTED:
                self.close(connection)

    # Waiting, by iterating the main context: never sleeping.

    def wait_until(self, predicate, what, seconds=WAIT_SECONDS):
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

    def wait(self, start, what='the call'):
        """Runs the main context until the async call started by @start
        completes, and returns its GAsyncResult."""
        box = []
        start(lambda source, result: box.append(result))
        self.wait_until(lambda: box, f'{what} to complete')
        return box[0]

    # Accounts

    def jid(self, user):
        return Xmpp.Jid.new(f'{user}@{self.domain}')

    def new_connection(self, user, resource='py'):
        connection = Xmpp.ImConnection.new(self.jid(user), f'{user}pass')
        connection.props.host = self.server['XMPP_HOST']
        connection.props.port = int(self.server['XMPP_C2S_PORT'])
        connection.props.tls_database = self.database
        connection.props.resource = resource
        self.connections.append(connection)
        return connection

    def start(self, connection):
        result = self.wait(lambda cb: connection.connect_async(None, cb), 'connecting')
        self.assertTrue(connection.connect_finish(result))
        self.wait_until(connection.is_session_ready, 'session-ready')
        self.assertEqual(connection.get_bound_jid().get_resourcepart(),
                         connection.props.resource)

    def login(self, user, resource='py'):
        connection = self.new_connection(user, resource)
        ready = Recorder(connection, 'session-ready')
        self.start(connection)
        self.assertEqual(len(ready.calls), 1)
        ready.disconnect()
        return connection

    def close(self, connection):
        result = self.wait(lambda cb: connection.close_async(None, cb), 'closing')
        connection.close_finish(result)
        self.assertEqual(connection.props.state, Xmpp.ConnectionState.DISCONNECTED)

    # The roster

    def add_contact(self, connection, jid, name, groups):
        roster = connection.get_roster()
        result = self.wait(lambda cb: roster.add_contact_async(jid, name, groups, None, cb),
                           'adding a contact')
        self.assertTrue(roster.add_contact_finish(result))

    def remove_contact(self, connection, jid):
        roster = connection.get_roster()
        result = self.wait(lambda cb: roster.remove_contact_async(jid, None, cb),
                           'removing a contact')
        self.assertTrue(roster.remove_contact_finish(result))
        self.wait_until(lambda: roster.lookup(jid) is None, 'the removal push')

    def clear_roster(self, connection):
        """Empties the account's roster: other tests may have left
        contacts in it."""
        roster = connection.get_roster()
        while roster.get_n_items() > 0:
            self.remove_contact(connection, roster.get_item(0).get_jid())

    def wait_subscription(self, connection, jid, subscription, ask):
        roster = connection.get_roster()

        def matches():
            contact = roster.lookup(jid)
            return (contact is not None and contact.get_subscription() == subscription
                    and contact.get_ask() == ask)

        self.wait_until(matches, f'{jid.to_string()} to be {subscription.value_nick} '
                                 f'(ask {ask}) in the roster of '
                                 f'{connection.props.jid.to_string()}')

    def ping(self, connection):
        iq = Xmpp.Stanza.new(Xmpp.StanzaKind.IQ, 'get')
        iq.get_element().add_child_new('ping', 'urn:xmpp:ping')
        result = self.wait(lambda cb: connection.send_iq_async(iq, 0, None, cb), 'a ping')
        self.assertEqual(connection.send_iq_finish(result).get_stanza_type(), 'result')

    def next_change(self, changed, predicate, what):
        """Waits for a presence-changed whose new presence satisfies
        @predicate, drops the emissions before it, and returns it with the
        new presence of the one just before it (or None)."""
        self.wait_until(lambda: any(predicate(c[2]) for c in changed.calls), what)
        before = None
        while not predicate(changed.calls[0][2]):
            before = changed.calls.pop(0)[2]
        return changed.calls.pop(0), before

    # Tests

    def test_roster_and_messages(self):
        alice = self.login('alice')
        bob = self.login('bob')
        self.clear_roster(alice)
        self.clear_roster(bob)
        roster = alice.get_roster()
        self.assertEqual(roster.get_item_type(), Xmpp.Contact.__gtype__)
        self.assertEqual(roster.get_n_items(), 0)

        # alice adds bob with a name and a group: the roster, a list
        # model, shows him through items-changed.
        shadow = ListShadow(roster)
        changes = Recorder(roster, 'items-changed')
        self.add_contact(alice, self.jid('bob'), 'Bob', ['Friends'])
        self.wait_until(lambda: roster.lookup(self.jid('bob')) is not None, 'the push')
        self.assertEqual(changes.calls, [(0, 0, 1)])
        self.assertEqual(shadow.added, 1)
        shadow.check(self)
        self.assertEqual(roster.get_n_items(), 1)
        contact = roster.get_item(0)
        self.assertIs(roster.lookup(self.jid('bob')), contact)
        # A full address finds the contact of its bare address.
        self.assertIs(roster.lookup(bob.get_bound_jid()), contact)
        self.assertTrue(contact.get_jid().equal(self.jid('bob')))
        self.assertEqual(contact.get_name(), 'Bob')
        self.assertEqual(contact.props.name, 'Bob')
        self.assertEqual(list(contact.get_groups()), ['Friends'])
        self.assertEqual(contact.get_subscription(), Xmpp.Subscription.NONE)
        self.assertFalse(contact.get_ask())
        self.assertFalse(contact.get_approved())
        self.assertFalse(contact.props.approved)
        self.assertEqual(contact.get_resources().get_n_items(), 0)
        self.assertIsNone(contact.get_best_presence())
        self.assertIsNone(contact.get_presence(None))
        changes.disconnect()

        # The account's own presence, sent when the session started.
        self.assertEqual(alice.get_presence().get_presence_type(), Xmpp.PresenceType.AVAILABLE)
        self.assertIs(alice.props.presence, alice.get_presence())

        # Directed presence reaches bob without any subscription.
        seen = Recorder(bob, 'presence')
        directed = Xmpp.Presence.new(Xmpp.PresenceType.AVAILABLE)
        directed.set_to(bob.get_bound_jid())
        directed.set_status(None, 'Just for you')
        self.assertTrue(alice.send_presence(directed))
        self.wait_until(lambda: any(Xmpp.Presence.new_from_stanza(stanza).get_status(None)
                                    == 'Just for you' for stanza, in seen.calls),
                        'bob to get the directed presence')
        seen.disconnect()

        # A chat message in two languages, in a thread.
        to_bob = Recorder(bob, 'message-received')
        message = Xmpp.Message.new(Xmpp.MessageType.CHAT, bob.get_bound_jid(), 'Good morning')
        message.set_body('de', 'Guten Morgen')
        message.set_thread('python-thread', 'python-parent')
        self.assertTrue(alice.send_message(message))
        self.wait_until(lambda: to_bob.calls, 'bob to get the message')
        received, = to_bob.calls[0]
        self.assertEqual(received.get_message_type(), Xmpp.MessageType.CHAT)
        self.assertTrue(received.get_from().equal(alice.get_bound_jid()))
        self.assertEqual(received.get_body(None), 'Good morning')
        self.assertEqual(received.get_body('de'), 'Guten Morgen')
        self.assertEqual(received.get_body('DE'), 'Guten Morgen')
        self.assertIsNone(received.get_body('fr'))
        self.assertEqual(list(received.get_body_languages()), ['', 'de'])
        self.assertEqual(received.get_thread(), 'python-thread')
        self.assertEqual(received.get_parent_thread(), 'python-parent')
        self.assertEqual(received.get_id(), message.get_id())
        self.assertEqual(received.get_origin_id(), message.get_origin_id())
        self.assertIsNone(received.get_delay())
        # Nobody can vouch for a stanza id here: none was added by alice's
        # server for her archive, whatever the message says.
        self.assertIsNone(received.get_stanza_id(self.jid('alice')))

        # bob answers in the same thread.
        to_alice = Recorder(alice, 'message-received')
        reply = received.make_reply('Morning!')
        self.assertTrue(reply.get_to().equal(alice.get_bound_jid()))
        self.assertNotEqual(reply.get_id(), received.get_id())
        self.assertTrue(bob.send_message(reply))
        self.wait_until(lambda: to_alice.calls, 'alice to get the reply')
        answer, = to_alice.calls[0]
        self.assertTrue(answer.get_from().equal(bob.get_bound_jid()))
        self.assertEqual(answer.get_message_type(), Xmpp.MessageType.CHAT)
        self.assertEqual(answer.get_body(None), 'Morning!')
        self.assertEqual(answer.get_thread(), 'python-thread')
        self.assertEqual(answer.get_parent_thread(), 'python-parent')
        self.assertEqual(answer.get_id(), reply.get_id())
        to_alice.disconnect()
        to_bob.disconnect()

        # A message to nobody bounces, with the id it was sent with.
        bounces = Recorder(alice, 'message-error')
        lost = Xmpp.Message.new(Xmpp.MessageType.CHAT, self.jid('nobody'), 'Hello?')
        self.assertTrue(alice.send_message(lost))
        self.wait_until(lambda: bounces.calls, 'the bounce')
        bounce, error = bounces.calls[0]
        self.assertEqual(bounce.get_id(), lost.get_id())
        self.assertEqual(bounce.get_message_type(), Xmpp.MessageType.ERROR)
        self.assertTrue(error.matches(Xmpp.stanza_error_quark(),
                                      Xmpp.StanzaError.SERVICE_UNAVAILABLE), error.message)
        bounces.disconnect()

        # The saved roster, loaded into the roster of a second connection
        # before it connects, as an application does between runs.
        saved = roster.save_to_string()
        self.assertIn('jabber:iq:roster', saved)
        alice2 = self.new_connection('alice', 'py2')
        roster2 = alice2.get_roster()
        self.assertIsNot(roster2, roster)
        self.assertEqual(roster2.get_n_items(), 0)
        self.assertIsNone(roster2.get_version())
        with self.assertRaises(GLib.Error):
            roster2.load_from_string('<message xmlns="jabber:client"/>')
        with self.assertRaises(GLib.Error):
            roster2.load_from_string('<query xmlns="jabber:iq:roster">')
        self.assertEqual(roster2.get_n_items(), 0)
        changes = Recorder(roster2, 'items-changed')
        self.assertTrue(roster2.load_from_string(saved))
        self.assertEqual(changes.calls, [(0, 0, 1)])
        self.assertEqual(roster2.get_version(), roster.get_version())
        self.assertEqual(roster2.get_n_items(), 1)
        loaded = roster2.lookup(self.jid('bob'))
        self.assertIsNotNone(loaded)
        self.assertIsNot(loaded, contact)
        self.assertEqual(loaded.get_name(), 'Bob')
        self.assertEqual(list(loaded.get_groups()), ['Friends'])
        self.assertEqual(loaded.get_subscription(), Xmpp.Subscription.NONE)
        self.assertEqual(roster2.save_to_string(), saved)

        # Connected, the second resource keeps the loaded contact: with
        # roster versioning the server sends nothing new, without it the
        # same item, and a contact that stays keeps its object.
        self.start(alice2)
        self.assertEqual(roster2.get_n_items(), 1)
        self.assertIs(roster2.lookup(self.jid('bob')), loaded)
        self.assertEqual(loaded.get_name(), 'Bob')
        self.assertEqual(roster2.get_version(), roster.get_version())
        changes.disconnect()

        # Each resource sees the other in the account's own contact, and
        # not itself.
        own = alice.get_own_contact()
        self.assertTrue(own.get_jid().equal(self.jid('alice')))
        self.assertIs(alice.props.own_contact, own)
        self.wait_until(lambda: own.get_presence('py2') is not None, 'alice/py2 in alice/py\'s own contact')
        self.assertIsNone(own.get_presence('py'))
        self.wait_until(lambda: alice2.get_own_contact().get_presence('py') is not None,
                        'alice/py in alice/py2\'s own contact')

        # Renamed, then regrouped, by one resource: the same contact
        # changes in both rosters, without items-changed.
        changes = Recorder(roster2, 'items-changed')
        renamed = Recorder(loaded, 'notify::name')
        result = self.wait(lambda cb: roster.rename_contact_async(self.jid('bob'), 'Robert', None, cb),
                           'renaming')
        self.assertTrue(roster.rename_contact_finish(result))
        self.wait_until(lambda: loaded.get_name() == 'Robert', 'the rename push to alice/py2')
        self.assertEqual(contact.get_name(), 'Robert')
        self.assertEqual(list(loaded.get_groups()), ['Friends'])
        self.assertEqual(len(renamed.calls), 1)
        result = self.wait(lambda cb: roster.set_contact_groups_async(self.jid('bob'), ['Family', 'Work'],
                                                                      None, cb),
                           'regrouping')
        self.assertTrue(roster.set_contact_groups_finish(result))
        self.wait_until(lambda: sorted(loaded.get_groups()) == ['Family', 'Work'],
                        'the groups push to alice/py2')
        self.assertEqual(loaded.get_name(), 'Robert')
        self.assertIs(roster2.lookup(self.jid('bob')), loaded)
        self.assertEqual(changes.calls, [])
        changes.disconnect()
        renamed.disconnect()
        # An address that is not in the roster is not sent.
        result = self.wait(lambda cb: roster.rename_contact_async(self.jid('nobody'), 'X', None, cb),
                           'renaming a stranger')
        with self.assertRaises(GLib.Error) as ctx:
            roster.rename_contact_finish(result)
        self.assertTrue(ctx.exception.matches(Gio.io_error_quark(), Gio.IOErrorEnum.NOT_FOUND))
        result = self.wait(lambda cb: roster.set_contact_groups_async(self.jid('nobody'), None, None, cb),
                           'regrouping a stranger')
        with self.assertRaises(GLib.Error) as ctx:
            roster.set_contact_groups_finish(result)
        self.assertTrue(ctx.exception.matches(Gio.io_error_quark(), Gio.IOErrorEnum.NOT_FOUND))

        # Removed by one resource, gone from both.
        self.remove_contact(alice, self.jid('bob'))
        self.wait_until(lambda: roster2.get_n_items() == 0, 'the push to alice/py2')
        self.assertEqual(roster.get_n_items(), 0)
        self.assertEqual(shadow.removed, 1)
        shadow.check(self)
        shadow.disconnect()

        self.close(alice2)
        self.close(bob)
        self.close(alice)

    def test_subscriptions_and_presence(self):
        alice = self.login('alice')
        carol = self.login('carol')
        alice_jid = self.jid('alice')
        carol_jid = self.jid('carol')
        self.clear_roster(alice)
        self.clear_roster(carol)
        roster = alice.get_roster()

        asked = Recorder(carol, 'subscribe-received')
        approved = Recorder(alice, 'subscribed-received')
        changed = Recorder(alice, 'presence-changed')

        # alice asks carol: the server puts carol in alice's roster with a
        # pending request.
        self.assertTrue(alice.subscribe(carol_jid, 'Hello Carol'))
        self.wait_until(lambda: asked.calls, 'carol to be asked')
        jid, status = asked.calls[0]
        self.assertTrue(jid.equal(alice_jid))
        self.assertTrue(jid.is_bare())
        self.assertEqual(status, 'Hello Carol')
        self.wait_subscription(alice, carol_jid, Xmpp.Subscription.NONE, True)

        # carol approves: alice is told and sees carol's presence.
        self.assertTrue(carol.approve_subscription(jid))
        self.wait_until(lambda: approved.calls, 'alice to hear the approval')
        jid, status = approved.calls[0]
        self.assertTrue(jid.equal(carol_jid))
        self.wait_subscription(alice, carol_jid, Xmpp.Subscription.TO, False)
        self.wait_subscription(carol, alice_jid, Xmpp.Subscription.FROM, False)

        # Prosody first says that carol's bare address is unavailable:
        # offline to offline is no change, and is not reported.
        contact = roster.lookup(carol_jid)
        self.wait_until(lambda: changed.calls, 'carol\'s presence')
        who, old, new = changed.calls.pop(0)
        self.assertIs(who, contact)
        self.assertIsNone(old)
        self.assertEqual(new.get_presence_type(), Xmpp.PresenceType.AVAILABLE)
        self.assertTrue(new.is_available())
        self.assertTrue(new.get_from().equal(carol.get_bound_jid()))
        self.assertEqual(new.get_show(), Xmpp.PresenceShow.NONE)
        self.assertIs(contact.get_presence('py'), new)
        first = new

        # carol goes away: the old presence and the new one.
        away = Xmpp.Presence.new(Xmpp.PresenceType.AVAILABLE)
        away.set_show(Xmpp.PresenceShow.AWAY)
        away.set_priority(3)
        away.set_status(None, 'Out for lunch')
        away.set_status('fr', 'Parti déjeuner')
        carol.set_presence(away)
        self.assertIs(carol.get_presence(), away)
        (who, old, new), before = self.next_change(
            changed, lambda p: p.get_show() == Xmpp.PresenceShow.AWAY, 'carol to be away')
        self.assertIs(who, contact)
        self.assertIs(old, before or first)
        self.assertEqual(old.get_show(), Xmpp.PresenceShow.NONE)
        self.assertEqual(new.get_show(), Xmpp.PresenceShow.AWAY)
        self.assertEqual(new.get_priority(), 3)
        self.assertEqual(new.get_status(None), 'Out for lunch')
        self.assertEqual(new.get_status('fr'), 'Parti déjeuner')
        self.assertIs(contact.get_best_presence(), new)
        self.assertIs(contact.get_presence('py'), new)
        self.assertEqual(contact.get_resources().get_n_items(), 1)
        self.assertIs(contact.get_resources().get_item(0), new)
        self.assertLess(first.compare(Xmpp.Presence.new(Xmpp.PresenceType.UNAVAILABLE)), 0)
        second = new

        # carol goes offline while connected.
        carol.set_presence(None)
        (who, old, new), before = self.next_change(
            changed, lambda p: not p.is_available(), 'carol to be offline')
        self.assertIs(who, contact)
        self.assertIs(old, before or second)
        self.assertEqual(old.get_show(), Xmpp.PresenceShow.AWAY)
        self.assertEqual(new.get_presence_type(), Xmpp.PresenceType.UNAVAILABLE)
        self.assertIsNone(contact.get_best_presence())
        self.assertIsNone(contact.get_presence('py'))
        self.assertEqual(contact.get_resources().get_n_items(), 0)

        # And back: subscription requests go to available resources only.
        del changed.calls[:]
        carol.set_presence(Xmpp.Presence.new(Xmpp.PresenceType.AVAILABLE))
        (who, old, new), before = self.next_change(
            changed, lambda p: p.is_available(), 'carol to be back')
        self.assertIsNone(old)
        self.assertIs(contact.get_best_presence(), new)
        changed.disconnect()

        # alice stops watching carol: carol is told.
        ended = Recorder(carol, 'unsubscribe-received')
        self.assertTrue(alice.unsubscribe(carol_jid))
        self.wait_until(lambda: ended.calls, 'carol to hear the unsubscription')
        jid, status = ended.calls[0]
        self.assertTrue(jid.equal(alice_jid))
        self.wait_subscription(alice, carol_jid, Xmpp.Subscription.NONE, False)
        self.wait_subscription(carol, alice_jid, Xmpp.Subscription.NONE, False)
        ended.disconnect()

        # carol asks alice, who refuses.
        asked_alice = Recorder(alice, 'subscribe-received')
        refused = Recorder(carol, 'unsubscribed-received')
        self.assertTrue(carol.subscribe(alice_jid, None))
        self.wait_until(lambda: asked_alice.calls, 'alice to be asked')
        jid, status = asked_alice.calls[0]
        self.assertTrue(jid.equal(carol_jid))
        self.assertIsNone(status)
        self.assertTrue(alice.deny_subscription(jid))
        self.wait_until(lambda: refused.calls, 'carol to hear the refusal')
        self.assertTrue(refused.calls[0][0].equal(alice_jid))
        self.wait_subscription(carol, alice_jid, Xmpp.Subscription.NONE, False)
        del asked_alice.calls[:]
        del refused.calls[:]

        # alice approves carol before carol asks, where the server can.
        if alice.get_supports_preapproval():
            approved_carol = Recorder(carol, 'subscribed-received')
            self.assertTrue(alice.preapprove_subscription(carol_jid))
            # The server handles alice's stanzas in order: once it answers
            # her ping, the pre-approval is in place before carol asks.
            self.ping(alice)
            self.assertTrue(carol.subscribe(alice_jid, None))
            self.wait_until(lambda: approved_carol.calls, 'carol to be approved')
            self.assertTrue(approved_carol.calls[0][0].equal(alice_jid))
            self.wait_subscription(carol, alice_jid, Xmpp.Subscription.TO, False)
            self.wait_subscription(alice, carol_jid, Xmpp.Subscription.FROM, False)
            # The server answered for alice: she was not asked.
            self.assertEqual(asked_alice.calls, [])
            approved_carol.disconnect()

            # alice takes the subscription back.
            self.assertTrue(alice.cancel_subscription(carol_jid))
            self.wait_until(lambda: refused.calls, 'carol to hear the cancellation')
            self.assertTrue(refused.calls[0][0].equal(alice_jid))
            self.wait_subscription(carol, alice_jid, Xmpp.Subscription.NONE, False)
            self.wait_subscription(alice, carol_jid, Xmpp.Subscription.NONE, False)
        else:
            with self.assertRaises(GLib.Error) as ctx:
                alice.preapprove_subscription(carol_jid)
            self.assertTrue(ctx.exception.matches(Gio.io_error_quark(),
                                                  Gio.IOErrorEnum.NOT_SUPPORTED))
        for recorder in (asked, approved, asked_alice, refused):
            recorder.disconnect()

        self.clear_roster(alice)
        self.clear_roster(carol)
        self.close(carol)
        self.close(alice)


if __name__ == '__main__':
    unittest.main(verbosity=2)
