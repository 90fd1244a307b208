/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Prometheus text exposition (format 0.0.4) of the registry's
 * samples under one of three naming schemes (docs/metrics.md):
 *
 * - KC_METRICS_STRIMZI: what Strimzi's JMX exporter rules
 *   (examples/metrics/kafka-connect-metrics.yaml) make of Apache's beans,
 *   the names the Strimzi Grafana dashboard and alerts query;
 * - KC_METRICS_JMX: jmx_exporter's default naming,
 *   <domain>_<type>_<attribute> with the other key properties as labels;
 * - KC_METRICS_REPORTER: the Strimzi metrics reporter's,
 *   <domain>_<group>_<metric> without a _total suffix, all gauges,
 *   strings as _info series.
 *
 * Families are sorted by name so each one's samples are contiguous, with
 * one HELP and one TYPE line first.
 */
#include "kc_internal.h"

#include "metrics/kc_metrics_int.h"

#include "util/kc_str.h"

#include <dirent.h>
#include <librdkafka/rdkafka.h>
#include <math.h>
#include <sys/resource.h>
#include <unistd.h>

typedef struct fam_row {
    char *name;
    const char *type;
    char *labels; /* "{...}" or "" */
    double value;
    const char *help_group;
    const char *help_attr;
    size_t order;
} fam_row_t;

/* Prometheus names: [a-zA-Z0-9_:], other characters to '_', runs of '_'
 * collapsed (jmx_exporter's safeName), optionally lower-cased. */
static void put_safe(kc_buf_t *b, const char *s, bool lower)
{
    bool under = b->len > 0 && b->data[b->len - 1] == '_';

    for (; *s != '\0'; s++) {
        char c = *s;

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == ':')) {
            c = '_';
        }
        if (c == '_' && under) {
            continue;
        }
        under = c == '_';
        if (lower && c >= 'A' && c <= 'Z') {
            c = (char)(c - 'A' + 'a');
        }
        kc_buf_putc(b, c);
    }
}

static char *safe_name(const char *a, const char *b, const char *c)
{
    kc_buf_t buf;

    kc_buf_init(&buf, 0);
    put_safe(&buf, a, true);
    if (b != NULL) {
        kc_buf_putc(&buf, '_');
        put_safe(&buf, b, true);
    }
    if (c != NULL) {
        kc_buf_putc(&buf, '_');
        put_safe(&buf, c, true);
    }
    return kc_buf_detach(&buf, NULL);
}

static void put_label_value(kc_buf_t *b, const char *v)
{
    for (; *v != '\0'; v++) {
        if (*v == '\\') {
            kc_buf_puts(b, "\\\\");
        } else if (*v == '"') {
            kc_buf_puts(b, "\\\"");
        } else if (*v == '\n') {
            kc_buf_puts(b, "\\n");
        } else {
            kc_buf_putc(b, *v);
        }
    }
}

/* Labels from the sample's tags (key names made safe; @p strimzi drops
 * '-' as Strimzi's rules name them: client-id -> clientid), plus an
 * extra pair when @p ek is set. */
static char *labels_of(const kc_msample_t *x, bool strimzi, const char *ek,
                       const char *ev)
{
    kc_buf_t b;
    bool any = false;

    kc_buf_init(&b, 0);
    for (int i = 0; i < x->ntags + (ek != NULL ? 1 : 0); i++) {
        const char *k = i < x->ntags ? x->tagk[i] : ek;
        const char *v = i < x->ntags ? x->tagv[i] : ev;

        kc_buf_puts(&b, any ? "," : "{");
        any = true;
        if (strimzi && strcmp(k, "client-id") == 0) {
            kc_buf_puts(&b, "clientid");
        } else {
            put_safe(&b, k, true);
        }
        kc_buf_puts(&b, "=\"");
        put_label_value(&b, v);
        kc_buf_putc(&b, '"');
    }
    if (any) {
        kc_buf_putc(&b, '}');
    }
    kc_buf_putc(&b, '\0');
    return kc_buf_detach(&b, NULL);
}

static bool ends_with_any(const char *s, const char *const *suffixes)
{
    for (; *suffixes != NULL; suffixes++) {
        if (kc_str_ends_with(s, *suffixes)) {
            return true;
        }
    }
    return false;
}

