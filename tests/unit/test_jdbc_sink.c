/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The JDBC sink without a worker: the columns a record maps to under each
 * pk.mode, the SQL text per dialect (CREATE TABLE, ALTER TABLE ADD,
 * INSERT, upsert, UPDATE, DELETE), and the task writing records into an
 * in-process SQLite file. Expected SQL is the shape Confluent's dialects
 * generate (GenericDatabaseDialect, PostgreSqlDatabaseDialect,
 * MySqlDatabaseDialect, SqliteDatabaseDialect; see the reference's sink
 * section); expected values are calendar facts computed outside kconnect.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "kc_internal.h"

#include <sqlite3.h>
#include <unistd.h>

#include "connectors/jdbc/kc_jdbc_sink.h"

static kc_jdbc_conn_t kc_pg = {.dialect = &kc_jdbc_postgres_dialect,
                               .quote = true};
static kc_jdbc_conn_t kc_my = {.dialect = &kc_jdbc_mysql_dialect,
                               .quote = true};
static kc_jdbc_conn_t kc_lite = {.dialect = &kc_jdbc_sqlite_dialect,
                                 .quote = true};

static void add_field(kc_schema_t *st, const char *name, kc_schema_t *fs)
{
    kc_error_t err;

    assert_int_equal(kc_schema_add_field_take(st, name, fs, &err), KC_OK);
}

static kc_schema_t *opt(kc_type_t t)
{
    kc_schema_t *s = kc_schema_new(t);

    kc_schema_set_optional(s, true);
    return s;
}

/* value {id int32, name string?, qty int64?}; key {id int32} */
static kc_schema_t *order_value(void)
{
    kc_schema_t *v = kc_schema_new(KC_TYPE_STRUCT);

    add_field(v, "id", kc_schema_new(KC_TYPE_INT32));
    add_field(v, "name", opt(KC_TYPE_STRING));
    add_field(v, "qty", opt(KC_TYPE_INT64));
    return v;
}

static kc_schema_t *order_key(void)
{
    kc_schema_t *k = kc_schema_new(KC_TYPE_STRUCT);

    add_field(k, "id", kc_schema_new(KC_TYPE_INT32));
    return k;
}

static void conf_init(kc_jdbc_sink_conf_t *conf, kc_jdbc_pk_mode_t pk,
                      const char *const *pk_fields, size_t n)
{
    memset(conf, 0, sizeof(*conf));
    conf->pk_mode = pk;
    conf->pk_fields.items = (char **)pk_fields;
    conf->pk_fields.count = n;
}

static char *sql_of(const kc_jdbc_conn_t *conn, kc_jdbc_insert_mode_t mode,
                    const kc_jdbc_sink_fields_t *f)
{
    kc_jdbc_table_id_t t = {.table = "orders"};
    kc_buf_t sql;
    kc_error_t err;

    kc_buf_init(&sql, 0);
    assert_int_equal(kc_jdbc_sink_write_sql(conn, mode, &t, f, &sql, &err),
                     KC_OK);
    return kc_buf_detach(&sql, NULL);
}

static void assert_sql(char *got, const char *want)
{
    assert_string_equal(got, want);
    kc_free(got);
}

static void test_jdbc_sink_dml_per_dialect_as_confluent(void **state)
{
    kc_schema_t *v = order_value();
    kc_schema_t *k = order_key();
    kc_jdbc_sink_conf_t conf;
    kc_jdbc_sink_fields_t f;
    kc_jdbc_table_id_t t = {.table = "orders"};
    kc_buf_t sql;
    kc_error_t err;

    KC_UNUSED(state);
    conf_init(&conf, KC_JDBC_PK_RECORD_KEY, NULL, 0);
    assert_int_equal(kc_jdbc_sink_fields_build(&conf, "orders", k, v, &f, &err),
                     KC_OK);
    assert_sql(sql_of(&kc_pg, KC_JDBC_INSERT, &f),
               "INSERT INTO \"orders\" (\"id\",\"name\",\"qty\") VALUES "
               "(?,?,?)");
    assert_sql(sql_of(&kc_pg, KC_JDBC_UPSERT, &f),
               "INSERT INTO \"orders\" (\"id\",\"name\",\"qty\") VALUES "
               "(?,?,?) ON CONFLICT (\"id\") DO UPDATE SET "
               "\"name\"=EXCLUDED.\"name\",\"qty\"=EXCLUDED.\"qty\"");
    assert_sql(sql_of(&kc_my, KC_JDBC_INSERT, &f),
               "INSERT INTO `orders`(`id`,`name`,`qty`) VALUES(?,?,?)");
    assert_sql(sql_of(&kc_my, KC_JDBC_UPSERT, &f),
               "insert into `orders`(`id`,`name`,`qty`) values(?,?,?) on "
               "duplicate key update `name`=values(`name`),`qty`=values("
               "`qty`)");
    assert_sql(sql_of(&kc_lite, KC_JDBC_UPSERT, &f),
               "INSERT OR REPLACE INTO \"orders\"(\"id\",\"name\",\"qty\") "
               "VALUES(?,?,?)");
    /* non-key columns first, then the key */
    assert_sql(sql_of(&kc_pg, KC_JDBC_UPDATE, &f),
               "UPDATE \"orders\" SET \"name\" = ?, \"qty\" = ? WHERE \"id\" "
               "= ?");
    kc_buf_init(&sql, 0);
    kc_jdbc_sink_delete_sql(&kc_my, &t, &f, &sql);
    assert_string_equal((const char *)sql.data,
                        "DELETE FROM `orders` WHERE `id` = ?");
    kc_buf_release(&sql);
    /* many rows in one statement, where the rows apply in order */
    kc_buf_init(&sql, 0);
    assert_true(
        kc_jdbc_sink_multi_sql(&kc_pg, KC_JDBC_INSERT, &t, &f, 2, &sql));
    assert_string_equal((const char *)sql.data,
                        "INSERT INTO \"orders\" (\"id\",\"name\",\"qty\") "
                        "VALUES (?,?,?),(?,?,?)");
    kc_buf_reset(&sql);
    assert_true(
        kc_jdbc_sink_multi_sql(&kc_my, KC_JDBC_UPSERT, &t, &f, 2, &sql));
    assert_string_equal((const char *)kc_buf_cstr(&sql),
                        "insert into `orders`(`id`,`name`,`qty`) "
                        "values(?,?,?),(?,?,?) on duplicate key update "
                        "`name`=values(`name`),`qty`=values(`qty`)");
    kc_buf_reset(&sql);
    assert_true(
        kc_jdbc_sink_multi_sql(&kc_lite, KC_JDBC_UPSERT, &t, &f, 3, &sql));
    assert_string_equal((const char *)kc_buf_cstr(&sql),
                        "INSERT OR REPLACE INTO \"orders\"(\"id\",\"name\","
                        "\"qty\") VALUES(?,?,?),(?,?,?),(?,?,?)");
    kc_buf_reset(&sql);
    assert_true(
        kc_jdbc_sink_multi_sql(&kc_pg, KC_JDBC_UPSERT, &t, &f, 2, &sql));
    assert_string_equal((const char *)kc_buf_cstr(&sql),
                        "INSERT INTO \"orders\" (\"id\",\"name\",\"qty\") "
                        "VALUES (?,?,?),(?,?,?) ON CONFLICT (\"id\") DO "
                        "UPDATE SET \"name\"=EXCLUDED.\"name\",\"qty\"="
                        "EXCLUDED.\"qty\"");
    kc_buf_reset(&sql);
    assert_false(
        kc_jdbc_sink_multi_sql(&kc_my, KC_JDBC_UPDATE, &t, &f, 2, &sql));
    assert_int_equal(sql.len, 0);
    kc_buf_release(&sql);
    kc_jdbc_sink_fields_release(&f);

    /* only key columns: PostgreSQL does nothing on conflict, MySQL sets
     * the keys to themselves */
    conf_init(&conf, KC_JDBC_PK_RECORD_VALUE, NULL, 0);
    assert_int_equal(
        kc_jdbc_sink_fields_build(&conf, "orders", NULL, k, &f, &err), KC_OK);
    assert_sql(sql_of(&kc_pg, KC_JDBC_UPSERT, &f),
               "INSERT INTO \"orders\" (\"id\") VALUES (?) ON CONFLICT "
               "(\"id\") DO NOTHING");
    assert_sql(sql_of(&kc_my, KC_JDBC_UPSERT, &f),
               "insert into `orders`(`id`) values(?) on duplicate key update "
               "`id`=values(`id`)");
    kc_jdbc_sink_fields_release(&f);

    /* upsert without key columns names the table */
    conf_init(&conf, KC_JDBC_PK_NONE, NULL, 0);
    assert_int_equal(kc_jdbc_sink_fields_build(&conf, "orders", k, v, &f, &err),
                     KC_OK);
    kc_buf_init(&sql, 0);
    assert_int_equal(
        kc_jdbc_sink_write_sql(&kc_pg, KC_JDBC_UPSERT, &t, &f, &sql, &err),
        KC_ERR_INVALID);
    assert_non_null(strstr(err.msg, "'orders' in UPSERT mode requires key"));
    kc_buf_release(&sql);
    kc_jdbc_sink_fields_release(&f);
    kc_schema_unref(v);
    kc_schema_unref(k);
}

