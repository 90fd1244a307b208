/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kc_java_number: Double.toString and Float.toString as JDK 19+ prints
 * them. tests/golden/java_number/sample.tsv is Java's own text for edge
 * cases (subnormals, MIN/MAX, powers of two and ten and their neighbours,
 * integers around 2^53 and 2^24, ties) and a fixed-seed random sample,
 * written by GenJavaNumbers.java; its generate script also compares
 * millions of further random values through kc_java_number_check.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdint.h>

#include <cmocka.h>

#include "kc_internal.h"

#include "data/kc_java_number.h"

#define GOLDEN KC_SOURCE_DIR "/tests/golden/java_number/sample.tsv"

static void format_bits(char kind, uint64_t bits, char *out)
{
    if (kind == 'd') {
        double d;

        memcpy(&d, &bits, sizeof(d));
        kc_java_double_to_string(d, out);
    } else {
        uint32_t b = (uint32_t)bits;
        float f;

        memcpy(&f, &b, sizeof(f));
        kc_java_float_to_string(f, out);
    }
}

static void test_golden_sample_matches_java(void **state)
{
    FILE *fp = fopen(GOLDEN, "r");
    char line[256];
    size_t lines = 0;
    size_t bad = 0;

    (void)state;
    assert_non_null(fp);
    while (fgets(line, sizeof(line), fp) != NULL) {
        char *end = NULL;
        uint64_t bits = strtoull(line + 2, &end, 16);
        char got[KC_JAVA_NUMBER_MAX];
        char *expected;

        assert_true(line[0] == 'd' || line[0] == 'f');
        assert_true(end != NULL && *end == '\t');
        expected = end + 1;
        expected[strcspn(expected, "\n")] = '\0';
        format_bits(line[0], bits, got);
        if (strcmp(got, expected) != 0) {
            if (bad < 10) {
                print_error("%c %" PRIx64 ": java %s, kconnect %s\n", line[0],
                            bits, expected, got);
            }
            bad++;
        }
        lines++;
    }
    fclose(fp);
    assert_true(lines > 40000);
    assert_int_equal(bad, 0);
}

/* The values issue 10 names, spelled out so a reader sees them. */
static void test_named_values_print_as_java(void **state)
{
    char out[KC_JAVA_NUMBER_MAX];

    (void)state;
    kc_java_double_to_string(5.684341886080802E-14, out);
    assert_string_equal(out, "5.684341886080802E-14");
    kc_java_double_to_string(1.0E23, out);
    assert_string_equal(out, "1.0E23");
    kc_java_double_to_string(2.82879384806159E17, out);
    assert_string_equal(out, "2.82879384806159E17");
    kc_java_double_to_string(4.9E-324, out);
    assert_string_equal(out, "4.9E-324");
    kc_java_double_to_string(1.7976931348623157E308, out);
    assert_string_equal(out, "1.7976931348623157E308");
    kc_java_double_to_string(-0.0, out);
    assert_string_equal(out, "-0.0");
    kc_java_double_to_string(1.0E7, out);
    assert_string_equal(out, "1.0E7");
    kc_java_double_to_string(0.001, out);
    assert_string_equal(out, "0.001");
    /* 2^-25 is a tie between ...312 and ...313: the even one */
    kc_java_double_to_string(2.98023223876953125E-8, out);
    assert_string_equal(out, "2.9802322387695312E-8");
    kc_java_float_to_string(1.1754944E-38f, out);
    assert_string_equal(out, "1.1754944E-38");
    kc_java_float_to_string(1.4E-45f, out);
    assert_string_equal(out, "1.4E-45");
    kc_java_float_to_string(-73180064.0f, out);
    assert_string_equal(out, "-7.318006E7");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_sample_matches_java),
        cmocka_unit_test(test_named_values_print_as_java),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
