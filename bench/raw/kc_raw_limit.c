/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kc_raw_limit — the benchmark harness's librdkafka-only tool.
 *
 * NOT part of the kconnect product: bench/run compiles it with
 *   cc -O2 -pthread -o .cache/bench/kc_raw_limit bench/raw/kc_raw_limit.c $(pkg-config --cflags --libs rdkafka)
 *
 * It has two jobs:
 *   1. The raw-limit scenario: the same records a worker moves, moved by
 *      librdkafka alone with comparable settings ("produce": file lines ->
 *      topic, "consume": topic -> file).  This is the ceiling for any
 *      librdkafka-based worker.
 *   2. Observing Kafka from outside the measured process ("create", "wait",
 *      "scan"), so no figure ever comes from a worker's own log.
 *
 * Usage:
 *   kc_raw_limit version
 *   kc_raw_limit create  -b BROKERS -t TOPIC [-p PARTITIONS]
 *        creates TOPIC with message.timestamp.type=LogAppendTime, so record
 *        timestamps are the broker's clock, the same for every side.
 *   kc_raw_limit delete  -b BROKERS -t TOPIC
 *        deletes TOPIC (the harness's own, once measured: keeps the shared
 *        broker's disk small).
 *   kc_raw_limit produce -b BROKERS -t TOPIC -f FILE [-X key=value ...]
 *        every line of FILE (without its newline) becomes one record with a
 *        null key; exits 0 once all are acknowledged.
 *   kc_raw_limit consume -b BROKERS -t TOPIC -g GROUP -n N -o FILE [-W MS] [-X key=value ...]
 *        reads N records from the beginning and writes "value\n" for each.
 *        -W: fetch waker period (default 20, 0 = off), see cmd_consume.
 *   kc_raw_limit wait    -b BROKERS -t TOPIC -n N [-T TIMEOUT_MS]
 *        polls the high watermark every 10 ms until it reaches N; prints
 *        "first_ms=<epoch ms when the first record was seen> done_ms=<...> hw=<...>".
 *        Exit 0 when reached, 2 on timeout.
 *   kc_raw_limit scan    -b BROKERS -t TOPIC [-T TIMEOUT_MS]
 *        reads the whole topic once and prints
 *        "count=.. bytes=.. min_ts=.. max_ts=.. ts_type=.."
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>

#define MAX_X 64

static const char *brokers = "127.0.0.1:9092";
static const char *topic;
static const char *file;
static const char *group;
static const char *xkeys[MAX_X];
static const char *xvals[MAX_X];
static int nx;
static long long want_n = -1;
static long long timeout_ms = 600000;
static int partitions = 1;
static int wake_ms = 20; /* -W: fetch waker period, 0 = off (as kconnect) */

static long long dr_ok, dr_err;
static char last_err[512];

static long long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void die(const char *fmt, const char *arg) {
    fprintf(stderr, "kc_raw_limit: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n");
    exit(1);
}

static void set(rd_kafka_conf_t *conf, const char *k, const char *v) {
    char err[512];
    if (rd_kafka_conf_set(conf, k, v, err, sizeof err) != RD_KAFKA_CONF_OK) {
        fprintf(stderr, "kc_raw_limit: config %s=%s: %s\n", k, v, err);
        exit(1);
    }
}

static rd_kafka_conf_t *base_conf(void) {
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    set(conf, "bootstrap.servers", brokers);
    set(conf, "client.id", "kc_raw_limit");
    return conf;
}

static void apply_x(rd_kafka_conf_t *conf) {
    for (int i = 0; i < nx; i++)
        set(conf, xkeys[i], xvals[i]);
}

static rd_kafka_t *new_client(rd_kafka_type_t type, rd_kafka_conf_t *conf) {
    char err[512];
    rd_kafka_t *rk = rd_kafka_new(type, conf, err, sizeof err);
    if (!rk)
        die("rd_kafka_new: %s", err);
    return rk;
}

/* ---- create ------------------------------------------------------------ */

static int cmd_create(void) {
    rd_kafka_t *rk = new_client(RD_KAFKA_PRODUCER, base_conf());
    char err[512];
    rd_kafka_NewTopic_t *nt = rd_kafka_NewTopic_new(topic, partitions, 1, err, sizeof err);
    if (!nt)
        die("NewTopic: %s", err);
    rd_kafka_NewTopic_set_config(nt, "message.timestamp.type", "LogAppendTime");
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    rd_kafka_AdminOptions_t *opt = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
    rd_kafka_AdminOptions_set_operation_timeout(opt, 30000, err, sizeof err);
    rd_kafka_CreateTopics(rk, &nt, 1, opt, q);
    rd_kafka_event_t *ev = rd_kafka_queue_poll(q, 60000);
    int rc = 1;
    if (!ev) {
        fprintf(stderr, "kc_raw_limit: create %s: no answer in 60 s\n", topic);
    } else if (rd_kafka_event_error(ev)) {
        fprintf(stderr, "kc_raw_limit: create %s: %s\n", topic, rd_kafka_event_error_string(ev));
    } else {
        size_t cnt;
        const rd_kafka_topic_result_t **res =
            rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &cnt);
        rc = 0;
        for (size_t i = 0; i < cnt; i++) {
            rd_kafka_resp_err_t e = rd_kafka_topic_result_error(res[i]);
            if (e && e != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
                fprintf(stderr, "kc_raw_limit: create %s: %s\n", topic,
                        rd_kafka_topic_result_error_string(res[i]));
                rc = 1;
            }
        }
    }
    if (ev)
        rd_kafka_event_destroy(ev);
    rd_kafka_AdminOptions_destroy(opt);
    rd_kafka_NewTopic_destroy(nt);
    rd_kafka_queue_destroy(q);
    rd_kafka_destroy(rk);
    return rc;
}

