#!/usr/bin/python3
# A bot that answers every message with a line from a file, through
# introspection.
#
# Usage: talkbot.py [--host HOST] [--port PORT] [--ca-file FILE]
#                   [--max-replies N] JID LINES-FILE
# The password is read from the XMPP_PASSWORD environment variable.
#
#   talkbot.py bot@example.com examples/talkbot-lines.txt
#
# The bot logs in and shows itself online. It answers each chat or normal
# message that has a body with a random line of LINES-FILE (empty lines are
# skipped), in the same conversation thread, and prints what it answered.
# It approves every subscription request and subscribes back. It runs until
# interrupted (SIGINT or SIGTERM), or until it has sent N replies with
# --max-replies, then closes the stream.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import argparse
import os
import random
import signal
import sys

import gi
gi.require_version('Xmpp', '1.0')
from gi.repository import Gio, GLib, Xmpp  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--host')
    parser.add_argument('--port', type=int, default=0)
    parser.add_argument('--ca-file')
    parser.add_argument('--max-replies', type=int, default=0, metavar='N',
                        help='stop after N replies')
    parser.add_argument('jid')
    parser.add_argument('lines_file', metavar='LINES-FILE')
    args = parser.parse_args()

    try:
        with open(args.lines_file, encoding='utf-8') as f:
            lines = [line.strip() for line in f if line.strip()]
    except (OSError, UnicodeDecodeError) as e:
        print(e, file=sys.stderr)
        return 2
    if not lines:
        print(f'{args.lines_file} has nothing to say', file=sys.stderr)
        return 2

    connection = Xmpp.ImConnection.new(Xmpp.Jid.new(args.jid), os.environ.get('XMPP_PASSWORD'))
    connection.set_host(args.host)
    connection.set_port(args.port)
    if args.ca_file:
        connection.set_tls_database(Gio.TlsFileDatabase.new(args.ca_file))
    # Online, so that messages sent to the bare JID reach the bot.
    presence = Xmpp.Presence.new(Xmpp.PresenceType.AVAILABLE)
    presence.set_status(None, "I'm a talking bot.")
    connection.set_presence(presence)

    # What the bot says shows at once, also in a log file or a pipe.
    sys.stdout.reconfigure(line_buffering=True)

    loop = GLib.MainLoop()
    status = 0
    replies = 0
    stopping = False

    def on_closed(conn, result):
        try:
            conn.close_finish(result)
        except GLib.Error:
            pass  # closed all the same
        loop.quit()

    # Closes the stream gracefully: what is queued, the last reply
    # included, is written before the closing tag. While logging in, there
    # is nothing to close.
    def stop_bot():
        nonlocal stopping
        if stopping:
            return
        stopping = True
        if connection.get_state() == Xmpp.ConnectionState.READY:
            connection.close_async(None, on_closed)
        else:
            loop.quit()

    def on_signal():
        print('Interrupted, closing')
        stop_bot()
        return GLib.SOURCE_CONTINUE

    def on_message_received(conn, message):
        nonlocal replies
        # Chat state notifications have no body; group chat and headlines
        # are not for the bot; a message without a sender comes from the
        # account itself.
        if (message.get_message_type() not in (Xmpp.MessageType.CHAT, Xmpp.MessageType.NORMAL)
                or message.get_body(None) is None
                or message.get_from() is None
                or stopping):
            return

        line = random.choice(lines)
        if not conn.send_message(message.make_reply(line)):
            print(f'Cannot answer {message.get_from().to_string()}: the send queue is full',
                  file=sys.stderr)
            return
        print(f'Replied to {message.get_from().to_string()}: {line}')

        replies += 1
        if args.max_replies > 0 and replies >= args.max_replies:
            stop_bot()

    def on_subscribe_received(conn, jid, _status):
        contact = conn.get_roster().lookup(jid)
        subscription = contact.get_subscription() if contact else Xmpp.Subscription.NONE

        conn.approve_subscription(jid)
        print(f'Approved the subscription of {jid.to_string()}')

        # Subscribe back, unless the bot already sees the contact's
        # presence or has asked for it.
        if (subscription not in (Xmpp.Subscription.TO, Xmpp.Subscription.BOTH)
                and not (contact and contact.get_ask())):
            conn.subscribe(jid, None)

    def on_session_ready(conn):
        print(f'Talking as {conn.get_bound_jid().to_string()}')

    # The server ended the stream, or the network failed. A graceful close
    # (no error) is handled by on_closed().
    def on_connection_closed(conn, error):
        nonlocal status
        if error is None:
            return
        print(f'Connection lost: {error.message}', file=sys.stderr)
        status = 1
        loop.quit()

    def on_connected(conn, result):
        nonlocal status
        try:
            conn.connect_finish(result)
        except GLib.Error as e:
            print(f'Login failed: {e.message}', file=sys.stderr)
            status = 1
            loop.quit()
            return
        # Logged in; the rest starts at ::session-ready. From now on, a
        # connection that drops ends the program.
        conn.connect('closed', on_connection_closed)

    connection.connect('session-ready', on_session_ready)
    connection.connect('message-received', on_message_received)
    connection.connect('subscribe-received', on_subscribe_received)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, on_signal)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, on_signal)
    connection.connect_async(None, on_connected)
    loop.run()
    return status


if __name__ == '__main__':
    try:
        sys.exit(main())
    except GLib.Error as e:  # a bad JID or CA file
        print(e.message, file=sys.stderr)
        sys.exit(2)
