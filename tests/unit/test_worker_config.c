/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Worker and connector config tables, cross-key checks and the Java client
 * settings translation. Expected defaults are Apache Kafka's (WorkerConfig,
 * StandaloneConfig, ConnectorConfig, SinkConnectorConfig).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "kc_runtime_test_plugins.h"

#include "runtime/kc_worker_config.h"
#include "util/kc_log.h"

static kc_props_t *minimal_worker(void)
{
    kc_props_t *p = kc_props_new();

    kc_props_set(p, "key.converter", "TestString");
    kc_props_set(p, "value.converter", "TestString");
    kc_props_set(p, "offset.storage.file.filename", "/tmp/x.offsets");
    return p;
}

static bool has_issue(const kc_config_result_t *r, const char *key)
{
    return kc_config_result_first(r, key) != NULL;
}

static void test_worker_defaults_are_apaches(void **state)
{
    kc_props_t *p = minimal_worker();
    kc_error_t err;
    kc_config_t *c = kc_config_new(kc_worker_config_defs(), p, &err);

    assert_non_null(c);
    assert_int_equal(kc_config_long(c, "offset.flush.interval.ms"), 60000);
    assert_int_equal(kc_config_long(c, "offset.flush.timeout.ms"), 5000);
    assert_int_equal(kc_config_long(c, "task.shutdown.graceful.timeout.ms"),
                     5000);
    assert_string_equal(kc_config_string(c, "header.converter"),
                        "org.apache.kafka.connect.storage."
                        "SimpleHeaderConverter");
    assert_true(kc_config_bool(c, "topic.creation.enable"));
    assert_string_equal(
        kc_config_string(c, "connector.client.config.override.policy"), "All");
    {
        size_t n = 0;
        const char *const *l = kc_config_list(c, "listeners", &n);

        assert_int_equal(n, 1);
        assert_string_equal(l[0], "http://:8083");
        l = kc_config_list(c, "bootstrap.servers", &n);
        assert_int_equal(n, 1);
        assert_string_equal(l[0], "localhost:9092");
    }
    kc_config_destroy(c);
    kc_props_destroy(p);
}

static void test_missing_required_keys_are_all_listed(void **state)
{
    kc_props_t *p = kc_props_new();
    kc_config_result_t r = {0};

    kc_props_set(p, "offset.flush.interval.ms", "soon");
    assert_int_equal(kc_worker_config_check(NULL, p, &r), KC_ERR_INVALID);
    assert_true(has_issue(&r, "key.converter"));
    assert_true(has_issue(&r, "value.converter"));
    assert_true(has_issue(&r, "offset.storage.file.filename"));
    assert_true(has_issue(&r, "offset.flush.interval.ms"));
    assert_int_equal(r.count, 4);
    kc_config_result_release(&r);
    kc_props_destroy(p);
}

static void test_client_settings_are_checked(void **state)
{
    kc_props_t *p = minimal_worker();
    kc_config_result_t r = {0};

    kc_props_set(p, "producer.acks", "bogus");
    kc_props_set(p, "producer.key.serializer",
                 "org.apache.kafka.common.serialization.StringSerializer");
    kc_props_set(p, "consumer.max.poll.records", "100");
    kc_props_set(p, "producer.linger.ms", "10");
    kc_props_set(p, "admin.ssl.truststore.location", "/x.jks");
    assert_int_equal(kc_worker_config_check(NULL, p, &r), KC_ERR_INVALID);
    assert_true(has_issue(&r, "producer.acks"));
    assert_true(has_issue(&r, "admin.ssl.truststore.location"));
    /* Java-only keys are dropped, valid ones accepted. */
    assert_int_equal(r.count, 2);
    kc_config_result_release(&r);
    kc_props_destroy(p);
}