/* ---- delete ------------------------------------------------------------ */

static int cmd_delete(void) {
    rd_kafka_t *rk = new_client(RD_KAFKA_PRODUCER, base_conf());
    rd_kafka_DeleteTopic_t *dt = rd_kafka_DeleteTopic_new(topic);
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    rd_kafka_DeleteTopics(rk, &dt, 1, NULL, q);
    rd_kafka_event_t *ev = rd_kafka_queue_poll(q, 30000);
    int rc = 1;
    if (!ev) {
        fprintf(stderr, "kc_raw_limit: delete %s: no answer in 30 s\n", topic);
    } else if (rd_kafka_event_error(ev)) {
        fprintf(stderr, "kc_raw_limit: delete %s: %s\n", topic, rd_kafka_event_error_string(ev));
    } else {
        size_t cnt;
        const rd_kafka_topic_result_t **res =
            rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(ev), &cnt);
        rc = 0;
        for (size_t i = 0; i < cnt; i++) {
            if (rd_kafka_topic_result_error(res[i])) {
                fprintf(stderr, "kc_raw_limit: delete %s: %s\n", topic,
                        rd_kafka_topic_result_error_string(res[i]));
                rc = 1;
            }
        }
    }
    if (ev)
        rd_kafka_event_destroy(ev);
    rd_kafka_DeleteTopic_destroy(dt);
    rd_kafka_queue_destroy(q);
    rd_kafka_destroy(rk);
    return rc;
}

/* ---- produce ----------------------------------------------------------- */

static void dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
    (void)rk;
    (void)opaque;
    if (m->err) {
        dr_err++;
        snprintf(last_err, sizeof last_err, "%s", rd_kafka_err2str(m->err));
    } else {
        dr_ok++;
    }
}

