/* xmpp-parser.c: the incremental XML stream parser
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "xmpp-glib-private.h"

#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "xmpp-element-private.h"
#include "xmpp-names-private.h"
#include "xmpp-parser-private.h"
#include "xmpp-stanza-private.h"
#include "xmpp-stream-header-private.h"

/**
 * XmppParser:
 *
 * Turns the bytes of an XMPP stream into a stream header, stanzas and the
 * end of the stream, as they arrive.
 *
 * Feed the parser whatever the socket gave, in pieces split anywhere,
 * with [method@Xmpp.Parser.feed]. It emits
 * [signal@Xmpp.Parser::stream-start] once the peer's `<stream:stream>`
 * tag is complete, [signal@Xmpp.Parser::stanza] for each complete
 * top-level element of the stream, and [signal@Xmpp.Parser::stream-end]
 * at `</stream:stream>`:
 *
 * ```c
 * static void
 * on_stanza (XmppParser *parser,
 *            XmppStanza *stanza,
 *            gpointer    user_data)
 * {
 *   if (xmpp_stanza_get_kind (stanza) == XMPP_STANZA_KIND_MESSAGE)
 *     g_print ("%s\n", xmpp_element_get_child_text (xmpp_stanza_get_element (stanza),
 *                                                   "body", NULL));
 * }
 *
 * g_autoptr(XmppParser) parser = xmpp_parser_new ();
 * g_autoptr(GError) error = NULL;
 *
 * g_signal_connect (parser, "stanza", G_CALLBACK (on_stanza), NULL);
 * if (!xmpp_parser_feed (parser, buffer, n_read, &error))
 *   send_stream_error_and_close (error);
 * ```
 *
 * ## Restricted XML
 *
 * The parser accepts the subset of XML that RFC 6120 §11 allows. A
 * document type declaration, an entity declaration, a reference to an
 * entity other than the five predefined ones, a comment or a processing
 * instruction fails with %XMPP_STREAM_ERROR_RESTRICTED_XML as soon as it
 * is seen; nothing is ever expanded or fetched. An XML declaration is
 * allowed, but one that names an encoding other than UTF-8 fails with
 * %XMPP_STREAM_ERROR_UNSUPPORTED_ENCODING: the input is always UTF-8.
 * Malformed XML, including bytes that are not UTF-8, a NUL byte, a
 * character that XML forbids or an unbound namespace prefix, fails with
 * %XMPP_STREAM_ERROR_NOT_WELL_FORMED, and so does data after the end of
 * the stream (white space after it is ignored). Text other than white
 * space between stanzas fails with %XMPP_STREAM_ERROR_BAD_FORMAT.
 *
 * The root element must be `stream` in the namespace
 * `http://etherx.jabber.org/streams`. If its prefix is bound to another
 * namespace (`<stream:stream xmlns:stream='urn:other'>`), the error is
 * %XMPP_STREAM_ERROR_BAD_NAMESPACE_PREFIX; any other root (another name,
 * or an unprefixed `stream` in another namespace or none) fails with
 * %XMPP_STREAM_ERROR_INVALID_NAMESPACE. The content namespace of the
 * stream is the default namespace declared on that tag; the parser does
 * not judge it.
 *
 * ## Limits
 *
 * [property@Xmpp.Parser:max-stanza-size],
 * [property@Xmpp.Parser:max-depth] and
 * [property@Xmpp.Parser:max-attributes] bound what one stanza may cost;
 * going past one fails with %XMPP_STREAM_ERROR_POLICY_VIOLATION. The
 * parser never holds much more than `max-stanza-size` bytes of input, and
 * a long start tag with too many attributes fails as soon as they have
 * arrived, without waiting for its end.
 *
 * ## Errors and re-entrancy
 *
 * Every error is in the %XMPP_STREAM_ERROR domain, with the condition to
 * send back to the peer as its code. After an error no signal is emitted
 * and every later call to [method@Xmpp.Parser.feed] fails with the same
 * error, until [method@Xmpp.Parser.reset].
 *
 * A signal handler may drop its reference to the parser, dispose of it,
 * or reset it. A reset from within a handler takes effect when
 * [method@Xmpp.Parser.feed] returns, and the bytes of that call after the
 * element that triggered the handler are discarded: they belong to the
 * stream being abandoned. (After STARTTLS or SASL success the server sends
 * nothing of the new stream before the client has sent its new header,
 * so nothing of the new stream is lost.)
 */

/* Feeds are cut into pieces of this size so that the stanza size limit is
 * checked often enough to bound what libxml2 buffers. */
#define PIECE_SIZE (16 * 1024)

/* The name cache is emptied when it grows past this many entries. */
#define NAME_CACHE_MAX 4096

/* Slots of the direct-mapped cache in front of it. */
#define NAME_SLOTS 256

/* An incomplete start tag left in libxml2's buffer is looked at once it is
 * this long. */
#define PENDING_TAG_MIN 1024

/* Top-level elements are the children of the root: of <stream:stream>, or
 * of the hidden wrapper of a fragment parser. */
#define STANZA_DEPTH 2

/* A fragment parser parses its element inside a wrapper element that
 * binds the stream: prefix as it is inside a stream (that is how stanzas
 * are serialised), and declares the default namespace if asked to. The
 * wrapper's tag ends with a newline so that line numbers can be
 * corrected. */
#define FRAGMENT_CLOSE "</fragment>"

#if LIBXML_VERSION >= 21200
typedef const xmlError *XmppXmlErrorPtr;
#else
typedef xmlErrorPtr XmppXmlErrorPtr;
#endif

struct _XmppParser
{
  GObject parent_instance;

  xmlParserCtxtPtr ctxt;

  gsize max_stanza_size;
  guint max_depth;
  guint max_attributes;

  XmppParserHandlers handlers;
  gpointer handlers_data;

  /* Number of open elements, the root included. */
  guint depth;

  XmppElement *stanza;          /* owned: the stanza being built */
  XmppElement *current;         /* borrowed: its innermost open element */

  /* Character data not yet attached to the tree: adjacent pieces of text
   * and CDATA end up as one string. */
  char *text;
  gsize text_length;
  gsize text_size;

  /* libxml2's interned names (stable for the context's lifetime) mapped
   * to GRefStrings, so that each stanza shares them; the slots are a
   * faster first look, borrowing the table's values. */
  GHashTable *names;
  struct {
    const xmlChar *key;
    char *value;
  } name_slots[NAME_SLOTS];

