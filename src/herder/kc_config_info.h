/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Config definitions and validation results in the JSON shapes of
 * Apache Kafka Connect's REST API: ConfigKeyInfo (GET
 * /connector-plugins/{plugin}/config) and ConfigInfos (PUT
 * /connector-plugins/{plugin}/config/validate).
 */
#ifndef KC_HERDER_KC_CONFIG_INFO_H
#define KC_HERDER_KC_CONFIG_INFO_H

#include <kconnect/config.h>

#include <jansson.h>

/**
 * @brief [ConfigKeyInfo, ...] for every row of the NULL-terminated array
 * @p tables; when a name repeats, the first row wins (a plugin's own table
 * comes first and shadows the framework's). Caller owns the result.
 */
json_t *kc_config_key_infos(const kc_config_def_t *const *tables);

/**
 * @brief The ConfigInfos object for @p props validated into @p result
 * against @p tables: {name, error_count, groups, configs}. @p name is the
 * connector.class as given. Issues about keys that no table defines get an
 * entry with a null definition, first, as Apache lists them.
 */
json_t *kc_config_infos(const char *name, const kc_config_def_t *const *tables,
                        const kc_props_t *props,
                        const kc_config_result_t *result);

/**
 * @brief Append an issue to @p result (which owns the copy of @p message).
 * @p key must outlive @p result.
 */
void kc_config_info_add_issue(kc_config_result_t *result, const char *key,
                              const char *message);

/**
 * @brief The rows of a plugin's own table @p defs validated into @p result
 * against @p props (the keys without @p prefix), listed under
 * "<prefix><key>" as Apache lists a converter's ConfigDef in validate: in
 * java.util.HashMap order, the order Apache's ConfigDef.validate() gives.
 * Returns {error_count, groups, configs}; caller owns it.
 */
json_t *kc_config_infos_prefixed(const kc_config_def_t *defs,
                                 const char *prefix, const kc_props_t *props,
                                 const kc_config_result_t *result);

/**
 * @brief One configs[] entry {definition, value}: @p def (may be NULL: a
 * null definition) listed under @p name, the value shown @p value (NULL:
 * null), its @p errors (an array, stolen). Caller owns the result.
 */
json_t *kc_config_info_entry(const kc_config_def_t *def, const char *name,
                             const char *value, json_t *errors);

#endif /* KC_HERDER_KC_CONFIG_INFO_H */
