#!/usr/bin/python3
# The public API through introspection, as a Python script uses it.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import unittest

import gi
gi.require_version('Xmpp', '1.0')
from gi.repository import GLib, Xmpp  # noqa: E402

STREAM = (b"<?xml version='1.0'?>"
          b"<stream:stream xmlns='jabber:client' "
          b"xmlns:stream='http://etherx.jabber.org/streams' "
          b"from='example.com' id='s1' version='1.0' xml:lang='en'>"
          b"<message from='juliet@example.com/balcony' to='romeo@example.net' type='chat'>"
          b"<body>Wherefore art thou, Romeo? \xe2\x98\x83 &amp; more</body></message>"
          b"<iq type='get' id='p1' from='example.com'><ping xmlns='urn:xmpp:ping'/></iq>"
          b"</stream:stream>")


class ParserTest(unittest.TestCase):
    def test_stream_in_chunks(self):
        parser = Xmpp.Parser()
        headers, stanzas, ended = [], [], []
        parser.connect('stream-start', lambda p, h: headers.append(h))
        parser.connect('stanza', lambda p, s: stanzas.append(s))
        parser.connect('stream-end', lambda p: ended.append(True))

        # Split inside the UTF-8 snowman and inside tags.
        for i in range(0, len(STREAM), 7):
            self.assertTrue(parser.feed(STREAM[i:i + 7]))

        self.assertEqual(len(headers), 1)
        self.assertEqual(headers[0].get_from(), 'example.com')
        self.assertEqual(headers[0].get_id(), 's1')
        self.assertEqual(headers[0].get_version(), '1.0')
        self.assertEqual(headers[0].get_lang(), 'en')
        self.assertEqual(headers[0].get_content_namespace(), 'jabber:client')
        self.assertEqual(len(stanzas), 2)
        self.assertEqual(ended, [True])

        message = stanzas[0]
        self.assertEqual(message.get_kind(), Xmpp.StanzaKind.MESSAGE)
        self.assertEqual(message.get_stanza_type(), 'chat')
        self.assertEqual(message.get_from().get_resourcepart(), 'balcony')
        body = message.get_element().get_child_text('body', 'jabber:client')
        self.assertEqual(body, 'Wherefore art thou, Romeo? \u2603 & more')

        iq = stanzas[1]
        self.assertEqual(iq.get_kind(), Xmpp.StanzaKind.IQ)
        self.assertTrue(iq.get_payload().is_('ping', 'urn:xmpp:ping'))

    def test_restricted_xml_raises(self):
        parser = Xmpp.Parser()
        with self.assertRaises(GLib.Error) as ctx:
            parser.feed(b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]>")
        self.assertTrue(ctx.exception.matches(Xmpp.stream_error_quark(),
                                              Xmpp.StreamError.RESTRICTED_XML))

    def test_limits_are_properties(self):
        parser = Xmpp.Parser()
        self.assertEqual(parser.props.max_stanza_size, 1024 * 1024)
        parser.props.max_stanza_size = 4096
        self.assertEqual(parser.get_max_stanza_size(), 4096)


class StanzaTest(unittest.TestCase):
    def test_build_and_serialise(self):
        message = Xmpp.Stanza.new(Xmpp.StanzaKind.MESSAGE, 'chat')
        message.set_id('m1')
        message.set_to(Xmpp.Jid.new('romeo@example.net'))
        root = message.get_element()
        root.add_child_with_text('body', None, 'Hello <there>')
        root.add_child_new('active', 'http://jabber.org/protocol/chatstates')
        self.assertEqual(
            message.to_string(),
            "<message type='chat' id='m1' to='romeo@example.net'>"
            "<body>Hello &lt;there&gt;</body>"
            "<active xmlns='http://jabber.org/protocol/chatstates'/></message>")

        again = Xmpp.Stanza.new_from_string(message.to_string(), -1)
        self.assertTrue(again.get_element().equal(root))

    def test_elements(self):
        el = Xmpp.Element.new('query', 'jabber:iq:roster')
        item = el.add_child_new('item', None)
        item.set_attribute('jid', 'a@example.com')
        self.assertEqual(el.get_n_children(), 1)
        self.assertEqual(el.get_first_child().get_attribute('jid'), 'a@example.com')
        children = el.get_children(None, None)
        self.assertEqual([c.get_name() for c in children], ['item'])
        ok, name, ns, value = item.get_attribute_at(0)
        self.assertTrue(ok)
        self.assertEqual((name, ns, value), ('jid', None, 'a@example.com'))

    def test_error_reply(self):
        request = Xmpp.Stanza.new_from_string(
            "<iq type='get' id='x' from='a@b/c'><q xmlns='urn:q'/></iq>", -1)
        reply = Xmpp.Stanza.new_error_reply(request, Xmpp.StanzaErrorType.CANCEL,
                                            Xmpp.StanzaError.ITEM_NOT_FOUND, None)
        self.assertEqual(reply.get_error_condition(), Xmpp.StanzaError.ITEM_NOT_FOUND)
        with self.assertRaises(GLib.Error) as ctx:
            reply.check_error()
        self.assertTrue(ctx.exception.matches(Xmpp.stanza_error_quark(),
                                              Xmpp.StanzaError.ITEM_NOT_FOUND))


