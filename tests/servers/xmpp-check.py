#!/usr/bin/python3
"""xmpp-check.py [PORTS_ENV...]: checks the test servers with an independent
client, slixmpp (Debian's python3-slixmpp; run it with /usr/bin/python3).

For each server, trusting only its test certificate: alice logs in over
STARTTLS (required, no SASL before it) and bob over Direct TLS, alice sends
bob a message and fetches the server's disco#info. Then, over TLS 1.3 (the
default) and TLS 1.2, both ports must offer the SASL mechanisms the start
scripts promise (and not EXTERNAL), and carol logs in with each of them. An
anonymous client logs in to XMPP_ANON_DOMAIN over both ports, where
ANONYMOUS must be the only mechanism. On XMPP_C2S_CERT_PORT, alice logs in with SASL EXTERNAL and her
client certificate (XMPP_CLIENT_CERT) over TLS 1.3 and 1.2, and mallory's
certificate (XMPP_UNTRUSTED_CLIENT_CERT) is refused. Without arguments it
checks the servers named by XMPP_PROSODY_ENV and XMPP_EJABBERD_ENV (see
with-servers). Prints TAP; exits 0 only if every check passed.
XMPP_CHECK_DEBUG=1 shows slixmpp's log.
"""
import asyncio
import logging
import os
import ssl
import sys
import uuid

from slixmpp import ClientXMPP
from slixmpp.stanza import StreamFeatures

SCRAM = ['SCRAM-SHA-1', 'SCRAM-SHA-256']
PLUS = [m + '-PLUS' for m in SCRAM]
EJABBERD = ['PLAIN'] + SCRAM + ['SCRAM-SHA-512'] + PLUS + ['SCRAM-SHA-512-PLUS']
# Mechanisms each server must offer after TLS. Prosody 0.12 only has the
# tls-unique channel binding, which TLS 1.3 lacks: no -PLUS there.
EXPECTED = {('prosody', 'TLSv1.3'): ['PLAIN'] + SCRAM,
            ('prosody', 'TLSv1.2'): ['PLAIN'] + SCRAM + PLUS,
            ('ejabberd', 'TLSv1.3'): EJABBERD,
            ('ejabberd', 'TLSv1.2'): EJABBERD}
TIMEOUT = 10
results = []
clients = []  # kept to the end: a client collected early leaves tasks pending


def report(ok, name):
    results.append(ok)
    print(f'{"ok" if ok else "not ok"} {len(results)} - {name}', flush=True)


def load_env(path):
    with open(path) as f:
        pairs = [line.strip().split('=', 1) for line in f if '=' in line]
    return {k: v.strip('"') for k, v in pairs if not k.startswith('#')}


class Client(ClientXMPP):
    """user None: anonymous, on XMPP_ANON_DOMAIN. cert: the name of the
    ports.env variable of a client certificate (certificate and key in one
    file), for EXTERNAL."""
    def __init__(self, env, user, mech=None, tls12=False, cert=None):
        if user is None:
            jid, password = env['XMPP_ANON_DOMAIN'], ''
        else:
            password = dict(u.split(':', 1) for u in env['XMPP_USERS'].split()).get(user, '')
            jid = f'{user}@{env["XMPP_DOMAIN"]}/check-{uuid.uuid4().hex[:6]}'
        super().__init__(jid, password, sasl_mech=mech)
        self.env = env
        # Trust the server's test certificate and nothing else.
        self.ssl_context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        self.ca_certs = env['XMPP_CA_FILE']
        if cert:
            self.certfile = self.keyfile = env[cert]
        if tls12:
            self.ssl_context.maximum_version = ssl.TLSVersion.TLSv1_2
        self.offered = []
        self.tls_required = False  # <starttls><required/>, and no SASL before it
        self.session = self.loop.create_future()  # result: None or why not
        self.add_filter('in', self._features)
        for event, error in [('session_start', None), ('failed_all_auth', 'auth failed'),
                             ('disconnected', 'disconnected'),
                             ('connection_failed', 'connection failed')]:
            self.add_event_handler(event, lambda _, e=error: self.session.done()
                                   or self.session.set_result(e))
        self.register_plugin('xep_0030')
        clients.append(self)

    def _features(self, stanza):
        if isinstance(stanza, StreamFeatures):
            sasl = '{urn:ietf:params:xml:ns:xmpp-sasl}'
            mechs = [m.text for m in stanza.xml.iter(f'{sasl}mechanism')]
            tls = '{urn:ietf:params:xml:ns:xmpp-tls}'
            if stanza.xml.find(f'{tls}starttls/{tls}required') is not None:
                self.tls_required = not mechs
            self.offered += mechs
        return stanza

    async def login(self, direct_tls=False, port_var=None):
        port = self.env[port_var or ('XMPP_C2S_TLS_PORT' if direct_tls else 'XMPP_C2S_PORT')]
        self.connect((self.env['XMPP_HOST'], int(port)),
                     use_ssl=direct_tls, force_starttls=not direct_tls)
        try:
            return await asyncio.wait_for(self.session, TIMEOUT)
        except asyncio.TimeoutError:
            return 'timed out'

    async def logout(self):
        try:
            await asyncio.wait_for(self.disconnect(), 3)
        except Exception:
            self.abort()


