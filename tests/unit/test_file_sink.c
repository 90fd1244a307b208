/*
 * FileStreamSink task and connector: each record value is written as its
 * Java text plus "\n", appended to the file; flush makes it durable.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "kc_internal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "connectors/file/kc_file_connectors.h"

typedef struct fixture {
    char dir[64];
    char path[128];
    void *task;
    kc_batch_t batch;
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = kc_calloc(1, sizeof(*f));

    snprintf(f->dir, sizeof(f->dir), "/tmp/kc_test_fsink_XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof(f->path), "%s/out.txt", f->dir);
    kc_batch_init(&f->batch);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;

    if (f->task != NULL) {
        kc_file_sink_task.stop(f->task);
    }
    kc_batch_release(&f->batch);
    unlink(f->path);
    rmdir(f->dir);
    kc_free(f);
    return 0;
}

static void start_task(fixture_t *f)
{
    kc_props_t *p = kc_props_new();
    kc_error_t err;

    kc_props_set(p, "name", "local-file-sink");
    kc_props_set(p, "connector.class", "FileStreamSink");
    kc_props_set(p, "topics", "connect-test");
    kc_props_set(p, "file", f->path);
    assert_int_equal(kc_file_sink_task.start(&f->task, p, NULL, &err), KC_OK);
    kc_props_destroy(p);
}

/* The whole file as a NUL-terminated heap string. */
static char *read_all(const char *path)
{
    FILE *fp = fopen(path, "rb");
    char *data = kc_malloc(1 << 16);
    size_t n;

    assert_non_null(fp);
    n = fread(data, 1, (1 << 16) - 1, fp);
    data[n] = '\0';
    fclose(fp);
    return data;
}

static kc_record_t *add_record(fixture_t *f, int64_t offset)
{
    kc_record_t *rec = kc_batch_add(&f->batch);

    rec->topic = "connect-test";
    rec->partition = 0;
    rec->offset = offset;
    return rec;
}

static void test_values_become_lines(void **state)
{
    fixture_t *f = *state;
    kc_arena_t *arena = f->batch.arena;
    kc_schema_t *st = kc_schema_new(KC_TYPE_STRUCT);
    kc_record_t *rec;
    kc_error_t err;
    char *text;

    assert_int_equal(
        kc_schema_add_field_take(st, "id", kc_schema_new(KC_TYPE_INT32), &err),
        KC_OK);
    assert_int_equal(kc_schema_add_field_take(
                         st, "name", kc_schema_new(KC_TYPE_STRING), &err),
                     KC_OK);
    start_task(f);
    rec = add_record(f, 0);
    rec->value_schema = kc_schema_primitive(KC_TYPE_STRING, false);
    kc_value_set_string(arena, &rec->value, "hello world", 11);
    add_record(f, 1); /* null value: println(null) prints "null" */
    rec = add_record(f, 2);
    kc_value_set_int(&rec->value, KC_TYPE_INT64, -42);
    rec = add_record(f, 3);
    kc_value_set_bool(&rec->value, true);
    rec = add_record(f, 4);
    rec->value_schema = st;
    kc_value_set_struct(arena, &rec->value, st);
    kc_value_set_int(kc_value_struct_get(&rec->value, "id"), KC_TYPE_INT32, 1);
    kc_value_set_string(arena, kc_value_struct_get(&rec->value, "name"), "a",
                        1);
    rec = add_record(f, 5);
    kc_value_set_float(&rec->value, KC_TYPE_FLOAT64, 1e10);
    assert_int_equal(kc_file_sink_task.put(f->task, &f->batch, &err), KC_OK);
    assert_int_equal(kc_file_sink_task.flush(f->task, &err), KC_OK);
    text = read_all(f->path);
    assert_string_equal(text, "hello world\n"
                              "null\n"
                              "-42\n"
                              "true\n"
                              "Struct{id=1,name=a}\n"
                              "1.0E10\n");
    kc_free(text);
    kc_schema_unref(st);
}

