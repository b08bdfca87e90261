#!/usr/bin/python3
# XmppMessage and XmppPresence through introspection, as a Python
# application uses them.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import unittest

import gi
gi.require_version('Xmpp', '1.0')
from gi.repository import GLib, Xmpp  # noqa: E402


class MessageTest(unittest.TestCase):
    def test_build_and_read_back(self):
        romeo = Xmpp.Jid.new('romeo@example.net')
        message = Xmpp.Message.new(Xmpp.MessageType.CHAT, romeo, 'Art thou not Romeo?')
        message.set_body('de', 'Bist du nicht Romeo?')
        message.set_thread('t1', 't0')
        message.add_payload(Xmpp.Element.new('active', 'http://jabber.org/protocol/chatstates'))

        self.assertIsNone(message.get_stanza())
        self.assertEqual(message.props.message_type, Xmpp.MessageType.CHAT)
        self.assertEqual(message.get_id(), message.get_origin_id())
        self.assertTrue(GLib.uuid_string_is_valid(message.props.origin_id))

        stanza = message.to_stanza()
        self.assertEqual(stanza.get_kind(), Xmpp.StanzaKind.MESSAGE)
        parsed = Xmpp.Message.new_from_stanza(stanza)
        self.assertEqual(parsed.get_body_languages(), ['', 'de'])
        self.assertEqual(parsed.get_body(None), 'Art thou not Romeo?')
        self.assertEqual(parsed.get_body('de'), 'Bist du nicht Romeo?')
        self.assertIsNone(parsed.get_body('fr'))
        self.assertEqual(parsed.props.thread, 't1')
        self.assertEqual(parsed.get_parent_thread(), 't0')
        self.assertEqual(parsed.get_to().to_string(), 'romeo@example.net')
        self.assertEqual(parsed.get_origin_id(), message.get_origin_id())
        self.assertIsNone(parsed.get_delay())

        payloads = parsed.get_payloads()
        self.assertEqual(len(payloads), 1)
        self.assertTrue(payloads[0].is_('active', 'http://jabber.org/protocol/chatstates'))

    def test_notify_only_on_change(self):
        message = Xmpp.Message.new(Xmpp.MessageType.NORMAL, None, None)
        seen = []
        message.connect('notify', lambda obj, pspec: seen.append(pspec.name))
        message.set_thread('t', None)
        message.set_thread('t', None)
        message.props.message_type = Xmpp.MessageType.NORMAL
        self.assertEqual(seen, ['thread'])

    def test_error_raises(self):
        stanza = Xmpp.Stanza.new_from_string(
            "<message type='error' id='m1'><error type='cancel'>"
            "<item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
            "</error></message>", -1)
        message = Xmpp.Message.new_from_stanza(stanza)
        with self.assertRaises(GLib.Error) as ctx:
            message.check_error()
        self.assertTrue(ctx.exception.matches(Xmpp.stanza_error_quark(),
                                              Xmpp.StanzaError.ITEM_NOT_FOUND))

    def test_received_fields(self):
        stanza = Xmpp.Stanza.new_from_string(
            "<message type='groupchat' from='room@muc.example.com/nurse' id='g1'>"
            "<subject>Lunch</subject><subject xml:lang='de'>Mittagessen</subject>"
            "<body>Now?</body><thread>t1</thread>"
            "<delay xmlns='urn:xmpp:delay' from='room@muc.example.com' stamp='2002-09-10T23:08:25Z'/>"
            "<stanza-id xmlns='urn:xmpp:sid:0' id='s1' by='room@muc.example.com'/>"
            "</message>", -1)
        message = Xmpp.Message.new_from_stanza(stanza)
        self.assertEqual(message.get_message_type(), Xmpp.MessageType.GROUPCHAT)
        self.assertEqual(message.get_id(), 'g1')
        self.assertEqual(message.get_from().to_string(), 'room@muc.example.com/nurse')
        self.assertEqual(message.get_subject(None), 'Lunch')
        self.assertEqual(message.get_subject('DE'), 'Mittagessen')
        self.assertEqual(message.get_subject_languages(), ['', 'de'])
        self.assertEqual(message.get_thread(), 't1')
        self.assertIsNone(message.get_parent_thread())
        self.assertEqual(message.get_delay().format_iso8601(), '2002-09-10T23:08:25Z')
        self.assertEqual(message.get_delay_from().to_string(), 'room@muc.example.com')
        room = Xmpp.Jid.new('room@muc.example.com')
        self.assertEqual(message.get_stanza_id(room), 's1')
        self.assertIsNone(message.get_stanza_id(Xmpp.Jid.new('other@example.com')))
        self.assertTrue(message.check_error())

        reply = message.make_reply('Yes')
        self.assertEqual(reply.get_message_type(), Xmpp.MessageType.GROUPCHAT)
        self.assertEqual(reply.get_to().to_string(), 'room@muc.example.com')
        self.assertEqual(reply.get_body(None), 'Yes')
        self.assertEqual(reply.get_thread(), 't1')
        self.assertNotEqual(reply.get_id(), 'g1')

    def test_setters(self):
        message = Xmpp.Message.new(Xmpp.MessageType.CHAT, None, None)
        seen = []
        message.connect('notify', lambda obj, pspec: seen.append(pspec.name))
        message.set_message_type(Xmpp.MessageType.HEADLINE)
        message.set_id('m1')
        message.set_origin_id('o1')
        message.set_from(Xmpp.Jid.new('news.example.com'))
        message.set_to(Xmpp.Jid.new('juliet@example.com'))
        message.set_subject(None, 'Flash')
        message.set_subject('fr', 'Flash info')
        message.set_body(None, 'News')
        message.set_subject('fr', None)
        self.assertEqual(seen, ['message-type', 'id', 'origin-id', 'from', 'to'])
        self.assertEqual(message.get_subject_languages(), [''])
        self.assertEqual(
            message.to_stanza().to_string(),
            "<message type='headline' id='m1' from='news.example.com' to='juliet@example.com'>"
            "<subject>Flash</subject><body>News</body>"
            "<origin-id xmlns='urn:xmpp:sid:0' id='o1'/></message>")
        message.set_to(None)
        self.assertIsNone(message.get_to())