  guint64 fed;                  /* bytes given to libxml2 since the reset */
  guint64 boundary;             /* where the current stanza began */

  /* The incomplete start tag that libxml2 holds back (see
   * check_pending_tag()): where it begins, how far it was scanned, and
   * what was found so far. */
  guint64 tag_offset;
  gsize tag_scanned;
  guint tag_n_attributes;
  char tag_quote;
  gboolean tag_is_start;

  GError *error;

  /* The UTF-8 sequence that the last feed left unfinished: how many
   * continuation bytes are still due, and the range of the next one. */
  guint8 utf8_needed;
  guint8 utf8_low;
  guint8 utf8_high;

  char *fragment_open;          /* the wrapper's start tag */

  guint fragment : 1;
  guint has_handlers : 1;
  guint in_feed : 1;
  guint reset_pending : 1;
  guint stopped : 1;            /* stop processing the current feed */
  guint root_done : 1;          /* the stream, or the fragment's element, has ended */
  guint finished : 1;           /* xmpp_parser_finish() was called */
};

enum
{
  PROP_0,
  PROP_MAX_STANZA_SIZE,
  PROP_MAX_DEPTH,
  PROP_MAX_ATTRIBUTES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_STREAM_START,
  SIGNAL_STANZA,
  SIGNAL_STREAM_END,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (XmppParser, xmpp_parser, G_TYPE_OBJECT)

/* Position and errors */

static inline guint64
parser_offset (XmppParser *self)
{
  xmlParserInputPtr input = self->ctxt->input;

  return input->consumed + (guint64) (input->cur - input->base);
}

static void
stop (XmppParser *self)
{
  if (!self->stopped)
    {
      self->stopped = TRUE;
      xmlStopParser (self->ctxt);
    }
}

/* Records the first error, with where libxml2 is in the input, and stops.
 * Must only be called from libxml2's callbacks or between two of its
 * calls. */
static void
fail_at (XmppParser      *self,
         XmppStreamError  code,
         int              line,
         int              column,
         const char      *message)
{
  if (self->error != NULL)
    return;

  if (self->fragment)
    line--;
  if (line > 0)
    self->error = g_error_new (XMPP_STREAM_ERROR, code,
                               /* Translators: the first %s is an error message */
                               _("%s (line %d, column %d)"), message, line, column);
  else
    self->error = g_error_new_literal (XMPP_STREAM_ERROR, code, message);
}

static void
fail (XmppParser      *self,
      XmppStreamError  code,
      const char      *message)
{
  xmlParserInputPtr input = self->ctxt->input;

  fail_at (self, code,
           input != NULL ? input->line : 0,
           input != NULL ? input->col : 0,
           message);
  stop (self);
}

G_GNUC_PRINTF (3, 4)
static void
failf (XmppParser      *self,
       XmppStreamError  code,
       const char      *format,
       ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  fail (self, code, message);
}

static inline gboolean
is_active (XmppParser *self)
{
  return !self->stopped && self->error == NULL;
}

/* Names */

static inline char *
dup_bytes (const char *bytes,
           gsize       length)
{
  char *copy = g_malloc (length + 1);

  memcpy (copy, bytes, length);
  copy[length] = '\0';
  return copy;
}

/* Text */

#define TEXT_BUFFER_KEEP (64 * 1024)

static inline void
append_text (XmppParser *self,
             const char *text,
             gsize       length)
{
  if (G_UNLIKELY (length == 0))
    return;
  if (G_UNLIKELY (self->text_size - self->text_length < length))
    {
      self->text_size = MAX (2 * self->text_size, self->text_length + length);
      self->text = g_realloc (self->text, self->text_size);
    }
  memcpy (self->text + self->text_length, text, length);
  self->text_length += length;
}

/* Attaches the pending text to @element, after its last child. */
static inline void
flush_text (XmppParser  *self,
            XmppElement *element)
{
  if (self->text_length == 0)
    return;

  xmpp_element_take_text (element, dup_bytes (self->text, self->text_length));
  self->text_length = 0;
  /* Do not keep a huge buffer after a huge text. */
  if (G_UNLIKELY (self->text_size > TEXT_BUFFER_KEEP))
    {
      g_clear_pointer (&self->text, g_free);
      self->text_size = 0;
    }
}

/* Copies an attribute value. Without XML_PARSE_NOENT, libxml2 decodes
 * every reference in an attribute value except those that give '&':
 * "&amp;" and "&#38;" both reach us as "&#38;", and no other '&' can.
 * The same goes for the namespace names of xmlns declarations. */
static char *
dup_attribute_value (const xmlChar *value,
                     const xmlChar *end)
{
  gsize length = end - value;
  const char *p = (const char *) value;
  const char *stop_at = (const char *) end;
  char *copy, *out;

  if (G_LIKELY (memchr (p, '&', length) == NULL))
    return dup_bytes (p, length);

  copy = out = g_malloc (length + 1);
  while (p < stop_at)
    {
      if (*p == '&' && stop_at - p >= 5 && memcmp (p, "&#38;", 5) == 0)
        {
          *out++ = '&';
          p += 5;
        }
      else
        {
          *out++ = *p++;
        }
    }
  *out = '\0';
  return copy;
}

static void
clear_names (XmppParser *self)
{
  memset (self->name_slots, 0, sizeof self->name_slots);
  g_hash_table_remove_all (self->names);
}

static G_GNUC_NO_INLINE char *
intern_name_slow (XmppParser    *self,
                  const xmlChar *name,
                  guint          slot)
{
  char *ref = g_hash_table_lookup (self->names, name);

  if (ref == NULL)
    {
      if (g_hash_table_size (self->names) >= NAME_CACHE_MAX)
        clear_names (self);
      if (G_UNLIKELY (strchr ((const char *) name, '&') != NULL))
        {
          /* A namespace name (no element or attribute name has an '&') */
          gsize length = strlen ((const char *) name);
          g_autofree char *decoded = dup_attribute_value (name, name + length);

          ref = xmpp_name_new (decoded);
        }
      else
        {
          ref = xmpp_name_new ((const char *) name);
        }
      g_hash_table_insert (self->names, (gpointer) name, ref);
    }
  self->name_slots[slot].key = name;
  self->name_slots[slot].value = ref;
  return ref;
}

/* Returns a new reference to the name for @name, a string of libxml2's
 * dictionary: a well-known name costs no reference count. */
static inline char *
intern_name (XmppParser    *self,
             const xmlChar *name)
{
  guint64 hash = (guint64) (guintptr) name * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
  guint slot = (guint) (hash >> 56) % NAME_SLOTS;
  char *ref;

  if (G_LIKELY (self->name_slots[slot].key == name))
    ref = self->name_slots[slot].value;
  else
    ref = intern_name_slow (self, name, slot);

  return xmpp_name_acquire (ref);
}

/* Emission */

static void
emit_stream_start (XmppParser       *self,
                   XmppStreamHeader *header)
{
  if (self->has_handlers)
    {
      if (self->handlers.stream_start != NULL)
        self->handlers.stream_start (header, self->handlers_data);
    }
  else
    {
      g_signal_emit (self, signals[SIGNAL_STREAM_START], 0, header);
    }
}

static void
emit_stanza (XmppParser *self,
             XmppStanza *stanza)
{
  if (self->has_handlers)
    {
      if (self->handlers.stanza != NULL)
        self->handlers.stanza (stanza, self->handlers_data);
    }
  else
    {
      g_signal_emit (self, signals[SIGNAL_STANZA], 0, stanza);
    }
}

static void
emit_stream_end (XmppParser *self)
{
  if (self->has_handlers)
    {
      if (self->handlers.stream_end != NULL)
        self->handlers.stream_end (self->handlers_data);
    }
  else
    {
      g_signal_emit (self, signals[SIGNAL_STREAM_END], 0);
    }
}

/* SAX callbacks */

static void
start_stream (XmppParser     *self,
              const xmlChar  *localname,
              const xmlChar  *prefix,
              const xmlChar  *uri,
              int             n_namespaces,
              const xmlChar **namespaces,
              int             n_attributes,
              const xmlChar **attributes)
{
  g_autoptr(XmppStreamHeader) header = NULL;
  g_autofree char *content_namespace = NULL;

  if (uri == NULL || strcmp ((const char *) uri, XMPP_NS_STREAM) != 0)
    {
      if (prefix != NULL && strcmp ((const char *) localname, "stream") == 0)
        failf (self, XMPP_STREAM_ERROR_BAD_NAMESPACE_PREFIX,
               _("The prefix “%s” of the stream element is bound to “%s”, not to “%s”"),
               prefix, uri != NULL ? (const char *) uri : "", XMPP_NS_STREAM);
      else if (uri != NULL)
        failf (self, XMPP_STREAM_ERROR_INVALID_NAMESPACE,
               _("The root element is “%s” in the namespace “%s”, "
                 "not “stream” in “%s”"),
               localname, uri, XMPP_NS_STREAM);
      else
        failf (self, XMPP_STREAM_ERROR_INVALID_NAMESPACE,
               _("The root element is “%s” in no namespace, not “stream” in “%s”"),
               localname, XMPP_NS_STREAM);
      return;
    }
  if (strcmp ((const char *) localname, "stream") != 0)
    {
      failf (self, XMPP_STREAM_ERROR_INVALID_NAMESPACE,
             _("The root element is “%s”, not “stream”"), localname);
      return;
    }

  for (int i = 0; i < n_namespaces; i++)
    {
      const xmlChar *name = namespaces[2 * i + 1];

      if (namespaces[2 * i] == NULL && name[0] != '\0')
        {
          g_free (content_namespace);
          content_namespace = dup_attribute_value (name, name + strlen ((const char *) name));
        }
    }

  header = xmpp_stream_header_new (content_namespace);
  if (content_namespace == NULL)
    xmpp_stream_header_set_content_namespace (header, NULL);

  for (int i = 0; i < n_attributes; i++)
    {
      const xmlChar **attr = &attributes[5 * i];
      const char *name = (const char *) attr[0];
      const char *ns = (const char *) attr[2];
      g_autofree char *value = dup_attribute_value (attr[3], attr[4]);

      if (ns == NULL)
        {
          if (strcmp (name, "id") == 0)
            xmpp_stream_header_set_id (header, value);
          else if (strcmp (name, "from") == 0)
            xmpp_stream_header_set_from (header, value);
          else if (strcmp (name, "to") == 0)
            xmpp_stream_header_set_to (header, value);
          else if (strcmp (name, "version") == 0)
            xmpp_stream_header_set_version (header, value);
        }
      else if (strcmp (ns, XMPP_NS_XML) == 0 && strcmp (name, "lang") == 0)
        {
          xmpp_stream_header_set_lang (header, value);
        }
    }

  /* The stream's first stanza begins after the '>' of this tag. */
  self->boundary = parser_offset (self) + (*self->ctxt->input->cur == '>' ? 1 : 0);
  emit_stream_start (self, header);
}

static void
on_start_element (void           *user_data,
                  const xmlChar  *localname,
                  const xmlChar  *prefix,
                  const xmlChar  *uri,
                  int             n_namespaces,
                  const xmlChar **namespaces,
                  int             n_attributes,
                  int             n_defaulted,
                  const xmlChar **attributes)
{
  XmppParser *self = user_data;
  XmppElement *element;
  guint depth;

  if (!is_active (self))
    return;

  depth = ++self->depth;

  if (self->fragment && depth < STANZA_DEPTH)
    {
      /* The wrapper: the element begins after it. */
      self->boundary = parser_offset (self) + 1;
      return;
    }
  if (self->fragment && depth == STANZA_DEPTH && self->root_done)
    {
      fail (self, XMPP_STREAM_ERROR_NOT_WELL_FORMED, _("More than one element"));
      return;
    }

  if ((guint) n_attributes + (guint) n_namespaces > self->max_attributes)
    {
      failf (self, XMPP_STREAM_ERROR_POLICY_VIOLATION,
             _("The element “%s” has %d attributes and namespace declarations, "
               "more than the limit of %u"),
             localname, n_attributes + n_namespaces, self->max_attributes);
      return;
    }

  if (depth < STANZA_DEPTH)
    {
      start_stream (self, localname, prefix, uri, n_namespaces, namespaces,
                    n_attributes, attributes);
      return;
    }

  if (depth - STANZA_DEPTH >= self->max_depth)
    {
      failf (self, XMPP_STREAM_ERROR_POLICY_VIOLATION,
             _("Elements are nested more than %u deep in a stanza"), self->max_depth);
      return;
    }
  if (parser_offset (self) - self->boundary > self->max_stanza_size)
    {
      failf (self, XMPP_STREAM_ERROR_POLICY_VIOLATION,
             _("A stanza is longer than the limit of %lu bytes"),
             (unsigned long) self->max_stanza_size);
      return;
    }

  element = xmpp_element_new_take_sized (intern_name (self, localname),
                                         uri != NULL ? intern_name (self, uri) : NULL,
                                         n_attributes);
  for (int i = 0; i < n_attributes; i++)
    {
      const xmlChar **attr = &attributes[5 * i];

      xmpp_element_take_attribute (element,
                                   intern_name (self, attr[0]),
                                   attr[2] != NULL ? intern_name (self, attr[2]) : NULL,
                                   dup_attribute_value (attr[3], attr[4]));
    }

  if (self->current != NULL)
    {
      flush_text (self, self->current);
      xmpp_element_take_child (self->current, element);
    }
  else
    {
      self->stanza = element;
    }
  self->current = element;
}

static void
on_end_element (void          *user_data,
                const xmlChar *localname,
                const xmlChar *prefix,
                const xmlChar *uri)
{
  XmppParser *self = user_data;
  XmppElement *element;
  guint64 offset;

  if (!is_active (self))
    return;

  if (self->depth-- < STANZA_DEPTH)
    {
      /* </stream:stream>, or the end of a fragment's wrapper */
      if (!self->fragment)
        {
          self->root_done = TRUE;
          emit_stream_end (self);
        }
      return;
    }

  element = self->current;
  flush_text (self, element);

  if (element != self->stanza)
    {
      self->current = element->parent;
      return;
    }

  /* A complete top-level element. */
  offset = parser_offset (self);
  if (offset - self->boundary > self->max_stanza_size)
    {
      failf (self, XMPP_STREAM_ERROR_POLICY_VIOLATION,
             _("A stanza is longer than the limit of %lu bytes"),
             (unsigned long) self->max_stanza_size);
      return;
    }
  self->boundary = offset;
  self->current = NULL;
  self->stanza = NULL;
  if (self->fragment)
    self->root_done = TRUE;

  {
    XmppStanza *stanza = xmpp_stanza_new_take_element (element);

    emit_stanza (self, stanza);
    xmpp_stanza_unref (stanza);
  }
}

static gboolean
is_white_space (const xmlChar *text,
                int            length)
{
  for (int i = 0; i < length; i++)
    if (text[i] != ' ' && text[i] != '\n' && text[i] != '\t' && text[i] != '\r')
      return FALSE;
  return TRUE;
}

static void
on_characters (void          *user_data,
               const xmlChar *text,
               int            length)
{
  XmppParser *self = user_data;

  if (!is_active (self))
    return;

  if (G_LIKELY (self->current != NULL))
    {
      append_text (self, (const char *) text, length);
    }
  else if (is_white_space (text, length))
    {
      /* White space between stanzas, such as a keepalive: the next
       * stanza is measured from its end. */
      self->boundary = parser_offset (self);
    }
  else if (self->fragment)
    {
      fail (self, XMPP_STREAM_ERROR_NOT_WELL_FORMED, _("Text outside the element"));
    }
  else
    {
      fail (self, XMPP_STREAM_ERROR_BAD_FORMAT,
            _("Text between stanzas, directly inside the stream"));
    }
}

static void
on_start_document (void *user_data)
{
  XmppParser *self = user_data;
  const xmlChar *encoding;

  if (!is_active (self))
    return;

  encoding = self->ctxt->encoding != NULL ? self->ctxt->encoding : self->ctxt->input->encoding;
  if (encoding != NULL &&
      g_ascii_strcasecmp ((const char *) encoding, "UTF-8") != 0 &&
      g_ascii_strcasecmp ((const char *) encoding, "UTF8") != 0)
    failf (self, XMPP_STREAM_ERROR_UNSUPPORTED_ENCODING,
           _("The XML declaration names the encoding “%s”; only UTF-8 is supported"),
           encoding);
}

static void
on_comment (void          *user_data,
            const xmlChar *value)
{
  XmppParser *self = user_data;

  if (is_active (self))
    fail (self, XMPP_STREAM_ERROR_RESTRICTED_XML, _("A comment is not allowed"));
}

static void
on_processing_instruction (void          *user_data,
                           const xmlChar *target,
                           const xmlChar *data)
{
  XmppParser *self = user_data;

  if (is_active (self))
    failf (self, XMPP_STREAM_ERROR_RESTRICTED_XML,
           _("A processing instruction (“%s”) is not allowed"), target);
}

static void
on_subset (void          *user_data,
           const xmlChar *name,
           const xmlChar *external_id,
           const xmlChar *system_id)
{
  XmppParser *self = user_data;

  if (is_active (self))
    fail (self, XMPP_STREAM_ERROR_RESTRICTED_XML,
          _("A document type declaration is not allowed"));
}

static void
on_entity_decl (void          *user_data,
                const xmlChar *name,
                int            type,
                const xmlChar *public_id,
                const xmlChar *system_id,
                xmlChar       *content)
{
  XmppParser *self = user_data;

  if (is_active (self))
    failf (self, XMPP_STREAM_ERROR_RESTRICTED_XML,
           _("The declaration of the entity “%s” is not allowed"), name);
}

static xmlEntityPtr
on_get_entity (void          *user_data,
               const xmlChar *name)
{
  XmppParser *self = user_data;

  /* libxml2 resolves the predefined entities and character references
   * without asking. */
  if (is_active (self))
    failf (self, XMPP_STREAM_ERROR_RESTRICTED_XML,
           _("The reference to the entity “%s” is not allowed"), name);
  return NULL;
}

static xmlParserInputPtr
on_resolve_entity (void          *user_data,
                   const xmlChar *public_id,
                   const xmlChar *system_id)
{
  XmppParser *self = user_data;

  if (is_active (self))
    fail (self, XMPP_STREAM_ERROR_RESTRICTED_XML, _("An external entity is not allowed"));
  return NULL;
}

/* Whether libxml2 stopped at a markup declaration (<!DOCTYPE, <!ENTITY,
 * <!ELEMENT, <!ATTLIST, <!NOTATION). */
static gboolean
at_markup_declaration (XmppParser *self)
{
  static const char *const declarations[] = { "DOCTYPE", "ENTITY", "ELEMENT", "ATTLIST", "NOTATION" };
  xmlParserInputPtr input = self->ctxt->input;
  const char *cur;
  gsize available;

  if (input == NULL || input->cur == NULL || input->end == NULL)
    return FALSE;
  cur = (const char *) input->cur;
  available = (const char *) input->end - cur;
  if (available < 2 || cur[0] != '<' || cur[1] != '!')
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (declarations); i++)
    {
      gsize n = strlen (declarations[i]);

      if (available >= n + 2 && strncmp (cur + 2, declarations[i], n) == 0)
        return TRUE;
    }
  return FALSE;
}

