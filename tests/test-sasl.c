/* test-sasl.c: tests for the SASL client, against the server side of GNU
 * SASL running in the same process
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <xmpp-glib/xmpp-glib.h>

#include <gsasl.h>
#include <string.h>

#include "xmpp-glib/xmpp-sasl-private.h"

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

static void
tamper_signature (GString *message)
{
  g_autofree guchar *signature = NULL;
  g_autofree char *encoded = NULL;
  gsize len = 0;

  g_assert_true (g_str_has_prefix (message->str, "v="));
  signature = g_base64_decode (message->str + 2, &len);
  g_assert_cmpuint (len, >, 0);
  signature[0] ^= 0x01;
  encoded = g_base64_encode (signature, len);
  replace_attribute (message, 'v', encoded);
}

/* Runs one exchange between @client and the GSASL server, turning every
 * element the client gives into a server step and every server output
 * into the element RFC 6120 §6.4 calls for. Returns the client's last
 * status; @error is set when it is FAILED. */
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

  g_assert_cmpint (gsasl_server_start (fixture->gsasl, mechanism, &session), ==, GSASL_OK);

  for (;;)
    {
      g_autoptr(XmppElement) element = NULL;
      g_autoptr(XmppElement) reply = NULL;
      g_autoptr(GString) message = NULL;
      char *output = NULL;
      size_t output_len = 0;
      int rc;

      /* An empty response is "", not NULL: NULL means none at all. */
      rc = gsasl_step (session,
                       g_bytes_get_size (input) > 0 ? g_bytes_get_data (input, NULL) : "",
                       g_bytes_get_size (input), &output, &output_len);
      fixture->server_rc = rc;
      g_clear_pointer (&input, g_bytes_unref);
      message = g_string_new_len (output, output != NULL ? (gssize) output_len : 0);
      gsasl_free (output);

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
          fixture->authzid = g_strdup (gsasl_property_fast (session, GSASL_AUTHZID));

          switch (fixture->tamper)
            {
            case TAMPER_SIGNATURE:
              tamper_signature (message);
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

  gsasl_finish (session);
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
  fixture->tls_unique = g_bytes_new_static (unique_data, sizeof unique_data);
  fixture->tls_exporter = g_bytes_new_static (exporter_data, sizeof exporter_data);
}

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
  const char *expected;             /* the first of these GSASL implements; NULL: none */
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
    "SCRAM-SHA-512-PLUS SCRAM-SHA-256-PLUS", "tls-exporter" },
  /* tls-exporter only where the server lists it (XEP-0440): without the
   * list, TLS 1.3 logs in with plain SCRAM. */
  { ALL_SCRAM " PLAIN", NULL, 0, TRUE, V13, FALSE, TRUE, FALSE, "SCRAM-SHA-512 SCRAM-SHA-256", NULL },
  { ALL_SCRAM " PLAIN", NULL, 0, TRUE, V12, FALSE, TRUE, FALSE, "SCRAM-SHA-512 SCRAM-SHA-256", NULL },
  { ALL_SCRAM " PLAIN", NULL, 0, TRUE, V12, TRUE, FALSE, FALSE,
    "SCRAM-SHA-512-PLUS SCRAM-SHA-256-PLUS", "tls-unique" },
  { ALL_SCRAM " PLAIN", NULL, 0, TRUE, V13, FALSE, FALSE, FALSE, "SCRAM-SHA-512 SCRAM-SHA-256", NULL },
  { ALL_SCRAM " PLAIN", NULL, 0, FALSE, V13, FALSE, TRUE, FALSE, "SCRAM-SHA-512 SCRAM-SHA-256", NULL },
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

/* The first name of @expected that GSASL's client implements. */
static char *
first_supported (Gsasl      *gsasl,
                 const char *expected)
{
  g_auto(GStrv) names = g_strsplit (expected, " ", -1);

  for (guint i = 0; names[i] != NULL; i++)
    if (gsasl_client_support_p (gsasl, names[i]))
      return g_strdup (names[i]);
  g_assert_not_reached ();
  return NULL;
}