/* log.debug: the areas' loggers go to DEBUG, nothing else does. */
static void test_log_debug_turns_on_debug_for_its_areas(void **state)
{
    kc_props_t *p = minimal_worker();
    kc_config_result_t r = {0};

    kc_log_reset();
    kc_props_set(p, "log.debug", "herder, rest,runner,clients");
    assert_int_equal(kc_worker_config_check(NULL, p, &r), KC_OK);
    assert_int_equal(kc_worker_log_debug_apply(p), 4);
    assert_int_equal(kc_log_effective_level("org.apache.kafka.connect.runtime."
                                            "standalone.StandaloneHerder"),
                     KC_LOG_DEBUG);
    assert_int_equal(kc_log_effective_level(
                         "org.apache.kafka.connect.runtime.rest.RestServer"),
                     KC_LOG_DEBUG);
    assert_int_equal(kc_log_effective_level(
                         "org.apache.kafka.connect.runtime.WorkerSinkTask"),
                     KC_LOG_DEBUG);
    assert_int_equal(kc_log_effective_level(
                         "org.apache.kafka.connect.runtime.WorkerSourceTask"),
                     KC_LOG_DEBUG);
    assert_int_equal(kc_log_effective_level("org.apache.kafka.clients"),
                     KC_LOG_DEBUG);
    /* Other areas keep the root level; "Worker" is not "WorkerSinkTask". */
    assert_int_equal(
        kc_log_effective_level("org.apache.kafka.connect.runtime.Worker"),
        KC_LOG_INFO);
    assert_int_equal(kc_log_effective_level(
                         "org.apache.kafka.connect.runtime.errors.LogReporter"),
                     KC_LOG_INFO);
    assert_int_equal(kc_log_effective_level("root"), KC_LOG_INFO);
    kc_log_reset();

    /* Unset or empty: nothing changes. */
    kc_props_set(p, "log.debug", "");
    assert_int_equal(kc_worker_log_debug_apply(p), 0);
    kc_config_result_release(&r);
    kc_props_destroy(p);
}

static void test_log_debug_refuses_unknown_areas_naming_the_key(void **state)
{
    kc_props_t *p = minimal_worker();
    kc_config_result_t r = {0};
    const char *msg;

    kc_props_set(p, "log.debug", "herder,herdr");
    assert_int_equal(kc_worker_config_check(NULL, p, &r), KC_ERR_INVALID);
    assert_int_equal(r.count, 1);
    msg = kc_config_result_first(&r, "log.debug");
    assert_non_null(msg);
    assert_non_null(strstr(msg, "configuration log.debug"));
    assert_non_null(strstr(msg, "unknown log area \"herdr\""));
    kc_config_result_release(&r);
    kc_props_destroy(p);
}

/*
 * producer.debug / consumer.debug / admin.debug reach librdkafka's debug=
 * (its contexts: broker, msg, cgrp, ...); the lines then go to the
 * "clients" log area.
 */
static void test_client_debug_passes_through_to_librdkafka(void **state)
{
    static const struct {
        kc_client_kind_t kind;
        const char *prefix;
        const char *value;
    } cases[] = {{KC_CLIENT_PRODUCER, "producer.", "broker,msg"},
                 {KC_CLIENT_CONSUMER, "consumer.", "cgrp,fetch"},
                 {KC_CLIENT_ADMIN, "admin.", "admin"}};
    kc_props_t *p = minimal_worker();
    kc_config_result_t r = {0};

    for (size_t i = 0; i < KC_ARRAY_LEN(cases); i++) {
        char key[32];

        snprintf(key, sizeof(key), "%sdebug", cases[i].prefix);
        kc_props_set(p, key, cases[i].value);
    }
    assert_int_equal(kc_worker_config_check(NULL, p, &r), KC_OK);
    for (size_t i = 0; i < KC_ARRAY_LEN(cases); i++) {
        kc_props_t *sub = kc_props_with_prefix(p, cases[i].prefix);
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        kc_error_t err;
        char value[128];
        size_t len = sizeof(value);

        assert_int_equal(kc_client_conf_apply(conf, cases[i].kind, sub,
                                              cases[i].prefix, NULL, &err),
                         KC_OK);
        assert_int_equal(rd_kafka_conf_get(conf, "debug", value, &len),
                         RD_KAFKA_CONF_OK);
        assert_string_equal(value, cases[i].value);
        rd_kafka_conf_destroy(conf);
        kc_props_destroy(sub);
    }
    kc_config_result_release(&r);
    kc_props_destroy(p);
}