static void
on_error (void            *user_data,
          XmppXmlErrorPtr  error)
{
  XmppParser *self = user_data;
  XmppStreamError code = XMPP_STREAM_ERROR_NOT_WELL_FORMED;
  g_autofree char *message = NULL;

  if (error->level < XML_ERR_ERROR || !is_active (self))
    return;
  /* A namespace name that is not a valid URI is harmless; libxml2 itself
   * carries on. */
  if (error->code == XML_WAR_NS_URI)
    return;

  if (error->code == XML_ERR_UNSUPPORTED_ENCODING || error->code == XML_ERR_INVALID_ENCODING)
    code = XMPP_STREAM_ERROR_UNSUPPORTED_ENCODING;
  else if (error->code == XML_ERR_INTERNAL_ERROR && at_markup_declaration (self))
    {
      /* libxml2 reports a DTD declaration inside the stream, where XML
       * has no place for one, as an error in element content: it is the
       * restricted XML of RFC 6120 §11.1 all the same. */
      fail (self, XMPP_STREAM_ERROR_RESTRICTED_XML,
            _("A document type or entity declaration is not allowed"));
      self->ctxt->disableSAX = 1;
      return;
    }

  message = g_strdup (error->message != NULL ? error->message : "");
  g_strchomp (message);
  fail_at (self, code, error->line, error->int2, message);

  /* Fatal errors already turn off the callbacks; namespace errors do not.
   * Stopping the parser from here would free the input under libxml2's
   * feet, so only the callbacks are turned off; the feed loop stops. */
  self->ctxt->disableSAX = 1;
}

