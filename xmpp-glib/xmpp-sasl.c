/* xmpp-sasl.c: the SASL error domain, and the SASL client of a connection
 * (RFC 6120 §6): SCRAM on xmpp-sasl-scram.c, PLAIN, EXTERNAL and
 * ANONYMOUS on GNU SASL
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "xmpp-sasl-private.h"

#include <gsasl.h>
#include <string.h>

#include "xmpp-sasl-scram-private.h"

/* The client drives the mechanism one step per element: the initial
 * response goes into <auth/>, each <challenge/> is one step whose output
 * becomes the <response/>, and the additional data of <success/> is a
 * last step. A step reports when the mechanism has completed on the
 * client's side; for SCRAM that is the step which checked the
 * server-final message, and it only completes when the server's
 * signature matches. A <success/> while the mechanism still expects input
 * therefore means the server never proved it knows the password, and is
 * refused.
 *
 * SCRAM runs on xmpp-sasl-scram.c, whatever the hash, rather than on
 * GSASL's SCRAM: GSASL 2.2 has no SCRAM-SHA-512, cannot send the GS2 flag
 * "y" and hashes the password 2.5 to 3.6 times slower. PLAIN, EXTERNAL and
 * ANONYMOUS run on GSASL.
 *
 * Channel binding and the GS2 flag. A -PLUS mechanism is used only when
 * the connection gave binding data of a type the TLS version allows (and
 * the server lists, when it sends XEP-0440 <sasl-channel-binding/>); the
 * client then sends "p=tls-exporter" or "p=tls-unique". Without -PLUS it
 * sends "y" (client supports binding, but the server did not offer -PLUS)
 * when it has usable binding data and the server offered no -PLUS
 * mechanism at all, as RFC 5802 §6 requires, so that a server which does
 * support channel binding can tell that somebody removed the -PLUS
 * mechanisms from its offer; otherwise "n".
 *
 * Secrets. The password is kept in one buffer that is wiped when the
 * client is freed. GSASL copies it into its session properties, where it
 * is wiped in place before the session is finished; GSASL's own temporary
 * buffers are beyond reach. xmpp-sasl-scram.c wipes its own copies and
 * keys (see there). The <auth/> element of PLAIN carries the password in
 * base64: the caller should drop it as soon as it is written. */

/**
 * xmpp_sasl_error_quark:
 *
 * Gives the quark of the %XMPP_SASL_ERROR domain.
 *
 * Returns: the error domain
 */
G_DEFINE_QUARK (xmpp-sasl-error-quark, xmpp_sasl_error)

/* Indexed by XmppSaslError, up to the last condition with a name. */
static const char *const sasl_conditions[] = {
  "aborted", "account-disabled", "credentials-expired", "encryption-required",
  "incorrect-encoding", "invalid-authzid", "invalid-mechanism",
  "malformed-request", "mechanism-too-weak", "not-authorized",
  "temporary-auth-failure",
};
G_STATIC_ASSERT (G_N_ELEMENTS (sasl_conditions) == XMPP_SASL_ERROR_TEMPORARY_AUTH_FAILURE + 1);

/**
 * xmpp_sasl_condition_to_string:
 * @error: a SASL error code
 *
 * Gives the element name of a SASL failure condition, as it appears inside
 * `<failure/>`.
 *
 * Returns: (nullable): the condition name, such as `"not-authorized"`, or
 *   %NULL for the codes the library reports on its own
 *   (%XMPP_SASL_ERROR_NO_MECHANISM and those after it), which have none
 */
const char *
xmpp_sasl_condition_to_string (XmppSaslError error)
{
  if ((guint) error >= G_N_ELEMENTS (sasl_conditions))
    return NULL;
  return sasl_conditions[error];
}

/**
 * xmpp_sasl_condition_from_string:
 * @condition: (nullable): the name of the condition element of a
 *   `<failure/>`
 *
 * Looks up a SASL failure condition by its element name.
 *
 * Returns: the condition, or %XMPP_SASL_ERROR_UNDEFINED for a name RFC 6120
 *   does not define
 */
