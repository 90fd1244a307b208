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

#endif /* KC_DATA_KC_DECIMAL_H */