static xmlSAXHandler sax_handler = {
  .initialized = XML_SAX2_MAGIC,
  .startElementNs = on_start_element,
  .endElementNs = on_end_element,
  .characters = on_characters,
  .cdataBlock = on_characters,
  .ignorableWhitespace = on_characters,
  .startDocument = on_start_document,
  .comment = on_comment,
  .processingInstruction = on_processing_instruction,
  .internalSubset = on_subset,
  .externalSubset = on_subset,
  .entityDecl = on_entity_decl,
  .getEntity = on_get_entity,
  .getParameterEntity = on_get_entity,
  .resolveEntity = on_resolve_entity,
  .serror = on_error,
};

/* Never XML_PARSE_NOENT nor XML_PARSE_DTDLOAD: nothing is expanded or
 * loaded. */
#define PARSE_OPTIONS (XML_PARSE_NONET)

/* State */

static void
clear_state (XmppParser *self)
{
  g_clear_pointer (&self->stanza, xmpp_element_unref);
  self->current = NULL;
  self->text_length = 0;
  clear_names (self);
  g_clear_error (&self->error);
  self->depth = 0;
  self->fed = 0;
  self->boundary = 0;
  self->tag_offset = G_MAXUINT64;
  self->utf8_needed = 0;
  self->reset_pending = FALSE;
  self->stopped = FALSE;
  self->root_done = FALSE;
  self->finished = FALSE;
}

