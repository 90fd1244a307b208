/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SQLite (jdbc:sqlite:<file>), embedded through libsqlite3. Column types
 * follow sqlite-jdbc: the declared type name decides (INTEGER is a JDBC
 * INTEGER, DATETIME a DATE, ...), an unknown name is NUMERIC, and an
 * expression without a declared type takes the storage class of the first
 * row. Rows are stepped one at a time, so memory does not grow with the
 * table.
 */
#include "kc_internal.h"

#include <ctype.h>
#include <inttypes.h>
#include <sqlite3.h>

#include "connectors/jdbc/dialects/kc_jdbc_dialect.h"
#include "util/kc_str.h"

typedef struct kc_sqlite_conn {
    kc_jdbc_conn_t base;
    sqlite3 *db;
} kc_sqlite_conn_t;

typedef struct kc_sqlite_rs {
    kc_jdbc_rs_t base;
    sqlite3_stmt *stmt;
    bool first_pending; /* the first row was stepped to type the columns */
    bool done;
    char num[64];
} kc_sqlite_rs_t;

/* sqlite-jdbc's parameters that mean something here. */
static const char *const kc_sqlite_params[] = {"busy_timeout", "journal_mode",
                                               NULL};

static kc_err_t kc_sqlite_error(sqlite3 *db, int code, const char *what,
                                kc_error_t *err)
{
    char cause[16];

    kc_error_set(
        err, code == SQLITE_BUSY || code == SQLITE_LOCKED ? KC_RETRY : KC_ERR,
        "could not %s: %s", what,
        db != NULL ? sqlite3_errmsg(db) : sqlite3_errstr(code));
    snprintf(cause, sizeof(cause), "SQLITE_%d", code);
    kc_error_set_cause(err, cause);
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
        kc_error_set_retriable(err, true);
    }
    return err != NULL ? err->code : KC_ERR;
}

static kc_err_t kc_sqlite_exec(kc_jdbc_conn_t *conn, const char *sql,
                               kc_error_t *err)
{
    kc_sqlite_conn_t *c = (kc_sqlite_conn_t *)conn;
    int rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL);

    if (rc != SQLITE_OK) {
        return kc_sqlite_error(c->db, rc, "run a statement on SQLite", err);
    }
    return KC_OK;
}

static kc_err_t kc_sqlite_connect(const kc_jdbc_url_t *url, const char *user,
                                  const char *password, kc_jdbc_conn_t **out,
                                  kc_error_t *err)
{
    kc_sqlite_conn_t *c;
    const char *path = url->database;
    const char *busy = kc_props_get(url->params, "busy_timeout");
    const char *journal = kc_props_get(url->params, "journal_mode");
    int64_t busy_ms = 3000; /* sqlite-jdbc's default */
    int rc;

    if (kc_jdbc_url_check_params(url, kc_sqlite_params, err) != KC_OK) {
        return err->code;
    }
    if (busy != NULL && kc_str_to_i64(busy, 0, INT32_MAX, &busy_ms) != KC_OK) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "could not use connection.url: busy_timeout "
                            "\"%s\" is not a number of milliseconds",
                            busy);
    }
    if (path == NULL || *path == '\0') {
        path = ":memory:";
    }
    c = kc_calloc(1, sizeof(*c));
    rc = sqlite3_open_v2(path, &c->db,
                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                             SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
                         NULL);
    if (rc != SQLITE_OK) {
        kc_error_t e;

        kc_sqlite_error(c->db, rc, "open SQLite database", &e);
        kc_error_set(err, KC_ERR_IO,
                     "could not open SQLite database \"%s\": %s", path,
                     c->db != NULL ? sqlite3_errmsg(c->db) : "");
        kc_error_set_cause(err, e.cause);
        sqlite3_close(c->db);
        kc_free(c);
        return KC_ERR_IO;
    }
    sqlite3_busy_timeout(c->db, (int)busy_ms);
    c->base.dialect = &kc_jdbc_sqlite_dialect;
    if (journal != NULL) {
        char *sql;

        for (const char *p = journal; *p != '\0'; p++) {
            if (!isalpha((unsigned char)*p)) {
                sqlite3_close(c->db);
                kc_free(c);
                return kc_error_set(err, KC_ERR_INVALID,
                                    "could not use connection.url: bad "
                                    "journal_mode \"%s\"",
                                    journal);
            }
        }
        sql = kc_asprintf("PRAGMA journal_mode=%s", journal);
        rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL);
        kc_free(sql);
        if (rc != SQLITE_OK) {
            kc_sqlite_error(c->db, rc, "set the SQLite journal mode", err);
            sqlite3_close(c->db);
            kc_free(c);
            return KC_ERR;
        }
    }
    *out = &c->base;
    return KC_OK;
}

