/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Signed internal requests between workers (Apache's
 * InternalRequestSignature): under connect.protocol=sessioned a follower
 * POSTs its connectors' task configs to the leader with an HMAC of the
 * body under the group's session key, in X-Connect-Authorization (base64)
 * and X-Connect-Request-Signature-Algorithm (a Java Mac name such as
 * "HmacSHA256"). The leader checks it before writing the configs.
 *
 * The session key never appears in a message, a log line or an error.
 */
#ifndef KC_DISTRIBUTED_KC_REQUEST_SIG_H
#define KC_DISTRIBUTED_KC_REQUEST_SIG_H

#include <kconnect/common.h>

#define KC_REQUEST_SIG_HEADER           "X-Connect-Authorization"
#define KC_REQUEST_SIG_ALGORITHM_HEADER "X-Connect-Request-Signature-Algorithm"

/* A received signature: the algorithm as sent, the decoded MAC, a copy of
 * the body it claims to sign. */
typedef struct kc_request_sig {
    char *algorithm;
    uint8_t *mac;
    size_t mac_len;
    uint8_t *body;
    size_t body_len;
} kc_request_sig_t;

/**
 * @brief Whether @p algorithm names a MAC kconnect computes, as Java's
 * Mac.getInstance finds it (case-insensitive): HmacSHA256, HmacSHA1,
 * HmacSHA224, HmacSHA384, HmacSHA512, HmacMD5.
 */
bool kc_request_sig_algorithm_known(const char *algorithm);

/**
 * @brief The base64 HMAC of the @p body_len bytes at @p body under the
 * @p key_len bytes at @p key with @p algorithm. NULL (and @p err) for an
 * algorithm kc_request_sig_algorithm_known refuses. Caller frees.
 */
char *kc_request_sig_sign(const char *algorithm, const uint8_t *key,
                          size_t key_len, const void *body, size_t body_len,
                          kc_error_t *err);

/**
 * @brief The two headers a signed request carries, as "Name: value"
 * strings for kc_rest_client_call, in @p headers[0] and @p headers[1]
 * (caller frees both). What a herder calls before POSTing task configs
 * to the leader (Apache's RestClient with a session key).
 */
kc_err_t kc_request_sig_headers(const char *algorithm, const uint8_t *key,
                                size_t key_len, const void *body,
                                size_t body_len, char *headers[2],
                                kc_error_t *err);

/**
 * @brief Read a request's signature headers (Apache's
 * InternalRequestSignature.fromHeaders). Either header NULL: KC_OK and
 * *out NULL (unsigned). An algorithm Java has no Mac for ("Algorithm X not
 * available") or a signature that is not base64 (Java's Base64 decoder's
 * message): KC_ERR_INVALID, HTTP 400. Else KC_OK and *out, which copies
 * @p body; free it with kc_request_sig_destroy.
 */
kc_err_t kc_request_sig_from_headers(const char *algorithm,
                                     const char *signature, const void *body,
                                     size_t body_len, kc_request_sig_t **out,
                                     kc_error_t *err);
/** @brief A copy of @p sig (NULL for NULL). */
kc_request_sig_t *kc_request_sig_dup(const kc_request_sig_t *sig);
/** @brief Free @p sig; NULL is a no-op. */
void kc_request_sig_destroy(kc_request_sig_t *sig);

/**
 * @brief Check @p sig (NULL: the request was unsigned) as Apache's
 * DistributedHerder does before serving an internal request, with the
 * worker's inter.worker.verification.algorithms (@p algorithms, @p n)
 * and the session key (@p key NULL: none read yet). The error codes give
 * Apache's HTTP status, messages are Apache's:
 *  - KC_ERR_INVALID (400): unsigned, or an algorithm not in the list;
 *  - KC_AGAIN (503): no session key yet;
 *  - KC_ERR_UNSUPPORTED (403): the signature does not match.
 * The comparison takes the same time wherever the MACs differ.
 */
kc_err_t kc_request_sig_verify(const kc_request_sig_t *sig,
                               const char *const *algorithms, size_t n,
                               const uint8_t *key, size_t key_len,
                               kc_error_t *err);

/**
 * @brief Decode @p s as Java's Base64.getDecoder() does (padding
 * optional; anything else fails with Java's IllegalArgumentException
 * text in @p err). Caller frees *out.
 */
kc_err_t kc_base64_decode_java(const char *s, uint8_t **out, size_t *len,
                               kc_error_t *err);

#endif /* KC_DISTRIBUTED_KC_REQUEST_SIG_H */
