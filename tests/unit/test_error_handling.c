/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The task error handler: retry timing (fake clock), tolerance, Apache's
 * LogReporter text, the dead letter queue headers and records (on the
 * embedded Kafka, librdkafka's mock cluster).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "kc_runtime_test_plugins.h"

#include <kconnect/config.h>
#include <kconnect/data.h>

#include "plugins/kc_registry.h"
#include "runtime/kc_embedded_kafka.h"
#include "runtime/kc_error_handler.h"
#include "transforms/kc_transform_chain.h"

/* ---- a fake clock: sleeping moves time on, and is recorded ---------- */

typedef struct fake {
    int64_t now;
    int64_t sleeps[64];
    int nsleeps;
    int stop_after_sleeps; /* 0 = never */
    int64_t random_value;
    int64_t random_bound; /* the last bound asked for */
    int calls;            /* op calls */
    int ok_at;            /* op returns KC_OK on this call; 0 = never */
    kc_err_t fail_code;   /* what op returns otherwise */
    int fail_code_at;     /* ...from this call on (0 = KC_RETRY always) */
} fake_t;

static int64_t fake_now(void *opaque)
{
    return ((fake_t *)opaque)->now;
}

static void fake_sleep(void *opaque, int64_t ms)
{
    fake_t *f = opaque;

    assert_true(ms >= 0);
    assert_true(f->nsleeps < 64);
    f->sleeps[f->nsleeps++] = ms;
    f->now += ms;
}

static bool fake_stopping(void *opaque)
{
    fake_t *f = opaque;

    return f->stop_after_sleeps > 0 && f->nsleeps >= f->stop_after_sleeps;
}

static int64_t fake_random(void *opaque, int64_t bound)
{
    fake_t *f = opaque;

    f->random_bound = bound;
    return f->random_value;
}

static kc_err_t fake_op(void *arg, kc_error_t *err)
{
    fake_t *f = arg;

    f->calls++;
    if (f->ok_at > 0 && f->calls == f->ok_at) {
        return KC_OK;
    }
    if (f->fail_code_at > 0 && f->calls >= f->fail_code_at) {
        return kc_error_set(err, f->fail_code, "bad data on call %d", f->calls);
    }
    return kc_error_set(err, KC_RETRY, "try again (call %d)", f->calls);
}

static kc_error_handler_t *handler(const char *const *kv, bool is_sink,
                                   fake_t *f)
{
    kc_props_t *props = kc_props_new();
    kc_error_t err;
    kc_error_handler_t *eh;

    for (size_t i = 0; kv != NULL && kv[i] != NULL; i += 2) {
        kc_props_set(props, kv[i], kv[i + 1]);
    }
    eh = kc_error_handler_new(props, NULL, "c1", 3, is_sink, &err);
    kc_props_destroy(props);
    if (eh == NULL) {
        fail_msg("kc_error_handler_new: %s", err.msg);
    }
    if (f != NULL) {
        kc_error_clock_t clock = {.now_ms = fake_now,
                                  .sleep_ms = fake_sleep,
                                  .stopping = fake_stopping,
                                  .random = fake_random,
                                  .opaque = f};

        f->now = 1000000;
        kc_error_handler_set_clock(eh, &clock);
    }
    return eh;
}

/* Run a retry of fake_op after a first KC_RETRY; returns its result. */
static kc_err_t run_retry(kc_error_handler_t *eh, fake_t *f, int *attempts)
{
    kc_error_t err;

    kc_error_set(&err, KC_RETRY, "try again (call 0)");
    return kc_error_handler_retry(eh, fake_op, f, KC_RETRY, &err, attempts);
}

/* ---- retry ---------------------------------------------------------- */

static void test_stage_names_are_apaches(void **state)
{
    (void)state;
    assert_string_equal(kc_stage_name(KC_STAGE_TASK_POLL), "TASK_POLL");
    assert_string_equal(kc_stage_name(KC_STAGE_TASK_PUT), "TASK_PUT");
    assert_string_equal(kc_stage_name(KC_STAGE_TRANSFORMATION),
                        "TRANSFORMATION");
    assert_string_equal(kc_stage_name(KC_STAGE_KEY_CONVERTER), "KEY_CONVERTER");
    assert_string_equal(kc_stage_name(KC_STAGE_VALUE_CONVERTER),
                        "VALUE_CONVERTER");
    assert_string_equal(kc_stage_name(KC_STAGE_HEADER_CONVERTER),
                        "HEADER_CONVERTER");
    assert_string_equal(kc_stage_name(KC_STAGE_KAFKA_PRODUCE), "KAFKA_PRODUCE");
    assert_string_equal(kc_stage_name(KC_STAGE_KAFKA_CONSUME), "KAFKA_CONSUME");
}

static void test_no_retry_by_default(void **state)
{
    fake_t f = {0};
    kc_error_handler_t *eh = handler(NULL, true, &f);
    int attempts = 0;

    (void)state;
    assert_false(kc_error_handler_retries(eh));
    assert_int_equal(run_retry(eh, &f, &attempts), KC_RETRY);
    assert_int_equal(attempts, 1);
    assert_int_equal(f.calls, 0);
    assert_int_equal(f.nsleeps, 0);
    kc_error_handler_destroy(eh);
}

static void test_backoff_doubles_and_stops_at_the_timeout(void **state)
{
    static const char *const kv[] = {"errors.retry.timeout", "2000", NULL};
    fake_t f = {0};
    kc_error_handler_t *eh = handler(kv, true, &f);
    int attempts = 0;

    (void)state;
    /* 300, 600, then 1200 cut to the 1100 left before the deadline. */
    assert_int_equal(run_retry(eh, &f, &attempts), KC_RETRY);
    assert_int_equal(f.nsleeps, 3);
    assert_int_equal(f.sleeps[0], 300);
    assert_int_equal(f.sleeps[1], 600);
    assert_int_equal(f.sleeps[2], 1100);
    assert_int_equal(f.calls, 3);
    assert_int_equal(attempts, 4);
    kc_error_handler_destroy(eh);
}

static void test_retry_that_succeeds_returns_ok(void **state)
{
    static const char *const kv[] = {"errors.retry.timeout", "60000", NULL};
    fake_t f = {.ok_at = 2};
    kc_error_handler_t *eh = handler(kv, true, &f);
    int attempts = 0;

    (void)state;
    assert_int_equal(run_retry(eh, &f, &attempts), KC_OK);
    assert_int_equal(attempts, 3);
    assert_int_equal(f.nsleeps, 2);
    assert_int_equal(f.sleeps[0], 300);
    assert_int_equal(f.sleeps[1], 600);
    kc_error_handler_destroy(eh);
}

static void test_delay_past_max_is_random_below_max(void **state)
{
    static const char *const kv[] = {"errors.retry.timeout", "-1",
                                     "errors.retry.delay.max.ms", "1000", NULL};
    fake_t f = {.ok_at = 4, .random_value = 417};
    kc_error_handler_t *eh = handler(kv, true, &f);
    int attempts = 0;

    (void)state;
    assert_int_equal(run_retry(eh, &f, &attempts), KC_OK);
    assert_int_equal(f.nsleeps, 4);
    assert_int_equal(f.sleeps[0], 300);
    assert_int_equal(f.sleeps[1], 600);
    assert_int_equal(f.sleeps[2], 417); /* 1200 > 1000 */
    assert_int_equal(f.sleeps[3], 417); /* 2400 > 1000 */
    assert_int_equal(f.random_bound, 1000);
    kc_error_handler_destroy(eh);
}

static void test_minus_one_retries_forever(void **state)
{
    static const char *const kv[] = {"errors.retry.timeout", "-1", NULL};
    fake_t f = {.ok_at = 40, .random_value = 5};
    kc_error_handler_t *eh = handler(kv, true, &f);
    int attempts = 0;

    (void)state;
    assert_int_equal(run_retry(eh, &f, &attempts), KC_OK);
    assert_int_equal(f.calls, 40);
    assert_int_equal(attempts, 41);
    /* 60000 ms is the default max: 300 << 7 = 38400, 300 << 8 > max. */
    assert_int_equal(f.sleeps[7], 38400);
    assert_int_equal(f.sleeps[8], 5);
    assert_int_equal(f.random_bound, 60000);
    kc_error_handler_destroy(eh);
}

static void test_non_retriable_failure_is_not_retried(void **state)
{
    static const char *const kv[] = {"errors.retry.timeout", "-1", NULL};
    fake_t f = {0};
    kc_error_handler_t *eh = handler(kv, true, &f);
    kc_error_t err;
    int attempts = 0;

    (void)state;
    kc_error_set(&err, KC_ERR_INVALID, "bad");
    assert_int_equal(kc_error_handler_retry(eh, fake_op, &f, KC_ERR_INVALID,
                                            &err, &attempts),
                     KC_ERR_INVALID);
    assert_int_equal(f.calls, 0);
    assert_int_equal(f.nsleeps, 0);
    assert_int_equal(attempts, 1);
    kc_error_handler_destroy(eh);
}

static void test_non_retriable_failure_during_retries_ends_them(void **state)
{
    static const char *const kv[] = {"errors.retry.timeout", "-1", NULL};
    fake_t f = {.fail_code = KC_ERR_INVALID, .fail_code_at = 2};
    kc_error_handler_t *eh = handler(kv, true, &f);
    kc_error_t err;

    (void)state;
    kc_error_set(&err, KC_RETRY, "first");
    assert_int_equal(
        kc_error_handler_retry(eh, fake_op, &f, KC_RETRY, &err, NULL),
        KC_ERR_INVALID);
    assert_int_equal(f.calls, 2);
    assert_string_equal(err.msg, "bad data on call 2");
    kc_error_handler_destroy(eh);
}

static void test_stop_interrupts_a_retry(void **state)
{
    static const char *const kv[] = {"errors.retry.timeout", "-1", NULL};
    fake_t f = {.stop_after_sleeps = 2};
    kc_error_handler_t *eh = handler(kv, true, &f);
    int attempts = 0;

    (void)state;
    assert_int_equal(run_retry(eh, &f, &attempts), KC_RETRY);
    assert_int_equal(f.nsleeps, 2);
    assert_int_equal(f.calls, 1);
    kc_error_handler_destroy(eh);
}

static void test_bad_retry_config_is_rejected(void **state)
{
    kc_props_t *props = kc_props_new();
    kc_error_t err;

    (void)state;
    kc_props_set(props, "errors.retry.timeout", "soon");
    assert_null(kc_error_handler_new(props, NULL, "c1", 0, true, &err));
    assert_int_equal(err.code, KC_ERR_INVALID);
    assert_non_null(strstr(err.msg, "errors.retry.timeout"));
    kc_props_set(props, "errors.retry.timeout", "0");
    kc_props_set(props, "errors.retry.delay.max.ms", "1e3");
    assert_null(kc_error_handler_new(props, NULL, "c1", 0, true, &err));
    assert_non_null(strstr(err.msg, "errors.retry.delay.max.ms"));
    kc_props_destroy(props);
}

static void test_any_negative_timeout_retries_forever(void **state)
{
    /* Apache validates neither key; a negative timeout has no deadline. */
    static const char *const kv[] = {"errors.retry.timeout", "-5", NULL};
    fake_t f = {.ok_at = 12, .random_value = 1};
    kc_error_handler_t *eh = handler(kv, true, &f);

    (void)state;
    assert_true(kc_error_handler_retries(eh));
    assert_int_equal(run_retry(eh, &f, NULL), KC_OK);
    assert_int_equal(f.calls, 12);
    kc_error_handler_destroy(eh);
}

static void test_non_positive_max_delay_means_no_wait(void **state)
{
    static const char *const kv[] = {"errors.retry.timeout", "1000",
                                     "errors.retry.delay.max.ms", "0", NULL};
    fake_t f = {.ok_at = 3, .random_value = 99};
    kc_error_handler_t *eh = handler(kv, true, &f);

    (void)state;
    assert_int_equal(run_retry(eh, &f, NULL), KC_OK);
    assert_int_equal(f.nsleeps, 3);
    assert_int_equal(f.sleeps[0], 0);
    assert_int_equal(f.sleeps[2], 0);
    assert_int_equal(f.random_bound, 0); /* never asked */
    kc_error_handler_destroy(eh);
}

/* ---- tolerance and texts -------------------------------------------- */

static const kc_error_context_t json_failure = {
    .stage = KC_STAGE_VALUE_CONVERTER,
    .class_name = "org.apache.kafka.connect.json.JsonConverter",
    .plugin_name = "JsonConverter",
    .code = KC_ERR_INVALID,
    .message = "could not parse JSON: unexpected token"};

static void test_tolerance_none_fails_with_the_trace(void **state)
{
    kc_error_handler_t *eh = handler(NULL, true, NULL);
    char *trace = NULL;

    (void)state;
    assert_false(kc_error_handler_tolerates_all(eh));
    assert_false(kc_error_handler_failed(eh, &json_failure, &trace));
    assert_string_equal(
        trace, "org.apache.kafka.connect.errors.ConnectException: Tolerance "
               "exceeded in error handler\n"
               "\tat kconnect.VALUE_CONVERTER(JsonConverter)\n"
               "Caused by: org.apache.kafka.connect.errors.DataException: "
               "could not parse JSON: unexpected token\n"
               "\tat kconnect.VALUE_CONVERTER(JsonConverter)\n");
    kc_free(trace);
    kc_error_handler_destroy(eh);
}

static void test_tolerance_all_skips(void **state)
{
    static const char *const kv[] = {"errors.tolerance", "all", NULL};
    kc_error_handler_t *eh = handler(kv, true, NULL);
    char *trace = NULL;

    (void)state;
    assert_true(kc_error_handler_tolerates_all(eh));
    assert_true(kc_error_handler_failed(eh, &json_failure, &trace));
    assert_null(trace);
    kc_error_handler_destroy(eh);
}

static void test_exception_classes(void **state)
{
    kc_error_context_t ctx = json_failure;

    (void)state;
    assert_string_equal(kc_error_handler_exception_class(&ctx),
                        "org.apache.kafka.connect.errors.DataException");
    ctx.stage = KC_STAGE_TRANSFORMATION;
    assert_string_equal(kc_error_handler_exception_class(&ctx),
                        "org.apache.kafka.connect.errors.DataException");
    ctx.stage = KC_STAGE_TASK_PUT;
    assert_string_equal(kc_error_handler_exception_class(&ctx),
                        "org.apache.kafka.connect.errors.ConnectException");
    ctx.stage = KC_STAGE_KAFKA_PRODUCE;
    assert_string_equal(kc_error_handler_exception_class(&ctx),
                        "org.apache.kafka.connect.errors.ConnectException");
    ctx.stage = KC_STAGE_VALUE_CONVERTER;
    ctx.code = KC_RETRY;
    assert_string_equal(kc_error_handler_exception_class(&ctx),
                        "org.apache.kafka.connect.errors.RetriableException");
}

static void test_log_text_without_messages(void **state)
{
    static const char *const kv[] = {"errors.log.enable", "true", NULL};
    kc_error_handler_t *eh = handler(kv, true, NULL);
    char *line = kc_error_handler_log_text(eh, &json_failure);

    (void)state;
    assert_string_equal(line, "Error encountered in task c1-3. Executing "
                              "stage 'VALUE_CONVERTER' with class "
                              "'org.apache.kafka.connect.json.JsonConverter'.");
    kc_free(line);
    kc_error_handler_destroy(eh);
}

static void test_log_text_of_a_source_record(void **state)
{
    static const char *const kv[] = {"errors.log.include.messages", "true",
                                     NULL};
    kc_error_handler_t *eh = handler(kv, false, NULL);
    kc_arena_t *arena = kc_arena_new(0);
    kc_record_t rec;
    kc_error_context_t ctx = {
        .stage = KC_STAGE_TRANSFORMATION,
        .class_name = "org.apache.kafka.connect.transforms.Cast$Value",
        .message = "boom"};
    char *line;

    (void)state;
    memset(&rec, 0, sizeof(rec));
    rec.topic = "lines";
    rec.partition = -1;
    rec.offset = -1;
    rec.timestamp = -1;
    kc_value_set_string(arena, &rec.value, "hello", 5);
    rec.value_schema = kc_schema_primitive(KC_TYPE_STRING, false);
    kc_value_set_map(arena, &rec.source_partition, 1);
    kc_value_set_string(arena, &rec.source_partition.u.map.keys[0], "filename",
                        8);
    kc_value_set_string(arena, &rec.source_partition.u.map.values[0], "a.txt",
                        5);
    kc_value_set_map(arena, &rec.source_offset, 1);
    kc_value_set_string(arena, &rec.source_offset.u.map.keys[0], "position", 8);
    kc_value_set_int(&rec.source_offset.u.map.values[0], KC_TYPE_INT64, 42);
    ctx.record = &rec;
    line = kc_error_handler_log_text(eh, &ctx);
    assert_string_equal(
        line,
        "Error encountered in task c1-3. Executing stage 'TRANSFORMATION' "
        "with class 'org.apache.kafka.connect.transforms.Cast$Value', where "
        "source record is = SourceRecord{sourcePartition={filename=a.txt}, "
        "sourceOffset={position=42}} ConnectRecord{topic='lines', "
        "kafkaPartition=null, key=null, keySchema=null, value=hello, "
        "valueSchema=Schema{STRING}, timestamp=null, "
        "headers=ConnectHeaders(headers=)}.");
    kc_free(line);
    kc_arena_destroy(arena);
    kc_error_handler_destroy(eh);
}

static void test_transform_class_of_an_alias(void **state)
{
    kc_props_t *props = kc_props_new();
    kc_registry_t *reg = kc_registry_new();
    kc_error_t err;

    (void)state;
    assert_int_equal(kc_registry_add_builtins(reg, &err), KC_OK);
    kc_props_set(props, "transforms.cast.type", "Cast$Value");
    kc_props_set(props, "transforms.mine.type", "com.example.Custom");
    assert_string_equal(kc_error_handler_transform_class_of(reg, props, "cast"),
                        "org.apache.kafka.connect.transforms.Cast$Value");
    assert_string_equal(kc_error_handler_transform_class_of(reg, props, "mine"),
                        "com.example.Custom");
    assert_string_equal(kc_error_handler_transform_class_of(reg, props, "none"),
                        "null");
    assert_string_equal(kc_error_handler_transform_class_of(reg, props, NULL),
                        "null");
    kc_registry_destroy(reg);
    kc_props_destroy(props);
}

/*
 * A failure Apache raises as another exception than DataException (the
 * transform says so with kc_error_set_java_exception) is reported under
 * that class: ExtractField on a field the schema lacks throws Apache's
 * IllegalArgumentException (tests/golden/pipeline_golden.jsonl,
 * error_extract_field_unknown). Run through a real chain.
 */
static void test_transform_failure_reports_apaches_exception_class(void **state)
{
    kc_props_t *props = kc_props_new();
    kc_registry_t *reg = kc_registry_new();
    kc_task_converters_t conv = {0};
    kc_error_context_t ctx = {.stage = KC_STAGE_TRANSFORMATION};
    kc_transform_chain_t *chain;
    kc_arena_t *arena = kc_arena_new(0);
    kc_schema_t *schema = kc_schema_new(KC_TYPE_STRUCT);
    kc_record_t rec = {.topic = "t", .partition = -1, .offset = -1};
    kc_error_t err;
    bool drop = false;

    (void)state;
    assert_int_equal(kc_registry_add_builtins(reg, &err), KC_OK);
    kc_props_set(props, "transforms", "x");
    kc_props_set(props, "transforms.x.type", "ExtractField$Value");
    kc_props_set(props, "transforms.x.field", "nope");
    chain = kc_transform_chain_new(reg, props, &err);
    assert_non_null(chain);
    assert_int_equal(
        kc_schema_add_field_take(
            schema, "id",
            kc_schema_ref(kc_schema_primitive(KC_TYPE_INT32, false)), NULL),
        KC_OK);
    rec.value_schema = schema;
    kc_value_set_struct(arena, &rec.value, schema);
    kc_value_set_int(&rec.value.u.st.fields[0], KC_TYPE_INT32, 7);
    assert_int_not_equal(
        kc_transform_chain_apply(chain, &rec, arena, &drop, &err), KC_OK);
    kc_error_context_name_stage(&ctx, &conv, reg, props, &err, "Task");
    assert_string_equal(kc_error_handler_exception_class(&ctx),
                        "java.lang.IllegalArgumentException");
    assert_string_equal(err.msg, "Unknown field: nope");
    assert_string_equal(ctx.class_name, "org.apache.kafka.connect.transforms."
                                        "ExtractField$Value");

    /* Any other transform failure is a DataException. */
    ctx.exception_class = NULL;
    kc_error_set(&err, KC_ERR_INVALID, "x");
    kc_error_set_origin(&err, "x");
    kc_error_context_name_stage(&ctx, &conv, reg, props, &err, "Task");
    assert_string_equal(kc_error_handler_exception_class(&ctx),
                        "org.apache.kafka.connect.errors.DataException");
    kc_transform_chain_destroy(chain);
    kc_arena_destroy(arena);
    kc_schema_unref(schema);
    kc_registry_destroy(reg);
    kc_props_destroy(props);
}

/*
 * The failing transform comes from the error's origin, which the chain
 * sets, not from the message: an alias with a quote in it cut the parsed
 * name short ("null"), and text that names another transform misled it.
 */
static void test_transform_class_from_the_error_origin(void **state)
{
    kc_props_t *props = kc_props_new();
    kc_registry_t *reg = kc_registry_new();
    kc_task_converters_t conv = {0};
    kc_error_context_t ctx = {.stage = KC_STAGE_TRANSFORMATION};
    kc_error_t err;

    (void)state;
    assert_int_equal(kc_registry_add_builtins(reg, &err), KC_OK);
    kc_props_set(props, "transforms.my\"cast.type", "Cast$Value");
    kc_props_set(props, "transforms.mine.type", "com.example.Custom");

    kc_error_set(&err, KC_ERR_INVALID, "transform \"my\"cast\" failed: x");
    kc_error_set_origin(&err, "my\"cast");
    kc_error_context_name_stage(&ctx, &conv, reg, props, &err, "Task");
    assert_string_equal(ctx.class_name,
                        "org.apache.kafka.connect.transforms.Cast$Value");

    kc_error_set(&err, KC_ERR_INVALID, "transform \"mine\" failed: x");
    kc_error_set_origin(&err, "my\"cast");
    kc_error_context_name_stage(&ctx, &conv, reg, props, &err, "Task");
    assert_string_equal(ctx.class_name,
                        "org.apache.kafka.connect.transforms.Cast$Value");

    /* No origin: no transform is named, whatever the text says. */
    kc_error_set(&err, KC_ERR_INVALID, "transform \"mine\" failed: x");
    kc_error_context_name_stage(&ctx, &conv, reg, props, &err, "Task");
    assert_string_equal(ctx.class_name, "null");

    /* The task's own stages still name the task. */
    ctx.stage = KC_STAGE_TASK_PUT;
    kc_error_context_name_stage(&ctx, &conv, reg, props, &err, "Task");
    assert_string_equal(ctx.class_name, "Task");
    kc_registry_destroy(reg);
    kc_props_destroy(props);
}

/* A plugin asking for a retry with another code still says KC_RETRY. */
static kc_err_t retry_with_io_code(void *arg, kc_error_t *err)
{
    (void)arg;
    kc_error_set(err, KC_ERR_IO, "disk busy");
    return KC_RETRY;
}

static void test_retry_marks_the_error_retriable(void **state)
{
    fake_t f = {0};
    kc_error_handler_t *eh = handler(
        (const char *const[]){"errors.retry.timeout", "1000", NULL}, true, &f);
    kc_error_t err;

    (void)state;
    kc_error_set(&err, KC_ERR_IO, "disk busy");
    assert_false(kc_error_is_retriable(&err));
    assert_int_equal(kc_error_handler_retry(eh, retry_with_io_code, NULL,
                                            KC_RETRY, &err, NULL),
                     KC_RETRY);
    assert_int_equal(err.code, KC_ERR_IO);
    assert_true(kc_error_is_retriable(&err));
    assert_false(kc_error_is_fatal(&err));
    kc_error_handler_destroy(eh);
}

/* A producer's fatal error becomes a fatal error with librdkafka's name. */
static void test_kafka_fatal_error_is_fatal_with_its_name(void **state)
{
    char errstr[256];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_t *rk;
    kc_error_t err;

    (void)state;
    assert_int_equal(rd_kafka_conf_set(conf, "enable.idempotence", "true",
                                       errstr, sizeof(errstr)),
                     RD_KAFKA_CONF_OK);
    rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
    assert_non_null(rk);
    kc_error_clear(&err);
    assert_false(kc_error_set_kafka_fatal(&err, rk));
    assert_int_equal(err.code, KC_OK);
    assert_int_equal(
        rd_kafka_test_fatal_error(
            rk, RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED, "not allowed"),
        RD_KAFKA_RESP_ERR_NO_ERROR);
    assert_true(kc_error_set_kafka_fatal(&err, rk));
    assert_int_equal(err.code, KC_ERR_KAFKA);
    assert_true(kc_error_is_fatal(&err));
    assert_false(kc_error_is_retriable(&err));
    assert_string_equal(kc_error_cause(&err), "CLUSTER_AUTHORIZATION_FAILED");
    assert_non_null(strstr(err.msg, "not allowed"));
    rd_kafka_destroy(rk);
}

/* ---- the dead letter queue, on the embedded Kafka -------------------- */

typedef struct kafka {
    kc_embedded_kafka_t *ek;
    const char *bootstrap;
} kafka_t;

static int kafka_setup(void **state)
{
    kafka_t *k = kc_calloc(1, sizeof(*k));
    kc_error_t err;

    k->ek = kc_embedded_kafka_start(1, &err);
    if (k->ek == NULL) {
        fail_msg("embedded kafka: %s", err.msg);
    }
    k->bootstrap = kc_embedded_kafka_bootstraps(k->ek);
    *state = k;
    return 0;
}

static int kafka_teardown(void **state)
{
    kafka_t *k = *state;

    kc_embedded_kafka_destroy(k->ek);
    kc_free(k);
    return 0;
}

static rd_kafka_t *client(const kafka_t *k, rd_kafka_type_t type)
{
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    char errstr[256];
    rd_kafka_t *rk;

    rd_kafka_conf_set(conf, "bootstrap.servers", k->bootstrap, NULL, 0);
    if (type == RD_KAFKA_CONSUMER) {
        rd_kafka_conf_set(conf, "group.id", "test-error-handling", NULL, 0);
    }
    rk = rd_kafka_new(type, conf, errstr, sizeof(errstr));
    assert_non_null(rk);
    if (type == RD_KAFKA_CONSUMER) {
        rd_kafka_poll_set_consumer(rk);
    }
    return rk;
}

/* A one-partition topic on the embedded broker. */
static void create_topic(const kafka_t *k, const char *topic)
{
    kc_error_t err;

    if (kc_embedded_kafka_create_topic(k->ek, topic, 1, &err) != KC_OK) {
        fail_msg("create topic %s: %s", topic, err.msg);
    }
}

/* Leave the group and free a consumer made by client(). */
static void close_consumer(rd_kafka_t *cons)
{
    rd_kafka_consumer_close(cons);
    rd_kafka_destroy(cons);
}

/* The first message of partition 0 of @p topic (caller destroys). */
static rd_kafka_message_t *consume_one(const kafka_t *k, rd_kafka_t *rk,
                                       const char *topic)
{
    rd_kafka_topic_partition_list_t *parts =
        rd_kafka_topic_partition_list_new(1);

    (void)k;
    rd_kafka_topic_partition_list_add(parts, topic, 0)->offset =
        RD_KAFKA_OFFSET_BEGINNING;
    assert_int_equal(rd_kafka_assign(rk, parts), RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_topic_partition_list_destroy(parts);
    for (int i = 0; i < 100; i++) {
        rd_kafka_message_t *msg = rd_kafka_consumer_poll(rk, 100);

        if (msg == NULL) {
            continue;
        }
        if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            return msg;
        }
        rd_kafka_message_destroy(msg);
    }
    fail_msg("nothing consumed from %s", topic);
    return NULL;
}

/* The value of header @p name number @p idx, as a string (borrowed). */
static void assert_header(rd_kafka_headers_t *hdrs, size_t idx,
                          const char *name, const char *value)
{
    const char *n;
    const void *v;
    size_t len;

    assert_int_equal(rd_kafka_header_get_all(hdrs, idx, &n, &v, &len),
                     RD_KAFKA_RESP_ERR_NO_ERROR);
    assert_string_equal(n, name);
    if (value == NULL) {
        assert_null(v);
        return;
    }
    assert_int_equal(len, strlen(value));
    assert_memory_equal(v, value, len);
}

static void test_sink_dlq_gets_the_original_record_and_headers(void **state)
{
    kafka_t *k = *state;
    static const char *const kv[] = {
        "errors.tolerance",
        "all",
        "errors.deadletterqueue.topic.name",
        "dlq-sink",
        "errors.deadletterqueue.context.headers.enable",
        "true",
        NULL};
    kc_error_handler_t *eh = handler(kv, true, NULL);
    rd_kafka_t *prod = client(k, RD_KAFKA_PRODUCER);
    rd_kafka_t *cons = client(k, RD_KAFKA_CONSUMER);
    rd_kafka_message_t *orig;
    rd_kafka_message_t *dead;
    rd_kafka_headers_t *hdrs = NULL;
    rd_kafka_timestamp_type_t tstype;
    kc_error_context_t ctx = json_failure;

    create_topic(k, "orders");
    create_topic(k, "dlq-sink");
    assert_int_equal(
        rd_kafka_producev(
            prod, RD_KAFKA_V_TOPIC("orders"), RD_KAFKA_V_PARTITION(0),
            RD_KAFKA_V_KEY("k1", 2), RD_KAFKA_V_VALUE("{not json", 9),
            RD_KAFKA_V_TIMESTAMP(1700000000123),
            RD_KAFKA_V_HEADER("trace-id", "abc", 3), RD_KAFKA_V_END),
        RD_KAFKA_RESP_ERR_NO_ERROR);
    assert_int_equal(rd_kafka_flush(prod, 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
    orig = consume_one(k, cons, "orders");

    kc_error_handler_set_dlq_take(eh, prod, "dlq-sink");
    ctx.consumed = orig;
    {
        /* The log line of the same failure, with the record's place. */
        static const char *const kv2[] = {"errors.log.include.messages", "true",
                                          NULL};
        kc_error_handler_t *eh2 = handler(kv2, true, NULL);
        char *line = kc_error_handler_log_text(eh2, &ctx);

        assert_string_equal(
            line, "Error encountered in task c1-3. Executing stage "
                  "'VALUE_CONVERTER' with class "
                  "'org.apache.kafka.connect.json.JsonConverter', where "
                  "consumed record is {topic='orders', partition=0, "
                  "offset=0, timestamp=1700000000123, "
                  "timestampType=CreateTime}.");
        kc_free(line);
        kc_error_handler_destroy(eh2);
    }
    assert_true(kc_error_handler_failed(eh, &ctx, NULL));
    assert_true(kc_error_handler_flush(eh, 10000));
    rd_kafka_message_destroy(orig);

    dead = consume_one(k, cons, "dlq-sink");
    assert_int_equal(dead->key_len, 2);
    assert_memory_equal(dead->key, "k1", 2);
    assert_int_equal(dead->len, 9);
    assert_memory_equal(dead->payload, "{not json", 9);
    assert_int_equal(rd_kafka_message_timestamp(dead, &tstype), 1700000000123);
    assert_int_equal(rd_kafka_message_headers(dead, &hdrs),
                     RD_KAFKA_RESP_ERR_NO_ERROR);
    assert_header(hdrs, 0, "trace-id", "abc");
    assert_header(hdrs, 1, "__connect.errors.topic", "orders");
    assert_header(hdrs, 2, "__connect.errors.partition", "0");
    assert_header(hdrs, 3, "__connect.errors.offset", "0");
    assert_header(hdrs, 4, "__connect.errors.connector.name", "c1");
    assert_header(hdrs, 5, "__connect.errors.task.id", "3");
    assert_header(hdrs, 6, "__connect.errors.stage", "VALUE_CONVERTER");
    assert_header(hdrs, 7, "__connect.errors.class.name",
                  "org.apache.kafka.connect.json.JsonConverter");
    assert_header(hdrs, 8, "__connect.errors.exception.class.name",
                  "org.apache.kafka.connect.errors.DataException");
    assert_header(hdrs, 9, "__connect.errors.exception.message",
                  "could not parse JSON: unexpected token");
    assert_header(hdrs, 10, "__connect.errors.exception.stacktrace",
                  "org.apache.kafka.connect.errors.DataException: could not "
                  "parse JSON: unexpected token\n"
                  "\tat kconnect.VALUE_CONVERTER(JsonConverter)\n");
    assert_int_equal(rd_kafka_header_cnt(hdrs), 11);
    rd_kafka_message_destroy(dead);
    close_consumer(cons);
    kc_error_handler_destroy(eh);
}

static void test_sink_dlq_without_context_headers(void **state)
{
    kafka_t *k = *state;
    static const char *const kv[] = {"errors.deadletterqueue.topic.name",
                                     "dlq-plain", NULL};
    kc_error_handler_t *eh = handler(kv, true, NULL);
    rd_kafka_t *prod = client(k, RD_KAFKA_PRODUCER);
    rd_kafka_t *cons = client(k, RD_KAFKA_CONSUMER);
    rd_kafka_message_t *orig;
    rd_kafka_message_t *dead;
    rd_kafka_headers_t *hdrs = NULL;
    kc_error_context_t ctx = json_failure;
    char *trace = NULL;

    create_topic(k, "in2");
    create_topic(k, "dlq-plain");
    assert_int_equal(rd_kafka_producev(
                         prod, RD_KAFKA_V_TOPIC("in2"), RD_KAFKA_V_PARTITION(0),
                         RD_KAFKA_V_VALUE("xyz", 3), RD_KAFKA_V_END),
                     RD_KAFKA_RESP_ERR_NO_ERROR);
    assert_int_equal(rd_kafka_flush(prod, 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
    orig = consume_one(k, cons, "in2");
    kc_error_handler_set_dlq_take(eh, prod, "dlq-plain");
    ctx.consumed = orig;
    /* errors.tolerance=none: reported to the queue, and the task fails. */
    assert_false(kc_error_handler_failed(eh, &ctx, &trace));
    assert_non_null(trace);
    kc_free(trace);
    assert_true(kc_error_handler_flush(eh, 10000));
    rd_kafka_message_destroy(orig);
    dead = consume_one(k, cons, "dlq-plain");
    assert_int_equal(dead->len, 3);
    assert_memory_equal(dead->payload, "xyz", 3);
    assert_null(dead->key);
    assert_int_not_equal(rd_kafka_message_headers(dead, &hdrs),
                         RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_message_destroy(dead);
    close_consumer(cons);
    kc_error_handler_destroy(eh);
}

static void test_source_dlq_gets_json_and_source_headers(void **state)
{
    kafka_t *k = *state;
    static const char *const kv[] = {
        "errors.tolerance",
        "all",
        "errors.deadletterqueue.topic.name",
        "dlq-source",
        "errors.deadletterqueue.context.headers.enable",
        "true",
        NULL};
    kc_props_t *props = kc_props_new();
    kc_registry_t *reg = kc_registry_new();
    kc_error_handler_t *eh;
    rd_kafka_t *cons = client(k, RD_KAFKA_CONSUMER);
    rd_kafka_message_t *dead;
    rd_kafka_headers_t *hdrs = NULL;
    kc_arena_t *arena = kc_arena_new(0);
    kc_record_t rec;
    kc_error_context_t ctx = {
        .stage = KC_STAGE_KEY_CONVERTER,
        .class_name = "org.apache.kafka.connect.storage.StringConverter",
        .plugin_name = "StringConverter",
        .code = KC_ERR_INVALID,
        .message = "no"};
    kc_error_t err;

    assert_int_equal(kc_registry_add_builtins(reg, &err), KC_OK);
    for (size_t i = 0; kv[i] != NULL; i += 2) {
        kc_props_set(props, kv[i], kv[i + 1]);
    }
    eh = kc_error_handler_new(props, reg, "src", 0, false, &err);
    assert_non_null(eh);
    assert_string_equal(kc_error_handler_dlq_topic(eh), "dlq-source");
    create_topic(k, "dlq-source");
    kc_error_handler_set_dlq_take(eh, client(k, RD_KAFKA_PRODUCER),
                                  "dlq-source");

    memset(&rec, 0, sizeof(rec));
    rec.topic = "lines";
    rec.partition = -1;
    rec.timestamp = 1700000000999;
    kc_value_set_string(arena, &rec.key, "k", 1);
    kc_value_set_map(arena, &rec.value, 2);
    kc_value_set_string(arena, &rec.value.u.map.keys[0], "a", 1);
    kc_value_set_int(&rec.value.u.map.values[0], KC_TYPE_INT64, 1);
    kc_value_set_string(arena, &rec.value.u.map.keys[1], "b", 1);
    kc_value_set_bool(&rec.value.u.map.values[1], true);
    kc_value_set_map(arena, &rec.source_partition, 1);
    kc_value_set_string(arena, &rec.source_partition.u.map.keys[0], "file", 4);
    kc_value_set_string(arena, &rec.source_partition.u.map.values[0], "a.txt",
                        5);
    kc_value_set_map(arena, &rec.source_offset, 1);
    kc_value_set_string(arena, &rec.source_offset.u.map.keys[0], "position", 8);
    kc_value_set_int(&rec.source_offset.u.map.values[0], KC_TYPE_INT64, 7);
    ctx.record = &rec;

    assert_true(kc_error_handler_failed(eh, &ctx, NULL));
    assert_true(kc_error_handler_flush(eh, 10000));
    dead = consume_one(k, cons, "dlq-source");
    assert_int_equal(dead->key_len, 3);
    assert_memory_equal(dead->key, "\"k\"", 3);
    assert_int_equal(dead->len, strlen("{\"a\":1,\"b\":true}"));
    assert_memory_equal(dead->payload, "{\"a\":1,\"b\":true}", dead->len);
    assert_int_equal(rd_kafka_message_headers(dead, &hdrs),
                     RD_KAFKA_RESP_ERR_NO_ERROR);
    assert_header(hdrs, 0, "__connect.errors.topic", "lines");
    assert_header(hdrs, 1, "__connect.errors.connector.name", "src");
    assert_header(hdrs, 2, "__connect.errors.task.id", "0");
    assert_header(hdrs, 3, "__connect.errors.stage", "KEY_CONVERTER");
    assert_header(hdrs, 4, "__connect.errors.class.name",
                  "org.apache.kafka.connect.storage.StringConverter");
    assert_header(hdrs, 5, "__connect.errors.exception.class.name",
                  "org.apache.kafka.connect.errors.DataException");
    assert_header(hdrs, 6, "__connect.errors.exception.message", "no");
    assert_header(hdrs, 7, "__connect.errors.exception.stacktrace",
                  "org.apache.kafka.connect.errors.DataException: no\n"
                  "\tat kconnect.KEY_CONVERTER(StringConverter)\n");
    assert_header(hdrs, 8, "__connect.errors.source.partition",
                  "{\"file\":\"a.txt\"}");
    assert_header(hdrs, 9, "__connect.errors.source.offset",
                  "{\"position\":7}");
    assert_int_equal(rd_kafka_header_cnt(hdrs), 10);
    rd_kafka_message_destroy(dead);
    close_consumer(cons);
    kc_arena_destroy(arena);
    kc_error_handler_destroy(eh);
    kc_registry_destroy(reg);
    kc_props_destroy(props);
}

static void test_flush_without_dlq_is_true(void **state)
{
    kc_error_handler_t *eh = handler(NULL, false, NULL);

    (void)state;
    assert_null(kc_error_handler_dlq_topic(eh));
    assert_true(kc_error_handler_flush(eh, 0));
    assert_true(kc_error_handler_flush(NULL, 0));
    kc_error_handler_destroy(eh);
    kc_error_handler_destroy(NULL);
}

/* ---- the runners: retries, stop and the errant record reporter -------- */

/* Flaky: "FLAKY" values fail with KC_RETRY flaky_retries times (-1: always). */
static atomic_int flaky_calls;
static int flaky_retries;

static kc_err_t flaky_to(void *ctx, const char *topic, const char *header,
                         const uint8_t *data, size_t len, kc_arena_t *arena,
                         const kc_schema_t **schema, kc_value_t *value,
                         kc_error_t *err)
{
    if (data != NULL && len == 5 && memcmp(data, "FLAKY", 5) == 0) {
        int n = atomic_fetch_add(&flaky_calls, 1) + 1;

        if (flaky_retries < 0 || n <= flaky_retries) {
            return kc_error_set(err, KC_RETRY, "not yet (call %d)", n);
        }
    }
    return ts_to(ctx, topic, header, data, len, arena, schema, value, err);
}

static kc_err_t flaky_from(void *ctx, const char *topic, const char *header,
                           const kc_schema_t *schema, const kc_value_t *value,
                           kc_buf_t *out, bool *is_null, kc_error_t *err)
{
    if (value->type == KC_TYPE_STRING && value->u.str.len == 3 &&
        memcmp(value->u.str.data, "BAD", 3) == 0) {
        int n = atomic_fetch_add(&flaky_calls, 1) + 1;

        if (flaky_retries < 0 || n <= flaky_retries) {
            return kc_error_set(err, KC_RETRY, "not yet (call %d)", n);
        }
        return kc_buf_append(out, "BAD", 3);
    }
    return ts_from(ctx, topic, header, schema, value, out, is_null, err);
}

static const struct kc_converter_plugin flaky_converter = {
    KC_PLUGIN_INIT(struct kc_converter_plugin),
    .name = "Flaky",
    .class_name = "test.FlakyConverter",
    .version = "1",
    .config_def = ts_def,
    .configure = ts_configure,
    .from_connect = flaky_from,
    .to_connect = flaky_to,
    .destroy = ts_destroy,
};

/* ReportingSink: reports "ERRANT" records, captures the others. */
static kc_sink_task_ctx_t *reporting_tctx;
/* kc_sink_report without a task context (a plugin's own test harness)
 * must not crash; the record cannot be reported, so put must fail. */
static void test_sink_report_without_context_fails_the_put(void **state)
{
    (void)state;
    kc_error_t bad = {.code = KC_ERR_INVALID};
    kc_record_t rec = {0};

    assert_int_equal(kc_sink_report(NULL, &rec, &bad), KC_ERR_INVALID);
    assert_int_equal(kc_sink_report(NULL, &rec, NULL), KC_ERR);
    assert_int_equal(kc_sink_report(NULL, NULL, &bad), KC_ERR_INVALID);
}

static atomic_int report_result; /* last kc_sink_report result */

static kc_err_t rs_start(void **ctx, const kc_props_t *config,
                         kc_sink_task_ctx_t *tctx, kc_error_t *err)
{
    reporting_tctx = tctx;
    *ctx = NULL;
    return KC_OK;
}

static kc_err_t rs_put(void *ctx, kc_batch_t *batch, kc_error_t *err)
{
    for (size_t i = 0; i < batch->len; i++) {
        const kc_record_t *rec = batch->records[i];
        const kc_value_t *v = &rec->value;

        if (v->type == KC_TYPE_STRING && v->u.str.len == 6 &&
            memcmp(v->u.str.data, "ERRANT", 6) == 0) {
            kc_error_t bad;
            kc_err_t rc;

            kc_error_set(&bad, KC_ERR_INVALID, "row %d rejected",
                         (int)rec->offset);
            rc = kc_sink_report(reporting_tctx, rec, &bad);
            atomic_store(&report_result, rc);
            if (rc != KC_OK) {
                return kc_error_set(err, rc, "%s", bad.msg);
            }
            continue;
        }
        pthread_mutex_lock(&T.lock);
        T.values = kc_realloc(T.values, (T.nvalues + 1) * sizeof(*T.values));
        T.values[T.nvalues++] = kc_strndup(v->u.str.data, v->u.str.len);
        pthread_mutex_unlock(&T.lock);
    }
    return KC_OK;
}

static const struct kc_sink_task_plugin reporting_sink_task = {
    KC_PLUGIN_INIT(struct kc_sink_task_plugin),
    .name = "ReportingSinkTask",
    .class_name = "test.ReportingSinkTask",
    .version = "1",
    .config_def = empty_def,
    .start = rs_start,
    .put = rs_put,
    .flush = cs_flush,
    .stop = cs_stop,
};

static const struct kc_connector_plugin reporting_sink = {
    KC_PLUGIN_INIT(struct kc_connector_plugin),
    .name = "ReportingSink",
    .class_name = "test.ReportingSinkConnector",
    .version = "1",
    .config_def = empty_def,
    .sink_task = &reporting_sink_task,
    .start = tc_start,
    .task_configs = tc_task_configs,
    .stop = tc_stop,
};

typedef struct world {
    char dir[64];
    kc_registry_t *reg;
    kc_worker_t *w;
    kc_props_t *cfg;
} world_t;

static int world_setup(void **state)
{
    world_t *wd = kc_calloc(1, sizeof(*wd));
    kc_props_t *wp;
    kc_error_t err;

    strcpy(wd->dir, "/tmp/kc-errh-XXXXXX");
    assert_non_null(mkdtemp(wd->dir));
    test_state_reset();
    atomic_store(&flaky_calls, 0);
    flaky_retries = 0;
    atomic_store(&report_result, 1);
    wd->reg = test_registry();
    assert_int_equal(
        kc_registry_add(wd->reg, KC_PLUGIN_CONVERTER, &flaky_converter, &err),
        KC_OK);
    assert_int_equal(
        kc_registry_add(wd->reg, KC_PLUGIN_SINK, &reporting_sink, &err), KC_OK);
    wp = test_worker_props(wd->dir);
    wd->w = kc_worker_new(wp, wd->reg, &err);
    kc_props_destroy(wp);
    if (wd->w == NULL) {
        fail_msg("kc_worker_new: %s", err.msg);
    }
    kc_worker_set_status_listener(wd->w, test_status, NULL);
    wd->cfg = kc_props_new();
    kc_props_set(wd->cfg, "name", "errs");
    kc_props_set(wd->cfg, "connector.class", "CaptureSink");
    kc_props_set(wd->cfg, "topics", "in");
    kc_props_set(wd->cfg, "value.converter", "Flaky");
    *state = wd;
    return 0;
}

static int world_teardown(void **state)
{
    world_t *wd = *state;
    char *cmd = kc_asprintf("rm -rf '%s'", wd->dir);

    kc_worker_destroy(wd->w);
    kc_registry_destroy(wd->reg);
    kc_props_destroy(wd->cfg);
    assert_int_equal(system(cmd), 0);
    kc_free(cmd);
    kc_free(wd);
    return 0;
}

/* Produce each of @p values to partition 0 of topic "in". */
static void produce_in(world_t *wd, const char *const *values)
{
    kafka_t k = {.bootstrap = kc_worker_bootstrap(wd->w)};
    rd_kafka_t *rk = client(&k, RD_KAFKA_PRODUCER);

    for (size_t i = 0; values[i] != NULL; i++) {
        assert_int_equal(
            rd_kafka_producev(
                rk, RD_KAFKA_V_TOPIC("in"), RD_KAFKA_V_PARTITION(0),
                RD_KAFKA_V_VALUE((void *)values[i], strlen(values[i])),
                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END),
            RD_KAFKA_RESP_ERR_NO_ERROR);
    }
    assert_int_equal(rd_kafka_flush(rk, 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_destroy(rk);
}

static bool wait_values(size_t n, int ms)
{
    for (int i = 0; i < ms / 10; i++) {
        size_t have;

        pthread_mutex_lock(&T.lock);
        have = T.nvalues;
        pthread_mutex_unlock(&T.lock);
        if (have >= n) {
            return true;
        }
        usleep(10000);
    }
    return false;
}

/* The offset group connect-errs committed for in-0, or -1. */
static long committed_in(world_t *wd)
{
    kafka_t k = {.bootstrap = kc_worker_bootstrap(wd->w)};
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_topic_partition_list_t *parts =
        rd_kafka_topic_partition_list_new(1);
    char errstr[256];
    rd_kafka_t *rk;
    long off = -1;

    rd_kafka_conf_set(conf, "bootstrap.servers", k.bootstrap, NULL, 0);
    rd_kafka_conf_set(conf, "group.id", "connect-errs", NULL, 0);
    rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof(errstr));
    assert_non_null(rk);
    rd_kafka_topic_partition_list_add(parts, "in", 0);
    if (rd_kafka_committed(rk, parts, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR &&
        parts->elems[0].err == RD_KAFKA_RESP_ERR_NO_ERROR &&
        parts->elems[0].offset >= 0) {
        off = (long)parts->elems[0].offset;
    }
    rd_kafka_topic_partition_list_destroy(parts);
    rd_kafka_destroy(rk);
    return off;
}

static void test_sink_retries_a_retriable_converter_failure(void **state)
{
    world_t *wd = *state;
    static const char *const values[] = {"a", "FLAKY", "b", NULL};

    flaky_retries = 2;
    kc_props_set(wd->cfg, "errors.retry.timeout", "30000");
    produce_in(wd, values);
    start_connector_and_task(wd->w, wd->cfg);
    assert_true(wait_values(3, 20000));
    pthread_mutex_lock(&T.lock);
    assert_string_equal(T.values[0], "a");
    assert_string_equal(T.values[1], "FLAKY");
    assert_string_equal(T.values[2], "b");
    pthread_mutex_unlock(&T.lock);
    /* Two KC_RETRY answers, then the third call converted it. */
    assert_int_equal(atomic_load(&flaky_calls), 3);
    assert_int_equal(task_state(), KC_STATE_RUNNING);
    for (int i = 0; i < 100 && committed_in(wd) != 3; i++) {
        usleep(50000);
    }
    assert_int_equal(committed_in(wd), 3);
}

static void test_sink_exhausted_retry_fails_with_tolerance_none(void **state)
{
    world_t *wd = *state;
    static const char *const values[] = {"FLAKY", NULL};

    flaky_retries = -1; /* errors.retry.timeout is 0: no retry at all */
    produce_in(wd, values);
    start_connector_and_task(wd->w, wd->cfg);
    assert_true(wait_task_state(KC_STATE_FAILED, 20000));
    assert_int_equal(atomic_load(&flaky_calls), 1);
    pthread_mutex_lock(&T.lock);
    assert_non_null(strstr(T.trace, "Tolerance exceeded in error handler"));
    assert_non_null(strstr(T.trace,
                           "Caused by: org.apache.kafka.connect.errors."
                           "RetriableException: not yet (call 1)\n"
                           "\tat kconnect.VALUE_CONVERTER(Flaky)"));
    pthread_mutex_unlock(&T.lock);
}

static void test_sink_exhausted_retry_skips_with_tolerance_all(void **state)
{
    world_t *wd = *state;
    static const char *const values[] = {"a", "FLAKY", "b", NULL};

    flaky_retries = -1;
    kc_props_set(wd->cfg, "errors.tolerance", "all");
    kc_props_set(wd->cfg, "errors.retry.timeout", "700");
    produce_in(wd, values);
    start_connector_and_task(wd->w, wd->cfg);
    assert_true(wait_values(2, 20000));
    pthread_mutex_lock(&T.lock);
    assert_string_equal(T.values[0], "a");
    assert_string_equal(T.values[1], "b");
    pthread_mutex_unlock(&T.lock);
    /* 1 call, sleep 300, call, sleep 400 (cut at the deadline), call. */
    assert_int_equal(atomic_load(&flaky_calls), 3);
    assert_int_equal(task_state(), KC_STATE_RUNNING);
}

static void test_stop_interrupts_a_retry_forever(void **state)
{
    world_t *wd = *state;
    static const char *const values[] = {"FLAKY", NULL};

    flaky_retries = -1;
    kc_props_set(wd->cfg, "errors.retry.timeout", "-1");
    kc_props_set(wd->cfg, "errors.retry.delay.max.ms", "3600000");
    produce_in(wd, values);
    start_connector_and_task(wd->w, wd->cfg);
    for (int i = 0; i < 2000 && atomic_load(&flaky_calls) < 3; i++) {
        usleep(10000);
    }
    /* Now in a 1200 ms backoff, and the next ones double. */
    assert_true(atomic_load(&flaky_calls) >= 3);
    kc_worker_stop_tasks(wd->w, "errs");
    /* Stopped (not abandoned by the 5 s graceful timeout), no more calls. */
    assert_int_equal(task_state(), KC_STATE_UNASSIGNED);
    assert_true(atomic_load(&flaky_calls) <= 4);
    /* Neither skipped nor reported: the offset stays before it. */
    assert_true(committed_in(wd) <= 0);
}

static void test_errant_record_reporter_goes_to_the_dlq(void **state)
{
    world_t *wd = *state;
    static const char *const values[] = {"a", "ERRANT", "b", NULL};
    kafka_t k = {.bootstrap = kc_worker_bootstrap(wd->w)};
    rd_kafka_t *cons;
    rd_kafka_message_t *dead;
    rd_kafka_headers_t *hdrs = NULL;

    kc_props_set(wd->cfg, "connector.class", "ReportingSink");
    kc_props_set(wd->cfg, "errors.tolerance", "all");
    kc_props_set(wd->cfg, "errors.deadletterqueue.topic.name", "errs-dlq");
    kc_props_set(wd->cfg, "errors.deadletterqueue.topic.replication.factor",
                 "1");
    kc_props_set(wd->cfg, "errors.deadletterqueue.context.headers.enable",
                 "true");
    produce_in(wd, values);
    start_connector_and_task(wd->w, wd->cfg);
    assert_true(wait_values(2, 20000));
    assert_int_equal(atomic_load(&report_result), KC_OK);
    cons = client(&k, RD_KAFKA_CONSUMER);
    dead = consume_one(&k, cons, "errs-dlq");
    assert_int_equal(dead->len, 6);
    assert_memory_equal(dead->payload, "ERRANT", 6);
    assert_int_equal(rd_kafka_message_headers(dead, &hdrs),
                     RD_KAFKA_RESP_ERR_NO_ERROR);
    assert_header(hdrs, 0, "__connect.errors.topic", "in");
    assert_header(hdrs, 1, "__connect.errors.partition", "0");
    assert_header(hdrs, 2, "__connect.errors.offset", "1");
    assert_header(hdrs, 3, "__connect.errors.connector.name", "errs");
    assert_header(hdrs, 4, "__connect.errors.task.id", "0");
    assert_header(hdrs, 5, "__connect.errors.stage", "TASK_PUT");
    assert_header(hdrs, 6, "__connect.errors.class.name",
                  "org.apache.kafka.connect.sink.SinkTask");
    assert_header(hdrs, 7, "__connect.errors.exception.class.name",
                  "org.apache.kafka.connect.errors.ConnectException");
    assert_header(hdrs, 8, "__connect.errors.exception.message",
                  "row 1 rejected");
    assert_header(hdrs, 9, "__connect.errors.exception.stacktrace",
                  "org.apache.kafka.connect.errors.ConnectException: row 1 "
                  "rejected\n\tat kconnect.TASK_PUT(ReportingSink)\n");
    rd_kafka_message_destroy(dead);
    close_consumer(cons);
}

static void test_errant_record_reporter_fails_with_tolerance_none(void **state)
{
    world_t *wd = *state;
    static const char *const values[] = {"a", "ERRANT", NULL};

    kc_props_set(wd->cfg, "connector.class", "ReportingSink");
    produce_in(wd, values);
    start_connector_and_task(wd->w, wd->cfg);
    assert_true(wait_task_state(KC_STATE_FAILED, 20000));
    assert_int_equal(atomic_load(&report_result), KC_ERR_INVALID);
    pthread_mutex_lock(&T.lock);
    assert_non_null(strstr(T.trace, "Tolerance exceeded in error handler"));
    assert_non_null(strstr(T.trace, "kconnect.TASK_PUT(ReportingSink)"));
    assert_non_null(strstr(T.trace, "row 1 rejected"));
    pthread_mutex_unlock(&T.lock);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stage_names_are_apaches),
        cmocka_unit_test(test_sink_report_without_context_fails_the_put),
        cmocka_unit_test(test_no_retry_by_default),
        cmocka_unit_test(test_backoff_doubles_and_stops_at_the_timeout),
        cmocka_unit_test(test_retry_that_succeeds_returns_ok),
        cmocka_unit_test(test_delay_past_max_is_random_below_max),
        cmocka_unit_test(test_minus_one_retries_forever),
        cmocka_unit_test(test_non_retriable_failure_is_not_retried),
        cmocka_unit_test(test_non_retriable_failure_during_retries_ends_them),
        cmocka_unit_test(test_stop_interrupts_a_retry),
        cmocka_unit_test(test_bad_retry_config_is_rejected),
        cmocka_unit_test(test_any_negative_timeout_retries_forever),
        cmocka_unit_test(test_non_positive_max_delay_means_no_wait),
        cmocka_unit_test(test_tolerance_none_fails_with_the_trace),
        cmocka_unit_test(test_tolerance_all_skips),
        cmocka_unit_test(test_exception_classes),
        cmocka_unit_test(test_log_text_without_messages),
        cmocka_unit_test(test_log_text_of_a_source_record),
        cmocka_unit_test(test_transform_class_of_an_alias),
        cmocka_unit_test(test_transform_class_from_the_error_origin),
        cmocka_unit_test(
            test_transform_failure_reports_apaches_exception_class),
        cmocka_unit_test(test_retry_marks_the_error_retriable),
        cmocka_unit_test(test_kafka_fatal_error_is_fatal_with_its_name),
        cmocka_unit_test_setup_teardown(
            test_sink_dlq_gets_the_original_record_and_headers, kafka_setup,
            kafka_teardown),
        cmocka_unit_test_setup_teardown(test_sink_dlq_without_context_headers,
                                        kafka_setup, kafka_teardown),
        cmocka_unit_test_setup_teardown(
            test_source_dlq_gets_json_and_source_headers, kafka_setup,
            kafka_teardown),
        cmocka_unit_test(test_flush_without_dlq_is_true),
        cmocka_unit_test_setup_teardown(
            test_sink_retries_a_retriable_converter_failure, world_setup,
            world_teardown),
        cmocka_unit_test_setup_teardown(
            test_sink_exhausted_retry_fails_with_tolerance_none, world_setup,
            world_teardown),
        cmocka_unit_test_setup_teardown(
            test_sink_exhausted_retry_skips_with_tolerance_all, world_setup,
            world_teardown),
        cmocka_unit_test_setup_teardown(test_stop_interrupts_a_retry_forever,
                                        world_setup, world_teardown),
        cmocka_unit_test_setup_teardown(
            test_errant_record_reporter_goes_to_the_dlq, world_setup,
            world_teardown),
        cmocka_unit_test_setup_teardown(
            test_errant_record_reporter_fails_with_tolerance_none, world_setup,
            world_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
