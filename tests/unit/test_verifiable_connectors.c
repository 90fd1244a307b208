/* SPDX-License-Identifier: Apache-2.0 */
/*
 * VerifiableSource and VerifiableSink, run without a worker: the offset
 * lookup is a fake, the JSON lines go to a temporary file.
 *
 * Expected shapes are Apache's: the record schemas and partition/offset
 * maps of VerifiableSourceTask (connect-test-plugins 4.0.2/4.1.1), and
 * the field order of the printed lines, which is how Java's HashMap
 * iterates those keys (printed by a Java run; also compared against
 * Apache's worker in tests/e2e/test_verifiable_connectors.py).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "kc_internal.h"

#include <regex.h>
#include <unistd.h>

#include "connectors/verifiable/kc_verifiable_connectors.h"
#include "plugins/kc_registry.h"
#include "runtime/kc_task.h"

/* Java's HashMap order of the keys each line carries. */
#define SRC_LINE                                                               \
    "^\\{\"task\":3,\"seqno\":%s,\"time_ms\":[0-9]+,\"name\":\"vs\","          \
    "\"topic\":\"out\"\\}$"
#define SRC_COMMITTED_LINE                                                     \
    "^\\{\"committed\":true,\"task\":3,\"seqno\":%s,\"time_ms\":[0-9]+,"       \
    "\"name\":\"vs\",\"topic\":\"out\"\\}$"
#define SINK_LINE                                                              \
    "^\\{\"task\":%s,\"seqno\":%s,\"offset\":%s,\"time_ms\":[0-9]+,"           \
    "\"name\":\"vk\",\"topic\":\"in\",\"sinkTask\":2%s\\}$"
#define STRUCT_FAILURE                                                         \
    "Bad data can't be written as json: No serializer found for class "        \
    "org.apache.kafka.connect.data.Struct and no properties discovered to "    \
    "create BeanSerializer (to avoid exception, disable "                      \
    "SerializationFeature.FAIL_ON_EMPTY_BEANS) (through reference chain: "     \
    "java.util.HashMap[\"seqno\"])"

/* The committed seqno the fake offset store holds; -1 = none. */
static int64_t stored_seqno = -1;
static int64_t asked_partition_id = -1;

static kc_err_t fake_offset_get(kc_source_task_ctx_t *tctx,
                                const kc_value_t *partition, kc_arena_t *arena,
                                kc_value_t *offset)
{
    const kc_value_t *id = kc_value_map_get(partition, "id");

    (void)tctx;
    assert_int_equal(partition->u.map.len, 1);
    assert_non_null(id);
    assert_int_equal(id->type, KC_TYPE_INT32);
    asked_partition_id = id->u.i;
    if (stored_seqno < 0) {
        return KC_ERR_NOT_FOUND;
    }
    kc_value_set_map(arena, offset, 1);
    kc_value_set_string(arena, &offset->u.map.keys[0], "seqno", 5);
    kc_value_set_int(&offset->u.map.values[0], KC_TYPE_INT64, stored_seqno);
    return KC_OK;
}

static kc_source_task_ctx_t fake_tctx = {.task = NULL,
                                         .offset_get = fake_offset_get};

/* ---- capture of the printed lines ------------------------------------ */

/* The tasks write to one descriptor, the test reads through another:
 * each has its own file position. */
static FILE *capture;
static int capture_fd = -1;

static int setup(void **state)
{
    char path[] = "/tmp/kc_test_verifiable_XXXXXX";

    (void)state;
    capture_fd = mkstemp(path);
    assert_true(capture_fd >= 0);
    capture = fopen(path, "r");
    assert_non_null(capture);
    unlink(path);
    kc_verifiable_out_fd = capture_fd;
    stored_seqno = -1;
    asked_partition_id = -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    kc_verifiable_out_fd = STDOUT_FILENO;
    fclose(capture);
    close(capture_fd);
    return 0;
}

