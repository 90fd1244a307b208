/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A source for the end-to-end test of automatic restarts: each start of
 * its task counts itself in `count.file`; the first `fail.starts` starts
 * fail (the task is FAILED), later ones run and poll nothing. With
 * fail.starts=-1 every start fails. With fail.after.ms a running task's
 * poll fails once it has run that long. The connector's first
 * `fail.connector.starts` starts fail (counted in count.file.connector).
 *
 *   connector.class=io.kconnect.test.FlakySource
 *   count.file=/tmp/starts
 *   fail.starts=2
 */
#include <kconnect/kconnect.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const kc_config_def_t kc_flaky_config[] = {
    {.name = "count.file",
     .type = KC_CFG_STRING,
     .flags = KC_CFG_F_REQUIRED | KC_CFG_F_NONEMPTY,
     .importance = KC_IMPORTANCE_HIGH,
     .doc = "Where the task counts its starts."},
    {.name = "fail.starts",
     .type = KC_CFG_INT,
     .default_value = "2",
     .importance = KC_IMPORTANCE_LOW,
     .doc = "How many starts fail (-1: all)."},
    {.name = "fail.after.ms",
     .type = KC_CFG_LONG,
     .default_value = "0",
     .importance = KC_IMPORTANCE_LOW,
     .doc = "A running task's poll fails after this long (0: never)."},
    {.name = "fail.connector.starts",
     .type = KC_CFG_INT,
     .default_value = "0",
     .importance = KC_IMPORTANCE_LOW,
     .doc = "How many starts of the connector fail."},
    {.name = NULL},
};

static long long kc_flaky_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Count one more start in @p file; @returns the count, or -1. */
static long kc_flaky_count(const char *file)
{
    long starts = 0;
    FILE *f = fopen(file, "r");

    if (f != NULL) {
        if (fscanf(f, "%ld", &starts) != 1) {
            starts = 0;
        }
        fclose(f);
    }
    starts++;
    f = fopen(file, "w");
    if (f == NULL) {
        return -1;
    }
    fprintf(f, "%ld\n", starts);
    fclose(f);
    return starts;
}

static kc_err_t kc_flaky_conn_start(void **ctx, const kc_props_t *config,
                                    kc_connector_ctx_t *cctx, kc_error_t *err)
{
    const char *fail = kc_props_get(config, "fail.connector.starts");
    const char *file = kc_props_get(config, "count.file");
    char path[4096];
    long starts;

    (void)cctx;
    if (fail != NULL && atol(fail) > 0 && file != NULL) {
        snprintf(path, sizeof(path), "%s.connector", file);
        starts = kc_flaky_count(path);
        if (starts < 0 || starts <= atol(fail)) {
            return kc_error_set(err, KC_ERR_IO,
                                "the connector's source is down (start %ld)",
                                starts);
        }
    }
    *ctx = kc_props_copy(config);
    return KC_OK;
}

static kc_err_t kc_flaky_conn_task_configs(void *ctx, int max_tasks,
                                           kc_props_t ***configs, size_t *count,
                                           kc_error_t *err)
{
    (void)max_tasks;
    (void)err;
    *configs = kc_calloc(1, sizeof(**configs));
    (*configs)[0] = kc_props_copy(ctx);
    *count = 1;
    return KC_OK;
}

static void kc_flaky_conn_stop(void *ctx)
{
    kc_props_destroy(ctx);
}

typedef struct kc_flaky_task {
    long long started;
    long long fail_after;
} kc_flaky_task_t;

static kc_err_t kc_flaky_start(void **ctx, const kc_props_t *config,
                               kc_source_task_ctx_t *tctx, kc_error_t *err)
{
    const char *file = kc_props_get(config, "count.file");
    const char *fail = kc_props_get(config, "fail.starts");
    const char *after = kc_props_get(config, "fail.after.ms");
    long fails = fail != NULL ? atol(fail) : 2;
    long starts = kc_flaky_count(file);
    kc_flaky_task_t *task;

    (void)tctx;
    if (starts < 0) {
        return kc_error_set(err, KC_ERR_IO, "could not write \"%s\"", file);
    }
    if (fails < 0 || starts <= fails) {
        return kc_error_set(err, KC_ERR_IO, "the source is down (start %ld)",
                            starts);
    }
    task = kc_calloc(1, sizeof(*task));
    task->started = kc_flaky_now_ms();
    task->fail_after = after != NULL ? atoll(after) : 0;
    *ctx = task;
    return KC_OK;
}

static kc_err_t kc_flaky_poll(void *ctx, kc_batch_t *batch, kc_error_t *err)
{
    struct timespec ts = {0, 100 * 1000 * 1000};
    kc_flaky_task_t *task = ctx;

    (void)batch;
    if (task->fail_after > 0 &&
        kc_flaky_now_ms() - task->started >= task->fail_after) {
        return kc_error_set(err, KC_ERR_IO, "the source went down");
    }
    nanosleep(&ts, NULL);
    return KC_OK;
}

static void kc_flaky_stop(void *ctx)
{
    kc_free(ctx);
}

static const struct kc_source_task_plugin kc_flaky_task = {
    KC_PLUGIN_INIT(struct kc_source_task_plugin),
    .name = "FlakySourceTask",
    .class_name = "io.kconnect.test.FlakySourceTask",
    .version = "1.0.0",
    .config_def = kc_flaky_config,
    .start = kc_flaky_start,
    .poll = kc_flaky_poll,
    .stop = kc_flaky_stop,
};

static const struct kc_connector_plugin kc_flaky_connector = {
    KC_PLUGIN_INIT(struct kc_connector_plugin),
    .name = "FlakySource",
    .class_name = "io.kconnect.test.FlakySource",
    .version = "1.0.0",
    .config_def = kc_flaky_config,
    .source_task = &kc_flaky_task,
    .start = kc_flaky_conn_start,
    .task_configs = kc_flaky_conn_task_configs,
    .stop = kc_flaky_conn_stop,
};

KC_EXPORT kc_err_t kc_plugin_init(kc_registry_t *reg, kc_error_t *err);

kc_err_t kc_plugin_init(kc_registry_t *reg, kc_error_t *err)
{
    return kc_registry_add(reg, KC_PLUGIN_SOURCE, &kc_flaky_connector, err);
}
