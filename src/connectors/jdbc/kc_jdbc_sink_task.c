/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JdbcSinkTask: writes each put in one database transaction. Records are
 * grouped by destination table and schemas into plans (Confluent's
 * per-table buffers); a plan's table is created or evolved before the
 * transaction opens, so a failed DDL never aborts the rows. Statements are
 * prepared with bound parameters only.
 *
 * Errors: a transient one (lost connection, deadlock, serialization
 * failure) rolls back, drops the connection and asks the runtime to
 * redeliver the same batch after retry.backoff.ms, max.retries times. Any
 * other failure of the batch rolls back and writes the records again in
 * one transaction, each behind a savepoint, so the record that caused it
 * goes, with the database's message, through the error-handling policy
 * (the DLQ with errors.tolerance=all) and the good ones are written.
 */
#include "kc_internal.h"

#include <ctype.h>
#include <inttypes.h>

#include "connectors/jdbc/kc_jdbc_sink.h"
#include "connectors/jdbc/kc_jdbc_source.h"
#include "util/kc_clock.h"
#include "util/kc_str.h"

#define KC_JDBC_SINK_LOGGER "io.confluent.connect.jdbc.sink.JdbcSinkTask"

/* Records of one table with one key and value schema. */
typedef struct kc_jdbc_plan {
    char *table_name; /* table.name.format applied */
    kc_jdbc_table_id_t table;
    const kc_schema_t *key_schema;   /* a reference */
    const kc_schema_t *value_schema; /* a reference; NULL: deletes only */
    kc_jdbc_sink_fields_t fields;
    char *write_sql;
    char *delete_sql;
    bool ready; /* the table exists with every column */
    bool copy_logged;
} kc_jdbc_plan_t;

typedef struct kc_jdbc_sink {
    kc_jdbc_sink_conf_t conf;
    kc_sink_task_ctx_t *tctx;
    kc_jdbc_conn_t *conn;
    kc_jdbc_plan_t **plans; /* each its own allocation: puts point at them */
    size_t nplans;
    int32_t retries_left;
    int32_t conn_failures; /* failed connection attempts in a row */
    kc_arena_t *arena;     /* parameter text of one put */
    kc_jdbc_tz_t *tz;      /* db.timezone; NULL: UTC */
    bool date_utc;         /* date.timezone=UTC */
    bool legacy_calendar;  /* date.calendar.system=LEGACY */
    /* kconnect.exactly.once */
    char *connector;     /* the offsets' owner */
    char *eos_upsert;    /* stores one partition's next offset */
    char *eos_select;    /* reads it back */
    bool eos_table_made; /* on this connection */
    /*
     * The put between put_start and put_finish: per record its plan, the
     * record written (a schemaless one inferred) and whether it is left
     * out. `defer`: put_start may leave the last COPY of the put
     * unanswered (`pending`, inside the open transaction).
     */
    kc_jdbc_plan_t **plan_of;
    const kc_record_t **recs;
    bool *skip;
    size_t cap; /* of the three arrays above, kept between puts */
    bool defer;
    bool pending;
    bool in_tx; /* the put's rows were begun with BEGIN (else one COPY) */
    /* the bound rows of one multi-row write, kept between puts */
    kc_jdbc_param_t *params;
    size_t params_cap;
    /* the plan the previous record of the put took, with what chose it:
     * a run of records of one topic and schemas skips the lookup */
    const kc_jdbc_plan_t *last_plan;
    const char *last_topic;
    const kc_schema_t *last_key_schema;
    const kc_schema_t *last_value_schema;
} kc_jdbc_sink_t;

static void kc_jdbc_plan_release(kc_jdbc_plan_t *p)
{
    kc_free(p->table_name);
    kc_jdbc_table_id_release(&p->table);
    if (p->key_schema != NULL) {
        kc_schema_unref(p->key_schema);
    }
    if (p->value_schema != NULL) {
        kc_schema_unref(p->value_schema);
    }
    kc_jdbc_sink_fields_release(&p->fields);
    kc_free(p->write_sql);
    kc_free(p->delete_sql);
}

static void kc_jdbc_sink_drop_plans(kc_jdbc_sink_t *s)
{
    for (size_t i = 0; i < s->nplans; i++) {
        kc_jdbc_plan_release(s->plans[i]);
        kc_free(s->plans[i]);
    }
    kc_free(s->plans);
    s->plans = NULL;
    s->nplans = 0;
}

static void kc_jdbc_sink_disconnect(kc_jdbc_sink_t *s)
{
    kc_jdbc_close(s->conn);
    s->conn = NULL;
    s->eos_table_made = false;
    /* the table may have changed while we were away */
    for (size_t i = 0; i < s->nplans; i++) {
        s->plans[i]->ready = false;
    }
}

static kc_err_t kc_jdbc_sink_start(void **ctx, const kc_props_t *config,
                                   kc_sink_task_ctx_t *tctx, kc_error_t *err)
{
    kc_jdbc_sink_t *s = kc_calloc(1, sizeof(*s));
    kc_err_t rc = kc_jdbc_sink_conf_load(config, &s->conf, err);

    if (rc != KC_OK) {
        kc_free(s);
        return rc;
    }
    if (!kc_jdbc_timezone_is_utc(s->conf.db_timezone)) {
        rc = kc_jdbc_tz_load(s->conf.db_timezone, &s->tz, err);
        if (rc != KC_OK) {
            kc_jdbc_sink_conf_release(&s->conf);
            kc_free(s);
            return rc;
        }
    }
    s->date_utc = strcmp(s->conf.date_timezone, "UTC") == 0;
    s->legacy_calendar = strcmp(s->conf.date_calendar, "LEGACY") == 0;
    s->tctx = tctx;
    if (tctx != NULL) {
        s->connector = kc_strdup(kc_sink_task_ctx_name(tctx));
    } else {
        s->connector = kc_strdup(kc_props_get(config, "name") != NULL
                                     ? kc_props_get(config, "name")
                                     : "");
    }
    s->retries_left = s->conf.max_retries;
    s->arena = kc_arena_new(0);
    kc_log_info(KC_JDBC_SINK_LOGGER, "Starting JDBC Sink task");
    *ctx = s;
    return KC_OK;
}

static bool kc_jdbc_schema_same(const kc_schema_t *a, const kc_schema_t *b)
{
    if (a == NULL || b == NULL) {
        return a == b;
    }
    return a == b || kc_schema_equals(a, b);
}

static char *kc_jdbc_table_name(const char *format, const char *topic)
{
    kc_buf_t out;
    const char *p = format;
    const char *hit;

    kc_buf_init(&out, 0);
    while ((hit = strstr(p, "${topic}")) != NULL) {
        kc_buf_append(&out, p, (size_t)(hit - p));
        kc_buf_puts(&out, topic);
        p = hit + strlen("${topic}");
    }
    kc_buf_puts(&out, p);
    kc_buf_cstr(&out);
    return kc_buf_detach(&out, NULL);
}

/* The plan for @p rec (built on first use); NULL with @p err when its
 * schemas cannot be written. */
static kc_jdbc_plan_t *kc_jdbc_plan_find(kc_jdbc_sink_t *s,
                                         const kc_record_t *rec,
                                         const kc_schema_t *vs, kc_error_t *err)
{
    char *name = kc_jdbc_table_name(s->conf.table_format, rec->topic);
    kc_jdbc_plan_t plan;
    kc_buf_t sql;

    for (size_t i = 0; i < s->nplans; i++) {
        kc_jdbc_plan_t *p = s->plans[i];

        if (strcmp(p->table_name, name) == 0 &&
            kc_jdbc_schema_same(p->key_schema, rec->key_schema) &&
            kc_jdbc_schema_same(p->value_schema, vs)) {
            kc_free(name);
            return p;
        }
    }
    memset(&plan, 0, sizeof(plan));
    plan.table_name = name;
    if (kc_jdbc_sink_table_parse(s->conn->dialect, name, &plan.table, err) !=
            KC_OK ||
        kc_jdbc_sink_fields_build(&s->conf, name, rec->key_schema, vs,
                                  &plan.fields, err) != KC_OK) {
        kc_jdbc_plan_release(&plan);
        return NULL;
    }
    kc_buf_init(&sql, 0);
    if (vs != NULL) {
        if (kc_jdbc_sink_write_sql(s->conn, s->conf.insert_mode, &plan.table,
                                   &plan.fields, &sql, err) != KC_OK) {
            kc_buf_release(&sql);
            kc_jdbc_plan_release(&plan);
            return NULL;
        }
        plan.write_sql = kc_buf_detach(&sql, NULL);
        kc_buf_init(&sql, 0);
    }
    kc_jdbc_sink_delete_sql(s->conn, &plan.table, &plan.fields, &sql);
    plan.delete_sql = kc_buf_detach(&sql, NULL);
    plan.key_schema =
        rec->key_schema != NULL ? kc_schema_ref(rec->key_schema) : NULL;
    plan.value_schema = vs != NULL ? kc_schema_ref(vs) : NULL;
    s->plans = kc_realloc(s->plans, (s->nplans + 1) * sizeof(*s->plans));
    s->plans[s->nplans] = kc_malloc(sizeof(plan));
    *s->plans[s->nplans] = plan;
    return s->plans[s->nplans++];
}

