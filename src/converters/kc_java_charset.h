/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Java charsets for StringConverter's converter.encoding: the names and
 * aliases Java's Charset.forName knows, and String.getBytes / new String
 * as Java does them, malformed input included (each malformed sequence or
 * unmappable character becomes one replacement where Java puts one).
 *
 * kconnect strings are UTF-8; a string that stands for a Java string with
 * an unpaired surrogate holds that surrogate in its 3-byte form (ED A0..BF
 * xx), which is what the decoders produce where Java's keep one (UTF-32
 * reading D800) and what the encoders replace as Java's do.
 */
#ifndef KC_CONVERTERS_KC_JAVA_CHARSET_H
#define KC_CONVERTERS_KC_JAVA_CHARSET_H

#include <kconnect/common.h>

typedef struct kc_java_charset kc_java_charset_t;

/**
 * @brief Open the charset Java's Charset.forName(@p name) names (any case,
 * any alias).
 * @returns the charset (kc_java_charset_close), or NULL with Apache's
 * "Unsupported encoding <name>" in @p err when Java has no such charset or
 * this system's iconv has no converter for it.
 */
kc_java_charset_t *kc_java_charset_open(const char *name, kc_error_t *err);

/** @brief Free @p cs; NULL does nothing. */
void kc_java_charset_close(kc_java_charset_t *cs);

/** @brief Java's canonical name of @p cs ("UTF-8", "windows-1252"). */
const char *kc_java_charset_name(const kc_java_charset_t *cs);

/**
 * @brief Append String.getBytes(cs) of the string @p s (@p len bytes, see
 * above) to @p out. Characters the charset cannot hold and unpaired
 * surrogates become the charset's replacement ('?' or U+FFFD).
 * @returns KC_OK, or KC_ERR_TOO_LARGE from a bounded @p out.
 */
kc_err_t kc_java_charset_encode(kc_java_charset_t *cs, const uint8_t *s,
                                size_t len, kc_buf_t *out, kc_error_t *err);

/**
 * @brief Append new String(@p data, cs) to @p out as UTF-8: each
 * malformed or unmappable sequence becomes one U+FFFD where Java's
 * decoder writes one.
 * @returns KC_OK, or KC_ERR_TOO_LARGE from a bounded @p out.
 */
kc_err_t kc_java_charset_decode(kc_java_charset_t *cs, const uint8_t *data,
                                size_t len, kc_buf_t *out, kc_error_t *err);

#endif /* KC_CONVERTERS_KC_JAVA_CHARSET_H */
