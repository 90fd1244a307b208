/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A task client's librdkafka statistics (statistics.interval.ms) turned
 * into the figures Apache's Java clients expose under the same names
 * (outgoing-byte-total, connection-count, records-lag, ...), as mapped in
 * librdkafka's STATISTICS.md, and into kconnect_ series of their own.
 */
#include "kc_internal.h"

#include "metrics/kc_metrics_int.h"

#include <jansson.h>

static double num(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);

    return json_is_number(v) ? json_number_value(v) : 0.0;
}

void kc_client_stats_release(kc_client_stats_t *cs)
{
    for (size_t i = 0; i < cs->nparts; i++) {
        kc_free(cs->parts[i].topic);
    }
    kc_free(cs->parts);
    kc_free(cs->name);
    memset(cs, 0, sizeof(*cs));
}

static void parse_brokers(kc_client_stats_t *cs, json_t *brokers)
{
    const char *key;
    json_t *b;
    double rtt_sum = 0.0;
    double rtt_cnt = 0.0;

    json_object_foreach(brokers, key, b)
    {
        json_t *rtt = json_object_get(b, "rtt");
        const char *state = json_string_value(json_object_get(b, "state"));

        if (state != NULL && strcmp(state, "UP") == 0) {
            cs->connections += 1;
        }
        cs->requests_in_flight += num(b, "waitresp_cnt");
        if (json_is_object(rtt) && num(rtt, "cnt") > 0) {
            /* librdkafka gives microseconds; Java's latency is in ms */
            rtt_sum += num(rtt, "avg") * num(rtt, "cnt") / 1000.0;
            rtt_cnt += num(rtt, "cnt");
            if (num(rtt, "max") / 1000.0 > cs->rtt_max_ms) {
                cs->rtt_max_ms = num(rtt, "max") / 1000.0;
            }
        }
    }
    cs->rtt_avg_ms = rtt_cnt > 0 ? rtt_sum / rtt_cnt : 0.0;
}

static void parse_partitions(kc_client_stats_t *cs, json_t *topics)
{
    const char *tname;
    json_t *t;

    json_object_foreach(topics, tname, t)
    {
        const char *pkey;
        json_t *p;

        json_object_foreach(json_object_get(t, "partitions"), pkey, p)
        {
            double part = num(p, "partition");
            double hi = num(p, "hi_offset");
            double pos = num(p, "app_offset");
            kc_client_part_t *cp;

            /* -1 is librdkafka's unassigned-partition bucket; a partition
             * not consumed from has no position. */
            const char *fs =
                json_string_value(json_object_get(p, "fetch_state"));

            if (part < 0 || pos < 0 || hi < 0 || fs == NULL ||
                strcmp(fs, "none") == 0) {
                continue;
            }
            cs->parts =
                kc_realloc(cs->parts, (cs->nparts + 1) * sizeof(*cs->parts));
            cp = &cs->parts[cs->nparts++];
            cp->topic = kc_strdup(tname);
            cp->partition = (int32_t)part;
            cp->lag = hi - pos > 0 ? hi - pos : 0;
        }
    }
}

bool kc_client_stats_parse(kc_client_stats_t *cs, const char *json, size_t len)
{
    json_error_t jerr;
    json_t *o = json_loadb(json, len, 0, &jerr);
    const char *name;
    const char *type;

    memset(cs, 0, sizeof(*cs));
    if (o == NULL) {
        return false;
    }
    name = json_string_value(json_object_get(o, "client_id"));
    type = json_string_value(json_object_get(o, "type"));
    if (name == NULL || type == NULL) {
        json_decref(o);
        return false;
    }
    cs->name = kc_strdup(name);
    cs->consumer = strcmp(type, "consumer") == 0;
    cs->tx_msgs = num(o, "txmsgs");
    cs->tx_bytes = num(o, "tx_bytes");
    cs->rx_msgs = num(o, "rxmsgs");
    cs->rx_bytes = num(o, "rx_bytes");
    parse_brokers(cs, json_object_get(o, "brokers"));
    if (cs->consumer) {
        parse_partitions(cs, json_object_get(o, "topics"));
    }
    json_decref(o);
    return true;
}

static kc_msample_t *client_sample(kc_msamples_t *s, const char *domain,
                                   const char *group, const char *attr,
                                   double v, const char *client)
{
    kc_msample_t *x = kc_msamples_add(s, domain, group, attr, v);

    kc_msample_tag(s, x, "client-id", client);
    return x;
}

void kc_metrics_client_samples(kc_msamples_t *s, const kc_client_stats_t *cs)
{
    const char *d = cs->admin      ? "kafka.admin.client"
                    : cs->consumer ? "kafka.consumer"
                                   : "kafka.producer";
    const char *g = cs->admin      ? "admin-client-metrics"
                    : cs->consumer ? "consumer-metrics"
                                   : "producer-metrics";

    client_sample(s, d, g, "connection-count", cs->connections, cs->name);
    client_sample(s, d, g, "request-latency-avg", cs->rtt_avg_ms, cs->name);
    client_sample(s, d, g, "request-latency-max", cs->rtt_max_ms, cs->name);
    client_sample(s, d, g, "requests-in-flight", cs->requests_in_flight,
                  cs->name);
    client_sample(s, d, g, "outgoing-byte-total", cs->tx_bytes, cs->name);
    client_sample(s, d, g, "incoming-byte-total", cs->rx_bytes, cs->name);
    if (cs->admin) {
        return;
    }
    if (!cs->consumer) {
        client_sample(s, d, g, "record-send-total", cs->tx_msgs, cs->name);
        return;
    }
    client_sample(s, d, "consumer-fetch-manager-metrics",
                  "records-consumed-total", cs->rx_msgs, cs->name);
    for (size_t i = 0; i < cs->nparts; i++) {
        char part[16];
        kc_msample_t *x =
            client_sample(s, d, "consumer-fetch-manager-metrics", "records-lag",
                          cs->parts[i].lag, cs->name);

        snprintf(part, sizeof(part), "%d", (int)cs->parts[i].partition);
        kc_msample_tag(s, x, "topic", cs->parts[i].topic);
        kc_msample_tag(s, x, "partition", part);
    }
}
