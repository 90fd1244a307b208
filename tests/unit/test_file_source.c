/* SPDX-License-Identifier: Apache-2.0 */
/*
 * FileStreamSource task and connector, run without a worker: the offset
 * lookup is replaced by one that serves a position set by the test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "kc_internal.h"

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "connectors/file/kc_file_connectors.h"
#include "kc_test_file_fixture.h"
#include "runtime/kc_task.h"
#include "plugins/kc_registry.h"

/* The committed position the fake offset store holds; -1 = none. */
static int64_t stored_position = -1;
static kc_type_t stored_type = KC_TYPE_INT64;
static char last_partition_file[256];

static kc_err_t fake_offset_get(kc_source_task_ctx_t *tctx,
                                const kc_value_t *partition, kc_arena_t *arena,
                                kc_value_t *offset)
{
    const kc_value_t *name = kc_value_map_get(partition, "filename");

    assert_non_null(name);
    snprintf(last_partition_file, sizeof(last_partition_file), "%.*s",
             (int)name->u.str.len, name->u.str.data);
    if (stored_position < 0) {
        return KC_ERR_NOT_FOUND;
    }
    kc_value_set_map(arena, offset, 1);
    kc_value_set_string(arena, &offset->u.map.keys[0], "position", 8);
    if (stored_type == KC_TYPE_STRING) {
        kc_value_set_string(arena, &offset->u.map.values[0], "12", 2);
    } else {
        kc_value_set_int(&offset->u.map.values[0], stored_type,
                         stored_position);
    }
    return KC_OK;
}

/* The task runs without a worker: a fake context answers offset reads. */
static kc_source_task_ctx_t fake_tctx = {.task = NULL,
                                         .offset_get = fake_offset_get};

static int setup(void **state)
{
    fixture_t *f = file_fixture_new("/tmp/kc_test_fsrc_XXXXXX", "in.txt");

    stored_position = -1;
    stored_type = KC_TYPE_INT64;
    last_partition_file[0] = '\0';
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    file_fixture_free(*state, kc_file_source_task.stop);
    return 0;
}

static void write_file(const char *path, const char *data, size_t len,
                       bool append)
{
    int fd =
        open(path, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0644);

    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    close(fd);
}

static kc_err_t start_task(fixture_t *f, const char *batch_size,
                           kc_error_t *err)
{
    kc_props_t *p = kc_props_new();
    kc_err_t rc;

    kc_props_set(p, "name", "local-file-source");
    kc_props_set(p, "connector.class", "FileStreamSource");
    kc_props_set(p, "file", f->path);
    kc_props_set(p, "topic", "connect-test");
    if (batch_size != NULL) {
        kc_props_set(p, "batch.size", batch_size);
    }
    rc = kc_file_source_task.start(&f->task, p, &fake_tctx, err);
    kc_props_destroy(p);
    return rc;
}

static void poll_once(fixture_t *f)
{
    kc_error_t err;

    kc_batch_clear(&f->batch);
    assert_int_equal(kc_file_source_task.poll(f->task, &f->batch, &err), KC_OK);
}

/* Assert record @p i holds @p line with offset position @p pos. */
static void expect_record(fixture_t *f, size_t i, const char *line, int64_t pos)
{
    const kc_record_t *rec = f->batch.records[i];
    const kc_value_t *v;

    assert_true(i < f->batch.len);
    assert_string_equal(rec->topic, "connect-test");
    assert_int_equal(rec->partition, -1);
    assert_int_equal(rec->key.type, KC_TYPE_NULL);
    assert_null(rec->key_schema);
    assert_non_null(rec->value_schema);
    assert_int_equal(kc_schema_type(rec->value_schema), KC_TYPE_STRING);
    assert_false(kc_schema_optional(rec->value_schema));
    assert_int_equal(rec->value.type, KC_TYPE_STRING);
    assert_int_equal(rec->value.u.str.len, strlen(line));
    assert_memory_equal(rec->value.u.str.data, line, strlen(line));
    assert_true(rec->timestamp > 1600000000000LL);
    v = kc_value_map_get(&rec->source_partition, "filename");
    assert_non_null(v);
    assert_int_equal(v->type, KC_TYPE_STRING);
    assert_string_equal(v->u.str.data, f->path);
    v = kc_value_map_get(&rec->source_offset, "position");
    assert_non_null(v);
    assert_int_equal(v->type, KC_TYPE_INT64);
    assert_int_equal(v->u.i, pos);
}

