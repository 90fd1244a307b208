/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The JDBC sink's mapping of records to columns (Confluent's
 * FieldsMetadata) and the SQL text it writes: CREATE TABLE, ALTER TABLE
 * ADD, INSERT, the dialect's upsert, UPDATE and DELETE, with '?'
 * placeholders only (values are always bound, never pasted in).
 */
#include "kc_internal.h"

#include <inttypes.h>

#include "connectors/jdbc/kc_jdbc_sink.h"
#include "util/kc_str.h"

static const char *const kc_jdbc_kafka_pk[] = {
    "__connect_topic", "__connect_partition", "__connect_offset"};

static kc_jdbc_sink_col_t *
kc_jdbc_col_push(kc_jdbc_sink_col_t **arr, size_t *n, const char *name,
                 const kc_schema_t *schema, kc_jdbc_col_src_t src,
                 const kc_field_t *field, bool is_key)
{
    kc_jdbc_sink_col_t *c;

    *arr = kc_realloc(*arr, (*n + 1) * sizeof(**arr));
    c = &(*arr)[(*n)++];
    c->name = kc_strdup(name);
    c->schema = schema;
    c->logical = schema != NULL ? kc_schema_logical(schema) : KC_LOGICAL_NONE;
    c->src = src;
    c->field = field;
    c->is_key = is_key;
    return c;
}

static bool kc_jdbc_cols_have(const kc_jdbc_sink_col_t *arr, size_t n,
                              const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(arr[i].name, name) == 0) {
            return true;
        }
    }
    return false;
}

static bool kc_jdbc_list_has(const kc_cfg_list_t *list, const char *name)
{
    for (size_t i = 0; i < list->count; i++) {
        if (strcmp(list->items[i], name) == 0) {
            return true;
        }
    }
    return false;
}

static void kc_jdbc_list_text(const kc_cfg_list_t *list, kc_buf_t *out)
{
    kc_buf_putc(out, '[');
    for (size_t i = 0; i < list->count; i++) {
        kc_buf_printf(out, "%s%s", i > 0 ? ", " : "", list->items[i]);
    }
    kc_buf_putc(out, ']');
    kc_buf_cstr(out);
}

/* The key columns of pk.mode record_key / record_value from a struct. */
static kc_err_t kc_jdbc_struct_keys(const kc_jdbc_sink_conf_t *conf,
                                    const char *table, const char *mode,
                                    const kc_schema_t *schema,
                                    kc_jdbc_col_src_t src,
                                    kc_jdbc_sink_fields_t *f, kc_error_t *err)
{
    if (conf->pk_fields.count == 0) {
        for (size_t i = 0; i < kc_schema_field_count(schema); i++) {
            const kc_field_t *fl = kc_schema_field_at(schema, i);

            kc_jdbc_col_push(&f->keys, &f->nkeys, fl->name, fl->schema, src, fl,
                             true);
        }
        return KC_OK;
    }
    for (size_t i = 0; i < conf->pk_fields.count; i++) {
        const kc_field_t *fl =
            kc_schema_field(schema, conf->pk_fields.items[i]);

        if (fl == NULL) {
            kc_buf_t list;
            kc_err_t rc;

            kc_buf_init(&list, 0);
            kc_jdbc_list_text(&conf->pk_fields, &list);
            rc = kc_error_set(err, KC_ERR_INVALID,
                              "PK mode for table '%s' is %s with configured "
                              "PK fields %s, but record %s schema does not "
                              "contain field: %s",
                              table, mode, (const char *)list.data,
                              src == KC_JDBC_SRC_KEY_FIELD ? "key" : "value",
                              conf->pk_fields.items[i]);
            kc_buf_release(&list);
            return rc;
        }
        kc_jdbc_col_push(&f->keys, &f->nkeys, fl->name, fl->schema, src, fl,
                         true);
    }
    return KC_OK;
}

