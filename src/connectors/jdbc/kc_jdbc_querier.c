/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The JDBC source's per-table querier: Confluent's generated SQL per
 * mode, bound parameters, source partitions and offsets:
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

#include "connectors/jdbc/kc_jdbc_querier.h"
#include "util/kc_clock.h"
#include "util/kc_str.h"

static kc_jdbc_offset_fn kc_jdbc_offset_lookup = kc_source_offset_get;

void kc_jdbc_source_set_offset_fn(kc_jdbc_offset_fn fn)
{
    kc_jdbc_offset_lookup = fn != NULL ? fn : kc_source_offset_get;
}

void kc_jdbc_querier_close_rs(kc_jdbc_querier_t *q)
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
kc_err_t kc_jdbc_load_offsets(kc_jdbc_task_t *task, kc_jdbc_querier_t *q,
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

/* Run the querier's statement with its bounds. */
kc_err_t kc_jdbc_execute(kc_jdbc_task_t *task, kc_jdbc_querier_t *q,
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
    if (task->legacy_calendar) {
        /* the offset holds the hybrid calendar's value, as Confluent's
         * does; setTimestamp binds its wall-clock fields */
        begin.sec = kc_jdbc_wall_from_legacy(begin.sec);
    }
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
    q->rsch.legacy_calendar = task->legacy_calendar;
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

/* The incrementing column's text the general way: "12" or "12.0". */
static kc_err_t kc_jdbc_row_position_int(const kc_jdbc_querier_t *q,
                                         const char *data, size_t len,
                                         int64_t *inc, kc_error_t *err)
{
    char tmp[64];
    char *end;

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
        d->get(q->rs, (size_t)q->inc_col, &data, &len);
        if (data == NULL) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "could not read incrementing column \"%s\" "
                                "of %s: the value is null",
                                q->inc_name, q->fqn);
        }
        if (!kc_jdbc_plain_int(data, len, inc) &&
            kc_jdbc_row_position_int(q, data, len, inc, err) != KC_OK) {
            return KC_ERR_INVALID;
        }
        *has_inc = true;
    }
    for (size_t i = 0; i < q->nts; i++) {
        d->get(q->rs, (size_t)q->ts_cols[i], &data, &len);
        if (data == NULL) {
            continue;
        }
        if (kc_jdbc_ts_read(data, len, task->tz, task->legacy_calendar, ts) !=
            KC_OK) {
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

/*
 * Read rows of @p q into @p batch until it holds batch.max.rows records
 * or the result set ends.
 */
kc_err_t kc_jdbc_read(kc_jdbc_task_t *task, kc_jdbc_querier_t *q,
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
