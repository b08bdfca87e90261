/* xmpp-stream-header.c: the attributes of a <stream:stream> open tag
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "xmpp-element-private.h"
#include "xmpp-stream-header-private.h"

/**
 * XmppStreamHeader:
 *
 * What the opening `<stream:stream>` tag of an XMPP stream says (RFC 6120
 * §4.7): `from`, `to`, `id`, `version`, `xml:lang`, and the content
 * namespace, the default namespace of the stanzas (`jabber:client` for a
 * client stream).
 *
 * [class@Xmpp.Parser] reports the peer's header as one; the library writes
 * its own with [method@Xmpp.StreamHeader.to_string]:
 *
 * ```c
 * g_autoptr(XmppStreamHeader) header = xmpp_stream_header_new ("jabber:client");
 * xmpp_stream_header_set_to (header, "example.com");
 * xmpp_stream_header_set_version (header, "1.0");
 * g_autofree char *xml = xmpp_stream_header_to_string (header);
 * ```
 *
 * The stream ends with %XMPP_STREAM_FOOTER.
 */

struct _XmppStreamHeader
{
  gatomicrefcount ref_count;
  char *content_namespace;
  char *from;
  char *to;
  char *id;
  char *version;
  char *lang;
};

G_DEFINE_BOXED_TYPE (XmppStreamHeader, xmpp_stream_header,
                     xmpp_stream_header_ref, xmpp_stream_header_unref)

/**
 * xmpp_stream_header_new:
 * @content_namespace: (nullable): the default namespace of the stream's
 *   stanzas, such as `jabber:client`; %NULL for `jabber:client`
 *
 * Creates a header with no attributes set.
 *
 * Returns: (transfer full): a new header
 */
