/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Writes the offsets file an Apache Kafka Connect standalone worker leaves
 * behind for Confluent's JDBC source, with Apache's own classes: the
 * FileOffsetBackingStore behind an OffsetStorageWriter, keys and values
 * through the JsonConverter (schemas off) as the Worker sets them up.
 * Partitions and offsets are HashMaps shaped as kafka-connect-jdbc builds
 * them (OffsetProtocols, TimestampIncrementingOffset.toMap).
 *
 *   java -cp <connect-runtime classpath> GenJdbcOffsetsFile.java <file>
 */
import java.io.File;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.runtime.standalone.StandaloneConfig;
import org.apache.kafka.connect.storage.FileOffsetBackingStore;
import org.apache.kafka.connect.storage.OffsetStorageWriter;

public class GenJdbcOffsetsFile {
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
                store, "apache-jdbc-resume", keyConverter, valueConverter);

        /* The current protocol: {"protocol":"1","table":<fqn>}. */
        Map<String, Object> part = new HashMap<>();
        part.put("protocol", "1");
        part.put("table", "orders");
        Map<String, Object> off = new HashMap<>();
        off.put("incrementing", 60L);
        writer.offset(part, off);

        /* The legacy form older connector versions wrote: {"table":<name>}. */
        Map<String, Object> legacy = new HashMap<>();
        legacy.put("table", "legacy_orders");
        Map<String, Object> legacyOff = new HashMap<>();
        legacyOff.put("incrementing", 30L);
        writer.offset(legacy, legacyOff);

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
