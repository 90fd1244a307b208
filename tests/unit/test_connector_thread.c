/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Connector start and task_configs run on the connector's own thread, not
 * the herder's: a test connector whose start (or task_configs) blocks on
 * a gate the test opens shows that the herder keeps answering meanwhile,
 * that a delete during the start is answered (the instance is abandoned
 * after Apache's 5 s graceful timeout and stopped when its start returns),
 * and that the result of a start whose instance was replaced is dropped.
 */
#include "kc_internal.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include "herder/kc_herder.h"
#include "plugins/kc_registry.h"
#include "runtime/kc_worker.h"
#include "util/kc_clock.h"
#include "kc_test_null_converter.h"
#include "kc_test_worker.h"

/* A bound on every wait, so a broken build fails instead of hanging. */
#define WAIT_MS 60000

/* ---- the gate a blocking connector waits on -------------------------- */

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_cond = PTHREAD_COND_INITIALIZER;
static bool g_open;   /* blocked calls may return */
static int g_entered; /* blocking calls that began */
static int g_stopped; /* plugin stops */
static int g_started; /* plugin starts that returned OK */

static void gate_reset(void)
{
    pthread_mutex_lock(&g_lock);
    g_open = false;
    g_entered = 0;
    g_stopped = 0;
    g_started = 0;
    pthread_mutex_unlock(&g_lock);
}

static void gate_open(void)
{
    pthread_mutex_lock(&g_lock);
    g_open = true;
    pthread_cond_broadcast(&g_cond);
    pthread_mutex_unlock(&g_lock);
}

/* Called by the plugin: note the call, wait for the gate. */
static void gate_pass(void)
{
    pthread_mutex_lock(&g_lock);
    g_entered++;
    pthread_cond_broadcast(&g_cond);
    while (!g_open) {
        pthread_cond_wait(&g_cond, &g_lock);
    }
    pthread_mutex_unlock(&g_lock);
}

/* Wait until *@p counter reaches @p n (bounded: see WAIT_MS). */
static void wait_count(int *counter, int n)
{
    struct timespec ts;
    bool ok;

    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += WAIT_MS / 1000;
    pthread_mutex_lock(&g_lock);
    while (*counter < n &&
           pthread_cond_timedwait(&g_cond, &g_lock, &ts) != ETIMEDOUT) {
    }
    ok = *counter >= n;
    pthread_mutex_unlock(&g_lock);
    assert_true(ok);
}

/* ---- the test connector --------------------------------------------- */

typedef struct bc_ctx {
    bool block_tasks;
} bc_ctx_t;

static kc_err_t bc_start(void **ctx, const kc_props_t *config,
                         kc_connector_ctx_t *cctx, kc_error_t *err)
{
    bc_ctx_t *c;

    (void)cctx;
    (void)err;
    if (kc_props_get(config, "block.start") != NULL) {
        gate_pass();
    }
    c = kc_calloc(1, sizeof(*c));
    c->block_tasks = kc_props_get(config, "block.tasks") != NULL;
    *ctx = c;
    pthread_mutex_lock(&g_lock);
    g_started++;
    pthread_cond_broadcast(&g_cond);
    pthread_mutex_unlock(&g_lock);
    return KC_OK;
}

static kc_err_t bc_task_configs(void *ctx, int max_tasks, kc_props_t ***configs,
                                size_t *count, kc_error_t *err)
{
    bc_ctx_t *c = ctx;

    (void)max_tasks;
    (void)err;
    if (c->block_tasks) {
        gate_pass();
    }
    *configs = kc_calloc(1, sizeof(**configs));
    (*configs)[0] = kc_props_new();
    *count = 1;
    return KC_OK;
}

static void bc_stop(void *ctx)
{
    kc_free(ctx);
    pthread_mutex_lock(&g_lock);
    g_stopped++;
    pthread_cond_broadcast(&g_cond);
    pthread_mutex_unlock(&g_lock);
}

static kc_err_t bt_start(void **ctx, const kc_props_t *config,
                         kc_source_task_ctx_t *tctx, kc_error_t *err)
{
    (void)config;
    (void)tctx;
    (void)err;
    *ctx = kc_calloc(1, 1);
    return KC_OK;
}

static kc_err_t bt_poll(void *ctx, kc_batch_t *batch, kc_error_t *err)
{
    (void)ctx;
    (void)batch;
    (void)err;
    usleep(20 * 1000);
    return KC_OK;
}

static void bt_stop(void *ctx)
{
    kc_free(ctx);
}

static const struct kc_source_task_plugin block_task = {
    KC_PLUGIN_INIT(struct kc_source_task_plugin),
    .name = "BlockTask",
    .class_name = "test.BlockTask",
    .version = "1",
    .config_def = empty_def,
    .start = bt_start,
    .poll = bt_poll,
    .stop = bt_stop,
};

static const struct kc_connector_plugin block_source = {
    KC_PLUGIN_INIT(struct kc_connector_plugin),
    .name = "BlockSource",
    .class_name = "test.BlockSourceConnector",
    .version = "1",
    .config_def = empty_def,
    .source_task = &block_task,
    .start = bc_start,
    .task_configs = bc_task_configs,
    .stop = bc_stop,
};

/* ---- fixture ---------------------------------------------------------- */

typedef kc_test_worker_t fixture_t;

static int setup(void **state)
{
    fixture_t *f = kc_calloc(1, sizeof(*f));
    const kc_test_worker_opts_t opts = {
        .dir_template = "/tmp/kc-test-cthread-XXXXXX",
        .source = &block_source,
        .standalone_herder = true,
    };

    gate_reset();
    kc_test_worker_init(f, &opts);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;

    gate_open(); /* nothing may stay blocked */
    kc_test_worker_fini(f);
    kc_free(f);
    return 0;
}

static json_t *config_of(const char *block_key)
{
    json_t *c = json_object();

    json_object_set_new(c, "connector.class",
                        json_string("test.BlockSourceConnector"));
    json_object_set_new(c, "tasks.max", json_string("1"));
    if (block_key != NULL) {
        json_object_set_new(c, block_key, json_string("yes"));
    }
    return c;
}

/* A PUT made from a thread of its own, since it waits for the start. */
typedef struct put_call {
    pthread_t thread;
    kc_herder_t *h;
    const char *name;
    json_t *config;
    kc_err_t rc;
    json_t *out;
    kc_error_t err;
} put_call_t;

static void *put_main(void *arg)
{
    put_call_t *p = arg;

    p->rc = kc_herder_put_config(p->h, p->name, p->config, true, NULL, NULL,
                                 &p->out, &p->err);
    return NULL;
}

static void put_begin(put_call_t *p, kc_herder_t *h, const char *name,
                      json_t *config)
{
    memset(p, 0, sizeof(*p));
    p->h = h;
    p->name = name;
    p->config = config;
    assert_int_equal(pthread_create(&p->thread, NULL, put_main, p), 0);
}

static void put_end(put_call_t *p)
{
    pthread_join(p->thread, NULL);
    json_decref(p->config);
}

static size_t list_size(kc_herder_t *h)
{
    json_t *out = NULL;
    kc_error_t err;
    size_t n;

    assert_int_equal(kc_herder_list(h, 0, &out, &err), KC_OK);
    n = json_array_size(out);
    json_decref(out);
    return n;
}

static size_t info_tasks(json_t *info)
{
    return json_array_size(json_object_get(info, "tasks"));
}

/* Put @p name with no blocking key: it must start with its one task. */
static void put_unblocked(kc_herder_t *h, const char *name)
{
    json_t *config = config_of(NULL);
    json_t *out = NULL;
    kc_error_t err;

    assert_int_equal(
        kc_herder_put_config(h, name, config, true, NULL, NULL, &out, &err),
        KC_OK);
    assert_int_equal(info_tasks(out), 1);
    json_decref(out);
    json_decref(config);
}

/* Wait for the put begun by put_begin and check its answer. */
static void put_end_expect(put_call_t *p, kc_err_t rc, size_t tasks)
{
    put_end(p);
    assert_int_equal(p->rc, rc);
    assert_int_equal(info_tasks(p->out), tasks);
    json_decref(p->out);
}

/* Put "slow" with @p block_key from a thread of its own, with the
 * herder's calls bounded meanwhile, and wait until the plugin blocks. */
static void put_slow(put_call_t *p, kc_herder_t *h, const char *block_key)
{
    kc_herder_set_timeout(h, 20000);
    put_begin(p, h, "slow", config_of(block_key));
    wait_count(&g_entered, 1);
}

/* ---- tests ------------------------------------------------------------ */

/*
 * While one connector's start blocks, the herder answers: the list (with
 * infos), the blocked connector's info, and a put of another connector
 * that starts and gets its task. The blocked put completes, with its
 * task, once the start returns.
 */
static void test_herder_answers_while_connector_start_blocks(void **state)
{
    fixture_t *f = *state;
    put_call_t slow;
    json_t *out = NULL;
    kc_error_t err;

    /* Before the fix each call below waited for the herder thread: bound
     * them so that shows as a failure, not a hang. */
    put_slow(&slow, f->h, "block.start");

    assert_int_equal(list_size(f->h), 1);
    assert_int_equal(kc_herder_list(f->h, KC_HERDER_EXPAND_INFO, &out, &err),
                     KC_OK);
    assert_non_null(json_object_get(out, "slow"));
    json_decref(out);
    out = NULL;
    assert_int_equal(kc_herder_info(f->h, "slow", &out, &err), KC_OK);
    assert_int_equal(info_tasks(out), 0);
    json_decref(out);
    put_unblocked(f->h, "quick");
    assert_int_equal(list_size(f->h), 2);

    gate_open();
    put_end_expect(&slow, KC_OK, 1);
}

/*
 * The same while task_configs blocks (a reconfiguration asking a slow
 * database): other connectors are served.
 */
static void test_herder_answers_while_task_configs_blocks(void **state)
{
    fixture_t *f = *state;
    put_call_t slow;

    put_slow(&slow, f->h, "block.tasks");
    put_unblocked(f->h, "quick");
    gate_open();
    put_end_expect(&slow, KC_OK, 1);
}

/*
 * A delete while the start blocks is answered: the instance is abandoned
 * after the graceful timeout, the waiting put learns the connector is
 * gone, and once the start returns the instance is stopped by its own
 * thread. The name can be used again at once.
 */
static void test_delete_while_connector_start_blocks(void **state)
{
    fixture_t *f = *state;
    put_call_t slow;
    json_t *out = NULL;
    kc_error_t err;

    put_slow(&slow, f->h, "block.start");

    assert_int_equal(kc_herder_delete(f->h, "slow", &err), KC_OK);
    assert_int_equal(list_size(f->h), 0);
    put_end(&slow);
    assert_int_equal(slow.rc, KC_ERR_NOT_FOUND);
    assert_null(slow.out);

    /* Re-created meanwhile: the abandoned start must not touch it. */
    put_unblocked(f->h, "slow");

    gate_open();
    /* The abandoned instance is stopped once its start returns. */
    wait_count(&g_stopped, 1);
    assert_int_equal(list_size(f->h), 1);
    assert_int_equal(kc_herder_info(f->h, "slow", &out, &err), KC_OK);
    assert_int_equal(info_tasks(out), 1);
    json_decref(out);
}

/*
 * PUT .../stop while the start blocks: answered once the instance is
 * abandoned; the waiting put gets the (stopped) connector's info, and the
 * connector is STOPPED, not moved by the start that returns later.
 */
static void test_stop_while_connector_start_blocks(void **state)
{
    fixture_t *f = *state;
    put_call_t slow;
    json_t *out = NULL;
    kc_error_t err;

    put_slow(&slow, f->h, "block.start");
    assert_int_equal(kc_herder_stop(f->h, "slow", &err), KC_OK);
    put_end_expect(&slow, KC_OK, 0);
    gate_open();
    wait_count(&g_stopped, 1);
    assert_int_equal(kc_herder_status(f->h, "slow", &out, &err), KC_OK);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(out, "connector"), "state")),
                        "STOPPED");
    json_decref(out);
}

