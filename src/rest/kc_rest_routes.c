/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Connect REST API's handlers and the route table that names them
 * (the matcher is kc_rest_router.c).
 */
#include "kc_internal.h"

#include "distributed/kc_request_sig.h"
#include "rest/kc_rest_forward.h"
#include "rest/kc_rest_loggers.h"
#include "rest/kc_rest_routes.h"
#include "rest/kc_rest_ui.h"
#include "util/kc_log.h"
#include "util/kc_str.h"
#include "util/kc_utf8.h"

#include <ctype.h>
#include <strings.h>

#define KC_REST_LOGGER "org.apache.kafka.connect.runtime.rest.RestServer"

/* ---- request helpers --------------------------------------------------- */

static const char *kc_arg(const kc_rest_ctx_t *ctx, const char *key)
{
    for (size_t i = 0; i < ctx->req->nargs; i++) {
        if (strcmp(ctx->req->args[i].key, key) == 0) {
            return ctx->req->args[i].value;
        }
    }
    return NULL;
}

/* Java's Boolean.valueOf: true only for "true", any case. */
static bool kc_arg_bool(const kc_rest_ctx_t *ctx, const char *key, bool dflt)
{
    const char *v = kc_arg(ctx, key);

    /* Jersey gives an empty parameter its @DefaultValue too. */
    if (v == NULL || *v == '\0') {
        return dflt;
    }
    return strcasecmp(v, "true") == 0;
}

/* Map a herder error to Apache's status codes. */
static void kc_fail(kc_rest_ctx_t *ctx, kc_err_t rc, const kc_error_t *err,
                    json_t *body)
{
    int status;

    /* Distributed mode: the leader's business, or a rebalance. */
    if (kc_rest_forward(ctx, rc, err)) {
        json_decref(body);
        return;
    }
    switch (rc) {
    case KC_ERR_NOT_FOUND:
        status = 404;
        break;
    case KC_ERR_CONFLICT:
        status = 409;
        break;
    case KC_ERR_INVALID:
        status = 400;
        break;
    default:
        status = 500;
        break;
    }
    if (body != NULL && json_object_get(body, "message") != NULL) {
        /* The herder's full message (kc_error_t would cut it). */
        kc_rest_error(ctx->resp, status, "%s",
                      json_string_value(json_object_get(body, "message")));
        json_decref(body);
        return;
    }
    json_decref(body);
    kc_rest_error(ctx->resp, status, "%s",
                  err->msg[0] != '\0' ? err->msg : kc_err_name(rc));
}

/* 200 (or @p ok_status) with @p out, or the error. */
static void kc_answer(kc_rest_ctx_t *ctx, kc_err_t rc, const kc_error_t *err,
                      json_t *out, int ok_status)
{
    if (rc != KC_OK) {
        kc_fail(ctx, rc, err, out);
        return;
    }
    ctx->resp->status = ok_status;
    ctx->resp->body = out;
}

/* The herder calls a route makes with its one path parameter: one that
 * answers a body, and one that answers none. */
typedef kc_err_t (*kc_name_get_fn)(kc_herder_t *h, const char *name,
                                   json_t **out, kc_error_t *err);
typedef kc_err_t (*kc_name_do_fn)(kc_herder_t *h, const char *name,
                                  kc_error_t *err);

static void kc_answer_get(kc_rest_ctx_t *ctx, kc_name_get_fn fn, int ok_status)
{
    json_t *out = NULL;
    kc_error_t err;
    kc_err_t rc;

    kc_error_clear(&err);
    rc = fn(ctx->h, ctx->params[0], &out, &err);
    kc_answer(ctx, rc, &err, out, ok_status);
}

static void kc_answer_do(kc_rest_ctx_t *ctx, kc_name_do_fn fn, int ok_status)
{
    kc_error_t err;
    kc_err_t rc;

    kc_error_clear(&err);
    rc = fn(ctx->h, ctx->params[0], &err);
    kc_answer(ctx, rc, &err, NULL, ok_status);
}

