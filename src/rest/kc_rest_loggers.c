/* SPDX-License-Identifier: Apache-2.0 */
#include "kc_internal.h"

#include "rest/kc_rest_loggers.h"
#include "util/kc_log.h"
#include "util/kc_utf8.h"

#include <pthread.h>
#include <strings.h>

#define KC_LOGGING_LOGGER "org.apache.kafka.connect.runtime.Loggers"

/*
 * The loggers kconnect's code logs under, by their Apache class names.
 * Apache lists the loggers that exist (its classes create them when they
 * load); kconnect's exist from the start, whether or not they have logged
 * yet, so they are all listed and can be set before their first line.
 * Keep in step with the LOGGER constants of the modules. Those of one mode
 * only (ConnectStandalone, the herder's class) are registered by that
 * mode's code, as Apache's distributed worker lists neither standalone
 * class. Namespaces that
 * have no class of their own ("org.apache.kafka.clients" for librdkafka's
 * lines) appear once something logs under them.
 */
static const char *const kc_builtin_loggers[] = {
    "org.apache.kafka.connect.file.FileStreamSinkConnector",
    "org.apache.kafka.connect.file.FileStreamSinkTask",
    "org.apache.kafka.connect.file.FileStreamSourceConnector",
    "org.apache.kafka.connect.file.FileStreamSourceTask",
    "org.apache.kafka.connect.runtime.Connect",
    "org.apache.kafka.connect.runtime.Loggers",
    "org.apache.kafka.connect.runtime.Worker",
    "org.apache.kafka.connect.runtime.WorkerSinkTask",
    "org.apache.kafka.connect.runtime.WorkerSourceTask",
    "org.apache.kafka.connect.runtime.errors.DeadLetterQueueReporter",
    "org.apache.kafka.connect.runtime.errors.LogReporter",
    "org.apache.kafka.connect.runtime.isolation.PluginScanner",
    "org.apache.kafka.connect.runtime.isolation.PluginUtils",
    "org.apache.kafka.connect.runtime.rest.RestServer",
    "org.apache.kafka.connect.transforms.RegexRouter",
};

static void kc_register_builtin_loggers(void)
{
    for (size_t i = 0; i < KC_ARRAY_LEN(kc_builtin_loggers); i++) {
        kc_log_register(kc_builtin_loggers[i]);
    }
}

void kc_rest_loggers_init(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;

    pthread_once(&once, kc_register_builtin_loggers);
}

static json_t *kc_logger_level_json(kc_log_level_t level, int64_t modified)
{
    json_t *o = json_object();

    json_object_set_new(o, "level", json_string(kc_log_level_name(level)));
    json_object_set_new(o, "last_modified",
                        modified > 0 ? json_integer(modified) : json_null());
    return o;
}

static void kc_list_visit(const char *logger, kc_log_level_t level,
                          int64_t modified, void *opaque)
{
    json_object_set_new((json_t *)opaque, logger,
                        kc_logger_level_json(level, modified));
}

void kc_rest_loggers_list(kc_rest_response_t *resp)
{
    json_t *out = json_object();

    kc_rest_loggers_init();
    kc_log_each_known(kc_list_visit, out);
    resp->status = 200;
    resp->body = out;
}

typedef struct kc_find_ctx {
    const char *name;
    json_t *found;
} kc_find_ctx_t;

static void kc_find_visit(const char *logger, kc_log_level_t level,
                          int64_t modified, void *opaque)
{
    kc_find_ctx_t *ctx = opaque;

    if (ctx->found == NULL && strcmp(logger, ctx->name) == 0) {
        ctx->found = kc_logger_level_json(level, modified);
    }
}

void kc_rest_loggers_get(const char *logger, kc_rest_response_t *resp)
{
    kc_find_ctx_t ctx = {strcasecmp(logger, "root") == 0 ? "root" : logger,
                         NULL};

    kc_rest_loggers_init();
    if (!kc_log_known(ctx.name)) {
        kc_rest_error(resp, 404, "Logger %s not found.", logger);
        return;
    }
    kc_log_each_known(kc_find_visit, &ctx);
    if (ctx.found == NULL) {
        kc_rest_error(resp, 404, "Logger %s not found.", logger);
        return;
    }
    resp->status = 200;
    resp->body = ctx.found;
}