XmppSaslError
xmpp_sasl_condition_from_string (const char *condition)
{
  if (condition == NULL)
    return XMPP_SASL_ERROR_UNDEFINED;
  for (guint i = 0; i < G_N_ELEMENTS (sasl_conditions); i++)
    if (strcmp (sasl_conditions[i], condition) == 0)
      return (XmppSaslError) i;
  return XMPP_SASL_ERROR_UNDEFINED;
}

/* The client */

typedef struct
{
  const char *name;
  XmppSaslMechanism flag;
  guint scram : 1;              /* runs on xmpp-sasl-scram.c, with @hash */
  guint plus : 1;
  guint needs_password : 1;
  guint needs_tls : 1;
  XmppScramHash hash;
} MechanismInfo;

#define SCRAM(name, flag, plus, hash) { name, flag, TRUE, plus, TRUE, FALSE, hash }

/* In order of preference. */
static const MechanismInfo mechanism_infos[] = {
  { "EXTERNAL", XMPP_SASL_MECHANISM_EXTERNAL, FALSE, FALSE, FALSE, FALSE, 0 },
  SCRAM ("SCRAM-SHA-512-PLUS", XMPP_SASL_MECHANISM_SCRAM_SHA_512_PLUS, TRUE, XMPP_SCRAM_SHA_512),
  SCRAM ("SCRAM-SHA-256-PLUS", XMPP_SASL_MECHANISM_SCRAM_SHA_256_PLUS, TRUE, XMPP_SCRAM_SHA_256),
  SCRAM ("SCRAM-SHA-1-PLUS", XMPP_SASL_MECHANISM_SCRAM_SHA_1_PLUS, TRUE, XMPP_SCRAM_SHA_1),
  SCRAM ("SCRAM-SHA-512", XMPP_SASL_MECHANISM_SCRAM_SHA_512, FALSE, XMPP_SCRAM_SHA_512),
  SCRAM ("SCRAM-SHA-256", XMPP_SASL_MECHANISM_SCRAM_SHA_256, FALSE, XMPP_SCRAM_SHA_256),
  SCRAM ("SCRAM-SHA-1", XMPP_SASL_MECHANISM_SCRAM_SHA_1, FALSE, XMPP_SCRAM_SHA_1),
  { "PLAIN", XMPP_SASL_MECHANISM_PLAIN, FALSE, FALSE, TRUE, TRUE, 0 },
  { "ANONYMOUS", XMPP_SASL_MECHANISM_ANONYMOUS, FALSE, FALSE, FALSE, FALSE, 0 },
};

#undef SCRAM

typedef enum {
  CLIENT_NEW,
  CLIENT_RUNNING,
  CLIENT_SUCCEEDED,
  CLIENT_FAILED,
} ClientState;

struct _XmppSaslClient
{
  char *authcid;
  char *password;
  char *authzid;
  char *service;
  char *hostname;
  gboolean tls_protected;
  XmppSaslMechanism allowed;

  GTlsProtocolVersion tls_version;
  GBytes *tls_unique;
  GBytes *tls_exporter;

  Gsasl *gsasl;
  Gsasl_session *session;       /* for the mechanisms GSASL runs */
  XmppScram *scram;             /* for SCRAM */
  const MechanismInfo *info;    /* the chosen mechanism */
  const char *binding;          /* static: "tls-unique", "tls-exporter" or NULL */

  ClientState state;
  guint n_challenges;
  gboolean mechanism_done;      /* the last step completed the mechanism */
};

void
xmpp_sasl_wipe (void  *data,
                gsize  len)
{
  if (data != NULL && len > 0)
    explicit_bzero (data, len);
}

static void
wipe_string (char *string)
{
  if (string != NULL)
    xmpp_sasl_wipe (string, strlen (string));
}

void
xmpp_sasl_free_secret (char *string)
{
  wipe_string (string);
  g_free (string);
}

/* Frees the output of run_step(). */
static void
free_output (char  *output,
             gsize  len)
{
  xmpp_sasl_wipe (output, len);
  g_free (output);
}

static gboolean
is_base64_char (char c)
{
  return g_ascii_isalnum (c) || c == '+' || c == '/';
}