static void test_lines_and_byte_positions(void **state)
{
    fixture_t *f = *state;
    kc_error_t err;

    /* "a\n" ends at byte 2, "bb\r\n" at 6, "ccc\r\n" at 11; "tail" has no
     * terminator yet and is held. */
    write_file(f->path, "a\nbb\r\nccc\r\ntail", 15, false);
    assert_int_equal(start_task(f, NULL, &err), KC_OK);
    poll_once(f);
    assert_int_equal(f->batch.len, 3);
    expect_record(f, 0, "a", 2);
    expect_record(f, 1, "bb", 6);
    expect_record(f, 2, "ccc", 11);
    assert_string_equal(last_partition_file, f->path);
    /* Completing the held line releases it. */
    write_file(f->path, "\n", 1, true);
    poll_once(f);
    assert_int_equal(f->batch.len, 1);
    expect_record(f, 0, "tail", 16);
}

static void test_batch_size_bounds_each_poll(void **state)
{
    fixture_t *f = *state;
    kc_error_t err;
    char buf[64 * 10];
    size_t n = 0;
    int64_t pos = 0;

    for (int i = 0; i < 10; i++) {
        n += (size_t)snprintf(buf + n, sizeof(buf) - n, "line%d\n", i);
    }
    write_file(f->path, buf, n, false);
    assert_int_equal(start_task(f, "4", &err), KC_OK);
    for (int round = 0; round < 3; round++) {
        size_t want = round < 2 ? 4 : 2;

        poll_once(f);
        assert_int_equal(f->batch.len, want);
        for (size_t i = 0; i < want; i++) {
            char line[16];

            snprintf(line, sizeof(line), "line%zu", round * 4 + i);
            pos += (int64_t)strlen(line) + 1;
            expect_record(f, i, line, pos);
        }
    }
}

static void test_resumes_after_committed_position(void **state)
{
    fixture_t *f = *state;
    kc_error_t err;

    write_file(f->path, "one\ntwo\nthree\n", 14, false);
    stored_position = 4; /* after "one\n" */
    assert_int_equal(start_task(f, NULL, &err), KC_OK);
    poll_once(f);
    assert_int_equal(f->batch.len, 2);
    expect_record(f, 0, "two", 8);
    expect_record(f, 1, "three", 14);
}

static void test_offset_of_wrong_type_fails(void **state)
{
    fixture_t *f = *state;
    kc_error_t err;

    write_file(f->path, "x\n", 2, false);
    stored_position = 12;
    stored_type = KC_TYPE_STRING;
    assert_int_equal(start_task(f, NULL, &err), KC_OK);
    kc_batch_clear(&f->batch);
    assert_int_not_equal(kc_file_source_task.poll(f->task, &f->batch, &err),
                         KC_OK);
    assert_non_null(strstr(err.msg, "incorrect type"));
    assert_int_equal(f->batch.len, 0);
}

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void test_missing_file_is_waited_for(void **state)
{
    fixture_t *f = *state;
    kc_error_t err;
    int64_t t0;
    int64_t took;

    assert_int_equal(start_task(f, NULL, &err), KC_OK);
    t0 = now_ms();
    poll_once(f);
    took = now_ms() - t0;
    assert_int_equal(f->batch.len, 0);
    /* Apache sleeps about a second and retries; a poll must not block
     * much longer than that. */
    assert_true(took >= 900 && took < 2000);
    write_file(f->path, "late\n", 5, false);
    poll_once(f);
    assert_int_equal(f->batch.len, 1);
    expect_record(f, 0, "late", 5);
}