/*
 * kc_jdbc_plan_find, remembering what chose the plan: a record of the
 * same topic with the very same schema objects as the one before takes
 * the same plan without building its table name. Only within one put
 * (put_begin forgets it), while the records it points at are alive.
 */
static kc_jdbc_plan_t *kc_jdbc_plan_for(kc_jdbc_sink_t *s,
                                        const kc_record_t *rec, kc_error_t *err)
{
    const kc_schema_t *vs =
        rec->value.type == KC_TYPE_NULL ? NULL : rec->value_schema;
    kc_jdbc_plan_t *p;

    if (s->last_plan != NULL && s->last_key_schema == rec->key_schema &&
        s->last_value_schema == vs && strcmp(s->last_topic, rec->topic) == 0) {
        return (kc_jdbc_plan_t *)s->last_plan;
    }
    p = kc_jdbc_plan_find(s, rec, vs, err);
    s->last_plan = p;
    s->last_topic = rec->topic;
    s->last_key_schema = rec->key_schema;
    s->last_value_schema = vs;
    return p;
}

/* ---- the table: probe, create, evolve -------------------------------- */

/*
 * Which of the table.types the table is (*type NULL: none of them), as
 * Confluent's tableExists asks getTables with those types: a table of
 * another type counts as missing.
 */
static kc_err_t kc_jdbc_table_type(kc_jdbc_sink_t *s, const kc_jdbc_plan_t *p,
                                   const char **type, kc_error_t *err)
{
    const kc_cfg_list_t *types = &s->conf.table_types;

    *type = NULL;
    for (size_t i = 0; i < types->count && *type == NULL; i++) {
        kc_jdbc_table_list_t list;
        const char *one = types->items[i];
        kc_err_t rc;

        memset(&list, 0, sizeof(list));
        rc = s->conn->dialect->list_tables(
            s->conn, p->table.catalog, p->table.schema, &one, 1, &list, err);
        for (size_t j = 0; j < list.count && rc == KC_OK; j++) {
            /* unquoted names may have been folded by the database */
            if (strcmp(list.items[j].table, p->table.table) == 0 ||
                (!s->conf.quote_always &&
                 kc_str_eq_nocase(list.items[j].table, p->table.table))) {
                *type = one;
                break;
            }
        }
        kc_jdbc_table_list_release(&list);
        if (rc != KC_OK) {
            return rc;
        }
    }
    return KC_OK;
}

/* The table's column names, or *exists false; *type (may be NULL) which
 * of the table.types it is. */
static kc_err_t kc_jdbc_probe(kc_jdbc_sink_t *s, const kc_jdbc_plan_t *p,
                              kc_strlist_t *cols, bool *exists,
                              const char **type, kc_error_t *err)
{
    const char *found = NULL;

    kc_buf_t sql;
    kc_jdbc_rs_t *rs = NULL;
    kc_error_t perr;
    kc_err_t rc;

    *exists = false;
    kc_buf_init(&sql, 0);
    kc_buf_puts(&sql, "SELECT * FROM ");
    kc_jdbc_append_table(s->conn, &sql, &p->table);
    kc_buf_puts(&sql, " WHERE 1 = 0");
    kc_buf_cstr(&sql);
    rc = s->conn->dialect->query(s->conn, (const char *)sql.data, NULL, 0, 1,
                                 &rs, &perr);
    kc_buf_release(&sql);
    if (rc != KC_OK) {
        if (kc_error_is_retriable(&perr)) {
            *err = perr;
            return perr.code;
        }
        return KC_OK; /* no such table (or not one we may read) */
    }
    for (size_t i = 0; i < rs->ncols; i++) {
        kc_strlist_push(cols, rs->cols[i].name);
    }
    s->conn->dialect->rs_close(rs);
    rc = kc_jdbc_table_type(s, p, &found, err);
    if (rc != KC_OK) {
        return rc;
    }
    if (type != NULL) {
        *type = found;
    }
    *exists = found != NULL;
    return KC_OK;
}

static bool kc_jdbc_has_column(const kc_strlist_t *cols, const char *name)
{
    for (size_t i = 0; i < cols->count; i++) {
        if (strcmp(cols->items[i], name) == 0) {
            return true;
        }
    }
    for (size_t i = 0; i < cols->count; i++) {
        if (kc_str_eq_nocase(cols->items[i], name)) {
            return true;
        }
    }
    return false;
}

static kc_err_t kc_jdbc_ensure_table(kc_jdbc_sink_t *s, kc_jdbc_plan_t *p,
                                     kc_error_t *err)
{
    kc_strlist_t cols;
    bool exists;
    const char *type = NULL;
    const kc_jdbc_sink_col_t **missing;
    size_t nmissing = 0;
    kc_buf_t sql;
    kc_err_t rc;

    memset(&cols, 0, sizeof(cols));
    rc = kc_jdbc_probe(s, p, &cols, &exists, &type, err);
    if (rc != KC_OK) {
        return rc;
    }
    kc_buf_init(&sql, 0);
    if (!exists) {
        if (p->value_schema == NULL) {
            rc = kc_error_set(err, KC_ERR_INVALID,
                              "Table \"%s\" is missing: a delete cannot "
                              "create it",
                              p->table_name);
        } else if (!s->conf.auto_create) {
            rc = kc_error_set(err, KC_ERR_INVALID,
                              "Table \"%s\" is missing and auto-creation is "
                              "disabled",
                              p->table_name);
        } else {
            rc = kc_jdbc_sink_create_sql(s->conn, &p->table, p->fields.all,
                                         p->fields.nall, &p->fields, &sql, err);
            if (rc == KC_OK) {
                kc_log_info(KC_JDBC_SINK_LOGGER, "Creating table with sql: %s",
                            (const char *)sql.data);
                rc = s->conn->dialect->exec(s->conn, (const char *)sql.data,
                                            err);
            }
            if (rc != KC_OK && !kc_error_is_retriable(err)) {
                bool now_exists = false;
                kc_error_t perr;

                /* another task may have created it meanwhile */
                kc_strlist_release(&cols);
                memset(&cols, 0, sizeof(cols));
                if (kc_jdbc_probe(s, p, &cols, &now_exists, NULL, &perr) ==
                        KC_OK &&
                    now_exists) {
                    rc = KC_OK;
                }
            }
        }
        kc_buf_release(&sql);
        kc_strlist_release(&cols);
        p->ready = rc == KC_OK;
        return rc;
    }
    missing = kc_calloc(p->fields.nall + 1, sizeof(*missing));
    for (size_t i = 0; i < p->fields.nall && p->value_schema != NULL; i++) {
        if (!kc_jdbc_has_column(&cols, p->fields.all[i]->name)) {
            missing[nmissing++] = p->fields.all[i];
        }
    }
    if (nmissing > 0 && !kc_str_eq_nocase(type, "TABLE")) {
        /* Confluent alters plain tables only: a view (or a partitioned
         * table) admitted by table.types is written, never evolved */
        char kind[32];

        /* "View", as Confluent's TableType.capitalized() */
        snprintf(kind, sizeof(kind), "%s", type);
        for (size_t i = 1; kind[i] != '\0'; i++) {
            kind[i] = (char)tolower((unsigned char)kind[i]);
        }
        rc = kc_error_set(err, KC_ERR_INVALID,
                          "%s \"%s\" is missing fields (%s%s) and ALTER %s "
                          "is unsupported",
                          kind, p->table_name, missing[0]->name,
                          nmissing > 1 ? ", ..." : "", type);
    }
    for (size_t i = 0; i < nmissing && rc == KC_OK; i++) {
        const kc_jdbc_sink_col_t *c = missing[i];

        if ((c->is_key || !kc_schema_optional(c->schema)) &&
            kc_schema_default(c->schema) == NULL) {
            rc = kc_error_set(err, KC_ERR_INVALID,
                              "Cannot ALTER TABLE \"%s\" to add missing "
                              "field %s, as the field is not optional and "
                              "does not have a default value",
                              p->table_name, c->name);
        }
    }
    if (rc == KC_OK && nmissing > 0 && !s->conf.auto_evolve) {
        rc = kc_error_set(err, KC_ERR_INVALID,
                          "Table \"%s\" is missing fields (%s%s) and "
                          "auto-evolution is disabled",
                          p->table_name, missing[0]->name,
                          nmissing > 1 ? ", ..." : "");
    }
    if (rc == KC_OK && nmissing > 0) {
        rc = kc_jdbc_sink_alter_sql(s->conn, &p->table, missing, nmissing, &sql,
                                    err);
        if (rc == KC_OK) {
            kc_log_info(KC_JDBC_SINK_LOGGER,
                        "Amending table to add missing fields with SQL: %s",
                        (const char *)sql.data);
            rc = s->conn->dialect->exec(s->conn, (const char *)sql.data, err);
        }
    }
    kc_free(missing);
    kc_buf_release(&sql);
    kc_strlist_release(&cols);
    p->ready = rc == KC_OK;
    return rc;
}

