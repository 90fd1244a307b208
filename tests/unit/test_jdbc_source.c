/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The JDBC source without a worker: URL parsing, date/time text, the task
 * split, and the task itself against an in-process SQLite file, with the
 * offset lookup replaced by one the test controls. Expected values are
 * Confluent's (partition and offset maps, generated criteria, the
 * timestamp-mode offset deferral of its PR #1093) and calendar facts
 * computed outside kconnect.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <inttypes.h>

#include <cmocka.h>

#include "kc_internal.h"

#include <unistd.h>

#include "connectors/jdbc/kc_jdbc_source.h"
#include "connectors/jdbc/kc_jdbc_types.h"

/* ---- URLs ------------------------------------------------------------- */

static void test_jdbc_url_parses_host_port_database_and_params(void **state)
{
    kc_jdbc_url_t url;
    kc_error_t err;

    KC_UNUSED(state);
    assert_int_equal(kc_jdbc_url_parse("jdbc:postgresql://db.example:6543/shop?"
                                       "sslmode=require&ApplicationName=a%20b",
                                       &url, &err),
                     KC_OK);
    assert_string_equal(url.subprotocol, "postgresql");
    assert_string_equal(url.host, "db.example");
    assert_int_equal(url.port, 6543);
    assert_string_equal(url.database, "shop");
    assert_string_equal(kc_props_get(url.params, "sslmode"), "require");
    assert_string_equal(kc_props_get(url.params, "ApplicationName"), "a b");
    kc_jdbc_url_release(&url);

    assert_int_equal(kc_jdbc_url_parse("jdbc:mariadb://[::1]/db", &url, &err),
                     KC_OK);
    assert_string_equal(url.host, "::1");
    assert_int_equal(url.port, 0);
    assert_string_equal(url.database, "db");
    kc_jdbc_url_release(&url);

    assert_int_equal(kc_jdbc_url_parse("jdbc:sqlite:/tmp/x.db", &url, &err),
                     KC_OK);
    assert_string_equal(url.subprotocol, "sqlite");
    assert_null(url.host);
    assert_string_equal(url.database, "/tmp/x.db");
    kc_jdbc_url_release(&url);

    /* pgjdbc's short form means localhost */
    assert_int_equal(kc_jdbc_url_parse("jdbc:postgresql:shop", &url, &err),
                     KC_OK);
    assert_string_equal(url.host, "localhost");
    assert_string_equal(url.database, "shop");
    kc_jdbc_url_release(&url);
}

static void test_jdbc_url_refuses_what_it_cannot_honour(void **state)
{
    kc_jdbc_url_t url;
    kc_jdbc_conn_t *conn = NULL;
    kc_error_t err;

    KC_UNUSED(state);
    assert_int_equal(kc_jdbc_url_parse("postgresql://h/db", &url, &err),
                     KC_ERR_INVALID);
    assert_int_equal(kc_jdbc_url_parse("jdbc:mysql://h:99999/db", &url, &err),
                     KC_ERR_INVALID);
    assert_non_null(strstr(err.msg, "99999"));
    assert_int_not_equal(
        kc_jdbc_url_parse("jdbc:postgresql://a,b/db", &url, &err), KC_OK);
    /* an unknown parameter is named, not ignored */
    assert_int_not_equal(kc_jdbc_connect("jdbc:sqlite::memory:?cache=shared",
                                         NULL, NULL, NULL, true, &conn, &err),
                         KC_OK);
    assert_null(conn);
    assert_non_null(strstr(err.msg, "\"cache\""));
    /* an unknown subprotocol */
    assert_int_not_equal(kc_jdbc_connect("jdbc:oracle:thin:@h:1521:x", NULL,
                                         NULL, NULL, true, &conn, &err),
                         KC_OK);
    assert_non_null(strstr(err.msg, "oracle"));
}

/* ---- date/time text --------------------------------------------------- */

static void test_jdbc_ts_parse_reads_database_texts(void **state)
{
    kc_jdbc_ts_t ts;
    char text[64];

    KC_UNUSED(state);
    assert_int_equal(kc_jdbc_ts_parse("2001-02-03", 10, false, &ts), KC_OK);
    assert_int_equal(ts.sec, 11356LL * 86400);
    assert_int_equal(kc_jdbc_ts_parse("2020-01-01 00:00:01.5", 21, false, &ts),
                     KC_OK);
    assert_int_equal(ts.sec, 1577836801LL);
    assert_int_equal(ts.nsec, 500000000);
    /* PostgreSQL's timestamptz text carries the offset */
    assert_int_equal(kc_jdbc_ts_parse("2020-01-01 04:00:00+02", 22, false, &ts),
                     KC_OK);
    assert_int_equal(ts.sec, 1577844000LL);
    assert_int_equal(
        kc_jdbc_ts_parse("1969-12-31T23:59:59.123456789Z", 30, false, &ts),
        KC_OK);
    assert_int_equal(ts.sec, -1);
    assert_int_equal(ts.nsec, 123456789);
    /* sqlite-jdbc stores dates as epoch milliseconds */
    assert_int_equal(kc_jdbc_ts_parse("1577836801250", 13, false, &ts), KC_OK);
    assert_int_equal(ts.sec, 1577836801LL);
    assert_int_equal(ts.nsec, 250000000);
    assert_int_equal(kc_jdbc_ts_parse("04:05:06.789", 12, true, &ts), KC_OK);
    assert_int_equal(ts.sec, 4 * 3600 + 5 * 60 + 6);
    assert_int_equal(ts.nsec, 789000000);
    assert_int_equal(kc_jdbc_ts_parse("not a date", 10, false, &ts),
                     KC_ERR_INVALID);
    assert_int_equal(kc_jdbc_ts_parse("2020-13-01", 10, false, &ts),
                     KC_ERR_INVALID);
    ts.sec = -1;
    ts.nsec = 5;
    kc_jdbc_ts_format(ts, text, sizeof(text));
    assert_string_equal(text, "1969-12-31 23:59:59.000000005");
}

