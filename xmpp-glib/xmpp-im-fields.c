/* xmpp-im-fields.c: what XmppMessage and XmppPresence share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "xmpp-im-fields-private.h"

#include <string.h>

void
xmpp_im_fields_init (XmppImFields *fields)
{
  memset (fields, 0, sizeof *fields);
  fields->payloads = g_ptr_array_new_with_free_func ((GDestroyNotify) xmpp_element_unref);
}

void
xmpp_im_fields_clear (XmppImFields *fields)
{
  g_clear_pointer (&fields->stanza, xmpp_stanza_unref);
  g_clear_pointer (&fields->id, g_free);
  g_clear_pointer (&fields->from, xmpp_jid_unref);
  g_clear_pointer (&fields->to, xmpp_jid_unref);
  g_clear_pointer (&fields->delay, g_date_time_unref);
  g_clear_pointer (&fields->delay_from, xmpp_jid_unref);
  g_clear_pointer (&fields->error, xmpp_element_unref);
  g_clear_pointer (&fields->payloads, g_ptr_array_unref);
}

static gboolean
is_child (XmppElement *child,
          const char  *name,
          const char  *ns)
{
  return strcmp (xmpp_element_get_name (child), name) == 0 &&
         g_strcmp0 (xmpp_element_get_namespace (child), ns) == 0;
}

/* Reads @n digits of @s from @pos; the caller checked they are digits. */
static int
read_digits (const char *s,
             guint       pos,
             guint       n)
{
  int value = 0;

  for (guint i = pos; i < pos + n; i++)
    value = value * 10 + (s[i] - '0');
  return value;
}

/* XEP-0091: CCYYMMDDThh:mm:ss, always UTC. */
static GDateTime *
parse_legacy_stamp (const char *stamp)
{
  static const char shape[] = "ddddddddTdd:dd:dd";

  if (stamp == NULL || strlen (stamp) != sizeof shape - 1)
    return NULL;
  for (guint i = 0; i < sizeof shape - 1; i++)
    if (shape[i] == 'd' ? !g_ascii_isdigit (stamp[i]) : stamp[i] != shape[i])
      return NULL;

  return g_date_time_new_utc (read_digits (stamp, 0, 4), read_digits (stamp, 4, 2),
                              read_digits (stamp, 6, 2), read_digits (stamp, 9, 2),
                              read_digits (stamp, 12, 2), read_digits (stamp, 15, 2));
}

/* XEP-0203 (XEP-0082 DateTime); a stamp without a time zone is UTC. */
static GDateTime *
parse_stamp (const char *stamp)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) parsed = NULL;

  if (stamp == NULL)
    return NULL;
  parsed = g_date_time_new_from_iso8601 (stamp, utc);
  return parsed != NULL ? g_date_time_to_utc (parsed) : NULL;
}

/* The first XEP-0203 delay with a valid stamp, else the first legacy
 * one. */
static void
read_delay (XmppImFields *fields,
            XmppElement  *root)
{
  static const struct {
    const char *name;
    const char *ns;
    GDateTime *(*parse) (const char *stamp);
  } formats[] = {
    { "delay", XMPP_NS_DELAY, parse_stamp },
    { "x", XMPP_NS_LEGACY_DELAY, parse_legacy_stamp },
  };

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    for (XmppElement *child = xmpp_element_get_first_child (root); child != NULL;
         child = xmpp_element_get_next_sibling (child))
      {
        const char *from;

        if (!is_child (child, formats[i].name, formats[i].ns))
          continue;
        fields->delay = formats[i].parse (xmpp_element_get_attribute (child, "stamp"));
        if (fields->delay == NULL)
          continue;
        from = xmpp_element_get_attribute (child, "from");
        if (from != NULL)
          fields->delay_from = xmpp_jid_new (from, NULL);
        return;
      }
}

static gboolean
is_known (XmppElement            *child,
          const char             *stanza_ns,
          const XmppImKnownChild *known)
{
  if (is_child (child, "error", stanza_ns) ||
      is_child (child, "delay", XMPP_NS_DELAY) ||
      is_child (child, "x", XMPP_NS_LEGACY_DELAY))
    return TRUE;
  for (guint i = 0; known[i].name != NULL; i++)
    if (is_child (child, known[i].name, known[i].ns != NULL ? known[i].ns : stanza_ns))
      return TRUE;
  return FALSE;
}

