/* SPDX-License-Identifier: Apache-2.0 */
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
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "connectors/file/kc_file_connectors.h"
#include "kc_test_file_fixture.h"

static int setup(void **state)
{
    *state = file_fixture_new("/tmp/kc_test_fsink_XXXXXX", "out.txt");
    return 0;
}

static int teardown(void **state)
{
    file_fixture_free(*state, kc_file_sink_task.stop);
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
    assert_non_null(
        strstr(err.msg, "could not write file \"/dev/full\": No space left"));
    kc_props_destroy(p);
}

/* Put "<prefix><i>" for i in [0, n) as one batch; the put's result. */
static kc_err_t put_lines(fixture_t *f, const char *prefix, int n,
                          kc_error_t *err)
{
    kc_batch_clear(&f->batch);
    for (int i = 0; i < n; i++) {
        kc_record_t *rec = add_record(f, i);
        char *v = kc_arena_sprintf(f->batch.arena, "%s%d", prefix, i);

        kc_value_set_string(f->batch.arena, &rec->value, v, strlen(v));
    }
    return kc_file_sink_task.put(f->task, &f->batch, err);
}

/*
 * The file cannot grow past 4000 bytes (RLIMIT_FSIZE, which holds for
 * root too, with SIGXFSZ ignored: write(2) stops short, then fails with
 * EFBIG, as a full disk stops short then fails with ENOSPC). Runs in a
 * child so the limit stays there; the child writes the put's result and
 * message to @p fd.
 */
static void child_put_past_limit(fixture_t *f, int fd)
{
    struct rlimit lim = {.rlim_cur = 4000, .rlim_max = RLIM_INFINITY};
    kc_error_t err;
    kc_err_t rc;
    char line[600];

    signal(SIGXFSZ, SIG_IGN);
    if (setrlimit(RLIMIT_FSIZE, &lim) != 0) {
        _exit(3);
    }
    start_task(f);
    kc_error_clear(&err);
    /* 100 lines "first-<i>\n": 890 bytes, they fit */
    if (put_lines(f, "first-", 100, &err) != KC_OK ||
        kc_file_sink_task.flush(f->task, &err) != KC_OK) {
        _exit(4);
    }
    /* 1000 more lines do not: the write stops in the middle of one */
    rc = put_lines(f, "second-", 1000, &err);
    snprintf(line, sizeof(line), "%d %s", (int)rc, err.msg);
    if (write(fd, line, strlen(line)) < 0) {
        _exit(5);
    }
    _exit(0);
}

static void test_failed_write_leaves_only_whole_lines(void **state)
{
    fixture_t *f = *state;
    char result[600] = {0};
    char expect[1024] = {0};
    int fds[2];
    int status;
    pid_t pid;
    char *text;
    size_t n = 0;
    ssize_t got;

    assert_int_equal(pipe(fds), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        child_put_past_limit(f, fds[1]);
    }
    close(fds[1]);
    while ((got = read(fds[0], result + n, sizeof(result) - 1 - n)) > 0) {
        n += (size_t)got;
    }
    close(fds[0]);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    /* the file holds the first put's lines, nothing of the second */
    text = read_all(f->path);
    n = 0;
    for (int i = 0; i < 100; i++) {
        n += (size_t)snprintf(expect + n, sizeof(expect) - n, "first-%d\n", i);
    }
    assert_string_equal(text, expect);
    kc_free(text);
    /* and the put failed with the OS message, naming the file */
    snprintf(expect, sizeof(expect), "%d could not write file \"%s\": %s",
             (int)KC_ERR_IO, f->path, strerror(EFBIG));
    assert_string_equal(result, expect);
}

/*
 * The same on a full disk: a 64 KiB tmpfs (root only; skipped otherwise).
 * The second put's write stops short with ENOSPC; the file keeps the
 * first put's lines only and the put fails naming the file.
 */
static void test_full_disk_leaves_only_whole_lines(void **state)
{
    fixture_t *f = *state;
    char mnt[80];
    kc_error_t err;
    kc_err_t rc;
    char *text;
    char *expect;
    size_t n = 0;

    snprintf(mnt, sizeof(mnt), "%s/tmpfs", f->dir);
    if (geteuid() != 0 || mkdir(mnt, 0700) != 0 ||
        mount("kc-test", mnt, "tmpfs", 0, "size=64k") != 0) {
        rmdir(mnt);
        skip();
    }
    snprintf(f->path, sizeof(f->path), "%s/out.txt", mnt);
    start_task(f);
    kc_error_clear(&err);
    /* 1000 lines "first-<i>\n": 9890 bytes, they fit */
    assert_int_equal(put_lines(f, "first-", 1000, &err), KC_OK);
    assert_int_equal(kc_file_sink_task.flush(f->task, &err), KC_OK);
    /* 10000 more lines (118890 bytes) do not */
    rc = put_lines(f, "second-", 10000, &err);
    text = read_all(f->path);
    kc_file_sink_task.stop(f->task);
    f->task = NULL;
    unlink(f->path);
    umount(mnt);
    rmdir(mnt);
    snprintf(f->path, sizeof(f->path), "%s/out.txt", f->dir);
    expect = kc_malloc(1 << 16);
    for (int i = 0; i < 1000; i++) {
        n += (size_t)snprintf(expect + n, (1 << 16) - n, "first-%d\n", i);
    }
    assert_string_equal(text, expect);
    kc_free(text);
    kc_free(expect);
    assert_int_equal(rc, KC_ERR_IO);
    assert_non_null(strstr(err.msg, "could not write file \""));
    assert_non_null(strstr(err.msg, "/tmpfs/out.txt\": No space left"));
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
        cmocka_unit_test_setup_teardown(
            test_failed_write_leaves_only_whole_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(test_full_disk_leaves_only_whole_lines,
                                        setup, teardown),
        cmocka_unit_test(test_connector_makes_tasks_max_tasks),
        cmocka_unit_test(test_descriptor),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
