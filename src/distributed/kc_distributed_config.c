/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Apache's DistributedConfig as a kconnect config table. The algorithm
 * keys name Java (JCA) algorithms; kconnect signs with OpenSSL's HMACs,
 * so it accepts the HMAC family a JVM always has and names what it
 * supports when refusing another (Apache lists the JVM's algorithms).
 */
#include "kc_internal.h"

#include <inttypes.h>
#include <limits.h>
#include <pthread.h>

#include "distributed/kc_distributed_config.h"
#include "distributed/kc_group_security.h"
#include "runtime/kc_worker_config.h"
#include "util/kc_str.h"

/* The JCA names kconnect can sign and verify with (OpenSSL HMAC). */
static const char *const kc_dc_macs[] = {
    "HmacMD5",    "HmacSHA1",   "HmacSHA224", "HmacSHA256",
    "HmacSHA384", "HmacSHA512", NULL};

#define KC_DC_MACS_TEXT                                                        \
    "[HmacMD5, HmacSHA1, HmacSHA224, HmacSHA256, HmacSHA384, HmacSHA512]"

static bool kc_dc_mac_known(const char *name)
{
    for (size_t i = 0; kc_dc_macs[i] != NULL; i++) {
        if (strcmp(kc_dc_macs[i], name) == 0) {
            return true;
        }
    }
    return false;
}

/* A number row's value, trimmed and parsed; false when it is no number
 * (the type check reports that). */
static bool kc_dc_int(const char *value, int64_t *out)
{
    char *t = kc_str_trim_dup(value, strlen(value));
    bool ok = kc_str_to_i64(t, INT32_MIN, INT32_MAX, out) == KC_OK;

    kc_free(t);
    return ok;
}

/* An internal topic's partitions or replication factor (the row's name
 * says which): positive, or -1 for the broker's default. */
static kc_err_t kc_dc_check_topic_count(const kc_config_def_t *def,
                                        const char *value, kc_error_t *err)
{
    int64_t n;

    if (value == NULL || !kc_dc_int(value, &n) || (n != 0 && n >= -1)) {
        return KC_OK;
    }
    if (kc_str_ends_with(def->name, ".partitions")) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "Number of partitions must be positive, or -1 "
                            "to use the broker's default");
    }
    return kc_error_set(err, KC_ERR_INVALID,
                        "Replication factor must be positive and not "
                        "larger than the number of brokers in the Kafka "
                        "cluster, or -1 to use the broker's default");
}

/* connect.protocol: eager, compatible or sessioned, in any case (Apache
 * reads it with ConnectProtocolCompatibility.compatibility). */
static kc_err_t kc_dc_check_protocol(const kc_config_def_t *def,
                                     const char *value, kc_error_t *err)
{
    static const char *const names[] = {"eager", "compatible", "sessioned"};
    char *t;
    bool ok = false;

    KC_UNUSED(def);
    if (value == NULL) {
        return KC_OK;
    }
    t = kc_str_trim_dup(value, strlen(value));
    for (size_t i = 0; i < KC_ARRAY_LEN(names) && !ok; i++) {
        ok = kc_str_eq_nocase(t, names[i]);
    }
    kc_free(t);
    if (!ok) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "Invalid Connect protocol compatibility");
    }
    return KC_OK;
}

static kc_err_t kc_dc_check_mac(const kc_config_def_t *def, const char *value,
                                kc_error_t *err)
{
    char *t;
    bool ok;

    KC_UNUSED(def);
    if (value == NULL) {
        return KC_OK;
    }
    t = kc_str_trim_dup(value, strlen(value));
    ok = kc_dc_mac_known(t);
    kc_free(t);
    if (!ok) {
        return kc_error_set(err, KC_ERR_INVALID,
                            "the algorithm is not supported by kconnect; "
                            "the supported algorithms are: " KC_DC_MACS_TEXT);
    }
    return KC_OK;
}

static const char *const kc_dc_eos_values[] = {"disabled", "enabled",
                                               "preparing", NULL};
static const char *const kc_dc_recovery_values[] = {"rebootstrap", "none",
                                                    NULL};

