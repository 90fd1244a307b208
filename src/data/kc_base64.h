/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Base64 (standard alphabet, padded), as Jackson writes byte[] and Connect
 * Decimals in JSON.
 */
#ifndef KC_DATA_KC_BASE64_H
#define KC_DATA_KC_BASE64_H

#include <kconnect/common.h>

/** @brief Append the base64 text of @p data to @p out. */
kc_err_t kc_base64_encode(const uint8_t *data, size_t len, kc_buf_t *out);

/**
 * @brief Decode base64 text into @p arena. Accepts what Jackson's default
 * variant accepts: standard alphabet, padding optional at the end.
 * @returns KC_ERR_INVALID naming the offending character or length.
 */
kc_err_t kc_base64_decode(kc_arena_t *arena, const char *text, size_t len,
                          const uint8_t **data, size_t *out_len,
                          kc_error_t *err);

#endif /* KC_DATA_KC_BASE64_H */