/* ---- values ----------------------------------------------------------- */

static const kc_value_t *kc_jdbc_col_value(const kc_jdbc_sink_col_t *c,
                                           const kc_record_t *rec)
{
    const kc_value_t *st;

    switch (c->src) {
    case KC_JDBC_SRC_KEY:
        return &rec->key;
    case KC_JDBC_SRC_KEY_FIELD:
        st = &rec->key;
        break;
    case KC_JDBC_SRC_VALUE_FIELD:
        st = &rec->value;
        break;
    default:
        return NULL;
    }
    if (st->type != KC_TYPE_STRUCT) {
        return NULL;
    }
    return &st->u.st.fields[c->field->index];
}

static int64_t kc_jdbc_floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;

    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static kc_err_t kc_jdbc_bind_value(kc_jdbc_sink_t *s,
                                   const kc_jdbc_sink_col_t *c,
                                   const kc_value_t *v, kc_jdbc_param_t *p,
                                   kc_error_t *err)
{
    const kc_schema_t *schema = c->schema;
    char text[64];
    kc_jdbc_ts_t ts;

    memset(p, 0, sizeof(*p));
    if (v == NULL || v->type == KC_TYPE_NULL) {
        v = s->conf.replace_null_with_default ? kc_schema_default(schema)
                                              : NULL;
        if (v == NULL || v->type == KC_TYPE_NULL) {
            p->kind = KC_JDBC_PARAM_NULL;
            return KC_OK;
        }
    }
    switch (c->logical) {
    case KC_LOGICAL_DECIMAL: {
        kc_buf_t out;

        kc_buf_init(&out, 0);
        if (kc_decimal_to_string(v->u.bytes.data, v->u.bytes.len,
                                 kc_value_decimal_scale(schema, v),
                                 &out) != KC_OK) {
            kc_buf_release(&out);
            return kc_error_set(err, KC_ERR_INVALID,
                                "field %s holds an invalid Decimal", c->name);
        }
        p->kind = KC_JDBC_PARAM_TEXT;
        p->text = kc_arena_strndup(s->arena, (const char *)out.data, out.len);
        kc_buf_release(&out);
        return KC_OK;
    }
    case KC_LOGICAL_DATE:
        /* As Confluent's setDate with a db.timezone calendar: the day, in
         * that zone, of midnight UTC (west of UTC the day before, which
         * date.timezone=UTC avoids). */
        ts.sec = v->u.i * 86400;
        if (!s->date_utc) {
            ts.sec += kc_jdbc_tz_offset(s->tz, ts.sec);
        }
        ts.nsec = 0;
        if (s->legacy_calendar) {
            /* that calendar's fields of the day, as a GregorianCalendar
             * (Julian before 1582-10-15) gives them to the driver */
            ts.sec = kc_jdbc_wall_from_legacy(ts.sec);
        }
        kc_jdbc_ts_format(ts, text, sizeof(text));
        p->kind = KC_JDBC_PARAM_TEXT;
        p->text = kc_arena_strndup(s->arena, text, 10);
        return KC_OK;
    case KC_LOGICAL_TIME:
        /* a time of 1970-01-01 UTC, written as that instant's wall time in
         * db.timezone */
        ts.sec = kc_jdbc_floor_div(v->u.i, 1000);
        ts.nsec = (int32_t)(v->u.i - ts.sec * 1000) * 1000000;
        ts.sec += kc_jdbc_tz_offset(s->tz, ts.sec);
        kc_jdbc_ts_format(ts, text, sizeof(text));
        p->kind = KC_JDBC_PARAM_TEXT;
        p->text = kc_arena_strndup(s->arena, text + 11, 12);
        return KC_OK;
    case KC_LOGICAL_TIMESTAMP:
        p->kind = KC_JDBC_PARAM_TIMESTAMP;
        p->ts.sec = kc_jdbc_floor_div(v->u.i, 1000);
        p->ts.nsec = (int32_t)(v->u.i - p->ts.sec * 1000) * 1000000;
        /* the wall time in db.timezone, as setTimestamp with its calendar */
        p->ts.sec += kc_jdbc_tz_offset(s->tz, p->ts.sec);
        if (s->legacy_calendar) {
            p->ts.sec = kc_jdbc_wall_from_legacy(p->ts.sec);
        }
        return KC_OK;
    case KC_LOGICAL_NONE:
        break;
    }
    switch (v->type) {
    case KC_TYPE_INT8:
    case KC_TYPE_INT16:
    case KC_TYPE_INT32:
    case KC_TYPE_INT64:
        p->kind = KC_JDBC_PARAM_INT64;
        p->i = v->u.i;
        return KC_OK;
    case KC_TYPE_BOOLEAN:
        p->kind = KC_JDBC_PARAM_INT64;
        p->i = v->u.b ? 1 : 0;
        return KC_OK;
    case KC_TYPE_FLOAT32:
    case KC_TYPE_FLOAT64:
        p->kind = KC_JDBC_PARAM_DOUBLE;
        p->i = v->type == KC_TYPE_FLOAT32 ? 32 : 64;
        p->f = v->u.f;
        return KC_OK;
    case KC_TYPE_STRING:
        p->kind = KC_JDBC_PARAM_TEXT;
        p->text = kc_arena_strndup(s->arena, v->u.str.data, v->u.str.len);
        return KC_OK;
    case KC_TYPE_BYTES:
        p->kind = KC_JDBC_PARAM_BYTES;
        p->text = (const char *)v->u.bytes.data;
        p->len = v->u.bytes.len;
        return KC_OK;
    default:
        return kc_error_set(err, KC_ERR_INVALID,
                            "field %s: a %s value cannot be written to a "
                            "column",
                            c->name, kc_type_name(v->type));
    }
}

static kc_err_t kc_jdbc_bind_col(kc_jdbc_sink_t *s, const kc_jdbc_sink_col_t *c,
                                 const kc_record_t *rec, kc_jdbc_param_t *p,
                                 kc_error_t *err)
{
    switch (c->src) {
    case KC_JDBC_SRC_TOPIC:
        memset(p, 0, sizeof(*p));
        p->kind = KC_JDBC_PARAM_TEXT;
        p->text = rec->topic;
        return KC_OK;
    case KC_JDBC_SRC_PARTITION:
        memset(p, 0, sizeof(*p));
        p->kind = KC_JDBC_PARAM_INT64;
        p->i = rec->partition;
        return KC_OK;
    case KC_JDBC_SRC_OFFSET:
        memset(p, 0, sizeof(*p));
        p->kind = KC_JDBC_PARAM_INT64;
        p->i = rec->offset;
        return KC_OK;
    default:
        return kc_jdbc_bind_value(s, c, kc_jdbc_col_value(c, rec), p, err);
    }
}

/* Write one record with its plan's statement. */
static kc_err_t kc_jdbc_write_one(kc_jdbc_sink_t *s, const kc_jdbc_plan_t *p,
                                  const kc_record_t *rec, kc_error_t *err)
{
    const kc_jdbc_sink_fields_t *f = &p->fields;
    kc_jdbc_param_t params[256];
    const kc_jdbc_sink_col_t *order[256];
    size_t n = 0;
    bool del = rec->value.type == KC_TYPE_NULL;
    kc_err_t rc;

    if (f->nkeys + f->ncols > 256) {
        return kc_error_set(err, KC_ERR_UNSUPPORTED,
                            "table \"%s\": more than 256 columns",
                            p->table_name);
    }
    if (del) {
        for (size_t i = 0; i < f->nkeys; i++) {
            order[n++] = &f->keys[i];
        }
    } else if (s->conf.insert_mode == KC_JDBC_UPDATE) {
        for (size_t i = 0; i < f->ncols; i++) {
            order[n++] = &f->cols[i];
        }
        for (size_t i = 0; i < f->nkeys; i++) {
            order[n++] = &f->keys[i];
        }
    } else {
        for (size_t i = 0; i < f->nkeys; i++) {
            order[n++] = &f->keys[i];
        }
        for (size_t i = 0; i < f->ncols; i++) {
            order[n++] = &f->cols[i];
        }
    }
    for (size_t i = 0; i < n; i++) {
        rc = kc_jdbc_bind_col(s, order[i], rec, &params[i], err);
        if (rc != KC_OK) {
            return rc;
        }
    }
    return s->conn->dialect->execute(
        s->conn, del ? p->delete_sql : p->write_sql, params, n, err);
}

/* Most rows one multi-row statement carries: the batch.size, and few
 * enough placeholders for every database (SQLite's default limit is
 * 32766, PostgreSQL's and MySQL's 65535). */
/* Plain inserts go through the dialect's bulk load when it has one, and
 * so do PostgreSQL's upserts, into a staging table first. */
