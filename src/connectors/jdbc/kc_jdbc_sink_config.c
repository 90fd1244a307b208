/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The JDBC sink's config table (Confluent's JdbcSinkConfig keys, defaults
 * and validators), its cross-key rules, and the connector, which only
 * hands tasks.max copies of its config out: every task writes whatever
 * partitions the consumer group gives it.
 */
#include "kc_internal.h"

#include "connectors/jdbc/kc_jdbc_connectors.h"
#include "connectors/jdbc/kc_jdbc_sink.h"
#include "connectors/jdbc/kc_jdbc_source.h"
#include "util/kc_str.h"

static const char *const kc_jdbc_insert_modes[] = {"insert", "upsert", "update",
                                                   NULL};
static const char *const kc_jdbc_pk_modes[] = {"none", "kafka", "record_key",
                                               "record_value", NULL};
static const char *const kc_jdbc_sink_quote_methods[] = {"always", "never",
                                                         NULL};
static const char *const kc_jdbc_date_tzs[] = {"DB_TIMEZONE", "UTC", NULL};
static const char *const kc_jdbc_calendars[] = {"LEGACY", "PROLEPTIC_GREGORIAN",
                                                NULL};

#define KC_SINK_BIND(field) KC_CFG_BIND(kc_jdbc_sink_conf_t, field)

