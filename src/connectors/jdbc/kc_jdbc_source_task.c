/*
 * JdbcSourceTask: one querier per table (or one for the query), each
 * re-run poll.interval.ms after its last result set ended, with
 * Confluent's generated SQL, bound parameters, source partitions and
 * offsets:
 *
 *   partition  {"protocol":"1","table":"<schema.table>"} (incremental
 *              table modes; the legacy {"table":"<table>"} is read too),
 *              {"table":"<table>"} (bulk), {"query":"query"} (query mode)
 *   offset     {"timestamp_nanos":n,"incrementing":i,"timestamp":ms},
 *              with the keys the mode uses, in the order Java's HashMap
 *              writes them, so a Java worker's offsets resume here and
 *              back.
 *
 * A result set stays open across polls and is read batch.max.rows rows at
 * a time. In timestamp mode a row's offset advances to its timestamp only
 * once the next row has a later one (or the result set ended), so rows
 * sharing a timestamp across a batch boundary are neither lost nor read
 * twice after a restart.
 */
#include "kc_internal.h"

#include <inttypes.h>

#include "connectors/jdbc/kc_jdbc_source.h"
#include "util/kc_java_regex.h"
#include "util/kc_clock.h"
#include "util/kc_str.h"

#define KC_JDBC_TASK_LOGGER "io.confluent.connect.jdbc.source.JdbcSourceTask"
/* Longest a poll sleeps waiting for a table to be due. */
#define KC_JDBC_IDLE_MS 200

typedef enum kc_jdbc_mode {
    KC_JDBC_MODE_BULK,
    KC_JDBC_MODE_INCREMENTING,
    KC_JDBC_MODE_TIMESTAMP,
    KC_JDBC_MODE_TIMESTAMP_INCREMENTING
} kc_jdbc_mode_t;

typedef struct kc_jdbc_querier {
    kc_jdbc_table_id_t id; /* table mode */
    char *fqn;             /* unquoted full name: the partition's table */
    char *topic;
    char *sql;      /* the statement, built on the first run */
    char *inc_name; /* the incrementing column (configured or detected) */
    kc_cfg_list_t ts_names; /* the timestamp columns (borrowed strings) */
    char *ts_buf;           /* the mapping's columns, split in place */
    /* the committed position, and the one of the last record emitted */
    bool has_inc;
    int64_t inc;
    bool has_ts;
    kc_jdbc_ts_t ts;
    bool offsets_loaded;
    /* an open result set */
    kc_jdbc_rs_t *rs;
    kc_jdbc_row_schema_t rsch;
    bool has_current; /* rs's current row is read but not yet a record */
    long inc_col;     /* result column of the incrementing column, or -1 */
    long *ts_cols;
    size_t nts;
    bool validated;
    int64_t next_run_ms; /* monotonic */
    int query_failures;
} kc_jdbc_querier_t;

typedef struct kc_jdbc_source_task_ctx {
    kc_source_task_ctx_t *tctx;
    kc_jdbc_source_conf_t conf;
    kc_jdbc_mode_t mode;
    bool query_mode;
    kc_jdbc_conn_t *conn;
    int conn_failures;
    int64_t next_connect_ms;
    bool connected_once; /* a lost database is then waited for */
    kc_jdbc_querier_t *queriers;
    size_t nqueriers;
    char *tables_text;
    kc_jdbc_tz_t *tz; /* db.timezone; NULL: UTC */
} kc_jdbc_task_t;

static kc_jdbc_offset_fn kc_jdbc_offset_lookup = kc_source_offset_get;

void kc_jdbc_source_set_offset_fn(kc_jdbc_offset_fn fn)
{
    kc_jdbc_offset_lookup = fn != NULL ? fn : kc_source_offset_get;
}

static void kc_jdbc_querier_close_rs(kc_jdbc_querier_t *q)
{
    if (q->rs != NULL) {
        q->rs->conn->dialect->rs_close(q->rs);
        q->rs = NULL;
    }
    kc_jdbc_row_schema_release(&q->rsch);
    kc_free(q->ts_cols);
    q->ts_cols = NULL;
    q->nts = 0;
    q->has_current = false;
}

static void kc_jdbc_task_free(kc_jdbc_task_t *task)
{
    for (size_t i = 0; i < task->nqueriers; i++) {
        kc_jdbc_querier_t *q = &task->queriers[i];

        kc_jdbc_querier_close_rs(q);
        kc_jdbc_table_id_release(&q->id);
        kc_free(q->fqn);
        kc_free(q->topic);
        kc_free(q->sql);
        kc_free(q->inc_name);
        kc_free(q->ts_names.items);
        kc_free(q->ts_buf);
    }
    kc_free(task->queriers);
    kc_jdbc_close(task->conn);
    kc_free(task->tables_text);
    kc_jdbc_tz_destroy(task->tz);
    kc_jdbc_source_conf_release(&task->conf);
    kc_free(task);
}

