/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The REST routes against the real standalone herder and worker, with
 * tiny test plugins registered here and the worker's embedded Kafka: paths,
 * status codes, JSON shapes and Apache's error messages, without HTTP.
 */
#include "kc_internal.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "herder/kc_config_info.h"
#include "herder/kc_herder.h"
#include "util/kc_utf8.h"
#include "plugins/kc_registry.h"
#include "rest/kc_rest_routes.h"
#include "runtime/kc_worker.h"
#include "util/kc_log.h"
#include "kc_test_null_converter.h"
#include "kc_test_worker.h"

/* ---- test plugins -------------------------------------------------- */

/* A source whose tasks produce nothing; "slow.ms" makes poll block. */
typedef struct ts_ctx {
    kc_props_t *config;
} ts_ctx_t;

/* The last started connector's context and, when > 0, how many task
 * configs it returns: the reconfigure test drives them. */
static kc_connector_ctx_t *g_cctx;
static volatile int g_wanted;

static kc_err_t tsrc_start(void **ctx, const kc_props_t *config,
                           kc_connector_ctx_t *cctx, kc_error_t *err)
{
    ts_ctx_t *c;

    if (kc_props_get(config, "fail.start") != NULL) {
        return kc_error_set(err, KC_ERR, "connector start failed on purpose");
    }
    if (kc_props_get(config, "fail.echo") != NULL) {
        /* As a driver that quotes its (resolved) URL in an error. */
        kc_log_error("test.TestSourceConnector", "cannot reach %s",
                     kc_props_get(config, "fail.echo"));
        return kc_error_set(err, KC_ERR, "cannot reach %s",
                            kc_props_get(config, "fail.echo"));
    }
    c = kc_calloc(1, sizeof(*c));
    c->config = kc_props_copy(config);
    *ctx = c;
    g_cctx = cctx;
    return KC_OK;
}

static kc_err_t tsrc_task_configs(void *ctx, int max_tasks,
                                  kc_props_t ***configs, size_t *count,
                                  kc_error_t *err)
{
    ts_ctx_t *c = ctx;
    const char *wanted = kc_props_get(c->config, "tasks.wanted");
    int n = wanted != NULL ? atoi(wanted) : max_tasks;

    if (g_wanted > 0) {
        n = g_wanted;
    }
    *configs = kc_calloc((size_t)n + 1, sizeof(**configs));
    for (int i = 0; i < n; i++) {
        char num[16];

        snprintf(num, sizeof(num), "%d", i);
        (*configs)[i] = kc_props_new();
        kc_props_set((*configs)[i], "task.num", num);
        kc_props_set((*configs)[i], "topic", kc_props_get(c->config, "topic"));
        if (kc_props_get(c->config, "fail.task") != NULL && i == n - 1) {
            kc_props_set((*configs)[i], "fail", "yes");
        }
        if (kc_props_get(c->config, "slow.ms") != NULL) {
            kc_props_set((*configs)[i], "slow.ms",
                         kc_props_get(c->config, "slow.ms"));
        }
    }
    *count = (size_t)n;
    return KC_OK;
}

static void tsrc_stop(void *ctx)
{
    ts_ctx_t *c = ctx;

    kc_props_destroy(c->config);
    kc_free(c);
}

static void tsrc_validate(const kc_props_t *config, kc_config_result_t *result)
{
    if (kc_props_get(config, "reject") != NULL) {
        kc_config_info_add_issue(result, "reject", "rejected on purpose");
    }
}

typedef struct tt_ctx {
    int slow_ms;
} tt_ctx_t;

static kc_err_t ttask_start(void **ctx, const kc_props_t *config,
                            kc_source_task_ctx_t *tctx, kc_error_t *err)
{
    tt_ctx_t *t;

    if (kc_props_get(config, "fail") != NULL) {
        return kc_error_set(err, KC_ERR, "task start failed on purpose");
    }
    t = kc_calloc(1, sizeof(*t));
    if (kc_props_get(config, "slow.ms") != NULL) {
        t->slow_ms = atoi(kc_props_get(config, "slow.ms"));
    }
    *ctx = t;
    return KC_OK;
}

static kc_err_t ttask_poll(void *ctx, kc_batch_t *batch, kc_error_t *err)
{
    tt_ctx_t *t = ctx;

    usleep((useconds_t)(t->slow_ms > 0 ? t->slow_ms : 20) * 1000);
    return KC_OK;
}

static void ttask_stop(void *ctx)
{
    kc_free(ctx);
}

static const kc_config_def_t tsrc_def[] = {{.name = "topic",
                                            .type = KC_CFG_STRING,
                                            .importance = KC_IMPORTANCE_HIGH,
                                            .doc = "where to write",
                                            .flags = KC_CFG_F_REQUIRED},
                                           {.name = "secret",
                                            .type = KC_CFG_PASSWORD,
                                            .default_value = "changeme",
                                            .importance = KC_IMPORTANCE_LOW,
                                            .doc = "a password"},
                                           {.name = NULL}};

static const struct kc_source_task_plugin test_source_task = {
    KC_PLUGIN_INIT(struct kc_source_task_plugin),
    .name = "TestSourceTask",
    .class_name = "test.TestSourceTask",
    .version = "7",
    .config_def = empty_def,
    .start = ttask_start,
    .poll = ttask_poll,
    .stop = ttask_stop,
};

