// The public API through introspection, as a GJS script uses it.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import GLib from 'gi://GLib';
import System from 'system';
import Xmpp from 'gi://Xmpp?version=1.0';

let failures = 0;
let count = 0;

function check(name, fn) {
    count++;
    try {
        fn();
        print(`ok ${count} - ${name}`);
    } catch (e) {
        failures++;
        print(`not ok ${count} - ${name}`);
        printerr(`${e}\n${e.stack ?? ''}`);
    }
}

function assertEqual(actual, expected) {
    if (actual !== expected)
        throw new Error(`expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

function assert(cond, what) {
    if (!cond)
        throw new Error(`assertion failed: ${what}`);
}

const encoder = new TextEncoder();

check('parse a stream chunk', () => {
    const parser = new Xmpp.Parser();
    const stanzas = [];
    let header = null;
    parser.connect('stream-start', (_p, h) => { header = h; });
    parser.connect('stanza', (_p, s) => stanzas.push(s));
    const bytes = encoder.encode(
        "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' " +
        "from='example.com' id='abc' version='1.0'>" +
        "<presence from='romeo@example.net/orchard'><show>away</show><priority>5</priority></presence>");
    // Two chunks, split in the middle of a tag.
    assert(parser.feed(bytes.slice(0, 120)), 'first chunk');
    assert(parser.feed(bytes.slice(120)), 'second chunk');
    assertEqual(header.get_id(), 'abc');
    assertEqual(stanzas.length, 1);
    const presence = stanzas[0];
    assertEqual(presence.get_kind(), Xmpp.StanzaKind.PRESENCE);
    assertEqual(presence.get_from().get_resourcepart(), 'orchard');
    assertEqual(presence.get_element().get_child_text('show', null), 'away');
});

check('restricted XML is an error', () => {
    const parser = new Xmpp.Parser();
    let raised = false;
    try {
        parser.feed(encoder.encode("<stream:stream xmlns:stream='http://etherx.jabber.org/streams'><!-- hi -->"));
    } catch (e) {
        raised = e.matches(Xmpp.stream_error_quark(), Xmpp.StreamError.RESTRICTED_XML);
    }
    assert(raised, 'GLib.Error with restricted-xml');
});

check('build a stanza', () => {
    const iq = Xmpp.Stanza.new(Xmpp.StanzaKind.IQ, 'get');
    iq.set_id('r1');
    iq.get_element().add_child_new('query', 'jabber:iq:roster');
    assertEqual(iq.to_string(), "<iq type='get' id='r1'><query xmlns='jabber:iq:roster'/></iq>");
    const again = Xmpp.Stanza.new_from_string(iq.to_string(), -1);
    assert(again.get_element().equal(iq.get_element()), 'round trip');
});

check('a stanza error keeps its reply', () => {
    // A GError of the domain made before any stanza error.
    const made = new GLib.Error(Xmpp.StanzaError, Xmpp.StanzaError.CONFLICT, 'made in JS');
    assertEqual(Xmpp.StanzaError.get_reply(made), null);
    const reply = Xmpp.Stanza.new_from_string(
        "<iq type='error' id='e1'><error type='cancel'>" +
        "<item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>", -1);
    let caught = null;
    try {
        reply.check_error();
    } catch (e) {
        caught = e;
    }
    assert(caught?.matches(Xmpp.stanza_error_quark(), Xmpp.StanzaError.ITEM_NOT_FOUND),
        'check_error raises item-not-found');
    assertEqual(Xmpp.StanzaError.get_reply(caught).get_id(), 'e1');
    assertEqual(Xmpp.stanza_condition_to_string(caught.code), 'item-not-found');
    assertEqual(Xmpp.stanza_condition_from_string('conflict'), Xmpp.StanzaError.CONFLICT);
    assertEqual(Xmpp.stream_condition_to_string(Xmpp.StreamError.SEE_OTHER_HOST), 'see-other-host');
    assertEqual(Xmpp.stream_condition_from_string('nonsense'), Xmpp.StreamError.UNDEFINED_CONDITION);
    assertEqual(Xmpp.stanza_error_type_to_string(Xmpp.StanzaErrorType.AUTH), 'auth');
    const [ok, type] = Xmpp.stanza_error_type_from_string('continue');
    assert(ok, 'continue is a type');
    assertEqual(type, Xmpp.StanzaErrorType.CONTINUE);
});

check('use XmppJid', () => {
    const jid = Xmpp.Jid.new('Romeo@Example.NET/Orchard');
    assertEqual(jid.to_string(), 'romeo@example.net/Orchard');
    assertEqual(jid.get_bare().to_string(), 'romeo@example.net');
    assert(jid.equal(Xmpp.Jid.new('romeo@example.net/Orchard')), 'equal');
    let raised = false;
    try {
        Xmpp.Jid.new('@example.net');
    } catch (e) {
        raised = e.matches(Xmpp.jid_error_quark(), Xmpp.JidError.LOCALPART);
    }
    assert(raised, 'invalid localpart raises');
});

print(`1..${count}`);
if (failures > 0)
    System.exit(1);