XmppStreamHeader *
xmpp_stream_header_new (const char *content_namespace)
{
  XmppStreamHeader *self = g_new0 (XmppStreamHeader, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->content_namespace = g_strdup (content_namespace != NULL ? content_namespace : XMPP_NS_CLIENT);
  return self;
}

/**
 * xmpp_stream_header_ref:
 * @self: a header
 *
 * Takes a reference.
 *
 * Returns: (transfer full): @self
 */
XmppStreamHeader *
xmpp_stream_header_ref (XmppStreamHeader *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * xmpp_stream_header_unref:
 * @self: (transfer full): a header
 *
 * Drops a reference; the last one frees the header.
 */
void
xmpp_stream_header_unref (XmppStreamHeader *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->content_namespace);
  g_free (self->from);
  g_free (self->to);
  g_free (self->id);
  g_free (self->version);
  g_free (self->lang);
  g_free (self);
}

/**
 * xmpp_stream_header_get_content_namespace:
 * @self: a header
 *
 * Gives the default namespace of the stream's stanzas.
 *
 * Returns: (nullable): the namespace, or %NULL if the peer declared none
 */
const char *
xmpp_stream_header_get_content_namespace (XmppStreamHeader *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->content_namespace;
}

void
xmpp_stream_header_set_content_namespace (XmppStreamHeader *self,
                                          const char       *content_namespace)
{
  g_free (self->content_namespace);
  self->content_namespace = g_strdup (content_namespace);
}

/**
 * xmpp_stream_header_get_from:
 * @self: a header
 *
 * Gives the `from` attribute: the server's domain in a header the server
 * sent.
 *
 * Returns: (nullable): the attribute, or %NULL if absent
 */
const char *
xmpp_stream_header_get_from (XmppStreamHeader *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->from;
}

/**
 * xmpp_stream_header_set_from:
 * @self: a header
 * @from: (nullable): the new value, or %NULL to leave the attribute out
 *
 * Sets the `from` attribute.
 */
void
xmpp_stream_header_set_from (XmppStreamHeader *self,
                             const char       *from)
{
  g_return_if_fail (self != NULL);

  g_free (self->from);
  self->from = g_strdup (from);
}

/**
 * xmpp_stream_header_get_to:
 * @self: a header
 *
 * Gives the `to` attribute: the server's domain in a header a client sent.
 *
 * Returns: (nullable): the attribute, or %NULL if absent
 */
const char *
xmpp_stream_header_get_to (XmppStreamHeader *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->to;
}

/**
 * xmpp_stream_header_set_to:
 * @self: a header
 * @to: (nullable): the new value, or %NULL to leave the attribute out
 *
 * Sets the `to` attribute.
 */
void
xmpp_stream_header_set_to (XmppStreamHeader *self,
                           const char       *to)
{
  g_return_if_fail (self != NULL);

  g_free (self->to);
  self->to = g_strdup (to);
}

/**
 * xmpp_stream_header_get_id:
 * @self: a header
 *
 * Gives the stream id the server chose.
 *
 * Returns: (nullable): the attribute, or %NULL if absent
 */
const char *
xmpp_stream_header_get_id (XmppStreamHeader *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->id;
}

/**
 * xmpp_stream_header_set_id:
 * @self: a header
 * @id: (nullable): the new value, or %NULL to leave the attribute out
 *
 * Sets the `id` attribute.
 */
void
xmpp_stream_header_set_id (XmppStreamHeader *self,
                           const char       *id)
{
  g_return_if_fail (self != NULL);

  g_free (self->id);
  self->id = g_strdup (id);
}

/**
 * xmpp_stream_header_get_version:
 * @self: a header
 *
 * Gives the `version` attribute, `1.0` for RFC 6120 streams.
 *
 * Returns: (nullable): the attribute, or %NULL if absent
 */
const char *
xmpp_stream_header_get_version (XmppStreamHeader *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->version;
}

/**
 * xmpp_stream_header_set_version:
 * @self: a header
 * @version: (nullable): the new value, or %NULL to leave the attribute out
 *
 * Sets the `version` attribute.
 */
void
xmpp_stream_header_set_version (XmppStreamHeader *self,
                                const char       *version)
{
  g_return_if_fail (self != NULL);

  g_free (self->version);
  self->version = g_strdup (version);
}

/**
 * xmpp_stream_header_get_lang:
 * @self: a header
 *
 * Gives the `xml:lang` attribute: the default language of the stream.
 *
 * Returns: (nullable): the attribute, or %NULL if absent
 */
const char *
xmpp_stream_header_get_lang (XmppStreamHeader *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->lang;
}

/**
 * xmpp_stream_header_set_lang:
 * @self: a header
 * @lang: (nullable): the new value, or %NULL to leave the attribute out
 *
 * Sets the `xml:lang` attribute.
 */
void
xmpp_stream_header_set_lang (XmppStreamHeader *self,
                             const char       *lang)
{
  g_return_if_fail (self != NULL);

  g_free (self->lang);
  self->lang = g_strdup (lang);
}

static void
append_attribute (GString    *out,
                  const char *name,
                  const char *value)
{
  if (value == NULL)
    return;
  g_string_append_printf (out, " %s='", name);
  xmpp_writer_append_attribute_value (out, value);
  g_string_append_c (out, '\'');
}

/**
 * xmpp_stream_header_to_string:
 * @self: a header
 *
 * Writes the XML declaration and the opening tag of a stream, with the
 * `stream:` prefix bound and the content namespace as the default
 * namespace, so that stanzas can follow without `xmlns`.
 *
 * Returns: (transfer full): the XML text
 */
char *
xmpp_stream_header_to_string (XmppStreamHeader *self)
{
  GString *out;

  g_return_val_if_fail (self != NULL, NULL);

  out = g_string_new ("<?xml version='1.0'?><stream:stream");
  append_attribute (out, "xmlns", self->content_namespace);
  append_attribute (out, "xmlns:stream", XMPP_NS_STREAM);
  append_attribute (out, "from", self->from);
  append_attribute (out, "to", self->to);
  append_attribute (out, "id", self->id);
  append_attribute (out, "version", self->version);
  append_attribute (out, "xml:lang", self->lang);
  g_string_append_c (out, '>');
  return g_string_free (out, FALSE);
}