/* Apache's admin clients take the worker's top-level security settings. */
static void test_top_level_security_settings_reach_admin_clients(void **state)
{
    kc_props_t *p = minimal_worker();
    kc_config_result_t r = {0};
    kc_props_t *base;

    (void)state;
    kc_props_set(p, "security.protocol", "SASL_SSL");
    kc_props_set(p, "sasl.mechanism", "PLAIN");
    kc_props_set(p, "ssl.ca.location", "/etc/ssl/certs/ca.pem");
    kc_props_set(p, "ssl.client.auth", "none");
    kc_props_set(p, "producer.security.protocol", "SASL_SSL");
    /* ssl.client.auth is the REST server's (its https fallback); the
     * client ones apply. */
    assert_int_equal(kc_worker_config_check(NULL, p, &r), KC_OK);
    kc_config_result_release(&r);
    base = kc_worker_admin_base_props(p);
    assert_int_equal(kc_props_count(base), 3);
    assert_string_equal(kc_props_get(base, "security.protocol"), "SASL_SSL");
    assert_string_equal(kc_props_get(base, "sasl.mechanism"), "PLAIN");
    assert_string_equal(kc_props_get(base, "ssl.ca.location"),
                        "/etc/ssl/certs/ca.pem");
    kc_props_destroy(base);
    kc_props_destroy(p);
}

/*
 * Java's clients read ssl.* only over SSL/SASL_SSL, so a Java keystore the
 * Kafka clients cannot use is refused only when they would use it; with
 * PLAINTEXT it is the REST server's unprefixed https fallback (Apache's
 * RestServerConfig) and never reaches an admin client.
 */
static void test_unprefixed_keystore_matters_only_to_ssl_clients(void **state)
{
    kc_props_t *p = minimal_worker();
    kc_config_result_t r = {0};
    kc_props_t *base;

    (void)state;
    kc_props_set(p, "ssl.keystore.location", "/ks.jks");
    kc_props_set(p, "ssl.keystore.password", "secret");
    assert_int_equal(kc_worker_config_check(NULL, p, &r), KC_OK);
    kc_config_result_release(&r);
    base = kc_worker_admin_base_props(p);
    assert_null(kc_props_get(base, "ssl.keystore.location"));
    assert_null(kc_props_get(base, "ssl.keystore.password"));
    kc_props_destroy(base);

    kc_props_set(p, "security.protocol", "SSL");
    assert_int_equal(kc_worker_config_check(NULL, p, &r), KC_ERR_INVALID);
    assert_true(has_issue(&r, "ssl.keystore.location"));
    kc_config_result_release(&r);
    kc_props_destroy(p);
}

