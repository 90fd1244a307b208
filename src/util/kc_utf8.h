/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Strict UTF-8 decoding, shared by the converters and the REST layer, and
 * the escaping of untrusted text for log lines.
 */
#ifndef KC_UTIL_KC_UTF8_H
#define KC_UTIL_KC_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * @brief Decode the UTF-8 sequence at @p p (before @p end, p < end).
 * Rejects overlong forms, surrogates, code points past U+10FFFF and
 * truncated sequences.
 * @returns its length (1..4) and the code point in *cp, or 0 if the bytes
 * are not well-formed UTF-8.
 */
size_t kc_utf8_decode(const uint8_t *p, const uint8_t *end, uint32_t *cp);

/** @brief True if the @p len bytes at @p s are well-formed UTF-8. */
bool kc_utf8_valid(const char *s, size_t len);

/** @brief True for Java's Character.isISOControl: U+0000-U+001F, U+007F-U+009F.
 */
bool kc_utf8_is_iso_control(uint32_t cp);

/**
 * @brief A copy of @p s (NUL-terminated) that is safe to put in a log
 * line: control characters (C0, DEL, C1, U+2028/U+2029) become \n, \r,
 * \t, \xNN or \uNNNN, bytes that are not UTF-8 become \xNN and a
 * backslash becomes \\, so request data can neither end a log record
 * nor forge one. NULL gives "null". Caller frees (kc_free).
 */
char *kc_str_escape_log(const char *s);

/**
 * @brief A copy of @p s (NUL-terminated) with each byte that does not
 * start well-formed UTF-8 replaced by U+FFFD, so text quoted from a
 * request (a parser's error near a token) can go into a JSON string.
 * Caller frees (kc_free).
 */
char *kc_utf8_repair(const char *s);

#endif /* KC_UTIL_KC_UTF8_H */
