/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PostgreSQL (jdbc:postgresql://host:port/db) through libpq. Types are
 * reported as pgjdbc reports them (bool is BIT(1), so BOOLEAN; json, jsonb
 * and uuid are strings; arrays, intervals and the like are skipped).
 * Statements are sent with their parameters apart. A source query is read
 * through a cursor, FETCH of the fetch size at a time inside a transaction
 * committed at its end (as pgjdbc reads with autocommit off and a fetch
 * size, which Confluent sets); other queries, or one the server will not
 * take as a cursor, are read in single-row mode. Either way a large table
 * never sits in memory whole.
 * The session runs in UTC with ISO dates, so timestamps read and bound as
 * text mean the same instant whatever the server's own settings.
 */
#include "kc_internal.h"

#include <inttypes.h>
#include <libpq-fe.h>
#include <limits.h>

#include "connectors/jdbc/dialects/kc_jdbc_dialect.h"
#include "util/kc_log.h"
#include "util/kc_str.h"

#define KC_PG_LOGGER                                                           \
    "io.confluent.connect.jdbc.dialect.PostgreSqlDatabaseDialect"

/* The column types of one COPY statement, for a binary COPY. */
typedef struct kc_pg_copy_types {
    char *key;  /* the COPY statement, '\n', types_of */
    Oid *types; /* NULL: not known, the COPY goes in text */
    size_t ntypes;
    unsigned logged; /* 1: its binary COPY logged, 2: its text one */
} kc_pg_copy_types_t;

/* Most COPY statements whose types a connection keeps. */
#define KC_PG_COPY_TYPES_MAX 64

typedef struct kc_pg_conn {
    kc_jdbc_conn_t base;
    PGconn *pg;
    kc_pg_copy_types_t *copies;
    size_t ncopies;
    /* a COPY sent and not yet answered (kc_pg_copy_send): its column
     * types, and whether all its data went out */
    kc_pg_copy_types_t *copy_pending;
    bool copy_sent;
} kc_pg_conn_t;

/* The cursor a source query is read through (one open at a time: the
 * connection serves one result set). */
#define KC_PG_CURSOR "kc_jdbc_rs"

typedef struct kc_pg_rs {
    kc_jdbc_rs_t base;
    /* single-row mode: the current row (row 0); cursor mode: the last
     * FETCH's rows, row_index the current one */
    PGresult *row;
    int row_index;
    int nrows;
    bool cursor;
    char fetch_sql[64]; /* cursor mode: FETCH FORWARD n FROM the cursor */
    long fetch_rows;
    bool done;
    uint8_t *bytea; /* the last unescaped bytea */
} kc_pg_rs_t;

/* pgjdbc URL parameters honoured here; anything else is refused. */
static const char *const kc_pg_params[] = {"user",
                                           "password",
                                           "sslmode",
                                           "ssl",
                                           "sslrootcert",
                                           "sslcert",
                                           "sslkey",
                                           "connectTimeout",
                                           "currentSchema",
                                           "ApplicationName",
                                           "tcpKeepAlive",
                                           "options",
                                           NULL};

/* Type OIDs from pg_type.h (stable across releases). */
enum {
    KC_PG_BOOL = 16,
    KC_PG_BYTEA = 17,
    KC_PG_CHAR = 18,
    KC_PG_NAME = 19,
    KC_PG_INT8 = 20,
    KC_PG_INT2 = 21,
    KC_PG_INT4 = 23,
    KC_PG_TEXT = 25,
    KC_PG_OID = 26,
    KC_PG_JSON = 114,
    KC_PG_XML = 142,
    KC_PG_FLOAT4 = 700,
    KC_PG_FLOAT8 = 701,
    KC_PG_BPCHAR = 1042,
    KC_PG_VARCHAR = 1043,
    KC_PG_DATE = 1082,
    KC_PG_TIME = 1083,
    KC_PG_TIMESTAMP = 1114,
    KC_PG_TIMESTAMPTZ = 1184,
    KC_PG_TIMETZ = 1266,
    KC_PG_BIT = 1560,
    KC_PG_NUMERIC = 1700,
    KC_PG_UUID = 2950,
    KC_PG_JSONB = 3802
};

/* Whether a SQLSTATE is worth retrying: connection trouble, a
 * serialization failure or deadlock, a server shutting down, resources. */
static bool kc_pg_sqlstate_retriable(const char *state)
{
    return state != NULL &&
           (strncmp(state, "08", 2) == 0 || strcmp(state, "40001") == 0 ||
            strcmp(state, "40P01") == 0 || strncmp(state, "57P", 3) == 0 ||
            strncmp(state, "53", 2) == 0);
}

static kc_err_t kc_pg_error(kc_pg_conn_t *c, PGresult *res, const char *what,
                            kc_error_t *err)
{
    const char *state =
        res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = res != NULL ? PQresultErrorMessage(res) : "";
    bool lost = PQstatus(c->pg) != CONNECTION_OK;
    bool retriable = lost || kc_pg_sqlstate_retriable(state);
    size_t len;

    if (msg == NULL || *msg == '\0') {
        msg = PQerrorMessage(c->pg);
    }
    len = strlen(msg);
    while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == ' ')) {
        len--;
    }
    kc_error_set(err, retriable ? KC_RETRY : KC_ERR, "could not %s: %.*s", what,
                 (int)len, msg);
    kc_error_set_cause(err, state != NULL ? state : (lost ? "08006" : NULL));
    kc_error_set_retriable(err, retriable);
    return err != NULL ? err->code : KC_ERR;
}