/* ---- the task split --------------------------------------------------- */

static void test_jdbc_tables_split_as_connect_groups_partitions(void **state)
{
    size_t start;
    size_t count;

    KC_UNUSED(state);
    /* ConnectorUtils.groupPartitions: 5 over 2 -> 3 + 2 */
    kc_jdbc_group_range(5, 2, 0, &start, &count);
    assert_int_equal(start, 0);
    assert_int_equal(count, 3);
    kc_jdbc_group_range(5, 2, 1, &start, &count);
    assert_int_equal(start, 3);
    assert_int_equal(count, 2);
    /* 7 over 3 -> 3 + 2 + 2 */
    kc_jdbc_group_range(7, 3, 2, &start, &count);
    assert_int_equal(start, 5);
    assert_int_equal(count, 2);
}

static void test_jdbc_table_list_round_trips_quoted_names(void **state)
{
    kc_jdbc_table_list_t list = {0};
    kc_error_t err;

    KC_UNUSED(state);
    assert_int_equal(kc_jdbc_parse_table_list("\"public\".\"a,b\",\"x\"\"y\"",
                                              '"', false, &list, &err),
                     KC_OK);
    assert_int_equal(list.count, 2);
    assert_string_equal(list.items[0].schema, "public");
    assert_string_equal(list.items[0].table, "a,b");
    assert_string_equal(list.items[1].table, "x\"y");
    kc_jdbc_table_list_release(&list);
    /* MySQL: two parts are database.table */
    assert_int_equal(
        kc_jdbc_parse_table_list("`db`.`t`", '`', true, &list, &err), KC_OK);
    assert_string_equal(list.items[0].catalog, "db");
    assert_null(list.items[0].schema);
    kc_jdbc_table_list_release(&list);
}

/* ---- the task against SQLite ------------------------------------------ */

/* What the fake offset store holds, and what was asked of it. */
static int offset_kind; /* 0 none, 1 v1 partition, 2 legacy partition */
static int64_t offset_inc;
static char asked[4][128];
static int nasked;

static kc_err_t fake_offset_get(kc_source_task_ctx_t *tctx,
                                const kc_value_t *partition, kc_arena_t *arena,
                                kc_value_t *offset)
{
    const kc_value_t *protocol = kc_value_map_get(partition, "protocol");
    const kc_value_t *table = kc_value_map_get(partition, "table");
    bool v1 = protocol != NULL;

    KC_UNUSED(tctx);
    assert_non_null(table);
    if (nasked < 4) {
        snprintf(asked[nasked++], sizeof(asked[0]), "%s%.*s",
                 v1 ? "v1:" : "v0:", (int)table->u.str.len, table->u.str.data);
    }
    if ((offset_kind == 1 && v1) || (offset_kind == 2 && !v1)) {
        kc_value_set_map(arena, offset, 1);
        kc_value_set_string(arena, &offset->u.map.keys[0], "incrementing", 12);
        kc_value_set_int(&offset->u.map.values[0], KC_TYPE_INT64, offset_inc);
        return KC_OK;
    }
    return KC_ERR_NOT_FOUND;
}

typedef struct fixture {
    char path[64];
    char url[96];
    kc_jdbc_conn_t *db;
    void *task;
    kc_batch_t batch;
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = kc_calloc(1, sizeof(*f));
    kc_error_t err;
    int fd;

    snprintf(f->path, sizeof(f->path), "/tmp/kc_test_jdbc_XXXXXX");
    fd = mkstemp(f->path);
    assert_true(fd >= 0);
    close(fd);
    snprintf(f->url, sizeof(f->url), "jdbc:sqlite:%s", f->path);
    assert_int_equal(
        kc_jdbc_connect(f->url, NULL, NULL, NULL, true, &f->db, &err), KC_OK);
    kc_batch_init(&f->batch);
    offset_kind = 0;
    offset_inc = 0;
    nasked = 0;
    kc_jdbc_source_set_offset_fn(fake_offset_get);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;

    if (f->task != NULL) {
        kc_jdbc_source_task.stop(f->task);
    }
    kc_batch_release(&f->batch);
    kc_jdbc_close(f->db);
    unlink(f->path);
    kc_jdbc_source_set_offset_fn(NULL);
    kc_free(f);
    return 0;
}

