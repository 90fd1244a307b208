/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test plugins for the runtime tests: a string converter, mock_source (a
 * scripted source task) and capture_sink (records what put receives).
 * Included by one test file each; everything is static inline so unused
 * parts cost nothing.
 */
#ifndef KC_TESTS_RUNTIME_TEST_PLUGINS_H
#define KC_TESTS_RUNTIME_TEST_PLUGINS_H

#include "kc_internal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#include "plugins/kc_registry.h"
#include "runtime/kc_worker.h"

/* ---- TestString converter: STRING <-> bytes; "BAD" fails ------------ */

/*
 * When ts_bad_retriable is set, writing "BAD" asks for a retry
 * (KC_RETRY) ts_retries_left times, then succeeds; ts_retry_calls counts
 * the KC_RETRY answers.
 */
static atomic_int ts_bad_retriable;
static atomic_int ts_retries_left;
static atomic_int ts_retry_calls;

static inline kc_err_t ts_configure(void **ctx, const kc_props_t *config,
                                    bool is_key, kc_error_t *err)
{
    *ctx = NULL;
    return KC_OK;
}

static inline kc_err_t ts_from(void *ctx, const char *topic, const char *header,
                               const kc_schema_t *schema,
                               const kc_value_t *value, kc_buf_t *out,
                               bool *is_null, kc_error_t *err)
{
    *is_null = false;
    if (value->type == KC_TYPE_NULL) {
        *is_null = true;
        return KC_OK;
    }
    if (value->type != KC_TYPE_STRING) {
        return kc_error_set(err, KC_ERR_INVALID, "not a string");
    }
    if (value->u.str.len == 3 && memcmp(value->u.str.data, "BAD", 3) == 0) {
        if (!atomic_load(&ts_bad_retriable)) {
            return kc_error_set(err, KC_ERR_INVALID, "cannot convert BAD");
        }
        if (atomic_load(&ts_retries_left) > 0) {
            atomic_fetch_sub(&ts_retries_left, 1);
            atomic_fetch_add(&ts_retry_calls, 1);
            return kc_error_set(err, KC_RETRY, "BAD: try again");
        }
    }
    return kc_buf_append(out, value->u.str.data, value->u.str.len);
}

static inline void test_event(char c);
static inline void test_convert_sleep(const uint8_t *data, size_t len);

static inline kc_err_t ts_to(void *ctx, const char *topic, const char *header,
                             const uint8_t *data, size_t len, kc_arena_t *arena,
                             const kc_schema_t **schema, kc_value_t *value,
                             kc_error_t *err)
{
    *schema = NULL;
    if (data == NULL) {
        kc_value_set_null(value);
        return KC_OK;
    }
    if (len == 3 && memcmp(data, "BAD", 3) == 0) {
        return kc_error_set(err, KC_ERR_INVALID, "cannot convert BAD");
    }
    if (header == NULL) {
        test_event('V');
        test_convert_sleep(data, len);
    }
    kc_value_set_string(arena, value, (const char *)data, len);
    return KC_OK;
}

static inline void ts_destroy(void *ctx)
{
}

static const kc_config_def_t ts_def[] = {{.name = NULL}};

static const struct kc_converter_plugin test_string_converter = {
    KC_PLUGIN_INIT(struct kc_converter_plugin),
    .name = "TestString",
    .class_name = "test.TestStringConverter",
    .version = "1",
    .config_def = ts_def,
    .configure = ts_configure,
    .from_connect = ts_from,
    .to_connect = ts_to,
    .destroy = ts_destroy,
};

/* ---- shared observation state -------------------------------------- */