class PresenceTest(unittest.TestCase):
    def test_parse(self):
        stanza = Xmpp.Stanza.new_from_string(
            "<presence from='juliet@example.com/balcony'>"
            "<show>away</show><status>Out</status><status xml:lang='fr'>Sortie</status>"
            "<priority>300</priority>"
            "<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='n' ver='v'/>"
            "<delay xmlns='urn:xmpp:delay' stamp='2002-09-10T23:41:07Z'/>"
            "</presence>", -1)
        presence = Xmpp.Presence.new_from_stanza(stanza)
        self.assertTrue(presence.is_available())
        self.assertEqual(presence.props.presence_type, Xmpp.PresenceType.AVAILABLE)
        self.assertEqual(presence.get_show(), Xmpp.PresenceShow.AWAY)
        self.assertEqual(presence.props.priority, 127)
        self.assertEqual(presence.get_status(None), 'Out')
        self.assertEqual(presence.get_status('fr'), 'Sortie')
        self.assertEqual(presence.get_status_languages(), ['', 'fr'])
        self.assertEqual(presence.get_delay().to_unix(), 1031701267)
        self.assertEqual(presence.get_from().get_resourcepart(), 'balcony')

        payloads = presence.get_payloads()
        self.assertEqual(len(payloads), 1)
        self.assertTrue(payloads[0].is_('c', 'http://jabber.org/protocol/caps'))
        self.assertEqual(payloads[0].get_attribute('ver'), 'v')

    def test_not_a_presence(self):
        # PyGObject turns a constructor's NULL into TypeError, (nullable)
        # or not.
        for xml in ("<message/>", "<presence type='bogus'/>"):
            stanza = Xmpp.Stanza.new_from_string(xml, -1)
            with self.assertRaises(TypeError):
                Xmpp.Presence.new_from_stanza(stanza)

    def test_compare(self):
        dnd = Xmpp.Presence.new(Xmpp.PresenceType.AVAILABLE)
        dnd.set_show(Xmpp.PresenceShow.DND)
        chat = Xmpp.Presence.new(Xmpp.PresenceType.AVAILABLE)
        chat.set_show(Xmpp.PresenceShow.CHAT)
        gone = Xmpp.Presence.new(Xmpp.PresenceType.UNAVAILABLE)
        self.assertLess(chat.compare(dnd), 0)
        self.assertGreater(gone.compare(dnd), 0)
        self.assertEqual(chat.compare(chat), 0)

    def test_build(self):
        presence = Xmpp.Presence.new(Xmpp.PresenceType.AVAILABLE)
        presence.props.show = Xmpp.PresenceShow.XA
        presence.set_status(None, 'Gone fishing')
        presence.set_priority(-1)
        self.assertEqual(
            presence.to_stanza().to_string(),
            "<presence><show>xa</show><status>Gone fishing</status>"
            "<priority>-1</priority></presence>")

    def test_setters(self):
        presence = Xmpp.Presence.new(Xmpp.PresenceType.AVAILABLE)
        seen = []
        presence.connect('notify', lambda obj, pspec: seen.append(pspec.name))
        presence.set_presence_type(Xmpp.PresenceType.SUBSCRIBE)
        presence.set_id('s1')
        presence.set_from(Xmpp.Jid.new('romeo@example.net/orchard'))
        presence.set_to(Xmpp.Jid.new('juliet@example.com'))
        presence.set_priority(500)
        presence.add_payload(Xmpp.Element.new('nick', 'http://jabber.org/protocol/nick'))
        self.assertEqual(seen, ['presence-type', 'id', 'from', 'to', 'priority'])
        self.assertEqual(presence.get_presence_type(), Xmpp.PresenceType.SUBSCRIBE)
        self.assertFalse(presence.is_available())
        self.assertEqual(presence.get_id(), 's1')
        self.assertEqual(presence.get_from().to_string(), 'romeo@example.net/orchard')
        self.assertEqual(presence.get_to().to_string(), 'juliet@example.com')
        self.assertEqual(presence.get_priority(), 127)
        self.assertIsNone(presence.get_stanza())
        self.assertIsNone(presence.get_delay())
        self.assertEqual(len(presence.get_payloads()), 1)
        self.assertTrue(presence.check_error())
        self.assertEqual(
            presence.to_stanza().to_string(),
            "<presence type='subscribe' id='s1' from='romeo@example.net/orchard' "
            "to='juliet@example.com'><priority>127</priority>"
            "<nick xmlns='http://jabber.org/protocol/nick'/></presence>")

    def test_error_raises(self):
        stanza = Xmpp.Stanza.new_from_string(
            "<presence type='error' from='room@muc.example.com/romeo' id='j1'>"
            "<error type='cancel'><conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
            "</error></presence>", -1)
        presence = Xmpp.Presence.new_from_stanza(stanza)
        self.assertEqual(presence.get_stanza().get_id(), 'j1')
        with self.assertRaises(GLib.Error) as ctx:
            presence.check_error()
        self.assertTrue(ctx.exception.matches(Xmpp.stanza_error_quark(),
                                              Xmpp.StanzaError.CONFLICT))


if __name__ == '__main__':
    unittest.main(verbosity=2)
