/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Golden data for the texts of a source record Kafka refuses: the
 * exception class and message Apache's KafkaProducer reports (which Apache
 * Connect puts in its log and task trace, and kconnect in the dead letter
 * queue headers), and the serialized size the producer's message quotes
 * (AbstractRecords.estimateSizeInBytesUpperBound).
 *
 * Needs a running broker (first argument, bootstrap servers); writes
 * producer_errors_golden.jsonl (second argument). Run by
 * tests/golden/generate when a broker answers; never by the build or the
 * unit tests (tests/unit/test_producer_errors.c reads the file).
 */
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

public class GenProducerErrors {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static ObjectNode send(String id, Map<String, Object> conf, String topic, int size) {
        ObjectNode c = MAPPER.createObjectNode();
        c.put("id", id);
        c.put("topic", topic);
        c.put("value_len", size);
        Map<String, Object> p = new HashMap<>(conf);
        p.put("key.serializer", ByteArraySerializer.class.getName());
        p.put("value.serializer", ByteArraySerializer.class.getName());
        p.put("max.block.ms", "10000");
        p.put("delivery.timeout.ms", "20000");
        p.put("request.timeout.ms", "10000");
        if (p.containsKey("max.request.size")) {
            c.put("max_request_size", p.get("max.request.size").toString());
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            producer.send(new ProducerRecord<>(topic, new byte[size])).get();
            c.putNull("error_class");
        } catch (ExecutionException e) {
            c.put("error_class", e.getCause().getClass().getName());
            c.put("error_message", e.getCause().getMessage());
        } catch (Exception e) {
            c.put("error_class", e.getClass().getName());
            c.put("error_message", e.getMessage());
        }
        return c;
    }

    private static ObjectNode size(String id, byte[] key, byte[] value, Header[] headers) {
        ObjectNode c = MAPPER.createObjectNode();
        c.put("id", id);
        if (key == null) {
            c.putNull("key_len");
        } else {
            c.put("key_len", key.length);
        }
        if (value == null) {
            c.putNull("value_len");
        } else {
            c.put("value_len", value.length);
        }
        var hs = c.putArray("headers");
        for (Header h : headers) {
            var a = hs.addArray();
            a.add(h.key());
            if (h.value() == null) {
                a.addNull();
            } else {
                a.add(h.value().length);
            }
        }
        c.put("size", AbstractRecords.estimateSizeInBytesUpperBound(
            RecordBatch.CURRENT_MAGIC_VALUE, CompressionType.NONE, key, value, headers));
        return c;
    }

    public static void main(String[] args) throws Exception {
        String bs = args[0];
        String small = "golden-small-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bs))) {
            admin.createTopics(List.of(new NewTopic(small, 1, (short) 1)
                .configs(Map.of("max.message.bytes", "1000")))).all().get();
        }
        try (BufferedWriter w = Files.newBufferedWriter(Path.of(args[1]), StandardCharsets.UTF_8)) {
            List<ObjectNode> out = List.of(
                send("local_too_large", Map.of("bootstrap.servers", bs, "max.request.size", "20000"),
                     small + "-other", 30000),
                send("bad_topic_name", Map.of("bootstrap.servers", bs), "bad topic!", 10),
                send("broker_too_large", Map.of("bootstrap.servers", bs), small, 5000),
                size("size_value_only", null, new byte[30000], new Header[0]),
                size("size_small", "k".getBytes(), "v".getBytes(), new Header[0]),
                size("size_null_value", "key".getBytes(), null, new Header[0]),
                size("size_headers", new byte[200], new byte[70000], new Header[] {
                    new RecordHeader("trace-id", new byte[16]),
                    new RecordHeader("empty", null),
                    new RecordHeader("h", new byte[300])}));
            for (ObjectNode c : out) {
                w.write(MAPPER.writeValueAsString(c));
                w.write('\n');
            }
        }
    }
}
