/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: one HTTP request through the REST router into a herder
 * stub. The input reads like a request: "METHOD TARGET\nBODY", where TARGET
 * is the raw path and query as a client sends them (percent-encoding,
 * bytes that are not UTF-8, '+' in the query). The query is split and
 * decoded as the server does (kc_collect_arg), the body is the JSON body;
 * query parameters x-sig and x-alg are passed as the signature headers of
 * the internal endpoints, and deleting a connector named "nl-..." fails
 * as on a distributed follower (forwarding without a known leader).
 *
 * The stub defines every kc_herder_* call the router makes, so the real
 * herder (and its worker) is not linked in; it holds the connectors one
 * request creates, so that names flow back out through JSON. It checks the
 * router's promises: every name and plugin it is given is UTF-8 (jansson drops
 * other strings, which once let a NULL name reach the offset store), and every
 * response is a well-formed status with a JSON body of the right shape, which
 * serialises with its content type. The
 * request log's escaping is checked on the same input: no control character may
 * survive it.
 */
#include "kc_internal.h"

#include "herder/kc_herder.h"
#include "rest/kc_rest_routes.h"
#include "util/kc_log.h"
#include "util/kc_utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_MAX_CONNS 4

static char *fz_names[FZ_MAX_CONNS];
static json_t *fz_configs[FZ_MAX_CONNS];

static void fz_need_text(const char *what, const char *s)
{
    if (s == NULL || !kc_utf8_valid(s, strlen(s))) {
        fprintf(stderr, "the router passed a %s that is not UTF-8\n", what);
        abort();
    }
}

static int fz_find(const char *name)
{
    fz_need_text("connector name", name);
    for (int i = 0; i < FZ_MAX_CONNS; i++) {
        if (fz_names[i] != NULL && strcmp(fz_names[i], name) == 0) {
            return i;
        }
    }
    return -1;
}

static kc_err_t fz_unknown(const char *name, kc_error_t *err)
{
    return kc_error_set(err, KC_ERR_NOT_FOUND, "Connector %s not found", name);
}

static json_t *fz_info(int i)
{
    json_t *o = json_object();

    /* json_string refuses text that is not UTF-8: NULL here is the bug. */
    json_t *name = json_string(fz_names[i]);

    if (name == NULL) {
        abort();
    }
    json_object_set_new(o, "name", name);
    json_object_set(o, "config", fz_configs[i]);
    json_object_set_new(o, "tasks", json_array());
    json_object_set_new(o, "type", json_string("source"));
    return o;
}

static void fz_reset(void)
{
    for (int i = 0; i < FZ_MAX_CONNS; i++) {
        kc_free(fz_names[i]);
        json_decref(fz_configs[i]);
        fz_names[i] = NULL;
        fz_configs[i] = NULL;
    }
}

kc_err_t kc_herder_list(kc_herder_t *h, unsigned expand, json_t **out,
                        kc_error_t *err)
{
    KC_UNUSED(h);
    KC_UNUSED(err);
    *out = expand != 0 ? json_object() : json_array();
    for (int i = 0; i < FZ_MAX_CONNS; i++) {
        if (fz_names[i] == NULL) {
            continue;
        }
        if (expand != 0) {
            json_t *e = json_object();

            if (expand & KC_HERDER_EXPAND_INFO) {
                json_object_set_new(e, "info", fz_info(i));
            }
            json_object_set_new(*out, fz_names[i], e);
        } else {
            json_array_append_new(*out, json_string(fz_names[i]));
        }
    }
    return KC_OK;
}

kc_err_t kc_herder_info(kc_herder_t *h, const char *name, json_t **out,
                        kc_error_t *err)
{
    int i = fz_find(name);

    KC_UNUSED(h);
    if (i < 0) {
        return fz_unknown(name, err);
    }
    *out = fz_info(i);
    return KC_OK;
}

kc_err_t kc_herder_config(kc_herder_t *h, const char *name, json_t **out,
                          kc_error_t *err)
{
    int i = fz_find(name);

    KC_UNUSED(h);
    if (i < 0) {
        return fz_unknown(name, err);
    }
    *out = json_deep_copy(fz_configs[i]);
    return KC_OK;
}

