/* fuzz-parser.c: libFuzzer target for XmppParser
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The first byte of the input says where to cut the rest in two; both
 * pieces are fed to a fresh stream parser. Every stanza it reports must
 * survive a round trip: serialised with xmpp_stanza_to_string() and
 * parsed again with xmpp_stanza_new_from_string(), it must give an equal
 * element. A failure of the parser itself must come as an
 * XMPP_STREAM_ERROR. Anything else aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <xmpp-glib/xmpp-glib.h>

#include "xmpp-glib/xmpp-parser-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static void
check_header (XmppStreamHeader *header,
              gpointer          user_data)
{
  g_autofree char *text = xmpp_stream_header_to_string (header);

  if (text == NULL)
    abort ();
}

static void
check_stanza (XmppStanza *stanza,
              gpointer    user_data)
{
  XmppElement *element = xmpp_stanza_get_element (stanza);
  g_autofree char *text = xmpp_stanza_to_string (stanza);
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppStanza) again = NULL;
  g_autofree char *text_again = NULL;

  again = xmpp_stanza_new_from_string (text, -1, &error);
  if (again == NULL)
    {
      fprintf (stderr, "A serialised stanza does not parse again: %s\n%s\n",
               error->message, text);
      abort ();
    }
  if (!xmpp_element_equal (element, xmpp_stanza_get_element (again)))
    {
      text_again = xmpp_stanza_to_string (again);
      fprintf (stderr, "A serialised stanza parses into another element:\n%s\n%s\n",
               text, text_again);
      abort ();
    }
}

static void
check_error (GError *error)
{
  if (error == NULL || error->domain != XMPP_STREAM_ERROR || error->message == NULL)
    {
      fprintf (stderr, "The parser failed without a stream error\n");
      abort ();
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const XmppParserHandlers handlers = { check_header, check_stanza, NULL };
  g_autoptr(XmppParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  size_t split;

  if (size == 0)
    return 0;

  split = (size - 1) * data[0] / 255;
  data++;
  size--;

  parser = xmpp_parser_new ();
  xmpp_parser_set_handlers (parser, &handlers, NULL);

  if (!xmpp_parser_feed (parser, data, split, &error))
    {
      check_error (error);
      g_clear_error (&error);
      /* The error sticks. */
      if (xmpp_parser_feed (parser, data + split, size - split, &error))
        abort ();
      check_error (error);
      return 0;
    }
  if (!xmpp_parser_feed (parser, data + split, size - split, &error))
    check_error (error);

  return 0;
}