static void
test_select (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_test_summary ("The client picks the strongest mechanism the server offers that "
                  "GSASL implements and the transport and credentials allow: -PLUS "
                  "only with binding data of a type fit for the TLS version and listed "
                  "by the server, PLAIN only over TLS, EXTERNAL and ANONYMOUS only on "
                  "request. SCRAM-SHA-512 counts only where GSASL has it.");

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
          g_autofree char *expected = first_supported (fixture->gsasl, c->expected);

          g_assert_no_error (error);
          g_assert_nonnull (auth);
          g_assert_cmpstr (xmpp_element_get_attribute (auth, "mechanism"), ==, expected);
          g_assert_cmpstr (xmpp_sasl_client_get_mechanism (client), ==, expected);
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

/* A mechanism this GSASL does not implement (SCRAM-SHA-512 before GSASL
 * 2.2.1) cannot be exchanged; the test then checks that the client never
 * offers to use it, and returns TRUE. */
static gboolean
check_unsupported (Fixture    *fixture,
                   const char *name)
{
  g_autoptr(XmppSaslClient) client = NULL;
  g_autoptr(XmppElement) auth = NULL;
  g_autoptr(GError) error = NULL;
  const char *offered[] = { name, NULL };

  if (gsasl_client_support_p (fixture->gsasl, name) &&
      gsasl_server_support_p (fixture->gsasl, name))
    return FALSE;

  g_test_message ("GSASL %s does not implement %s: the client must not choose it",
                  gsasl_check_version (NULL), name);
  g_assert_false (gsasl_client_support_p (fixture->gsasl, name));
  client = new_client (TRUE);
  auth = xmpp_sasl_client_start (client, offered, NULL, &error);
  g_assert_null (auth);
  g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_NO_MECHANISM);
  return TRUE;
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

  if (check_unsupported (fixture, c->name))
    return;

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

  if (check_unsupported (fixture, c->name))
    return;

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
  const char *offered[] = { "SCRAM-SHA-1-PLUS", "SCRAM-SHA-1", NULL };

  g_test_summary ("A man in the middle terminates TLS on both sides, so the two "
                  "ends see different tls-unique data: the server refuses the "
                  "SCRAM-SHA-1-PLUS proof.");

  xmpp_sasl_client_set_channel_binding (client, V12, unique, NULL);
  fixture->tls_unique = g_bytes_new_static (other, sizeof other);
  g_assert_cmpint (run_exchange (fixture, client, offered, NULL, &error), ==, XMPP_SASL_STATUS_FAILED);
  g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_NOT_AUTHORIZED);
  g_assert_cmpstr (xmpp_sasl_client_get_mechanism (client), ==, "SCRAM-SHA-1-PLUS");
}

static void
test_authzid (Fixture       *fixture,
              gconstpointer  user_data)
{
  const char *offered[] = { "SCRAM-SHA-256", NULL };
  g_autoptr(XmppSaslClient) client = NULL;
  g_autoptr(GError) error = NULL;

  client = xmpp_sasl_client_new (USER, PASSWORD, "admin@" DOMAIN, "xmpp", DOMAIN, TRUE);
  g_assert_cmpint (run_exchange (fixture, client, offered, NULL, &error), ==, XMPP_SASL_STATUS_SUCCESS);
  g_assert_no_error (error);
  g_assert_cmpstr (fixture->authzid, ==, "admin@" DOMAIN);
  g_assert_true (g_str_has_prefix (fixture->client_first, "n,a=admin@" DOMAIN ",n=" USER ","));
}

static void
test_external (Fixture       *fixture,
               gconstpointer  user_data)
{
  const char *offered[] = { "SCRAM-SHA-256", "EXTERNAL", NULL };
  g_autoptr(XmppSaslClient) client = NULL;
  g_autoptr(GError) error = NULL;

  client = xmpp_sasl_client_new (NULL, NULL, NULL, "xmpp", DOMAIN, TRUE);
  xmpp_sasl_client_set_allowed_mechanisms (client, XMPP_SASL_MECHANISM_EXTERNAL);
  g_assert_cmpint (run_exchange (fixture, client, offered, NULL, &error), ==, XMPP_SASL_STATUS_SUCCESS);
  g_assert_no_error (error);
  g_assert_cmpstr (xmpp_sasl_client_get_mechanism (client), ==, "EXTERNAL");
  g_assert_cmpstr (fixture->client_first, ==, "");
}