/* The lines printed since the last call, in @p lines (up to @p max). */
static size_t take_lines(char lines[][512], size_t max)
{
    size_t n = 0;
    char buf[512];

    while (n < max && fgets(buf, sizeof(buf), capture) != NULL) {
        buf[strcspn(buf, "\n")] = '\0';
        snprintf(lines[n++], 512, "%s", buf);
    }
    clearerr(capture);
    return n;
}

static void assert_matches(const char *text, const char *pattern)
{
    regex_t re;
    int rc;

    assert_int_equal(regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB), 0);
    rc = regexec(&re, text, 0, NULL, 0);
    regfree(&re);
    if (rc != 0) {
        fail_msg("line %s does not match %s", text, pattern);
    }
}

static void assert_line(const char *text, const char *fmt, const char *a,
                        const char *b, const char *c, const char *d)
{
    char pattern[512];

    snprintf(pattern, sizeof(pattern), fmt, a, b, c, d);
    assert_matches(text, pattern);
}

/* ---- connectors -------------------------------------------------------- */

static void check_task_configs(const struct kc_connector_plugin *conn)
{
    kc_props_t *p = kc_props_new();
    kc_props_t **configs = NULL;
    size_t count = 0;
    void *ctx = NULL;
    kc_error_t err;

    kc_props_set(p, "name", "c");
    kc_props_set(p, "topic", "t");
    assert_int_equal(conn->start(&ctx, p, NULL, &err), KC_OK);
    /* as Apache: tasks.max tasks, "id" = the index, the rest copied */
    assert_int_equal(conn->task_configs(ctx, 3, &configs, &count, &err), KC_OK);
    assert_int_equal(count, 3);
    for (size_t i = 0; i < count; i++) {
        char id[24];

        snprintf(id, sizeof(id), "%zu", i);
        assert_string_equal(kc_props_get(configs[i], "id"), id);
        assert_string_equal(kc_props_get(configs[i], "name"), "c");
        assert_string_equal(kc_props_get(configs[i], "topic"), "t");
        kc_props_destroy(configs[i]);
    }
    kc_free(configs);
    conn->stop(ctx);
    kc_props_destroy(p);
}

static void test_connectors_make_tasks_max_tasks_numbered_by_id(void **state)
{
    (void)state;
    check_task_configs(&kc_verifiable_source_connector);
    check_task_configs(&kc_verifiable_sink_connector);
    /* Apache's connectors declare no configs */
    assert_null(kc_verifiable_source_connector.config_def[0].name);
    assert_null(kc_verifiable_sink_connector.config_def[0].name);
}

static void test_registered_under_apache_names(void **state)
{
    kc_registry_t *reg = kc_registry_new();
    kc_plugin_kind_t kind;
    kc_error_t err;
    const char *source_names[] = {
        "VerifiableSource", "VerifiableSourceConnector",
        "org.apache.kafka.connect.tools.VerifiableSourceConnector"};
    const char *sink_names[] = {
        "VerifiableSink", "VerifiableSinkConnector",
        "org.apache.kafka.connect.tools.VerifiableSinkConnector"};

    (void)state;
    assert_int_equal(kc_verifiable_connectors_register(reg, &err), KC_OK);
    for (size_t i = 0; i < KC_ARRAY_LEN(source_names); i++) {
        assert_ptr_equal(
            kc_registry_find_connector(reg, source_names[i], &kind),
            &kc_verifiable_source_connector);
        assert_int_equal(kind, KC_PLUGIN_SOURCE);
    }
    for (size_t i = 0; i < KC_ARRAY_LEN(sink_names); i++) {
        assert_ptr_equal(kc_registry_find_connector(reg, sink_names[i], &kind),
                         &kc_verifiable_sink_connector);
        assert_int_equal(kind, KC_PLUGIN_SINK);
    }
    kc_registry_destroy(reg);
}

/* ---- source task ------------------------------------------------------- */