/*
 * Shutting down while a start blocks ends: the instance is abandoned
 * after the graceful timeout (Apache's 5 s), the waiting put is answered,
 * and the abandoned instance is stopped when its start returns.
 */
static void test_shutdown_while_connector_start_blocks(void **state)
{
    fixture_t *f = *state;
    put_call_t slow;

    put_begin(&slow, f->h, "slow", config_of("block.start"));
    wait_count(&g_entered, 1);
    kc_herder_destroy(f->h);
    f->h = NULL;
    put_end(&slow);
    assert_int_equal(slow.rc, KC_ERR);
    assert_non_null(strstr(slow.err.msg, "Herder is stopping"));
    gate_open();
    wait_count(&g_stopped, 1);
    assert_int_equal(g_started, 1);
}

/* A done function that keeps the result for the test to commit. */
static void keep_result(void *opaque, kc_connector_result_t *res)
{
    pthread_mutex_lock(&g_lock);
    *(kc_connector_result_t **)opaque = res;
    pthread_cond_broadcast(&g_cond);
    pthread_mutex_unlock(&g_lock);
}

typedef struct report_log {
    int reports;
    kc_state_t last;
} report_log_t;

static void count_report(void *opaque, const char *connector, int task,
                         kc_state_t state, const char *trace)
{
    report_log_t *log = opaque;

    (void)connector;
    (void)task;
    (void)trace;
    log->reports++;
    log->last = state;
}

