/* test-sasl.c: tests for the SASL client, against the server side of GNU
 * SASL running in the same process and, for SCRAM-SHA-512, which GSASL
 * lacks, against a server side computed here with GnuTLS
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <xmpp-glib/xmpp-glib.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gsasl.h>
#include <string.h>

#include "xmpp-glib/xmpp-sasl-private.h"
#include "xmpp-glib/xmpp-sasl-scram-private.h"

#define USER "user"
#define PASSWORD "pencil"
#define DOMAIN "example.com"

/* Stand-ins for what g_tls_connection_get_channel_binding_data() gives:
 * the 12-byte Finished message of TLS 1.2 and 32 exported bytes. */
static const guint8 unique_data[12] = {
  0x54, 0x4c, 0x53, 0x2d, 0x75, 0x6e, 0x69, 0x71, 0x75, 0x65, 0x21, 0x00,
};
static const guint8 exporter_data[32] = {
  0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c,
  0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,
  0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20,
};

/* How the server side misbehaves. */
typedef enum {
  TAMPER_NONE,
  TAMPER_SIGNATURE,           /* flip a bit of the server signature (v=) */
  TAMPER_SHORT_SIGNATURE,     /* cut the server signature to its first bytes */
  TAMPER_NO_FINAL,            /* <success/> without the server-final message */
  TAMPER_FINAL_IN_CHALLENGE,  /* server-final in a <challenge/>, then <success/> */
  TAMPER_NONCE,               /* a nonce that does not extend the client's */
  TAMPER_ITERATIONS,          /* i= replaced by tamper_iterations */
} Tamper;

/* The server: a GSASL server context, what it knows about the account and
 * the TLS channel, and what it saw. */
typedef struct
{
  Gsasl *gsasl;
  const char *password;          /* the account's password on the server */
  const char *iterations;        /* GSASL_SCRAM_ITER; NULL for GSASL's default */
  GBytes *tls_unique;            /* the binding data of the server's TLS side */
  GBytes *tls_exporter;
  Tamper tamper;
  const char *tamper_iterations;

  char *client_first;            /* the client's initial response, decoded */
  gsize client_first_len;
  char *authzid;                 /* the authorization identity the server got */
  int server_rc;                 /* of the server's last gsasl_step() */
} Fixture;

static void
set_base64_property (Gsasl_session  *session,
                     Gsasl_property  property,
                     GBytes         *bytes)
{
  gsize len;
  const guchar *data = g_bytes_get_data (bytes, &len);
  g_autofree char *encoded = g_base64_encode (data, len);

  gsasl_property_set (session, property, encoded);
}

static int
server_callback (Gsasl          *gsasl,
                 Gsasl_session  *session,
                 Gsasl_property  property)
{
  Fixture *fixture = gsasl_callback_hook_get (gsasl);

  switch ((int) property)
    {
    case GSASL_PASSWORD:
      return gsasl_property_set (session, property, fixture->password);
    case GSASL_SCRAM_ITER:
      if (fixture->iterations == NULL)
        break;
      return gsasl_property_set (session, property, fixture->iterations);
    case GSASL_CB_TLS_UNIQUE:
      if (fixture->tls_unique == NULL)
        break;
      set_base64_property (session, property, fixture->tls_unique);
      return GSASL_OK;
    case GSASL_CB_TLS_EXPORTER:
      if (fixture->tls_exporter == NULL)
        break;
      set_base64_property (session, property, fixture->tls_exporter);
      return GSASL_OK;
    case GSASL_VALIDATE_SIMPLE:
      if (g_strcmp0 (gsasl_property_fast (session, GSASL_AUTHID), USER) == 0 &&
          g_strcmp0 (gsasl_property_fast (session, GSASL_PASSWORD), fixture->password) == 0)
        return GSASL_OK;
      return GSASL_AUTHENTICATION_ERROR;
    case GSASL_VALIDATE_EXTERNAL:
    case GSASL_VALIDATE_ANONYMOUS:
      return GSASL_OK;
    default:
      break;
    }
  return GSASL_NO_CALLBACK;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_assert_cmpint (gsasl_init (&fixture->gsasl), ==, GSASL_OK);
  gsasl_callback_hook_set (fixture->gsasl, fixture);
  gsasl_callback_set (fixture->gsasl, server_callback);
  fixture->password = PASSWORD;
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_clear_pointer (&fixture->gsasl, gsasl_done);
  g_clear_pointer (&fixture->tls_unique, g_bytes_unref);
  g_clear_pointer (&fixture->tls_exporter, g_bytes_unref);
  g_clear_pointer (&fixture->client_first, g_free);
  g_clear_pointer (&fixture->authzid, g_free);
}

static GBytes *
decode_text (const char *text)
{
  gsize len = 0;
  guchar *data;

  if (text == NULL || strcmp (text, "=") == 0)
    return g_bytes_new (NULL, 0);
  data = g_base64_decode (text, &len);
  return g_bytes_new_take (data, len);
}

static XmppElement *
new_data_element (const char *name,
                  const char *data,
                  gsize       len)
{
  XmppElement *element = xmpp_element_new (name, XMPP_NS_SASL);

  if (len > 0)
    {
      g_autofree char *encoded = g_base64_encode ((const guchar *) data, len);

      xmpp_element_set_text (element, encoded);
    }
  return element;
}

static XmppElement *
new_failure (const char *condition,
             const char *text)
{
  XmppElement *failure = xmpp_element_new ("failure", XMPP_NS_SASL);

  if (condition != NULL)
    xmpp_element_add_child_new (failure, condition, XMPP_NS_SASL);
  if (text != NULL)
    {
      XmppElement *child = xmpp_element_add_child_with_text (failure, "text",
                                                             XMPP_NS_SASL, text);

      xmpp_element_set_attribute_ns (child, "lang", XMPP_NS_XML, "en");
    }
  return failure;
}

/* Rewrites the attribute @key= of a SCRAM message. */
static void
replace_attribute (GString    *message,
                   char        key,
                   const char *value)
{
  g_auto(GStrv) attributes = g_strsplit (message->str, ",", -1);
  gboolean found = FALSE;

  for (guint i = 0; attributes[i] != NULL; i++)
    if (attributes[i][0] == key && attributes[i][1] == '=')
      {
        g_free (attributes[i]);
        attributes[i] = g_strdup_printf ("%c=%s", key, value);
        found = TRUE;
      }
  g_assert_true (found);
  g_string_assign (message, "");
  for (guint i = 0; attributes[i] != NULL; i++)
    g_string_append_printf (message, "%s%s", i > 0 ? "," : "", attributes[i]);
}

static void
tamper_server_first (Fixture *fixture,
                     GString *message)
{
  if (fixture->tamper == TAMPER_NONCE)
    {
      /* Change the first character, which belongs to the client's part. */
      char *nonce = strstr (message->str, "r=");

      g_assert_nonnull (nonce);
      nonce[2] = nonce[2] == 'A' ? 'B' : 'A';
    }
  else if (fixture->tamper == TAMPER_ITERATIONS)
    {
      replace_attribute (message, 'i', fixture->tamper_iterations);
    }
}

/* Flips a bit of the server signature or, with @cut, keeps only its
 * first three bytes, which a client that compares no more than it got
 * would accept. */
static void
tamper_signature (GString  *message,
                  gboolean  cut)
{
  g_autofree guchar *signature = NULL;
  g_autofree char *encoded = NULL;
  gsize len = 0;

  g_assert_true (g_str_has_prefix (message->str, "v="));
  signature = g_base64_decode (message->str + 2, &len);
  g_assert_cmpuint (len, >, 3);
  if (cut)
    len = 3;
  else
    signature[0] ^= 0x01;
  encoded = g_base64_encode (signature, len);
  replace_attribute (message, 'v', encoded);
}

/* The server side of SCRAM-SHA-512, which GSASL 2.2 lacks: RFC 5802 §3
 * computed here with GnuTLS, apart from the library's code, so that an
 * exchange checks the client's proof as a server does and gives the
 * client a correct signature to verify. It answers with GSASL's codes, so
 * that run_exchange() treats it as it treats GSASL's server. */
typedef struct
{
  gboolean plus;                 /* the mechanism is SCRAM-SHA-512-PLUS */
  guint round;
  char *gs2_header;
  char *client_first_bare;
  char *server_first;
  char *nonce;
} ScramServer;

#define SCRAM_SALT "c2FsdCBvZiB0aGUgdGVzdA=="   /* "salt of the test" */
#define SHA512_LEN 64

static void
scram_server_clear (ScramServer *server)
{
  g_free (server->gs2_header);
  g_free (server->client_first_bare);
  g_free (server->server_first);
  g_free (server->nonce);
}

static void
hmac512 (const guint8 *key,
         const char   *text,
         guint8       *digest)
{
  int rc = gnutls_hmac_fast (GNUTLS_MAC_SHA512, key, SHA512_LEN, text, strlen (text), digest);

  g_assert_cmpint (rc, ==, 0);
}

/* Takes the client-first message: "n,,n=user,r=nonce". */
static int
scram_server_first (Fixture     *fixture,
                    ScramServer *server,
                    const char  *client_first,
                    GString     *output)
{
  const char *comma = strchr (client_first, ',');
  const char *bare = comma != NULL ? strchr (comma + 1, ',') : NULL;
  guint8 random[18];
  g_autofree char *server_part = NULL;

  if (bare == NULL || !g_str_has_prefix (++bare, "n=" USER ",r="))
    return GSASL_MECHANISM_PARSE_ERROR;
  server->gs2_header = g_strndup (client_first, bare - client_first);
  /* "p=" exactly with -PLUS; "y" to a server that can bind, and so offers
   * -PLUS, means that someone removed it from the offer (RFC 5802 §6).
   * GSASL's server decides the same way. */
  if (server->plus != g_str_has_prefix (server->gs2_header, "p=") ||
      (server->gs2_header[0] == 'y' && (fixture->tls_unique != NULL || fixture->tls_exporter != NULL)))
    return GSASL_AUTHENTICATION_ERROR;

  g_assert_cmpint (gnutls_rnd (GNUTLS_RND_NONCE, random, sizeof random), ==, 0);
  server_part = g_base64_encode (random, sizeof random);
  server->client_first_bare = g_strdup (bare);
  server->nonce = g_strconcat (bare + strlen ("n=" USER ",r="), server_part, NULL);
  server->server_first = g_strdup_printf ("r=%s,s=" SCRAM_SALT ",i=%s", server->nonce,
                                          fixture->iterations != NULL
                                          ? fixture->iterations : "4096");
  g_string_assign (output, server->server_first);
  return GSASL_NEEDS_MORE;
}

/* The server's own binding data of the type named in "p=type,...". */
static GBytes *
server_binding_data (Fixture    *fixture,
                     const char *gs2_header)
{
  if (g_str_has_prefix (gs2_header, "p=tls-unique,"))
    return fixture->tls_unique;
  if (g_str_has_prefix (gs2_header, "p=tls-exporter,"))
    return fixture->tls_exporter;
  return NULL;
}