static kc_props_t *source_props(const char *throughput)
{
    kc_props_t *p = kc_props_new();

    kc_props_set(p, "name", "vs");
    kc_props_set(p, "id", "3");
    kc_props_set(p, "topic", "out");
    kc_props_set(p, "throughput", throughput);
    return p;
}

static void test_source_records_partition_offset_and_lines(void **state)
{
    kc_props_t *p = source_props("-1");
    void *task = NULL;
    kc_batch_t batch;
    kc_error_t err;
    char lines[8][512];
    const kc_record_t *rec;

    (void)state;
    kc_batch_init(&batch);
    assert_int_equal(
        kc_verifiable_source_task.start(&task, p, &fake_tctx, &err), KC_OK);
    assert_int_equal(asked_partition_id, 3);
    /* one record per poll, seqno from 0 */
    for (int i = 0; i < 2; i++) {
        assert_int_equal(kc_verifiable_source_task.poll(task, &batch, &err),
                         KC_OK);
    }
    assert_int_equal(batch.len, 2);
    for (size_t i = 0; i < 2; i++) {
        const kc_value_t *v;

        rec = batch.records[i];
        assert_string_equal(rec->topic, "out");
        assert_int_equal(kc_schema_type(rec->key_schema), KC_TYPE_INT32);
        assert_false(kc_schema_optional(rec->key_schema));
        assert_int_equal(rec->key.type, KC_TYPE_INT32);
        assert_int_equal(rec->key.u.i, 3);
        assert_int_equal(kc_schema_type(rec->value_schema), KC_TYPE_INT64);
        assert_false(kc_schema_optional(rec->value_schema));
        assert_int_equal(rec->value.type, KC_TYPE_INT64);
        assert_int_equal(rec->value.u.i, (int64_t)i);
        /* partition {"id": 3}, offset {"seqno": i} */
        assert_int_equal(rec->source_partition.u.map.len, 1);
        v = kc_value_map_get(&rec->source_partition, "id");
        assert_non_null(v);
        assert_int_equal(v->type, KC_TYPE_INT32);
        assert_int_equal(v->u.i, 3);
        assert_int_equal(rec->source_offset.u.map.len, 1);
        v = kc_value_map_get(&rec->source_offset, "seqno");
        assert_non_null(v);
        assert_int_equal(v->type, KC_TYPE_INT64);
        assert_int_equal(v->u.i, (int64_t)i);
    }
    assert_int_equal(take_lines(lines, 8), 2);
    assert_line(lines[0], SRC_LINE, "0", NULL, NULL, NULL);
    assert_line(lines[1], SRC_LINE, "1", NULL, NULL, NULL);

    /* offsets up to seqno 0 committed: one "committed" line, once */
    stored_seqno = 0;
    kc_verifiable_source_task.commit(task);
    kc_verifiable_source_task.commit(task);
    assert_int_equal(take_lines(lines, 8), 1);
    assert_line(lines[0], SRC_COMMITTED_LINE, "0", NULL, NULL, NULL);
    stored_seqno = 1;
    kc_verifiable_source_task.commit(task);
    assert_int_equal(take_lines(lines, 8), 1);
    assert_line(lines[0], SRC_COMMITTED_LINE, "1", NULL, NULL, NULL);

    kc_verifiable_source_task.stop(task);
    kc_batch_release(&batch);
    kc_props_destroy(p);
}