static const struct kc_connector_plugin test_source = {
    KC_PLUGIN_INIT(struct kc_connector_plugin),
    .name = "TestSource",
    .class_name = "test.TestSourceConnector",
    .version = "3",
    .config_def = tsrc_def,
    .source_task = &test_source_task,
    .start = tsrc_start,
    .task_configs = tsrc_task_configs,
    .stop = tsrc_stop,
    .validate = tsrc_validate,
};

/* ---- fixture ------------------------------------------------------------ */

typedef kc_test_worker_t fixture_t;

static int setup(void **state)
{
    static const char *const props[] = {
        "task.shutdown.graceful.timeout.ms",
        "5000",
        "config.providers",
        "file",
        "config.providers.file.class",
        "org.apache.kafka.common.config.provider.FileConfigProvider",
        NULL,
    };
    fixture_t *f = kc_calloc(1, sizeof(*f));
    const kc_test_worker_opts_t opts = {
        .dir_template = "/tmp/kc-test-rest-XXXXXX",
        .source = &test_source,
        .props = props,
        .worker_id = "test-host:8083",
        .standalone_herder = true,
    };

    kc_test_worker_init(f, &opts);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;

    kc_test_worker_fini(f);
    kc_free(f);
    return 0;
}

/* One request; the response body is returned as compact JSON text. */
typedef struct reply {
    int status;
    json_t *body;
    char *location;
} reply_t;

static reply_t call(fixture_t *f, const char *method, const char *path,
                    const char *body)
{
    kc_test_request_t tr;
    kc_rest_response_t resp;
    reply_t r;

    kc_test_request_init(&tr, method, path, "test-host:8083", body);
    kc_rest_route(f->h, NULL, &tr.req, &resp);
    r.status = resp.status;
    r.body = resp.body;
    r.location = resp.location;
    kc_test_request_release(&tr);
    return r;
}

static void reply_free(reply_t *r)
{
    json_decref(r->body);
    kc_free(r->location);
}

static const char *msg(const reply_t *r)
{
    return json_string_value(json_object_get(r->body, "message"));
}

static void assert_error(const reply_t *r, int status, const char *message)
{
    assert_int_equal(r->status, status);
    assert_int_equal(json_object_size(r->body), 2);
    assert_int_equal(json_integer_value(json_object_get(r->body, "error_code")),
                     status);
    if (message != NULL) {
        assert_string_equal(msg(r), message);
    }
}

/* A request answered with Apache's error body (see assert_error). */
static void expect_error(fixture_t *f, const char *method, const char *path,
                         const char *body, int status, const char *message)
{
    reply_t r = call(f, method, path, body);

    assert_error(&r, status, message);
    reply_free(&r);
}

static const char *state_of(json_t *st, int task)
{
    json_t *e =
        task < 0 ? json_object_get(st, "connector")
                 : json_array_get(json_object_get(st, "tasks"), (size_t)task);

    return json_string_value(json_object_get(e, "state"));
}

/* Wait until the connector and all of its @p ntasks tasks are @p state. */
static json_t *wait_state(fixture_t *f, const char *name, const char *state,
                          int ntasks)
{
    char *path = kc_asprintf("/connectors/%s/status", name);

    for (int i = 0; i < 250; i++) {
        reply_t r = call(f, "GET", path, NULL);

        if (r.status == 200 && strcmp(state_of(r.body, -1), state) == 0 &&
            (ntasks < 0 || (int)json_array_size(
                               json_object_get(r.body, "tasks")) == ntasks)) {
            bool all = true;

            for (int t = 0; t < ntasks; t++) {
                all = all && strcmp(state_of(r.body, t), state) == 0;
            }
            if (all) {
                kc_free(path);
                return r.body;
            }
        }
        reply_free(&r);
        usleep(20 * 1000);
    }
    kc_free(path);
    fail_msg("connector %s never reached %s", name, state);
    return NULL;
}

static void create(fixture_t *f, const char *name, const char *extra)
{
    char *body = kc_asprintf("{\"name\":\"%s\",\"config\":{\"connector."
                             "class\":\"TestSource\",\"topic\":\"t\"%s}}",
                             name, extra != NULL ? extra : "");
    reply_t r = call(f, "POST", "/connectors", body);

    if (r.status != 201) {
        fail_msg("create %s: %d %s", name, r.status,
                 msg(&r) != NULL ? msg(&r) : "");
    }
    reply_free(&r);
    kc_free(body);
}

/* ---- tests ------------------------------------------------------------------
 */