/* The group's prefix: "source-task-metrics" -> "source-task". */
static char *group_stem(const char *group)
{
    size_t n = strlen(group);

    if (kc_str_ends_with(group, "-metrics")) {
        n -= strlen("-metrics");
    }
    return kc_strndup(group, n);
}

/*
 * Strimzi's rules for the beans kconnect has. Returns false for an
 * attribute the rules drop.
 */
static bool strimzi_row(const kc_msample_t *x, fam_row_t *r)
{
    static const char *const task_gauges[] = {
        "-count",  "-ms",     "-ratio",    "-seq-no",   "-rate",
        "-max",    "-avg",    "-failures", "-requests", "-timestamp",
        "-logged", "-errors", "-retries",  "-skipped",  NULL};
    static const char *const client_gauges[] = {
        "-avg",     "-bytes",      "-count", "-ratio", "-age", "-flight",
        "-threads", "-connectors", "-tasks", "-ago",   NULL};
    static const char *const part_gauges[] = {"-avg", "-replica", "-lag",
                                              "-lead", NULL};
    bool total = kc_str_ends_with(x->attr, "-total");
    bool connect = strcmp(x->domain, "kafka.connect") == 0;
    char *stem;

    r->type = total ? "counter" : "gauge";
    if (connect && strcmp(x->group, "connector-metrics") == 0) {
        if (x->str == NULL) {
            return false;
        }
        r->name = safe_name("kafka_connect_connector", x->attr, NULL);
        r->labels = labels_of(x, true, x->attr, x->str);
        r->value = 1;
        r->type = "gauge";
        return true;
    }
    if (connect && strcmp(x->group, "connector-task-metrics") == 0 &&
        strcmp(x->attr, "status") == 0) {
        r->name = kc_strdup("kafka_connect_connector_task_status");
        r->labels = labels_of(x, true, "status", x->str);
        r->value = 1;
        r->type = "gauge";
        return true;
    }
    if (x->str != NULL) {
        return false;
    }
    if (connect && strcmp(x->group, "connect-worker-metrics") == 0) {
        r->name = safe_name("kafka_connect_worker", x->attr, NULL);
        if (x->ntags > 0) {
            r->type = "gauge";
        }
    } else if (connect && x->ntags == 2) {
        if (!total && !ends_with_any(x->attr, task_gauges)) {
            return false;
        }
        stem = group_stem(x->group);
        r->name = safe_name("kafka_connect", stem, x->attr);
        kc_free(stem);
    } else if (!connect) {
        bool part = x->ntags == 3;

        if (!total &&
            !ends_with_any(x->attr, part ? part_gauges : client_gauges)) {
            return false;
        }
        stem = group_stem(x->group);
        r->name = safe_name("kafka", stem, x->attr);
        kc_free(stem);
    } else {
        return false;
    }
    r->labels = labels_of(x, true, NULL, NULL);
    return true;
}

/* jmx_exporter's default: <domain>_<type>_<attribute>, untyped. */
static bool jmx_row(const kc_msample_t *x, fam_row_t *r)
{
    if (x->str != NULL) {
        return false;
    }
    r->name = safe_name(x->domain, x->group, x->attr);
    r->labels = labels_of(x, false, NULL, NULL);
    r->type = "untyped";
    return true;
}

/* The Strimzi metrics reporter: gauges, reserved suffixes stripped,
 * strings as <name>_info{...,<attr>="value"} 1. */
static bool reporter_row(const kc_msample_t *x, fam_row_t *r)
{
    static const char *const reserved[] = {"_total", "_created", "_bucket",
                                           "_info"};
    char *name = safe_name(x->domain, x->group, x->attr);
    size_t n = strlen(name);

    for (size_t i = 0; i < KC_ARRAY_LEN(reserved); i++) {
        size_t k = strlen(reserved[i]);

        if (n > k && strcmp(name + n - k, reserved[i]) == 0) {
            name[n - k] = '\0';
            break;
        }
    }
    r->type = "gauge";
    if (x->str != NULL) {
        char *attr = safe_name(x->attr, NULL, NULL);

        r->name = kc_asprintf("%s_info", name);
        r->labels = labels_of(x, false, attr, x->str);
        r->value = 1;
        kc_free(attr);
        kc_free(name);
        return true;
    }
    r->name = name;
    r->labels = labels_of(x, false, NULL, NULL);
    return true;
}

