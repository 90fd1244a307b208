/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Java 19+'s Double.toString and Float.toString (JDK-4511638): among the
 * decimals that round back to the value, the shortest; when the shortest has
 * one digit, the one- and two-digit decimals compete (4.9E-324, not
 * 5.0E-324); of the remaining candidates, the one closest to the value, ties
 * to an even last digit. Java 17 printed extra digits for some values
 * (1.0E23 as 9.999999999999999E22); kconnect follows the current JDK.
 *
 * The digits come from Raffaello Giulietti's Schubfach ("The Schubfach way
 * to render doubles", 2020), the method behind the JDK's own code: scale
 * the value and both ends of its rounding interval by one power of ten
 * chosen so that the interval is between 1 and 10 units wide; then at most
 * one multiple of ten lies inside it (the shorter candidate), and otherwise
 * the two integers around the value are the candidates. Products with the
 * power of ten are rounded to odd from a 126-bit approximation, which keeps
 * every comparison exact (the paper's main theorem).
 *
 * Also here: decimal digits beyond ASCII as Java's integer and BigDecimal
 * parsers read them (Character.digit), from a table the JDK generated.
 */
#include "kc_internal.h"

#include "data/kc_java_number.h"

#include <math.h>

#include "data/kc_java_digit_table.h"
#include "data/kc_java_number_pow10.h"
#include "util/kc_utf8.h"

/* floor(q * log10(2)), exact for |q| < 1200 (checked by the generator). */
static int kc_flog10_pow2(int q)
{
    return (int)(((int64_t)q * 315653) >> 20);
}

/* floor(log10(3/4 * 2^q)), exact for |q| < 1200 (checked likewise). */
static int kc_flog10_three_quarters_pow2(int q)
{
    return (int)(((int64_t)q * 315653 - 131072) >> 20);
}

/* floor(e * log2(10)), exact for |e| < 400 (checked likewise). */
static int kc_flog2_pow10(int e)
{
    return (int)(((int64_t)e * 1741647) >> 19);
}

/*
 * The scaled value g * cp / 2^127 rounded to odd: its integer part, with
 * the lowest bit set when the fraction is not zero. g is g(e) of the
 * table, split as g1 * 2^63 + g0 (both under 2^63); cp < 2^63.
 *
 * As in the paper, the fraction is judged on the product's bits 64 to 126
 * only: g exceeds 10^e * 2^-r by less than one, so its excess times cp
 * stays below bit 64, and an exact scaled value (a tie, an interval end)
 * is then still seen as exact. Rounding the full product to odd would
 * see that excess and break ties the wrong way (2^-25 would print as
 * 2.9802322387695313E-8, not Java's ...312E-8).
 */
static uint64_t kc_round_to_odd(const uint64_t g[2], uint64_t cp)
{
    const uint64_t mask63 = (UINT64_C(1) << 63) - 1;
    uint64_t g1 = (g[0] << 1) | (g[1] >> 63);
    uint64_t g0 = g[1] & mask63;
    uint64_t x1 = (uint64_t)(((unsigned __int128)g0 * cp) >> 64);
    unsigned __int128 y = (unsigned __int128)g1 * cp;
    /* bits 64..127 of the product (the carry of g0 * cp's low half is
     * dropped on purpose, see above) */
    uint64_t z = ((uint64_t)y >> 1) + x1;
    uint64_t top = (uint64_t)(y >> 64) + (z >> 63);

    return top | (uint64_t)((z & mask63) != 0);
}

/* One floating-point format: significand bits, smallest exponent. */
typedef struct {
    int precision;   /* significand bits, the hidden one included */
    int q_min;       /* exponent of the subnormals' unit */
    uint64_t c_tiny; /* subnormal significands below this give < 2 digits */
} kc_fp_format_t;

/*
 * Shortest decimal of c * 2^q, where c * 2^q is the value and c_is_min
 * says the value is a power of two whose lower neighbour is closer (the
 * rounding interval is narrower below). @p dk shifts the exponent back
 * when the caller multiplied a tiny subnormal's c by ten. Writes the
 * digits as an integer into @p f and the exponent of its last digit.
 */
static void kc_shortest(uint64_t c, int q, bool narrow_below, int dk,
                        uint64_t *f, int *e)
{
    /* The interval's ends are exact when c is even (round half to even
     * keeps them), excluded when c is odd. */
    uint64_t open = c & 1;
    uint64_t cb = c << 2;
    uint64_t cbr = cb + 2;
    uint64_t cbl;
    int k;
    int h;
    const uint64_t *g;
    uint64_t vb;
    uint64_t vbl;
    uint64_t vbr;
    uint64_t s;
    uint64_t t;
    bool u_in;
    bool w_in;

    if (narrow_below) {
        cbl = cb - 1;
        k = kc_flog10_three_quarters_pow2(q);
    } else {
        cbl = cb - 2;
        k = kc_flog10_pow2(q);
    }
    /* 10^-k * 2^q lies in [1, 10) (or [3/4, 7.5)): the scaled interval
     * holds at most one multiple of ten. */
    h = q + kc_flog2_pow10(-k) + 2;
    g = kc_pow10_g[-k - KC_POW10_E_MIN];
    vb = kc_round_to_odd(g, cb << h);
    vbl = kc_round_to_odd(g, cbl << h);
    vbr = kc_round_to_odd(g, cbr << h);
    s = vb >> 2;
    if (s >= 100) {
        /* A multiple of ten in the interval is shorter than anything
         * else there; when both neighbouring multiples are in (never for
         * a width under ten) or neither is, fall through. */
        uint64_t sp10 = s / 10 * 10;
        uint64_t tp10 = sp10 + 10;

        u_in = vbl + open <= sp10 << 2;
        w_in = (tp10 << 2) + open <= vbr;
        if (u_in != w_in) {
            *f = u_in ? sp10 : tp10;
            *e = k;
            return;
        }
    }
    t = s + 1;
    u_in = vbl + open <= s << 2;
    w_in = (t << 2) + open <= vbr;
    *e = k + dk;
    if (u_in != w_in) {
        *f = u_in ? s : t;
        return;
    }
    /* Both in: the closer one, ties to even. vb is 4 * the scaled value
     * rounded to odd, so vb == 2 * (s + t) only for an exact midpoint. */
    {
        uint64_t mid = (s + t) << 1;

        *f = vb < mid || (vb == mid && (s & 1) == 0) ? s : t;
    }
}

/*
 * Java's layout of f * 10^e (f > 0): plain "ddd.ddd" when the decimal is
 * in [10^-3, 10^7), else "d.dddE<n>"; at least one digit after the point.
 */
static size_t kc_java_layout(uint64_t f, int e, char *out)
{
    char digits[24];
    int nd = 0;
    int x;
    size_t o = 0;

    while (f % 10 == 0) {
        f /= 10;
        e++;
    }
    {
        char rev[24];
        int n = 0;

        do {
            rev[n++] = (char)('0' + f % 10);
            f /= 10;
        } while (f != 0);
        while (n > 0) {
            digits[nd++] = rev[--n];
        }
    }
    /* x: exponent of the first digit. */
    x = e + nd - 1;
    if (x >= -3 && x < 7) {
        if (x >= 0) {
            for (int i = 0; i <= x; i++) {
                out[o++] = i < nd ? digits[i] : '0';
            }
            out[o++] = '.';
            if (x + 1 < nd) {
                for (int i = x + 1; i < nd; i++) {
                    out[o++] = digits[i];
                }
            } else {
                out[o++] = '0';
            }
        } else {
            out[o++] = '0';
            out[o++] = '.';
            for (int i = 0; i < -x - 1; i++) {
                out[o++] = '0';
            }
            for (int i = 0; i < nd; i++) {
                out[o++] = digits[i];
            }
        }
        out[o] = '\0';
        return o;
    }
    out[o++] = digits[0];
    out[o++] = '.';
    if (nd > 1) {
        for (int i = 1; i < nd; i++) {
            out[o++] = digits[i];
        }
    } else {
        out[o++] = '0';
    }
    o += (size_t)snprintf(out + o, KC_JAVA_NUMBER_MAX - o, "E%d", x);
    return o;
}

/*
 * Format a value given by its IEEE fields: @p neg, the biased exponent
 * @p bexp and the stored fraction @p frac of format @p fmt.
 */
static size_t kc_java_format(const kc_fp_format_t *fmt, bool neg, int bexp,
                             uint64_t frac, char out[KC_JAVA_NUMBER_MAX])
{
    uint64_t hidden = (uint64_t)1 << (fmt->precision - 1);
    size_t o = 0;
    uint64_t f;
    int e;

    if (neg) {
        out[o++] = '-';
    }
    if (bexp == 0 && frac == 0) {
        memcpy(out + o, "0.0", 4);
        return o + 3;
    }
    if (bexp != 0) {
        kc_shortest(hidden | frac, fmt->q_min + bexp - 1, frac == 0 && bexp > 1,
                    0, &f, &e);
    } else if (frac < fmt->c_tiny) {
        /* Ten times the significand, one exponent less: the scaled value
         * then has two digits, so two-digit decimals compete with the
         * one-digit one. */
        kc_shortest(frac * 10, fmt->q_min, false, -1, &f, &e);
    } else {
        kc_shortest(frac, fmt->q_min, false, 0, &f, &e);
    }
    return o + kc_java_layout(f, e, out + o);
}

size_t kc_java_double_to_string(double d, char out[KC_JAVA_NUMBER_MAX])
{
    /* c_tiny: 3 * 2^-1074 = 1.48E-323 is the first with two digits */
    static const kc_fp_format_t fmt = {53, -1074, 3};
    uint64_t bits;

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
    memcpy(&bits, &d, sizeof(bits));
    return kc_java_format(&fmt, (bits >> 63) != 0, (int)((bits >> 52) & 0x7ff),
                          bits & ((UINT64_C(1) << 52) - 1), out);
}

size_t kc_java_float_to_string(float f, char out[KC_JAVA_NUMBER_MAX])
{
    /* c_tiny: 8 * 2^-149 = 1.1E-44 is the first with two digits */
    static const kc_fp_format_t fmt = {24, -149, 8};
    uint32_t bits;

    if (isnan(f)) {
        memcpy(out, "NaN", 4);
        return 3;
    }
    if (isinf(f)) {
        if (f > 0) {
            memcpy(out, "Infinity", 9);
            return 8;
        }
        memcpy(out, "-Infinity", 10);
        return 9;
    }
    memcpy(&bits, &f, sizeof(bits));
    return kc_java_format(&fmt, (bits >> 31) != 0, (int)((bits >> 23) & 0xff),
                          bits & ((UINT32_C(1) << 23) - 1), out);
}

/* ---- decimal digits as Java reads them ------------------------------ */

int kc_java_digit(uint32_t cp)
{
    size_t lo = 0;
    size_t hi = KC_ARRAY_LEN(kc_java_digit_zeros);

    if (cp >= '0' && cp <= '9') {
        return (int)(cp - '0');
    }
    /* the last zero at or below cp, if any */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;

        if (kc_java_digit_zeros[mid] <= cp) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (lo > 0 && cp - kc_java_digit_zeros[lo - 1] < 10) {
        return (int)(cp - kc_java_digit_zeros[lo - 1]);
    }
    return -1;
}

const char *kc_java_digits_ascii(kc_arena_t *arena, const char *s, size_t n,
                                 size_t *out_len)
{
    const uint8_t *p = (const uint8_t *)s;
    const uint8_t *end = p + n;
    char *copy;
    size_t o = 0;
    bool changed = false;

    for (size_t i = 0; i < n; i++) {
        if (p[i] >= 0x80) {
            changed = true;
            break;
        }
    }
    *out_len = n;
    if (!changed) {
        return s;
    }
    copy = kc_arena_alloc(arena, n + 1);
    while (p < end) {
        uint32_t cp;
        size_t len = kc_utf8_decode(p, end, &cp);
        int d = len != 0 ? kc_java_digit(cp) : -1;

        if (d >= 0) {
            copy[o++] = (char)('0' + d);
            p += len;
        } else {
            /* anything else, malformed bytes included, stays as it is */
            len = len != 0 ? len : 1;
            memcpy(copy + o, p, len);
            o += len;
            p += len;
        }
    }
    copy[o] = '\0';
    *out_len = o;
    return copy;
}