/* Takes the client-final message "c=...,r=...,p=proof": checks the binding
 * and the nonce, then the proof against the stored key, the way a server
 * that keeps only StoredKey and ServerKey does. */
static int
scram_server_final (Fixture     *fixture,
                    ScramServer *server,
                    const char  *client_final,
                    GString     *output)
{
  const char *proof_attribute = strstr (client_final, ",p=");
  g_autoptr(GString) cbind = g_string_new (server->gs2_header);
  g_autofree char *cbind64 = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *auth_message = NULL;
  g_autofree char *signature64 = NULL;
  g_autofree guchar *salt = NULL;
  g_autofree guchar *proof = NULL;
  gsize salt_len = 0, proof_len = 0;
  gnutls_datum_t password = { (guchar *) fixture->password, strlen (fixture->password) };
  gnutls_datum_t salt_datum;
  guint8 salted[SHA512_LEN], client_key[SHA512_LEN], stored_key[SHA512_LEN];
  guint8 client_signature[SHA512_LEN], server_key[SHA512_LEN], signature[SHA512_LEN];

  if (proof_attribute == NULL)
    return GSASL_MECHANISM_PARSE_ERROR;
  if (server->plus)
    {
      GBytes *data = server_binding_data (fixture, server->gs2_header);

      if (data == NULL)
        return GSASL_AUTHENTICATION_ERROR;
      g_string_append_len (cbind, g_bytes_get_data (data, NULL), g_bytes_get_size (data));
    }
  cbind64 = g_base64_encode ((const guchar *) cbind->str, cbind->len);
  expected = g_strdup_printf ("c=%s,r=%s", cbind64, server->nonce);
  if (strlen (expected) != (gsize) (proof_attribute - client_final) ||
      strncmp (client_final, expected, strlen (expected)) != 0)
    return GSASL_AUTHENTICATION_ERROR;

  auth_message = g_strdup_printf ("%s,%s,%s", server->client_first_bare, server->server_first,
                                  expected);
  salt = g_base64_decode (SCRAM_SALT, &salt_len);
  salt_datum.data = salt;
  salt_datum.size = salt_len;
  g_assert_cmpint (gnutls_pbkdf2 (GNUTLS_MAC_SHA512, &password, &salt_datum,
                                  fixture->iterations != NULL
                                    ? (guint) g_ascii_strtoull (fixture->iterations, NULL, 10)
                                    : 4096,
                                  salted, SHA512_LEN), ==, 0);
  hmac512 (salted, "Client Key", client_key);
  g_assert_cmpint (gnutls_hash_fast (GNUTLS_DIG_SHA512, client_key, SHA512_LEN, stored_key), ==, 0);
  hmac512 (stored_key, auth_message, client_signature);

  /* ClientKey = ClientProof XOR ClientSignature must hash to StoredKey. */
  proof = g_base64_decode (proof_attribute + 3, &proof_len);
  if (proof_len != SHA512_LEN)
    return GSASL_AUTHENTICATION_ERROR;
  for (guint i = 0; i < SHA512_LEN; i++)
    proof[i] ^= client_signature[i];
  g_assert_cmpint (gnutls_hash_fast (GNUTLS_DIG_SHA512, proof, SHA512_LEN, client_key), ==, 0);
  if (memcmp (client_key, stored_key, SHA512_LEN) != 0)
    return GSASL_AUTHENTICATION_ERROR;

  hmac512 (salted, "Server Key", server_key);
  hmac512 (server_key, auth_message, signature);
  signature64 = g_base64_encode (signature, SHA512_LEN);
  g_string_printf (output, "v=%s", signature64);
  return GSASL_OK;
}

static int
scram_server_step (Fixture     *fixture,
                   ScramServer *server,
                   const char  *data,
                   gsize        len,
                   GString     *output)
{
  g_autofree char *message = g_strndup (data, len);

  switch (server->round++)
    {
    case 0:
      return scram_server_first (fixture, server, message, output);
    case 1:
      return scram_server_final (fixture, server, message, output);
    default:
      return GSASL_MECHANISM_CALLED_TOO_MANY_TIMES;
    }
}

/* One step of the server side on @input: GSASL's @session or, without
 * one, @scram; its output goes into @message. */
static int
server_step (Fixture       *fixture,
             Gsasl_session *session,
             ScramServer   *scram,
             GBytes        *input,
             GString       *message)
{
  gsize len = g_bytes_get_size (input);
  /* An empty response is "", not NULL: NULL means none at all. */
  const char *data = len > 0 ? g_bytes_get_data (input, NULL) : "";
  char *output = NULL;
  size_t output_len = 0;
  int rc;

  if (session == NULL)
    return scram_server_step (fixture, scram, data, len, message);

  rc = gsasl_step (session, data, len, &output, &output_len);
  if (output != NULL)
    g_string_append_len (message, output, output_len);
  gsasl_free (output);
  return rc;
}

/* Runs one exchange between @client and the server side (GSASL's, or the
 * test's for SCRAM-SHA-512), turning every element the client gives into
 * a server step and every server output into the element RFC 6120 §6.4
 * calls for. Returns the client's last status; @error is set when it is
 * FAILED. */
static XmppSaslStatus
run_exchange (Fixture            *fixture,
              XmppSaslClient     *client,
              const char * const *offered,
              const char * const *channel_bindings,
              GError            **error)
{
  g_autoptr(XmppElement) auth = NULL;
  g_autoptr(GBytes) input = NULL;
  Gsasl_session *session = NULL;
  ScramServer scram = { 0 };
  const char *mechanism;
  XmppSaslStatus status = XMPP_SASL_STATUS_FAILED;
  guint round = 0;
  /* The in-process server knows both types and says so (XEP-0440), unless
   * the test gives its own list. */
  static const char *const both_types[] = { "tls-unique", "tls-exporter", NULL };

  if (channel_bindings == NULL)
    channel_bindings = both_types;
  auth = xmpp_sasl_client_start (client, offered, channel_bindings, error);
  if (auth == NULL)
    return XMPP_SASL_STATUS_FAILED;

  g_assert_true (xmpp_element_is (auth, "auth", XMPP_NS_SASL));
  mechanism = xmpp_element_get_attribute (auth, "mechanism");
  g_assert_cmpstr (mechanism, ==, xmpp_sasl_client_get_mechanism (client));
  /* Every mechanism used sends an initial response, "=" when empty. */
  g_assert_nonnull (xmpp_element_get_text (auth));

  input = decode_text (xmpp_element_get_text (auth));
  g_clear_pointer (&fixture->client_first, g_free);
  fixture->client_first_len = g_bytes_get_size (input);
  fixture->client_first = g_malloc0 (fixture->client_first_len + 1);
  if (fixture->client_first_len > 0)
    memcpy (fixture->client_first, g_bytes_get_data (input, NULL), fixture->client_first_len);

  if (g_str_has_prefix (mechanism, "SCRAM-SHA-512"))
    scram.plus = g_str_has_suffix (mechanism, "-PLUS");
  else
    g_assert_cmpint (gsasl_server_start (fixture->gsasl, mechanism, &session), ==, GSASL_OK);

  for (;;)
    {
      g_autoptr(XmppElement) element = NULL;
      g_autoptr(XmppElement) reply = NULL;
      g_autoptr(GString) message = g_string_new (NULL);
      int rc;

      rc = server_step (fixture, session, &scram, input, message);
      fixture->server_rc = rc;
      g_clear_pointer (&input, g_bytes_unref);

      if (rc == GSASL_NEEDS_MORE)
        {
          if (round++ == 0 && g_str_has_prefix (mechanism, "SCRAM-"))
            tamper_server_first (fixture, message);
          element = new_data_element ("challenge", message->str, message->len);
          status = xmpp_sasl_client_receive (client, element, &reply, error);
          if (status != XMPP_SASL_STATUS_CONTINUE)
            {
              g_assert_null (reply);
              break;
            }
          g_assert_true (xmpp_element_is (reply, "response", XMPP_NS_SASL));
          input = decode_text (xmpp_element_get_text (reply));
          continue;
        }

      if (rc == GSASL_OK)
        {
          g_free (fixture->authzid);
          fixture->authzid = session != NULL
            ? g_strdup (gsasl_property_fast (session, GSASL_AUTHZID)) : NULL;

          switch (fixture->tamper)
            {
            case TAMPER_SIGNATURE:
            case TAMPER_SHORT_SIGNATURE:
              tamper_signature (message, fixture->tamper == TAMPER_SHORT_SIGNATURE);
              break;
            case TAMPER_NO_FINAL:
              g_string_truncate (message, 0);
              break;
            case TAMPER_FINAL_IN_CHALLENGE:
              /* RFC 6120 §6.4.6 lets a server send the data in a last
               * challenge, answered by an empty response. */
              element = new_data_element ("challenge", message->str, message->len);
              status = xmpp_sasl_client_receive (client, element, &reply, error);
              g_assert_cmpint (status, ==, XMPP_SASL_STATUS_CONTINUE);
              g_assert_true (xmpp_element_is (reply, "response", XMPP_NS_SASL));
              g_assert_null (xmpp_element_get_text (reply));
              g_clear_pointer (&element, xmpp_element_unref);
              g_clear_pointer (&reply, xmpp_element_unref);
              g_string_truncate (message, 0);
              break;
            case TAMPER_NONE:
            case TAMPER_NONCE:
            case TAMPER_ITERATIONS:
            default:
              break;
            }

          element = new_data_element ("success", message->str, message->len);
          status = xmpp_sasl_client_receive (client, element, &reply, error);
          g_assert_null (reply);
          break;
        }

      /* The server refuses, as an XMPP server would. */
      element = new_failure ("not-authorized", gsasl_strerror (rc));
      status = xmpp_sasl_client_receive (client, element, &reply, error);
      g_assert_cmpint (status, ==, XMPP_SASL_STATUS_FAILED);
      g_assert_null (reply);
      break;
    }

  g_clear_pointer (&session, gsasl_finish);
  scram_server_clear (&scram);
  return status;
}

static XmppSaslClient *
new_client (gboolean tls_protected)
{
  return xmpp_sasl_client_new (USER, PASSWORD, NULL, "xmpp", DOMAIN, tls_protected);
}

static void
set_both_bindings (XmppSaslClient      *client,
                   GTlsProtocolVersion  version)
{
  g_autoptr(GBytes) unique = g_bytes_new_static (unique_data, sizeof unique_data);
  g_autoptr(GBytes) exporter = g_bytes_new_static (exporter_data, sizeof exporter_data);

  xmpp_sasl_client_set_channel_binding (client, version, unique, exporter);
}

static void
give_server_bindings (Fixture *fixture)
{
  g_clear_pointer (&fixture->tls_unique, g_bytes_unref);
  g_clear_pointer (&fixture->tls_exporter, g_bytes_unref);
  fixture->tls_unique = g_bytes_new_static (unique_data, sizeof unique_data);
  fixture->tls_exporter = g_bytes_new_static (exporter_data, sizeof exporter_data);
}