static bool kc_jdbc_copies(const kc_jdbc_sink_t *s)
{
    return s->conn->dialect->copy_in != NULL &&
           (s->conf.insert_mode == KC_JDBC_INSERT ||
            (s->conf.insert_mode == KC_JDBC_UPSERT &&
             s->conn->dialect->upsert_style == KC_JDBC_UPSERT_ON_CONFLICT));
}

/* The upsert staged through a temporary table: the run's rows are copied
 * into it, then one INSERT .. SELECT .. ON CONFLICT (the plan's own
 * conflict clause) applies them; the run has no key twice, as for the
 * multi-row statement. */
static kc_err_t kc_jdbc_staged_upsert(kc_jdbc_sink_t *s,
                                      const kc_jdbc_plan_t *p,
                                      const char *copy_sql,
                                      const kc_jdbc_param_t *params, size_t n,
                                      kc_error_t *err)
{
    const struct kc_jdbc_dialect *d = s->conn->dialect;
    const kc_jdbc_sink_fields_t *f = &p->fields;
    const char *conflict = strstr(p->write_sql, " ON CONFLICT (");
    kc_buf_t sql;
    kc_buf_t target;
    kc_err_t rc;

    if (conflict == NULL) {
        return kc_error_set(err, KC_ERR, "no ON CONFLICT clause in %s",
                            p->write_sql);
    }
    kc_buf_init(&sql, 0);
    kc_buf_puts(&sql, "CREATE TEMP TABLE kc_stage (LIKE ");
    kc_jdbc_append_table(s->conn, &sql, &p->table);
    kc_buf_puts(&sql, " INCLUDING DEFAULTS) ON COMMIT DROP");
    kc_buf_cstr(&sql);
    rc = d->exec(s->conn, (const char *)sql.data, err);
    if (rc == KC_OK) {
        /* kc_stage has the target's column types (the COPY goes binary
         * by them) */
        kc_buf_init(&target, 0);
        kc_jdbc_append_table(s->conn, &target, &p->table);
        kc_buf_cstr(&target);
        rc = d->copy_in(s->conn, copy_sql, (const char *)target.data, params, n,
                        f->nkeys + f->ncols, err);
        kc_buf_release(&target);
    }
    if (rc == KC_OK) {
        sql.len = 0;
        kc_buf_puts(&sql, "INSERT INTO ");
        kc_jdbc_append_table(s->conn, &sql, &p->table);
        kc_buf_puts(&sql, " (");
        for (size_t i = 0; i < f->nkeys + f->ncols; i++) {
            kc_buf_puts(&sql, i > 0 ? ", " : "");
            kc_jdbc_quote_ident(s->conn, &sql,
                                i < f->nkeys ? f->keys[i].name
                                             : f->cols[i - f->nkeys].name);
        }
        kc_buf_puts(&sql, ") SELECT ");
        for (size_t i = 0; i < f->nkeys + f->ncols; i++) {
            kc_buf_puts(&sql, i > 0 ? ", " : "");
            kc_jdbc_quote_ident(s->conn, &sql,
                                i < f->nkeys ? f->keys[i].name
                                             : f->cols[i - f->nkeys].name);
        }
        kc_buf_puts(&sql, " FROM kc_stage");
        kc_buf_puts(&sql, conflict);
        kc_buf_cstr(&sql);
        rc = d->exec(s->conn, (const char *)sql.data, err);
    }
    if (rc == KC_OK) {
        rc = d->exec(s->conn, "DROP TABLE kc_stage", err);
    }
    kc_buf_release(&sql);
    return rc;
}

/* "COPY t (k.., c..) FROM STDIN", the columns in write_many's order. */
static void kc_jdbc_copy_sql(const kc_jdbc_sink_t *s, const kc_jdbc_plan_t *p,
                             kc_buf_t *sql)
{
    const kc_jdbc_sink_fields_t *f = &p->fields;

    kc_buf_puts(sql, "COPY ");
    kc_jdbc_append_table(s->conn, sql, &p->table);
    kc_buf_puts(sql, " (");
    for (size_t i = 0; i < f->nkeys + f->ncols; i++) {
        kc_buf_puts(sql, i > 0 ? ", " : "");
        kc_jdbc_quote_ident(s->conn, sql,
                            i < f->nkeys ? f->keys[i].name
                                         : f->cols[i - f->nkeys].name);
    }
    kc_buf_puts(sql, ") FROM STDIN");
    kc_buf_cstr(sql);
}

static size_t kc_jdbc_rows_per_statement(const kc_jdbc_sink_t *s,
                                         const kc_jdbc_plan_t *p)
{
    size_t ncols = p->fields.nkeys + p->fields.ncols;
    /* a statement's placeholders are bounded; a COPY's rows are not */
    size_t n = kc_jdbc_copies(s) ? SIZE_MAX : ncols > 0 ? 32000 / ncols : 1;

    if (s->conf.batch_size > 0 && (size_t)s->conf.batch_size < n) {
        n = (size_t)s->conf.batch_size;
    }
    return n > 0 ? n : 1;
}

/* Whether @p a and @p b have the same primary key under plan @p p. */
static bool kc_jdbc_same_key(const kc_jdbc_plan_t *p, const kc_record_t *a,
                             const kc_record_t *b)
{
    const kc_jdbc_sink_fields_t *f = &p->fields;

    for (size_t k = 0; k < f->nkeys; k++) {
        const kc_jdbc_sink_col_t *c = &f->keys[k];
        const kc_value_t *va;
        const kc_value_t *vb;

        switch (c->src) {
        case KC_JDBC_SRC_TOPIC:
            if (strcmp(a->topic, b->topic) != 0) {
                return false;
            }
            break;
        case KC_JDBC_SRC_PARTITION:
            if (a->partition != b->partition) {
                return false;
            }
            break;
        case KC_JDBC_SRC_OFFSET:
            if (a->offset != b->offset) {
                return false;
            }
            break;
        default:
            va = kc_jdbc_col_value(c, a);
            vb = kc_jdbc_col_value(c, b);
            if (va == NULL || vb == NULL || !kc_value_equals(va, vb)) {
                return false;
            }
            break;
        }
    }
    return true;
}

static uint64_t kc_jdbc_fnv(uint64_t h, const void *data, size_t len)
{
    const uint8_t *p = data;

    for (size_t i = 0; i < len; i++) {
        h = (h ^ p[i]) * UINT64_C(0x100000001b3);
    }
    return h;
}

/* A hash of @p rec's primary key: equal keys hash equal (values of kinds
 * it does not look into hash alike, and are told apart by
 * kc_jdbc_same_key). */
static uint64_t kc_jdbc_key_hash(const kc_jdbc_plan_t *p,
                                 const kc_record_t *rec)
{
    const kc_jdbc_sink_fields_t *f = &p->fields;
    uint64_t h = UINT64_C(0xcbf29ce484222325);

    for (size_t k = 0; k < f->nkeys; k++) {
        const kc_jdbc_sink_col_t *c = &f->keys[k];
        const kc_value_t *v;

        switch (c->src) {
        case KC_JDBC_SRC_TOPIC:
            h = kc_jdbc_fnv(h, rec->topic, strlen(rec->topic));
            continue;
        case KC_JDBC_SRC_PARTITION:
            h = kc_jdbc_fnv(h, &rec->partition, sizeof(rec->partition));
            continue;
        case KC_JDBC_SRC_OFFSET:
            h = kc_jdbc_fnv(h, &rec->offset, sizeof(rec->offset));
            continue;
        default:
            break;
        }
        v = kc_jdbc_col_value(c, rec);
        if (v == NULL) {
            continue;
        }
        switch (v->type) {
        case KC_TYPE_INT8:
        case KC_TYPE_INT16:
        case KC_TYPE_INT32:
        case KC_TYPE_INT64:
            h = kc_jdbc_fnv(h, &v->u.i, sizeof(v->u.i));
            break;
        case KC_TYPE_STRING:
            h = kc_jdbc_fnv(h, v->u.str.data, v->u.str.len);
            break;
        case KC_TYPE_BYTES:
            h = kc_jdbc_fnv(h, v->u.bytes.data, v->u.bytes.len);
            break;
        case KC_TYPE_BOOLEAN:
            h = kc_jdbc_fnv(h, &v->u.b, sizeof(v->u.b));
            break;
        default:
            h = kc_jdbc_fnv(h, &v->type, sizeof(v->type));
            break;
        }
    }
    return h;
}

/* The keys of the current run of records, for PostgreSQL's upsert: an
 * open-addressing set of record indexes, emptied per run by a new
 * generation, so finding a repeated key costs O(1), not O(run). */
typedef struct kc_jdbc_keyset {
    struct kc_jdbc_keyslot {
        uint64_t hash;
        size_t index;
        uint32_t gen;
    } * slots;
    size_t cap; /* a power of two, at least twice the longest run */
    uint32_t gen;
} kc_jdbc_keyset_t;