static void kc_sqlite_close(kc_jdbc_conn_t *conn)
{
    kc_sqlite_conn_t *c = (kc_sqlite_conn_t *)conn;

    sqlite3_close(c->db);
    kc_free(c);
}

static kc_err_t
kc_sqlite_list_tables(kc_jdbc_conn_t *conn, const char *catalog_pattern,
                      const char *schema_pattern, const char *const *types,
                      size_t ntypes, kc_jdbc_table_list_t *out, kc_error_t *err)
{
    kc_sqlite_conn_t *c = (kc_sqlite_conn_t *)conn;
    sqlite3_stmt *stmt = NULL;
    bool want_table = false;
    bool want_view = false;
    int rc;

    /* SQLite has neither catalogs nor schemas: a pattern that asks for
     * named ones ("" excepted) matches nothing, as sqlite-jdbc. */
    for (size_t i = 0; i < ntypes; i++) {
        want_table |= kc_str_eq_nocase(types[i], "TABLE");
        want_view |= kc_str_eq_nocase(types[i], "VIEW");
    }
    rc = sqlite3_prepare_v2(c->db,
                            "SELECT name, type FROM sqlite_master WHERE "
                            "type IN ('table','view') ORDER BY name",
                            -1, &stmt, NULL);
    if (rc != SQLITE_OK) {
        return kc_sqlite_error(c->db, rc, "list SQLite tables", err);
    }
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(stmt, 0);
        const char *type = (const char *)sqlite3_column_text(stmt, 1);

        if (name == NULL || kc_str_starts_with(name, "sqlite_")) {
            continue;
        }
        if ((strcmp(type, "table") == 0 && want_table) ||
            (strcmp(type, "view") == 0 && want_view)) {
            kc_jdbc_table_list_push(out, NULL, NULL, name);
        }
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE) {
        return kc_sqlite_error(c->db, rc, "list SQLite tables", err);
    }
    KC_UNUSED(catalog_pattern);
    KC_UNUSED(schema_pattern);
    return KC_OK;
}

static kc_err_t kc_sqlite_now(kc_jdbc_conn_t *conn, kc_jdbc_ts_t *now,
                              kc_error_t *err)
{
    kc_sqlite_conn_t *c = (kc_sqlite_conn_t *)conn;
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(c->db,
                                "SELECT CAST((julianday('now') - 2440587.5) "
                                "* 86400000 AS INTEGER)",
                                -1, &stmt, NULL);
    int64_t ms;

    if (rc != SQLITE_OK) {
        return kc_sqlite_error(c->db, rc, "read the time on SQLite", err);
    }
    rc = sqlite3_step(stmt);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(stmt);
        return kc_sqlite_error(c->db, rc, "read the time on SQLite", err);
    }
    ms = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    now->sec = ms / 1000;
    now->nsec = (int32_t)(ms % 1000) * 1000000;
    return KC_OK;
}

/* sqlite-jdbc's mapping of a declared type name (upper-cased, before any
 * '('), with (p,s) taken from "NAME(p,s)". */