kc_err_t kc_herder_put_config(kc_herder_t *h, const char *name, json_t *config,
                              bool allow_replace, const char *initial_state,
                              bool *created, json_t **out, kc_error_t *err)
{
    int i = fz_find(name);

    KC_UNUSED(h);
    if (initial_state != NULL) {
        fz_need_text("initial state", initial_state);
    }
    if (!json_is_object(config)) {
        return kc_error_set(err, KC_ERR_INVALID, "config is not an object");
    }
    if (*name == '\0') {
        *out = json_pack("{s:i, s:s}", "error_code", 400, "message",
                         "Invalid value  for configuration name");
        return kc_error_set(err, KC_ERR_INVALID, "empty name");
    }
    if (i >= 0 && !allow_replace) {
        return kc_error_set(err, KC_ERR_CONFLICT, "Connector %s already exists",
                            name);
    }
    *created = i < 0;
    for (int j = 0; i < 0 && j < FZ_MAX_CONNS; j++) {
        if (fz_names[j] == NULL) {
            i = j;
            fz_names[j] = kc_strdup(name);
        }
    }
    if (i < 0) {
        return kc_error_set(err, KC_ERR, "the stub holds %d connectors",
                            FZ_MAX_CONNS);
    }
    json_decref(fz_configs[i]);
    fz_configs[i] = json_deep_copy(config);
    *out = fz_info(i);
    return KC_OK;
}

kc_err_t kc_herder_patch_config(kc_herder_t *h, const char *name, json_t *patch,
                                json_t **out, kc_error_t *err)
{
    int i = fz_find(name);

    KC_UNUSED(h);
    if (i < 0) {
        return fz_unknown(name, err);
    }
    if (json_is_object(patch)) {
        json_object_update(fz_configs[i], patch);
    }
    *out = fz_info(i);
    return KC_OK;
}

kc_err_t kc_herder_delete(kc_herder_t *h, const char *name, kc_error_t *err)
{
    int i = fz_find(name);

    KC_UNUSED(h);
    if (strncmp(name, "nl-", 3) == 0) {
        /* As a distributed follower: the REST layer's forwarding runs
         * (no leader known, so no network: Apache's 409s). */
        kc_error_set(err, KC_ERR_CONFLICT, "not the leader");
        err->flags =
            name[3] == 'r' ? KC_HERDER_F_REBALANCING : KC_HERDER_F_NOT_LEADER;
        return KC_ERR_CONFLICT;
    }
    if (i < 0) {
        return fz_unknown(name, err);
    }
    kc_free(fz_names[i]);
    json_decref(fz_configs[i]);
    fz_names[i] = NULL;
    fz_configs[i] = NULL;
    return KC_OK;
}

static kc_err_t fz_exists(const char *name, kc_error_t *err)
{
    return fz_find(name) >= 0 ? KC_OK : fz_unknown(name, err);
}

kc_err_t kc_herder_status(kc_herder_t *h, const char *name, json_t **out,
                          kc_error_t *err)
{
    KC_UNUSED(h);
    if (fz_exists(name, err) != KC_OK) {
        return err->code;
    }
    *out = json_pack("{s:s, s:{s:s}, s:[]}", "name", name, "connector", "state",
                     "RUNNING", "tasks");
    return *out != NULL ? KC_OK : KC_ERR;
}

kc_err_t kc_herder_tasks(kc_herder_t *h, const char *name, json_t **out,
                         kc_error_t *err)
{
    KC_UNUSED(h);
    if (fz_exists(name, err) != KC_OK) {
        return err->code;
    }
    *out = json_array();
    return KC_OK;
}

kc_err_t kc_herder_task_status(kc_herder_t *h, const char *name, int task,
                               json_t **out, kc_error_t *err)
{
    KC_UNUSED(h);
    KC_UNUSED(out);
    fz_need_text("connector name", name);
    return kc_error_set(err, KC_ERR_NOT_FOUND, "No status found for task %s-%d",
                        name, task);
}

kc_err_t kc_herder_restart(kc_herder_t *h, const char *name, bool include_tasks,
                           bool only_failed, json_t **out, kc_error_t *err)
{
    KC_UNUSED(h);
    if (fz_exists(name, err) != KC_OK) {
        return err->code;
    }
    if (include_tasks || only_failed) {
        return kc_herder_status(h, name, out, err);
    }
    return KC_OK;
}

kc_err_t kc_herder_restart_task(kc_herder_t *h, const char *name, int task,
                                kc_error_t *err)
{
    KC_UNUSED(h);
    KC_UNUSED(task);
    return fz_exists(name, err);
}

kc_err_t kc_herder_pause(kc_herder_t *h, const char *name, kc_error_t *err)
{
    KC_UNUSED(h);
    return fz_exists(name, err);
}

kc_err_t kc_herder_resume(kc_herder_t *h, const char *name, kc_error_t *err)
{
    KC_UNUSED(h);
    return fz_exists(name, err);
}

kc_err_t kc_herder_stop(kc_herder_t *h, const char *name, kc_error_t *err)
{
    KC_UNUSED(h);
    return fz_exists(name, err);
}