/* Runs an exchange that must succeed with @mechanism. */
static void
assert_exchange_succeeds (Fixture            *fixture,
                          XmppSaslClient     *client,
                          const char * const *offered,
                          const char * const *channel_bindings,
                          const char         *mechanism)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (run_exchange (fixture, client, offered, channel_bindings, &error), ==,
                   XMPP_SASL_STATUS_SUCCESS);
  g_assert_no_error (error);
  g_assert_cmpstr (xmpp_sasl_client_get_mechanism (client), ==, mechanism);
}

/* The SCRAM mechanisms without -PLUS, one for each hash. */
static const char *const scram_mechanisms[] = { "SCRAM-SHA-1", "SCRAM-SHA-256", "SCRAM-SHA-512" };

/* Error domain and conditions */

static void
test_conditions (void)
{
  static const char *const names[] = {
    "aborted", "account-disabled", "credentials-expired", "encryption-required",
    "incorrect-encoding", "invalid-authzid", "invalid-mechanism",
    "malformed-request", "mechanism-too-weak", "not-authorized",
    "temporary-auth-failure",
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(XmppElement) failure = new_failure (names[i], "Details here");
      g_autoptr(GError) error = NULL;

      g_assert_cmpint (xmpp_sasl_condition_from_string (names[i]), ==, (int) i);
      g_assert_cmpstr (xmpp_sasl_condition_to_string (i), ==, names[i]);

      error = xmpp_sasl_failure_to_error (failure);
      g_assert_error (error, XMPP_SASL_ERROR, (int) i);
      g_assert_nonnull (strstr (error->message, names[i]));
      g_assert_nonnull (strstr (error->message, "Details here"));
    }

  for (int code = XMPP_SASL_ERROR_NO_MECHANISM; code <= XMPP_SASL_ERROR_UNDEFINED; code++)
    g_assert_null (xmpp_sasl_condition_to_string (code));
  g_assert_cmpint (xmpp_sasl_condition_from_string ("bad-request"), ==, XMPP_SASL_ERROR_UNDEFINED);
  g_assert_cmpint (xmpp_sasl_condition_from_string (NULL), ==, XMPP_SASL_ERROR_UNDEFINED);
  g_assert_cmpuint (XMPP_SASL_ERROR, !=, 0);
}

static void
test_failure_parsing (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppElement) failure = NULL;

  g_test_summary ("A <failure/> whose condition is unknown, missing or in another "
                  "namespace gives XMPP_SASL_ERROR_UNDEFINED; the <text/> still "
                  "reaches the message.");

  failure = new_failure ("made-up", NULL);
  error = xmpp_sasl_failure_to_error (failure);
  g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_UNDEFINED);
  g_assert_nonnull (strstr (error->message, "made-up"));
  g_clear_error (&error);
  g_clear_pointer (&failure, xmpp_element_unref);

  failure = new_failure (NULL, "Go away");
  error = xmpp_sasl_failure_to_error (failure);
  g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_UNDEFINED);
  g_assert_nonnull (strstr (error->message, "Go away"));
  g_clear_error (&error);
  g_clear_pointer (&failure, xmpp_element_unref);

  /* The condition may come after the text, and foreign children are not
   * conditions. */
  failure = xmpp_element_new_from_string ("<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                                          "<text>Account locked</text>"
                                          "<extra xmlns='urn:example'/>"
                                          "<account-disabled/>"
                                          "</failure>", -1, &error);
  g_assert_no_error (error);
  error = xmpp_sasl_failure_to_error (failure);
  g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_ACCOUNT_DISABLED);
  g_assert_nonnull (strstr (error->message, "Account locked"));
  g_clear_error (&error);
  g_clear_pointer (&failure, xmpp_element_unref);

  failure = new_failure (NULL, NULL);
  error = xmpp_sasl_failure_to_error (failure);
  g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_UNDEFINED);
}

static void
test_features (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppElement) features = NULL;
  g_auto(GStrv) mechanisms = NULL;
  g_auto(GStrv) bindings = NULL;

  features = xmpp_element_new_from_string (
    "<features xmlns='http://etherx.jabber.org/streams'>"
    "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
    "<mechanism>SCRAM-SHA-256-PLUS</mechanism>"
    "<mechanism> SCRAM-SHA-1 </mechanism>"
    "<mechanism/>"
    "<mechanism>PLAIN</mechanism>"
    "</mechanisms>"
    "<sasl-channel-binding xmlns='urn:xmpp:sasl-cb:0'>"
    "<channel-binding type='tls-server-end-point'/>"
    "<channel-binding type='tls-exporter'/>"
    "</sasl-channel-binding>"
    "</features>", -1, &error);
  g_assert_no_error (error);

  xmpp_sasl_parse_features (features, &mechanisms, &bindings);
  g_assert_cmpstrv (mechanisms, ((const char *[]) { "SCRAM-SHA-256-PLUS", "SCRAM-SHA-1", "PLAIN", NULL }));
  g_assert_cmpstrv (bindings, ((const char *[]) { "tls-server-end-point", "tls-exporter", NULL }));
  g_clear_pointer (&mechanisms, g_strfreev);
  g_clear_pointer (&bindings, g_strfreev);
  g_clear_pointer (&features, xmpp_element_unref);

  features = xmpp_element_new_from_string ("<features xmlns='http://etherx.jabber.org/streams'>"
                                           "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"
                                           "</features>", -1, &error);
  g_assert_no_error (error);
  xmpp_sasl_parse_features (features, &mechanisms, &bindings);
  g_assert_null (mechanisms);
  g_assert_null (bindings);
}

/* Mechanism selection */

typedef struct
{
  const char *offered;              /* space-separated */
  const char *channel_bindings;     /* XEP-0440 types, space-separated; NULL for none */
  XmppSaslMechanism allowed;        /* 0 for the default */
  gboolean tls;
  GTlsProtocolVersion version;
  gboolean unique;                  /* tls-unique data available */
  gboolean exporter;                /* tls-exporter data available */
  gboolean no_password;
  const char *expected;             /* the mechanism chosen; NULL: none */
  const char *binding;              /* the expected binding type */
} SelectCase;

#define V12 G_TLS_PROTOCOL_VERSION_TLS_1_2
#define V13 G_TLS_PROTOCOL_VERSION_TLS_1_3
#define ALL_SCRAM "SCRAM-SHA-1 SCRAM-SHA-1-PLUS SCRAM-SHA-256 SCRAM-SHA-256-PLUS " \
                  "SCRAM-SHA-512 SCRAM-SHA-512-PLUS"

static const SelectCase select_cases[] = {
  /* Strongest first. */
  { "PLAIN SCRAM-SHA-1 SCRAM-SHA-256", NULL, 0, TRUE, V13, FALSE, FALSE, FALSE, "SCRAM-SHA-256", NULL },
  { ALL_SCRAM " PLAIN", "tls-exporter", 0, TRUE, V13, FALSE, TRUE, FALSE,
    "SCRAM-SHA-512-PLUS", "tls-exporter" },
  /* tls-exporter only where the server lists it (XEP-0440): without the
   * list, TLS 1.3 logs in with plain SCRAM. */
  { ALL_SCRAM " PLAIN", NULL, 0, TRUE, V13, FALSE, TRUE, FALSE, "SCRAM-SHA-512", NULL },
  { ALL_SCRAM " PLAIN", NULL, 0, TRUE, V12, FALSE, TRUE, FALSE, "SCRAM-SHA-512", NULL },
  { ALL_SCRAM " PLAIN", NULL, 0, TRUE, V12, TRUE, FALSE, FALSE, "SCRAM-SHA-512-PLUS", "tls-unique" },
  { ALL_SCRAM " PLAIN", NULL, 0, TRUE, V13, FALSE, FALSE, FALSE, "SCRAM-SHA-512", NULL },
  { ALL_SCRAM " PLAIN", NULL, 0, FALSE, V13, FALSE, TRUE, FALSE, "SCRAM-SHA-512", NULL },
  /* Channel binding before the hash: 256-PLUS beats 512, 512-PLUS beats
   * 256-PLUS; without binding, 512 beats 256. */
  { "SCRAM-SHA-512 SCRAM-SHA-256-PLUS SCRAM-SHA-256", "tls-exporter", 0, TRUE, V13, FALSE, TRUE, FALSE,
    "SCRAM-SHA-256-PLUS", "tls-exporter" },
  { "SCRAM-SHA-256-PLUS SCRAM-SHA-512-PLUS", NULL, 0, TRUE, V12, TRUE, TRUE, FALSE,
    "SCRAM-SHA-512-PLUS", "tls-unique" },
  { "SCRAM-SHA-256-PLUS SCRAM-SHA-512-PLUS SCRAM-SHA-256 SCRAM-SHA-512", NULL, 0, TRUE, V13, FALSE,
    FALSE, FALSE, "SCRAM-SHA-512", NULL },
  { "SCRAM-SHA-1 SCRAM-SHA-512 SCRAM-SHA-256", NULL, 0, FALSE, V13, FALSE, FALSE, FALSE,
    "SCRAM-SHA-512", NULL },
  { "SCRAM-SHA-512-PLUS", "tls-exporter", 0, TRUE, V13, TRUE, FALSE, FALSE, NULL, NULL },
  { "SCRAM-SHA-512 SCRAM-SHA-256", NULL, XMPP_SASL_MECHANISM_SCRAM_SHA_256, TRUE, V13, FALSE, FALSE,
    FALSE, "SCRAM-SHA-256", NULL },
  { "SCRAM-SHA-1 SCRAM-SHA-1-PLUS PLAIN", "tls-exporter", 0, TRUE, V13, FALSE, TRUE, FALSE,
    "SCRAM-SHA-1-PLUS", "tls-exporter" },
  { "SCRAM-SHA-1 SCRAM-SHA-1-PLUS PLAIN", NULL, 0, TRUE, V13, FALSE, TRUE, FALSE, "SCRAM-SHA-1", NULL },
  { "SCRAM-SHA-1 SCRAM-SHA-1-PLUS PLAIN", NULL, 0, TRUE, V13, FALSE, FALSE, FALSE, "SCRAM-SHA-1", NULL },
  /* -PLUS needs binding data, and a type the TLS version allows. */
  { "SCRAM-SHA-1-PLUS", NULL, 0, TRUE, V12, FALSE, FALSE, FALSE, NULL, NULL },
  { "SCRAM-SHA-256-PLUS SCRAM-SHA-256", NULL, 0, TRUE, V13, TRUE, FALSE, FALSE, "SCRAM-SHA-256", NULL },
  { "SCRAM-SHA-256-PLUS SCRAM-SHA-256", NULL, 0, TRUE, G_TLS_PROTOCOL_VERSION_UNKNOWN, TRUE, TRUE, FALSE,
    "SCRAM-SHA-256", NULL },
  { "SCRAM-SHA-256-PLUS SCRAM-SHA-256", NULL, 0, FALSE, V12, TRUE, TRUE, FALSE, "SCRAM-SHA-256", NULL },
  { "SCRAM-SHA-256-PLUS SCRAM-SHA-256", NULL, 0, TRUE, V12, TRUE, TRUE, FALSE,
    "SCRAM-SHA-256-PLUS", "tls-unique" },
  /* XEP-0440: only a type the server lists. */
  { "SCRAM-SHA-256-PLUS SCRAM-SHA-256", "tls-exporter", 0, TRUE, V12, TRUE, TRUE, FALSE,
    "SCRAM-SHA-256-PLUS", "tls-exporter" },
  { "SCRAM-SHA-256-PLUS SCRAM-SHA-256", "tls-server-end-point", 0, TRUE, V12, TRUE, TRUE, FALSE,
    "SCRAM-SHA-256", NULL },
  { "SCRAM-SHA-256-PLUS SCRAM-SHA-256", "tls-exporter", 0, TRUE, V12, TRUE, FALSE, FALSE,
    "SCRAM-SHA-256", NULL },
  { "SCRAM-SHA-256-PLUS SCRAM-SHA-256", "tls-unique tls-exporter", 0, TRUE, V13, TRUE, TRUE, FALSE,
    "SCRAM-SHA-256-PLUS", "tls-exporter" },
  /* PLAIN never without TLS. */
  { "PLAIN", NULL, 0, FALSE, V13, FALSE, FALSE, FALSE, NULL, NULL },
  { "PLAIN", NULL, 0, TRUE, V13, FALSE, FALSE, FALSE, "PLAIN", NULL },
  { "PLAIN SCRAM-SHA-1-PLUS", NULL, 0, FALSE, V13, FALSE, TRUE, FALSE, NULL, NULL },
  /* Nothing the library does. */
  { "DIGEST-MD5 CRAM-MD5 X-OAUTH2", NULL, 0, TRUE, V13, FALSE, FALSE, FALSE, NULL, NULL },
  { "", NULL, 0, TRUE, V13, FALSE, FALSE, FALSE, NULL, NULL },
  /* No password: no SCRAM nor PLAIN. */
  { "SCRAM-SHA-256 PLAIN", NULL, 0, TRUE, V13, FALSE, FALSE, TRUE, NULL, NULL },
  /* EXTERNAL and ANONYMOUS only when asked for. */
  { "ANONYMOUS PLAIN", NULL, 0, TRUE, V13, FALSE, FALSE, FALSE, "PLAIN", NULL },
  { "ANONYMOUS", NULL, 0, TRUE, V13, FALSE, FALSE, FALSE, NULL, NULL },
  { "ANONYMOUS SCRAM-SHA-1", NULL, XMPP_SASL_MECHANISM_ANONYMOUS, FALSE, V13, FALSE, FALSE, TRUE,
    "ANONYMOUS", NULL },
  { "EXTERNAL SCRAM-SHA-256", NULL, 0, TRUE, V13, FALSE, FALSE, FALSE, "SCRAM-SHA-256", NULL },
  { "SCRAM-SHA-256 PLAIN EXTERNAL", NULL, XMPP_SASL_MECHANISMS_DEFAULT | XMPP_SASL_MECHANISM_EXTERNAL,
    TRUE, V13, FALSE, FALSE, FALSE, "EXTERNAL", NULL },
  /* Restricted by the caller. */
  { "SCRAM-SHA-256 SCRAM-SHA-1 PLAIN", NULL, XMPP_SASL_MECHANISM_PLAIN, TRUE, V13, FALSE, FALSE, FALSE,
    "PLAIN", NULL },
  { "SCRAM-SHA-256 SCRAM-SHA-1-PLUS SCRAM-SHA-1 PLAIN", NULL, XMPP_SASL_MECHANISM_SCRAM_SHA_1,
    TRUE, V13, FALSE, TRUE, FALSE, "SCRAM-SHA-1", NULL },
  { "SCRAM-SHA-256", NULL, XMPP_SASL_MECHANISM_SCRAM_SHA_1, TRUE, V13, FALSE, FALSE, FALSE, NULL, NULL },
};