async def check_server(env):
    name = env['XMPP_SERVER']
    alice, bob = Client(env, 'alice'), Client(env, 'bob')
    for who, direct_tls, port in [(alice, False, 'STARTTLS'), (bob, True, 'Direct TLS')]:
        error = await who.login(direct_tls)
        detail = error or f'{who.socket.version()}, {who["feature_mechanisms"].mech.name}'
        if not direct_tls and not error:
            error = None if who.tls_required else 'STARTTLS not required'
            detail = error or f'required; {detail}'
        report(error is None, f'{name}: {who.boundjid.user} logs in over {port} ({detail})')

    body = 'hello bob ' + uuid.uuid4().hex
    arrived = alice.loop.create_future()
    bob.add_event_handler('message', lambda m: m['body'] == body and not arrived.done()
                          and arrived.set_result(m['from']))
    alice.send_message(mto=bob.boundjid, mbody=body, mtype='chat')
    try:
        sender = await asyncio.wait_for(arrived, TIMEOUT)
        report(sender == alice.boundjid, f'{name}: message from alice arrives at bob')
    except asyncio.TimeoutError:
        report(False, f'{name}: message from alice arrives at bob (timed out)')

    try:
        iq = await alice['xep_0030'].get_info(jid=env['XMPP_DOMAIN'], timeout=TIMEOUT)
        info = iq['disco_info']
        ok = ('server', 'im') in [i[:2] for i in info['identities']]
        report(ok, f'{name}: disco#info of the server ({len(info["features"])} features)')
    except Exception as e:
        report(False, f'{name}: disco#info of the server ({e!r})')
    await alice.logout()
    await bob.logout()

    for tls12 in (False, True):
        version = 'TLSv1.2' if tls12 else 'TLSv1.3'
        expected = EXPECTED[(name, version)]
        for direct_tls, port in [(False, 'STARTTLS'), (True, 'Direct TLS')]:
            carol = Client(env, 'carol', tls12=tls12)
            error = await carol.login(direct_tls)
            ok = (error is None and carol.socket.version() == version
                  and set(expected) <= set(carol.offered) and 'EXTERNAL' not in carol.offered)
            report(ok, f'{name}: {port} {version} offers {" ".join(carol.offered)}'
                   + (f' ({error})' if error else ''))
            await carol.logout()
        wrong = []
        for mech in expected:
            carol = Client(env, 'carol', mech=mech, tls12=tls12)
            error = await carol.login()
            await carol.logout()
            # slixmpp sends the gs2 flag 'y' (client could bind, server seemed
            # not to) whenever it can bind; a server offering -PLUS must refuse
            # it (RFC 5802). Prosody does; ejabberd 23.01 does not check.
            if (error is None) == (name == 'prosody' and tls12 and mech in SCRAM):
                wrong.append(f'{mech}: {error or "accepted"}')
        note = ' (SCRAM without -PLUS refused, RFC 5802)' if name == 'prosody' and tls12 else ''
        report(not wrong, f'{name}: STARTTLS {version} logins with each mechanism{note}'
               + (f': {", ".join(wrong)}' if wrong else ''))


async def check_anonymous(env):
    name, domain = env['XMPP_SERVER'], env['XMPP_ANON_DOMAIN']
    for direct_tls, port in [(False, 'STARTTLS'), (True, 'Direct TLS')]:
        anon = Client(env, None)
        error = await anon.login(direct_tls)
        jid = anon.boundjid
        ok = (error is None and anon.offered == ['ANONYMOUS']
              and jid.domain == domain and bool(jid.user))
        report(ok, f'{name}: anonymous login to {domain} over {port} as {jid.full or "-"}'
               f' (offered {" ".join(anon.offered)}){f" ({error})" if error else ""}')
        await anon.logout()


async def check_external(env):
    name = env['XMPP_SERVER']
    for tls12 in (False, True):
        alice = Client(env, 'alice', mech='EXTERNAL', tls12=tls12, cert='XMPP_CLIENT_CERT')
        error = await alice.login(port_var='XMPP_C2S_CERT_PORT')
        ok = (error is None and 'EXTERNAL' in alice.offered
              and alice.boundjid.bare == f'alice@{env["XMPP_DOMAIN"]}')
        version = alice.socket.version() if alice.socket else '-'
        report(ok, f'{name}: alice logs in with EXTERNAL and her certificate ({version}, '
               f'bound {alice.boundjid.full or "-"}; offered {" ".join(alice.offered)})'
               + (f' ({error})' if error else ''))
        await alice.logout()
    mallory = Client(env, 'mallory', mech='EXTERNAL', cert='XMPP_UNTRUSTED_CLIENT_CERT')
    error = await mallory.login(port_var='XMPP_C2S_CERT_PORT')
    await mallory.logout()
    report(error == 'auth failed' and 'EXTERNAL' in mallory.offered,
           f'{name}: EXTERNAL with a certificate from an untrusted CA is refused'
           f' ({error or "accepted"}; offered {" ".join(mallory.offered)})')


async def main(paths):
    for path in paths:
        env = load_env(path)
        await check_server(env)
        await check_anonymous(env)
        await check_external(env)


if __name__ == '__main__':
    paths = sys.argv[1:] or [os.environ[v] for v in ('XMPP_PROSODY_ENV', 'XMPP_EJABBERD_ENV')
                             if os.environ.get(v)]
    if not paths:
        print('Bail out! no ports.env given, and XMPP_PROSODY_ENV and XMPP_EJABBERD_ENV are unset')
        sys.exit(2)
    # slixmpp logs the refused logins as errors.
    debug = os.environ.get('XMPP_CHECK_DEBUG')
    logging.basicConfig(level=logging.DEBUG if debug else logging.CRITICAL)
    asyncio.run(main(paths))
    print(f'1..{len(results)}')
    sys.exit(0 if results and all(results) else 1)
