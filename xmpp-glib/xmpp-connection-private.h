/* xmpp-connection-private.h: what the parts of XmppConnection share
 * between xmpp-connection.c (the object and its API),
 * xmpp-connection-stream.c (transport, sending and negotiation),
 * xmpp-connection-resolve.c (where to connect),
 * xmpp-connection-iq.c (IQ requests and replies) and
 * xmpp-connection-sm.c (XEP-0198 stream management)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "xmpp-glib-private.h"
#include "xmpp-parser-private.h"
#include "xmpp-sasl-private.h"
#include "xmpp-connection.h"

G_BEGIN_DECLS

#define READ_BUFFER_SIZE 16384

/* A place to connect to, from an SRV record or the fallback. */
typedef struct
{
  char *host;
  guint16 port;
  gboolean direct_tls;           /* from _xmpps-client: TLS at once */
} XmppConnectionTarget;

typedef enum {
  PHASE_NONE,
  PHASE_FEATURES,      /* waiting for <stream:features/> */
  PHASE_STARTTLS,      /* sent <starttls/>, waiting for <proceed/> */
  PHASE_PASSWORD,      /* waiting for the application's password */
  PHASE_SASL,          /* in a SASL exchange */
  PHASE_BIND,          /* sent the bind request */
  PHASE_SESSION,       /* sent the legacy session request */
  PHASE_RESUME,        /* sent <resume/> (XEP-0198) */
  PHASE_ENABLE,        /* sent <enable/> (XEP-0198) */
  PHASE_READY,
  PHASE_CLOSING,       /* sent the closing tag */
} Phase;

typedef struct
{
  /* Settings */
  XmppJid *jid;
  char *password;
  char *host;
  guint port;
  XmppTlsMode tls_mode;
  GTlsDatabase *tls_database;
  GTlsCertificate *pinned_certificate;
  GTlsCertificate *tls_certificate;
  char *resource;
  char *sasl_mechanism;
  guint iq_timeout;
  guint connect_timeout;
  gboolean stream_management;
  guint liveness_timeout;

  /* Session */
  XmppConnectionState state;
  Phase phase;
  XmppJid *bound_jid;
  XmppElement *features;           /* the last <stream:features/> */
  char *used_mechanism;
  gboolean secured;
  gboolean authenticated;

  GSocketConnection *socket;
  GIOStream *stream;               /* the socket, or TLS over it */
  GCancellable *cancellable;       /* all I/O; cancelled when the stream ends */
  XmppParser *parser;
  guint8 *read_buffer;
  gboolean reading;
  gboolean read_paused;            /* until TLS is up */
  GQueue write_queue;              /* GBytes */
  gboolean writing;
  gboolean tls_when_drained;
  GTlsCertificate *peer_certificate;
  GTlsCertificateFlags peer_errors;

  XmppSaslClient *sasl;
  XmppElement *login_features;     /* kept while waiting for a password */
  char *bind_id;
  char *session_id;

  GMainContext *context;           /* where the session's callbacks run */
  GTask *connect_task;
  GSource *connect_cancel_source;  /* the caller's cancellable, in our context */
  GSource *connect_timeout_source;
  gboolean session_required;
  gboolean bind_retried;           /* after a conflict on the resource */
  GTask *close_task;
  GSource *close_timeout_source;

  GHashTable *pending_iqs;         /* id → PendingIq */

  GList *targets;                  /* XmppConnectionTarget still to try */
  gboolean direct_tls;             /* the current target starts with TLS */
  guint redirects;                 /* see-other-host followed so far */
  guint keepalive_interval;
  GSource *keepalive_source;
  gint64 last_write_time;
  gsize queued_bytes;
  char received_tail[3];           /* a UTF-8 sequence split by a read */
  gsize received_tail_len;
  gsize max_queued_bytes;

  /* XEP-0198, in xmpp-connection-sm.c */
  gboolean resumed;                /* this session resumed an earlier one */
  gboolean sm_enabled;             /* <enable/> sent: outgoing stanzas count */
  gboolean sm_counting_in;         /* <enabled/> came: incoming stanzas count */
  gboolean sm_resumable;
  gboolean sm_ack_pending;         /* <r/> sent, no <a/> yet */
  guint sm_since_request;          /* stanzas sent since the last <r/> */
  guint32 sm_h_in;                 /* stanzas received and handled */
  guint32 sm_h_acked;              /* the server's last count */
  char *sm_id;
  char *sm_location;
  XmppJid *sm_jid;                 /* the session's full address */
  GQueue sm_unacked;               /* XmppElement, sent or waiting, not acknowledged */
  gsize sm_held_bytes;             /* of those, sent while the stream was down */
  GSource *sm_liveness_source;     /* an answer is due before it fires */
} XmppConnectionPrivate;

/* xmpp-connection.c: the object, its state, its signals */