static void kc_sqlite_decl_type(const char *decl, kc_jdbc_column_t *col)
{
    char name[64];
    size_t n = 0;
    const char *paren = strchr(decl, '(');

    while (decl[n] != '\0' && decl[n] != '(' && n < sizeof(name) - 1) {
        name[n] = (char)toupper((unsigned char)decl[n]);
        n++;
    }
    while (n > 0 && name[n - 1] == ' ') {
        n--;
    }
    name[n] = '\0';
    col->precision = 0;
    col->scale = 0;
    if (paren != NULL) {
        int p = 0;
        int s = 0;

        if (sscanf(paren, "(%d,%d)", &p, &s) == 2 ||
            sscanf(paren, "(%d , %d)", &p, &s) == 2) {
            col->precision = p;
            col->scale = s;
        } else if (sscanf(paren, "(%d)", &p) == 1) {
            col->precision = p;
        }
    }
    if (strcmp(name, "BOOLEAN") == 0) {
        col->type = KC_JDBC_BOOLEAN;
    } else if (strcmp(name, "TINYINT") == 0) {
        col->type = KC_JDBC_TINYINT;
    } else if (strcmp(name, "SMALLINT") == 0) {
        col->type = KC_JDBC_SMALLINT;
    } else if (strcmp(name, "BIGINT") == 0) {
        col->type = KC_JDBC_BIGINT;
    } else if (strcmp(name, "DATE") == 0 || strcmp(name, "DATETIME") == 0) {
        col->type = KC_JDBC_DATE;
    } else if (strcmp(name, "TIMESTAMP") == 0) {
        col->type = KC_JDBC_TIMESTAMP;
    } else if (strcmp(name, "INT") == 0 || strcmp(name, "INTEGER") == 0 ||
               strcmp(name, "MEDIUMINT") == 0) {
        col->type = KC_JDBC_INTEGER;
    } else if (strcmp(name, "DECIMAL") == 0) {
        col->type = KC_JDBC_DECIMAL;
    } else if (strcmp(name, "DOUBLE") == 0 ||
               strcmp(name, "DOUBLE PRECISION") == 0) {
        col->type = KC_JDBC_DOUBLE;
    } else if (strcmp(name, "NUMERIC") == 0) {
        col->type = KC_JDBC_NUMERIC;
    } else if (strcmp(name, "REAL") == 0) {
        col->type = KC_JDBC_REAL;
    } else if (strcmp(name, "FLOAT") == 0) {
        col->type = KC_JDBC_FLOAT;
    } else if (strcmp(name, "CHAR") == 0 || strcmp(name, "CHARACTER") == 0) {
        col->type = KC_JDBC_CHAR;
    } else if (strcmp(name, "CLOB") == 0) {
        col->type = KC_JDBC_CLOB;
    } else if (strcmp(name, "TEXT") == 0 || strcmp(name, "VARCHAR") == 0 ||
               strcmp(name, "NVARCHAR") == 0 || strcmp(name, "NCHAR") == 0) {
        col->type = KC_JDBC_VARCHAR;
    } else if (strcmp(name, "BINARY") == 0 || strcmp(name, "VARBINARY") == 0) {
        col->type = KC_JDBC_BINARY;
        col->is_binary = true;
    } else if (strcmp(name, "BLOB") == 0) {
        col->type = KC_JDBC_BLOB;
        col->is_binary = true;
    } else {
        col->type = KC_JDBC_NUMERIC;
    }
}

/* A column with no declared type: the storage class of this row. */
static void kc_sqlite_value_type(int storage, kc_jdbc_column_t *col)
{
    switch (storage) {
    case SQLITE_INTEGER:
        col->type = KC_JDBC_INTEGER;
        break;
    case SQLITE_FLOAT:
        col->type = KC_JDBC_FLOAT;
        break;
    case SQLITE_BLOB:
        col->type = KC_JDBC_BLOB;
        col->is_binary = true;
        break;
    case SQLITE_TEXT:
        col->type = KC_JDBC_VARCHAR;
        break;
    default:
        col->type = KC_JDBC_NULL;
        break;
    }
}

static kc_err_t kc_sqlite_bind(sqlite3 *db, sqlite3_stmt *stmt,
                               const kc_jdbc_param_t *params, size_t n,
                               kc_error_t *err)
{
    for (size_t i = 0; i < n; i++) {
        int rc = SQLITE_OK;
        char text[64];

        switch (params[i].kind) {
        case KC_JDBC_PARAM_INT64:
            rc = sqlite3_bind_int64(stmt, (int)i + 1, params[i].i);
            break;
        case KC_JDBC_PARAM_TIMESTAMP:
            /* As SQLite's own datetime text, so it compares with columns
             * written by CURRENT_TIMESTAMP and strftime: milliseconds. */
            kc_jdbc_ts_format(params[i].ts, text, sizeof(text));
            text[23] = '\0';
            rc =
                sqlite3_bind_text(stmt, (int)i + 1, text, -1, SQLITE_TRANSIENT);
            break;
        case KC_JDBC_PARAM_DOUBLE:
            kc_jdbc_param_double_text(&params[i], text, sizeof(text));
            rc =
                sqlite3_bind_text(stmt, (int)i + 1, text, -1, SQLITE_TRANSIENT);
            break;
        case KC_JDBC_PARAM_TEXT:
            rc = sqlite3_bind_text(stmt, (int)i + 1, params[i].text, -1,
                                   SQLITE_TRANSIENT);
            break;
        case KC_JDBC_PARAM_NULL:
            rc = sqlite3_bind_null(stmt, (int)i + 1);
            break;
        case KC_JDBC_PARAM_BYTES:
            rc = sqlite3_bind_blob64(stmt, (int)i + 1, params[i].text,
                                     params[i].len, SQLITE_TRANSIENT);
            break;
        }
        if (rc != SQLITE_OK) {
            return kc_sqlite_error(db, rc, "bind a SQLite parameter", err);
        }
    }
    return KC_OK;
}