static void test_root(void **state)
{
    fixture_t *f = *state;
    reply_t r = call(f, "GET", "/", NULL);
    const char *key;
    json_t *v;
    const char *want[] = {"version", "commit", "kafka_cluster_id"};
    size_t i = 0;

    assert_int_equal(r.status, 200);
    json_object_foreach(r.body, key, v)
    {
        assert_true(i < 3);
        assert_string_equal(key, want[i++]);
    }
    assert_int_equal(i, 3);
    reply_free(&r);
    r = call(f, "GET", "/health", NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(json_string_value(json_object_get(r.body, "status")),
                        "healthy");
    reply_free(&r);
}

static void test_routing_errors(void **state)
{
    fixture_t *f = *state;
    reply_t r;

    expect_error(f, "GET", "/nope", NULL, 404, "HTTP 404 Not Found");
    expect_error(f, "DELETE", "/connectors", NULL, 405,
                 "HTTP 405 Method Not Allowed");
    expect_error(f, "PUT", "/connectors/x/tasks/zero/restart", NULL, 404,
                 "HTTP 404 Not Found");
    r = call(f, "POST", "/connectors", "{bad");
    assert_error(&r, 400, NULL);
    assert_non_null(strstr(msg(&r), "line 1"));
    reply_free(&r);
    expect_error(f, "POST", "/connectors", NULL, 400, NULL);
    expect_error(f, "GET", "/connectors/a%zz", NULL, 400, NULL);
    expect_error(f, "GET", "/connectors/a%00b", NULL, 400, NULL);
}

static void test_decode(void **state)
{
    char *s;

    s = kc_rest_decode("a%2Fb+c", 7, false);
    assert_string_equal(s, "a/b+c");
    kc_free(s);
    s = kc_rest_decode("a%2fb+c", 7, true);
    assert_string_equal(s, "a/b c");
    kc_free(s);
    s = kc_rest_decode("%C3%BC", 6, false);
    assert_string_equal(s, "\xc3\xbc");
    kc_free(s);
    assert_null(kc_rest_decode("%4", 2, false));
    assert_null(kc_rest_decode("%g0", 3, false));
    assert_null(kc_rest_decode("%00", 3, false));
}

static void test_lifecycle(void **state)
{
    fixture_t *f = *state;
    reply_t r;
    json_t *st;

    r = call(f, "POST", "/connectors",
             "{\"name\":\"a/b\",\"config\":{\"connector.class\":"
             "\"test.TestSourceConnector\",\"topic\":\"t\",\"tasks.max\":"
             "\"3\"}}");
    assert_int_equal(r.status, 201);
    assert_string_equal(r.location, "http://test-host:8083/connectors/a%2Fb");
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(r.body, "config"), "name")),
                        "a/b");
    assert_int_equal(json_array_size(json_object_get(r.body, "tasks")), 3);
    assert_string_equal(json_string_value(json_object_get(r.body, "type")),
                        "source");
    reply_free(&r);

    st = wait_state(f, "a%2Fb", "RUNNING", 3);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(st, "connector"), "worker_id")),
                        "test-host:8083");
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(st, "connector"), "version")),
                        "3");
    assert_string_equal(
        json_string_value(json_object_get(
            json_array_get(json_object_get(st, "tasks"), 2), "version")),
        "7");
    json_decref(st);

    /* Task configs carry task.class, as Apache's Worker adds it. */
    r = call(f, "GET", "/connectors/a%2Fb/tasks", NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(
        json_string_value(json_object_get(
            json_object_get(json_array_get(r.body, 1), "config"),
            "task.class")),
        "test.TestSourceTask");
    reply_free(&r);

    /* Fewer tasks after a config change. */
    r = call(f, "PATCH", "/connectors/a%2Fb/config", "{\"tasks.max\":2}");
    assert_int_equal(r.status, 200);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(r.body, "config"), "tasks.max")),
                        "2");
    assert_int_equal(json_array_size(json_object_get(r.body, "tasks")), 2);
    reply_free(&r);
    json_decref(wait_state(f, "a%2Fb", "RUNNING", 2));

    r = call(f, "PUT", "/connectors/a%2Fb/pause", NULL);
    assert_int_equal(r.status, 202);
    assert_null(r.body);
    reply_free(&r);
    json_decref(wait_state(f, "a%2Fb", "PAUSED", 2));

    r = call(f, "PUT", "/connectors/a%2Fb/stop", NULL);
    assert_int_equal(r.status, 204);
    reply_free(&r);
    json_decref(wait_state(f, "a%2Fb", "STOPPED", 0));
    r = call(f, "GET", "/connectors/a%2Fb", NULL);
    assert_int_equal(json_array_size(json_object_get(r.body, "tasks")), 0);
    reply_free(&r);

    r = call(f, "PUT", "/connectors/a%2Fb/resume", NULL);
    assert_int_equal(r.status, 202);
    reply_free(&r);
    json_decref(wait_state(f, "a%2Fb", "RUNNING", 2));

    r = call(f, "DELETE", "/connectors/a%2Fb", NULL);
    assert_int_equal(r.status, 204);
    reply_free(&r);
    expect_error(f, "GET", "/connectors/a%2Fb/status", NULL, 404,
                 "No status found for connector a/b");
    r = call(f, "GET", "/connectors", NULL);
    assert_int_equal(json_array_size(r.body), 0);
    reply_free(&r);
}

static void test_invalid_config(void **state)
{
    fixture_t *f = *state;
    reply_t r;

    r = call(f, "POST", "/connectors",
             "{\"name\":\"x\",\"config\":{\"connector.class\":\"TestSource\","
             "\"reject\":\"1\"}}");
    assert_error(&r, 400, NULL);
    assert_string_equal(
        msg(&r),
        "Connector configuration is invalid and contains the following 2 "
        "error(s):\nrejected on purpose\nMissing required configuration "
        "\"topic\" which has no default value.\nYou can also find the above "
        "list of errors at the endpoint "
        "`/connector-plugins/{connectorType}/config/validate`");
    reply_free(&r);

    r = call(f, "PUT", "/connectors/x/config",
             "{\"connector.class\":\"TestSource\",\"topic\":\"t\",\"name\":"
             "\"y\"}");
    assert_error(&r, 400,
                 "Connector name configuration (y) doesn't match connector "
                 "name in the URL (x)");
    reply_free(&r);

    r = call(f, "GET", "/connectors", NULL);
    assert_int_equal(json_array_size(r.body), 0);
    reply_free(&r);
}

