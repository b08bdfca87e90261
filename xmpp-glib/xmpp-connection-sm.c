/* xmpp-connection-sm.c: XEP-0198 stream management of XmppConnection:
 * acknowledgements, resumption, and the liveness check
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "xmpp-connection-private.h"
#include "xmpp-element-private.h"
#include "xmpp-stanza-private.h"

#include <string.h>

/* How it works. Once bound, the connection sends <enable resume='true'/>
 * when the server offers stream management, and is ready once the server
 * answered, so that every stanza of the session can be resumed. It
 * counts from then on every stanza it sends: each is kept, in order,
 * until the server's <a/> says it was handled. Incoming stanzas are
 * counted from <enabled/> on, and the count goes back in <a/> whenever
 * the server asks with <r/>. Counts are 32-bit and wrap (XEP-0198 §5):
 * guint32 arithmetic does it.
 *
 * The connection asks for an acknowledgement every ACK_REQUEST_EVERY
 * stanzas, and when idle instead of the whitespace keepalive. An <r/>
 * that is not answered within :liveness-timeout means the link is dead:
 * the stream ends with G_IO_ERROR_TIMED_OUT.
 *
 * When a stream that the server agreed to resume ends without a close,
 * the state stays: the next connect asks to <resume/> after
 * authenticating, instead of binding. On <resumed/>, the stanzas the
 * server did not handle are written again, once, and the session goes
 * on where it was. Stanzas sent while the stream is down wait in the same
 * queue, up to :max-queued-bytes of them. When the server refuses, each
 * stanza that may not have arrived is handed to ::stanza-unacknowledged,
 * and a new session starts.
 *
 * The queue holds the stanzas' elements, shared with the caller's
 * XmppStanza: keeping one costs a reference, and a wrapper is only made
 * for the rare hand-back.
 *
 * The state can be written out and read back (save/restore), so that a
 * process can resume a session after a restart. */

#define NS_SM "urn:xmpp:sm:3"
#define NS_SM_STATE "urn:xmpp:xmpp-glib:sm-state:0"

/* Stanzas sent between two acknowledgement requests, at most. */
#define ACK_REQUEST_EVERY 16

/* Stanzas are what counts, not the stream's other elements. */
static gboolean
is_stanza (XmppElement *element)
{
  const char *name = xmpp_element_get_name (element);

  return g_strcmp0 (xmpp_element_get_namespace (element), XMPP_NS_CLIENT) == 0 &&
         (strcmp (name, "message") == 0 || strcmp (name, "presence") == 0 || strcmp (name, "iq") == 0);
}

/* Reads a count (an `h` attribute), 32-bit unsigned. */
static gboolean
parse_count (const char *text,
             guint32    *count)
{
  char *end = NULL;
  guint64 value;

  if (text == NULL)
    return FALSE;
  value = g_ascii_strtoull (text, &end, 10);
  if (end == text || *end != '\0' || value > G_MAXUINT32)
    return FALSE;
  *count = (guint32) value;
  return TRUE;
}

static char *
format_count (guint32 count)
{
  return g_strdup_printf ("%" G_GUINT32_FORMAT, count);
}

static gboolean
can_resume (XmppConnectionPrivate *priv)
{
  return priv->sm_resumable && priv->sm_id != NULL && priv->sm_jid != NULL;
}

static void
clear_unacked (XmppConnectionPrivate *priv)
{
  g_queue_clear_full (&priv->sm_unacked, (GDestroyNotify) xmpp_element_unref);
  priv->sm_held_bytes = 0;
}

/* Forgets whether an acknowledgement is due: the stream it was asked on
 * is gone. */
static void
clear_request (XmppConnectionPrivate *priv)
{
  priv->sm_ack_pending = FALSE;
  priv->sm_since_request = 0;
  xmpp_connection_clear_source (&priv->sm_liveness_source);
}

void
xmpp_connection_sm_reset (XmppConnection *self)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);

  priv->sm_enabled = FALSE;
  priv->sm_counting_in = FALSE;
  priv->sm_resumable = FALSE;
  priv->sm_h_in = 0;
  priv->sm_h_acked = 0;
  g_clear_pointer (&priv->sm_id, g_free);
  g_clear_pointer (&priv->sm_location, g_free);
  g_clear_pointer (&priv->sm_jid, xmpp_jid_unref);
  clear_unacked (priv);
  clear_request (priv);
}

