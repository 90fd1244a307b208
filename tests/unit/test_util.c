/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for src/util: errors, buffers, arenas, logging. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "kc_internal.h"

#include "util/kc_log.h"
#include "util/kc_utf8.h"

static void test_error_set_and_prefix(void **state)
{
    kc_error_t err;

    (void)state;
    kc_error_clear(&err);
    assert_int_equal(err.code, KC_OK);
    assert_string_equal(err.msg, "");
    assert_int_equal(kc_error_set(&err, KC_ERR_INVALID, "bad %s", "key"),
                     KC_ERR_INVALID);
    assert_int_equal(err.code, KC_ERR_INVALID);
    kc_error_prefix(&err, "field \"%s\"", "a.b");
    assert_string_equal(err.msg, "field \"a.b\": bad key");
    /* A NULL error is allowed everywhere. */
    assert_int_equal(kc_error_set(NULL, KC_ERR_IO, "x"), KC_ERR_IO);
    kc_error_prefix(NULL, "y");
    assert_string_equal(kc_err_name(KC_ERR_NOT_FOUND), "KC_ERR_NOT_FOUND");
}

static void test_error_prefix_truncates(void **state)
{
    kc_error_t err;
    char longmsg[600];

    (void)state;
    memset(longmsg, 'x', sizeof(longmsg) - 1);
    longmsg[sizeof(longmsg) - 1] = '\0';
    kc_error_set(&err, KC_ERR, "%s", longmsg);
    kc_error_prefix(&err, "ctx");
    assert_int_equal(strlen(err.msg), sizeof(err.msg) - 1);
    assert_memory_equal(err.msg, "ctx: xxx", 8);
}

/* The ABI 2 fields: flags, cause, origin; kc_error_set starts them over. */
static void test_error_flags_cause_and_origin(void **state)
{
    kc_error_t err;
    char longcause[100];

    (void)state;
    kc_error_clear(&err);
    assert_false(kc_error_is_retriable(&err));
    assert_false(kc_error_is_fatal(&err));
    assert_null(kc_error_cause(&err));
    assert_null(kc_error_origin(&err));

    kc_error_set(&err, KC_RETRY, "busy");
    assert_true(kc_error_is_retriable(&err));
    assert_int_equal(err.flags, KC_ERROR_F_RETRIABLE);

    kc_error_set(&err, KC_ERR_IO, "could not write file \"x\": disk full");
    assert_false(kc_error_is_retriable(&err));
    kc_error_set_retriable(&err, true);
    kc_error_set_fatal(&err, true);
    kc_error_set_cause(&err, "53100");
    kc_error_set_origin(&err, "alias");
    kc_error_prefix(&err, "task 0");
    assert_true(kc_error_is_retriable(&err));
    assert_true(kc_error_is_fatal(&err));
    assert_string_equal(kc_error_cause(&err), "53100");
    assert_string_equal(kc_error_origin(&err), "alias");
    kc_error_set_retriable(&err, false);
    assert_false(kc_error_is_retriable(&err));
    assert_true(kc_error_is_fatal(&err));

    memset(longcause, 'c', sizeof(longcause) - 1);
    longcause[sizeof(longcause) - 1] = '\0';
    kc_error_set_cause(&err, longcause);
    assert_int_equal(strlen(kc_error_cause(&err)), sizeof(err.cause) - 1);
    kc_error_set_cause(&err, NULL);
    assert_null(kc_error_cause(&err));

    kc_error_set(&err, KC_ERR, "again");
    assert_int_equal(err.flags, 0);
    assert_null(kc_error_origin(&err));
    kc_error_set_fatal(&err, true);
    kc_error_clear(&err);
    assert_int_equal(err.flags, 0);

    /* NULL errors are ignored, as by kc_error_set. */
    kc_error_set_fatal(NULL, true);
    kc_error_set_cause(NULL, "x");
    kc_error_set_origin(NULL, "x");
}

static void test_buf_bounded(void **state)
{
    kc_buf_t buf;

    (void)state;
    kc_buf_init(&buf, 8);
    assert_int_equal(kc_buf_puts(&buf, "12345"), KC_OK);
    assert_int_equal(kc_buf_printf(&buf, "%d", 678), KC_OK);
    assert_int_equal(buf.len, 8);
    /* Over the bound: refused, contents unchanged. */
    assert_int_equal(kc_buf_putc(&buf, '9'), KC_ERR_TOO_LARGE);
    assert_int_equal(kc_buf_append(&buf, "ab", 2), KC_ERR_TOO_LARGE);
    assert_string_equal(kc_buf_cstr(&buf), "12345678");
    kc_buf_reset(&buf);
    assert_int_equal(buf.len, 0);
    kc_buf_release(&buf);
}