XmppConnectionPrivate *xmpp_connection_get_private (XmppConnection *self);

/* Destroys and forgets *@source, if any. */
void xmpp_connection_clear_source (GSource **source);

/* A new timeout of @seconds that calls @func with @data in the
 * connection's context. Returns: (transfer full): the attached source. */
GSource *xmpp_connection_add_timeout (XmppConnection *self,
                                      guint           seconds,
                                      GSourceFunc     func,
                                      gpointer        data);

/* Whether a session was started and has not ended yet. */
gboolean xmpp_connection_is_active (XmppConnection *self);

/* Sets the state and notifies :state if it changed. */
void xmpp_connection_set_state (XmppConnection      *self,
                                XmppConnectionState  state);

/* Replaces the bound address with @jid, taking the caller's reference,
 * and notifies :bound-jid. */
void xmpp_connection_take_bound_jid (XmppConnection *self,
                                     XmppJid        *jid);

/* Emit the signals of the same names. ::xml-sent and ::xml-received are
 * only emitted, and the text of ::xml-received only made, when a handler
 * is connected. */
void xmpp_connection_emit_ready (XmppConnection *self,
                                 XmppJid        *jid);
void xmpp_connection_emit_closed (XmppConnection *self,
                                  const GError   *error);
void xmpp_connection_emit_xml_sent (XmppConnection *self,
                                    const char     *text);
void xmpp_connection_emit_xml_received (XmppConnection *self,
                                        const guint8   *data,
                                        gsize           size);
void xmpp_connection_emit_queue_drained (XmppConnection *self);

/* Starts the timer of :connect-timeout anew, or stops it. */
void xmpp_connection_start_connect_timeout (XmppConnection *self);
void xmpp_connection_pause_connect_timeout (XmppConnection *self);

/* Emits ::password-needed. Returns: %TRUE if a handler will give it. */
gboolean xmpp_connection_emit_password_needed (XmppConnection *self);

/* Records the certificate the server presented and what is wrong with
 * it (0: nothing), and notifies the properties. */
void xmpp_connection_set_peer_certificate (XmppConnection       *self,
                                           GTlsCertificate      *certificate,
                                           GTlsCertificateFlags  errors);

/* Emits ::iq-request with the namespace of the payload as the detail.
 * Returns: %TRUE if a handler answered @request. */
gboolean xmpp_connection_emit_iq_request (XmppConnection *self,
                                          XmppStanza     *request);


/* Hands a stanza received on a ready stream to the application: emits
 * ::stanza, then routes IQs to the IQ machinery and emits ::message or
 * ::presence. */
void xmpp_connection_dispatch (XmppConnection *self,
                               XmppStanza     *stanza);

/* xmpp-connection-stream.c: transport and negotiation */

/* What the parser reports to: set on the connection's parser at init. */
extern const XmppParserHandlers xmpp_connection_parser_handlers;

/* Connects the socket to @host and @port, then secures, opens and
 * negotiates the stream. */
void xmpp_connection_connect_socket (XmppConnection *self,
                                     const char     *host,
                                     guint           port);

/* Queue text, or an element serialized in the jabber:client namespace,
 * for writing after what is already queued. */
void xmpp_connection_queue_text (XmppConnection *self,
                                 const char     *text);
void xmpp_connection_queue_element (XmppConnection *self,
                                    XmppElement    *element);

/* Ends the session: drops the transport, fails what waits on it, and
 * emits ::closed once. Takes @error, which is NULL for a clean close. */
void xmpp_connection_stop (XmppConnection *self,
                           GError         *error);

/* Emits ::stanza-unacknowledged. */
void xmpp_connection_emit_stanza_unacknowledged (XmppConnection *self,
                                                 XmppStanza     *stanza);

/* Sends a stream error for @condition, if it can be written at once, and
 * ends the session with @error (taken). */
void xmpp_connection_send_stream_error (XmppConnection  *self,
                                        XmppStreamError  condition,
                                        GError          *error);

/* Binds a resource (after authentication, or after a refused
 * resumption). */
void xmpp_connection_bind (XmppConnection *self);

/* The stream is ready: a new session, or a @resumed one. */
void xmpp_connection_become_ready (XmppConnection *self,
                                   gboolean        resumed);

/* Goes on with the login that waited for a password (PHASE_PASSWORD). */
void xmpp_connection_continue_login (XmppConnection *self);

/* (Re)starts the whitespace keepalive timer of a ready stream, or stops
 * it when the interval is 0. */
void xmpp_connection_start_keepalive (XmppConnection *self);

/* Checks at once, as when the stream is idle, that the server still
 * answers: <r/> with stream management, else a ping when
 * :liveness-timeout is set (else only a space). Without an answer within
 * :liveness-timeout, the stream ends with G_IO_ERROR_TIMED_OUT. Does
 * nothing unless the stream is ready. */
