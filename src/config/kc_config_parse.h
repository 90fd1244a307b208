/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals shared by the config files: one key's value parsed by its
 * type, and the check of one row (used by validation and kc_config_t).
 */
#ifndef KC_CONFIG_KC_CONFIG_PARSE_H
#define KC_CONFIG_KC_CONFIG_PARSE_H

#include <kconnect/config.h>

#include "util/kc_str.h"

/* A parsed value; str is the trimmed text (NULL when is_null). */
typedef struct kc_cfg_value {
    bool is_null;
    char *str;
    int64_t i;
    double d; /* also set for integer types, for range checks */
    bool b;
    kc_strlist_t list;
} kc_cfg_value_t;

/**
 * @brief Parse @p raw (NULL = null) by the type of @p def into @p val
 * (cleared first). KC_ERR_INVALID with Apache's "Invalid value ..."
 * message on a bad value; @p val then needs no clearing.
 */
kc_err_t kc_cfg_parse_value(const kc_config_def_t *def, const char *raw,
                            kc_cfg_value_t *val, kc_error_t *err);
/** @brief Free what @p val holds and zero it. */
void kc_cfg_value_clear(kc_cfg_value_t *val);

/**
 * @brief Check one row against its raw value (NULL when absent): required,
 * type, range, valid values, non-empty, custom validator. Adds issues to
 * @p result; leaves the parsed value (default applied) in @p val, which
 * the caller clears.
 */
void kc_cfg_check(const kc_config_def_t *def, const char *raw,
                  kc_config_result_t *result, kc_cfg_value_t *val);

/** @brief The first row named @p name in a NULL-terminated table array. */
const kc_config_def_t *kc_config_defs_find(const kc_config_def_t *const *defs,
                                           const char *name);

/** @brief Format as Java's Double.toString would (1.0, 0.5, NaN). */
void kc_cfg_format_double(double v, char *out, size_t size);

#endif /* KC_CONFIG_KC_CONFIG_PARSE_H */