static void test_jdbc_sink_columns_per_pk_mode(void **state)
{
    static const char *const one[] = {"order_id"};
    static const char *const wl[] = {"qty"};
    kc_schema_t *v = order_value();
    kc_schema_t *k = order_key();
    kc_jdbc_sink_conf_t conf;
    kc_jdbc_sink_fields_t f;
    kc_error_t err;

    KC_UNUSED(state);
    /* kafka: the three coordinates, typed STRING/INT32/INT64, first */
    conf_init(&conf, KC_JDBC_PK_KAFKA, NULL, 0);
    assert_int_equal(kc_jdbc_sink_fields_build(&conf, "t", NULL, v, &f, &err),
                     KC_OK);
    assert_int_equal(f.nkeys, 3);
    assert_string_equal(f.keys[0].name, "__connect_topic");
    assert_int_equal(kc_schema_type(f.keys[0].schema), KC_TYPE_STRING);
    assert_string_equal(f.keys[1].name, "__connect_partition");
    assert_int_equal(kc_schema_type(f.keys[1].schema), KC_TYPE_INT32);
    assert_string_equal(f.keys[2].name, "__connect_offset");
    assert_int_equal(kc_schema_type(f.keys[2].schema), KC_TYPE_INT64);
    assert_int_equal(f.ncols, 3);
    assert_int_equal(f.nall, 6);
    assert_string_equal(f.all[3]->name, "id");
    kc_jdbc_sink_fields_release(&f);

    /* a primitive key needs exactly one name */
    conf_init(&conf, KC_JDBC_PK_RECORD_KEY, NULL, 0);
    assert_int_equal(
        kc_jdbc_sink_fields_build(
            &conf, "t", kc_schema_primitive(KC_TYPE_INT64, false), v, &f, &err),
        KC_ERR_INVALID);
    assert_string_equal(err.msg,
                        "Need exactly one PK column defined since the key "
                        "schema for records is a primitive type, defined "
                        "columns are: []");
    kc_jdbc_sink_fields_release(&f);
    conf_init(&conf, KC_JDBC_PK_RECORD_KEY, one, 1);
    assert_int_equal(
        kc_jdbc_sink_fields_build(
            &conf, "t", kc_schema_primitive(KC_TYPE_INT64, false), v, &f, &err),
        KC_OK);
    assert_int_equal(f.nkeys, 1);
    assert_string_equal(f.keys[0].name, "order_id");
    /* the key-only column comes after the value fields */
    assert_int_equal(f.nall, 4);
    assert_string_equal(f.all[3]->name, "order_id");
    kc_jdbc_sink_fields_release(&f);

    /* a listed key field the key lacks */
    conf_init(&conf, KC_JDBC_PK_RECORD_KEY, one, 1);
    assert_int_equal(kc_jdbc_sink_fields_build(&conf, "t", k, v, &f, &err),
                     KC_ERR_INVALID);
    assert_string_equal(err.msg,
                        "PK mode for table 't' is RECORD_KEY with configured "
                        "PK fields [order_id], but record key schema does "
                        "not contain field: order_id");
    kc_jdbc_sink_fields_release(&f);

    /* record_value with no names: every value field is a key */
    conf_init(&conf, KC_JDBC_PK_RECORD_VALUE, NULL, 0);
    assert_int_equal(kc_jdbc_sink_fields_build(&conf, "t", NULL, v, &f, &err),
                     KC_OK);
    assert_int_equal(f.nkeys, 3);
    assert_int_equal(f.ncols, 0);
    kc_jdbc_sink_fields_release(&f);

    /* fields.whitelist filters the non-key fields only */
    conf_init(&conf, KC_JDBC_PK_RECORD_KEY, NULL, 0);
    conf.whitelist.items = (char **)wl;
    conf.whitelist.count = 1;
    assert_int_equal(kc_jdbc_sink_fields_build(&conf, "t", k, v, &f, &err),
                     KC_OK);
    assert_int_equal(f.nkeys, 1);
    assert_int_equal(f.ncols, 1);
    assert_string_equal(f.cols[0].name, "qty");
    kc_jdbc_sink_fields_release(&f);
    kc_schema_unref(v);
    kc_schema_unref(k);
}

