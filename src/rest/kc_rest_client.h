/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The worker's HTTP client for worker-to-worker REST calls in distributed
 * mode (Apache's RestClient): a request forwarded to the leader, task
 * configs POSTed to it. libcurl underneath; connections are kept in a
 * shared cache, so a worker that forwards many requests to the same
 * leader reuses one connection instead of a handshake each time.
 */
#ifndef KC_REST_KC_REST_CLIENT_H
#define KC_REST_KC_REST_CLIENT_H

#include <kconnect/config.h>

typedef struct kc_rest_client kc_rest_client_t;

/* Responses larger than this are refused (a worker's answer is small). */
#define KC_REST_CLIENT_MAX_RESPONSE (4u * 1024u * 1024u)

/* What came back: owned strings, released by kc_rest_reply_release. */
typedef struct kc_rest_reply {
    int status;
    char *body; /* NUL-terminated; "" when the response had none */
    size_t body_len;
    char *content_type; /* the Content-Type header, or NULL */
} kc_rest_reply_t;

/**
 * @brief A client for the worker configured by @p worker (borrowed, may be
 * NULL: plain http only). Its https settings are Apache's client side of
 * the REST listeners: listeners.https.ssl.* if any is set, else ssl.*
 * (kc_rest_tls_settings); they are loaded on the first https call, as
 * Apache's RestClient does, so a bad trust store fails that call, not the
 * worker's start; libcurl itself is set up on the first call too (a
 * failure there fails that call). @p max_response 0 means
 * KC_REST_CLIENT_MAX_RESPONSE. Never NULL; @p err is unused (kept for
 * a setup that can fail).
 */
kc_rest_client_t *kc_rest_client_new(const kc_props_t *worker,
                                     size_t max_response, kc_error_t *err);
/** @brief Free @p c; NULL is a no-op. No call may be in flight. */
void kc_rest_client_destroy(kc_rest_client_t *c);

/**
 * @brief Send @p method @p url (http or https only; redirects are not
 * followed) with the @p body_len bytes at @p body (may be NULL: no body;
 * else sent as application/json) and @p headers ("Name: value" strings,
 * @p nheaders of them, may be 0), waiting at most @p timeout_ms for the
 * whole exchange. Any thread; calls may run concurrently.
 * @returns KC_OK with @p reply filled (any HTTP status, 4xx/5xx included);
 * else KC_ERR_IO (connection refused, TLS failure, oversized response,
 * ...) or KC_ERR_TIMEOUT with @p err naming what failed and @p reply
 * empty. The caller releases @p reply either way.
 */
kc_err_t kc_rest_client_call(kc_rest_client_t *c, const char *method,
                             const char *url, const char *body, size_t body_len,
                             const char *const *headers, size_t nheaders,
                             int64_t timeout_ms, kc_rest_reply_t *reply,
                             kc_error_t *err);
/** @brief Free what @p reply holds and zero it. */
void kc_rest_reply_release(kc_rest_reply_t *reply);

#endif /* KC_REST_KC_REST_CLIENT_H */