static void test_too_many_tasks_fails_connector(void **state)
{
    fixture_t *f = *state;
    json_t *st;
    const char *trace;

    create(f, "greedy", ",\"tasks.max\":\"1\",\"tasks.wanted\":\"2\"");
    st = wait_state(f, "greedy", "FAILED", 0);
    trace = json_string_value(
        json_object_get(json_object_get(st, "connector"), "trace"));
    assert_non_null(trace);
    assert_non_null(strstr(trace, "has generated 2 tasks, which is greater "
                                  "than 1"));
    json_decref(st);
}

static void test_restart_plans(void **state)
{
    fixture_t *f = *state;
    reply_t r;
    json_t *st = NULL;

    create(f, "r", ",\"tasks.max\":\"2\",\"fail.task\":\"1\"");
    for (int i = 0; i < 250 && st == NULL; i++) {
        r = call(f, "GET", "/connectors/r/status", NULL);
        if (r.status == 200 &&
            json_array_size(json_object_get(r.body, "tasks")) == 2 &&
            strcmp(state_of(r.body, 0), "RUNNING") == 0 &&
            strcmp(state_of(r.body, 1), "FAILED") == 0) {
            st = r.body;
            r.body = NULL;
        }
        reply_free(&r);
        usleep(20 * 1000);
    }
    assert_non_null(st);
    assert_string_equal(
        json_string_value(json_object_get(
            json_array_get(json_object_get(st, "tasks"), 1), "trace")),
        "task start failed on purpose");
    json_decref(st);

    /* Plain restart: the connector only, 204. */
    r = call(f, "POST", "/connectors/r/restart", NULL);
    assert_int_equal(r.status, 204);
    assert_null(r.body);
    reply_free(&r);

    r = call(f, "POST",
             "/connectors/r/restart?includeTasks=true&onlyFailed="
             "true",
             NULL);
    assert_int_equal(r.status, 202);
    assert_string_equal(state_of(r.body, -1), "RUNNING");
    assert_string_equal(state_of(r.body, 0), "RUNNING");
    assert_string_equal(state_of(r.body, 1), "RESTARTING");
    reply_free(&r);

    r = call(f, "POST", "/connectors/r/restart?includeTasks=true", NULL);
    assert_int_equal(r.status, 202);
    assert_string_equal(state_of(r.body, -1), "RESTARTING");
    assert_string_equal(state_of(r.body, 0), "RESTARTING");
    assert_string_equal(state_of(r.body, 1), "RESTARTING");
    reply_free(&r);

    expect_error(f, "POST", "/connectors/r/tasks/9/restart", NULL, 404,
                 "Task r-9 not found");
    /* As Apache: the task starts on its own thread and fails there. */
    r = call(f, "POST", "/connectors/r/tasks/1/restart", NULL);
    assert_int_equal(r.status, 204);
    reply_free(&r);
    r = call(f, "POST", "/connectors/r/tasks/0/restart", NULL);
    assert_int_equal(r.status, 204);
    reply_free(&r);
}

static void test_failed_connector_start(void **state)
{
    fixture_t *f = *state;
    json_t *st;
    reply_t r;

    create(f, "broken", ",\"fail.start\":\"1\"");
    st = wait_state(f, "broken", "FAILED", 0);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(st, "connector"), "trace")),
                        "connector start failed on purpose");
    json_decref(st);

    /* A fixed config brings it back, with its tasks. */
    r = call(f, "PUT", "/connectors/broken/config",
             "{\"connector.class\":\"TestSource\",\"topic\":\"t\","
             "\"tasks.max\":\"2\"}");
    assert_int_equal(r.status, 200);
    reply_free(&r);
    st = wait_state(f, "broken", "RUNNING", 2);
    assert_null(json_object_get(json_object_get(st, "connector"), "trace"));
    json_decref(st);
}

static void test_offsets_need_stopped(void **state)
{
    fixture_t *f = *state;
    reply_t r;

    create(f, "o", NULL);
    r = call(f, "DELETE", "/connectors/o/offsets", NULL);
    assert_error(&r, 400,
                 "Connectors must be in the STOPPED state before their "
                 "offsets can be modified. This can be done for the "
                 "specified connector by issuing a 'PUT' request to the "
                 "'/connectors/o/stop' endpoint");
    reply_free(&r);
    r = call(f, "PATCH", "/connectors/o/offsets", "{\"offsets\":[]}");
    assert_error(&r, 400,
                 "Partitions / offsets need to be provided for an alter "
                 "offsets request");
    reply_free(&r);
}