/*
 * Whether record @p n of @p recs has the key of an earlier one of the run
 * (which is then added to @p set), for PostgreSQL's upsert only: ON
 * CONFLICT DO UPDATE refuses to touch a row twice in one statement, so a
 * run stops before a repeated key (the next statement then applies the
 * later write, as row by row would). n == 0 starts a run.
 */
static bool kc_jdbc_key_repeats(const kc_jdbc_sink_t *s,
                                const kc_jdbc_plan_t *p,
                                const kc_record_t *const *recs, size_t n,
                                kc_jdbc_keyset_t *set)
{
    uint64_t h;
    size_t i;

    if (s->conf.insert_mode != KC_JDBC_UPSERT ||
        s->conn->dialect->upsert_style != KC_JDBC_UPSERT_ON_CONFLICT) {
        return false;
    }
    if (n == 0) {
        set->gen++;
    }
    h = kc_jdbc_key_hash(p, recs[n]);
    for (i = h & (set->cap - 1); set->slots[i].gen == set->gen;
         i = (i + 1) & (set->cap - 1)) {
        if (set->slots[i].hash == h &&
            kc_jdbc_same_key(p, recs[set->slots[i].index], recs[n])) {
            return true;
        }
    }
    set->slots[i].hash = h;
    set->slots[i].index = n;
    set->slots[i].gen = set->gen;
    return false;
}

/*
 * Write @p n records of plan @p p (none a delete) with one multi-row
 * statement. KC_ERR_UNSUPPORTED, nothing done, when the mode has no such
 * statement.
 */
static kc_err_t kc_jdbc_write_many(kc_jdbc_sink_t *s, kc_jdbc_plan_t *p,
                                   const kc_record_t *const *recs, size_t n,
                                   kc_error_t *err)
{
    const kc_jdbc_sink_fields_t *f = &p->fields;
    size_t ncols = f->nkeys + f->ncols;
    kc_jdbc_param_t *params;
    kc_buf_t sql;
    kc_err_t rc = KC_OK;

    kc_buf_init(&sql, 0);
    if (kc_jdbc_copies(s) && s->conf.insert_mode == KC_JDBC_UPSERT) {
        kc_buf_puts(&sql, "COPY kc_stage (");
        for (size_t i = 0; i < ncols; i++) {
            kc_buf_puts(&sql, i > 0 ? ", " : "");
            kc_jdbc_quote_ident(s->conn, &sql,
                                i < f->nkeys ? f->keys[i].name
                                             : f->cols[i - f->nkeys].name);
        }
        kc_buf_puts(&sql, ") FROM STDIN");
        kc_buf_cstr(&sql);
        if (!p->copy_logged) {
            p->copy_logged = true;
            kc_log_info(KC_JDBC_SINK_LOGGER,
                        "Writing runs of upserts into %s through a staging "
                        "table with: %s",
                        p->table_name, (const char *)sql.data);
        }
    } else if (kc_jdbc_copies(s)) {
        kc_jdbc_copy_sql(s, p, &sql);
        if (!p->copy_logged) {
            p->copy_logged = true;
            kc_log_info(KC_JDBC_SINK_LOGGER,
                        "Writing runs of plain inserts into %s with: %s",
                        p->table_name, (const char *)sql.data);
        }
    } else if (!kc_jdbc_sink_multi_sql(s->conn, s->conf.insert_mode, &p->table,
                                       f, n, &sql)) {
        kc_buf_release(&sql);
        return KC_ERR_UNSUPPORTED;
    }
    /* every entry is bound below before it is read */
    if (s->params_cap < n * ncols + 1) {
        kc_free(s->params);
        s->params_cap = n * ncols + 1;
        s->params = kc_malloc(s->params_cap * sizeof(*s->params));
    }
    params = s->params;
    for (size_t r = 0; r < n && rc == KC_OK; r++) {
        for (size_t i = 0; i < ncols && rc == KC_OK; i++) {
            const kc_jdbc_sink_col_t *c =
                i < f->nkeys ? &f->keys[i] : &f->cols[i - f->nkeys];

            rc = kc_jdbc_bind_col(s, c, recs[r], &params[r * ncols + i], err);
        }
    }
    if (rc == KC_OK && kc_jdbc_copies(s) &&
        s->conf.insert_mode == KC_JDBC_UPSERT) {
        rc =
            kc_jdbc_staged_upsert(s, p, (const char *)sql.data, params, n, err);
    } else if (rc == KC_OK && kc_jdbc_copies(s) && s->defer &&
               s->conn->dialect->copy_send != NULL) {
        /* the database loads the rows while the next batch is read */
        rc = s->conn->dialect->copy_send(s->conn, (const char *)sql.data, NULL,
                                         params, n, ncols, err);
        s->pending = rc == KC_OK;
    } else if (rc == KC_OK && kc_jdbc_copies(s)) {
        rc = s->conn->dialect->copy_in(s->conn, (const char *)sql.data, NULL,
                                       params, n, ncols, err);
    } else if (rc == KC_OK) {
        rc = s->conn->dialect->execute(s->conn, (const char *)sql.data, params,
                                       n * ncols, err);
    }
    kc_buf_release(&sql);
    return rc;
}

/* What Confluent's RecordValidator asks of a record under this config. */
static kc_err_t kc_jdbc_check_record(const kc_jdbc_sink_t *s,
                                     const kc_record_t *rec, kc_error_t *err)
{
    bool tombstone = rec->value.type == KC_TYPE_NULL;

    if (tombstone && !s->conf.delete_enabled) {
        return kc_error_set(
            err, KC_ERR_INVALID,
            "Sink connector is configured with 'delete.enabled=false' and "
            "'pk.mode=%s' and therefore requires records with a non-null "
            "Struct value and non-null Struct schema, but found record at "
            "(topic='%s',partition=%d,offset=%" PRId64 ",timestamp=%" PRId64
            ") with a null value and %s value schema.",
            s->conf.pk_mode_name, rec->topic, (int)rec->partition, rec->offset,
            rec->timestamp, rec->value_schema != NULL ? "non-null" : "null");
    }
    if (!tombstone && (rec->value_schema == NULL ||
                       kc_schema_type(rec->value_schema) != KC_TYPE_STRUCT)) {
        return kc_error_set(
            err, KC_ERR_INVALID,
            "Sink connector requires records with a non-null Struct value "
            "and non-null Struct schema, but found record at "
            "(topic='%s',partition=%d,offset=%" PRId64 ",timestamp=%" PRId64
            ") with a %s value and %s value schema.",
            rec->topic, (int)rec->partition, rec->offset, rec->timestamp,
            kc_type_name(rec->value.type),
            rec->value_schema != NULL
                ? kc_type_name(kc_schema_type(rec->value_schema))
                : "null");
    }
    if (s->conf.pk_mode == KC_JDBC_PK_RECORD_KEY &&
        rec->key.type == KC_TYPE_NULL) {
        return kc_error_set(
            err, KC_ERR_INVALID,
            "Sink connector is configured with 'pk.mode=record_key' and "
            "therefore requires records with a non-null key, but found "
            "record at (topic='%s',partition=%d,offset=%" PRId64 ") with a "
            "null key.",
            rec->topic, (int)rec->partition, rec->offset);
    }
    return KC_OK;
}

/* The optional schema a schemaless JSON value of @p v types its column
 * with; NULL for a nested map or array. */
static kc_schema_t *kc_jdbc_infer(const kc_value_t *v)
{
    kc_type_t t;
    kc_schema_t *schema;

    switch (v->type) {
    case KC_TYPE_NULL:
        t = KC_TYPE_STRING; /* nothing to go by: a nullable text column */
        break;
    case KC_TYPE_INT8:
    case KC_TYPE_INT16:
    case KC_TYPE_INT32:
    case KC_TYPE_INT64:
        t = KC_TYPE_INT64;
        break;
    case KC_TYPE_FLOAT32:
    case KC_TYPE_FLOAT64:
        t = KC_TYPE_FLOAT64;
        break;
    case KC_TYPE_BOOLEAN:
    case KC_TYPE_STRING:
    case KC_TYPE_BYTES:
        t = v->type;
        break;
    default:
        return NULL;
    }
    schema = kc_schema_new(t);
    kc_schema_set_optional(schema, true);
    return schema;
}

/*
 * A schemaless JSON value (a map, JsonConverter with schemas.enable=false)
 * as a Struct of optional fields typed from its values, in the map's
 * order, so it goes into an existing table by column name and auto.create
 * can type the columns. Confluent's sink refuses such records. *out is a
 * copy of @p rec in the task's arena, valid until the next put.
 */
