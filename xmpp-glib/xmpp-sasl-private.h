/* xmpp-sasl-private.h: the SASL client of a connection (RFC 6120 §6):
 * SCRAM on xmpp-sasl-scram-private.h, the other mechanisms on GNU SASL
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

#include "xmpp-glib-private.h"
#include "xmpp-sasl.h"

G_BEGIN_DECLS

#define XMPP_NS_SASL    "urn:ietf:params:xml:ns:xmpp-sasl"
#define XMPP_NS_SASL_CB "urn:xmpp:sasl-cb:0"   /* XEP-0440 */

/* The most <challenge/>s one exchange may take; the next one fails with
 * XMPP_SASL_ERROR_PROTOCOL. The mechanisms used today need at most two. */
#define XMPP_SASL_MAX_CHALLENGES 10

/* The most bytes of decoded data a <challenge/> or <success/> may carry. */
#define XMPP_SASL_MAX_CHALLENGE_SIZE 16384

/* The range of SCRAM iteration counts (the i= of the server-first
 * message) the client accepts. Below the minimum, which RFC 5802 §5.1
 * recommends and most servers use, the exchange fails with
 * XMPP_SASL_ERROR_MECHANISM_TOO_WEAK: the stored keys would be cheap to
 * attack. Above the maximum it fails with XMPP_SASL_ERROR_PROTOCOL: the
 * hashing runs inside xmpp_sasl_client_receive(), on the caller's thread, and
 * a million rounds take about 0.1 s (SHA-1, SHA-256) to 0.6 s (SHA-512,
 * which has no CPU instructions of its own) on a fast core; 4096 rounds,
 * the usual count, take under 3 ms. */
#define XMPP_SASL_SCRAM_MIN_ITERATIONS 4096
#define XMPP_SASL_SCRAM_MAX_ITERATIONS 1000000

/* The mechanisms the client may use, one bit each. xmpp_sasl_client_start()
 * picks the first one in this order that the server offers, the library
 * implements (SCRAM in xmpp-sasl-scram.c, the others through GSASL) and
 * the credentials and transport allow. */
typedef enum {
  XMPP_SASL_MECHANISM_EXTERNAL           = 1 << 0,  /* TLS client certificate */
  XMPP_SASL_MECHANISM_SCRAM_SHA_512_PLUS = 1 << 1,
  XMPP_SASL_MECHANISM_SCRAM_SHA_256_PLUS = 1 << 2,
  XMPP_SASL_MECHANISM_SCRAM_SHA_1_PLUS   = 1 << 3,
  XMPP_SASL_MECHANISM_SCRAM_SHA_512      = 1 << 4,
  XMPP_SASL_MECHANISM_SCRAM_SHA_256      = 1 << 5,
  XMPP_SASL_MECHANISM_SCRAM_SHA_1        = 1 << 6,
  XMPP_SASL_MECHANISM_PLAIN              = 1 << 7,  /* never without TLS */
  XMPP_SASL_MECHANISM_ANONYMOUS          = 1 << 8,
} XmppSaslMechanism;

/* What a client allows unless told otherwise: SCRAM and PLAIN. EXTERNAL
 * and ANONYMOUS are only used when asked for. */
#define XMPP_SASL_MECHANISMS_DEFAULT                                      \
  (XMPP_SASL_MECHANISM_SCRAM_SHA_512_PLUS |                               \
   XMPP_SASL_MECHANISM_SCRAM_SHA_256_PLUS |                               \
   XMPP_SASL_MECHANISM_SCRAM_SHA_1_PLUS |                                 \
   XMPP_SASL_MECHANISM_SCRAM_SHA_512 |                                    \
   XMPP_SASL_MECHANISM_SCRAM_SHA_256 |                                    \
   XMPP_SASL_MECHANISM_SCRAM_SHA_1 |                                      \
   XMPP_SASL_MECHANISM_PLAIN)

typedef enum {
  XMPP_SASL_STATUS_CONTINUE,  /* send the reply, wait for the next element */
  XMPP_SASL_STATUS_SUCCESS,   /* authenticated: restart the stream */
  XMPP_SASL_STATUS_FAILED,    /* the error is set; the exchange is over */
} XmppSaslStatus;

typedef struct _XmppSaslClient XmppSaslClient;

