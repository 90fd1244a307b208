/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Byte-exact Kafka I/O for the differential suite (tests/compat), run with
 * Java's single-file launcher on the Apache Connect classpath (kafka-clients
 * and Jackson are on it):
 *
 *   java -cp '<apache-connect jars>/*' KafkaIO.java <bootstrap>
 *
 * One JVM serves the whole run: it reads one JSON command per line on stdin
 * and answers one JSON line on stdout.
 *
 *   {"op":"produce","records":[{"topic":..,"key":..,"value":..,
 *        "headers":[[k,v],..],"timestamp":..}]}   strings or null;
 *        "value_b64" instead of "value" gives raw bytes
 *   {"op":"create","topics":[..]}        one partition each, no retention
 *   {"op":"end","topics":[..]}           -> {"ends":{topic: count}}
 *   {"op":"committed","groups":[..]}     -> {"committed":{group: sum}}
 *   {"op":"delete","prefixes":[..]}      deletes the topics named so
 *   {"op":"consume","topics":[..]}       -> {"records":{topic:[{"key":b64,
 *        "value":b64,"headers":[[k,b64]],"partition":p}]},
 *        "partitions":{topic: count}} up to the end
 *
 * kcat's text formats are not binary-safe for headers, hence this tool.
 */

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

public class KafkaIO {
    static final ObjectMapper M = new ObjectMapper();

    static byte[] bytes(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        return n.asText().getBytes(StandardCharsets.UTF_8);
    }

    static String b64(byte[] b) {
        return b == null ? null : Base64.getEncoder().encodeToString(b);
    }