GBytes *
xmpp_sasl_base64_decode (const char *text,
                         gsize       len)
{
  gsize padding = 0;
  gsize decoded_len;
  gint state = 0;
  guint save = 0;
  guchar *decoded;

  if (len % 4 != 0)
    return NULL;
  if (len > 0 && text[len - 1] == '=')
    padding = text[len - 2] == '=' ? 2 : 1;
  for (gsize i = 0; i < len - padding; i++)
    if (!is_base64_char (text[i]))
      return NULL;

  /* As g_base64_decode_step() asks, although strict input needs less. */
  decoded = g_malloc (len / 4 * 3 + 3);
  decoded_len = g_base64_decode_step (text, len, decoded, &state, &save);
  return g_bytes_new_take (decoded, decoded_len);
}

/* Wipes the password GSASL copied into the session, then ends it. */
static void
finish_session (XmppSaslClient *self)
{
  g_clear_pointer (&self->scram, xmpp_scram_free);
  if (self->session == NULL)
    return;
  /* GSASL's own heap copy; overwriting it in place before it is freed is
   * the only way to clear it. */
  wipe_string ((char *) gsasl_property_fast (self->session, GSASL_PASSWORD));
  g_clear_pointer (&self->session, gsasl_finish);
}

XmppSaslClient *
xmpp_sasl_client_new (const char *authcid,
                      const char *password,
                      const char *authzid,
                      const char *service,
                      const char *hostname,
                      gboolean    tls_protected)
{
  XmppSaslClient *self;

  g_return_val_if_fail (service != NULL, NULL);
  g_return_val_if_fail (hostname != NULL, NULL);

  self = g_new0 (XmppSaslClient, 1);
  self->authcid = g_strdup (authcid);
  self->password = g_strdup (password);
  self->authzid = g_strdup (authzid);
  self->service = g_strdup (service);
  self->hostname = g_strdup (hostname);
  self->tls_protected = tls_protected;
  self->allowed = XMPP_SASL_MECHANISMS_DEFAULT;
  self->tls_version = G_TLS_PROTOCOL_VERSION_UNKNOWN;
  self->state = CLIENT_NEW;
  return self;
}

void
xmpp_sasl_client_free (XmppSaslClient *self)
{
  if (self == NULL)
    return;

  finish_session (self);
  g_clear_pointer (&self->gsasl, gsasl_done);
  g_clear_pointer (&self->tls_unique, g_bytes_unref);
  g_clear_pointer (&self->tls_exporter, g_bytes_unref);
  g_free (self->authcid);
  xmpp_sasl_free_secret (self->password);
  g_free (self->authzid);
  g_free (self->service);
  g_free (self->hostname);
  g_free (self);
}

void
xmpp_sasl_client_set_allowed_mechanisms (XmppSaslClient    *self,
                                         XmppSaslMechanism  allowed)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (self->state == CLIENT_NEW);

  self->allowed = allowed;
}

static GBytes *
ref_nonempty (GBytes *bytes)
{
  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    return NULL;
  return g_bytes_ref (bytes);
}

void
xmpp_sasl_client_set_channel_binding (XmppSaslClient      *self,
                                      GTlsProtocolVersion  version,
                                      GBytes              *tls_unique,
                                      GBytes              *tls_exporter)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (self->state == CLIENT_NEW);

  self->tls_version = version;
  g_clear_pointer (&self->tls_unique, g_bytes_unref);
  g_clear_pointer (&self->tls_exporter, g_bytes_unref);
  self->tls_unique = ref_nonempty (tls_unique);
  self->tls_exporter = ref_nonempty (tls_exporter);
}

const char *
xmpp_sasl_client_get_mechanism (XmppSaslClient *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->info != NULL ? self->info->name : NULL;
}

const char *
xmpp_sasl_client_get_channel_binding (XmppSaslClient *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->binding;
}

/* Ends the exchange with @failure, which it takes. */
static void
client_fail_with (XmppSaslClient  *self,
                  GError         **error,
                  GError          *failure)
{
  self->state = CLIENT_FAILED;
  finish_session (self);
  g_propagate_error (error, failure);
}

static void client_fail (XmppSaslClient *self,
                         GError        **error,
                         XmppSaslError   code,
                         const char     *format,
                         ...) G_GNUC_PRINTF (4, 5);

