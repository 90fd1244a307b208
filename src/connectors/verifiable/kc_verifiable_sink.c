/* SPDX-License-Identifier: Apache-2.0 */
/*
 * VerifiableSink: prints a JSON line per record it is given (the record's
 * key as "task", its value as "seqno", its Kafka offset), and on each
 * flush the same lines again with "flushed": true, as Apache's task.
 *
 * Apache's flush is given the offsets about to be committed, which hold
 * every assigned partition; kconnect's flush commits everything put so
 * far, so every unflushed line is printed.
 */
#include "kc_internal.h"

#include "connectors/verifiable/kc_verifiable_connectors.h"
#include "data/kc_value_json.h"
#include "util/kc_clock.h"

/* One line put and not yet flushed; "task" and "seqno" kept as JSON. */
typedef struct kc_vsink_line {
    json_t *task;  /* NULL: a Struct, which Jackson refuses */
    json_t *seqno; /* NULL: a Struct */
    char *topic;
    int64_t offset;
} kc_vsink_line_t;

typedef struct kc_vsink {
    char *name;
    int32_t id;
    kc_vsink_line_t *lines;
    size_t nlines;
    size_t cap;
} kc_vsink_t;

static kc_err_t kc_vsink_start(void **ctx, const kc_props_t *config,
                               kc_sink_task_ctx_t *tctx, kc_error_t *err)
{
    const char *name = kc_props_get(config, "name");
    kc_vsink_t *sink;
    int64_t id;
    kc_err_t rc;

    KC_UNUSED(tctx);
    rc = kc_verifiable_int_config(config, "id", INT32_MIN, INT32_MAX, &id, err);
    if (rc != KC_OK) {
        return rc;
    }
    sink = kc_calloc(1, sizeof(*sink));
    sink->name = name != NULL ? kc_strdup(name) : NULL;
    sink->id = (int32_t)id;
    *ctx = sink;
    return KC_OK;
}

/* A record's key or value as Jackson writes it; NULL for a Struct. */
static json_t *kc_vsink_json(const kc_value_t *v)
{
    if (v->type == KC_TYPE_STRUCT) {
        return NULL;
    }
    return kc_value_to_json(v);
}

/* The line of @p l, fields in the order Java's HashMap iterates them. */
static void kc_vsink_print(const kc_vsink_t *sink, const kc_vsink_line_t *l,
                           int64_t time_ms, bool flushed)
{
    json_t *o;

    if (l->task == NULL || l->seqno == NULL) {
        kc_verifiable_print_struct_failure(l->task == NULL ? "task" : "seqno");
        return;
    }
    o = json_object();
    json_object_set(o, "task", l->task);
    json_object_set(o, "seqno", l->seqno);
    json_object_set_new(o, "offset", json_integer(l->offset));
    json_object_set_new(o, "time_ms", json_integer(time_ms));
    json_object_set_new(
        o, "name", sink->name != NULL ? json_string(sink->name) : json_null());
    json_object_set_new(o, "topic", json_string(l->topic));
    json_object_set_new(o, "sinkTask", json_integer(sink->id));
    if (flushed) {
        json_object_set_new(o, "flushed", json_true());
    }
    kc_verifiable_print(o);
}

static kc_err_t kc_vsink_put(void *ctx, kc_batch_t *batch, kc_error_t *err)
{
    kc_vsink_t *sink = ctx;
    int64_t now = kc_clock_wall_ms();

    KC_UNUSED(err);
    for (size_t i = 0; i < batch->len; i++) {
        const kc_record_t *rec = batch->records[i];
        kc_vsink_line_t *l;

        if (sink->nlines == sink->cap) {
            sink->cap = sink->cap == 0 ? 64 : sink->cap * 2;
            sink->lines =
                kc_realloc(sink->lines, sink->cap * sizeof(*sink->lines));
        }
        l = &sink->lines[sink->nlines++];
        l->task = kc_vsink_json(&rec->key);
        l->seqno = kc_vsink_json(&rec->value);
        l->topic = kc_strdup(rec->topic != NULL ? rec->topic : "");
        l->offset = rec->offset;
        kc_vsink_print(sink, l, now, false);
    }
    return KC_OK;
}

static void kc_vsink_clear(kc_vsink_t *sink)
{
    for (size_t i = 0; i < sink->nlines; i++) {
        json_decref(sink->lines[i].task);
        json_decref(sink->lines[i].seqno);
        kc_free(sink->lines[i].topic);
    }
    sink->nlines = 0;
}

static kc_err_t kc_vsink_flush(void *ctx, kc_error_t *err)
{
    kc_vsink_t *sink = ctx;
    int64_t now = kc_clock_wall_ms();

    KC_UNUSED(err);
    for (size_t i = 0; i < sink->nlines; i++) {
        kc_vsink_print(sink, &sink->lines[i], now, true);
    }
    kc_vsink_clear(sink);
    return KC_OK;
}

static void kc_vsink_stop(void *ctx)
{
    kc_vsink_t *sink = ctx;

    if (sink == NULL) {
        return;
    }
    kc_vsink_clear(sink);
    kc_free(sink->lines);
    kc_free(sink->name);
    kc_free(sink);
}

static const kc_config_def_t kc_verifiable_sink_no_defs[] = {{.name = NULL}};

const struct kc_sink_task_plugin kc_verifiable_sink_task = {
    KC_PLUGIN_INIT(struct kc_sink_task_plugin),
    .name = "VerifiableSinkTask",
    .class_name = "org.apache.kafka.connect.tools.VerifiableSinkTask",
    .version = KC_APACHE_VERSION,
    .config_def = kc_verifiable_sink_no_defs,
    .start = kc_vsink_start,
    .put = kc_vsink_put,
    .flush = kc_vsink_flush,
    .stop = kc_vsink_stop,
};

/* Apache's connector declares no configs (an empty ConfigDef). */
const struct kc_connector_plugin kc_verifiable_sink_connector = {
    KC_PLUGIN_INIT(struct kc_connector_plugin),
    .name = "VerifiableSink",
    .class_name = "org.apache.kafka.connect.tools.VerifiableSinkConnector",
    .version = KC_APACHE_VERSION,
    .config_def = kc_verifiable_sink_no_defs,
    .sink_task = &kc_verifiable_sink_task,
    .start = kc_verifiable_conn_start,
    .task_configs = kc_verifiable_conn_task_configs,
    .stop = kc_verifiable_conn_stop,
};

kc_err_t kc_verifiable_connectors_register(kc_registry_t *reg, kc_error_t *err)
{
    kc_err_t rc = kc_registry_add(reg, KC_PLUGIN_SOURCE,
                                  &kc_verifiable_source_connector, err);

    if (rc == KC_OK) {
        rc = kc_registry_add(reg, KC_PLUGIN_SINK, &kc_verifiable_sink_connector,
                             err);
    }
    return rc;
}