static kc_err_t kc_jdbc_task_start(void **ctx, const kc_props_t *config,
                                   kc_source_task_ctx_t *tctx, kc_error_t *err)
{
    kc_jdbc_task_t *task = kc_calloc(1, sizeof(*task));
    const char *tables = kc_props_get(config, "tables");
    kc_err_t rc;

    task->tctx = tctx;
    rc = kc_jdbc_source_conf_load(config, &task->conf, err);
    if (rc != KC_OK) {
        kc_free(task);
        return rc;
    }
    if (strcmp(task->conf.mode, "incrementing") == 0) {
        task->mode = KC_JDBC_MODE_INCREMENTING;
    } else if (strcmp(task->conf.mode, "timestamp") == 0) {
        task->mode = KC_JDBC_MODE_TIMESTAMP;
    } else if (strcmp(task->conf.mode, "timestamp+incrementing") == 0) {
        task->mode = KC_JDBC_MODE_TIMESTAMP_INCREMENTING;
    } else {
        task->mode = KC_JDBC_MODE_BULK;
    }
    task->query_mode = task->conf.query != NULL && *task->conf.query != '\0';
    if (!task->query_mode && (tables == NULL || *tables == '\0')) {
        kc_jdbc_task_free(task);
        return kc_error_set(err, KC_ERR_INVALID,
                            "Invalid configuration: each JdbcSourceTask must "
                            "have at least one table assigned to it or one "
                            "query specified (no table matched the table "
                            "filters)");
    }
    task->tables_text = kc_strdup(tables != NULL ? tables : "");
    if (!kc_jdbc_timezone_is_utc(task->conf.db_timezone)) {
        rc = kc_jdbc_tz_load(task->conf.db_timezone, &task->tz, err);
        if (rc != KC_OK) {
            kc_jdbc_task_free(task);
            return rc;
        }
    }
    *ctx = task;
    return KC_OK;
}

/* Build the queriers once the dialect (quote char) is known. */
static kc_err_t kc_jdbc_task_setup(kc_jdbc_task_t *task, kc_error_t *err)
{
    kc_jdbc_table_list_t list = {0};
    const struct kc_jdbc_dialect *d = task->conn->dialect;

    if (task->queriers != NULL) {
        return KC_OK;
    }
    if (task->query_mode) {
        task->queriers = kc_calloc(1, sizeof(*task->queriers));
        task->nqueriers = 1;
        task->queriers[0].topic = kc_str_trim_dup(
            task->conf.topic_prefix, strlen(task->conf.topic_prefix));
        task->queriers[0].inc_col = -1;
        task->queriers[0].fqn = kc_strdup("the query"); /* for messages */
        return KC_OK;
    }
    if (kc_jdbc_parse_table_list(task->tables_text, d->quote_char,
                                 d->uses_catalogs, &list, err) != KC_OK) {
        kc_jdbc_table_list_release(&list);
        return KC_ERR_INVALID;
    }
    task->queriers = kc_calloc(list.count + 1, sizeof(*task->queriers));
    task->nqueriers = list.count;
    for (size_t i = 0; i < list.count; i++) {
        kc_jdbc_querier_t *q = &task->queriers[i];
        char *prefix = kc_str_trim_dup(task->conf.topic_prefix,
                                       strlen(task->conf.topic_prefix));

        q->id = list.items[i];
        q->fqn = kc_jdbc_table_fqn(&q->id);
        q->topic = kc_asprintf("%s%s", prefix, q->id.table);
        q->inc_col = -1;
        kc_free(prefix);
    }
    /* the ids moved into the queriers */
    kc_free(list.items);
    return KC_OK;
}

/* Append the criteria column: qualified by the table in table mode. */
static void kc_jdbc_append_column(const kc_jdbc_task_t *task,
                                  const kc_jdbc_querier_t *q, kc_buf_t *sql,
                                  const char *col)
{
    if (!task->query_mode) {
        kc_jdbc_append_table(task->conn, sql, &q->id);
        kc_buf_putc(sql, '.');
    }
    kc_jdbc_quote_ident(task->conn, sql, col);
}

static void kc_jdbc_append_ts(const kc_jdbc_task_t *task,
                              const kc_jdbc_querier_t *q, kc_buf_t *sql)
{
    const kc_cfg_list_t *cols = &q->ts_names;

    if (cols->count == 1) {
        kc_jdbc_append_column(task, q, sql, cols->items[0]);
        return;
    }
    kc_buf_puts(sql, "COALESCE(");
    for (size_t i = 0; i < cols->count; i++) {
        if (i > 0) {
            kc_buf_putc(sql, ',');
        }
        kc_jdbc_append_column(task, q, sql, cols->items[i]);
    }
    kc_buf_putc(sql, ')');
}

/* Confluent's statement for the querier's mode. */
static char *kc_jdbc_build_sql(const kc_jdbc_task_t *task,
                               const kc_jdbc_querier_t *q)
{
    kc_buf_t sql;
    const char *inc = q->inc_name;

    kc_buf_init(&sql, 0);
    if (task->query_mode) {
        kc_buf_puts(&sql, task->conf.query);
    } else {
        kc_buf_puts(&sql, "SELECT * FROM ");
        kc_jdbc_append_table(task->conn, &sql, &q->id);
    }
    switch (task->mode) {
    case KC_JDBC_MODE_BULK:
        break;
    case KC_JDBC_MODE_INCREMENTING:
        kc_buf_puts(&sql, " WHERE ");
        kc_jdbc_append_column(task, q, &sql, inc);
        kc_buf_puts(&sql, " > ? ORDER BY ");
        kc_jdbc_append_column(task, q, &sql, inc);
        kc_buf_puts(&sql, " ASC");
        break;
    case KC_JDBC_MODE_TIMESTAMP:
        kc_buf_puts(&sql, " WHERE ");
        kc_jdbc_append_ts(task, q, &sql);
        kc_buf_puts(&sql, " > ? AND ");
        kc_jdbc_append_ts(task, q, &sql);
        kc_buf_puts(&sql, " < ? ORDER BY ");
        kc_jdbc_append_ts(task, q, &sql);
        kc_buf_puts(&sql, " ASC");
        break;
    case KC_JDBC_MODE_TIMESTAMP_INCREMENTING:
        kc_buf_puts(&sql, " WHERE ");
        kc_jdbc_append_ts(task, q, &sql);
        kc_buf_puts(&sql, " < ? AND ((");
        kc_jdbc_append_ts(task, q, &sql);
        kc_buf_puts(&sql, " = ? AND ");
        kc_jdbc_append_column(task, q, &sql, inc);
        kc_buf_puts(&sql, " > ?) OR ");
        kc_jdbc_append_ts(task, q, &sql);
        kc_buf_puts(&sql, " > ?) ORDER BY ");
        kc_jdbc_append_ts(task, q, &sql);
        kc_buf_putc(&sql, ',');
        kc_jdbc_append_column(task, q, &sql, inc);
        kc_buf_puts(&sql, " ASC");
        break;
    }
    if (task->conf.query_suffix != NULL && *task->conf.query_suffix != '\0') {
        kc_buf_putc(&sql, ' ');
        kc_buf_puts(&sql, task->conf.query_suffix);
    }
    kc_buf_cstr(&sql);
    return kc_buf_detach(&sql, NULL);
}