kc_err_t kc_herder_topics(kc_herder_t *h, const char *name, json_t **out,
                          kc_error_t *err)
{
    KC_UNUSED(h);
    KC_UNUSED(err);
    fz_need_text("connector name", name);
    *out = json_pack("{s:{s:[]}}", name, "topics");
    return *out != NULL ? KC_OK : KC_ERR;
}

kc_err_t kc_herder_topics_reset(kc_herder_t *h, const char *name,
                                kc_error_t *err)
{
    KC_UNUSED(h);
    fz_need_text("connector name", name);
    return kc_error_set(err, KC_ERR_UNSUPPORTED,
                        "Topic tracking reset is disabled.");
}

kc_err_t kc_herder_offsets(kc_herder_t *h, const char *name, json_t **out,
                           kc_error_t *err)
{
    KC_UNUSED(h);
    if (fz_exists(name, err) != KC_OK) {
        return err->code;
    }
    *out = json_pack("{s:[]}", "offsets");
    return KC_OK;
}

kc_err_t kc_herder_alter_offsets(kc_herder_t *h, const char *name, json_t *body,
                                 json_t **out, kc_error_t *err)
{
    KC_UNUSED(h);
    KC_UNUSED(body);
    if (fz_exists(name, err) != KC_OK) {
        return err->code;
    }
    *out = json_pack("{s:s}", "message", "altered");
    return KC_OK;
}

kc_err_t kc_herder_reset_offsets(kc_herder_t *h, const char *name, json_t **out,
                                 kc_error_t *err)
{
    return kc_herder_alter_offsets(h, name, NULL, out, err);
}

kc_err_t kc_herder_validate(kc_herder_t *h, const char *plugin, json_t *config,
                            json_t **out, kc_error_t *err)
{
    KC_UNUSED(h);
    KC_UNUSED(err);
    fz_need_text("plugin name", plugin);
    *out = json_pack("{s:s, s:i, s:[], s:O}", "name", plugin, "error_count", 0,
                     "groups", "configs", config);
    return *out != NULL ? KC_OK : KC_ERR;
}

kc_err_t kc_herder_plugins(kc_herder_t *h, bool connectors_only, json_t **out,
                           kc_error_t *err)
{
    KC_UNUSED(h);
    KC_UNUSED(connectors_only);
    KC_UNUSED(err);
    *out = json_array();
    return KC_OK;
}

kc_err_t kc_herder_plugin_config(kc_herder_t *h, const char *plugin,
                                 json_t **out, kc_error_t *err)
{
    KC_UNUSED(h);
    KC_UNUSED(out);
    fz_need_text("plugin name", plugin);
    return kc_error_set(err, KC_ERR_NOT_FOUND, "Unknown plugin %s.", plugin);
}

kc_err_t kc_herder_server_info(kc_herder_t *h, json_t **out, kc_error_t *err)
{
    KC_UNUSED(h);
    KC_UNUSED(err);
    *out = json_pack("{s:s}", "version", "fuzz");
    return KC_OK;
}

char *kc_herder_leader_url(kc_herder_t *h)
{
    KC_UNUSED(h);
    return NULL;
}

char *kc_herder_owner_url(kc_herder_t *h, const char *name, int task)
{
    KC_UNUSED(h);
    KC_UNUSED(name);
    KC_UNUSED(task);
    return NULL;
}

/* As the standalone herder; the route has read the signature headers. */
kc_err_t kc_herder_put_task_configs(kc_herder_t *h, const char *name,
                                    json_t *tasks,
                                    const struct kc_request_sig *sig,
                                    kc_error_t *err)
{
    KC_UNUSED(h);
    KC_UNUSED(sig);
    fz_need_text("connector name", name);
    if (!json_is_array(tasks)) {
        abort();
    }
    return kc_error_set(err, KC_ERR, "standalone");
}

kc_err_t kc_herder_fence_zombies(kc_herder_t *h, const char *name,
                                 const struct kc_request_sig *sig,
                                 kc_error_t *err)
{
    KC_UNUSED(h);
    KC_UNUSED(sig);
    fz_need_text("connector name", name);
    return kc_error_set(err, KC_ERR, "standalone");
}

kc_err_t kc_herder_health(kc_herder_t *h, json_t **out, kc_error_t *err)
{
    KC_UNUSED(h);
    KC_UNUSED(err);
    *out = json_pack("{s:s}", "status", "healthy");
    return KC_OK;
}

/* ---- the request ------------------------------------------------------ */

