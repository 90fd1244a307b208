/*
 * The Connect REST API's routes, independent of the HTTP server: a parsed
 * request in, a status and JSON body out. Paths, status codes, JSON shapes
 * and error bodies ({"error_code":N,"message":"..."}) follow Apache Kafka
 * Connect's ConnectorsResource, ConnectorPluginsResource, RootResource and
 * LoggingResource.
 */
#ifndef KC_REST_KC_REST_ROUTES_H
#define KC_REST_KC_REST_ROUTES_H

#include <kconnect/common.h>

#include <jansson.h>

#include "herder/kc_herder.h"

/* One query parameter, percent-decoded; keys may repeat (?expand=). */
typedef struct kc_rest_arg {
    const char *key;
    const char *value; /* "" when the parameter has no "=" */
} kc_rest_arg_t;

typedef struct kc_rest_request {
    const char *method;
    const char *path; /* still percent-encoded, without the query */
    const kc_rest_arg_t *args;
    size_t nargs;
    const char *content_type; /* may be NULL */
    const char *host;         /* Host header, may be NULL */
    const char *body;         /* may be NULL */
    size_t body_len;
} kc_rest_request_t;

typedef struct kc_rest_response {
    int status;
    json_t *body;   /* NULL: no body */
    char *location; /* Location header, or NULL */
} kc_rest_response_t;

typedef struct kc_rest_options {
    bool admin_enabled;  /* serve /admin/... */
    bool public_enabled; /* serve everything else */
} kc_rest_options_t;

/**
 * @brief Answer @p req from @p h. Never fails: every problem becomes an
 * HTTP error response. @p resp is filled; release it with
 * kc_rest_response_release.
 */
void kc_rest_route(kc_herder_t *h, const kc_rest_options_t *opts,
                   const kc_rest_request_t *req, kc_rest_response_t *resp);
void kc_rest_response_release(kc_rest_response_t *resp);
/** @brief Set @p resp to the error body {"error_code":status,"message"}. */
void kc_rest_error(kc_rest_response_t *resp, int status, const char *fmt, ...)
    KC_PRINTF(3, 4);

/**
 * @brief Decode %XX escapes (and '+' as space when @p plus_is_space) of
 * the @p len bytes at @p s. Caller frees. NULL for a malformed escape or
 * an encoded NUL.
 */
char *kc_rest_decode(const char *s, size_t len, bool plus_is_space);

#endif /* KC_REST_KC_REST_ROUTES_H */
