/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Golden data for kconnect's distributed worker config: Apache's own
 * DistributedConfig (connect-runtime) parses a minimal valid worker config
 * with one key changed (or removed) per case and reports either the
 * ConfigException text or the value the key ends up with. A final line
 * lists the default of every distributed-only key.
 *   java -cp <connect-runtime classpath> GenDistributedConfigGolden.java OUT
 */
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.runtime.distributed.DistributedConfig;

public class GenDistributedConfigGolden {
    static String q(Object o) {
        if (o == null) {
            return "null";
        }
        String s = o.toString();
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    static Map<String, String> base() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("bootstrap.servers", "localhost:9092");
        m.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        m.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        m.put("group.id", "connect-cluster");
        m.put("config.storage.topic", "connect-configs");
        m.put("offset.storage.topic", "connect-offsets");
        m.put("status.storage.topic", "connect-status");
        return m;
    }

    /* key, value (null: the key removed) */
    static final String[][] CASES = {
        {"group.id", null},
        {"config.storage.topic", null},
        {"offset.storage.topic", null},
        {"status.storage.topic", null},
        {"session.timeout.ms", "abc"},
        {"session.timeout.ms", "-5"},
        {"heartbeat.interval.ms", "1.5"},
        {"rebalance.timeout.ms", "120000"},
        {"worker.sync.timeout.ms", "x"},
        {"worker.unsync.backoff.ms", "1000"},
        {"offset.storage.partitions", "0"},
        {"offset.storage.partitions", "-1"},
        {"offset.storage.partitions", "-2"},
        {"offset.storage.partitions", "50"},
        {"offset.storage.replication.factor", "0"},
        {"offset.storage.replication.factor", "-1"},
        {"offset.storage.replication.factor", "40000"},
        {"offset.storage.replication.factor", "abc"},
        {"config.storage.replication.factor", "-3"},
        {"config.storage.replication.factor", "1"},
        {"status.storage.partitions", "0"},
        {"status.storage.replication.factor", "0"},
        {"connect.protocol", "foo"},
        {"connect.protocol", "EAGER"},
        {"connect.protocol", "eager"},
        {"connect.protocol", "compatible"},
        {"scheduled.rebalance.max.delay.ms", "-1"},
        {"scheduled.rebalance.max.delay.ms", "2147483648"},
        {"scheduled.rebalance.max.delay.ms", "0"},
        {"inter.worker.key.ttl.ms", "-1"},
        {"inter.worker.key.generation.algorithm", "NoSuchAlgo"},
        {"inter.worker.key.generation.algorithm", "HmacSHA512"},
        {"inter.worker.signature.algorithm", "NoSuchMac"},
        {"inter.worker.signature.algorithm", "HmacSHA1"},
        {"inter.worker.verification.algorithms", "NoSuchMac"},
        {"inter.worker.verification.algorithms", ""},
        {"inter.worker.verification.algorithms", "HmacSHA1,HmacSHA256"},
        {"inter.worker.key.size", "7"},
        {"inter.worker.key.size", "abc"},
        {"inter.worker.key.size", "256"},
        {"exactly.once.source.support", "foo"},
        {"exactly.once.source.support", "ENABLED"},
        {"exactly.once.source.support", "preparing"},
        {"metadata.max.age.ms", "-1"},
        {"request.timeout.ms", "-1"},
        {"send.buffer.bytes", "-2"},
        {"receive.buffer.bytes", "-1"},
        {"reconnect.backoff.ms", "-1"},
        {"retry.backoff.ms", "-1"},
        {"metadata.recovery.strategy", "sometimes"},
        {"metadata.recovery.strategy", "NONE"},
    };

    public static void main(String[] args) throws Exception {
        try (PrintWriter out = new PrintWriter(args[0], "UTF-8")) {
            for (String[] c : CASES) {
                Map<String, String> m = base();
                if (c[1] == null) {
                    m.remove(c[0]);
                } else {
                    m.put(c[0], c[1]);
                }
                String error = null;
                Object value = null;
                try {
                    DistributedConfig dc = new DistributedConfig(m);
                    value = dc.originals().containsKey(c[0]) || c[1] == null
                            ? dc.values().get(c[0]) : null;
                } catch (ConfigException e) {
                    error = e.getMessage();
                }
                out.println("{\"key\":" + q(c[0]) + ",\"value\":" + q(c[1])
                        + ",\"error\":" + q(error) + ",\"parsed\":" + q(value) + "}");
            }
            DistributedConfig dc = new DistributedConfig(base());
            StringBuilder d = new StringBuilder();
            for (String k : List.of("session.timeout.ms", "rebalance.timeout.ms",
                    "heartbeat.interval.ms", "worker.sync.timeout.ms",
                    "worker.unsync.backoff.ms", "offset.storage.partitions",
                    "offset.storage.replication.factor", "config.storage.replication.factor",
                    "status.storage.partitions", "status.storage.replication.factor",
                    "connect.protocol", "scheduled.rebalance.max.delay.ms",
                    "inter.worker.key.ttl.ms", "inter.worker.key.generation.algorithm",
                    "inter.worker.key.size", "inter.worker.signature.algorithm",
                    "inter.worker.verification.algorithms", "exactly.once.source.support",
                    "metadata.max.age.ms", "request.timeout.ms", "client.id",
                    "metadata.recovery.strategy")) {
                Object v = dc.values().get(k);
                if (v instanceof List<?> l) {
                    v = String.join(",", l.stream().map(Object::toString).toList());
                }
                d.append(d.length() > 0 ? "," : "").append(q(k)).append(':').append(q(v));
            }
            out.println("{\"defaults\":{" + d + "}}");
        }
    }
}