/* Each security setting kconnect lacks is an error naming its key. */
static void test_unimplemented_security_settings_are_refused(void **state)
{
    static const char *const kv[][2] = {
        {"rest.extension.classes", "com.example.MyRestExtension"},
        {"listeners.https.ssl.provider", "SunJSSE"},
        {"listeners.https.ssl.keymanager.algorithm", "NewSunX509"},
        {"listeners.https.ssl.enabled.protocols", "TLSv1.2,SSLv3"},
        {"listeners.https.ssl.cipher.suites", "TLS_NO_SUCH_SUITE"},
        {"listeners.https.ssl.protocol", "SSLv2"},
        {"admin.listeners.https.ssl.engine.factory.class", "x.Factory"},
        {"sasl.jaas.config", "x required;"},
        {"security.protocol", "BOGUS"},
    };
    kc_props_t *p = minimal_worker();
    kc_config_result_t r = {0};

    /* Blank, plain-text or http values are what Apache defaults to; the
     * REST TLS keys and the basic-auth extension are supported. */
    kc_props_set(p, "rest.extension.classes",
                 " org.apache.kafka.connect.rest.basic.auth.extension."
                 "BasicAuthSecurityRestExtension ");
    kc_props_set(p, "listeners.https.ssl.keystore.location", "/ks.p12");
    kc_props_set(p, "listeners.https.ssl.client.auth", "required");
    kc_props_set(p, "listeners.https.ssl.keymanager.algorithm", "SunX509");
    kc_props_set(p, "listeners.https.ssl.enabled.protocols", "TLSv1.3");
    kc_props_set(p, "listeners.https.ssl.cipher.suites",
                 "TLS_AES_128_GCM_SHA256,"
                 "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,"
                 "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA");
    kc_props_set(p, "ssl.client.auth", "requested");
    kc_props_set(p, "rest.advertised.listener", " HTTPS ");
    kc_props_set(p, "security.protocol", "PLAINTEXT");
    kc_props_set(p, "producer.security.protocol", "SASL_PLAINTEXT");
    kc_props_set(p, "producer.sasl.mechanism", "PLAIN");
    assert_int_equal(kc_worker_config_check(NULL, p, &r), KC_OK);
    kc_config_result_release(&r);
    for (size_t i = 0; i < KC_ARRAY_LEN(kv); i++) {
        kc_props_t *q = kc_props_copy(p);

        kc_props_set(q, kv[i][0], kv[i][1]);
        assert_int_equal(kc_worker_config_check(NULL, q, &r), KC_ERR_INVALID);
        if (r.count != 1 || !has_issue(&r, kv[i][0])) {
            fail_msg("%s=%s: %zu issue(s)", kv[i][0], kv[i][1], r.count);
        }
        kc_config_result_release(&r);
        kc_props_destroy(q);
    }
    kc_props_destroy(p);
}

/*
 * producer.enable.idempotence=true with a setting idempotence cannot work
 * with is refused at start naming the key; without it, the same setting
 * only turns kconnect's default idempotence off (Apache accepts it).
 */
static void test_idempotence_conflict_is_refused_at_start(void **state)
{
    kc_props_t *p = minimal_worker();
    kc_config_result_t r = {0};

    kc_props_set(p, "producer.acks", "1");
    assert_int_equal(kc_worker_config_check(NULL, p, &r), KC_OK);
    kc_config_result_release(&r);
    kc_props_set(p, "producer.enable.idempotence", "true");
    assert_int_equal(kc_worker_config_check(NULL, p, &r), KC_ERR_INVALID);
    assert_string_equal(kc_config_result_first(&r, "producer.acks"),
                        "invalid config \"producer.acks\": the idempotent "
                        "producer (producer.enable.idempotence=true) needs "
                        "acks all");
    assert_int_equal(r.count, 1);
    kc_config_result_release(&r);
    kc_props_destroy(p);
}

static void test_unknown_converter_class_is_an_issue(void **state)
{
    kc_registry_t *reg = test_registry();
    kc_props_t *p = minimal_worker();
    kc_config_result_t r = {0};

    assert_int_equal(kc_worker_config_check(reg, p, &r), KC_OK);
    kc_config_result_release(&r);
    kc_props_set(p, "value.converter", "com.example.Nope");
    assert_int_equal(kc_worker_config_check(reg, p, &r), KC_ERR_INVALID);
    assert_true(has_issue(&r, "value.converter"));
    assert_non_null(strstr(kc_config_result_first(&r, "value.converter"),
                           "com.example.Nope"));
    kc_config_result_release(&r);
    kc_props_destroy(p);
    kc_registry_destroy(reg);
}

static const char *conf_get(rd_kafka_conf_t *conf, const char *key, char *buf,
                            size_t size)
{
    size_t n = size;

    if (rd_kafka_conf_get(conf, key, buf, &n) != RD_KAFKA_CONF_OK) {
        return NULL;
    }
    return buf;
}

