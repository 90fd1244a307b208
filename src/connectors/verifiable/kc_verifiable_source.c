/* SPDX-License-Identifier: Apache-2.0 */
/*
 * VerifiableSource: each poll makes one record numbered by a seqno that
 * grows by one, keyed by the task id (INT32), valued by the seqno (INT64)
 * or, with complete.record.data=true, by a struct of the line's fields.
 * Source partition {"id": <task id>}, offset {"seqno": <seqno>}: a
 * restarted task resumes after the committed seqno. Each record is
 * printed as a JSON line on stdout before it is sent, as Apache's task.
 *
 * Apache prints a {"committed": true} line per record from commitRecord,
 * when the producer acknowledges it. kconnect tells a task only that
 * offsets were committed, so the lines come then, for every record up to
 * the committed seqno: each such record is acknowledged, and a record is
 * never called committed that a restart could lose.
 */
#include "kc_internal.h"

#include <inttypes.h>
#include <pthread.h>
#include <strings.h>
#include <time.h>

#include "connectors/verifiable/kc_verifiable_connectors.h"
#include "util/kc_clock.h"

#define KC_VSRC_LOGGER "org.apache.kafka.connect.tools.VerifiableSourceTask"
/* Apache's throttler sleeps once at least this much sleep is owed. */
#define KC_VSRC_MIN_SLEEP_NS 2000000LL
/* The longest one poll sleeps, so that a stop is never kept waiting. */
#define KC_VSRC_SLICE_NS 100000000LL

/* Apache's COMPLETE_VALUE_SCHEMA: a nameless struct of required fields. */
static kc_schema_t *kc_vsrc_complete_schema;
static pthread_once_t kc_vsrc_schema_once = PTHREAD_ONCE_INIT;

static void kc_vsrc_build_schema(void)
{
    static const struct {
        const char *name;
        kc_type_t type;
    } fields[] = {{"name", KC_TYPE_STRING},
                  {"task", KC_TYPE_INT32},
                  {"topic", KC_TYPE_STRING},
                  {"time_ms", KC_TYPE_INT64},
                  {"seqno", KC_TYPE_INT64}};
    kc_schema_t *s = kc_schema_new(KC_TYPE_STRUCT);
    kc_error_t err;

    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        kc_error_clear(&err);
        (void)kc_schema_add_field_take(s, fields[i].name,
                                       kc_schema_new(fields[i].type), &err);
    }
    kc_vsrc_complete_schema = s; /* lives as long as the process */
}

const kc_schema_t *kc_verifiable_source_complete_schema(void)
{
    pthread_once(&kc_vsrc_schema_once, kc_vsrc_build_schema);
    return kc_vsrc_complete_schema;
}

typedef struct kc_vsrc {
    kc_source_task_ctx_t *tctx;
    char *name; /* NULL when the config has none: printed as null */
    char *topic;
    int32_t id;
    bool complete;
    int64_t seqno;
    int64_t starting_seqno;
    int64_t next_committed; /* first seqno not yet printed as committed */
    kc_verifiable_throttle_t throttle;
} kc_vsrc_t;

static void kc_vsrc_free(kc_vsrc_t *src)
{
    kc_free(src->name);
    kc_free(src->topic);
    kc_free(src);
}

/* {"id": <task id>}, in @p arena. */
static void kc_vsrc_partition(kc_arena_t *arena, int32_t id, kc_value_t *out)
{
    kc_value_set_map(arena, out, 1);
    kc_value_set_string_ref(&out->u.map.keys[0], "id", 2);
    kc_value_set_int(&out->u.map.values[0], KC_TYPE_INT32, id);
}

/* The committed seqno of this task, or -1 when none is stored. */
static kc_err_t kc_vsrc_stored_seqno(kc_vsrc_t *src, int64_t *seqno,
                                     kc_error_t *err)
{
    kc_arena_t *arena = kc_arena_new(0);
    kc_value_t partition;
    kc_value_t offset;
    const kc_value_t *v;
    kc_err_t rc;

    memset(&offset, 0, sizeof(offset));
    kc_vsrc_partition(arena, src->id, &partition);
    rc = kc_source_offset_get(src->tctx, &partition, arena, &offset);
    *seqno = -1;
    if (rc == KC_ERR_NOT_FOUND ||
        (rc == KC_OK && offset.type == KC_TYPE_NULL)) {
        rc = KC_OK;
    } else if (rc != KC_OK) {
        kc_error_set(err, rc,
                     "could not read the stored offset of "
                     "VerifiableSourceTask %d",
                     (int)src->id);
    } else if (offset.type != KC_TYPE_MAP ||
               (v = kc_value_map_get(&offset, "seqno")) == NULL ||
               v->type < KC_TYPE_INT8 || v->type > KC_TYPE_INT64) {
        /* Apache casts offset.get("seqno") to Long and fails the same */
        rc = kc_error_set(err, KC_ERR_INVALID,
                          "the stored offset of VerifiableSourceTask %d has "
                          "no integer \"seqno\"",
                          (int)src->id);
    } else {
        *seqno = v->u.i;
    }
    kc_arena_destroy(arena);
    return rc;
}

