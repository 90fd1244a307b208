/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SimpleDateFormat, java.util.Date.toString and the Julian calendar,
 * against Java itself: tests/golden/date_format/expected.tsv is what the
 * JDK printed and parsed (UTC, en_US) for every pattern x instant and
 * every parse case of cases.tsv (GenDateFormatGolden.java).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "kc_internal.h"

#include "converters/kc_values_parse.h"
#include "data/kc_value_text.h"
#include "transforms/kc_java_date_format.h"

#define GOLDEN KC_SOURCE_DIR "/tests/golden/date_format/expected.tsv"

/*
 * "Now" for the two-digit years: the day the golden data was generated
 * (its yy cases are far from the 80/20 window's edge, so any day of the
 * next decades gives the same answers).
 */
#define GOLDEN_NOW INT64_C(1796342400000) /* 2026-12-04 */

/* Splits @p line at tabs into at most @p max fields. */
static int split(char *line, char **f, int max)
{
    int n = 0;

    f[n++] = line;
    for (char *p = line; *p != '\0' && n < max; p++) {
        if (*p == '\t') {
            *p = '\0';
            f[n++] = p + 1;
        }
    }
    return n;
}

typedef struct counts {
    int format, parse, date, values, failed;
} counts_t;

/* A "V" line: Values.parseString's schema and, for a date, its ms. */
static void check_values(char **f, counts_t *c)
{
    kc_arena_t *arena = kc_arena_new(0);
    const kc_schema_t *schema = NULL;
    kc_value_t v;
    const char *name;
    char got[64] = "-";

    kc_values_parse_string(arena, f[1], strlen(f[1]), &schema, &v);
    name = schema == NULL ? "null"
           : kc_schema_name(schema) != NULL
               ? kc_schema_name(schema)
               : kc_type_name(kc_schema_type(schema));
    if (schema != NULL && kc_schema_logical(schema) == KC_LOGICAL_DATE) {
        snprintf(got, sizeof(got), "%lld", (long long)v.u.i * 86400000);
    } else if (schema != NULL &&
               (kc_schema_logical(schema) == KC_LOGICAL_TIME ||
                kc_schema_logical(schema) == KC_LOGICAL_TIMESTAMP)) {
        snprintf(got, sizeof(got), "%lld", (long long)v.u.i);
    }
    if (strcasecmp(name, f[2]) != 0 || strcmp(got, f[3]) != 0) {
        print_error("Values.parseString [%s]: Java %s %s, kconnect %s %s\n",
                    f[1], f[2], f[3], name, got);
        c->failed++;
    }
    c->values++;
    kc_arena_destroy(arena);
}

static void check_line(char *line, counts_t *c)
{
    char *f[5];
    int n = split(line, f, 5);
    kc_buf_t out;
    kc_error_t err = {0};

    kc_buf_init(&out, 0);
    if (strcmp(f[0], "F") == 0 && n == 4) {
        if (f[3][0] == '!') {
            if (kc_java_date_check(f[1], &err) != KC_ERR_INVALID ||
                strcmp(err.msg, f[3] + 1) != 0) {
                print_error("pattern [%s]: Java refuses it with \"%s\", "
                            "kconnect says \"%s\"\n",
                            f[1], f[3] + 1, err.msg);
                c->failed++;
            }
        } else {
            kc_java_date_format(f[1], strtoll(f[2], NULL, 10), &out);
            if (strcmp(kc_buf_cstr(&out), f[3]) != 0) {
                print_error("format [%s] at %s: Java [%s], kconnect [%s]\n",
                            f[1], f[2], f[3], kc_buf_cstr(&out));
                c->failed++;
            }
        }
        c->format++;
    } else if (strcmp(f[0], "P") == 0 && n == 4) {
        int64_t ms = 0;
        kc_err_t rc = kc_java_date_parse_at(f[1], f[2], GOLDEN_NOW, &ms, &err);
        bool java_ok = f[3][0] != '!';

        if (java_ok != (rc == KC_OK) ||
            (java_ok && ms != strtoll(f[3], NULL, 10))) {
            print_error("parse [%s] [%s]: Java %s, kconnect %s %lld\n", f[1],
                        f[2], f[3], rc == KC_OK ? "ok" : "fails",
                        (long long)ms);
            c->failed++;
        }
        c->parse++;
    } else if (strcmp(f[0], "D") == 0 && n == 3) {
        char buf[64];

        kc_value_text_date(strtoll(f[1], NULL, 10), buf, sizeof(buf));
        if (strcmp(buf, f[2]) != 0) {
            print_error("Date.toString at %s: Java [%s], kconnect [%s]\n", f[1],
                        f[2], buf);
            c->failed++;
        }
        c->date++;
    } else if (strcmp(f[0], "V") == 0 && n == 4) {
        check_values(f, c);
    }
    kc_error_clear(&err);
    kc_buf_release(&out);
}

static void test_matches_java_simple_date_format(void **state)
{
    FILE *fp = fopen(GOLDEN, "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    counts_t c = {0};

    KC_UNUSED(state);
    assert_non_null(fp);
    while ((n = getline(&line, &cap, fp)) >= 0) {
        if (n > 0 && line[n - 1] == '\n') {
            line[--n] = '\0';
        }
        if (n > 0 && line[0] != '#') {
            check_line(line, &c);
        }
    }
    free(line); /* getline's buffer comes from the C allocator */
    fclose(fp);
    print_message("%d format, %d parse, %d Date.toString, %d Values cases\n",
                  c.format, c.parse, c.date, c.values);
    assert_true(c.format > 3000 && c.parse > 200 && c.date > 40 &&
                c.values > 20);
    assert_int_equal(c.failed, 0);
}

/* Letters kconnect refused before (G w W u F Y) now configure. */
static void test_every_java_pattern_letter_is_accepted(void **state)
{
    const char *letters = "GyMdkHmsSEDFwWahKzZYuXL";

    KC_UNUSED(state);
    for (const char *p = letters; *p != '\0'; p++) {
        char pattern[2] = {*p, '\0'};

        assert_int_equal(kc_java_date_check(pattern, NULL), KC_OK);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matches_java_simple_date_format),
        cmocka_unit_test(test_every_java_pattern_letter_is_accepted),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
