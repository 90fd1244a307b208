/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CounterSource: an example source connector for the kconnect plugin SDK
 * (docs/plugin-sdk.md). It writes the numbers 1, 2, ... `count` to
 * `topic` as INT64 values and remembers where it is through the source
 * offset, so a restarted worker goes on after the last committed number.
 *
 *   name=counter
 *   connector.class=CounterSource
 *   topic=numbers
 *   count=100
 *
 * It includes only <kconnect/kconnect.h> and exports only kc_plugin_init.
 */
#define _POSIX_C_SOURCE 200809L /* nanosleep under -std=c11 */

#include <kconnect/kconnect.h>

#include <stddef.h>
#include <string.h>
#include <time.h>

#define COUNTER_LOGGER "io.kconnect.example.CounterSource"

/* The settings, bound from the config table (defaults applied). */
typedef struct counter_conf {
    char *topic;
    int64_t count;
    int32_t batch_size;
} counter_conf_t;

static const kc_config_def_t counter_config[] = {
    {.name = "topic",
     .type = KC_CFG_STRING,
     .flags = KC_CFG_F_REQUIRED | KC_CFG_F_NONEMPTY,
     .importance = KC_IMPORTANCE_HIGH,
     .doc = "The topic the numbers are written to.",
     KC_CFG_BIND(counter_conf_t, topic)},
    {.name = "count",
     .type = KC_CFG_LONG,
     .default_value = "100",
     .importance = KC_IMPORTANCE_MEDIUM,
     .doc = "The last number written; then the task idles.",
     .flags = KC_CFG_F_MIN,
     .min = 0,
     KC_CFG_BIND(counter_conf_t, count)},
    {.name = "batch.size",
     .type = KC_CFG_INT,
     .default_value = "10",
     .importance = KC_IMPORTANCE_LOW,
     .doc = "At most this many numbers per poll.",
     .flags = KC_CFG_F_MIN,
     .min = 1,
     KC_CFG_BIND(counter_conf_t, batch_size)},
    {.name = NULL},
};

static const kc_config_def_t *const counter_defs[] = {counter_config, NULL};

/* ---- connector: one task, whatever tasks.max says ------------------ */

static kc_err_t counter_conn_start(void **ctx, const kc_props_t *config,
                                   kc_connector_ctx_t *cctx, kc_error_t *err)
{
    (void)cctx;
    (void)err;
    *ctx = kc_props_copy(config); /* freed in counter_conn_stop */
    return KC_OK;
}

static kc_err_t counter_conn_task_configs(void *ctx, int max_tasks,
                                          kc_props_t ***configs, size_t *count,
                                          kc_error_t *err)
{
    (void)max_tasks; /* one counter: more tasks would repeat the numbers */
    (void)err;
    /* The runtime takes the array and each props. */
    *configs = kc_calloc(1, sizeof(**configs));
    (*configs)[0] = kc_props_copy(ctx);
    *count = 1;
    return KC_OK;
}

static void counter_conn_stop(void *ctx)
{
    kc_props_destroy(ctx);
}

/* ---- task ------------------------------------------------------------ */

typedef struct counter_task {
    counter_conf_t conf;
    int64_t next; /* the next number to write */
} counter_task_t;

/* The source partition of every record: {"counter": <topic>}. */
static void counter_partition(kc_arena_t *arena, kc_value_t *v,
                              const char *topic)
{
    kc_value_set_map(arena, v, 1);
    kc_value_set_string(arena, &v->u.map.keys[0], "counter", 7);
    kc_value_set_string(arena, &v->u.map.values[0], topic, strlen(topic));
}

static kc_err_t counter_task_start(void **ctx, const kc_props_t *config,
                                   kc_source_task_ctx_t *tctx, kc_error_t *err)
{
    counter_task_t *task = kc_calloc(1, sizeof(*task));
    kc_arena_t *arena;
    kc_value_t partition;
    kc_value_t offset;

    if (kc_config_bind(counter_defs, config, &task->conf, err) != KC_OK) {
        kc_free(task);
        return err->code;
    }
    task->next = 1;
    /* Resume after the last committed number: the offset is {"next": n}. */
    arena = kc_arena_new(0);
    memset(&partition, 0, sizeof(partition));
    memset(&offset, 0, sizeof(offset));
    counter_partition(arena, &partition, task->conf.topic);
    if (kc_source_offset_get(tctx, &partition, arena, &offset) == KC_OK) {
        const kc_value_t *next = kc_value_map_get(&offset, "next");

        if (next != NULL && next->type == KC_TYPE_INT64) {
            task->next = next->u.i;
        }
    }
    kc_arena_destroy(arena);
    kc_log_info(COUNTER_LOGGER, "counting from %lld to %lld into \"%s\"",
                (long long)task->next, (long long)task->conf.count,
                task->conf.topic);
    *ctx = task;
    return KC_OK;
}

static kc_err_t counter_task_poll(void *ctx, kc_batch_t *batch, kc_error_t *err)
{
    counter_task_t *task = ctx;
    int32_t n = 0;

    (void)err;
    if (task->next > task->conf.count) {
        /* Done: idle a little rather than spin (poll may block ~1 s). */
        struct timespec ts = {0, 200 * 1000 * 1000};

        nanosleep(&ts, NULL);
        return KC_OK;
    }
    while (n < task->conf.batch_size && task->next <= task->conf.count) {
        /* Everything a record points to lives in the batch's arena. */
        kc_record_t *rec = kc_batch_add(batch);
        kc_value_t *key;

        rec->topic = kc_arena_strdup(batch->arena, task->conf.topic);
        rec->value_schema = kc_schema_primitive(KC_TYPE_INT64, false);
        kc_value_set_int(&rec->value, KC_TYPE_INT64, task->next);
        counter_partition(batch->arena, &rec->source_partition,
                          task->conf.topic);
        kc_value_set_map(batch->arena, &rec->source_offset, 1);
        key = &rec->source_offset.u.map.keys[0];
        kc_value_set_string(batch->arena, key, "next", 4);
        kc_value_set_int(&rec->source_offset.u.map.values[0], KC_TYPE_INT64,
                         task->next + 1);
        task->next++;
        n++;
    }
    return KC_OK;
}

static void counter_task_stop(void *ctx)
{
    counter_task_t *task = ctx;

    if (task == NULL) {
        return;
    }
    kc_config_bind_release(counter_defs, &task->conf);
    kc_free(task);
}

static const struct kc_source_task_plugin counter_task_plugin = {
    KC_PLUGIN_INIT(struct kc_source_task_plugin),
    .name = "CounterSourceTask",
    .class_name = "io.kconnect.example.CounterSourceTask",
    .version = "1.0.0",
    .config_def = counter_config,
    .start = counter_task_start,
    .poll = counter_task_poll,
    .stop = counter_task_stop,
};

static const struct kc_connector_plugin counter_connector = {
    KC_PLUGIN_INIT(struct kc_connector_plugin),
    .name = "CounterSource",
    .class_name = "io.kconnect.example.CounterSource",
    .version = "1.0.0",
    .config_def = counter_config,
    .source_task = &counter_task_plugin,
    .start = counter_conn_start,
    .task_configs = counter_conn_task_configs,
    .stop = counter_conn_stop,
};

/* The one symbol kconnect looks for in a plugin. */
KC_EXPORT kc_err_t kc_plugin_init(kc_registry_t *reg, kc_error_t *err);

kc_err_t kc_plugin_init(kc_registry_t *reg, kc_error_t *err)
{
    return kc_registry_add(reg, KC_PLUGIN_SOURCE, &counter_connector, err);
}