/* Every mapped type, with a default and a Decimal of scale 2. */
static kc_schema_t *typed_value(void)
{
    kc_schema_t *v = kc_schema_new(KC_TYPE_STRUCT);
    kc_schema_t *dflt = kc_schema_new(KC_TYPE_INT32);
    kc_schema_t *dec = kc_schema_decimal_new(2);
    kc_value_t d = {.type = KC_TYPE_INT32, .u.i = 7};
    kc_error_t err;

    assert_int_equal(kc_schema_set_default(dflt, &d, &err), KC_OK);
    add_field(v, "id", kc_schema_new(KC_TYPE_INT32));
    add_field(v, "small", opt(KC_TYPE_INT16));
    add_field(v, "big", opt(KC_TYPE_INT64));
    add_field(v, "ratio", opt(KC_TYPE_FLOAT64));
    add_field(v, "flag", opt(KC_TYPE_BOOLEAN));
    add_field(v, "name", opt(KC_TYPE_STRING));
    add_field(v, "raw", opt(KC_TYPE_BYTES));
    kc_schema_set_optional(dec, true);
    add_field(v, "price", dec);
    add_field(v, "day", kc_schema_date_new());
    add_field(v, "at", kc_schema_timestamp_new());
    add_field(v, "hits", dflt);
    return v;
}

static char *create_of(const kc_jdbc_conn_t *conn, const kc_schema_t *v)
{
    static const char *const id[] = {"id"};
    kc_jdbc_sink_conf_t conf;
    kc_jdbc_sink_fields_t f;
    kc_jdbc_table_id_t t = {.table = "items"};
    kc_buf_t sql;
    kc_error_t err;

    conf_init(&conf, KC_JDBC_PK_RECORD_VALUE, id, 1);
    assert_int_equal(
        kc_jdbc_sink_fields_build(&conf, "items", NULL, v, &f, &err), KC_OK);
    kc_buf_init(&sql, 0);
    assert_int_equal(
        kc_jdbc_sink_create_sql(conn, &t, f.all, f.nall, &f, &sql, &err),
        KC_OK);
    kc_jdbc_sink_fields_release(&f);
    return kc_buf_detach(&sql, NULL);
}

static void test_jdbc_sink_create_table_types_per_dialect(void **state)
{
    kc_schema_t *v = typed_value();

    KC_UNUSED(state);
    assert_sql(create_of(&kc_pg, v), "CREATE TABLE \"items\" (\n"
                                     "\"id\" INT NOT NULL,\n"
                                     "\"small\" SMALLINT NULL,\n"
                                     "\"big\" BIGINT NULL,\n"
                                     "\"ratio\" DOUBLE PRECISION NULL,\n"
                                     "\"flag\" BOOLEAN NULL,\n"
                                     "\"name\" TEXT NULL,\n"
                                     "\"raw\" BYTEA NULL,\n"
                                     "\"price\" DECIMAL NULL,\n"
                                     "\"day\" DATE NOT NULL,\n"
                                     "\"at\" TIMESTAMP NOT NULL,\n"
                                     "\"hits\" INT DEFAULT 7,\n"
                                     "PRIMARY KEY(\"id\"))");
    assert_sql(create_of(&kc_my, v), "CREATE TABLE `items` (\n"
                                     "`id` INT NOT NULL,\n"
                                     "`small` SMALLINT NULL,\n"
                                     "`big` BIGINT NULL,\n"
                                     "`ratio` DOUBLE NULL,\n"
                                     "`flag` TINYINT NULL,\n"
                                     "`name` TEXT NULL,\n"
                                     "`raw` VARBINARY(1024) NULL,\n"
                                     "`price` DECIMAL(65,2) NULL,\n"
                                     "`day` DATE NOT NULL,\n"
                                     "`at` DATETIME(3) NOT NULL,\n"
                                     "`hits` INT DEFAULT 7,\n"
                                     "PRIMARY KEY(`id`))");
    assert_sql(create_of(&kc_lite, v), "CREATE TABLE \"items\" (\n"
                                       "\"id\" INTEGER NOT NULL,\n"
                                       "\"small\" INTEGER NULL,\n"
                                       "\"big\" INTEGER NULL,\n"
                                       "\"ratio\" REAL NULL,\n"
                                       "\"flag\" INTEGER NULL,\n"
                                       "\"name\" TEXT NULL,\n"
                                       "\"raw\" BLOB NULL,\n"
                                       "\"price\" NUMERIC NULL,\n"
                                       "\"day\" NUMERIC NOT NULL,\n"
                                       "\"at\" NUMERIC NOT NULL,\n"
                                       "\"hits\" INTEGER DEFAULT 7,\n"
                                       "PRIMARY KEY(\"id\"))");
    kc_schema_unref(v);
}

static void
test_jdbc_sink_alter_adds_columns_sqlite_one_per_statement(void **state)
{
    kc_schema_t *v = order_value();
    kc_jdbc_sink_conf_t conf;
    kc_jdbc_sink_fields_t f;
    kc_jdbc_table_id_t t = {.schema = "shop", .table = "orders"};
    kc_buf_t sql;
    kc_error_t err;
    const kc_jdbc_sink_col_t *add[2];

    KC_UNUSED(state);
    conf_init(&conf, KC_JDBC_PK_NONE, NULL, 0);
    assert_int_equal(kc_jdbc_sink_fields_build(&conf, "t", NULL, v, &f, &err),
                     KC_OK);
    add[0] = &f.cols[1];
    add[1] = &f.cols[2];
    kc_buf_init(&sql, 0);
    assert_int_equal(kc_jdbc_sink_alter_sql(&kc_pg, &t, add, 2, &sql, &err),
                     KC_OK);
    assert_string_equal((const char *)sql.data,
                        "ALTER TABLE \"shop\".\"orders\" ADD \"name\" TEXT "
                        "NULL,\nADD \"qty\" BIGINT NULL");
    kc_buf_reset(&sql);
    t.schema = NULL;
    assert_int_equal(kc_jdbc_sink_alter_sql(&kc_lite, &t, add, 2, &sql, &err),
                     KC_OK);
    assert_string_equal((const char *)kc_buf_cstr(&sql),
                        "ALTER TABLE \"orders\" ADD \"name\" TEXT NULL;\n"
                        "ALTER TABLE \"orders\" ADD \"qty\" INTEGER NULL");
    kc_buf_release(&sql);
    kc_jdbc_sink_fields_release(&f);
    kc_schema_unref(v);
}

