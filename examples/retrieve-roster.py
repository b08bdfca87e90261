#!/usr/bin/python3
# Logs in to an XMPP server and prints the account's roster, through
# introspection.
#
# Usage: retrieve-roster.py [--host HOST] [--port PORT] [--ca-file FILE] JID
# The password is read from the XMPP_PASSWORD environment variable.
#
# The program logs in without showing itself online, waits for the session
# (which fetches the roster), prints one line per contact and closes the
# stream. Each line has four fields separated by tabs: the bare JID, the
# name (empty when there is none), the subscription (none, to, from or
# both) and the groups, separated by commas:
#
#   bob@example.com	Bob	both	Friends,Work
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
    args = parser.parse_args()

    connection = Xmpp.ImConnection.new(Xmpp.Jid.new(args.jid), os.environ.get('XMPP_PASSWORD'))
    connection.set_host(args.host)
    connection.set_port(args.port)
    if args.ca_file:
        connection.set_tls_database(Gio.TlsFileDatabase.new(args.ca_file))
    # No presence: the account's contacts do not see this program online,
    # and the server sends it neither their presence nor stored messages.
    connection.set_presence(None)

    loop = GLib.MainLoop()
    status = 0

    def on_closed(conn, result):
        try:
            conn.close_finish(result)
        except GLib.Error:
            pass  # closed all the same
        loop.quit()

    # The roster is fetched and the session started: print it and leave.
    def on_session_ready(conn):
        for contact in conn.get_roster():
            print('\t'.join([contact.get_jid().to_string(),
                             contact.get_name() or '',
                             contact.get_subscription().value_nick,
                             ','.join(contact.get_groups())]))
        conn.close_async(None, on_closed)

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