const kc_config_def_t kc_jdbc_sink_defs[] = {
    /* Connection */
    {.name = "connection.url",
     .type = KC_CFG_STRING,
     .importance = KC_IMPORTANCE_HIGH,
     .group = "Connection",
     .display_name = "JDBC URL",
     .flags = KC_CFG_F_REQUIRED,
     .doc = "JDBC connection URL: jdbc:postgresql://host[:port]/database, "
            "jdbc:sqlite:<file>, jdbc:mysql://host[:port]/database or "
            "jdbc:mariadb://host[:port]/database.",
     KC_SINK_BIND(url)},
    {.name = "connection.user",
     .type = KC_CFG_STRING,
     .importance = KC_IMPORTANCE_HIGH,
     .group = "Connection",
     .display_name = "JDBC User",
     .doc = "JDBC connection user.",
     KC_SINK_BIND(user)},
    {.name = "connection.password",
     .type = KC_CFG_PASSWORD,
     .importance = KC_IMPORTANCE_HIGH,
     .group = "Connection",
     .display_name = "JDBC Password",
     .doc = "JDBC connection password.",
     KC_SINK_BIND(password)},
    {.name = "connection.attempts",
     .type = KC_CFG_INT,
     .default_value = "3",
     .importance = KC_IMPORTANCE_LOW,
     .group = "Connection",
     .flags = KC_CFG_F_MIN,
     .min = 1,
     .doc = "Maximum number of attempts to get a valid JDBC connection. "
            "Must be a positive integer.",
     KC_SINK_BIND(attempts)},
    {.name = "connection.backoff.ms",
     .type = KC_CFG_LONG,
     .default_value = "10000",
     .importance = KC_IMPORTANCE_LOW,
     .group = "Connection",
     .doc = "Backoff time in milliseconds between connection attempts.",
     KC_SINK_BIND(backoff_ms)},
    {.name = "dialect.name",
     .type = KC_CFG_STRING,
     .default_value = "",
     .importance = KC_IMPORTANCE_LOW,
     .group = "Connection",
     .doc = "The database dialect (e.g. PostgreSqlDatabaseDialect); empty "
            "picks it from the JDBC URL.",
     KC_SINK_BIND(dialect_name)},
    /* Writes */
    {.name = "insert.mode",
     .type = KC_CFG_STRING,
     .default_value = "insert",
     .importance = KC_IMPORTANCE_HIGH,
     .group = "Writes",
     .flags = KC_CFG_F_NOCASE,
     .valid_values = kc_jdbc_insert_modes,
     .doc = "The insertion mode: insert (standard INSERT), upsert (the "
            "database's upsert, by the primary key) or update (UPDATE by "
            "the primary key).",
     KC_SINK_BIND(insert_mode_name)},
    {.name = "batch.size",
     .type = KC_CFG_INT,
     .default_value = "3000",
     .importance = KC_IMPORTANCE_MEDIUM,
     .group = "Writes",
     .flags = KC_CFG_F_MIN,
     .min = 0,
     .doc = "How many records to write in one batch, when possible.",
     KC_SINK_BIND(batch_size)},
    {.name = "delete.enabled",
     .type = KC_CFG_BOOLEAN,
     .default_value = "false",
     .importance = KC_IMPORTANCE_MEDIUM,
     .group = "Writes",
     .doc = "Whether a null record value (a tombstone) deletes the row of "
            "its key. Requires pk.mode=record_key.",
     KC_SINK_BIND(delete_enabled)},
    {.name = "table.types",
     .type = KC_CFG_LIST,
     .default_value = "TABLE",
     .importance = KC_IMPORTANCE_LOW,
     .group = "Writes",
     .doc = "The types of database table the sink writes to: TABLE, "
            "PARTITIONED TABLE, VIEW.",
     KC_SINK_BIND(table_types)},
    /* Data mapping */
    {.name = "table.name.format",
     .type = KC_CFG_STRING,
     .default_value = "${topic}",
     .importance = KC_IMPORTANCE_MEDIUM,
     .group = "Data Mapping",
     .doc = "The destination table name; ${topic} stands for the record's "
            "topic. [catalog.][schema.]table, quotes honoured.",
     KC_SINK_BIND(table_format)},
    {.name = "pk.mode",
     .type = KC_CFG_STRING,
     .default_value = "none",
     .importance = KC_IMPORTANCE_HIGH,
     .group = "Data Mapping",
     .flags = KC_CFG_F_NOCASE,
     .valid_values = kc_jdbc_pk_modes,
     .doc = "The primary key: none, kafka (__connect_topic, "
            "__connect_partition, __connect_offset), record_key or "
            "record_value.",
     KC_SINK_BIND(pk_mode_name)},
    {.name = "pk.fields",
     .type = KC_CFG_LIST,
     .default_value = "",
     .importance = KC_IMPORTANCE_MEDIUM,
     .group = "Data Mapping",
     .doc = "The primary key field names, read as pk.mode says: kafka "
            "three names for topic, partition and offset; record_key the "
            "name of a primitive key or fields of a struct key (empty: "
            "all); record_value fields of the value (empty: all).",
     KC_SINK_BIND(pk_fields)},
    {.name = "fields.whitelist",
     .type = KC_CFG_LIST,
     .default_value = "",
     .importance = KC_IMPORTANCE_MEDIUM,
     .group = "Data Mapping",
     .doc = "The record value fields written (empty: all); it filters the "
            "non-key fields only.",
     KC_SINK_BIND(whitelist)},
    {.name = "db.timezone",
     .type = KC_CFG_STRING,
     .default_value = "UTC",
     .importance = KC_IMPORTANCE_MEDIUM,
     .group = "Data Mapping",
     .validator = kc_jdbc_timezone_check,
     .doc = "The time zone in which Time and Timestamp values (and Date "
            "values with date.timezone=DB_TIMEZONE) are written.",
     KC_SINK_BIND(db_timezone)},
    {.name = "date.timezone",
     .type = KC_CFG_STRING,
     .default_value = "DB_TIMEZONE",
     .importance = KC_IMPORTANCE_MEDIUM,
     .group = "Data Mapping",
     .valid_values = kc_jdbc_date_tzs,
     .doc = "The time zone of Date values: DB_TIMEZONE (db.timezone) or "
            "UTC.",
     KC_SINK_BIND(date_timezone)},
    {.name = "date.calendar.system",
     .type = KC_CFG_STRING,
     .default_value = "LEGACY",
     .importance = KC_IMPORTANCE_LOW,
     .group = "Data Mapping",
     .valid_values = kc_jdbc_calendars,
     .doc = "The calendar Date and Timestamp values are written in: LEGACY "
            "(Julian before 1582-10-15, as java.util) or "
            "PROLEPTIC_GREGORIAN.",
     KC_SINK_BIND(date_calendar)},
    {.name = "replace.null.with.default",
     .type = KC_CFG_BOOLEAN,
     .default_value = "true",
     .importance = KC_IMPORTANCE_MEDIUM,
     .group = "Data Mapping",
     .doc = "Whether a null field with a schema default is written as that "
            "default.",
     KC_SINK_BIND(replace_null_with_default)},
    /* DDL support */
    {.name = "auto.create",
     .type = KC_CFG_BOOLEAN,
     .default_value = "false",
     .importance = KC_IMPORTANCE_MEDIUM,
     .group = "DDL Support",
     .doc = "Whether to create a missing destination table (CREATE TABLE) "
            "from the record schema.",
     KC_SINK_BIND(auto_create)},
    {.name = "auto.evolve",
     .type = KC_CFG_BOOLEAN,
     .default_value = "false",
     .importance = KC_IMPORTANCE_MEDIUM,
     .group = "DDL Support",
     .doc = "Whether to add columns (ALTER TABLE) for record fields the "
            "table lacks; only optional fields or fields with a default.",
     KC_SINK_BIND(auto_evolve)},
    {.name = "quote.sql.identifiers",
     .type = KC_CFG_STRING,
     .default_value = "always",
     .importance = KC_IMPORTANCE_MEDIUM,
     .group = "DDL Support",
     .valid_values = kc_jdbc_sink_quote_methods,
     .doc = "When to quote table and column names in SQL statements.",
     KC_SINK_BIND(quote)},
    /* Retries */
    {.name = "max.retries",
     .type = KC_CFG_INT,
     .default_value = "10",
     .importance = KC_IMPORTANCE_MEDIUM,
     .group = "Retries",
     .flags = KC_CFG_F_MIN,
     .min = 0,
     .doc = "How many times a put that failed on a transient database "
            "error is retried before the task fails.",
     KC_SINK_BIND(max_retries)},
    {.name = "retry.backoff.ms",
     .type = KC_CFG_INT,
     .default_value = "3000",
     .importance = KC_IMPORTANCE_MEDIUM,
     .group = "Retries",
     .flags = KC_CFG_F_MIN,
     .min = 0,
     .doc = "Milliseconds to wait before retrying after an error.",
     KC_SINK_BIND(retry_backoff_ms)},
    /* kconnect's own: the kconnect. prefix keeps them clear of any key
     * Confluent may add */
    {.name = "kconnect.exactly.once",
     .type = KC_CFG_BOOLEAN,
     .default_value = "false",
     .importance = KC_IMPORTANCE_MEDIUM,
     .group = "Exactly once",
     .doc = "kconnect only (Confluent's sink has no such key): write the "
            "consumed Kafka offsets into kconnect.exactly.once.table in the "
            "same transaction as the rows, and on every partition "
            "assignment consume from the offsets found there, so that a "
            "crash neither loses nor duplicates a row, whatever "
            "insert.mode.",
     KC_SINK_BIND(exactly_once)},
    {.name = "kconnect.exactly.once.table",
     .type = KC_CFG_STRING,
     .default_value = "kconnect_sink_offsets",
     .importance = KC_IMPORTANCE_LOW,
     .group = "Exactly once",
     .doc = "kconnect only: the table ([catalog.][schema.]table) that "
            "holds the offsets of kconnect.exactly.once, created when "
            "missing; one row per connector, topic and partition.",
     KC_SINK_BIND(eos_table)},
    {.name = NULL},
};

