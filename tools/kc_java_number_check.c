/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kc_java_number_check: compare kconnect's Double.toString/Float.toString
 * with Java's on lines "d|f <TAB> hex bits <TAB> Java's text" from stdin
 * (tests/golden/java_number/GenJavaNumbers.java random ...). Prints the
 * first mismatches and a count; exits 1 when any line differs. Run by
 * tests/golden/java_number/generate over millions of values.
 */
#include "kc_internal.h"

#include "data/kc_java_number.h"

int main(void)
{
    char line[256];
    unsigned long long lines = 0;
    unsigned long long bad = 0;

    while (fgets(line, sizeof(line), stdin) != NULL) {
        char kind = line[0];
        char *end = NULL;
        unsigned long long bits;
        char *expected;
        char got[KC_JAVA_NUMBER_MAX];

        if (kind != 'd' && kind != 'f') {
            continue;
        }
        bits = strtoull(line + 2, &end, 16);
        if (end == NULL || *end != '\t') {
            fprintf(stderr, "kc_java_number_check: bad line: %s", line);
            return 2;
        }
        expected = end + 1;
        expected[strcspn(expected, "\r\n")] = '\0';
        if (kind == 'd') {
            double d;
            uint64_t b = bits;

            memcpy(&d, &b, sizeof(d));
            kc_java_double_to_string(d, got);
        } else {
            float f;
            uint32_t b = (uint32_t)bits;

            memcpy(&f, &b, sizeof(f));
            kc_java_float_to_string(f, got);
        }
        lines++;
        if (strcmp(got, expected) != 0) {
            if (bad < 20) {
                printf("%c %llx: java %s, kconnect %s\n", kind, bits, expected,
                       got);
            }
            bad++;
        }
    }
    printf("%llu values, %llu differ\n", lines, bad);
    return bad != 0;
}