#define KC_DC_BIND(field) KC_CFG_BIND(kc_distributed_conf_t, field)

static const kc_config_def_t distributed_def[] = {
    {.name = "group.id",
     .type = KC_CFG_STRING,
     .importance = KC_IMPORTANCE_HIGH,
     .doc = "The name of the Connect cluster: every worker with this group "
            "id shares its connectors and tasks.",
     .flags = KC_CFG_F_REQUIRED,
     KC_DC_BIND(group_id)},
    {.name = "session.timeout.ms",
     .type = KC_CFG_INT,
     .default_value = "10000",
     .importance = KC_IMPORTANCE_HIGH,
     .doc = "How long the group coordinator waits for a worker's heartbeat "
            "before it drops the worker from the group and rebalances.",
     KC_DC_BIND(session_timeout_ms)},
    {.name = "rebalance.timeout.ms",
     .type = KC_CFG_INT,
     .default_value = "60000",
     .importance = KC_IMPORTANCE_HIGH,
     .doc = "How long each worker may take to rejoin the group once a "
            "rebalance began (stopping its work and committing offsets "
            "included) before the coordinator drops it.",
     KC_DC_BIND(rebalance_timeout_ms)},
    {.name = "heartbeat.interval.ms",
     .type = KC_CFG_INT,
     .default_value = "3000",
     .importance = KC_IMPORTANCE_HIGH,
     .doc = "Interval between a worker's heartbeats to the group "
            "coordinator; keep it well below session.timeout.ms.",
     KC_DC_BIND(heartbeat_interval_ms)},
    {.name = "exactly.once.source.support",
     .type = KC_CFG_STRING,
     .default_value = "disabled",
     .importance = KC_IMPORTANCE_HIGH,
     .doc = "Exactly-once delivery for source connectors (disabled, "
            "preparing, enabled); kconnect does not implement it yet and "
            "refuses enabled.",
     .flags = KC_CFG_F_NOCASE,
     .valid_values = kc_dc_eos_values,
     KC_DC_BIND(exactly_once_source_support)},
    {.name = "metadata.max.age.ms",
     .type = KC_CFG_LONG,
     .default_value = "300000",
     .importance = KC_IMPORTANCE_LOW,
     .doc = "The group client's metadata refresh interval.",
     .flags = KC_CFG_F_MIN},
    {.name = "client.id",
     .type = KC_CFG_STRING,
     .default_value = "",
     .importance = KC_IMPORTANCE_LOW,
     .doc = "Client id of the group membership connections."},
    {.name = "send.buffer.bytes",
     .type = KC_CFG_INT,
     .default_value = "131072",
     .importance = KC_IMPORTANCE_MEDIUM,
     .doc = "TCP send buffer of the group client (-1: the OS default).",
     .flags = KC_CFG_F_MIN,
     .min = -1},
    {.name = "receive.buffer.bytes",
     .type = KC_CFG_INT,
     .default_value = "32768",
     .importance = KC_IMPORTANCE_MEDIUM,
     .doc = "TCP receive buffer of the group client (-1: the OS default).",
     .flags = KC_CFG_F_MIN,
     .min = -1},
    {.name = "reconnect.backoff.ms",
     .type = KC_CFG_LONG,
     .default_value = "50",
     .importance = KC_IMPORTANCE_LOW,
     .doc = "First wait before the group client reconnects to a broker.",
     .flags = KC_CFG_F_MIN},
    {.name = "reconnect.backoff.max.ms",
     .type = KC_CFG_LONG,
     .default_value = "1000",
     .importance = KC_IMPORTANCE_LOW,
     .doc = "Longest wait before the group client reconnects to a broker.",
     .flags = KC_CFG_F_MIN},
    {.name = "socket.connection.setup.timeout.ms",
     .type = KC_CFG_LONG,
     .default_value = "10000",
     .importance = KC_IMPORTANCE_LOW,
     .doc = "First time limit for the group client to open a connection.",
     .flags = KC_CFG_F_MIN},
    {.name = "socket.connection.setup.timeout.max.ms",
     .type = KC_CFG_LONG,
     .default_value = "30000",
     .importance = KC_IMPORTANCE_LOW,
     .doc = "Longest time limit for the group client to open a connection.",
     .flags = KC_CFG_F_MIN},
    {.name = "retry.backoff.ms",
     .type = KC_CFG_LONG,
     .default_value = "100",
     .importance = KC_IMPORTANCE_LOW,
     .doc = "First wait before the group client retries a failed request.",
     .flags = KC_CFG_F_MIN},
    {.name = "retry.backoff.max.ms",
     .type = KC_CFG_LONG,
     .default_value = "1000",
     .importance = KC_IMPORTANCE_LOW,
     .doc = "Longest wait before the group client retries a failed "
            "request.",
     .flags = KC_CFG_F_MIN},
    {.name = "request.timeout.ms",
     .type = KC_CFG_INT,
     .default_value = "40000",
     .importance = KC_IMPORTANCE_MEDIUM,
     .doc = "How long the group client waits for a broker's answer.",
     .flags = KC_CFG_F_MIN},
    {.name = "connections.max.idle.ms",
     .type = KC_CFG_LONG,
     .default_value = "540000",
     .importance = KC_IMPORTANCE_MEDIUM,
     .doc = "Idle time after which the group client closes a connection."},
    {.name = "metadata.recovery.strategy",
     .type = KC_CFG_STRING,
     .default_value = "rebootstrap",
     .importance = KC_IMPORTANCE_LOW,
     .doc = "What the group client does when no known broker is reachable "
            "(rebootstrap or none).",
     .flags = KC_CFG_F_NOCASE,
     .valid_values = kc_dc_recovery_values},
    {.name = "metadata.recovery.rebootstrap.trigger.ms",
     .type = KC_CFG_LONG,
     .default_value = "300000",
     .importance = KC_IMPORTANCE_LOW,
     .doc = "How long without metadata before the group client "
            "rebootstraps.",
     .flags = KC_CFG_F_MIN},
    {.name = "worker.sync.timeout.ms",
     .type = KC_CFG_INT,
     .default_value = "3000",
     .importance = KC_IMPORTANCE_MEDIUM,
     .doc = "How long a worker behind the config topic tries to catch up "
            "before it leaves the group and backs off.",
     KC_DC_BIND(worker_sync_timeout_ms)},
    {.name = "worker.unsync.backoff.ms",
     .type = KC_CFG_INT,
     .default_value = "300000",
     .importance = KC_IMPORTANCE_MEDIUM,
     .doc = "How long a worker that could not catch up with the config "
            "topic waits before it rejoins the group.",
     KC_DC_BIND(worker_unsync_backoff_ms)},
    {.name = "offset.storage.topic",
     .type = KC_CFG_STRING,
     .importance = KC_IMPORTANCE_HIGH,
     .doc = "The compacted topic that holds source connectors' offsets.",
     .flags = KC_CFG_F_REQUIRED,
     KC_DC_BIND(offset_storage_topic)},
    {.name = "offset.storage.partitions",
     .type = KC_CFG_INT,
     .default_value = "25",
     .importance = KC_IMPORTANCE_LOW,
     .doc = "Partitions of the offsets topic when the worker creates it "
            "(-1: the broker's default).",
     .validator = kc_dc_check_topic_count,
     KC_DC_BIND(offset_storage_partitions)},
    {.name = "offset.storage.replication.factor",
     .type = KC_CFG_SHORT,
     .default_value = "3",
     .importance = KC_IMPORTANCE_LOW,
     .doc = "Replication factor of the offsets topic when the worker "
            "creates it (-1: the broker's default).",
     .validator = kc_dc_check_topic_count,
     KC_DC_BIND(offset_storage_replication_factor)},
    {.name = "config.storage.topic",
     .type = KC_CFG_STRING,
     .importance = KC_IMPORTANCE_HIGH,
     .doc = "The compacted single-partition topic that holds connector and "
            "task configs.",
     .flags = KC_CFG_F_REQUIRED,
     KC_DC_BIND(config_storage_topic)},
    {.name = "config.storage.replication.factor",
     .type = KC_CFG_SHORT,
     .default_value = "3",
     .importance = KC_IMPORTANCE_LOW,
     .doc = "Replication factor of the config topic when the worker "
            "creates it (-1: the broker's default).",
     .validator = kc_dc_check_topic_count,
     KC_DC_BIND(config_storage_replication_factor)},
    {.name = "status.storage.topic",
     .type = KC_CFG_STRING,
     .importance = KC_IMPORTANCE_HIGH,
     .doc = "The compacted topic that holds connector and task states.",
     .flags = KC_CFG_F_REQUIRED,
     KC_DC_BIND(status_storage_topic)},
    {.name = "status.storage.partitions",
     .type = KC_CFG_INT,
     .default_value = "5",
     .importance = KC_IMPORTANCE_LOW,
     .doc = "Partitions of the status topic when the worker creates it "
            "(-1: the broker's default).",
     .validator = kc_dc_check_topic_count,
     KC_DC_BIND(status_storage_partitions)},
    {.name = "status.storage.replication.factor",
     .type = KC_CFG_SHORT,
     .default_value = "3",
     .importance = KC_IMPORTANCE_LOW,
     .doc = "Replication factor of the status topic when the worker "
            "creates it (-1: the broker's default).",
     .validator = kc_dc_check_topic_count,
     KC_DC_BIND(status_storage_replication_factor)},
    {.name = "connect.protocol",
     .type = KC_CFG_STRING,
     .default_value = "sessioned",
     .importance = KC_IMPORTANCE_LOW,
     .doc = "The Connect group subprotocol: eager (everyone stops all work "
            "at each rebalance), compatible (incremental cooperative "
            "rebalancing) or sessioned (incremental, with signed "
            "inter-worker requests).",
     .validator = kc_dc_check_protocol,
     KC_DC_BIND(connect_protocol)},
    {.name = "scheduled.rebalance.max.delay.ms",
     .type = KC_CFG_INT,
     .default_value = "300000",
     .importance = KC_IMPORTANCE_LOW,
     .doc = "How long the work of a worker that left the group waits for "
            "it to come back before it is given to the others "
            "(incremental protocols).",
     .flags = KC_CFG_F_MIN | KC_CFG_F_MAX,
     .max = INT32_MAX,
     KC_DC_BIND(scheduled_rebalance_max_delay_ms)},
    {.name = "inter.worker.key.ttl.ms",
     .type = KC_CFG_INT,
     .default_value = "3600000",
     .importance = KC_IMPORTANCE_LOW,
     .doc = "How long the leader's session key signs inter-worker requests "
            "before it makes a new one (sessioned).",
     .flags = KC_CFG_F_MIN | KC_CFG_F_MAX,
     .max = INT32_MAX,
     KC_DC_BIND(inter_worker_key_ttl_ms)},
    {.name = "inter.worker.key.generation.algorithm",
     .type = KC_CFG_STRING,
     .default_value = "HmacSHA256",
     .importance = KC_IMPORTANCE_LOW,
     .doc = "The algorithm of the session key, by its Java name (HmacSHA256, "
            "HmacSHA512, ...).",
     .validator = kc_dc_check_mac,
     KC_DC_BIND(inter_worker_key_generation_algorithm)},
    {.name = "inter.worker.key.size",
     .type = KC_CFG_INT,
     .importance = KC_IMPORTANCE_LOW,
     .doc = "Size of the session key in bits (unset: the algorithm's "
            "default)."},
    {.name = "inter.worker.signature.algorithm",
     .type = KC_CFG_STRING,
     .default_value = "HmacSHA256",
     .importance = KC_IMPORTANCE_LOW,
     .doc = "The MAC that signs inter-worker requests, by its Java name; "
            "must be one of inter.worker.verification.algorithms.",
     .validator = kc_dc_check_mac,
     KC_DC_BIND(inter_worker_signature_algorithm)},
    {.name = "inter.worker.verification.algorithms",
     .type = KC_CFG_LIST,
     .default_value = "HmacSHA256",
     .importance = KC_IMPORTANCE_LOW,
     .doc = "The MACs a worker accepts on signed inter-worker requests.",
     KC_DC_BIND(inter_worker_verification_algorithms)},
    {.name = NULL},
};

