/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Small string helpers shared by every area: trimming, comma lists,
 * case-insensitive comparison, strict number parsing.
 */
#ifndef KC_UTIL_KC_STR_H
#define KC_UTIL_KC_STR_H

#include <kconnect/common.h>

/** @brief True for the whitespace Java's String.trim() removes (<= ' '). */
bool kc_str_is_space(char c);

/**
 * @brief Trim leading and trailing whitespace (chars <= ' ', as Java's
 * String.trim()) of @p s in place. @returns @p s.
 */
char *kc_str_trim(char *s);

/**
 * @brief New trimmed copy of @p len bytes at @p s; caller frees (kc_free).
 */
char *kc_str_trim_dup(const char *s, size_t len);

/** @brief ASCII case-insensitive equality; NULL equals only NULL. */
bool kc_str_eq_nocase(const char *a, const char *b);
/** @brief ASCII case-insensitive strcmp-style comparison. */
int kc_str_cmp_nocase(const char *a, const char *b);
/** @brief True if @p s starts with @p prefix. */
bool kc_str_starts_with(const char *s, const char *prefix);
/** @brief True if @p s ends with @p suffix. */
bool kc_str_ends_with(const char *s, const char *suffix);

/*
 * A list of owned strings, e.g. a split comma list. kc_strlist_release
 * frees the strings and the array.
 */
typedef struct kc_strlist {
    char **items;
    size_t count;
    size_t cap;
} kc_strlist_t;

/** @brief Append a copy of @p s. */
void kc_strlist_push(kc_strlist_t *list, const char *s);
/** @brief Append @p s, which the list owns from now on. */
void kc_strlist_push_take(kc_strlist_t *list, char *s);
/** @brief Free the strings and the array; leaves an empty list. */
void kc_strlist_release(kc_strlist_t *list);

/**
 * @brief Split @p s on commas, trimming each item (Java ConfigDef LIST
 * parsing): "" or only whitespace is an empty list; "a, ,b" keeps the
 * empty middle item. Appends to @p out.
 */
void kc_str_split_comma(const char *s, kc_strlist_t *out);

/**
 * @brief Parse a whole decimal integer (optional sign, surrounding
 * whitespace allowed as Java's ConfigDef trims) within [@p min, @p max].
 * @returns KC_OK, or KC_ERR_INVALID for an empty/garbage/out-of-range
 * value (@p out untouched).
 */
kc_err_t kc_str_to_i64(const char *s, int64_t min, int64_t max, int64_t *out);

/**
 * @brief Parse a whole floating-point number (surrounding whitespace
 * allowed); KC_ERR_INVALID for garbage, NaN words are accepted as Java's
 * Double.parseDouble accepts "NaN" and "Infinity".
 */
kc_err_t kc_str_to_double(const char *s, double *out);

/**
 * @brief Parse "true"/"false" ignoring case and surrounding whitespace.
 */
kc_err_t kc_str_to_bool(const char *s, bool *out);

/**
 * @brief Append @p s to @p buf percent-encoded for a URL path: every byte
 * but the RFC 3986 unreserved characters (ALPHA DIGIT - . _ ~) and those
 * listed in @p keep (may be NULL) becomes %XX, upper-case hex. A UTF-8
 * character is encoded byte by byte, as Java's URI encoders do.
 */
void kc_str_pct_encode(kc_buf_t *buf, const char *s, const char *keep);

#endif /* KC_UTIL_KC_STR_H */
