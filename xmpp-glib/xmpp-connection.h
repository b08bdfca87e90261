/* xmpp-connection.h: the RFC 6120 client stream
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(__XMPP_GLIB_INSIDE__) && !defined(XMPP_GLIB_COMPILATION)
#error "Only <xmpp-glib/xmpp-glib.h> can be included directly."
#endif

#include <gio/gio.h>
#include <xmpp-glib/xmpp-version-macros.h>
#include <xmpp-glib/xmpp-jid.h>
#include <xmpp-glib/xmpp-stanza.h>

G_BEGIN_DECLS

/**
 * XMPP_CONNECTION_ERROR:
 *
 * The error domain of connection failures that are neither a stream error
 * from the peer, nor a SASL failure, nor an I/O error.
 */
#define XMPP_CONNECTION_ERROR (xmpp_connection_error_quark ())

/**
 * XmppConnectionError:
 * @XMPP_CONNECTION_ERROR_TLS_REQUIRED: the server does not offer STARTTLS,
 *   or only TLS older than 1.2, and the connection refuses to continue
 *   without proper encryption
 * @XMPP_CONNECTION_ERROR_TLS_REFUSED: the server refused STARTTLS
 * @XMPP_CONNECTION_ERROR_CERTIFICATE: the server's certificate was not
 *   trusted, and neither pinned nor accepted by the application
 * @XMPP_CONNECTION_ERROR_BIND: resource binding failed
 * @XMPP_CONNECTION_ERROR_PROTOCOL: the server broke the protocol, for
 *   example with features the client cannot continue from
 * @XMPP_CONNECTION_ERROR_CLOSED: the connection closed before the operation
 *   completed
 * @XMPP_CONNECTION_ERROR_BUSY: the connection is not in a state that allows
 *   the operation, for example connecting twice
 *
 * Why a connection failed.
 */
typedef enum {
  XMPP_CONNECTION_ERROR_TLS_REQUIRED,
  XMPP_CONNECTION_ERROR_TLS_REFUSED,
  XMPP_CONNECTION_ERROR_CERTIFICATE,
  XMPP_CONNECTION_ERROR_BIND,
  XMPP_CONNECTION_ERROR_PROTOCOL,
  XMPP_CONNECTION_ERROR_CLOSED,
  XMPP_CONNECTION_ERROR_BUSY,
} XmppConnectionError;

/**
 * XmppConnectionState:
 * @XMPP_CONNECTION_STATE_DISCONNECTED: not connected
 * @XMPP_CONNECTION_STATE_CONNECTING: looking up and connecting to the server
 * @XMPP_CONNECTION_STATE_SECURING: negotiating TLS
 * @XMPP_CONNECTION_STATE_AUTHENTICATING: logging in with SASL
 * @XMPP_CONNECTION_STATE_BINDING: binding a resource
 * @XMPP_CONNECTION_STATE_READY: bound; stanzas flow both ways
 * @XMPP_CONNECTION_STATE_CLOSING: closing the stream
 *
 * Where a connection stands.
 */
typedef enum {
  XMPP_CONNECTION_STATE_DISCONNECTED,
  XMPP_CONNECTION_STATE_CONNECTING,
  XMPP_CONNECTION_STATE_SECURING,
  XMPP_CONNECTION_STATE_AUTHENTICATING,
  XMPP_CONNECTION_STATE_BINDING,
  XMPP_CONNECTION_STATE_READY,
  XMPP_CONNECTION_STATE_CLOSING,
} XmppConnectionState;

/**
 * XmppTlsMode:
 * @XMPP_TLS_MODE_STARTTLS: connect in plain text and upgrade with
 *   STARTTLS, which the server must offer (the default)
 * @XMPP_TLS_MODE_DIRECT: start TLS at once (XEP-0368 Direct TLS)
 * @XMPP_TLS_MODE_INSECURE_PLAINTEXT: never use TLS. Only for tests
 *   against a local server: passwords then cross the network readable, so
 *   PLAIN is refused and only SCRAM may log in
 *
 * How the connection is encrypted.
 */
typedef enum {
  XMPP_TLS_MODE_STARTTLS,
  XMPP_TLS_MODE_DIRECT,
  XMPP_TLS_MODE_INSECURE_PLAINTEXT,
} XmppTlsMode;