static void test_idle_poll_returns_quickly(void **state)
{
    fixture_t *f = *state;
    kc_error_t err;
    int64_t t0;

    write_file(f->path, "", 0, false);
    assert_int_equal(start_task(f, NULL, &err), KC_OK);
    t0 = now_ms();
    poll_once(f);
    assert_int_equal(f->batch.len, 0);
    assert_true(now_ms() - t0 < 1100);
}

static void test_invalid_utf8_is_replaced_and_counted_in_bytes(void **state)
{
    fixture_t *f = *state;
    kc_error_t err;

    /* "h\xFFi\n": 4 bytes; the value is "h" U+FFFD "i". Then a 2-byte
     * character: the position counts its 2 bytes (Apache would count one
     * UTF-16 char). */
    write_file(f->path, "h\xFFi\n\xC3\xA9\n", 7, false);
    assert_int_equal(start_task(f, NULL, &err), KC_OK);
    poll_once(f);
    assert_int_equal(f->batch.len, 2);
    expect_record(f, 0, "h\xEF\xBF\xBDi", 4);
    expect_record(f, 1, "\xC3\xA9", 7);
}

static void test_stdin_without_offsets(void **state)
{
    kc_props_t *p = kc_props_new();
    void *task = NULL;
    kc_batch_t batch;
    kc_error_t err;
    int fds[2];
    int saved = dup(STDIN_FILENO);

    /* No "file": the task reads stdin, here a pipe, and tracks no offset
     * (Apache: "Tracking offset for stdin doesn't make sense"). */
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(dup2(fds[0], STDIN_FILENO), STDIN_FILENO);
    close(fds[0]);
    assert_int_equal(write(fds[1], "in1\nin2\npart", 13), 13);
    kc_props_set(p, "topic", "t");
    kc_batch_init(&batch);
    assert_int_equal(kc_file_source_task.start(&task, p, &fake_tctx, &err),
                     KC_OK);
    assert_int_equal(kc_file_source_task.poll(task, &batch, &err), KC_OK);
    assert_int_equal(batch.len, 2);
    assert_string_equal(batch.records[0]->value.u.str.data, "in1");
    assert_string_equal(batch.records[1]->value.u.str.data, "in2");
    assert_int_equal(batch.records[0]->source_partition.type, KC_TYPE_NULL);
    assert_int_equal(batch.records[0]->source_offset.type, KC_TYPE_NULL);
    /* Nothing more to read yet: the poll returns without blocking on the
     * pipe, the partial line held. */
    kc_batch_clear(&batch);
    assert_int_equal(kc_file_source_task.poll(task, &batch, &err), KC_OK);
    assert_int_equal(batch.len, 0);
    assert_int_equal(write(fds[1], "\n", 1), 1);
    assert_int_equal(kc_file_source_task.poll(task, &batch, &err), KC_OK);
    assert_int_equal(batch.len, 1);
    assert_string_equal(batch.records[0]->value.u.str.data, "part");
    kc_file_source_task.stop(task);
    /* stop left stdin open: it is still the pipe. */
    assert_true(fcntl(STDIN_FILENO, F_GETFD) >= 0);
    close(fds[1]);
    dup2(saved, STDIN_FILENO);
    close(saved);
    kc_batch_release(&batch);
    kc_props_destroy(p);
}

static void test_config_errors(void **state)
{
    kc_props_t *p = kc_props_new();
    void *task = NULL;
    kc_error_t err;

    kc_props_set(p, "file", "/tmp/x");
    assert_int_equal(kc_file_source_task.start(&task, p, &fake_tctx, &err),
                     KC_ERR_INVALID);
    assert_non_null(strstr(err.msg, "\"topic\""));
    kc_props_set(p, "topic", "t");
    kc_props_set(p, "batch.size", "lots");
    assert_int_equal(kc_file_source_task.start(&task, p, &fake_tctx, &err),
                     KC_ERR_INVALID);
    assert_non_null(strstr(err.msg, "\"batch.size\""));
    assert_non_null(strstr(err.msg, "lots"));
    kc_props_destroy(p);
}