typedef struct test_state {
    pthread_mutex_t lock;
    /* mock_source */
    int records;      /* how many records the source emits in total */
    int bad_at;       /* index whose value is "BAD", -1 = none */
    int fail_poll_at; /* fail poll once this many were emitted, -1 */
    int big_at;       /* index whose value is big_len bytes of 'x', -1 */
    size_t big_len;
    bool no_headers; /* records carry no Connect headers */
    long resumed;    /* offset n found at start, -1 = none */
    int next;        /* next record index */
    atomic_int polls;
    atomic_int commits;
    /* capture_sink */
    char **values;
    size_t nvalues;
    int retry_first;      /* put returns KC_RETRY this many times */
    int retry_timeout_ms; /* > 0: kc_sink_task_ctx_timeout before a retry */
    int fail_put;         /* put fails */
    /* the first 64 puts: offsets of the first and last record, size */
    int64_t put_first[64];
    int64_t put_last[64];
    size_t put_len[64];
    int nputs;
    atomic_int puts;
    atomic_int flushes;
    /*
     * two_step: the sink uses put_start/put_finish, leaving every batch
     * pending; finish_retry_first: put_finish answers KC_RETRY this many
     * times. events: what the runner did, in order: 'V' a value
     * converted, 'S' put_start, 'F' put_finish, 'L' flush, 'X' stop.
     */
    bool two_step;
    int finish_retry_first;
    /* the value converter sleeps sleep_ms on the value "p<sleep_at>" */
    int sleep_at;
    int sleep_ms;
    char events[65536];
    size_t nevents;
    /* status */
    kc_state_t task_state;
    kc_state_t conn_state;
    char trace[1024];
    int reports;
} test_state_t;

static test_state_t T = {.lock = PTHREAD_MUTEX_INITIALIZER};

static inline void test_event(char c)
{
    pthread_mutex_lock(&T.lock);
    if (T.two_step && T.nevents + 1 < sizeof(T.events)) {
        T.events[T.nevents++] = c;
        T.events[T.nevents] = '\0';
    }
    pthread_mutex_unlock(&T.lock);
}

static inline void test_convert_sleep(const uint8_t *data, size_t len)
{
    char want[32];
    int ms;

    pthread_mutex_lock(&T.lock);
    snprintf(want, sizeof(want), "p%d", T.sleep_at);
    ms = T.sleep_at >= 0 ? T.sleep_ms : 0;
    pthread_mutex_unlock(&T.lock);
    if (ms > 0 && len == strlen(want) && memcmp(data, want, len) == 0) {
        usleep((useconds_t)ms * 1000);
    }
}

static inline void test_state_reset(void)
{
    pthread_mutex_lock(&T.lock);
    for (size_t i = 0; i < T.nvalues; i++) {
        kc_free(T.values[i]);
    }
    kc_free(T.values);
    T.values = NULL;
    T.nvalues = 0;
    T.records = 0;
    T.bad_at = -1;
    T.fail_poll_at = -1;
    T.big_at = -1;
    T.big_len = 0;
    T.no_headers = false;
    T.resumed = -1;
    T.next = 0;
    atomic_store(&T.polls, 0);
    atomic_store(&T.commits, 0);
    T.retry_first = 0;
    T.retry_timeout_ms = 0;
    T.fail_put = 0;
    T.nputs = 0;
    atomic_store(&ts_bad_retriable, 0);
    atomic_store(&ts_retries_left, 0);
    atomic_store(&ts_retry_calls, 0);
    atomic_store(&T.puts, 0);
    atomic_store(&T.flushes, 0);
    T.two_step = false;
    T.finish_retry_first = 0;
    T.sleep_at = -1;
    T.sleep_ms = 0;
    T.nevents = 0;
    T.events[0] = '\0';
    T.task_state = KC_STATE_DESTROYED;
    T.conn_state = KC_STATE_DESTROYED;
    T.trace[0] = '\0';
    T.reports = 0;
    pthread_mutex_unlock(&T.lock);
}

static inline void test_status(void *opaque, const char *connector, int task,
                               kc_state_t state, const char *trace)
{
    pthread_mutex_lock(&T.lock);
    if (task < 0) {
        T.conn_state = state;
    } else {
        T.task_state = state;
        snprintf(T.trace, sizeof(T.trace), "%s", trace ? trace : "");
    }
    T.reports++;
    pthread_mutex_unlock(&T.lock);
}

