/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The JDBC source task's state shared by its two files: the task
 * (kc_jdbc_source_task.c: start/poll/stop, connecting, column mappings)
 * and its per-table queriers (kc_jdbc_querier.c: SQL per mode, bound
 * offsets, reading a batch, source partitions and offsets).
 */
#ifndef KC_CONNECTORS_JDBC_KC_JDBC_QUERIER_H
#define KC_CONNECTORS_JDBC_KC_JDBC_QUERIER_H

#include "kc_internal.h"

#include "connectors/jdbc/kc_jdbc_source.h"

#define KC_JDBC_TASK_LOGGER "io.confluent.connect.jdbc.source.JdbcSourceTask"

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
    kc_jdbc_tz_t *tz;     /* db.timezone; NULL: UTC */
    bool legacy_calendar; /* date.calendar.system=LEGACY */
} kc_jdbc_task_t;

/** @brief Close @p q's open result set, if any, and what was built on it. */
void kc_jdbc_querier_close_rs(kc_jdbc_querier_t *q);
/**
 * @brief Read @p q's committed offset (v1 partition first, then the legacy
 * one), else timestamp.initial; marks the offsets loaded.
 */
kc_err_t kc_jdbc_load_offsets(kc_jdbc_task_t *task, kc_jdbc_querier_t *q,
                              kc_error_t *err);
/**
 * @brief Run @p q's statement (built on the first run) with its bounds,
 * leaving the result set open in q->rs.
 */
kc_err_t kc_jdbc_execute(kc_jdbc_task_t *task, kc_jdbc_querier_t *q,
                         kc_error_t *err);
/**
 * @brief Read rows of @p q into @p batch until it holds batch.max.rows
 * records or the result set ends (then committed and closed).
 */
kc_err_t kc_jdbc_read(kc_jdbc_task_t *task, kc_jdbc_querier_t *q,
                      kc_batch_t *batch, kc_error_t *err);
/**
 * @brief Resolve @p q's timestamp columns: timestamp.columns.mapping or
 * timestamp.column.name (defined with the task's column mappings).
 */
kc_err_t kc_jdbc_resolve_ts(kc_jdbc_task_t *task, kc_jdbc_querier_t *q,
                            kc_error_t *err);
/**
 * @brief Resolve @p q's incrementing column: the mapping, the configured
 * one, else (table mode) the table's first auto-increment column.
 */
kc_err_t kc_jdbc_detect_inc(kc_jdbc_task_t *task, kc_jdbc_querier_t *q,
                            kc_error_t *err);

#endif /* KC_CONNECTORS_JDBC_KC_JDBC_QUERIER_H */
