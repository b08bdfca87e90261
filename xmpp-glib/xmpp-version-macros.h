/* xmpp-version-macros.h: symbol visibility and availability
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(__XMPP_GLIB_INSIDE__) && !defined(XMPP_GLIB_COMPILATION)
#error "Only <xmpp-glib/xmpp-glib.h> can be included directly."
#endif

#include <glib.h>

#ifndef _XMPP_EXTERN
# define _XMPP_EXTERN __attribute__((visibility ("default"))) extern
#endif

/**
 * XMPP_AVAILABLE_IN_ALL:
 *
 * Marks a symbol that is part of the public API of every version.
 */
#define XMPP_AVAILABLE_IN_ALL _XMPP_EXTERN