static void exec_sql(fixture_t *f, const char *sql)
{
    kc_error_t err;

    assert_int_equal(f->db->dialect->exec(f->db, sql, &err), KC_OK);
}

/* Start the task with @p extra ("k=v\n" lines) over table "t". */
static kc_err_t start_task(fixture_t *f, const char *extra, kc_error_t *err)
{
    kc_props_t *props = kc_props_new();
    kc_err_t rc;

    kc_props_set(props, "connection.url", f->url);
    kc_props_set(props, "topic.prefix", "db-");
    kc_props_set(props, "tables", "\"t\"");
    kc_props_set(props, "poll.interval.ms", "0");
    assert_int_equal(kc_props_parse(props, extra, strlen(extra), err), KC_OK);
    rc = kc_jdbc_source_task.start(&f->task, props, NULL, err);
    kc_props_destroy(props);
    return rc;
}

/* Poll until a poll returns records (bounded), or the error. */
static kc_err_t poll_some(fixture_t *f, kc_error_t *err)
{
    kc_arena_reset(f->batch.arena);
    kc_batch_clear(&f->batch);
    for (int i = 0; i < 50; i++) {
        kc_err_t rc = kc_jdbc_source_task.poll(f->task, &f->batch, err);

        if (rc != KC_OK || f->batch.len > 0) {
            return rc;
        }
    }
    return KC_OK;
}

static int64_t field_int(const kc_record_t *rec, const char *name)
{
    const kc_value_t *v = kc_value_struct_get(&rec->value, name);

    assert_non_null(v);
    return v->u.i;
}

static int64_t offset_int(const kc_record_t *rec, const char *key)
{
    const kc_value_t *v = kc_value_map_get(&rec->source_offset, key);

    assert_non_null(v);
    return v->u.i;
}

static void test_jdbc_incrementing_reads_new_rows_with_offsets(void **state)
{
    fixture_t *f = *state;
    kc_error_t err;
    const kc_record_t *rec;
    const kc_value_t *pv;

    exec_sql(f, "CREATE TABLE t(id INTEGER NOT NULL, name TEXT);"
                "INSERT INTO t VALUES (1,'a'),(2,'b');");
    assert_int_equal(start_task(f,
                                "mode=incrementing\n"
                                "incrementing.column.name=id\n",
                                &err),
                     KC_OK);
    assert_int_equal(poll_some(f, &err), KC_OK);
    assert_int_equal(f->batch.len, 2);
    rec = f->batch.records[1];
    assert_string_equal(rec->topic, "db-t");
    assert_string_equal(kc_schema_name(rec->value_schema), "t");
    assert_int_equal(field_int(rec, "id"), 2);
    /* {"protocol":"1","table":"t"} -> {"incrementing":2} */
    assert_int_equal(rec->source_partition.u.map.len, 2);
    pv = &rec->source_partition.u.map.keys[0];
    assert_memory_equal(pv->u.str.data, "protocol", 8);
    pv = kc_value_map_get(&rec->source_partition, "table");
    assert_int_equal(pv->u.str.len, 1);
    assert_int_equal(rec->source_offset.u.map.len, 1);
    assert_int_equal(offset_int(rec, "incrementing"), 2);
    /* the v1 partition is looked up first, then the legacy one */
    assert_int_equal(nasked, 2);
    assert_string_equal(asked[0], "v1:t");
    assert_string_equal(asked[1], "v0:t");

    exec_sql(f, "INSERT INTO t VALUES (3,'c');");
    assert_int_equal(poll_some(f, &err), KC_OK);
    assert_int_equal(f->batch.len, 1);
    assert_int_equal(field_int(f->batch.records[0], "id"), 3);
}

static void test_jdbc_incrementing_resumes_from_legacy_offset(void **state)
{
    fixture_t *f = *state;
    kc_error_t err;

    exec_sql(f, "CREATE TABLE t(id INTEGER NOT NULL);"
                "INSERT INTO t VALUES (1),(2),(3);");
    offset_kind = 2;
    offset_inc = 2;
    assert_int_equal(start_task(f,
                                "mode=incrementing\n"
                                "incrementing.column.name=id\n",
                                &err),
                     KC_OK);
    assert_int_equal(poll_some(f, &err), KC_OK);
    assert_int_equal(f->batch.len, 1);
    assert_int_equal(field_int(f->batch.records[0], "id"), 3);
}

static void test_jdbc_batch_max_rows_streams_the_result(void **state)
{
    fixture_t *f = *state;
    kc_error_t err;

    exec_sql(f, "CREATE TABLE t(id INTEGER NOT NULL);"
                "INSERT INTO t VALUES (1),(2),(3),(4),(5);");
    assert_int_equal(start_task(f,
                                "mode=incrementing\n"
                                "incrementing.column.name=id\n"
                                "batch.max.rows=2\n",
                                &err),
                     KC_OK);
    for (int64_t want = 1; want <= 5; want += 2) {
        assert_int_equal(poll_some(f, &err), KC_OK);
        assert_int_equal(f->batch.len, want == 5 ? 1 : 2);
        assert_int_equal(field_int(f->batch.records[0], "id"), want);
    }
}

