/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Schemaless Connect values <-> jansson JSON, as JsonConverter with
 * schemas.enable=false reads and writes them. Used for source partitions
 * and offsets (offsets file, connect-offsets topic).
 */
#ifndef KC_DATA_KC_VALUE_JSON_H
#define KC_DATA_KC_VALUE_JSON_H

#include <jansson.h>

#include <kconnect/data.h>

/**
 * @brief A new JSON node for @p value (caller owns the reference): null,
 * booleans, integers, doubles (NaN and infinities as the strings "NaN",
 * "Infinity", "-Infinity", as Jackson writes them), strings, bytes as
 * base64 strings, arrays, maps with all-string keys as objects (others as
 * arrays of [key, value] pairs), structs as objects.
 */
json_t *kc_value_to_json(const kc_value_t *value);

/**
 * @brief Read @p json into @p out, all memory from @p arena: null, BOOLEAN,
 * INT64 for integers, FLOAT64 for reals, STRING, ARRAY, MAP (STRING keys,
 * in the object's order).
 */
kc_err_t kc_value_from_json(kc_arena_t *arena, const json_t *json,
                            kc_value_t *out);

#endif /* KC_DATA_KC_VALUE_JSON_H */