static XmppJid *
jid_ref0 (XmppJid *jid)
{
  return jid != NULL ? xmpp_jid_ref (jid) : NULL;
}

void
xmpp_im_fields_read (XmppImFields           *fields,
                     XmppStanza             *stanza,
                     const XmppImKnownChild *known)
{
  XmppElement *root = xmpp_stanza_get_element (stanza);
  const char *ns = xmpp_element_get_namespace (root);

  fields->stanza = xmpp_stanza_ref (stanza);
  fields->id = g_strdup (xmpp_stanza_get_id (stanza));
  fields->from = jid_ref0 (xmpp_stanza_get_from (stanza));
  fields->to = jid_ref0 (xmpp_stanza_get_to (stanza));
  read_delay (fields, root);

  for (XmppElement *child = xmpp_element_get_first_child (root); child != NULL;
       child = xmpp_element_get_next_sibling (child))
    {
      if (fields->error == NULL && is_child (child, "error", ns))
        fields->error = xmpp_element_ref (child);
      else if (!is_known (child, ns, known))
        g_ptr_array_add (fields->payloads, xmpp_element_ref (child));
    }
}

XmppStanza *
xmpp_im_fields_write_start (XmppImFields   *fields,
                            XmppStanzaKind  kind,
                            const char     *type)
{
  XmppStanza *stanza = xmpp_stanza_new (kind, type);

  xmpp_stanza_set_id (stanza, fields->id);
  xmpp_stanza_set_from (stanza, fields->from);
  xmpp_stanza_set_to (stanza, fields->to);
  return stanza;
}

static void
add_copy (XmppElement *parent,
          XmppElement *child)
{
  g_autoptr(XmppElement) copy = xmpp_element_copy (child);

  xmpp_element_add_child (parent, copy);
}

void
xmpp_im_fields_write_end (XmppImFields *fields,
                          XmppStanza   *stanza,
                          gboolean      is_error)
{
  XmppElement *root = xmpp_stanza_get_element (stanza);

  if (fields->delay != NULL)
    {
      XmppElement *delay = xmpp_element_add_child_new (root, "delay", XMPP_NS_DELAY);
      g_autofree char *stamp = g_date_time_format_iso8601 (fields->delay);

      if (fields->delay_from != NULL)
        xmpp_element_set_attribute (delay, "from", xmpp_jid_to_string (fields->delay_from));
      xmpp_element_set_attribute (delay, "stamp", stamp);
    }
  for (guint i = 0; i < fields->payloads->len; i++)
    add_copy (root, g_ptr_array_index (fields->payloads, i));
  if (is_error && fields->error != NULL)
    add_copy (root, fields->error);
}

gboolean
xmpp_im_fields_check_error (XmppImFields   *fields,
                            XmppImToStanza  to_stanza,
                            gpointer        self,
                            GError        **error)
{
  g_autoptr(XmppStanza) stanza = NULL;

  if (fields->stanza != NULL && xmpp_stanza_is_error (fields->stanza))
    stanza = xmpp_stanza_ref (fields->stanza);
  else
    stanza = to_stanza (self);
  return xmpp_stanza_check_error (stanza, error);
}

GPtrArray *
xmpp_im_fields_dup_payloads (XmppImFields *fields)
{
  GPtrArray *payloads = g_ptr_array_sized_new (fields->payloads->len);

  for (guint i = 0; i < fields->payloads->len; i++)
    g_ptr_array_add (payloads, g_ptr_array_index (fields->payloads, i));
  return payloads;
}

void
xmpp_im_fields_add_payload (XmppImFields *fields,
                            XmppElement  *payload)
{
  g_ptr_array_add (fields->payloads, xmpp_element_ref (payload));
}

gboolean
xmpp_im_replace_string (char       **slot,
                        const char  *value)
{
  char *old = *slot;

  if (g_strcmp0 (old, value) == 0)
    return FALSE;
  *slot = g_strdup (value);
  g_free (old);
  return TRUE;
}

