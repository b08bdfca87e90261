/* xmpp-sasl-scram.c: the client side of SCRAM (RFC 5802, RFC 7677) on
 * GnuTLS's crypto API
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "xmpp-sasl-scram-private.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gsasl.h>
#include <string.h>

#include "xmpp-sasl-private.h"

/* Every SCRAM mechanism of xmpp-sasl.c runs here, driven one step per
 * element, rather than on GSASL's SCRAM, which 2.2 has with SHA-1 and
 * SHA-256 only, cannot send the GS2 flag "y" that RFC 5802 §6 requires
 * (see xmpp_scram_new()) and takes 2.5 (SHA-1) to 3.6 (SHA-256) times as
 * long as GnuTLS's PBKDF2 to hash the password. The server's messages are
 * parsed strictly, in the order of RFC 5802 §7 (r=, s=, i=, then
 * extensions), each attribute a letter, '=' and a value. m=, the
 * mandatory extension no SCRAM version defines yet, is refused; other
 * extensions are ignored. The username and the password go through
 * GSASL's SASLprep.
 *
 * Secrets. The prepared password is wiped and freed as soon as the client
 * proof is computed. The salted password and the keys derived from it
 * live in one struct on the stack of compute_proof(), wiped before it
 * returns; the proof is wiped once encoded. What the exchange keeps is the
 * server signature it expects, wiped when freed. */

#define MAX_HASH_LEN 64

typedef struct
{
  gnutls_mac_algorithm_t mac;
  gnutls_digest_algorithm_t digest;
  gsize len;
} HashInfo;

static const HashInfo hash_infos[] = {
  [XMPP_SCRAM_SHA_1] = { GNUTLS_MAC_SHA1, GNUTLS_DIG_SHA1, 20 },
  [XMPP_SCRAM_SHA_256] = { GNUTLS_MAC_SHA256, GNUTLS_DIG_SHA256, 32 },
  [XMPP_SCRAM_SHA_512] = { GNUTLS_MAC_SHA512, GNUTLS_DIG_SHA512, 64 },
};

struct _XmppScram
{
  const HashInfo *hash;
  char *username;              /* prepared and escaped */
  char *password;              /* prepared; NULL once the proof is computed */
  char *gs2_header;            /* such as "n,,", "y,a=admin,", "p=tls-exporter,," */
  GBytes *cb_data;             /* bound into c= after the header, for "p=" */
  char *nonce;                 /* the client's part */
  char *client_first_bare;
  guint8 server_signature[MAX_HASH_LEN];  /* the one server-final must carry */
  guint n_steps;
};

/* The keys of RFC 5802 §3, all derived from the password. */
typedef struct
{
  guint8 salted_password[MAX_HASH_LEN];
  guint8 client_key[MAX_HASH_LEN];
  guint8 stored_key[MAX_HASH_LEN];
  guint8 client_signature[MAX_HASH_LEN];
  guint8 server_key[MAX_HASH_LEN];
} Keys;

/* The saslname of RFC 5802 §7: ',' and '=' escaped. */
static char *
escape_saslname (const char *name)
{
  GString *escaped = g_string_sized_new (strlen (name));

  for (const char *p = name; *p != '\0'; p++)
    {
      if (*p == ',')
        g_string_append (escaped, "=2C");
      else if (*p == '=')
        g_string_append (escaped, "=3D");
      else
        g_string_append_c (escaped, *p);
    }
  return g_string_free (escaped, FALSE);
}

/* SASLprep with unassigned code points allowed, as RFC 5802 §2.2 asks and
 * GSASL's SCRAM does; NULL when @string has prohibited characters. */
static char *
saslprep (const char *string)
{
  char *prepared = NULL;
  char *copy;

  if (gsasl_saslprep (string, GSASL_ALLOW_UNASSIGNED, &prepared, NULL) != GSASL_OK)
    return NULL;
  copy = g_strdup (prepared);
  xmpp_sasl_wipe (prepared, strlen (prepared));
  gsasl_free (prepared);
  return copy;
}