    static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> c,
                                           JsonNode topics) {
        List<TopicPartition> tps = new ArrayList<>();
        Map<String, List<PartitionInfo>> all = c.listTopics(Duration.ofSeconds(30));
        for (JsonNode t : topics) {
            List<PartitionInfo> ps = all.get(t.asText());
            if (ps == null) {
                continue;
            }
            for (PartitionInfo p : ps) {
                tps.add(new TopicPartition(p.topic(), p.partition()));
            }
        }
        return tps;
    }

    public static void main(String[] args) throws Exception {
        Properties pp = new Properties();
        pp.put("bootstrap.servers", args[0]);
        pp.put("acks", "all");
        pp.put("key.serializer", ByteArraySerializer.class.getName());
        pp.put("value.serializer", ByteArraySerializer.class.getName());
        Properties cp = new Properties();
        cp.put("bootstrap.servers", args[0]);
        cp.put("enable.auto.commit", "false");
        cp.put("key.deserializer", ByteArrayDeserializer.class.getName());
        cp.put("value.deserializer", ByteArrayDeserializer.class.getName());
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cp);
        Properties ap = new Properties();
        ap.put("bootstrap.servers", args[0]);
        Admin admin = Admin.create(ap);
        BufferedReader in = new BufferedReader(
            new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            JsonNode cmd = M.readTree(line);
            ObjectNode out = M.createObjectNode();
            try {
                switch (cmd.get("op").asText()) {
                    case "produce": {
                        for (JsonNode r : cmd.get("records")) {
                            ProducerRecord<byte[], byte[]> pr = new ProducerRecord<>(
                                r.get("topic").asText(), null,
                                r.hasNonNull("timestamp") ? r.get("timestamp").asLong() : null,
                                bytes(r.get("key")),
                                r.hasNonNull("value_b64")
                                    ? Base64.getDecoder().decode(r.get("value_b64").asText())
                                    : bytes(r.get("value")));
                            if (r.has("headers")) {
                                for (JsonNode h : r.get("headers")) {
                                    pr.headers().add(h.get(0).asText(), bytes(h.get(1)));
                                }
                            }
                            producer.send(pr);
                        }
                        producer.flush();
                        out.put("ok", true);
                        break;
                    }
                    case "create": {
                        List<NewTopic> nts = new ArrayList<>();
                        for (JsonNode t : cmd.get("topics")) {
                            /* The inputs carry a fixed timestamp from 2021:
                               without this the broker's retention check may
                               delete them before a sink reads them. */
                            nts.add(new NewTopic(t.asText(), 1, (short) 1)
                                        .configs(Map.of("retention.ms", "-1")));
                        }
                        admin.createTopics(nts).values().forEach((t, f) -> {
                            try {
                                f.get();
                            } catch (Exception e) {
                                /* already there: fine */
                            }
                        });
                        out.put("ok", true);
                        break;
                    }
                    case "delete": {
                        /* every topic whose name starts with one of the
                           given prefixes (a run's own topics) */
                        List<String> victims = new ArrayList<>();
                        for (String t : admin.listTopics().names().get()) {
                            for (JsonNode p : cmd.get("prefixes")) {
                                if (t.startsWith(p.asText())) {
                                    victims.add(t);
                                }
                            }
                        }
                        if (!victims.isEmpty()) {
                            admin.deleteTopics(victims).all().get();
                        }
                        out.put("deleted", victims.size());
                        break;
                    }
                    case "committed": {
                        Map<String, ListConsumerGroupOffsetsSpec> specs = new HashMap<>();
                        for (JsonNode g : cmd.get("groups")) {
                            specs.put(g.asText(), new ListConsumerGroupOffsetsSpec());
                        }
                        ObjectNode c = out.putObject("committed");
                        Map<String, Map<TopicPartition, OffsetAndMetadata>> all =
                            admin.listConsumerGroupOffsets(specs).all().get();
                        for (Map.Entry<String, Map<TopicPartition, OffsetAndMetadata>> en :
                             all.entrySet()) {
                            long sum = 0;
                            for (OffsetAndMetadata om : en.getValue().values()) {
                                if (om != null) {
                                    sum += om.offset();
                                }
                            }
                            c.put(en.getKey(), sum);
                        }
                        break;
                    }
                    case "end": {
                        List<TopicPartition> tps = partitions(consumer, cmd.get("topics"));
                        Map<TopicPartition, Long> ends = consumer.endOffsets(tps);
                        ObjectNode e = out.putObject("ends");
                        for (Map.Entry<TopicPartition, Long> en : ends.entrySet()) {
                            String t = en.getKey().topic();
                            e.put(t, e.path(t).asLong(0) + en.getValue());
                        }
                        break;
                    }
                    case "consume": {
                        List<TopicPartition> tps = partitions(consumer, cmd.get("topics"));
                        consumer.assign(tps);
                        consumer.seekToBeginning(tps);
                        Map<TopicPartition, Long> ends = consumer.endOffsets(tps);
                        Map<TopicPartition, Long> pos = new HashMap<>();
                        ObjectNode recs = out.putObject("records");
                        ObjectNode nparts = out.putObject("partitions");
                        for (JsonNode t : cmd.get("topics")) {
                            recs.putArray(t.asText());
                            nparts.put(t.asText(), 0);
                        }
                        for (TopicPartition tp : tps) {
                            nparts.put(tp.topic(), nparts.get(tp.topic()).asInt() + 1);
                        }
                        long deadline = System.currentTimeMillis() + 60000;
                        while (System.currentTimeMillis() < deadline) {
                            boolean done = true;
                            for (TopicPartition tp : tps) {
                                if (pos.getOrDefault(tp, 0L) < ends.get(tp)) {
                                    done = false;
                                }
                            }
                            if (done) {
                                break;
                            }
                            for (ConsumerRecord<byte[], byte[]> r :
                                 consumer.poll(Duration.ofMillis(500))) {
                                TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                                if (r.offset() >= ends.get(tp)) {
                                    continue;
                                }
                                pos.put(tp, r.offset() + 1);
                                ObjectNode o = ((ArrayNode) recs.get(r.topic())).addObject();
                                o.put("partition", r.partition());
                                o.put("key", b64(r.key()));
                                o.put("value", b64(r.value()));
                                ArrayNode hs = o.putArray("headers");
                                for (Header h : r.headers()) {
                                    ArrayNode ha = hs.addArray();
                                    ha.add(h.key());
                                    ha.add(b64(h.value()));
                                }
                            }
                        }
                        consumer.unsubscribe();
                        break;
                    }
                    default:
                        out.put("error", "unknown op");
                }
            } catch (Exception e) {
                out.put("error", e.toString());
            }
            System.out.println(M.writeValueAsString(out));
            System.out.flush();
        }
        producer.close();
        consumer.close();
        admin.close();
    }
}
