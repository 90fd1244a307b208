/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A sink for the end-to-end test of put retries: its target is "down"
 * for retry.for.ms after the first put, during which put answers
 * KC_RETRY and asks for the batch again after retry.timeout.ms
 * (kc_sink_task_ctx_timeout). Then it appends each record value (a
 * string) as a line to `file`; flush makes the lines durable.
 *
 *   connector.class=io.kconnect.test.RetrySink
 *   file=/tmp/out.txt
 *   retry.for.ms=3000
 *   retry.timeout.ms=500
 */
#include <kconnect/kconnect.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const kc_config_def_t kc_retry_sink_config[] = {
    {.name = "file",
     .type = KC_CFG_STRING,
     .flags = KC_CFG_F_REQUIRED | KC_CFG_F_NONEMPTY,
     .importance = KC_IMPORTANCE_HIGH,
     .doc = "The file the record values are appended to, one a line."},
    {.name = "retry.for.ms",
     .type = KC_CFG_LONG,
     .default_value = "3000",
     .importance = KC_IMPORTANCE_LOW,
     .doc = "How long after the first put the target stays down."},
    {.name = "retry.timeout.ms",
     .type = KC_CFG_LONG,
     .default_value = "500",
     .importance = KC_IMPORTANCE_LOW,
     .doc = "The backoff put asks for while the target is down."},
    {.name = NULL},
};

/* ---- connector: every task gets the connector's config ------------- */

static kc_err_t kc_retry_conn_start(void **ctx, const kc_props_t *config,
                                    kc_connector_ctx_t *cctx, kc_error_t *err)
{
    (void)cctx;
    (void)err;
    *ctx = kc_props_copy(config);
    return KC_OK;
}

static kc_err_t kc_retry_conn_task_configs(void *ctx, int max_tasks,
                                           kc_props_t ***configs, size_t *count,
                                           kc_error_t *err)
{
    size_t n = max_tasks > 0 ? (size_t)max_tasks : 1;

    (void)err;
    *configs = kc_calloc(n, sizeof(**configs));
    for (size_t i = 0; i < n; i++) {
        (*configs)[i] = kc_props_copy(ctx);
    }
    *count = n;
    return KC_OK;
}

static void kc_retry_conn_stop(void *ctx)
{
    kc_props_destroy(ctx);
}

/* ---- task ------------------------------------------------------------ */

typedef struct kc_retry_sink {
    kc_sink_task_ctx_t *tctx;
    FILE *out;
    char *file;
    long long retry_for;
    long long timeout;
    long long first_put; /* ms, 0 = no put yet */
    long retries;
} kc_retry_sink_t;

static long long kc_retry_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long long kc_retry_long(const kc_props_t *config, const char *key,
                               long long dflt)
{
    const char *v = kc_props_get(config, key);

    return v != NULL && *v != '\0' ? atoll(v) : dflt;
}

static kc_err_t kc_retry_start(void **ctx, const kc_props_t *config,
                               kc_sink_task_ctx_t *tctx, kc_error_t *err)
{
    kc_retry_sink_t *sink;
    const char *file = kc_props_get(config, "file");

    if (file == NULL || *file == '\0') {
        return kc_error_set(err, KC_ERR_INVALID,
                            "missing required configuration \"file\"");
    }
    sink = kc_calloc(1, sizeof(*sink));
    sink->out = fopen(file, "a");
    if (sink->out == NULL) {
        int e = errno;

        kc_free(sink);
        return kc_error_set(err, KC_ERR_IO, "could not open file \"%s\": %s",
                            file, strerror(e));
    }
    sink->tctx = tctx;
    sink->file = kc_strdup(file);
    sink->retry_for = kc_retry_long(config, "retry.for.ms", 3000);
    sink->timeout = kc_retry_long(config, "retry.timeout.ms", 500);
    *ctx = sink;
    return KC_OK;
}

static kc_err_t kc_retry_put(void *ctx, kc_batch_t *batch, kc_error_t *err)
{
    kc_retry_sink_t *sink = ctx;
    long long now = kc_retry_now_ms();

    if (batch->len == 0) {
        return KC_OK;
    }
    if (sink->first_put == 0) {
        sink->first_put = now;
    }
    if (now - sink->first_put < sink->retry_for) {
        sink->retries++;
        kc_sink_task_ctx_timeout(sink->tctx, sink->timeout);
        return kc_error_set(err, KC_RETRY,
                            "the target is down (retry %ld of a batch of %zu "
                            "records)",
                            sink->retries, batch->len);
    }
    for (size_t i = 0; i < batch->len; i++) {
        const kc_value_t *v = &batch->records[i]->value;

        if (v->type == KC_TYPE_STRING) {
            fprintf(sink->out, "%.*s\n", (int)v->u.str.len, v->u.str.data);
        } else {
            fputs("?\n", sink->out);
        }
    }
    if (ferror(sink->out)) {
        return kc_error_set(err, KC_ERR_IO, "could not write file \"%s\"",
                            sink->file);
    }
    return KC_OK;
}

static kc_err_t kc_retry_flush(void *ctx, kc_error_t *err)
{
    kc_retry_sink_t *sink = ctx;

    if (fflush(sink->out) != 0 || fsync(fileno(sink->out)) != 0) {
        return kc_error_set(err, KC_ERR_IO, "could not flush file \"%s\": %s",
                            sink->file, strerror(errno));
    }
    return KC_OK;
}

static void kc_retry_stop(void *ctx)
{
    kc_retry_sink_t *sink = ctx;

    if (sink == NULL) {
        return;
    }
    fclose(sink->out);
    kc_free(sink->file);
    kc_free(sink);
}

static const struct kc_sink_task_plugin kc_retry_sink_task = {
    KC_PLUGIN_INIT(struct kc_sink_task_plugin),
    .name = "RetrySinkTask",
    .class_name = "io.kconnect.test.RetrySinkTask",
    .version = "1.0.0",
    .config_def = kc_retry_sink_config,
    .start = kc_retry_start,
    .put = kc_retry_put,
    .flush = kc_retry_flush,
    .stop = kc_retry_stop,
};

static const struct kc_connector_plugin kc_retry_sink_connector = {
    KC_PLUGIN_INIT(struct kc_connector_plugin),
    .name = "RetrySink",
    .class_name = "io.kconnect.test.RetrySink",
    .version = "1.0.0",
    .config_def = kc_retry_sink_config,
    .sink_task = &kc_retry_sink_task,
    .start = kc_retry_conn_start,
    .task_configs = kc_retry_conn_task_configs,
    .stop = kc_retry_conn_stop,
};

KC_EXPORT kc_err_t kc_plugin_init(kc_registry_t *reg, kc_error_t *err);

kc_err_t kc_plugin_init(kc_registry_t *reg, kc_error_t *err)
{
    return kc_registry_add(reg, KC_PLUGIN_SINK, &kc_retry_sink_connector, err);
}
