/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Connect's Values.parseString: infer a schema and value from text, as
 * SimpleHeaderConverter and InsertHeader do. Handles null, booleans,
 * numbers (smallest integer type, else FLOAT32/FLOAT64/Decimal), ISO
 * dates/times/timestamps, quoted strings, and array/map literals with a
 * common element schema; anything else is the text itself as a STRING.
 */
#ifndef KC_CONVERTERS_KC_VALUES_PARSE_H
#define KC_CONVERTERS_KC_VALUES_PARSE_H

#include <kconnect/data.h>

/**
 * @brief Parse @p len bytes of UTF-8 @p text. *schema is NULL for a null
 * result (also for the text "null"); schemas made here are pinned to
 * @p arena (kc_arena_on_reset), values live in it. Never fails on input.
 */
void kc_values_parse_string(kc_arena_t *arena, const char *text, size_t len,
                            const kc_schema_t **schema, kc_value_t *value);

#endif /* KC_CONVERTERS_KC_VALUES_PARSE_H */
