/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The JDBC connectors' database layer: one dialect per database (a const
 * vtable in its own file under dialects/), chosen from the JDBC URL's
 * subprotocol or by `dialect.name`. The connectors talk to a database only
 * through this header, so a fourth database is one new file plus one line
 * in kc_jdbc_dialects.c.
 *
 * A dialect reports each result column as JDBC would (a java.sql.Types
 * code, precision, scale, nullability, signedness) and each value in a
 * text form (bytes for binary columns); kc_jdbc_types.c maps both to
 * Connect schemas and values once for all dialects, as Confluent's generic
 * dialect does.
 */
#ifndef KC_CONNECTORS_JDBC_DIALECTS_KC_JDBC_DIALECT_H
#define KC_CONNECTORS_JDBC_DIALECTS_KC_JDBC_DIALECT_H

#include <kconnect/kconnect.h>

/* java.sql.Types codes, the vocabulary of Confluent's type mapping. */
enum {
    KC_JDBC_BIT = -7,
    KC_JDBC_TINYINT = -6,
    KC_JDBC_SMALLINT = 5,
    KC_JDBC_INTEGER = 4,
    KC_JDBC_BIGINT = -5,
    KC_JDBC_FLOAT = 6,
    KC_JDBC_REAL = 7,
    KC_JDBC_DOUBLE = 8,
    KC_JDBC_NUMERIC = 2,
    KC_JDBC_DECIMAL = 3,
    KC_JDBC_CHAR = 1,
    KC_JDBC_VARCHAR = 12,
    KC_JDBC_LONGVARCHAR = -1,
    KC_JDBC_DATE = 91,
    KC_JDBC_TIME = 92,
    KC_JDBC_TIMESTAMP = 93,
    KC_JDBC_BINARY = -2,
    KC_JDBC_VARBINARY = -3,
    KC_JDBC_LONGVARBINARY = -4,
    KC_JDBC_NULL = 0,
    KC_JDBC_OTHER = 1111,
    KC_JDBC_BLOB = 2004,
    KC_JDBC_CLOB = 2005,
    KC_JDBC_BOOLEAN = 16
};

/* JDBC's ResultSetMetaData.isNullable answers. */
typedef enum kc_jdbc_nullable {
    KC_JDBC_NO_NULLS = 0,
    KC_JDBC_NULLABLE = 1,
    KC_JDBC_NULLABLE_UNKNOWN = 2
} kc_jdbc_nullable_t;

/* Confluent's marker for a NUMERIC whose scale the driver does not know. */
#define KC_JDBC_SCALE_UNSET (-127)

/* A result column as JDBC's ResultSetMetaData describes it. */
typedef struct kc_jdbc_column {
    char *name; /* the label (alias) */
    int type;   /* KC_JDBC_* */
    int precision;
    int scale;
    kc_jdbc_nullable_t nullable;
    bool is_signed;
    bool is_binary;     /* the value comes as raw bytes, not text */
    bool autoincrement; /* JDBC's IS_AUTOINCREMENT of the table column */
} kc_jdbc_column_t;

/* A point in time: seconds since the epoch and nanoseconds, as
 * java.sql.Timestamp (getTime() ms plus getNanos()). */
typedef struct kc_jdbc_ts {
    int64_t sec;
    int32_t nsec; /* 0..999999999 */
} kc_jdbc_ts_t;

/* A bound statement parameter: never pasted into the SQL text. */
typedef enum kc_jdbc_param_kind {
    KC_JDBC_PARAM_INT64,
    KC_JDBC_PARAM_TIMESTAMP, /* bound as a UTC timestamp */
    KC_JDBC_PARAM_TEXT,
    KC_JDBC_PARAM_NULL,  /* SQL NULL, typed by the statement */
    KC_JDBC_PARAM_BYTES, /* @c len raw bytes in @c text (the sink's BYTES) */
    /* @c f, a FLOAT64 (@c i 64) or FLOAT32 (@c i 32): kept binary for a
     * binary COPY, else written as kc_jdbc_param_double_text's text */
    KC_JDBC_PARAM_DOUBLE
} kc_jdbc_param_kind_t;