static int cmd_produce(void) {
    rd_kafka_conf_t *conf = base_conf();
    apply_x(conf);
    rd_kafka_conf_set_dr_msg_cb(conf, dr_cb);
    rd_kafka_t *rk = new_client(RD_KAFKA_PRODUCER, conf);
    FILE *in = fopen(file, "r");
    if (!in)
        die("cannot open %s", file);
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long long sent = 0;
    while ((len = getline(&line, &cap, in)) >= 0) {
        if (len > 0 && line[len - 1] == '\n')
            len--;
        for (;;) {
            rd_kafka_resp_err_t e = rd_kafka_producev(
                rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_VALUE(line, (size_t)len),
                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
            if (e == RD_KAFKA_RESP_ERR_NO_ERROR)
                break;
            if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL)
                die("produce: %s", rd_kafka_err2str(e));
            rd_kafka_poll(rk, 5);
        }
        sent++;
        rd_kafka_poll(rk, 0);
    }
    free(line);
    fclose(in);
    long long deadline = now_ms() + timeout_ms;
    while (rd_kafka_outq_len(rk) > 0 && now_ms() < deadline)
        rd_kafka_flush(rk, 100);
    rd_kafka_poll(rk, 0);
    rd_kafka_destroy(rk);
    fprintf(stderr, "kc_raw_limit: produced %lld, acknowledged %lld, failed %lld%s%s\n", sent,
            dr_ok, dr_err, dr_err ? ": " : "", dr_err ? last_err : "");
    return (dr_err || dr_ok != sent) ? 1 : 0;
}

/* ---- consume ----------------------------------------------------------- */

/* librdkafka before 2.1 stops fetching a partition once its queue holds
 * queued.min.messages (or queued.max.messages.kbytes) and looks again only
 * when the broker thread next wakes: up to a second later. Any request to
 * the leader wakes that thread, so while the consumer is busy a ListOffsets
 * (rd_kafka_offsets_for_times) every wake_ms keeps the pause short.
 * kconnect's sink does the same (src/runtime/kc_fetch_waker.c), so the
 * ceiling uses it too; on librdkafka >= 2.1 both set
 * fetch.queue.backoff.ms=wake_ms instead. */
struct waker {
    rd_kafka_t *rk;
    atomic_int busy;
    atomic_int stop;
};

static void *waker_main(void *arg) {
    struct waker *w = arg;
    while (!atomic_load(&w->stop)) {
        usleep((useconds_t)wake_ms * 1000);
        if (!atomic_exchange(&w->busy, 0))
            continue;
        rd_kafka_topic_partition_list_t *a = NULL;
        if (rd_kafka_assignment(w->rk, &a) == 0 && a && a->cnt > 0) {
            for (int i = 0; i < a->cnt; i++)
                a->elems[i].offset = RD_KAFKA_OFFSET_END;
            rd_kafka_offsets_for_times(w->rk, a, 1000);
        }
        if (a)
            rd_kafka_topic_partition_list_destroy(a);
    }
    return NULL;
}

static int cmd_consume(void) {
    rd_kafka_conf_t *conf = base_conf();
    set(conf, "group.id", group);
    set(conf, "auto.offset.reset", "earliest");
    char probe[32];
    size_t probe_len = sizeof probe;
    if (wake_ms > 0 &&
        rd_kafka_conf_get(conf, "fetch.queue.backoff.ms", probe, &probe_len) == RD_KAFKA_CONF_OK) {
        char v[16];
        snprintf(v, sizeof v, "%d", wake_ms);
        set(conf, "fetch.queue.backoff.ms", v);
        wake_ms = 0; /* the library does it */
    }
    apply_x(conf);
    rd_kafka_t *rk = new_client(RD_KAFKA_CONSUMER, conf);
    rd_kafka_poll_set_consumer(rk);
    rd_kafka_topic_partition_list_t *tl = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(tl, topic, RD_KAFKA_PARTITION_UA);
    rd_kafka_resp_err_t e = rd_kafka_subscribe(rk, tl);
    rd_kafka_topic_partition_list_destroy(tl);
    if (e)
        die("subscribe: %s", rd_kafka_err2str(e));
    FILE *out = fopen(file, "w");
    if (!out)
        die("cannot open %s for writing", file);
    rd_kafka_queue_t *q = rd_kafka_queue_get_consumer(rk);
    struct waker wk = {.rk = rk};
    pthread_t wt;
    if (wake_ms > 0 && pthread_create(&wt, NULL, waker_main, &wk) != 0)
        die("cannot start the fetch waker thread%s", "");
    rd_kafka_message_t *batch[10000];
    long long got = 0, deadline = now_ms() + timeout_ms;
    int rc = 0;
    while (got < want_n) {
        if (now_ms() > deadline) {
            fprintf(stderr, "kc_raw_limit: consume: timeout after %lld of %lld records\n", got,
                    want_n);
            rc = 2;
            break;
        }
        ssize_t n = rd_kafka_consume_batch_queue(q, 100, batch, 10000);
        if (n > 0)
            atomic_store(&wk.busy, 1);
        for (ssize_t i = 0; i < n; i++) {
            rd_kafka_message_t *m = batch[i];
            if (m->err) {
                if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
                    fprintf(stderr, "kc_raw_limit: consume: %s\n", rd_kafka_message_errstr(m));
            } else if (got < want_n) {
                if (m->len)
                    fwrite(m->payload, 1, m->len, out);
                fputc('\n', out);
                got++;
            }
            rd_kafka_message_destroy(m);
        }
        if (got >= want_n)
            fflush(out);
    }
    if (wake_ms > 0) {
        atomic_store(&wk.stop, 1);
        pthread_join(wt, NULL);
    }
    if (fclose(out) != 0)
        rc = 1;
    rd_kafka_commit(rk, NULL, 0);
    rd_kafka_queue_destroy(q);
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
    fprintf(stderr, "kc_raw_limit: consumed %lld records\n", got);
    return rc;
}