static void test_source_resumes_after_committed_seqno(void **state)
{
    kc_props_t *p = source_props("-1");
    void *task = NULL;
    kc_batch_t batch;
    kc_error_t err;
    char lines[4][512];

    (void)state;
    stored_seqno = 41;
    kc_batch_init(&batch);
    assert_int_equal(
        kc_verifiable_source_task.start(&task, p, &fake_tctx, &err), KC_OK);
    assert_int_equal(kc_verifiable_source_task.poll(task, &batch, &err), KC_OK);
    assert_int_equal(batch.len, 1);
    assert_int_equal(batch.records[0]->value.u.i, 42);
    assert_int_equal(take_lines(lines, 4), 1);
    assert_line(lines[0], SRC_LINE, "42", NULL, NULL, NULL);
    /* the commit that covers what a previous run had committed prints
     * nothing again */
    kc_verifiable_source_task.commit(task);
    assert_int_equal(take_lines(lines, 4), 0);
    kc_verifiable_source_task.stop(task);
    kc_batch_release(&batch);
    kc_props_destroy(p);
}

static void test_source_complete_record_data_is_a_struct(void **state)
{
    kc_props_t *p = source_props("-1");
    void *task = NULL;
    kc_batch_t batch;
    kc_error_t err;
    char lines[4][512];
    const kc_schema_t *s;
    const kc_record_t *rec;
    static const struct {
        const char *name;
        kc_type_t type;
    } fields[] = {{"name", KC_TYPE_STRING},
                  {"task", KC_TYPE_INT32},
                  {"topic", KC_TYPE_STRING},
                  {"time_ms", KC_TYPE_INT64},
                  {"seqno", KC_TYPE_INT64}};

    (void)state;
    kc_props_set(p, "complete.record.data", "TRUE"); /* equalsIgnoreCase */
    kc_batch_init(&batch);
    assert_int_equal(
        kc_verifiable_source_task.start(&task, p, &fake_tctx, &err), KC_OK);
    assert_int_equal(kc_verifiable_source_task.poll(task, &batch, &err), KC_OK);
    rec = batch.records[0];
    s = rec->value_schema;
    assert_int_equal(kc_schema_type(s), KC_TYPE_STRUCT);
    assert_false(kc_schema_optional(s));
    assert_null(kc_schema_name(s));
    assert_int_equal(kc_schema_field_count(s), 5);
    for (size_t i = 0; i < 5; i++) {
        const kc_field_t *f = kc_schema_field_at(s, i);

        assert_string_equal(f->name, fields[i].name);
        assert_int_equal(kc_schema_type(f->schema), fields[i].type);
        assert_false(kc_schema_optional(f->schema));
    }
    assert_int_equal(kc_value_struct_get(&rec->value, "task")->u.i, 3);
    assert_int_equal(kc_value_struct_get(&rec->value, "seqno")->u.i, 0);
    assert_string_equal(kc_value_struct_get(&rec->value, "name")->u.str.data,
                        "vs");
    assert_string_equal(kc_value_struct_get(&rec->value, "topic")->u.str.data,
                        "out");
    /* the printed line and the struct carry the same time */
    assert_int_equal(take_lines(lines, 4), 1);
    assert_line(lines[0], SRC_LINE, "0", NULL, NULL, NULL);
    /* Apache's "committed" line holds the Struct value: Jackson refuses */
    stored_seqno = 0;
    kc_verifiable_source_task.commit(task);
    assert_int_equal(take_lines(lines, 4), 1);
    assert_string_equal(lines[0], STRUCT_FAILURE);
    kc_verifiable_source_task.stop(task);
    kc_batch_release(&batch);
    kc_props_destroy(p);
}

static void test_source_config_errors(void **state)
{
    static const struct {
        const char *key;
        const char *value; /* NULL: removed */
        const char *says;
    } cases[] = {
        {"id", "abc", "\"id\" is \"abc\""},
        {"id", " 1", "\"id\" is \" 1\""}, /* Integer.parseInt: no trim */
        {"id", "2147483648", "\"id\""},   /* past int */
        {"id", NULL, "\"id\" is missing"},
        {"throughput", "1.5", "\"throughput\" is \"1.5\""},
        {"throughput", NULL, "\"throughput\" is missing"},
        {"topic", NULL, "\"topic\" is missing"},
    };

    (void)state;
    for (size_t i = 0; i < KC_ARRAY_LEN(cases); i++) {
        kc_props_t *p = source_props("10");
        void *task = NULL;
        kc_error_t err;

        if (cases[i].value != NULL) {
            kc_props_set(p, cases[i].key, cases[i].value);
        } else {
            kc_props_remove(p, cases[i].key);
        }
        kc_error_clear(&err);
        assert_int_equal(
            kc_verifiable_source_task.start(&task, p, &fake_tctx, &err),
            KC_ERR_INVALID);
        assert_non_null(
            strstr(err.msg, "Invalid VerifiableSourceTask configuration"));
        if (strstr(err.msg, cases[i].says) == NULL) {
            fail_msg("case %zu: \"%s\" lacks %s", i, err.msg, cases[i].says);
        }
        kc_props_destroy(p);
    }
}