/* Sets @error and ends the exchange. */
static void
client_fail (XmppSaslClient *self,
             GError        **error,
             XmppSaslError   code,
             const char     *format,
             ...)
{
  va_list args;
  GError *failure;

  va_start (args, format);
  failure = g_error_new_valist (XMPP_SASL_ERROR, code, format, args);
  va_end (args);

  client_fail_with (self, error, failure);
}

/* Picks the channel binding type: the TLS version decides which types are
 * sound (RFC 9266 forbids tls-unique with TLS 1.3), the connection which
 * it has data for, and the server, when it lists types (XEP-0440), which
 * it supports.
 *
 * tls-exporter is used only when the server lists it. Servers that do not
 * implement XEP-0440 cannot be trusted to mean tls-exporter under TLS 1.3:
 * ejabberd 23.01 offers -PLUS there and computes tls-unique from the
 * Finished message, which RFC 9266 forbids, so a client guessing
 * tls-exporter fails to log in. Without a listed type, TLS 1.3 logs in
 * with plain SCRAM, and TLS 1.2 with tls-unique, the type every -PLUS
 * server of the RFC 5929 era knows. */
static void
choose_channel_binding (XmppSaslClient     *self,
                        const char * const *server_types,
                        const char        **type,
                        GBytes            **data)
{
  struct { const char *type; GBytes *data; } candidates[2] = { { NULL, NULL } };
  guint n = 0;

  *type = NULL;
  *data = NULL;
  if (!self->tls_protected)
    return;

  switch (self->tls_version)
    {
    case G_TLS_PROTOCOL_VERSION_TLS_1_3:
      if (server_types == NULL)
        break;
      candidates[n].type = "tls-exporter";
      candidates[n++].data = self->tls_exporter;
      break;
    case G_TLS_PROTOCOL_VERSION_TLS_1_0:
    case G_TLS_PROTOCOL_VERSION_TLS_1_1:
    case G_TLS_PROTOCOL_VERSION_TLS_1_2:
      candidates[n].type = "tls-unique";
      candidates[n++].data = self->tls_unique;
      if (server_types == NULL)
        break;
      candidates[n].type = "tls-exporter";
      candidates[n++].data = self->tls_exporter;
      break;
    case G_TLS_PROTOCOL_VERSION_UNKNOWN:
    case G_TLS_PROTOCOL_VERSION_SSL_3_0:
    case G_TLS_PROTOCOL_VERSION_DTLS_1_0:
    case G_TLS_PROTOCOL_VERSION_DTLS_1_2:
    default:
      break;
    }

  for (guint i = 0; i < n; i++)
    {
      if (candidates[i].data == NULL)
        continue;
      if (server_types != NULL && !g_strv_contains (server_types, candidates[i].type))
        continue;
      *type = candidates[i].type;
      *data = candidates[i].data;
      return;
    }
}

static const MechanismInfo *
choose_mechanism (XmppSaslClient     *self,
                  const char * const *offered,
                  gboolean            have_binding)
{
  for (guint i = 0; i < G_N_ELEMENTS (mechanism_infos); i++)
    {
      const MechanismInfo *info = &mechanism_infos[i];

      if ((self->allowed & info->flag) == 0)
        continue;
      if (!g_strv_contains (offered, info->name))
        continue;
      if (info->plus && !have_binding)
        continue;
      if (info->needs_tls && !self->tls_protected)
        continue;
      if (info->needs_password && (self->password == NULL || self->authcid == NULL))
        continue;
      if (!info->scram && !gsasl_client_support_p (self->gsasl, info->name))
        continue;
      return info;
    }
  return NULL;
}

static int
property_callback (Gsasl          *gsasl,
                   Gsasl_session  *session,
                   Gsasl_property  property)
{
  XmppSaslClient *self = gsasl_callback_hook_get (gsasl);
  const char *value = NULL;

  switch ((int) property)
    {
    case GSASL_AUTHID:
      value = self->authcid;
      break;
    case GSASL_AUTHZID:
      value = self->authzid;
      break;
    case GSASL_PASSWORD:
      value = self->password;
      break;
    case GSASL_ANONYMOUS_TOKEN:
      /* The trace information of RFC 4505, which may be empty, but some
       * servers (GSASL's among them) refuse an empty one. Generic, so as
       * not to give anything away. */
      value = "anonymous";
      break;
    case GSASL_SERVICE:
      value = self->service;
      break;
    case GSASL_HOSTNAME:
      value = self->hostname;
      break;
    default:
      break;
    }

  if (value == NULL)
    return GSASL_NO_CALLBACK;
  return gsasl_property_set (session, property, value);
}