static const kc_config_def_t *kc_dc_all[3];
static pthread_once_t kc_dc_once = PTHREAD_ONCE_INIT;

static void kc_dc_init(void)
{
    kc_dc_all[0] = kc_worker_common_config_def();
    kc_dc_all[1] = distributed_def;
}

/* Every worker's keys, then the distributed ones. */
static const kc_config_def_t *const *kc_dc_defs(void)
{
    pthread_once(&kc_dc_once, kc_dc_init);
    return kc_dc_all;
}

const kc_config_def_t *const *kc_distributed_config_defs(void)
{
    return kc_dc_defs();
}

const kc_config_def_t *kc_distributed_config_def(void)
{
    return distributed_def;
}

/* The checks across keys that Apache's DistributedConfig makes after
 * parsing, on keys that passed their own checks. */
static void kc_dc_check_across(const kc_props_t *props,
                               kc_config_result_t *result)
{
    const char *sig = kc_props_get(props, "inter.worker.signature.algorithm");
    const char *ver =
        kc_props_get(props, "inter.worker.verification.algorithms");
    const char *gen =
        kc_props_get(props, "inter.worker.key.generation.algorithm");
    const char *size = kc_props_get(props, "inter.worker.key.size");
    kc_strlist_t algs = {0};
    char *sig_t = kc_str_trim_dup(sig ? sig : "HmacSHA256",
                                  strlen(sig ? sig : "HmacSHA256"));
    char *gen_t = kc_str_trim_dup(gen ? gen : "HmacSHA256",
                                  strlen(gen ? gen : "HmacSHA256"));
    bool ver_ok = true;

    kc_str_split_comma(ver ? ver : "HmacSHA256", &algs);
    if (algs.count == 0) {
        kc_worker_config_issue(result, "inter.worker.verification.algorithms",
                               "Invalid value [] for configuration "
                               "inter.worker.verification.algorithms: At "
                               "least one signature verification algorithm "
                               "must be provided");
        ver_ok = false;
    }
    for (size_t i = 0; i < algs.count && ver_ok; i++) {
        if (!kc_dc_mac_known(algs.items[i])) {
            kc_worker_config_issue(
                result, "inter.worker.verification.algorithms",
                "Invalid value %s for configuration "
                "inter.worker.verification.algorithms: the algorithm is not "
                "supported by kconnect; the supported algorithms "
                "are: " KC_DC_MACS_TEXT,
                algs.items[i]);
            ver_ok = false;
        }
    }
    if (kc_dc_mac_known(gen_t) && size != NULL) {
        int64_t bits;

        if (kc_dc_int(size, &bits) && bits < 40) {
            kc_worker_config_issue(result, "inter.worker.key.size",
                                   "Unable to create key generator with "
                                   "algorithm %s and key size %" PRId64
                                   ": Key length must be at least 40 bits",
                                   gen_t, bits);
        }
    }
    if (ver_ok && kc_dc_mac_known(sig_t)) {
        bool found = false;

        for (size_t i = 0; i < algs.count && !found; i++) {
            found = strcmp(algs.items[i], sig_t) == 0;
        }
        if (!found) {
            kc_worker_config_issue(result, "inter.worker.signature.algorithm",
                                   "Invalid value %s for configuration "
                                   "inter.worker.signature.algorithm: "
                                   "Signature algorithm must be present in "
                                   "inter.worker.verification.algorithms list",
                                   sig_t);
        }
    }
    kc_strlist_release(&algs);
    kc_free(sig_t);
    kc_free(gen_t);
}