static kc_err_t kc_jdbc_build_keys(const kc_jdbc_sink_conf_t *conf,
                                   const char *table,
                                   const kc_schema_t *key_schema,
                                   const kc_schema_t *value_schema,
                                   kc_jdbc_sink_fields_t *f, kc_error_t *err)
{
    switch (conf->pk_mode) {
    case KC_JDBC_PK_NONE:
        return KC_OK;
    case KC_JDBC_PK_KAFKA: {
        static const kc_type_t types[] = {KC_TYPE_STRING, KC_TYPE_INT32,
                                          KC_TYPE_INT64};
        static const kc_jdbc_col_src_t srcs[] = {
            KC_JDBC_SRC_TOPIC, KC_JDBC_SRC_PARTITION, KC_JDBC_SRC_OFFSET};

        if (conf->pk_fields.count != 0 && conf->pk_fields.count != 3) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "PK mode for table '%s' is KAFKA so there "
                                "should either be no field names defined for "
                                "defaults __connect_topic, "
                                "__connect_partition and __connect_offset to "
                                "be used, or exactly three",
                                table);
        }
        for (size_t i = 0; i < 3; i++) {
            kc_jdbc_col_push(
                &f->keys, &f->nkeys,
                conf->pk_fields.count == 3 ? conf->pk_fields.items[i]
                                           : kc_jdbc_kafka_pk[i],
                kc_schema_primitive(types[i], false), srcs[i], NULL, true);
        }
        return KC_OK;
    }
    case KC_JDBC_PK_RECORD_KEY:
        if (key_schema == NULL) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "PK mode for table '%s' is RECORD_KEY, but "
                                "record key schema is missing",
                                table);
        }
        if (kc_type_is_primitive(kc_schema_type(key_schema))) {
            if (conf->pk_fields.count != 1) {
                kc_buf_t list;
                kc_err_t rc;

                kc_buf_init(&list, 0);
                kc_jdbc_list_text(&conf->pk_fields, &list);
                rc = kc_error_set(err, KC_ERR_INVALID,
                                  "Need exactly one PK column defined since "
                                  "the key schema for records is a primitive "
                                  "type, defined columns are: %s",
                                  (const char *)list.data);
                kc_buf_release(&list);
                return rc;
            }
            kc_jdbc_col_push(&f->keys, &f->nkeys, conf->pk_fields.items[0],
                             key_schema, KC_JDBC_SRC_KEY, NULL, true);
            return KC_OK;
        }
        if (kc_schema_type(key_schema) != KC_TYPE_STRUCT) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "Key schema must be primitive type or Struct, "
                                "but is of type: %s",
                                kc_type_name(kc_schema_type(key_schema)));
        }
        return kc_jdbc_struct_keys(conf, table, "RECORD_KEY", key_schema,
                                   KC_JDBC_SRC_KEY_FIELD, f, err);
    case KC_JDBC_PK_RECORD_VALUE:
        if (value_schema == NULL) {
            return kc_error_set(err, KC_ERR_INVALID,
                                "PK mode for table '%s' is RECORD_VALUE, but "
                                "record value schema is missing",
                                table);
        }
        return kc_jdbc_struct_keys(conf, table, "RECORD_VALUE", value_schema,
                                   KC_JDBC_SRC_VALUE_FIELD, f, err);
    }
    return KC_OK;
}

static int kc_jdbc_col_cmp(const void *a, const void *b)
{
    const kc_jdbc_sink_col_t *const *x = a;
    const kc_jdbc_sink_col_t *const *y = b;

    return strcmp((*x)->name, (*y)->name);
}