static kc_err_t kc_sqlite_query(kc_jdbc_conn_t *conn, const char *sql,
                                const kc_jdbc_param_t *params, size_t nparams,
                                size_t fetch_size, kc_jdbc_rs_t **out,
                                kc_error_t *err)
{
    kc_sqlite_conn_t *c = (kc_sqlite_conn_t *)conn;
    kc_sqlite_rs_t *rs;
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(c->db, sql, -1, &stmt, NULL);
    int step;

    KC_UNUSED(fetch_size);
    if (rc != SQLITE_OK) {
        return kc_sqlite_error(c->db, rc, "prepare a SQLite query", err);
    }
    if (kc_sqlite_bind(c->db, stmt, params, nparams, err) != KC_OK) {
        sqlite3_finalize(stmt);
        return err->code;
    }
    step = sqlite3_step(stmt);
    if (step != SQLITE_ROW && step != SQLITE_DONE) {
        kc_sqlite_error(c->db, step, "run a SQLite query", err);
        sqlite3_finalize(stmt);
        return err->code;
    }
    rs = kc_calloc(1, sizeof(*rs));
    rs->base.conn = conn;
    rs->stmt = stmt;
    rs->first_pending = step == SQLITE_ROW;
    rs->done = step == SQLITE_DONE;
    rs->base.ncols = (size_t)sqlite3_column_count(stmt);
    rs->base.cols = kc_calloc(rs->base.ncols + 1, sizeof(*rs->base.cols));
    for (size_t i = 0; i < rs->base.ncols; i++) {
        kc_jdbc_column_t *col = &rs->base.cols[i];
        const char *decl = sqlite3_column_decltype(stmt, (int)i);
        const char *table = sqlite3_column_table_name(stmt, (int)i);
        const char *origin = sqlite3_column_origin_name(stmt, (int)i);
        int notnull = 0;
        int autoinc = 0;

        col->name = kc_strdup(sqlite3_column_name(stmt, (int)i));
        col->is_signed = true;
        if (decl != NULL) {
            kc_sqlite_decl_type(decl, col);
        } else {
            kc_sqlite_value_type(step == SQLITE_ROW
                                     ? sqlite3_column_type(stmt, (int)i)
                                     : SQLITE_NULL,
                                 col);
        }
        col->nullable = KC_JDBC_NULLABLE_UNKNOWN;
        if (table != NULL && origin != NULL &&
            sqlite3_table_column_metadata(
                c->db, sqlite3_column_database_name(stmt, (int)i), table,
                origin, NULL, NULL, &notnull, NULL, &autoinc) == SQLITE_OK) {
            col->nullable = notnull ? KC_JDBC_NO_NULLS : KC_JDBC_NULLABLE;
            col->autoincrement = autoinc != 0;
        }
    }
    *out = &rs->base;
    return KC_OK;
}

static kc_err_t kc_sqlite_next(kc_jdbc_rs_t *base, bool *has_row,
                               kc_error_t *err)
{
    kc_sqlite_rs_t *rs = (kc_sqlite_rs_t *)base;
    kc_sqlite_conn_t *c = (kc_sqlite_conn_t *)base->conn;
    int rc;

    if (rs->first_pending) {
        rs->first_pending = false;
        *has_row = true;
        return KC_OK;
    }
    if (rs->done) {
        *has_row = false;
        return KC_OK;
    }
    rc = sqlite3_step(rs->stmt);
    if (rc == SQLITE_ROW) {
        *has_row = true;
        return KC_OK;
    }
    rs->done = true;
    *has_row = false;
    if (rc != SQLITE_DONE) {
        return kc_sqlite_error(c->db, rc, "read a SQLite row", err);
    }
    return KC_OK;
}

