/* bench-parser.c: what XmppParser costs per stanza, next to bare libxml2
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Usage: bench-parser [N]
 *
 * Builds one stream of N chat messages of about 350 bytes each and
 * measures the CPU time per stanza of
 *   (a) a bare libxml2 SAX2 push parse whose callbacks only count,
 *   (b) XmppParser with a handler connected to its "stanza" signal,
 *   (c) XmppParser with the private handlers the connection uses,
 * each fed the same 4 KiB chunks, taking the median of several runs.
 * The runs of the three are interleaved, so that a change in the load of
 * the machine does not favour one of them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <libxml/parser.h>

#include <xmpp-glib/xmpp-glib.h>

#include "xmpp-glib/xmpp-parser-private.h"

#define CHUNK_SIZE 4096
#define N_RUNS 7

typedef struct
{
  guint64 n_starts;
  guint64 n_ends;
  guint64 n_bytes;
  guint64 n_stanzas;
  guint64 n_body_bytes;
} Counts;

static char *
build_stream (guint   n,
              gsize  *length)
{
  GString *s = g_string_sized_new ((gsize) n * 360 + 512);

  g_string_append (s,
                   "<?xml version='1.0'?>"
                   "<stream:stream xmlns='jabber:client' "
                   "xmlns:stream='http://etherx.jabber.org/streams' "
                   "from='capulet.example' to='romeo@montague.example' "
                   "id='a7c3e1f0' version='1.0' xml:lang='en'>");
  for (guint i = 0; i < n; i++)
    g_string_append_printf (s,
                            "<message from='juliet@capulet.example/balcony' "
                            "to='romeo@montague.example/orchard' type='chat' id='msg-%08u'>"
                            "<body>O Romeo, Romeo, wherefore art thou Romeo? Deny thy father "
                            "&amp; refuse thy name; or if thou wilt not, be but sworn my "
                            "love %u.</body>"
                            "<thread>e0ffe42b285619</thread>"
                            "<active xmlns='http://jabber.org/protocol/chatstates'/>"
                            "</message>",
                            i, i % 1000);
  g_string_append (s, "</stream:stream>");

  *length = s->len;
  return g_string_free (s, FALSE);
}

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
         usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

/* (a) bare libxml2 */

static void
bare_start (void           *user_data,
            const xmlChar  *localname,
            const xmlChar  *prefix,
            const xmlChar  *uri,
            int             n_namespaces,
            const xmlChar **namespaces,
            int             n_attributes,
            int             n_defaulted,
            const xmlChar **attributes)
{
  Counts *counts = user_data;

  counts->n_starts++;
}

static void
bare_end (void          *user_data,
          const xmlChar *localname,
          const xmlChar *prefix,
          const xmlChar *uri)
{
  Counts *counts = user_data;

  counts->n_ends++;
}

static void
bare_characters (void          *user_data,
                 const xmlChar *text,
                 int            length)
{
  Counts *counts = user_data;

  counts->n_bytes += length;
}

static void
run_bare (const char *data,
          gsize       length,
          Counts     *counts)
{
  xmlSAXHandler sax;
  xmlParserCtxtPtr ctxt;

  memset (&sax, 0, sizeof sax);
  sax.initialized = XML_SAX2_MAGIC;
  sax.startElementNs = bare_start;
  sax.endElementNs = bare_end;
  sax.characters = bare_characters;

  ctxt = xmlCreatePushParserCtxt (&sax, counts, NULL, 0, NULL);
  xmlCtxtUseOptions (ctxt, XML_PARSE_NONET);
  for (gsize offset = 0; offset < length; offset += CHUNK_SIZE)
    xmlParseChunk (ctxt, data + offset, (int) MIN (CHUNK_SIZE, length - offset), 0);
  xmlParseChunk (ctxt, NULL, 0, 1);
  if (!ctxt->wellFormed)
    g_error ("libxml2 failed to parse the stream");
  xmlFreeParserCtxt (ctxt);
}

/* (b) and (c) XmppParser */

static void
count_stanza (XmppStanza *stanza,
              Counts     *counts)
{
  const char *body = xmpp_element_get_child_text (xmpp_stanza_get_element (stanza), "body", NULL);

  counts->n_stanzas++;
  if (body != NULL)
    counts->n_body_bytes += strlen (body);
}

static void
on_stanza (XmppParser *parser,
           XmppStanza *stanza,
           Counts     *counts)
{
  count_stanza (stanza, counts);
}