kc_err_t kc_jdbc_sink_fields_build(const kc_jdbc_sink_conf_t *conf,
                                   const char *table,
                                   const kc_schema_t *key_schema,
                                   const kc_schema_t *value_schema,
                                   kc_jdbc_sink_fields_t *f, kc_error_t *err)
{
    size_t nvalue = 0;
    size_t rest;
    kc_err_t rc;

    memset(f, 0, sizeof(*f));
    if (value_schema != NULL &&
        kc_schema_type(value_schema) != KC_TYPE_STRUCT) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "Sink connector requires records with a Struct "
                            "value schema for table '%s', but found a %s "
                            "value schema",
                            table, kc_type_name(kc_schema_type(value_schema)));
    }
    rc = kc_jdbc_build_keys(conf, table, key_schema, value_schema, f, err);
    if (rc != KC_OK) {
        return rc;
    }
    if (value_schema != NULL) {
        nvalue = kc_schema_field_count(value_schema);
    }
    for (size_t i = 0; i < nvalue; i++) {
        const kc_field_t *fl = kc_schema_field_at(value_schema, i);

        if (kc_jdbc_cols_have(f->keys, f->nkeys, fl->name)) {
            continue;
        }
        if (conf->whitelist.count > 0 &&
            !kc_jdbc_list_has(&conf->whitelist, fl->name)) {
            continue;
        }
        kc_jdbc_col_push(&f->cols, &f->ncols, fl->name, fl->schema,
                         KC_JDBC_SRC_VALUE_FIELD, fl, false);
    }
    /* CREATE TABLE order, as Confluent's: the Kafka coordinates, the value
     * fields in schema order, then the rest (key-only fields) sorted. */
    f->all = kc_calloc(f->nkeys + f->ncols + 1, sizeof(*f->all));
    for (size_t k = 0; k < 3; k++) {
        for (size_t i = 0; i < f->nkeys; i++) {
            if (strcmp(f->keys[i].name, kc_jdbc_kafka_pk[k]) == 0) {
                f->all[f->nall++] = &f->keys[i];
            }
        }
    }
    for (size_t v = 0; v < nvalue; v++) {
        const char *name = kc_schema_field_at(value_schema, v)->name;

        for (size_t i = 0; i < f->nkeys; i++) {
            if (strcmp(f->keys[i].name, name) == 0 &&
                f->keys[i].src != KC_JDBC_SRC_TOPIC) {
                bool dup = false;

                for (size_t a = 0; a < f->nall; a++) {
                    dup = dup || f->all[a] == &f->keys[i];
                }
                if (!dup) {
                    f->all[f->nall++] = &f->keys[i];
                }
            }
        }
        for (size_t i = 0; i < f->ncols; i++) {
            if (strcmp(f->cols[i].name, name) == 0) {
                f->all[f->nall++] = &f->cols[i];
            }
        }
    }
    rest = f->nall;
    for (size_t i = 0; i < f->nkeys; i++) {
        bool dup = false;

        for (size_t a = 0; a < f->nall; a++) {
            dup = dup || f->all[a] == &f->keys[i];
        }
        if (!dup) {
            f->all[f->nall++] = &f->keys[i];
        }
    }
    qsort(f->all + rest, f->nall - rest, sizeof(*f->all), kc_jdbc_col_cmp);
    return KC_OK;
}

void kc_jdbc_sink_fields_release(kc_jdbc_sink_fields_t *f)
{
    for (size_t i = 0; i < f->nkeys; i++) {
        kc_free(f->keys[i].name);
    }
    for (size_t i = 0; i < f->ncols; i++) {
        kc_free(f->cols[i].name);
    }
    kc_free(f->keys);
    kc_free(f->cols);
    kc_free(f->all);
    memset(f, 0, sizeof(*f));
}

kc_err_t kc_jdbc_sink_table_parse(const struct kc_jdbc_dialect *dialect,
                                  const char *text, kc_jdbc_table_id_t *id,
                                  kc_error_t *err)
{
    char *parts[3] = {NULL, NULL, NULL};
    size_t n = 0;
    const char *p = text;

    memset(id, 0, sizeof(*id));
    while (*p != '\0') {
        kc_buf_t part;

        if (n == 3) {
            for (size_t i = 0; i < n; i++) {
                kc_free(parts[i]);
            }
            return kc_error_set(err, KC_ERR_INVALID,
                                "table name '%s' has more than three parts",
                                text);
        }
        kc_buf_init(&part, 0);
        if (*p == '"' || *p == '`') {
            char q = *p++;

            while (*p != '\0' && *p != q) {
                kc_buf_putc(&part, *p++);
            }
            if (*p == q) {
                p++;
            }
        } else {
            while (*p != '\0' && *p != '.') {
                kc_buf_putc(&part, *p++);
            }
        }
        kc_buf_cstr(&part);
        parts[n++] = kc_buf_detach(&part, NULL);
        if (*p == '.') {
            p++;
        }
    }
    if (n == 0 || parts[n - 1][0] == '\0') {
        for (size_t i = 0; i < n; i++) {
            kc_free(parts[i]);
        }
        return kc_error_set(err, KC_ERR_INVALID, "table name '%s' is empty",
                            text);
    }
    id->table = parts[n - 1];
    if (n == 3) {
        id->catalog = parts[0];
        id->schema = parts[1];
    } else if (n == 2 && dialect->uses_catalogs) {
        id->catalog = parts[0];
    } else if (n == 2) {
        id->schema = parts[0];
    }
    return KC_OK;
}

/* ---- DDL ------------------------------------------------------------ */

static bool kc_jdbc_col_optional(const kc_jdbc_sink_col_t *c)
{
    return !c->is_key && kc_schema_optional(c->schema);
}

/* A DEFAULT literal, as Confluent's formatColumnValue; false when the
 * type has none here (then the column gets NULL/NOT NULL instead). */
