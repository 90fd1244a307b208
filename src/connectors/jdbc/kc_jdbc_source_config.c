/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The JDBC source's config table: Confluent's JdbcSourceConnectorConfig
 * keys, defaults and validators, bound into kc_jdbc_source_conf_t, and the
 * cross-key rules Confluent checks when the connector starts.
 */
#include "kc_internal.h"

#include "connectors/jdbc/kc_jdbc_source.h"
#include "util/kc_str.h"

static const char *const kc_jdbc_modes[] = {
    "", "bulk", "timestamp", "incrementing", "timestamp+incrementing", NULL};
static const char *const kc_jdbc_numeric_mappings[] = {
    "none", "precision_only", "best_fit", "best_fit_eager_double", NULL};
static const char *const kc_jdbc_quote_methods[] = {"always", "never", NULL};
static const char *const kc_jdbc_isolation_modes[] = {"DEFAULT",
                                                      "READ_UNCOMMITTED",
                                                      "READ_COMMITTED",
                                                      "REPEATABLE_READ",
                                                      "SERIALIZABLE",
                                                      "SQL_SERVER_SNAPSHOT",
                                                      NULL};
static const char *const kc_jdbc_granularities[] = {
    "connect_logical",
    "nanos_long",
    "nanos_string",
    "nanos_iso_datetime_string",
    "micros_long",
    "micros_string",
    "micros_iso_datetime_string",
    NULL};
static const char *const kc_jdbc_calendars[] = {"LEGACY", "PROLEPTIC_GREGORIAN",
                                                NULL};

static kc_err_t kc_jdbc_topic_prefix_check(const kc_config_def_t *def,
                                           const char *value, kc_error_t *err)
{
    char *trimmed;
    kc_err_t rc = KC_OK;

    if (value == NULL) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "Topic prefix must not be null.");
    }
    trimmed = kc_str_trim_dup(value, strlen(value));
    if (strlen(trimmed) > 249) {
        rc = kc_error_set(err, KC_ERR_INVALID,
                          "Topic prefix length must not exceed max topic "
                          "name length, 249 chars");
    } else {
        for (const char *p = trimmed; *p != '\0'; p++) {
            if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                  (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' ||
                  *p == '-')) {
                rc = kc_error_set(err, KC_ERR_INVALID,
                                  "Topic prefix must not contain any "
                                  "character other than ASCII "
                                  "alphanumerics, '.', '_' and '-'.");
                break;
            }
        }
    }
    kc_free(trimmed);
    KC_UNUSED(def);
    return rc;
}

/* Zone names Java's ZoneId accepts and kconnect can apply today. */
bool kc_jdbc_timezone_is_utc(const char *tz)
{
    static const char *const utc[] = {
        "UTC",  "GMT",     "Z",         "Etc/UTC", "Etc/GMT",
        "UCT",  "Etc/UCT", "Universal", "Zulu",    "UTC0",
        "GMT0", "+00:00",  "UTC+00:00", NULL};

    for (size_t i = 0; utc[i] != NULL; i++) {
        if (strcmp(tz, utc[i]) == 0) {
            return true;
        }
    }
    return false;
}

kc_err_t kc_jdbc_timezone_check(const kc_config_def_t *def, const char *value,
                                kc_error_t *err)
{
    char path[512];
    FILE *f;

    KC_UNUSED(def);
    if (value == NULL || kc_jdbc_timezone_is_utc(value)) {
        return KC_OK;
    }
    /* Java's ZoneId.of: a region id from the tz database. */
    if (strstr(value, "..") == NULL && value[0] != '/') {
        snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", value);
        f = fopen(path, "rb");
        if (f != NULL) {
            fclose(f);
            return KC_OK;
        }
    }
    return kc_error_set(err, KC_ERR_INVALID, "Invalid time zone identifier");
}

#define KC_JDBC_BIND(field) KC_CFG_BIND(kc_jdbc_source_conf_t, field)