/* A one- or two-entry string map in @p arena. */
static void kc_jdbc_map(kc_arena_t *arena, kc_value_t *map, size_t n,
                        const char *const *keys, const char *const *values)
{
    kc_value_set_map(arena, map, n);
    for (size_t i = 0; i < n; i++) {
        kc_value_set_string_ref(&map->u.map.keys[i], keys[i], strlen(keys[i]));
        kc_value_set_string(arena, &map->u.map.values[i], values[i],
                            strlen(values[i]));
    }
}

static void kc_jdbc_partition(const kc_jdbc_task_t *task,
                              const kc_jdbc_querier_t *q, bool legacy,
                              kc_arena_t *arena, kc_value_t *out)
{
    if (task->query_mode) {
        const char *k[] = {"query"};
        const char *v[] = {"query"};

        kc_jdbc_map(arena, out, 1, k, v);
    } else if (task->mode == KC_JDBC_MODE_BULK || legacy) {
        const char *k[] = {"table"};
        const char *v[] = {q->id.table};

        kc_jdbc_map(arena, out, 1, k, v);
    } else {
        const char *k[] = {"protocol", "table"};
        const char *v[] = {"1", q->fqn};

        kc_jdbc_map(arena, out, 2, k, v);
    }
}

static bool kc_jdbc_uses_inc(kc_jdbc_mode_t mode)
{
    return mode == KC_JDBC_MODE_INCREMENTING ||
           mode == KC_JDBC_MODE_TIMESTAMP_INCREMENTING;
}

static bool kc_jdbc_uses_ts(kc_jdbc_mode_t mode)
{
    return mode == KC_JDBC_MODE_TIMESTAMP ||
           mode == KC_JDBC_MODE_TIMESTAMP_INCREMENTING;
}

/* An integer offset entry, as Java's Long (or Integer) came back. */
static bool kc_jdbc_offset_int(const kc_value_t *offset, const char *key,
                               int64_t *out)
{
    const kc_value_t *v = kc_value_map_get(offset, key);

    if (v == NULL || v->type < KC_TYPE_INT8 || v->type > KC_TYPE_INT64) {
        return false;
    }
    *out = v->u.i;
    return true;
}

/* Read the committed offset (v1 partition first, then the legacy one). */
static kc_err_t kc_jdbc_load_offsets(kc_jdbc_task_t *task, kc_jdbc_querier_t *q,
                                     kc_error_t *err)
{
    kc_arena_t *arena = kc_arena_new(0);
    kc_value_t partition;
    kc_value_t offset;
    kc_err_t rc = KC_ERR_NOT_FOUND;
    int64_t v;

    q->offsets_loaded = true;
    if (task->mode == KC_JDBC_MODE_BULK) {
        kc_arena_destroy(arena);
        return KC_OK;
    }
    memset(&offset, 0, sizeof(offset));
    for (int legacy = 0; legacy < 2 && rc == KC_ERR_NOT_FOUND; legacy++) {
        if (legacy && task->query_mode) {
            break;
        }
        kc_jdbc_partition(task, q, legacy != 0, arena, &partition);
        rc = kc_jdbc_offset_lookup(task->tctx, &partition, arena, &offset);
        if (rc == KC_OK && offset.type != KC_TYPE_MAP) {
            rc = KC_ERR_NOT_FOUND;
        }
    }
    if (rc == KC_OK) {
        if (kc_jdbc_offset_int(&offset, "incrementing", &v)) {
            q->has_inc = true;
            q->inc = v;
        }
        if (kc_jdbc_offset_int(&offset, "timestamp", &v)) {
            int64_t nanos;

            q->has_ts = true;
            q->ts.sec = v >= 0 ? v / 1000 : -((-v + 999) / 1000);
            q->ts.nsec = (int32_t)((v - q->ts.sec * 1000) * 1000000);
            if (kc_jdbc_offset_int(&offset, "timestamp_nanos", &nanos) &&
                nanos >= 0 && nanos < 1000000000) {
                q->ts.nsec = (int32_t)nanos;
            }
        }
        kc_log_info(KC_JDBC_TASK_LOGGER,
                    "Resuming %s from its committed offset",
                    task->query_mode ? "the query" : q->fqn);
    } else if (rc == KC_ERR_NOT_FOUND) {
        rc = KC_OK;
        if (kc_jdbc_uses_ts(task->mode) && task->conf.has_ts_initial) {
            q->has_ts = true;
            if (task->conf.ts_initial == -1) {
                rc = task->conn->dialect->now(task->conn, &q->ts, err);
            } else {
                int64_t ms = task->conf.ts_initial;

                q->ts.sec = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
                q->ts.nsec = (int32_t)((ms - q->ts.sec * 1000) * 1000000);
            }
        }
    } else {
        kc_error_set(err, rc, "could not read the committed offset of \"%s\"",
                     task->query_mode ? "query" : q->fqn);
    }
    kc_arena_destroy(arena);
    return rc;
}