static void test_jdbc_sink_table_name_parts_per_dialect(void **state)
{
    kc_jdbc_table_id_t id;
    kc_error_t err;

    KC_UNUSED(state);
    assert_int_equal(kc_jdbc_sink_table_parse(&kc_jdbc_postgres_dialect,
                                              "shop.\"Orders.2024\"", &id,
                                              &err),
                     KC_OK);
    assert_string_equal(id.schema, "shop");
    assert_string_equal(id.table, "Orders.2024");
    assert_null(id.catalog);
    kc_jdbc_table_id_release(&id);
    assert_int_equal(kc_jdbc_sink_table_parse(&kc_jdbc_mysql_dialect,
                                              "shop.orders", &id, &err),
                     KC_OK);
    assert_string_equal(id.catalog, "shop");
    assert_null(id.schema);
    kc_jdbc_table_id_release(&id);
    assert_int_equal(
        kc_jdbc_sink_table_parse(&kc_jdbc_mysql_dialect, "", &id, &err),
        KC_ERR_INVALID);
}

static void test_jdbc_sink_config_rules(void **state)
{
    kc_props_t *p = kc_props_new();
    kc_jdbc_sink_conf_t conf;
    kc_error_t err;

    KC_UNUSED(state);
    kc_props_set(p, "connection.url", "jdbc:sqlite::memory:");
    assert_int_equal(kc_jdbc_sink_conf_load(p, &conf, &err), KC_OK);
    /* Confluent's defaults */
    assert_int_equal(conf.insert_mode, KC_JDBC_INSERT);
    assert_int_equal(conf.pk_mode, KC_JDBC_PK_NONE);
    assert_int_equal(conf.batch_size, 3000);
    assert_int_equal(conf.max_retries, 10);
    assert_int_equal(conf.retry_backoff_ms, 3000);
    assert_string_equal(conf.table_format, "${topic}");
    assert_true(conf.quote_always);
    kc_jdbc_sink_conf_release(&conf);
    kc_props_set(p, "delete.enabled", "true");
    assert_int_equal(kc_jdbc_sink_conf_load(p, &conf, &err), KC_ERR_INVALID);
    assert_non_null(strstr(err.msg, "Primary key mode must be 'record_key' "
                                    "when delete support is enabled"));
    kc_props_set(p, "pk.mode", "RECORD_KEY"); /* any case, as Confluent */
    assert_int_equal(kc_jdbc_sink_conf_load(p, &conf, &err), KC_OK);
    kc_jdbc_sink_conf_release(&conf);
    kc_props_set(p, "insert.mode", "merge");
    assert_int_equal(kc_jdbc_sink_conf_load(p, &conf, &err), KC_ERR_INVALID);
    kc_props_destroy(p);
}

/* ---- the task into SQLite --------------------------------------------- */

static kc_record_t *add_row(kc_batch_t *b, const kc_schema_t *v, int32_t id,
                            const char *name)
{
    kc_record_t *r = kc_batch_add(b);

    r->topic = "orders";
    r->partition = 0;
    r->offset = id;
    r->value_schema = v;
    kc_value_set_struct(b->arena, &r->value, v);
    kc_value_set_int(kc_value_struct_get(&r->value, "id"), KC_TYPE_INT32, id);
    if (name != NULL) {
        kc_value_set_string(b->arena, kc_value_struct_get(&r->value, "name"),
                            name, strlen(name));
    }
    return r;
}