/**
 * XMPP_CONNECTION_DEFAULT_IQ_TIMEOUT:
 *
 * The default of [property@Xmpp.Connection:iq-timeout], in seconds.
 */
#define XMPP_CONNECTION_DEFAULT_IQ_TIMEOUT 30

/**
 * XMPP_CONNECTION_DEFAULT_MAX_QUEUED_BYTES:
 *
 * The default of [property@Xmpp.Connection:max-queued-bytes]: 1 MiB.
 */
#define XMPP_CONNECTION_DEFAULT_MAX_QUEUED_BYTES (1024 * 1024)

/**
 * XMPP_CONNECTION_DEFAULT_KEEPALIVE_INTERVAL:
 *
 * The default of [property@Xmpp.Connection:keepalive-interval], in
 * seconds.
 */
#define XMPP_CONNECTION_DEFAULT_KEEPALIVE_INTERVAL 60

/**
 * XMPP_CONNECTION_DEFAULT_LIVENESS_TIMEOUT:
 *
 * The default of [property@Xmpp.Connection:liveness-timeout], in
 * seconds.
 */
#define XMPP_CONNECTION_DEFAULT_LIVENESS_TIMEOUT 30

#define XMPP_TYPE_CONNECTION (xmpp_connection_get_type ())

XMPP_AVAILABLE_IN_ALL
G_DECLARE_DERIVABLE_TYPE (XmppConnection, xmpp_connection, XMPP, CONNECTION, GObject)

/**
 * XmppConnectionClass:
 * @parent_class: the parent class
 * @ready: default handler of [signal@Xmpp.Connection::ready]: the stream
 *   is bound and stanzas may flow; a subclass starts its session here
 * @closed: default handler of [signal@Xmpp.Connection::closed]
 * @password_needed: class handler of
 *   [signal@Xmpp.Connection::password-needed]
 *
 * The class of [class@Xmpp.Connection], for subclasses such as the
 * instant-messaging connection.
 */
struct _XmppConnectionClass
{
  GObjectClass parent_class;

  void (*ready)  (XmppConnection *self,
                  XmppJid        *jid);
  void (*closed) (XmppConnection *self,
                  const GError   *error);
  gboolean (*password_needed) (XmppConnection *self);

  /*< private >*/
  gpointer padding[11];
};

XMPP_AVAILABLE_IN_ALL
GQuark xmpp_connection_error_quark (void);

XMPP_AVAILABLE_IN_ALL
XmppConnection *xmpp_connection_new (XmppJid    *jid,
                                     const char *password);