/* The result column named @p name: exact match first, else the only one
 * that matches ignoring case. */
static long kc_jdbc_find_col(const kc_jdbc_rs_t *rs, const char *name)
{
    long found = -1;

    for (size_t i = 0; i < rs->ncols; i++) {
        if (strcmp(rs->cols[i].name, name) == 0) {
            return (long)i;
        }
    }
    for (size_t i = 0; i < rs->ncols; i++) {
        if (kc_str_eq_nocase(rs->cols[i].name, name)) {
            if (found >= 0) {
                return -1;
            }
            found = (long)i;
        }
    }
    return found;
}

/*
 * The entry of a column mapping ("regex:col" or "regex:[c1|c2]") whose
 * regex matches the table's unquoted full name; exactly one must.
 * *@p cols points into the entry (the part after the last ':').
 */
static kc_err_t kc_jdbc_mapping_find(const kc_cfg_list_t *mapping,
                                     const char *key, const char *fqn,
                                     const char **cols, kc_error_t *err)
{
    size_t found = 0;

    for (size_t i = 0; i < mapping->count; i++) {
        char *entry = mapping->items[i];
        char *colon = strrchr(entry, ':');
        kc_java_regex_t *re;
        kc_err_t mrc;

        if (colon == NULL || colon == entry || colon[1] == '\0') {
            return kc_error_set(err, KC_ERR_INVALID,
                                "could not use %s entry \"%s\": expected "
                                "<regex>:<column> or <regex>:[c1|c2]",
                                key, entry);
        }
        *colon = '\0';
        re = kc_java_regex_new(entry, err);
        *colon = ':';
        if (re == NULL) {
            return KC_ERR_INVALID;
        }
        mrc = kc_java_regex_matches(re, fqn, err);
        kc_java_regex_destroy(re);
        if (mrc != KC_OK && mrc != KC_DECLINED) {
            return mrc;
        }
        if (mrc == KC_OK) {
            found++;
            *cols = colon + 1;
        }
    }
    if (found != 1) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "could not find the columns of %s: %zu entries "
                            "of %s match it, exactly one must",
                            fqn, found, key);
    }
    return KC_OK;
}

/* The timestamp columns of @p q: timestamp.columns.mapping or
 * timestamp.column.name. */
static kc_err_t kc_jdbc_resolve_ts(kc_jdbc_task_t *task, kc_jdbc_querier_t *q,
                                   kc_error_t *err)
{
    const char *cols = NULL;
    char *p;
    kc_err_t rc;

    if (task->conf.ts_mapping.count == 0) {
        q->ts_names.count = task->conf.ts_columns.count;
        q->ts_names.items =
            kc_calloc(q->ts_names.count + 1, sizeof(*q->ts_names.items));
        memcpy(q->ts_names.items, task->conf.ts_columns.items,
               q->ts_names.count * sizeof(*q->ts_names.items));
        return KC_OK;
    }
    rc = kc_jdbc_mapping_find(&task->conf.ts_mapping,
                              "timestamp.columns.mapping", q->fqn, &cols, err);
    if (rc != KC_OK) {
        return rc;
    }
    /* "[c1|c2]" (or a bare name), split on '|' in a copy of our own */
    q->ts_buf = kc_strdup(cols);
    p = q->ts_buf;
    if (*p == '[') {
        char *end = strrchr(p, ']');

        p++;
        if (end != NULL) {
            *end = '\0';
        }
    }
    q->ts_names.items = kc_calloc(8, sizeof(*q->ts_names.items));
    for (char *tok = p; tok != NULL && q->ts_names.count < 8;) {
        char *bar = strchr(tok, '|');

        if (bar != NULL) {
            *bar = '\0';
        }
        q->ts_names.items[q->ts_names.count++] = tok;
        tok = bar != NULL ? bar + 1 : NULL;
    }
    return KC_OK;
}

/*
 * The incrementing column: the configured one, else (table mode) the first
 * auto-increment column of the table, as Confluent detects it.
 */
static kc_err_t kc_jdbc_detect_inc(kc_jdbc_task_t *task, kc_jdbc_querier_t *q,
                                   kc_error_t *err)
{
    const struct kc_jdbc_dialect *d = task->conn->dialect;
    kc_jdbc_rs_t *rs = NULL;
    kc_buf_t sql;
    kc_err_t rc;

    if (task->conf.inc_mapping.count > 0) {
        const char *col = NULL;

        rc = kc_jdbc_mapping_find(&task->conf.inc_mapping,
                                  "incrementing.column.mapping", q->fqn, &col,
                                  err);
        if (rc == KC_OK) {
            size_t len = strlen(col);

            /* "regex:col" or "regex:[col]" */
            if (len >= 2 && col[0] == '[' && col[len - 1] == ']') {
                q->inc_name = kc_strndup(col + 1, len - 2);
            } else {
                q->inc_name = kc_strdup(col);
            }
        }
        return rc;
    }
    if (task->conf.inc_column != NULL && *task->conf.inc_column != '\0') {
        q->inc_name = kc_strdup(task->conf.inc_column);
        return KC_OK;
    }
    kc_buf_init(&sql, 0);
    kc_buf_puts(&sql, "SELECT * FROM ");
    kc_jdbc_append_table(task->conn, &sql, &q->id);
    kc_buf_puts(&sql, " WHERE 1 = 0");
    rc = d->query(task->conn, kc_buf_cstr(&sql), NULL, 0, 1, &rs, err);
    kc_buf_release(&sql);
    if (rc != KC_OK) {
        return rc;
    }
    for (size_t i = 0; i < rs->ncols && q->inc_name == NULL; i++) {
        if (rs->cols[i].autoincrement) {
            q->inc_name = kc_strdup(rs->cols[i].name);
        }
    }
    d->rs_close(rs);
    if (q->inc_name == NULL) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "could not find an auto-increment column in %s "
                            "for incrementing mode; set "
                            "incrementing.column.name",
                            q->fqn);
    }
    kc_log_info(KC_JDBC_TASK_LOGGER,
                "Using the auto-increment column %s of %s as the "
                "incrementing column",
                q->inc_name, q->fqn);
    return KC_OK;
}