/* Builds a SASL element carrying @len bytes of @data in base64. Empty data
 * is "=" when @equals_if_empty (initial responses, RFC 6120 §6.4.2) and no
 * text otherwise. */
static XmppElement *
new_data_element (const char *name,
                  const char *data,
                  gsize       len,
                  gboolean    equals_if_empty)
{
  XmppElement *element = xmpp_element_new (name, XMPP_NS_SASL);

  if (len > 0)
    {
      char *encoded = g_base64_encode ((const guchar *) data, len);

      xmpp_element_set_text (element, encoded);
      xmpp_sasl_free_secret (encoded);
    }
  else if (equals_if_empty)
    {
      xmpp_element_set_text (element, "=");
    }
  return element;
}

/* Decodes the base64 text of a <challenge/> or <success/>, strictly: only
 * the RFC 4648 alphabet, with padding; "=" and no text are both empty
 * data. Surrounding whitespace is tolerated. */
static GBytes *
decode_data (XmppSaslClient *self,
             XmppElement    *element,
             GError        **error)
{
  const char *text = xmpp_element_get_text (element);
  const char *name = xmpp_element_get_name (element);
  gsize start = 0, end;
  g_autoptr(GBytes) decoded = NULL;

  if (text == NULL)
    return g_bytes_new (NULL, 0);

  end = strlen (text);
  while (start < end && g_ascii_isspace (text[start]))
    start++;
  while (end > start && g_ascii_isspace (text[end - 1]))
    end--;
  if (end - start == 1 && text[start] == '=')
    return g_bytes_new (NULL, 0);

  /* Refuse a huge text before decoding it; the exact size comes after. */
  if ((end - start) / 4 * 3 <= XMPP_SASL_MAX_CHALLENGE_SIZE + 2)
    {
      decoded = xmpp_sasl_base64_decode (text + start, end - start);
      if (decoded == NULL)
        {
          client_fail (self, error, XMPP_SASL_ERROR_PROTOCOL,
                       _("The server sent invalid base64 data in <%s/>"), name);
          return NULL;
        }
      if (g_bytes_get_size (decoded) <= XMPP_SASL_MAX_CHALLENGE_SIZE)
        return g_steal_pointer (&decoded);
    }

  client_fail (self, error, XMPP_SASL_ERROR_PROTOCOL,
               _("The server sent a <%s/> of more than %u bytes"),
               name, (guint) XMPP_SASL_MAX_CHALLENGE_SIZE);
  return NULL;
}

/* One step of xmpp-sasl-scram.c, whose errors carry their own codes. */
static gboolean
run_scram_step (XmppSaslClient *self,
                const char     *data,
                gsize           len,
                char          **output,
                gsize          *output_len,
                GError        **error)
{
  GError *failure = NULL;

  switch (xmpp_scram_step (self->scram, data, len, output, output_len, &failure))
    {
    case XMPP_SCRAM_DONE:
      self->mechanism_done = TRUE;
      return TRUE;
    case XMPP_SCRAM_CONTINUE:
      return TRUE;
    case XMPP_SCRAM_FAILED:
    default:
      client_fail_with (self, error, failure);
      return FALSE;
    }
}

/* Runs one mechanism step on @input (NULL for the initial response),
 * storing the output in @output (NULL when empty; free it with
 * free_output()). */
