/* SPDX-License-Identifier: Apache-2.0 */
/*
 * How the group client (kc_group_wire.h) speaks to the brokers: the
 * worker's security.protocol with the ssl.* and sasl.* keys the worker
 * already gives librdkafka (kc_worker_admin_base_props), read once.
 *
 * PLAINTEXT, SSL, SASL_PLAINTEXT and SASL_SSL. TLS is GnuTLS with the
 * PEM files librdkafka reads (ssl.ca.location or inline ssl.ca.pem, else
 * the system's trust store; ssl.certificate.location and ssl.key.location,
 * or inline ssl.certificate.pem and ssl.key.pem, with ssl.key.password for
 * a client certificate; Java key stores are refused naming the key) and
 * the broker's name checked unless
 * ssl.endpoint.identification.algorithm is empty or "none". SASL is
 * libgsasl's PLAIN and SCRAM-SHA-256 and, where this libgsasl has no
 * SCRAM-SHA-512 (Debian 12's 2.2.0), kc_scram.h's over GnuTLS; the
 * credentials come from sasl.jaas.config (username="..." password="...",
 * as the worker reads it for librdkafka) or sasl.username/sasl.password.
 * Any other mechanism (GSSAPI, Kafka's default, or OAUTHBEARER) is an
 * error naming sasl.mechanism: a group client that fell back to another
 * one would never authenticate.
 */
#ifndef KC_DISTRIBUTED_KC_GROUP_SECURITY_H
#define KC_DISTRIBUTED_KC_GROUP_SECURITY_H

#include <stdbool.h>

#include <gnutls/gnutls.h>

#include <kconnect/common.h>
#include <kconnect/config.h>

typedef struct kc_group_security kc_group_security_t;

/**
 * @brief Read the security settings in @p props (security.protocol,
 * ssl.*, sasl.*; NULL: PLAINTEXT) and load the TLS files.
 * @returns the settings, or NULL with @p err naming the key that is wrong,
 * which also goes to @p bad_key (may be NULL).
 */
kc_group_security_t *kc_group_security_new(const kc_props_t *props,
                                           const char **bad_key,
                                           kc_error_t *err);
void kc_group_security_destroy(kc_group_security_t *sec);

/** @brief "PLAINTEXT", "SSL", "SASL_PLAINTEXT" or "SASL_SSL". */
const char *kc_group_security_protocol(const kc_group_security_t *sec);
bool kc_group_security_uses_tls(const kc_group_security_t *sec);
/** @brief The SASL mechanism, or NULL without SASL. */
const char *kc_group_security_mechanism(const kc_group_security_t *sec);

/**
 * @brief A TLS client session on connected socket @p fd (non-blocking) to
 * @p host (@p port for messages), handshaken within @p timeout_ms.
 */
kc_err_t kc_group_security_tls_open(const kc_group_security_t *sec, int fd,
                                    const char *host, int port, int timeout_ms,
                                    gnutls_session_t *out, kc_error_t *err);

/** @brief One SASL client exchange of the mechanism with the credentials. */
typedef struct kc_group_sasl kc_group_sasl_t;

kc_err_t kc_group_security_sasl_start(const kc_group_security_t *sec,
                                      kc_group_sasl_t **out, kc_error_t *err);

/**
 * @brief The next step: @p in is the broker's last token (none at first),
 * @p out the client's next one (kc_free it; NULL when there is none).
 * @returns KC_AGAIN while more rounds follow, KC_OK when the client has
 * nothing more to check, or an error in @p err.
 */
kc_err_t kc_group_sasl_step(kc_group_sasl_t *s, const uint8_t *in,
                            size_t in_len, uint8_t **out, size_t *out_len,
                            kc_error_t *err);
void kc_group_sasl_destroy(kc_group_sasl_t *s);

#endif /* KC_DISTRIBUTED_KC_GROUP_SECURITY_H */
