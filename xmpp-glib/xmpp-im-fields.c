/* xmpp-im-fields.c: what XmppMessage and XmppPresence share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "xmpp-im-fields-private.h"

#include <string.h>

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
        xmpp_im_fields_add_payload (fields, child);
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
  for (guint i = 0; fields->payloads != NULL && i < fields->payloads->len; i++)
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
  guint n = fields->payloads != NULL ? fields->payloads->len : 0;
  GPtrArray *payloads = g_ptr_array_sized_new (n);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (payloads, g_ptr_array_index (fields->payloads, i));
  return payloads;
}

void
xmpp_im_fields_add_payload (XmppImFields *fields,
                            XmppElement  *payload)
{
  if (fields->payloads == NULL)
    fields->payloads = g_ptr_array_new_with_free_func ((GDestroyNotify) xmpp_element_unref);
  g_ptr_array_add (fields->payloads, xmpp_element_ref (payload));
}

void
xmpp_im_set_string (GObject     *object,
                    char       **slot,
                    const char  *value,
                    GParamSpec  *pspec)
{
  char *old = *slot;

  if (g_strcmp0 (old, value) == 0)
    return;
  *slot = g_strdup (value);
  g_free (old);
  g_object_notify_by_pspec (object, pspec);
}

void
xmpp_im_set_jid (GObject     *object,
                 XmppJid    **slot,
                 XmppJid     *value,
                 GParamSpec  *pspec)
{
  XmppJid *old = *slot;

  if (old == value || (old != NULL && value != NULL && xmpp_jid_equal (old, value)))
    return;
  *slot = jid_ref0 (value);
  g_clear_pointer (&old, xmpp_jid_unref);
  g_object_notify_by_pspec (object, pspec);
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

/* One allocation: the language, then the text, follow the struct. */
typedef struct
{
  char *text;
  char lang[];   /* "" when unlabelled */
} LangText;

static LangText *
lang_text_new (const char *lang,
               const char *text)
{
  gsize lang_size = strlen (lang) + 1;
  gsize text_size = strlen (text) + 1;
  LangText *entry = g_malloc (sizeof (LangText) + lang_size + text_size);

  memcpy (entry->lang, lang, lang_size);
  entry->text = entry->lang + lang_size;
  memcpy (entry->text, text, text_size);
  return entry;
}

void
xmpp_lang_texts_clear (XmppLangTexts *texts)
{
  g_clear_pointer (&texts->entries, g_ptr_array_unref);
}

static guint
n_entries (XmppLangTexts *texts)
{
  return texts->entries != NULL ? texts->entries->len : 0;
}

static LangText *
entry_at (XmppLangTexts *texts,
          guint          index)
{
  return g_ptr_array_index (texts->entries, index);
}

/* Language tags (BCP 47) are compared without regard to ASCII case. */
static gboolean
find_lang (XmppLangTexts *texts,
           const char    *lang,
           guint         *index)
{
  for (guint i = 0; i < n_entries (texts); i++)
    if (g_ascii_strcasecmp (entry_at (texts, i)->lang, lang) == 0)
      {
        *index = i;
        return TRUE;
      }
  return FALSE;
}

static void
append (XmppLangTexts *texts,
        LangText      *entry)
{
  if (texts->entries == NULL)
    texts->entries = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (texts->entries, entry);
}

const char *
xmpp_lang_texts_lookup (XmppLangTexts *texts,
                        const char    *lang)
{
  guint index;

  if (find_lang (texts, lang != NULL ? lang : "", &index))
    return entry_at (texts, index)->text;
  if (lang == NULL && n_entries (texts) > 0)
    return entry_at (texts, 0)->text;
  return NULL;
}

void
xmpp_lang_texts_replace (XmppLangTexts *texts,
                         const char    *lang,
                         const char    *text)
{
  guint index;
  LangText *old;

  if (lang == NULL)
    lang = "";
  if (!find_lang (texts, lang, &index))
    {
      if (text != NULL)
        append (texts, lang_text_new (lang, text));
      return;
    }
  if (text == NULL)
    {
      g_ptr_array_remove_index (texts->entries, index);
      return;
    }
  /* The spelling of the language follows the caller, as the text does. */
  old = entry_at (texts, index);
  if (strcmp (old->lang, lang) == 0 && strcmp (old->text, text) == 0)
    return;
  /* Copied before @old goes: @text may be its own. */
  g_ptr_array_index (texts->entries, index) = lang_text_new (lang, text);
  g_free (old);
}

char **
xmpp_lang_texts_dup_languages (XmppLangTexts *texts)
{
  guint n = n_entries (texts);
  char **langs = g_new (char *, n + 1);

  for (guint i = 0; i < n; i++)
    langs[i] = g_strdup (entry_at (texts, i)->lang);
  langs[n] = NULL;
  return langs;
}

/* A language tag's hash, without regard to ASCII case (djb2). */
static guint
lang_hash (gconstpointer key)
{
  guint hash = 5381;

  for (const char *p = key; *p != '\0'; p++)
    hash = hash * 33 + (guchar) g_ascii_tolower (*p);
  return hash;
}

static gboolean
lang_equal (gconstpointer a,
            gconstpointer b)
{
  return g_ascii_strcasecmp (a, b) == 0;
}

/* Up to this many languages, a stanza's are compared one by one; past
 * it, through a hash table, lest a hostile stanza with tens of thousands
 * of them cost seconds. */
#define LANG_SCAN_MAX 8

void
xmpp_lang_texts_read (XmppLangTexts *texts,
                      XmppElement   *parent,
                      const char    *name)
{
  const char *ns = xmpp_element_get_namespace (parent);
  g_autoptr(GHashTable) seen = NULL;

  for (XmppElement *child = xmpp_element_get_first_child (parent); child != NULL;
       child = xmpp_element_get_next_sibling (child))
    {
      const char *lang;
      const char *text;
      guint index;
      LangText *entry;

      if (!is_child (child, name, ns))
        continue;
      lang = xmpp_element_get_attribute_ns (child, "lang", XMPP_NS_XML);
      if (lang == NULL)
        lang = "";
      if (seen == NULL && n_entries (texts) >= LANG_SCAN_MAX)
        {
          seen = g_hash_table_new (lang_hash, lang_equal);
          for (guint i = 0; i < n_entries (texts); i++)
            g_hash_table_add (seen, entry_at (texts, i)->lang);
        }
      if (seen != NULL ? g_hash_table_contains (seen, lang) : find_lang (texts, lang, &index))
        continue;

      text = xmpp_element_get_text (child);
      entry = lang_text_new (lang, text != NULL ? text : "");
      append (texts, entry);
      if (seen != NULL)
        g_hash_table_add (seen, entry->lang);
    }
}

void
xmpp_lang_texts_write (XmppLangTexts *texts,
                       XmppElement   *parent,
                       const char    *name)
{
  for (guint i = 0; i < n_entries (texts); i++)
    {
      LangText *entry = entry_at (texts, i);
      XmppElement *child = xmpp_element_add_child_with_text (parent, name, NULL, entry->text);

      if (*entry->lang != '\0')
        xmpp_element_set_attribute_ns (child, "lang", XMPP_NS_XML, entry->lang);
    }
}