static void
test_select (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_test_summary ("The client picks the strongest mechanism the server offers that "
                  "the transport and credentials allow: -PLUS only with binding data of "
                  "a type fit for the TLS version and listed by the server, PLAIN only "
                  "over TLS, EXTERNAL and ANONYMOUS only on request. SCRAM-SHA-512(-PLUS), "
                  "which GSASL lacks, comes first.");

  for (guint i = 0; i < G_N_ELEMENTS (select_cases); i++)
    {
      const SelectCase *c = &select_cases[i];
      g_autoptr(XmppSaslClient) client = NULL;
      g_autoptr(XmppElement) auth = NULL;
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) offered = g_strsplit (c->offered, " ", -1);
      g_auto(GStrv) bindings = NULL;
      g_autoptr(GBytes) unique = g_bytes_new_static (unique_data, sizeof unique_data);
      g_autoptr(GBytes) exporter = g_bytes_new_static (exporter_data, sizeof exporter_data);

      g_test_message ("case %u: offered “%s”", i, c->offered);
      if (*c->offered == '\0')
        g_clear_pointer (&offered, g_strfreev);
      if (c->channel_bindings != NULL)
        bindings = g_strsplit (c->channel_bindings, " ", -1);

      client = xmpp_sasl_client_new (c->no_password ? NULL : USER,
                                     c->no_password ? NULL : PASSWORD,
                                     NULL, "xmpp", DOMAIN, c->tls);
      if (c->allowed != 0)
        xmpp_sasl_client_set_allowed_mechanisms (client, c->allowed);
      xmpp_sasl_client_set_channel_binding (client, c->version,
                                            c->unique ? unique : NULL,
                                            c->exporter ? exporter : NULL);

      auth = xmpp_sasl_client_start (client, (const char * const *) offered,
                                     (const char * const *) bindings, &error);
      if (c->expected == NULL)
        {
          g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_NO_MECHANISM);
          g_assert_null (auth);
          g_assert_null (xmpp_sasl_client_get_mechanism (client));
        }
      else
        {
          g_assert_no_error (error);
          g_assert_nonnull (auth);
          g_assert_cmpstr (xmpp_element_get_attribute (auth, "mechanism"), ==, c->expected);
          g_assert_cmpstr (xmpp_sasl_client_get_mechanism (client), ==, c->expected);
          g_assert_cmpstr (xmpp_sasl_client_get_channel_binding (client), ==, c->binding);
        }
    }
}

/* Full exchanges */

typedef struct
{
  XmppSaslMechanism flag;
  const char *name;
  const char *binding;      /* for -PLUS */
} ExchangeCase;

static const ExchangeCase exchange_cases[] = {
  { XMPP_SASL_MECHANISM_SCRAM_SHA_1, "SCRAM-SHA-1", NULL },
  { XMPP_SASL_MECHANISM_SCRAM_SHA_256, "SCRAM-SHA-256", NULL },
  { XMPP_SASL_MECHANISM_SCRAM_SHA_512, "SCRAM-SHA-512", NULL },
  { XMPP_SASL_MECHANISM_SCRAM_SHA_1_PLUS, "SCRAM-SHA-1-PLUS", "tls-unique" },
  { XMPP_SASL_MECHANISM_SCRAM_SHA_1_PLUS, "SCRAM-SHA-1-PLUS", "tls-exporter" },
  { XMPP_SASL_MECHANISM_SCRAM_SHA_256_PLUS, "SCRAM-SHA-256-PLUS", "tls-unique" },
  { XMPP_SASL_MECHANISM_SCRAM_SHA_256_PLUS, "SCRAM-SHA-256-PLUS", "tls-exporter" },
  { XMPP_SASL_MECHANISM_SCRAM_SHA_512_PLUS, "SCRAM-SHA-512-PLUS", "tls-unique" },
  { XMPP_SASL_MECHANISM_SCRAM_SHA_512_PLUS, "SCRAM-SHA-512-PLUS", "tls-exporter" },
  { XMPP_SASL_MECHANISM_PLAIN, "PLAIN", NULL },
};

/* A client for @c: over TLS 1.2 for tls-unique, 1.3 otherwise, with the
 * binding data of that type only; the server sees the same data. */
static XmppSaslClient *
new_client_for_case (Fixture            *fixture,
                     const ExchangeCase *c)
{
  XmppSaslClient *client = new_client (TRUE);
  g_autoptr(GBytes) unique = g_bytes_new_static (unique_data, sizeof unique_data);
  g_autoptr(GBytes) exporter = g_bytes_new_static (exporter_data, sizeof exporter_data);
  gboolean is_unique = g_strcmp0 (c->binding, "tls-unique") == 0;
  gboolean is_exporter = g_strcmp0 (c->binding, "tls-exporter") == 0;

  xmpp_sasl_client_set_allowed_mechanisms (client, c->flag);
  xmpp_sasl_client_set_channel_binding (client, is_unique ? V12 : V13,
                                        is_unique ? unique : NULL,
                                        is_exporter ? exporter : NULL);
  give_server_bindings (fixture);
  return client;
}

static void
test_exchange (Fixture       *fixture,
               gconstpointer  user_data)
{
  const ExchangeCase *c = user_data;
  g_autoptr(XmppSaslClient) client = NULL;
  g_autoptr(GError) error = NULL;
  const char *offered[] = { c->name, NULL };
  XmppSaslStatus status;

  client = new_client_for_case (fixture, c);
  status = run_exchange (fixture, client, offered, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, XMPP_SASL_STATUS_SUCCESS);
  g_assert_cmpstr (xmpp_sasl_client_get_mechanism (client), ==, c->name);
  g_assert_cmpstr (xmpp_sasl_client_get_channel_binding (client), ==, c->binding);

  if (c->binding != NULL)
    {
      g_autofree char *header = g_strdup_printf ("p=%s,,", c->binding);

      g_assert_true (g_str_has_prefix (fixture->client_first, header));
    }
  else if (c->flag == XMPP_SASL_MECHANISM_PLAIN)
    {
      static const char expected[] = "\0" USER "\0" PASSWORD;

      /* authzid NUL authcid NUL password (RFC 4616), the authzid empty */
      g_assert_cmpmem (fixture->client_first, fixture->client_first_len,
                       expected, sizeof expected - 1);
    }
  else
    {
      g_assert_true (g_str_has_prefix (fixture->client_first, "n,,n=" USER ",r="));
    }
}