const kc_config_def_t *const kc_jdbc_sink_tables[] = {kc_jdbc_sink_defs, NULL};

typedef void (*kc_jdbc_issue_fn)(void *arg, const char *key, const char *msg);

/* The rules that span keys; each broken one reported once. */
static void kc_jdbc_sink_cross(const kc_jdbc_sink_conf_t *conf,
                               kc_jdbc_issue_fn fn, void *arg)
{
    if (conf->delete_enabled && conf->pk_mode != KC_JDBC_PK_RECORD_KEY) {
        fn(arg, "delete.enabled",
           "Primary key mode must be 'record_key' when delete support is "
           "enabled");
    }
    if (conf->insert_mode == KC_JDBC_UPSERT &&
        conf->pk_mode == KC_JDBC_PK_NONE) {
        fn(arg, "insert.mode",
           "insert.mode=upsert requires key field names to be known: set "
           "pk.mode to kafka, record_key or record_value");
    }
    if (conf->pk_mode == KC_JDBC_PK_KAFKA && conf->pk_fields.count != 0 &&
        conf->pk_fields.count != 3) {
        fn(arg, "pk.fields",
           "PK mode is KAFKA so there should either be no field names "
           "defined for defaults __connect_topic, __connect_partition and "
           "__connect_offset to be used, or exactly three");
    }
}

static void kc_jdbc_sink_first_issue(void *arg, const char *key,
                                     const char *msg)
{
    kc_error_t *err = arg;

    if (err->code == KC_OK) {
        kc_error_set(err, KC_ERR_INVALID, "Invalid value for %s: %s", key, msg);
    }
}

static void kc_jdbc_sink_derive(kc_jdbc_sink_conf_t *conf)
{
    conf->insert_mode =
        kc_str_eq_nocase(conf->insert_mode_name, "upsert")   ? KC_JDBC_UPSERT
        : kc_str_eq_nocase(conf->insert_mode_name, "update") ? KC_JDBC_UPDATE
                                                             : KC_JDBC_INSERT;
    conf->pk_mode = kc_str_eq_nocase(conf->pk_mode_name, "kafka")
                        ? KC_JDBC_PK_KAFKA
                    : kc_str_eq_nocase(conf->pk_mode_name, "record_key")
                        ? KC_JDBC_PK_RECORD_KEY
                    : kc_str_eq_nocase(conf->pk_mode_name, "record_value")
                        ? KC_JDBC_PK_RECORD_VALUE
                        : KC_JDBC_PK_NONE;
    conf->quote_always = strcmp(conf->quote, "never") != 0;
}