static void test_validate_hides_passwords(void **state)
{
    fixture_t *f = *state;
    reply_t r;
    json_t *configs;
    bool seen = false;

    r = call(f, "PUT", "/connector-plugins/TestSource/config/validate",
             "{\"connector.class\":\"TestSource\",\"secret\":\"hunter2\"}");
    assert_int_equal(r.status, 200);
    assert_string_equal(json_string_value(json_object_get(r.body, "name")),
                        "TestSource");
    configs = json_object_get(r.body, "configs");
    for (size_t i = 0; i < json_array_size(configs); i++) {
        json_t *c = json_array_get(configs, i);
        json_t *def = json_object_get(c, "definition");

        if (json_is_object(def) &&
            strcmp(json_string_value(json_object_get(def, "name")), "secret") ==
                0) {
            assert_string_equal(
                json_string_value(json_object_get(def, "default_value")),
                "[hidden]");
            assert_string_equal(json_string_value(json_object_get(
                                    json_object_get(c, "value"), "value")),
                                "[hidden]");
            seen = true;
        }
    }
    assert_true(seen);
    /* "name" and "topic" are missing. */
    assert_int_equal(json_integer_value(json_object_get(r.body, "error_count")),
                     2);
    reply_free(&r);

    r = call(f, "PUT", "/connector-plugins/Other/config/validate",
             "{\"connector.class\":\"TestSource\"}");
    assert_error(&r, 400,
                 "Included connector type TestSource does not match request "
                 "type Other");
    reply_free(&r);

    r = call(f, "GET", "/connector-plugins/TestSource/config", NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(r.body, 0), "name")),
        "topic");
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(r.body, 1), "name")),
        "secret");
    reply_free(&r);
    expect_error(f, "GET", "/connector-plugins/Nope/config", NULL, 404,
                 "Unknown plugin Nope.");

    r = call(f, "GET", "/connector-plugins", NULL);
    assert_int_equal(r.status, 200);
    assert_int_equal(json_array_size(r.body), 1);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(r.body, 0), "class")),
        "test.TestSourceConnector");
    reply_free(&r);
    r = call(f, "GET", "/connector-plugins?connectorsOnly=false", NULL);
    assert_int_equal(json_array_size(r.body), 2);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(r.body, 1), "type")),
        "converter");
    reply_free(&r);
}

/* ---- hostile names and secrets ------------------------------------ */

static void test_invalid_utf8_in_path_or_query_is_400(void **state)
{
    fixture_t *f = *state;
    reply_t r;

    r = call(f, "PUT", "/connectors/ab%FFcd/config",
             "{\"connector.class\":\"TestSource\",\"topic\":\"t\"}");
    assert_error(&r, 400, "Invalid UTF-8 in the request path");
    reply_free(&r);
    expect_error(f, "GET", "/connectors/ab%C3", NULL, 400,
                 "Invalid UTF-8 in the request path");
    /* An overlong '/' and a UTF-16 surrogate are not UTF-8 either. */
    expect_error(f, "DELETE", "/connectors/%C0%AF", NULL, 400,
                 "Invalid UTF-8 in the request path");
    expect_error(f, "GET", "/connectors/%ED%A0%80/status", NULL, 400,
                 "Invalid UTF-8 in the request path");
    expect_error(f, "GET", "/connectors?expand=\xff", NULL, 400,
                 "Invalid UTF-8 in the request query");
    r = call(f, "GET", "/connectors", NULL);
    assert_int_equal(r.status, 200);
    assert_int_equal(json_array_size(r.body), 0);
    reply_free(&r);
}

/* A parse error that quotes a token cut inside a UTF-8 sequence still
 * gets Apache's error body (json_string refuses invalid UTF-8, which left
 * the message out; found by fuzz_rest_routes). */
static void test_parse_error_quoting_broken_utf8_keeps_error_body(void **state)
{
    fixture_t *f = *state;
    reply_t r = call(f, "POST", "/connectors",
                     "{\"name\":\"!\",\"confGE\\u008\xc2\x9b\xc2i");
    const char *m;

    assert_error(&r, 400, NULL);
    m = msg(&r);
    assert_non_null(m);
    assert_true(kc_utf8_valid(m, strlen(m)));
    reply_free(&r);
}

/* The gate for connector files, which do not come through the router. */
static void test_herder_refuses_non_utf8_name(void **state)
{
    fixture_t *f = *state;
    json_t *cfg =
        json_pack("{s:s, s:s}", "connector.class", "TestSource", "topic", "t");
    json_t *out = NULL;
    bool created = false;
    kc_error_t err;
    reply_t r;

    kc_error_clear(&err);
    assert_int_equal(kc_herder_put_config(f->h,
                                          "ab\xff"
                                          "cd",
                                          cfg, false, NULL, &created, &out,
                                          &err),
                     KC_ERR_INVALID);
    assert_string_equal(err.msg, "Connector name must be valid UTF-8");
    assert_false(created);
    json_decref(out);
    json_decref(cfg);
    r = call(f, "GET", "/connectors", NULL);
    assert_int_equal(json_array_size(r.body), 0);
    reply_free(&r);
}

