/* Strict UTF-8 decoding, shared by the converters. */
#ifndef KC_UTIL_KC_UTF8_H
#define KC_UTIL_KC_UTF8_H

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

#endif /* KC_UTIL_KC_UTF8_H */