static void test_appends_to_existing_file_across_puts(void **state)
{
    fixture_t *f = *state;
    int fd = open(f->path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    kc_record_t *rec;
    kc_error_t err;
    char *text;

    assert_true(fd >= 0);
    assert_int_equal(write(fd, "old\n", 4), 4);
    close(fd);
    start_task(f);
    rec = add_record(f, 7);
    kc_value_set_string(f->batch.arena, &rec->value, "new1", 4);
    assert_int_equal(kc_file_sink_task.put(f->task, &f->batch, &err), KC_OK);
    kc_batch_clear(&f->batch);
    rec = add_record(f, 8);
    kc_value_set_string(f->batch.arena, &rec->value, "new2", 4);
    assert_int_equal(kc_file_sink_task.put(f->task, &f->batch, &err), KC_OK);
    /* An empty batch writes nothing. */
    kc_batch_clear(&f->batch);
    assert_int_equal(kc_file_sink_task.put(f->task, &f->batch, &err), KC_OK);
    text = read_all(f->path);
    assert_string_equal(text, "old\nnew1\nnew2\n");
    kc_free(text);
}

static void test_no_file_writes_to_stdout(void **state)
{
    fixture_t *f = *state;
    kc_props_t *p = kc_props_new();
    int saved = dup(STDOUT_FILENO);
    int fd = open(f->path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    kc_record_t *rec;
    kc_error_t err;
    char *text;

    /* Without "file" the task writes to stdout, here redirected to the
     * fixture's file; stop must leave stdout open. */
    assert_true(fd >= 0);
    fflush(stdout);
    assert_int_equal(dup2(fd, STDOUT_FILENO), STDOUT_FILENO);
    close(fd);
    kc_props_set(p, "topics", "t");
    assert_int_equal(kc_file_sink_task.start(&f->task, p, NULL, &err), KC_OK);
    rec = add_record(f, 0);
    kc_value_set_string(f->batch.arena, &rec->value, "to stdout", 9);
    assert_int_equal(kc_file_sink_task.put(f->task, &f->batch, &err), KC_OK);
    assert_int_equal(kc_file_sink_task.flush(f->task, &err), KC_OK);
    kc_file_sink_task.stop(f->task);
    f->task = NULL;
    assert_true(fcntl(STDOUT_FILENO, F_GETFD) >= 0);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    text = read_all(f->path);
    assert_string_equal(text, "to stdout\n");
    kc_free(text);
    kc_props_destroy(p);
}

static void test_unwritable_file_fails_start(void **state)
{
    fixture_t *f = *state;
    kc_props_t *p = kc_props_new();
    char bad[192];
    kc_error_t err;

    snprintf(bad, sizeof(bad), "%s/no/such/dir/out.txt", f->dir);
    kc_props_set(p, "file", bad);
    assert_int_equal(kc_file_sink_task.start(&f->task, p, NULL, &err),
                     KC_ERR_IO);
    assert_null(f->task);
    assert_non_null(strstr(err.msg, bad));
    kc_props_destroy(p);
}

static void test_write_error_fails_put(void **state)
{
    fixture_t *f = *state;
    kc_props_t *p = kc_props_new();
    kc_record_t *rec;
    kc_error_t err;

    /* /dev/full accepts the open and fails every write with ENOSPC: put
     * must report it (Apache's PrintStream would swallow it and the
     * offsets would be committed past lines that were never written). */
    kc_props_set(p, "file", "/dev/full");
    assert_int_equal(kc_file_sink_task.start(&f->task, p, NULL, &err), KC_OK);
    rec = add_record(f, 0);
    kc_value_set_string(f->batch.arena, &rec->value, "lost?", 5);
    assert_int_equal(kc_file_sink_task.put(f->task, &f->batch, &err),
                     KC_ERR_IO);
    assert_non_null(strstr(err.msg, "could not write to /dev/full"));
    kc_props_destroy(p);
}

static void test_connector_makes_tasks_max_tasks(void **state)
{
    kc_props_t *p = kc_props_new();
    void *conn = NULL;
    kc_props_t **configs = NULL;
    size_t count = 0;
    kc_error_t err;

    kc_props_set(p, "file", "/tmp/out.txt");
    kc_props_set(p, "topics", "a,b");
    assert_int_equal(kc_file_sink_connector.start(&conn, p, NULL, &err), KC_OK);
    assert_int_equal(
        kc_file_sink_connector.task_configs(conn, 3, &configs, &count, &err),
        KC_OK);
    assert_int_equal(count, 3);
    for (size_t i = 0; i < count; i++) {
        assert_true(kc_props_equal(configs[i], p));
        kc_props_destroy(configs[i]);
    }
    kc_free(configs);
    kc_file_sink_connector.stop(conn);
    kc_props_destroy(p);
}

static void test_descriptor(void **state)
{
    const kc_config_def_t *d;

    assert_string_equal(kc_file_sink_connector.name, "FileStreamSink");
    assert_string_equal(
        kc_file_sink_connector.class_name,
        "org.apache.kafka.connect.file.FileStreamSinkConnector");
    assert_ptr_equal(kc_file_sink_connector.sink_task, &kc_file_sink_task);
    assert_null(kc_file_sink_connector.source_task);
    assert_non_null(kc_file_sink_task.flush);
    d = kc_config_def_find(kc_file_sink_connector.config_def, "file");
    assert_non_null(d);
    assert_int_equal(d->type, KC_CFG_STRING);
    assert_null(d->default_value);
    assert_int_equal(d->importance, KC_IMPORTANCE_HIGH);
    assert_string_equal(d->doc, "Destination filename. If not specified, "
                                "the standard output will be used");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_values_become_lines, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_appends_to_existing_file_across_puts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_file_writes_to_stdout, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_unwritable_file_fails_start, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_write_error_fails_put, setup,
                                        teardown),
        cmocka_unit_test(test_connector_makes_tasks_max_tasks),
        cmocka_unit_test(test_descriptor),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
