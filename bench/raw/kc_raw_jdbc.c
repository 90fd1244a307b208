/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kc_raw_jdbc — the jdbc-source benchmark's ceiling: rows read with libpq
 * and produced with librdkafka, nothing else.
 *
 * NOT part of the kconnect product: bench/run compiles it with
 *   cc -O2 -o .cache/bench/kc_raw_jdbc bench/raw/kc_raw_jdbc.c \
 *      $(pkg-config --cflags --libs rdkafka libpq)
 *
 * Usage:
 *   kc_raw_jdbc -b BROKERS -t TOPIC -d CONNINFO -q SELECT -k KINDS
 *               -s SCHEMA_JSON [-B FETCH_ROWS] [-X key=value ...]
 *
 * Runs SELECT through a cursor (FETCH FORWARD FETCH_ROWS, default 10000)
 * and produces one record per row with a null key and the value a
 * JsonConverter (schemas.enable=true) writes for the row's Connect struct:
 * {"schema":SCHEMA_JSON,"payload":{...}}. KINDS is one letter per column
 * of the SELECT saying how its text becomes JSON:
 *   i  integer, as printed        s  string, JSON-escaped
 *   b  boolean (t/f)              f  double, printed as Java does for the
 *   t  timestamp -> epoch millis     bench's values (a ".0" added to whole numbers)
 *   0-9  Decimal with that scale -> base64 of the unscaled value's
 *        two's-complement bytes (as BigInteger.toByteArray); fits a long
 * A NULL column is null. Exits 0 once every record is acknowledged and
 * prints "rows=N" on stderr.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>
#include <librdkafka/rdkafka.h>

#define MAX_X 64

static long long dr_ok, dr_err;
static char last_err[512];

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "kc_raw_jdbc: %s%s%s\n", what, detail ? ": " : "",
            detail ? detail : "");
    exit(1);
}

static void dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    (void)rk;
    (void)opaque;
    if (m->err) {
        dr_err++;
        snprintf(last_err, sizeof last_err, "%s", rd_kafka_err2str(m->err));
    } else {
        dr_ok++;
    }
}

typedef struct buf {
    char *p;
    size_t len, cap;
} buf_t;

static void put(buf_t *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->p = realloc(b->p, b->cap);
        if (!b->p)
            die("out of memory", NULL);
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

static void puts_(buf_t *b, const char *s) { put(b, s, strlen(s)); }

static void put_json_string(buf_t *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    put(b, "\"", 1);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"' || *c == '\\') {
            char e[2] = {'\\', (char)*c};
            put(b, e, 2);
        } else if (*c < 0x20) {
            char e[6] = {'\\', 'u', '0', '0', hex[*c >> 4], hex[*c & 15]};
            put(b, e, 6);
        } else {
            put(b, (const char *)c, 1);
        }
    }
    put(b, "\"", 1);
}

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/* "YYYY-MM-DD HH:MM:SS[.fff...]" (UTC) -> epoch milliseconds */
static void put_timestamp(buf_t *b, const char *s)
{
    int y, mo, d, h, mi, sec, n = 0;
    int ms = 0;
    if (sscanf(s, "%d-%d-%d %d:%d:%d%n", &y, &mo, &d, &h, &mi, &sec, &n) < 6)
        die("not a timestamp", s);
    if (s[n] == '.') {
        int digits = 0;
        for (const char *p = s + n + 1; *p >= '0' && *p <= '9'; p++, digits++)
            if (digits < 3)
                ms = ms * 10 + (*p - '0');
        for (; digits < 3; digits++)
            ms *= 10;
    }
    int64_t v = (days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 +
                 mi * 60 + sec) * 1000 + ms;
    char num[32];
    put(b, num, (size_t)snprintf(num, sizeof num, "%" PRId64, v));
}