static void
open_fragment (XmppParser *self)
{
  gsize length = strlen (self->fragment_open);

  xmlParseChunk (self->ctxt, self->fragment_open, (int) length, 0);
  self->fed += length;
}

static void
really_reset (XmppParser *self)
{
  clear_state (self);

  /* libxml2 keeps the dictionary across a reset, but the cache is emptied
   * anyway: it must never outlive the dictionary it points into. */
  if (xmlCtxtResetPush (self->ctxt, NULL, 0, NULL, NULL) != 0)
    {
      xmlFreeParserCtxt (self->ctxt);
      self->ctxt = xmlCreatePushParserCtxt (&sax_handler, self, NULL, 0, NULL);
      if (self->ctxt == NULL)
        g_error ("Cannot create an XML parser: out of memory");
    }
  xmlCtxtUseOptions (self->ctxt, PARSE_OPTIONS);
  if (self->fragment)
    open_fragment (self);
}

static void
xmpp_parser_init (XmppParser *self)
{
  self->max_stanza_size = XMPP_PARSER_DEFAULT_MAX_STANZA_SIZE;
  self->max_depth = XMPP_PARSER_DEFAULT_MAX_DEPTH;
  self->max_attributes = XMPP_PARSER_DEFAULT_MAX_ATTRIBUTES;
  self->tag_offset = G_MAXUINT64;
  self->text_size = 256;
  self->text = g_malloc (self->text_size);
  self->names = g_hash_table_new_full (g_direct_hash, g_direct_equal,
                                       NULL, (GDestroyNotify) xmpp_name_release);

  self->ctxt = xmlCreatePushParserCtxt (&sax_handler, self, NULL, 0, NULL);
  if (self->ctxt == NULL)
    g_error ("Cannot create an XML parser: out of memory");
  xmlCtxtUseOptions (self->ctxt, PARSE_OPTIONS);
}

static void
xmpp_parser_dispose (GObject *object)
{
  XmppParser *self = XMPP_PARSER (object);

  /* Whoever set the handlers may be going away with us. If this happens
   * from a callback, the rest of the feed is dropped. */
  self->has_handlers = FALSE;
  memset (&self->handlers, 0, sizeof self->handlers);
  self->handlers_data = NULL;
  if (self->in_feed)
    stop (self);

  G_OBJECT_CLASS (xmpp_parser_parent_class)->dispose (object);
}

static void
xmpp_parser_finalize (GObject *object)
{
  XmppParser *self = XMPP_PARSER (object);

  g_clear_pointer (&self->stanza, xmpp_element_unref);
  g_clear_error (&self->error);
  g_free (self->fragment_open);
  g_free (self->text);
  g_hash_table_unref (self->names);
  xmlFreeParserCtxt (self->ctxt);

  G_OBJECT_CLASS (xmpp_parser_parent_class)->finalize (object);
}