static void
test_anonymous (Fixture       *fixture,
                gconstpointer  user_data)
{
  const char *offered[] = { "ANONYMOUS", "PLAIN", NULL };
  g_autoptr(XmppSaslClient) client = NULL;
  g_autoptr(GError) error = NULL;

  client = xmpp_sasl_client_new (NULL, NULL, NULL, "xmpp", DOMAIN, FALSE);
  xmpp_sasl_client_set_allowed_mechanisms (client, XMPP_SASL_MECHANISM_ANONYMOUS);
  g_assert_cmpint (run_exchange (fixture, client, offered, NULL, &error), ==, XMPP_SASL_STATUS_SUCCESS);
  g_assert_no_error (error);
  g_assert_cmpstr (xmpp_sasl_client_get_mechanism (client), ==, "ANONYMOUS");
  g_assert_cmpstr (fixture->client_first, ==, "anonymous");
}

/* The server's proof */

static void
test_signature_tampered (Fixture       *fixture,
                         gconstpointer  user_data)
{
  const char *offered[] = { "SCRAM-SHA-1", "SCRAM-SHA-256", NULL };
  g_autoptr(XmppSaslClient) client = new_client (TRUE);
  g_autoptr(GError) error = NULL;

  g_test_summary ("One flipped bit in the server signature of the server-final "
                  "message sent with <success/> fails the exchange with "
                  "XMPP_SASL_ERROR_SERVER_SIGNATURE, although the server said success.");

  fixture->tamper = TAMPER_SIGNATURE;
  g_assert_cmpint (run_exchange (fixture, client, offered, NULL, &error), ==, XMPP_SASL_STATUS_FAILED);
  g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_SERVER_SIGNATURE);
  g_assert_cmpint (fixture->server_rc, ==, GSASL_OK);
}

static void
test_signature_missing (Fixture       *fixture,
                        gconstpointer  user_data)
{
  const char *offered[] = { "SCRAM-SHA-256", NULL };
  g_autoptr(XmppSaslClient) client = new_client (TRUE);
  g_autoptr(GError) error = NULL;

  g_test_summary ("A bare <success/> that arrives instead of SCRAM's server-final "
                  "message proves nothing about the server, and is refused with "
                  "XMPP_SASL_ERROR_SERVER_SIGNATURE.");

  fixture->tamper = TAMPER_NO_FINAL;
  g_assert_cmpint (run_exchange (fixture, client, offered, NULL, &error), ==, XMPP_SASL_STATUS_FAILED);
  g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_SERVER_SIGNATURE);
}

static void
test_final_in_challenge (Fixture       *fixture,
                         gconstpointer  user_data)
{
  const char *offered[] = { "SCRAM-SHA-256", NULL };
  g_autoptr(XmppSaslClient) client = new_client (TRUE);
  g_autoptr(GError) error = NULL;

  g_test_summary ("The server-final message may also come in a last <challenge/>, "
                  "answered with an empty <response/>, before a bare <success/>.");

  fixture->tamper = TAMPER_FINAL_IN_CHALLENGE;
  g_assert_cmpint (run_exchange (fixture, client, offered, NULL, &error), ==, XMPP_SASL_STATUS_SUCCESS);
  g_assert_no_error (error);
}

static void
test_nonce (Fixture       *fixture,
            gconstpointer  user_data)
{
  const char *offered[] = { "SCRAM-SHA-1", NULL };
  g_autoptr(XmppSaslClient) client = new_client (TRUE);
  g_autoptr(GError) error = NULL;

  g_test_summary ("A server-first message whose nonce does not start with the "
                  "client's nonce (RFC 5802 §5.1) is refused by GSASL, which the "
                  "client reports as XMPP_SASL_ERROR_PROTOCOL.");

  fixture->tamper = TAMPER_NONCE;
  g_assert_cmpint (run_exchange (fixture, client, offered, NULL, &error), ==, XMPP_SASL_STATUS_FAILED);
  g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_PROTOCOL);
}

static void
test_iterations_minimum (Fixture       *fixture,
                         gconstpointer  user_data)
{
  const char *offered[] = { "SCRAM-SHA-256", NULL };
  g_autofree char *below = g_strdup_printf ("%u", XMPP_SASL_SCRAM_MIN_ITERATIONS - 1);
  g_autofree char *minimum = g_strdup_printf ("%u", XMPP_SASL_SCRAM_MIN_ITERATIONS);
  const char *counts[] = { "1", below };

  g_test_summary ("A server that hashes with fewer than "
                  "XMPP_SASL_SCRAM_MIN_ITERATIONS (4096, RFC 5802's recommendation) "
                  "SCRAM iterations is refused with XMPP_SASL_ERROR_MECHANISM_TOO_WEAK; "
                  "exactly the minimum is accepted.");

  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      g_autoptr(XmppSaslClient) client = new_client (TRUE);
      g_autoptr(GError) error = NULL;

      fixture->iterations = counts[i];
      g_assert_cmpint (run_exchange (fixture, client, offered, NULL, &error), ==, XMPP_SASL_STATUS_FAILED);
      g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_MECHANISM_TOO_WEAK);
    }

  {
    g_autoptr(XmppSaslClient) client = new_client (TRUE);
    g_autoptr(GError) error = NULL;

    fixture->iterations = minimum;
    g_assert_cmpint (run_exchange (fixture, client, offered, NULL, &error), ==, XMPP_SASL_STATUS_SUCCESS);
    g_assert_no_error (error);
  }
}