typedef struct kc_jdbc_param {
    kc_jdbc_param_kind_t kind;
    int64_t i;
    double f;
    kc_jdbc_ts_t ts;
    const char *text;
    size_t len; /* KC_JDBC_PARAM_BYTES only */
} kc_jdbc_param_t;

/* How a dialect writes the sink's upsert (Confluent's per-dialect SQL). */
typedef enum kc_jdbc_upsert_style {
    KC_JDBC_UPSERT_ON_CONFLICT,      /* PostgreSQL: ON CONFLICT (k) DO .. */
    KC_JDBC_UPSERT_ON_DUPLICATE_KEY, /* MySQL/MariaDB */
    KC_JDBC_UPSERT_OR_REPLACE        /* SQLite: INSERT OR REPLACE */
} kc_jdbc_upsert_style_t;

/* Catalog, schema and table of one table; parts a database lacks NULL. */
typedef struct kc_jdbc_table_id {
    char *catalog;
    char *schema;
    char *table;
} kc_jdbc_table_id_t;

typedef struct kc_jdbc_table_list {
    kc_jdbc_table_id_t *items;
    size_t count;
    size_t cap;
} kc_jdbc_table_list_t;

/* A parsed JDBC URL (kc_jdbc_url.c). */
typedef struct kc_jdbc_url {
    char *subprotocol; /* "postgresql", "sqlite", "mysql", "mariadb" */
    char *host;        /* NULL for SQLite */
    int port;          /* 0: the driver's default */
    char *database;    /* database name, or SQLite's file name */
    kc_props_t *params;
} kc_jdbc_url_t;

struct kc_jdbc_dialect;

/* A connection; each dialect's own struct begins with this one. */
typedef struct kc_jdbc_conn {
    const struct kc_jdbc_dialect *dialect;
    bool quote; /* quote.sql.identifiers=always */
} kc_jdbc_conn_t;

/* An open result set, read row by row; each dialect extends it. */
typedef struct kc_jdbc_rs {
    kc_jdbc_conn_t *conn;
    kc_jdbc_column_t *cols;
    size_t ncols;
} kc_jdbc_rs_t;