const kc_config_def_t kc_jdbc_source_defs[] = {
    /* Database */
    {.name = "connection.url",
     .type = KC_CFG_STRING,
     .importance = KC_IMPORTANCE_HIGH,
     .group = "Database",
     .display_name = "JDBC URL",
     .flags = KC_CFG_F_REQUIRED,
     .doc = "JDBC connection URL. kconnect understands "
            "jdbc:postgresql://host[:port]/database, jdbc:sqlite:<file>, "
            "jdbc:mysql://host[:port]/database and "
            "jdbc:mariadb://host[:port]/database; URL parameters the "
            "driver does not honour are refused by name",
     KC_JDBC_BIND(url)},
    {.name = "connection.user",
     .type = KC_CFG_STRING,
     .importance = KC_IMPORTANCE_HIGH,
     .group = "Database",
     .display_name = "JDBC User",
     .doc = "JDBC connection user.",
     KC_JDBC_BIND(user)},
    {.name = "connection.password",
     .type = KC_CFG_PASSWORD,
     .importance = KC_IMPORTANCE_HIGH,
     .group = "Database",
     .display_name = "JDBC Password",
     .doc = "JDBC connection password.",
     KC_JDBC_BIND(password)},
    {.name = "connection.attempts",
     .type = KC_CFG_INT,
     .default_value = "3",
     .importance = KC_IMPORTANCE_LOW,
     .group = "Database",
     .flags = KC_CFG_F_MIN,
     .min = 1,
     .doc = "Maximum number of attempts to retrieve a valid JDBC "
            "connection. Must be a positive integer.",
     KC_JDBC_BIND(attempts)},
    {.name = "connection.backoff.ms",
     .type = KC_CFG_LONG,
     .default_value = "10000",
     .importance = KC_IMPORTANCE_LOW,
     .group = "Database",
     .doc = "Backoff time in milliseconds between connection attempts.",
     KC_JDBC_BIND(backoff_ms)},
    {.name = "table.whitelist",
     .type = KC_CFG_LIST,
     .default_value = "",
     .importance = KC_IMPORTANCE_MEDIUM,
     .group = "Database",
     .doc = "List of tables to include in copying. If specified, "
            "table.blacklist may not be set. Each item is the table name, "
            "or its name qualified by schema (or database), quoted or not.",
     KC_JDBC_BIND(whitelist)},
    {.name = "table.blacklist",
     .type = KC_CFG_LIST,
     .default_value = "",
     .importance = KC_IMPORTANCE_MEDIUM,
     .group = "Database",
     .doc = "List of tables to exclude from copying. If specified, "
            "table.whitelist may not be set.",
     KC_JDBC_BIND(blacklist)},
    {.name = "table.include.list",
     .type = KC_CFG_LIST,
     .default_value = "",
     .importance = KC_IMPORTANCE_MEDIUM,
     .group = "Database",
     .doc = "Regular expressions matched (whole, case-sensitive) against "
            "each table's unquoted full name (schema.table or "
            "database.table); matching tables are copied. Cannot be used "
            "with table.whitelist or table.blacklist.",
     KC_JDBC_BIND(include_list)},
    {.name = "table.exclude.list",
     .type = KC_CFG_LIST,
     .default_value = "",
     .importance = KC_IMPORTANCE_MEDIUM,
     .group = "Database",
     .doc = "Regular expressions of tables to leave out of those "
            "table.include.list selects; requires table.include.list.",
     KC_JDBC_BIND(exclude_list)},
    {.name = "catalog.pattern",
     .type = KC_CFG_STRING,
     .importance = KC_IMPORTANCE_MEDIUM,
     .group = "Database",
     .doc = "Catalog pattern to fetch table metadata from the database. "
            "\"\" retrieves those without a catalog; null (default) does "
            "not narrow the search by catalog.",
     KC_JDBC_BIND(catalog_pattern)},
    {.name = "schema.pattern",
     .type = KC_CFG_STRING,
     .importance = KC_IMPORTANCE_HIGH,
     .group = "Database",
     .doc = "Schema pattern to fetch table metadata from the database. "
            "\"\" retrieves those without a schema; null (default) does "
            "not narrow the search by schema.",
     KC_JDBC_BIND(schema_pattern)},
    {.name = "numeric.precision.mapping",
     .type = KC_CFG_BOOLEAN,
     .default_value = "false",
     .importance = KC_IMPORTANCE_LOW,
     .group = "Database",
     .doc = "Whether or not to attempt mapping NUMERIC values by precision "
            "to integral types. Deprecated: use numeric.mapping.",
     KC_JDBC_BIND(numeric_precision_mapping)},
    {.name = "numeric.mapping",
     .type = KC_CFG_STRING,
     .importance = KC_IMPORTANCE_LOW,
     .group = "Database",
     .flags = KC_CFG_F_NOCASE,
     .valid_values = kc_jdbc_numeric_mappings,
     .doc = "Map NUMERIC values by precision and optionally scale to "
            "integral or decimal types: none (Connect Decimal), best_fit, "
            "best_fit_eager_double or precision_only.",
     KC_JDBC_BIND(numeric_mapping)},
    {.name = "dialect.name",
     .type = KC_CFG_STRING,
     .default_value = "",
     .importance = KC_IMPORTANCE_LOW,
     .group = "Database",
     .doc = "The name of the database dialect to use (e.g. "
            "PostgreSqlDatabaseDialect); empty picks it from the JDBC URL.",
     KC_JDBC_BIND(dialect_name)},
    /* Mode */
    {.name = "mode",
     .type = KC_CFG_STRING,
     .default_value = "",
     .importance = KC_IMPORTANCE_HIGH,
     .group = "Mode",
     .valid_values = kc_jdbc_modes,
     .doc = "The mode for updating a table each time it is polled: bulk, "
            "incrementing, timestamp or timestamp+incrementing.",
     KC_JDBC_BIND(mode)},
    {.name = "incrementing.column.name",
     .type = KC_CFG_STRING,
     .default_value = "",
     .importance = KC_IMPORTANCE_MEDIUM,
     .group = "Mode",
     .doc = "The name of the strictly incrementing column used to detect "
            "new rows. This column may not be nullable.",
     KC_JDBC_BIND(inc_column)},
    {.name = "timestamp.column.name",
     .type = KC_CFG_LIST,
     .default_value = "",
     .importance = KC_IMPORTANCE_MEDIUM,
     .group = "Mode",
     .doc = "Comma separated list of one or more timestamp columns to "
            "detect new or modified rows using the COALESCE SQL function.",
     KC_JDBC_BIND(ts_columns)},
    {.name = "timestamp.columns.mapping",
     .type = KC_CFG_LIST,
     .default_value = "",
     .importance = KC_IMPORTANCE_MEDIUM,
     .group = "Mode",
     .doc = "Per-table timestamp columns, for use with table.include.list: "
            "entries <regex>:[col1|col2] whose regex is matched against the "
            "table's unquoted full name; each table must match exactly one.",
     KC_JDBC_BIND(ts_mapping)},
    {.name = "incrementing.column.mapping",
     .type = KC_CFG_LIST,
     .default_value = "",
     .importance = KC_IMPORTANCE_MEDIUM,
     .group = "Mode",
     .doc = "Per-table incrementing column, for use with table.include.list: "
            "entries <regex>:<column>; each table must match exactly one.",
     KC_JDBC_BIND(inc_mapping)},
    {.name = "timestamp.initial",
     .type = KC_CFG_LONG,
     .importance = KC_IMPORTANCE_LOW,
     .group = "Mode",
     .doc = "The epoch timestamp used for initial queries that use "
            "timestamp criteria. Use -1 to use the current time. If not "
            "specified, all data will be retrieved."},
    {.name = "validate.non.null",
     .type = KC_CFG_BOOLEAN,
     .default_value = "true",
     .importance = KC_IMPORTANCE_LOW,
     .group = "Mode",
     .doc = "Fail when the incrementing column, or every timestamp column, "
            "of a table is nullable.",
     KC_JDBC_BIND(validate_non_null)},
    {.name = "query",
     .type = KC_CFG_STRING,
     .default_value = "",
     .importance = KC_IMPORTANCE_MEDIUM,
     .group = "Mode",
     .doc = "If specified, the query to perform to select new or updated "
            "rows, instead of copying whole tables.",
     KC_JDBC_BIND(query)},
    {.name = "query.masked",
     .type = KC_CFG_PASSWORD,
     .importance = KC_IMPORTANCE_MEDIUM,
     .group = "Mode",
     .doc = "As query, but hidden in REST answers and logs.",
     KC_JDBC_BIND(query_masked)},
    {.name = "quote.sql.identifiers",
     .type = KC_CFG_STRING,
     .default_value = "ALWAYS",
     .importance = KC_IMPORTANCE_MEDIUM,
     .group = "Mode",
     .flags = KC_CFG_F_NOCASE,
     .valid_values = kc_jdbc_quote_methods,
     .doc = "When to quote table names, column names, and other "
            "identifiers in SQL statements: always or never.",
     KC_JDBC_BIND(quote)},
    {.name = "query.suffix",
     .type = KC_CFG_STRING,
     .default_value = "",
     .importance = KC_IMPORTANCE_LOW,
     .group = "Mode",
     .doc = "Suffix to append at the end of the generated query.",
     KC_JDBC_BIND(query_suffix)},
    {.name = "transaction.isolation.mode",
     .type = KC_CFG_STRING,
     .default_value = "DEFAULT",
     .importance = KC_IMPORTANCE_LOW,
     .group = "Mode",
     .valid_values = kc_jdbc_isolation_modes,
     .doc = "Transaction isolation level used when running queries.",
     KC_JDBC_BIND(isolation)},
    {.name = "query.retry.attempts",
     .type = KC_CFG_INT,
     .default_value = "-1",
     .importance = KC_IMPORTANCE_LOW,
     .group = "Mode",
     .doc = "Number of times to retry SQL exceptions encountered when "
            "executing queries (-1: forever).",
     KC_JDBC_BIND(query_retries)},
    /* Connector */
    {.name = "table.types",
     .type = KC_CFG_LIST,
     .default_value = "TABLE",
     .importance = KC_IMPORTANCE_LOW,
     .group = "Connector",
     .doc = "Table types to copy, e.g. TABLE, VIEW.",
     KC_JDBC_BIND(table_types)},
    {.name = "poll.interval.ms",
     .type = KC_CFG_INT,
     .default_value = "5000",
     .importance = KC_IMPORTANCE_HIGH,
     .group = "Connector",
     .doc = "Frequency in ms to poll for new data in each table.",
     KC_JDBC_BIND(poll_interval_ms)},
    {.name = "batch.max.rows",
     .type = KC_CFG_INT,
     .default_value = "100",
     .importance = KC_IMPORTANCE_LOW,
     .group = "Connector",
     .doc = "Maximum number of rows to include in a single batch when "
            "polling for new data.",
     KC_JDBC_BIND(batch_max_rows)},
    {.name = "max.buffer.size",
     .type = KC_CFG_INT,
     .default_value = "0",
     .importance = KC_IMPORTANCE_LOW,
     .group = "Connector",
     .doc = "Confluent's internal row queue size (0: 4 x batch.max.rows). "
            "kconnect reads rows straight into each batch and has no such "
            "queue; accepted for compatibility.",
     KC_JDBC_BIND(max_buffer_size)},
    {.name = "poll.linger.ms",
     .type = KC_CFG_LONG,
     .default_value = "5000",
     .importance = KC_IMPORTANCE_LOW,
     .group = "Connector",
     .doc = "Confluent's longest wait of a poll that has no rows yet. "
            "kconnect's polls return within about 200 ms when no table is "
            "due; accepted for compatibility.",
     KC_JDBC_BIND(poll_linger_ms)},
    {.name = "table.poll.interval.ms",
     .type = KC_CFG_LONG,
     .default_value = "60000",
     .importance = KC_IMPORTANCE_LOW,
     .group = "Connector",
     .doc = "Frequency in ms to poll for new or removed tables.",
     KC_JDBC_BIND(table_poll_interval_ms)},
    {.name = "topic.prefix",
     .type = KC_CFG_STRING,
     .default_value = "",
     .importance = KC_IMPORTANCE_HIGH,
     .group = "Connector",
     .validator = kc_jdbc_topic_prefix_check,
     .doc = "Prefix to prepend to table names to generate the name of the "
            "Kafka topic to publish data to, or in the case of a custom "
            "query, the full name of the topic to publish to.",
     KC_JDBC_BIND(topic_prefix)},
    {.name = "timestamp.delay.interval.ms",
     .type = KC_CFG_LONG,
     .default_value = "0",
     .importance = KC_IMPORTANCE_HIGH,
     .group = "Connector",
     .doc = "How long to wait after a row with certain timestamp appears "
            "before we include it in the result.",
     KC_JDBC_BIND(ts_delay_ms)},
    {.name = "db.timezone",
     .type = KC_CFG_STRING,
     .default_value = "UTC",
     .importance = KC_IMPORTANCE_MEDIUM,
     .group = "Connector",
     .validator = kc_jdbc_timezone_check,
     .doc = "Name of the JDBC timezone used in the connector when querying "
            "with time-based criteria. Defaults to UTC.",
     KC_JDBC_BIND(db_timezone)},
    {.name = "timestamp.granularity",
     .type = KC_CFG_STRING,
     .default_value = "connect_logical",
     .importance = KC_IMPORTANCE_LOW,
     .group = "Connector",
     .flags = KC_CFG_F_NOCASE,
     .valid_values = kc_jdbc_granularities,
     .doc = "Define the granularity of the Timestamp column: "
            "connect_logical (Connect's Timestamp), or nanos/micros as a "
            "long, a string, or an ISO date-time string.",
     KC_JDBC_BIND(ts_granularity)},
    {.name = "date.calendar.system",
     .type = KC_CFG_STRING,
     .default_value = "LEGACY",
     .importance = KC_IMPORTANCE_LOW,
     .group = "Connector",
     .valid_values = kc_jdbc_calendars,
     .doc = "LEGACY (Julian before 1582-10-15, as java.util) or "
            "PROLEPTIC_GREGORIAN.",
     KC_JDBC_BIND(date_calendar)},
    {.name = NULL},
};