void xmpp_connection_check_liveness (XmppConnection *self);

/* Drops the transport of the current attempt (socket, TLS, queues, parser
 * state) without ending the session, for a redirect. */
void xmpp_connection_drop_transport (XmppConnection *self);

/* xmpp-connection-resolve.c: where to connect */

/* Starts connecting: to the host set on the connection, or to the
 * targets of the domain's SRV records, or to the domain itself. */
void xmpp_connection_start (XmppConnection *self);

/* The connection to the current target failed with @error (taken):
 * tries the next target, or ends the session with @error. */
void xmpp_connection_try_next_target (XmppConnection *self,
                                      GError         *error);

/* Follows a see-other-host to @location ("host", "host:port",
 * "[v6]:port"). Returns: %FALSE if it may not be followed (not while
 * connecting, too many redirects, or not an address). */
gboolean xmpp_connection_redirect (XmppConnection *self,
                                   const char     *location);

/* Orders the records of _xmpps-client (@xmpps) and _xmpp-client (@xmpp)
 * together by priority and weight (RFC 2782), as a list of targets to
 * free with xmpp_connection_target_free(). The GSrvTargets stay the
 * caller's. */
GList *xmpp_connection_merge_srv_targets (GList *xmpps,
                                          GList *xmpp);
void xmpp_connection_target_free (XmppConnectionTarget *target);

/* xmpp-connection-iq.c: IQ requests and replies */

/* A new unguessable IQ id. */
char *xmpp_connection_new_iq_id (void);

/* A new, empty table of the IQ requests waiting for a reply, by id. */
GHashTable *xmpp_connection_new_pending_iqs (void);

/* Fails every IQ request still waiting for a reply with a copy of
 * @error, and starts an empty table. */
void xmpp_connection_fail_pending_iqs (XmppConnection *self,
                                       const GError   *error);

/* Answers an incoming `get` or `set`: pings here, the rest through
 * ::iq-request, and `service-unavailable` for what no handler claims. */
void xmpp_connection_handle_iq_request (XmppConnection *self,
                                        XmppStanza     *request);

/* Completes the request that @reply answers, if its id and its sender
 * match one. Returns: %TRUE if @reply was taken as a reply. */
gboolean xmpp_connection_handle_iq_reply (XmppConnection *self,
                                          XmppStanza     *reply);

/* xmpp-connection-sm.c: XEP-0198 stream management */

/* Forgets the whole stream management state. */
void xmpp_connection_sm_reset (XmppConnection *self);
/* The stream ended, with @error or cleanly: keeps a resumable session
 * lost to a failure, forgets anything else. The stanzas that may have
 * been lost with it go to the tail of @lost (XmppElement), for
 * xmpp_connection_sm_hand_back() once the session is taken apart. */
void xmpp_connection_sm_stream_ended (XmppConnection *self,
                                      const GError   *error,
                                      GQueue         *lost);
/* Emits ::stanza-unacknowledged for each element taken from @lost. */
void xmpp_connection_sm_hand_back (XmppConnection *self,
                                   GQueue         *lost);
/* After binding: asks for stream management if the server offers it.
 * Returns: %TRUE if it did; the stream is ready once the server
 * answered. */
gboolean xmpp_connection_sm_enable (XmppConnection *self);
/* After authenticating: asks to resume the kept session. Returns: %FALSE
 * if there is none, or the server no longer offers stream management
 * (the kept stanzas are then given back). */
gboolean xmpp_connection_sm_try_resume (XmppConnection *self);
/* Handles an element in the stream management namespace. Returns:
 * %FALSE if @element is not one. */
gboolean xmpp_connection_sm_handle (XmppConnection *self,
                                    XmppElement    *element);
/* Keeps @element, if it is a stanza sent while counting. */
void xmpp_connection_sm_track (XmppConnection *self,
                               XmppElement    *element);
/* Keeps @stanza, sent while the stream is down, for the resumption.
 * Returns: %FALSE if there is no session to resume, or if what is kept
 * already reached :max-queued-bytes. */
gboolean xmpp_connection_sm_hold (XmppConnection *self,
                                  XmppStanza     *stanza);
/* Sends <a/> with the count of handled stanzas, if counting. */
void xmpp_connection_sm_acknowledge (XmppConnection *self);
/* Counts a stanza received on a ready stream. */
void xmpp_connection_sm_count_incoming (XmppConnection *self,
                                        XmppStanza     *stanza);
/* Sends <r/> unless one is pending; starts the liveness timer. Returns:
 * %FALSE if stream management is not on. */
gboolean xmpp_connection_sm_request_ack (XmppConnection *self);
/* The liveness timer: an answer must come before :liveness-timeout. */
void xmpp_connection_arm_liveness (XmppConnection *self);
void xmpp_connection_disarm_liveness (XmppConnection *self);

G_END_DECLS