static void test_java_names_are_translated(void **state)
{
    kc_props_t *p = kc_props_new();
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    kc_error_t err;
    char buf[256];

    kc_props_set(p, "delivery.timeout.ms", "120000");
    kc_props_set(p, "buffer.memory", "33554432");
    kc_props_set(p, "max.request.size", "2000000");
    kc_props_set(p, "compression.type", "lz4");
    kc_props_set(p, "sasl.jaas.config",
                 "org.apache.kafka.common.security.plain.PlainLoginModule "
                 "required username=\"alice\" password=\"s3cret\";");
    assert_int_equal(kc_client_conf_apply(conf, KC_CLIENT_PRODUCER, p,
                                          "producer.", NULL, &err),
                     KC_OK);
    assert_string_equal(conf_get(conf, "message.timeout.ms", buf, sizeof(buf)),
                        "120000");
    assert_string_equal(
        conf_get(conf, "queue.buffering.max.kbytes", buf, sizeof(buf)),
        "32768");
    assert_string_equal(conf_get(conf, "message.max.bytes", buf, sizeof(buf)),
                        "2000000");
    assert_string_equal(conf_get(conf, "compression.codec", buf, sizeof(buf)),
                        "lz4");
    assert_string_equal(conf_get(conf, "sasl.username", buf, sizeof(buf)),
                        "alice");
    rd_kafka_conf_destroy(conf);
    kc_props_destroy(p);

    p = kc_props_new();
    conf = rd_kafka_conf_new();
    kc_props_set(p, "partition.assignment.strategy",
                 "org.apache.kafka.clients.consumer.RoundRobinAssignor");
    kc_props_set(p, "auto.offset.reset", "none");
    assert_int_equal(kc_client_conf_apply(conf, KC_CLIENT_CONSUMER, p,
                                          "consumer.", NULL, &err),
                     KC_OK);
    assert_string_equal(
        conf_get(conf, "partition.assignment.strategy", buf, sizeof(buf)),
        "roundrobin");
    assert_string_equal(conf_get(conf, "auto.offset.reset", buf, sizeof(buf)),
                        "error");
    rd_kafka_conf_destroy(conf);
    kc_props_destroy(p);
}

static void test_bad_client_value_names_the_prefixed_key(void **state)
{
    kc_props_t *p = kc_props_new();
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    kc_error_t err;

    kc_props_set(p, "linger.ms", "-5");
    assert_int_equal(kc_client_conf_apply(conf, KC_CLIENT_PRODUCER, p,
                                          "producer.override.", NULL, &err),
                     KC_ERR_INVALID);
    assert_non_null(strstr(err.msg, "\"producer.override.linger.ms\""));
    rd_kafka_conf_destroy(conf);
    kc_props_destroy(p);
}

/*
 * librdkafka counts topic.metadata.propagation.max.ms in microseconds in
 * an int, so above 2147483 ms the wait wraps negative: the worker's
 * setting and a connector's override are refused naming the key and the
 * bound instead of failing records at once.
 */
static void test_metadata_propagation_above_int_micros_is_refused(void **state)
{
    kc_props_t *p = minimal_worker();
    kc_props_t *o = kc_props_new();
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    kc_config_result_t r = {0};
    kc_error_t err;

    kc_props_set(p, "producer.topic.metadata.propagation.max.ms", "2147483");
    assert_int_equal(kc_worker_config_check(NULL, p, &r), KC_OK);
    kc_config_result_release(&r);
    memset(&r, 0, sizeof(r));
    kc_props_set(p, "producer.topic.metadata.propagation.max.ms", "2147484");
    assert_int_equal(kc_worker_config_check(NULL, p, &r), KC_ERR_INVALID);
    assert_string_equal(
        kc_config_result_first(&r,
                               "producer.topic.metadata.propagation.max.ms"),
        "must be at most 2147483 (librdkafka counts it in microseconds in a "
        "32-bit int)");
    assert_int_equal(r.count, 1);
    kc_config_result_release(&r);
    kc_props_set(o, "topic.metadata.propagation.max.ms", "3600000");
    assert_int_equal(kc_client_conf_apply(conf, KC_CLIENT_PRODUCER, o,
                                          "producer.override.", NULL, &err),
                     KC_ERR_INVALID);
    assert_string_equal(err.msg, "invalid config "
                                 "\"producer.override.topic.metadata."
                                 "propagation.max.ms\": must be at most "
                                 "2147483 (librdkafka counts it in "
                                 "microseconds in a 32-bit int)");
    rd_kafka_conf_destroy(conf);
    kc_props_destroy(o);
    kc_props_destroy(p);
}