struct kc_jdbc_dialect {
    /* Confluent's dialect class name, for `dialect.name`. */
    const char *name;
    /* JDBC URL subprotocols it serves; NULL-terminated. */
    const char *const *subprotocols;
    /* Identifier quote character: '"' or '`'. */
    char quote_char;
    /* A NUMERIC of precision 0 and scale 0 has no declared scale: read it
     * as Decimal(127) (PostgreSQL's unconstrained numeric). */
    bool zero_numeric_is_unscaled;
    /* A two-part name is catalog.table (MySQL's databases), not
     * schema.table. */
    bool uses_catalogs;
    /* SET statement for transaction.isolation.mode, "%s" the level as
     * SQL spells it ("READ COMMITTED"); NULL: not supported. */
    const char *isolation_sql;
    /* SET statement for the session time zone ("%s" a zone name), so
     * that zone-aware values read and bind in db.timezone; NULL: none. */
    const char *session_tz_sql;
    /**
     * Open a connection. URL parameters the driver understands are
     * honoured; any other is refused by name. @p user/@p password may be
     * NULL; the URL's own win, as JDBC drivers do. Errors carry the
     * SQLSTATE (or the server's code) as cause and are retriable when the
     * server could not be reached.
     */
    kc_err_t (*connect)(const kc_jdbc_url_t *url, const char *user,
                        const char *password, kc_jdbc_conn_t **conn,
                        kc_error_t *err);
    void (*close)(kc_jdbc_conn_t *conn);
    /**
     * The tables (of @p types, compared ignoring case, e.g. "TABLE",
     * "VIEW") whose catalog and schema match the LIKE patterns (NULL: any;
     * "": none), appended to @p out in the database's order.
     */
    kc_err_t (*list_tables)(kc_jdbc_conn_t *conn, const char *catalog_pattern,
                            const char *schema_pattern,
                            const char *const *types, size_t ntypes,
                            kc_jdbc_table_list_t *out, kc_error_t *err);
    /** The database's current time. */
    kc_err_t (*now)(kc_jdbc_conn_t *conn, kc_jdbc_ts_t *now, kc_error_t *err);
    /**
     * Prepare @p sql ('?' placeholders), bind @p params and start reading,
     * @p fetch_size rows at a time at most in memory.
     */
    kc_err_t (*query)(kc_jdbc_conn_t *conn, const char *sql,
                      const kc_jdbc_param_t *params, size_t nparams,
                      size_t fetch_size, kc_jdbc_rs_t **rs, kc_error_t *err);
    /** Advance to the next row; *has_row false at the end. */
    kc_err_t (*next)(kc_jdbc_rs_t *rs, bool *has_row, kc_error_t *err);
    /**
     * Column @p col of the current row: text (or bytes when the column is
     * binary), valid until the next call to next; NULL data for SQL NULL.
     */
    void (*get)(kc_jdbc_rs_t *rs, size_t col, const char **data, size_t *len);
    void (*rs_close)(kc_jdbc_rs_t *rs);
    /** End the read transaction (Confluent commits after a result set). */
    kc_err_t (*commit)(kc_jdbc_conn_t *conn, kc_error_t *err);
    /** Run statements that return no rows (tests, the sink's DDL). */
    kc_err_t (*exec)(kc_jdbc_conn_t *conn, const char *sql, kc_error_t *err);
    /* ---- the sink ---- */
    /**
     * Prepare @p sql ('?' placeholders), bind @p params and run it (DML,
     * no rows). Errors are retriable as for connect; a constraint
     * violation or a value the column cannot hold is not.
     */
    kc_err_t (*execute)(kc_jdbc_conn_t *conn, const char *sql,
                        const kc_jdbc_param_t *params, size_t nparams,
                        kc_error_t *err);
    /**
     * Optional (NULL: none): load @p nrows rows of @p ncols parameters
     * each (row after row) with @p copy_sql, a "COPY t (c1, ..) FROM
     * STDIN", inside the current transaction: PostgreSQL's bulk path for
     * plain inserts. Each value reaches the column as execute would bind
     * it, so the rows are the same; one refused row fails the whole load.
     * @p types_of: the table (SQL text) whose same-named columns have the
     * types of t's (a staging table made LIKE it), NULL: t itself. Errors
     * as execute.
     */
    kc_err_t (*copy_in)(kc_jdbc_conn_t *conn, const char *copy_sql,
                        const char *types_of, const kc_jdbc_param_t *params,
                        size_t nrows, size_t ncols, kc_error_t *err);
    /**
     * The column type auto.create gives a Connect schema (its logical
     * type decides first), as Confluent's dialect's getSqlType; NULL when
     * the dialect has none (ARRAY, MAP, STRUCT). @p is_key: the column is
     * part of the primary key. For a Decimal it is a printf format that
     * may take the scale (an int).
     */
    const char *(*sql_type)(const kc_schema_t *schema, bool is_key);
    /**
     * Optional, with copy_in: copy_in in two steps, so the caller can do
     * other work while the database loads the rows. copy_send returns
     * once the rows are sent (an error if they could not be); copy_wait
     * then returns copy_in's outcome, and must come before any other use
     * of @p conn.
     */
    kc_err_t (*copy_send)(kc_jdbc_conn_t *conn, const char *copy_sql,
                          const char *types_of, const kc_jdbc_param_t *params,
                          size_t nrows, size_t ncols, kc_error_t *err);
    kc_err_t (*copy_wait)(kc_jdbc_conn_t *conn, kc_error_t *err);
    kc_jdbc_upsert_style_t upsert_style;
    /* ALTER TABLE adds one column per statement (SQLite). */
    bool alter_one_column;
    /* Boolean DEFAULT literals are TRUE/FALSE, not 1/0 (PostgreSQL). */
    bool bool_words;
};