static void test_name_outside_bmp_is_accepted(void **state)
{
    fixture_t *f = *state;
    reply_t r;

    /* U+1F600: its UTF-8 holds the bytes 0x9F and 0x80. */
    r = call(f, "POST", "/connectors",
             "{\"name\":\"smile-\xf0\x9f\x98\x80\",\"config\":{"
             "\"connector.class\":\"TestSource\",\"topic\":\"t\"}}");
    assert_int_equal(r.status, 201);
    assert_string_equal(r.location,
                        "http://test-host:8083/connectors/smile-%F0%9F%98%80");
    reply_free(&r);
    r = call(f, "PUT", "/connectors/%F0%9F%98%80%F0%9F%98%80/config",
             "{\"connector.class\":\"TestSource\",\"topic\":\"t\"}");
    assert_int_equal(r.status, 201);
    reply_free(&r);
    r = call(f, "GET", "/connectors", NULL);
    assert_int_equal(json_array_size(r.body), 2);
    assert_string_equal(json_string_value(json_array_get(r.body, 0)),
                        "smile-\xf0\x9f\x98\x80");
    assert_string_equal(json_string_value(json_array_get(r.body, 1)),
                        "\xf0\x9f\x98\x80\xf0\x9f\x98\x80");
    reply_free(&r);
    r = call(f, "GET", "/connectors/smile-%F0%9F%98%80/status", NULL);
    assert_int_equal(r.status, 200);
    reply_free(&r);
}

static void test_name_rules_follow_apache(void **state)
{
    fixture_t *f = *state;
    static const struct {
        const char *json_name;
        const char *error;
    } cases[] = {
        {"a\\nb\\u001bc",
         "Invalid value a\nb\x1b"
         "c for configuration name: String may not "
         "contain control sequences but had the following ASCII chars: 10, "
         "27"},
        /* Java's trim drops control characters at either end first. */
        {"\\u0007\\u007f\\u0000",
         "Invalid value \x7f for configuration name: String may not contain "
         "control sequences but had the following ASCII chars: 127"},
        /* U+0085 (NEL) is a C1 control character. */
        {"x\\u0085y",
         "Invalid value x\xc2\x85y for configuration name: String may not "
         "contain control sequences but had the following ASCII chars: "
         "133"},
        {"   ", "Invalid value  for configuration name: String may not be "
                "empty"},
    };

    for (size_t i = 0; i < KC_ARRAY_LEN(cases); i++) {
        char *body = kc_asprintf("{\"name\":\"%s\",\"config\":{\"connector."
                                 "class\":\"TestSource\",\"topic\":\"t\"}}",
                                 cases[i].json_name);
        reply_t r = call(f, "POST", "/connectors", body);

        assert_int_equal(r.status, 400);
        if (strstr(msg(&r), cases[i].error) == NULL) {
            fail_msg("case %zu: %s", i, msg(&r));
        }
        reply_free(&r);
        kc_free(body);
    }
    /* A name is trimmed (POST) and '/' is allowed, as in Apache. */
    {
        reply_t r = call(f, "POST", "/connectors",
                         "{\"name\":\" a/b \",\"config\":{\"connector."
                         "class\":\"TestSource\",\"topic\":\"t\"}}");

        assert_int_equal(r.status, 201);
        assert_string_equal(r.location,
                            "http://test-host:8083/connectors/a%2Fb");
        reply_free(&r);
        r = call(f, "GET", "/connectors/a%2Fb", NULL);
        assert_int_equal(r.status, 200);
        reply_free(&r);
    }
}

/* True if @p needle occurs in any string (or key) of @p doc. */
static bool json_mentions(json_t *doc, const char *needle)
{
    char *text = json_dumps(doc, JSON_ENCODE_ANY);
    bool found = text != NULL && strstr(text, needle) != NULL;

    free(text); /* jansson's allocator */
    return found;
}

static void test_no_route_shows_resolved_provider_values(void **state)
{
    fixture_t *f = *state;
    char *secrets = kc_asprintf("%s/secrets.properties", f->dir);
    FILE *fp = fopen(secrets, "w");
    char *ref;
    char *bad_ref;
    char *body;
    reply_t r;
    static const char *const paths[] = {
        "/connectors/s",
        "/connectors/s/config",
        "/connectors/s/tasks",
        "/connectors/s/status",
        "/connectors/s/tasks/0/status",
        "/connectors?expand=info",
        "/connectors?expand=status&expand=info",
    };

    assert_non_null(fp);
    fputs("topic=topic-S3CR3T\nmax=9-S3CR3T\n", fp);
    fclose(fp);
    ref = kc_asprintf("${file:%s:topic}", secrets);
    bad_ref = kc_asprintf("${file:%s:max}", secrets);

    body = kc_asprintf("{\"name\":\"s\",\"config\":{\"connector.class\":"
                       "\"TestSource\",\"topic\":\"%s\"}}",
                       ref);
    r = call(f, "POST", "/connectors", body);
    assert_int_equal(r.status, 201);
    assert_false(json_mentions(r.body, "S3CR3T"));
    reply_free(&r);
    kc_free(body);
    json_decref(wait_state(f, "s", "RUNNING", 1));

    for (size_t i = 0; i < KC_ARRAY_LEN(paths); i++) {
        r = call(f, "GET", paths[i], NULL);
        assert_int_equal(r.status, 200);
        if (json_mentions(r.body, "S3CR3T")) {
            fail_msg("%s shows the resolved value", paths[i]);
        }
        reply_free(&r);
    }
    /* The task config shows the reference (Apache's reverseTransform). */
    r = call(f, "GET", "/connectors/s/tasks", NULL);
    assert_string_equal(
        json_string_value(json_object_get(
            json_object_get(json_array_get(r.body, 0), "config"), "topic")),
        ref);
    reply_free(&r);
    /* Removed in Apache 4.0: an unknown path. */
    expect_error(f, "GET", "/connectors/s/tasks-config", NULL, 404,
                 "HTTP 404 Not Found");

    /* validate: values and error messages keep the reference. */
    body = kc_asprintf("{\"connector.class\":\"TestSource\",\"topic\":"
                       "\"%s\",\"tasks.max\":\"%s\"}",
                       ref, bad_ref);
    r = call(f, "PUT", "/connector-plugins/TestSource/config/validate", body);
    assert_int_equal(r.status, 200);
    assert_true(json_integer_value(json_object_get(r.body, "error_count")) > 0);
    assert_false(json_mentions(r.body, "S3CR3T"));
    reply_free(&r);
    kc_free(body);
    /* ... and so does the 400 of a create that fails validation. */
    body = kc_asprintf("{\"connector.class\":\"TestSource\",\"topic\":"
                       "\"%s\",\"tasks.max\":\"%s\"}",
                       ref, bad_ref);
    r = call(f, "PUT", "/connectors/s2/config", body);
    assert_int_equal(r.status, 400);
    assert_false(json_mentions(r.body, "S3CR3T"));
    assert_non_null(strstr(msg(&r), bad_ref));
    reply_free(&r);
    kc_free(body);

    kc_free(ref);
    kc_free(bad_ref);
    kc_free(secrets);
}