static void test_jdbc_timestamp_offset_waits_for_a_later_row(void **state)
{
    fixture_t *f = *state;
    kc_error_t err;
    const kc_record_t *rec;

    /* rows T1, T1, T2 read one per batch: offsets {}, T1, T2 */
    exec_sql(f, "CREATE TABLE t(id INTEGER, ts TIMESTAMP NOT NULL);"
                "INSERT INTO t VALUES (1,'2020-01-01 00:00:01.000'),"
                "(2,'2020-01-01 00:00:01.000'),(3,'2020-01-01 00:00:02.000');");
    assert_int_equal(start_task(f,
                                "mode=timestamp\n"
                                "timestamp.column.name=ts\n"
                                "batch.max.rows=1\n",
                                &err),
                     KC_OK);
    assert_int_equal(poll_some(f, &err), KC_OK);
    assert_int_equal(f->batch.len, 1);
    rec = f->batch.records[0];
    assert_int_equal(field_int(rec, "id"), 1);
    assert_int_equal(rec->source_offset.type, KC_TYPE_MAP);
    assert_int_equal(rec->source_offset.u.map.len, 0);
    assert_int_equal(field_int(rec, "ts"), 1577836801000LL);

    assert_int_equal(poll_some(f, &err), KC_OK);
    rec = f->batch.records[0];
    assert_int_equal(field_int(rec, "id"), 2);
    /* {"timestamp_nanos":0,"timestamp":1577836801000}, in that order */
    assert_int_equal(rec->source_offset.u.map.len, 2);
    assert_memory_equal(rec->source_offset.u.map.keys[0].u.str.data,
                        "timestamp_nanos", 15);
    assert_int_equal(offset_int(rec, "timestamp"), 1577836801000LL);
    assert_int_equal(offset_int(rec, "timestamp_nanos"), 0);

    assert_int_equal(poll_some(f, &err), KC_OK);
    rec = f->batch.records[0];
    assert_int_equal(field_int(rec, "id"), 3);
    assert_int_equal(offset_int(rec, "timestamp"), 1577836802000LL);
}

static void test_jdbc_timestamp_incrementing_offsets_in_java_order(void **state)
{
    fixture_t *f = *state;
    kc_error_t err;
    const kc_record_t *rec;

    exec_sql(f, "CREATE TABLE t(id INTEGER NOT NULL, ts TIMESTAMP NOT NULL);"
                "INSERT INTO t VALUES (7,'2020-01-01 00:00:01.250');");
    assert_int_equal(start_task(f,
                                "mode=timestamp+incrementing\n"
                                "timestamp.column.name=ts\n"
                                "incrementing.column.name=id\n",
                                &err),
                     KC_OK);
    assert_int_equal(poll_some(f, &err), KC_OK);
    assert_int_equal(f->batch.len, 1);
    rec = f->batch.records[0];
    assert_int_equal(rec->source_offset.u.map.len, 3);
    assert_memory_equal(rec->source_offset.u.map.keys[0].u.str.data,
                        "timestamp_nanos", 15);
    assert_memory_equal(rec->source_offset.u.map.keys[1].u.str.data,
                        "incrementing", 12);
    assert_memory_equal(rec->source_offset.u.map.keys[2].u.str.data,
                        "timestamp", 9);
    assert_int_equal(offset_int(rec, "timestamp_nanos"), 250000000);
    assert_int_equal(offset_int(rec, "incrementing"), 7);
    assert_int_equal(offset_int(rec, "timestamp"), 1577836801250LL);
}

static void test_jdbc_nullable_incrementing_column_fails_the_task(void **state)
{
    fixture_t *f = *state;
    kc_error_t err;

    exec_sql(f, "CREATE TABLE t(id INTEGER);"
                "INSERT INTO t VALUES (1);");
    assert_int_equal(start_task(f,
                                "mode=incrementing\n"
                                "incrementing.column.name=id\n",
                                &err),
                     KC_OK);
    assert_int_not_equal(poll_some(f, &err), KC_OK);
    assert_non_null(strstr(err.msg, "nullable"));
    assert_non_null(strstr(err.msg, "id"));
}

static void
test_jdbc_incrementing_column_detected_from_autoincrement(void **state)
{
    fixture_t *f = *state;
    kc_error_t err;

    exec_sql(f, "CREATE TABLE t(name TEXT, id INTEGER PRIMARY KEY "
                "AUTOINCREMENT NOT NULL);"
                "INSERT INTO t(name) VALUES ('a'),('b');");
    assert_int_equal(start_task(f, "mode=incrementing\n", &err), KC_OK);
    assert_int_equal(poll_some(f, &err), KC_OK);
    assert_int_equal(f->batch.len, 2);
    assert_int_equal(offset_int(f->batch.records[1], "incrementing"), 2);
}