static int row_cmp(const void *a, const void *b)
{
    const fam_row_t *x = a;
    const fam_row_t *y = b;
    int c = strcmp(x->name, y->name);

    if (c != 0) {
        return c;
    }
    return x->order < y->order ? -1 : x->order > y->order;
}

static void put_value(kc_buf_t *b, double v)
{
    if (isnan(v)) {
        kc_buf_puts(b, "NaN");
    } else if (isinf(v)) {
        kc_buf_puts(b, v > 0 ? "+Inf" : "-Inf");
    } else if (v == floor(v) && fabs(v) < 1e15) {
        kc_buf_printf(b, "%.1f", v);
    } else {
        kc_buf_printf(b, "%.17g", v);
    }
}

void kc_metrics_render_samples(kc_buf_t *out, kc_msamples_t *s,
                               kc_metrics_scheme_t scheme)
{
    fam_row_t *rows = kc_calloc(s->n + 1, sizeof(*rows));
    size_t n = 0;

    for (size_t i = 0; i < s->n; i++) {
        const kc_msample_t *x = &s->v[i];
        fam_row_t *r = &rows[n];
        bool keep;

        r->value = x->value;
        r->order = i;
        r->help_group = x->group;
        r->help_attr = x->attr;
        keep = scheme == KC_METRICS_STRIMZI ? strimzi_row(x, r)
               : scheme == KC_METRICS_JMX   ? jmx_row(x, r)
                                            : reporter_row(x, r);
        if (keep) {
            n++;
        } else {
            kc_free(r->name);
            kc_free(r->labels);
            memset(r, 0, sizeof(*r));
        }
    }
    qsort(rows, n, sizeof(*rows), row_cmp);
    for (size_t i = 0; i < n; i++) {
        fam_row_t *r = &rows[i];

        if (i == 0 || strcmp(rows[i - 1].name, r->name) != 0) {
            kc_buf_printf(out, "# HELP %s Kafka Connect %s %s\n", r->name,
                          r->help_group, r->help_attr);
            kc_buf_printf(out, "# TYPE %s %s\n", r->name, r->type);
        }
        kc_buf_printf(out, "%s%s ", r->name, r->labels);
        put_value(out, r->value);
        kc_buf_putc(out, '\n');
    }
    for (size_t i = 0; i < n; i++) {
        kc_free(rows[i].name);
        kc_free(rows[i].labels);
    }
    kc_free(rows);
}

/* ---- kconnect_ client series ------------------------------------------ */

typedef enum client_field {
    CF_TX_MSGS,
    CF_TX_BYTES,
    CF_RX_MSGS,
    CF_RX_BYTES,
    CF_RTT_AVG,
    CF_RTT_MAX,
    CF_CONNECTIONS
} client_field_t;

static double client_field(const kc_client_stats_t *cs, client_field_t f)
{
    switch (f) {
    case CF_TX_MSGS:
        return cs->tx_msgs;
    case CF_TX_BYTES:
        return cs->tx_bytes;
    case CF_RX_MSGS:
        return cs->rx_msgs;
    case CF_RX_BYTES:
        return cs->rx_bytes;
    case CF_RTT_AVG:
        return cs->rtt_avg_ms / 1000.0;
    case CF_RTT_MAX:
        return cs->rtt_max_ms / 1000.0;
    default:
        return cs->connections;
    }
}