/* A failure message that quotes a resolved value: status and log hide it. */
static void test_failure_trace_hides_provider_values(void **state)
{
    fixture_t *f = *state;
    char *secrets = kc_asprintf("%s/secrets.properties", f->dir);
    FILE *fp = fopen(secrets, "w");
    char *log = NULL;
    size_t loglen = 0;
    FILE *logfp;
    char *body;
    json_t *st;
    const char *trace;

    assert_non_null(fp);
    fputs("url=db://user:pa55w0rd@host\n", fp);
    fclose(fp);
    logfp = open_memstream(&log, &loglen);
    kc_log_set_stream(logfp);
    body = kc_asprintf("{\"name\":\"e\",\"config\":{\"connector.class\":"
                       "\"TestSource\",\"topic\":\"t\",\"fail.echo\":"
                       "\"${file:%s:url}\"}}",
                       secrets);
    {
        reply_t r = call(f, "POST", "/connectors", body);

        assert_int_equal(r.status, 201);
        reply_free(&r);
    }
    st = wait_state(f, "e", "FAILED", -1);
    trace = json_string_value(
        json_object_get(json_object_get(st, "connector"), "trace"));
    assert_non_null(trace);
    assert_null(strstr(trace, "pa55w0rd"));
    assert_non_null(strstr(trace, "cannot reach ${file:"));
    json_decref(st);
    kc_log_set_stream(NULL);
    fclose(logfp);
    assert_non_null(strstr(log, "cannot reach ${file:"));
    if (strstr(log, "pa55w0rd") != NULL) {
        fail_msg("the log shows the resolved value:\n%s", log);
    }
    free(log);
    kc_free(body);
    kc_free(secrets);
}

