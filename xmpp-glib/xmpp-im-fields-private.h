/* xmpp-im-fields-private.h: what XmppMessage and XmppPresence share
 *
 * Language-keyed texts (<body/>, <subject/>, <status/>), the delay of
 * XEP-0203 and XEP-0091, the payloads, the <error/>, and the stanza
 * attributes, read from a received stanza and written to a new one.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "xmpp-glib-private.h"

G_BEGIN_DECLS

#define XMPP_NS_DELAY        "urn:xmpp:delay"
#define XMPP_NS_LEGACY_DELAY "jabber:x:delay"

/* A child element a class reads itself, so that it is no payload. A
 * %NULL @ns stands for the namespace of the stanza. */
typedef struct
{
  const char *name;
  const char *ns;
} XmppImKnownChild;

/* The common part of a message or a presence. The object that embeds it
 * is zero-filled by GObject, which is the empty state: nothing is
 * allocated before it is needed. */
typedef struct
{
  XmppStanza *stanza;      /* the stanza it was parsed from, or NULL */
  char *id;
  XmppJid *from;
  XmppJid *to;
  GDateTime *delay;        /* UTC */
  XmppJid *delay_from;
  XmppElement *error;      /* the <error/> of a parsed error stanza */
  GPtrArray *payloads;     /* of XmppElement, owned; NULL for none */
} XmppImFields;

void xmpp_im_fields_clear (XmppImFields *fields);

/* Reads the attributes, the delay, the <error/> and the payloads of
 * @stanza (whose kind the caller checked): every child is a payload but
 * the <error/>, the delays and the children @known (a list ended by a
 * NULL name) names. */
void xmpp_im_fields_read (XmppImFields          *fields,
                          XmppStanza            *stanza,
                          const XmppImKnownChild *known);
/* Makes a jabber:client stanza of @kind with @type, id, from and to. */
XmppStanza *xmpp_im_fields_write_start (XmppImFields   *fields,
                                        XmppStanzaKind  kind,
                                        const char     *type);
/* Appends the delay, copies of the payloads, and, for an error, a copy
 * of the <error/>. */
void xmpp_im_fields_write_end (XmppImFields *fields,
                               XmppStanza   *stanza,
                               gboolean      is_error);
typedef XmppStanza *(*XmppImToStanza) (gpointer self);

/* For an object whose type is error: xmpp_stanza_check_error() on the
 * received stanza if it is an error, else on @to_stanza (@self). */
gboolean xmpp_im_fields_check_error (XmppImFields   *fields,
                                     XmppImToStanza  to_stanza,
                                     gpointer        self,
                                     GError        **error);
/* A (transfer container) array of the payloads. */
GPtrArray *xmpp_im_fields_dup_payloads (XmppImFields *fields);
void xmpp_im_fields_add_payload (XmppImFields *fields,
                                 XmppElement  *payload);

/* Setters' helpers: they store a copy of (a reference to) @value in
 * @slot and notify @pspec on @object, unless the value is unchanged. */
void xmpp_im_set_string (GObject     *object,
                         char       **slot,
                         const char  *value,
                         GParamSpec  *pspec);
void xmpp_im_set_jid (GObject     *object,
                      XmppJid    **slot,
                      XmppJid     *value,
                      GParamSpec  *pspec);

/* The index of @name in @names (@n_names long, NULL entries never
 * match); FALSE when absent. */
gboolean xmpp_im_lookup_name (const char *const *names,
                              guint              n_names,
                              const char        *name,
                              guint             *index);

/* Language-keyed texts, in document order, the unlabelled one with the
 * language "". Zero-filled is empty; nothing is allocated before the
 * first text. */
typedef struct
{
  GPtrArray *entries;
} XmppLangTexts;

void xmpp_lang_texts_clear (XmppLangTexts *texts);
const char *xmpp_lang_texts_lookup (XmppLangTexts *texts,
                                    const char    *lang);
/* Sets (or with a NULL @text removes) the text in @lang. */
void xmpp_lang_texts_replace (XmppLangTexts *texts,
                              const char    *lang,
                              const char    *text);
char **xmpp_lang_texts_dup_languages (XmppLangTexts *texts);
/* Reads the children of @parent called @name in the namespace of
 * @parent into the empty @texts; the first one of each language wins. */
void xmpp_lang_texts_read (XmppLangTexts *texts,
                           XmppElement   *parent,
                           const char    *name);
void xmpp_lang_texts_write (XmppLangTexts *texts,
                            XmppElement   *parent,
                            const char    *name);

G_END_DECLS
