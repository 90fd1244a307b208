/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JdbcSourceTask: one querier per table (or one for the query), each
 * re-run poll.interval.ms after its last result set ended (the queriers
 * are in kc_jdbc_querier.c); here start/poll/stop, connecting and
 * reconnecting, and the column mappings of a table.
 */
#include "kc_internal.h"

#include <inttypes.h>

#include "connectors/jdbc/kc_jdbc_querier.h"
#include "util/kc_java_regex.h"
#include "util/kc_clock.h"
#include "util/kc_str.h"

/* Longest a poll sleeps waiting for a table to be due. */
#define KC_JDBC_IDLE_MS 200

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
    task->legacy_calendar = task->conf.date_calendar == NULL ||
                            strcmp(task->conf.date_calendar, "LEGACY") == 0;
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
kc_err_t kc_jdbc_resolve_ts(kc_jdbc_task_t *task, kc_jdbc_querier_t *q,
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
kc_err_t kc_jdbc_detect_inc(kc_jdbc_task_t *task, kc_jdbc_querier_t *q,
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

/* Drop the connection after a failure; the next poll reconnects. */
static void kc_jdbc_task_disconnect(kc_jdbc_task_t *task)
{
    for (size_t i = 0; i < task->nqueriers; i++) {
        kc_jdbc_querier_close_rs(&task->queriers[i]);
    }
    kc_jdbc_close(task->conn);
    task->conn = NULL;
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