static gboolean
run_step (XmppSaslClient *self,
          GBytes         *input,
          char          **output,
          gsize          *output_len,
          GError        **error)
{
  const char *data = NULL;
  gsize len = 0;
  char *gsasl_output = NULL;
  size_t out_len = 0;
  int rc;

  if (input != NULL)
    data = g_bytes_get_data (input, &len);

  *output = NULL;
  *output_len = 0;
  if (self->scram != NULL)
    return run_scram_step (self, data, len, output, output_len, error);

  rc = gsasl_step (self->session, data, len, &gsasl_output, &out_len);
  if (rc == GSASL_OK || rc == GSASL_NEEDS_MORE)
    {
      self->mechanism_done = rc == GSASL_OK;
      *output = g_memdup2 (gsasl_output, out_len);
      *output_len = out_len;
    }
  else if (input == NULL)
    {
      client_fail (self, error, XMPP_SASL_ERROR_UNDEFINED,
                   _("Could not start %s authentication: %s"),
                   self->info->name, gsasl_strerror (rc));
    }
  else
    {
      client_fail (self, error, XMPP_SASL_ERROR_PROTOCOL,
                   _("The server sent an invalid %s challenge: %s"),
                   self->info->name, gsasl_strerror (rc));
    }

  if (gsasl_output != NULL)
    {
      xmpp_sasl_wipe (gsasl_output, out_len);
      gsasl_free (gsasl_output);
    }
  return rc == GSASL_OK || rc == GSASL_NEEDS_MORE;
}

/* Checks that @self may take an element from the server now. */
static gboolean
check_running (XmppSaslClient *self,
               XmppElement    *element,
               GError        **error)
{
  if (self->state == CLIENT_RUNNING)
    return TRUE;

  client_fail (self, error, XMPP_SASL_ERROR_PROTOCOL,
               _("The server sent <%s/> after the authentication exchange had ended"),
               xmpp_element_get_name (element));
  return FALSE;
}

/* Starts a GSASL session for the chosen mechanism. */
static gboolean
start_gsasl_session (XmppSaslClient  *self,
                     GError         **error)
{
  int rc = gsasl_client_start (self->gsasl, self->info->name, &self->session);

  if (rc == GSASL_OK)
    return TRUE;
  self->session = NULL;
  client_fail (self, error, XMPP_SASL_ERROR_UNDEFINED,
               _("Could not start %s authentication: %s"),
               self->info->name, gsasl_strerror (rc));
  return FALSE;
}

/* Starts xmpp-sasl-scram.c for the chosen SCRAM mechanism, bound to
 * @binding_data with -PLUS. Without -PLUS it is handed the binding data
 * only when the server offers no -PLUS mechanism at all, so that it sends
 * the GS2 flag "y". */
static gboolean
start_scram (XmppSaslClient     *self,
             const char * const *offered,
             const char         *binding_type,
             GBytes             *binding_data,
             GError            **error)
{
  g_autoptr(GError) failure = NULL;

  if (self->info->plus)
    self->binding = binding_type;
  for (guint i = 0; !self->info->plus && offered[i] != NULL; i++)
    if (g_str_has_suffix (offered[i], "-PLUS"))
      binding_data = NULL;

  self->scram = xmpp_scram_new (self->info->hash, self->authcid, self->password,
                                self->authzid, self->binding, binding_data, &failure);
  if (self->scram != NULL)
    return TRUE;
  client_fail (self, error, XMPP_SASL_ERROR_UNDEFINED,
               _("Could not start %s authentication: %s"),
               self->info->name, failure->message);
  return FALSE;
}