static void put_decimal(buf_t *b, const char *s, int scale)
{
    static const char b64[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    int neg = *s == '-';
    int64_t v = 0;
    int frac = -1;
    for (const char *p = s + neg; *p; p++) {
        if (*p == '.') {
            frac = 0;
            continue;
        }
        v = v * 10 + (*p - '0');
        if (frac >= 0)
            frac++;
    }
    for (frac = frac < 0 ? 0 : frac; frac < scale; frac++)
        v *= 10;
    if (neg)
        v = -v;
    /* the fewest bytes that hold v in two's complement */
    unsigned char raw[8];
    int n = 1;
    while (n < 8 && (v < -((int64_t)1 << (8 * n - 1)) || v >= ((int64_t)1 << (8 * n - 1))))
        n++;
    for (int i = 0; i < n; i++)
        raw[n - 1 - i] = (unsigned char)((uint64_t)v >> (8 * i));
    char out[16];
    int o = 0;
    for (int i = 0; i < n; i += 3) {
        unsigned w = (unsigned)raw[i] << 16 | (i + 1 < n ? (unsigned)raw[i + 1] << 8 : 0) |
                     (i + 2 < n ? raw[i + 2] : 0);
        out[o++] = b64[w >> 18 & 63];
        out[o++] = b64[w >> 12 & 63];
        out[o++] = i + 1 < n ? b64[w >> 6 & 63] : '=';
        out[o++] = i + 2 < n ? b64[w & 63] : '=';
    }
    put(b, "\"", 1);
    put(b, out, (size_t)o);
    put(b, "\"", 1);
}

int main(int argc, char **argv)
{
    const char *brokers = "127.0.0.1:9092", *topic = NULL, *conninfo = NULL;
    const char *query = NULL, *kinds = NULL, *schema = NULL;
    const char *xk[MAX_X], *xv[MAX_X];
    int nx = 0;
    long fetch = 10000;

    for (int i = 1; i + 1 < argc; i += 2) {
        const char *o = argv[i], *v = argv[i + 1];
        if (!strcmp(o, "-b"))
            brokers = v;
        else if (!strcmp(o, "-t"))
            topic = v;
        else if (!strcmp(o, "-d"))
            conninfo = v;
        else if (!strcmp(o, "-q"))
            query = v;
        else if (!strcmp(o, "-k"))
            kinds = v;
        else if (!strcmp(o, "-s"))
            schema = v;
        else if (!strcmp(o, "-B"))
            fetch = atol(v);
        else if (!strcmp(o, "-X") && nx < MAX_X) {
            char *eq = strchr(v, '=');
            if (!eq)
                die("-X wants key=value", v);
            *eq = '\0';
            xk[nx] = v;
            xv[nx++] = eq + 1;
        } else
            die("unknown option", o);
    }
    if (!topic || !conninfo || !query || !kinds || !schema)
        die("usage: kc_raw_jdbc -b BROKERS -t TOPIC -d CONNINFO -q SELECT -k KINDS "
            "-s SCHEMA_JSON [-B FETCH_ROWS] [-X key=value ...]",
            NULL);

    char err[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (rd_kafka_conf_set(conf, "bootstrap.servers", brokers, err, sizeof err) ||
        rd_kafka_conf_set(conf, "client.id", "kc_raw_jdbc", err, sizeof err))
        die("config", err);
    for (int i = 0; i < nx; i++)
        if (rd_kafka_conf_set(conf, xk[i], xv[i], err, sizeof err))
            die(xk[i], err);
    rd_kafka_conf_set_dr_msg_cb(conf, dr_cb);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (!rk)
        die("rd_kafka_new", err);

    PGconn *pg = PQconnectdb(conninfo);
    if (PQstatus(pg) != CONNECTION_OK)
        die("connect", PQerrorMessage(pg));
    PGresult *r = PQexec(pg, "BEGIN");
    PQclear(r);
    size_t dlen = strlen(query) + 64;
    char *declare = malloc(dlen);
    snprintf(declare, dlen, "DECLARE kc_raw NO SCROLL CURSOR FOR %s", query);
    r = PQexec(pg, declare);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        die("declare", PQerrorMessage(pg));
    PQclear(r);
    free(declare);
    char fetch_sql[64];
    snprintf(fetch_sql, sizeof fetch_sql, "FETCH FORWARD %ld FROM kc_raw", fetch);

    buf_t b = {0};
    long long rows = 0;
    for (;;) {
        r = PQexec(pg, fetch_sql);
        if (PQresultStatus(r) != PGRES_TUPLES_OK)
            die("fetch", PQerrorMessage(pg));
        int nrows = PQntuples(r), ncols = PQnfields(r);
        if (nrows == 0) {
            PQclear(r);
            break;
        }
        if ((size_t)ncols != strlen(kinds))
            die("-k needs one letter per column", kinds);
        for (int row = 0; row < nrows; row++) {
            b.len = 0;
            puts_(&b, "{\"schema\":");
            puts_(&b, schema);
            puts_(&b, ",\"payload\":{");
            for (int c = 0; c < ncols; c++) {
                if (c)
                    put(&b, ",", 1);
                put_json_string(&b, PQfname(r, c));
                put(&b, ":", 1);
                if (PQgetisnull(r, row, c)) {
                    puts_(&b, "null");
                    continue;
                }
                const char *v = PQgetvalue(r, row, c);
                switch (kinds[c]) {
                case 'i':
                    puts_(&b, v);
                    break;
                case 's':
                    put_json_string(&b, v);
                    break;
                case 'b':
                    puts_(&b, *v == 't' ? "true" : "false");
                    break;
                case 'f':
                    puts_(&b, v);
                    if (!strpbrk(v, ".eEIN"))
                        puts_(&b, ".0");
                    break;
                case 't':
                    put_timestamp(&b, v);
                    break;
                default:
                    if (kinds[c] < '0' || kinds[c] > '9')
                        die("unknown kind in -k", kinds);
                    put_decimal(&b, v, kinds[c] - '0');
                }
            }
            puts_(&b, "}}");
            for (;;) {
                rd_kafka_resp_err_t e = rd_kafka_producev(
                    rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_VALUE(b.p, b.len),
                    RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
                if (e == RD_KAFKA_RESP_ERR_NO_ERROR)
                    break;
                if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL)
                    die("produce", rd_kafka_err2str(e));
                rd_kafka_poll(rk, 5);
            }
            rows++;
            rd_kafka_poll(rk, 0);
        }
        PQclear(r);
    }
    r = PQexec(pg, "COMMIT");
    PQclear(r);
    PQfinish(pg);
    while (rd_kafka_outq_len(rk) > 0)
        rd_kafka_flush(rk, 100);
    rd_kafka_poll(rk, 0);
    rd_kafka_destroy(rk);
    free(b.p);
    fprintf(stderr, "kc_raw_jdbc: rows=%lld acknowledged=%lld failed=%lld%s%s\n", rows, dr_ok,
            dr_err, dr_err ? ": " : "", dr_err ? last_err : "");
    return (dr_err || dr_ok != rows) ? 1 : 0;
}