static void
test_wrong_password (Fixture       *fixture,
                     gconstpointer  user_data)
{
  const ExchangeCase *c = user_data;
  g_autoptr(XmppSaslClient) client = NULL;
  g_autoptr(GError) error = NULL;
  const char *offered[] = { c->name, NULL };
  XmppSaslStatus status;

  g_test_summary ("The server side refuses the proof or the password; the "
                  "<failure><not-authorized/><text/></failure> it sends becomes "
                  "XMPP_SASL_ERROR_NOT_AUTHORIZED carrying the server's text.");

  fixture->password = "not the password";
  client = new_client_for_case (fixture, c);
  status = run_exchange (fixture, client, offered, NULL, &error);
  g_assert_cmpint (status, ==, XMPP_SASL_STATUS_FAILED);
  g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_NOT_AUTHORIZED);
  g_assert_cmpint (fixture->server_rc, ==, GSASL_AUTHENTICATION_ERROR);
  g_assert_nonnull (strstr (error->message, gsasl_strerror (GSASL_AUTHENTICATION_ERROR)));
}

static void
test_plus_mismatch (Fixture       *fixture,
                    gconstpointer  user_data)
{
  static const guint8 other[12] = { 0xff, 0xee, 0xdd, 0xcc, 0xbb, 0xaa, 0x99, 0x88, 0x77, 0x66, 0x55, 0x44 };
  g_autoptr(XmppSaslClient) client = new_client (TRUE);
  g_autoptr(GBytes) unique = g_bytes_new_static (unique_data, sizeof unique_data);
  g_autoptr(GError) error = NULL;
  const char *base = user_data;
  g_autofree char *plus = g_strconcat (base, "-PLUS", NULL);
  const char *offered[] = { plus, base, NULL };

  g_test_summary ("A man in the middle terminates TLS on both sides, so the two "
                  "ends see different tls-unique data: the server refuses the "
                  "-PLUS proof.");

  xmpp_sasl_client_set_channel_binding (client, V12, unique, NULL);
  fixture->tls_unique = g_bytes_new_static (other, sizeof other);
  g_assert_cmpint (run_exchange (fixture, client, offered, NULL, &error), ==, XMPP_SASL_STATUS_FAILED);
  g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_NOT_AUTHORIZED);
  g_assert_cmpint (fixture->server_rc, ==, GSASL_AUTHENTICATION_ERROR);
  g_assert_cmpstr (xmpp_sasl_client_get_mechanism (client), ==, plus);
}

static void
test_authzid (Fixture       *fixture,
              gconstpointer  user_data)
{
  const char *offered[] = { "SCRAM-SHA-256", NULL };
  g_autoptr(XmppSaslClient) client = NULL;

  client = xmpp_sasl_client_new (USER, PASSWORD, "admin@" DOMAIN, "xmpp", DOMAIN, TRUE);
  assert_exchange_succeeds (fixture, client, offered, NULL, "SCRAM-SHA-256");
  g_assert_cmpstr (fixture->authzid, ==, "admin@" DOMAIN);
  g_assert_true (g_str_has_prefix (fixture->client_first, "n,a=admin@" DOMAIN ",n=" USER ","));
}

/* A mechanism without password, which the caller must ask for. */
typedef struct
{
  XmppSaslMechanism flag;
  const char *name;
  gboolean tls;
  const char *also_offered;
  const char *initial_response;
} PasswordlessCase;

static const PasswordlessCase external_case = {
  XMPP_SASL_MECHANISM_EXTERNAL, "EXTERNAL", TRUE, "SCRAM-SHA-256", "",
};
static const PasswordlessCase anonymous_case = {
  XMPP_SASL_MECHANISM_ANONYMOUS, "ANONYMOUS", FALSE, "PLAIN", "anonymous",
};

static void
test_passwordless (Fixture       *fixture,
                   gconstpointer  user_data)
{
  const PasswordlessCase *c = user_data;
  const char *offered[] = { c->also_offered, c->name, NULL };
  g_autoptr(XmppSaslClient) client = xmpp_sasl_client_new (NULL, NULL, NULL, "xmpp", DOMAIN, c->tls);

  xmpp_sasl_client_set_allowed_mechanisms (client, c->flag);
  assert_exchange_succeeds (fixture, client, offered, NULL, c->name);
  g_assert_cmpstr (fixture->client_first, ==, c->initial_response);
}

/* The server's proof and its first message, for each SCRAM hash; the
 * tests take the mechanism as their data. */

/* Runs an exchange with @mechanism, offered after SCRAM-SHA-1 so that the
 * strongest must be picked, against a server that misbehaves as @tamper.
 * It must fail with @code, or succeed when @code is -1. */
static void
check_scram_exchange (Fixture    *fixture,
                      const char *mechanism,
                      Tamper      tamper,
                      int         code)
{
  const char *offered[] = { "SCRAM-SHA-1", mechanism, NULL };
  g_autoptr(XmppSaslClient) client = new_client (TRUE);
  g_autoptr(GError) error = NULL;
  XmppSaslStatus status;

  fixture->tamper = tamper;
  status = run_exchange (fixture, client, offered, NULL, &error);
  if (code < 0)
    {
      g_assert_no_error (error);
      g_assert_cmpint (status, ==, XMPP_SASL_STATUS_SUCCESS);
    }
  else
    {
      g_assert_error (error, XMPP_SASL_ERROR, code);
      g_assert_cmpint (status, ==, XMPP_SASL_STATUS_FAILED);
    }
  g_assert_cmpstr (xmpp_sasl_client_get_mechanism (client), ==, mechanism);
}

static void
test_signature_tampered (Fixture       *fixture,
                         gconstpointer  user_data)
{
  const Tamper tampers[] = { TAMPER_SIGNATURE, TAMPER_SHORT_SIGNATURE };

  g_test_summary ("One flipped bit in the server signature of the server-final "
                  "message sent with <success/>, or a signature cut short, fails the "
                  "exchange with XMPP_SASL_ERROR_SERVER_SIGNATURE, although the server "
                  "said success.");

  for (guint i = 0; i < G_N_ELEMENTS (tampers); i++)
    {
      check_scram_exchange (fixture, user_data, tampers[i], XMPP_SASL_ERROR_SERVER_SIGNATURE);
      g_assert_cmpint (fixture->server_rc, ==, GSASL_OK);
    }
}

static void
test_signature_missing (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_test_summary ("A bare <success/> that arrives instead of SCRAM's server-final "
                  "message proves nothing about the server, and is refused with "
                  "XMPP_SASL_ERROR_SERVER_SIGNATURE.");

  check_scram_exchange (fixture, user_data, TAMPER_NO_FINAL, XMPP_SASL_ERROR_SERVER_SIGNATURE);
  g_assert_cmpint (fixture->server_rc, ==, GSASL_OK);
}

static void
test_final_in_challenge (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_test_summary ("The server-final message may also come in a last <challenge/>, "
                  "answered with an empty <response/>, before a bare <success/>.");

  check_scram_exchange (fixture, user_data, TAMPER_FINAL_IN_CHALLENGE, -1);
}

static void
test_nonce (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_test_summary ("A server-first message whose nonce does not start with the "
                  "client's nonce (RFC 5802 §5.1) is refused with "
                  "XMPP_SASL_ERROR_PROTOCOL.");

  check_scram_exchange (fixture, user_data, TAMPER_NONCE, XMPP_SASL_ERROR_PROTOCOL);
}

static void
test_iterations_minimum (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autofree char *below = g_strdup_printf ("%u", XMPP_SASL_SCRAM_MIN_ITERATIONS - 1);
  g_autofree char *minimum = g_strdup_printf ("%u", XMPP_SASL_SCRAM_MIN_ITERATIONS);
  const char *counts[] = { "1", below };

  g_test_summary ("A server that hashes with fewer than "
                  "XMPP_SASL_SCRAM_MIN_ITERATIONS (4096, RFC 5802's recommendation) "
                  "SCRAM iterations is refused with XMPP_SASL_ERROR_MECHANISM_TOO_WEAK; "
                  "exactly the minimum is accepted.");

  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      fixture->iterations = counts[i];
      check_scram_exchange (fixture, user_data, TAMPER_NONE, XMPP_SASL_ERROR_MECHANISM_TOO_WEAK);
    }

  fixture->iterations = minimum;
  check_scram_exchange (fixture, user_data, TAMPER_NONE, -1);
}

static void
test_iterations_maximum (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autofree char *above = g_strdup_printf ("%u", XMPP_SASL_SCRAM_MAX_ITERATIONS + 1);
  const char *counts[] = { above, "99999999999999999999999", "12x", "" };

  g_test_summary ("An iteration count above XMPP_SASL_SCRAM_MAX_ITERATIONS, which "
                  "would keep the caller's thread hashing, or a malformed one, is "
                  "refused with XMPP_SASL_ERROR_PROTOCOL before any hashing.");

  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      gint64 start = g_get_monotonic_time ();

      fixture->tamper_iterations = counts[i];
      check_scram_exchange (fixture, user_data, TAMPER_ITERATIONS, XMPP_SASL_ERROR_PROTOCOL);
      /* Refused up front: far less than the hashing would take. */
      g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
    }
}

/* Channel binding flags */

typedef struct
{
  GTlsProtocolVersion version;
  gboolean client_binds;          /* the client has binding data of both types */
  gboolean offer_plus;            /* the -PLUS variant is on offer too */
  const char *channel_bindings;   /* XEP-0440 types, space-separated; NULL: both */
  gboolean without_plus;          /* the caller allows only the variant without -PLUS */
  gboolean server_binds;          /* the server has binding data, so would offer -PLUS */
  const char *header;             /* the GS2 header the client must send */
  gboolean refused;               /* the server takes it for a downgrade */
} FlagCase;

static const FlagCase flag_cases[] = {
  /* Binding data, and no -PLUS on offer from a server that cannot bind:
   * "y", accepted. */
  { V12, TRUE, FALSE, NULL, FALSE, FALSE, "y,,", FALSE },
  { V13, TRUE, FALSE, NULL, FALSE, FALSE, "y,,", FALSE },
  /* The same offer from a server that can bind: someone removed -PLUS on
   * the way, and "y" lets the server see it. */
  { V12, TRUE, FALSE, NULL, FALSE, TRUE, "y,,", TRUE },
  { V13, TRUE, FALSE, NULL, FALSE, TRUE, "y,,", TRUE },
  /* -PLUS on offer, but no binding data. */
  { V13, FALSE, TRUE, NULL, FALSE, TRUE, "n,,", FALSE },
  /* -PLUS on offer and binding data, but the caller wants SCRAM without
   * it: "n", since the server would take "y" for a downgrade. */
  { V13, TRUE, TRUE, NULL, TRUE, TRUE, "n,,", FALSE },
  /* No type fit for TLS 1.3 that the server lists: no binding data. */
  { V13, TRUE, FALSE, "", FALSE, TRUE, "n,,", FALSE },
};

