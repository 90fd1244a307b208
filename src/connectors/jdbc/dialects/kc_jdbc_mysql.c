/* SPDX-License-Identifier: Apache-2.0 */
/*
 * MySQL and MariaDB (jdbc:mysql://, jdbc:mariadb://) through libmariadb's
 * prepared-statement API: parameters are bound apart from the SQL, and the
 * rows are fetched unbuffered (no mysql_stmt_store_result), one at a time,
 * so memory does not grow with the table. Every column is fetched in its
 * text form (raw bytes for binary ones), which the shared code converts.
 * Types follow MySQL Connector/J with its defaults (TINYINT(1) is BIT,
 * YEAR is a DATE); the session runs in UTC so TIMESTAMP columns and
 * CURRENT_TIMESTAMP are instants.
 */
#include "kc_internal.h"

#include <inttypes.h>
#include <mysql.h>

#include "connectors/jdbc/dialects/kc_jdbc_dialect.h"
#include "util/kc_str.h"

typedef struct kc_my_conn {
    kc_jdbc_conn_t base;
    MYSQL *my;
} kc_my_conn_t;

typedef struct kc_my_col {
    char *buf;
    unsigned long cap;
    unsigned long len;
    my_bool is_null;
    my_bool error;
    bool is_year;
    bool is_bit;
    bool is_utc; /* TIMESTAMP: an instant, shown in the UTC session */
} kc_my_col_t;

typedef struct kc_my_rs {
    kc_jdbc_rs_t base;
    MYSQL_STMT *stmt;
    MYSQL_BIND *binds;
    kc_my_col_t *cols;
    bool done;
    char text[48];
} kc_my_rs_t;

/* Connector/J and MariaDB Connector/J URL parameters honoured here. */
static const char *const kc_my_params[] = {"user",
                                           "password",
                                           "connectTimeout",
                                           "socketTimeout",
                                           "useSSL",
                                           "sslMode",
                                           "useCursorFetch",
                                           "tinyInt1isBit",
                                           "characterEncoding",
                                           "useUnicode",
                                           NULL};

static bool kc_my_retriable(unsigned int code, const char *state)
{
    return code == 2002 || code == 2003 || code == 2006 || code == 2013 ||
           code == 1205 || code == 1213 ||
           (state != NULL &&
            (strncmp(state, "08", 2) == 0 || strcmp(state, "40001") == 0));
}

static kc_err_t kc_my_fail(unsigned int code, const char *state,
                           const char *msg, const char *what, kc_error_t *err)
{
    bool retriable = kc_my_retriable(code, state);

    kc_error_set(err, retriable ? KC_RETRY : KC_ERR, "could not %s: %s (%u)",
                 what, msg, code);
    kc_error_set_cause(
        err, state != NULL && strcmp(state, "00000") != 0 ? state : NULL);
    kc_error_set_retriable(err, retriable);
    return err != NULL ? err->code : KC_ERR;
}

static kc_err_t kc_my_error(MYSQL *my, const char *what, kc_error_t *err)
{
    return kc_my_fail(mysql_errno(my), mysql_sqlstate(my), mysql_error(my),
                      what, err);
}

static kc_err_t kc_my_stmt_error(MYSQL_STMT *stmt, const char *what,
                                 kc_error_t *err)
{
    return kc_my_fail(mysql_stmt_errno(stmt), mysql_stmt_sqlstate(stmt),
                      mysql_stmt_error(stmt), what, err);
}