/*
 * The result of a start whose instance was stopped and replaced before
 * the herder read it is dropped (KC_AGAIN) and changes nothing: no status
 * report, the new instance stays as it is.
 */
static void test_result_of_superseded_start_is_dropped(void **state)
{
    fixture_t *f = *state;
    kc_props_t *cfg = kc_props_new();
    kc_connector_result_t *old = NULL;
    kc_connector_result_t *res = NULL;
    report_log_t log = {0};
    kc_error_t err;

    /* The worker alone, without the herder's listener. */
    kc_herder_destroy(f->h);
    f->h = NULL;
    kc_worker_set_status_listener(f->w, count_report, &log);
    kc_props_set(cfg, "name", "x");
    kc_props_set(cfg, "connector.class", "test.BlockSourceConnector");
    kc_props_set(cfg, "tasks.max", "1");
    kc_props_set(cfg, "block.start", "yes");
    assert_int_equal(
        kc_worker_start_connector_job(f->w, "x", cfg, KC_TARGET_STARTED,
                                      keep_result, &old, &res, &err),
        KC_OK);
    assert_null(res);
    gate_open();
    pthread_mutex_lock(&g_lock);
    while (old == NULL) {
        pthread_cond_wait(&g_cond, &g_lock);
    }
    pthread_mutex_unlock(&g_lock);

    /* Stopped (its plugin too) and replaced before the result is read. */
    kc_worker_stop_connector(f->w, "x");
    assert_int_equal(g_stopped, 1);
    kc_props_remove(cfg, "block.start");
    assert_int_equal(
        kc_worker_start_connector(f->w, "x", cfg, KC_TARGET_PAUSED, &err),
        KC_OK);
    assert_int_equal(log.reports, 1);
    assert_int_equal(log.last, KC_STATE_PAUSED);

    assert_int_equal(kc_worker_connector_result(f->w, old, NULL, NULL, &err),
                     KC_AGAIN);
    assert_int_equal(log.reports, 1);
    assert_int_equal(log.last, KC_STATE_PAUSED);
    kc_worker_stop_connector(f->w, "x");
    assert_int_equal(g_stopped, 2);
    kc_worker_set_status_listener(f->w, NULL, NULL);
    kc_props_destroy(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_herder_answers_while_connector_start_blocks, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_herder_answers_while_task_configs_blocks, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_delete_while_connector_start_blocks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stop_while_connector_start_blocks,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_shutdown_while_connector_start_blocks, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_result_of_superseded_start_is_dropped, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