static void
test_gs2_flag (Fixture       *fixture,
               gconstpointer  user_data)
{
  const char *mechanism = user_data;
  g_autofree char *plus = g_strconcat (mechanism, "-PLUS", NULL);

  g_test_summary ("Without -PLUS in use, the client sends the GS2 flag 'y' when the "
                  "connection has binding data but the server offers no -PLUS "
                  "mechanism (RFC 5802 §6), so that a server which can bind, and whose "
                  "-PLUS offer was removed on the way, refuses the downgrade; with "
                  "-PLUS on offer, or without usable binding data, it sends 'n'.");

  for (guint i = 0; i < G_N_ELEMENTS (flag_cases); i++)
    {
      const FlagCase *c = &flag_cases[i];
      const char *offered[] = { mechanism, c->offer_plus ? plus : NULL, NULL };
      g_auto(GStrv) bindings = NULL;
      g_autoptr(XmppSaslClient) client = new_client (TRUE);
      g_autoptr(GError) error = NULL;
      XmppSaslStatus status;

      g_test_message ("case %u", i);
      if (c->channel_bindings != NULL)
        bindings = g_strsplit (c->channel_bindings, " ", -1);
      g_clear_pointer (&fixture->tls_unique, g_bytes_unref);
      g_clear_pointer (&fixture->tls_exporter, g_bytes_unref);
      if (c->server_binds)
        give_server_bindings (fixture);
      if (c->client_binds)
        set_both_bindings (client, c->version);
      if (c->without_plus)
        xmpp_sasl_client_set_allowed_mechanisms (client, xmpp_sasl_mechanism_from_name (mechanism));

      status = run_exchange (fixture, client, offered, (const char * const *) bindings, &error);
      g_assert_true (g_str_has_prefix (fixture->client_first, c->header));
      g_assert_cmpstr (xmpp_sasl_client_get_mechanism (client), ==, mechanism);
      g_assert_null (xmpp_sasl_client_get_channel_binding (client));
      if (c->refused)
        {
          g_assert_cmpint (status, ==, XMPP_SASL_STATUS_FAILED);
          g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_NOT_AUTHORIZED);
          g_assert_cmpint (fixture->server_rc, ==, GSASL_AUTHENTICATION_ERROR);
        }
      else
        {
          g_assert_cmpint (status, ==, XMPP_SASL_STATUS_SUCCESS);
          g_assert_no_error (error);
        }
    }
}

static int
y_flag_callback (Gsasl          *gsasl,
                 Gsasl_session  *session,
                 Gsasl_property  property)
{
  switch ((int) property)
    {
    case GSASL_AUTHID:
      return gsasl_property_set (session, property, USER);
    case GSASL_PASSWORD:
      return gsasl_property_set (session, property, PASSWORD);
    case GSASL_CB_TLS_EXPORTER:
      return gsasl_property_set (session, property, "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=");
    default:
      return GSASL_NO_CALLBACK;
    }
}

static void
test_gsasl_y_flag (void)
{
  Gsasl *gsasl = NULL;
  Gsasl_session *session = NULL;
  char *output = NULL;
  size_t output_len = 0;
  int rc;

  g_test_summary ("One reason why the library runs SCRAM on its own code: GSASL's "
                  "SCRAM client, given binding data in a non-PLUS session, fails "
                  "instead of sending the GS2 flag 'y' that RFC 5802 §6 requires. A "
                  "GSASL that sends 'y' fails this test, to say the choice may be "
                  "weighed again.");

  g_assert_cmpint (gsasl_init (&gsasl), ==, GSASL_OK);
  gsasl_callback_set (gsasl, y_flag_callback);
  g_assert_cmpint (gsasl_client_start (gsasl, "SCRAM-SHA-1", &session), ==, GSASL_OK);
  rc = gsasl_step (session, NULL, 0, &output, &output_len);

  g_assert_cmpint (rc, ==, GSASL_AUTHENTICATION_ERROR);

  gsasl_free (output);
  gsasl_finish (session);
  gsasl_done (gsasl);
}

static void
test_xep0440 (Fixture       *fixture,
              gconstpointer  user_data)
{
  const char *offered[] = { "SCRAM-SHA-256-PLUS", "SCRAM-SHA-256", NULL };
  const struct {
    const char *listed;
    const char *mechanism;
    const char *binding;
    const char *header;
  } cases[] = {
    { "tls-exporter", "SCRAM-SHA-256-PLUS", "tls-exporter", "p=tls-exporter,," },
    { "tls-server-end-point", "SCRAM-SHA-256", NULL, "n,," },
  };

  g_test_summary ("Over TLS 1.2 the client would pick tls-unique, but takes "
                  "tls-exporter when that is the only type the server lists; with "
                  "no type in common it uses SCRAM without -PLUS.");

  give_server_bindings (fixture);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *listed[] = { cases[i].listed, NULL };
      g_autoptr(XmppSaslClient) client = new_client (TRUE);

      set_both_bindings (client, V12);
      assert_exchange_succeeds (fixture, client, offered, listed, cases[i].mechanism);
      g_assert_cmpstr (xmpp_sasl_client_get_channel_binding (client), ==, cases[i].binding);
      g_assert_true (g_str_has_prefix (fixture->client_first, cases[i].header));
    }
}

/* Hostile input */

/* Starts @client with @mechanism as the only one on offer; its initial
 * response, decoded, goes into @client_first unless that is NULL. */
static XmppSaslClient *
start_client (XmppSaslClient  *client,
              const char      *mechanism,
              char           **client_first)
{
  const char *offered[] = { mechanism, NULL };
  g_autoptr(XmppElement) auth = NULL;
  g_autoptr(GError) error = NULL;

  auth = xmpp_sasl_client_start (client, offered, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (auth);
  if (client_first != NULL)
    {
      g_autoptr(GBytes) data = decode_text (xmpp_element_get_text (auth));

      *client_first = g_strndup (g_bytes_get_data (data, NULL), g_bytes_get_size (data));
    }
  return client;
}

/* A client that has sent <auth mechanism='@mechanism'/>. */
static XmppSaslClient *
new_started_client (const char *mechanism)
{
  return start_client (new_client (TRUE), mechanism, NULL);
}

static void
assert_refused (XmppSaslClient *client,
                const char     *name,
                const char     *text,
                XmppSaslError   code)
{
  g_autoptr(XmppElement) element = xmpp_element_new (name, XMPP_NS_SASL);
  g_autoptr(XmppElement) reply = NULL;
  g_autoptr(GError) error = NULL;

  xmpp_element_set_text (element, text);
  g_assert_cmpint (xmpp_sasl_client_receive (client, element, &reply, &error), ==,
                   XMPP_SASL_STATUS_FAILED);
  g_assert_error (error, XMPP_SASL_ERROR, (int) code);
  g_assert_null (reply);
}

static void
test_base64 (void)
{
  static const char *const invalid[] = {
    "not base64!", "abc", "ab=c", "a===", "====", "YWJj ZA==", "YW\nJj",
    "YWJ jZA=", "=abc",
  };

  g_test_summary ("The data of <challenge/> and <success/> must be strict base64; "
                  "anything else fails with XMPP_SASL_ERROR_PROTOCOL.");

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(XmppSaslClient) challenged = new_started_client ("SCRAM-SHA-1");
      g_autoptr(XmppSaslClient) succeeded = new_started_client ("SCRAM-SHA-1");

      g_test_message ("“%s”", invalid[i]);
      assert_refused (challenged, "challenge", invalid[i], XMPP_SASL_ERROR_PROTOCOL);
      assert_refused (succeeded, "success", invalid[i], XMPP_SASL_ERROR_PROTOCOL);
    }
}

/* A server-first message for @client_first of exactly @size bytes, padded
 * in the server's part of the nonce: valid SCRAM whatever its size. */
static char *
padded_server_first (const char *client_first,
                     gsize       size)
{
  const char *nonce = strstr (client_first, ",r=");
  const char *tail = ",s=QSXCR+Q6sek8bf92,i=4096";
  GString *message = g_string_new ("r=");

  g_assert_nonnull (nonce);
  g_string_append (message, nonce + 3);
  g_assert_cmpuint (message->len + strlen (tail), <, size);
  while (message->len + strlen (tail) < size)
    g_string_append_c (message, 'x');
  g_string_append (message, tail);
  return g_string_free (message, FALSE);
}

static void
test_oversized (void)
{
  g_autofree char *huge = g_strnfill (1024 * 1024 + 1, 'A');

  g_test_summary ("A challenge of more than XMPP_SASL_MAX_CHALLENGE_SIZE decoded "
                  "bytes fails with XMPP_SASL_ERROR_PROTOCOL, even when it is valid "
                  "SCRAM; one of exactly that size is answered.");

  for (gsize size = XMPP_SASL_MAX_CHALLENGE_SIZE; size <= XMPP_SASL_MAX_CHALLENGE_SIZE + 1; size++)
    {
      const char *offered[] = { "SCRAM-SHA-1", NULL };
      g_autoptr(XmppSaslClient) client = new_client (TRUE);
      g_autoptr(XmppElement) auth = NULL;
      g_autoptr(XmppElement) challenge = NULL;
      g_autoptr(XmppElement) reply = NULL;
      g_autoptr(GBytes) client_first = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *nul_terminated = NULL;
      g_autofree char *server_first = NULL;
      XmppSaslStatus status;

      auth = xmpp_sasl_client_start (client, offered, NULL, &error);
      g_assert_no_error (error);
      client_first = decode_text (xmpp_element_get_text (auth));
      nul_terminated = g_strndup (g_bytes_get_data (client_first, NULL), g_bytes_get_size (client_first));
      server_first = padded_server_first (nul_terminated, size);
      g_assert_cmpuint (strlen (server_first), ==, size);

      challenge = new_data_element ("challenge", server_first, size);
      status = xmpp_sasl_client_receive (client, challenge, &reply, &error);
      if (size <= XMPP_SASL_MAX_CHALLENGE_SIZE)
        {
          g_assert_no_error (error);
          g_assert_cmpint (status, ==, XMPP_SASL_STATUS_CONTINUE);
          g_assert_true (xmpp_element_is (reply, "response", XMPP_NS_SASL));
        }
      else
        {
          g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_PROTOCOL);
          g_assert_cmpint (status, ==, XMPP_SASL_STATUS_FAILED);
        }
    }

  {
    g_autoptr(XmppSaslClient) client = new_started_client ("SCRAM-SHA-1");

    assert_refused (client, "challenge", huge, XMPP_SASL_ERROR_PROTOCOL);
  }
  {
    g_autoptr(XmppSaslClient) client = new_started_client ("SCRAM-SHA-1");

    assert_refused (client, "success", huge, XMPP_SASL_ERROR_PROTOCOL);
  }
}

