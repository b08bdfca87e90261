/* fake-server.h: a scripted XMPP server for tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <xmpp-glib/xmpp-glib.h>

G_BEGIN_DECLS

#define FAKE_NS_CLIENT  "jabber:client"
#define FAKE_NS_STREAM  "http://etherx.jabber.org/streams"
#define FAKE_NS_STREAMS "urn:ietf:params:xml:ns:xmpp-streams"
#define FAKE_NS_TLS     "urn:ietf:params:xml:ns:xmpp-tls"
#define FAKE_NS_SASL    "urn:ietf:params:xml:ns:xmpp-sasl"
#define FAKE_NS_BIND    "urn:ietf:params:xml:ns:xmpp-bind"

/* The contents of <stream:features/> at each stage of a login. */
#define FAKE_FEATURES_STARTTLS \
  "<starttls xmlns='" FAKE_NS_TLS "'><required/></starttls>"
#define FAKE_FEATURES_MECHANISMS(mechanism) \
  "<mechanisms xmlns='" FAKE_NS_SASL "'><mechanism>" mechanism "</mechanism></mechanisms>"
#define FAKE_FEATURES_BIND \
  "<bind xmlns='" FAKE_NS_BIND "'/>"

/* FakeServer: an XMPP server on 127.0.0.1 and a port of the system's
 * choosing, for one client connection, running on the thread-default
 * main context of the thread that made it.
 *
 * The test gives it a script: a queue of steps run in order, each as soon
 * as what it waits for has happened (the client's stream header, an
 * element from the client, the end of a TLS handshake, …). Steps may be
 * added at any time, also while the client is connected: a step added to
 * an idle script runs at once. Every element the client sends is parsed
 * with the library's own #XmppParser, kept in order for the script's
 * expectations, and recorded, as are the bytes it sends (after TLS).
 *
 * When a step sees something it did not expect, the script stops, the
 * server hangs up, and fake_server_get_error() tells what went wrong.
 */
typedef struct _FakeServer FakeServer;

/* Listens on 127.0.0.1; SASL accepts @user with @password. */
FakeServer *fake_server_new (const char *domain,
                             const char *user,
                             const char *password);
/* Stops listening, drops the client, and iterates the main context until
 * every operation in flight has returned. */
void fake_server_free (FakeServer *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FakeServer, fake_server_free)

guint16 fake_server_get_port (FakeServer *self);
/* The certificate, with its private key, for STARTTLS. */
void fake_server_set_certificate (FakeServer      *self,
                                  GTlsCertificate *certificate);

/* Script steps */

/* Wait for the client's stream header; send nothing. */
void fake_server_expect_header (FakeServer *self);
/* Wait for the client's stream header; answer with a header and
 * <stream:features>@features</stream:features>. */
void fake_server_open_stream (FakeServer *self,
                              const char *features);
/* The next element from the client must be @name in @namespace_ (any
 * namespace if %NULL); then send @reply, if any, with each "{id}" in it
 * replaced by the element's id. */
void fake_server_expect (FakeServer *self,
                         const char *name,
                         const char *namespace_,
                         const char *reply);
/* Send @data as it is. */
void fake_server_send (FakeServer *self,
                       const char *data);
/* Send @data one byte every @interval_ms, from a timeout source. */
void fake_server_trickle (FakeServer *self,
                          const char *data,
                          guint       interval_ms);
/* Expect <starttls/>, answer <proceed/>, take the TLS handshake as the
 * server; the script waits for the handshake. */
void fake_server_starttls (FakeServer *self);
/* The server side of a SASL exchange with GSASL, ending in <success/>
 * (and a new stream) or <failure/>. With @break_signature, a bit of the
 * SCRAM server signature is flipped. */
void fake_server_sasl (FakeServer *self,
                       const char *mechanism,
                       gboolean    break_signature);
/* Answer the bind request with @jid. */
void fake_server_bind (FakeServer *self,
                       const char *jid);
/* Once everything is written, close the TCP connection, without a
 * closing tag nor a TLS close_notify. */
void fake_server_hang_up (FakeServer *self);
/* A whole login: STARTTLS if asked, SASL with @mechanism (the only one
 * offered), binding @jid. */
void fake_server_script_login (FakeServer *self,
                               gboolean    starttls,
                               const char *mechanism,
                               const char *jid);

/* What happened */

/* Every step ran and everything was written. */
gboolean fake_server_is_idle (FakeServer *self);
/* The client closed the connection, or the server hung up. */
gboolean fake_server_client_gone (FakeServer *self);
/* Why the script failed, or %NULL. */
const char *fake_server_get_error (FakeServer *self);
/* How many stream headers the client sent. */
guint fake_server_get_n_headers (FakeServer *self);
/* Every top-level element the client sent (#XmppStanza), in order. */
GPtrArray *fake_server_get_received (FakeServer *self);
guint fake_server_count_received (FakeServer *self,
                                  const char *name,
                                  const char *namespace_);
/* The first element the client sent with the id @id, or %NULL. */
XmppStanza *fake_server_find_received (FakeServer *self,
                                       const char *id);
/* The last element the client sent named @name, or %NULL. */
XmppStanza *fake_server_last_received (FakeServer *self,
                                       const char *name);
/* Every byte the client sent (inside TLS once it started), as text. */
const char *fake_server_get_received_text (FakeServer *self);

/* A self-signed certificate for localhost, made with openssl in a
 * temporary folder. The private key is deleted once loaded; the
 * certificate file, which the database reads at each handshake, goes
 * with fake_certificate_free(). */

typedef struct
{
  char *dir;
  char *cert_file;
  GTlsCertificate *certificate;   /* with its private key, for the server */
  GTlsDatabase *database;         /* that trusts it, for the client */
} FakeCertificate;

FakeCertificate *fake_certificate_new (const char *openssl,
                                       GError    **error);
/* The openssl program for fake_certificate_new(): "--openssl PATH"
 * among the test's arguments (meson gives it), or the one in PATH. */
char *fake_find_openssl (int    argc,
                         char **argv);
void fake_certificate_free (FakeCertificate *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FakeCertificate, fake_certificate_free)

G_END_DECLS