/* A herder busy stopping slow tasks: calls time out, status answers. */
static void test_timeout_while_busy(void **state)
{
    fixture_t *f = *state;
    reply_t r;
    kc_error_t err;
    json_t *out = NULL;
    struct timespec t0;
    struct timespec t1;
    kc_err_t rc;

    create(f, "slow", ",\"slow.ms\":\"1500\"");
    json_decref(wait_state(f, "slow", "RUNNING", 1));
    usleep(100 * 1000); /* the task is now inside a long poll */
    kc_herder_set_timeout(f->h, 200);
    /* The stop waits for the task's poll to return. */
    expect_error(f, "PUT", "/connectors/slow/stop", NULL, 500,
                 "Request timed out");
    clock_gettime(CLOCK_MONOTONIC, &t0);
    r = call(f, "GET", "/connectors/slow/status", NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_int_equal(r.status, 200);
    assert_true((t1.tv_sec - t0.tv_sec) * 1000 +
                    (t1.tv_nsec - t0.tv_nsec) / 1000000 <
                100);
    reply_free(&r);
    rc = kc_herder_info(f->h, "slow", &out, &err);
    assert_int_equal(rc, KC_ERR_TIMEOUT);
    assert_null(out);
    kc_herder_set_timeout(f->h, 90000);
    json_decref(wait_state(f, "slow", "STOPPED", 0));
}

/* A connector that asks for a reconfiguration gets new tasks. */
static void test_connector_requests_reconfigure(void **state)
{
    fixture_t *f = *state;
    reply_t r;

    g_wanted = 1;
    create(f, "rc", ",\"tasks.max\":\"4\"");
    json_decref(wait_state(f, "rc", "RUNNING", 1));
    g_wanted = 3;
    kc_connector_request_reconfigure(g_cctx);
    json_decref(wait_state(f, "rc", "RUNNING", 3));
    r = call(f, "GET", "/connectors/rc/tasks", NULL);
    assert_int_equal(json_array_size(r.body), 3);
    assert_string_equal(
        json_string_value(json_object_get(
            json_object_get(json_array_get(r.body, 2), "config"), "task.num")),
        "2");
    reply_free(&r);
    g_wanted = 0;
}

/*
 * A reconfiguration request reaches the herder as an op, in order with
 * the calls: one made after it already sees the new tasks (the herder
 * has no polling tick to wait for).
 */
static void test_reconfigure_request_is_served_before_later_calls(void **state)
{
    fixture_t *f = *state;
    kc_error_t err;
    json_t *out = NULL;

    g_wanted = 1;
    create(f, "rq", ",\"tasks.max\":\"4\"");
    json_decref(wait_state(f, "rq", "RUNNING", 1));
    g_wanted = 2;
    kc_connector_request_reconfigure(g_cctx);
    assert_int_equal(kc_herder_tasks(f->h, "rq", &out, &err), KC_OK);
    assert_int_equal(json_array_size(out), 2);
    json_decref(out);
    g_wanted = 0;
}

/* A caller that timed out has gone: the next call gets its own answer. */
static void test_timed_out_caller_never_gets_a_stale_reply(void **state)
{
    fixture_t *f = *state;
    kc_error_t err;
    json_t *out = NULL;

    create(f, "stale", ",\"slow.ms\":\"1000\"");
    json_decref(wait_state(f, "stale", "RUNNING", 1));
    usleep(100 * 1000); /* the task is now inside a long poll */
    kc_herder_set_timeout(f->h, 100);
    /* The stop waits for the task's slow poll: both calls time out and
     * their replies come back later, with nobody waiting. */
    assert_int_equal(kc_herder_stop(f->h, "stale", &err), KC_ERR_TIMEOUT);
    assert_int_equal(kc_herder_info(f->h, "stale", &out, &err), KC_ERR_TIMEOUT);
    assert_null(out);
    kc_herder_set_timeout(f->h, 90000);
    assert_int_equal(kc_herder_config(f->h, "stale", &out, &err), KC_OK);
    /* The config object, not the info the timed-out call asked for. */
    assert_non_null(json_object_get(out, "connector.class"));
    assert_null(json_object_get(out, "tasks"));
    json_decref(out);
    json_decref(wait_state(f, "stale", "STOPPED", 0));
}

static void test_loggers(void **state)
{
    fixture_t *f = *state;
    reply_t r;

    kc_log_register("test.logging.Alpha");
    kc_log_register("test.logging.alpha.Beta");
    kc_log_register("test.other");
    r = call(f, "GET", "/admin/loggers/test.logging.Alpha", NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(json_string_value(json_object_get(r.body, "level")),
                        kc_log_level_name(kc_log_effective_level("root")));
    assert_true(json_is_null(json_object_get(r.body, "last_modified")));
    reply_free(&r);

    r = call(f, "PUT", "/admin/loggers/test.logging", "{\"level\":\"trace\"}");
    assert_int_equal(r.status, 200);
    /* Every known logger under the prefix, plus the namespace, sorted. */
    assert_int_equal(json_array_size(r.body), 3);
    assert_string_equal(json_string_value(json_array_get(r.body, 0)),
                        "test.logging");
    assert_string_equal(json_string_value(json_array_get(r.body, 1)),
                        "test.logging.Alpha");
    assert_string_equal(json_string_value(json_array_get(r.body, 2)),
                        "test.logging.alpha.Beta");
    reply_free(&r);
    assert_int_equal(kc_log_effective_level("test.logging.alpha.Beta"),
                     KC_LOG_TRACE);
    assert_int_equal(kc_log_effective_level("test.other"),
                     kc_log_effective_level("root"));

    r = call(f, "GET", "/admin/loggers", NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(
        json_string_value(json_object_get(
            json_object_get(r.body, "test.logging.Alpha"), "level")),
        "TRACE");
    assert_true(json_is_integer(json_object_get(
        json_object_get(r.body, "test.logging.Alpha"), "last_modified")));
    assert_non_null(json_object_get(r.body, "root"));
    reply_free(&r);

    r = call(f, "PUT", "/admin/loggers/test.x?scope=cluster",
             "{\"level\":\"ERROR\"}");
    assert_int_equal(r.status, 204);
    assert_null(r.body);
    reply_free(&r);
    assert_int_equal(kc_log_effective_level("test.x"), KC_LOG_ERROR);

    expect_error(f, "GET", "/admin/loggers/never.seen", NULL, 404,
                 "Logger never.seen not found.");
    expect_error(f, "PUT", "/admin/loggers/x", "{\"level\":\"LOUD\"}", 404,
                 "invalid log level 'LOUD'.");
    r = call(f, "PUT", "/admin/loggers/x", "{}");
    assert_error(&r, 400,
                 "Desired 'level' parameter was not specified in request.");
    reply_free(&r);
    kc_log_reset();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_root, setup, teardown),
        cmocka_unit_test_setup_teardown(test_routing_errors, setup, teardown),
        cmocka_unit_test(test_decode),
        cmocka_unit_test_setup_teardown(test_lifecycle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalid_config, setup, teardown),
        cmocka_unit_test_setup_teardown(test_too_many_tasks_fails_connector,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_restart_plans, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_connector_start, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_offsets_need_stopped, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_validate_hides_passwords, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_timeout_while_busy, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_connector_requests_reconfigure,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_reconfigure_request_is_served_before_later_calls, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_timed_out_caller_never_gets_a_stale_reply, setup, teardown),
        cmocka_unit_test_setup_teardown(test_loggers, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_invalid_utf8_in_path_or_query_is_400, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_parse_error_quoting_broken_utf8_keeps_error_body, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_herder_refuses_non_utf8_name,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_name_outside_bmp_is_accepted,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_name_rules_follow_apache, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_no_route_shows_resolved_provider_values, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_failure_trace_hides_provider_values, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
