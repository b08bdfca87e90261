#!/usr/bin/python3
"""bench-connect-slixmpp.py [--count N] [--user USER] [--password PASSWORD]
                            [--json FILE] PORTS_ENV

The slixmpp side of bench/bench-connect.c (run it with /usr/bin/python3;
Debian's python3-slixmpp): logs in N times (20 by default), one login after
the other, to the server that PORTS_ENV describes, over STARTTLS with the
SASL mechanism slixmpp picks by itself (SCRAM), and measures for each login
the wall time from ClientXMPP.connect() to the session_start event.

Round trips are counted as bench-connect counts them: slixmpp has no
signal for raw data, so the client class wraps XMLStream.send_raw() (every
byte slixmpp writes goes through it) and data_received() (every chunk read,
after TLS decryption, so the TLS handshake is not seen). A round trip is a
flight of sends followed by something received; the TLS handshake adds its
own (1 with TLS 1.3). The steps are cut the same way too.

Each login gets a fresh ClientXMPP, made before the clock starts; slixmpp
reads the CA file while it starts TLS, inside the measurement.
"""
import argparse
import asyncio
import json
import logging
import re
import ssl
import statistics
import sys
import time

from slixmpp import ClientXMPP

TIMEOUT = 30


def load_env(path):
    with open(path) as f:
        pairs = [line.strip().split('=', 1) for line in f if '=' in line]
    return {k: v.strip('"') for k, v in pairs if not k.startswith('#')}


def element_label(text):
    """The name of the first element that text opens, as bench-connect names it."""
    m = re.search(r'<([^?!][^ >/]*)', text)
    return m.group(1)[:31] if m else '(text)'


class BenchClient(ClientXMPP):
    def __init__(self, jid, password, ca_file):
        super().__init__(jid, password)
        self.ssl_context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        self.ca_certs = ca_file
        self.events = []  # (seconds since connect(), sent, label)
        self.start = None
        self.recording = False

    def send_raw(self, data):
        if self.recording:
            text = data.decode('utf-8', 'replace') if isinstance(data, bytes) else data
            self.events.append((time.monotonic() - self.start, True, element_label(text)))
        super().send_raw(data)

    def data_received(self, data):
        if self.recording:
            self.events.append((time.monotonic() - self.start, False, ''))
        super().data_received(data)


def analyse(events, wall):
    """Flights, round trips and steps, exactly as analyse() in bench-connect.c."""
    steps = []
    label, step_start, wait, last_send, waiting = 'connect', 0.0, 0.0, 0.0, False
    round_trips, total_wait = 0, 0.0
    for t, sent, name in events:
        if sent and not waiting:
            steps.append([label, (t - step_start) * 1e3, wait * 1e3])
            label, step_start, wait, waiting = name, t, 0.0, True
        if sent:
            last_send = t
        elif waiting:
            round_trips += 1
            wait = t - last_send
            total_wait += wait
            waiting = False
    steps.append([label, (wall - step_start) * 1e3, wait * 1e3])
    return {'wall_ms': wall * 1e3, 'round_trips': round_trips,
            'wait_ms': total_wait * 1e3, 'steps': steps}


async def login_once(env, jid, password, index, count):
    client = BenchClient(jid, password, env['XMPP_CA_FILE'])
    ready = client.loop.create_future()
    failed = lambda why: lambda _: ready.done() or ready.set_exception(RuntimeError(why))
    client.add_event_handler('session_start', lambda _: ready.done() or ready.set_result(
        time.monotonic()))
    client.add_event_handler('failed_all_auth', failed('authentication failed'))
    client.add_event_handler('connection_failed', failed('connection failed'))
    client.add_event_handler('disconnected', failed('disconnected'))

    client.recording = True
    client.start = time.monotonic()
    client.connect((env['XMPP_HOST'], int(env['XMPP_C2S_PORT'])))
    try:
        end = await asyncio.wait_for(ready, TIMEOUT)
    except asyncio.TimeoutError:
        raise RuntimeError(f'login {index} took more than {TIMEOUT} s')
    client.recording = False
    login = analyse(client.events, end - client.start)
    mechanism = client['feature_mechanisms'].mech.name
    print(f'login {index}/{count}: {login["wall_ms"]:.2f} ms, '
          f'{login["round_trips"]} round trips', file=sys.stderr)
    try:
        await asyncio.wait_for(client.disconnect(), 5)
    except asyncio.TimeoutError:
        client.abort()
    return login, mechanism


def print_summary(logins, mechanism):
    walls = [x['wall_ms'] for x in logins]
    trips = [x['round_trips'] for x in logins]
    print(f'slixmpp: {len(logins)} logins over STARTTLS with {mechanism}')
    print(f'  wall time: median {statistics.median(walls):.2f} ms, '
          f'min {min(walls):.2f} ms, max {max(walls):.2f} ms')
    print(f'  XMPP round trips: median {statistics.median(trips):.1f}, '
          f'min {min(trips)}, max {max(trips)} (plus the TLS handshake\'s own)')
    print(f'  waiting for the server: median '
          f'{statistics.median(x["wait_ms"] for x in logins):.2f} ms')
    labels = [s[0] for s in logins[0]['steps']]
    if any([s[0] for s in x['steps']] != labels for x in logins):
        print('  (the logins went through different steps; no breakdown)')
        return
    print('  steps (median total / of which waiting for the server):')
    for i, label in enumerate(labels):
        total = statistics.median(x['steps'][i][1] for x in logins)
        wait = statistics.median(x['steps'][i][2] for x in logins)
        print(f'    {label:<16} {total:8.2f} ms / {wait:6.2f} ms')


async def main():
    parser = argparse.ArgumentParser(
        description='Times slixmpp logins over STARTTLS with SCRAM, from connect to session_start.')
    parser.add_argument('-n', '--count', type=int, default=20, help='log in N times (20)')
    parser.add_argument('--user', default='alice', help='log in as USER (alice)')
    parser.add_argument('--password', help="USER's password (from XMPP_USERS)")
    parser.add_argument('--json', metavar='FILE', help="also write every login's figures to FILE")
    parser.add_argument('ports_env', metavar='PORTS_ENV')
    args = parser.parse_args()
    if args.count < 1:
        parser.error('--count must be at least 1')

    env = load_env(args.ports_env)
    password = args.password
    if password is None:
        users = dict(u.split(':', 1) for u in env['XMPP_USERS'].split())
        password = users[args.user]
    jid = f'{args.user}@{env["XMPP_DOMAIN"]}'

    logins, mechanism = [], None
    for i in range(args.count):
        login, mechanism = await login_once(env, jid, password, i + 1, args.count)
        logins.append(login)

    print_summary(logins, mechanism)
    if args.json:
        with open(args.json, 'w') as f:
            json.dump({'impl': 'slixmpp', 'mechanism': mechanism, 'logins': logins}, f)
            f.write('\n')


if __name__ == '__main__':
    # slixmpp logs a refused login as an error; the exception says enough.
    logging.basicConfig(level=logging.CRITICAL)
    try:
        asyncio.run(main())
    except RuntimeError as e:
        print(e, file=sys.stderr)
        sys.exit(1)