static kc_err_t kc_pg_connect(const kc_jdbc_url_t *url, const char *user,
                              const char *password, kc_jdbc_conn_t **out,
                              kc_error_t *err)
{
    const char *keys[16];
    const char *vals[16];
    size_t n = 0;
    char port[16];
    kc_buf_t options;
    const char *v;
    kc_pg_conn_t *c;

    if (kc_jdbc_url_check_params(url, kc_pg_params, err) != KC_OK) {
        return err->code;
    }
    kc_buf_init(&options, 0);
    /* UTC and ISO: the text forms kc_jdbc_ts_parse reads, and pgjdbc's
     * instants for timestamptz. */
    kc_buf_puts(&options, "-c TimeZone=UTC -c DateStyle=ISO,MDY "
                          "-c extra_float_digits=3");
    v = kc_props_get(url->params, "currentSchema");
    if (v != NULL) {
        if (strpbrk(v, " \\") != NULL) {
            kc_buf_release(&options);
            return kc_error_set(err, KC_ERR_INVALID,
                                "could not use connection.url: "
                                "currentSchema \"%s\" has a space or "
                                "backslash",
                                v);
        }
        kc_buf_printf(&options, " -c search_path=%s", v);
    }
    v = kc_props_get(url->params, "options");
    if (v != NULL) {
        kc_buf_printf(&options, " %s", v);
    }
    keys[n] = "host";
    vals[n++] = url->host != NULL ? url->host : "localhost";
    snprintf(port, sizeof(port), "%d", url->port > 0 ? url->port : 5432);
    keys[n] = "port";
    vals[n++] = port;
    if (url->database != NULL) {
        keys[n] = "dbname";
        vals[n++] = url->database;
    }
    v = kc_props_get(url->params, "user");
    if (v != NULL || user != NULL) {
        keys[n] = "user";
        vals[n++] = v != NULL ? v : user;
    }
    v = kc_props_get(url->params, "password");
    if (v != NULL || password != NULL) {
        keys[n] = "password";
        vals[n++] = v != NULL ? v : password;
    }
    v = kc_props_get(url->params, "sslmode");
    if (v == NULL && kc_props_get(url->params, "ssl") != NULL &&
        strcmp(kc_props_get(url->params, "ssl"), "true") == 0) {
        v = "verify-full"; /* pgjdbc's meaning of ssl=true */
    }
    keys[n] = "sslmode";
    vals[n++] = v != NULL ? v : "prefer";
    if ((v = kc_props_get(url->params, "sslrootcert")) != NULL) {
        keys[n] = "sslrootcert";
        vals[n++] = v;
    }
    if ((v = kc_props_get(url->params, "sslcert")) != NULL) {
        keys[n] = "sslcert";
        vals[n++] = v;
    }
    if ((v = kc_props_get(url->params, "sslkey")) != NULL) {
        keys[n] = "sslkey";
        vals[n++] = v;
    }
    keys[n] = "connect_timeout";
    v = kc_props_get(url->params, "connectTimeout");
    vals[n++] = v != NULL ? v : "10"; /* pgjdbc's default */
    if ((v = kc_props_get(url->params, "ApplicationName")) != NULL) {
        keys[n] = "application_name";
        vals[n++] = v;
    }
    if ((v = kc_props_get(url->params, "tcpKeepAlive")) != NULL) {
        keys[n] = "keepalives";
        vals[n++] = strcmp(v, "true") == 0 ? "1" : "0";
    }
    keys[n] = "options";
    vals[n++] = kc_buf_cstr(&options);
    keys[n] = NULL;
    vals[n] = NULL;
    c = kc_calloc(1, sizeof(*c));
    c->pg = PQconnectdbParams(keys, vals, 0);
    kc_buf_release(&options);
    if (PQstatus(c->pg) != CONNECTION_OK) {
        const char *msg = PQerrorMessage(c->pg);
        size_t len = strlen(msg);
        bool auth = strstr(msg, "authentication failed") != NULL ||
                    strstr(msg, "does not exist") != NULL;

        while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == ' ')) {
            len--;
        }
        kc_error_set(err, auth ? KC_ERR : KC_RETRY,
                     "could not connect to PostgreSQL at %s:%s: %.*s", vals[0],
                     port, (int)len, msg);
        kc_error_set_cause(err, auth ? "28P01" : "08001");
        kc_error_set_retriable(err, !auth);
        PQfinish(c->pg);
        kc_free(c);
        return err != NULL ? err->code : KC_ERR;
    }
    *out = &c->base;
    return KC_OK;
}

static void kc_pg_close(kc_jdbc_conn_t *conn)
{
    kc_pg_conn_t *c = (kc_pg_conn_t *)conn;

    PQfinish(c->pg);
    for (size_t i = 0; i < c->ncopies; i++) {
        kc_free(c->copies[i].key);
        kc_free(c->copies[i].types);
    }
    kc_free(c->copies);
    kc_free(c);
}

static kc_err_t kc_pg_exec(kc_jdbc_conn_t *conn, const char *sql,
                           kc_error_t *err)
{
    kc_pg_conn_t *c = (kc_pg_conn_t *)conn;
    PGresult *res = PQexec(c->pg, sql);
    ExecStatusType st = PQresultStatus(res);
    kc_err_t rc = KC_OK;

    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        rc = kc_pg_error(c, res, "run a statement on PostgreSQL", err);
    }
    PQclear(res);
    return rc;
}

static kc_err_t kc_pg_list_tables(kc_jdbc_conn_t *conn,
                                  const char *catalog_pattern,
                                  const char *schema_pattern,
                                  const char *const *types, size_t ntypes,
                                  kc_jdbc_table_list_t *out, kc_error_t *err)
{
    kc_pg_conn_t *c = (kc_pg_conn_t *)conn;
    const char *params[1];
    PGresult *res;
    kc_err_t rc = KC_OK;
    bool want_table = false;
    bool want_view = false;
    bool want_part = false;

    for (size_t i = 0; i < ntypes; i++) {
        want_table |= kc_str_eq_nocase(types[i], "TABLE");
        want_view |= kc_str_eq_nocase(types[i], "VIEW");
        want_part |= kc_str_eq_nocase(types[i], "PARTITIONED TABLE");
    }
    /* pgjdbc's getTables: system schemas are not "TABLE"s. The catalog is
     * the current database; Confluent's PostgreSQL dialect drops it. */
    params[0] = schema_pattern;
    res = PQexecParams(c->pg,
                       "SELECT n.nspname, c.relname, c.relkind "
                       "FROM pg_catalog.pg_class c JOIN "
                       "pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                       "WHERE c.relkind IN ('r','v','p') "
                       "AND n.nspname !~ '^pg_' "
                       "AND n.nspname <> 'information_schema' "
                       "AND ($1::text IS NULL OR n.nspname LIKE $1) "
                       "ORDER BY n.nspname, c.relname",
                       1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        rc = kc_pg_error(c, res, "list PostgreSQL tables", err);
        PQclear(res);
        return rc;
    }
    for (int i = 0; i < PQntuples(res); i++) {
        char kind = PQgetvalue(res, i, 2)[0];

        if ((kind == 'r' && want_table) || (kind == 'v' && want_view) ||
            (kind == 'p' && want_part)) {
            kc_jdbc_table_list_push(out, NULL, PQgetvalue(res, i, 0),
                                    PQgetvalue(res, i, 1));
        }
    }
    PQclear(res);
    KC_UNUSED(catalog_pattern);
    return KC_OK;
}