/* One authentication exchange. @authcid is the localpart of the account's
 * JID (SCRAM applies SASLprep to it), @service is "xmpp" and @hostname the
 * domainpart. @password and @authcid may be NULL for EXTERNAL and
 * ANONYMOUS. @tls_protected says whether the stream runs over TLS; without
 * it PLAIN and channel binding are never used. The client keeps a copy of
 * @password, which it wipes when freed. */
XmppSaslClient *xmpp_sasl_client_new (const char *authcid,
                                      const char *password,
                                      const char *authzid,
                                      const char *service,
                                      const char *hostname,
                                      gboolean    tls_protected);
void xmpp_sasl_client_free (XmppSaslClient *self);

/* The flag of a mechanism by its name, or 0 for one the client does not
 * know. */
XmppSaslMechanism xmpp_sasl_mechanism_from_name (const char *name);

/* Restricts the mechanisms to @allowed (XMPP_SASL_MECHANISMS_DEFAULT
 * unless set). Call before xmpp_sasl_client_start(). */
void xmpp_sasl_client_set_allowed_mechanisms (XmppSaslClient    *self,
                                              XmppSaslMechanism  allowed);

/* Gives the channel binding data of the TLS connection, as
 * g_tls_connection_get_channel_binding_data() returns it (NULL when not
 * available), and the TLS version, which picks the type: tls-exporter
 * under TLS 1.3 (RFC 9266), tls-unique first and then tls-exporter under
 * TLS 1.2 and older; none for an unknown version. Call before
 * xmpp_sasl_client_start(). */
void xmpp_sasl_client_set_channel_binding (XmppSaslClient      *self,
                                           GTlsProtocolVersion  version,
                                           GBytes              *tls_unique,
                                           GBytes              *tls_exporter);

/* Picks a mechanism among @mechanisms, the server's offer (NULL-terminated
 * names from <mechanisms/>), and gives the <auth/> element to send, with
 * its initial response. @channel_bindings are the types the server lists
 * in XEP-0440 <sasl-channel-binding/>, or NULL when it sent none: a -PLUS
 * mechanism is only used with a type from that list, or without a list
 * with tls-unique under TLS 1.2. Fails with
 * XMPP_SASL_ERROR_NO_MECHANISM when nothing fits. */
XmppElement *xmpp_sasl_client_start (XmppSaslClient     *self,
                                     const char * const *mechanisms,
                                     const char * const *channel_bindings,
                                     GError            **error);

/* Takes any element in the SASL namespace the server sends after <auth/>:
 * <challenge/> (CONTINUE, *reply set to the <response/>), <success/>
 * (SUCCESS) or <failure/> (FAILED, the error built from it). */
XmppSaslStatus xmpp_sasl_client_receive (XmppSaslClient *self,
                                         XmppElement    *element,
                                         XmppElement   **reply,
                                         GError        **error);

/* Gives up the exchange: returns the <abort/> element to send. */
XmppElement *xmpp_sasl_client_abort (XmppSaslClient *self);

/* The chosen mechanism and channel binding type ("tls-unique",
 * "tls-exporter"; NULL without binding), once started. */
const char *xmpp_sasl_client_get_mechanism (XmppSaslClient *self);
const char *xmpp_sasl_client_get_channel_binding (XmppSaslClient *self);

/* Builds the error a <failure/> stands for (never NULL). */
GError *xmpp_sasl_failure_to_error (XmppElement *failure);

/* Reads the <mechanisms/> and XEP-0440 <sasl-channel-binding/> children of
 * <stream:features/>. Each list is NULL when its element is absent. */
void xmpp_sasl_parse_features (XmppElement  *features,
                               char       ***mechanisms,
                               char       ***channel_bindings);

/* Helpers shared with xmpp-sasl-scram.c. */

/* Overwrites @len bytes of @data (which may be NULL) with zeros, in a way
 * the compiler cannot drop. */
void xmpp_sasl_wipe (void  *data,
                     gsize  len);

/* Wipes the string @string (which may be NULL), then frees it. */
void xmpp_sasl_free_secret (char *string);

/* Decodes @len bytes of @text if they are strict base64 (RFC 4648: the
 * standard alphabet, padded to a multiple of four), else gives NULL.
 * Empty text gives empty data. */
GBytes *xmpp_sasl_base64_decode (const char *text,
                                 gsize       len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XmppSaslClient, xmpp_sasl_client_free)

G_END_DECLS
