// XmppImConnection from GJS, with promises (Gio._promisify), against the
// Prosody that tests/servers/with-servers started: alice and bob log in,
// alice adds bob to her roster and sees him in the list model, sends him
// a message in two languages and a thread, and bob replies.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import System from 'system';
import Xmpp from 'gi://Xmpp?version=1.0';

Gio._promisify(Xmpp.Connection.prototype, 'connect_async', 'connect_finish');
Gio._promisify(Xmpp.Connection.prototype, 'close_async', 'close_finish');
Gio._promisify(Xmpp.Roster.prototype, 'add_contact_async', 'add_contact_finish');
Gio._promisify(Xmpp.Roster.prototype, 'remove_contact_async', 'remove_contact_finish');
Gio._promisify(Xmpp.Roster.prototype, 'rename_contact_async', 'rename_contact_finish');
Gio._promisify(Xmpp.Roster.prototype, 'set_contact_groups_async', 'set_contact_groups_finish');

const WAIT_SECONDS = 20;

function loadEnv(path) {
    const [, bytes] = GLib.file_get_contents(path);
    const env = {};
    for (const line of new TextDecoder().decode(bytes).split('\n')) {
        const i = line.indexOf('=');
        if (i > 0)
            env[line.slice(0, i)] = line.slice(i + 1).replace(/^"|"$/g, '');
    }
    return env;
}

function assert(cond, what) {
    if (!cond)
        throw new Error(`assertion failed: ${what}`);
}

function assertEqual(actual, expected, what) {
    if (actual !== expected)
        throw new Error(`assertion failed: ${what}: ${JSON.stringify(actual)}, ` +
            `expected ${JSON.stringify(expected)}`);
}

let step = 0;
let currentStep = 'starting';

function ok(what) {
    step++;
    print(`ok ${step} - ${what}`);
}

// Resolves once check() is true: at once, or after an emission of one of
// @signals on @object. Rejects after WAIT_SECONDS. Nothing sleeps.
function waitUntil(object, signals, check, what) {
    return new Promise((resolve, reject) => {
        if (check()) {
            resolve();
            return;
        }
        const ids = [];
        let timeout = 0;
        const finish = error => {
            ids.forEach(id => object.disconnect(id));
            if (timeout)
                GLib.source_remove(timeout);
            if (error)
                reject(error);
            else
                resolve();
        };
        for (const signal of signals) {
            ids.push(object.connect(signal, () => {
                if (check())
                    finish(null);
            }));
        }
        timeout = GLib.timeout_add_seconds(GLib.PRIORITY_DEFAULT, WAIT_SECONDS, () => {
            timeout = 0;
            finish(new Error(`timed out waiting for ${what}`));
            return GLib.SOURCE_REMOVE;
        });
    });
}

function newConnection(server, user) {
    const jid = Xmpp.Jid.new(`${user}@${server.XMPP_DOMAIN}`);
    const connection = Xmpp.ImConnection.new(jid, `${user}pass`);
    connection.host = server.XMPP_HOST;
    connection.port = Number(server.XMPP_C2S_PORT);
    connection.tls_database = Gio.TlsFileDatabase.new(server.XMPP_CA_FILE);
    connection.resource = 'gjs';
    return connection;
}

async function login(server, user) {
    const connection = newConnection(server, user);
    let sessions = 0;
    const id = connection.connect('session-ready', () => sessions++);
    assert(await connection.connect_async(null), `${user} logs in`);
    await waitUntil(connection, ['session-ready'], () => connection.is_session_ready(),
        `session-ready for ${user}`);
    connection.disconnect(id);
    assertEqual(sessions, 1, `session-ready emissions for ${user}`);
    assertEqual(connection.get_bound_jid().get_resourcepart(), 'gjs', `${user}'s resource`);
    return connection;
}

// Empties the account's roster: other tests may have left contacts in it.
async function clearRoster(connection) {
    const roster = connection.get_roster();
    while (roster.get_n_items() > 0) {
        const jid = roster.get_item(0).get_jid();
        assert(await roster.remove_contact_async(jid, null), `removing ${jid.to_string()}`);
        await waitUntil(roster, ['items-changed'], () => roster.lookup(jid) === null,
            `${jid.to_string()} to leave the roster`);
    }
}

