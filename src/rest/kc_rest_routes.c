#include "kc_internal.h"

#include "rest/kc_rest_loggers.h"
#include "rest/kc_rest_routes.h"
#include "util/kc_log.h"
#include "util/kc_utf8.h"

#include <ctype.h>
#include <strings.h>

#define KC_REST_LOGGER       "org.apache.kafka.connect.runtime.rest.RestServer"
#define KC_REST_MAX_SEGMENTS 8

void kc_rest_error(kc_rest_response_t *resp, int status, const char *fmt, ...)
{
    va_list ap;
    char *msg;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    msg = kc_malloc((size_t)(n < 0 ? 0 : n) + 1);
    va_start(ap, fmt);
    vsnprintf(msg, (size_t)(n < 0 ? 0 : n) + 1, fmt, ap);
    va_end(ap);
    json_decref(resp->body);
    resp->status = status;
    resp->body = json_object();
    json_object_set_new(resp->body, "error_code", json_integer(status));
    json_object_set_new(resp->body, "message", json_string(msg));
    kc_free(msg);
}

void kc_rest_response_release(kc_rest_response_t *resp)
{
    json_decref(resp->body);
    kc_free(resp->location);
    resp->body = NULL;
    resp->location = NULL;
}

static int kc_hex(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = tolower(c);
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

char *kc_rest_decode(const char *s, size_t len, bool plus_is_space)
{
    char *out = kc_malloc(len + 1);
    size_t n = 0;

    for (size_t i = 0; i < len; i++) {
        if (s[i] == '%') {
            int hi = i + 2 < len ? kc_hex((unsigned char)s[i + 1]) : -1;
            int lo = i + 2 < len ? kc_hex((unsigned char)s[i + 2]) : -1;

            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
                kc_free(out);
                return NULL;
            }
            out[n++] = (char)(hi * 16 + lo);
            i += 2;
        } else if (s[i] == '+' && plus_is_space) {
            out[n++] = ' ';
        } else {
            out[n++] = s[i];
        }
    }
    out[n] = '\0';
    return out;
}

/* ---- request helpers --------------------------------------------------- */

typedef struct kc_route_ctx {
    kc_herder_t *h;
    const kc_rest_request_t *req;
    kc_rest_response_t *resp;
    char *seg[KC_REST_MAX_SEGMENTS];
    size_t nseg;
} kc_route_ctx_t;

static const char *kc_arg(const kc_route_ctx_t *ctx, const char *key)
{
    for (size_t i = 0; i < ctx->req->nargs; i++) {
        if (strcmp(ctx->req->args[i].key, key) == 0) {
            return ctx->req->args[i].value;
        }
    }
    return NULL;
}

/* Java's Boolean.valueOf: true only for "true", any case. */
static bool kc_arg_bool(const kc_route_ctx_t *ctx, const char *key, bool dflt)
{
    const char *v = kc_arg(ctx, key);

    if (v == NULL) {
        return dflt;
    }
    return strcasecmp(v, "true") == 0;
}

static bool kc_method(const kc_route_ctx_t *ctx, const char *m)
{
    return strcmp(ctx->req->method, m) == 0;
}

static void kc_not_found(kc_route_ctx_t *ctx)
{
    kc_rest_error(ctx->resp, 404, "HTTP 404 Not Found");
}

static void kc_bad_method(kc_route_ctx_t *ctx)
{
    kc_rest_error(ctx->resp, 405, "HTTP 405 Method Not Allowed");
}