static void
xmpp_parser_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  XmppParser *self = XMPP_PARSER (object);

  switch (prop_id)
    {
    case PROP_MAX_STANZA_SIZE:
      g_value_set_uint64 (value, self->max_stanza_size);
      break;
    case PROP_MAX_DEPTH:
      g_value_set_uint (value, self->max_depth);
      break;
    case PROP_MAX_ATTRIBUTES:
      g_value_set_uint (value, self->max_attributes);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xmpp_parser_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  XmppParser *self = XMPP_PARSER (object);

  switch (prop_id)
    {
    case PROP_MAX_STANZA_SIZE:
      xmpp_parser_set_max_stanza_size (self, (gsize) MIN (g_value_get_uint64 (value), G_MAXSIZE));
      break;
    case PROP_MAX_DEPTH:
      xmpp_parser_set_max_depth (self, g_value_get_uint (value));
      break;
    case PROP_MAX_ATTRIBUTES:
      xmpp_parser_set_max_attributes (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xmpp_parser_class_init (XmppParserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  xmlInitParser ();

  object_class->dispose = xmpp_parser_dispose;
  object_class->finalize = xmpp_parser_finalize;
  object_class->get_property = xmpp_parser_get_property;
  object_class->set_property = xmpp_parser_set_property;

  /**
   * XmppParser:max-stanza-size:
   *
   * The most bytes one stanza may take in the stream, counted from the
   * end of the previous stanza, of the stream header or of the white
   * space before it, to the end of the stanza's closing tag. The stream
   * header itself must fit in it too. A longer stanza fails with
   * %XMPP_STREAM_ERROR_POLICY_VIOLATION once this many bytes (plus at
   * most 16 KiB) have arrived, without waiting for its end.
   */
  properties[PROP_MAX_STANZA_SIZE] =
    g_param_spec_uint64 ("max-stanza-size", NULL, NULL,
                         1, G_MAXSIZE, XMPP_PARSER_DEFAULT_MAX_STANZA_SIZE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppParser:max-depth:
   *
   * How deep elements may nest in a stanza, the stanza's own element
   * counting as 1. A deeper element fails with
   * %XMPP_STREAM_ERROR_POLICY_VIOLATION. libxml2 itself refuses documents
   * more than 256 deep, whatever this says.
   */
  properties[PROP_MAX_DEPTH] =
    g_param_spec_uint ("max-depth", NULL, NULL,
                       1, G_MAXUINT, XMPP_PARSER_DEFAULT_MAX_DEPTH,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppParser:max-attributes:
   *
   * How many attributes one element may have, namespace declarations
   * included. The limit applies to the stream header as well. More fail
   * with %XMPP_STREAM_ERROR_POLICY_VIOLATION.
   */
  properties[PROP_MAX_ATTRIBUTES] =
    g_param_spec_uint ("max-attributes", NULL, NULL,
                       0, G_MAXUINT, XMPP_PARSER_DEFAULT_MAX_ATTRIBUTES,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * XmppParser::stream-start:
   * @self: the parser
   * @header: (transfer none): the attributes of the peer's stream header
   *
   * Emitted once the peer's `<stream:stream>` tag is complete, before any
   * [signal@Xmpp.Parser::stanza]; once per stream (again after
   * [method@Xmpp.Parser.reset]). A parser made for a lone element never
   * emits it.
   */
  signals[SIGNAL_STREAM_START] =
    g_signal_new ("stream-start",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL,
                  g_cclosure_marshal_VOID__BOXED,
                  G_TYPE_NONE, 1,
                  XMPP_TYPE_STREAM_HEADER);
  g_signal_set_va_marshaller (signals[SIGNAL_STREAM_START],
                              G_TYPE_FROM_CLASS (klass),
                              g_cclosure_marshal_VOID__BOXEDv);

  /**
   * XmppParser::stanza:
   * @self: the parser
   * @stanza: (transfer none): the stanza; take a reference to keep it
   *
   * Emitted for each complete top-level element of the stream, in order:
   * iq, message and presence stanzas, but also `<stream:features/>`,
   * `<stream:error/>` and the elements of STARTTLS and SASL (see
   * [method@Xmpp.Stanza.get_kind]).
   */
  signals[SIGNAL_STANZA] =
    g_signal_new ("stanza",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL,
                  g_cclosure_marshal_VOID__BOXED,
                  G_TYPE_NONE, 1,
                  XMPP_TYPE_STANZA);
  g_signal_set_va_marshaller (signals[SIGNAL_STANZA],
                              G_TYPE_FROM_CLASS (klass),
                              g_cclosure_marshal_VOID__BOXEDv);

  /**
   * XmppParser::stream-end:
   * @self: the parser
   *
   * Emitted at the peer's `</stream:stream>`, at most once per stream and
   * after every stanza of it.
   */
  signals[SIGNAL_STREAM_END] =
    g_signal_new ("stream-end",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL,
                  g_cclosure_marshal_VOID__VOID,
                  G_TYPE_NONE, 0);
  g_signal_set_va_marshaller (signals[SIGNAL_STREAM_END],
                              G_TYPE_FROM_CLASS (klass),
                              g_cclosure_marshal_VOID__VOIDv);
}

/**
 * xmpp_parser_new:
 *
 * Creates a parser for the stream a peer sends, starting with its
 * `<stream:stream>` tag (an XML declaration may come first).
 *
 * Returns: (transfer full): a new parser
 */
XmppParser *
xmpp_parser_new (void)
{
  return g_object_new (XMPP_TYPE_PARSER, NULL);
}

XmppParser *
xmpp_parser_new_fragment_in_namespace (const char *default_namespace)
{
  XmppParser *self = g_object_new (XMPP_TYPE_PARSER, NULL);
  GString *open = g_string_new ("<fragment xmlns:stream='" XMPP_NS_STREAM "'");

  if (default_namespace != NULL)
    {
      g_string_append (open, " xmlns='");
      xmpp_writer_append_attribute_value (open, default_namespace);
      g_string_append_c (open, '\'');
    }
  g_string_append (open, ">\n");

  self->fragment = TRUE;
  self->fragment_open = g_string_free (open, FALSE);
  open_fragment (self);
  return self;
}

XmppParser *
xmpp_parser_new_fragment (void)
{
  return xmpp_parser_new_fragment_in_namespace (NULL);
}

void
xmpp_parser_set_handlers (XmppParser               *self,
                          const XmppParserHandlers *handlers,
                          gpointer                  user_data)
{
  g_return_if_fail (XMPP_IS_PARSER (self));

  if (handlers != NULL)
    {
      self->handlers = *handlers;
      self->handlers_data = user_data;
      self->has_handlers = TRUE;
    }
  else
    {
      memset (&self->handlers, 0, sizeof self->handlers);
      self->handlers_data = NULL;
      self->has_handlers = FALSE;
    }
}

/* Called when libxml2 returns: turns what it left into an error if it
 * failed without telling us (it always should). */
static void
check_well_formed (XmppParser *self)
{
  if (self->error == NULL && !self->stopped && !self->ctxt->wellFormed)
    fail (self, XMPP_STREAM_ERROR_NOT_WELL_FORMED, _("The XML is not well-formed"));
}

/* Checks that @data continues the stream with valid UTF-8 (RFC 3629: no
 * overlong form, no surrogate, nothing past U+10FFFF), carrying an
 * unfinished sequence over to the next feed. libxml2 2.9 lets some
 * overlong forms through. Returns the length of the valid prefix. */
static gsize
validate_utf8 (XmppParser   *self,
               const guint8 *data,
               gsize         length)
{
  gsize i = 0;

  while (i < length)
    {
      guint8 c;

      if (self->utf8_needed > 0)
        {
          c = data[i];
          if (c < self->utf8_low || c > self->utf8_high)
            return i;
          self->utf8_needed--;
          self->utf8_low = 0x80;
          self->utf8_high = 0xBF;
          i++;
          continue;
        }

      /* ASCII, eight bytes at a time */
      while (i + 8 <= length)
        {
          guint64 word;

          memcpy (&word, data + i, 8);
          if (word & G_GUINT64_CONSTANT (0x8080808080808080))
            break;
          i += 8;
        }
      if (i == length)
        break;

      c = data[i];
      if (c < 0x80)
        {
          i++;
          continue;
        }

      self->utf8_low = 0x80;
      self->utf8_high = 0xBF;
      if (c < 0xC2)
        {
          return i;             /* a continuation byte, or overlong */
        }
      else if (c < 0xE0)
        {
          self->utf8_needed = 1;
        }
      else if (c < 0xF0)
        {
          self->utf8_needed = 2;
          if (c == 0xE0)
            self->utf8_low = 0xA0;      /* overlong */
          else if (c == 0xED)
            self->utf8_high = 0x9F;     /* surrogates */
        }
      else if (c < 0xF5)
        {
          self->utf8_needed = 3;
          if (c == 0xF0)
            self->utf8_low = 0x90;      /* overlong */
          else if (c == 0xF4)
            self->utf8_high = 0x8F;     /* past U+10FFFF */
        }
      else
        {
          return i;
        }
      i++;
    }

  return length;
}

/* libxml2 2.9 parses a start tag only once it is complete, and then
 * looks for duplicate attributes in quadratic time: a tag of a megabyte
 * with as many attributes as it can hold takes seconds. So a long start
 * tag still waiting for its end in libxml2's buffer is scanned here, a
 * little more after each piece, and fails as soon as it has too many
 * attributes; libxml2 never sees more of them than one piece holds. */
static void
check_pending_tag (XmppParser *self)
{
  xmlParserInputPtr input = self->ctxt->input;
  const xmlChar *cur = input->cur;
  const xmlChar *end = input->end;
  const xmlChar *p;
  guint64 offset;

  if (end - cur < PENDING_TAG_MIN)
    return;

  offset = parser_offset (self);
  if (offset != self->tag_offset)
    {
      self->tag_offset = offset;
      self->tag_scanned = 1;
      self->tag_n_attributes = 0;
      self->tag_quote = 0;
      self->tag_is_start = cur[0] == '<' &&
                           (g_ascii_isalpha (cur[1]) || cur[1] == '_' || cur[1] == ':' ||
                            cur[1] >= 0x80);
    }
  if (!self->tag_is_start)
    return;

  for (p = cur + self->tag_scanned; p < end; p++)
    {
      if (self->tag_quote != 0)
        {
          p = memchr (p, self->tag_quote, end - p);
          if (p == NULL)
            {
              p = end;
              break;
            }
          self->tag_quote = 0;
        }
      else if (*p == '\'' || *p == '"')
        {
          self->tag_quote = *p;
        }
      else if (*p == '=')
        {
          if (++self->tag_n_attributes > self->max_attributes)
            {
              fail (self, XMPP_STREAM_ERROR_POLICY_VIOLATION,
                    _("An element has more attributes and namespace declarations than the limit"));
              return;
            }
        }
      else if (*p == '>')
        {
          break;
        }
    }
  self->tag_scanned = p - cur;
}

static gboolean
over_size (XmppParser *self)
{
  if (self->fed - self->boundary <= self->max_stanza_size)
    return FALSE;

  if (self->error == NULL)
    self->error = g_error_new (XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_POLICY_VIOLATION,
                               _("A stanza is longer than the limit of %lu bytes "
                                 "(at byte %llu of the stream)"),
                               (unsigned long) self->max_stanza_size,
                               (unsigned long long) self->fed);
  stop (self);
  return TRUE;
}

/* Ends a feed or a finish: carries out a reset asked for by a callback and
 * reports the error, if any. */
static gboolean
end_feed (XmppParser  *self,
          GError     **error)
{
  self->in_feed = FALSE;

  if (self->reset_pending)
    {
      really_reset (self);
      return TRUE;
    }
  if (self->error != NULL)
    {
      if (error != NULL)
        *error = g_error_copy (self->error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
begin_feed (XmppParser  *self,
            GError     **error)
{
  if (self->error != NULL)
    {
      if (error != NULL)
        *error = g_error_copy (self->error);
      return FALSE;
    }
  self->in_feed = TRUE;
  self->stopped = FALSE;
  return TRUE;
}

/**
 * xmpp_parser_feed:
 * @self: a parser
 * @data: (array length=length): bytes received from the peer
 * @length: the number of bytes in @data
 * @error: return location for a #GError
 *
 * Parses the next bytes of the stream, which may end anywhere, even in the
 * middle of a tag or of a UTF-8 sequence. The signals of every element
 * that these bytes complete are emitted before this returns.
 *
 * If a signal handler resets the parser, the rest of @data is discarded
 * and this returns %TRUE.
 *
 * Returns: %TRUE if all went well; %FALSE with @error set in the
 *   %XMPP_STREAM_ERROR domain if the stream is not acceptable, and then
 *   on every later call until [method@Xmpp.Parser.reset]
 */
gboolean
xmpp_parser_feed (XmppParser   *self,
                  const guint8 *data,
                  gsize         length,
                  GError      **error)
{
  const guint8 *nul;
  gsize usable, valid, remaining;
  gboolean invalid, ret;

  g_return_val_if_fail (XMPP_IS_PARSER (self), FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  g_return_val_if_fail (!self->in_feed, FALSE);

  if (!begin_feed (self, error))
    return FALSE;

  g_object_ref (self);

  if (self->finished && length > 0)
    fail_at (self, XMPP_STREAM_ERROR_NOT_WELL_FORMED, 0, 0,
             _("Data after the end of the document"));

  /* XML never allows a NUL byte, nor bytes that are not UTF-8: whatever
   * comes before is parsed, then the stream fails. */
  nul = memchr (data, '\0', length);
  usable = nul != NULL ? (gsize) (nul - data) : length;
  valid = validate_utf8 (self, data, usable);
  invalid = valid < usable;
  remaining = valid;

  while (remaining > 0 && is_active (self))
    {
      gsize piece = MIN (remaining, PIECE_SIZE);

      if (over_size (self))
        break;
      xmlParseChunk (self->ctxt, (const char *) data, (int) piece, 0);
      self->fed += piece;
      data += piece;
      remaining -= piece;
      check_well_formed (self);
      if (is_active (self) && !over_size (self))
        check_pending_tag (self);
    }

  if (is_active (self))
    {
      if (invalid)
        fail (self, XMPP_STREAM_ERROR_NOT_WELL_FORMED, _("The data is not valid UTF-8"));
      else if (nul != NULL)
        fail (self, XMPP_STREAM_ERROR_NOT_WELL_FORMED, _("A NUL byte is not allowed in XML"));
    }

  ret = end_feed (self, error);
  g_object_unref (self);
  return ret;
}

/**
 * xmpp_parser_finish:
 * @self: a parser
 * @error: return location for a #GError
 *
 * Tells the parser that no more data will come, so that it parses what it
 * held back and checks that the document is complete: the root element of
 * a fragment parser, or the whole stream of a stream parser, has ended.
 * Later feeds fail, until [method@Xmpp.Parser.reset].
 *
 * Returns: %TRUE if the document was complete and well-formed
 */
gboolean
xmpp_parser_finish (XmppParser  *self,
                    GError     **error)
{
  gboolean ret;

  g_return_val_if_fail (XMPP_IS_PARSER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  g_return_val_if_fail (!self->in_feed, FALSE);

  if (!begin_feed (self, error))
    return FALSE;

  g_object_ref (self);

  if (!self->finished)
    {
      self->finished = TRUE;
      /* A complete end tag is always parsed as soon as it arrives, so an
       * unfinished element is not going to end now. */
      if (!self->root_done)
        {
          fail (self, XMPP_STREAM_ERROR_NOT_WELL_FORMED,
                self->fragment ? _("The XML ended before its element was complete")
                               : _("The stream ended before its closing tag"));
        }
      else
        {
          if (self->fragment)
            xmlParseChunk (self->ctxt, FRAGMENT_CLOSE, strlen (FRAGMENT_CLOSE), 0);
          if (is_active (self))
            xmlParseChunk (self->ctxt, NULL, 0, 1);
          check_well_formed (self);
        }
    }

  ret = end_feed (self, error);
  g_object_unref (self);
  return ret;
}

/**
 * xmpp_parser_reset:
 * @self: a parser
 *
 * Forgets the current stream, and any error, so that the parser expects
 * a new stream header: for the stream restart after STARTTLS and after
 * SASL success.
 *
 * From within a signal handler of @self, the reset takes effect when
 * [method@Xmpp.Parser.feed] returns; no signal is emitted in between and
 * the rest of the bytes being fed are discarded.
 */
void
xmpp_parser_reset (XmppParser *self)
{
  g_return_if_fail (XMPP_IS_PARSER (self));

  if (self->in_feed)
    {
      self->reset_pending = TRUE;
      stop (self);
      return;
    }

  really_reset (self);
}

/**
 * xmpp_parser_get_max_stanza_size:
 * @self: a parser
 *
 * Gives [property@Xmpp.Parser:max-stanza-size].
 *
 * Returns: the limit, in bytes
 */
gsize
xmpp_parser_get_max_stanza_size (XmppParser *self)
{
  g_return_val_if_fail (XMPP_IS_PARSER (self), 0);

  return self->max_stanza_size;
}

/**
 * xmpp_parser_set_max_stanza_size:
 * @self: a parser
 * @max_stanza_size: the limit, in bytes, at least 1
 *
 * Sets [property@Xmpp.Parser:max-stanza-size].
 */
void
xmpp_parser_set_max_stanza_size (XmppParser *self,
                                 gsize       max_stanza_size)
{
  g_return_if_fail (XMPP_IS_PARSER (self));
  g_return_if_fail (max_stanza_size > 0);

  if (self->max_stanza_size == max_stanza_size)
    return;

  self->max_stanza_size = max_stanza_size;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_STANZA_SIZE]);
}

/**
 * xmpp_parser_get_max_depth:
 * @self: a parser
 *
 * Gives [property@Xmpp.Parser:max-depth].
 *
 * Returns: the limit
 */
guint
xmpp_parser_get_max_depth (XmppParser *self)
{
  g_return_val_if_fail (XMPP_IS_PARSER (self), 0);

  return self->max_depth;
}

/**
 * xmpp_parser_set_max_depth:
 * @self: a parser
 * @max_depth: the limit, at least 1
 *
 * Sets [property@Xmpp.Parser:max-depth].
 */
void
xmpp_parser_set_max_depth (XmppParser *self,
                           guint       max_depth)
{
  g_return_if_fail (XMPP_IS_PARSER (self));
  g_return_if_fail (max_depth > 0);

  if (self->max_depth == max_depth)
    return;

  self->max_depth = max_depth;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_DEPTH]);
}

/**
 * xmpp_parser_get_max_attributes:
 * @self: a parser
 *
 * Gives [property@Xmpp.Parser:max-attributes].
 *
 * Returns: the limit
 */
guint
xmpp_parser_get_max_attributes (XmppParser *self)
{
  g_return_val_if_fail (XMPP_IS_PARSER (self), 0);

  return self->max_attributes;
}

/**
 * xmpp_parser_set_max_attributes:
 * @self: a parser
 * @max_attributes: the limit
 *
 * Sets [property@Xmpp.Parser:max-attributes].
 */
void
xmpp_parser_set_max_attributes (XmppParser *self,
                                guint       max_attributes)
{
  g_return_if_fail (XMPP_IS_PARSER (self));

  if (self->max_attributes == max_attributes)
    return;

  self->max_attributes = max_attributes;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_ATTRIBUTES]);
}