XmppScram *
xmpp_scram_new (XmppScramHash   hash,
                const char     *username,
                const char     *password,
                const char     *authzid,
                const char     *cb_type,
                GBytes         *cb_data,
                GError        **error)
{
  g_autoptr(XmppScram) self = NULL;
  g_autofree char *prepared_username = NULL;
  g_autofree char *escaped_authzid = NULL;
  g_autofree char *flag = NULL;

  g_return_val_if_fail ((guint) hash < G_N_ELEMENTS (hash_infos), NULL);
  g_return_val_if_fail (username != NULL, NULL);
  g_return_val_if_fail (password != NULL, NULL);
  g_return_val_if_fail (cb_type == NULL || cb_data != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_new0 (XmppScram, 1);
  self->hash = &hash_infos[hash];
  self->password = saslprep (password);
  prepared_username = saslprep (username);
  if (self->password == NULL || prepared_username == NULL)
    {
      g_set_error_literal (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_UNDEFINED,
                           _("The user name or the password contains characters "
                             "that SCRAM does not allow (SASLprep)"));
      return NULL;
    }
  self->username = escape_saslname (prepared_username);

  if (cb_type != NULL)
    {
      flag = g_strconcat ("p=", cb_type, NULL);
      self->cb_data = g_bytes_ref (cb_data);
    }
  else
    {
      flag = g_strdup (cb_data != NULL ? "y" : "n");
    }
  if (authzid != NULL)
    escaped_authzid = escape_saslname (authzid);
  self->gs2_header = g_strdup_printf ("%s,%s%s,", flag,
                                      authzid != NULL ? "a=" : "",
                                      authzid != NULL ? escaped_authzid : "");
  return g_steal_pointer (&self);
}

void
xmpp_scram_free (XmppScram *self)
{
  if (self == NULL)
    return;

  xmpp_sasl_free_secret (self->password);
  xmpp_sasl_wipe (self->server_signature, sizeof self->server_signature);
  g_clear_pointer (&self->cb_data, g_bytes_unref);
  g_free (self->username);
  g_free (self->gs2_header);
  g_free (self->nonce);
  g_free (self->client_first_bare);
  g_free (self);
}

void
xmpp_scram_set_client_nonce (XmppScram  *self,
                             const char *nonce)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (self->n_steps == 0);

  g_free (self->nonce);
  self->nonce = g_strdup (nonce);
}

/* Checks the value of the i= attribute of a server-first message: digits
 * only, and within XMPP_SASL_SCRAM_MIN_ITERATIONS and
 * XMPP_SASL_SCRAM_MAX_ITERATIONS. */
static gboolean
parse_iterations (const char  *value,
                  guint       *iterations,
                  GError     **error)
{
  guint64 count;

  if (*value == '\0' || strspn (value, "0123456789") != strlen (value))
    {
      g_set_error_literal (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_PROTOCOL,
                           _("The server sent a malformed SCRAM iteration count"));
      return FALSE;
    }
  /* Saturates at G_MAXUINT64, which is above the maximum anyway. */
  count = g_ascii_strtoull (value, NULL, 10);
  if (count < XMPP_SASL_SCRAM_MIN_ITERATIONS)
    {
      g_set_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_MECHANISM_TOO_WEAK,
                   _("The server hashes the password with %" G_GUINT64_FORMAT
                     " SCRAM iterations, fewer than the %u required"),
                   count, (guint) XMPP_SASL_SCRAM_MIN_ITERATIONS);
      return FALSE;
    }
  if (count > XMPP_SASL_SCRAM_MAX_ITERATIONS)
    {
      g_set_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_PROTOCOL,
                   _("The server asks for %" G_GUINT64_FORMAT
                     " SCRAM iterations, more than the %u allowed"),
                   count, (guint) XMPP_SASL_SCRAM_MAX_ITERATIONS);
      return FALSE;
    }
  *iterations = (guint) count;
  return TRUE;
}

