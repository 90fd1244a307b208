/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Forwarding to the leader. The answer passes through as the leader gave
 * it (its status, its JSON body or its error), as Apache's RestClient
 * turns the leader's response back into the local one.
 */
#include "kc_internal.h"

#include "rest/kc_rest_client.h"
#include "rest/kc_rest_forward.h"
#include "util/kc_log.h"
#include "util/kc_str.h"

#include <strings.h>

#define KC_FORWARD_LOGGER                                                      \
    "org.apache.kafka.connect.runtime.rest.HerderRequestHandler"

/* Apache's texts (HerderRequestHandler). */
#define KC_MSG_NO_LEADER                                                       \
    "Cannot complete request momentarily due to no known leader URL, "         \
    "likely because a rebalance was underway."
#define KC_MSG_TWO_HOPS                                                        \
    "Cannot complete request because of a conflicting operation (e.g. "        \
    "worker rebalance)"
#define KC_MSG_STALE                                                           \
    "Cannot complete request momentarily due to stale configuration "          \
    "(typically caused by a concurrent config change)"

/* RFC 3986 pchar (beyond unreserved) plus '/', and '%' of an escape the
 * request already had. */
#define KC_FORWARD_PATH_KEEP "!$&'()*+,;=:@/%"

char *kc_rest_forward_url(const char *leader, const char *path, bool forward,
                          const char *query)
{
    size_t n = strlen(leader);
    kc_buf_t buf;

    while (n > 0 && leader[n - 1] == '/') {
        n--;
    }
    kc_buf_init(&buf, 0);
    kc_buf_append(&buf, leader, n);
    if (*path != '/') {
        kc_buf_putc(&buf, '/');
    }
    kc_str_pct_encode(&buf, path, KC_FORWARD_PATH_KEEP);
    kc_buf_printf(&buf, "?forward=%s", forward ? "true" : "false");
    if (query != NULL && *query != '\0') {
        kc_buf_printf(&buf, "&%s", query);
    }
    return kc_buf_detach(&buf, NULL);
}

/* The forward query parameter as JAX-RS gives a Boolean: absent (or
 * empty) is null (-1), else Boolean.valueOf. */
static int kc_forward_param(const kc_rest_request_t *req)
{
    for (size_t i = 0; i < req->nargs; i++) {
        if (strcmp(req->args[i].key, "forward") == 0) {
            if (*req->args[i].value == '\0') {
                return -1;
            }
            return strcasecmp(req->args[i].value, "true") == 0;
        }
    }
    return -1;
}

static const char *kc_arg_value(const kc_rest_request_t *req, const char *key)
{
    for (size_t i = 0; i < req->nargs; i++) {
        if (strcmp(req->args[i].key, key) == 0) {
            return req->args[i].value;
        }
    }
    return NULL;
}

/* The query parameters Apache passes on: only a restart's (its
 * queryParameters map), as the booleans it parsed. */
static char *kc_forward_query(const kc_rest_ctx_t *ctx)
{
    const char *pattern = ctx->row->pattern;
    const char *it;
    const char *of;

    if (strcmp(pattern, "/connectors/{name}/restart") != 0) {
        return NULL;
    }
    it = kc_arg_value(ctx->req, "includeTasks");
    of = kc_arg_value(ctx->req, "onlyFailed");
    if ((it == NULL || strcasecmp(it, "true") != 0) &&
        (of == NULL || strcasecmp(of, "true") != 0)) {
        /* A plain connector restart: Apache forwards no parameters. */
        return NULL;
    }
    return kc_asprintf(
        "includeTasks=%s&onlyFailed=%s",
        it != NULL && strcasecmp(it, "true") == 0 ? "true" : "false",
        of != NULL && strcasecmp(of, "true") == 0 ? "true" : "false");
}

/* The worker that runs what the request is about (a task restart's
 * task, else the connector): the leader's NotAssignedException URL. */
static char *kc_forward_owner(const kc_rest_ctx_t *ctx)
{
    int task = -1;

    if (ctx->nparams == 0) {
        return NULL;
    }
    if (strcmp(ctx->row->pattern,
               "/connectors/{name}/tasks/{task:int}/restart") == 0) {
        task = ctx->ints[1];
    }
    return kc_herder_owner_url(ctx->h, ctx->params[0], task);
}

/* The leader's answer as ours: RestClient's rules. */
static void kc_pass_through(kc_rest_ctx_t *ctx, const kc_rest_reply_t *r)
{
    json_error_t jerr;
    json_t *body = NULL;

    if (r->status == 204) {
        ctx->resp->status = 204;
        return;
    }
    if (r->body_len > 0) {
        body = json_loadb(r->body, r->body_len, JSON_DECODE_ANY, &jerr);
    }
    if (r->status >= 400) {
        json_t *code = json_object_get(body, "error_code");
        json_t *msg = json_object_get(body, "message");

        if (!json_is_object(body)) {
            kc_rest_error(ctx->resp, 500,
                          "Error trying to forward REST request: the leader "
                          "answered %d without a JSON error body",
                          r->status);
        } else {
            /* Apache keeps the leader's status and its error_code. */
            ctx->resp->status = r->status;
            ctx->resp->body = json_pack(
                "{s:I,s:o}", "error_code",
                (json_int_t)(json_is_integer(code) ? json_integer_value(code)
                                                   : r->status),
                "message",
                json_is_string(msg) ? json_incref(msg) : json_null());
        }
        json_decref(body);
        return;
    }
    if (r->status < 200 || r->status >= 300) {
        json_decref(body);
        kc_rest_error(ctx->resp, 500,
                      "Unexpected status code when handling forwarded "
                      "request: %d",
                      r->status);
        return;
    }
    if (body == NULL && r->body_len > 0) {
        kc_rest_error(ctx->resp, 500,
                      "Error trying to forward REST request: the leader's "
                      "response is not JSON: %s",
                      jerr.text);
        return;
    }
    ctx->resp->status = r->status;
    ctx->resp->body = body;
}

