/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Connect REST API's routes, independent of the HTTP server: a parsed
 * request in, a status and a body (JSON, or bytes of another content type)
 * out, chosen by a table of {method, path pattern, handler, access} rows.
 * Paths, status codes, JSON shapes and error bodies
 * ({"error_code":N,"message":"..."}) follow Apache Kafka Connect's
 * ConnectorsResource, ConnectorPluginsResource, RootResource and
 * LoggingResource.
 */
#ifndef KC_REST_KC_REST_ROUTES_H
#define KC_REST_KC_REST_ROUTES_H

#include <kconnect/common.h>

#include <jansson.h>
#include <stdatomic.h>

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
    /* Headers distributed mode passes on or checks; each may be NULL:
     * Authorization (forwarded to the leader, as Apache's RestClient),
     * X-Connect-Authorization and X-Connect-Request-Signature-Algorithm
     * (an internal request's signature, kc_request_sig.h). */
    const char *authorization;
    const char *signature;
    const char *signature_algorithm;
} kc_rest_request_t;

/*
 * A response: a status and at most one body, either a JSON document (every
 * Connect API route) or bytes of another content type (text, static
 * files). kc_rest_response_serialize turns either into the bytes sent.
 */
typedef struct kc_rest_response {
    int status;
    json_t *body;   /* a JSON body, or NULL */
    char *location; /* Location header, or NULL */
    char *allow;    /* Allow header (an OPTIONS answer), or NULL */
    const char *www_authenticate; /* WWW-Authenticate (a literal), or NULL */
    /* A body that is not JSON (used when body is NULL): its content type,
     * a string that outlives the response (a literal), and its bytes. */
    const char *content_type;
    kc_buf_t data;
    /* Cache-Control header (a literal), or NULL for none */
    const char *cache_control;
} kc_rest_response_t;

/* Who may call a route, and where it is served (see docs/architecture.md). */
typedef enum kc_rest_access {
    /* the Connect API, on the main listeners */
    KC_REST_PUBLIC,
    /* /admin/...: on admin.listeners, or on the main listeners when
     * admin.listeners is unset */
    KC_REST_ADMIN,
    /* public, but a distributed worker that is not the leader forwards it
     * to the leader (Apache's completeOrForwardRequest); standalone
     * answers it as a public route */
    KC_REST_FORWARD,
    /* between workers only (Apache's InternalConnectResource); on the main
     * listeners, signed in distributed mode */
    KC_REST_INTERNAL,
    /* on every listener, main and admin (GET /metrics) */
    KC_REST_EVERYWHERE
} kc_rest_access_t;

#define KC_REST_MAX_SEGMENTS 8
#define KC_REST_MAX_MOUNTS   16

/*
 * What a handler is given: the request, the response to fill, and the
 * pattern's captured segments, percent-decoded and valid UTF-8, in
 * pattern order. An "{x:int}" capture is also parsed into ints[] (at the
 * same index); a "{x*}" capture holds the remaining segments joined by
 * "/".
 */
typedef struct kc_rest_ctx {
    kc_herder_t *h;
    const kc_rest_request_t *req;
    kc_rest_response_t *resp;
    const char *params[KC_REST_MAX_SEGMENTS];
    int ints[KC_REST_MAX_SEGMENTS];
    size_t nparams;
    void *opaque;                        /* the row's opaque */
    const struct kc_rest_route_def *row; /* the row being served */
    const struct kc_rest_options *opts;  /* the listener's, may be NULL */
} kc_rest_ctx_t;

typedef void (*kc_rest_handler_t)(kc_rest_ctx_t *ctx);

/*
 * One row of the route table. @p pattern is "/" or "/seg/seg...", where a
 * segment is a literal, "{name}" (any one segment), "{name:int}" (a
 * 32-bit integer, as JAX-RS parses an Integer path parameter; anything
 * else does not match) or, last only, "{name*}" (one or more segments).
 * @p method is matched exactly (the server turns HEAD into GET).
 */