/* The value of @attribute when it is "@key=value", else NULL. */
static const char *
attribute_value (const char *attribute,
                 char        key)
{
  if (attribute == NULL || attribute[0] != key || attribute[1] != '=')
    return NULL;
  return attribute + 2;
}

/* The printable characters of RFC 5802 §7, which a nonce is made of. */
static gboolean
is_printable (const char *string)
{
  for (const guchar *p = (const guchar *) string; *p != '\0'; p++)
    if (*p < 0x21 || *p > 0x7e || *p == ',')
      return FALSE;
  return TRUE;
}

/* Checks the syntax of every attribute of a server message: a letter, '='
 * and a value. m=, a mandatory extension, is refused wherever it is. */
static gboolean
check_attributes (char          **attributes,
                  XmppSaslError   code,
                  GError        **error)
{
  for (guint i = 0; attributes[i] != NULL; i++)
    {
      const char *attribute = attributes[i];

      if (!g_ascii_isalpha (attribute[0]) || attribute[1] != '=' || attribute[2] == '\0')
        {
          g_set_error_literal (error, XMPP_SASL_ERROR, code,
                               _("The server sent a malformed SCRAM attribute"));
          return FALSE;
        }
      if (attribute[0] == 'm')
        {
          g_set_error_literal (error, XMPP_SASL_ERROR, code,
                               _("The server requires a SCRAM extension (m=) that "
                                 "the client does not know"));
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
fail_protocol (GError     **error,
               const char  *message)
{
  g_set_error_literal (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_PROTOCOL, message);
  return FALSE;
}

static char *
write_client_first (XmppScram  *self,
                    GError    **error)
{
  if (self->nonce == NULL)
    {
      guint8 random[XMPP_SCRAM_NONCE_BYTES];

      if (gnutls_rnd (GNUTLS_RND_NONCE, random, sizeof random) < 0)
        {
          g_set_error_literal (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_UNDEFINED,
                               _("Could not generate a SCRAM nonce"));
          return NULL;
        }
      self->nonce = g_base64_encode (random, sizeof random);
    }
  self->client_first_bare = g_strdup_printf ("n=%s,r=%s", self->username, self->nonce);
  return g_strconcat (self->gs2_header, self->client_first_bare, NULL);
}

/* Reads the server-first message: "r=nonce,s=salt,i=count[,ext...]". */
static gboolean
parse_server_first (XmppScram   *self,
                    const char  *message,
                    char       **nonce,
                    GBytes     **salt,
                    guint       *iterations,
                    GError     **error)
{
  g_auto(GStrv) attributes = g_strsplit (message, ",", -1);
  const char *r = NULL, *s = NULL, *i = NULL;
  g_autoptr(GBytes) decoded = NULL;

  if (!check_attributes (attributes, XMPP_SASL_ERROR_PROTOCOL, error))
    return FALSE;
  if (g_strv_length (attributes) >= 3)
    {
      r = attribute_value (attributes[0], 'r');
      s = attribute_value (attributes[1], 's');
      i = attribute_value (attributes[2], 'i');
    }
  if (r == NULL || s == NULL || i == NULL)
    return fail_protocol (error, _("The server’s first SCRAM message lacks r=, s= or i="));
  if (!g_str_has_prefix (r, self->nonce) || strlen (r) <= strlen (self->nonce) ||
      !is_printable (r))
    return fail_protocol (error, _("The server’s SCRAM nonce does not extend the client’s"));
  /* check_attributes() made sure that s= is not empty. */
  decoded = xmpp_sasl_base64_decode (s, strlen (s));
  if (decoded == NULL)
    return fail_protocol (error, _("The server sent a SCRAM salt that is not base64"));
  if (!parse_iterations (i, iterations, error))
    return FALSE;

  *salt = g_steal_pointer (&decoded);
  *nonce = g_strdup (r);
  return TRUE;
}

/* Derives the keys from the password and @salt, writes the client proof
 * for @auth_message into @proof and keeps the server signature. */
static gboolean
compute_proof (XmppScram   *self,
               GBytes      *salt,
               guint        iterations,
               const char  *auth_message,
               guint8      *proof,
               GError     **error)
{
  const HashInfo *h = self->hash;
  gsize auth_len = strlen (auth_message);
  gnutls_datum_t password = { (guchar *) self->password, strlen (self->password) };
  gnutls_datum_t salt_datum;
  Keys keys;
  gsize salt_len;
  int rc;

  salt_datum.data = (guchar *) g_bytes_get_data (salt, &salt_len);
  salt_datum.size = salt_len;

  rc = gnutls_pbkdf2 (h->mac, &password, &salt_datum, iterations, keys.salted_password, h->len);
  if (rc >= 0)
    rc = gnutls_hmac_fast (h->mac, keys.salted_password, h->len, "Client Key", 10, keys.client_key);
  if (rc >= 0)
    rc = gnutls_hash_fast (h->digest, keys.client_key, h->len, keys.stored_key);
  if (rc >= 0)
    rc = gnutls_hmac_fast (h->mac, keys.stored_key, h->len, auth_message, auth_len,
                           keys.client_signature);
  if (rc >= 0)
    rc = gnutls_hmac_fast (h->mac, keys.salted_password, h->len, "Server Key", 10, keys.server_key);
  if (rc >= 0)
    rc = gnutls_hmac_fast (h->mac, keys.server_key, h->len, auth_message, auth_len,
                           self->server_signature);
  for (gsize k = 0; rc >= 0 && k < h->len; k++)
    proof[k] = keys.client_key[k] ^ keys.client_signature[k];

  xmpp_sasl_wipe (&keys, sizeof keys);
  g_clear_pointer (&self->password, xmpp_sasl_free_secret);

  if (rc < 0)
    {
      g_set_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_UNDEFINED,
                   _("Could not compute the SCRAM proof: %s"), gnutls_strerror (rc));
      return FALSE;
    }
  return TRUE;
}

/* Answers the server-first message with the client-final message. */
static char *
write_client_final (XmppScram   *self,
                    const char  *server_first,
                    GError     **error)
{
  g_autofree char *nonce = NULL;
  g_autoptr(GBytes) salt = NULL;
  g_autoptr(GString) cbind_input = NULL;
  g_autofree char *cbind = NULL;
  g_autofree char *without_proof = NULL;
  g_autofree char *auth_message = NULL;
  g_autofree char *proof64 = NULL;
  guint8 proof[MAX_HASH_LEN];
  guint iterations = 0;

  if (!parse_server_first (self, server_first, &nonce, &salt, &iterations, error))
    return NULL;

  /* c= is the GS2 header and, with "p=", the binding data. */
  cbind_input = g_string_new (self->gs2_header);
  if (self->cb_data != NULL)
    {
      gsize len;
      const char *data = g_bytes_get_data (self->cb_data, &len);

      g_string_append_len (cbind_input, data, len);
    }
  cbind = g_base64_encode ((const guchar *) cbind_input->str, cbind_input->len);
  without_proof = g_strdup_printf ("c=%s,r=%s", cbind, nonce);
  auth_message = g_strdup_printf ("%s,%s,%s", self->client_first_bare, server_first, without_proof);

  if (!compute_proof (self, salt, iterations, auth_message, proof, error))
    return NULL;
  proof64 = g_base64_encode (proof, self->hash->len);
  xmpp_sasl_wipe (proof, sizeof proof);
  return g_strdup_printf ("%s,p=%s", without_proof, proof64);
}

/* Compares @len bytes in a time that does not depend on where they differ. */
static gboolean
equal_in_constant_time (const guint8 *a,
                        const guint8 *b,
                        gsize         len)
{
  volatile guint8 difference = 0;

  for (gsize i = 0; i < len; i++)
    difference |= a[i] ^ b[i];
  return difference == 0;
}

/* Reads the server-final message: "v=signature[,ext...]" or "e=error". */
static gboolean
verify_server_final (XmppScram   *self,
                     const char  *message,
                     GError     **error)
{
  g_auto(GStrv) attributes = g_strsplit (message, ",", -1);
  const char *server_error = attribute_value (attributes[0], 'e');
  const char *verifier = attribute_value (attributes[0], 'v');
  g_autoptr(GBytes) signature = NULL;

  if (server_error != NULL)
    {
      /* RFC 5802 §7 server-error-value: ASCII without ',' and '='. */
      for (const guchar *p = (const guchar *) server_error; *p != '\0'; p++)
        if (*p < 0x20 || *p > 0x7e || *p == '=')
          return fail_protocol (error, _("The server sent a malformed SCRAM error"));
      g_set_error (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_NOT_AUTHORIZED,
                   _("The server refused SCRAM authentication: %s"), server_error);
      return FALSE;
    }

  if (verifier != NULL && *verifier != '\0')
    signature = xmpp_sasl_base64_decode (verifier, strlen (verifier));
  if (signature == NULL)
    {
      g_set_error_literal (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_SERVER_SIGNATURE,
                           _("The server’s final SCRAM message carries no valid signature"));
      return FALSE;
    }
  if (!check_attributes (attributes + 1, XMPP_SASL_ERROR_SERVER_SIGNATURE, error))
    return FALSE;

  if (g_bytes_get_size (signature) != self->hash->len ||
      !equal_in_constant_time (g_bytes_get_data (signature, NULL), self->server_signature,
                               self->hash->len))
    {
      g_set_error_literal (error, XMPP_SASL_ERROR, XMPP_SASL_ERROR_SERVER_SIGNATURE,
                           _("The server’s SCRAM signature does not match: it has not "
                             "proved that it knows the password"));
      return FALSE;
    }
  return TRUE;
}

XmppScramStatus
xmpp_scram_step (XmppScram   *self,
                 const char  *input,
                 gsize        input_len,
                 char       **output,
                 gsize       *output_len,
                 GError     **error)
{
  g_autofree char *message = NULL;
  char *reply = NULL;

  g_return_val_if_fail (self != NULL, XMPP_SCRAM_FAILED);
  g_return_val_if_fail (input != NULL || input_len == 0, XMPP_SCRAM_FAILED);
  g_return_val_if_fail (output != NULL && output_len != NULL, XMPP_SCRAM_FAILED);
  g_return_val_if_fail (error == NULL || *error == NULL, XMPP_SCRAM_FAILED);

  *output = NULL;
  *output_len = 0;
  if (input_len > 0 && memchr (input, '\0', input_len) != NULL)
    {
      fail_protocol (error, _("The server sent a SCRAM message with a NUL byte"));
      return XMPP_SCRAM_FAILED;
    }
  message = input_len > 0 ? g_strndup (input, input_len) : g_strdup ("");

  switch (self->n_steps++)
    {
    case 0:
      reply = write_client_first (self, error);
      break;
    case 1:
      reply = write_client_final (self, message, error);
      break;
    case 2:
      return verify_server_final (self, message, error) ? XMPP_SCRAM_DONE : XMPP_SCRAM_FAILED;
    default:
      fail_protocol (error, _("The server sent a SCRAM message after the exchange had completed"));
      return XMPP_SCRAM_FAILED;
    }

  if (reply == NULL)
    return XMPP_SCRAM_FAILED;
  *output_len = strlen (reply);
  *output = reply;
  return XMPP_SCRAM_CONTINUE;
}
