/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Registration of the built-in converters and helpers they share.
 */
#include "kc_internal.h"

#include "converters/kc_converters.h"
#include "util/kc_str.h"

const char *const kc_converter_type_values[] = {"key", "value", "header", NULL};

kc_err_t kc_converter_parse_bool(const char *key, const char *text, bool def,
                                 bool *out, kc_error_t *err)
{
    char *t;
    kc_err_t rc = KC_OK;

    if (text == NULL) {
        *out = def;
        return KC_OK;
    }
    t = kc_str_trim_dup(text, strlen(text));
    if (kc_str_eq_nocase(t, "true")) {
        *out = true;
    } else if (kc_str_eq_nocase(t, "false")) {
        *out = false;
    } else {
        rc = kc_error_set(err, KC_ERR_INVALID,
                          "invalid value \"%s\" for configuration %s: "
                          "expected value to be either true or false",
                          text, key);
    }
    kc_free(t);
    return rc;
}

kc_err_t kc_converters_register(kc_registry_t *reg, kc_error_t *err)
{
    static const struct {
        kc_plugin_kind_t kind;
        const struct kc_converter_plugin *plugin;
    } rows[] = {
        {KC_PLUGIN_CONVERTER, &kc_json_converter_plugin},
        {KC_PLUGIN_CONVERTER, &kc_string_converter_plugin},
        {KC_PLUGIN_CONVERTER, &kc_bytearray_converter_plugin},
        {KC_PLUGIN_HEADER_CONVERTER, &kc_simple_header_converter_plugin},
        {KC_PLUGIN_HEADER_CONVERTER, &kc_json_converter_plugin},
        {KC_PLUGIN_HEADER_CONVERTER, &kc_string_converter_plugin},
        {KC_PLUGIN_HEADER_CONVERTER, &kc_bytearray_converter_plugin},
        {KC_PLUGIN_CONVERTER, &kc_boolean_converter_plugin},
        {KC_PLUGIN_CONVERTER, &kc_double_converter_plugin},
        {KC_PLUGIN_CONVERTER, &kc_float_converter_plugin},
        {KC_PLUGIN_CONVERTER, &kc_integer_converter_plugin},
        {KC_PLUGIN_CONVERTER, &kc_long_converter_plugin},
        {KC_PLUGIN_CONVERTER, &kc_short_converter_plugin},
        {KC_PLUGIN_HEADER_CONVERTER, &kc_boolean_converter_plugin},
        {KC_PLUGIN_HEADER_CONVERTER, &kc_double_converter_plugin},
        {KC_PLUGIN_HEADER_CONVERTER, &kc_float_converter_plugin},
        {KC_PLUGIN_HEADER_CONVERTER, &kc_integer_converter_plugin},
        {KC_PLUGIN_HEADER_CONVERTER, &kc_long_converter_plugin},
        {KC_PLUGIN_HEADER_CONVERTER, &kc_short_converter_plugin},
    };

    for (size_t i = 0; i < KC_ARRAY_LEN(rows); i++) {
        kc_err_t rc = kc_registry_add(reg, rows[i].kind, rows[i].plugin, err);

        if (rc != KC_OK) {
            return rc;
        }
    }
    return KC_OK;
}