static void
test_rounds (Fixture       *fixture,
             gconstpointer  user_data)
{
  const char *offered[] = { "SCRAM-SHA-256", NULL };
  g_autoptr(XmppSaslClient) client = new_client (TRUE);
  g_autoptr(XmppElement) auth = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) input = NULL;
  Gsasl_session *session = NULL;
  guint answered = 0;

  g_test_summary ("A server that keeps on challenging gets no more than "
                  "XMPP_SASL_MAX_CHALLENGES responses, then XMPP_SASL_ERROR_PROTOCOL. "
                  "With SCRAM the client already stops at the first challenge after "
                  "the server-final message; the counter guards mechanisms with "
                  "longer exchanges.");

  auth = xmpp_sasl_client_start (client, offered, NULL, &error);
  g_assert_no_error (error);
  input = decode_text (xmpp_element_get_text (auth));
  g_assert_cmpint (gsasl_server_start (fixture->gsasl, "SCRAM-SHA-256", &session), ==, GSASL_OK);

  for (guint round = 0; round < XMPP_SASL_MAX_CHALLENGES + 1; round++)
    {
      g_autoptr(XmppElement) challenge = NULL;
      g_autoptr(XmppElement) reply = NULL;
      char *output = NULL;
      size_t output_len = 0;
      XmppSaslStatus status;

      /* The real server-first and server-final messages, then empty challenges. */
      if (input != NULL)
        {
          int rc = gsasl_step (session, g_bytes_get_data (input, NULL), g_bytes_get_size (input),
                               &output, &output_len);

          g_assert_true (rc == GSASL_OK || rc == GSASL_NEEDS_MORE);
          g_clear_pointer (&input, g_bytes_unref);
        }
      challenge = new_data_element ("challenge", output, output != NULL ? output_len : 0);
      gsasl_free (output);

      status = xmpp_sasl_client_receive (client, challenge, &reply, &error);
      if (status == XMPP_SASL_STATUS_FAILED)
        break;
      g_assert_cmpint (status, ==, XMPP_SASL_STATUS_CONTINUE);
      answered++;
      if (answered == 1)
        input = decode_text (xmpp_element_get_text (reply));
    }

  g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_PROTOCOL);
  g_assert_cmpuint (answered, <=, XMPP_SASL_MAX_CHALLENGES);
  g_assert_cmpuint (answered, ==, 2);
  gsasl_finish (session);
}

static void
test_unexpected (Fixture       *fixture,
                 gconstpointer  user_data)
{
  const char *offered[] = { "PLAIN", NULL };

  g_test_summary ("Elements out of place fail the exchange: an unknown element, "
                  "data with the success of a mechanism that has completed, anything "
                  "after the end; <abort/> ends the exchange on the client's side.");

  {
    g_autoptr(XmppSaslClient) client = new_started_client ("SCRAM-SHA-1");

    assert_refused (client, "bogus", NULL, XMPP_SASL_ERROR_PROTOCOL);
    /* Over: even a well-formed failure is now out of place. */
    assert_refused (client, "failure", NULL, XMPP_SASL_ERROR_PROTOCOL);
  }
  {
    g_autoptr(XmppSaslClient) client = new_started_client ("PLAIN");

    assert_refused (client, "success", "ZXh0cmE=", XMPP_SASL_ERROR_PROTOCOL);
  }
  {
    g_autoptr(XmppSaslClient) client = new_started_client ("PLAIN");

    assert_refused (client, "challenge", "", XMPP_SASL_ERROR_PROTOCOL);
  }
  {
    g_autoptr(XmppSaslClient) client = new_client (TRUE);

    assert_exchange_succeeds (fixture, client, offered, NULL, "PLAIN");
    assert_refused (client, "challenge", NULL, XMPP_SASL_ERROR_PROTOCOL);
  }
  {
    g_autoptr(XmppSaslClient) client = new_started_client ("SCRAM-SHA-1");
    g_autoptr(XmppElement) abort_element = xmpp_sasl_client_abort (client);

    g_assert_true (xmpp_element_is (abort_element, "abort", XMPP_NS_SASL));
    g_assert_cmpuint (xmpp_element_get_n_children (abort_element), ==, 0);
    assert_refused (client, "failure", NULL, XMPP_SASL_ERROR_PROTOCOL);
  }
}

/* The library's SCRAM code on its own */

/* An example exchange of an RFC, as user "user" with password "pencil". */
typedef struct
{
  XmppScramHash hash;
  const char *nonce;
  const char *client_first;
  const char *server_first;
  const char *client_final;
  const char *server_final;
  const char *server_final_tampered;   /* one bit flipped in the signature */
} RfcExample;

/* RFC 5802 §5 */
static const RfcExample rfc5802 = {
  XMPP_SCRAM_SHA_1,
  "fyko+d2lbbFgONRv9qkxdawL",
  "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL",
  "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
  "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
  "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=",
  "v=smF9pqV8S7suAoZWja4dJRkFsKQ=",
};

/* RFC 7677 §3 */
static const RfcExample rfc7677 = {
  XMPP_SCRAM_SHA_256,
  "rOprNGfwEbeRWgbNEkqO",
  "n,,n=user,r=rOprNGfwEbeRWgbNEkqO",
  "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
  "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
  "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
  "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
  "v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
};

static void
test_scram_rfc_example (gconstpointer user_data)
{
  const RfcExample *example = user_data;
  const char *const server_finals[] = { example->server_final, example->server_final_tampered };

  g_test_summary ("The library's SCRAM code, run with the hash and the client nonce "
                  "of an RFC's example (RFC 5802 §5 for SHA-1, RFC 7677 §3 for "
                  "SHA-256), sends exactly the messages of that exchange and accepts "
                  "its server signature; one bit off, the signature is refused with "
                  "XMPP_SASL_ERROR_SERVER_SIGNATURE.");

  for (guint i = 0; i < G_N_ELEMENTS (server_finals); i++)
    {
      g_autoptr(XmppScram) scram = NULL;
      g_autoptr(GError) error = NULL;
      char *output = NULL;
      gsize len = 0;

      scram = xmpp_scram_new (example->hash, "user", "pencil", NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      xmpp_scram_set_client_nonce (scram, example->nonce);

      g_assert_cmpint (xmpp_scram_step (scram, NULL, 0, &output, &len, &error), ==,
                       XMPP_SCRAM_CONTINUE);
      g_assert_cmpmem (output, len, example->client_first, strlen (example->client_first));
      g_clear_pointer (&output, g_free);

      g_assert_cmpint (xmpp_scram_step (scram, example->server_first,
                                        strlen (example->server_first), &output, &len,
                                        &error), ==, XMPP_SCRAM_CONTINUE);
      g_assert_no_error (error);
      g_assert_cmpmem (output, len, example->client_final, strlen (example->client_final));
      g_clear_pointer (&output, g_free);

      if (i == 0)
        {
          g_assert_cmpint (xmpp_scram_step (scram, server_finals[i], strlen (server_finals[i]),
                                            &output, &len, &error), ==, XMPP_SCRAM_DONE);
          g_assert_no_error (error);
          g_assert_null (output);
          g_assert_cmpuint (len, ==, 0);
        }
      else
        {
          g_assert_cmpint (xmpp_scram_step (scram, server_finals[i], strlen (server_finals[i]),
                                            &output, &len, &error), ==, XMPP_SCRAM_FAILED);
          g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_SERVER_SIGNATURE);
        }
    }
}

/* @template with each '@' replaced by @nonce. */
static char *
with_nonce (const char *template,
            const char *nonce)
{
  g_auto(GStrv) parts = g_strsplit (template, "@", -1);

  return g_strjoinv ((char *) nonce, parts);
}

/* Gives @client a <@name/> carrying @len bytes of @data. */
static XmppSaslStatus
receive_data (XmppSaslClient  *client,
              const char      *name,
              const char      *data,
              gsize            len,
              XmppElement    **reply,
              GError         **error)
{
  g_autoptr(XmppElement) element = new_data_element (name, data, len);

  return xmpp_sasl_client_receive (client, element, reply, error);
}

/* A client of @mechanism that has answered a valid server-first message. */
static XmppSaslClient *
new_scram_client_after_first (const char *mechanism)
{
  g_autofree char *client_first = NULL;
  g_autofree char *server_first = NULL;
  g_autoptr(XmppElement) reply = NULL;
  g_autoptr(GError) error = NULL;
  XmppSaslClient *client = start_client (new_client (TRUE), mechanism, &client_first);

  server_first = with_nonce ("r=@xyz,s=QSXCR+Q6sek8bf92,i=4096", strstr (client_first, ",r=") + 3);
  g_assert_cmpint (receive_data (client, "challenge", server_first, strlen (server_first), &reply,
                                 &error), ==, XMPP_SASL_STATUS_CONTINUE);
  g_assert_no_error (error);
  return client;
}

static void
test_scram_server_first (Fixture       *fixture,
                         gconstpointer  user_data)
{
  static const struct {
    const char *message;           /* '@' stands for the client's nonce */
    XmppSaslError code;
  } refused[] = {
    { "m=ext,r=@xyz,s=QSXCR+Q6sek8bf92,i=4096", XMPP_SASL_ERROR_PROTOCOL },
    { "r=@xyz,s=QSXCR+Q6sek8bf92,i=4096,m=ext", XMPP_SASL_ERROR_PROTOCOL },
    { "r=@,s=QSXCR+Q6sek8bf92,i=4096", XMPP_SASL_ERROR_PROTOCOL },
    { "r=x@,s=QSXCR+Q6sek8bf92,i=4096", XMPP_SASL_ERROR_PROTOCOL },
    { "r=@x y,s=QSXCR+Q6sek8bf92,i=4096", XMPP_SASL_ERROR_PROTOCOL },
    { "r=@xyz,s=QSXCR+Q6sek8bf9,i=4096", XMPP_SASL_ERROR_PROTOCOL },
    { "r=@xyz,s=QSXCR*Q6sek8bf92,i=4096", XMPP_SASL_ERROR_PROTOCOL },
    { "r=@xyz,s=,i=4096", XMPP_SASL_ERROR_PROTOCOL },
    { "s=QSXCR+Q6sek8bf92,r=@xyz,i=4096", XMPP_SASL_ERROR_PROTOCOL },
    { "r=@xyz,s=QSXCR+Q6sek8bf92", XMPP_SASL_ERROR_PROTOCOL },
    { "r=@xyz,s=QSXCR+Q6sek8bf92,i=4096,", XMPP_SASL_ERROR_PROTOCOL },
    { "r=@xyz,s=QSXCR+Q6sek8bf92,i=4096,x", XMPP_SASL_ERROR_PROTOCOL },
    { "r=@xyz,s=QSXCR+Q6sek8bf92,i=4096,1=x", XMPP_SASL_ERROR_PROTOCOL },
    { "r=@xyz,s=QSXCR+Q6sek8bf92,i=0x1000", XMPP_SASL_ERROR_PROTOCOL },
    { "r=@xyz,s=QSXCR+Q6sek8bf92,i=4095", XMPP_SASL_ERROR_MECHANISM_TOO_WEAK },
    { "r=@xyz,s=QSXCR+Q6sek8bf92,i=4096\0", XMPP_SASL_ERROR_PROTOCOL },
  };

  g_test_summary ("SCRAM reads the server-first message strictly: r=, s=, "
                  "i= in that order, a nonce that extends the client's, base64 salt, "
                  "an iteration count in range, well-formed extensions and no m=; "
                  "anything else fails before any hashing. An unknown extension is "
                  "ignored.");

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *client_first = NULL;
      g_autoptr(XmppSaslClient) client = start_client (new_client (TRUE), user_data,
                                                       &client_first);
      g_autofree char *message = with_nonce (refused[i].message, strstr (client_first, ",r=") + 3);
      /* The last case carries a NUL byte. */
      gsize len = strlen (message) + (i == G_N_ELEMENTS (refused) - 1);
      g_autoptr(XmppElement) reply = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("“%s”", refused[i].message);
      g_assert_cmpint (receive_data (client, "challenge", message, len, &reply, &error), ==,
                       XMPP_SASL_STATUS_FAILED);
      g_assert_error (error, XMPP_SASL_ERROR, (int) refused[i].code);
      g_assert_null (reply);
    }

  {
    g_autofree char *client_first = NULL;
    g_autoptr(XmppSaslClient) client = start_client (new_client (TRUE), user_data,
                                                     &client_first);
    const char *nonce = strstr (client_first, ",r=") + 3;
    g_autofree char *message = with_nonce ("r=@xyz,s=QSXCR+Q6sek8bf92,i=4096,x=ignored", nonce);
    g_autofree char *prefix = with_nonce ("c=biws,r=@xyz,p=", nonce);
    g_autoptr(XmppElement) reply = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) client_final = NULL;

    g_assert_cmpint (receive_data (client, "challenge", message, strlen (message), &reply, &error),
                     ==, XMPP_SASL_STATUS_CONTINUE);
    g_assert_no_error (error);
    client_final = decode_text (xmpp_element_get_text (reply));
    g_assert_cmpuint (g_bytes_get_size (client_final), >, strlen (prefix));
    g_assert_cmpmem (g_bytes_get_data (client_final, NULL), strlen (prefix),
                     prefix, strlen (prefix));
  }
}