/* Forgets the session, and moves the stanzas still waiting to the tail
 * of @lost. */
static void
lose_session (XmppConnection *self,
              GQueue         *lost)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);
  GList *l;

  while ((l = g_queue_pop_head_link (&priv->sm_unacked)) != NULL)
    g_queue_push_tail_link (lost, l);
  xmpp_connection_sm_reset (self);
}

void
xmpp_connection_sm_hand_back (XmppConnection *self,
                              GQueue         *lost)
{
  XmppElement *element;

  while ((element = g_queue_pop_head (lost)) != NULL)
    {
      g_autoptr(XmppStanza) stanza = xmpp_stanza_new_take_element (element);

      xmpp_connection_emit_stanza_unacknowledged (self, stanza);
    }
}

/* Forgets the session, then hands every stanza still waiting to
 * ::stanza-unacknowledged: the session they belonged to is gone. The
 * state is cleared first, so that a handler that sends again does not
 * send into the lost session. */
static void
give_back_unacked (XmppConnection *self)
{
  GQueue lost = G_QUEUE_INIT;

  lose_session (self, &lost);
  xmpp_connection_sm_hand_back (self, &lost);
}

/* The stream ended (cleanly when @error is NULL): only a session the
 * server agreed to resume, lost to a network or I/O failure, is kept. */
void
xmpp_connection_sm_stream_ended (XmppConnection *self,
                                 const GError   *error,
                                 GQueue         *lost)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);
  gboolean keep = error != NULL && can_resume (priv) &&
                  (error->domain == G_IO_ERROR || error->domain == G_TLS_ERROR ||
                   error->domain == G_RESOLVER_ERROR ||
                   g_error_matches (error, XMPP_CONNECTION_ERROR, XMPP_CONNECTION_ERROR_CLOSED) ||
                   g_error_matches (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_CONNECTION_TIMEOUT));

  clear_request (priv);
  priv->sm_counting_in = FALSE;
  priv->sm_enabled = FALSE;
  if (keep)
    return;
  /* After a failure, what the server never acknowledged may be lost;
   * after a clean close, the server had it before the end. */
  if (error != NULL)
    lose_session (self, lost);
  else
    xmpp_connection_sm_reset (self);
}

static gboolean
on_liveness_timeout (gpointer user_data)
{
  XmppConnection *self = user_data;
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);

  g_clear_pointer (&priv->sm_liveness_source, g_source_unref);
  xmpp_connection_stop (self, g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                           _("The server did not answer for %u seconds"),
                                           priv->liveness_timeout));
  return G_SOURCE_REMOVE;
}

void
xmpp_connection_arm_liveness (XmppConnection *self)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);

  if (priv->liveness_timeout == 0 || priv->sm_liveness_source != NULL)
    return;
  priv->sm_liveness_source = xmpp_connection_add_timeout (self, priv->liveness_timeout,
                                                          on_liveness_timeout, self);
}

void
xmpp_connection_disarm_liveness (XmppConnection *self)
{
  xmpp_connection_clear_source (&xmpp_connection_get_private (self)->sm_liveness_source);
}

gboolean
xmpp_connection_sm_request_ack (XmppConnection *self)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);
  g_autoptr(XmppElement) r = NULL;

  if (!priv->sm_enabled || priv->sm_ack_pending)
    return priv->sm_enabled;
  priv->sm_ack_pending = TRUE;
  priv->sm_since_request = 0;
  r = xmpp_element_new ("r", NS_SM);
  xmpp_connection_queue_element (self, r);
  xmpp_connection_arm_liveness (self);
  return TRUE;
}

void
xmpp_connection_sm_track (XmppConnection *self,
                          XmppElement    *element)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);

  if (!priv->sm_enabled || !is_stanza (element))
    return;
  g_queue_push_tail (&priv->sm_unacked, xmpp_element_ref (element));
  /* Asked every so many stanzas, the server keeps the queue short and
   * shows it is alive while stanzas flow. */
  if (++priv->sm_since_request >= ACK_REQUEST_EVERY && priv->phase == PHASE_READY)
    xmpp_connection_sm_request_ack (self);
}