/* Run the querier's statement with its bounds. */
static kc_err_t kc_jdbc_execute(kc_jdbc_task_t *task, kc_jdbc_querier_t *q,
                                kc_error_t *err)
{
    const struct kc_jdbc_dialect *d = task->conn->dialect;
    kc_jdbc_param_t params[4];
    size_t n = 0;
    kc_jdbc_ts_t begin = q->has_ts ? q->ts : (kc_jdbc_ts_t){0, 0};
    kc_jdbc_ts_t end = {0, 0};
    kc_err_t rc;

    memset(params, 0, sizeof(params));
    if (q->sql == NULL && kc_jdbc_uses_ts(task->mode) &&
        q->ts_names.items == NULL) {
        rc = kc_jdbc_resolve_ts(task, q, err);
        if (rc != KC_OK) {
            return rc;
        }
    }
    if (q->sql == NULL && kc_jdbc_uses_inc(task->mode) && q->inc_name == NULL) {
        rc = kc_jdbc_detect_inc(task, q, err);
        if (rc != KC_OK) {
            return rc;
        }
    }
    if (q->sql == NULL) {
        q->sql = kc_jdbc_build_sql(task, q);
    }
    if (kc_jdbc_uses_ts(task->mode)) {
        int64_t delay_ns = task->conf.ts_delay_ms * 1000000;

        rc = d->now(task->conn, &end, err);
        if (rc != KC_OK) {
            return rc;
        }
        end.sec -= delay_ns / 1000000000;
        end.nsec -= (int32_t)(delay_ns % 1000000000);
        if (end.nsec < 0) {
            end.nsec += 1000000000;
            end.sec--;
        }
    }
    /* Bound as wall-clock text in db.timezone, as JDBC's setTimestamp
     * with that calendar. */
    begin.sec += kc_jdbc_tz_offset(task->tz, begin.sec);
    end.sec += kc_jdbc_tz_offset(task->tz, end.sec);
    switch (task->mode) {
    case KC_JDBC_MODE_BULK:
        break;
    case KC_JDBC_MODE_INCREMENTING:
        params[n].kind = KC_JDBC_PARAM_INT64;
        params[n++].i = q->has_inc ? q->inc : -1;
        break;
    case KC_JDBC_MODE_TIMESTAMP:
        params[n].kind = KC_JDBC_PARAM_TIMESTAMP;
        params[n++].ts = begin;
        params[n].kind = KC_JDBC_PARAM_TIMESTAMP;
        params[n++].ts = end;
        break;
    case KC_JDBC_MODE_TIMESTAMP_INCREMENTING:
        params[n].kind = KC_JDBC_PARAM_TIMESTAMP;
        params[n++].ts = end;
        params[n].kind = KC_JDBC_PARAM_TIMESTAMP;
        params[n++].ts = begin;
        params[n].kind = KC_JDBC_PARAM_INT64;
        params[n++].i = q->has_inc ? q->inc : -1;
        params[n].kind = KC_JDBC_PARAM_TIMESTAMP;
        params[n++].ts = begin;
        break;
    }
    kc_log_debug(KC_JDBC_TASK_LOGGER, "Executing: %s",
                 task->conf.query_masked != NULL &&
                         *task->conf.query_masked != '\0'
                     ? "(masked query)"
                     : q->sql);
    rc = d->query(task->conn, q->sql, params, n,
                  (size_t)task->conf.batch_max_rows, &q->rs, err);
    if (rc != KC_OK) {
        return rc;
    }
    kc_jdbc_row_schema_build(q->rs, task->conf.mapping,
                             kc_jdbc_ts_granularity(task->conf.ts_granularity),
                             task->query_mode ? NULL : q->id.table,
                             q->validated, &q->rsch);
    q->rsch.tz = task->tz;
    q->inc_col = -1;
    if (kc_jdbc_uses_inc(task->mode)) {
        q->inc_col = kc_jdbc_find_col(q->rs, q->inc_name);
        if (q->inc_col < 0) {
            return kc_error_set(err, KC_ERR_NOT_FOUND,
                                "could not find incrementing column \"%s\" "
                                "in the result of %s",
                                q->inc_name,
                                task->query_mode ? "the query" : q->fqn);
        }
    }
    if (kc_jdbc_uses_ts(task->mode)) {
        q->nts = q->ts_names.count;
        q->ts_cols = kc_calloc(q->nts + 1, sizeof(*q->ts_cols));
        for (size_t i = 0; i < q->nts; i++) {
            q->ts_cols[i] = kc_jdbc_find_col(q->rs, q->ts_names.items[i]);
            if (q->ts_cols[i] < 0) {
                return kc_error_set(err, KC_ERR_NOT_FOUND,
                                    "could not find timestamp column \"%s\" "
                                    "in the result of %s",
                                    q->ts_names.items[i],
                                    task->query_mode ? "the query" : q->fqn);
            }
        }
    }
    if (!q->validated && !task->query_mode && task->conf.validate_non_null) {
        if (q->inc_col >= 0 &&
            q->rs->cols[q->inc_col].nullable != KC_JDBC_NO_NULLS) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "Cannot make incremental queries using "
                                "incrementing column %s on %s because this "
                                "column is nullable.",
                                q->inc_name, q->fqn);
        }
        if (q->nts > 0) {
            bool any = false;

            for (size_t i = 0; i < q->nts; i++) {
                any |= q->rs->cols[q->ts_cols[i]].nullable == KC_JDBC_NO_NULLS;
            }
            if (!any) {
                return kc_error_set(err, KC_ERR_INVALID,
                                    "Cannot make incremental queries using "
                                    "timestamp columns [%s] on %s because "
                                    "all of these columns are nullable.",
                                    q->ts_names.items[0], q->fqn);
            }
        }
    }
    q->validated = true;
    return KC_OK;
}