/* The worker bounds its admin calls with it (GET .../offsets of a sink). */
static void test_admin_default_api_timeout_is_checked(void **state)
{
    kc_props_t *p = minimal_worker();
    kc_config_result_t r = {0};

    kc_props_set(p, "admin.default.api.timeout.ms", "5000");
    assert_int_equal(kc_worker_config_check(NULL, p, &r), KC_OK);
    kc_config_result_release(&r);
    memset(&r, 0, sizeof(r));
    kc_props_set(p, "admin.default.api.timeout.ms", "soon");
    assert_int_equal(kc_worker_config_check(NULL, p, &r), KC_ERR_INVALID);
    assert_true(has_issue(&r, "admin.default.api.timeout.ms"));
    kc_config_result_release(&r);
    kc_props_destroy(p);
}

static void test_sink_needs_exactly_one_of_topics_and_regex(void **state)
{
    kc_props_t *p = kc_props_new();
    kc_config_result_t r = {0};

    kc_connector_config_check(NULL, p, true, &r);
    assert_string_equal(kc_config_result_first(&r, "topics"),
                        "Must configure one of topics or topics.regex");
    kc_config_result_release(&r);

    kc_props_set(p, "topics", "a,b");
    kc_props_set(p, "topics.regex", "c.*");
    kc_connector_config_check(NULL, p, true, &r);
    assert_string_equal(kc_config_result_first(&r, "topics.regex"),
                        "topics and topics.regex are mutually exclusive "
                        "options, but both are set.");
    kc_config_result_release(&r);

    kc_props_remove(p, "topics.regex");
    kc_connector_config_check(NULL, p, true, &r);
    assert_int_equal(r.count, 0);
    kc_config_result_release(&r);
    kc_props_destroy(p);
}

/* Apache: ConfigDef's RegexValidator on topics.regex (java.util.regex). */
static void test_topics_regex_is_a_java_regex(void **state)
{
    kc_props_t *p = kc_props_new();
    kc_config_result_t r = {0};

    (void)state;
    kc_props_set(p, "topics.regex", "orders\\.(?=eu|us)(?<region>\\w+)");
    kc_connector_config_check(NULL, p, true, &r);
    assert_int_equal(r.count, 0);
    kc_config_result_release(&r);

    kc_props_set(p, "topics.regex", "(abc");
    kc_connector_config_check(NULL, p, true, &r);
    assert_string_equal(kc_config_result_first(&r, "topics.regex"),
                        "Invalid value (abc for configuration topics.regex: "
                        "Invalid regex: Unclosed group near index 4\n(abc");
    kc_config_result_release(&r);

    /* SinkConnectorConfig.validate: the DLQ topic may not match. */
    kc_props_set(p, "topics.regex", "(?i)ORDERS.*");
    kc_props_set(p, "errors.deadletterqueue.topic.name", " orders-dlq ");
    kc_connector_config_check(NULL, p, true, &r);
    assert_string_equal(kc_config_result_first(&r, "topics.regex"),
                        "The DLQ topic 'orders-dlq' may not be matched by the "
                        "regex for the topics ('topics.regex=(?i)ORDERS.*') "
                        "consumed by the connector");
    kc_config_result_release(&r);
    kc_props_destroy(p);
}