gboolean
xmpp_connection_sm_hold (XmppConnection *self,
                         XmppStanza     *stanza)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);
  XmppElement *element = xmpp_stanza_get_element (stanza);
  g_autoptr(GString) text = NULL;

  if (!can_resume (priv))
    return FALSE;
  /* What waits for the stream counts against the same limit as what
   * waits in the send queue, so that a fast sender cannot take memory
   * without bound while the network is gone. */
  if (priv->max_queued_bytes > 0 && priv->sm_held_bytes >= priv->max_queued_bytes)
    return FALSE;
  text = g_string_sized_new (256);
  xmpp_writer_append_element (text, element, XMPP_NS_CLIENT, TRUE);
  priv->sm_held_bytes += text->len;
  /* Written after the resumption, or handed back if it fails. */
  g_queue_push_tail (&priv->sm_unacked, xmpp_element_ref (element));
  return TRUE;
}

void
xmpp_connection_sm_count_incoming (XmppConnection *self,
                                   XmppStanza     *stanza)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);

  if (priv->sm_counting_in && is_stanza (xmpp_stanza_get_element (stanza)))
    priv->sm_h_in++;
}

void
xmpp_connection_sm_acknowledge (XmppConnection *self)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);
  g_autoptr(XmppElement) a = NULL;
  g_autofree char *h = NULL;

  if (!priv->sm_counting_in)
    return;
  a = xmpp_element_new ("a", NS_SM);
  h = format_count (priv->sm_h_in);
  xmpp_element_set_attribute (a, "h", h);
  xmpp_connection_queue_element (self, a);
}

/* Takes the server's count of handled stanzas: drops as many from the
 * head of the queue. Returns: %FALSE if the count is missing or claims
 * more than was sent. */
static gboolean
take_ack (XmppConnection *self,
          XmppElement    *element)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);
  guint32 h, handled;

  if (!parse_count (xmpp_element_get_attribute (element, "h"), &h))
    return FALSE;
  handled = h - priv->sm_h_acked;
  if (handled > g_queue_get_length (&priv->sm_unacked))
    return FALSE;
  for (guint32 i = 0; i < handled; i++)
    xmpp_element_unref (g_queue_pop_head (&priv->sm_unacked));
  priv->sm_h_acked = h;
  return TRUE;
}

static void
fail_count (XmppConnection *self)
{
  xmpp_connection_send_stream_error (self, XMPP_STREAM_ERROR_UNDEFINED_CONDITION,
                                     g_error_new_literal (XMPP_CONNECTION_ERROR,
                                                          XMPP_CONNECTION_ERROR_PROTOCOL,
                                                          _("The server acknowledged stanzas that were never sent")));
}

gboolean
xmpp_connection_sm_enable (XmppConnection *self)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);
  g_autoptr(XmppElement) enable = NULL;

  if (!priv->stream_management || priv->features == NULL ||
      xmpp_element_get_child (priv->features, "sm", NS_SM) == NULL)
    return FALSE;

  enable = xmpp_element_new ("enable", NS_SM);
  xmpp_element_set_attribute (enable, "resume", "true");
  xmpp_connection_queue_element (self, enable);
  /* Outgoing stanzas count from <enable/> on (XEP-0198 §4). */
  priv->sm_enabled = TRUE;
  priv->sm_h_acked = 0;
  priv->sm_h_in = 0;
  g_clear_pointer (&priv->sm_jid, xmpp_jid_unref);
  priv->sm_jid = xmpp_jid_ref (priv->bound_jid);
  priv->phase = PHASE_ENABLE;
  return TRUE;
}

gboolean
xmpp_connection_sm_try_resume (XmppConnection *self)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);
  g_autoptr(XmppElement) resume = NULL;
  g_autofree char *h = NULL;

  if (!can_resume (priv))
    return FALSE;
  if (priv->features == NULL || xmpp_element_get_child (priv->features, "sm", NS_SM) == NULL ||
      !priv->stream_management)
    {
      give_back_unacked (self);
      return FALSE;
    }

  h = format_count (priv->sm_h_in);
  resume = xmpp_element_new ("resume", NS_SM);
  xmpp_element_set_attribute (resume, "previd", priv->sm_id);
  xmpp_element_set_attribute (resume, "h", h);
  priv->phase = PHASE_RESUME;
  xmpp_connection_queue_element (self, resume);
  return TRUE;
}