/* The group client speaks to the brokers itself (not through librdkafka):
 * a mechanism or setting it cannot honour must stop the worker here,
 * naming the key, rather than at its first join. */
static void kc_dc_check_security(const kc_props_t *props,
                                 kc_config_result_t *result)
{
    kc_props_t *sec_props = kc_worker_admin_base_props(props);
    const char *bad_key = NULL;
    kc_error_t err = {0};
    kc_group_security_t *sec = kc_group_security_new(sec_props, &bad_key, &err);

    if (sec == NULL) {
        const char *key = bad_key ? bad_key : "security.protocol";
        char *prefix = kc_asprintf("invalid config \"%s\": ", key);
        const char *msg = err.msg;

        /* the issue names the key already */
        if (strncmp(msg, prefix, strlen(prefix)) == 0) {
            msg += strlen(prefix);
        }
        kc_worker_config_issue(result, key, "%s", msg);
        kc_free(prefix);
    }
    kc_group_security_destroy(sec);
    kc_props_destroy(sec_props);
}

/* Exactly-once source delivery (transactional source producers, zombie
 * fencing) is not implemented: "enabled" would promise what the worker
 * does not do, so it is refused rather than silently run at-least-once.
 * "preparing" and "disabled" ask nothing of the worker's tasks. */