const kc_config_def_t *const kc_jdbc_source_tables[] = {kc_jdbc_source_defs,
                                                        NULL};

/* The cross-key rules; each failing one named by its key. */
static void kc_jdbc_cross_issues(const kc_jdbc_source_conf_t *conf,
                                 void (*add)(void *arg, const char *key,
                                             const char *msg),
                                 void *arg)
{
    bool has_query =
        (conf->query != NULL && *conf->query != '\0') ||
        (conf->query_masked != NULL && *conf->query_masked != '\0');
    bool legacy = conf->whitelist.count > 0 || conf->blacklist.count > 0;
    bool lists = conf->include_list.count > 0 || conf->exclude_list.count > 0;

    bool has_ts_name =
        conf->ts_columns.count > 0 && *conf->ts_columns.items[0] != '\0';
    bool has_inc_name = conf->inc_column != NULL && *conf->inc_column != '\0';
    bool new_keys =
        lists || conf->ts_mapping.count > 0 || conf->inc_mapping.count > 0;

    if (conf->mode == NULL || *conf->mode == '\0') {
        add(arg, "mode", "Query mode must be specified");
    }
    if (has_ts_name && conf->ts_mapping.count > 0) {
        add(arg, "timestamp.column.name",
            "Cannot use both timestamp.column.name and "
            "timestamp.columns.mapping. Use timestamp.columns.mapping for new "
            "implementations.");
        add(arg, "timestamp.columns.mapping",
            "Cannot use both timestamp.column.name and "
            "timestamp.columns.mapping. Use timestamp.columns.mapping for new "
            "implementations.");
    }
    if (has_inc_name && conf->inc_mapping.count > 0) {
        add(arg, "incrementing.column.name",
            "Cannot use both incrementing.column.name and "
            "incrementing.column.mapping. Use incrementing.column.mapping for "
            "new implementations.");
        add(arg, "incrementing.column.mapping",
            "Cannot use both incrementing.column.name and "
            "incrementing.column.mapping. Use incrementing.column.mapping for "
            "new implementations.");
    }
    if (new_keys && legacy) {
        add(arg, "table.include.list",
            "table.include.list, table.exclude.list, timestamp.columns.mapping "
            "and incrementing.column.mapping cannot be used with "
            "table.whitelist or table.blacklist");
    }
    if (conf->whitelist.count > 0 && conf->blacklist.count > 0) {
        add(arg, "table.whitelist",
            "table.whitelist and table.blacklist cannot both be set");
    }
    if (conf->exclude_list.count > 0 && conf->include_list.count == 0) {
        add(arg, "table.exclude.list",
            "table.exclude.list requires table.include.list");
    }
    if (has_query && (legacy || lists)) {
        add(arg, "query",
            "query cannot be used with a table filter (table.whitelist, "
            "table.blacklist, table.include.list, table.exclude.list)");
    }
    if (has_query && conf->mode != NULL &&
        (strcmp(conf->mode, "incrementing") == 0 ||
         strcmp(conf->mode, "timestamp+incrementing") == 0) &&
        (conf->inc_column == NULL || *conf->inc_column == '\0')) {
        add(arg, "incrementing.column.name",
            "incrementing.column.name must be set in query mode (an "
            "auto-increment column is detected for tables only)");
    }
    if (conf->mode != NULL &&
        (strcmp(conf->mode, "timestamp") == 0 ||
         strcmp(conf->mode, "timestamp+incrementing") == 0) &&
        !has_ts_name && conf->ts_mapping.count == 0) {
        add(arg, "timestamp.column.name",
            "timestamp.column.name must name at least one column in "
            "timestamp modes");
    }
    if (conf->isolation != NULL &&
        strcmp(conf->isolation, "SQL_SERVER_SNAPSHOT") == 0) {
        add(arg, "transaction.isolation.mode",
            "Isolation mode of `SQL_SERVER_SNAPSHOT` can only be configured "
            "with a Sql Server Dialect");
    }
}