typedef struct kc_ns_ctx {
    const char *ns;
    bool root;
    json_t *names;
} kc_ns_ctx_t;

/* Apache takes every current logger whose name starts with the namespace. */
static void kc_ns_visit(const char *logger, kc_log_level_t level,
                        int64_t modified, void *opaque)
{
    kc_ns_ctx_t *ctx = opaque;

    KC_UNUSED(level);
    KC_UNUSED(modified);
    if (ctx->root || strncmp(logger, ctx->ns, strlen(ctx->ns)) == 0) {
        json_array_append_new(ctx->names, json_string(logger));
    }
}

static int kc_json_str_cmp(const void *a, const void *b)
{
    return strcmp(json_string_value(*(json_t *const *)a),
                  json_string_value(*(json_t *const *)b));
}

void kc_rest_loggers_put(const char *logger, json_t *body, const char *scope,
                         kc_rest_response_t *resp)
{
    json_t *jlevel = json_object_get(body, "level");
    kc_ns_ctx_t ctx;
    kc_log_level_t level;
    const char *text;
    bool cluster = false;
    bool present = false;
    json_t **sorted;
    size_t n;

    kc_rest_loggers_init();
    if (jlevel == NULL || json_is_null(jlevel)) {
        kc_rest_error(resp, 400,
                      "Desired 'level' parameter was not specified in "
                      "request.");
        return;
    }
    text = json_is_string(jlevel) ? json_string_value(jlevel) : "";
    if (kc_log_level_parse(text, &level) != KC_OK) {
        /* Apache answers 404 here (NotFoundException). */
        kc_rest_error(resp, 404, "invalid log level '%s'.", text);
        return;
    }
    if (scope != NULL && strcasecmp(scope, "cluster") == 0) {
        cluster = true;
    } else if (scope != NULL && strcasecmp(scope, "worker") != 0) {
        char *safe = kc_str_escape_log(scope);

        kc_log_warn(KC_LOGGING_LOGGER,
                    "Received invalid scope '%s' in request to adjust "
                    "logging level; will default to worker",
                    safe);
        kc_free(safe);
    }
    if (kc_log_enabled(KC_LOG_INFO, KC_LOGGING_LOGGER)) {
        char *safe = kc_str_escape_log(logger);

        kc_log_info(KC_LOGGING_LOGGER,
                    "Setting level of namespace %s and children to %s", safe,
                    kc_log_level_name(level));
        kc_free(safe);
    }
    ctx.ns = logger;
    ctx.root = strcasecmp(logger, "root") == 0;
    ctx.names = json_array();
    kc_log_each_known(kc_ns_visit, &ctx);
    n = json_array_size(ctx.names);
    for (size_t i = 0; i < n; i++) {
        const char *name = json_string_value(json_array_get(ctx.names, i));
        kc_log_level_t cur;

        if (strcmp(name, ctx.root ? "root" : logger) == 0) {
            present = true;
        }
        /* As Apache: a logger already at that level keeps its timestamp. */
        if (kc_log_explicit_level(name, &cur) && cur == level) {
            continue;
        }
        kc_log_set_level(name, level);
    }
    if (!present) {
        kc_log_set_level(ctx.root ? "root" : logger, level);
        json_array_append_new(ctx.names,
                              json_string(ctx.root ? "root" : logger));
        n++;
    }
    if (cluster) {
        json_decref(ctx.names);
        resp->status = 204;
        return;
    }
    sorted = kc_calloc(n + 1, sizeof(*sorted));
    for (size_t i = 0; i < n; i++) {
        sorted[i] = json_array_get(ctx.names, i);
    }
    qsort(sorted, n, sizeof(*sorted), kc_json_str_cmp);
    resp->body = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append(resp->body, sorted[i]);
    }
    kc_free(sorted);
    json_decref(ctx.names);
    resp->status = 200;
}