static bool kc_is_json_type(const char *ct)
{
    size_t n = strlen("application/json");

    while (*ct == ' ') {
        ct++;
    }
    return strncasecmp(ct, "application/json", n) == 0 &&
           (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/*
 * The JSON body, or NULL with the error response set: 415 for another
 * content type (as Jersey), 400 for a missing or malformed body.
 */
static json_t *kc_body(kc_rest_ctx_t *ctx, bool want_object)
{
    const kc_rest_request_t *req = ctx->req;
    json_error_t jerr;
    json_t *body;

    if (req->content_type != NULL && *req->content_type != '\0' &&
        !kc_is_json_type(req->content_type)) {
        kc_rest_error(ctx->resp, 415, "HTTP 415 Unsupported Media Type");
        return NULL;
    }
    if (req->body == NULL || req->body_len == 0) {
        kc_rest_error(ctx->resp, 400,
                      "Request body is missing; expected a "
                      "JSON object");
        return NULL;
    }
    body = json_loadb(req->body, req->body_len,
                      JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
    if (body == NULL) {
        kc_rest_error(ctx->resp, 400,
                      "Could not parse the request body as JSON: %s (line "
                      "%d, column %d)",
                      jerr.text, jerr.line, jerr.column);
        return NULL;
    }
    if (want_object && !json_is_object(body)) {
        json_decref(body);
        kc_rest_error(ctx->resp, 400, "The request body must be a JSON object");
        return NULL;
    }
    return body;
}

char *kc_rest_location(const kc_rest_ctx_t *ctx, const char *name)
{
    kc_buf_t buf;

    kc_buf_init(&buf, 0);
    if (ctx->req->host != NULL && *ctx->req->host != '\0') {
        kc_buf_printf(&buf, "http://%s", ctx->req->host);
    }
    kc_buf_puts(&buf, "/connectors/");
    kc_str_pct_encode(&buf, name, NULL);
    return kc_buf_detach(&buf, NULL);
}

/* Trim ASCII whitespace as Java's String.trim. */
static char *kc_trim_dup(const char *s)
{
    const char *e;

    while (*s != '\0' && (unsigned char)*s <= ' ') {
        s++;
    }
    e = s + strlen(s);
    while (e > s && (unsigned char)e[-1] <= ' ') {
        e--;
    }
    return kc_strndup(s, (size_t)(e - s));
}

/* ---- / and /health ------------------------------------------------------- */

static void kc_h_server_info(kc_rest_ctx_t *ctx)
{
    json_t *out = NULL;
    kc_error_t err;
    kc_err_t rc;

    kc_error_clear(&err);
    rc = kc_herder_server_info(ctx->h, &out, &err);
    kc_answer(ctx, rc, &err, out, 200);
}

static void kc_h_health(kc_rest_ctx_t *ctx)
{
    json_t *out = NULL;
    kc_error_t err;
    kc_err_t rc;

    kc_error_clear(&err);
    rc = kc_herder_health(ctx->h, &out, &err);
    if (out == NULL) {
        kc_fail(ctx, rc, &err, NULL);
        return;
    }
    ctx->resp->status = rc == KC_OK ? 200 : rc == KC_AGAIN ? 503 : 500;
    ctx->resp->body = out;
}

/* ---- /connectors ------------------------------------------------------- */

static void kc_h_connectors_list(kc_rest_ctx_t *ctx)
{
    unsigned expand = 0;
    bool any = false;
    kc_error_t err;
    json_t *out = NULL;
    kc_err_t rc;

    for (size_t i = 0; i < ctx->req->nargs; i++) {
        if (strcmp(ctx->req->args[i].key, "expand") != 0) {
            continue;
        }
        any = true;
        if (strcmp(ctx->req->args[i].value, "status") == 0) {
            expand |= KC_HERDER_EXPAND_STATUS;
        } else if (strcmp(ctx->req->args[i].value, "info") == 0) {
            expand |= KC_HERDER_EXPAND_INFO;
        } else {
            char *safe = kc_str_escape_log(ctx->req->args[i].value);

            kc_log_info(KC_REST_LOGGER, "Ignoring unknown expansion type %s",
                        safe);
            kc_free(safe);
        }
    }
    kc_error_clear(&err);
    rc = kc_herder_list(ctx->h, expand, &out, &err);
    if (rc == KC_OK && any && expand == 0) {
        /* Only unknown expansions: Apache answers {"name":{}}. */
        json_t *obj = json_object();

        for (size_t i = 0; i < json_array_size(out); i++) {
            json_object_set_new(obj, json_string_value(json_array_get(out, i)),
                                json_object());
        }
        json_decref(out);
        out = obj;
    }
    kc_answer(ctx, rc, &err, out, 200);
}

static void kc_h_connectors_create(kc_rest_ctx_t *ctx)
{
    json_t *body = kc_body(ctx, true);
    json_t *jname;
    json_t *config;
    json_t *jstate;
    const char *state = NULL;
    char *name;
    json_t *out = NULL;
    bool created = false;
    kc_error_t err;
    kc_err_t rc;

    if (body == NULL) {
        return;
    }
    jname = json_object_get(body, "name");
    config = json_object_get(body, "config");
    jstate = json_object_get(body, "initial_state");
    if (jname != NULL && !json_is_string(jname) && !json_is_null(jname)) {
        kc_rest_error(ctx->resp, 400, "Connector name must be a string");
        json_decref(body);
        return;
    }
    if (config == NULL || json_is_null(config)) {
        kc_rest_error(ctx->resp, 400,
                      "Connector configuration must be provided in the "
                      "\"config\" field");
        json_decref(body);
        return;
    }
    if (!json_is_object(config)) {
        kc_rest_error(ctx->resp, 400,
                      "Connector configuration must be a JSON object");
        json_decref(body);
        return;
    }
    if (jstate != NULL && !json_is_null(jstate)) {
        if (!json_is_string(jstate)) {
            kc_rest_error(ctx->resp, 400, "initial_state must be a string");
            json_decref(body);
            return;
        }
        state = json_string_value(jstate);
    }
    name = kc_trim_dup(json_is_string(jname) ? json_string_value(jname) : "");
    kc_error_clear(&err);
    rc = kc_herder_put_config(ctx->h, name, config, false, state, &created,
                              &out, &err);
    if (rc == KC_OK) {
        ctx->resp->location = kc_rest_location(ctx, name);
    }
    kc_answer(ctx, rc, &err, out, 201);
    kc_free(name);
    json_decref(body);
}

static void kc_h_connector_info(kc_rest_ctx_t *ctx)
{
    kc_answer_get(ctx, kc_herder_info, 200);
}

static void kc_h_connector_delete(kc_rest_ctx_t *ctx)
{
    kc_answer_do(ctx, kc_herder_delete, 204);
}

static void kc_h_config_get(kc_rest_ctx_t *ctx)
{
    kc_answer_get(ctx, kc_herder_config, 200);
}

static void kc_h_config_put(kc_rest_ctx_t *ctx)
{
    const char *name = ctx->params[0];
    json_t *out = NULL;
    json_t *body;
    bool created = false;
    kc_error_t err;
    kc_err_t rc;

    kc_error_clear(&err);
    body = kc_body(ctx, true);
    if (body == NULL) {
        return;
    }
    rc = kc_herder_put_config(ctx->h, name, body, true, NULL, &created, &out,
                              &err);
    if (rc == KC_OK && created) {
        ctx->resp->location = kc_rest_location(ctx, name);
    }
    kc_answer(ctx, rc, &err, out, created ? 201 : 200);
    json_decref(body);
}

static void kc_h_config_patch(kc_rest_ctx_t *ctx)
{
    json_t *out = NULL;
    json_t *body;
    kc_error_t err;
    kc_err_t rc;

    kc_error_clear(&err);
    body = kc_body(ctx, true);
    if (body == NULL) {
        return;
    }
    rc = kc_herder_patch_config(ctx->h, ctx->params[0], body, &out, &err);
    kc_answer(ctx, rc, &err, out, 200);
    json_decref(body);
}

static void kc_h_status(kc_rest_ctx_t *ctx)
{
    kc_answer_get(ctx, kc_herder_status, 200);
}

static void kc_h_restart(kc_rest_ctx_t *ctx)
{
    bool include_tasks = kc_arg_bool(ctx, "includeTasks", false);
    bool only_failed = kc_arg_bool(ctx, "onlyFailed", false);
    json_t *out = NULL;
    kc_error_t err;
    kc_err_t rc;

    kc_error_clear(&err);
    rc = kc_herder_restart(ctx->h, ctx->params[0], include_tasks, only_failed,
                           &out, &err);
    if (rc == KC_OK && out == NULL) {
        ctx->resp->status = 204;
        return;
    }
    kc_answer(ctx, rc, &err, out, 202);
}

static void kc_h_pause(kc_rest_ctx_t *ctx)
{
    kc_answer_do(ctx, kc_herder_pause, 202);
}

static void kc_h_resume(kc_rest_ctx_t *ctx)
{
    kc_answer_do(ctx, kc_herder_resume, 202);
}

static void kc_h_stop(kc_rest_ctx_t *ctx)
{
    kc_answer_do(ctx, kc_herder_stop, 204);
}

static void kc_h_tasks(kc_rest_ctx_t *ctx)
{
    kc_answer_get(ctx, kc_herder_tasks, 200);
}

/* ---- the internal endpoints (Apache's InternalClusterResource) ---------- */

/*
 * The request's signature headers, read as Apache's fromHeaders does
 * before the herder sees the request: malformed ones answer 400 here.
 */
static bool kc_internal_sig(kc_rest_ctx_t *ctx, kc_request_sig_t **sig)
{
    const kc_rest_request_t *req = ctx->req;
    kc_error_t err;

    kc_error_clear(&err);
    if (kc_request_sig_from_headers(req->signature_algorithm, req->signature,
                                    req->body, req->body_len, sig,
                                    &err) != KC_OK) {
        kc_rest_error(ctx->resp, 400, "%s", err.msg);
        return false;
    }
    return true;
}

/* 204, or the verification's 403/503, or the usual mapping (which
 * forwards to the leader). */
static void kc_internal_answer(kc_rest_ctx_t *ctx, kc_err_t rc,
                               const kc_error_t *err)
{
    if (rc == KC_OK) {
        ctx->resp->status = 204;
    } else if (rc == KC_ERR_UNSUPPORTED) {
        kc_rest_error(ctx->resp, 403, "%s", err->msg);
    } else if (rc == KC_AGAIN) {
        kc_rest_error(ctx->resp, 503, "%s", err->msg);
    } else {
        kc_fail(ctx, rc, err, NULL);
    }
}

static void kc_h_tasks_put(kc_rest_ctx_t *ctx)
{
    const kc_rest_request_t *req = ctx->req;
    kc_request_sig_t *sig = NULL;
    json_error_t jerr;
    json_t *tasks;
    json_t *t;
    size_t i;
    kc_error_t err;
    kc_err_t rc;

    /* Apache reads the body (a list of string maps) first; what Jackson
     * cannot read is a 500. */
    tasks = req->body != NULL
                ? json_loadb(req->body, req->body_len, JSON_DECODE_ANY, &jerr)
                : NULL;
    if (tasks == NULL) {
        kc_rest_error(ctx->resp, 500, "Could not read the task configs: %s",
                      req->body != NULL ? jerr.text : "no content");
        return;
    }
    json_array_foreach(tasks, i, t)
    {
        if (!json_is_object(t)) {
            break;
        }
    }
    if (!json_is_array(tasks) || i < json_array_size(tasks)) {
        json_decref(tasks);
        kc_rest_error(ctx->resp, 500,
                      "Could not read the task configs: expected a JSON "
                      "array of objects");
        return;
    }
    if (!kc_internal_sig(ctx, &sig)) {
        json_decref(tasks);
        return;
    }
    kc_error_clear(&err);
    rc = kc_herder_put_task_configs(ctx->h, ctx->params[0], tasks, sig, &err);
    kc_request_sig_destroy(sig);
    json_decref(tasks);
    kc_internal_answer(ctx, rc, &err);
}

static void kc_h_fence(kc_rest_ctx_t *ctx)
{
    kc_request_sig_t *sig = NULL;
    kc_error_t err;
    kc_err_t rc;

    if (!kc_internal_sig(ctx, &sig)) {
        return;
    }
    kc_error_clear(&err);
    rc = kc_herder_fence_zombies(ctx->h, ctx->params[0], sig, &err);
    kc_request_sig_destroy(sig);
    kc_internal_answer(ctx, rc, &err);
}

static void kc_h_task_status(kc_rest_ctx_t *ctx)
{
    json_t *out = NULL;
    kc_error_t err;
    kc_err_t rc;

    kc_error_clear(&err);
    rc =
        kc_herder_task_status(ctx->h, ctx->params[0], ctx->ints[1], &out, &err);
    kc_answer(ctx, rc, &err, out, 200);
}

static void kc_h_task_restart(kc_rest_ctx_t *ctx)
{
    kc_error_t err;
    kc_err_t rc;

    kc_error_clear(&err);
    rc = kc_herder_restart_task(ctx->h, ctx->params[0], ctx->ints[1], &err);
    kc_answer(ctx, rc, &err, NULL, 204);
}

/* Topic tracking switched off answers 403, as Apache. */
static void kc_topics_answer(kc_rest_ctx_t *ctx, kc_err_t rc,
                             const kc_error_t *err, json_t *out, int ok_status)
{
    if (rc == KC_ERR_UNSUPPORTED) {
        json_decref(out);
        kc_rest_error(ctx->resp, 403, "%s", err->msg);
        return;
    }
    kc_answer(ctx, rc, err, out, ok_status);
}

static void kc_h_topics(kc_rest_ctx_t *ctx)
{
    json_t *out = NULL;
    kc_error_t err;
    kc_err_t rc;

    kc_error_clear(&err);
    rc = kc_herder_topics(ctx->h, ctx->params[0], &out, &err);
    kc_topics_answer(ctx, rc, &err, out, 200);
}

static void kc_h_topics_reset(kc_rest_ctx_t *ctx)
{
    kc_error_t err;
    kc_err_t rc;

    kc_error_clear(&err);
    rc = kc_herder_topics_reset(ctx->h, ctx->params[0], &err);
    kc_topics_answer(ctx, rc, &err, NULL, 202);
}

static void kc_h_offsets(kc_rest_ctx_t *ctx)
{
    kc_answer_get(ctx, kc_herder_offsets, 200);
}

static void kc_h_offsets_alter(kc_rest_ctx_t *ctx)
{
    json_t *out = NULL;
    json_t *body;
    json_t *list;
    kc_error_t err;
    kc_err_t rc;

    kc_error_clear(&err);
    body = kc_body(ctx, true);
    if (body == NULL) {
        return;
    }
    list = json_object_get(body, "offsets");
    if (!json_is_array(list) || json_array_size(list) == 0) {
        json_decref(body);
        kc_rest_error(ctx->resp, 400,
                      "Partitions / offsets need to be provided for an "
                      "alter offsets request");
        return;
    }
    rc = kc_herder_alter_offsets(ctx->h, ctx->params[0], body, &out, &err);
    json_decref(body);
    kc_answer(ctx, rc, &err, out, 200);
}

static void kc_h_offsets_reset(kc_rest_ctx_t *ctx)
{
    kc_answer_get(ctx, kc_herder_reset_offsets, 200);
}

/* ---- /connector-plugins -------------------------------------------------- */

/* Apache's normalizedPluginName: drop a trailing "Connector". */
static size_t kc_normalized_len(const char *name)
{
    size_t n = strlen(name);
    size_t s = strlen("Connector");

    if (n > s && strcmp(name + n - s, "Connector") == 0) {
        return n - s;
    }
    return n;
}

static bool kc_plugin_matches(const char *included, const char *plugin)
{
    size_t ni = kc_normalized_len(included);
    size_t np = kc_normalized_len(plugin);

    return ni >= np && strncmp(included + ni - np, plugin, np) == 0;
}

static void kc_h_plugins(kc_rest_ctx_t *ctx)
{
    json_t *out = NULL;
    kc_error_t err;
    kc_err_t rc;

    kc_error_clear(&err);
    rc = kc_herder_plugins(ctx->h, kc_arg_bool(ctx, "connectorsOnly", true),
                           &out, &err);
    kc_answer(ctx, rc, &err, out, 200);
}

static void kc_h_plugin_config(kc_rest_ctx_t *ctx)
{
    kc_answer_get(ctx, kc_herder_plugin_config, 200);
}

static void kc_h_plugin_validate(kc_rest_ctx_t *ctx)
{
    const char *plugin = ctx->params[0];
    json_t *out = NULL;
    json_t *body;
    json_t *cls;
    kc_error_t err;
    kc_err_t rc;

    kc_error_clear(&err);
    body = kc_body(ctx, true);
    if (body == NULL) {
        return;
    }
    cls = json_object_get(body, "connector.class");
    if (json_is_string(cls) &&
        !kc_plugin_matches(json_string_value(cls), plugin)) {
        kc_rest_error(ctx->resp, 400,
                      "Included connector type %s does not match request "
                      "type %s",
                      json_string_value(cls), plugin);
        json_decref(body);
        return;
    }
    rc = kc_herder_validate(ctx->h, plugin, body, &out, &err);
    kc_answer(ctx, rc, &err, out, 200);
    json_decref(body);
}

/* ---- /admin/loggers ------------------------------------------------------ */

static void kc_h_loggers_list(kc_rest_ctx_t *ctx)
{
    kc_rest_loggers_list(ctx->resp);
}

static void kc_h_logger_get(kc_rest_ctx_t *ctx)
{
    kc_rest_loggers_get(ctx->params[0], ctx->resp);
}

static void kc_h_logger_put(kc_rest_ctx_t *ctx)
{
    json_t *body = kc_body(ctx, true);

    if (body == NULL) {
        return;
    }
    kc_rest_loggers_put(ctx->params[0], body, kc_arg(ctx, "scope"), ctx->resp);
    json_decref(body);
}

/* ---- the table ----------------------------------------------------------- */

#define KC_ROW(m, p, fn, acc)                                                  \
    {                                                                          \
        .method = (m), .pattern = (p), .handler = (fn), .access = (acc)        \
    }

/*
 * Apache's ConnectorsResource, ConnectorPluginsResource, RootResource,
 * LoggingResource and InternalConnectResource. KC_REST_FORWARD marks what
 * Apache forwards to the leader (completeOrForwardRequest); pause and
 * resume are not among them: any worker writes the target state.
 * GET /connectors/{name}/tasks-config (removed in Apache 4.0) is not
 * served.
 */
static const kc_rest_route_def_t kc_routes[] = {
    KC_ROW("GET", "/", kc_h_server_info, KC_REST_PUBLIC),
    KC_ROW("GET", "/health", kc_h_health, KC_REST_PUBLIC),
    KC_ROW("GET", "/connectors", kc_h_connectors_list, KC_REST_PUBLIC),
    KC_ROW("POST", "/connectors", kc_h_connectors_create, KC_REST_FORWARD),
    KC_ROW("GET", "/connectors/{name}", kc_h_connector_info, KC_REST_PUBLIC),
    KC_ROW("DELETE", "/connectors/{name}", kc_h_connector_delete,
           KC_REST_FORWARD),
    KC_ROW("GET", "/connectors/{name}/config", kc_h_config_get, KC_REST_PUBLIC),
    KC_ROW("PUT", "/connectors/{name}/config", kc_h_config_put,
           KC_REST_FORWARD),
    KC_ROW("PATCH", "/connectors/{name}/config", kc_h_config_patch,
           KC_REST_FORWARD),
    KC_ROW("GET", "/connectors/{name}/status", kc_h_status, KC_REST_PUBLIC),
    KC_ROW("POST", "/connectors/{name}/restart", kc_h_restart, KC_REST_FORWARD),
    KC_ROW("PUT", "/connectors/{name}/pause", kc_h_pause, KC_REST_PUBLIC),
    KC_ROW("PUT", "/connectors/{name}/resume", kc_h_resume, KC_REST_PUBLIC),
    KC_ROW("PUT", "/connectors/{name}/stop", kc_h_stop, KC_REST_FORWARD),
    KC_ROW("GET", "/connectors/{name}/tasks", kc_h_tasks, KC_REST_PUBLIC),
    KC_ROW("POST", "/connectors/{name}/tasks", kc_h_tasks_put,
           KC_REST_INTERNAL),
    KC_ROW("GET", "/connectors/{name}/tasks/{task:int}/status",
           kc_h_task_status, KC_REST_PUBLIC),
    KC_ROW("POST", "/connectors/{name}/tasks/{task:int}/restart",
           kc_h_task_restart, KC_REST_FORWARD),
    KC_ROW("GET", "/connectors/{name}/topics", kc_h_topics, KC_REST_PUBLIC),
    KC_ROW("PUT", "/connectors/{name}/topics/reset", kc_h_topics_reset,
           KC_REST_PUBLIC),
    KC_ROW("GET", "/connectors/{name}/offsets", kc_h_offsets, KC_REST_PUBLIC),
    KC_ROW("PATCH", "/connectors/{name}/offsets", kc_h_offsets_alter,
           KC_REST_FORWARD),
    KC_ROW("DELETE", "/connectors/{name}/offsets", kc_h_offsets_reset,
           KC_REST_FORWARD),
    KC_ROW("PUT", "/connectors/{name}/fence", kc_h_fence, KC_REST_INTERNAL),
    KC_ROW("GET", "/connector-plugins", kc_h_plugins, KC_REST_PUBLIC),
    KC_ROW("GET", "/connector-plugins/{plugin}/config", kc_h_plugin_config,
           KC_REST_PUBLIC),
    KC_ROW("PUT", "/connector-plugins/{plugin}/config/validate",
           kc_h_plugin_validate, KC_REST_PUBLIC),
    KC_ROW("GET", "/admin/loggers", kc_h_loggers_list, KC_REST_ADMIN),
    KC_ROW("GET", "/admin/loggers/{logger}", kc_h_logger_get, KC_REST_ADMIN),
    KC_ROW("PUT", "/admin/loggers/{logger}", kc_h_logger_put, KC_REST_ADMIN),
    /* kconnect's own: the web console (docs/console.md) */
    KC_ROW("GET", "/ui", kc_rest_ui_index, KC_REST_PUBLIC),
    KC_ROW("GET", "/ui/{file*}", kc_rest_ui_file, KC_REST_PUBLIC),
};

const kc_rest_route_def_t *kc_rest_routes(size_t *n)
{
    *n = KC_ARRAY_LEN(kc_routes);
    return kc_routes;
}