/* ---- dialects (kc_jdbc_dialects.c) ------------------------------------ */

/**
 * @brief The dialect for @p url, or the one named @p dialect_name (may be
 * NULL or ""). NULL with a message in @p err when there is none.
 */
const struct kc_jdbc_dialect *kc_jdbc_dialect_find(const kc_jdbc_url_t *url,
                                                   const char *dialect_name,
                                                   kc_error_t *err);

/**
 * @brief Parse @p text and connect with the right dialect. On success
 * *conn is the caller's (kc_jdbc_close). Errors do not show the password.
 */
kc_err_t kc_jdbc_connect(const char *text, const char *dialect_name,
                         const char *user, const char *password, bool quote,
                         kc_jdbc_conn_t **conn, kc_error_t *err);
/** @brief Close @p conn; NULL is a no-op. */
void kc_jdbc_close(kc_jdbc_conn_t *conn);

/* ---- URLs (kc_jdbc_url.c) --------------------------------------------- */

/**
 * @brief Parse a JDBC URL (jdbc:postgresql://h:p/db?k=v, jdbc:sqlite:path,
 * jdbc:mysql://..., jdbc:mariadb://...). Fills @p url (release with
 * kc_jdbc_url_release) on success only.
 */
kc_err_t kc_jdbc_url_parse(const char *text, kc_jdbc_url_t *url,
                           kc_error_t *err);
void kc_jdbc_url_release(kc_jdbc_url_t *url);
/**
 * @brief Refuse every parameter of @p url not in @p known (NULL-terminated)
 * with an error naming it and the database.
 */
kc_err_t kc_jdbc_url_check_params(const kc_jdbc_url_t *url,
                                  const char *const *known, kc_error_t *err);

/* ---- helpers shared by the dialects (kc_jdbc_util.c) ------------------ */

/** @brief Append "id" quoted with @p conn's quote char (doubled inside)
 * when quoting is on, else as is. */
void kc_jdbc_quote_ident(const kc_jdbc_conn_t *conn, kc_buf_t *sql,
                         const char *id);
/** @brief Append the table's existing parts, quoted, joined with '.'. */
void kc_jdbc_append_table(const kc_jdbc_conn_t *conn, kc_buf_t *sql,
                          const kc_jdbc_table_id_t *id);
/** @brief "catalog.schema.table" of the existing parts, unquoted; caller
 * frees. */
char *kc_jdbc_table_fqn(const kc_jdbc_table_id_t *id);
void kc_jdbc_table_list_push(kc_jdbc_table_list_t *list, const char *catalog,
                             const char *schema, const char *table);
void kc_jdbc_table_list_release(kc_jdbc_table_list_t *list);
void kc_jdbc_table_id_release(kc_jdbc_table_id_t *id);
/** @brief A LIKE match ('%' any run, '_' one char), as getTables does. */
bool kc_jdbc_like(const char *pattern, const char *s);
/** @brief Format @p ts as "YYYY-MM-DD HH:MM:SS.nnnnnnnnn" (UTC). */
void kc_jdbc_ts_format(kc_jdbc_ts_t ts, char *out, size_t size);
/**
 * @brief Parse a date/time text as databases print it: "YYYY-MM-DD",
 * "YYYY-MM-DD[ T]HH:MM:SS[.f...][Z|+HH[:MM]]", or "HH:MM:SS[.f...]"
 * when @p time_only; a zone-less time is UTC. Also an integer (epoch ms,
 * as sqlite-jdbc stores dates). @returns KC_ERR_INVALID when it is none.
 */
kc_err_t kc_jdbc_ts_parse(const char *text, size_t len, bool time_only,
                          kc_jdbc_ts_t *ts);