static kc_err_t kc_vsrc_start(void **ctx, const kc_props_t *config,
                              kc_source_task_ctx_t *tctx, kc_error_t *err)
{
    const char *name = kc_props_get(config, "name");
    const char *topic = kc_props_get(config, "topic");
    const char *complete = kc_props_get(config, "complete.record.data");
    int64_t id;
    int64_t throughput;
    int64_t stored;
    kc_vsrc_t *src;
    kc_err_t rc;

    rc = kc_verifiable_int_config(config, "id", INT32_MIN, INT32_MAX, &id, err);
    if (rc == KC_OK) {
        rc = kc_verifiable_int_config(config, "throughput", INT64_MIN,
                                      INT64_MAX, &throughput, err);
    }
    if (rc != KC_OK) {
        return rc;
    }
    if (topic == NULL) {
        /* Apache fails later, on the first send */
        return kc_error_set(err, KC_ERR_INVALID,
                            "Invalid VerifiableSourceTask configuration: "
                            "\"topic\" is missing");
    }
    src = kc_calloc(1, sizeof(*src));
    src->tctx = tctx;
    src->id = (int32_t)id;
    src->name = name != NULL ? kc_strdup(name) : NULL;
    src->topic = kc_strdup(topic);
    rc = kc_vsrc_stored_seqno(src, &stored, err);
    if (rc != KC_OK) {
        kc_vsrc_free(src);
        return rc;
    }
    src->seqno = stored + 1;
    src->starting_seqno = src->seqno;
    src->next_committed = src->seqno;
    kc_verifiable_throttle_init(&src->throttle, (double)throughput,
                                kc_clock_wall_ms());
    src->complete = complete != NULL && strcasecmp(complete, "true") == 0;
    kc_log_info(KC_VSRC_LOGGER,
                "Started VerifiableSourceTask %s-%d producing to topic %s "
                "resuming from seqno %" PRId64,
                name != NULL ? name : "null", (int)src->id, src->topic,
                src->starting_seqno);
    *ctx = src;
    return KC_OK;
}

/* The fields of a line, in the order Java's HashMap iterates them. */
static json_t *kc_vsrc_line(const kc_vsrc_t *src, int64_t time_ms,
                            int64_t seqno, bool committed)
{
    json_t *o = json_object();

    if (committed) {
        json_object_set_new(o, "committed", json_true());
    }
    json_object_set_new(o, "task", json_integer(src->id));
    json_object_set_new(o, "seqno", json_integer(seqno));
    json_object_set_new(o, "time_ms", json_integer(time_ms));
    json_object_set_new(
        o, "name", src->name != NULL ? json_string(src->name) : json_null());
    json_object_set_new(o, "topic", json_string(src->topic));
    return o;
}

/* Sleep up to one slice of the current throttle sleep; true when over. */
static bool kc_vsrc_sleep_slice(kc_vsrc_t *src)
{
    int64_t now = kc_clock_now_ms() * 1000000LL;
    int64_t left = src->throttle.sleep_end - now;

    if (left > 0) {
        int64_t ns = left < KC_VSRC_SLICE_NS ? left : KC_VSRC_SLICE_NS;
        struct timespec ts = {.tv_sec = ns / 1000000000LL,
                              .tv_nsec = ns % 1000000000LL};

        nanosleep(&ts, NULL);
        if (ns < left) {
            return false;
        }
    }
    src->throttle.sleep_end = 0;
    src->throttle.deficit_ns = 0;
    return true;
}