/* "http://host/connectors/<name>": the local Location, as Jersey builds
 * it from the request the client sent us. */
static void kc_forward_location(kc_rest_ctx_t *ctx)
{
    json_t *name;

    if (ctx->resp->status != 201 || !json_is_object(ctx->resp->body)) {
        return;
    }
    name = json_object_get(ctx->resp->body, "name");
    if (!json_is_string(name)) {
        return;
    }
    ctx->resp->location = kc_rest_location(ctx, json_string_value(name));
}

bool kc_rest_forward(kc_rest_ctx_t *ctx, kc_err_t rc, const kc_error_t *err)
{
    const kc_rest_request_t *req = ctx->req;
    kc_rest_client_t *client = ctx->opts != NULL ? ctx->opts->client : NULL;
    kc_rest_reply_t reply;
    kc_error_t cerr;
    const char *hdrs[1];
    size_t nhdrs = 0;
    char *leader;
    char *query;
    char *url;
    char *auth = NULL;
    int forward;

    /* The internal endpoints forward too (InternalClusterResource), with
     * the Authorization header only: Apache does not pass the signature
     * on, so a leader that checks signatures refuses such a request. */
    if (rc != KC_ERR_CONFLICT || ctx->row == NULL ||
        (ctx->row->access != KC_REST_FORWARD &&
         ctx->row->access != KC_REST_INTERNAL)) {
        return false;
    }
    if (err->flags & KC_HERDER_F_REBALANCING) {
        kc_rest_error(ctx->resp, 409, KC_MSG_STALE);
        return true;
    }
    if (!(err->flags & (KC_HERDER_F_NOT_LEADER | KC_HERDER_F_NOT_ASSIGNED))) {
        return false;
    }
    forward = kc_forward_param(req);
    if (forward == 0) {
        /* Forwarded to us already: two hops and still not the leader. */
        char *m = kc_str_escape_log(req->method);
        char *p = kc_str_escape_log(req->path);

        kc_log_error(KC_FORWARD_LOGGER,
                     "Request '%s %s' failed because it couldn't find the "
                     "target Connect worker within two hops (between "
                     "workers).",
                     m, p);
        kc_free(m);
        kc_free(p);
        kc_rest_error(ctx->resp, 409, KC_MSG_TWO_HOPS);
        return true;
    }
    leader = (err->flags & KC_HERDER_F_NOT_ASSIGNED)
                 ? kc_forward_owner(ctx)
                 : kc_herder_leader_url(ctx->h);
    if (leader == NULL || *leader == '\0') {
        kc_free(leader);
        kc_rest_error(ctx->resp, 409, KC_MSG_NO_LEADER);
        return true;
    }
    /* Only the first worker a client reaches forwards again (forward
     * absent -> forward=true at the next hop; true -> false): two hops at
     * most, never a loop. */
    query = kc_forward_query(ctx);
    url = kc_rest_forward_url(leader, req->path, forward < 0, query);
    kc_free(query);
    kc_free(leader);
    if (req->authorization != NULL &&
        strpbrk(req->authorization, "\r\n") == NULL) {
        auth = kc_asprintf("Authorization: %s", req->authorization);
        hdrs[nhdrs++] = auth;
    }
    if (kc_log_enabled(KC_LOG_DEBUG, KC_FORWARD_LOGGER)) {
        char *u = kc_str_escape_log(url);

        kc_log_debug(KC_FORWARD_LOGGER, "Forwarding request %s %s", u,
                     req->method);
        kc_free(u);
    }
    kc_error_clear(&cerr);
    memset(&reply, 0, sizeof(reply));
    if (client == NULL) {
        kc_rest_error(ctx->resp, 500,
                      "IO Error trying to forward REST request: no REST "
                      "client");
    } else if (kc_rest_client_call(
                   client, req->method, url, req->body, req->body_len, hdrs,
                   nhdrs, KC_REST_FORWARD_TIMEOUT_MS, &reply, &cerr) != KC_OK) {
        /* cerr names the method and URL already. */
        char *m = kc_str_escape_log(cerr.msg);

        kc_log_error(KC_FORWARD_LOGGER, "IO error forwarding REST request: %s",
                     m);
        kc_free(m);
        kc_rest_error(ctx->resp, 500,
                      "IO Error trying to forward REST request: %s", cerr.msg);
    } else {
        kc_pass_through(ctx, &reply);
        kc_forward_location(ctx);
    }
    kc_rest_reply_release(&reply);
    kc_free(auth);
    kc_free(url);
    return true;
}
