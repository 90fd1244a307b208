/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Decimal helpers beyond the public ones in data.h: the text form Java's
 * BigDecimal.toString() gives (JsonConverter's NUMERIC format writes it).
 */
#ifndef KC_DATA_KC_DECIMAL_H
#define KC_DATA_KC_DECIMAL_H

#include <kconnect/data.h>

/**
 * @brief Append the decimal as Java's BigDecimal.toString() writes it:
 * plain ("-12.345") unless the scale is negative or the adjusted exponent
 * is below -6, then scientific ("1.23E-9", "1E+3").
 */
kc_err_t kc_decimal_to_java_string(const uint8_t *unscaled, size_t len,
                                   int32_t scale, kc_buf_t *out);

/**
 * @brief Append the magnitude of a big-endian two's-complement integer as
 * decimal digits; *negative says whether it was below zero.
 */
kc_err_t kc_decimal_digits(const uint8_t *unscaled, size_t len, kc_buf_t *out,
                           bool *negative);

/**
 * @brief The scale Java's new BigDecimal(text) gives @p text (digits after
 * the point minus the exponent: "1.50" -> 2, "1E+3" -> -3), which
 * kc_decimal_from_string then reads without rounding.
 * @returns KC_ERR_INVALID if @p text is not a number or the scale is not
 * a Java int.
 */
kc_err_t kc_decimal_text_scale(const char *text, size_t len, int32_t *scale,
                               kc_error_t *err);

#endif /* KC_DATA_KC_DECIMAL_H */