static bool kc_jdbc_default_literal(const kc_jdbc_conn_t *conn,
                                    const kc_schema_t *schema,
                                    const kc_value_t *v, kc_buf_t *sql)
{
    if (v == NULL || v->type == KC_TYPE_NULL) {
        return false;
    }
    if (kc_schema_logical(schema) == KC_LOGICAL_DECIMAL) {
        kc_buf_putc(sql, ' ');
        return kc_decimal_to_string(v->u.bytes.data, v->u.bytes.len,
                                    kc_value_decimal_scale(schema, v),
                                    sql) == KC_OK;
    }
    if (kc_schema_logical(schema) != KC_LOGICAL_NONE) {
        return false;
    }
    switch (kc_schema_type(schema)) {
    case KC_TYPE_INT8:
    case KC_TYPE_INT16:
    case KC_TYPE_INT32:
    case KC_TYPE_INT64:
        kc_buf_printf(sql, " %" PRId64, v->u.i);
        return true;
    case KC_TYPE_FLOAT32:
    case KC_TYPE_FLOAT64:
        kc_buf_printf(sql, " %.17g", v->u.f);
        return true;
    case KC_TYPE_BOOLEAN:
        if (conn->dialect->bool_words) {
            kc_buf_puts(sql, v->u.b ? " TRUE" : " FALSE");
        } else {
            kc_buf_puts(sql, v->u.b ? " 1" : " 0");
        }
        return true;
    case KC_TYPE_STRING:
        /* Quotes doubled: Confluent pastes the text as is (a quote in a
         * default breaks its DDL). */
        kc_buf_puts(sql, " '");
        for (size_t i = 0; i < v->u.str.len; i++) {
            if (v->u.str.data[i] == '\'') {
                kc_buf_putc(sql, '\'');
            }
            kc_buf_putc(sql, v->u.str.data[i]);
        }
        kc_buf_putc(sql, '\'');
        return true;
    default:
        return false;
    }
}

static kc_err_t kc_jdbc_column_spec(const kc_jdbc_conn_t *conn,
                                    const kc_jdbc_sink_col_t *c, kc_buf_t *sql,
                                    kc_error_t *err)
{
    const char *type = conn->dialect->sql_type(c->schema, c->is_key);
    size_t mark;

    if (type == NULL) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "%s (%s) type doesn't have a mapping to the SQL "
                            "database column type",
                            kc_schema_name(c->schema) != NULL
                                ? kc_schema_name(c->schema)
                                : c->name,
                            kc_type_name(kc_schema_type(c->schema)));
    }
    kc_jdbc_quote_ident(conn, sql, c->name);
    kc_buf_putc(sql, ' ');
    if (kc_schema_logical(c->schema) == KC_LOGICAL_DECIMAL) {
        kc_buf_printf(sql, type, (int)kc_schema_decimal_scale(c->schema));
    } else {
        kc_buf_puts(sql, type);
    }
    mark = sql->len;
    kc_buf_puts(sql, " DEFAULT");
    if (kc_jdbc_default_literal(conn, c->schema, kc_schema_default(c->schema),
                                sql)) {
        return KC_OK;
    }
    sql->len = mark;
    kc_buf_puts(sql, kc_jdbc_col_optional(c) ? " NULL" : " NOT NULL");
    return KC_OK;
}

kc_err_t kc_jdbc_sink_create_sql(const kc_jdbc_conn_t *conn,
                                 const kc_jdbc_table_id_t *table,
                                 const kc_jdbc_sink_col_t *const *cols,
                                 size_t ncols, const kc_jdbc_sink_fields_t *f,
                                 kc_buf_t *sql, kc_error_t *err)
{
    kc_buf_puts(sql, "CREATE TABLE ");
    kc_jdbc_append_table(conn, sql, table);
    kc_buf_puts(sql, " (");
    for (size_t i = 0; i < ncols; i++) {
        kc_err_t rc;

        kc_buf_puts(sql, i > 0 ? ",\n" : "\n");
        rc = kc_jdbc_column_spec(conn, cols[i], sql, err);
        if (rc != KC_OK) {
            return rc;
        }
    }
    if (f->nkeys > 0) {
        kc_buf_puts(sql, ",\nPRIMARY KEY(");
        for (size_t i = 0; i < f->nkeys; i++) {
            if (i > 0) {
                kc_buf_putc(sql, ',');
            }
            kc_jdbc_quote_ident(conn, sql, f->keys[i].name);
        }
        kc_buf_putc(sql, ')');
    }
    kc_buf_putc(sql, ')');
    kc_buf_cstr(sql);
    return KC_OK;
}

