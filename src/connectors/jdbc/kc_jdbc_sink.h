/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals of the JDBC sink (Confluent's JdbcSinkConnector) shared by its
 * config, connector, writer and the unit tests: the bound config, the
 * columns a record maps to (Confluent's FieldsMetadata) and the SQL text
 * built from them per dialect.
 */
#ifndef KC_CONNECTORS_JDBC_KC_JDBC_SINK_H
#define KC_CONNECTORS_JDBC_KC_JDBC_SINK_H

#include "connectors/jdbc/dialects/kc_jdbc_dialect.h"

typedef enum kc_jdbc_insert_mode {
    KC_JDBC_INSERT,
    KC_JDBC_UPSERT,
    KC_JDBC_UPDATE
} kc_jdbc_insert_mode_t;

typedef enum kc_jdbc_pk_mode {
    KC_JDBC_PK_NONE,
    KC_JDBC_PK_KAFKA,
    KC_JDBC_PK_RECORD_KEY,
    KC_JDBC_PK_RECORD_VALUE
} kc_jdbc_pk_mode_t;

/* The sink's config, bound from kc_jdbc_sink_defs. */
typedef struct kc_jdbc_sink_conf {
    char *url;
    char *user;
    char *password;
    int32_t attempts;
    int64_t backoff_ms;
    char *dialect_name;
    char *insert_mode_name;
    int32_t batch_size;
    bool delete_enabled;
    kc_cfg_list_t table_types;
    char *table_format;
    char *pk_mode_name;
    kc_cfg_list_t pk_fields;
    kc_cfg_list_t whitelist;
    char *db_timezone;
    char *date_timezone;
    char *date_calendar;
    bool replace_null_with_default;
    bool auto_create;
    bool auto_evolve;
    char *quote;
    int32_t max_retries;
    int32_t retry_backoff_ms;
    bool exactly_once;
    char *eos_table;
    /* derived by kc_jdbc_sink_conf_load */
    kc_jdbc_insert_mode_t insert_mode;
    kc_jdbc_pk_mode_t pk_mode;
    bool quote_always;
} kc_jdbc_sink_conf_t;

extern const kc_config_def_t kc_jdbc_sink_defs[];
extern const kc_config_def_t *const kc_jdbc_sink_tables[];

/**
 * @brief Bind @p props and check the cross-key rules. Release with
 * kc_jdbc_sink_conf_release; on failure nothing to release.
 */
kc_err_t kc_jdbc_sink_conf_load(const kc_props_t *props,
                                kc_jdbc_sink_conf_t *conf, kc_error_t *err);
void kc_jdbc_sink_conf_release(kc_jdbc_sink_conf_t *conf);
void kc_jdbc_sink_validate(const kc_props_t *config,
                           kc_config_result_t *result);

/* Where a column's value comes from. */
typedef enum kc_jdbc_col_src {
    KC_JDBC_SRC_TOPIC,     /* __connect_topic */
    KC_JDBC_SRC_PARTITION, /* __connect_partition */
    KC_JDBC_SRC_OFFSET,    /* __connect_offset */
    KC_JDBC_SRC_KEY,       /* the whole (primitive) key */
    KC_JDBC_SRC_KEY_FIELD,
    KC_JDBC_SRC_VALUE_FIELD
} kc_jdbc_col_src_t;

typedef struct kc_jdbc_sink_col {
    char *name;
    const kc_schema_t *schema; /* borrowed from the record's schemas */
    kc_logical_t logical;      /* the schema's, looked up once */
    kc_jdbc_col_src_t src;
    const kc_field_t *field; /* *_FIELD sources */
    bool is_key;
} kc_jdbc_sink_col_t;

/* The columns of one key/value schema pair (Confluent's FieldsMetadata):
 * keys in key order, non-keys in value order, all in CREATE TABLE order. */
typedef struct kc_jdbc_sink_fields {
    kc_jdbc_sink_col_t *keys;
    size_t nkeys;
    kc_jdbc_sink_col_t *cols;
    size_t ncols;
    const kc_jdbc_sink_col_t **all;
    size_t nall;
} kc_jdbc_sink_fields_t;

/**
 * @brief The columns records with these schemas map to under @p conf;
 * errors as Confluent's name the table and the pk.mode. Release with
 * kc_jdbc_sink_fields_release (also after a failure).
 */
kc_err_t kc_jdbc_sink_fields_build(const kc_jdbc_sink_conf_t *conf,
                                   const char *table,
                                   const kc_schema_t *key_schema,
                                   const kc_schema_t *value_schema,
                                   kc_jdbc_sink_fields_t *f, kc_error_t *err);
void kc_jdbc_sink_fields_release(kc_jdbc_sink_fields_t *f);

/** @brief Split "[catalog.][schema.]table" (quotes honoured) for
 * @p dialect into @p id (release with kc_jdbc_table_id_release). */
kc_err_t kc_jdbc_sink_table_parse(const struct kc_jdbc_dialect *dialect,
                                  const char *text, kc_jdbc_table_id_t *id,
                                  kc_error_t *err);

/* ---- SQL text (appended to @p sql) ---- */
kc_err_t kc_jdbc_sink_create_sql(const kc_jdbc_conn_t *conn,
                                 const kc_jdbc_table_id_t *table,
                                 const kc_jdbc_sink_col_t *const *cols,
                                 size_t ncols, const kc_jdbc_sink_fields_t *f,
                                 kc_buf_t *sql, kc_error_t *err);
/** @brief ALTER TABLE ADD of @p cols; SQLite: one statement per column,
 * separated by ";\n" (one per line in @p sql). */
kc_err_t kc_jdbc_sink_alter_sql(const kc_jdbc_conn_t *conn,
                                const kc_jdbc_table_id_t *table,
                                const kc_jdbc_sink_col_t *const *cols,
                                size_t ncols, kc_buf_t *sql, kc_error_t *err);
/** @brief The INSERT, upsert or UPDATE for insert.mode. */
kc_err_t kc_jdbc_sink_write_sql(const kc_jdbc_conn_t *conn,
                                kc_jdbc_insert_mode_t mode,
                                const kc_jdbc_table_id_t *table,
                                const kc_jdbc_sink_fields_t *f, kc_buf_t *sql,
                                kc_error_t *err);
/**
 * @brief The statement that writes @p nrows records at once: a multi-row
 * INSERT or upsert. MySQL/MariaDB and SQLite apply the rows in order (the
 * last write to a key wins); PostgreSQL's ON CONFLICT cannot touch one row
 * twice in a statement, so the caller never puts a key twice in one.
 * False, nothing appended, for UPDATE (row by row).
 */
bool kc_jdbc_sink_multi_sql(const kc_jdbc_conn_t *conn,
                            kc_jdbc_insert_mode_t mode,
                            const kc_jdbc_table_id_t *table,
                            const kc_jdbc_sink_fields_t *f, size_t nrows,
                            kc_buf_t *sql);
void kc_jdbc_sink_delete_sql(const kc_jdbc_conn_t *conn,
                             const kc_jdbc_table_id_t *table,
                             const kc_jdbc_sink_fields_t *f, kc_buf_t *sql);

extern const struct kc_connector_plugin kc_jdbc_sink_connector;
extern const struct kc_sink_task_plugin kc_jdbc_sink_task;

#endif /* KC_CONNECTORS_JDBC_KC_JDBC_SINK_H */