static void test_jdbc_without_autoincrement_column_names_the_key(void **state)
{
    fixture_t *f = *state;
    kc_error_t err;

    exec_sql(f, "CREATE TABLE t(id INTEGER NOT NULL);"
                "INSERT INTO t VALUES (1);");
    assert_int_equal(start_task(f, "mode=incrementing\n", &err), KC_OK);
    assert_int_not_equal(poll_some(f, &err), KC_OK);
    assert_non_null(strstr(err.msg, "incrementing.column.name"));
}

static void test_jdbc_missing_table_fails_with_its_name(void **state)
{
    fixture_t *f = *state;
    kc_error_t err;

    assert_int_equal(start_task(f, "mode=bulk\n", &err), KC_OK);
    assert_int_not_equal(poll_some(f, &err), KC_OK);
    assert_non_null(strstr(err.msg, "no such table: t"));
}

static void test_jdbc_numeric_mapping_best_fit(void **state)
{
    fixture_t *f = *state;
    kc_error_t err;
    const kc_schema_t *s;

    exec_sql(f, "CREATE TABLE t(a NUMERIC(5,0), b NUMERIC(10,2), "
                "c NUMERIC(20,0), d DECIMAL(5,0));"
                "INSERT INTO t VALUES (12345, 1.5, 1, 7);");
    assert_int_equal(start_task(f,
                                "mode=bulk\n"
                                "numeric.mapping=best_fit\n",
                                &err),
                     KC_OK);
    assert_int_equal(poll_some(f, &err), KC_OK);
    assert_int_equal(f->batch.len, 1);
    s = f->batch.records[0]->value_schema;
    assert_int_equal(kc_schema_type(kc_schema_field(s, "a")->schema),
                     KC_TYPE_INT32);
    assert_int_equal(kc_schema_type(kc_schema_field(s, "b")->schema),
                     KC_TYPE_FLOAT64);
    /* too wide for a long, and DECIMAL ignores numeric.mapping */
    assert_int_equal(kc_schema_logical(kc_schema_field(s, "c")->schema),
                     KC_LOGICAL_DECIMAL);
    assert_int_equal(kc_schema_logical(kc_schema_field(s, "d")->schema),
                     KC_LOGICAL_DECIMAL);
    /* GenericDatabaseDialect adds the column's precision to a Decimal,
     * after its scale: {"scale":"0","connect.decimal.precision":"20"} */
    assert_string_equal(
        kc_schema_param(kc_schema_field(s, "c")->schema, "scale"), "0");
    assert_string_equal(kc_schema_param(kc_schema_field(s, "c")->schema,
                                        "connect.decimal.precision"),
                        "20");
    assert_string_equal(kc_schema_param(kc_schema_field(s, "d")->schema,
                                        "connect.decimal.precision"),
                        "5");
    /* bulk: {"table":"t"} and no offset */
    assert_int_equal(f->batch.records[0]->source_partition.u.map.len, 1);
    assert_int_equal(f->batch.records[0]->source_offset.type, KC_TYPE_NULL);
}

static void test_jdbc_timestamp_granularity_as_confluent_writes_it(void **state)
{
    fixture_t *f = *state;
    kc_error_t err;
    const kc_record_t *rec;
    const kc_value_t *v;

    exec_sql(f, "CREATE TABLE t(id INTEGER NOT NULL, a TIMESTAMP, "
                "b TIMESTAMP);"
                "INSERT INTO t VALUES (1,'2020-01-01 00:00:01.250', NULL);");
    assert_int_equal(start_task(f,
                                "mode=bulk\n"
                                "timestamp.granularity=nanos_iso_datetime_"
                                "string\n",
                                &err),
                     KC_OK);
    assert_int_equal(poll_some(f, &err), KC_OK);
    rec = f->batch.records[0];
    assert_int_equal(
        kc_schema_type(kc_schema_field(rec->value_schema, "a")->schema),
        KC_TYPE_STRING);
    assert_null(
        kc_schema_name(kc_schema_field(rec->value_schema, "a")->schema));
    v = kc_value_struct_get(&rec->value, "a");
    assert_int_equal(v->u.str.len, 29);
    assert_memory_equal(v->u.str.data, "2020-01-01T00:00:01.250000000", 29);
    assert_int_equal(kc_value_struct_get(&rec->value, "b")->type, KC_TYPE_NULL);
    kc_jdbc_source_task.stop(f->task);

    assert_int_equal(
        start_task(f, "mode=bulk\ntimestamp.granularity=nanos_long\n", &err),
        KC_OK);
    assert_int_equal(poll_some(f, &err), KC_OK);
    rec = f->batch.records[0];
    assert_int_equal(field_int(rec, "a"), 1577836801250000000LL);
    kc_jdbc_source_task.stop(f->task);

    assert_int_equal(
        start_task(f, "mode=bulk\ntimestamp.granularity=micros_string\n", &err),
        KC_OK);
    assert_int_equal(poll_some(f, &err), KC_OK);
    v = kc_value_struct_get(&f->batch.records[0]->value, "a");
    assert_int_equal(v->u.str.len, 16);
    assert_memory_equal(v->u.str.data, "1577836801250000", 16);
}

