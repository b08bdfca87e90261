// XmppConnection from GJS, with promises (Gio._promisify): log in to the
// Prosody that tests/servers/with-servers started, send an IQ and await
// its reply.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import System from 'system';
import Xmpp from 'gi://Xmpp?version=1.0';

Gio._promisify(Xmpp.Connection.prototype, 'connect_async', 'connect_finish');
Gio._promisify(Xmpp.Connection.prototype, 'send_iq_async', 'send_iq_finish');
Gio._promisify(Xmpp.Connection.prototype, 'close_async', 'close_finish');

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

async function main() {
    const path = GLib.getenv('XMPP_PROSODY_ENV');
    assert(path, 'run through tests/servers/with-servers');
    const server = loadEnv(path);

    const connection = Xmpp.Connection.new(Xmpp.Jid.new(`carol@${server.XMPP_DOMAIN}`), 'carolpass');
    connection.host = server.XMPP_HOST;
    connection.port = Number(server.XMPP_C2S_PORT);
    connection.tls_database = Gio.TlsFileDatabase.new(server.XMPP_CA_FILE);
    connection.liveness_timeout = 10;
    assert(connection.get_liveness_timeout() === 10, 'liveness-timeout');
    assert(connection.stream_management === true, 'stream-management on by default');

    await connection.connect_async(null);
    print('ok 1 - logged in');
    assert(connection.state === Xmpp.ConnectionState.READY, 'ready');
    // Prosody offers stream management (XEP-0198), which is then on.
    assert(connection.get_stream_features().get_child('sm', 'urn:xmpp:sm:3') !== null, 'sm offered');
    assert(connection.resumed === false, 'a new session');
    assert(connection.can_resume(), 'resumable');
    assert(connection.save_stream_state().includes(connection.get_bound_jid().to_string()),
        'saved state');

    const iq = Xmpp.Stanza.new(Xmpp.StanzaKind.IQ, 'get');
    iq.set_to(Xmpp.Jid.new(server.XMPP_DOMAIN));
    iq.get_element().add_child_new('query', 'jabber:iq:version');
    const reply = await connection.send_iq_async(iq, 0, null);
    const name = reply.get_payload().get_child_text('name', 'jabber:iq:version');
    assert(name === 'Prosody', `server name ${name}`);
    print('ok 2 - IQ reply awaited');

    await connection.close_async(null);
    assert(connection.state === Xmpp.ConnectionState.DISCONNECTED, 'closed');
    print('ok 3 - closed');
    print('1..3');
}

const loop = new GLib.MainLoop(null, false);
let status = 0;
main().catch(e => {
    printerr(`not ok - ${e}\n${e.stack ?? ''}`);
    status = 1;
}).finally(() => loop.quit());
loop.run();
System.exit(status);
