/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TLS settings of the REST server's https listeners: Apache's ssl.* keys
 * (listeners.https.*, admin.listeners.https.*, unprefixed fallbacks)
 * resolved and loaded into what libmicrohttpd takes (PEM key, chain,
 * trusted certificates, a GnuTLS priority string).
 */
#ifndef KC_REST_KC_REST_TLS_H
#define KC_REST_KC_REST_TLS_H

#include <kconnect/config.h>

typedef enum kc_tls_client_auth {
    KC_TLS_AUTH_NONE,
    KC_TLS_AUTH_REQUESTED,
    KC_TLS_AUTH_REQUIRED
} kc_tls_client_auth_t;

/* Loaded key material; every string is owned. */
typedef struct kc_rest_tls {
    char *key_pem;    /* the private key, unencrypted PKCS#8 PEM */
    char *cert_pem;   /* the certificate chain, PEM, leaf first */
    char *trust_pem;  /* trusted CA certificates, PEM; NULL: none */
    char *priorities; /* GnuTLS priority string */
    kc_tls_client_auth_t client_auth;
} kc_rest_tls_t;

/**
 * @brief The ssl.* settings an https listener uses, by Apache's
 * all-or-nothing rule: if any key of @p worker starts with @p prefix
 * ("listeners.https." or "admin.listeners.https."), only those (prefix
 * removed); otherwise the unprefixed ssl.* keys. Never mixed.
 * @p used_prefix (optional) gets @p prefix or "" to name keys in messages.
 * @returns a new props the caller destroys.
 */
kc_props_t *kc_rest_tls_settings(const kc_props_t *worker, const char *prefix,
                                 const char **used_prefix);

/**
 * @brief Append to @p result (keys named with @p prefix) the settings in
 * @p ssl kconnect cannot honour, and bad values of ssl.client.auth,
 * ssl.enabled.protocols, ssl.protocol and ssl.cipher.suites.
 */
void kc_rest_tls_check(const kc_props_t *ssl, const char *prefix,
                       kc_config_result_t *result);

/**
 * @brief Load the key store, trust store and protocol settings of @p ssl
 * into @p tls. An error names the full key (@p prefix + key) at fault,
 * e.g. a wrong listeners.https.ssl.keystore.password. On failure @p tls
 * holds nothing.
 */
kc_err_t kc_rest_tls_load(const kc_props_t *ssl, const char *prefix,
                          kc_rest_tls_t *tls, kc_error_t *err);
/**
 * @brief As kc_rest_tls_load for the client side of worker-to-worker
 * calls: the key store is optional (only for a client certificate), the
 * trust store verifies the server; ssl.client.auth does not apply.
 */
kc_err_t kc_rest_tls_load_client(const kc_props_t *ssl, const char *prefix,
                                 kc_rest_tls_t *tls, kc_error_t *err);
/** @brief Free what @p tls holds. */
void kc_rest_tls_release(kc_rest_tls_t *tls);

/**
 * @brief The GnuTLS priority string for Java's @p protocols
 * (ssl.enabled.protocols, comma-separated) and @p ciphers
 * (ssl.cipher.suites, IANA names; NULL or blank: GnuTLS's defaults).
 * NULL with @p err naming @p bad_key's value when one cannot be mapped;
 * *bad_key says which of the two keys ("ssl.enabled.protocols" or
 * "ssl.cipher.suites").
 */
char *kc_rest_tls_priorities(const char *protocols, const char *ciphers,
                             const char **bad_key, kc_error_t *err);

/**
 * @brief Whether the peer of TLS session @p session (a gnutls_session_t)
 * passes @p auth: a certificate the trust store verifies, required under
 * KC_TLS_AUTH_REQUIRED; under REQUESTED one that is sent must verify.
 */
bool kc_rest_tls_peer_ok(void *session, kc_tls_client_auth_t auth);

#endif /* KC_REST_KC_REST_TLS_H */
