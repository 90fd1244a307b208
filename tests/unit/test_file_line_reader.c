/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kc_line_reader: line splitting as Apache's FileStreamSourceTask splits
 * (\n, \r\n, \r; a trailing \r or partial line held) and UTF-8 repair as
 * Java's decoder repairs (one U+FFFD per maximal ill-formed subsequence).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "kc_internal.h"

#include <fcntl.h>
#include <unistd.h>

#include "connectors/file/kc_line_reader.h"

static void feed(kc_line_reader_t *lr, const char *s)
{
    kc_error_t err;

    assert_int_equal(kc_line_reader_feed(lr, s, strlen(s), &err), KC_OK);
}

/* Assert that the next line is @p want and used @p used bytes. */
static void expect_line(kc_line_reader_t *lr, const char *want, size_t used)
{
    const char *line;
    size_t len;
    size_t consumed;

    assert_int_equal(kc_line_reader_next(lr, &line, &len, &consumed), KC_OK);
    assert_int_equal(len, strlen(want));
    assert_memory_equal(line, want, len);
    assert_int_equal(consumed, used);
}

static void expect_none(kc_line_reader_t *lr)
{
    const char *line;
    size_t len;
    size_t consumed;

    assert_int_equal(kc_line_reader_next(lr, &line, &len, &consumed), KC_AGAIN);
}

static void test_all_three_terminators(void **state)
{
    kc_line_reader_t *lr = kc_line_reader_new(0);

    feed(lr, "a\nbb\r\nccc\rdddd\n\n");
    expect_line(lr, "a", 2);
    expect_line(lr, "bb", 4);
    expect_line(lr, "ccc", 4);
    expect_line(lr, "dddd", 5);
    expect_line(lr, "", 1);
    expect_none(lr);
    assert_int_equal(kc_line_reader_pending(lr), 0);
    kc_line_reader_destroy(lr);
}

static void test_partial_line_is_held_until_completed(void **state)
{
    kc_line_reader_t *lr = kc_line_reader_new(0);

    feed(lr, "first\nsec");
    expect_line(lr, "first", 6);
    expect_none(lr);
    assert_int_equal(kc_line_reader_pending(lr), 3);
    feed(lr, "ond");
    expect_none(lr);
    feed(lr, "\n");
    expect_line(lr, "second", 7);
    kc_line_reader_destroy(lr);
}

static void test_trailing_cr_waits_for_next_byte(void **state)
{
    kc_line_reader_t *lr = kc_line_reader_new(0);

    /* "\r" then "\n" in the next read: one "\r\n" terminator. */
    feed(lr, "x\r");
    expect_none(lr);
    feed(lr, "\ny\r");
    expect_line(lr, "x", 3);
    expect_none(lr);
    /* "\r" then another byte: "\r" alone ended the line. */
    feed(lr, "z");
    expect_line(lr, "y", 2);
    expect_none(lr);
    kc_line_reader_destroy(lr);
}

static void test_nul_bytes_stay_in_line(void **state)
{
    kc_line_reader_t *lr = kc_line_reader_new(0);
    kc_error_t err;
    const char *line;
    size_t len;
    size_t used;

    assert_int_equal(kc_line_reader_feed(lr, "a\0b\n", 4, &err), KC_OK);
    assert_int_equal(kc_line_reader_next(lr, &line, &len, &used), KC_OK);
    assert_int_equal(len, 3);
    assert_memory_equal(line, "a\0b", 3);
    assert_int_equal(used, 4);
    kc_line_reader_destroy(lr);
}