/* Split and decode the query as the server's kc_collect_arg does. */
static size_t fz_args(char *query, kc_rest_arg_t *args, size_t max)
{
    size_t n = 0;
    char *save = NULL;

    for (char *tok = strtok_r(query, "&", &save); tok != NULL && n < max;
         tok = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(tok, '=');
        char *k;
        char *v;

        if (eq != NULL) {
            *eq = '\0';
        }
        k = kc_rest_decode(tok, strlen(tok), true);
        v = eq != NULL ? kc_rest_decode(eq + 1, strlen(eq + 1), true)
                       : kc_strdup("");
        if (k == NULL || v == NULL) {
            kc_free(k);
            kc_free(v);
            continue;
        }
        args[n].key = k;
        args[n].value = v;
        n++;
    }
    return n;
}

static void fz_check_escaped(const char *s)
{
    char *safe = kc_str_escape_log(s);

    for (const unsigned char *p = (const unsigned char *)safe; *p; p++) {
        if (*p < 0x20 || *p == 0x7f) {
            fprintf(stderr, "a control character survived log escaping\n");
            abort();
        }
    }
    if (!kc_utf8_valid(safe, strlen(safe))) {
        fprintf(stderr, "log escaping left bytes that are not UTF-8\n");
        abort();
    }
    kc_free(safe);
}

static void fz_check_response(kc_rest_response_t *resp)
{
    json_t *code;
    const char *ctype;
    size_t len;

    if (resp->status < 200 || resp->status > 599) {
        fprintf(stderr, "status %d\n", resp->status);
        abort();
    }
    /* A route answers JSON, a typed non-JSON body (the console's files,
     * the metrics text) or nothing, serialised in one place; errors are
     * JSON (checked below). */
    bool typed = resp->body == NULL && resp->content_type != NULL;

    kc_rest_response_serialize(resp, &len, &ctype);
    if (resp->body != NULL
            ? ctype == NULL || strcmp(ctype, "application/json") != 0 ||
                  len == 0
        : typed ? ctype == NULL || strcmp(ctype, "application/json") == 0 ||
                      resp->status >= 400
                : ctype != NULL || len != 0) {
        fprintf(stderr, "status %d: a body without its content type\n",
                resp->status);
        abort();
    }
    if (resp->status < 400) {
        return;
    }
    code = json_object_get(resp->body, "error_code");
    if (json_integer_value(code) != resp->status ||
        !json_is_string(json_object_get(resp->body, "message"))) {
        fprintf(stderr, "error %d without Apache's error body\n", resp->status);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool quiet;
    char *text = kc_strndup((const char *)data, size);
    char *nl = strchr(text, '\n');
    char *sp;
    char *query;
    const char *method = "GET";
    const char *target = text;
    kc_rest_arg_t args[8];
    size_t nargs = 0;
    kc_rest_request_t req;
    kc_rest_response_t resp;
    kc_rest_options_t opts = {.admin_enabled = true, .public_enabled = true};

    if (!quiet) {
        /* Format every log line, write none. */
        kc_log_set_stream(fopen("/dev/null", "w"));
        quiet = true;
    }
    if (nl != NULL) {
        *nl = '\0';
    }
    sp = strchr(text, ' ');
    if (sp != NULL) {
        *sp = '\0';
        method = text;
        target = sp + 1;
    }
    fz_check_escaped(target);
    query = strchr(target, '?');
    if (query != NULL) {
        *query++ = '\0';
        nargs = fz_args(query, args, KC_ARRAY_LEN(args));
    }
    for (size_t i = 0; i < nargs; i++) {
        fz_check_escaped(args[i].key);
        fz_check_escaped(args[i].value);
    }
    memset(&req, 0, sizeof(req));
    req.method = method;
    req.path = target;
    req.args = args;
    req.nargs = nargs;
    req.content_type = "application/json";
    req.host = "fuzz:8083";
    /* x-sig / x-alg in the query stand for the signature headers. */
    for (size_t i = 0; i < nargs; i++) {
        if (strcmp(args[i].key, "x-sig") == 0) {
            req.signature = args[i].value;
        } else if (strcmp(args[i].key, "x-alg") == 0) {
            req.signature_algorithm = args[i].value;
        }
    }
    if (nl != NULL) {
        req.body = (const char *)data + (nl - text) + 1;
        req.body_len = size - (size_t)(nl - text) - 1;
    }
    kc_rest_route(NULL, &opts, &req, &resp);
    fz_check_response(&resp);
    kc_rest_response_release(&resp);
    for (size_t i = 0; i < nargs; i++) {
        kc_free((char *)args[i].key);
        kc_free((char *)args[i].value);
    }
    kc_free(text);
    /* Each input starts afresh (reproducible): no connectors, and levels
     * set through PUT /admin/loggers do not carry over. */
    kc_log_reset();
    fz_reset();
    return 0;
}