kc_err_t kc_jdbc_sink_conf_load(const kc_props_t *props,
                                kc_jdbc_sink_conf_t *conf, kc_error_t *err)
{
    kc_error_t cross;
    kc_err_t rc;

    memset(conf, 0, sizeof(*conf));
    rc = kc_config_bind(kc_jdbc_sink_tables, props, conf, err);
    if (rc != KC_OK) {
        return rc;
    }
    kc_jdbc_sink_derive(conf);
    memset(&cross, 0, sizeof(cross));
    kc_jdbc_sink_cross(conf, kc_jdbc_sink_first_issue, &cross);
    if (cross.code != KC_OK) {
        kc_jdbc_sink_conf_release(conf);
        return kc_error_set(err, KC_ERR_INVALID, "%s", cross.msg);
    }
    return KC_OK;
}

void kc_jdbc_sink_conf_release(kc_jdbc_sink_conf_t *conf)
{
    kc_config_bind_release(kc_jdbc_sink_tables, conf);
    memset(conf, 0, sizeof(*conf));
}

static void kc_jdbc_sink_add_to_result(void *arg, const char *key,
                                       const char *msg)
{
    kc_config_result_t *result = arg;
    kc_config_issue_t *issue;
    const kc_config_def_t *def = kc_config_def_find(kc_jdbc_sink_defs, key);

    result->issues =
        kc_realloc(result->issues, (result->count + 1) * sizeof(*issue));
    issue = &result->issues[result->count++];
    issue->key = def != NULL ? def->name : "connection.url";
    issue->message = kc_strdup(msg);
}

void kc_jdbc_sink_validate(const kc_props_t *config, kc_config_result_t *result)
{
    kc_jdbc_sink_conf_t conf;
    kc_error_t err;

    memset(&conf, 0, sizeof(conf));
    /* Bad single keys are already reported by the table. */
    if (kc_config_bind(kc_jdbc_sink_tables, config, &conf, &err) != KC_OK) {
        return;
    }
    kc_jdbc_sink_derive(&conf);
    kc_jdbc_sink_cross(&conf, kc_jdbc_sink_add_to_result, result);
    kc_jdbc_sink_conf_release(&conf);
}

/* ---- connector ------------------------------------------------------ */

typedef struct kc_jdbc_sink_connector {
    kc_props_t *props;
} kc_jdbc_sink_connector_t;

static kc_err_t kc_jdbc_sink_conn_start(void **ctx, const kc_props_t *config,
                                        kc_connector_ctx_t *cctx,
                                        kc_error_t *err)
{
    kc_jdbc_sink_conf_t conf;
    kc_jdbc_sink_connector_t *sc;
    kc_err_t rc = kc_jdbc_sink_conf_load(config, &conf, err);

    KC_UNUSED(cctx);
    if (rc != KC_OK) {
        return rc;
    }
    kc_jdbc_sink_conf_release(&conf);
    sc = kc_calloc(1, sizeof(*sc));
    sc->props = kc_props_copy(config);
    *ctx = sc;
    return KC_OK;
}

static kc_err_t kc_jdbc_sink_conn_task_configs(void *ctx, int max_tasks,
                                               kc_props_t ***configs,
                                               size_t *count, kc_error_t *err)
{
    kc_jdbc_sink_connector_t *sc = ctx;
    size_t n = max_tasks > 0 ? (size_t)max_tasks : 0;

    KC_UNUSED(err);
    *configs = kc_calloc(n > 0 ? n : 1, sizeof(**configs));
    for (size_t i = 0; i < n; i++) {
        (*configs)[i] = kc_props_copy(sc->props);
    }
    *count = n;
    return KC_OK;
}

static void kc_jdbc_sink_conn_stop(void *ctx)
{
    kc_jdbc_sink_connector_t *sc = ctx;

    if (sc == NULL) {
        return;
    }
    kc_props_destroy(sc->props);
    kc_free(sc);
}

static const char *const kc_jdbc_sink_aliases[] = {"JdbcSink", NULL};

const struct kc_connector_plugin kc_jdbc_sink_connector = {
    KC_PLUGIN_INIT(struct kc_connector_plugin),
    .name = "JdbcSinkConnector",
    .class_name = "io.confluent.connect.jdbc.JdbcSinkConnector",
    .aliases = kc_jdbc_sink_aliases,
    .version = KC_VERSION_STR,
    .config_def = kc_jdbc_sink_defs,
    .sink_task = &kc_jdbc_sink_task,
    .start = kc_jdbc_sink_conn_start,
    .task_configs = kc_jdbc_sink_conn_task_configs,
    .stop = kc_jdbc_sink_conn_stop,
    .validate = kc_jdbc_sink_validate,
};
