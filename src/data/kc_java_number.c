/*
 * Shortest round-trip digits by trying each precision with the C library's
 * correctly rounded printf/strtod (Java 19+'s Double.toString spec; Java 17
 * prints more digits for a few values such as 1.0E23), then Java's layout:
 * plain notation for 1e-3 <= |x| < 1e7, else "d.dddE<exp>", always one
 * fractional digit.
 */
#include "kc_internal.h"

#include "data/kc_java_number.h"

#include <math.h>

/*
 * Shortest decimal digits of @p d (as double, or as float when @p is_float)
 * into @p digits (no dot, no trailing zeros); returns the decimal exponent
 * of the first digit.
 */
static int kc_shortest_digits(double d, bool is_float, char *digits,
                              size_t *ndigits)
{
    char tmp[40];
    int maxp = is_float ? 9 : 17;
    int exp10 = 0;

    /* From 2 digits: when one digit would do, Java (19+) picks the
     * closest two-digit decimal (4.9E-324, not 5E-324); its trailing zero
     * is dropped below. Round-tripping is monotonic in the precision
     * (more correctly rounded digits are never farther), so bisect. */
    int lo = 2;
    int hi = maxp;

    while (lo < hi) {
        int mid = (lo + hi) / 2;

        snprintf(tmp, sizeof(tmp), "%.*e", mid - 1, d);
        if (is_float ? strtof(tmp, NULL) == (float)d : strtod(tmp, NULL) == d) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    snprintf(tmp, sizeof(tmp), "%.*e", lo - 1, d);
    /* tmp is "d.ddde[+-]xx" or "de[+-]xx"; d is positive here. */
    {
        size_t n = 0;
        const char *s = tmp;

        for (; *s != 'e'; s++) {
            if (*s >= '0' && *s <= '9') {
                digits[n++] = *s;
            }
        }
        exp10 = atoi(s + 1);
        while (n > 1 && digits[n - 1] == '0') {
            n--;
        }
        *ndigits = n;
    }
    return exp10;
}

static size_t kc_java_format(double d, bool is_float,
                             char out[KC_JAVA_NUMBER_MAX])
{
    char digits[24];
    size_t nd = 0;
    size_t o = 0;
    int e;
    double a;

    if (isnan(d)) {
        memcpy(out, "NaN", 4);
        return 3;
    }
    if (isinf(d)) {
        if (d > 0) {
            memcpy(out, "Infinity", 9);
            return 8;
        }
        memcpy(out, "-Infinity", 10);
        return 9;
    }
    if (d == 0) {
        if (signbit(d)) {
            memcpy(out, "-0.0", 5);
            return 4;
        }
        memcpy(out, "0.0", 4);
        return 3;
    }
    if (d < 0) {
        out[o++] = '-';
        d = -d;
    }
    a = d;
    e = kc_shortest_digits(d, is_float, digits, &nd);
    if (a >= 1e-3 && a < 1e7) {
        if (e >= 0) {
            for (int i = 0; i <= e; i++) {
                out[o++] = (size_t)i < nd ? digits[i] : '0';
            }
            out[o++] = '.';
            if ((size_t)e + 1 < nd) {
                for (size_t i = (size_t)e + 1; i < nd; i++) {
                    out[o++] = digits[i];
                }
            } else {
                out[o++] = '0';
            }
        } else {
            out[o++] = '0';
            out[o++] = '.';
            for (int i = 0; i < -e - 1; i++) {
                out[o++] = '0';
            }
            for (size_t i = 0; i < nd; i++) {
                out[o++] = digits[i];
            }
        }
    } else {
        out[o++] = digits[0];
        out[o++] = '.';
        if (nd > 1) {
            for (size_t i = 1; i < nd; i++) {
                out[o++] = digits[i];
            }
        } else {
            out[o++] = '0';
        }
        o += (size_t)snprintf(out + o, KC_JAVA_NUMBER_MAX - o, "E%d", e);
        return o;
    }
    out[o] = '\0';
    return o;
}

size_t kc_java_double_to_string(double d, char out[KC_JAVA_NUMBER_MAX])
{
    return kc_java_format(d, false, out);
}

size_t kc_java_float_to_string(float f, char out[KC_JAVA_NUMBER_MAX])
{
    return kc_java_format((double)f, true, out);
}