static void
handle_stanza (XmppStanza *stanza,
               gpointer    user_data)
{
  count_stanza (stanza, user_data);
}

static void
feed_parser (XmppParser *parser,
             const char *data,
             gsize       length)
{
  for (gsize offset = 0; offset < length; offset += CHUNK_SIZE)
    {
      g_autoptr(GError) error = NULL;

      if (!xmpp_parser_feed (parser, (const guint8 *) data + offset,
                             MIN (CHUNK_SIZE, length - offset), &error))
        g_error ("XmppParser failed: %s", error->message);
    }
}

static void
run_signal (const char *data,
            gsize       length,
            Counts     *counts)
{
  g_autoptr(XmppParser) parser = xmpp_parser_new ();

  g_signal_connect (parser, "stanza", G_CALLBACK (on_stanza), counts);
  feed_parser (parser, data, length);
}

static void
run_handlers (const char *data,
              gsize       length,
              Counts     *counts)
{
  static const XmppParserHandlers handlers = { NULL, handle_stanza, NULL };
  g_autoptr(XmppParser) parser = xmpp_parser_new ();

  xmpp_parser_set_handlers (parser, &handlers, counts);
  feed_parser (parser, data, length);
}

typedef void (*RunFunc) (const char *data,
                         gsize       length,
                         Counts     *counts);

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* Runs each variant N_RUNS times, interleaved so that a change in the
 * machine's load weighs on all of them alike, and stores the median CPU
 * time of each in @medians, in µs per stanza. */
static void
measure (const RunFunc *runs,
         guint          n_variants,
         const char    *data,
         gsize          length,
         guint          n,
         Counts        *counts,
         double        *medians)
{
  double times[3][N_RUNS];

  g_assert_cmpuint (n_variants, <=, G_N_ELEMENTS (times));

  for (guint r = 0; r < N_RUNS; r++)
    for (guint v = 0; v < n_variants; v++)
      {
        double start;

        memset (&counts[v], 0, sizeof counts[v]);
        start = cpu_seconds ();
        runs[v] (data, length, &counts[v]);
        times[v][r] = (cpu_seconds () - start) * 1e6 / n;
      }

  for (guint v = 0; v < n_variants; v++)
    {
      qsort (times[v], N_RUNS, sizeof times[v][0], compare_doubles);
      medians[v] = times[v][N_RUNS / 2];
    }
}

int
main (int    argc,
      char **argv)
{
  static const RunFunc runs[] = { run_bare, run_signal, run_handlers };
  guint n = 200000;
  g_autofree char *data = NULL;
  gsize length;
  Counts counts[G_N_ELEMENTS (runs)];
  double medians[G_N_ELEMENTS (runs)];
  double bare, with_signal, with_handlers;

  if (argc > 1)
    n = (guint) strtoul (argv[1], NULL, 10);
  if (n == 0)
    {
      g_printerr ("Usage: %s [N]\n", argv[0]);
      return 2;
    }

  xmlInitParser ();
  data = build_stream (n, &length);

  measure (runs, G_N_ELEMENTS (runs), data, length, n, counts, medians);
  bare = medians[0];
  with_signal = medians[1];
  with_handlers = medians[2];

  if (counts[0].n_starts != 4 * (guint64) n + 1 || counts[0].n_ends != counts[0].n_starts)
    g_error ("libxml2 saw %" G_GUINT64_FORMAT " elements", counts[0].n_starts);
  for (guint v = 1; v < G_N_ELEMENTS (runs); v++)
    if (counts[v].n_stanzas != n || counts[v].n_body_bytes == 0)
      g_error ("XmppParser reported %" G_GUINT64_FORMAT " stanzas", counts[v].n_stanzas);

  /* printf, not g_print: the table is UTF-8 whatever the locale. */
  printf ("%u stanzas of %.0f bytes on average, fed in %u-byte chunks; "
          "CPU time, median of %u interleaved runs\n\n",
          n, (double) length / n, CHUNK_SIZE, N_RUNS);
  printf ("| parser | µs/stanza | ratio to libxml2 |\n");
  printf ("| --- | ---: | ---: |\n");
  printf ("| (a) libxml2 SAX2 push, counting only | %.3f | 1.00× |\n", bare);
  printf ("| (b) XmppParser, `stanza` signal | %.3f | %.2f× |\n", with_signal, with_signal / bare);
  printf ("| (c) XmppParser, private handlers | %.3f | %.2f× |\n",
          with_handlers, with_handlers / bare);

  return 0;
}
