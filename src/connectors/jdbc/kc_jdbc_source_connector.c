/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JdbcSourceConnector: finds the tables to copy (or takes the query) and
 * splits them over tasks as Confluent does. The table list is read when
 * the connector starts, then again every table.poll.interval.ms by a
 * monitor thread, which asks the runtime for new task configs when the
 * selected tables changed (Confluent's TableMonitorThread).
 */
#include "kc_internal.h"

#include <inttypes.h>
#include <pthread.h>

#include "connectors/jdbc/kc_jdbc_connectors.h"
#include "connectors/jdbc/kc_jdbc_sink.h"
#include "connectors/jdbc/kc_jdbc_source.h"
#include "util/kc_java_regex.h"
#include "util/kc_clock.h"
#include "util/kc_str.h"

#define KC_JDBC_CONNECTOR_LOGGER "io.confluent.connect.jdbc.JdbcSourceConnector"

static void kc_jdbc_quoted_fqn(char quote, const kc_jdbc_table_id_t *id,
                               kc_buf_t *out)
{
    kc_jdbc_conn_t fake;
    struct kc_jdbc_dialect d;

    memset(&d, 0, sizeof(d));
    d.quote_char = quote;
    fake.dialect = &d;
    fake.quote = true;
    kc_jdbc_append_table(&fake, out, id);
}

kc_err_t kc_jdbc_parse_table_list(const char *text, char quote,
                                  bool uses_catalogs, kc_jdbc_table_list_t *out,
                                  kc_error_t *err)
{
    const char *p = text;

    while (*p != '\0') {
        char *parts[3] = {NULL, NULL, NULL};
        size_t n = 0;
        kc_buf_t part;
        bool more = true;

        while (*p == ' ') {
            p++;
        }
        while (more) {
            kc_buf_init(&part, 0);
            if (*p == quote) {
                p++;
                for (;;) {
                    if (*p == '\0') {
                        kc_buf_release(&part);
                        for (size_t i = 0; i < n; i++) {
                            kc_free(parts[i]);
                        }
                        return kc_error_set(err, KC_ERR_INVALID,
                                            "could not parse table list "
                                            "\"%s\": unclosed quote",
                                            text);
                    }
                    if (*p == quote && p[1] == quote) {
                        kc_buf_putc(&part, quote);
                        p += 2;
                    } else if (*p == quote) {
                        p++;
                        break;
                    } else {
                        kc_buf_putc(&part, *p++);
                    }
                }
            } else {
                while (*p != '\0' && *p != '.' && *p != ',') {
                    kc_buf_putc(&part, *p++);
                }
            }
            kc_buf_cstr(&part);
            if (n < 3) {
                parts[n++] = kc_buf_detach(&part, NULL);
            } else {
                kc_buf_release(&part);
            }
            if (*p == '.') {
                p++;
            } else {
                more = false;
            }
        }
        if (n == 1) {
            kc_jdbc_table_list_push(out, NULL, NULL, parts[0]);
        } else if (n == 2) {
            kc_jdbc_table_list_push(out, uses_catalogs ? parts[0] : NULL,
                                    uses_catalogs ? NULL : parts[0], parts[1]);
        } else {
            kc_jdbc_table_list_push(out, parts[0], parts[1], parts[2]);
        }
        for (size_t i = 0; i < n; i++) {
            kc_free(parts[i]);
        }
        while (*p == ' ') {
            p++;
        }
        if (*p == ',') {
            p++;
        } else if (*p != '\0') {
            return kc_error_set(err, KC_ERR_INVALID,
                                "could not parse table list \"%s\"", text);
        }
    }
    return KC_OK;
}

static bool kc_jdbc_listed(const kc_cfg_list_t *list, const char *fqn,
                           const char *quoted, const char *bare)
{
    for (size_t i = 0; i < list->count; i++) {
        const char *item = list->items[i];

        if (strcmp(item, fqn) == 0 || strcmp(item, quoted) == 0 ||
            strcmp(item, bare) == 0) {
            return true;
        }
    }
    return false;
}

/* Whether any of @p res matches all of @p s: KC_OK, KC_DECLINED, or an
 * error (PCRE2's backtracking limit) in @p err. */
static kc_err_t kc_jdbc_regex_any(kc_java_regex_t **res, size_t n,
                                  const char *s, kc_error_t *err)
{
    for (size_t i = 0; i < n; i++) {
        kc_err_t rc = kc_java_regex_matches(res[i], s, err);

        if (rc != KC_DECLINED) {
            return rc;
        }
    }
    return KC_DECLINED;
}

kc_err_t kc_jdbc_select_tables(const kc_jdbc_source_conf_t *conf,
                               const kc_jdbc_conn_t *conn,
                               const kc_jdbc_table_list_t *all,
                               kc_jdbc_table_list_t *out, kc_error_t *err)
{
    kc_java_regex_t **inc =
        kc_calloc(conf->include_list.count + 1, sizeof(*inc));
    kc_java_regex_t **exc =
        kc_calloc(conf->exclude_list.count + 1, sizeof(*exc));
    kc_err_t rc = KC_OK;

    for (size_t i = 0; i < conf->include_list.count && rc == KC_OK; i++) {
        inc[i] = kc_java_regex_new(conf->include_list.items[i], err);
        if (inc[i] == NULL) {
            rc = KC_ERR_INVALID;
        }
    }
    for (size_t i = 0; i < conf->exclude_list.count && rc == KC_OK; i++) {
        exc[i] = kc_java_regex_new(conf->exclude_list.items[i], err);
        if (exc[i] == NULL) {
            rc = KC_ERR_INVALID;
        }
    }
    for (size_t i = 0; i < all->count && rc == KC_OK; i++) {
        const kc_jdbc_table_id_t *id = &all->items[i];
        char *fqn = kc_jdbc_table_fqn(id);
        kc_buf_t quoted;
        bool keep = true;

        kc_buf_init(&quoted, 0);
        kc_jdbc_quoted_fqn(conn->dialect->quote_char, id, &quoted);
        kc_buf_cstr(&quoted);
        if (conf->whitelist.count > 0) {
            keep = kc_jdbc_listed(&conf->whitelist, fqn,
                                  (const char *)quoted.data, id->table);
        } else if (conf->blacklist.count > 0) {
            keep = !kc_jdbc_listed(&conf->blacklist, fqn,
                                   (const char *)quoted.data, id->table);
        }
        if (keep && conf->include_list.count > 0) {
            kc_err_t m =
                kc_jdbc_regex_any(inc, conf->include_list.count, fqn, err);

            if (m == KC_OK) {
                m = kc_jdbc_regex_any(exc, conf->exclude_list.count, fqn, err);
                keep = m == KC_DECLINED;
            } else {
                keep = false;
            }
            if (m != KC_OK && m != KC_DECLINED) {
                rc = m;
            }
        }
        if (keep) {
            /* One topic per bare name: two tables would mix in it. */
            for (size_t k = 0; k < out->count; k++) {
                if (strcmp(out->items[k].table, id->table) == 0) {
                    char *other = kc_jdbc_table_fqn(&out->items[k]);

                    rc = kc_error_set(err, KC_ERR_CONFLICT,
                                      "could not select tables: \"%s\" and "
                                      "\"%s\" have the same name and would "
                                      "share a topic; narrow the table "
                                      "filters to one of them",
                                      other, fqn);
                    kc_free(other);
                    break;
                }
            }
            if (rc == KC_OK) {
                kc_jdbc_table_list_push(out, id->catalog, id->schema,
                                        id->table);
            }
        }
        kc_buf_release(&quoted);
        kc_free(fqn);
    }
    for (size_t i = 0; i < conf->include_list.count; i++) {
        kc_java_regex_destroy(inc[i]);
    }
    for (size_t i = 0; i < conf->exclude_list.count; i++) {
        kc_java_regex_destroy(exc[i]);
    }
    kc_free(inc);
    kc_free(exc);
    return rc;
}

void kc_jdbc_group_range(size_t n, size_t groups, size_t g, size_t *start,
                         size_t *count)
{
    size_t per = n / groups;
    size_t extra = n % groups;

    *start = g * per + (g < extra ? g : extra);
    *count = per + (g < extra ? 1 : 0);
}

/* ---- connector ------------------------------------------------------ */

typedef struct kc_jdbc_source_conn {
    kc_props_t *props;
    kc_jdbc_source_conf_t conf;
    kc_jdbc_table_list_t tables; /* @locks lock once the monitor runs */
    char quote_char;
    kc_connector_ctx_t *cctx;
    pthread_t monitor;
    bool has_monitor;
    bool stopping; /* @locks lock */
    pthread_mutex_t lock;
    pthread_cond_t cond;
} kc_jdbc_source_conn_t;

/* Connect with connection.attempts tries, connection.backoff.ms apart. */
static kc_err_t kc_jdbc_connect_retry(const kc_jdbc_source_conf_t *conf,
                                      kc_jdbc_conn_t **conn, kc_error_t *err)
{
    kc_err_t rc = KC_ERR;

    for (int32_t attempt = 1; attempt <= conf->attempts; attempt++) {
        rc = kc_jdbc_connect(conf->url, conf->dialect_name, conf->user,
                             conf->password, conf->quote_always, conn, err);
        if (rc == KC_OK || attempt == conf->attempts) {
            break;
        }
        kc_log_info(KC_JDBC_CONNECTOR_LOGGER,
                    "Unable to connect to database on attempt %d/%d. Will "
                    "retry in %" PRId64 " ms.",
                    attempt, conf->attempts, conf->backoff_ms);
        kc_clock_sleep_ms(conf->backoff_ms);
    }
    return rc;
}

/* Read and select the tables; @p out is the caller's. */
static kc_err_t kc_jdbc_read_tables(const kc_jdbc_source_conf_t *conf,
                                    kc_jdbc_conn_t *conn,
                                    kc_jdbc_table_list_t *out, kc_error_t *err)
{
    kc_jdbc_table_list_t all = {0};
    kc_err_t rc = conn->dialect->list_tables(
        conn, conf->catalog_pattern, conf->schema_pattern,
        (const char *const *)conf->table_types.items, conf->table_types.count,
        &all, err);

    if (rc == KC_OK) {
        rc = kc_jdbc_select_tables(conf, conn, &all, out, err);
    }
    kc_jdbc_table_list_release(&all);
    return rc;
}

static bool kc_jdbc_same_tables(const kc_jdbc_table_list_t *a,
                                const kc_jdbc_table_list_t *b)
{
    if (a->count != b->count) {
        return false;
    }
    for (size_t i = 0; i < a->count; i++) {
        char *x = kc_jdbc_table_fqn(&a->items[i]);
        char *y = kc_jdbc_table_fqn(&b->items[i]);
        bool same = strcmp(x, y) == 0;

        kc_free(x);
        kc_free(y);
        if (!same) {
            return false;
        }
    }
    return true;
}

/*
 * The table monitor: every table.poll.interval.ms, read the tables again
 * and ask for new task configs when the selection changed.
 * @locality its own thread; takes sc->lock to swap the list.
 */
static void *kc_jdbc_monitor_run(void *arg)
{
    kc_jdbc_source_conn_t *sc = arg;

    pthread_mutex_lock(&sc->lock);
    for (;;) {
        int64_t deadline = kc_clock_now_ms() + sc->conf.table_poll_interval_ms;
        kc_jdbc_table_list_t fresh = {0};
        kc_jdbc_conn_t *conn = NULL;
        kc_error_t err;
        kc_err_t rc;
        bool changed = false;

        while (!sc->stopping && kc_clock_now_ms() < deadline) {
            kc_clock_cond_wait_until(&sc->cond, &sc->lock, deadline);
        }
        if (sc->stopping) {
            break;
        }
        pthread_mutex_unlock(&sc->lock);
        rc = kc_jdbc_connect(sc->conf.url, sc->conf.dialect_name, sc->conf.user,
                             sc->conf.password, sc->conf.quote_always, &conn,
                             &err);
        if (rc == KC_OK) {
            rc = kc_jdbc_read_tables(&sc->conf, conn, &fresh, &err);
        }
        kc_jdbc_close(conn);
        pthread_mutex_lock(&sc->lock);
        if (rc == KC_ERR_CONFLICT) {
            /* two tables for one topic: Confluent fails the connector */
            pthread_mutex_unlock(&sc->lock);
            kc_connector_raise_error(sc->cctx, &err);
            pthread_mutex_lock(&sc->lock);
        } else if (rc != KC_OK) {
            kc_log_warn(KC_JDBC_CONNECTOR_LOGGER,
                        "Could not read the table list; trying again in "
                        "%" PRId64 " ms: %s",
                        sc->conf.table_poll_interval_ms, err.msg);
        } else if (!kc_jdbc_same_tables(&fresh, &sc->tables)) {
            kc_log_info(KC_JDBC_CONNECTOR_LOGGER,
                        "The set of tables changed (%zu -> %zu); "
                        "reconfiguring the tasks",
                        sc->tables.count, fresh.count);
            kc_jdbc_table_list_release(&sc->tables);
            sc->tables = fresh;
            memset(&fresh, 0, sizeof(fresh));
            changed = true;
        }
        kc_jdbc_table_list_release(&fresh);
        if (changed) {
            pthread_mutex_unlock(&sc->lock);
            kc_connector_request_reconfigure(sc->cctx);
            pthread_mutex_lock(&sc->lock);
        }
    }
    pthread_mutex_unlock(&sc->lock);
    return NULL;
}

static kc_err_t kc_jdbc_conn_start(void **ctx, const kc_props_t *config,
                                   kc_connector_ctx_t *cctx, kc_error_t *err)
{
    kc_jdbc_source_conn_t *sc = kc_calloc(1, sizeof(*sc));
    kc_jdbc_conn_t *conn = NULL;
    kc_err_t rc;

    rc = kc_jdbc_source_conf_load(config, &sc->conf, err);
    if (rc != KC_OK) {
        kc_free(sc);
        return rc;
    }
    sc->props = kc_props_copy(config);
    rc = kc_jdbc_connect_retry(&sc->conf, &conn, err);
    if (rc == KC_OK) {
        sc->quote_char = conn->dialect->quote_char;
        if (sc->conf.query == NULL || *sc->conf.query == '\0') {
            rc = kc_jdbc_read_tables(&sc->conf, conn, &sc->tables, err);
        }
    }
    kc_jdbc_close(conn);
    if (rc != KC_OK) {
        kc_jdbc_table_list_release(&sc->tables);
        kc_jdbc_source_conf_release(&sc->conf);
        kc_props_destroy(sc->props);
        kc_free(sc);
        return rc;
    }
    kc_log_info(KC_JDBC_CONNECTOR_LOGGER,
                "Starting JDBC Source Connector with %zu table(s)",
                sc->tables.count);
    sc->cctx = cctx;
    pthread_mutex_init(&sc->lock, NULL);
    kc_clock_cond_init(&sc->cond);
    if ((sc->conf.query == NULL || *sc->conf.query == '\0') &&
        sc->conf.table_poll_interval_ms > 0 && cctx != NULL) {
        sc->has_monitor =
            pthread_create(&sc->monitor, NULL, kc_jdbc_monitor_run, sc) == 0;
    }
    *ctx = sc;
    return KC_OK;
}

static kc_err_t kc_jdbc_conn_task_configs(void *ctx, int max_tasks,
                                          kc_props_t ***configs, size_t *count,
                                          kc_error_t *err)
{
    kc_jdbc_source_conn_t *sc = ctx;
    size_t n;
    size_t groups;

    KC_UNUSED(err);
    pthread_mutex_lock(&sc->lock);
    n = sc->tables.count;
    if ((sc->conf.query != NULL && *sc->conf.query != '\0') || n == 0) {
        /* One task: the query, or one that reports the missing tables. */
        *configs = kc_calloc(1, sizeof(**configs));
        (*configs)[0] = kc_props_copy(sc->props);
        kc_props_set((*configs)[0], "tables", "");
        kc_props_set((*configs)[0], "tables.fetched", "true");
        *count = 1;
        pthread_mutex_unlock(&sc->lock);
        return KC_OK;
    }
    groups = n < (size_t)max_tasks ? n : (size_t)max_tasks;
    if (groups < 1) {
        groups = 1;
    }
    *configs = kc_calloc(groups, sizeof(**configs));
    for (size_t g = 0; g < groups; g++) {
        size_t start;
        size_t cnt;
        kc_buf_t list;

        kc_jdbc_group_range(n, groups, g, &start, &cnt);
        kc_buf_init(&list, 0);
        for (size_t i = start; i < start + cnt; i++) {
            if (i > start) {
                kc_buf_putc(&list, ',');
            }
            kc_jdbc_quoted_fqn(sc->quote_char, &sc->tables.items[i], &list);
        }
        (*configs)[g] = kc_props_copy(sc->props);
        kc_props_set((*configs)[g], "tables", kc_buf_cstr(&list));
        kc_props_set((*configs)[g], "tables.fetched", "true");
        kc_buf_release(&list);
    }
    *count = groups;
    pthread_mutex_unlock(&sc->lock);
    return KC_OK;
}

static void kc_jdbc_conn_stop(void *ctx)
{
    kc_jdbc_source_conn_t *sc = ctx;

    if (sc == NULL) {
        return;
    }
    if (sc->has_monitor) {
        pthread_mutex_lock(&sc->lock);
        sc->stopping = true;
        pthread_cond_signal(&sc->cond);
        pthread_mutex_unlock(&sc->lock);
        pthread_join(sc->monitor, NULL);
    }
    pthread_mutex_destroy(&sc->lock);
    pthread_cond_destroy(&sc->cond);
    kc_jdbc_table_list_release(&sc->tables);
    kc_jdbc_source_conf_release(&sc->conf);
    kc_props_destroy(sc->props);
    kc_free(sc);
}

static const char *const kc_jdbc_source_aliases[] = {"JdbcSource", NULL};

const struct kc_connector_plugin kc_jdbc_source_connector = {
    KC_PLUGIN_INIT(struct kc_connector_plugin),
    .name = "JdbcSourceConnector",
    .class_name = "io.confluent.connect.jdbc.JdbcSourceConnector",
    .aliases = kc_jdbc_source_aliases,
    .version = KC_VERSION_STR,
    .config_def = kc_jdbc_source_defs,
    .source_task = &kc_jdbc_source_task,
    .start = kc_jdbc_conn_start,
    .task_configs = kc_jdbc_conn_task_configs,
    .stop = kc_jdbc_conn_stop,
    .validate = kc_jdbc_source_validate,
};

kc_err_t kc_jdbc_connectors_register(kc_registry_t *reg, kc_error_t *err)
{
    kc_err_t rc =
        kc_registry_add(reg, KC_PLUGIN_SOURCE, &kc_jdbc_source_connector, err);

    if (rc != KC_OK) {
        return rc;
    }
    return kc_registry_add(reg, KC_PLUGIN_SINK, &kc_jdbc_sink_connector, err);
}