static inline kc_state_t task_state(void)
{
    kc_state_t s;

    pthread_mutex_lock(&T.lock);
    s = T.task_state;
    pthread_mutex_unlock(&T.lock);
    return s;
}

/* Wait up to @p ms for the task to reach @p state. */
static inline bool wait_task_state(kc_state_t state, int ms)
{
    for (int i = 0; i < ms / 10; i++) {
        if (task_state() == state) {
            return true;
        }
        usleep(10000);
    }
    return task_state() == state;
}

/* ---- connectors: one task config, a copy of the connector config ---- */

static inline kc_err_t tc_start(void **ctx, const kc_props_t *config,
                                kc_connector_ctx_t *cctx, kc_error_t *err)
{
    *ctx = kc_props_copy(config);
    return KC_OK;
}

static inline kc_err_t tc_task_configs(void *ctx, int max_tasks,
                                       kc_props_t ***configs, size_t *count,
                                       kc_error_t *err)
{
    *configs = kc_calloc(1, sizeof(**configs));
    (*configs)[0] = kc_props_copy(ctx);
    *count = 1;
    return KC_OK;
}

static inline void tc_stop(void *ctx)
{
    kc_props_destroy(ctx);
}

/* ---- mock_source --------------------------------------------------- */

static inline void make_partition(kc_arena_t *arena, kc_value_t *v)
{
    kc_value_set_map(arena, v, 1);
    kc_value_set_string(arena, &v->u.map.keys[0], "p", 1);
    kc_value_set_string(arena, &v->u.map.values[0], "a", 1);
}

static inline kc_err_t ms_start(void **ctx, const kc_props_t *config,
                                kc_source_task_ctx_t *tctx, kc_error_t *err)
{
    kc_arena_t *arena = kc_arena_new(0);
    kc_value_t part;
    kc_value_t off;

    *ctx = kc_strdup(kc_props_get(config, "topic"));
    make_partition(arena, &part);
    if (kc_source_offset_get(tctx, &part, arena, &off) == KC_OK) {
        const kc_value_t *n = kc_value_map_get(&off, "n");

        pthread_mutex_lock(&T.lock);
        T.resumed = n != NULL ? (long)n->u.i : -2;
        T.next = (int)T.resumed + 1;
        pthread_mutex_unlock(&T.lock);
    }
    kc_arena_destroy(arena);
    return KC_OK;
}

static inline kc_err_t ms_poll(void *ctx, kc_batch_t *batch, kc_error_t *err)
{
    int from;
    int to;

    atomic_fetch_add(&T.polls, 1);
    pthread_mutex_lock(&T.lock);
    from = T.next;
    to = from + 10 < T.records ? from + 10 : T.records;
    if (T.fail_poll_at >= 0 && from >= T.fail_poll_at) {
        pthread_mutex_unlock(&T.lock);
        return kc_error_set(err, KC_ERR, "the source broke at %d", from);
    }
    T.next = to;
    pthread_mutex_unlock(&T.lock);
    if (from == to) {
        usleep(5000);
        return KC_OK;
    }
    for (int i = from; i < to; i++) {
        kc_record_t *rec = kc_batch_add(batch);
        char *text = kc_arena_sprintf(batch->arena, "v%d", i);

        rec->topic = ctx;
        make_partition(batch->arena, &rec->source_partition);
        kc_value_set_map(batch->arena, &rec->source_offset, 1);
        kc_value_set_string(batch->arena, &rec->source_offset.u.map.keys[0],
                            "n", 1);
        kc_value_set_int(&rec->source_offset.u.map.values[0], KC_TYPE_INT64, i);
        if (!T.no_headers) {
            kc_value_t hv;

            kc_value_set_string(batch->arena, &hv, text, strlen(text));
            kc_record_add_header(batch->arena, rec, "h", NULL, &hv);
        }
        if (i == T.bad_at) {
            kc_value_set_string(batch->arena, &rec->value, "BAD", 3);
        } else if (i == T.big_at) {
            char *big = kc_arena_alloc(batch->arena, T.big_len);

            memset(big, 'x', T.big_len);
            kc_value_set_string(batch->arena, &rec->value, big, T.big_len);
        } else {
            kc_value_set_string(batch->arena, &rec->value, text, strlen(text));
        }
    }
    return KC_OK;
}