static void
test_scram_server_final (Fixture       *fixture,
                         gconstpointer  user_data)
{
  static const struct {
    const char *element;
    const char *message;
    XmppSaslError code;
    const char *in_message;       /* what the error message must quote */
  } cases[] = {
    { "challenge", "e=invalid-proof", XMPP_SASL_ERROR_NOT_AUTHORIZED, "invalid-proof" },
    { "success", "e=other-error", XMPP_SASL_ERROR_NOT_AUTHORIZED, "other-error" },
    { "challenge", "e=bad\tvalue", XMPP_SASL_ERROR_PROTOCOL, NULL },
    { "success", "v=AAAA", XMPP_SASL_ERROR_SERVER_SIGNATURE, NULL },
    { "success", "v=not base64", XMPP_SASL_ERROR_SERVER_SIGNATURE, NULL },
    { "success", "x=1", XMPP_SASL_ERROR_SERVER_SIGNATURE, NULL },
    { "success",
      "v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==",
      XMPP_SASL_ERROR_SERVER_SIGNATURE, NULL },
  };

  g_test_summary ("In the server-final message of SCRAM, e= fails the "
                  "exchange with XMPP_SASL_ERROR_NOT_AUTHORIZED and the server's value "
                  "in the message, in a <challenge/> or a <success/>; a missing, "
                  "malformed or wrong signature fails with "
                  "XMPP_SASL_ERROR_SERVER_SIGNATURE although the server said success.");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(XmppSaslClient) client = new_scram_client_after_first (user_data);
      g_autoptr(XmppElement) reply = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("<%s>%s", cases[i].element, cases[i].message);
      g_assert_cmpint (receive_data (client, cases[i].element, cases[i].message,
                                     strlen (cases[i].message), &reply, &error), ==,
                       XMPP_SASL_STATUS_FAILED);
      g_assert_error (error, XMPP_SASL_ERROR, (int) cases[i].code);
      g_assert_null (reply);
      if (cases[i].in_message != NULL)
        g_assert_nonnull (strstr (error->message, cases[i].in_message));
    }
}

static void
test_scram_saslprep (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_test_summary ("SCRAM applies SASLprep to the user name and the password, as "
                  "GSASL's server does with SCRAM-SHA-256, escapes ',' and '=' in the names it "
                  "sends (RFC 5802 §5.1), and sends a fresh nonce of 24 random bytes "
                  "in base64; a name SASLprep prohibits cannot start.");

  /* U+00AD SOFT HYPHEN is mapped to nothing. */
  {
    g_autoptr(XmppSaslClient) first = xmpp_sasl_client_new ("us\xc2\xad" "er=,x", PASSWORD,
                                                            "ad,min=", "xmpp", DOMAIN, TRUE);
    g_autoptr(XmppSaslClient) second = new_client (TRUE);
    g_autofree char *first_message = NULL;
    g_autofree char *second_message = NULL;
    const char *nonce;
    g_autofree guchar *random = NULL;
    gsize len = 0;

    start_client (first, "SCRAM-SHA-512", &first_message);
    start_client (second, "SCRAM-SHA-512", &second_message);
    g_assert_true (g_str_has_prefix (first_message, "n,a=ad=2Cmin=3D,n=user=3D=2Cx,r="));
    nonce = strstr (first_message, ",r=") + 3;
    g_assert_cmpuint (strlen (nonce), ==, 32);
    random = g_base64_decode (nonce, &len);
    g_assert_cmpuint (len, ==, XMPP_SCRAM_NONCE_BYTES);
    g_assert_cmpstr (strstr (second_message, ",r=") + 3, !=, nonce);
  }

  for (guint i = 0; i < G_N_ELEMENTS (scram_mechanisms); i++)
    {
      const char *offered[] = { scram_mechanisms[i], NULL };
      g_autoptr(XmppSaslClient) client = xmpp_sasl_client_new (USER, "pen\xc2\xad" "cil", NULL,
                                                               "xmpp", DOMAIN, TRUE);

      assert_exchange_succeeds (fixture, client, offered, NULL, offered[0]);
    }

  {
    const char *offered[] = { "SCRAM-SHA-512", NULL };
    g_autoptr(XmppSaslClient) client = xmpp_sasl_client_new ("us\x07" "er", PASSWORD, NULL, "xmpp",
                                                             DOMAIN, TRUE);
    g_autoptr(XmppElement) auth = NULL;
    g_autoptr(GError) error = NULL;

    auth = xmpp_sasl_client_start (client, offered, NULL, &error);
    g_assert_null (auth);
    g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_UNDEFINED);
  }
}

static void
test_scram_plus_exporter (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_auto(GStrv) offered = g_strsplit (ALL_SCRAM " PLAIN", " ", -1);
  const char *exporter_only[] = { "tls-exporter", NULL };
  g_autoptr(XmppSaslClient) client = new_client (TRUE);

  g_test_summary ("Under TLS 1.3, with the server listing tls-exporter (XEP-0440), "
                  "the client picks SCRAM-SHA-512-PLUS among all SCRAM mechanisms and "
                  "binds the exported key: 'p=tls-exporter', which the server checks "
                  "against its own exporter data.");

  give_server_bindings (fixture);
  set_both_bindings (client, V13);
  assert_exchange_succeeds (fixture, client, (const char * const *) offered, exporter_only,
                            "SCRAM-SHA-512-PLUS");
  g_assert_cmpstr (xmpp_sasl_client_get_channel_binding (client), ==, "tls-exporter");
  g_assert_true (g_str_has_prefix (fixture->client_first, "p=tls-exporter,,n=" USER ",r="));
}

/* The tests run once for each SCRAM hash, with the mechanism as data. */
static const struct {
  const char *path;
  void (*func) (Fixture *, gconstpointer);
} scram_tests[] = {
  { "plus-mismatch", test_plus_mismatch },
  { "gs2-flag", test_gs2_flag },
  { "signature/tampered", test_signature_tampered },
  { "signature/missing", test_signature_missing },
  { "final-in-challenge", test_final_in_challenge },
  { "nonce", test_nonce },
  { "iterations/minimum", test_iterations_minimum },
  { "iterations/maximum", test_iterations_maximum },
  { "server-first", test_scram_server_first },
  { "server-final", test_scram_server_final },
};

#define ADD_FIXTURE_TEST(path, data, func) \
  g_test_add (path, Fixture, data, fixture_setup, func, fixture_teardown)

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sasl/conditions", test_conditions);
  g_test_add_func ("/sasl/failure", test_failure_parsing);
  g_test_add_func ("/sasl/features", test_features);
  ADD_FIXTURE_TEST ("/sasl/select", NULL, test_select);

  for (guint i = 0; i < G_N_ELEMENTS (exchange_cases); i++)
    {
      const ExchangeCase *c = &exchange_cases[i];
      g_autofree char *name = g_ascii_strdown (c->name, -1);
      g_autofree char *path = NULL;
      g_autofree char *wrong = NULL;

      path = g_strdup_printf ("/sasl/exchange/%s%s%s", name,
                              c->binding != NULL ? "/" : "", c->binding != NULL ? c->binding : "");
      wrong = g_strdup_printf ("%s/wrong-password", path);
      ADD_FIXTURE_TEST (path, c, test_exchange);
      ADD_FIXTURE_TEST (wrong, c, test_wrong_password);
    }

  ADD_FIXTURE_TEST ("/sasl/exchange/authzid", NULL, test_authzid);
  ADD_FIXTURE_TEST ("/sasl/exchange/external", &external_case, test_passwordless);
  ADD_FIXTURE_TEST ("/sasl/exchange/anonymous", &anonymous_case, test_passwordless);
  ADD_FIXTURE_TEST ("/sasl/channel-binding/xep-0440", NULL, test_xep0440);
  g_test_add_func ("/sasl/gsasl/y-flag", test_gsasl_y_flag);
  ADD_FIXTURE_TEST ("/sasl/channel-binding/scram-sha-512-plus-tls-exporter", NULL,
                    test_scram_plus_exporter);
  g_test_add_data_func ("/sasl/scram/rfc5802", &rfc5802, test_scram_rfc_example);
  g_test_add_data_func ("/sasl/scram/rfc7677", &rfc7677, test_scram_rfc_example);
  ADD_FIXTURE_TEST ("/sasl/scram/saslprep", NULL, test_scram_saslprep);

  for (guint i = 0; i < G_N_ELEMENTS (scram_mechanisms); i++)
    {
      g_autofree char *name = g_ascii_strdown (scram_mechanisms[i], -1);

      for (guint j = 0; j < G_N_ELEMENTS (scram_tests); j++)
        {
          g_autofree char *path = g_strdup_printf ("/sasl/%s/%s", name, scram_tests[j].path);

          ADD_FIXTURE_TEST (path, scram_mechanisms[i], scram_tests[j].func);
        }
    }

  g_test_add_func ("/sasl/limits/base64", test_base64);
  g_test_add_func ("/sasl/limits/size", test_oversized);
  ADD_FIXTURE_TEST ("/sasl/limits/rounds", NULL, test_rounds);
  ADD_FIXTURE_TEST ("/sasl/unexpected", NULL, test_unexpected);

  return g_test_run ();
}
