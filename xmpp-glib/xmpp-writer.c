/* xmpp-writer.c: serialisation of elements and stream headers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "xmpp-element-private.h"

#include <string.h>

/* XML 1.0 §2.2: the characters a document may hold. */
static inline gboolean
is_xml_char (gunichar c)
{
  return c == 0x9 || c == 0xA || c == 0xD ||
         (c >= 0x20 && c <= 0xD7FF) ||
         (c >= 0xE000 && c <= 0xFFFD) ||
         (c >= 0x10000 && c <= 0x10FFFF);
}

/* Writes @text escaped. In attribute values quotes and white space other
 * than the space are escaped too, so that attribute-value normalisation
 * gives back the same value. Characters XML cannot carry and bytes that
 * are not UTF-8 are dropped. */
static void
append_escaped (GString    *out,
                const char *text,
                gboolean    attribute)
{
  const char *run = text;
  const char *p = text;

  while (*p != '\0')
    {
      guchar c = (guchar) *p;
      const char *entity = NULL;
      gsize skip = 1;

      if (c < 0x80)
        {
          switch (c)
            {
            case '&': entity = "&amp;"; break;
            case '<': entity = "&lt;"; break;
            case '>': entity = "&gt;"; break;
            case '\r': entity = "&#13;"; break;
            case '\'': entity = attribute ? "&apos;" : NULL; break;
            case '"': entity = attribute ? "&quot;" : NULL; break;
            case '\t': entity = attribute ? "&#9;" : NULL; break;
            case '\n': entity = attribute ? "&#10;" : NULL; break;
            default:
              if (c < 0x20)
                entity = ""; /* a control character: dropped */
              break;
            }
        }
      else
        {
          gunichar u = g_utf8_get_char_validated (p, -1);

          if (u == (gunichar) -1 || u == (gunichar) -2)
            entity = ""; /* not UTF-8: the byte is dropped */
          else if (!is_xml_char (u))
            {
              entity = "";
              skip = g_utf8_skip[c];
            }
          else
            {
              p += g_utf8_skip[c];
              continue;
            }
        }

      if (entity != NULL)
        {
          g_string_append_len (out, run, p - run);
          g_string_append (out, entity);
          p += skip;
          run = p;
        }
      else
        {
          p++;
        }
    }
  g_string_append_len (out, run, p - run);
}

void
xmpp_writer_append_attribute_value (GString    *out,
                                    const char *value)
{
  append_escaped (out, value, TRUE);
}

static void
append_attribute (GString    *out,
                  const char *prefix,
                  const char *name,
                  const char *value)
{
  g_string_append_c (out, ' ');
  if (prefix != NULL)
    {
      g_string_append (out, prefix);
      g_string_append_c (out, ':');
    }
  g_string_append (out, name);
  g_string_append (out, "='");
  append_escaped (out, value, TRUE);
  g_string_append_c (out, '\'');
}

/* Writes the start of the tag and the attributes, declaring prefixes for
 * namespaced attributes on the element itself. */
static void
append_open_tag (GString     *out,
                 XmppElement *element,
                 const char  *prefix,
                 const char  *inherited_ns,
                 gboolean     declare_stream_prefix)
{
  guint n_prefixes = 0;

  g_string_append_c (out, '<');
  if (prefix != NULL)
    {
      g_string_append (out, prefix);
      g_string_append_c (out, ':');
    }
  g_string_append (out, element->name);

  if (declare_stream_prefix)
    append_attribute (out, "xmlns", "stream", XMPP_NS_STREAM);
  else if (prefix == NULL && g_strcmp0 (element->ns, inherited_ns) != 0)
    append_attribute (out, NULL, "xmlns", element->ns != NULL ? element->ns : "");

  for (guint i = 0; i < element->n_attrs; i++)
    {
      const XmppAttribute *attr = &element->attrs[i];

      if (attr->ns == NULL)
        {
          append_attribute (out, NULL, attr->name, attr->value);
        }
      else if (strcmp (attr->ns, XMPP_NS_XML) == 0)
        {
          append_attribute (out, "xml", attr->name, attr->value);
        }
      else
        {
          char attr_prefix[16];

          g_snprintf (attr_prefix, sizeof attr_prefix, "ns%u", n_prefixes++);
          append_attribute (out, "xmlns", attr_prefix, attr->ns);
          append_attribute (out, attr_prefix, attr->name, attr->value);
        }
    }
}

static void
append_element (GString     *out,
                XmppElement *element,
                const char  *inherited_ns,
                gboolean     stream_prefix_bound)
{
  /* Elements of the stream namespace are written with the stream: prefix,
   * those of the XML namespace (which cannot be a default namespace) with
   * the predeclared xml: prefix; both leave the default namespace as it
   * was. */
  gboolean in_stream_ns = element->ns != NULL && strcmp (element->ns, XMPP_NS_STREAM) == 0;
  gboolean in_xml_ns = element->ns != NULL && strcmp (element->ns, XMPP_NS_XML) == 0;
  const char *prefix = in_stream_ns ? "stream" : in_xml_ns ? "xml" : NULL;
  const char *child_ns = prefix != NULL ? inherited_ns : element->ns;

  append_open_tag (out, element, prefix, inherited_ns, in_stream_ns && !stream_prefix_bound);

  if (element->first_child == NULL && (element->text == NULL || *element->text == '\0'))
    {
      g_string_append (out, "/>");
      return;
    }

  g_string_append_c (out, '>');
  if (element->text != NULL)
    append_escaped (out, element->text, FALSE);
  for (XmppElement *child = element->first_child; child != NULL; child = child->next)
    {
      append_element (out, child, child_ns, stream_prefix_bound || in_stream_ns);
      if (child->tail != NULL)
        append_escaped (out, child->tail, FALSE);
    }

  g_string_append (out, "</");
  if (prefix != NULL)
    {
      g_string_append (out, prefix);
      g_string_append_c (out, ':');
    }
  g_string_append (out, element->name);
  g_string_append_c (out, '>');
}

void
xmpp_writer_append_element (GString     *out,
                            XmppElement *element,
                            const char  *inherited_ns,
                            gboolean     stream_prefix_bound)
{
  append_element (out, element, inherited_ns, stream_prefix_bound);
}
