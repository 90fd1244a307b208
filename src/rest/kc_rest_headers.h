/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Extra response headers of the REST server: CORS as Apache's
 * access.control.allow.origin / access.control.allow.methods (Jetty's
 * CrossOriginFilter) and the rules of response.http.headers.config
 * ("[set|add|setDate|addDate] Name: value", comma-separated, a rule in
 * double quotes when it holds a comma).
 */
#ifndef KC_REST_KC_REST_HEADERS_H
#define KC_REST_KC_REST_HEADERS_H

#include <kconnect/common.h>

typedef struct kc_rest_headers kc_rest_headers_t;

/**
 * @brief Parse the settings (each may be NULL or blank: off). Errors name
 * the bad rule.
 */
kc_rest_headers_t *kc_rest_headers_new(const char *allow_origin,
                                       const char *allow_methods,
                                       const char *rules, kc_error_t *err);
/** @brief NULL is a no-op. */
void kc_rest_headers_destroy(kc_rest_headers_t *hdrs);

/**
 * @brief True for a CORS preflight the server answers itself (200, no
 * body): an OPTIONS request with Origin and Access-Control-Request-Method
 * while CORS is on.
 */
bool kc_rest_headers_is_preflight(const kc_rest_headers_t *hdrs,
                                  const char *method, const char *origin,
                                  const char *request_method);

/* Called for each header to send; @p replace: drop earlier ones first. */
typedef void (*kc_rest_header_fn)(void *opaque, const char *name,
                                  const char *value, bool replace);

/**
 * @brief Emit the headers for a response to a request from @p origin (may
 * be NULL): CORS ones when the origin is allowed (more for a @p
 * preflight), then the configured rules in order.
 */
void kc_rest_headers_apply(const kc_rest_headers_t *hdrs, const char *origin,
                           bool preflight, kc_rest_header_fn fn, void *opaque);

#endif /* KC_REST_KC_REST_HEADERS_H */