static void kc_jdbc_add_to_error(void *arg, const char *key, const char *msg)
{
    kc_error_t *err = arg;

    if (err->code == KC_OK) {
        kc_error_set(err, KC_ERR_INVALID, "invalid config: \"%s\": %s", key,
                     msg);
    }
}

static void kc_jdbc_add_to_result(void *arg, const char *key, const char *msg)
{
    kc_config_result_t *result = arg;
    kc_config_issue_t *issue;
    const kc_config_def_t *def = kc_config_def_find(kc_jdbc_source_defs, key);

    result->issues =
        kc_realloc(result->issues, (result->count + 1) * sizeof(*issue));
    issue = &result->issues[result->count++];
    issue->key = def != NULL ? def->name : "connection.url";
    issue->message = kc_strdup(msg);
}

kc_err_t kc_jdbc_source_conf_load(const kc_props_t *props,
                                  kc_jdbc_source_conf_t *conf, kc_error_t *err)
{
    kc_error_t cross;
    const char *initial;
    kc_err_t rc;

    memset(conf, 0, sizeof(*conf));
    rc = kc_config_bind(kc_jdbc_source_tables, props, conf, err);
    if (rc != KC_OK) {
        return rc;
    }
    kc_error_clear(&cross);
    kc_jdbc_cross_issues(conf, kc_jdbc_add_to_error, &cross);
    if (cross.code != KC_OK) {
        kc_jdbc_source_conf_release(conf);
        return kc_error_set(err, cross.code, "%s", cross.msg);
    }
    initial = kc_props_get(props, "timestamp.initial");
    conf->has_ts_initial = initial != NULL && *initial != '\0';
    if (conf->has_ts_initial && kc_str_to_i64(initial, INT64_MIN, INT64_MAX,
                                              &conf->ts_initial) != KC_OK) {
        kc_jdbc_source_conf_release(conf);
        return kc_error_set(err, KC_ERR_INVALID,
                            "invalid config: \"timestamp.initial\": not a "
                            "number");
    }
    if (conf->numeric_mapping != NULL) {
        if (kc_str_eq_nocase(conf->numeric_mapping, "precision_only")) {
            conf->mapping = KC_JDBC_NUMERIC_PRECISION_ONLY;
        } else if (kc_str_eq_nocase(conf->numeric_mapping, "best_fit")) {
            conf->mapping = KC_JDBC_NUMERIC_BEST_FIT;
        } else if (kc_str_eq_nocase(conf->numeric_mapping,
                                    "best_fit_eager_double")) {
            conf->mapping = KC_JDBC_NUMERIC_BEST_FIT_EAGER_DOUBLE;
        } else {
            conf->mapping = KC_JDBC_NUMERIC_NONE;
        }
    } else if (conf->numeric_precision_mapping) {
        conf->mapping = KC_JDBC_NUMERIC_PRECISION_ONLY;
    }
    conf->quote_always = !kc_str_eq_nocase(conf->quote, "never");
    if (conf->query_masked != NULL && *conf->query_masked != '\0') {
        kc_free(conf->query);
        conf->query = kc_strdup(conf->query_masked);
    }
    return KC_OK;
}