static void kc_dc_check_eos(const kc_props_t *props, kc_config_result_t *result)
{
    const char *v = kc_props_get(props, "exactly.once.source.support");
    char *t = v != NULL ? kc_str_trim_dup(v, strlen(v)) : NULL;

    if (t != NULL && kc_str_eq_nocase(t, "enabled")) {
        kc_worker_config_issue(result, "exactly.once.source.support",
                               "exactly-once source delivery is not "
                               "supported by kconnect yet; set it to "
                               "disabled or preparing");
    }
    kc_free(t);
}

kc_err_t kc_distributed_config_check(const struct kc_registry *reg,
                                     const kc_props_t *props,
                                     kc_config_result_t *result)
{
    kc_worker_config_check_with(reg, kc_dc_defs(), props, result);
    kc_dc_check_across(props, result);
    kc_dc_check_security(props, result);
    kc_dc_check_eos(props, result);
    return result->count == 0 ? KC_OK : KC_ERR_INVALID;
}

kc_err_t kc_distributed_conf_bind(const kc_props_t *props,
                                  kc_distributed_conf_t *conf, kc_error_t *err)
{
    static const kc_config_def_t *const defs[] = {distributed_def, NULL};
    const char *size = kc_props_get(props, "inter.worker.key.size");
    kc_err_t rc;

    memset(conf, 0, sizeof(*conf));
    rc = kc_config_bind(defs, props, conf, err);
    if (rc != KC_OK) {
        return rc;
    }
    if (kc_str_eq_nocase(conf->connect_protocol, "eager")) {
        conf->protocol = KC_CONNECT_EAGER;
    } else if (kc_str_eq_nocase(conf->connect_protocol, "compatible")) {
        conf->protocol = KC_CONNECT_COMPATIBLE;
    } else if (kc_str_eq_nocase(conf->connect_protocol, "sessioned")) {
        conf->protocol = KC_CONNECT_SESSIONED;
    } else {
        /* the row's validator refuses it first; a table whose validator
         * went missing must not fall back to a protocol silently */
        kc_error_set(err, KC_ERR_INVALID,
                     "Invalid value %s for configuration connect.protocol: "
                     "Invalid Connect protocol compatibility",
                     conf->connect_protocol);
        kc_distributed_conf_release(conf);
        return KC_ERR_INVALID;
    }
    conf->security = kc_worker_admin_base_props(props);
    conf->inter_worker_key_size = -1;
    if (size != NULL) {
        int64_t bits;

        if (!kc_dc_int(size, &bits)) {
            kc_distributed_conf_release(conf);
            return kc_error_set(err, KC_ERR_INVALID,
                                "Invalid value %s for configuration "
                                "inter.worker.key.size: Not a number of type "
                                "INT",
                                size);
        }
        conf->inter_worker_key_size = (int32_t)bits;
    }
    return KC_OK;
}

void kc_distributed_conf_release(kc_distributed_conf_t *conf)
{
    static const kc_config_def_t *const defs[] = {distributed_def, NULL};

    kc_config_bind_release(defs, conf);
    kc_props_destroy(conf->security);
    conf->security = NULL;
}
