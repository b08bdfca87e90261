#!/usr/bin/python3
# Sends a chat message read from standard input, through introspection.
#
# Usage: sendmsg.py [--host HOST] [--port PORT] [--ca-file FILE] JID TO
# The password is read from the XMPP_PASSWORD environment variable.
#
#   echo "Dinner is ready" | sendmsg.py juliet@example.com romeo@example.net
#
# The program reads all of standard input (UTF-8; trailing white space is
# dropped), logs in as JID without showing itself online, sends the text as
# a chat message to TO, waits until it is written to the server and closes
# the stream.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import argparse
import os
import sys

import gi
gi.require_version('Xmpp', '1.0')
from gi.repository import Gio, GLib, Xmpp  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--host')
    parser.add_argument('--port', type=int, default=0)
    parser.add_argument('--ca-file')
    parser.add_argument('jid')
    parser.add_argument('to')
    args = parser.parse_args()

    to = Xmpp.Jid.new(args.to)
    try:
        body = sys.stdin.buffer.read().decode('utf-8').rstrip()
    except UnicodeDecodeError as e:
        print(f'Cannot read the message: {e}', file=sys.stderr)
        return 2
    if not body:
        print('The message is empty', file=sys.stderr)
        return 2

    connection = Xmpp.ImConnection.new(Xmpp.Jid.new(args.jid), os.environ.get('XMPP_PASSWORD'))
    connection.set_host(args.host)
    connection.set_port(args.port)
    if args.ca_file:
        connection.set_tls_database(Gio.TlsFileDatabase.new(args.ca_file))
    # No presence: the program only sends, so it does not show itself
    # online, and the server sends it no messages meant for the user.
    connection.set_presence(None)

    loop = GLib.MainLoop()
    status = 0

    def on_closed(conn, result):
        try:
            conn.close_finish(result)
        except GLib.Error:
            pass  # closed all the same
        loop.quit()

    # Everything queued, the message included, has been written.
    def on_queue_drained(conn):
        conn.disconnect_by_func(on_queue_drained)
        print(f'Sent to {to.to_string()}')
        conn.close_async(None, on_closed)

    def on_session_ready(conn):
        nonlocal status
        message = Xmpp.Message.new(Xmpp.MessageType.CHAT, to, body)
        if not conn.send_message(message):
            print('The message is too large to send', file=sys.stderr)
            status = 1
            conn.close_async(None, on_closed)
            return
        # Sending only queues the message; ::queue-drained tells when it left.
        conn.connect('queue-drained', on_queue_drained)

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
    connection.connect_async(None, on_connected)
    loop.run()
    return status


if __name__ == '__main__':
    try:
        sys.exit(main())
    except GLib.Error as e:  # a bad JID or CA file
        print(e.message, file=sys.stderr)
        sys.exit(2)