static void test_buf_grow_and_detach(void **state)
{
    kc_buf_t buf;
    size_t len;
    char *s;

    (void)state;
    kc_buf_init(&buf, 0);
    for (int i = 0; i < 1000; i++) {
        assert_int_equal(kc_buf_printf(&buf, "%03d", i), KC_OK);
    }
    assert_int_equal(buf.len, 3000);
    s = kc_buf_detach(&buf, &len);
    assert_int_equal(len, 3000);
    assert_memory_equal(s, "000001002", 9);
    assert_memory_equal(s + 2997, "999", 4); /* includes the NUL */
    assert_null(buf.data);
    kc_free(s);
    /* An untouched buffer still yields an empty string. */
    kc_buf_init(&buf, 0);
    assert_string_equal(kc_buf_cstr(&buf), "");
    kc_buf_release(&buf);
}

static int cleanup_calls;
static int cleanup_order[4];

static void count_cleanup(void *arg)
{
    cleanup_order[cleanup_calls++] = *(int *)arg;
}

static void test_arena_alloc_and_reset(void **state)
{
    kc_arena_t *arena = kc_arena_new(128);
    static int one = 1;
    static int two = 2;
    char *big;
    char *s;

    (void)state;
    for (int i = 0; i < 100; i++) {
        void *p = kc_arena_alloc(arena, (size_t)i + 1);

        assert_int_equal((uintptr_t)p % 16, 0);
        memset(p, 0xab, (size_t)i + 1);
    }
    /* Larger than a block: gets its own block. */
    big = kc_arena_alloc(arena, 10000);
    memset(big, 1, 10000);
    s = kc_arena_strndup(arena, "hello world", 5);
    assert_string_equal(s, "hello");
    assert_string_equal(kc_arena_sprintf(arena, "%s-%d", "t", 7), "t-7");
    assert_true(kc_arena_used(arena) > 10000);
    cleanup_calls = 0;
    kc_arena_on_reset(arena, count_cleanup, &one);
    kc_arena_on_reset(arena, count_cleanup, &two);
    kc_arena_reset(arena);
    assert_int_equal(cleanup_calls, 2);
    /* LIFO: the last registered runs first. */
    assert_int_equal(cleanup_order[0], 2);
    assert_int_equal(cleanup_order[1], 1);
    assert_int_equal(kc_arena_used(arena), 0);
    /* Reusable after reset; cleanups do not run twice. */
    assert_non_null(kc_arena_calloc(arena, 4, 8));
    kc_arena_destroy(arena);
    assert_int_equal(cleanup_calls, 2);
    kc_arena_destroy(NULL);
}

static void test_arena_reuses_blocks_after_reset(void **state)
{
    kc_arena_t *arena = kc_arena_new(256);
    void *round1[8];
    int reused = 0;

    (void)state;
    /* Each 256-byte allocation fills one block. */
    for (int i = 0; i < 8; i++) {
        round1[i] = kc_arena_alloc(arena, 256);
        memset(round1[i], i, 256);
    }
    kc_arena_reset(arena);
    for (int i = 0; i < 8; i++) {
        void *p = kc_arena_alloc(arena, 256);

        memset(p, 0xff, 256);
        for (int j = 0; j < 8; j++) {
            reused += p == round1[j];
        }
    }
    /* Every block of the first round serves the second one. */
    assert_int_equal(reused, 8);
    kc_arena_destroy(arena);
}

static size_t decode(const char *s, size_t len, uint32_t *cp)
{
    return kc_utf8_decode((const uint8_t *)s, (const uint8_t *)s + len, cp);
}

static void test_utf8_valid(void **state)
{
    assert_true(kc_utf8_valid("", 0));
    assert_true(kc_utf8_valid("a\xf0\x9f\x98\x80", 5));
    assert_false(kc_utf8_valid("ab\xff"
                               "cd",
                               5));
    assert_false(kc_utf8_valid("\xc0\xaf", 2));     /* overlong '/' */
    assert_false(kc_utf8_valid("\xed\xa0\x80", 3)); /* surrogate */
    assert_false(kc_utf8_valid("\xf0\x9f\x98", 3)); /* cut short */
    assert_true(kc_utf8_is_iso_control(0x0A));
    assert_true(kc_utf8_is_iso_control(0x85));
    assert_false(kc_utf8_is_iso_control(0xA0));
    assert_false(kc_utf8_is_iso_control(0x1F600));
}

/* Request data in a log line: one record, nothing a terminal obeys. */
static void test_escape_for_log_keeps_one_line(void **state)
{
    static const char *const cases[][2] = {
        {"plain name", "plain name"},
        {"a\nb\r\tc", "a\\nb\\r\\tc"},
        {"\x1b[31mred", "\\x1B[31mred"},
        {"del\x7f", "del\\x7F"},
        {"nel\xc2\x85", "nel\\x85"},
        {"ls\xe2\x80\xa8", "ls\\u2028"},
        {"bad\xff\xc3", "bad\\xFF\\xC3"},
        {"back\\slash", "back\\\\slash"},
        {"emoji \xf0\x9f\x98\x80 \xc3\xbc", "emoji \xf0\x9f\x98\x80 \xc3\xbc"},
    };

    for (size_t i = 0; i < KC_ARRAY_LEN(cases); i++) {
        char *out = kc_str_escape_log(cases[i][0]);

        assert_string_equal(out, cases[i][1]);
        kc_free(out);
    }
    {
        char *out = kc_str_escape_log(NULL);

        assert_string_equal(out, "null");
        kc_free(out);
    }
}