static void render_clients(kc_buf_t *out, kc_metrics_t *m)
{
    static const struct {
        const char *name;
        const char *type;
        const char *help;
        client_field_t f;
    } fams[] = {
        {"kconnect_client_records_sent_total", "counter",
         "Records the client sent (librdkafka txmsgs)", CF_TX_MSGS},
        {"kconnect_client_bytes_sent_total", "counter",
         "Bytes the client sent to brokers (librdkafka tx_bytes)", CF_TX_BYTES},
        {"kconnect_client_records_received_total", "counter",
         "Records the client received (librdkafka rxmsgs)", CF_RX_MSGS},
        {"kconnect_client_bytes_received_total", "counter",
         "Bytes the client received from brokers (librdkafka rx_bytes)",
         CF_RX_BYTES},
        {"kconnect_client_request_latency_avg_seconds", "gauge",
         "Broker round-trip time over the last statistics interval",
         CF_RTT_AVG},
        {"kconnect_client_request_latency_max_seconds", "gauge",
         "Largest broker round-trip time over the last statistics interval",
         CF_RTT_MAX},
        {"kconnect_client_connections", "gauge",
         "Brokers the client is connected to", CF_CONNECTIONS},
    };
    bool any = false;

    for (size_t f = 0; f < KC_ARRAY_LEN(fams); f++) {
        bool head = m->admin.name != NULL;

        if (head) {
            kc_buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", fams[f].name,
                          fams[f].help, fams[f].name, fams[f].type);
            kc_buf_printf(out, "%s{client_id=\"", fams[f].name);
            put_label_value(out, m->admin.name);
            kc_buf_puts(out, "\"} ");
            put_value(out, client_field(&m->admin, fams[f].f));
            kc_buf_putc(out, '\n');
        }

        for (kc_task_metrics_t *tm = m->tasks; tm != NULL; tm = tm->next) {
            pthread_mutex_lock(&tm->lock);
            for (size_t i = 0; i < tm->nclients; i++) {
                const kc_client_stats_t *cs = &tm->clients[i];

                if (!head) {
                    kc_buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n",
                                  fams[f].name, fams[f].help, fams[f].name,
                                  fams[f].type);
                    head = true;
                }
                kc_buf_printf(out, "%s{client_id=\"", fams[f].name);
                put_label_value(out, cs->name);
                kc_buf_puts(out, "\"} ");
                put_value(out, client_field(cs, fams[f].f));
                kc_buf_putc(out, '\n');
                any = true;
            }
            pthread_mutex_unlock(&tm->lock);
        }
    }
    if (!any) {
        return;
    }
    kc_buf_puts(out, "# HELP kconnect_consumer_lag_records Records between "
                     "the consumer's position and the high watermark\n"
                     "# TYPE kconnect_consumer_lag_records gauge\n");
    for (kc_task_metrics_t *tm = m->tasks; tm != NULL; tm = tm->next) {
        pthread_mutex_lock(&tm->lock);
        for (size_t i = 0; i < tm->nclients; i++) {
            const kc_client_stats_t *cs = &tm->clients[i];

            for (size_t p = 0; p < cs->nparts; p++) {
                kc_buf_puts(out, "kconnect_consumer_lag_records{client_id=\"");
                put_label_value(out, cs->name);
                kc_buf_puts(out, "\",topic=\"");
                put_label_value(out, cs->parts[p].topic);
                kc_buf_printf(out, "\",partition=\"%d\"} ",
                              (int)cs->parts[p].partition);
                put_value(out, cs->parts[p].lag);
                kc_buf_putc(out, '\n');
            }
        }
        pthread_mutex_unlock(&tm->lock);
    }
}

/* ---- kconnect_auto_restart_ series -------------------------------------- */

typedef enum ar_field { AR_ATTEMPTS, AR_NEXT, AR_GAVE_UP } ar_field_t;

static double ar_value(const kc_ar_metrics_t *r, ar_field_t f)
{
    switch (f) {
    case AR_ATTEMPTS:
        return r->attempts;
    case AR_NEXT:
        return (double)r->next_wall_ms / 1000.0;
    default:
        return r->gave_up ? 1 : 0;
    }
}