static void test_fill_reads_a_file_and_reports_eof(void **state)
{
    char path[] = "/tmp/kc_test_lr_XXXXXX";
    int fd = mkstemp(path);
    kc_line_reader_t *lr = kc_line_reader_new(0);
    kc_error_t err;
    size_t nread;
    size_t total = 0;
    size_t lines = 0;
    const char *line;
    size_t len;
    size_t used;
    char text[16];

    assert_true(fd >= 0);
    /* 100000 lines "line-<n>\n": more than one 64 KiB read. */
    for (int i = 0; i < 100000; i++) {
        int n = snprintf(text, sizeof(text), "line-%d\n", i);

        assert_int_equal(write(fd, text, (size_t)n), n);
        total += (size_t)n;
    }
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    for (;;) {
        while (kc_line_reader_next(lr, &line, &len, &used) == KC_OK) {
            snprintf(text, sizeof(text), "line-%zu", lines);
            assert_int_equal(len, strlen(text));
            assert_memory_equal(line, text, len);
            lines++;
            total -= used;
        }
        assert_int_equal(kc_line_reader_fill(lr, fd, path, &nread, &err),
                         KC_OK);
        if (nread == 0) {
            break;
        }
    }
    assert_int_equal(lines, 100000);
    assert_int_equal(total, 0);
    close(fd);
    unlink(path);
    kc_line_reader_destroy(lr);
}

static void test_overlong_line_is_an_error(void **state)
{
    kc_line_reader_t *lr = kc_line_reader_new(16);
    kc_error_t err;
    char big[40];

    memset(big, 'x', sizeof(big));
    assert_int_equal(kc_line_reader_feed(lr, big, sizeof(big), &err), KC_OK);
    expect_none(lr);
    assert_int_equal(kc_line_reader_feed(lr, "y", 1, &err), KC_ERR_TOO_LARGE);
    assert_non_null(strstr(err.msg, "longer than 16 bytes"));
    kc_line_reader_destroy(lr);
}

static void expect_utf8(const char *in, size_t len, const char *want)
{
    kc_arena_t *arena = kc_arena_new(0);
    size_t out_len;
    char *out = kc_line_to_utf8(arena, in, len, &out_len);

    assert_int_equal(out_len, strlen(want));
    assert_memory_equal(out, want, out_len);
    assert_int_equal(out[out_len], '\0');
    kc_arena_destroy(arena);
}

#define FFFD "\xEF\xBF\xBD"

static void test_utf8_repair_like_java(void **state)
{
    /* Valid text is kept byte for byte. */
    expect_utf8("h\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80", 10,
                "h\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
    /* A lone continuation byte and an invalid lead byte: one each. */
    expect_utf8("a\x80z", 3, "a" FFFD "z");
    expect_utf8("\xFF\xC0", 2, FFFD FFFD);
    /* A truncated 3-byte sequence is one maximal subpart. */
    expect_utf8("\xE2\x82z", 3, FFFD "z");
    expect_utf8("\xE2\x82", 2, FFFD);
    /* Overlongs (E0 80..9F, F0 80..8F) are ill-formed at the second byte:
     * every byte is replaced. An encoded surrogate (ED A0..BF) is one
     * replacement for all three bytes, as Java (checked with JDK 17's
     * InputStreamReader). */
    expect_utf8("\xE0\x80\x80", 3, FFFD FFFD FFFD);
    expect_utf8("\xF0\x8F\xBF\xBF", 4, FFFD FFFD FFFD FFFD);
    expect_utf8("\xED\xA0\x80", 3, FFFD);
    expect_utf8("\xED\xA0z", 3, FFFD "z");
    /* Above U+10FFFF. */
    expect_utf8("\xF4\x90\x80\x80", 4, FFFD FFFD FFFD FFFD);
    /* A 4-byte sequence cut after 3 bytes, then ASCII. */
    expect_utf8("\xF0\x9F\x98!", 4, FFFD "!");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_three_terminators),
        cmocka_unit_test(test_partial_line_is_held_until_completed),
        cmocka_unit_test(test_trailing_cr_waits_for_next_byte),
        cmocka_unit_test(test_nul_bytes_stay_in_line),
        cmocka_unit_test(test_fill_reads_a_file_and_reports_eof),
        cmocka_unit_test(test_overlong_line_is_an_error),
        cmocka_unit_test(test_utf8_repair_like_java),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