gboolean
xmpp_im_replace_jid (XmppJid **slot,
                     XmppJid  *jid)
{
  XmppJid *old = *slot;

  if (old == jid || (old != NULL && jid != NULL && xmpp_jid_equal (old, jid)))
    return FALSE;
  *slot = jid_ref0 (jid);
  g_clear_pointer (&old, xmpp_jid_unref);
  return TRUE;
}

gboolean
xmpp_im_lookup_name (const char *const *names,
                     guint              n_names,
                     const char        *name,
                     guint             *index)
{
  if (name == NULL)
    return FALSE;
  for (guint i = 0; i < n_names; i++)
    if (names[i] != NULL && strcmp (names[i], name) == 0)
      {
        *index = i;
        return TRUE;
      }
  return FALSE;
}

/* Language-keyed texts */

typedef struct
{
  char *lang;   /* "" when unlabelled */
  char *text;
} LangText;

static void
lang_text_free (gpointer data)
{
  LangText *entry = data;

  g_free (entry->lang);
  g_free (entry->text);
  g_free (entry);
}

GPtrArray *
xmpp_lang_texts_new (void)
{
  return g_ptr_array_new_with_free_func (lang_text_free);
}

/* Language tags (BCP 47) are compared without regard to ASCII case. */
static LangText *
find_lang (GPtrArray  *texts,
           const char *lang,
           guint      *index)
{
  for (guint i = 0; i < texts->len; i++)
    {
      LangText *entry = g_ptr_array_index (texts, i);

      if (g_ascii_strcasecmp (entry->lang, lang) == 0)
        {
          if (index != NULL)
            *index = i;
          return entry;
        }
    }
  return NULL;
}

const char *
xmpp_lang_texts_lookup (GPtrArray  *texts,
                        const char *lang)
{
  LangText *entry = find_lang (texts, lang != NULL ? lang : "", NULL);

  if (entry == NULL && lang == NULL && texts->len > 0)
    entry = g_ptr_array_index (texts, 0);
  return entry != NULL ? entry->text : NULL;
}

gboolean
xmpp_lang_texts_replace (GPtrArray  *texts,
                         const char *lang,
                         const char *text)
{
  guint index;
  LangText *entry;

  if (lang == NULL)
    lang = "";
  entry = find_lang (texts, lang, &index);

  if (entry == NULL)
    {
      if (text == NULL)
        return FALSE;
      entry = g_new (LangText, 1);
      entry->lang = g_strdup (lang);
      entry->text = g_strdup (text);
      g_ptr_array_add (texts, entry);
      return TRUE;
    }
  if (text == NULL)
    {
      g_ptr_array_remove_index (texts, index);
      return TRUE;
    }
  return xmpp_im_replace_string (&entry->lang, lang) | xmpp_im_replace_string (&entry->text, text);
}

char **
xmpp_lang_texts_dup_languages (GPtrArray *texts)
{
  char **langs = g_new (char *, texts->len + 1);

  for (guint i = 0; i < texts->len; i++)
    langs[i] = g_strdup (((LangText *) g_ptr_array_index (texts, i))->lang);
  langs[texts->len] = NULL;
  return langs;
}

void
xmpp_lang_texts_read (GPtrArray   *texts,
                      XmppElement *parent,
                      const char  *name)
{
  const char *ns = xmpp_element_get_namespace (parent);

  for (XmppElement *child = xmpp_element_get_first_child (parent); child != NULL;
       child = xmpp_element_get_next_sibling (child))
    {
      const char *lang = xmpp_element_get_attribute_ns (child, "lang", XMPP_NS_XML);
      const char *text = xmpp_element_get_text (child);

      if (!is_child (child, name, ns))
        continue;
      if (lang == NULL)
        lang = "";
      if (find_lang (texts, lang, NULL) == NULL)
        xmpp_lang_texts_replace (texts, lang, text != NULL ? text : "");
    }
}

void
xmpp_lang_texts_write (GPtrArray   *texts,
                       XmppElement *parent,
                       const char  *name)
{
  for (guint i = 0; i < texts->len; i++)
    {
      LangText *entry = g_ptr_array_index (texts, i);
      XmppElement *child = xmpp_element_add_child_with_text (parent, name, NULL, entry->text);

      if (*entry->lang != '\0')
        xmpp_element_set_attribute_ns (child, "lang", XMPP_NS_XML, entry->lang);
    }
}
