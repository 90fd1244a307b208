/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals of the JDBC source shared by its config, connector and task
 * files (and unit tests).
 */
#ifndef KC_CONNECTORS_JDBC_KC_JDBC_SOURCE_H
#define KC_CONNECTORS_JDBC_KC_JDBC_SOURCE_H

#include "connectors/jdbc/kc_jdbc_connectors.h"
#include "connectors/jdbc/kc_jdbc_types.h"

/* The source's config, bound from kc_jdbc_source_defs. */
typedef struct kc_jdbc_source_conf {
    char *url;
    char *user;
    char *password;
    int32_t attempts;
    int64_t backoff_ms;
    kc_cfg_list_t whitelist;
    kc_cfg_list_t blacklist;
    kc_cfg_list_t include_list;
    kc_cfg_list_t exclude_list;
    char *catalog_pattern;
    char *schema_pattern;
    bool numeric_precision_mapping;
    char *numeric_mapping;
    char *dialect_name;
    char *mode;
    char *inc_column;
    kc_cfg_list_t ts_columns;
    kc_cfg_list_t ts_mapping;
    kc_cfg_list_t inc_mapping;
    int32_t max_buffer_size;
    int64_t poll_linger_ms;
    bool validate_non_null;
    char *query;
    char *query_masked;
    char *quote;
    char *query_suffix;
    char *isolation;
    int32_t query_retries;
    kc_cfg_list_t table_types;
    int32_t poll_interval_ms;
    int32_t batch_max_rows;
    int64_t table_poll_interval_ms;
    char *topic_prefix;
    int64_t ts_delay_ms;
    char *db_timezone;
    char *ts_granularity;
    char *date_calendar;
    /* derived by kc_jdbc_source_conf_load */
    bool has_ts_initial;
    int64_t ts_initial;
    kc_jdbc_numeric_mapping_t mapping;
    bool quote_always;
} kc_jdbc_source_conf_t;

extern const kc_config_def_t kc_jdbc_source_defs[];
extern const kc_config_def_t *const kc_jdbc_source_tables[];

/**
 * @brief Bind and check @p props (the table and the cross-key rules).
 * Release with kc_jdbc_source_conf_release; on failure nothing to release.
 */
kc_err_t kc_jdbc_source_conf_load(const kc_props_t *props,
                                  kc_jdbc_source_conf_t *conf, kc_error_t *err);
void kc_jdbc_source_conf_release(kc_jdbc_source_conf_t *conf);
/** @brief The connector's validate(): cross-key rules and a connection. */
void kc_jdbc_source_validate(const kc_props_t *config,
                             kc_config_result_t *result);
/** @brief Whether @p tz names UTC (the one zone applied today). */
bool kc_jdbc_timezone_is_utc(const char *tz);
/** @brief The db.timezone validator (source and sink): a zone Java's
 * ZoneId accepts and the system's zone files have. */
kc_err_t kc_jdbc_timezone_check(const kc_config_def_t *def, const char *value,
                                kc_error_t *err);

/**
 * @brief Parse a task's "tables" value (quoted names joined by commas, as
 * the connector writes them) into @p out.
 */
kc_err_t kc_jdbc_parse_table_list(const char *text, char quote,
                                  bool uses_catalogs, kc_jdbc_table_list_t *out,
                                  kc_error_t *err);

/**
 * @brief The tables of @p all that the filters of @p conf select, in
 * order, into @p out; fails on two selected tables with one bare name.
 */
kc_err_t kc_jdbc_select_tables(const kc_jdbc_source_conf_t *conf,
                               const kc_jdbc_conn_t *conn,
                               const kc_jdbc_table_list_t *all,
                               kc_jdbc_table_list_t *out, kc_error_t *err);

/**
 * @brief Confluent's task split: @p n tables over min(n, @p max_tasks)
 * groups, contiguous, the first n mod g groups one larger. Group @p g
 * starts at *start and has *count tables.
 */
void kc_jdbc_group_range(size_t n, size_t groups, size_t g, size_t *start,
                         size_t *count);

#endif /* KC_CONNECTORS_JDBC_KC_JDBC_SOURCE_H */