static kc_err_t kc_pg_now(kc_jdbc_conn_t *conn, kc_jdbc_ts_t *now,
                          kc_error_t *err)
{
    kc_pg_conn_t *c = (kc_pg_conn_t *)conn;
    PGresult *res = PQexec(c->pg, "SELECT CURRENT_TIMESTAMP");
    kc_err_t rc = KC_OK;

    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
        rc = kc_pg_error(c, res, "read the time on PostgreSQL", err);
    } else if (kc_jdbc_ts_parse(PQgetvalue(res, 0, 0),
                                (size_t)PQgetlength(res, 0, 0), false,
                                now) != KC_OK) {
        rc = kc_error_set(err, KC_ERR,
                          "could not read the time on "
                          "PostgreSQL: unexpected text \"%s\"",
                          PQgetvalue(res, 0, 0));
    }
    PQclear(res);
    return rc;
}

/* pgjdbc's view of a column type. */
static void kc_pg_column_type(Oid oid, int fmod, kc_jdbc_column_t *col)
{
    col->is_signed = true;
    col->precision = 0;
    col->scale = 0;
    switch (oid) {
    case KC_PG_BOOL:
        col->type = KC_JDBC_BOOLEAN; /* BIT(1), which the dialect maps so */
        break;
    case KC_PG_INT2:
        col->type = KC_JDBC_SMALLINT;
        break;
    case KC_PG_INT4:
        col->type = KC_JDBC_INTEGER;
        break;
    case KC_PG_INT8:
    case KC_PG_OID:
        col->type = KC_JDBC_BIGINT;
        break;
    case KC_PG_FLOAT4:
        col->type = KC_JDBC_REAL;
        break;
    case KC_PG_FLOAT8:
        col->type = KC_JDBC_DOUBLE;
        break;
    case KC_PG_NUMERIC:
        col->type = KC_JDBC_NUMERIC;
        if (fmod >= 4) {
            col->precision = ((fmod - 4) >> 16) & 0xffff;
            col->scale = (fmod - 4) & 0xffff;
        }
        break;
    case KC_PG_CHAR:
    case KC_PG_BPCHAR:
        col->type = KC_JDBC_CHAR;
        break;
    case KC_PG_NAME:
    case KC_PG_TEXT:
    case KC_PG_VARCHAR:
    case KC_PG_JSON:
    case KC_PG_JSONB:
    case KC_PG_UUID:
    case KC_PG_XML:
        col->type = KC_JDBC_VARCHAR;
        break;
    case KC_PG_BYTEA:
        col->type = KC_JDBC_BINARY;
        col->is_binary = true;
        break;
    case KC_PG_DATE:
        col->type = KC_JDBC_DATE;
        break;
    case KC_PG_TIME:
    case KC_PG_TIMETZ:
        col->type = KC_JDBC_TIME;
        break;
    case KC_PG_TIMESTAMP:
    case KC_PG_TIMESTAMPTZ:
        col->type = KC_JDBC_TIMESTAMP;
        break;
    case KC_PG_BIT:
        col->type = fmod == 1 ? KC_JDBC_BOOLEAN : KC_JDBC_OTHER;
        break;
    default:
        col->type = KC_JDBC_OTHER;
        break;
    }
}

/* NOT NULL and auto-increment of the table columns behind a result, from
 * pg_attribute: one query for all columns. */
static kc_err_t kc_pg_nullability(kc_pg_conn_t *c, PGresult *desc,
                                  kc_jdbc_column_t *cols, size_t ncols,
                                  kc_error_t *err)
{
    kc_buf_t rels;
    const char *params[1];
    PGresult *res;
    kc_err_t rc = KC_OK;

    kc_buf_init(&rels, 0);
    kc_buf_putc(&rels, '{');
    for (size_t i = 0; i < ncols; i++) {
        Oid table = PQftable(desc, (int)i);

        cols[i].nullable = KC_JDBC_NULLABLE_UNKNOWN;
        if (table != InvalidOid && PQftablecol(desc, (int)i) > 0) {
            kc_buf_printf(&rels, "%s%u", rels.len > 1 ? "," : "", table);
        }
    }
    kc_buf_putc(&rels, '}');
    if (rels.len == 2) {
        kc_buf_release(&rels);
        return KC_OK; /* only expressions */
    }
    params[0] = kc_buf_cstr(&rels);
    res = PQexecParams(c->pg,
                       "SELECT a.attrelid, a.attnum, a.attnotnull, "
                       "a.attidentity <> '' OR "
                       "COALESCE(pg_catalog.pg_get_expr(d.adbin, d.adrelid), "
                       "'') LIKE 'nextval(%' "
                       "FROM pg_catalog.pg_attribute a "
                       "LEFT JOIN pg_catalog.pg_attrdef d ON "
                       "d.adrelid = a.attrelid AND d.adnum = a.attnum "
                       "WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0",
                       1, NULL, params, NULL, NULL, 0);
    kc_buf_release(&rels);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        rc = kc_pg_error(c, res, "describe PostgreSQL columns", err);
        PQclear(res);
        return rc;
    }
    for (int r = 0; r < PQntuples(res); r++) {
        Oid rel = (Oid)strtoul(PQgetvalue(res, r, 0), NULL, 10);
        int attnum = atoi(PQgetvalue(res, r, 1));

        for (size_t i = 0; i < ncols; i++) {
            if (PQftable(desc, (int)i) == rel &&
                PQftablecol(desc, (int)i) == attnum) {
                cols[i].nullable = PQgetvalue(res, r, 2)[0] == 't'
                                       ? KC_JDBC_NO_NULLS
                                       : KC_JDBC_NULLABLE;
                cols[i].autoincrement = PQgetvalue(res, r, 3)[0] == 't';
            }
        }
    }
    PQclear(res);
    return KC_OK;
}

/* '?' placeholders become $1..$n, except inside quotes; the count in
 * *n. */
static void kc_pg_placeholders(const char *sql, kc_buf_t *pgsql, size_t *n)
{
    *n = 0;
    for (const char *p = sql; *p != '\0'; p++) {
        if (*p == '\'' || *p == '"') {
            char q = *p;

            kc_buf_putc(pgsql, *p++);
            while (*p != '\0' && *p != q) {
                kc_buf_putc(pgsql, *p++);
            }
            if (*p == '\0') {
                break;
            }
            kc_buf_putc(pgsql, *p);
        } else if (*p == '?') {
            kc_buf_printf(pgsql, "$%zu", ++*n);
        } else {
            kc_buf_putc(pgsql, *p);
        }
    }
    kc_buf_cstr(pgsql);
}

/* Open the cursor for @p pgsql in a new transaction. False (and no
 * transaction left open) when the connection is already in one or the
 * server will not make that statement a cursor (say a data-modifying
 * WITH in query mode); the caller then reads it in single-row mode, whose
 * errors are the ones the user would have seen. */
