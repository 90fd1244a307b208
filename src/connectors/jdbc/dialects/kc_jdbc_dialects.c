/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The list of dialects and the choice among them: by `dialect.name`
 * (Confluent's class simple name) or by the URL's subprotocol.
 */
#include "kc_internal.h"

#include "connectors/jdbc/dialects/kc_jdbc_dialect.h"

const struct kc_jdbc_dialect *const kc_jdbc_dialects[] = {
    &kc_jdbc_postgres_dialect,
    &kc_jdbc_sqlite_dialect,
    &kc_jdbc_mysql_dialect,
    NULL,
};

const struct kc_jdbc_dialect *kc_jdbc_dialect_find(const kc_jdbc_url_t *url,
                                                   const char *dialect_name,
                                                   kc_error_t *err)
{
    if (dialect_name != NULL && *dialect_name != '\0') {
        for (size_t i = 0; kc_jdbc_dialects[i] != NULL; i++) {
            if (strcmp(kc_jdbc_dialects[i]->name, dialect_name) == 0) {
                return kc_jdbc_dialects[i];
            }
        }
        kc_error_set(err, KC_ERR_NOT_FOUND,
                     "could not find dialect \"%s\" (kconnect has "
                     "PostgreSqlDatabaseDialect, SqliteDatabaseDialect and "
                     "MySqlDatabaseDialect)",
                     dialect_name);
        return NULL;
    }
    for (size_t i = 0; kc_jdbc_dialects[i] != NULL; i++) {
        const char *const *sp = kc_jdbc_dialects[i]->subprotocols;

        for (size_t k = 0; sp[k] != NULL; k++) {
            if (strcmp(sp[k], url->subprotocol) == 0) {
                return kc_jdbc_dialects[i];
            }
        }
    }
    kc_error_set(err, KC_ERR_NOT_FOUND,
                 "could not find a dialect for JDBC subprotocol \"%s\" "
                 "(kconnect has postgresql, sqlite, mysql and mariadb)",
                 url->subprotocol);
    return NULL;
}

kc_err_t kc_jdbc_connect(const char *text, const char *dialect_name,
                         const char *user, const char *password, bool quote,
                         kc_jdbc_conn_t **conn, kc_error_t *err)
{
    kc_jdbc_url_t url;
    const struct kc_jdbc_dialect *dialect;
    kc_err_t rc = kc_jdbc_url_parse(text, &url, err);

    if (rc != KC_OK) {
        return rc;
    }
    dialect = kc_jdbc_dialect_find(&url, dialect_name, err);
    if (dialect == NULL) {
        kc_jdbc_url_release(&url);
        return KC_ERR_NOT_FOUND;
    }
    rc = dialect->connect(&url, user, password, conn, err);
    kc_jdbc_url_release(&url);
    if (rc == KC_OK) {
        (*conn)->dialect = dialect;
        (*conn)->quote = quote;
    }
    return rc;
}

void kc_jdbc_close(kc_jdbc_conn_t *conn)
{
    if (conn != NULL) {
        conn->dialect->close(conn);
    }
}