/* Map a herder error to Apache's status codes. */
static void kc_fail(kc_route_ctx_t *ctx, kc_err_t rc, const kc_error_t *err,
                    json_t *body)
{
    int status;

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
static void kc_answer(kc_route_ctx_t *ctx, kc_err_t rc, const kc_error_t *err,
                      json_t *out, int ok_status)
{
    if (rc != KC_OK) {
        kc_fail(ctx, rc, err, out);
        return;
    }
    ctx->resp->status = ok_status;
    ctx->resp->body = out;
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
static json_t *kc_body(kc_route_ctx_t *ctx, bool want_object)
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

/* "http://host/connectors/<name>", as Jersey resolves Location. */
static char *kc_location(const kc_route_ctx_t *ctx, const char *name)
{
    kc_buf_t buf;
    static const char hexd[] = "0123456789ABCDEF";

    kc_buf_init(&buf, 0);
    if (ctx->req->host != NULL && *ctx->req->host != '\0') {
        kc_buf_printf(&buf, "http://%s", ctx->req->host);
    }
    kc_buf_puts(&buf, "/connectors/");
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if (isalnum(*p) || strchr("-._~", *p) != NULL) {
            kc_buf_putc(&buf, (char)*p);
        } else {
            kc_buf_putc(&buf, '%');
            kc_buf_putc(&buf, hexd[*p >> 4]);
            kc_buf_putc(&buf, hexd[*p & 15]);
        }
    }
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

/* ---- /connectors ------------------------------------------------------- */

static void kc_connectors_list(kc_route_ctx_t *ctx)
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

static void kc_connectors_create(kc_route_ctx_t *ctx)
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
        ctx->resp->location = kc_location(ctx, name);
    }
    kc_answer(ctx, rc, &err, out, 201);
    kc_free(name);
    json_decref(body);
}

static void kc_connector_config(kc_route_ctx_t *ctx, const char *name)
{
    json_t *out = NULL;
    json_t *body;
    bool created = false;
    kc_error_t err;
    kc_err_t rc;

    kc_error_clear(&err);
    if (kc_method(ctx, "GET")) {
        rc = kc_herder_config(ctx->h, name, &out, &err);
        kc_answer(ctx, rc, &err, out, 200);
        return;
    }
    if (!kc_method(ctx, "PUT") && !kc_method(ctx, "PATCH")) {
        kc_bad_method(ctx);
        return;
    }
    body = kc_body(ctx, true);
    if (body == NULL) {
        return;
    }
    if (kc_method(ctx, "PATCH")) {
        rc = kc_herder_patch_config(ctx->h, name, body, &out, &err);
        kc_answer(ctx, rc, &err, out, 200);
    } else {
        rc = kc_herder_put_config(ctx->h, name, body, true, NULL, &created,
                                  &out, &err);
        if (rc == KC_OK && created) {
            ctx->resp->location = kc_location(ctx, name);
        }
        kc_answer(ctx, rc, &err, out, created ? 201 : 200);
    }
    json_decref(body);
}

static void kc_connector_restart(kc_route_ctx_t *ctx, const char *name)
{
    bool include_tasks = kc_arg_bool(ctx, "includeTasks", false);
    bool only_failed = kc_arg_bool(ctx, "onlyFailed", false);
    json_t *out = NULL;
    kc_error_t err;
    kc_err_t rc;

    kc_error_clear(&err);
    rc =
        kc_herder_restart(ctx->h, name, include_tasks, only_failed, &out, &err);
    if (rc == KC_OK && out == NULL) {
        ctx->resp->status = 204;
        return;
    }
    kc_answer(ctx, rc, &err, out, 202);
}

/* Parse a task number as JAX-RS parses an Integer path parameter. */
static bool kc_parse_task(const char *s, int *task)
{
    char *end;
    long v;

    if (*s == '\0' || isspace((unsigned char)*s)) {
        return false;
    }
    errno = 0;
    v = strtol(s, &end, 10);
    if (*end != '\0' || errno != 0 || v < INT32_MIN || v > INT32_MAX) {
        return false;
    }
    *task = (int)v;
    return true;
}

static void kc_connector_task(kc_route_ctx_t *ctx, const char *name)
{
    int task;
    json_t *out = NULL;
    kc_error_t err;
    kc_err_t rc;

    if (ctx->nseg != 5 || !kc_parse_task(ctx->seg[3], &task)) {
        kc_not_found(ctx);
        return;
    }
    kc_error_clear(&err);
    if (strcmp(ctx->seg[4], "status") == 0) {
        if (!kc_method(ctx, "GET")) {
            kc_bad_method(ctx);
            return;
        }
        rc = kc_herder_task_status(ctx->h, name, task, &out, &err);
        kc_answer(ctx, rc, &err, out, 200);
    } else if (strcmp(ctx->seg[4], "restart") == 0) {
        if (!kc_method(ctx, "POST")) {
            kc_bad_method(ctx);
            return;
        }
        rc = kc_herder_restart_task(ctx->h, name, task, &err);
        kc_answer(ctx, rc, &err, NULL, 204);
    } else {
        kc_not_found(ctx);
    }
}

