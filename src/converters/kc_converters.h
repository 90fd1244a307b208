/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The built-in converters: JsonConverter, StringConverter,
 * ByteArrayConverter, SimpleHeaderConverter and the primitive converters
 * (Boolean, Short, Integer, Long, Float, Double), under Apache's class names.
 */
#ifndef KC_CONVERTERS_KC_CONVERTERS_H
#define KC_CONVERTERS_KC_CONVERTERS_H

#include <kconnect/plugin.h>

extern const struct kc_converter_plugin kc_json_converter_plugin;
extern const struct kc_converter_plugin kc_string_converter_plugin;
extern const struct kc_converter_plugin kc_bytearray_converter_plugin;
extern const struct kc_converter_plugin kc_simple_header_converter_plugin;
extern const struct kc_converter_plugin kc_boolean_converter_plugin;
extern const struct kc_converter_plugin kc_short_converter_plugin;
extern const struct kc_converter_plugin kc_integer_converter_plugin;
extern const struct kc_converter_plugin kc_long_converter_plugin;
extern const struct kc_converter_plugin kc_float_converter_plugin;
extern const struct kc_converter_plugin kc_double_converter_plugin;

/* "key", "value", "header": the values of ConverterConfig's converter.type. */
extern const char *const kc_converter_type_values[];

/*
 * ConverterConfig's converter.type, the first key of every converter
 * Apache ships but SimpleHeaderConverter. The runtime sets it to the
 * converter's role before configure.
 */
#define KC_CONVERTER_TYPE_ROW                                                  \
    {                                                                          \
        .name = "converter.type", .type = KC_CFG_STRING,                       \
        .flags = KC_CFG_F_REQUIRED, .importance = KC_IMPORTANCE_LOW,           \
        .doc = "How this converter will be used.",                             \
        .valid_values = kc_converter_type_values                               \
    }

/**
 * @brief Register every built-in converter: as key/value converters
 * (KC_PLUGIN_CONVERTER) and, where Apache allows, as header converters
 * (KC_PLUGIN_HEADER_CONVERTER: every one, as in Apache, where only
 * SimpleHeaderConverter is a header converter alone).
 */
kc_err_t kc_converters_register(kc_registry_t *reg, kc_error_t *err);

/**
 * @brief Parse a Java ConfigDef BOOLEAN ("true"/"false", any case,
 * surrounding whitespace ignored) for converter key @p key; NULL @p text
 * gives @p def.
 */
kc_err_t kc_converter_parse_bool(const char *key, const char *text, bool def,
                                 bool *out, kc_error_t *err);

#endif /* KC_CONVERTERS_KC_CONVERTERS_H */
