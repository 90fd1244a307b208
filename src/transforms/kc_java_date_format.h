/* SPDX-License-Identifier: Apache-2.0 */
/*
 * java.text.SimpleDateFormat as Apache's TimestampConverter and
 * TimestampRouter use it: time zone UTC, the en_US symbols, lenient
 * parsing, and Java's GregorianCalendar (Julian before 1582-10-15, weeks
 * from Sunday with one minimal day). Every pattern letter Java knows
 * (G y Y M L w W D d F E u a H k K h m s S z Z X), quoted text and ''.
 * Differences: parsing knows the zone names of UTC and GMT only (Java
 * knows every zone's), so "PST" fails where Java reads it.
 */
#ifndef KC_TRANSFORMS_KC_JAVA_DATE_FORMAT_H
#define KC_TRANSFORMS_KC_JAVA_DATE_FORMAT_H

#include <kconnect/common.h>

/**
 * @brief Check @p pattern as Java's SimpleDateFormat constructor does;
 * KC_ERR_INVALID with Java's message ("Illegal pattern character 'q'",
 * "Unterminated quote", "invalid ISO 8601 format: length=4").
 */
kc_err_t kc_java_date_check(const char *pattern, kc_error_t *err);

/**
 * @brief Append @p ms (since the epoch, UTC) formatted with @p pattern;
 * appends nothing for a pattern kc_java_date_check refuses.
 */
void kc_java_date_format(const char *pattern, int64_t ms, kc_buf_t *out);

/**
 * @brief Append @p ms as Connect's Values.dateFormatFor(date).format(date)
 * (Cast, SimpleHeaderConverter): "HH:mm:ss.SSS'Z'" for any instant before
 * one day after the epoch (negative ones too), "yyyy-MM-dd" at midnight,
 * else "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'".
 * @returns KC_ERR_TOO_LARGE, with @p out unchanged, past its bound.
 */
kc_err_t kc_java_date_format_values(int64_t ms, kc_buf_t *out);

/**
 * @brief Parse @p text with @p pattern into ms since the epoch (UTC), as
 * SimpleDateFormat.parse(String) does: blanks before a number are
 * skipped, out-of-range fields roll over, text after the pattern is
 * ignored, two-digit years fall within 80 years before and 20 after now.
 * @returns KC_ERR_INVALID ("Unparseable date: ...") when Java's parse
 * throws.
 */
kc_err_t kc_java_date_parse(const char *pattern, const char *text, int64_t *ms,
                            kc_error_t *err);

/** @brief kc_java_date_parse with "now" given (ms since the epoch). */
kc_err_t kc_java_date_parse_at(const char *pattern, const char *text,
                               int64_t now_ms, int64_t *ms, kc_error_t *err);

/* A compiled pattern, for a transform that formats or parses per record.
 * Immutable: any number of threads may use one. */
typedef struct kc_java_date_pattern kc_java_date_pattern_t;

/**
 * @brief Compile @p pattern; NULL with the error of kc_java_date_check.
 * Free with kc_java_date_pattern_destroy (NULL is a no-op).
 */
kc_java_date_pattern_t *kc_java_date_pattern_new(const char *pattern,
                                                 kc_error_t *err);
void kc_java_date_pattern_destroy(kc_java_date_pattern_t *p);

/** @brief kc_java_date_format with a compiled pattern. */
void kc_java_date_pattern_format(const kc_java_date_pattern_t *p, int64_t ms,
                                 kc_buf_t *out);

/** @brief kc_java_date_parse_at with a compiled pattern. */
kc_err_t kc_java_date_pattern_parse(const kc_java_date_pattern_t *p,
                                    const char *text, int64_t now_ms,
                                    int64_t *ms, kc_error_t *err);

#endif /* KC_TRANSFORMS_KC_JAVA_DATE_FORMAT_H */