/* The context prefix carries a connector name: escaped too. */
static void test_log_context_is_escaped(void **state)
{
    char *text = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&text, &len);

    kc_log_set_stream(fp);
    kc_log_set_context("[evil\n[2000-01-01] FAKE|task-0] ");
    kc_log_write(KC_LOG_INFO, "test.ctx", "hello");
    kc_log_set_context(NULL);
    kc_log_set_stream(NULL);
    fclose(fp);
    assert_non_null(strstr(text, "[evil\\n[2000-01-01] FAKE|task-0] hello"));
    assert_int_equal(strchr(text, '\n') - text, (long)len - 1);
    free(text);
}

static void test_utf8_decode(void **state)
{
    uint32_t cp = 0;

    (void)state;
    assert_int_equal(decode("A", 1, &cp), 1);
    assert_int_equal(cp, 0x41);
    assert_int_equal(decode("\xC3\xA9", 2, &cp), 2); /* U+00E9 */
    assert_int_equal(cp, 0xE9);
    assert_int_equal(decode("\xE2\x82\xAC", 3, &cp), 3); /* U+20AC */
    assert_int_equal(cp, 0x20AC);
    assert_int_equal(decode("\xF0\x9F\x98\x80", 4, &cp), 4); /* U+1F600 */
    assert_int_equal(cp, 0x1F600);
    /* Overlong, surrogate, past U+10FFFF, truncated, stray continuation. */
    assert_int_equal(decode("\xC0\x80", 2, &cp), 0);
    assert_int_equal(decode("\xE0\x80\x80", 3, &cp), 0);
    assert_int_equal(decode("\xED\xA0\x80", 3, &cp), 0);
    assert_int_equal(decode("\xF4\x90\x80\x80", 4, &cp), 0);
    assert_int_equal(decode("\xE2\x82", 2, &cp), 0);
    assert_int_equal(decode("\x80", 1, &cp), 0);
    assert_int_equal(decode("\xC3"
                            "A",
                            2, &cp),
                     0);
}

static char log_buf[4096];

static void test_log_levels_inherit(void **state)
{
    FILE *f;
    char expect[128];
    int line;

    (void)state;
    kc_log_reset();
    assert_true(kc_log_enabled(KC_LOG_INFO, "a.b"));
    assert_false(kc_log_enabled(KC_LOG_DEBUG, "a.b"));
    kc_log_set_level("a", KC_LOG_DEBUG);
    assert_true(kc_log_enabled(KC_LOG_DEBUG, "a.b.c"));
    assert_false(kc_log_enabled(KC_LOG_DEBUG, "ab"));
    kc_log_set_level("a.b", KC_LOG_ERROR);
    assert_false(kc_log_enabled(KC_LOG_WARN, "a.b.c"));
    assert_true(kc_log_enabled(KC_LOG_DEBUG, "a.x"));
    assert_int_equal(kc_log_effective_level("a.b.c"), KC_LOG_ERROR);

    f = fmemopen(log_buf, sizeof(log_buf), "w");
    kc_log_set_stream(f);
    kc_log_set_context("[conn|task-0] ");
    kc_log_info("a.x", "hello %d", 42);
    line = __LINE__ - 1;
    kc_log_debug("a.b", "suppressed");
    fflush(f);
    kc_log_set_stream(NULL);
    fclose(f);
    kc_log_set_context(NULL);
    /* log4j's [%d] %p %X{connector.context}%m (%c:%L)%n */
    assert_int_equal(log_buf[0], '[');
    assert_int_equal(log_buf[24], ']');
    snprintf(expect, sizeof(expect), "] INFO [conn|task-0] hello 42 (a.x:%d)\n",
             line);
    assert_non_null(strstr(log_buf, expect));
    assert_null(strstr(log_buf, "suppressed"));
    kc_log_reset();
}

static void test_log_level_names(void **state)
{
    kc_log_level_t level;

    (void)state;
    assert_int_equal(kc_log_level_parse("warn", &level), KC_OK);
    assert_int_equal(level, KC_LOG_WARN);
    assert_int_equal(kc_log_level_parse("verbose", &level), KC_ERR_INVALID);
    assert_string_equal(kc_log_level_name(KC_LOG_TRACE), "TRACE");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_set_and_prefix),
        cmocka_unit_test(test_error_prefix_truncates),
        cmocka_unit_test(test_error_flags_cause_and_origin),
        cmocka_unit_test(test_buf_bounded),
        cmocka_unit_test(test_buf_grow_and_detach),
        cmocka_unit_test(test_arena_alloc_and_reset),
        cmocka_unit_test(test_arena_reuses_blocks_after_reset),
        cmocka_unit_test(test_log_levels_inherit),
        cmocka_unit_test(test_log_level_names),
        cmocka_unit_test(test_utf8_decode),
        cmocka_unit_test(test_utf8_valid),
        cmocka_unit_test(test_escape_for_log_keeps_one_line),
        cmocka_unit_test(test_log_context_is_escaped),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