void kc_jdbc_source_conf_release(kc_jdbc_source_conf_t *conf)
{
    kc_config_bind_release(kc_jdbc_source_tables, conf);
    memset(conf, 0, sizeof(*conf));
}

/* Whitelisted tables the database does not have (as Confluent's
 * validation reports them). */
static void kc_jdbc_missing_tables(const kc_jdbc_source_conf_t *conf,
                                   kc_jdbc_conn_t *conn,
                                   kc_config_result_t *result)
{
    kc_jdbc_table_list_t all = {0};
    kc_error_t err;
    kc_buf_t missing;

    if (conn->dialect->list_tables(
            conn, conf->catalog_pattern, conf->schema_pattern,
            (const char *const *)conf->table_types.items,
            conf->table_types.count, &all, &err) != KC_OK) {
        kc_jdbc_add_to_result(result, "connection.url", err.msg);
        return;
    }
    kc_buf_init(&missing, 0);
    for (size_t i = 0; i < conf->whitelist.count; i++) {
        const char *want = conf->whitelist.items[i];
        bool found = false;

        for (size_t k = 0; k < all.count && !found; k++) {
            char *fqn = kc_jdbc_table_fqn(&all.items[k]);
            kc_buf_t quoted;

            kc_buf_init(&quoted, 0);
            kc_jdbc_append_table(conn, &quoted, &all.items[k]);
            found = strcmp(want, all.items[k].table) == 0 ||
                    strcmp(want, fqn) == 0 ||
                    strcmp(want, kc_buf_cstr(&quoted)) == 0;
            kc_buf_release(&quoted);
            kc_free(fqn);
        }
        if (!found) {
            kc_buf_printf(&missing, "%s%s", missing.len > 0 ? ", " : "", want);
        }
    }
    if (missing.len > 0) {
        char *msg = kc_asprintf("table(s) not found in the database: %s",
                                kc_buf_cstr(&missing));

        kc_jdbc_add_to_result(result, "table.whitelist", msg);
        kc_free(msg);
    }
    kc_buf_release(&missing);
    kc_jdbc_table_list_release(&all);
}

void kc_jdbc_source_validate(const kc_props_t *config,
                             kc_config_result_t *result)
{
    kc_jdbc_source_conf_t conf;
    kc_error_t err;
    kc_jdbc_conn_t *conn = NULL;
    size_t before = result->count;

    memset(&conf, 0, sizeof(conf));
    /* Bad single keys are already reported by the table. */
    if (kc_config_bind(kc_jdbc_source_tables, config, &conf, &err) != KC_OK) {
        return;
    }
    kc_jdbc_cross_issues(&conf, kc_jdbc_add_to_result, result);
    /* As Confluent's validation: the database must answer. */
    if (result->count == before &&
        kc_jdbc_connect(conf.url, conf.dialect_name, conf.user, conf.password,
                        true, &conn, &err) != KC_OK) {
        kc_jdbc_add_to_result(result, "connection.url", err.msg);
    } else if (conn != NULL && conf.whitelist.count > 0) {
        kc_jdbc_missing_tables(&conf, conn, result);
    }
    kc_jdbc_close(conn);
    kc_config_bind_release(kc_jdbc_source_tables, &conf);
}