/* Golden values: tests/golden/jdbc_calendar/legacy_calendar.txt, printed by
 * GenLegacyCalendar.java (java.util.GregorianCalendar for LEGACY,
 * java.time for PROLEPTIC_GREGORIAN). */
static const struct {
    const char *text;
    int64_t legacy;
    int64_t proleptic;
} calendar_dates[] = {
    {"0001-01-01", -719164, -719162},
    {"1000-03-01", -354220, -354226},
    {"1500-06-15", -171489, -171499},
    {"1582-10-04", -141428, -141438},
    {"1582-10-10", -141422, -141432},
    {"1582-10-15", -141427, -141427},
    {"1900-03-01", -25508, -25508},
    {"2020-02-29", 18321, 18321},
    /* PostgreSQL prints the era after a date before year 1 */
    {"0044-03-15 BC", -735162, -735160},
    {"0001-12-31 BC", -719165, -719163},
};
static const struct {
    const char *text;
    int64_t legacy;
    int64_t proleptic;
} calendar_stamps[] = {
    {"0900-07-01 10:20:30.456", -33749789969544LL, -33750221969544LL},
    {"1582-10-14 23:59:59.999", -12218428800001LL, -12219292800001LL},
    {"1582-10-15 00:00:00.000", -12219292800000LL, -12219292800000LL},
    {"2020-01-01 00:00:01.250", 1577836801250LL, 1577836801250LL},
};

static void
test_jdbc_date_calendar_system_legacy_is_julian_before_1582(void **state)
{
    fixture_t *f = *state;
    kc_error_t err;
    char sql[160];
    size_t nd = sizeof(calendar_dates) / sizeof(calendar_dates[0]);
    size_t ns = sizeof(calendar_stamps) / sizeof(calendar_stamps[0]);

    exec_sql(f, "CREATE TABLE t(id INTEGER NOT NULL, d DATE, ts TIMESTAMP);");
    for (size_t i = 0; i < nd; i++) {
        snprintf(sql, sizeof(sql), "INSERT INTO t VALUES (%zu,'%s','%s');", i,
                 calendar_dates[i].text,
                 calendar_stamps[i < ns ? i : ns - 1].text);
        exec_sql(f, sql);
    }
    /* LEGACY is the default, as Confluent's */
    for (int pass = 0; pass < 2; pass++) {
        assert_int_equal(
            start_task(f,
                       pass == 0 ? "mode=bulk\n"
                                 : "mode=bulk\n"
                                   "date.calendar.system=PROLEPTIC_GREGORIAN\n",
                       &err),
            KC_OK);
        assert_int_equal(poll_some(f, &err), KC_OK);
        assert_int_equal(f->batch.len, nd);
        for (size_t i = 0; i < nd; i++) {
            const kc_record_t *rec = f->batch.records[i];

            assert_int_equal(field_int(rec, "d"),
                             pass == 0 ? calendar_dates[i].legacy
                                       : calendar_dates[i].proleptic);
            if (i < ns) {
                assert_int_equal(field_int(rec, "ts"),
                                 pass == 0 ? calendar_stamps[i].legacy
                                           : calendar_stamps[i].proleptic);
            }
        }
        kc_jdbc_source_task.stop(f->task);
        f->task = NULL;
    }
}

static void test_jdbc_legacy_calendar_offsets_resume_before_1582(void **state)
{
    fixture_t *f = *state;
    kc_error_t err;
    const kc_record_t *rec;

    /* Confluent's offset holds the hybrid calendar's millis and binds them
     * back through that calendar: 1500-06-15 (Julian) stays 1500-06-15, so
     * a row five days later is read after it. */
    exec_sql(f, "CREATE TABLE t(id INTEGER, ts TIMESTAMP NOT NULL);"
                "INSERT INTO t VALUES (1,'0900-07-01 10:20:30.456'),"
                "(2,'1500-06-15 12:00:00.000');");
    assert_int_equal(start_task(f,
                                "mode=timestamp\n"
                                "timestamp.column.name=ts\n"
                                "timestamp.initial=-40000000000000\n",
                                &err),
                     KC_OK);
    assert_int_equal(poll_some(f, &err), KC_OK);
    assert_int_equal(f->batch.len, 2);
    rec = f->batch.records[1];
    assert_int_equal(field_int(rec, "ts"), -14816606400000LL);
    assert_int_equal(offset_int(rec, "timestamp"), -14816606400000LL);
    exec_sql(f, "INSERT INTO t VALUES (3,'1500-06-20 00:00:00.000');");
    assert_int_equal(poll_some(f, &err), KC_OK);
    assert_int_equal(f->batch.len, 1);
    assert_int_equal(field_int(f->batch.records[0], "id"), 3);
}