static void
handle_resumed (XmppConnection *self,
                XmppElement    *element)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);
  GQueue resend = G_QUEUE_INIT;

  if (g_strcmp0 (xmpp_element_get_attribute (element, "previd"), priv->sm_id) != 0 ||
      !take_ack (self, element))
    {
      fail_count (self);
      return;
    }

  priv->sm_enabled = TRUE;
  priv->sm_counting_in = TRUE;
  xmpp_connection_take_bound_jid (self, xmpp_jid_ref (priv->sm_jid));
  /* What the server did not handle is written again, once, and tracked
   * again by the queueing; it now waits in the send queue. */
  resend = priv->sm_unacked;
  g_queue_init (&priv->sm_unacked);
  priv->sm_held_bytes = 0;
  for (GList *l = resend.head; l != NULL; l = l->next)
    xmpp_connection_queue_element (self, l->data);
  g_queue_clear_full (&resend, (GDestroyNotify) xmpp_element_unref);
  xmpp_connection_become_ready (self, TRUE);
}

static void
handle_failed (XmppConnection *self,
               XmppElement    *element)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);
  Phase phase = priv->phase;

  /* The server may still say how much it handled (XEP-0198 §5); a
   * count that is missing or wrong only means more is handed back. */
  if (phase == PHASE_RESUME)
    take_ack (self, element);
  /* What it did not acknowledge has no guarantee any more: the stream
   * goes on without stream management. */
  give_back_unacked (self);

  /* A handler may have closed the connection meanwhile. */
  if (priv->phase != phase)
    return;
  if (phase == PHASE_RESUME)
    {
      g_debug ("The server could not resume the session");
      xmpp_connection_bind (self);
    }
  else if (phase == PHASE_ENABLE)
    xmpp_connection_become_ready (self, FALSE);
}