typedef struct kc_rest_route_def {
    const char *method;
    const char *pattern;
    kc_rest_handler_t handler;
    kc_rest_access_t access;
    void *opaque;
} kc_rest_route_def_t;

/*
 * Rows added at run time (e.g. /metrics), after the built-in table. Rows
 * are only appended: readers see the first n, published with release
 * order, so requests may run while a row is added.
 * @locks adders serialise among themselves (the server holds a lock).
 */
typedef struct kc_rest_mounts {
    kc_rest_route_def_t rows[KC_REST_MAX_MOUNTS];
    _Atomic size_t n;
} kc_rest_mounts_t;

typedef struct kc_rest_options {
    bool admin_enabled;             /* serve KC_REST_ADMIN rows */
    bool public_enabled;            /* serve every other row */
    const kc_rest_mounts_t *mounts; /* may be NULL */
    /* Forwards KC_REST_FORWARD requests to the leader (distributed mode);
     * may be NULL: such a request then fails as an unreachable leader. */
    struct kc_rest_client *client;
} kc_rest_options_t;

/**
 * @brief Answer @p req from @p h. Never fails: every problem becomes an
 * HTTP error response. @p resp is filled; release it with
 * kc_rest_response_release.
 */
void kc_rest_route(kc_herder_t *h, const kc_rest_options_t *opts,
                   const kc_rest_request_t *req, kc_rest_response_t *resp);
void kc_rest_response_release(kc_rest_response_t *resp);
/**
 * @brief Set @p resp to @p status with the @p len bytes at @p data (copied)
 * as a body of @p content_type (a literal: it is not copied).
 */
void kc_rest_response_set_data(kc_rest_response_t *resp, int status,
                               const char *content_type, const void *data,
                               size_t len);
/**
 * @brief The bytes to send for @p resp and their content type (NULL when
 * there is no body). A JSON body is serialised here, compact, into
 * resp->data: the one place JSON responses become bytes. The result
 * stays valid until @p resp is released.
 */
const uint8_t *kc_rest_response_serialize(kc_rest_response_t *resp, size_t *len,
                                          const char **content_type);
/** @brief Set @p resp to the error body {"error_code":status,"message"}. */
void kc_rest_error(kc_rest_response_t *resp, int status, const char *fmt, ...)
    KC_PRINTF(3, 4);

/**
 * @brief "http://<Host>/connectors/<name>" (name percent-encoded), the
 * Location Jersey resolves for a created connector. Caller frees.
 */
char *kc_rest_location(const kc_rest_ctx_t *ctx, const char *name);

/** @brief The built-in route table; *n is set to its length. */
const kc_rest_route_def_t *kc_rest_routes(size_t *n);
/**
 * @brief The row that answers @p method on @p path (percent-encoded, no
 * query) for a listener with @p opts (NULL: every row), or NULL with
 * *status set to the error status the router answers (404, 405, or 400
 * for a path that does not decode).
 */
const kc_rest_route_def_t *kc_rest_lookup(const kc_rest_options_t *opts,
                                          const char *method, const char *path,
                                          int *status);
/**
 * @brief True when some path matches both patterns (one method given, the
 * router could not choose between two such rows).
 */
bool kc_rest_patterns_overlap(const char *a, const char *b);
/**
 * @brief Append a copy of @p row to @p m. Refused (KC_ERR_INVALID) for a
 * malformed pattern, a row that overlaps one with the same method in the
 * built-in table or @p m, or a full @p m.
 */
kc_err_t kc_rest_mounts_add(kc_rest_mounts_t *m, const kc_rest_route_def_t *row,
                            kc_error_t *err);

/**
 * @brief Decode %XX escapes (and '+' as space when @p plus_is_space) of
 * the @p len bytes at @p s. Caller frees. NULL for a malformed escape or
 * an encoded NUL.
 */
char *kc_rest_decode(const char *s, size_t len, bool plus_is_space);

#endif /* KC_REST_KC_REST_ROUTES_H */
