/* xmpp-glib-private.h: helpers shared inside the library
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "config.h"

#include <glib/gi18n-lib.h>

#include "xmpp-glib.h"

G_BEGIN_DECLS

/* Namespaces the library itself needs. */
#define XMPP_NS_STREAM  "http://etherx.jabber.org/streams"
#define XMPP_NS_CLIENT  "jabber:client"
#define XMPP_NS_SERVER  "jabber:server"
#define XMPP_NS_COMPONENT "jabber:component:accept"
#define XMPP_NS_XML     "http://www.w3.org/XML/1998/namespace"
#define XMPP_NS_STANZAS "urn:ietf:params:xml:ns:xmpp-stanzas"
#define XMPP_NS_STREAMS "urn:ietf:params:xml:ns:xmpp-streams"

G_END_DECLS