/* ---- wait / scan ------------------------------------------------------- */

static int topic_partitions(rd_kafka_t *rk) {
    const struct rd_kafka_metadata *md;
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
    int n = -1;
    if (rd_kafka_metadata(rk, 0, rkt, &md, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (md->topic_cnt == 1 && !md->topics[0].err)
            n = md->topics[0].partition_cnt;
        rd_kafka_metadata_destroy(md);
    }
    rd_kafka_topic_destroy(rkt);
    return n;
}

static long long high_watermark_sum(rd_kafka_t *rk, int nparts) {
    long long sum = 0;
    for (int p = 0; p < nparts; p++) {
        int64_t lo, hi;
        if (rd_kafka_query_watermark_offsets(rk, topic, p, &lo, &hi, 5000))
            return -1;
        sum += hi;
    }
    return sum;
}

static int cmd_wait(void) {
    rd_kafka_t *rk = new_client(RD_KAFKA_CONSUMER, base_conf());
    long long start = now_ms(), first_ms = 0, hw = 0;
    int nparts = -1;
    setvbuf(stdout, NULL, _IOLBF, 0);
    while (now_ms() - start < timeout_ms) {
        if (nparts <= 0)
            nparts = topic_partitions(rk);
        if (nparts > 0) {
            long long h = high_watermark_sum(rk, nparts);
            if (h > 0 && !first_ms) {
                first_ms = now_ms();
                printf("first_ms=%lld\n", first_ms);
            }
            if (h >= 0)
                hw = h;
            if (hw >= want_n) {
                printf("first_ms=%lld done_ms=%lld hw=%lld\n", first_ms, now_ms(), hw);
                rd_kafka_destroy(rk);
                return 0;
            }
        }
        usleep(10000);
    }
    printf("first_ms=%lld done_ms=0 hw=%lld\n", first_ms, hw);
    rd_kafka_destroy(rk);
    return 2;
}

static int cmd_scan(void) {
    rd_kafka_conf_t *conf = base_conf();
    set(conf, "group.id", "kc_raw_limit_scan");
    set(conf, "enable.auto.commit", "false");
    set(conf, "enable.partition.eof", "true");
    set(conf, "fetch.max.bytes", "52428800");
    rd_kafka_t *rk = new_client(RD_KAFKA_CONSUMER, conf);
    rd_kafka_poll_set_consumer(rk);
    int nparts = topic_partitions(rk);
    if (nparts <= 0)
        die("scan: topic %s not found", topic);
    rd_kafka_topic_partition_list_t *tl = rd_kafka_topic_partition_list_new(nparts);
    int eofs = 0;
    for (int p = 0; p < nparts; p++) {
        int64_t lo, hi;
        if (rd_kafka_query_watermark_offsets(rk, topic, p, &lo, &hi, 5000) == 0 && hi == lo)
            eofs++; /* empty partition: nothing to read */
        rd_kafka_topic_partition_list_add(tl, topic, p)->offset = RD_KAFKA_OFFSET_BEGINNING;
    }
    rd_kafka_assign(rk, tl);
    rd_kafka_topic_partition_list_destroy(tl);
    long long count = 0, bytes = 0, min_ts = 0, max_ts = 0, start = now_ms();
    int ts_type = -1;
    rd_kafka_queue_t *q = rd_kafka_queue_get_consumer(rk);
    rd_kafka_message_t *batch[10000];
    int seen_eof[4096] = {0};
    while (eofs < nparts && now_ms() - start < timeout_ms) {
        ssize_t n = rd_kafka_consume_batch_queue(q, 200, batch, 10000);
        for (ssize_t i = 0; i < n; i++) {
            rd_kafka_message_t *m = batch[i];
            if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
                if (m->partition < 4096 && !seen_eof[m->partition]) {
                    seen_eof[m->partition] = 1;
                    eofs++;
                }
            } else if (m->err) {
                fprintf(stderr, "kc_raw_limit: scan: %s\n", rd_kafka_message_errstr(m));
            } else {
                rd_kafka_timestamp_type_t tt;
                long long ts = rd_kafka_message_timestamp(m, &tt);
                ts_type = (int)tt;
                count++;
                bytes += (long long)m->len + (long long)m->key_len;
                if (!min_ts || ts < min_ts)
                    min_ts = ts;
                if (ts > max_ts)
                    max_ts = ts;
            }
            rd_kafka_message_destroy(m);
        }
    }
    rd_kafka_queue_destroy(q);
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
    printf("count=%lld bytes=%lld min_ts=%lld max_ts=%lld ts_type=%s\n", count, bytes, min_ts,
           max_ts,
           ts_type == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME ? "LogAppendTime"
           : ts_type == RD_KAFKA_TIMESTAMP_CREATE_TIME  ? "CreateTime"
                                                        : "none");
    return eofs < nparts ? 2 : 0;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: kc_raw_limit version|create|delete|produce|consume|wait|scan [options]\n");
        return 1;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "version")) {
        printf("%s\n", rd_kafka_version_str());
        return 0;
    }
    int opt;
    optind = 2;
    while ((opt = getopt(argc, argv, "b:t:f:o:g:n:T:p:W:X:")) != -1) {
        switch (opt) {
        case 'b': brokers = optarg; break;
        case 't': topic = optarg; break;
        case 'f':
        case 'o': file = optarg; break;
        case 'g': group = optarg; break;
        case 'n': want_n = atoll(optarg); break;
        case 'T': timeout_ms = atoll(optarg); break;
        case 'p': partitions = atoi(optarg); break;
        case 'W': wake_ms = atoi(optarg); break;
        case 'X': {
            char *eq = strchr(optarg, '=');
            if (!eq || nx >= MAX_X)
                die("bad -X %s (want key=value)", optarg);
            *eq = '\0';
            xkeys[nx] = optarg;
            xvals[nx++] = eq + 1;
            break;
        }
        default: return 1;
        }
    }
    if (!topic)
        die("%s: -t TOPIC is required", cmd);
    if (!strcmp(cmd, "create"))
        return cmd_create();
    if (!strcmp(cmd, "delete"))
        return cmd_delete();
    if (!strcmp(cmd, "produce")) {
        if (!file)
            die("%s: -f FILE is required", cmd);
        return cmd_produce();
    }
    if (!strcmp(cmd, "consume")) {
        if (!file || !group || want_n < 0)
            die("%s: -o FILE, -g GROUP and -n N are required", cmd);
        return cmd_consume();
    }
    if (!strcmp(cmd, "wait")) {
        if (want_n < 0)
            die("%s: -n N is required", cmd);
        return cmd_wait();
    }
    if (!strcmp(cmd, "scan"))
        return cmd_scan();
    die("unknown command %s", cmd);
    return 1;
}