XmppElement *
xmpp_sasl_client_start (XmppSaslClient     *self,
                        const char * const *mechanisms,
                        const char * const *channel_bindings,
                        GError            **error)
{
  static const char *const none[] = { NULL };
  const char *binding_type;
  GBytes *binding_data;
  g_autofree char *offered = NULL;
  char *output = NULL;
  gsize output_len = 0;
  XmppElement *auth;
  gboolean started;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (self->state == CLIENT_NEW, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (mechanisms == NULL)
    mechanisms = none;

  rc = gsasl_init (&self->gsasl);
  if (rc != GSASL_OK)
    {
      self->gsasl = NULL;
      client_fail (self, error, XMPP_SASL_ERROR_UNDEFINED,
                   _("Could not initialise the SASL library: %s"),
                   gsasl_strerror (rc));
      return NULL;
    }
  gsasl_callback_hook_set (self->gsasl, self);
  gsasl_callback_set (self->gsasl, property_callback);

  choose_channel_binding (self, channel_bindings, &binding_type, &binding_data);
  self->info = choose_mechanism (self, mechanisms, binding_data != NULL);
  if (self->info == NULL)
    {
      offered = g_strjoinv (" ", (char **) mechanisms);
      client_fail (self, error, XMPP_SASL_ERROR_NO_MECHANISM,
                   _("The server offers no usable authentication mechanism (it offers: %s)"),
                   *offered != '\0' ? offered : _("none"));
      return NULL;
    }

  if (self->info->scram)
    started = start_scram (self, mechanisms, binding_type, binding_data, error);
  else
    started = start_gsasl_session (self, error);
  if (!started || !run_step (self, NULL, &output, &output_len, error))
    return NULL;
  self->state = CLIENT_RUNNING;

  /* Every mechanism used here sends an initial response, even if empty. */
  auth = new_data_element ("auth", output, output_len, TRUE);
  xmpp_element_set_attribute (auth, "mechanism", self->info->name);
  free_output (output, output_len);
  return auth;
}

/* Answers a <challenge/> with a <response/>; check_running() has passed. */
static XmppElement *
client_step (XmppSaslClient *self,
             XmppElement    *challenge,
             GError        **error)
{
  g_autoptr(GBytes) input = NULL;
  char *output = NULL;
  gsize output_len = 0;
  XmppElement *response;

  if (++self->n_challenges > XMPP_SASL_MAX_CHALLENGES)
    {
      client_fail (self, error, XMPP_SASL_ERROR_PROTOCOL,
                   _("The server sent more than %u SASL challenges"),
                   (guint) XMPP_SASL_MAX_CHALLENGES);
      return NULL;
    }

  input = decode_data (self, challenge, error);
  if (input == NULL)
    return NULL;

  if (self->mechanism_done)
    {
      client_fail (self, error, XMPP_SASL_ERROR_PROTOCOL,
                   _("The server sent a challenge after the %s exchange had completed"),
                   self->info->name);
      return NULL;
    }

  if (!run_step (self, input, &output, &output_len, error))
    return NULL;

  response = new_data_element ("response", output, output_len, FALSE);
  free_output (output, output_len);
  return response;
}

/* Takes the server's <success/>, checking its additional data: TRUE only
 * when the mechanism has completed, which for SCRAM means the server's
 * signature verified; check_running() has passed. */
static gboolean
client_succeed (XmppSaslClient *self,
                XmppElement    *success,
                GError        **error)
{
  g_autoptr(GBytes) input = NULL;

  input = decode_data (self, success, error);
  if (input == NULL)
    return FALSE;

  /* Additional data with success (RFC 6120 §6.4.6) is one more step. */
  if (g_bytes_get_size (input) > 0)
    {
      char *output = NULL;
      gsize output_len = 0;

      if (self->mechanism_done)
        {
          client_fail (self, error, XMPP_SASL_ERROR_PROTOCOL,
                       _("The server sent unexpected data with its %s success"),
                       self->info->name);
          return FALSE;
        }
      if (!run_step (self, input, &output, &output_len, error))
        return FALSE;
      free_output (output, output_len);
    }

  if (!self->mechanism_done)
    {
      client_fail (self, error, XMPP_SASL_ERROR_SERVER_SIGNATURE,
                   _("The server reported success before completing the %s exchange, "
                     "so it has not proved that it knows the password"),
                   self->info->name);
      return FALSE;
    }

  self->state = CLIENT_SUCCEEDED;
  finish_session (self);
  return TRUE;
}

/* The condition of a <failure/> is its first child in the SASL namespace
 * other than <text/>. */
GError *
xmpp_sasl_failure_to_error (XmppElement *failure)
{
  const char *condition = NULL;
  const char *text;
  XmppSaslError code;

  g_return_val_if_fail (failure != NULL, NULL);

  for (XmppElement *child = xmpp_element_get_first_child (failure);
       child != NULL;
       child = xmpp_element_get_next_sibling (child))
    {
      if (xmpp_element_is (child, "text", XMPP_NS_SASL) ||
          g_strcmp0 (xmpp_element_get_namespace (child), XMPP_NS_SASL) != 0)
        continue;
      condition = xmpp_element_get_name (child);
      break;
    }

  code = xmpp_sasl_condition_from_string (condition);
  text = xmpp_element_get_child_text (failure, "text", XMPP_NS_SASL);
  if (text != NULL && *text == '\0')
    text = NULL;

  if (condition != NULL && text != NULL)
    return g_error_new (XMPP_SASL_ERROR, code,
                        _("The server refused authentication (%s): %s"),
                        condition, text);
  if (condition != NULL)
    return g_error_new (XMPP_SASL_ERROR, code,
                        _("The server refused authentication (%s)"), condition);
  if (text != NULL)
    return g_error_new (XMPP_SASL_ERROR, code,
                        _("The server refused authentication: %s"), text);
  return g_error_new_literal (XMPP_SASL_ERROR, code,
                              _("The server refused authentication"));
}

XmppSaslStatus
xmpp_sasl_client_receive (XmppSaslClient *self,
                          XmppElement    *element,
                          XmppElement   **reply,
                          GError        **error)
{
  g_return_val_if_fail (self != NULL, XMPP_SASL_STATUS_FAILED);
  g_return_val_if_fail (self->state != CLIENT_NEW, XMPP_SASL_STATUS_FAILED);
  g_return_val_if_fail (element != NULL, XMPP_SASL_STATUS_FAILED);
  g_return_val_if_fail (reply != NULL, XMPP_SASL_STATUS_FAILED);
  g_return_val_if_fail (error == NULL || *error == NULL, XMPP_SASL_STATUS_FAILED);

  *reply = NULL;

  if (!check_running (self, element, error))
    return XMPP_SASL_STATUS_FAILED;

  if (xmpp_element_is (element, "challenge", XMPP_NS_SASL))
    {
      *reply = client_step (self, element, error);
      return *reply != NULL ? XMPP_SASL_STATUS_CONTINUE : XMPP_SASL_STATUS_FAILED;
    }

  if (xmpp_element_is (element, "success", XMPP_NS_SASL))
    return client_succeed (self, element, error)
             ? XMPP_SASL_STATUS_SUCCESS : XMPP_SASL_STATUS_FAILED;

  if (xmpp_element_is (element, "failure", XMPP_NS_SASL))
    client_fail_with (self, error, xmpp_sasl_failure_to_error (element));
  else
    client_fail (self, error, XMPP_SASL_ERROR_PROTOCOL,
                 _("The server sent <%s/> during authentication"),
                 xmpp_element_get_name (element));
  return XMPP_SASL_STATUS_FAILED;
}

XmppElement *
xmpp_sasl_client_abort (XmppSaslClient *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  self->state = CLIENT_FAILED;
  finish_session (self);
  return xmpp_element_new ("abort", XMPP_NS_SASL);
}

static char **
collect_texts (XmppElement *parent,
               const char  *name,
               const char  *ns,
               const char  *attribute)
{
  GPtrArray *values = g_ptr_array_new ();

  for (XmppElement *child = xmpp_element_get_first_child (parent);
       child != NULL;
       child = xmpp_element_get_next_sibling (child))
    {
      const char *value;
      char *stripped;

      if (!xmpp_element_is (child, name, ns))
        continue;
      value = attribute != NULL ? xmpp_element_get_attribute (child, attribute)
                                : xmpp_element_get_text (child);
      if (value == NULL)
        continue;
      stripped = g_strstrip (g_strdup (value));
      if (*stripped == '\0')
        g_free (stripped);
      else
        g_ptr_array_add (values, stripped);
    }
  g_ptr_array_add (values, NULL);
  return (char **) g_ptr_array_free (values, FALSE);
}

void
xmpp_sasl_parse_features (XmppElement  *features,
                          char       ***mechanisms,
                          char       ***channel_bindings)
{
  XmppElement *child;

  g_return_if_fail (features != NULL);

  if (mechanisms != NULL)
    {
      child = xmpp_element_get_child (features, "mechanisms", XMPP_NS_SASL);
      *mechanisms = child != NULL
        ? collect_texts (child, "mechanism", XMPP_NS_SASL, NULL) : NULL;
    }
  if (channel_bindings != NULL)
    {
      child = xmpp_element_get_child (features, "sasl-channel-binding", XMPP_NS_SASL_CB);
      *channel_bindings = child != NULL
        ? collect_texts (child, "channel-binding", XMPP_NS_SASL_CB, "type") : NULL;
    }
}

XmppSaslMechanism
xmpp_sasl_mechanism_from_name (const char *name)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (mechanism_infos); i++)
    if (g_ascii_strcasecmp (mechanism_infos[i].name, name) == 0)
      return mechanism_infos[i].flag;
  return 0;
}
