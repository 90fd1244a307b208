/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The client side of SCRAM (RFC 5802, RFC 7677) as Kafka speaks it: no
 * channel binding ("n,,"), no SASLprep (Kafka's ScramFormatter only
 * escapes ',' and '=' in the user name), at least 4096 iterations. The
 * cryptography is GnuTLS's (PBKDF2, HMAC, hashes, random); only the
 * message syntax is here. The group client uses it for SCRAM-SHA-512,
 * which Debian 12's libgsasl (2.2.0) does not have; libgsasl does PLAIN
 * and SCRAM-SHA-256.
 */
#ifndef KC_DISTRIBUTED_KC_SCRAM_H
#define KC_DISTRIBUTED_KC_SCRAM_H

#include <stdbool.h>

#include <kconnect/common.h>

typedef struct kc_scram kc_scram_t;

/** @brief Whether @p mechanism is one kc_scram_new takes. */
bool kc_scram_supports(const char *mechanism);

/**
 * @brief A SCRAM client for @p mechanism ("SCRAM-SHA-256" or
 * "SCRAM-SHA-512"). @p nonce: the client nonce, NULL for a random one
 * (tests pass RFC 7677's). NULL for another mechanism.
 */
kc_scram_t *kc_scram_new(const char *mechanism, const char *user,
                         const char *password, const char *nonce);
void kc_scram_destroy(kc_scram_t *s);

/**
 * @brief One step, as gsasl_step: @p in is the server's last message (none
 * at first); @p out gets the next client message (kc_free it; NULL when
 * there is none). @returns KC_AGAIN while the exchange goes on, KC_OK once
 * the server's signature checked out, KC_ERR_INVALID with @p err naming
 * what the server sent wrong.
 */
kc_err_t kc_scram_step(kc_scram_t *s, const uint8_t *in, size_t in_len,
                       char **out, size_t *out_len, kc_error_t *err);

#endif /* KC_DISTRIBUTED_KC_SCRAM_H */