static kc_err_t kc_my_connect(const kc_jdbc_url_t *url, const char *user,
                              const char *password, kc_jdbc_conn_t **out,
                              kc_error_t *err)
{
    kc_my_conn_t *c;
    const char *v;
    unsigned int timeout = 10;
    int64_t n;
    const char *host = url->host != NULL ? url->host : "localhost";
    unsigned int port = url->port > 0 ? (unsigned int)url->port : 3306;

    if (kc_jdbc_url_check_params(url, kc_my_params, err) != KC_OK) {
        return err->code;
    }
    c = kc_calloc(1, sizeof(*c));
    c->my = mysql_init(NULL);
    if ((v = kc_props_get(url->params, "connectTimeout")) != NULL &&
        kc_str_to_i64(v, 0, INT32_MAX, &n) == KC_OK && n > 0) {
        timeout = (unsigned int)((n + 999) / 1000); /* ms in the URL */
    }
    mysql_optionsv(c->my, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    if ((v = kc_props_get(url->params, "socketTimeout")) != NULL &&
        kc_str_to_i64(v, 0, INT32_MAX, &n) == KC_OK && n > 0) {
        unsigned int t = (unsigned int)((n + 999) / 1000);

        mysql_optionsv(c->my, MYSQL_OPT_READ_TIMEOUT, &t);
        mysql_optionsv(c->my, MYSQL_OPT_WRITE_TIMEOUT, &t);
    }
    v = kc_props_get(url->params, "sslMode");
    if ((v != NULL && !kc_str_eq_nocase(v, "disable") &&
         !kc_str_eq_nocase(v, "disabled") &&
         !kc_str_eq_nocase(v, "preferred")) ||
        ((v = kc_props_get(url->params, "useSSL")) != NULL &&
         strcmp(v, "true") == 0)) {
        my_bool on = 1;

        mysql_optionsv(c->my, MYSQL_OPT_SSL_ENFORCE, &on);
        if (kc_str_eq_nocase(v, "verify-full") ||
            kc_str_eq_nocase(v, "verify_identity") ||
            kc_str_eq_nocase(v, "verify-ca") ||
            kc_str_eq_nocase(v, "verify_ca")) {
            mysql_optionsv(c->my, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &on);
        }
    }
    mysql_optionsv(c->my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    mysql_optionsv(c->my, MYSQL_INIT_COMMAND, "SET time_zone = '+00:00'");
    if ((v = kc_props_get(url->params, "user")) != NULL) {
        user = v;
    }
    if ((v = kc_props_get(url->params, "password")) != NULL) {
        password = v;
    }
    if (mysql_real_connect(c->my, host, user, password, url->database, port,
                           NULL, 0) == NULL) {
        char what[300];

        snprintf(what, sizeof(what), "connect to MySQL/MariaDB at %s:%u", host,
                 port);
        kc_my_error(c->my, what, err);
        mysql_close(c->my);
        kc_free(c);
        return err != NULL ? err->code : KC_ERR;
    }
    *out = &c->base;
    return KC_OK;
}

static void kc_my_close(kc_jdbc_conn_t *conn)
{
    kc_my_conn_t *c = (kc_my_conn_t *)conn;

    mysql_close(c->my);
    kc_free(c);
}

static kc_err_t kc_my_exec(kc_jdbc_conn_t *conn, const char *sql,
                           kc_error_t *err)
{
    kc_my_conn_t *c = (kc_my_conn_t *)conn;

    if (mysql_query(c->my, sql) != 0) {
        return kc_my_error(c->my, "run a statement on MySQL/MariaDB", err);
    }
    /* a statement that returned rows anyway */
    mysql_free_result(mysql_store_result(c->my));
    return KC_OK;
}

static kc_err_t kc_my_list_tables(kc_jdbc_conn_t *conn,
                                  const char *catalog_pattern,
                                  const char *schema_pattern,
                                  const char *const *types, size_t ntypes,
                                  kc_jdbc_table_list_t *out, kc_error_t *err)
{
    kc_my_conn_t *c = (kc_my_conn_t *)conn;
    MYSQL_RES *res;
    MYSQL_ROW row;
    bool want_table = false;
    bool want_view = false;

    KC_UNUSED(schema_pattern);
    for (size_t i = 0; i < ntypes; i++) {
        want_table |= kc_str_eq_nocase(types[i], "TABLE");
        want_view |= kc_str_eq_nocase(types[i], "VIEW");
    }
    /* Connector/J: databases are catalogs; without a catalog pattern it
     * lists the current database only (nullCatalogMeansCurrent), with one
     * the databases it matches (filtered below), never the system ones. */
    if (mysql_query(c->my,
                    catalog_pattern == NULL
                        ? "SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE "
                          "FROM information_schema.TABLES "
                          "WHERE TABLE_SCHEMA = DATABASE() OR "
                          "DATABASE() IS NULL "
                          "ORDER BY TABLE_SCHEMA, TABLE_NAME"
                        : "SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE "
                          "FROM information_schema.TABLES WHERE TABLE_SCHEMA "
                          "NOT IN ('information_schema', 'mysql', "
                          "'performance_schema', 'sys') "
                          "ORDER BY TABLE_SCHEMA, TABLE_NAME") != 0) {
        return kc_my_error(c->my, "list MySQL/MariaDB tables", err);
    }
    res = mysql_store_result(c->my);
    if (res == NULL) {
        return kc_my_error(c->my, "list MySQL/MariaDB tables", err);
    }
    while ((row = mysql_fetch_row(res)) != NULL) {
        bool is_view = row[2] != NULL && strcmp(row[2], "VIEW") == 0;

        if (catalog_pattern != NULL && !kc_jdbc_like(catalog_pattern, row[0])) {
            continue;
        }
        if ((is_view && want_view) || (!is_view && want_table)) {
            kc_jdbc_table_list_push(out, row[0], NULL, row[1]);
        }
    }
    mysql_free_result(res);
    return KC_OK;
}

static kc_err_t kc_my_now(kc_jdbc_conn_t *conn, kc_jdbc_ts_t *now,
                          kc_error_t *err)
{
    kc_my_conn_t *c = (kc_my_conn_t *)conn;
    MYSQL_RES *res;
    MYSQL_ROW row;
    kc_err_t rc = KC_OK;

    if (mysql_query(c->my, "SELECT CURRENT_TIMESTAMP") != 0 ||
        (res = mysql_store_result(c->my)) == NULL) {
        return kc_my_error(c->my, "read the time on MySQL/MariaDB", err);
    }
    row = mysql_fetch_row(res);
    if (row == NULL || row[0] == NULL ||
        kc_jdbc_ts_parse(row[0], strlen(row[0]), false, now) != KC_OK) {
        rc = kc_error_set(err, KC_ERR,
                          "could not read the time on MySQL/MariaDB");
    }
    mysql_free_result(res);
    return rc;
}

/* Connector/J's view of a column. */
static void kc_my_column_type(const MYSQL_FIELD *f, kc_jdbc_column_t *col,
                              kc_my_col_t *mc)
{
    bool binary = f->charsetnr == 63;

    col->is_signed = (f->flags & UNSIGNED_FLAG) == 0;
    col->precision = (int)f->length;
    col->scale = (int)f->decimals;
    col->nullable =
        (f->flags & NOT_NULL_FLAG) ? KC_JDBC_NO_NULLS : KC_JDBC_NULLABLE;
    switch (f->type) {
    case MYSQL_TYPE_TINY:
        col->type = f->length == 1 ? KC_JDBC_BIT : KC_JDBC_TINYINT;
        break;
    case MYSQL_TYPE_SHORT:
        col->type = KC_JDBC_SMALLINT;
        break;
    case MYSQL_TYPE_INT24:
    case MYSQL_TYPE_LONG:
        col->type = KC_JDBC_INTEGER;
        break;
    case MYSQL_TYPE_LONGLONG:
        col->type = KC_JDBC_BIGINT;
        break;
    case MYSQL_TYPE_FLOAT:
        col->type = KC_JDBC_REAL;
        break;
    case MYSQL_TYPE_DOUBLE:
        col->type = KC_JDBC_DOUBLE;
        break;
    case MYSQL_TYPE_DECIMAL:
    case MYSQL_TYPE_NEWDECIMAL:
        col->type = KC_JDBC_DECIMAL;
        col->precision = (int)f->length - (f->decimals > 0 ? 1 : 0) -
                         (col->is_signed ? 1 : 0);
        break;
    case MYSQL_TYPE_DATE:
    case MYSQL_TYPE_NEWDATE:
        col->type = KC_JDBC_DATE;
        break;
    case MYSQL_TYPE_YEAR:
        col->type = KC_JDBC_DATE;
        mc->is_year = true;
        break;
    case MYSQL_TYPE_TIME:
        col->type = KC_JDBC_TIME;
        break;
    case MYSQL_TYPE_DATETIME:
        col->type = KC_JDBC_TIMESTAMP;
        break;
    case MYSQL_TYPE_TIMESTAMP:
        col->type = KC_JDBC_TIMESTAMP;
        mc->is_utc = true;
        break;
    case MYSQL_TYPE_BIT:
        col->type = KC_JDBC_BIT;
        mc->is_bit = true;
        break;
    case MYSQL_TYPE_VARCHAR:
    case MYSQL_TYPE_VAR_STRING:
    case MYSQL_TYPE_STRING:
    case MYSQL_TYPE_ENUM:
    case MYSQL_TYPE_SET:
        col->type = binary ? KC_JDBC_VARBINARY : KC_JDBC_VARCHAR;
        col->is_binary = binary;
        break;
    case MYSQL_TYPE_TINY_BLOB:
    case MYSQL_TYPE_MEDIUM_BLOB:
    case MYSQL_TYPE_LONG_BLOB:
    case MYSQL_TYPE_BLOB:
    case MYSQL_TYPE_JSON:
        col->type = binary ? KC_JDBC_LONGVARBINARY : KC_JDBC_LONGVARCHAR;
        col->is_binary = binary;
        break;
    default:
        col->type = KC_JDBC_OTHER;
        break;
    }
}

/*
 * Which result columns are AUTO_INCREMENT table columns. The binary
 * protocol's metadata does not carry that flag, so ask
 * information_schema (as Connector/J's getColumns does), before the
 * statement runs: an unbuffered result would block the connection.
 */
static bool *kc_my_autoincrement(kc_my_conn_t *c, MYSQL_STMT *stmt)
{
    MYSQL_RES *meta = mysql_stmt_result_metadata(stmt);
    unsigned int n;
    bool *out;

    if (meta == NULL) {
        return NULL;
    }
    n = mysql_num_fields(meta);
    out = kc_calloc(n + 1, sizeof(*out));
    for (unsigned int i = 0; i < n; i++) {
        MYSQL_FIELD *f = mysql_fetch_field_direct(meta, i);
        char *db;
        char *table;
        char *col;
        char *sql;
        MYSQL_RES *res;

        if (f->org_table == NULL || *f->org_table == '\0' || f->db == NULL ||
            f->org_name == NULL || f->type == MYSQL_TYPE_NULL ||
            (f->type != MYSQL_TYPE_TINY && f->type != MYSQL_TYPE_SHORT &&
             f->type != MYSQL_TYPE_INT24 && f->type != MYSQL_TYPE_LONG &&
             f->type != MYSQL_TYPE_LONGLONG)) {
            continue;
        }
        db = kc_malloc(strlen(f->db) * 2 + 1);
        table = kc_malloc(strlen(f->org_table) * 2 + 1);
        col = kc_malloc(strlen(f->org_name) * 2 + 1);
        mysql_real_escape_string(c->my, db, f->db, strlen(f->db));
        mysql_real_escape_string(c->my, table, f->org_table,
                                 strlen(f->org_table));
        mysql_real_escape_string(c->my, col, f->org_name, strlen(f->org_name));
        sql = kc_asprintf("SELECT 1 FROM information_schema.COLUMNS WHERE "
                          "TABLE_SCHEMA = '%s' AND TABLE_NAME = '%s' AND "
                          "COLUMN_NAME = '%s' AND "
                          "EXTRA LIKE '%%auto_increment%%'",
                          db, table, col);
        if (mysql_query(c->my, sql) == 0 &&
            (res = mysql_store_result(c->my)) != NULL) {
            out[i] = mysql_num_rows(res) > 0;
            mysql_free_result(res);
        }
        kc_free(sql);
        kc_free(db);
        kc_free(table);
        kc_free(col);
    }
    mysql_free_result(meta);
    return out;
}

static void kc_my_rs_free(kc_my_rs_t *rs)
{
    if (rs->stmt != NULL) {
        mysql_stmt_free_result(rs->stmt);
        mysql_stmt_close(rs->stmt);
    }
    for (size_t i = 0; i < rs->base.ncols; i++) {
        kc_free(rs->base.cols[i].name);
        kc_free(rs->cols[i].buf);
    }
    kc_free(rs->base.cols);
    kc_free(rs->cols);
    kc_free(rs->binds);
    kc_free(rs);
}

/*
 * Point @p pb at the @p nparams @p params: integers bound as such, texts
 * and bytes in place, timestamps as text written into @p texts (cut to
 * microseconds, MySQL's finest), lengths in @p lens. The binds borrow
 * @p params, @p texts and @p lens.
 */
static void kc_my_bind_params(const kc_jdbc_param_t *params, size_t nparams,
                              MYSQL_BIND *pb, char (*texts)[64],
                              unsigned long *lens)
{
    for (size_t i = 0; i < nparams; i++) {
        switch (params[i].kind) {
        case KC_JDBC_PARAM_INT64:
            pb[i].buffer_type = MYSQL_TYPE_LONGLONG;
            pb[i].buffer = (void *)&params[i].i;
            break;
        case KC_JDBC_PARAM_TIMESTAMP:
            kc_jdbc_ts_format(params[i].ts, texts[i], sizeof(texts[i]));
            texts[i][26] = '\0';
            lens[i] = (unsigned long)strlen(texts[i]);
            pb[i].buffer_type = MYSQL_TYPE_STRING;
            pb[i].buffer = texts[i];
            pb[i].buffer_length = lens[i];
            pb[i].length = &lens[i];
            break;
        case KC_JDBC_PARAM_DOUBLE:
            kc_jdbc_param_double_text(&params[i], texts[i], sizeof(texts[i]));
            lens[i] = (unsigned long)strlen(texts[i]);
            pb[i].buffer_type = MYSQL_TYPE_STRING;
            pb[i].buffer = texts[i];
            pb[i].buffer_length = lens[i];
            pb[i].length = &lens[i];
            break;
        case KC_JDBC_PARAM_TEXT:
            lens[i] = (unsigned long)strlen(params[i].text);
            pb[i].buffer_type = MYSQL_TYPE_STRING;
            pb[i].buffer = (void *)params[i].text;
            pb[i].buffer_length = lens[i];
            pb[i].length = &lens[i];
            break;
        case KC_JDBC_PARAM_NULL:
            pb[i].buffer_type = MYSQL_TYPE_NULL;
            break;
        case KC_JDBC_PARAM_BYTES:
            lens[i] = (unsigned long)params[i].len;
            pb[i].buffer_type = MYSQL_TYPE_BLOB;
            pb[i].buffer = (void *)params[i].text;
            pb[i].buffer_length = lens[i];
            pb[i].length = &lens[i];
            break;
        }
    }
}

static kc_err_t kc_my_query(kc_jdbc_conn_t *conn, const char *sql,
                            const kc_jdbc_param_t *params, size_t nparams,
                            size_t fetch_size, kc_jdbc_rs_t **out,
                            kc_error_t *err)
{
    kc_my_conn_t *c = (kc_my_conn_t *)conn;
    kc_my_rs_t *rs = kc_calloc(1, sizeof(*rs));
    MYSQL_BIND *pb = NULL;
    char(*texts)[64] = NULL;
    unsigned long *lens = NULL;
    MYSQL_RES *meta;
    bool *autoinc = NULL;
    kc_err_t rc = KC_OK;

    KC_UNUSED(fetch_size);
    rs->base.conn = conn;
    rs->stmt = mysql_stmt_init(c->my);
    if (rs->stmt == NULL) {
        kc_free(rs);
        return kc_my_error(c->my, "prepare a MySQL/MariaDB query", err);
    }
    if (mysql_stmt_prepare(rs->stmt, sql, strlen(sql)) != 0) {
        rc = kc_my_stmt_error(rs->stmt, "prepare a MySQL/MariaDB query", err);
        kc_my_rs_free(rs);
        return rc;
    }
    if (mysql_stmt_param_count(rs->stmt) != nparams) {
        kc_my_rs_free(rs);
        return kc_error_set(err, KC_ERR_INVALID,
                            "could not run a MySQL/MariaDB query: it has "
                            "%lu placeholders for %zu parameters",
                            (unsigned long)mysql_stmt_param_count(rs->stmt),
                            nparams);
    }
    pb = kc_calloc(nparams + 1, sizeof(*pb));
    texts = kc_calloc(nparams + 1, sizeof(*texts));
    lens = kc_calloc(nparams + 1, sizeof(*lens));
    kc_my_bind_params(params, nparams, pb, texts, lens);
    /* Only a statement without parameters: the probe that looks for the
     * incrementing column, or a bulk read; not every incremental poll. */
    autoinc = nparams == 0 ? kc_my_autoincrement(c, rs->stmt) : NULL;
    if ((nparams > 0 && mysql_stmt_bind_param(rs->stmt, pb) != 0) ||
        mysql_stmt_execute(rs->stmt) != 0) {
        rc = kc_my_stmt_error(rs->stmt, "run a MySQL/MariaDB query", err);
    }
    kc_free(pb);
    kc_free(texts);
    kc_free(lens);
    if (rc != KC_OK) {
        kc_free(autoinc);
        kc_my_rs_free(rs);
        return rc;
    }
    meta = mysql_stmt_result_metadata(rs->stmt);
    if (meta == NULL) {
        kc_free(autoinc);
        kc_my_rs_free(rs);
        return kc_error_set(err, KC_ERR_INVALID,
                            "could not run a MySQL/MariaDB query: it returns "
                            "no rows");
    }
    rs->base.ncols = mysql_num_fields(meta);
    rs->base.cols = kc_calloc(rs->base.ncols + 1, sizeof(*rs->base.cols));
    rs->cols = kc_calloc(rs->base.ncols + 1, sizeof(*rs->cols));
    rs->binds = kc_calloc(rs->base.ncols + 1, sizeof(*rs->binds));
    for (size_t i = 0; i < rs->base.ncols; i++) {
        MYSQL_FIELD *f = mysql_fetch_field_direct(meta, (unsigned int)i);
        kc_my_col_t *mc = &rs->cols[i];
        MYSQL_BIND *b = &rs->binds[i];

        rs->base.cols[i].name = kc_strdup(f->name);
        kc_my_column_type(f, &rs->base.cols[i], mc);
        rs->base.cols[i].autoincrement = autoinc != NULL && autoinc[i];
        mc->cap = 256;
        mc->buf = kc_malloc(mc->cap);
        b->buffer_type = rs->base.cols[i].is_binary || mc->is_bit
                             ? MYSQL_TYPE_BLOB
                             : MYSQL_TYPE_STRING;
        b->buffer = mc->buf;
        b->buffer_length = mc->cap;
        b->length = &mc->len;
        b->is_null = &mc->is_null;
        b->error = &mc->error;
    }
    kc_free(autoinc);
    mysql_free_result(meta);
    if (rs->base.ncols > 0 && mysql_stmt_bind_result(rs->stmt, rs->binds)) {
        rc = kc_my_stmt_error(rs->stmt, "read a MySQL/MariaDB result", err);
        kc_my_rs_free(rs);
        return rc;
    }
    *out = &rs->base;
    return KC_OK;
}

static kc_err_t kc_my_next(kc_jdbc_rs_t *base, bool *has_row, kc_error_t *err)
{
    kc_my_rs_t *rs = (kc_my_rs_t *)base;
    int st;

    *has_row = false;
    if (rs->done) {
        return KC_OK;
    }
    st = mysql_stmt_fetch(rs->stmt);
    if (st == MYSQL_NO_DATA) {
        rs->done = true;
        return KC_OK;
    }
    if (st == 1) {
        rs->done = true;
        return kc_my_stmt_error(rs->stmt, "read a MySQL/MariaDB row", err);
    }
    for (size_t i = 0; i < base->ncols; i++) {
        kc_my_col_t *mc = &rs->cols[i];
        MYSQL_BIND *b = &rs->binds[i];

        if (mc->is_null || mc->len <= mc->cap) {
            continue;
        }
        /* Longer than the buffer: grow it and read the column again. */
        mc->cap = mc->len + 1;
        mc->buf = kc_realloc(mc->buf, mc->cap);
        b->buffer = mc->buf;
        b->buffer_length = mc->cap;
        if (mysql_stmt_fetch_column(rs->stmt, b, (unsigned int)i, 0) != 0) {
            rs->done = true;
            return kc_my_stmt_error(rs->stmt, "read a MySQL/MariaDB column",
                                    err);
        }
    }
    *has_row = true;
    return KC_OK;
}

static void kc_my_get(kc_jdbc_rs_t *base, size_t col, const char **data,
                      size_t *len)
{
    kc_my_rs_t *rs = (kc_my_rs_t *)base;
    kc_my_col_t *mc = &rs->cols[col];

    if (mc->is_null) {
        *data = NULL;
        *len = 0;
        return;
    }
    *data = mc->buf;
    *len = mc->len;
    if (mc->is_year && mc->len == 4) {
        /* Connector/J's YEAR is a DATE: January 1st of that year. */
        snprintf(rs->text, sizeof(rs->text), "%.4s-01-01", mc->buf);
        *data = rs->text;
        *len = strlen(rs->text);
    } else if (mc->is_utc && mc->len < sizeof(rs->text) - 1) {
        /* mark it as UTC, not wall-clock time in db.timezone */
        memcpy(rs->text, mc->buf, mc->len);
        rs->text[mc->len] = 'Z';
        *data = rs->text;
        *len = mc->len + 1;
    } else if (mc->is_bit) {
        uint64_t v = 0;

        for (unsigned long i = 0; i < mc->len && i < 8; i++) {
            v = v << 8 | (uint8_t)mc->buf[i];
        }
        snprintf(rs->text, sizeof(rs->text), "%" PRIu64, v);
        *data = rs->text;
        *len = strlen(rs->text);
    }
}

static void kc_my_rs_close(kc_jdbc_rs_t *base)
{
    if (base != NULL) {
        kc_my_rs_free((kc_my_rs_t *)base);
    }
}

static kc_err_t kc_my_commit(kc_jdbc_conn_t *conn, kc_error_t *err)
{
    /* Autocommit: each statement is its own transaction. */
    KC_UNUSED(conn);
    KC_UNUSED(err);
    return KC_OK;
}

static kc_err_t kc_my_execute(kc_jdbc_conn_t *conn, const char *sql,
                              const kc_jdbc_param_t *params, size_t nparams,
                              kc_error_t *err)
{
    kc_my_conn_t *c = (kc_my_conn_t *)conn;
    MYSQL_STMT *stmt = mysql_stmt_init(c->my);
    MYSQL_BIND *pb;
    char(*texts)[64];
    unsigned long *lens;
    kc_err_t rc = KC_OK;

    if (stmt == NULL) {
        return kc_my_error(c->my, "prepare a MySQL/MariaDB statement", err);
    }
    if (mysql_stmt_prepare(stmt, sql, strlen(sql)) != 0) {
        rc = kc_my_stmt_error(stmt, "prepare a MySQL/MariaDB statement", err);
        mysql_stmt_close(stmt);
        return rc;
    }
    if (mysql_stmt_param_count(stmt) != nparams) {
        rc = kc_error_set(err, KC_ERR_INVALID,
                          "could not run a MySQL/MariaDB statement: it has "
                          "%lu placeholders for %zu parameters",
                          (unsigned long)mysql_stmt_param_count(stmt), nparams);
        mysql_stmt_close(stmt);
        return rc;
    }
    pb = kc_calloc(nparams + 1, sizeof(*pb));
    texts = kc_calloc(nparams + 1, sizeof(*texts));
    lens = kc_calloc(nparams + 1, sizeof(*lens));
    kc_my_bind_params(params, nparams, pb, texts, lens);
    if ((nparams > 0 && mysql_stmt_bind_param(stmt, pb) != 0) ||
        mysql_stmt_execute(stmt) != 0) {
        rc = kc_my_stmt_error(stmt, "run a MySQL/MariaDB statement", err);
    }
    mysql_stmt_close(stmt);
    kc_free(pb);
    kc_free(texts);
    kc_free(lens);
    return rc;
}

/*
 * Confluent's MySqlDatabaseDialect.getSqlType, except that a STRING key
 * column is VARCHAR(256): MySQL cannot index TEXT without a length, so
 * Confluent's TEXT fails as a primary key (its issue #996).
 */
static const char *kc_my_sql_type(const kc_schema_t *schema, bool is_key)
{
    switch (kc_schema_logical(schema)) {
    case KC_LOGICAL_DECIMAL:
        return "DECIMAL(65,%d)";
    case KC_LOGICAL_DATE:
        return "DATE";
    case KC_LOGICAL_TIME:
        return "TIME(3)";
    case KC_LOGICAL_TIMESTAMP:
        return "DATETIME(3)";
    case KC_LOGICAL_NONE:
        break;
    }
    switch (kc_schema_type(schema)) {
    case KC_TYPE_INT8:
        return "TINYINT";
    case KC_TYPE_INT16:
        return "SMALLINT";
    case KC_TYPE_INT32:
        return "INT";
    case KC_TYPE_INT64:
        return "BIGINT";
    case KC_TYPE_FLOAT32:
        return "FLOAT";
    case KC_TYPE_FLOAT64:
        return "DOUBLE";
    case KC_TYPE_BOOLEAN:
        return "TINYINT";
    case KC_TYPE_STRING:
        return is_key ? "VARCHAR(256)" : "TEXT";
    case KC_TYPE_BYTES:
        return "VARBINARY(1024)";
    default:
        return NULL;
    }
}

static const char *const kc_my_subprotocols[] = {"mysql", "mariadb", NULL};

const struct kc_jdbc_dialect kc_jdbc_mysql_dialect = {
    .name = "MySqlDatabaseDialect",
    .subprotocols = kc_my_subprotocols,
    .quote_char = '`',
    .uses_catalogs = true,
    .isolation_sql = "SET SESSION TRANSACTION ISOLATION LEVEL %s",
    .connect = kc_my_connect,
    .close = kc_my_close,
    .list_tables = kc_my_list_tables,
    .now = kc_my_now,
    .query = kc_my_query,
    .next = kc_my_next,
    .get = kc_my_get,
    .rs_close = kc_my_rs_close,
    .commit = kc_my_commit,
    .exec = kc_my_exec,
    .execute = kc_my_execute,
    .sql_type = kc_my_sql_type,
    .upsert_style = KC_JDBC_UPSERT_ON_DUPLICATE_KEY,
};