gboolean
xmpp_connection_sm_handle (XmppConnection *self,
                           XmppElement    *element)
{
  XmppConnectionPrivate *priv = xmpp_connection_get_private (self);
  const char *name;

  if (g_strcmp0 (xmpp_element_get_namespace (element), NS_SM) != 0)
    return FALSE;
  name = xmpp_element_get_name (element);

  if (strcmp (name, "r") == 0)
    xmpp_connection_sm_acknowledge (self);
  else if (strcmp (name, "a") == 0 && priv->sm_enabled)
    {
      priv->sm_ack_pending = FALSE;
      xmpp_connection_clear_source (&priv->sm_liveness_source);
      if (!take_ack (self, element))
        fail_count (self);
    }
  else if (strcmp (name, "enabled") == 0 && priv->sm_enabled && !priv->sm_counting_in)
    {
      const char *resume = xmpp_element_get_attribute (element, "resume");

      priv->sm_counting_in = TRUE;
      priv->sm_resumable = g_strcmp0 (resume, "true") == 0 || g_strcmp0 (resume, "1") == 0;
      g_free (priv->sm_id);
      priv->sm_id = g_strdup (xmpp_element_get_attribute (element, "id"));
      g_free (priv->sm_location);
      priv->sm_location = g_strdup (xmpp_element_get_attribute (element, "location"));
      if (priv->phase == PHASE_ENABLE)
        xmpp_connection_become_ready (self, FALSE);
    }
  else if (strcmp (name, "resumed") == 0 && priv->phase == PHASE_RESUME)
    handle_resumed (self, element);
  else if (strcmp (name, "failed") == 0)
    handle_failed (self, element);
  else
    g_debug ("Ignoring an unexpected <%s/> of stream management", name);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Public API */

/**
 * xmpp_connection_can_resume:
 * @self: a connection
 *
 * Tells whether a session lost to a network failure is kept, which the
 * next [method@Xmpp.Connection.connect_async] asks the server to resume.
 * Meanwhile [method@Xmpp.Connection.send] keeps the stanzas for it, up
 * to [property@Xmpp.Connection:max-queued-bytes] of them.
 *
 * Returns: %TRUE if there is a session to resume
 */
gboolean
xmpp_connection_can_resume (XmppConnection *self)
{
  g_return_val_if_fail (XMPP_IS_CONNECTION (self), FALSE);

  return can_resume (xmpp_connection_get_private (self));
}

/**
 * xmpp_connection_save_stream_state:
 * @self: a connection
 *
 * Writes out the stream management state of a session that can be
 * resumed: its id, the counts, the full address and the stanzas not yet
 * acknowledged, so that another process (or the same one after a
 * restart) can resume it with
 * [method@Xmpp.Connection.restore_stream_state].
 *
 * Returns: (transfer full) (nullable): the state as text, or %NULL if
 *   there is no session to resume
 */
char *
xmpp_connection_save_stream_state (XmppConnection *self)
{
  XmppConnectionPrivate *priv;
  g_autoptr(XmppElement) state = NULL;
  g_autofree char *h_in = NULL;
  g_autofree char *h_acked = NULL;

  g_return_val_if_fail (XMPP_IS_CONNECTION (self), NULL);

  priv = xmpp_connection_get_private (self);
  if (!can_resume (priv))
    return NULL;

  state = xmpp_element_new ("sm-state", NS_SM_STATE);
  h_in = format_count (priv->sm_h_in);
  h_acked = format_count (priv->sm_h_acked);
  xmpp_element_set_attribute (state, "id", priv->sm_id);
  xmpp_element_set_attribute (state, "jid", xmpp_jid_to_string (priv->sm_jid));
  xmpp_element_set_attribute (state, "h-in", h_in);
  xmpp_element_set_attribute (state, "h-acked", h_acked);
  if (priv->sm_location != NULL)
    xmpp_element_set_attribute (state, "location", priv->sm_location);
  /* Copies: an element has one parent, and these stay queued. */
  for (GList *l = priv->sm_unacked.head; l != NULL; l = l->next)
    xmpp_element_take_child (state, xmpp_element_copy (l->data));
  return xmpp_element_to_string (state);
}

/**
 * xmpp_connection_restore_stream_state:
 * @self: a connection that is not connected
 * @state: what [method@Xmpp.Connection.save_stream_state] wrote
 * @error: return location for a #GError
 *
 * Takes a saved stream management state: the next
 * [method@Xmpp.Connection.connect_async] asks the server to resume that
 * session, and writes the stanzas it had not acknowledged.
 *
 * Returns: %TRUE if the state was taken; %FALSE with
 *   %G_IO_ERROR_INVALID_DATA (or a parse error) if it is not the state of
 *   a session of this account, or %XMPP_CONNECTION_ERROR_BUSY if the
 *   connection is open
 */
gboolean
xmpp_connection_restore_stream_state (XmppConnection  *self,
                                      const char      *state,
                                      GError         **error)
{
  XmppConnectionPrivate *priv;
  g_autoptr(XmppElement) saved = NULL;
  g_autoptr(XmppJid) jid = NULL;
  const char *id;
  guint32 h_in, h_acked;

  g_return_val_if_fail (XMPP_IS_CONNECTION (self), FALSE);
  g_return_val_if_fail (state != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  priv = xmpp_connection_get_private (self);
  if (xmpp_connection_is_active (self))
    {
      g_set_error_literal (error, XMPP_CONNECTION_ERROR, XMPP_CONNECTION_ERROR_BUSY,
                           _("The connection is open"));
      return FALSE;
    }

  saved = xmpp_element_new_from_string (state, -1, error);
  if (saved == NULL)
    return FALSE;
  id = xmpp_element_get_attribute (saved, "id");
  jid = xmpp_jid_new (xmpp_element_get_attribute (saved, "jid") ?: "", NULL);
  if (!xmpp_element_is (saved, "sm-state", NS_SM_STATE) || id == NULL || jid == NULL ||
      xmpp_jid_is_bare (jid) || !xmpp_jid_equal_bare (jid, priv->jid) ||
      !parse_count (xmpp_element_get_attribute (saved, "h-in"), &h_in) ||
      !parse_count (xmpp_element_get_attribute (saved, "h-acked"), &h_acked))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("This is not the saved stream state of this account"));
      return FALSE;
    }

  xmpp_connection_sm_reset (self);
  priv->sm_resumable = TRUE;
  priv->sm_id = g_strdup (id);
  priv->sm_jid = g_steal_pointer (&jid);
  priv->sm_location = g_strdup (xmpp_element_get_attribute (saved, "location"));
  priv->sm_h_in = h_in;
  priv->sm_h_acked = h_acked;
  for (XmppElement *child = xmpp_element_get_first_child (saved); child != NULL;
       child = xmpp_element_get_next_sibling (child))
    if (is_stanza (child))
      g_queue_push_tail (&priv->sm_unacked, xmpp_element_copy (child));
  return TRUE;
}
