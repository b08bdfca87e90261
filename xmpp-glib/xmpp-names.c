/* xmpp-names.c: the well-known names of XMPP
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "xmpp-names-private.h"

#include <string.h>

/* One block, so that a pointer tells by its address whether it is one of
 * these. Element names, attribute names and namespaces of RFC 6120, RFC
 * 6121 and the common extensions. */
const char xmpp_known_names[] =
  /* stream and stanzas */
  "stream\0features\0error\0text\0iq\0message\0presence\0"
  "body\0subject\0thread\0show\0status\0priority\0"
  "starttls\0required\0proceed\0failure\0mechanisms\0mechanism\0auth\0challenge\0"
  "response\0success\0abort\0bind\0jid\0resource\0session\0optional\0"
  /* attributes */
  "from\0to\0id\0type\0lang\0xmlns\0version\0name\0subscription\0ask\0approved\0"
  "ver\0node\0hash\0category\0var\0by\0stamp\0code\0parent\0label\0value\0"
  "h\0max\0location\0previd\0queryid\0"
  /* payloads */
  "query\0item\0group\0x\0delay\0identity\0feature\0ping\0c\0"
  "active\0composing\0paused\0inactive\0gone\0"
  "enable\0enabled\0resume\0resumed\0r\0a\0sent\0received\0forwarded\0private\0"
  "result\0fin\0set\0first\0last\0count\0before\0after\0"
  "origin-id\0stanza-id\0request\0markable\0displayed\0acknowledged\0"
  "field\0nick\0photo\0vCard\0"
  /* namespaces */
  "jabber:client\0jabber:server\0jabber:component:accept\0"
  "http://etherx.jabber.org/streams\0"
  "http://www.w3.org/XML/1998/namespace\0"
  "urn:ietf:params:xml:ns:xmpp-streams\0"
  "urn:ietf:params:xml:ns:xmpp-stanzas\0"
  "urn:ietf:params:xml:ns:xmpp-tls\0"
  "urn:ietf:params:xml:ns:xmpp-sasl\0"
  "urn:ietf:params:xml:ns:xmpp-bind\0"
  "urn:ietf:params:xml:ns:xmpp-session\0"
  "jabber:iq:roster\0jabber:iq:version\0jabber:iq:private\0jabber:iq:register\0"
  "jabber:x:data\0jabber:x:oob\0jabber:x:delay\0vcard-temp\0vcard-temp:x:update\0"
  "http://jabber.org/protocol/chatstates\0"
  "http://jabber.org/protocol/disco#info\0"
  "http://jabber.org/protocol/disco#items\0"
  "http://jabber.org/protocol/caps\0"
  "http://jabber.org/protocol/muc\0"
  "http://jabber.org/protocol/muc#user\0"
  "http://jabber.org/protocol/pubsub\0"
  "http://jabber.org/protocol/pubsub#event\0"
  "http://jabber.org/protocol/rsm\0"
  "urn:xmpp:ping\0urn:xmpp:delay\0urn:xmpp:sm:3\0urn:xmpp:carbons:2\0"
  "urn:xmpp:forward:0\0urn:xmpp:mam:2\0urn:xmpp:sid:0\0urn:xmpp:receipts\0"
  "urn:xmpp:chat-markers:0\0urn:xmpp:csi:0\0urn:xmpp:hints\0urn:xmpp:message-correct:0\0"
  "urn:xmpp:sasl-cb:0\0";
const gsize xmpp_known_names_size = sizeof xmpp_known_names;

static GHashTable *
known_table (void)
{
  static GHashTable *table;

  if (g_once_init_enter (&table))
    {
      GHashTable *t = g_hash_table_new (g_str_hash, g_str_equal);

      for (const char *p = xmpp_known_names; p < xmpp_known_names + sizeof xmpp_known_names - 1;
           p += strlen (p) + 1)
        g_hash_table_add (t, (gpointer) p);
      g_once_init_leave (&table, t);
    }
  return table;
}

char *
xmpp_name_new (const char *name)
{
  const char *known = g_hash_table_lookup (known_table (), name);

  return known != NULL ? (char *) known : g_ref_string_new_intern (name);
}