static kc_err_t kc_jdbc_schemaless(kc_jdbc_sink_t *s, const kc_record_t *rec,
                                   const kc_record_t **out, kc_error_t *err)
{
    const kc_value_t *m = &rec->value;
    kc_schema_t *st = kc_schema_new(KC_TYPE_STRUCT);
    kc_record_t *copy;

    for (size_t i = 0; i < m->u.map.len; i++) {
        const kc_value_t *k = &m->u.map.keys[i];
        kc_schema_t *fs;
        char *name;
        kc_error_t aerr;

        if (k->type != KC_TYPE_STRING) {
            kc_schema_unref(st);
            return kc_error_set(err, KC_ERR_INVALID,
                                "a schemaless value needs text keys to name "
                                "columns, found a %s key",
                                kc_type_name(k->type));
        }
        name = kc_arena_strndup(s->arena, k->u.str.data, k->u.str.len);
        fs = kc_jdbc_infer(&m->u.map.values[i]);
        if (fs == NULL) {
            kc_schema_unref(st);
            return kc_error_set(err, KC_ERR_INVALID,
                                "field %s of a schemaless value is a %s, "
                                "which no column can hold",
                                name, kc_type_name(m->u.map.values[i].type));
        }
        if (kc_schema_add_field_take(st, name, fs, &aerr) != KC_OK) {
            kc_schema_unref(fs);
            kc_schema_unref(st);
            return kc_error_set(err, KC_ERR_INVALID, "%s", aerr.msg);
        }
    }
    kc_arena_on_reset(s->arena, kc_schema_unref_cb, st);
    copy = kc_arena_alloc(s->arena, sizeof(*copy));
    *copy = *rec;
    copy->value_schema = st;
    kc_value_set_struct(s->arena, &copy->value, st);
    for (size_t i = 0; i < m->u.map.len; i++) {
        copy->value.u.st.fields[i] = m->u.map.values[i];
    }
    *out = copy;
    return KC_OK;
}

/* A transient failure: drop the connection and have the batch again. */
static kc_err_t kc_jdbc_sink_retry(kc_jdbc_sink_t *s, kc_error_t *err)
{
    kc_jdbc_sink_disconnect(s);
    if (s->retries_left <= 0) {
        kc_error_set_retriable(err, false);
        err->code = KC_ERR;
        return KC_ERR;
    }
    s->retries_left--;
    kc_log_warn(KC_JDBC_SINK_LOGGER,
                "Write of records failed, remainingRetries=%d: %s",
                (int)s->retries_left, err->msg);
    kc_sink_task_ctx_timeout(s->tctx, s->conf.retry_backoff_ms);
    err->code = KC_RETRY;
    return KC_RETRY;
}

/* A record that cannot be written: through the error policy. */
static kc_err_t kc_jdbc_report(kc_jdbc_sink_t *s, const kc_record_t *rec,
                               kc_error_t *rerr, kc_error_t *err)
{
    /* no runtime (unit tests): nothing tolerates it */
    kc_err_t rc =
        s->tctx != NULL ? kc_sink_report(s->tctx, rec, rerr) : rerr->code;

    if (rc != KC_OK) {
        *err = *rerr;
        if (err->code == KC_OK || err->code == KC_RETRY) {
            err->code = KC_ERR;
        }
        kc_error_set_retriable(err, false);
        return err->code;
    }
    return KC_OK;
}

/* ---- kconnect.exactly.once ------------------------------------------- */

static const char *const kc_jdbc_eos_cols[] = {
    "connector", "topic", "kafka_partition", "next_offset"};

/* Append "c1, c2, .." of the first @p n offsets table columns. */
static void kc_jdbc_eos_col_list(const kc_jdbc_sink_t *s, kc_buf_t *sql,
                                 size_t n, const char *sep, const char *suffix)
{
    for (size_t i = 0; i < n; i++) {
        kc_buf_puts(sql, i > 0 ? sep : "");
        kc_jdbc_quote_ident(s->conn, sql, kc_jdbc_eos_cols[i]);
        kc_buf_puts(sql, suffix);
    }
}

/* The offsets table and its statements, once per connection. */
static kc_err_t kc_jdbc_eos_prepare(kc_jdbc_sink_t *s, kc_error_t *err)
{
    static const char *const types[] = {" VARCHAR(255) NOT NULL",
                                        " VARCHAR(255) NOT NULL",
                                        " INT NOT NULL", " BIGINT NOT NULL"};
    kc_jdbc_upsert_style_t style = s->conn->dialect->upsert_style;
    kc_jdbc_table_id_t id;
    kc_buf_t sql;
    kc_err_t rc;

    if (s->eos_table_made) {
        return KC_OK;
    }
    rc =
        kc_jdbc_sink_table_parse(s->conn->dialect, s->conf.eos_table, &id, err);
    if (rc != KC_OK) {
        return rc;
    }
    kc_buf_init(&sql, 0);
    kc_buf_puts(&sql, "CREATE TABLE IF NOT EXISTS ");
    kc_jdbc_append_table(s->conn, &sql, &id);
    kc_buf_puts(&sql, " (");
    for (size_t i = 0; i < 4; i++) {
        kc_jdbc_quote_ident(s->conn, &sql, kc_jdbc_eos_cols[i]);
        kc_buf_puts(&sql, types[i]);
        kc_buf_puts(&sql, ", ");
    }
    kc_buf_puts(&sql, "PRIMARY KEY (");
    kc_jdbc_eos_col_list(s, &sql, 3, ", ", "");
    kc_buf_puts(&sql, "))");
    kc_buf_cstr(&sql);
    rc = s->conn->dialect->exec(s->conn, (const char *)sql.data, err);
    /* the upsert of one partition's row, per dialect */
    sql.len = 0;
    kc_buf_puts(&sql, style == KC_JDBC_UPSERT_OR_REPLACE
                          ? "INSERT OR REPLACE INTO "
                          : "INSERT INTO ");
    kc_jdbc_append_table(s->conn, &sql, &id);
    kc_buf_puts(&sql, " (");
    kc_jdbc_eos_col_list(s, &sql, 4, ", ", "");
    kc_buf_puts(&sql, ") VALUES (?, ?, ?, ?)");
    if (style == KC_JDBC_UPSERT_ON_CONFLICT) {
        kc_buf_puts(&sql, " ON CONFLICT (");
        kc_jdbc_eos_col_list(s, &sql, 3, ", ", "");
        kc_buf_puts(&sql, ") DO UPDATE SET ");
        kc_jdbc_quote_ident(s->conn, &sql, kc_jdbc_eos_cols[3]);
        kc_buf_puts(&sql, " = EXCLUDED.");
        kc_jdbc_quote_ident(s->conn, &sql, kc_jdbc_eos_cols[3]);
    } else if (style == KC_JDBC_UPSERT_ON_DUPLICATE_KEY) {
        kc_buf_puts(&sql, " ON DUPLICATE KEY UPDATE ");
        kc_jdbc_quote_ident(s->conn, &sql, kc_jdbc_eos_cols[3]);
        kc_buf_puts(&sql, " = VALUES(");
        kc_jdbc_quote_ident(s->conn, &sql, kc_jdbc_eos_cols[3]);
        kc_buf_puts(&sql, ")");
    }
    kc_buf_cstr(&sql);
    kc_free(s->eos_upsert);
    s->eos_upsert = kc_strdup((const char *)sql.data);
    sql.len = 0;
    kc_buf_puts(&sql, "SELECT ");
    kc_jdbc_quote_ident(s->conn, &sql, kc_jdbc_eos_cols[3]);
    kc_buf_puts(&sql, " FROM ");
    kc_jdbc_append_table(s->conn, &sql, &id);
    kc_buf_puts(&sql, " WHERE ");
    kc_jdbc_eos_col_list(s, &sql, 3, " AND ", " = ?");
    kc_buf_cstr(&sql);
    kc_free(s->eos_select);
    s->eos_select = kc_strdup((const char *)sql.data);
    kc_buf_release(&sql);
    kc_jdbc_table_id_release(&id);
    s->eos_table_made = rc == KC_OK;
    return rc;
}

/* Store, in the open transaction, the next offset of every partition of
 * @p batch: all its records are handled once the transaction commits
 * (written, or reported through the error policy). */
static kc_err_t kc_jdbc_eos_store(kc_jdbc_sink_t *s, const kc_batch_t *batch,
                                  kc_error_t *err)
{
    kc_err_t rc = KC_OK;

    if (!s->conf.exactly_once) {
        return KC_OK;
    }
    for (size_t i = 0; i < batch->len && rc == KC_OK; i++) {
        const kc_record_t *r = batch->records[i];
        bool last = true;
        kc_jdbc_param_t p[4];

        /* a partition's last record in the batch has its highest offset */
        for (size_t j = i + 1; j < batch->len && last; j++) {
            last = batch->records[j]->partition != r->partition ||
                   strcmp(batch->records[j]->topic, r->topic) != 0;
        }
        if (!last) {
            continue;
        }
        memset(p, 0, sizeof(p));
        p[0].kind = KC_JDBC_PARAM_TEXT;
        p[0].text = s->connector;
        p[1].kind = KC_JDBC_PARAM_TEXT;
        p[1].text = r->topic;
        p[2].kind = KC_JDBC_PARAM_INT64;
        p[2].i = r->partition;
        p[3].kind = KC_JDBC_PARAM_INT64;
        p[3].i = r->offset + 1;
        rc = s->conn->dialect->execute(s->conn, s->eos_upsert, p, 4, err);
    }
    return rc;
}