static void kc_sqlite_get(kc_jdbc_rs_t *base, size_t col, const char **data,
                          size_t *len)
{
    kc_sqlite_rs_t *rs = (kc_sqlite_rs_t *)base;
    int type = sqlite3_column_type(rs->stmt, (int)col);

    if (type == SQLITE_NULL) {
        *data = NULL;
        *len = 0;
        return;
    }
    if (base->cols[col].is_binary) {
        *data = sqlite3_column_blob(rs->stmt, (int)col);
        *len = (size_t)sqlite3_column_bytes(rs->stmt, (int)col);
        if (*data == NULL) {
            *data = "";
        }
        return;
    }
    if (type == SQLITE_FLOAT) {
        /* sqlite's own text of a double has 15 digits; keep them all. */
        snprintf(rs->num, sizeof(rs->num), "%.17g",
                 sqlite3_column_double(rs->stmt, (int)col));
        *data = rs->num;
        *len = strlen(rs->num);
        return;
    }
    *data = (const char *)sqlite3_column_text(rs->stmt, (int)col);
    *len = (size_t)sqlite3_column_bytes(rs->stmt, (int)col);
    if (*data == NULL) {
        *data = "";
    }
}

static void kc_sqlite_rs_close(kc_jdbc_rs_t *base)
{
    kc_sqlite_rs_t *rs = (kc_sqlite_rs_t *)base;

    if (rs == NULL) {
        return;
    }
    sqlite3_finalize(rs->stmt);
    for (size_t i = 0; i < base->ncols; i++) {
        kc_free(base->cols[i].name);
    }
    kc_free(base->cols);
    kc_free(rs);
}

static kc_err_t kc_sqlite_commit(kc_jdbc_conn_t *conn, kc_error_t *err)
{
    /* Autocommit: each SELECT is its own read transaction. */
    KC_UNUSED(conn);
    KC_UNUSED(err);
    return KC_OK;
}

static kc_err_t kc_sqlite_execute(kc_jdbc_conn_t *conn, const char *sql,
                                  const kc_jdbc_param_t *params, size_t nparams,
                                  kc_error_t *err)
{
    kc_sqlite_conn_t *c = (kc_sqlite_conn_t *)conn;
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(c->db, sql, -1, &stmt, NULL);
    kc_err_t krc;

    if (rc != SQLITE_OK) {
        return kc_sqlite_error(c->db, rc, "prepare a SQLite statement", err);
    }
    if ((size_t)sqlite3_bind_parameter_count(stmt) != nparams) {
        sqlite3_finalize(stmt);
        return kc_error_set(err, KC_ERR_INVALID,
                            "could not run a SQLite statement: it has %d "
                            "placeholders for %zu parameters",
                            sqlite3_bind_parameter_count(stmt), nparams);
    }
    krc = kc_sqlite_bind(c->db, stmt, params, nparams, err);
    if (krc == KC_OK) {
        do {
            rc = sqlite3_step(stmt);
        } while (rc == SQLITE_ROW);
        if (rc != SQLITE_DONE) {
            krc = kc_sqlite_error(c->db, rc, "run a SQLite statement", err);
        }
    }
    sqlite3_finalize(stmt);
    return krc;
}

/* Confluent's SqliteDatabaseDialect.getSqlType: SQLite's affinities. */
static const char *kc_sqlite_sql_type(const kc_schema_t *schema, bool is_key)
{
    KC_UNUSED(is_key);
    if (kc_schema_logical(schema) != KC_LOGICAL_NONE) {
        return "NUMERIC";
    }
    switch (kc_schema_type(schema)) {
    case KC_TYPE_INT8:
    case KC_TYPE_INT16:
    case KC_TYPE_INT32:
    case KC_TYPE_INT64:
    case KC_TYPE_BOOLEAN:
        return "INTEGER";
    case KC_TYPE_FLOAT32:
    case KC_TYPE_FLOAT64:
        return "REAL";
    case KC_TYPE_STRING:
        return "TEXT";
    case KC_TYPE_BYTES:
        return "BLOB";
    default:
        return NULL;
    }
}

static const char *const kc_sqlite_subprotocols[] = {"sqlite", NULL};

const struct kc_jdbc_dialect kc_jdbc_sqlite_dialect = {
    .name = "SqliteDatabaseDialect",
    .subprotocols = kc_sqlite_subprotocols,
    .quote_char = '"',
    .connect = kc_sqlite_connect,
    .close = kc_sqlite_close,
    .list_tables = kc_sqlite_list_tables,
    .now = kc_sqlite_now,
    .query = kc_sqlite_query,
    .next = kc_sqlite_next,
    .get = kc_sqlite_get,
    .rs_close = kc_sqlite_rs_close,
    .commit = kc_sqlite_commit,
    .exec = kc_sqlite_exec,
    .execute = kc_sqlite_execute,
    .sql_type = kc_sqlite_sql_type,
    .upsert_style = KC_JDBC_UPSERT_OR_REPLACE,
    .alter_one_column = true,
};