static bool kc_pg_declare(kc_pg_conn_t *c, const kc_buf_t *pgsql,
                          const char *const *values, size_t nparams)
{
    char *declare;
    PGresult *res;
    bool ok;

    if (PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
        return false;
    }
    res = PQexec(c->pg, "BEGIN");
    ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);
    if (!ok) {
        return false;
    }
    declare = kc_asprintf("DECLARE " KC_PG_CURSOR " NO SCROLL CURSOR FOR %s",
                          (const char *)pgsql->data);
    res =
        PQexecParams(c->pg, declare, (int)nparams, NULL, values, NULL, NULL, 0);
    ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);
    kc_free(declare);
    if (!ok) {
        res = PQexec(c->pg, "ROLLBACK");
        PQclear(res);
    }
    return ok;
}

static kc_err_t kc_pg_query(kc_jdbc_conn_t *conn, const char *sql,
                            const kc_jdbc_param_t *params, size_t nparams,
                            size_t fetch_size, kc_jdbc_rs_t **out,
                            kc_error_t *err)
{
    kc_pg_conn_t *c = (kc_pg_conn_t *)conn;
    kc_buf_t pgsql;
    PGresult *res;
    kc_pg_rs_t *rs;
    const char **values = NULL;
    char(*texts)[64] = NULL;
    size_t n = 0;
    kc_err_t rc = KC_OK;

    kc_buf_init(&pgsql, 0);
    kc_pg_placeholders(sql, &pgsql, &n);
    res = PQprepare(c->pg, "", (const char *)pgsql.data, 0, NULL);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        rc = kc_pg_error(c, res, "prepare a PostgreSQL query", err);
        PQclear(res);
        kc_buf_release(&pgsql);
        return rc;
    }
    PQclear(res);
    res = PQdescribePrepared(c->pg, "");
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        rc = kc_pg_error(c, res, "describe a PostgreSQL query", err);
        PQclear(res);
        kc_buf_release(&pgsql);
        return rc;
    }
    rs = kc_calloc(1, sizeof(*rs));
    rs->base.conn = conn;
    rs->base.ncols = (size_t)PQnfields(res);
    rs->base.cols = kc_calloc(rs->base.ncols + 1, sizeof(*rs->base.cols));
    for (size_t i = 0; i < rs->base.ncols; i++) {
        rs->base.cols[i].name = kc_strdup(PQfname(res, (int)i));
        kc_pg_column_type(PQftype(res, (int)i), PQfmod(res, (int)i),
                          &rs->base.cols[i]);
    }
    rc = kc_pg_nullability(c, res, rs->base.cols, rs->base.ncols, err);
    PQclear(res);
    if (rc == KC_OK && n != nparams) {
        rc = kc_error_set(err, KC_ERR_INVALID,
                          "could not run a PostgreSQL query: it has %zu "
                          "placeholders for %zu parameters",
                          n, nparams);
    }
    if (rc == KC_OK) {
        values = kc_calloc(nparams + 1, sizeof(*values));
        texts = kc_calloc(nparams + 1, sizeof(*texts));
        for (size_t i = 0; i < nparams; i++) {
            switch (params[i].kind) {
            case KC_JDBC_PARAM_INT64:
                snprintf(texts[i], sizeof(texts[i]), "%" PRId64, params[i].i);
                values[i] = texts[i];
                break;
            case KC_JDBC_PARAM_TIMESTAMP:
                /* microseconds: PostgreSQL rounds anything finer */
                kc_jdbc_ts_format(params[i].ts, texts[i], sizeof(texts[i]));
                texts[i][26] = '\0';
                values[i] = texts[i];
                break;
            case KC_JDBC_PARAM_DOUBLE:
                kc_jdbc_param_double_text(&params[i], texts[i],
                                          sizeof(texts[i]));
                values[i] = texts[i];
                break;
            case KC_JDBC_PARAM_TEXT:
            case KC_JDBC_PARAM_BYTES:
                values[i] = params[i].text;
                break;
            case KC_JDBC_PARAM_NULL:
                values[i] = NULL;
                break;
            }
        }
        if (fetch_size > 1 && fetch_size <= INT_MAX &&
            kc_pg_declare(c, &pgsql, values, nparams)) {
            rs->cursor = true;
            rs->fetch_rows = (long)fetch_size;
            snprintf(rs->fetch_sql, sizeof(rs->fetch_sql),
                     "FETCH FORWARD %ld FROM " KC_PG_CURSOR, rs->fetch_rows);
        } else if (!PQsendQueryParams(c->pg, (const char *)pgsql.data,
                                      (int)nparams, NULL, values, NULL, NULL,
                                      0) ||
                   !PQsetSingleRowMode(c->pg)) {
            rc = kc_pg_error(c, NULL, "run a PostgreSQL query", err);
        }
    }
    kc_free(values);
    kc_free(texts);
    kc_buf_release(&pgsql);
    if (rc != KC_OK) {
        kc_jdbc_rs_t *base = &rs->base;

        /* drain whatever was sent */
        while ((res = PQgetResult(c->pg)) != NULL) {
            PQclear(res);
        }
        for (size_t i = 0; i < base->ncols; i++) {
            kc_free(base->cols[i].name);
        }
        kc_free(base->cols);
        kc_free(rs);
        return rc;
    }
    *out = &rs->base;
    return KC_OK;
}

/* Cursor mode: the next row of the last FETCH, else the next FETCH. A
 * FETCH that returns fewer rows than it asked for was the last one. */
static kc_err_t kc_pg_next_fetched(kc_pg_rs_t *rs, kc_pg_conn_t *c,
                                   bool *has_row, kc_error_t *err)
{
    if (rs->row != NULL && ++rs->row_index < rs->nrows) {
        *has_row = true;
        return KC_OK;
    }
    if (rs->row != NULL && rs->nrows < rs->fetch_rows) {
        rs->done = true;
    }
    PQclear(rs->row);
    rs->row = NULL;
    if (rs->done) {
        return KC_OK;
    }
    rs->row = PQexec(c->pg, rs->fetch_sql);
    if (PQresultStatus(rs->row) != PGRES_TUPLES_OK) {
        kc_err_t rc = kc_pg_error(c, rs->row, "read a PostgreSQL row", err);

        PQclear(rs->row);
        rs->row = NULL;
        return rc;
    }
    rs->nrows = PQntuples(rs->row);
    rs->row_index = 0;
    if (rs->nrows == 0) {
        rs->done = true;
        PQclear(rs->row);
        rs->row = NULL;
        return KC_OK;
    }
    *has_row = true;
    return KC_OK;
}