static void
test_jdbc_sink_task_writes_types_and_upserts_into_sqlite(void **state)
{
    char path[] = "/tmp/kc_jdbc_sink_XXXXXX";
    int fd = mkstemp(path);
    char url[64];
    kc_props_t *p = kc_props_new();
    kc_schema_t *v = typed_value();
    kc_batch_t b;
    void *task = NULL;
    kc_error_t err;
    kc_record_t *r;
    sqlite3 *db;
    sqlite3_stmt *st;
    static const uint8_t raw[] = {0x00, 0xff, 0x10};
    static const uint8_t price[] = {0x04, 0xd2}; /* 1234, scale 2 */

    KC_UNUSED(state);
    assert_true(fd >= 0);
    close(fd);
    unlink(path);
    snprintf(url, sizeof(url), "jdbc:sqlite:%s", path);
    kc_props_set(p, "connection.url", url);
    kc_props_set(p, "auto.create", "true");
    kc_props_set(p, "insert.mode", "upsert");
    kc_props_set(p, "pk.mode", "record_value");
    kc_props_set(p, "pk.fields", "id");
    kc_props_set(p, "table.name.format", "t_${topic}");
    assert_int_equal(kc_jdbc_sink_task.start(&task, p, NULL, &err), KC_OK);
    kc_batch_init(&b);
    r = add_row(&b, v, 1, "first");
    kc_value_set_int(kc_value_struct_get(&r->value, "small"), KC_TYPE_INT16,
                     -3);
    kc_value_set_int(kc_value_struct_get(&r->value, "big"), KC_TYPE_INT64,
                     INT64_C(9007199254740993));
    kc_value_set_float(kc_value_struct_get(&r->value, "ratio"), KC_TYPE_FLOAT64,
                       0.5);
    kc_value_set_bool(kc_value_struct_get(&r->value, "flag"), true);
    kc_value_set_bytes(b.arena, kc_value_struct_get(&r->value, "raw"), raw,
                       sizeof(raw));
    kc_value_set_bytes(b.arena, kc_value_struct_get(&r->value, "price"), price,
                       sizeof(price));
    /* 2024-02-29 and 2024-02-29T12:34:56.789Z */
    kc_value_set_int(kc_value_struct_get(&r->value, "day"), KC_TYPE_INT32,
                     19782);
    kc_value_set_int(kc_value_struct_get(&r->value, "at"), KC_TYPE_INT64,
                     INT64_C(1709210096789));
    kc_value_set_int(kc_value_struct_get(&r->value, "hits"), KC_TYPE_INT32, 1);
    r = add_row(&b, v, 2, NULL);
    kc_value_set_int(kc_value_struct_get(&r->value, "day"), KC_TYPE_INT32, 0);
    kc_value_set_int(kc_value_struct_get(&r->value, "at"), KC_TYPE_INT64, 0);
    /* the same key again: the last write wins */
    r = add_row(&b, v, 1, "second");
    kc_value_set_int(kc_value_struct_get(&r->value, "day"), KC_TYPE_INT32,
                     19782);
    kc_value_set_int(kc_value_struct_get(&r->value, "at"), KC_TYPE_INT64,
                     INT64_C(1709210096789));
    kc_value_set_bytes(b.arena, kc_value_struct_get(&r->value, "price"), price,
                       sizeof(price));
    kc_value_set_bytes(b.arena, kc_value_struct_get(&r->value, "raw"), raw,
                       sizeof(raw));
    assert_int_equal(kc_jdbc_sink_task.put(task, &b, &err), KC_OK);

    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(
        sqlite3_prepare_v2(db,
                           "SELECT id, name, small, big, ratio, flag, raw, "
                           "price, day, at, hits FROM t_orders ORDER BY id",
                           -1, &st, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 1);
    assert_string_equal((const char *)sqlite3_column_text(st, 1), "second");
    assert_int_equal(sqlite3_column_type(st, 2), SQLITE_NULL);
    assert_int_equal(sqlite3_column_bytes(st, 6), 3);
    assert_memory_equal(sqlite3_column_blob(st, 6), raw, 3);
    assert_true(sqlite3_column_double(st, 7) == 12.34);
    assert_string_equal((const char *)sqlite3_column_text(st, 8), "2024-02-29");
    assert_string_equal((const char *)sqlite3_column_text(st, 9),
                        "2024-02-29 12:34:56.789");
    /* a null field with a default is written as the default */
    assert_int_equal(sqlite3_column_int(st, 10), 7);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 2);
    assert_int_equal(sqlite3_column_type(st, 1), SQLITE_NULL);
    assert_string_equal((const char *)sqlite3_column_text(st, 8), "1970-01-01");
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);

    /* the first put's values, kept by the first row before the upsert */
    kc_batch_clear(&b);
    r = add_row(&b, v, 3, "third");
    kc_value_set_int(kc_value_struct_get(&r->value, "big"), KC_TYPE_INT64,
                     INT64_C(9007199254740993));
    kc_value_set_float(kc_value_struct_get(&r->value, "ratio"), KC_TYPE_FLOAT64,
                       0.5);
    kc_value_set_bool(kc_value_struct_get(&r->value, "flag"), true);
    kc_value_set_int(kc_value_struct_get(&r->value, "day"), KC_TYPE_INT32, 1);
    kc_value_set_int(kc_value_struct_get(&r->value, "at"), KC_TYPE_INT64, -1);
    assert_int_equal(kc_jdbc_sink_task.put(task, &b, &err), KC_OK);
    assert_int_equal(
        sqlite3_prepare_v2(db,
                           "SELECT big, ratio, flag, day, at FROM t_orders "
                           "WHERE id = 3",
                           -1, &st, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_true(sqlite3_column_int64(st, 0) == INT64_C(9007199254740993));
    assert_true(sqlite3_column_double(st, 1) == 0.5);
    assert_int_equal(sqlite3_column_int(st, 2), 1);
    assert_string_equal((const char *)sqlite3_column_text(st, 3), "1970-01-02");
    /* one millisecond before the epoch */
    assert_string_equal((const char *)sqlite3_column_text(st, 4),
                        "1969-12-31 23:59:59.999");
    sqlite3_finalize(st);
    sqlite3_close(db);

    kc_batch_release(&b);
    kc_jdbc_sink_task.stop(task);
    kc_schema_unref(v);
    kc_props_destroy(p);
    unlink(path);
}

static void
test_jdbc_sink_task_fails_on_a_tombstone_without_deletes(void **state)
{
    kc_props_t *p = kc_props_new();
    kc_batch_t b;
    void *task = NULL;
    kc_error_t err;
    kc_record_t *r;

    KC_UNUSED(state);
    kc_props_set(p, "connection.url", "jdbc:sqlite::memory:");
    assert_int_equal(kc_jdbc_sink_task.start(&task, p, NULL, &err), KC_OK);
    kc_batch_init(&b);
    r = kc_batch_add(&b);
    r->topic = "orders";
    r->partition = 2;
    r->offset = 41;
    assert_int_equal(kc_jdbc_sink_task.put(task, &b, &err), KC_ERR_INVALID);
    assert_non_null(strstr(err.msg, "'delete.enabled=false'"));
    assert_non_null(strstr(err.msg, "(topic='orders',partition=2,offset=41,"));
    kc_batch_release(&b);
    kc_jdbc_sink_task.stop(task);
    kc_props_destroy(p);
}

static void
test_jdbc_sink_refused_row_leaves_the_whole_put_unwritten(void **state)
{
    char path[] = "/tmp/kc_jdbc_sink_XXXXXX";
    int fd = mkstemp(path);
    char url[64];
    kc_props_t *p = kc_props_new();
    kc_schema_t *v = order_value();
    kc_batch_t b;
    void *task = NULL;
    kc_error_t err;
    sqlite3 *db;
    sqlite3_stmt *st;

    KC_UNUSED(state);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "CREATE TABLE orders (id INTEGER PRIMARY "
                                  "KEY, name TEXT NOT NULL, qty INTEGER)",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    snprintf(url, sizeof(url), "jdbc:sqlite:%s", path);
    kc_props_set(p, "connection.url", url);
    assert_int_equal(kc_jdbc_sink_task.start(&task, p, NULL, &err), KC_OK);
    kc_batch_init(&b);
    add_row(&b, v, 1, "good");
    add_row(&b, v, 2, NULL); /* NOT NULL refuses it */
    add_row(&b, v, 3, "good too");
    assert_int_not_equal(kc_jdbc_sink_task.put(task, &b, &err), KC_OK);
    assert_non_null(strstr(err.msg, "NOT NULL constraint failed"));
    assert_non_null(strstr(err.msg, "orders.name"));
    /* the task fails, so none of the put may stay: the redelivery after a
     * restart would write rows 1 and 3 twice */
    assert_int_equal(
        sqlite3_prepare_v2(db, "SELECT count(*) FROM orders", -1, &st, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    kc_batch_release(&b);
    kc_jdbc_sink_task.stop(task);
    kc_schema_unref(v);
    kc_props_destroy(p);
    unlink(path);
}

static void
test_jdbc_sink_schemaless_map_into_sqlite_by_column_name(void **state)
{
    char path[] = "/tmp/kc_jdbc_sink_XXXXXX";
    int fd = mkstemp(path);
    char url[64];
    kc_props_t *p = kc_props_new();
    kc_batch_t b;
    void *task = NULL;
    kc_error_t err;
    kc_record_t *r;
    sqlite3 *db;
    sqlite3_stmt *st;

    KC_UNUSED(state);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "CREATE TABLE orders (id INTEGER PRIMARY "
                                  "KEY, name TEXT, qty INTEGER)",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    snprintf(url, sizeof(url), "jdbc:sqlite:%s", path);
    kc_props_set(p, "connection.url", url);
    assert_int_equal(kc_jdbc_sink_task.start(&task, p, NULL, &err), KC_OK);
    kc_batch_init(&b);
    /* {"qty": 20, "id": 2, "name": null}: keys in another order */
    r = kc_batch_add(&b);
    r->topic = "orders";
    kc_value_set_map(b.arena, &r->value, 3);
    kc_value_set_string(b.arena, &r->value.u.map.keys[0], "qty", 3);
    kc_value_set_int(&r->value.u.map.values[0], KC_TYPE_INT64, 20);
    kc_value_set_string(b.arena, &r->value.u.map.keys[1], "id", 2);
    kc_value_set_int(&r->value.u.map.values[1], KC_TYPE_INT64, 2);
    kc_value_set_string(b.arena, &r->value.u.map.keys[2], "name", 4);
    kc_value_set_null(&r->value.u.map.values[2]);
    assert_int_equal(kc_jdbc_sink_task.put(task, &b, &err), KC_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT id, name, qty FROM orders",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 2);
    assert_int_equal(sqlite3_column_type(st, 1), SQLITE_NULL);
    assert_int_equal(sqlite3_column_int(st, 2), 20);
    sqlite3_finalize(st);
    sqlite3_close(db);
    kc_batch_release(&b);
    kc_jdbc_sink_task.stop(task);
    kc_props_destroy(p);
    unlink(path);
}

static void test_jdbc_sink_one_put_into_many_tables(void **state)
{
    char path[] = "/tmp/kc_jdbc_sink_XXXXXX";
    int fd = mkstemp(path);
    char url[64];
    kc_props_t *p = kc_props_new();
    kc_schema_t *v = order_value();
    kc_batch_t b;
    void *task = NULL;
    kc_error_t err;
    sqlite3 *db;
    sqlite3_stmt *st;
    static const char *const topics[] = {"t_a", "t_b", "t_c", "t_d"};

    KC_UNUSED(state);
    assert_true(fd >= 0);
    close(fd);
    unlink(path);
    snprintf(url, sizeof(url), "jdbc:sqlite:%s", path);
    kc_props_set(p, "connection.url", url);
    kc_props_set(p, "auto.create", "true");
    assert_int_equal(kc_jdbc_sink_task.start(&task, p, NULL, &err), KC_OK);
    kc_batch_init(&b);
    /* a new plan per table within one put (each keeps its statements
     * while the put runs) */
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < 4; i++) {
            kc_record_t *r = add_row(&b, v, (int32_t)(round * 4 + i), "x");

            r->topic = topics[i];
        }
    }
    assert_int_equal(kc_jdbc_sink_task.put(task, &b, &err), KC_OK);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    for (size_t i = 0; i < 4; i++) {
        char sql[64];

        snprintf(sql, sizeof(sql), "SELECT group_concat(id) FROM %s",
                 topics[i]);
        assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        snprintf(sql, sizeof(sql), "%zu,%zu", i, i + 4);
        assert_string_equal((const char *)sqlite3_column_text(st, 0), sql);
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    kc_batch_release(&b);
    kc_jdbc_sink_task.stop(task);
    kc_schema_unref(v);
    kc_props_destroy(p);
    unlink(path);
}

/* One row of {id, day Date, tm Time, at Timestamp} written with @p p;
 * returns the three columns' text, "|"-joined. */
static void write_times(kc_props_t *p, const char *path, char *out, size_t size)
{
    kc_schema_t *v = kc_schema_new(KC_TYPE_STRUCT);
    kc_batch_t b;
    void *task = NULL;
    kc_error_t err;
    kc_record_t *r;
    sqlite3 *db;
    sqlite3_stmt *st;

    add_field(v, "id", kc_schema_new(KC_TYPE_INT32));
    add_field(v, "day", kc_schema_date_new());
    add_field(v, "tm", kc_schema_time_new());
    add_field(v, "at", kc_schema_timestamp_new());
    assert_int_equal(kc_jdbc_sink_task.start(&task, p, NULL, &err), KC_OK);
    kc_batch_init(&b);
    r = kc_batch_add(&b);
    r->topic = "times";
    r->value_schema = v;
    kc_value_set_struct(b.arena, &r->value, v);
    kc_value_set_int(kc_value_struct_get(&r->value, "id"), KC_TYPE_INT32, 1);
    /* 2024-02-29, 12:34:56.789, 2024-02-29T12:34:56.789Z */
    kc_value_set_int(kc_value_struct_get(&r->value, "day"), KC_TYPE_INT32,
                     19782);
    kc_value_set_int(kc_value_struct_get(&r->value, "tm"), KC_TYPE_INT32,
                     45296789);
    kc_value_set_int(kc_value_struct_get(&r->value, "at"), KC_TYPE_INT64,
                     INT64_C(1709210096789));
    assert_int_equal(kc_jdbc_sink_task.put(task, &b, &err), KC_OK);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT day || '|' || tm || '|' || "
                                        "at FROM times",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    snprintf(out, size, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    assert_int_equal(sqlite3_exec(db, "DROP TABLE times", NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    kc_batch_release(&b);
    kc_jdbc_sink_task.stop(task);
    kc_schema_unref(v);
}

static void
test_jdbc_sink_db_timezone_writes_wall_times_in_the_zone(void **state)
{
    char path[] = "/tmp/kc_jdbc_sink_XXXXXX";
    int fd = mkstemp(path);
    char url[64];
    char got[128];
    kc_props_t *p = kc_props_new();

    KC_UNUSED(state);
    assert_true(fd >= 0);
    close(fd);
    unlink(path);
    snprintf(url, sizeof(url), "jdbc:sqlite:%s", path);
    kc_props_set(p, "connection.url", url);
    kc_props_set(p, "auto.create", "true");
    write_times(p, path, got, sizeof(got));
    assert_string_equal(got, "2024-02-29|12:34:56.789|2024-02-29 12:34:56.789");
    /* New York is UTC-5 in February and in January 1970 (Python's
     * zoneinfo gives the same); Date follows db.timezone, so midnight UTC
     * is the day before there, as Confluent's setDate with that calendar */
    kc_props_set(p, "db.timezone", "America/New_York");
    write_times(p, path, got, sizeof(got));
    assert_string_equal(got, "2024-02-28|07:34:56.789|2024-02-29 07:34:56.789");
    kc_props_set(p, "date.timezone", "UTC");
    write_times(p, path, got, sizeof(got));
    assert_string_equal(got, "2024-02-29|07:34:56.789|2024-02-29 07:34:56.789");
    kc_props_destroy(p);
    unlink(path);
}

/* Golden values: tests/golden/jdbc_calendar/sink_calendar.txt, printed by
 * GenSinkCalendar.java: the fields a UTC GregorianCalendar gives a Connect
 * Date (epoch days) or Timestamp (epoch ms), as Confluent's sink binds
 * them: hybrid (LEGACY) and with the Gregorian change at the beginning of
 * time (PROLEPTIC_GREGORIAN). */
static const struct {
    bool is_date;
    int64_t value;
    const char *legacy;
    const char *proleptic;
} sink_calendar[] = {
    {true, -719162, "0001-01-03", "0001-01-01"},
    {true, -354226, "1000-02-24", "1000-03-01"},
    {true, -171489, "1500-06-15", "1500-06-25"},
    {true, -141428, "1582-10-04", "1582-10-14"},
    {true, -141438, "1582-09-24", "1582-10-04"},
    {true, -141427, "1582-10-15", "1582-10-15"},
    {true, -141418, "1582-10-24", "1582-10-24"},
    {true, 18321, "2020-02-29", "2020-02-29"},
    {false, -33749789969544LL, "0900-07-01 10:20:30.456",
     "0900-07-06 10:20:30.456"},
    {false, -12218428800001LL, "1582-10-24 23:59:59.999",
     "1582-10-24 23:59:59.999"},
    {false, -12219292800001LL, "1582-10-04 23:59:59.999",
     "1582-10-14 23:59:59.999"},
    {false, -12219292800000LL, "1582-10-15 00:00:00.000",
     "1582-10-15 00:00:00.000"},
    {false, 1577836801250LL, "2020-01-01 00:00:01.250",
     "2020-01-01 00:00:01.250"},
};

/* The text the sink writes into SQLite for a Date (@p is_date) or a
 * Timestamp holding @p n under the settings @p p. */
static void write_calendar_value(kc_props_t *p, const char *path, bool is_date,
                                 int64_t n, char *out, size_t size)
{
    kc_schema_t *v = kc_schema_new(KC_TYPE_STRUCT);
    kc_batch_t b;
    void *task = NULL;
    kc_error_t err;
    kc_record_t *r;
    sqlite3 *db;
    sqlite3_stmt *st;

    add_field(v, "at",
              is_date ? kc_schema_date_new() : kc_schema_timestamp_new());
    assert_int_equal(kc_jdbc_sink_task.start(&task, p, NULL, &err), KC_OK);
    kc_batch_init(&b);
    r = kc_batch_add(&b);
    r->topic = "cal";
    r->value_schema = v;
    kc_value_set_struct(b.arena, &r->value, v);
    kc_value_set_int(kc_value_struct_get(&r->value, "at"),
                     is_date ? KC_TYPE_INT32 : KC_TYPE_INT64, n);
    assert_int_equal(kc_jdbc_sink_task.put(task, &b, &err), KC_OK);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(
        sqlite3_prepare_v2(db, "SELECT at FROM cal", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    snprintf(out, size, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    assert_int_equal(sqlite3_exec(db, "DROP TABLE cal", NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    kc_batch_release(&b);
    kc_jdbc_sink_task.stop(task);
    kc_schema_unref(v);
}

static void
test_jdbc_sink_date_calendar_system_legacy_writes_julian_before_1582(
    void **state)
{
    char path[] = "/tmp/kc_jdbc_sink_XXXXXX";
    int fd = mkstemp(path);
    char url[64];
    char got[64];
    kc_props_t *p = kc_props_new();

    KC_UNUSED(state);
    assert_true(fd >= 0);
    close(fd);
    unlink(path);
    snprintf(url, sizeof(url), "jdbc:sqlite:%s", path);
    kc_props_set(p, "connection.url", url);
    kc_props_set(p, "auto.create", "true");
    /* LEGACY is the default, as Confluent's */
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1) {
            kc_props_set(p, "date.calendar.system", "PROLEPTIC_GREGORIAN");
        }
        for (size_t i = 0; i < KC_ARRAY_LEN(sink_calendar); i++) {
            const char *want = pass == 0 ? sink_calendar[i].legacy
                                         : sink_calendar[i].proleptic;

            write_calendar_value(p, path, sink_calendar[i].is_date,
                                 sink_calendar[i].value, got, sizeof(got));
            /* SQLite keeps the text the sink wrote, which drops a
             * timestamp's trailing zeros of the fraction */
            assert_int_equal(strncmp(got, want, strlen(got)), 0);
            assert_true(strlen(got) >= (sink_calendar[i].is_date ? 10 : 19));
        }
    }
    kc_props_destroy(p);
    unlink(path);
}

/* connection.attempts tries, connection.backoff.ms apart (each a
 * redelivery of the batch), then the task fails, as Confluent's
 * CachedConnectionProvider throws once its attempts are spent */
static void test_jdbc_sink_connection_attempts_then_the_task_fails(void **state)
{
    kc_props_t *p = kc_props_new();
    kc_schema_t *v = order_value();
    kc_batch_t b;
    void *task = NULL;
    kc_error_t err;

    KC_UNUSED(state);
    kc_props_set(p, "connection.url",
                 "jdbc:sqlite:/nonexistent-kc-dir/sub/orders.db");
    kc_props_set(p, "connection.attempts", "3");
    kc_props_set(p, "connection.backoff.ms", "1");
    assert_int_equal(kc_jdbc_sink_task.start(&task, p, NULL, &err), KC_OK);
    kc_batch_init(&b);
    add_row(&b, v, 1, "one");
    assert_int_equal(kc_jdbc_sink_task.put(task, &b, &err), KC_RETRY);
    assert_int_equal(kc_jdbc_sink_task.put(task, &b, &err), KC_RETRY);
    assert_int_equal(kc_jdbc_sink_task.put(task, &b, &err), KC_ERR);
    assert_false(kc_error_is_retriable(&err));
    assert_non_null(strstr(err.msg, "after 3 attempts"));
    kc_batch_release(&b);
    kc_jdbc_sink_task.stop(task);
    kc_schema_unref(v);
    kc_props_destroy(p);
}

/* A view is not a table unless table.types says so (Confluent's
 * tableExists asks getTables with those types); admitted, it is written
 * but never altered. */
static void test_jdbc_sink_table_types_decide_what_a_view_is(void **state)
{
    char path[] = "/tmp/kc_jdbc_sink_XXXXXX";
    int fd = mkstemp(path);
    char url[64];
    kc_props_t *p = kc_props_new();
    kc_schema_t *v = order_value();
    kc_schema_t *v2 = order_value();
    kc_batch_t b;
    void *task = NULL;
    kc_error_t err;
    sqlite3 *db;

    KC_UNUSED(state);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "CREATE TABLE base (id INTEGER, name TEXT, "
                                  "qty INTEGER); CREATE VIEW orders AS "
                                  "SELECT * FROM base",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    snprintf(url, sizeof(url), "jdbc:sqlite:%s", path);
    kc_props_set(p, "connection.url", url);
    assert_int_equal(kc_jdbc_sink_task.start(&task, p, NULL, &err), KC_OK);
    kc_batch_init(&b);
    add_row(&b, v, 1, "one");
    assert_int_not_equal(kc_jdbc_sink_task.put(task, &b, &err), KC_OK);
    assert_non_null(strstr(err.msg, "\"orders\" is missing and "
                                    "auto-creation is disabled"));
    kc_batch_release(&b);
    kc_jdbc_sink_task.stop(task);

    kc_props_set(p, "table.types", "TABLE,VIEW");
    kc_props_set(p, "auto.evolve", "true");
    add_field(v2, "extra", opt(KC_TYPE_STRING));
    assert_int_equal(kc_jdbc_sink_task.start(&task, p, NULL, &err), KC_OK);
    kc_batch_init(&b);
    add_row(&b, v2, 1, "one");
    assert_int_not_equal(kc_jdbc_sink_task.put(task, &b, &err), KC_OK);
    assert_non_null(strstr(err.msg, "View \"orders\" is missing fields "
                                    "(extra) and ALTER VIEW is "
                                    "unsupported"));
    kc_batch_release(&b);
    kc_jdbc_sink_task.stop(task);
    kc_schema_unref(v);
    kc_schema_unref(v2);
    kc_props_destroy(p);
    unlink(path);
}

/* kconnect.exactly.once: the next offset of each partition is stored with
 * the rows, and open (SinkTask.open) gives it back, also to a new task,
 * so the runtime starts each partition where the table ends */
static void
test_jdbc_sink_exactly_once_stores_and_opens_at_offsets(void **state)
{
    char path[] = "/tmp/kc_jdbc_sink_XXXXXX";
    int fd = mkstemp(path);
    char url[64];
    kc_props_t *p = kc_props_new();
    kc_schema_t *v = order_value();
    kc_batch_t b;
    void *task = NULL;
    kc_error_t err;
    kc_record_t *r;
    kc_sink_partition_t parts[3] = {
        {"orders", 0, -1}, {"orders", 1, -1}, {"orders", 2, -1}};
    sqlite3 *db;
    sqlite3_stmt *st;

    KC_UNUSED(state);
    assert_true(fd >= 0);
    close(fd);
    snprintf(url, sizeof(url), "jdbc:sqlite:%s", path);
    kc_props_set(p, "name", "eos-sink");
    kc_props_set(p, "connection.url", url);
    kc_props_set(p, "auto.create", "true");
    kc_props_set(p, "kconnect.exactly.once", "true");
    assert_int_equal(kc_jdbc_sink_task.start(&task, p, NULL, &err), KC_OK);
    assert_int_equal(kc_jdbc_sink_task.open(task, parts, 3, &err), KC_OK);
    assert_true(parts[0].offset == -1 && parts[1].offset == -1);
    kc_batch_init(&b);
    r = add_row(&b, v, 1, "a");
    r->offset = 5;
    r = add_row(&b, v, 2, "b");
    r->partition = 1;
    r->offset = 9;
    r = add_row(&b, v, 3, "c");
    r->offset = 6;
    assert_int_equal(kc_jdbc_sink_task.put(task, &b, &err), KC_OK);
    kc_batch_release(&b);
    kc_jdbc_sink_task.stop(task);

    assert_int_equal(kc_jdbc_sink_task.start(&task, p, NULL, &err), KC_OK);
    assert_int_equal(kc_jdbc_sink_task.open(task, parts, 3, &err), KC_OK);
    assert_true(parts[0].offset == 7);
    assert_true(parts[1].offset == 10);
    assert_true(parts[2].offset == -1);
    kc_jdbc_sink_task.stop(task);

    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT connector, topic, "
                                        "kafka_partition, next_offset FROM "
                                        "kconnect_sink_offsets ORDER BY 3",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "eos-sink");
    assert_string_equal((const char *)sqlite3_column_text(st, 1), "orders");
    assert_int_equal(sqlite3_column_int(st, 3), 7);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 2), 1);
    assert_int_equal(sqlite3_column_int(st, 3), 10);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    sqlite3_close(db);
    kc_schema_unref(v);
    kc_props_destroy(p);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jdbc_sink_dml_per_dialect_as_confluent),
        cmocka_unit_test(test_jdbc_sink_columns_per_pk_mode),
        cmocka_unit_test(test_jdbc_sink_create_table_types_per_dialect),
        cmocka_unit_test(
            test_jdbc_sink_alter_adds_columns_sqlite_one_per_statement),
        cmocka_unit_test(test_jdbc_sink_table_name_parts_per_dialect),
        cmocka_unit_test(test_jdbc_sink_config_rules),
        cmocka_unit_test(
            test_jdbc_sink_task_writes_types_and_upserts_into_sqlite),
        cmocka_unit_test(
            test_jdbc_sink_task_fails_on_a_tombstone_without_deletes),
        cmocka_unit_test(
            test_jdbc_sink_refused_row_leaves_the_whole_put_unwritten),
        cmocka_unit_test(
            test_jdbc_sink_schemaless_map_into_sqlite_by_column_name),
        cmocka_unit_test(test_jdbc_sink_one_put_into_many_tables),
        cmocka_unit_test(
            test_jdbc_sink_db_timezone_writes_wall_times_in_the_zone),
        cmocka_unit_test(
            test_jdbc_sink_date_calendar_system_legacy_writes_julian_before_1582),
        cmocka_unit_test(
            test_jdbc_sink_connection_attempts_then_the_task_fails),
        cmocka_unit_test(test_jdbc_sink_table_types_decide_what_a_view_is),
        cmocka_unit_test(
            test_jdbc_sink_exactly_once_stores_and_opens_at_offsets),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