static void test_jdbc_column_mappings_pick_columns_per_table(void **state)
{
    fixture_t *f = *state;
    kc_error_t err;
    const kc_record_t *rec;

    exec_sql(f, "CREATE TABLE t(k INTEGER NOT NULL, u TIMESTAMP, "
                "c TIMESTAMP NOT NULL);"
                "INSERT INTO t VALUES (5, NULL, '2020-01-01 00:00:01.000');");
    assert_int_equal(start_task(f,
                                "mode=timestamp+incrementing\n"
                                "table.include.list=t\n"
                                "timestamp.columns.mapping=x.*:[a],t:[u|c]\n"
                                "incrementing.column.mapping=.*:k\n",
                                &err),
                     KC_OK);
    assert_int_equal(poll_some(f, &err), KC_OK);
    assert_int_equal(f->batch.len, 1);
    rec = f->batch.records[0];
    /* COALESCE(u, c): u is null, so c's time */
    assert_int_equal(offset_int(rec, "timestamp"), 1577836801000LL);
    assert_int_equal(offset_int(rec, "incrementing"), 5);
}

/* Golden values: tests/golden/jdbc_calendar/timestamptz.txt, read through
 * pgjdbc 42.7.11 in a UTC JVM (GenTimestamptz.java): the same whatever
 * calendar of db.timezone getTimestamp is given. */
static void
test_jdbc_legacy_timestamptz_day_is_utc_whatever_db_timezone(void **state)
{
    static const struct {
        const char *text;
        int64_t ms;
    } rows[] = {
        {"1500-02-28 20:00:00+00", -14825908800000},
        /* the same instant as PostgreSQL prints it in Asia/Tokyo (LMT) */
        {"1500-03-01 05:18:59+09:18:59", -14825908800000},
        {"1500-03-01 02:00:00+00", -14825800800000},
        {"1582-10-14 20:00:00+00", -12218443200000},
        {"1582-10-15 02:00:00+00", -12219285600000},
        {"1500-06-15 12:00:00+00", -14816606400000},
    };
    const char *zones[] = {"UTC", "Asia/Tokyo", "America/New_York"};
    kc_error_t err;
    kc_jdbc_tz_t *tz;
    kc_jdbc_ts_t ts;

    (void)state;
    for (size_t z = 0; z < sizeof(zones) / sizeof(zones[0]); z++) {
        assert_int_equal(kc_jdbc_tz_load(zones[z], &tz, &err), KC_OK);
        for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
            assert_int_equal(kc_jdbc_ts_read(rows[i].text, strlen(rows[i].text),
                                             tz, true, &ts),
                             KC_OK);
            if (ts.sec * 1000 + ts.nsec / 1000000 != rows[i].ms) {
                fail_msg("%s in %s: %" PRId64 " ms, Java %" PRId64,
                         rows[i].text, zones[z],
                         ts.sec * 1000 + ts.nsec / 1000000, rows[i].ms);
            }
        }
        kc_jdbc_tz_destroy(tz);
    }
}

static void test_jdbc_db_timezone_reads_wall_times_in_the_zone(void **state)
{
    fixture_t *f = *state;
    kc_error_t err;
    const kc_record_t *rec;
    kc_jdbc_tz_t *tz;
    kc_jdbc_ts_t ts;

    /* tz database facts: Paris is UTC+1 in winter, UTC+2 in summer */
    assert_int_equal(kc_jdbc_tz_load("Europe/Paris", &tz, &err), KC_OK);
    assert_int_equal(kc_jdbc_tz_offset(tz, 1577836800), 3600);
    assert_int_equal(kc_jdbc_tz_offset(tz, 1593561600), 7200);
    assert_int_equal(kc_jdbc_tz_to_utc(tz, 1593561600 + 7200), 1593561600);
    /* a TIME is a wall time on 1970-01-01, when Paris was UTC+1 */
    assert_int_equal(kc_jdbc_ts_parse_tz("04:05:06", 8, true, tz, &ts), KC_OK);
    assert_int_equal(ts.sec, 3 * 3600 + 5 * 60 + 6);
    /* an explicit offset wins over the zone */
    assert_int_equal(
        kc_jdbc_ts_parse_tz("2020-01-01 00:00:00Z", 20, false, tz, &ts), KC_OK);
    assert_int_equal(ts.sec, 1577836800);
    kc_jdbc_tz_destroy(tz);
    assert_int_not_equal(kc_jdbc_tz_load("../etc/passwd", &tz, &err), KC_OK);

    exec_sql(f, "CREATE TABLE t(id INTEGER NOT NULL, w TIMESTAMP, "
                "s TIMESTAMP, d DATE);"
                "INSERT INTO t VALUES (1, '2020-01-01 01:00:00.000', "
                "'2020-07-01 02:00:00.000', '2001-02-03');");
    assert_int_equal(
        start_task(f, "mode=bulk\ndb.timezone=Europe/Paris\n", &err), KC_OK);
    assert_int_equal(poll_some(f, &err), KC_OK);
    rec = f->batch.records[0];
    assert_int_equal(field_int(rec, "w"), 1577836800000LL);
    assert_int_equal(field_int(rec, "s"), 1593561600000LL);
    /* DATE is read in UTC whatever db.timezone says */
    assert_int_equal(field_int(rec, "d"), 11356);
}