/* The next offset stored for @p part, or -1. */
static kc_err_t kc_jdbc_eos_read(kc_jdbc_sink_t *s, kc_sink_partition_t *part,
                                 kc_error_t *err)
{
    kc_jdbc_param_t p[3];
    kc_jdbc_rs_t *rs = NULL;
    bool has_row = false;
    kc_err_t rc;

    memset(p, 0, sizeof(p));
    p[0].kind = KC_JDBC_PARAM_TEXT;
    p[0].text = s->connector;
    p[1].kind = KC_JDBC_PARAM_TEXT;
    p[1].text = part->topic;
    p[2].kind = KC_JDBC_PARAM_INT64;
    p[2].i = part->partition;
    rc = s->conn->dialect->query(s->conn, s->eos_select, p, 3, 1, &rs, err);
    if (rc == KC_OK) {
        rc = s->conn->dialect->next(rs, &has_row, err);
    }
    if (rc == KC_OK && has_row) {
        const char *data;
        size_t len;
        char text[32];

        s->conn->dialect->get(rs, 0, &data, &len);
        if (data != NULL && len > 0 && len < sizeof(text)) {
            memcpy(text, data, len);
            text[len] = '\0';
            part->offset = strtoll(text, NULL, 10);
        }
    }
    if (rs != NULL) {
        s->conn->dialect->rs_close(rs);
    }
    return rc;
}

/* SinkTask.open: start each partition at the offset the database holds. */
static kc_err_t kc_jdbc_sink_open(void *ctx, kc_sink_partition_t *parts,
                                  size_t count, kc_error_t *err)
{
    kc_jdbc_sink_t *s = ctx;
    kc_err_t rc = KC_OK;

    if (!s->conf.exactly_once) {
        return KC_OK;
    }
    /* Confluent's connection attempts, blocking here: no partition may be
     * consumed before its offset is known. */
    for (int32_t attempt = 1; s->conn == NULL; attempt++) {
        rc = kc_jdbc_connect(s->conf.url, s->conf.dialect_name, s->conf.user,
                             s->conf.password, s->conf.quote_always, &s->conn,
                             err);
        if (rc == KC_OK) {
            break;
        }
        s->conn = NULL;
        if (attempt >= s->conf.attempts) {
            kc_error_prefix(err,
                            "Unable to connect to the database after %d "
                            "attempts (connection.attempts)",
                            (int)attempt);
            err->code = KC_ERR;
            return KC_ERR;
        }
        kc_clock_sleep_ms(s->conf.backoff_ms);
    }
    rc = kc_jdbc_eos_prepare(s, err);
    for (size_t i = 0; i < count && rc == KC_OK; i++) {
        rc = kc_jdbc_eos_read(s, &parts[i], err);
    }
    if (rc == KC_OK) {
        rc = s->conn->dialect->commit(s->conn, err);
    }
    if (rc != KC_OK) {
        kc_error_prefix(err, "Could not read the offsets of "
                             "kconnect.exactly.once");
        kc_jdbc_sink_disconnect(s);
        kc_error_set_retriable(err, false);
        err->code = KC_ERR;
        return KC_ERR;
    }
    return KC_OK;
}

/*
 * Write the records of @p batch not skipped, in one transaction, each
 * behind a savepoint: a record the database refuses is rolled back alone
 * and reported; the put stays atomic (nothing is committed when the task
 * fails), so a redelivery after a failure writes no row twice.
 */
static kc_err_t kc_jdbc_write_each(kc_jdbc_sink_t *s, kc_batch_t *batch,
                                   const kc_record_t *const *recs,
                                   kc_jdbc_plan_t **plan_of, const bool *skip,
                                   kc_error_t *err)
{
    const struct kc_jdbc_dialect *d = s->conn->dialect;
    kc_err_t rc = d->exec(s->conn, "BEGIN", err);

    for (size_t i = 0; i < batch->len && rc == KC_OK; i++) {
        kc_error_t rerr;

        if (skip[i]) {
            continue;
        }
        kc_error_clear(&rerr);
        rc = d->exec(s->conn, "SAVEPOINT kc_record", err);
        if (rc != KC_OK) {
            break;
        }
        if (kc_jdbc_write_one(s, plan_of[i], recs[i], &rerr) == KC_OK) {
            rc = d->exec(s->conn, "RELEASE SAVEPOINT kc_record", err);
            continue;
        }
        if (kc_error_is_retriable(&rerr)) {
            *err = rerr;
            rc = rerr.code;
            break;
        }
        rc = d->exec(s->conn, "ROLLBACK TO SAVEPOINT kc_record", err);
        if (rc == KC_OK) {
            rc = kc_jdbc_report(s, batch->records[i], &rerr, err);
        }
    }
    if (rc == KC_OK) {
        rc = kc_jdbc_eos_store(s, batch, err);
    }
    if (rc == KC_OK) {
        rc = d->exec(s->conn, "COMMIT", err);
    }
    if (rc != KC_OK) {
        kc_error_t rb;

        (void)d->exec(s->conn, "ROLLBACK", &rb);
        if (kc_error_is_retriable(err)) {
            rc = kc_jdbc_sink_retry(s, err);
        }
    }
    return rc;
}

/*
 * Connect, as Confluent's CachedConnectionProvider: connection.attempts
 * tries, connection.backoff.ms apart, whatever the error, then the task
 * fails. Confluent sleeps between its tries inside put; here the batch is
 * redelivered after the backoff instead, so a stop is not held up. These
 * tries do not spend max.retries, which counts failed writes only.
 */
static kc_err_t kc_jdbc_sink_connect(kc_jdbc_sink_t *s, kc_error_t *err)
{
    kc_err_t rc =
        kc_jdbc_connect(s->conf.url, s->conf.dialect_name, s->conf.user,
                        s->conf.password, s->conf.quote_always, &s->conn, err);

    if (rc == KC_OK) {
        s->conn_failures = 0;
        return KC_OK;
    }
    s->conn = NULL;
    s->conn_failures++;
    if (s->conn_failures >= s->conf.attempts) {
        s->conn_failures = 0;
        kc_error_prefix(err,
                        "Unable to connect to the database after %d "
                        "attempts (connection.attempts)",
                        (int)s->conf.attempts);
        kc_error_set_retriable(err, false);
        err->code = KC_ERR;
        return KC_ERR;
    }
    kc_log_info(KC_JDBC_SINK_LOGGER,
                "Unable to connect to database on attempt %d/%d. Will retry "
                "in %" PRId64 " ms. %s",
                (int)s->conn_failures, (int)s->conf.attempts,
                s->conf.backoff_ms, err->msg);
    kc_sink_task_ctx_timeout(s->tctx, s->conf.backoff_ms);
    err->code = KC_RETRY;
    return KC_RETRY;
}

/*
 * The end of a put: with @p wrote (the rows were sent), commit the
 * transaction when @p rc is KC_OK, else roll it back and retry or, for a
 * refused row, write the records one by one. A put sent as one COPY
 * outside a transaction (!s->in_tx) has nothing to commit or roll back:
 * the COPY went in whole or not at all.
 */
static kc_err_t kc_jdbc_put_end(kc_jdbc_sink_t *s, kc_batch_t *batch,
                                kc_err_t rc, bool wrote, kc_error_t *err)
{
    bool failed_row = false;

    if (wrote) {
        if (rc == KC_OK && s->in_tx) {
            rc = kc_jdbc_eos_store(s, batch, err);
        }
        if (rc == KC_OK && s->in_tx) {
            rc = s->conn->dialect->exec(s->conn, "COMMIT", err);
        }
        if (rc != KC_OK) {
            kc_error_t rb;

            if (s->in_tx) {
                (void)s->conn->dialect->exec(s->conn, "ROLLBACK", &rb);
            }
            if (kc_error_is_retriable(err)) {
                rc = kc_jdbc_sink_retry(s, err);
            } else {
                failed_row = true;
            }
        }
    }
    /* 3. a row failed: again in one transaction, each record behind a
     * savepoint, to find the ones the database refuses */
    if (failed_row) {
        kc_log_warn(KC_JDBC_SINK_LOGGER,
                    "Write of %zu records failed (%s); writing them one by "
                    "one",
                    batch->len, err->msg);
        rc = kc_jdbc_write_each(s, batch, s->recs, s->plan_of, s->skip, err);
    }
    if (rc == KC_OK) {
        s->retries_left = s->conf.max_retries;
    }
    return rc;
}

/*
 * How many records from @p i on form one run: one plan, none skipped or a
 * delete, no key twice (PostgreSQL's upserts only: @p keys may be NULL
 * otherwise), at most the rows one statement takes. A run goes in
 * multi-row statements; the rest row by row.
 */