static void test_connector_makes_one_task(void **state)
{
    kc_props_t *p = kc_props_new();
    void *conn = NULL;
    kc_props_t **configs = NULL;
    size_t count = 0;
    kc_error_t err;

    kc_props_set(p, "file", "/tmp/in.txt");
    kc_props_set(p, "topic", "t");
    kc_props_set(p, "tasks.max", "5");
    assert_int_equal(kc_file_source_connector.start(&conn, p, NULL, &err),
                     KC_OK);
    assert_int_equal(
        kc_file_source_connector.task_configs(conn, 5, &configs, &count, &err),
        KC_OK);
    assert_int_equal(count, 1);
    assert_true(kc_props_equal(configs[0], p));
    kc_props_destroy(configs[0]);
    kc_free(configs);
    kc_file_source_connector.stop(conn);
    kc_props_destroy(p);
}

static void test_descriptor_names_and_config_def(void **state)
{
    const kc_config_def_t *d;

    assert_string_equal(kc_file_source_connector.name, "FileStreamSource");
    assert_string_equal(kc_file_source_connector.class_name,
                        "org.apache.kafka.connect.file."
                        "FileStreamSourceConnector");
    assert_ptr_equal(kc_file_source_connector.source_task,
                     &kc_file_source_task);
    assert_null(kc_file_source_connector.sink_task);
    d = kc_config_def_find(kc_file_source_connector.config_def, "topic");
    assert_non_null(d);
    assert_true(d->flags & KC_CFG_F_REQUIRED);
    assert_int_equal(d->importance, KC_IMPORTANCE_HIGH);
    d = kc_config_def_find(kc_file_source_connector.config_def, "batch.size");
    assert_non_null(d);
    assert_int_equal(d->type, KC_CFG_INT);
    assert_string_equal(d->default_value, "2000");
    assert_int_equal(d->importance, KC_IMPORTANCE_LOW);
    d = kc_config_def_find(kc_file_source_connector.config_def, "file");
    assert_non_null(d);
    assert_null(d->default_value);
    assert_false(d->flags & KC_CFG_F_REQUIRED);
}

static void test_registered_under_apache_names(void **state)
{
    kc_registry_t *reg = kc_registry_new();
    kc_plugin_kind_t kind;
    kc_error_t err;
    const char *source_names[] = {
        "FileStreamSource", "FileStreamSourceConnector",
        "org.apache.kafka.connect.file.FileStreamSourceConnector"};
    const char *sink_names[] = {
        "FileStreamSink", "FileStreamSinkConnector",
        "org.apache.kafka.connect.file.FileStreamSinkConnector"};

    assert_int_equal(kc_file_connectors_register(reg, &err), KC_OK);
    for (size_t i = 0; i < KC_ARRAY_LEN(source_names); i++) {
        assert_ptr_equal(
            kc_registry_find_connector(reg, source_names[i], &kind),
            &kc_file_source_connector);
        assert_int_equal(kind, KC_PLUGIN_SOURCE);
    }
    for (size_t i = 0; i < KC_ARRAY_LEN(sink_names); i++) {
        assert_ptr_equal(kc_registry_find_connector(reg, sink_names[i], &kind),
                         &kc_file_sink_connector);
        assert_int_equal(kind, KC_PLUGIN_SINK);
    }
    kc_registry_destroy(reg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_lines_and_byte_positions, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_batch_size_bounds_each_poll, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_resumes_after_committed_position,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_offset_of_wrong_type_fails, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_missing_file_is_waited_for, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_idle_poll_returns_quickly, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_invalid_utf8_is_replaced_and_counted_in_bytes, setup,
            teardown),
        cmocka_unit_test(test_stdin_without_offsets),
        cmocka_unit_test(test_config_errors),
        cmocka_unit_test(test_connector_makes_one_task),
        cmocka_unit_test(test_descriptor_names_and_config_def),
        cmocka_unit_test(test_registered_under_apache_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