static void
test_iterations_maximum (Fixture       *fixture,
                         gconstpointer  user_data)
{
  const char *offered[] = { "SCRAM-SHA-1", NULL };
  g_autofree char *above = g_strdup_printf ("%u", XMPP_SASL_SCRAM_MAX_ITERATIONS + 1);
  const char *counts[] = { above, "99999999999999999999999", "12x", "" };

  g_test_summary ("An iteration count above XMPP_SASL_SCRAM_MAX_ITERATIONS, which "
                  "would keep the caller's thread hashing, or a malformed one, is "
                  "refused with XMPP_SASL_ERROR_PROTOCOL before any hashing.");

  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      g_autoptr(XmppSaslClient) client = new_client (TRUE);
      g_autoptr(GError) error = NULL;
      gint64 start = g_get_monotonic_time ();

      fixture->tamper = TAMPER_ITERATIONS;
      fixture->tamper_iterations = counts[i];
      g_assert_cmpint (run_exchange (fixture, client, offered, NULL, &error), ==, XMPP_SASL_STATUS_FAILED);
      g_assert_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_PROTOCOL);
      /* Refused up front: far less than the hashing would take. */
      g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
    }
}

/* Channel binding flags */

static void
test_gs2_flag (Fixture       *fixture,
               gconstpointer  user_data)
{
  const char *stripped[] = { "SCRAM-SHA-1", NULL };
  const char *offered[] = { "SCRAM-SHA-1-PLUS", "SCRAM-SHA-1", NULL };

  g_test_summary ("Without a -PLUS mechanism in use, the client sends the GS2 flag "
                  "'n', whether or not it has binding data: GSASL 2.2 cannot send "
                  "'y' (see /sasl/gsasl/y-flag). So a server that supports channel "
                  "binding, and whose -PLUS offer was removed on the way, does not "
                  "notice the downgrade.");

  give_server_bindings (fixture);

  /* Binding data, but the server offers no -PLUS. */
  {
    g_autoptr(XmppSaslClient) client = new_client (TRUE);
    g_autoptr(GError) error = NULL;

    set_both_bindings (client, V13);
    g_assert_cmpint (run_exchange (fixture, client, stripped, NULL, &error), ==, XMPP_SASL_STATUS_SUCCESS);
    g_assert_no_error (error);
    g_assert_true (g_str_has_prefix (fixture->client_first, "n,,"));
  }

  /* -PLUS offered, but no binding data. */
  {
    g_autoptr(XmppSaslClient) client = new_client (TRUE);
    g_autoptr(GError) error = NULL;

    g_assert_cmpint (run_exchange (fixture, client, offered, NULL, &error), ==, XMPP_SASL_STATUS_SUCCESS);
    g_assert_no_error (error);
    g_assert_cmpstr (xmpp_sasl_client_get_mechanism (client), ==, "SCRAM-SHA-1");
    g_assert_true (g_str_has_prefix (fixture->client_first, "n,,"));
  }

  /* -PLUS offered and binding data, but the caller wants plain SCRAM. */
  {
    g_autoptr(XmppSaslClient) client = new_client (TRUE);
    g_autoptr(GError) error = NULL;

    set_both_bindings (client, V13);
    xmpp_sasl_client_set_allowed_mechanisms (client, XMPP_SASL_MECHANISM_SCRAM_SHA_1);
    g_assert_cmpint (run_exchange (fixture, client, offered, NULL, &error), ==, XMPP_SASL_STATUS_SUCCESS);
    g_assert_no_error (error);
    g_assert_true (g_str_has_prefix (fixture->client_first, "n,,"));
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

  g_test_summary ("Checks what xmpp-sasl.c relies on: GSASL's SCRAM client, given "
                  "binding data in a non-PLUS session, fails instead of sending the "
                  "GS2 flag 'y', so the client never gives it binding data there. "
                  "A GSASL that sends 'y' fails this test, to say the client could "
                  "then use it for downgrade protection.");

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
  const char *exporter_only[] = { "tls-exporter", NULL };
  const char *end_point_only[] = { "tls-server-end-point", NULL };

  g_test_summary ("Over TLS 1.2 the client would pick tls-unique, but takes "
                  "tls-exporter when that is the only type the server lists; with "
                  "no type in common it uses SCRAM without -PLUS.");

  give_server_bindings (fixture);

  {
    g_autoptr(XmppSaslClient) client = new_client (TRUE);
    g_autoptr(GError) error = NULL;

    set_both_bindings (client, V12);
    g_assert_cmpint (run_exchange (fixture, client, offered, exporter_only, &error), ==,
                     XMPP_SASL_STATUS_SUCCESS);
    g_assert_no_error (error);
    g_assert_cmpstr (xmpp_sasl_client_get_channel_binding (client), ==, "tls-exporter");
    g_assert_true (g_str_has_prefix (fixture->client_first, "p=tls-exporter,,"));
  }

  {
    g_autoptr(XmppSaslClient) client = new_client (TRUE);
    g_autoptr(GError) error = NULL;

    set_both_bindings (client, V12);
    g_assert_cmpint (run_exchange (fixture, client, offered, end_point_only, &error), ==,
                     XMPP_SASL_STATUS_SUCCESS);
    g_assert_no_error (error);
    g_assert_cmpstr (xmpp_sasl_client_get_mechanism (client), ==, "SCRAM-SHA-256");
    g_assert_null (xmpp_sasl_client_get_channel_binding (client));
    g_assert_true (g_str_has_prefix (fixture->client_first, "n,,"));
  }
}

/* Hostile input */

/* A client that has sent <auth mechanism='SCRAM-SHA-1'/>. */
static XmppSaslClient *
new_started_client (const char *mechanism)
{
  const char *offered[] = { mechanism, NULL };
  XmppSaslClient *client = new_client (TRUE);
  g_autoptr(XmppElement) auth = NULL;
  g_autoptr(GError) error = NULL;

  auth = xmpp_sasl_client_start (client, offered, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (auth);
  return client;
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
    g_autoptr(GError) error = NULL;

    g_assert_cmpint (run_exchange (fixture, client, offered, NULL, &error), ==, XMPP_SASL_STATUS_SUCCESS);
    g_assert_no_error (error);
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

  ADD_FIXTURE_TEST ("/sasl/exchange/plus-mismatch", NULL, test_plus_mismatch);
  ADD_FIXTURE_TEST ("/sasl/exchange/authzid", NULL, test_authzid);
  ADD_FIXTURE_TEST ("/sasl/exchange/external", NULL, test_external);
  ADD_FIXTURE_TEST ("/sasl/exchange/anonymous", NULL, test_anonymous);
  ADD_FIXTURE_TEST ("/sasl/scram/signature/tampered", NULL, test_signature_tampered);
  ADD_FIXTURE_TEST ("/sasl/scram/signature/missing", NULL, test_signature_missing);
  ADD_FIXTURE_TEST ("/sasl/scram/final-in-challenge", NULL, test_final_in_challenge);
  ADD_FIXTURE_TEST ("/sasl/scram/nonce", NULL, test_nonce);
  ADD_FIXTURE_TEST ("/sasl/scram/iterations/minimum", NULL, test_iterations_minimum);
  ADD_FIXTURE_TEST ("/sasl/scram/iterations/maximum", NULL, test_iterations_maximum);
  ADD_FIXTURE_TEST ("/sasl/channel-binding/gs2-flag", NULL, test_gs2_flag);
  ADD_FIXTURE_TEST ("/sasl/channel-binding/xep-0440", NULL, test_xep0440);
  g_test_add_func ("/sasl/gsasl/y-flag", test_gsasl_y_flag);
  g_test_add_func ("/sasl/limits/base64", test_base64);
  g_test_add_func ("/sasl/limits/size", test_oversized);
  ADD_FIXTURE_TEST ("/sasl/limits/rounds", NULL, test_rounds);
  ADD_FIXTURE_TEST ("/sasl/unexpected", NULL, test_unexpected);

  return g_test_run ();
}