static kc_err_t kc_pg_next(kc_jdbc_rs_t *base, bool *has_row, kc_error_t *err)
{
    kc_pg_rs_t *rs = (kc_pg_rs_t *)base;
    kc_pg_conn_t *c = (kc_pg_conn_t *)base->conn;
    PGresult *res;

    *has_row = false;
    if (rs->cursor) {
        return kc_pg_next_fetched(rs, c, has_row, err);
    }
    PQclear(rs->row);
    rs->row = NULL;
    if (rs->done) {
        return KC_OK;
    }
    res = PQgetResult(c->pg);
    if (res != NULL && PQresultStatus(res) == PGRES_SINGLE_TUPLE) {
        rs->row = res;
        *has_row = true;
        return KC_OK;
    }
    rs->done = true;
    if (res != NULL && PQresultStatus(res) != PGRES_TUPLES_OK) {
        kc_err_t rc = kc_pg_error(c, res, "read a PostgreSQL row", err);

        PQclear(res);
        while ((res = PQgetResult(c->pg)) != NULL) {
            PQclear(res);
        }
        return rc;
    }
    PQclear(res);
    while ((res = PQgetResult(c->pg)) != NULL) {
        PQclear(res);
    }
    return KC_OK;
}

static void kc_pg_get(kc_jdbc_rs_t *base, size_t col, const char **data,
                      size_t *len)
{
    kc_pg_rs_t *rs = (kc_pg_rs_t *)base;

    *len = (size_t)PQgetlength(rs->row, rs->row_index, (int)col);
    /* only an empty value may be NULL: one libpq call less per column */
    if (*len == 0 && PQgetisnull(rs->row, rs->row_index, (int)col)) {
        *data = NULL;
        return;
    }
    *data = PQgetvalue(rs->row, rs->row_index, (int)col);
    if (base->cols[col].is_binary) {
        size_t n = 0;

        PQfreemem(rs->bytea);
        rs->bytea = PQunescapeBytea((const unsigned char *)*data, &n);
        *data = rs->bytea != NULL ? (const char *)rs->bytea : "";
        *len = rs->bytea != NULL ? n : 0;
    }
}

static void kc_pg_rs_close(kc_jdbc_rs_t *base)
{
    kc_pg_rs_t *rs = (kc_pg_rs_t *)base;
    kc_pg_conn_t *c;
    PGresult *res;

    if (rs == NULL) {
        return;
    }
    c = (kc_pg_conn_t *)base->conn;
    PQclear(rs->row);
    PQfreemem(rs->bytea);
    if (rs->cursor) {
        /* Ends the cursor with its transaction: committed when read to
         * the end, as pgjdbc's reader commits; cut short, rolled back, as
         * a cancelled single-row statement would be. A lost connection
         * fails here and leaves nothing open. */
        res = PQexec(c->pg, rs->done ? "COMMIT" : "ROLLBACK");
        PQclear(res);
    } else if (!rs->done) {
        /* Stop the rest of the rows rather than read them all. */
        PGcancel *cancel = PQgetCancel(c->pg);
        char buf[256];

        if (cancel != NULL) {
            PQcancel(cancel, buf, sizeof(buf));
            PQfreeCancel(cancel);
        }
        while ((res = PQgetResult(c->pg)) != NULL) {
            PQclear(res);
        }
    }
    for (size_t i = 0; i < base->ncols; i++) {
        kc_free(base->cols[i].name);
    }
    kc_free(base->cols);
    kc_free(rs);
}

static kc_err_t kc_pg_commit(kc_jdbc_conn_t *conn, kc_error_t *err)
{
    /* Autocommit: each statement is its own transaction. */
    KC_UNUSED(conn);
    KC_UNUSED(err);
    return KC_OK;
}

/* Values go as text the server types from the statement (so "12" fits an
 * INT column and "1" a BOOLEAN one), bytes in binary format. */
static kc_err_t kc_pg_execute(kc_jdbc_conn_t *conn, const char *sql,
                              const kc_jdbc_param_t *params, size_t nparams,
                              kc_error_t *err)
{
    kc_pg_conn_t *c = (kc_pg_conn_t *)conn;
    kc_buf_t pgsql;
    size_t n;
    const char **values = kc_calloc(nparams + 1, sizeof(*values));
    int *lengths = kc_calloc(nparams + 1, sizeof(*lengths));
    int *formats = kc_calloc(nparams + 1, sizeof(*formats));
    char(*texts)[64] = kc_calloc(nparams + 1, sizeof(*texts));
    PGresult *res = NULL;
    kc_err_t rc = KC_OK;

    kc_buf_init(&pgsql, 0);
    kc_pg_placeholders(sql, &pgsql, &n);
    if (n != nparams) {
        rc = kc_error_set(err, KC_ERR_INVALID,
                          "could not run a PostgreSQL statement: it has %zu "
                          "placeholders for %zu parameters",
                          n, nparams);
    }
    for (size_t i = 0; rc == KC_OK && i < nparams; i++) {
        switch (params[i].kind) {
        case KC_JDBC_PARAM_INT64:
            snprintf(texts[i], sizeof(texts[i]), "%" PRId64, params[i].i);
            values[i] = texts[i];
            break;
        case KC_JDBC_PARAM_TIMESTAMP:
            kc_jdbc_ts_format(params[i].ts, texts[i], sizeof(texts[i]));
            texts[i][26] = '\0';
            values[i] = texts[i];
            break;
        case KC_JDBC_PARAM_DOUBLE:
            kc_jdbc_param_double_text(&params[i], texts[i], sizeof(texts[i]));
            values[i] = texts[i];
            break;
        case KC_JDBC_PARAM_TEXT:
            values[i] = params[i].text;
            break;
        case KC_JDBC_PARAM_NULL:
            values[i] = NULL;
            break;
        case KC_JDBC_PARAM_BYTES:
            values[i] = params[i].text;
            lengths[i] = (int)params[i].len;
            formats[i] = 1;
            break;
        }
    }
    if (rc == KC_OK) {
        res = PQexecParams(c->pg, (const char *)pgsql.data, (int)nparams, NULL,
                           values, lengths, formats, 0);
        if (PQresultStatus(res) != PGRES_COMMAND_OK &&
            PQresultStatus(res) != PGRES_TUPLES_OK) {
            rc = kc_pg_error(c, res, "run a PostgreSQL statement", err);
        }
        PQclear(res);
    }
    kc_free(values);
    kc_free(lengths);
    kc_free(formats);
    kc_free(texts);
    kc_buf_release(&pgsql);
    return rc;
}

/* Append @p len bytes to a COPY text row, escaped so that no data byte
 * reads as a delimiter, a row end or an escape. */