/* The same in every naming scheme: Apache has no such metrics. */
static void render_restarts(kc_buf_t *out, kc_metrics_t *m)
{
    static const struct {
        const char *name;
        const char *help;
        ar_field_t f;
    } fams[] = {
        {"kconnect_auto_restart_attempts",
         "Automatic restarts of the FAILED connector or task since it last "
         "ran healthily (auto.restart.*)",
         AR_ATTEMPTS},
        {"kconnect_auto_restart_next_timestamp_seconds",
         "When the next automatic restart is due, in seconds since the "
         "epoch; 0 when none is due",
         AR_NEXT},
        {"kconnect_auto_restart_gave_up",
         "1 when automatic restarts stopped at auto.restart.max.attempts",
         AR_GAVE_UP},
    };

    if (m->restarts == NULL) {
        return;
    }
    for (size_t f = 0; f < KC_ARRAY_LEN(fams); f++) {
        kc_buf_printf(out, "# HELP %s %s\n# TYPE %s gauge\n", fams[f].name,
                      fams[f].help, fams[f].name);
        for (const kc_ar_metrics_t *r = m->restarts; r != NULL; r = r->next) {
            kc_buf_printf(out, "%s{connector=\"", fams[f].name);
            put_label_value(out, r->connector);
            if (r->task >= 0) {
                kc_buf_printf(out, "\",task=\"%s", r->idstr);
            }
            kc_buf_puts(out, "\"} ");
            put_value(out, ar_value(r, fams[f].f));
            kc_buf_putc(out, '\n');
        }
    }
}

/* ---- process figures (client_golang's process collector names) ------- */

static double boot_time(void)
{
    FILE *f = fopen("/proc/stat", "r");
    char line[256];
    double bt = 0;

    if (f == NULL) {
        return 0;
    }
    while (fgets(line, sizeof(line), f) != NULL) {
        if (strncmp(line, "btime ", 6) == 0) {
            bt = strtod(line + 6, NULL);
            break;
        }
    }
    fclose(f);
    return bt;
}

static double open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    double n = 0;

    if (d == NULL) {
        return 0;
    }
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] != '.') {
            n++;
        }
    }
    closedir(d);
    /* not the directory stream's own descriptor */
    return n > 0 ? n - 1 : 0;
}

static void gauge(kc_buf_t *out, const char *name, const char *type,
                  const char *help, double v)
{
    kc_buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n%s ", name, help, name,
                  type, name);
    put_value(out, v);
    kc_buf_putc(out, '\n');
}

static void render_process(kc_buf_t *out)
{
    FILE *f = fopen("/proc/self/stat", "r");
    char buf[1024];
    double ticks = (double)sysconf(_SC_CLK_TCK);
    double page = (double)sysconf(_SC_PAGESIZE);
    struct rlimit rl;

    if (f != NULL && fgets(buf, sizeof(buf), f) != NULL) {
        /* Fields after the command name (which may hold spaces). */
        char *p = strrchr(buf, ')');
        unsigned long long v[24] = {0};
        int n = 0;

        for (p = p != NULL ? p + 2 : buf; n < 24 && *p != '\0'; n++) {
            char *end;

            v[n] = strtoull(p, &end, 10);
            if (end == p) {
                /* the state letter */
                end = p + 1;
            }
            p = end;
            while (*p == ' ') {
                p++;
            }
        }
        /* state=0 ... utime=11 stime=12 starttime=19 vsize=20 rss=21 */
        gauge(out, "process_cpu_seconds_total", "counter",
              "Total user and system CPU time spent in seconds.",
              (double)(v[11] + v[12]) / ticks);
        gauge(out, "process_resident_memory_bytes", "gauge",
              "Resident memory size in bytes.", (double)v[21] * page);
        gauge(out, "process_start_time_seconds", "gauge",
              "Start time of the process since unix epoch in seconds.",
              boot_time() + (double)v[19] / ticks);
        gauge(out, "process_virtual_memory_bytes", "gauge",
              "Virtual memory size in bytes.", (double)v[20]);
    }
    if (f != NULL) {
        fclose(f);
    }
    gauge(out, "process_open_fds", "gauge", "Number of open file descriptors.",
          open_fds());
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        gauge(out, "process_max_fds", "gauge",
              "Maximum number of open file descriptors.",
              rl.rlim_cur == RLIM_INFINITY ? INFINITY : (double)rl.rlim_cur);
    }
    kc_buf_printf(out,
                  "# HELP kconnect_build_info kconnect build: version and "
                  "the librdkafka it runs on\n"
                  "# TYPE kconnect_build_info gauge\n"
                  "kconnect_build_info{version=\"%s\",librdkafka=\"%s\"} "
                  "1.0\n",
                  KC_VERSION_STR, rd_kafka_version_str());
}

void kc_metrics_render_extra(kc_buf_t *out, kc_metrics_t *m)
{
    render_clients(out, m);
    render_restarts(out, m);
    render_process(out);
}
