#!/usr/bin/python3
# Logs in to an XMPP server and prints what the server says about itself,
# through introspection.
#
# Usage: connect.py [--host HOST] [--port PORT] [--ca-file FILE] JID
# The password is read from the XMPP_PASSWORD environment variable.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import argparse
import os
import sys

import gi
gi.require_version('Xmpp', '1.0')
from gi.repository import Gio, GLib, Xmpp  # noqa: E402

NS_DISCO_INFO = 'http://jabber.org/protocol/disco#info'


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--host')
    parser.add_argument('--port', type=int, default=0)
    parser.add_argument('--ca-file')
    parser.add_argument('jid')
    args = parser.parse_args()

    connection = Xmpp.Connection.new(Xmpp.Jid.new(args.jid), os.environ.get('XMPP_PASSWORD'))
    connection.set_host(args.host)
    connection.set_port(args.port)
    if args.ca_file:
        connection.set_tls_database(Gio.TlsFileDatabase.new(args.ca_file))

    loop = GLib.MainLoop()
    status = 0

    def on_closed(conn, result):
        try:
            conn.close_finish(result)
        except GLib.Error:
            pass  # closed all the same
        loop.quit()

    def on_disco_info(conn, result):
        nonlocal status
        try:
            reply = conn.send_iq_finish(result)
            query = reply.get_element().get_child('query', NS_DISCO_INFO)
            for child in query.get_children(None, NS_DISCO_INFO) if query else []:
                if child.get_name() == 'identity':
                    print(f"identity: {child.get_attribute('category')}/{child.get_attribute('type')}"
                          f" {child.get_attribute('name') or ''}")
                elif child.get_name() == 'feature':
                    print(f"feature: {child.get_attribute('var')}")
        except GLib.Error as e:
            print(f'disco#info failed: {e.message}', file=sys.stderr)
            status = 1
        conn.close_async(None, on_closed)

    def on_connected(conn, result):
        nonlocal status
        try:
            conn.connect_finish(result)
        except GLib.Error as e:
            print(f'Login failed: {e.message}', file=sys.stderr)
            status = 1
            loop.quit()
            return
        print(f'bound as {conn.get_bound_jid().to_string()} (SASL {conn.get_used_mechanism()})')
        iq = Xmpp.Stanza.new(Xmpp.StanzaKind.IQ, 'get')
        iq.set_to(Xmpp.Jid.new(conn.get_jid().get_domainpart()))
        iq.get_element().add_child_new('query', NS_DISCO_INFO)
        conn.send_iq_async(iq, 0, None, on_disco_info)

    connection.connect_async(None, on_connected)
    loop.run()
    return status


if __name__ == '__main__':
    try:
        sys.exit(main())
    except GLib.Error as e:  # a bad JID or CA file
        print(e.message, file=sys.stderr)
        sys.exit(2)
