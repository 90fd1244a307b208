/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Writes the offsets file an Apache Kafka Connect standalone worker leaves
 * behind for Confluent's JDBC source in the timestamp and
 * timestamp+incrementing modes, with Apache's own classes (the
 * FileOffsetBackingStore behind an OffsetStorageWriter, JsonConverter keys
 * and values with schemas off, as the Worker sets them up). The offsets
 * are shaped as kafka-connect-jdbc's TimestampIncrementingOffset.toMap
 * builds them from a java.sql.Timestamp: "timestamp" = getTime() (epoch
 * millis), "timestamp_nanos" = (long) getNanos(), "incrementing" a Long;
 * partitions as OffsetProtocols' current form. Confluent's own jar is not
 * on Maven Central, so this is the documented shape, not its output.
 *
 *   java -cp <connect-runtime classpath> GenJdbcTimestampOffsetsFile.java <file>
 */
import java.io.File;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.runtime.standalone.StandaloneConfig;
import org.apache.kafka.connect.storage.FileOffsetBackingStore;
import org.apache.kafka.connect.storage.OffsetStorageWriter;

public class GenJdbcTimestampOffsetsFile {
    static Map<String, Object> partition(String table) {
        Map<String, Object> part = new HashMap<>();
        part.put("protocol", "1");
        part.put("table", table);
        return part;
    }

    static Map<String, Object> offset(Long incrementing, Timestamp ts) {
        Map<String, Object> map = new HashMap<>(3);
        if (incrementing != null) {
            map.put("incrementing", incrementing);
        }
        map.put("timestamp", ts.getTime());
        map.put("timestamp_nanos", (long) ts.getNanos());
        return map;
    }

    public static void main(String[] args) throws Exception {
        String file = args[0];
        new File(file).delete();

        Map<String, String> props = new HashMap<>();
        props.put("bootstrap.servers", "localhost:9092");
        props.put("key.converter", JsonConverter.class.getName());
        props.put("value.converter", JsonConverter.class.getName());
        props.put("offset.storage.file.filename", file);
        StandaloneConfig config = new StandaloneConfig(props);

        JsonConverter keyConverter = new JsonConverter();
        keyConverter.configure(Map.of("schemas.enable", "false"), true);
        JsonConverter valueConverter = new JsonConverter();
        valueConverter.configure(Map.of("schemas.enable", "false"), false);

        FileOffsetBackingStore store = new FileOffsetBackingStore(keyConverter);
        store.configure(config);
        store.start();
        OffsetStorageWriter writer = new OffsetStorageWriter(
                store, "apache-jdbc-ts-resume", keyConverter, valueConverter);

        /* mode=timestamp: the row at 10:00:30.123456 was the last one sent */
        writer.offset(partition("kc_apache_offsets.events_ts"),
                offset(null, Timestamp.from(Instant.parse("2024-03-01T10:00:30.123456Z"))));
        /* mode=timestamp+incrementing: id 32 of the four rows at 10:00:08.5 */
        writer.offset(partition("kc_apache_offsets.events_tsi"),
                offset(32L, Timestamp.from(Instant.parse("2024-03-01T10:00:08.500Z"))));

        if (!writer.beginFlush(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("nothing to flush");
        }
        writer.doFlush((error, result) -> {
            if (error != null) {
                throw new RuntimeException(error);
            }
        }).get(10, TimeUnit.SECONDS);
        store.stop();
    }
}