static inline void ms_commit(void *ctx)
{
    atomic_fetch_add(&T.commits, 1);
}

static inline void ms_stop(void *ctx)
{
    kc_free(ctx);
}

static const kc_config_def_t empty_def[] = {{.name = NULL}};

static const struct kc_source_task_plugin mock_source_task = {
    KC_PLUGIN_INIT(struct kc_source_task_plugin),
    .name = "MockSourceTask",
    .class_name = "test.MockSourceTask",
    .version = "1",
    .config_def = empty_def,
    .start = ms_start,
    .poll = ms_poll,
    .commit = ms_commit,
    .stop = ms_stop,
};

static const struct kc_connector_plugin mock_source = {
    KC_PLUGIN_INIT(struct kc_connector_plugin),
    .name = "MockSource",
    .class_name = "test.MockSourceConnector",
    .version = "1",
    .config_def = empty_def,
    .source_task = &mock_source_task,
    .start = tc_start,
    .task_configs = tc_task_configs,
    .stop = tc_stop,
};

/* ---- capture_sink -------------------------------------------------- */

static inline kc_err_t cs_start(void **ctx, const kc_props_t *config,
                                kc_sink_task_ctx_t *tctx, kc_error_t *err)
{
    *ctx = tctx;
    return KC_OK;
}

static inline kc_err_t cs_put(void *ctx, kc_batch_t *batch, kc_error_t *err)
{
    atomic_fetch_add(&T.puts, 1);
    pthread_mutex_lock(&T.lock);
    if (T.nputs < 64 && batch->len > 0) {
        T.put_first[T.nputs] = batch->records[0]->offset;
        T.put_last[T.nputs] = batch->records[batch->len - 1]->offset;
        T.put_len[T.nputs] = batch->len;
        T.nputs++;
    }
    if (T.fail_put) {
        pthread_mutex_unlock(&T.lock);
        return kc_error_set(err, KC_ERR, "the sink broke");
    }
    if (T.retry_first > 0) {
        T.retry_first--;
        if (T.retry_timeout_ms > 0) {
            kc_sink_task_ctx_timeout(ctx, T.retry_timeout_ms);
        }
        pthread_mutex_unlock(&T.lock);
        return kc_error_set(err, KC_RETRY, "try again");
    }
    for (size_t i = 0; i < batch->len; i++) {
        const kc_value_t *v = &batch->records[i]->value;

        T.values = kc_realloc(T.values, (T.nvalues + 1) * sizeof(*T.values));
        const kc_record_t *rec = batch->records[i];
        const char *h = NULL;
        size_t hlen = 0;

        for (size_t j = 0; j < rec->header_count; j++) {
            if (strcmp(rec->headers[j].key, "h") == 0 &&
                rec->headers[j].value.type == KC_TYPE_STRING) {
                h = rec->headers[j].value.u.str.data;
                hlen = rec->headers[j].value.u.str.len;
            }
        }
        /* "<value>|h=<header h>" when the record has header h. */
        T.values[T.nvalues++] =
            v->type == KC_TYPE_STRING
                ? (h != NULL ? kc_asprintf("%.*s|h=%.*s", (int)v->u.str.len,
                                           v->u.str.data, (int)hlen, h)
                             : kc_strndup(v->u.str.data, v->u.str.len))
                : kc_strdup("(null)");
    }
    pthread_mutex_unlock(&T.lock);
    return KC_OK;
}

static inline kc_err_t cs_flush(void *ctx, kc_error_t *err)
{
    atomic_fetch_add(&T.flushes, 1);
    test_event('L');
    return KC_OK;
}

static inline void cs_stop(void *ctx)
{
    test_event('X');
}