static void kc_pg_copy_escape(kc_buf_t *out, const char *s, size_t len)
{
    size_t run = 0;

    for (size_t i = 0; i < len; i++) {
        const char *esc = NULL;

        switch (s[i]) {
        case '\\':
            esc = "\\\\";
            break;
        case '\n':
            esc = "\\n";
            break;
        case '\r':
            esc = "\\r";
            break;
        case '\t':
            esc = "\\t";
            break;
        default:
            continue;
        }
        kc_buf_append(out, s + run, i - run);
        kc_buf_puts(out, esc);
        run = i + 1;
    }
    kc_buf_append(out, s + run, len - run);
}

/* One value in COPY's text format: what execute binds as text, bytes as
 * bytea's hex input ("\\x..", the backslash escaped for COPY). */
static void kc_pg_copy_value(kc_buf_t *out, const kc_jdbc_param_t *p)
{
    static const char hex[] = "0123456789abcdef";
    char text[64];

    switch (p->kind) {
    case KC_JDBC_PARAM_INT64:
        snprintf(text, sizeof(text), "%" PRId64, p->i);
        kc_buf_puts(out, text);
        break;
    case KC_JDBC_PARAM_TIMESTAMP:
        kc_jdbc_ts_format(p->ts, text, sizeof(text));
        kc_buf_append(out, text, 26);
        break;
    case KC_JDBC_PARAM_DOUBLE:
        kc_jdbc_param_double_text(p, text, sizeof(text));
        kc_buf_puts(out, text);
        break;
    case KC_JDBC_PARAM_TEXT:
        kc_pg_copy_escape(out, p->text, strlen(p->text));
        break;
    case KC_JDBC_PARAM_NULL:
        kc_buf_puts(out, "\\N");
        break;
    case KC_JDBC_PARAM_BYTES:
        kc_buf_puts(out, "\\\\x");
        for (size_t i = 0; i < p->len; i++) {
            uint8_t b = (uint8_t)p->text[i];
            char pair[2] = {hex[b >> 4], hex[b & 15]};

            kc_buf_append(out, pair, 2);
        }
        break;
    }
}

/* Seconds from 1970-01-01 to PostgreSQL's epoch, 2000-01-01. */
#define KC_PG_EPOCH_SHIFT INT64_C(946684800)

/* Forget @p t (after a failed COPY: the table may have changed). */
static void kc_pg_copy_types_forget(kc_pg_conn_t *c, kc_pg_copy_types_t *t)
{
    kc_free(t->key);
    kc_free(t->types);
    *t = c->copies[--c->ncopies];
}

/*
 * The types of the columns of "COPY <table> (<columns>) FROM STDIN", read
 * with "SELECT <columns> FROM <types_of, else table> LIMIT 0" once per
 * statement, @p types_of and connection (inside a savepoint: a refused
 * SELECT, e.g. a user with INSERT only, must not abort the put's
 * transaction). Its types are NULL when they cannot be read; the COPY then
 * goes in text.
 */
static kc_pg_copy_types_t *kc_pg_copy_types(kc_pg_conn_t *c,
                                            const char *copy_sql,
                                            const char *types_of, size_t ncols)
{
    const char *open = NULL;
    const char *close = NULL;
    bool quoted = false;
    bool in_tx = PQtransactionStatus(c->pg) == PQTRANS_INTRANS;
    char *key = kc_asprintf("%s\n%s", copy_sql, types_of ? types_of : "");
    kc_pg_copy_types_t *t;
    kc_buf_t sql;
    PGresult *res;

    for (size_t i = 0; i < c->ncopies; i++) {
        if (strcmp(c->copies[i].key, key) == 0) {
            kc_free(key);
            return &c->copies[i];
        }
    }
    if (c->ncopies == KC_PG_COPY_TYPES_MAX) {
        while (c->ncopies > 0) {
            kc_pg_copy_types_forget(c, &c->copies[0]);
        }
    }
    if (c->copies == NULL) {
        c->copies = kc_calloc(KC_PG_COPY_TYPES_MAX, sizeof(*c->copies));
    }
    t = &c->copies[c->ncopies++];
    memset(t, 0, sizeof(*t));
    t->key = key;
    if (strncmp(copy_sql, "COPY ", 5) != 0) {
        return t;
    }
    /* the column list: the parentheses outside quoted identifiers */
    for (const char *q = copy_sql + 5; *q != '\0'; q++) {
        if (*q == '"') {
            quoted = !quoted;
        } else if (!quoted && *q == '(' && open == NULL) {
            open = q;
        } else if (!quoted && *q == ')' && open != NULL) {
            close = q;
            break;
        }
    }
    if (open == NULL || close == NULL || open == copy_sql + 5) {
        return t;
    }
    kc_buf_init(&sql, 0);
    kc_buf_puts(&sql, "SELECT ");
    kc_buf_append(&sql, open + 1, (size_t)(close - open - 1));
    kc_buf_puts(&sql, " FROM ");
    if (types_of != NULL) {
        kc_buf_puts(&sql, types_of);
    } else {
        kc_buf_append(&sql, copy_sql + 5, (size_t)(open - copy_sql - 5));
    }
    kc_buf_puts(&sql, " LIMIT 0");
    kc_buf_cstr(&sql);
    if (in_tx) {
        PQclear(PQexec(c->pg, "SAVEPOINT kc_copy_types"));
    }
    res = PQexec(c->pg, (const char *)sql.data);
    kc_buf_release(&sql);
    if (PQresultStatus(res) == PGRES_TUPLES_OK &&
        (size_t)PQnfields(res) == ncols) {
        t->ntypes = ncols;
        t->types = kc_calloc(ncols + 1, sizeof(*t->types));
        for (size_t i = 0; i < ncols; i++) {
            t->types[i] = PQftype(res, (int)i);
        }
    }
    PQclear(res);
    if (in_tx) {
        if (t->types == NULL) {
            PQclear(PQexec(c->pg, "ROLLBACK TO SAVEPOINT kc_copy_types"));
        }
        PQclear(PQexec(c->pg, "RELEASE SAVEPOINT kc_copy_types"));
    }
    return t;
}

/*
 * Whether @p p goes into a column of @p type in binary exactly as its
 * text would: the same type, in its range; anything else (a Date's text
 * into a DATE, an integer into NUMERIC or TEXT, a timestamp into
 * timestamptz) is left to the column's text input.
 */