kc_err_t kc_jdbc_sink_alter_sql(const kc_jdbc_conn_t *conn,
                                const kc_jdbc_table_id_t *table,
                                const kc_jdbc_sink_col_t *const *cols,
                                size_t ncols, kc_buf_t *sql, kc_error_t *err)
{
    for (size_t i = 0; i < ncols; i++) {
        kc_err_t rc;

        if (i == 0 || conn->dialect->alter_one_column) {
            if (i > 0) {
                kc_buf_puts(sql, ";\n");
            }
            kc_buf_puts(sql, "ALTER TABLE ");
            kc_jdbc_append_table(conn, sql, table);
            kc_buf_puts(sql, " ADD ");
        } else {
            kc_buf_puts(sql, ",\nADD ");
        }
        rc = kc_jdbc_column_spec(conn, cols[i], sql, err);
        if (rc != KC_OK) {
            return rc;
        }
    }
    kc_buf_cstr(sql);
    return KC_OK;
}

/* ---- DML ------------------------------------------------------------ */

static void kc_jdbc_name_list(const kc_jdbc_conn_t *conn, kc_buf_t *sql,
                              const kc_jdbc_sink_fields_t *f)
{
    for (size_t i = 0; i < f->nkeys + f->ncols; i++) {
        const kc_jdbc_sink_col_t *c =
            i < f->nkeys ? &f->keys[i] : &f->cols[i - f->nkeys];

        if (i > 0) {
            kc_buf_putc(sql, ',');
        }
        kc_jdbc_quote_ident(conn, sql, c->name);
    }
}

/* The placeholders of @p nrows rows after the first's "(": "?,?),(?,?)". */
static void kc_jdbc_value_groups(kc_buf_t *sql, size_t ncols, size_t nrows)
{
    for (size_t r = 0; r < nrows; r++) {
        if (r > 0) {
            kc_buf_puts(sql, ",(");
        }
        for (size_t i = 0; i < ncols; i++) {
            kc_buf_puts(sql, i > 0 ? ",?" : "?");
        }
        kc_buf_putc(sql, ')');
    }
}

static void kc_jdbc_insert_head(const kc_jdbc_conn_t *conn, kc_buf_t *sql,
                                const char *verb,
                                const kc_jdbc_table_id_t *table,
                                const kc_jdbc_sink_fields_t *f, size_t nrows)
{
    /* PostgreSQL's dialect spaces the lists; the generic one does not. */
    bool spaced = conn->dialect->upsert_style == KC_JDBC_UPSERT_ON_CONFLICT;

    kc_buf_puts(sql, verb);
    kc_jdbc_append_table(conn, sql, table);
    kc_buf_puts(sql, spaced ? " (" : "(");
    kc_jdbc_name_list(conn, sql, f);
    kc_buf_puts(sql, spaced ? ") VALUES (" : ") VALUES(");
    kc_jdbc_value_groups(sql, f->nkeys + f->ncols, nrows);
}

static void kc_jdbc_upsert_sql(const kc_jdbc_conn_t *conn, kc_buf_t *sql,
                               const kc_jdbc_table_id_t *table,
                               const kc_jdbc_sink_fields_t *f, size_t nrows)
{
    switch (conn->dialect->upsert_style) {
    case KC_JDBC_UPSERT_ON_CONFLICT:
        kc_jdbc_insert_head(conn, sql, "INSERT INTO ", table, f, nrows);
        kc_buf_puts(sql, " ON CONFLICT (");
        for (size_t i = 0; i < f->nkeys; i++) {
            if (i > 0) {
                kc_buf_putc(sql, ',');
            }
            kc_jdbc_quote_ident(conn, sql, f->keys[i].name);
        }
        if (f->ncols == 0) {
            kc_buf_puts(sql, ") DO NOTHING");
            return;
        }
        kc_buf_puts(sql, ") DO UPDATE SET ");
        for (size_t i = 0; i < f->ncols; i++) {
            if (i > 0) {
                kc_buf_putc(sql, ',');
            }
            kc_jdbc_quote_ident(conn, sql, f->cols[i].name);
            kc_buf_puts(sql, "=EXCLUDED.");
            kc_jdbc_quote_ident(conn, sql, f->cols[i].name);
        }
        return;
    case KC_JDBC_UPSERT_ON_DUPLICATE_KEY: {
        const kc_jdbc_sink_col_t *set = f->ncols > 0 ? f->cols : f->keys;
        size_t nset = f->ncols > 0 ? f->ncols : f->nkeys;

        kc_buf_puts(sql, "insert into ");
        kc_jdbc_append_table(conn, sql, table);
        kc_buf_putc(sql, '(');
        kc_jdbc_name_list(conn, sql, f);
        kc_buf_puts(sql, ") values(");
        kc_jdbc_value_groups(sql, f->nkeys + f->ncols, nrows);
        kc_buf_puts(sql, " on duplicate key update ");
        for (size_t i = 0; i < nset; i++) {
            if (i > 0) {
                kc_buf_putc(sql, ',');
            }
            kc_jdbc_quote_ident(conn, sql, set[i].name);
            kc_buf_puts(sql, "=values(");
            kc_jdbc_quote_ident(conn, sql, set[i].name);
            kc_buf_putc(sql, ')');
        }
        return;
    }
    case KC_JDBC_UPSERT_OR_REPLACE:
        kc_jdbc_insert_head(conn, sql, "INSERT OR REPLACE INTO ", table, f,
                            nrows);
        return;
    }
}