/* Apache: TopicCreationConfig's REGEX_VALIDATOR on include/exclude. */
static void test_topic_creation_patterns_are_java_regexes(void **state)
{
    kc_props_t *p = kc_props_new();
    kc_config_result_t r = {0};

    (void)state;
    kc_props_set(p, "topic.creation.default.replication.factor", "1");
    kc_props_set(p, "topic.creation.default.partitions", "1");
    kc_props_set(p, "topic.creation.groups", "g");
    kc_props_set(p, "topic.creation.g.include", "(?i)orders-.*, (?!tmp).*");
    kc_connector_config_check(NULL, p, false, &r);
    assert_int_equal(r.count, 0);
    kc_config_result_release(&r);

    kc_props_set(p, "topic.creation.g.exclude", "a, [b");
    kc_connector_config_check(NULL, p, false, &r);
    assert_string_equal(kc_config_result_first(&r, "topic.creation.g.exclude"),
                        "Invalid value [a, [b] for configuration "
                        "topic.creation.g.exclude: Syntax error in regular "
                        "expression: Unclosed character class near index 1\n"
                        "[b\n ^");
    kc_config_result_release(&r);
    kc_props_destroy(p);
}

static void test_transform_alias_needs_a_known_type(void **state)
{
    kc_registry_t *reg = test_registry();
    kc_props_t *p = kc_props_new();
    kc_config_result_t r = {0};

    kc_props_set(p, "transforms", "a,b");
    kc_props_set(p, "transforms.b.type", "com.example.Nope");
    kc_connector_config_check(reg, p, false, &r);
    assert_true(has_issue(&r, "transforms.a.type"));
    assert_true(has_issue(&r, "transforms.b.type"));
    assert_int_equal(r.count, 2);
    kc_config_result_release(&r);
    kc_props_destroy(p);
    kc_registry_destroy(reg);
}

static void test_topic_creation_needs_default_settings(void **state)
{
    kc_props_t *p = kc_props_new();
    kc_config_result_t r = {0};

    kc_props_set(p, "topic.creation.groups", "g");
    kc_props_set(p, "topic.creation.default.partitions", "0");
    kc_connector_config_check(NULL, p, false, &r);
    assert_true(has_issue(&r, "topic.creation.default.replication.factor"));
    assert_true(has_issue(&r, "topic.creation.default.partitions"));
    kc_config_result_release(&r);

    kc_props_set(p, "topic.creation.default.partitions", "-1");
    kc_props_set(p, "topic.creation.default.replication.factor", "1");
    kc_connector_config_check(NULL, p, false, &r);
    assert_int_equal(r.count, 0);
    kc_config_result_release(&r);
    kc_props_destroy(p);
}

/*
 * Each group's partitions and replication.factor are checked as Apache's
 * TopicCreationConfig checks them (the texts are those of its 4.1.1
 * validators and ConfigDef's SHORT parse); another group inherits the
 * default group's values.
 */
static void test_topic_creation_numbers_are_checked_as_apache(void **state)
{
    kc_props_t *p = kc_props_new();
    kc_config_result_t r = {0};
    kc_topic_creation_conf_t tc;
    kc_error_t err;

    kc_props_set(p, "topic.creation.groups", "g");
    kc_props_set(p, "topic.creation.default.partitions", "0");
    kc_props_set(p, "topic.creation.default.replication.factor", "x");
    kc_props_set(p, "topic.creation.g.partitions", "-2");
    kc_connector_config_check(NULL, p, false, &r);
    assert_string_equal(
        kc_config_result_first(&r, "topic.creation.default.partitions"),
        "Invalid value 0 for configuration topic.creation.default.partitions: "
        "Number of partitions must be positive, or -1 to use the broker's "
        "default");
    assert_string_equal(
        kc_config_result_first(&r, "topic.creation.default.replication.factor"),
        "Invalid value x for configuration "
        "topic.creation.default.replication.factor: Not a number of type "
        "SHORT");
    assert_string_equal(
        kc_config_result_first(&r, "topic.creation.g.partitions"),
        "Invalid value -2 for configuration topic.creation.g.partitions: "
        "Number of partitions must be positive, or -1 to use the broker's "
        "default");
    kc_config_result_release(&r);

    kc_props_set(p, "topic.creation.default.partitions", "3");
    kc_props_set(p, "topic.creation.default.replication.factor", "-1");
    kc_props_set(p, "topic.creation.g.partitions", "5");
    assert_int_equal(kc_topic_creation_bind(p, "g", &tc, &err), KC_OK);
    assert_int_equal(tc.partitions, 5);
    assert_int_equal(tc.replication_factor, -1);
    assert_int_equal(kc_topic_creation_bind(p, "default", &tc, &err), KC_OK);
    assert_int_equal(tc.partitions, 3);
    kc_props_destroy(p);
}