/* The offset position of the current row. */
static kc_err_t kc_jdbc_row_position(kc_jdbc_task_t *task, kc_jdbc_querier_t *q,
                                     bool *has_inc, int64_t *inc, bool *has_ts,
                                     kc_jdbc_ts_t *ts, kc_error_t *err)
{
    const struct kc_jdbc_dialect *d = task->conn->dialect;
    const char *data;
    size_t len;

    *has_inc = false;
    *has_ts = false;
    if (q->inc_col >= 0) {
        char tmp[64];
        char *end;

        d->get(q->rs, (size_t)q->inc_col, &data, &len);
        if (data == NULL) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "could not read incrementing column \"%s\" "
                                "of %s: the value is null",
                                q->inc_name, q->fqn);
        }
        if (len >= sizeof(tmp)) {
            len = sizeof(tmp) - 1;
        }
        memcpy(tmp, data, len);
        tmp[len] = '\0';
        errno = 0;
        *inc = strtoll(tmp, &end, 10);
        if (errno != 0 || end == tmp || (*end != '\0' && *end != '.')) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "could not read incrementing column \"%s\" "
                                "of %s: \"%s\" is not an integer that fits "
                                "in a long",
                                q->inc_name, q->fqn, tmp);
        }
        *has_inc = true;
    }
    for (size_t i = 0; i < q->nts; i++) {
        d->get(q->rs, (size_t)q->ts_cols[i], &data, &len);
        if (data == NULL) {
            continue;
        }
        if (kc_jdbc_ts_parse_tz(data, len, false, task->tz, ts) != KC_OK) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "could not read timestamp column \"%s\" of "
                                "%s: \"%.*s\" is not a timestamp",
                                q->ts_names.items[i], q->fqn,
                                (int)(len > 64 ? 64 : len), data);
        }
        *has_ts = true;
        break;
    }
    return KC_OK;
}

static void kc_jdbc_set_offset(const kc_jdbc_task_t *task, kc_arena_t *arena,
                               kc_value_t *offset, bool has_inc, int64_t inc,
                               bool has_ts, kc_jdbc_ts_t ts)
{
    size_t n = 0;
    static const char *const k_nanos = "timestamp_nanos";
    static const char *const k_inc = "incrementing";
    static const char *const k_ts = "timestamp";

    if (task->mode == KC_JDBC_MODE_BULK) {
        kc_value_set_null(offset);
        return;
    }
    kc_value_set_map(arena, offset, (has_inc ? 1 : 0) + (has_ts ? 2 : 0));
    /* Java's HashMap order of these keys: timestamp_nanos, incrementing,
     * timestamp. */
    if (has_ts) {
        kc_value_set_string_ref(&offset->u.map.keys[n], k_nanos,
                                strlen(k_nanos));
        kc_value_set_int(&offset->u.map.values[n++], KC_TYPE_INT64, ts.nsec);
    }
    if (has_inc) {
        kc_value_set_string_ref(&offset->u.map.keys[n], k_inc, strlen(k_inc));
        kc_value_set_int(&offset->u.map.values[n++], KC_TYPE_INT64, inc);
    }
    if (has_ts) {
        kc_value_set_string_ref(&offset->u.map.keys[n], k_ts, strlen(k_ts));
        kc_value_set_int(&offset->u.map.values[n++], KC_TYPE_INT64,
                         ts.sec * 1000 + ts.nsec / 1000000);
    }
}

static bool kc_jdbc_ts_after(kc_jdbc_ts_t a, kc_jdbc_ts_t b)
{
    return a.sec > b.sec || (a.sec == b.sec && a.nsec > b.nsec);
}

/* Drop the connection after a failure; the next poll reconnects. */
static void kc_jdbc_task_disconnect(kc_jdbc_task_t *task)
{
    for (size_t i = 0; i < task->nqueriers; i++) {
        kc_jdbc_querier_close_rs(&task->queriers[i]);
    }
    kc_jdbc_close(task->conn);
    task->conn = NULL;
}

/*
 * Read rows of @p q into @p batch until it holds batch.max.rows records
 * or the result set ends.
 */