kc_err_t kc_jdbc_sink_write_sql(const kc_jdbc_conn_t *conn,
                                kc_jdbc_insert_mode_t mode,
                                const kc_jdbc_table_id_t *table,
                                const kc_jdbc_sink_fields_t *f, kc_buf_t *sql,
                                kc_error_t *err)
{
    char *fqn;
    kc_err_t rc;

    switch (mode) {
    case KC_JDBC_INSERT:
        kc_jdbc_insert_head(conn, sql, "INSERT INTO ", table, f, 1);
        break;
    case KC_JDBC_UPSERT:
        if (f->nkeys == 0) {
            fqn = kc_jdbc_table_fqn(table);
            rc = kc_error_set(err, KC_ERR_INVALID,
                              "Write to table '%s' in UPSERT mode requires "
                              "key field names to be known, check the "
                              "primary key configuration",
                              fqn);
            kc_free(fqn);
            return rc;
        }
        kc_jdbc_upsert_sql(conn, sql, table, f, 1);
        break;
    case KC_JDBC_UPDATE:
        kc_buf_puts(sql, "UPDATE ");
        kc_jdbc_append_table(conn, sql, table);
        kc_buf_puts(sql, " SET ");
        for (size_t i = 0; i < f->ncols; i++) {
            if (i > 0) {
                kc_buf_puts(sql, ", ");
            }
            kc_jdbc_quote_ident(conn, sql, f->cols[i].name);
            kc_buf_puts(sql, " = ?");
        }
        for (size_t i = 0; i < f->nkeys; i++) {
            kc_buf_puts(sql, i > 0 ? " AND " : " WHERE ");
            kc_jdbc_quote_ident(conn, sql, f->keys[i].name);
            kc_buf_puts(sql, " = ?");
        }
        break;
    }
    kc_buf_cstr(sql);
    return KC_OK;
}

bool kc_jdbc_sink_multi_sql(const kc_jdbc_conn_t *conn,
                            kc_jdbc_insert_mode_t mode,
                            const kc_jdbc_table_id_t *table,
                            const kc_jdbc_sink_fields_t *f, size_t nrows,
                            kc_buf_t *sql)
{
    if (mode == KC_JDBC_INSERT) {
        kc_jdbc_insert_head(conn, sql, "INSERT INTO ", table, f, nrows);
    } else if (mode == KC_JDBC_UPSERT && f->nkeys > 0) {
        kc_jdbc_upsert_sql(conn, sql, table, f, nrows);
    } else {
        return false;
    }
    kc_buf_cstr(sql);
    return true;
}

void kc_jdbc_sink_delete_sql(const kc_jdbc_conn_t *conn,
                             const kc_jdbc_table_id_t *table,
                             const kc_jdbc_sink_fields_t *f, kc_buf_t *sql)
{
    kc_buf_puts(sql, "DELETE FROM ");
    kc_jdbc_append_table(conn, sql, table);
    for (size_t i = 0; i < f->nkeys; i++) {
        kc_buf_puts(sql, i > 0 ? " AND " : " WHERE ");
        kc_jdbc_quote_ident(conn, sql, f->keys[i].name);
        kc_buf_puts(sql, " = ?");
    }
    kc_buf_cstr(sql);
}
