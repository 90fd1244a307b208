/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The offsets file: byte-compatible with Apache Kafka's
 * FileOffsetBackingStore. The expected bytes below were produced by a JDK
 * (ObjectOutputStream.writeObject of a HashMap<byte[],byte[]>), not by the
 * code under test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "kc_internal.h"

#include "runtime/kc_offset_store.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#define KEY1 "[\"file-source\",{\"filename\":\"/tmp/in.txt\"}]"
#define VAL1 "{\"position\":42}"
#define KEY2 "[\"file-source\",{\"filename\":\"/tmp/b\"}]"

/* JDK 17: {KEY1 -> VAL1} */
static const char java_one[] =
    "\xac\xed\x00\x05\x73\x72\x00\x11\x6a\x61\x76\x61\x2e\x75\x74\x69\x6c\x2e"
    "\x48\x61\x73\x68\x4d\x61\x70\x05\x07\xda\xc1\xc3\x16\x60\xd1\x03\x00\x02"
    "\x46\x00\x0a\x6c\x6f\x61\x64\x46\x61\x63\x74\x6f\x72\x49\x00\x09\x74\x68"
    "\x72\x65\x73\x68\x6f\x6c\x64\x78\x70\x3f\x40\x00\x00\x00\x00\x00\x0c\x77"
    "\x08\x00\x00\x00\x10\x00\x00\x00\x01\x75\x72\x00\x02\x5b\x42\xac\xf3\x17"
    "\xf8\x06\x08\x54\xe0\x02\x00\x00\x78\x70\x00\x00\x00\x2a" KEY1
    "\x75\x71\x00\x7e\x00\x02\x00\x00\x00\x0f" VAL1 "\x78";

/* JDK 17: {KEY1 -> VAL1, KEY2 -> null} */
static const char java_two[] =
    "\xac\xed\x00\x05\x73\x72\x00\x11\x6a\x61\x76\x61\x2e\x75\x74\x69\x6c\x2e"
    "\x48\x61\x73\x68\x4d\x61\x70\x05\x07\xda\xc1\xc3\x16\x60\xd1\x03\x00\x02"
    "\x46\x00\x0a\x6c\x6f\x61\x64\x46\x61\x63\x74\x6f\x72\x49\x00\x09\x74\x68"
    "\x72\x65\x73\x68\x6f\x6c\x64\x78\x70\x3f\x40\x00\x00\x00\x00\x00\x0c\x77"
    "\x08\x00\x00\x00\x10\x00\x00\x00\x02\x75\x72\x00\x02\x5b\x42\xac\xf3\x17"
    "\xf8\x06\x08\x54\xe0\x02\x00\x00\x78\x70\x00\x00\x00\x2a\x5b\x22\x66\x69"
    "\x6c\x65\x2d\x73\x6f\x75\x72\x63\x65\x22\x2c\x7b\x22\x66\x69\x6c\x65\x6e"
    "\x61\x6d\x65\x22\x3a\x22\x2f\x74\x6d\x70\x2f\x69\x6e\x2e\x74\x78\x74\x22"
    "\x7d\x5d\x75\x71\x00\x7e\x00\x02\x00\x00\x00\x0f\x7b\x22\x70\x6f\x73\x69"
    "\x74\x69\x6f\x6e\x22\x3a\x34\x32\x7d\x75\x71\x00\x7e\x00\x02\x00\x00\x00"
    "\x25\x5b\x22\x66\x69\x6c\x65\x2d\x73\x6f\x75\x72\x63\x65\x22\x2c\x7b\x22"
    "\x66\x69\x6c\x65\x6e\x61\x6d\x65\x22\x3a\x22\x2f\x74\x6d\x70\x2f\x62\x22"
    "\x7d\x5d\x70\x78";

/* JDK 17: an empty HashMap */
static const char java_empty[] =
    "\xac\xed\x00\x05\x73\x72\x00\x11\x6a\x61\x76\x61\x2e\x75\x74\x69\x6c\x2e"
    "\x48\x61\x73\x68\x4d\x61\x70\x05\x07\xda\xc1\xc3\x16\x60\xd1\x03\x00\x02"
    "\x46\x00\x0a\x6c\x6f\x61\x64\x46\x61\x63\x74\x6f\x72\x49\x00\x09\x74\x68"
    "\x72\x65\x73\x68\x6f\x6c\x64\x78\x70\x3f\x40\x00\x00\x00\x00\x00\x00\x77"
    "\x08\x00\x00\x00\x10\x00\x00\x00\x00\x78";

static char tmpdir[64];

