#!/usr/bin/python3
"""slixmpp-peer.py PORTS_ENV USER PEER: an independent XMPP client
(slixmpp, Debian's python3-slixmpp; run it with /usr/bin/python3) that the
interoperability test of tests/test-im.c talks to through a real server.

It logs in as USER (password USERpass) over STARTTLS, trusting only the
test CA, with the resource "slixmpp" and priority 7, then:
- approves PEER's subscription request and asks for one back;
- answers each chat message from PEER with "echo: BODY" in the same thread;
- on the message "bye", checks that it saw PEER's available presence and
  PEER's approval of its own request, and exits: 0 if it did, 1 if not.
It gives up after 60 seconds (exit 2). Prints what it does on stderr.
"""
import asyncio
import logging
import os
import ssl
import sys

from slixmpp import ClientXMPP


def load_env(path):
    with open(path) as f:
        pairs = [line.strip().split('=', 1) for line in f if '=' in line]
    return {k: v.strip('"') for k, v in pairs if not k.startswith('#')}


def log(text):
    print(f'slixmpp-peer: {text}', file=sys.stderr, flush=True)


class Peer(ClientXMPP):
    def __init__(self, env, user, peer):
        super().__init__(f'{user}@{env["XMPP_DOMAIN"]}/slixmpp', f'{user}pass')
        self.peer = peer
        self.ssl_context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        self.ca_certs = env['XMPP_CA_FILE']
        self.roster.auto_authorize = None    # answered below, by hand
        self.roster.auto_subscribe = False
        self.saw_presence = False
        self.saw_subscribed = False
        self.done = self.loop.create_future()
        self.add_event_handler('session_start', self.on_start)
        self.add_event_handler('presence_subscribe', self.on_subscribe)
        self.add_event_handler('presence_subscribed', self.on_subscribed)
        self.add_event_handler('presence_available', self.on_available)
        self.add_event_handler('message', self.on_message)

    async def on_start(self, _):
        await self.get_roster()
        self.send_presence(ppriority=7, pstatus='slixmpp here')
        log('online')

    def on_subscribe(self, presence):
        if presence['from'].bare != self.peer:
            return
        log(f'subscription request from {presence["from"]}')
        self.send_presence(pto=self.peer, ptype='subscribed')
        self.send_presence(pto=self.peer, ptype='subscribe')

    def on_subscribed(self, presence):
        if presence['from'].bare == self.peer:
            log('approved by the peer')
            self.saw_subscribed = True

    def on_available(self, presence):
        if presence['from'].bare == self.peer:
            log(f'presence of {presence["from"]}')
            self.saw_presence = True

    def on_message(self, message):
        if message['from'].bare != self.peer or message['type'] not in ('chat', 'normal'):
            return
        body = message['body']
        log(f'message: {body!r}')
        if body == 'bye':
            if not self.done.done():
                self.done.set_result(self.saw_presence and self.saw_subscribed)
            return
        reply = message.reply(f'echo: {body}')
        reply['thread'] = message['thread']
        reply.send()


async def main(env_path, user, peer):
    env = load_env(env_path)
    client = Peer(env, user, peer)
    client.connect((env['XMPP_HOST'], int(env['XMPP_C2S_PORT'])), force_starttls=True)
    try:
        ok = await asyncio.wait_for(client.done, 60)
    except asyncio.TimeoutError:
        log('timed out')
        return 2
    log(f'saw presence: {client.saw_presence}, saw approval: {client.saw_subscribed}')
    try:
        await asyncio.wait_for(client.disconnect(), 3)
    except Exception:
        client.abort()
    return 0 if ok else 1


if __name__ == '__main__':
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    logging.basicConfig(level=logging.DEBUG if os.environ.get('XMPP_CHECK_DEBUG') else logging.CRITICAL)
    sys.exit(asyncio.run(main(*sys.argv[1:])))
