/* xmpp-i18n.c: gettext set-up for the library's messages
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "xmpp-glib-private.h"

/* Binds the library's gettext domain when the library is loaded, so that
 * every _() in it finds its catalogue whatever the application does. */
__attribute__((constructor)) static void
xmpp_i18n_init (void)
{
#if ENABLE_NLS
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
#endif
}
