/*
 * java.text.SimpleDateFormat in UTC, for TimestampRouter and
 * TimestampConverter. Pattern letters: y M d D H k K h m s S a E, the
 * zone letters z Z X (formatted as UTC, "+0000" and "Z"; parsed as "Z",
 * UTC/GMT[+hh:mm] or +hh[:]mm offsets) and quoted text ('' is a quote);
 * others are rejected. Parsing is lenient as
 * Java's: numbers may overflow into the next unit (month 13 is January of
 * the next year), adjacent numeric fields take their pattern width, and
 * text after the pattern is ignored.
 */
#ifndef KC_TRANSFORMS_KC_JAVA_DATE_FORMAT_H
#define KC_TRANSFORMS_KC_JAVA_DATE_FORMAT_H

#include <kconnect/common.h>

/**
 * @brief Check @p pattern; KC_ERR_INVALID with "Illegal pattern character
 * 'q'" for an unsupported letter.
 */
kc_err_t kc_java_date_check(const char *pattern, kc_error_t *err);

/** @brief Append @p ms (since the epoch, UTC) formatted with @p pattern. */
void kc_java_date_format(const char *pattern, int64_t ms, kc_buf_t *out);

/**
 * @brief Parse @p text with @p pattern into ms since the epoch (UTC).
 * @returns KC_ERR_INVALID when the text does not fit the pattern.
 */
kc_err_t kc_java_date_parse(const char *pattern, const char *text, int64_t *ms,
                            kc_error_t *err);

#endif /* KC_TRANSFORMS_KC_JAVA_DATE_FORMAT_H */