static bool kc_pg_binary_fits(Oid type, const kc_jdbc_param_t *p)
{
    switch (p->kind) {
    case KC_JDBC_PARAM_NULL:
        return true;
    case KC_JDBC_PARAM_INT64:
        return type == KC_PG_INT8 ||
               (type == KC_PG_INT4 && p->i >= INT32_MIN && p->i <= INT32_MAX) ||
               (type == KC_PG_INT2 && p->i >= INT16_MIN && p->i <= INT16_MAX) ||
               (type == KC_PG_BOOL && (p->i == 0 || p->i == 1));
    case KC_JDBC_PARAM_DOUBLE:
        /* no float4 <-> float8 rounding the text would not do */
        return (type == KC_PG_FLOAT8 && p->i == 64) ||
               (type == KC_PG_FLOAT4 && p->i == 32);
    case KC_JDBC_PARAM_TEXT:
        return type == KC_PG_TEXT || type == KC_PG_VARCHAR;
    case KC_JDBC_PARAM_BYTES:
        return type == KC_PG_BYTEA;
    case KC_JDBC_PARAM_TIMESTAMP:
        /* years 1 to 9999, which the text form writes too */
        return type == KC_PG_TIMESTAMP && p->ts.sec >= INT64_C(-62135596800) &&
               p->ts.sec <= INT64_C(253402300799);
    }
    return false;
}

/* Big-endian, into room the caller has reserved: a binary row is mostly
 * these few-byte pieces, written in place (a staging copy through
 * kc_buf_append for each was a fifth of the COPY encoder's work). */
