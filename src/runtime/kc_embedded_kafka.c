/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The embedded Kafka: a librdkafka mock cluster owned by a private client
 * handle (the mock cluster lives on that handle's threads).
 */
#include "kc_internal.h"

#include "runtime/kc_embedded_kafka.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

struct kc_embedded_kafka {
    rd_kafka_t *rk;
    rd_kafka_mock_cluster_t *mcluster;
    char *bootstraps;
};

kc_embedded_kafka_t *kc_embedded_kafka_start(int brokers, kc_error_t *err)
{
    char errstr[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    kc_embedded_kafka_t *ek;
    rd_kafka_t *rk;

    /* The owner handle never talks to a broker: keep it quiet. */
    rd_kafka_conf_set(conf, "log_level", "3", NULL, 0);
    rd_kafka_conf_set(conf, "client.id", "kconnect-embedded-kafka", NULL, 0);
    rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
    if (rk == NULL) {
        rd_kafka_conf_destroy(conf);
        kc_error_set(err, KC_ERR_KAFKA,
                     "could not start the embedded Kafka: %s", errstr);
        return NULL;
    }
    ek = kc_calloc(1, sizeof(*ek));
    ek->rk = rk;
    ek->mcluster = rd_kafka_mock_cluster_new(rk, brokers);
    if (ek->mcluster == NULL) {
        kc_error_set(err, KC_ERR_KAFKA,
                     "could not start the embedded Kafka: mock cluster "
                     "creation failed");
        kc_embedded_kafka_destroy(ek);
        return NULL;
    }
    ek->bootstraps = kc_strdup(rd_kafka_mock_cluster_bootstraps(ek->mcluster));
    return ek;
}

const char *kc_embedded_kafka_bootstraps(const kc_embedded_kafka_t *ek)
{
    return ek->bootstraps;
}

kc_err_t kc_embedded_kafka_create_topic(kc_embedded_kafka_t *ek,
                                        const char *topic, int partitions,
                                        kc_error_t *err)
{
    rd_kafka_resp_err_t rerr = rd_kafka_mock_topic_create(
        ek->mcluster, topic, partitions > 0 ? partitions : 1, 1);

    if (rerr != RD_KAFKA_RESP_ERR_NO_ERROR &&
        rerr != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
        return kc_error_set(err, KC_ERR_KAFKA,
                            "could not create topic \"%s\" in the embedded "
                            "Kafka: %s",
                            topic, rd_kafka_err2str(rerr));
    }
    return KC_OK;
}

void *kc_embedded_kafka_mock(kc_embedded_kafka_t *ek)
{
    return ek->mcluster;
}

void kc_embedded_kafka_destroy(kc_embedded_kafka_t *ek)
{
    if (ek == NULL) {
        return;
    }
    if (ek->mcluster != NULL) {
        rd_kafka_mock_cluster_destroy(ek->mcluster);
    }
    rd_kafka_destroy(ek->rk);
    kc_free(ek->bootstraps);
    kc_free(ek);
}