static kc_err_t kc_jdbc_read(kc_jdbc_task_t *task, kc_jdbc_querier_t *q,
                             kc_batch_t *batch, kc_error_t *err)
{
    const struct kc_jdbc_dialect *d = task->conn->dialect;
    kc_value_t partition;
    const char *topic = kc_arena_strdup(batch->arena, q->topic);
    kc_record_t *pending = NULL; /* timestamp mode: offset not yet known */
    kc_jdbc_ts_t pending_ts = {0, 0};
    size_t added = 0;
    kc_err_t rc;

    kc_jdbc_partition(task, q, false, batch->arena, &partition);
    /* The records outlive the result set (and its schema) in the batch. */
    kc_arena_on_reset(batch->arena, kc_schema_unref_cb,
                      kc_schema_ref(q->rsch.schema));
    for (;;) {
        bool has_inc;
        bool has_ts;
        int64_t inc = 0;
        kc_jdbc_ts_t ts = {0, 0};
        bool eof = false;
        kc_record_t *rec;

        if (!q->has_current) {
            bool row = false;

            rc = d->next(q->rs, &row, err);
            if (rc != KC_OK) {
                goto fail;
            }
            q->has_current = row;
            eof = !row;
        }
        if (pending != NULL) {
            bool later = eof;

            if (!eof) {
                rc = kc_jdbc_row_position(task, q, &has_inc, &inc, &has_ts, &ts,
                                          err);
                if (rc != KC_OK) {
                    goto fail;
                }
                later = !has_ts || kc_jdbc_ts_after(ts, pending_ts);
            }
            if (later) {
                q->has_ts = true;
                q->ts = pending_ts;
            }
            /* Until then the offset stays where it was: a restart reads
             * the rows sharing that timestamp again, none is skipped. */
            kc_jdbc_set_offset(task, batch->arena, &pending->source_offset,
                               false, 0, q->has_ts, q->ts);
            pending = NULL;
        }
        if (eof) {
            kc_jdbc_querier_close_rs(q);
            rc = d->commit(task->conn, err);
            q->next_run_ms =
                kc_clock_now_ms() + (int64_t)task->conf.poll_interval_ms;
            return rc;
        }
        if (added >= (size_t)task->conf.batch_max_rows) {
            return KC_OK; /* the current row starts the next batch */
        }
        rc = kc_jdbc_row_position(task, q, &has_inc, &inc, &has_ts, &ts, err);
        if (rc != KC_OK) {
            goto fail;
        }
        rec = kc_batch_add(batch);
        rec->topic = topic;
        rec->partition = -1;
        rec->offset = -1;
        rec->timestamp = -1;
        rec->value_schema = q->rsch.schema;
        rc = kc_jdbc_row_value(&q->rsch, q->rs, batch->arena, &rec->value, err);
        if (rc != KC_OK) {
            kc_error_prefix(err, "could not read a row of %s",
                            task->query_mode ? "the query" : q->fqn);
            batch->len--; /* the half-made record */
            goto fail;
        }
        q->has_current = false;
        rec->source_partition = partition;
        if (task->mode == KC_JDBC_MODE_TIMESTAMP && has_ts) {
            pending = rec;
            pending_ts = ts;
        } else {
            if (has_inc) {
                q->has_inc = true;
                q->inc = inc;
            }
            if (has_ts) {
                q->has_ts = true;
                q->ts = ts;
            }
            kc_jdbc_set_offset(task, batch->arena, &rec->source_offset,
                               kc_jdbc_uses_inc(task->mode), q->inc,
                               kc_jdbc_uses_ts(task->mode) && q->has_ts, q->ts);
        }
        added++;
    }
fail:
    if (pending != NULL) {
        /* The next row is unknown: keep the offset where it was. */
        kc_jdbc_set_offset(task, batch->arena, &pending->source_offset, false,
                           0, q->has_ts, q->ts);
    }
    return rc;
}

/* transaction.isolation.mode; as Confluent, one the database does not
 * take is a warning, not a failure. */
static void kc_jdbc_set_isolation(kc_jdbc_task_t *task)
{
    const struct kc_jdbc_dialect *d = task->conn->dialect;
    const char *mode = task->conf.isolation;
    char level[64];
    char *sql;
    kc_error_t err;

    if (mode == NULL || strcmp(mode, "DEFAULT") == 0) {
        return;
    }
    if (d->isolation_sql == NULL) {
        kc_log_warn(KC_JDBC_TASK_LOGGER,
                    "Transaction isolation level %s is not supported by "
                    "%s; using the database's default",
                    mode, d->name);
        return;
    }
    snprintf(level, sizeof(level), "%s", mode);
    for (char *p = level; *p != '\0'; p++) {
        if (*p == '_') {
            *p = ' ';
        }
    }
    sql = kc_asprintf(d->isolation_sql, level);
    if (d->exec(task->conn, sql, &err) != KC_OK) {
        kc_log_warn(KC_JDBC_TASK_LOGGER,
                    "Transaction isolation level %s is not supported by "
                    "the database: %s",
                    mode, err.msg);
    }
    kc_free(sql);
}