static size_t kc_jdbc_run_len(const kc_jdbc_sink_t *s, size_t i, size_t len,
                              kc_jdbc_keyset_t *keys)
{
    const kc_jdbc_plan_t *p = s->plan_of[i];
    size_t max = kc_jdbc_rows_per_statement(s, p);
    size_t n = 0;

    while (i + n < len && n < max && !s->skip[i + n] &&
           s->plan_of[i + n] == p &&
           s->recs[i + n]->value.type != KC_TYPE_NULL &&
           !kc_jdbc_key_repeats(s, p, s->recs + i, n, keys)) {
        n++;
    }
    return n;
}

/*
 * Whether the whole put is one run of plain inserts that goes as one
 * COPY: then it needs no transaction around it (a COPY is atomic), which
 * saves the BEGIN's and the COMMIT's round trips. Not with
 * kconnect.exactly.once (its offsets go in the same transaction).
 */
static bool kc_jdbc_one_copy(const kc_jdbc_sink_t *s, const kc_batch_t *batch)
{
    if (s->conf.exactly_once || s->conf.insert_mode != KC_JDBC_INSERT ||
        !kc_jdbc_copies(s) || batch->len < 2 || s->skip[0] ||
        s->plan_of[0] == NULL) {
        return false;
    }
    /* plain inserts look for no repeated key: no key set */
    return kc_jdbc_run_len(s, 0, batch->len, NULL) == batch->len;
}

/*
 * A put up to its commit. With s->defer, the last run of plain inserts
 * may be left loading (s->pending): kc_jdbc_sink_put_finish ends the put.
 */
static kc_err_t kc_jdbc_put_begin(kc_jdbc_sink_t *s, kc_batch_t *batch,
                                  kc_error_t *err)
{
    kc_jdbc_plan_t **plan_of;
    const kc_record_t **recs;
    bool *skip;
    kc_err_t rc = KC_OK;
    bool wrote = false;
    kc_jdbc_keyset_t keys;

    s->pending = false;
    if (batch->len == 0) {
        return KC_OK;
    }
    if (s->conn == NULL) {
        rc = kc_jdbc_sink_connect(s, err);
        if (rc != KC_OK) {
            return rc;
        }
    }
    if (s->conf.exactly_once) {
        rc = kc_jdbc_eos_prepare(s, err);
        if (rc != KC_OK) {
            return kc_error_is_retriable(err) ? kc_jdbc_sink_retry(s, err) : rc;
        }
    }
    kc_arena_reset(s->arena);
    s->last_plan = NULL;
    /* Schemas that keep changing leave old plans behind: keep the cache
     * small, between puts only (a put points at its plans). */
    if (s->nplans >= 64) {
        kc_jdbc_sink_drop_plans(s);
    }
    if (s->cap < batch->len) {
        kc_free(s->plan_of);
        kc_free(s->recs);
        kc_free(s->skip);
        s->cap = batch->len;
        s->plan_of = kc_malloc(s->cap * sizeof(*s->plan_of));
        s->recs = kc_malloc(s->cap * sizeof(*s->recs));
        s->skip = kc_malloc(s->cap * sizeof(*s->skip));
    }
    plan_of = s->plan_of;
    recs = s->recs;
    skip = s->skip;
    memset(plan_of, 0, batch->len * sizeof(*plan_of));
    memset(skip, 0, batch->len * sizeof(*skip));
    /* 1. plans and DDL, before the transaction */
    for (size_t i = 0; i < batch->len && rc == KC_OK; i++) {
        const kc_record_t *rec = batch->records[i];
        kc_error_t rerr;

        kc_error_clear(&rerr);
        recs[i] = rec;
        if (rec->value_schema == NULL && rec->value.type == KC_TYPE_MAP) {
            if (kc_jdbc_schemaless(s, rec, &recs[i], &rerr) != KC_OK) {
                skip[i] = true;
                rc = kc_jdbc_report(s, rec, &rerr, err);
                continue;
            }
            rec = recs[i];
        }
        if (kc_jdbc_check_record(s, rec, &rerr) != KC_OK) {
            /* As Confluent: an invalid record fails the task, not the
             * error policy. */
            *err = rerr;
            rc = KC_ERR_INVALID;
            break;
        }
        plan_of[i] = kc_jdbc_plan_for(s, rec, &rerr);
        if (plan_of[i] != NULL && !plan_of[i]->ready &&
            plan_of[i]->value_schema != NULL) {
            if (kc_jdbc_ensure_table(s, plan_of[i], &rerr) != KC_OK) {
                if (kc_error_is_retriable(&rerr)) {
                    *err = rerr;
                    rc = kc_jdbc_sink_retry(s, err);
                    break;
                }
                plan_of[i] = NULL;
            }
        }
        if (plan_of[i] == NULL) {
            skip[i] = true;
            rc = kc_jdbc_report(s, rec, &rerr, err);
        }
    }
    /* 2. the rows, in one transaction */
    /* only PostgreSQL's upserts look for repeated keys */
    keys.cap = 16;
    while (keys.cap < 2 * batch->len) {
        keys.cap *= 2;
    }
    keys.slots =
        s->conf.insert_mode == KC_JDBC_UPSERT &&
                s->conn->dialect->upsert_style == KC_JDBC_UPSERT_ON_CONFLICT
            ? kc_calloc(keys.cap, sizeof(*keys.slots))
            : NULL;
    keys.gen = 0;
    if (rc == KC_OK) {
        wrote = true;
        s->in_tx = !kc_jdbc_one_copy(s, batch);
        if (s->in_tx) {
            rc = s->conn->dialect->exec(s->conn, "BEGIN", err);
        }
        for (size_t i = 0; i < batch->len && rc == KC_OK && !s->pending;) {
            size_t n;

            if (skip[i]) {
                i++;
                continue;
            }
            n = kc_jdbc_run_len(s, i, batch->len, &keys);
            if (n > 1) {
                /* only the put's last statement may be left running */
                bool defer = s->defer;

                s->defer = defer && i + n == batch->len &&
                           s->conf.insert_mode == KC_JDBC_INSERT &&
                           !s->conf.exactly_once;
                rc = kc_jdbc_write_many(s, plan_of[i], recs + i, n, err);
                s->defer = defer;
                if (rc != KC_ERR_UNSUPPORTED) {
                    i += n;
                    continue;
                }
            }
            rc = kc_jdbc_write_one(s, plan_of[i], recs[i], err);
            i++;
        }
    }
    kc_free(keys.slots);
    if (s->pending) {
        return KC_OK;
    }
    return kc_jdbc_put_end(s, batch, rc, wrote, err);
}

static kc_err_t kc_jdbc_sink_put(void *ctx, kc_batch_t *batch, kc_error_t *err)
{
    kc_jdbc_sink_t *s = ctx;

    s->defer = false;
    return kc_jdbc_put_begin(s, batch, err);
}

/* put, possibly leaving the database loading the last rows. */
static kc_err_t kc_jdbc_sink_put_start(void *ctx, kc_batch_t *batch,
                                       bool *pending, kc_error_t *err)
{
    kc_jdbc_sink_t *s = ctx;
    kc_err_t rc;

    s->defer = true;
    rc = kc_jdbc_put_begin(s, batch, err);
    s->defer = false;
    *pending = s->pending;
    return rc;
}

/* The rest of a put put_start left pending: its outcome. */
static kc_err_t kc_jdbc_sink_put_finish(void *ctx, kc_batch_t *batch,
                                        kc_error_t *err)
{
    kc_jdbc_sink_t *s = ctx;
    kc_err_t rc;

    if (!s->pending) {
        return KC_OK;
    }
    s->pending = false;
    rc = s->conn->dialect->copy_wait(s->conn, err);
    return kc_jdbc_put_end(s, batch, rc, true, err);
}

static void kc_jdbc_sink_stop(void *ctx)
{
    kc_jdbc_sink_t *s = ctx;

    if (s == NULL) {
        return;
    }
    kc_jdbc_sink_drop_plans(s);
    kc_jdbc_close(s->conn); /* abandons a COPY still pending */
    kc_free(s->plan_of);
    kc_free(s->recs);
    kc_free(s->skip);
    kc_free(s->params);
    kc_arena_reset(s->arena); /* drops the schemas inferred by the last put */
    kc_arena_destroy(s->arena);
    kc_jdbc_tz_destroy(s->tz);
    kc_jdbc_sink_conf_release(&s->conf);
    kc_free(s->connector);
    kc_free(s->eos_upsert);
    kc_free(s->eos_select);
    kc_free(s);
}

const struct kc_sink_task_plugin kc_jdbc_sink_task = {
    KC_PLUGIN_INIT(struct kc_sink_task_plugin),
    .name = "JdbcSinkTask",
    .class_name = "io.confluent.connect.jdbc.sink.JdbcSinkTask",
    .version = KC_VERSION_STR,
    .config_def = kc_jdbc_sink_defs,
    .start = kc_jdbc_sink_start,
    .put = kc_jdbc_sink_put,
    .stop = kc_jdbc_sink_stop,
    .open = kc_jdbc_sink_open,
    .put_start = kc_jdbc_sink_put_start,
    .put_finish = kc_jdbc_sink_put_finish,
};