/** @brief Days since 1970-01-01 of a proleptic Gregorian date. */
int64_t kc_jdbc_days_from_civil(int64_t y, unsigned m, unsigned d);
/* ---- db.timezone (kc_jdbc_tz.c) -------------------------------------- */

typedef struct kc_jdbc_tz kc_jdbc_tz_t;
/**
 * @brief Load the tz database zone @p name from /usr/share/zoneinfo. On
 * success *out is the caller's (kc_jdbc_tz_destroy).
 */
kc_err_t kc_jdbc_tz_load(const char *name, kc_jdbc_tz_t **out, kc_error_t *err);
void kc_jdbc_tz_destroy(kc_jdbc_tz_t *tz);
/** @brief Seconds east of UTC at the instant @p utc_sec; NULL @p tz: UTC. */
int32_t kc_jdbc_tz_offset(const kc_jdbc_tz_t *tz, int64_t utc_sec);
/** @brief The instant of a wall-clock time (seconds as if UTC) in @p tz. */
int64_t kc_jdbc_tz_to_utc(const kc_jdbc_tz_t *tz, int64_t wall_sec);
/**
 * @brief kc_jdbc_ts_parse, reading a text without an offset as wall-clock
 * time in @p tz (NULL: UTC).
 */
kc_err_t kc_jdbc_ts_parse_tz(const char *text, size_t len, bool time_only,
                             const kc_jdbc_tz_t *tz, kc_jdbc_ts_t *ts);

/**
 * @brief Epoch days of epoch seconds, rounded toward minus infinity (C's
 * division truncates, which would put instants before 1970 a day late).
 */
int64_t kc_jdbc_floor_days(int64_t sec);

/*
 * date.calendar.system=LEGACY: a JDBC driver builds java.sql.Date and
 * Timestamp with java.util's hybrid calendar (Julian before 1582-10-15),
 * so the same wall-clock fields mean another epoch value than in the
 * proleptic Gregorian calendar the parser above uses.
 */
/** @brief Proleptic epoch days of a date -> the hybrid calendar's. */
int64_t kc_jdbc_days_to_legacy(int64_t days);
/** @brief Hybrid-calendar epoch days -> proleptic days of the same fields. */
int64_t kc_jdbc_days_from_legacy(int64_t days);
/**
 * @brief Shift a proleptic instant to the hybrid calendar's instant of the
 * same wall-clock fields in @p tz (NULL: UTC).
 */
void kc_jdbc_ts_to_legacy(kc_jdbc_ts_t *ts, const kc_jdbc_tz_t *tz);
/** @brief Wall-clock seconds of a hybrid-calendar value, proleptic. */
int64_t kc_jdbc_wall_from_legacy(int64_t wall_sec);
/**
 * @brief Parse a DATE/TIMESTAMP column's text as kc_jdbc_ts_parse_tz does
 * and, when @p legacy (date.calendar.system=LEGACY), shift it to the
 * instant pgjdbc or another driver builds with the hybrid calendar.
 */
kc_err_t kc_jdbc_ts_read(const char *text, size_t len, const kc_jdbc_tz_t *tz,
                         bool legacy, kc_jdbc_ts_t *ts);

/**
 * @brief The text of a KC_JDBC_PARAM_DOUBLE: 17 significant digits for a
 * FLOAT64, 9 for a FLOAT32 (each enough to read back the same value).
 */
void kc_jdbc_param_double_text(const kc_jdbc_param_t *p, char *out,
                               size_t size);

/** @brief The list of dialects, NULL-terminated. */
extern const struct kc_jdbc_dialect *const kc_jdbc_dialects[];

extern const struct kc_jdbc_dialect kc_jdbc_postgres_dialect;
extern const struct kc_jdbc_dialect kc_jdbc_sqlite_dialect;
extern const struct kc_jdbc_dialect kc_jdbc_mysql_dialect;

#endif /* KC_CONNECTORS_JDBC_DIALECTS_KC_JDBC_DIALECT_H */