XMPP_AVAILABLE_IN_ALL
void xmpp_connection_connect_async (XmppConnection      *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
XMPP_AVAILABLE_IN_ALL
gboolean xmpp_connection_connect_finish (XmppConnection *self,
                                         GAsyncResult   *result,
                                         GError        **error);
XMPP_AVAILABLE_IN_ALL
void xmpp_connection_close_async (XmppConnection      *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);
XMPP_AVAILABLE_IN_ALL
gboolean xmpp_connection_close_finish (XmppConnection *self,
                                       GAsyncResult   *result,
                                       GError        **error);

XMPP_AVAILABLE_IN_ALL
gboolean xmpp_connection_send (XmppConnection *self,
                               XmppStanza     *stanza);
XMPP_AVAILABLE_IN_ALL
gsize xmpp_connection_get_queued_bytes (XmppConnection *self);
XMPP_AVAILABLE_IN_ALL
gsize xmpp_connection_get_max_queued_bytes (XmppConnection *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_connection_set_max_queued_bytes (XmppConnection *self,
                                           gsize           max_queued_bytes);
XMPP_AVAILABLE_IN_ALL
guint xmpp_connection_get_keepalive_interval (XmppConnection *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_connection_set_keepalive_interval (XmppConnection *self,
                                             guint           seconds);
XMPP_AVAILABLE_IN_ALL
void xmpp_connection_send_iq_async (XmppConnection      *self,
                                    XmppStanza          *iq,
                                    int                  timeout_seconds,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
XMPP_AVAILABLE_IN_ALL
XmppStanza *xmpp_connection_send_iq_finish (XmppConnection *self,
                                            GAsyncResult   *result,
                                            GError        **error);

XMPP_AVAILABLE_IN_ALL
XmppStanza *xmpp_connection_send_iq_get_error_reply (XmppConnection *self,
                                                     GAsyncResult   *result);

XMPP_AVAILABLE_IN_ALL
void xmpp_connection_set_password (XmppConnection *self,
                                   const char     *password);
XMPP_AVAILABLE_IN_ALL
XmppJid *xmpp_connection_get_jid (XmppConnection *self);
XMPP_AVAILABLE_IN_ALL
XmppJid *xmpp_connection_get_bound_jid (XmppConnection *self);
XMPP_AVAILABLE_IN_ALL
XmppConnectionState xmpp_connection_get_state (XmppConnection *self);
XMPP_AVAILABLE_IN_ALL
const char *xmpp_connection_get_host (XmppConnection *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_connection_set_host (XmppConnection *self,
                               const char     *host);
XMPP_AVAILABLE_IN_ALL
guint xmpp_connection_get_port (XmppConnection *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_connection_set_port (XmppConnection *self,
                               guint           port);
XMPP_AVAILABLE_IN_ALL
XmppTlsMode xmpp_connection_get_tls_mode (XmppConnection *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_connection_set_tls_mode (XmppConnection *self,
                                   XmppTlsMode     mode);
XMPP_AVAILABLE_IN_ALL
GTlsDatabase *xmpp_connection_get_tls_database (XmppConnection *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_connection_set_tls_database (XmppConnection *self,
                                       GTlsDatabase   *database);
XMPP_AVAILABLE_IN_ALL
GTlsCertificate *xmpp_connection_get_pinned_certificate (XmppConnection *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_connection_set_pinned_certificate (XmppConnection  *self,
                                             GTlsCertificate *certificate);
XMPP_AVAILABLE_IN_ALL
GTlsCertificate *xmpp_connection_get_tls_certificate (XmppConnection *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_connection_set_tls_certificate (XmppConnection  *self,
                                          GTlsCertificate *certificate);
XMPP_AVAILABLE_IN_ALL
GTlsCertificate *xmpp_connection_get_peer_certificate (XmppConnection *self);
XMPP_AVAILABLE_IN_ALL
GTlsCertificateFlags xmpp_connection_get_peer_certificate_errors (XmppConnection *self);
XMPP_AVAILABLE_IN_ALL
const char *xmpp_connection_get_resource (XmppConnection *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_connection_set_resource (XmppConnection *self,
                                   const char     *resource);
XMPP_AVAILABLE_IN_ALL
const char *xmpp_connection_get_sasl_mechanism (XmppConnection *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_connection_set_sasl_mechanism (XmppConnection *self,
                                         const char     *mechanism);
XMPP_AVAILABLE_IN_ALL
guint xmpp_connection_get_iq_timeout (XmppConnection *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_connection_set_iq_timeout (XmppConnection *self,
                                     guint           seconds);
XMPP_AVAILABLE_IN_ALL
guint xmpp_connection_get_connect_timeout (XmppConnection *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_connection_set_connect_timeout (XmppConnection *self,
                                          guint           seconds);
XMPP_AVAILABLE_IN_ALL
const char *xmpp_connection_get_used_mechanism (XmppConnection *self);
XMPP_AVAILABLE_IN_ALL
XmppElement *xmpp_connection_get_stream_features (XmppConnection *self);

XMPP_AVAILABLE_IN_ALL
gboolean xmpp_connection_get_stream_management (XmppConnection *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_connection_set_stream_management (XmppConnection *self,
                                            gboolean        enabled);
XMPP_AVAILABLE_IN_ALL
guint xmpp_connection_get_liveness_timeout (XmppConnection *self);
XMPP_AVAILABLE_IN_ALL
void xmpp_connection_set_liveness_timeout (XmppConnection *self,
                                           guint           seconds);
XMPP_AVAILABLE_IN_ALL
gboolean xmpp_connection_get_resumed (XmppConnection *self);
XMPP_AVAILABLE_IN_ALL
gboolean xmpp_connection_can_resume (XmppConnection *self);
XMPP_AVAILABLE_IN_ALL
char *xmpp_connection_save_stream_state (XmppConnection *self);
XMPP_AVAILABLE_IN_ALL
gboolean xmpp_connection_restore_stream_state (XmppConnection  *self,
                                               const char      *state,
                                               GError         **error);

G_END_DECLS