static void kc_connector_offsets(kc_route_ctx_t *ctx, const char *name)
{
    json_t *out = NULL;
    json_t *body;
    kc_error_t err;
    kc_err_t rc;

    kc_error_clear(&err);
    if (kc_method(ctx, "GET")) {
        rc = kc_herder_offsets(ctx->h, name, &out, &err);
    } else if (kc_method(ctx, "DELETE")) {
        rc = kc_herder_reset_offsets(ctx->h, name, &out, &err);
    } else if (kc_method(ctx, "PATCH")) {
        json_t *list;

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
        rc = kc_herder_alter_offsets(ctx->h, name, body, &out, &err);
        json_decref(body);
    } else {
        kc_bad_method(ctx);
        return;
    }
    kc_answer(ctx, rc, &err, out, 200);
}

static void kc_connector_topics(kc_route_ctx_t *ctx, const char *name)
{
    json_t *out = NULL;
    kc_error_t err;
    kc_err_t rc;

    kc_error_clear(&err);
    if (ctx->nseg == 3) {
        if (!kc_method(ctx, "GET")) {
            kc_bad_method(ctx);
            return;
        }
        rc = kc_herder_topics(ctx->h, name, &out, &err);
    } else if (ctx->nseg == 4 && strcmp(ctx->seg[3], "reset") == 0) {
        if (!kc_method(ctx, "PUT")) {
            kc_bad_method(ctx);
            return;
        }
        rc = kc_herder_topics_reset(ctx->h, name, &err);
    } else {
        kc_not_found(ctx);
        return;
    }
    if (rc == KC_ERR_UNSUPPORTED) {
        json_decref(out);
        kc_rest_error(ctx->resp, 403, "%s", err.msg);
        return;
    }
    kc_answer(ctx, rc, &err, out, ctx->nseg == 3 ? 200 : 202);
}

