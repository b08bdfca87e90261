#!/usr/bin/python3
# Reads an XMPP stream and prints its stanzas, through introspection.
#
# Usage: parse-stream.py [FILE]   (standard input without FILE)
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import sys

import gi
gi.require_version('Xmpp', '1.0')
from gi.repository import GLib, Xmpp  # noqa: E402


def on_stanza(parser, stanza):
    root = stanza.get_element()
    sender = stanza.get_from()
    print(f'{stanza.get_kind().value_nick} <{root.get_name()}/>',
          f'from {sender.to_string() if sender else "-"}')
    body = root.get_child_text('body', None)
    if body:
        print(f'  body: {body}')


def main():
    data = open(sys.argv[1], 'rb').read() if len(sys.argv) > 1 else sys.stdin.buffer.read()
    parser = Xmpp.Parser()
    parser.connect('stream-start', lambda p, h: print(f'stream from {h.get_from()}'))
    parser.connect('stanza', on_stanza)
    parser.connect('stream-end', lambda p: print('stream closed'))
    try:
        for i in range(0, len(data), 61):
            parser.feed(data[i:i + 61])
    except GLib.Error as e:
        print(f'stream error: {e.message}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