/* Without two_step, put; with it, the batch is left pending. */
static inline kc_err_t cs_put_start(void *ctx, kc_batch_t *batch, bool *pending,
                                    kc_error_t *err)
{
    bool two;

    pthread_mutex_lock(&T.lock);
    two = T.two_step;
    pthread_mutex_unlock(&T.lock);
    if (!two) {
        return cs_put(ctx, batch, err);
    }
    test_event('S');
    *pending = true;
    return KC_OK;
}

static inline kc_err_t cs_put_finish(void *ctx, kc_batch_t *batch,
                                     kc_error_t *err)
{
    test_event('F');
    pthread_mutex_lock(&T.lock);
    if (T.finish_retry_first > 0) {
        T.finish_retry_first--;
        pthread_mutex_unlock(&T.lock);
        return kc_error_set(err, KC_RETRY, "try again");
    }
    pthread_mutex_unlock(&T.lock);
    return cs_put(ctx, batch, err);
}

static const struct kc_sink_task_plugin capture_sink_task = {
    KC_PLUGIN_INIT(struct kc_sink_task_plugin),
    .name = "CaptureSinkTask",
    .class_name = "test.CaptureSinkTask",
    .version = "1",
    .config_def = empty_def,
    .start = cs_start,
    .put = cs_put,
    .flush = cs_flush,
    .stop = cs_stop,
    .put_start = cs_put_start,
    .put_finish = cs_put_finish,
};

static const struct kc_connector_plugin capture_sink = {
    KC_PLUGIN_INIT(struct kc_connector_plugin),
    .name = "CaptureSink",
    .class_name = "test.CaptureSinkConnector",
    .version = "1",
    .config_def = empty_def,
    .sink_task = &capture_sink_task,
    .start = tc_start,
    .task_configs = tc_task_configs,
    .stop = tc_stop,
};

/* A registry with the three test plugins. */
static inline kc_registry_t *test_registry(void)
{
    kc_registry_t *reg = kc_registry_new();
    kc_error_t err;

    if (kc_registry_add(reg, KC_PLUGIN_CONVERTER, &test_string_converter,
                        &err) != KC_OK ||
        kc_registry_add(reg, KC_PLUGIN_SOURCE, &mock_source, &err) != KC_OK ||
        kc_registry_add(reg, KC_PLUGIN_SINK, &capture_sink, &err) != KC_OK) {
        fprintf(stderr, "test registry: %s\n", err.msg);
        abort();
    }
    return reg;
}

/* Worker props on the embedded Kafka with offsets in @p dir. */
static inline kc_props_t *test_worker_props(const char *dir)
{
    kc_props_t *p = kc_props_new();
    char *file = kc_asprintf("%s/connect.offsets", dir);

    kc_props_set(p, "bootstrap.servers", "embedded");
    kc_props_set(p, "key.converter", "TestString");
    kc_props_set(p, "value.converter", "TestString");
    kc_props_set(p, "offset.storage.file.filename", file);
    kc_props_set(p, "offset.flush.interval.ms", "100");
    kc_props_set(p, "task.shutdown.graceful.timeout.ms", "5000");
    kc_free(file);
    return p;
}

/* Start connector @p name and its one task; asserts on failure. */
static inline void start_connector_and_task(kc_worker_t *w,
                                            const kc_props_t *config)
{
    kc_error_t err;
    kc_props_t **configs = NULL;
    size_t count = 0;
    const char *name = kc_props_get(config, "name");

    if (kc_worker_start_connector(w, name, config, KC_TARGET_STARTED, &err) !=
            KC_OK ||
        kc_worker_task_configs(w, name, &configs, &count, &err) != KC_OK ||
        count != 1 ||
        kc_worker_start_task(w, name, 0, config, configs[0], KC_TARGET_STARTED,
                             &err) != KC_OK) {
        fprintf(stderr, "could not start %s: %s\n", name, err.msg);
        abort();
    }
    for (size_t i = 0; i < count; i++) {
        kc_props_destroy(configs[i]);
    }
    kc_free(configs);
}

#endif /* KC_TESTS_RUNTIME_TEST_PLUGINS_H */