static void
test_source_throughput_zero_sends_one_record_then_waits(void **state)
{
    kc_props_t *p = source_props("0");
    void *task = NULL;
    kc_batch_t batch;
    kc_error_t err;

    (void)state;
    kc_batch_init(&batch);
    assert_int_equal(
        kc_verifiable_source_task.start(&task, p, &fake_tctx, &err), KC_OK);
    /* Apache's throttler lets the first record through (0 sent so far),
     * then waits for the stop; a poll here returns empty instead. */
    assert_int_equal(kc_verifiable_source_task.poll(task, &batch, &err), KC_OK);
    assert_int_equal(batch.len, 1);
    kc_batch_clear(&batch);
    usleep(2000); /* elapsed time must be > 0 for the throttle to apply */
    assert_int_equal(kc_verifiable_source_task.poll(task, &batch, &err), KC_OK);
    assert_int_equal(batch.len, 0);
    kc_verifiable_source_task.stop(task);
    kc_batch_release(&batch);
    kc_props_destroy(p);
}

static void test_throttle_rule_is_apaches(void **state)
{
    kc_verifiable_throttle_t t;

    (void)state;
    /* negative: never */
    kc_verifiable_throttle_init(&t, -1, 1000);
    assert_false(kc_verifiable_throttle_should(&t, 1000000, 1001));
    /* no time elapsed: never */
    kc_verifiable_throttle_init(&t, 20, 1000);
    assert_false(kc_verifiable_throttle_should(&t, 5, 1000));
    /* 1 record in 10 ms is 100/s > 20/s; 1 in 100 ms is 10/s */
    assert_true(kc_verifiable_throttle_should(&t, 1, 1010));
    assert_false(kc_verifiable_throttle_should(&t, 1, 1100));
    /* exactly the target is not above it */
    assert_false(kc_verifiable_throttle_should(&t, 2, 1100));
    assert_int_equal(t.sleep_ns, 50000000);
}

static void test_java_integer_parsing(void **state)
{
    int64_t v = 0;

    (void)state;
    assert_true(kc_verifiable_parse_long("+7", INT32_MIN, INT32_MAX, &v));
    assert_int_equal(v, 7);
    assert_true(
        kc_verifiable_parse_long("-2147483648", INT32_MIN, INT32_MAX, &v));
    assert_int_equal(v, INT32_MIN);
    assert_true(kc_verifiable_parse_long("-9223372036854775808", INT64_MIN,
                                         INT64_MAX, &v));
    assert_true(v == INT64_MIN);
    assert_false(kc_verifiable_parse_long("9223372036854775808", INT64_MIN,
                                          INT64_MAX, &v));
    assert_false(kc_verifiable_parse_long("", INT64_MIN, INT64_MAX, &v));
    assert_false(kc_verifiable_parse_long("-", INT64_MIN, INT64_MAX, &v));
    assert_false(kc_verifiable_parse_long("1 ", INT64_MIN, INT64_MAX, &v));
    assert_false(kc_verifiable_parse_long(NULL, INT64_MIN, INT64_MAX, &v));
}

/* ---- sink task --------------------------------------------------------- */