static uint8_t *kc_pg_be(uint8_t *b, uint64_t v, size_t bytes)
{
    for (size_t i = 0; i < bytes; i++) {
        b[i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
    }
    return b + bytes;
}

/* Big-endian, appended to @p out (the COPY's header and trailer). */
static void kc_pg_put_be(kc_buf_t *out, uint64_t v, size_t bytes)
{
    if (kc_buf_reserve(out, bytes) == KC_OK) {
        out->len =
            (size_t)(kc_pg_be(out->data + out->len, v, bytes) - out->data);
    }
}

/* The room one binary COPY row takes: its field count, then per field a
 * length and at most 8 bytes, or the text's or bytes' own length. Text
 * lengths are measured here once and kept in @p lens for the writer. */
static size_t kc_pg_binary_row_size(const kc_jdbc_param_t *row, size_t ncols,
                                    size_t *lens)
{
    size_t size = 2;

    for (size_t i = 0; i < ncols; i++) {
        const kc_jdbc_param_t *p = &row[i];

        lens[i] = p->kind == KC_JDBC_PARAM_TEXT    ? strlen(p->text)
                  : p->kind == KC_JDBC_PARAM_BYTES ? p->len
                                                   : 8;
        size += 4 + lens[i];
    }
    return size;
}

/* One field of a binary COPY row, at @p b (room reserved): its length,
 * then its bytes in the type's send format (big-endian integers and IEEE
 * floats, microseconds since 2000-01-01 for a timestamp). */
static uint8_t *kc_pg_copy_binary_value(uint8_t *b, const kc_jdbc_param_t *p,
                                        Oid type, size_t len)
{
    switch (p->kind) {
    case KC_JDBC_PARAM_NULL:
        return kc_pg_be(b, UINT32_MAX, 4);
    case KC_JDBC_PARAM_INT64: {
        size_t n = type == KC_PG_INT8   ? 8
                   : type == KC_PG_INT4 ? 4
                   : type == KC_PG_INT2 ? 2
                                        : 1;

        b = kc_pg_be(b, n, 4);
        return kc_pg_be(b, (uint64_t)p->i, n);
    }
    case KC_JDBC_PARAM_DOUBLE:
        if (p->i == 32) {
            float f = (float)p->f;
            uint32_t bits;

            memcpy(&bits, &f, sizeof(bits));
            b = kc_pg_be(b, 4, 4);
            return kc_pg_be(b, bits, 4);
        } else {
            uint64_t bits;

            memcpy(&bits, &p->f, sizeof(bits));
            b = kc_pg_be(b, 8, 4);
            return kc_pg_be(b, bits, 8);
        }
    case KC_JDBC_PARAM_TEXT:
    case KC_JDBC_PARAM_BYTES:
        b = kc_pg_be(b, len, 4);
        if (len > 0) {
            memcpy(b, p->text, len);
        }
        return b + len;
    case KC_JDBC_PARAM_TIMESTAMP:
        /* microseconds, cut as the text form's six digits are */
        b = kc_pg_be(b, 8, 4);
        return kc_pg_be(b,
                        (uint64_t)((p->ts.sec - KC_PG_EPOCH_SHIFT) * 1000000 +
                                   p->ts.nsec / 1000),
                        8);
    }
    return b;
}

/*
 * COPY .. FROM STDIN, in binary when every value has the exact type of
 * its column (kc_pg_binary_fits: no text to format or parse for numbers,
 * doubles and timestamps, no escaping), else in text, which goes through
 * the same input functions as execute's text parameters; both write the
 * same rows.
 */
static kc_err_t kc_pg_copy_send(kc_jdbc_conn_t *conn, const char *copy_sql,
                                const char *types_of,
                                const kc_jdbc_param_t *params, size_t nrows,
                                size_t ncols, kc_error_t *err)
{
    static const char signature[] = "PGCOPY\n\377\r\n";
    kc_pg_conn_t *c = (kc_pg_conn_t *)conn;
    kc_pg_copy_types_t *t = kc_pg_copy_types(c, copy_sql, types_of, ncols);
    const Oid *types = t->ntypes == ncols ? t->types : NULL;
    bool binary = types != NULL;
    PGresult *res;
    kc_buf_t data;
    kc_err_t rc = KC_OK;
    bool sent = true;
    size_t *lens;

    for (size_t r = 0; r < nrows && binary; r++) {
        for (size_t i = 0; i < ncols && binary; i++) {
            binary = kc_pg_binary_fits(types[i], &params[r * ncols + i]);
        }
    }
    kc_buf_init(&data, 0);
    if (!(t->logged & (binary ? 1U : 2U))) {
        t->logged |= binary ? 1U : 2U;
        kc_log_info(KC_PG_LOGGER,
                    binary ? "COPY in binary format: %s (FORMAT binary)"
                           : "COPY in text format (a value or column type "
                             "binary COPY does not take): %s",
                    copy_sql);
    }
    if (binary) {
        kc_buf_puts(&data, copy_sql);
        kc_buf_puts(&data, " (FORMAT binary)");
        kc_buf_cstr(&data);
        res = PQexec(c->pg, (const char *)data.data);
        data.len = 0;
        /* the signature (with its NUL), no flags, no header extension */
        kc_buf_append(&data, signature, sizeof(signature));
        kc_pg_put_be(&data, 0, 4);
        kc_pg_put_be(&data, 0, 4);
    } else {
        res = PQexec(c->pg, copy_sql);
    }
    if (PQresultStatus(res) != PGRES_COPY_IN) {
        rc = kc_pg_error(c, res, "start a PostgreSQL COPY", err);
        PQclear(res);
        kc_buf_release(&data);
        kc_pg_copy_types_forget(c, t);
        return rc;
    }
    PQclear(res);
    lens = binary ? kc_malloc((ncols + 1) * sizeof(*lens)) : NULL;
    for (size_t r = 0; r < nrows && sent; r++) {
        if (binary) {
            const kc_jdbc_param_t *row = &params[r * ncols];
            /* one reserve per row (and 2 for the trailer) */
            size_t size = kc_pg_binary_row_size(row, ncols, lens) + 2;
            uint8_t *b;

            if (kc_buf_reserve(&data, size) != KC_OK) {
                sent = false;
                break;
            }
            b = kc_pg_be(data.data + data.len, ncols, 2);
            for (size_t i = 0; i < ncols; i++) {
                b = kc_pg_copy_binary_value(b, &row[i], types[i], lens[i]);
            }
            data.len = (size_t)(b - data.data);
        }
        for (size_t i = 0; i < ncols && !binary; i++) {
            if (i > 0) {
                kc_buf_puts(&data, "\t");
            }
            kc_pg_copy_value(&data, &params[r * ncols + i]);
        }
        if (!binary) {
            kc_buf_puts(&data, "\n");
        }
        if (binary && r + 1 == nrows) {
            kc_pg_put_be(&data, UINT16_MAX, 2); /* the trailer, -1 */
        }
        /* send in pieces of about 256 KiB: memory stays bounded */
        if (data.len >= 256 * 1024 || r + 1 == nrows) {
            sent = PQputCopyData(c->pg, (const char *)data.data,
                                 (int)data.len) == 1;
            data.len = 0;
        }
    }
    if (binary && nrows == 0 && sent) {
        kc_pg_put_be(&data, UINT16_MAX, 2);
        sent =
            PQputCopyData(c->pg, (const char *)data.data, (int)data.len) == 1;
    }
    kc_buf_release(&data);
    kc_free(lens);
    if (PQputCopyEnd(c->pg, sent ? NULL : "kconnect: sending failed") != 1) {
        kc_pg_copy_types_forget(c, t);
        return kc_pg_error(c, NULL, "send a PostgreSQL COPY", err);
    }
    c->copy_pending = t;
    c->copy_sent = sent;
    return rc;
}

/* The answer to the COPY kc_pg_copy_send sent: whether every row went in. */
static kc_err_t kc_pg_copy_wait(kc_jdbc_conn_t *conn, kc_error_t *err)
{
    kc_pg_conn_t *c = (kc_pg_conn_t *)conn;
    kc_pg_copy_types_t *t = c->copy_pending;
    bool sent = c->copy_sent;
    kc_err_t rc = KC_OK;
    PGresult *res;

    if (t == NULL) {
        return kc_error_set(err, KC_ERR, "no PostgreSQL COPY in progress");
    }
    c->copy_pending = NULL;
    while ((res = PQgetResult(c->pg)) != NULL) {
        if (rc == KC_OK && PQresultStatus(res) != PGRES_COMMAND_OK) {
            rc = kc_pg_error(c, res, "run a PostgreSQL COPY", err);
        }
        PQclear(res);
    }
    if (rc == KC_OK && !sent) {
        rc = kc_pg_error(c, NULL, "send a PostgreSQL COPY", err);
    }
    if (rc != KC_OK) {
        /* the table may have changed under us: read its types again */
        kc_pg_copy_types_forget(c, t);
    }
    return rc;
}

static kc_err_t kc_pg_copy_in(kc_jdbc_conn_t *conn, const char *copy_sql,
                              const char *types_of,
                              const kc_jdbc_param_t *params, size_t nrows,
                              size_t ncols, kc_error_t *err)
{
    kc_err_t rc =
        kc_pg_copy_send(conn, copy_sql, types_of, params, nrows, ncols, err);

    return rc == KC_OK ? kc_pg_copy_wait(conn, err) : rc;
}

/* Confluent's PostgreSqlDatabaseDialect.getSqlType. */
static const char *kc_pg_sql_type(const kc_schema_t *schema, bool is_key)
{
    KC_UNUSED(is_key);
    switch (kc_schema_logical(schema)) {
    case KC_LOGICAL_DECIMAL:
        return "DECIMAL";
    case KC_LOGICAL_DATE:
        return "DATE";
    case KC_LOGICAL_TIME:
        return "TIME";
    case KC_LOGICAL_TIMESTAMP:
        return "TIMESTAMP";
    case KC_LOGICAL_NONE:
        break;
    }
    switch (kc_schema_type(schema)) {
    case KC_TYPE_INT8:
    case KC_TYPE_INT16:
        return "SMALLINT";
    case KC_TYPE_INT32:
        return "INT";
    case KC_TYPE_INT64:
        return "BIGINT";
    case KC_TYPE_FLOAT32:
        return "REAL";
    case KC_TYPE_FLOAT64:
        return "DOUBLE PRECISION";
    case KC_TYPE_BOOLEAN:
        return "BOOLEAN";
    case KC_TYPE_STRING:
        return "TEXT";
    case KC_TYPE_BYTES:
        return "BYTEA";
    default:
        return NULL;
    }
}

static const char *const kc_pg_subprotocols[] = {"postgresql", NULL};

const struct kc_jdbc_dialect kc_jdbc_postgres_dialect = {
    .name = "PostgreSqlDatabaseDialect",
    .subprotocols = kc_pg_subprotocols,
    .quote_char = '"',
    .zero_numeric_is_unscaled = true,
    .session_tz_sql = "SET TimeZone = '%s'",
    .isolation_sql =
        "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL %s",
    .connect = kc_pg_connect,
    .close = kc_pg_close,
    .list_tables = kc_pg_list_tables,
    .now = kc_pg_now,
    .query = kc_pg_query,
    .next = kc_pg_next,
    .get = kc_pg_get,
    .rs_close = kc_pg_rs_close,
    .commit = kc_pg_commit,
    .exec = kc_pg_exec,
    .execute = kc_pg_execute,
    .copy_in = kc_pg_copy_in,
    .copy_send = kc_pg_copy_send,
    .copy_wait = kc_pg_copy_wait,
    .sql_type = kc_pg_sql_type,
    .upsert_style = KC_JDBC_UPSERT_ON_CONFLICT,
    .bool_words = true,
};