async function main() {
    const path = GLib.getenv('XMPP_PROSODY_ENV');
    assert(path, 'run through tests/servers/with-servers');
    const server = loadEnv(path);
    const bobJid = Xmpp.Jid.new(`bob@${server.XMPP_DOMAIN}`);

    currentStep = 'log in';
    const alice = await login(server, 'alice');
    const bob = await login(server, 'bob');
    ok('alice and bob logged in, sessions ready');

    currentStep = 'clear the rosters';
    await clearRoster(alice);
    await clearRoster(bob);
    const roster = alice.get_roster();
    assertEqual(roster.get_n_items(), 0, 'alice\'s roster is empty');
    ok('rosters cleared');

    // alice adds bob with a name and a group; the server pushes the item
    // before it answers, and the list model says where it came.
    currentStep = 'add bob';
    const changes = [];
    const changesId = roster.connect('items-changed', (model, position, removed, added) => {
        changes.push([position, removed, added, model.get_n_items()]);
    });
    assert(await roster.add_contact_async(bobJid, 'Bob', ['Friends'], null), 'add_contact');
    await waitUntil(roster, ['items-changed'], () => roster.lookup(bobJid) !== null,
        'bob in alice\'s roster');
    assertEqual(JSON.stringify(changes), JSON.stringify([[0, 0, 1, 1]]), 'items-changed');
    assertEqual(roster.get_n_items(), 1, 'get_n_items');
    const contact = roster.get_item(0);
    assert(contact instanceof Xmpp.Contact, 'the item is an Xmpp.Contact');
    assert(roster.lookup(bobJid) === contact, 'lookup gives the item');
    assert(roster.lookup(bob.get_bound_jid()) === contact, 'lookup of a full address');
    assert(contact.get_jid().equal(bobJid), 'the contact\'s address');
    assertEqual(contact.get_name(), 'Bob', 'name');
    assertEqual(contact.name, 'Bob', 'name property');
    assertEqual(JSON.stringify(contact.get_groups()), '["Friends"]', 'groups');
    assertEqual(contact.get_subscription(), Xmpp.Subscription.NONE, 'subscription');
    assertEqual(contact.get_ask(), false, 'ask');
    assertEqual(contact.get_best_presence(), null, 'best presence');
    ok('bob added through the roster API, seen in the list model');

    // A chat message in two languages, in a thread.
    currentStep = 'message to bob';
    const toBob = [];
    const toBobId = bob.connect('message-received', (conn, message) => toBob.push(message));
    const message = Xmpp.Message.new(Xmpp.MessageType.CHAT, bob.get_bound_jid(), 'Good evening');
    message.set_body('fr', 'Bonsoir');
    message.set_thread('gjs-thread', null);
    assert(alice.send_message(message), 'send_message');
    await waitUntil(bob, ['message-received'], () => toBob.length > 0, 'bob to get the message');
    const received = toBob[0];
    assertEqual(received.get_message_type(), Xmpp.MessageType.CHAT, 'type');
    assert(received.get_from().equal(alice.get_bound_jid()), 'from alice');
    assertEqual(received.get_body(null), 'Good evening', 'default body');
    assertEqual(received.get_body('fr'), 'Bonsoir', 'French body');
    assertEqual(received.get_body('de'), null, 'no German body');
    assertEqual(JSON.stringify(received.get_body_languages()), '["","fr"]', 'languages');
    assertEqual(received.get_thread(), 'gjs-thread', 'thread');
    assertEqual(received.get_parent_thread(), null, 'parent thread');
    assertEqual(received.get_id(), message.get_id(), 'id');
    assertEqual(received.get_origin_id(), message.get_origin_id(), 'origin id');
    assertEqual(received.get_delay(), null, 'delay');
    bob.disconnect(toBobId);
    ok('bob received the message with both languages and the thread');

    // bob replies in the same thread.
    currentStep = 'reply to alice';
    const toAlice = [];
    const toAliceId = alice.connect('message-received', (conn, msg) => toAlice.push(msg));
    const reply = received.make_reply('Good evening to you');
    assert(reply.get_to().equal(alice.get_bound_jid()), 'the reply goes to alice');
    assertEqual(reply.get_message_type(), Xmpp.MessageType.CHAT, 'reply type');
    assert(bob.send_message(reply), 'send the reply');
    await waitUntil(alice, ['message-received'], () => toAlice.length > 0,
        'alice to get the reply');
    const answer = toAlice[0];
    assert(answer.get_from().equal(bob.get_bound_jid()), 'from bob');
    assertEqual(answer.get_body(null), 'Good evening to you', 'reply body');
    assertEqual(answer.get_thread(), 'gjs-thread', 'reply thread');
    assertEqual(answer.get_id(), reply.get_id(), 'reply id');
    alice.disconnect(toAliceId);
    ok('alice received bob\'s reply in the same thread');

    // Renamed and regrouped: the same contact changes, the list does not.
    currentStep = 'rename and regroup bob';
    const before = changes.length;
    assert(await roster.rename_contact_async(bobJid, 'Robert', null), 'rename_contact');
    await waitUntil(contact, ['notify::name'], () => contact.get_name() === 'Robert',
        'the rename push');
    assert(await roster.set_contact_groups_async(bobJid, ['Family'], null), 'set_contact_groups');
    await waitUntil(contact, ['notify::groups'],
        () => JSON.stringify(contact.get_groups()) === '["Family"]', 'the groups push');
    assertEqual(contact.get_name(), 'Robert', 'the name stays');
    assertEqual(changes.length, before, 'no items-changed');
    try {
        await roster.rename_contact_async(Xmpp.Jid.new(`nobody@${server.XMPP_DOMAIN}`), 'X', null);
        assert(false, 'renaming a stranger fails');
    } catch (e) {
        assert(e.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.NOT_FOUND), `NOT_FOUND: ${e}`);
    }
    ok('bob renamed and regrouped through the roster API');

    currentStep = 'remove bob';
    assert(await roster.remove_contact_async(bobJid, null), 'remove_contact');
    await waitUntil(roster, ['items-changed'], () => roster.lookup(bobJid) === null,
        'bob to leave alice\'s roster');
    assertEqual(roster.get_n_items(), 0, 'empty again');
    assertEqual(JSON.stringify(changes[changes.length - 1]), JSON.stringify([0, 1, 0, 0]),
        'items-changed for the removal');
    roster.disconnect(changesId);
    ok('bob removed from the roster');

    currentStep = 'close';
    for (const connection of [bob, alice]) {
        assert(await connection.close_async(null), 'close');
        assertEqual(connection.state, Xmpp.ConnectionState.DISCONNECTED, 'disconnected');
        assertEqual(connection.is_session_ready(), false, 'session over');
    }
    ok('both closed');
    print(`1..${step}`);
}

const loop = new GLib.MainLoop(null, false);
let status = 0;
main().catch(e => {
    print(`not ok ${step + 1} - ${currentStep}: ${e}`);
    printerr(`${e}\n${e.stack ?? ''}`);
    print(`1..${step + 1}`);
    status = 1;
}).finally(() => loop.quit());
loop.run();
System.exit(status);
