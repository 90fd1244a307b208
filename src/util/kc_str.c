/* SPDX-License-Identifier: Apache-2.0 */
#include "kc_internal.h"

#include <math.h>

#include "util/kc_str.h"

bool kc_str_is_space(char c)
{
    return (unsigned char)c <= ' ';
}

char *kc_str_trim(char *s)
{
    size_t start = 0;
    size_t end = strlen(s);

    while (start < end && kc_str_is_space(s[start])) {
        start++;
    }
    while (end > start && kc_str_is_space(s[end - 1])) {
        end--;
    }
    if (start > 0) {
        memmove(s, s + start, end - start);
    }
    s[end - start] = '\0';
    return s;
}

char *kc_str_trim_dup(const char *s, size_t len)
{
    size_t start = 0;

    while (start < len && kc_str_is_space(s[start])) {
        start++;
    }
    while (len > start && kc_str_is_space(s[len - 1])) {
        len--;
    }
    return kc_strndup(s + start, len - start);
}

static int kc_lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

int kc_str_cmp_nocase(const char *a, const char *b)
{
    const unsigned char *x = (const unsigned char *)a;
    const unsigned char *y = (const unsigned char *)b;

    while (*x != '\0' && kc_lower(*x) == kc_lower(*y)) {
        x++;
        y++;
    }
    return kc_lower(*x) - kc_lower(*y);
}

bool kc_str_eq_nocase(const char *a, const char *b)
{
    if (a == NULL || b == NULL) {
        return a == b;
    }
    return kc_str_cmp_nocase(a, b) == 0;
}

bool kc_str_starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool kc_str_ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s);
    size_t m = strlen(suffix);

    return m <= n && memcmp(s + n - m, suffix, m) == 0;
}

void kc_strlist_push_take(kc_strlist_t *list, char *s)
{
    if (list->count == list->cap) {
        list->cap = list->cap ? list->cap * 2 : 8;
        list->items = kc_realloc(list->items, list->cap * sizeof(char *));
    }
    list->items[list->count++] = s;
}

void kc_strlist_push(kc_strlist_t *list, const char *s)
{
    kc_strlist_push_take(list, kc_strdup(s));
}

void kc_strlist_release(kc_strlist_t *list)
{
    for (size_t i = 0; i < list->count; i++) {
        kc_free(list->items[i]);
    }
    kc_free(list->items);
    list->items = NULL;
    list->count = 0;
    list->cap = 0;
}

void kc_str_split_comma(const char *s, kc_strlist_t *out)
{
    const char *p = s;

    /* Java: an all-whitespace value is the empty list, not [""] */
    while (kc_str_is_space(*p) && *p != '\0') {
        p++;
    }
    if (*p == '\0') {
        return;
    }
    for (;;) {
        const char *comma = strchr(s, ',');
        size_t len = comma ? (size_t)(comma - s) : strlen(s);

        kc_strlist_push_take(out, kc_str_trim_dup(s, len));
        if (comma == NULL) {
            break;
        }
        s = comma + 1;
    }
}

kc_err_t kc_str_to_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
    char *copy = kc_str_trim_dup(s, strlen(s));
    const char *p = copy;
    char *end = NULL;
    long long v;
    kc_err_t rc = KC_ERR_INVALID;

    /* strtoll would skip inner whitespace after the sign: refuse it */
    if (*p == '+' || *p == '-') {
        p++;
    }
    if (*p < '0' || *p > '9') {
        goto out;
    }
    errno = 0;
    v = strtoll(copy, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max) {
        goto out;
    }
    *out = v;
    rc = KC_OK;
out:
    kc_free(copy);
    return rc;
}

kc_err_t kc_str_to_double(const char *s, double *out)
{
    /* Numbers of database columns arrive here once per row: a short one
     * is trimmed into the stack, not the heap. */
    char small[64];
    size_t start = 0;
    size_t len = strlen(s);
    char *copy;
    const char *p;
    char *end = NULL;
    double v;
    kc_err_t rc = KC_ERR_INVALID;

    while (start < len && kc_str_is_space(s[start])) {
        start++;
    }
    while (len > start && kc_str_is_space(s[len - 1])) {
        len--;
    }
    len -= start;
    if (len < sizeof(small)) {
        memcpy(small, s + start, len);
        small[len] = '\0';
        copy = small;
    } else {
        copy = kc_strndup(s + start, len);
    }
    p = copy;
    if (*p == '+' || *p == '-') {
        p++;
    }
    /* Java spells the special values exactly; strtod's "inf"/"nan" not */
    if (strcmp(p, "NaN") == 0) {
        *out = NAN;
        rc = KC_OK;
        goto out;
    }
    if (strcmp(p, "Infinity") == 0) {
        *out = copy[0] == '-' ? -INFINITY : INFINITY;
        rc = KC_OK;
        goto out;
    }
    if (!((*p >= '0' && *p <= '9') || *p == '.')) {
        goto out;
    }
    if (len > 0 && strchr("fFdD", copy[len - 1]) != NULL &&
        !(copy[1] == 'x' || copy[1] == 'X')) {
        copy[--len] = '\0';
    }
    errno = 0;
    v = strtod(copy, &end);
    if (end == copy || *end != '\0' || isnan(v)) {
        goto out;
    }
    *out = v;
    rc = KC_OK;
out:
    if (copy != small) {
        kc_free(copy);
    }
    return rc;
}

kc_err_t kc_str_to_bool(const char *s, bool *out)
{
    char *copy = kc_str_trim_dup(s, strlen(s));
    kc_err_t rc = KC_OK;

    if (kc_str_eq_nocase(copy, "true")) {
        *out = true;
    } else if (kc_str_eq_nocase(copy, "false")) {
        *out = false;
    } else {
        rc = KC_ERR_INVALID;
    }
    kc_free(copy);
    return rc;
}

void kc_str_pct_encode(kc_buf_t *buf, const char *s, const char *keep)
{
    static const char hexd[] = "0123456789ABCDEF";

    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
            (*p >= '0' && *p <= '9') || strchr("-._~", *p) != NULL ||
            (keep != NULL && strchr(keep, *p) != NULL)) {
            kc_buf_putc(buf, (char)*p);
        } else {
            kc_buf_putc(buf, '%');
            kc_buf_putc(buf, hexd[*p >> 4]);
            kc_buf_putc(buf, hexd[*p & 15]);
        }
    }
}