static void test_connector_common_defaults(void **state)
{
    const kc_config_def_t *const defs[] = {kc_connector_common_def(),
                                           kc_sink_connector_def(), NULL};
    kc_props_t *p = kc_props_new();
    kc_error_t err;
    kc_config_t *c;

    kc_props_set(p, "name", "x");
    kc_props_set(p, "connector.class", "CaptureSink");
    kc_props_set(p, "topics", "t");
    c = kc_config_new(defs, p, &err);
    assert_non_null(c);
    assert_int_equal(kc_config_int(c, "tasks.max"), 1);
    assert_string_equal(kc_config_string(c, "errors.tolerance"), "none");
    assert_int_equal(kc_config_long(c, "errors.retry.timeout"), 0);
    assert_int_equal(kc_config_long(c, "errors.retry.delay.max.ms"), 60000);
    assert_false(kc_config_bool(c, "errors.log.enable"));
    assert_string_equal(kc_config_string(c, "config.action.reload"), "restart");
    assert_string_equal(
        kc_config_string(c, "errors.deadletterqueue.topic.name"), "");
    kc_config_destroy(c);

    kc_props_set(p, "tasks.max", "0");
    kc_props_set(p, "errors.tolerance", "some");
    assert_null(kc_config_new(defs, p, &err));
    assert_non_null(strstr(err.msg, "tasks.max"));
    assert_non_null(strstr(err.msg, "errors.tolerance"));
    kc_props_destroy(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_worker_defaults_are_apaches),
        cmocka_unit_test(test_missing_required_keys_are_all_listed),
        cmocka_unit_test(test_client_settings_are_checked),
        cmocka_unit_test(test_log_debug_turns_on_debug_for_its_areas),
        cmocka_unit_test(test_log_debug_refuses_unknown_areas_naming_the_key),
        cmocka_unit_test(test_client_debug_passes_through_to_librdkafka),
        cmocka_unit_test(test_unknown_converter_class_is_an_issue),
        cmocka_unit_test(test_java_names_are_translated),
        cmocka_unit_test(test_bad_client_value_names_the_prefixed_key),
        cmocka_unit_test(test_sink_needs_exactly_one_of_topics_and_regex),
        cmocka_unit_test(test_topics_regex_is_a_java_regex),
        cmocka_unit_test(test_topic_creation_patterns_are_java_regexes),
        cmocka_unit_test(test_transform_alias_needs_a_known_type),
        cmocka_unit_test(test_topic_creation_needs_default_settings),
        cmocka_unit_test(test_topic_creation_numbers_are_checked_as_apache),
        cmocka_unit_test(test_connector_common_defaults),
        cmocka_unit_test(test_admin_default_api_timeout_is_checked),
        cmocka_unit_test(test_metadata_propagation_above_int_micros_is_refused),
        cmocka_unit_test(test_unimplemented_security_settings_are_refused),
        cmocka_unit_test(test_unprefixed_keystore_matters_only_to_ssl_clients),
        cmocka_unit_test(test_top_level_security_settings_reach_admin_clients),
        cmocka_unit_test(test_idempotence_conflict_is_refused_at_start),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
