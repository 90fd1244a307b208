/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Java's text for floating-point numbers: Double.toString and
 * Float.toString (what Jackson writes for doubles and floats), with the
 * shortest digits that read back to the same value, as Java 19+ prints
 * them ("1.0E10", "0.1", "-0.0", "NaN", "Infinity").
 */
#ifndef KC_DATA_KC_JAVA_NUMBER_H
#define KC_DATA_KC_JAVA_NUMBER_H

#include <kconnect/common.h>

/* Longest text either function writes, with the NUL. */
#define KC_JAVA_NUMBER_MAX 32

/** @brief Write Double.toString(@p d) into @p out; returns the length. */
size_t kc_java_double_to_string(double d, char out[KC_JAVA_NUMBER_MAX]);

/** @brief Write Float.toString(@p f) into @p out; returns the length. */
size_t kc_java_float_to_string(float f, char out[KC_JAVA_NUMBER_MAX]);

/**
 * @brief Java's Character.digit(ch, 10) for the code point @p cp: its
 * value 0..9 when it is a decimal digit of the BMP (ASCII, Arabic-Indic,
 * fullwidth, Devanagari, ... from the JDK's Unicode table), else -1.
 * Integer.parseInt, Long.parseLong and new BigDecimal(String) accept
 * these; Double.parseDouble and Float.parseFloat only ASCII.
 */
int kc_java_digit(uint32_t cp);

/**
 * @brief The @p n bytes of UTF-8 at @p s with every digit kc_java_digit
 * accepts written as its ASCII digit, so the ASCII parsers read what Java
 * reads ("\uff11\uff12" is "12"). Other characters, and bytes that are
 * not UTF-8, are kept.
 * @returns @p s itself when it has no byte above 0x7F (not necessarily
 * NUL-terminated then), else a NUL-terminated copy in @p arena; its length
 * in *@p out_len.
 */
const char *kc_java_digits_ascii(kc_arena_t *arena, const char *s, size_t n,
                                 size_t *out_len);

#endif /* KC_DATA_KC_JAVA_NUMBER_H */