/* Connect when there is no connection, with Confluent's attempts. */
static kc_err_t kc_jdbc_task_connect(kc_jdbc_task_t *task, kc_error_t *err)
{
    int64_t now = kc_clock_now_ms();
    kc_err_t rc;

    if (now < task->next_connect_ms) {
        int64_t wait = task->next_connect_ms - now;

        kc_clock_sleep_ms(wait < KC_JDBC_IDLE_MS ? wait : KC_JDBC_IDLE_MS);
        return KC_AGAIN;
    }
    rc = kc_jdbc_connect(task->conf.url, task->conf.dialect_name,
                         task->conf.user, task->conf.password,
                         task->conf.quote_always, &task->conn, err);
    if (rc == KC_OK) {
        if (task->conn_failures > 0) {
            kc_log_info(KC_JDBC_TASK_LOGGER,
                        "Connected to the database again after %d failed "
                        "attempts",
                        task->conn_failures);
        }
        task->conn_failures = 0;
        task->connected_once = true;
        kc_jdbc_set_isolation(task);
        if (task->tz != NULL && task->conn->dialect->session_tz_sql != NULL) {
            char *sql = kc_asprintf(task->conn->dialect->session_tz_sql,
                                    task->conf.db_timezone);

            rc = task->conn->dialect->exec(task->conn, sql, err);
            kc_free(sql);
            if (rc != KC_OK) {
                return rc;
            }
        }
        return kc_jdbc_task_setup(task, err);
    }
    task->conn_failures++;
    /*
     * Deliberately unlike Confluent, whose task fails once
     * connection.attempts are spent: a database that answered before and
     * now refuses for a reason that may pass (stopped, restarting,
     * unreachable) is waited for, every connection.backoff.ms, so the task
     * resumes by itself. At start, and for errors that will not pass (a
     * wrong password), connection.attempts still bounds the tries.
     */
    if (task->conn_failures >= task->conf.attempts && task->connected_once &&
        kc_error_is_retriable(err)) {
        kc_log_warn(KC_JDBC_TASK_LOGGER,
                    "Unable to connect to database on attempt %d: %s. The "
                    "database was reachable before: will retry in %" PRId64
                    " ms.",
                    task->conn_failures, err != NULL ? err->msg : "",
                    task->conf.backoff_ms);
        kc_error_clear(err);
        task->next_connect_ms = now + task->conf.backoff_ms;
        return KC_AGAIN;
    }
    if (task->conn_failures >= task->conf.attempts) {
        kc_error_set_retriable(err, false);
        if (err != NULL) {
            err->code = KC_ERR;
        }
        return KC_ERR;
    }
    kc_log_info(KC_JDBC_TASK_LOGGER,
                "Unable to connect to database on attempt %d/%d. Will retry "
                "in %" PRId64 " ms.",
                task->conn_failures, task->conf.attempts,
                task->conf.backoff_ms);
    task->next_connect_ms = now + task->conf.backoff_ms;
    return KC_AGAIN;
}

static kc_err_t kc_jdbc_task_poll(void *ctx, kc_batch_t *batch, kc_error_t *err)
{
    kc_jdbc_task_t *task = ctx;
    kc_jdbc_querier_t *q = NULL;
    int64_t now;
    kc_err_t rc;

    if (task->conn == NULL) {
        rc = kc_jdbc_task_connect(task, err);
        if (rc == KC_AGAIN) {
            return KC_OK;
        }
        if (rc != KC_OK) {
            return rc;
        }
    }
    /* An open result set first, else the table due soonest. */
    now = kc_clock_now_ms();
    for (size_t i = 0; i < task->nqueriers; i++) {
        kc_jdbc_querier_t *c = &task->queriers[i];

        if (c->rs != NULL) {
            q = c;
            break;
        }
        if (q == NULL || c->next_run_ms < q->next_run_ms) {
            q = c;
        }
    }
    if (q == NULL) {
        kc_clock_sleep_ms(KC_JDBC_IDLE_MS);
        return KC_OK;
    }
    if (q->rs == NULL && q->next_run_ms > now) {
        int64_t wait = q->next_run_ms - now;

        kc_clock_sleep_ms(wait < KC_JDBC_IDLE_MS ? wait : KC_JDBC_IDLE_MS);
        return KC_OK;
    }
    if (!q->offsets_loaded) {
        rc = kc_jdbc_load_offsets(task, q, err);
        if (rc != KC_OK) {
            return rc;
        }
    }
    if (q->rs == NULL) {
        rc = kc_jdbc_execute(task, q, err);
        if (rc == KC_OK) {
            q->query_failures = 0;
        }
    } else {
        rc = KC_OK;
    }
    if (rc == KC_OK) {
        rc = kc_jdbc_read(task, q, batch, err);
    }
    if (rc != KC_OK) {
        bool retriable = kc_error_is_retriable(err);

        kc_jdbc_querier_close_rs(q);
        if (!retriable || (task->conf.query_retries >= 0 &&
                           q->query_failures >= task->conf.query_retries)) {
            kc_error_set_retriable(err, false);
            if (err != NULL) {
                err->code = rc == KC_RETRY ? KC_ERR : rc;
            }
            return err != NULL ? err->code : KC_ERR;
        }
        /* Transient: reconnect on the next poll and read again from the
         * last record handed over; the rows already in the batch stay. */
        q->query_failures++;
        kc_log_warn(KC_JDBC_TASK_LOGGER,
                    "Failed to run query for %s (attempt %d): %s",
                    task->query_mode ? "the query" : q->fqn, q->query_failures,
                    err != NULL ? err->msg : "");
        kc_jdbc_task_disconnect(task);
        task->next_connect_ms = kc_clock_now_ms() + KC_JDBC_IDLE_MS;
        kc_error_clear(err);
        return KC_OK;
    }
    return KC_OK;
}

static void kc_jdbc_task_stop(void *ctx)
{
    if (ctx != NULL) {
        kc_jdbc_task_free(ctx);
    }
}

const struct kc_source_task_plugin kc_jdbc_source_task = {
    KC_PLUGIN_INIT(struct kc_source_task_plugin),
    .name = "JdbcSourceTask",
    .class_name = "io.confluent.connect.jdbc.source.JdbcSourceTask",
    .version = KC_VERSION_STR,
    .config_def = kc_jdbc_source_defs,
    .start = kc_jdbc_task_start,
    .poll = kc_jdbc_task_poll,
    .stop = kc_jdbc_task_stop,
};