static void add_sink_record(kc_batch_t *batch, int64_t key, int64_t value,
                            int64_t offset)
{
    kc_record_t *rec = kc_batch_add(batch);

    rec->topic = "in";
    rec->partition = 0;
    rec->offset = offset;
    rec->key_schema = kc_schema_primitive(KC_TYPE_INT32, false);
    kc_value_set_int(&rec->key, KC_TYPE_INT32, key);
    rec->value_schema = kc_schema_primitive(KC_TYPE_INT64, false);
    kc_value_set_int(&rec->value, KC_TYPE_INT64, value);
}

static void test_sink_lines_on_put_and_flush(void **state)
{
    kc_props_t *p = kc_props_new();
    void *task = NULL;
    kc_batch_t batch;
    kc_error_t err;
    char lines[8][512];
    kc_record_t *rec;

    (void)state;
    kc_props_set(p, "name", "vk");
    kc_props_set(p, "id", "2");
    kc_batch_init(&batch);
    assert_int_equal(kc_verifiable_sink_task.start(&task, p, NULL, &err),
                     KC_OK);
    add_sink_record(&batch, 1, 5, 10);
    add_sink_record(&batch, 0, 6, 11);
    /* a null key prints null; a Struct value cannot be printed */
    rec = kc_batch_add(&batch);
    rec->topic = "in";
    rec->offset = 12;
    kc_value_set_int(&rec->value, KC_TYPE_INT64, 7);
    rec = kc_batch_add(&batch);
    rec->topic = "in";
    rec->offset = 13;
    kc_value_set_struct(batch.arena, &rec->value,
                        kc_verifiable_source_complete_schema());
    assert_int_equal(kc_verifiable_sink_task.put(task, &batch, &err), KC_OK);
    assert_int_equal(take_lines(lines, 8), 4);
    assert_line(lines[0], SINK_LINE, "1", "5", "10", "");
    assert_line(lines[1], SINK_LINE, "0", "6", "11", "");
    assert_line(lines[2], SINK_LINE, "null", "7", "12", "");
    assert_string_equal(lines[3], STRUCT_FAILURE);
    assert_int_equal(kc_verifiable_sink_task.flush(task, &err), KC_OK);
    assert_int_equal(take_lines(lines, 8), 4);
    assert_line(lines[0], SINK_LINE, "1", "5", "10", ",\"flushed\":true");
    assert_line(lines[1], SINK_LINE, "0", "6", "11", ",\"flushed\":true");
    assert_line(lines[2], SINK_LINE, "null", "7", "12", ",\"flushed\":true");
    assert_string_equal(lines[3], STRUCT_FAILURE);
    /* flushed lines are printed once */
    assert_int_equal(kc_verifiable_sink_task.flush(task, &err), KC_OK);
    assert_int_equal(take_lines(lines, 8), 0);
    kc_verifiable_sink_task.stop(task);
    kc_batch_release(&batch);

    /* a sink task needs an integer id too */
    kc_props_set(p, "id", "x");
    assert_int_equal(kc_verifiable_sink_task.start(&task, p, NULL, &err),
                     KC_ERR_INVALID);
    assert_non_null(
        strstr(err.msg, "Invalid VerifiableSourceTask configuration"));
    kc_props_destroy(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_connectors_make_tasks_max_tasks_numbered_by_id),
        cmocka_unit_test(test_registered_under_apache_names),
        cmocka_unit_test_setup_teardown(
            test_source_records_partition_offset_and_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_source_resumes_after_committed_seqno, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_source_complete_record_data_is_a_struct, setup, teardown),
        cmocka_unit_test_setup_teardown(test_source_config_errors, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_source_throughput_zero_sends_one_record_then_waits, setup,
            teardown),
        cmocka_unit_test(test_throttle_rule_is_apaches),
        cmocka_unit_test(test_java_integer_parsing),
        cmocka_unit_test_setup_teardown(test_sink_lines_on_put_and_flush, setup,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