static kc_err_t kc_vsrc_poll(void *ctx, kc_batch_t *batch, kc_error_t *err)
{
    kc_vsrc_t *src = ctx;
    kc_verifiable_throttle_t *t = &src->throttle;
    kc_record_t *rec;
    kc_value_t *seq_key;
    kc_value_t *seq_val;
    int64_t now;

    KC_UNUSED(err);
    if (t->sleep_end != 0) {
        if (!kc_vsrc_sleep_slice(src)) {
            return KC_OK; /* still throttled: no record this poll */
        }
    } else if (kc_verifiable_throttle_should(
                   t, src->seqno - src->starting_seqno, kc_clock_wall_ms())) {
        if (t->target == 0) {
            /* Apache waits for the stop: poll again after a slice */
            kc_clock_sleep_ms(KC_VSRC_SLICE_NS / 1000000LL);
            return KC_OK;
        }
        t->deficit_ns += t->sleep_ns;
        if (t->deficit_ns >= KC_VSRC_MIN_SLEEP_NS) {
            t->sleep_end = kc_clock_now_ms() * 1000000LL + t->deficit_ns;
            if (!kc_vsrc_sleep_slice(src)) {
                return KC_OK;
            }
        }
    }
    now = kc_clock_wall_ms();
    kc_verifiable_print(kc_vsrc_line(src, now, src->seqno, false));

    rec = kc_batch_add(batch);
    rec->topic = kc_arena_strdup(batch->arena, src->topic);
    rec->key_schema = kc_schema_primitive(KC_TYPE_INT32, false);
    kc_value_set_int(&rec->key, KC_TYPE_INT32, src->id);
    if (src->complete) {
        const kc_schema_t *s = kc_verifiable_source_complete_schema();

        kc_value_set_struct(batch->arena, &rec->value, s);
        if (src->name != NULL) {
            kc_value_set_string(batch->arena,
                                kc_value_struct_get(&rec->value, "name"),
                                src->name, strlen(src->name));
        }
        kc_value_set_int(kc_value_struct_get(&rec->value, "task"),
                         KC_TYPE_INT32, src->id);
        kc_value_set_string(batch->arena,
                            kc_value_struct_get(&rec->value, "topic"),
                            src->topic, strlen(src->topic));
        kc_value_set_int(kc_value_struct_get(&rec->value, "time_ms"),
                         KC_TYPE_INT64, now);
        kc_value_set_int(kc_value_struct_get(&rec->value, "seqno"),
                         KC_TYPE_INT64, src->seqno);
        rec->value_schema = s;
    } else {
        rec->value_schema = kc_schema_primitive(KC_TYPE_INT64, false);
        kc_value_set_int(&rec->value, KC_TYPE_INT64, src->seqno);
    }
    kc_vsrc_partition(batch->arena, src->id, &rec->source_partition);
    kc_value_set_map(batch->arena, &rec->source_offset, 1);
    seq_key = &rec->source_offset.u.map.keys[0];
    seq_val = &rec->source_offset.u.map.values[0];
    kc_value_set_string_ref(seq_key, "seqno", 5);
    kc_value_set_int(seq_val, KC_TYPE_INT64, src->seqno);
    src->seqno++;
    return KC_OK;
}

/* Offsets were committed: print the records they cover as committed. */
static void kc_vsrc_commit(void *ctx)
{
    kc_vsrc_t *src = ctx;
    kc_error_t err;
    int64_t stored;

    kc_error_clear(&err);
    if (kc_vsrc_stored_seqno(src, &stored, &err) != KC_OK) {
        kc_log_warn(KC_VSRC_LOGGER, "%s", err.msg);
        return;
    }
    for (; src->next_committed <= stored; src->next_committed++) {
        if (src->complete) {
            /* Apache hands Jackson the Struct value, which it refuses */
            kc_verifiable_print_struct_failure("seqno");
            continue;
        }
        kc_verifiable_print(
            kc_vsrc_line(src, kc_clock_wall_ms(), src->next_committed, true));
    }
}

static void kc_vsrc_stop(void *ctx)
{
    if (ctx != NULL) {
        kc_vsrc_free(ctx);
    }
}

static const kc_config_def_t kc_verifiable_no_defs[] = {{.name = NULL}};

const struct kc_source_task_plugin kc_verifiable_source_task = {
    KC_PLUGIN_INIT(struct kc_source_task_plugin),
    .name = "VerifiableSourceTask",
    .class_name = "org.apache.kafka.connect.tools.VerifiableSourceTask",
    .version = KC_APACHE_VERSION,
    .config_def = kc_verifiable_no_defs,
    .start = kc_vsrc_start,
    .poll = kc_vsrc_poll,
    .commit = kc_vsrc_commit,
    .stop = kc_vsrc_stop,
};

/* Apache's connector declares no configs (an empty ConfigDef). */
const struct kc_connector_plugin kc_verifiable_source_connector = {
    KC_PLUGIN_INIT(struct kc_connector_plugin),
    .name = "VerifiableSource",
    .class_name = "org.apache.kafka.connect.tools.VerifiableSourceConnector",
    .version = KC_APACHE_VERSION,
    .config_def = kc_verifiable_no_defs,
    .source_task = &kc_verifiable_source_task,
    .start = kc_verifiable_conn_start,
    .task_configs = kc_verifiable_conn_task_configs,
    .stop = kc_verifiable_conn_stop,
};