static int setup_dir(void **state)
{
    strcpy(tmpdir, "/tmp/kc-offsets-XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    return 0;
}

static int teardown_dir(void **state)
{
    char *cmd = kc_asprintf("rm -rf '%s'", tmpdir);

    assert_int_equal(system(cmd), 0);
    kc_free(cmd);
    return 0;
}

static char *path_in_tmp(const char *name)
{
    return kc_asprintf("%s/%s", tmpdir, name);
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

static void test_write_matches_jdk_bytes(void **state)
{
    kc_offset_entry_t e = {.key = (uint8_t *)KEY1,
                           .key_len = strlen(KEY1),
                           .value = (uint8_t *)VAL1,
                           .value_len = strlen(VAL1)};
    kc_buf_t buf;

    kc_buf_init(&buf, 0);
    assert_int_equal(kc_offset_java_write(&e, 1, &buf), KC_OK);
    assert_int_equal(buf.len, sizeof(java_one) - 1);
    assert_memory_equal(buf.data, java_one, sizeof(java_one) - 1);
    kc_buf_release(&buf);
}

static void test_write_empty_map_matches_jdk_bytes(void **state)
{
    kc_buf_t buf;

    kc_buf_init(&buf, 0);
    assert_int_equal(kc_offset_java_write(NULL, 0, &buf), KC_OK);
    assert_int_equal(buf.len, sizeof(java_empty) - 1);
    assert_memory_equal(buf.data, java_empty, sizeof(java_empty) - 1);
    kc_buf_release(&buf);
}

static void test_read_jdk_map_with_null_value(void **state)
{
    kc_offset_entry_t *entries = NULL;
    size_t count = 0;
    kc_error_t err;

    assert_int_equal(kc_offset_java_read((const uint8_t *)java_two,
                                         sizeof(java_two) - 1, &entries, &count,
                                         &err),
                     KC_OK);
    assert_int_equal(count, 2);
    assert_int_equal(entries[0].key_len, strlen(KEY1));
    assert_memory_equal(entries[0].key, KEY1, strlen(KEY1));
    assert_int_equal(entries[0].value_len, strlen(VAL1));
    assert_memory_equal(entries[0].value, VAL1, strlen(VAL1));
    assert_memory_equal(entries[1].key, KEY2, strlen(KEY2));
    assert_null(entries[1].value);
    kc_offset_entries_free(entries, count);
}

static void test_truncated_file_is_rejected(void **state)
{
    kc_offset_entry_t *entries = NULL;
    size_t count = 0;
    kc_error_t err;

    /* Every proper prefix must fail cleanly, never read past the end. */
    for (size_t len = 0; len < sizeof(java_two) - 1; len++) {
        assert_int_equal(kc_offset_java_read((const uint8_t *)java_two, len,
                                             &entries, &count, &err),
                         KC_ERR_INVALID);
        assert_null(entries);
    }
}

static void test_store_loads_jdk_file(void **state)
{
    char *path = path_in_tmp("jdk.offsets");
    kc_error_t err;
    kc_offset_store_t *store;
    json_t *part = json_pack("{ss}", "filename", "/tmp/in.txt");
    json_t *part_b = json_pack("{ss}", "filename", "/tmp/b");
    json_t *off = NULL;
    json_t *list = NULL;

    write_file(path, java_two, sizeof(java_two) - 1);
    store = kc_offset_store_open(path, &err);
    assert_non_null(store);
    assert_int_equal(kc_offset_store_get(store, "file-source", part, &off),
                     KC_OK);
    assert_int_equal(json_integer_value(json_object_get(off, "position")), 42);
    json_decref(off);
    /* A null value is a tombstone: no offset. */
    assert_int_equal(kc_offset_store_get(store, "file-source", part_b, &off),
                     KC_ERR_NOT_FOUND);
    assert_null(off);
    assert_int_equal(kc_offset_store_get(store, "other", part, &off),
                     KC_ERR_NOT_FOUND);
    assert_int_equal(kc_offset_store_list(store, "file-source", &list), KC_OK);
    assert_int_equal(json_array_size(list), 1);
    assert_string_equal(
        json_string_value(json_object_get(
            json_object_get(json_array_get(list, 0), "partition"), "filename")),
        "/tmp/in.txt");
    json_decref(list);
    kc_offset_store_destroy(store);
    json_decref(part);
    json_decref(part_b);
    kc_free(path);
}

static void test_store_put_flush_reopen(void **state)
{
    char *path = path_in_tmp("rt.offsets");
    kc_error_t err;
    kc_offset_store_t *store = kc_offset_store_open(path, &err);
    json_t *part = json_pack("{ss}", "filename", "/tmp/in.txt");
    json_t *off = json_pack("{si}", "position", 42);
    json_t *got = NULL;
    FILE *f;
    char data[512];
    size_t n;

    assert_non_null(store);
    assert_int_equal(kc_offset_store_put(store, "file-source", part, off, &err),
                     KC_OK);
    /* Nothing on disk before a flush. */
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(kc_offset_store_flush(store, &err), KC_OK);
    kc_offset_store_destroy(store);

    /* What a JDK would have written for the same map. */
    f = fopen(path, "rb");
    assert_non_null(f);
    n = fread(data, 1, sizeof(data), f);
    fclose(f);
    assert_int_equal(n, sizeof(java_one) - 1);
    assert_memory_equal(data, java_one, n);

    store = kc_offset_store_open(path, &err);
    assert_non_null(store);
    assert_int_equal(kc_offset_store_get(store, "file-source", part, &got),
                     KC_OK);
    assert_true(json_equal(got, off));
    json_decref(got);

    /* Reset writes a tombstone, as Apache's DELETE .../offsets. */
    kc_offset_store_reset(store, "file-source");
    assert_int_equal(kc_offset_store_flush(store, &err), KC_OK);
    kc_offset_store_destroy(store);
    store = kc_offset_store_open(path, &err);
    assert_int_equal(kc_offset_store_get(store, "file-source", part, &got),
                     KC_ERR_NOT_FOUND);
    kc_offset_store_destroy(store);
    json_decref(part);
    json_decref(off);
    kc_free(path);
}

/* Two tasks share the worker's offsets file: each must hear that its own
 * background write ended, not only the task that asks first (one shared
 * "a write ended" flag starved the other, whose commit() then never came
 * while records kept flowing). */
static void test_flush_async_reports_each_callers_own_write(void **state)
{
    char *path = path_in_tmp("shared.offsets");
    kc_error_t err;
    kc_offset_store_t *store = kc_offset_store_open(path, &err);
    json_t *p0 = json_pack("{si}", "id", 0);
    json_t *p1 = json_pack("{si}", "id", 1);
    json_t *o1 = json_pack("{si}", "seqno", 1);
    json_t *o2 = json_pack("{si}", "seqno", 2);
    uint64_t t0 = 0;
    uint64_t t1 = 0;
    bool writing;

    (void)state;
    assert_non_null(store);
    /* each task's first commit starts a write: nothing has ended yet */
    assert_int_equal(kc_offset_store_put(store, "c", p0, o1, &err), KC_OK);
    assert_int_equal(kc_offset_store_flush_async(store, &t0, &writing, &err),
                     KC_AGAIN);
    assert_true(writing);
    assert_int_equal(kc_offset_store_put(store, "c", p1, o1, &err), KC_OK);
    assert_int_equal(kc_offset_store_flush_async(store, &t1, &writing, &err),
                     KC_AGAIN);
    assert_true(writing);
    /* wait for the writer (a synchronous flush waits for it) */
    assert_int_equal(kc_offset_store_flush(store, &err), KC_OK);
    /* both tasks' next commits hear that their write ended well, though
     * task 0 asks first and starts another write */
    assert_int_equal(kc_offset_store_put(store, "c", p0, o2, &err), KC_OK);
    assert_int_equal(kc_offset_store_flush_async(store, &t0, &writing, &err),
                     KC_OK);
    assert_int_equal(kc_offset_store_put(store, "c", p1, o2, &err), KC_OK);
    assert_int_equal(kc_offset_store_flush_async(store, &t1, &writing, &err),
                     KC_OK);
    assert_int_equal(kc_offset_store_flush(store, &err), KC_OK);
    kc_offset_store_destroy(store);
    json_decref(p0);
    json_decref(p1);
    json_decref(o1);
    json_decref(o2);
    kc_free(path);
}

static void test_partition_key_order_does_not_matter(void **state)
{
    kc_error_t err;
    kc_offset_store_t *store = kc_offset_store_open(NULL, &err);
    json_t *p1 = json_loads("{\"a\":1,\"b\":\"x\"}", 0, NULL);
    json_t *p2 = json_loads("{\"b\":\"x\",\"a\":1}", 0, NULL);
    json_t *off = json_pack("{si}", "o", 7);
    json_t *got = NULL;

    assert_int_equal(kc_offset_store_put(store, "c", p1, off, &err), KC_OK);
    assert_int_equal(kc_offset_store_get(store, "c", p2, &got), KC_OK);
    assert_int_equal(json_integer_value(json_object_get(got, "o")), 7);
    json_decref(got);
    kc_offset_store_destroy(store);
    json_decref(p1);
    json_decref(p2);
    json_decref(off);
}

static void test_garbage_file_names_the_file(void **state)
{
    char *path = path_in_tmp("bad.offsets");
    kc_error_t err;

    write_file(path, "{\"not\":\"java\"}", 14);
    assert_null(kc_offset_store_open(path, &err));
    assert_int_equal(err.code, KC_ERR_INVALID);
    assert_non_null(strstr(err.msg, path));
    kc_free(path);
}

static void test_empty_file_is_empty_store(void **state)
{
    char *path = path_in_tmp("empty.offsets");
    kc_error_t err;
    kc_offset_store_t *store;
    json_t *list = NULL;

    write_file(path, "", 0);
    store = kc_offset_store_open(path, &err);
    assert_non_null(store);
    kc_offset_store_list(store, "x", &list);
    assert_int_equal(json_array_size(list), 0);
    json_decref(list);
    kc_offset_store_destroy(store);
    kc_free(path);
}

/* The bytes of @p path (caller frees), *len its size. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *data = kc_malloc(65536);

    assert_non_null(f);
    *len = fread(data, 1, 65536, f);
    fclose(f);
    return data;
}

/*
 * A write that fails half-way (the disk fills: here the file size limit,
 * which root cannot bypass) leaves the good file as it was, names the
 * offsets file and the OS error, and the store keeps the new offsets to
 * write at the next flush.
 */
static void test_failed_write_keeps_good_file_and_retries(void **state)
{
    char *path = path_in_tmp("full.offsets");
    kc_error_t err;
    kc_offset_store_t *store = kc_offset_store_open(path, &err);
    json_t *part = json_pack("{ss}", "filename", "/tmp/in.txt");
    json_t *off = json_pack("{si}", "position", 42);
    struct rlimit old;
    struct rlimit small;
    size_t before_len;
    size_t after_len;
    char *before;
    char *after;
    json_t *got = NULL;

    assert_non_null(store);
    assert_int_equal(kc_offset_store_put(store, "file-source", part, off, &err),
                     KC_OK);
    assert_int_equal(kc_offset_store_flush(store, &err), KC_OK);
    before = slurp(path, &before_len);
    /* Many more partitions: the new file is far larger than the old. */
    for (int i = 0; i < 200; i++) {
        json_t *p = json_pack("{si}", "n", i);

        assert_int_equal(
            kc_offset_store_put(store, "file-source", p, off, &err), KC_OK);
        json_decref(p);
    }
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    small = old;
    small.rlim_cur = (rlim_t)before_len + 100;
    signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
    assert_int_equal(kc_offset_store_flush(store, &err), KC_ERR_IO);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
    assert_non_null(strstr(err.msg, "could not write offsets file \""));
    assert_non_null(strstr(err.msg, path));
    assert_non_null(strstr(err.msg, "File too large"));
    after = slurp(path, &after_len);
    assert_int_equal(after_len, before_len);
    assert_memory_equal(after, before, before_len);
    kc_free(after);

    /* Room again: the next flush writes everything. */
    assert_int_equal(kc_offset_store_flush(store, &err), KC_OK);
    kc_offset_store_destroy(store);
    store = kc_offset_store_open(path, &err);
    assert_non_null(store);
    {
        json_t *p = json_pack("{si}", "n", 199);

        assert_int_equal(kc_offset_store_get(store, "file-source", p, &got),
                         KC_OK);
        json_decref(p);
    }
    assert_true(json_equal(got, off));
    json_decref(got);
    kc_offset_store_destroy(store);
    kc_free(before);
    json_decref(part);
    json_decref(off);
    kc_free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_write_matches_jdk_bytes),
        cmocka_unit_test(test_flush_async_reports_each_callers_own_write),
        cmocka_unit_test(test_write_empty_map_matches_jdk_bytes),
        cmocka_unit_test(test_read_jdk_map_with_null_value),
        cmocka_unit_test(test_truncated_file_is_rejected),
        cmocka_unit_test(test_store_loads_jdk_file),
        cmocka_unit_test(test_store_put_flush_reopen),
        cmocka_unit_test(test_partition_key_order_does_not_matter),
        cmocka_unit_test(test_garbage_file_names_the_file),
        cmocka_unit_test(test_empty_file_is_empty_store),
        cmocka_unit_test(test_failed_write_keeps_good_file_and_retries),
    };

    return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