static void kc_route_connector(kc_route_ctx_t *ctx)
{
    const char *name = ctx->seg[1];
    const char *sub = ctx->nseg > 2 ? ctx->seg[2] : NULL;
    json_t *out = NULL;
    kc_error_t err;
    kc_err_t rc;

    kc_error_clear(&err);
    if (sub == NULL) {
        if (kc_method(ctx, "GET")) {
            rc = kc_herder_info(ctx->h, name, &out, &err);
            kc_answer(ctx, rc, &err, out, 200);
        } else if (kc_method(ctx, "DELETE")) {
            rc = kc_herder_delete(ctx->h, name, &err);
            kc_answer(ctx, rc, &err, NULL, 204);
        } else {
            kc_bad_method(ctx);
        }
        return;
    }
    if (strcmp(sub, "tasks") == 0 && ctx->nseg > 3) {
        kc_connector_task(ctx, name);
        return;
    }
    if (strcmp(sub, "topics") == 0) {
        kc_connector_topics(ctx, name);
        return;
    }
    if (ctx->nseg != 3) {
        kc_not_found(ctx);
        return;
    }
    if (strcmp(sub, "config") == 0) {
        kc_connector_config(ctx, name);
    } else if (strcmp(sub, "status") == 0) {
        if (!kc_method(ctx, "GET")) {
            kc_bad_method(ctx);
            return;
        }
        rc = kc_herder_status(ctx->h, name, &out, &err);
        kc_answer(ctx, rc, &err, out, 200);
    } else if (strcmp(sub, "restart") == 0) {
        if (!kc_method(ctx, "POST")) {
            kc_bad_method(ctx);
            return;
        }
        kc_connector_restart(ctx, name);
    } else if (strcmp(sub, "pause") == 0 || strcmp(sub, "resume") == 0 ||
               strcmp(sub, "stop") == 0) {
        if (!kc_method(ctx, "PUT")) {
            kc_bad_method(ctx);
            return;
        }
        if (sub[0] == 'p') {
            rc = kc_herder_pause(ctx->h, name, &err);
        } else if (sub[0] == 'r') {
            rc = kc_herder_resume(ctx->h, name, &err);
        } else {
            rc = kc_herder_stop(ctx->h, name, &err);
        }
        kc_answer(ctx, rc, &err, NULL, sub[1] == 't' ? 204 : 202);
    } else if (strcmp(sub, "tasks") == 0) {
        if (kc_method(ctx, "POST")) {
            /* The internal endpoint of distributed mode, as Apache's
             * standalone herder answers it. */
            kc_rest_error(ctx->resp, 500,
                          "Kafka Connect in standalone mode does not support "
                          "externally setting task configurations.");
            return;
        }
        if (!kc_method(ctx, "GET")) {
            kc_bad_method(ctx);
            return;
        }
        rc = kc_herder_tasks(ctx->h, name, &out, &err);
        kc_answer(ctx, rc, &err, out, 200);
    } else if (strcmp(sub, "offsets") == 0) {
        kc_connector_offsets(ctx, name);
    } else if (strcmp(sub, "fence") == 0) {
        if (!kc_method(ctx, "PUT")) {
            kc_bad_method(ctx);
            return;
        }
        kc_rest_error(ctx->resp, 500,
                      "Kafka Connect in standalone mode does not support "
                      "exactly-once source connectors.");
    } else {
        kc_not_found(ctx);
    }
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

static void kc_route_plugins(kc_route_ctx_t *ctx)
{
    json_t *out = NULL;
    kc_error_t err;
    kc_err_t rc;

    kc_error_clear(&err);
    if (ctx->nseg == 1) {
        if (!kc_method(ctx, "GET")) {
            kc_bad_method(ctx);
            return;
        }
        rc = kc_herder_plugins(ctx->h, kc_arg_bool(ctx, "connectorsOnly", true),
                               &out, &err);
        kc_answer(ctx, rc, &err, out, 200);
        return;
    }
    if (ctx->nseg == 3 && strcmp(ctx->seg[2], "config") == 0) {
        if (!kc_method(ctx, "GET")) {
            kc_bad_method(ctx);
            return;
        }
        rc = kc_herder_plugin_config(ctx->h, ctx->seg[1], &out, &err);
        kc_answer(ctx, rc, &err, out, 200);
        return;
    }
    if (ctx->nseg == 4 && strcmp(ctx->seg[2], "config") == 0 &&
        strcmp(ctx->seg[3], "validate") == 0) {
        json_t *body;
        json_t *cls;

        if (!kc_method(ctx, "PUT")) {
            kc_bad_method(ctx);
            return;
        }
        body = kc_body(ctx, true);
        if (body == NULL) {
            return;
        }
        cls = json_object_get(body, "connector.class");
        if (json_is_string(cls) &&
            !kc_plugin_matches(json_string_value(cls), ctx->seg[1])) {
            kc_rest_error(ctx->resp, 400,
                          "Included connector type %s does not match request "
                          "type %s",
                          json_string_value(cls), ctx->seg[1]);
            json_decref(body);
            return;
        }
        rc = kc_herder_validate(ctx->h, ctx->seg[1], body, &out, &err);
        kc_answer(ctx, rc, &err, out, 200);
        json_decref(body);
        return;
    }
    kc_not_found(ctx);
}

/* ---- /admin/loggers ------------------------------------------------------ */

static void kc_route_admin(kc_route_ctx_t *ctx)
{
    if (ctx->nseg < 2 || strcmp(ctx->seg[1], "loggers") != 0 || ctx->nseg > 3) {
        kc_not_found(ctx);
        return;
    }
    if (ctx->nseg == 2) {
        if (!kc_method(ctx, "GET")) {
            kc_bad_method(ctx);
            return;
        }
        kc_rest_loggers_list(ctx->resp);
        return;
    }
    if (kc_method(ctx, "GET")) {
        kc_rest_loggers_get(ctx->seg[2], ctx->resp);
    } else if (kc_method(ctx, "PUT")) {
        json_t *body = kc_body(ctx, true);

        if (body == NULL) {
            return;
        }
        kc_rest_loggers_put(ctx->seg[2], body, kc_arg(ctx, "scope"), ctx->resp);
        json_decref(body);
    } else {
        kc_bad_method(ctx);
    }
}

/* ---- dispatch ------------------------------------------------------------ */

static void kc_route_root(kc_route_ctx_t *ctx)
{
    json_t *out = NULL;
    kc_error_t err;
    kc_err_t rc;

    kc_error_clear(&err);
    if (ctx->nseg == 0) {
        if (!kc_method(ctx, "GET")) {
            kc_bad_method(ctx);
            return;
        }
        rc = kc_herder_server_info(ctx->h, &out, &err);
        kc_answer(ctx, rc, &err, out, 200);
        return;
    }
    if (!kc_method(ctx, "GET")) {
        kc_bad_method(ctx);
        return;
    }
    rc = kc_herder_health(ctx->h, &out, &err);
    if (out == NULL) {
        kc_fail(ctx, rc, &err, NULL);
        return;
    }
    ctx->resp->status = rc == KC_OK ? 200 : rc == KC_AGAIN ? 503 : 500;
    ctx->resp->body = out;
}

typedef enum kc_path_rc {
    KC_PATH_OK,
    KC_PATH_TOO_DEEP,
    KC_PATH_BAD_ESCAPE,
    KC_PATH_BAD_UTF8
} kc_path_rc_t;

/*
 * Split the path into decoded segments. A segment that does not decode
 * to UTF-8 is refused, as Jetty refuses it, so that every name reaching
 * the herder is text.
 */
static kc_path_rc_t kc_split_path(kc_route_ctx_t *ctx, const char *path)
{
    const char *p = path;

    while (*p == '/') {
        p++;
    }
    while (*p != '\0') {
        const char *end = strchr(p, '/');
        size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
        char *seg;

        if (ctx->nseg == KC_REST_MAX_SEGMENTS) {
            return KC_PATH_TOO_DEEP;
        }
        seg = kc_rest_decode(p, len, false);
        if (seg == NULL) {
            return KC_PATH_BAD_ESCAPE;
        }
        ctx->seg[ctx->nseg++] = seg;
        if (!kc_utf8_valid(seg, strlen(seg))) {
            return KC_PATH_BAD_UTF8;
        }
        if (end == NULL) {
            break;
        }
        p = end + 1;
        /* A trailing slash is ignored, as Jersey does. */
    }
    return KC_PATH_OK;
}

static bool kc_args_valid(const kc_rest_request_t *req)
{
    for (size_t i = 0; i < req->nargs; i++) {
        const kc_rest_arg_t *a = &req->args[i];

        if (!kc_utf8_valid(a->key, strlen(a->key)) ||
            !kc_utf8_valid(a->value, strlen(a->value))) {
            return false;
        }
    }
    return true;
}

void kc_rest_route(kc_herder_t *h, const kc_rest_options_t *opts,
                   const kc_rest_request_t *req, kc_rest_response_t *resp)
{
    kc_route_ctx_t ctx;
    const char *first;

    memset(&ctx, 0, sizeof(ctx));
    memset(resp, 0, sizeof(*resp));
    ctx.h = h;
    ctx.req = req;
    ctx.resp = resp;
    switch (kc_split_path(&ctx, req->path != NULL ? req->path : "/")) {
    case KC_PATH_OK:
        break;
    case KC_PATH_TOO_DEEP:
        kc_not_found(&ctx);
        goto out;
    case KC_PATH_BAD_ESCAPE:
        kc_rest_error(resp, 400,
                      "Malformed percent-encoding in the request path");
        goto out;
    case KC_PATH_BAD_UTF8:
        kc_rest_error(resp, 400, "Invalid UTF-8 in the request path");
        goto out;
    }
    if (!kc_args_valid(req)) {
        kc_rest_error(resp, 400, "Invalid UTF-8 in the request query");
        goto out;
    }
    first = ctx.nseg > 0 ? ctx.seg[0] : NULL;
    if (first != NULL && strcmp(first, "admin") == 0) {
        if (opts != NULL && !opts->admin_enabled) {
            kc_not_found(&ctx);
        } else {
            kc_route_admin(&ctx);
        }
        goto out;
    }
    if (opts != NULL && !opts->public_enabled) {
        kc_not_found(&ctx);
        goto out;
    }
    if (first == NULL || (ctx.nseg == 1 && strcmp(first, "health") == 0)) {
        kc_route_root(&ctx);
    } else if (strcmp(first, "connectors") == 0) {
        if (ctx.nseg == 1) {
            if (kc_method(&ctx, "GET")) {
                kc_connectors_list(&ctx);
            } else if (kc_method(&ctx, "POST")) {
                kc_connectors_create(&ctx);
            } else {
                kc_bad_method(&ctx);
            }
        } else {
            kc_route_connector(&ctx);
        }
    } else if (strcmp(first, "connector-plugins") == 0) {
        kc_route_plugins(&ctx);
    } else {
        kc_not_found(&ctx);
    }
out:
    for (size_t i = 0; i < ctx.nseg; i++) {
        kc_free(ctx.seg[i]);
    }
}
