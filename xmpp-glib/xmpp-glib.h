/* xmpp-glib.h: the only header applications include
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#define __XMPP_GLIB_INSIDE__

#include <xmpp-glib/xmpp-version-macros.h>
#include <xmpp-glib/xmpp-enum-types.h>
#include <xmpp-glib/xmpp-errors.h>
#include <xmpp-glib/xmpp-jid.h>
#include <xmpp-glib/xmpp-element.h>
#include <xmpp-glib/xmpp-stanza.h>
#include <xmpp-glib/xmpp-presence.h>
#include <xmpp-glib/xmpp-message.h>
#include <xmpp-glib/xmpp-contact.h>
#include <xmpp-glib/xmpp-roster.h>
#include <xmpp-glib/xmpp-stream-header.h>
#include <xmpp-glib/xmpp-parser.h>
#include <xmpp-glib/xmpp-sasl.h>
#include <xmpp-glib/xmpp-connection.h>
#include <xmpp-glib/xmpp-im-connection.h>
#include <xmpp-glib/xmpp-account.h>
#include <xmpp-glib/xmpp-client.h>

#undef __XMPP_GLIB_INSIDE__