static void test_jdbc_config_requires_a_mode(void **state)
{
    kc_props_t *props = kc_props_new();
    kc_jdbc_source_conf_t conf;
    kc_error_t err;

    KC_UNUSED(state);
    kc_props_set(props, "connection.url", "jdbc:sqlite::memory:");
    assert_int_equal(kc_jdbc_source_conf_load(props, &conf, &err),
                     KC_ERR_INVALID);
    assert_non_null(strstr(err.msg, "Query mode must be specified"));
    kc_props_set(props, "mode", "bulk");
    kc_props_set(props, "topic.prefix", "bad prefix");
    assert_int_equal(kc_jdbc_source_conf_load(props, &conf, &err),
                     KC_ERR_INVALID);
    assert_non_null(strstr(err.msg, "Topic prefix must not contain"));
    kc_props_set(props, "topic.prefix", "ok");
    kc_props_set(props, "table.whitelist", "a");
    kc_props_set(props, "table.blacklist", "b");
    assert_int_equal(kc_jdbc_source_conf_load(props, &conf, &err),
                     KC_ERR_INVALID);
    kc_props_remove(props, "table.blacklist");
    kc_props_set(props, "timestamp.columns.mapping", ".*:[ts]");
    assert_int_equal(kc_jdbc_source_conf_load(props, &conf, &err),
                     KC_ERR_INVALID);
    kc_props_remove(props, "timestamp.columns.mapping");
    kc_props_set(props, "timestamp.column.name", "a");
    kc_props_set(props, "incrementing.column.name", "b");
    kc_props_set(props, "incrementing.column.mapping", ".*:c");
    kc_props_remove(props, "table.whitelist");
    assert_int_equal(kc_jdbc_source_conf_load(props, &conf, &err),
                     KC_ERR_INVALID);
    assert_non_null(strstr(err.msg, "Cannot use both incrementing.column.name "
                                    "and incrementing.column.mapping"));
    kc_props_remove(props, "incrementing.column.mapping");
    kc_props_set(props, "table.whitelist", "a");
    assert_int_equal(kc_jdbc_source_conf_load(props, &conf, &err), KC_OK);
    assert_int_equal(conf.batch_max_rows, 100);
    assert_int_equal(conf.attempts, 3);
    assert_true(conf.quote_always);
    kc_jdbc_source_conf_release(&conf);
    kc_props_destroy(props);
}

/*
 * The integer fast path reads a plain integer text as strtoll does (libc
 * gives the expected values) and leaves every other text to the general
 * reader, which knows "12.50", "t", overflow.
 */
static void test_jdbc_plain_int_reads_as_strtoll_or_declines(void **state)
{
    static const char *const plain[] = {"0",
                                        "7",
                                        "-1",
                                        "007",
                                        "-0",
                                        "123456789012345678",
                                        "-123456789012345678",
                                        "999999999999999999"};
    static const char *const other[] = {"",
                                        "-",
                                        "+1",
                                        " 1",
                                        "1 ",
                                        "12.50",
                                        "1e3",
                                        "t",
                                        "false",
                                        "1234567890123456789",
                                        "-9223372036854775808",
                                        "9x"};
    int64_t v;

    (void)state;
    for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
        v = 42;
        assert_true(kc_jdbc_plain_int(plain[i], strlen(plain[i]), &v));
        assert_int_equal(v, strtoll(plain[i], NULL, 10));
    }
    for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
        assert_false(kc_jdbc_plain_int(other[i], strlen(other[i]), &v));
    }
    /* only the given length counts: "12" of "123" */
    assert_true(kc_jdbc_plain_int("123", 2, &v));
    assert_int_equal(v, 12);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jdbc_url_parses_host_port_database_and_params),
        cmocka_unit_test(test_jdbc_url_refuses_what_it_cannot_honour),
        cmocka_unit_test(test_jdbc_ts_parse_reads_database_texts),
        cmocka_unit_test(test_jdbc_plain_int_reads_as_strtoll_or_declines),
        cmocka_unit_test(test_jdbc_tables_split_as_connect_groups_partitions),
        cmocka_unit_test(test_jdbc_table_list_round_trips_quoted_names),
        cmocka_unit_test(test_jdbc_config_requires_a_mode),
        cmocka_unit_test_setup_teardown(
            test_jdbc_incrementing_reads_new_rows_with_offsets, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_jdbc_incrementing_resumes_from_legacy_offset, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_jdbc_batch_max_rows_streams_the_result, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_jdbc_timestamp_offset_waits_for_a_later_row, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_jdbc_timestamp_incrementing_offsets_in_java_order, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_jdbc_nullable_incrementing_column_fails_the_task, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_jdbc_incrementing_column_detected_from_autoincrement, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_jdbc_without_autoincrement_column_names_the_key, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_jdbc_missing_table_fails_with_its_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_jdbc_numeric_mapping_best_fit,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_jdbc_timestamp_granularity_as_confluent_writes_it, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_jdbc_column_mappings_pick_columns_per_table, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_jdbc_date_calendar_system_legacy_is_julian_before_1582, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_jdbc_legacy_calendar_offsets_resume_before_1582, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_jdbc_db_timezone_reads_wall_times_in_the_zone, setup,
            teardown),
        cmocka_unit_test(
            test_jdbc_legacy_timestamptz_day_is_utc_whatever_db_timezone),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