class ErrorTest(unittest.TestCase):
    def test_condition_names(self):
        self.assertEqual(Xmpp.stanza_condition_to_string(Xmpp.StanzaError.ITEM_NOT_FOUND),
                         'item-not-found')
        self.assertEqual(Xmpp.stanza_condition_from_string('item-not-found'),
                         Xmpp.StanzaError.ITEM_NOT_FOUND)
        self.assertEqual(Xmpp.stanza_condition_from_string('nonsense'),
                         Xmpp.StanzaError.UNDEFINED_CONDITION)
        self.assertEqual(Xmpp.stream_condition_to_string(Xmpp.StreamError.RESTRICTED_XML),
                         'restricted-xml')
        self.assertEqual(Xmpp.stream_condition_from_string('see-other-host'),
                         Xmpp.StreamError.SEE_OTHER_HOST)
        self.assertEqual(Xmpp.stream_condition_from_string(None),
                         Xmpp.StreamError.UNDEFINED_CONDITION)
        self.assertEqual(Xmpp.stanza_error_type_to_string(Xmpp.StanzaErrorType.WAIT), 'wait')
        self.assertEqual(Xmpp.stanza_error_type_from_string('modify'),
                         (True, Xmpp.StanzaErrorType.MODIFY))
        self.assertFalse(Xmpp.stanza_error_type_from_string('later')[0])

    def test_reply_of_other_errors(self):
        # A GError that PyGObject makes from a Python exception, in the
        # stanza error domain or another, carries no stanza.
        domain = GLib.quark_to_string(Xmpp.stanza_error_quark())
        made = GLib.Error('made in Python', domain, Xmpp.StanzaError.CONFLICT)
        self.assertIsNone(Xmpp.StanzaError.get_reply(made))
        other = GLib.Error('other', 'g-io-error-quark', 0)
        self.assertIsNone(Xmpp.stanza_error_get_reply(other))


class JidTest(unittest.TestCase):
    def test_parse_and_normalise(self):
        jid = Xmpp.Jid.new('Juliet@Example.COM/Balcony')
        self.assertEqual(jid.to_string(), 'juliet@example.com/Balcony')
        self.assertEqual(jid.get_localpart(), 'juliet')
        self.assertEqual(jid.get_domainpart(), 'example.com')
        self.assertEqual(jid.get_resourcepart(), 'Balcony')
        self.assertEqual(jid.get_bare().to_string(), 'juliet@example.com')
        self.assertFalse(jid.is_bare())
        self.assertTrue(Xmpp.Jid.equal(jid, Xmpp.Jid.new('juliet@example.com/Balcony')))
        self.assertEqual(Xmpp.Jid.hash(jid), Xmpp.Jid.hash(Xmpp.Jid.new('JULIET@example.com/Balcony')))

    def test_non_ascii(self):
        jid = Xmpp.Jid.new('\u03a0\u0391\u03a3@xn--mller-kva.example')
        self.assertEqual(jid.get_domainpart(), 'm\u00fcller.example')
        self.assertEqual(jid.get_localpart(), '\u03c0\u03b1\u03c2')

    def test_invalid(self):
        with self.assertRaises(GLib.Error) as ctx:
            Xmpp.Jid.new('foo bar@example.com')
        self.assertTrue(ctx.exception.matches(Xmpp.jid_error_quark(),
                                              Xmpp.JidError.LOCALPART))
        with self.assertRaises(GLib.Error) as ctx:
            Xmpp.Jid.new('juliet@example.com/')
        self.assertTrue(ctx.exception.matches(Xmpp.jid_error_quark(),
                                              Xmpp.JidError.RESOURCEPART))

    def test_escaping(self):
        escaped = Xmpp.Jid.escape_localpart("d'artagnan")
        self.assertEqual(escaped, 'd\\27artagnan')
        self.assertEqual(Xmpp.Jid.unescape_localpart(escaped), "d'artagnan")


class SaslTest(unittest.TestCase):
    def test_conditions(self):
        self.assertEqual(Xmpp.sasl_condition_to_string(Xmpp.SaslError.NOT_AUTHORIZED),
                         'not-authorized')
        self.assertEqual(Xmpp.sasl_condition_from_string('account-disabled'),
                         Xmpp.SaslError.ACCOUNT_DISABLED)
        # The library's own codes have no element name; unknown names are UNDEFINED.
        self.assertIsNone(Xmpp.sasl_condition_to_string(Xmpp.SaslError.SERVER_SIGNATURE))
        self.assertEqual(Xmpp.sasl_condition_from_string('bad-request'),
                         Xmpp.SaslError.UNDEFINED)
        self.assertEqual(Xmpp.sasl_condition_from_string(None), Xmpp.SaslError.UNDEFINED)
        error = GLib.Error.new_literal(Xmpp.sasl_error_quark(), 'refused',
                                       Xmpp.SaslError.MECHANISM_TOO_WEAK)
        self.assertTrue(error.matches(Xmpp.sasl_error_quark(), Xmpp.SaslError.MECHANISM_TOO_WEAK))
        self.assertEqual(GLib.quark_to_string(Xmpp.sasl_error_quark()), 'xmpp-sasl-error-quark')


if __name__ == '__main__':
    unittest.main(verbosity=2)
