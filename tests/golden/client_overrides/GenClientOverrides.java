/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Two things from Apache Kafka 4.1.1's own classes, for the client
 * override keys PUT /connector-plugins/{class}/config/validate lists:
 *
 *   defs OUT.h     the producer, consumer and admin client keys
 *                  (ProducerConfig/ConsumerConfig/AdminClientConfig
 *                  .configDef(): name, type, default as Connect prints it,
 *                  importance, group, order, width, display name) as C
 *                  kc_config_def_t rows. Apache's documentation text is
 *                  not copied: every row gets one kconnect-written line.
 *   golden OUT     for each case below, the entries AbstractHerder's
 *                  client-override step adds to a validate answer: its
 *                  private static validateClientOverrides, called by
 *                  reflection for the clients Apache's connectorUses*
 *                  rules pick (producer, consumer, admin, merged in that
 *                  order), serialized by Connect's own Jackson entities;
 *                  or the exception class and message when it throws.
 *
 *   java -cp <connect-runtime classpath> GenClientOverrides.java defs|golden OUT
 */
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.internals.Plugin;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.connector.policy.AllConnectorClientConfigOverridePolicy;
import org.apache.kafka.connect.connector.policy.ConnectorClientConfigOverridePolicy;
import org.apache.kafka.connect.connector.policy.ConnectorClientConfigRequest;
import org.apache.kafka.connect.connector.policy.NoneConnectorClientConfigOverridePolicy;
import org.apache.kafka.connect.connector.policy.PrincipalConnectorClientConfigOverridePolicy;
import org.apache.kafka.connect.file.FileStreamSinkConnector;
import org.apache.kafka.connect.file.FileStreamSourceConnector;
import org.apache.kafka.connect.health.ConnectorType;
import org.apache.kafka.connect.runtime.AbstractHerder;
import org.apache.kafka.connect.runtime.SinkConnectorConfig;
import org.apache.kafka.connect.runtime.SourceConnectorConfig;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;

public class GenClientOverrides {
    static String c(String s) {
        if (s == null) {
            return "NULL";
        }
        StringBuilder b = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            if (ch == '"' || ch == '\\') {
                b.append('\\').append(ch);
            } else if (ch < 0x20 || ch > 0x7e) {
                throw new IllegalStateException("non-ASCII default: " + s);
            } else {
                b.append(ch);
            }
        }
        return b.append('"').toString();
    }

    static void table(PrintWriter out, String var, String client, ConfigDef def) {
        out.println("static const kc_config_def_t " + var + "[] = {");
        for (ConfigDef.ConfigKey k : def.configKeys().values()) {
            boolean required = ConfigDef.NO_DEFAULT_VALUE.equals(k.defaultValue);
            String dflt = required ? null : ConfigDef.convertToString(k.defaultValue, k.type);
            StringBuilder flags = new StringBuilder();
            flags.append("KC_CFG_ORDER(").append(k.orderInGroup).append(")");
            if (required) {
                flags.append(" | KC_CFG_F_REQUIRED");
            }
            if (k.width != ConfigDef.Width.NONE) {
                flags.append(" | KC_CFG_F_WIDTH_").append(k.width.name());
            }
            out.println("    {.name = " + c(k.name) + ",");
            out.println("     .type = KC_CFG_" + k.type.name() + ",");
            out.println("     .default_value = " + c(dflt) + ",");
            out.println("     .importance = KC_IMPORTANCE_" + k.importance.name() + ",");
            out.println("     .doc = KC_CLIENT_DOC_" + client + ",");
            out.println("     .group = " + c(k.group) + ",");
            if (!k.name.equals(k.displayName)) {
                out.println("     .display_name = " + c(k.displayName) + ",");
            }
            out.println("     .flags = " + flags + "},");
        }
        out.println("    {0}};");
        out.println();
    }

    static void defs(String path) throws Exception {
        try (PrintWriter out = new PrintWriter(path, "UTF-8")) {
            out.println("/* SPDX-License-Identifier: Apache-2.0 */");
            out.println("/*");
            out.println(" * GENERATED by tests/golden/client_overrides/generate from");
            out.println(" * kafka-clients " + org.apache.kafka.common.utils.AppInfoParser.getVersion()
                    + " (ProducerConfig, ConsumerConfig, AdminClientConfig");
            out.println(" * configDef()); do not edit. Names, types, defaults as Connect");
            out.println(" * prints them, importance, group, order and width; the documentation");
            out.println(" * is kconnect's own line, not Apache's text.");
            out.println(" */");
            out.println("#ifndef KC_HERDER_KC_CLIENT_CONFIG_DEFS_H");
            out.println("#define KC_HERDER_KC_CLIENT_CONFIG_DEFS_H");
            out.println();
            out.println("#include <kconnect/config.h>");
            out.println();
            out.println("#define KC_CLIENT_DOC_PRODUCER \"A Kafka producer setting, overridden for this connector.\"");
            out.println("#define KC_CLIENT_DOC_CONSUMER \"A Kafka consumer setting, overridden for this connector.\"");
            out.println("#define KC_CLIENT_DOC_ADMIN \"A Kafka admin client setting, overridden for this connector.\"");
            out.println();
            table(out, "kc_producer_client_defs", "PRODUCER", ProducerConfig.configDef());
            table(out, "kc_consumer_client_defs", "CONSUMER", ConsumerConfig.configDef());
            table(out, "kc_admin_client_defs", "ADMIN", AdminClientConfig.configDef());
            out.println("#endif /* KC_HERDER_KC_CLIENT_CONFIG_DEFS_H */");
        }
    }

    static final ObjectMapper JSON = new ObjectMapper();
    static Method overrides;

    static ConfigInfos run(String prefix, Map<String, String> props, ConfigDef def,
                           Class<? extends Connector> cls, ConnectorType type,
                           ConnectorClientConfigRequest.ClientType client,
                           ConnectorClientConfigOverridePolicy policy) throws Throwable {
        AbstractConfig conf = new AbstractConfig(new ConfigDef(), props, false);
        Plugin<ConnectorClientConfigOverridePolicy> p =
                Plugin.wrapInstance(policy, null, "connector.client.config.override.policy");
        try {
            return (ConfigInfos) overrides.invoke(null, props.get("name"), prefix, conf, def, cls, type,
                    client, p);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    static void golden(String path) throws Exception {
        overrides = AbstractHerder.class.getDeclaredMethod("validateClientOverrides", String.class,
                String.class, AbstractConfig.class, ConfigDef.class, Class.class, ConnectorType.class,
                ConnectorClientConfigRequest.ClientType.class, Plugin.class);
        overrides.setAccessible(true);
        List<Object[]> cases = new ArrayList<>();
        /* id, kind, policy, key/value pairs */
        cases.add(new Object[] {"source_producer_all", "source", "All", new String[] {
            "producer.override.acks", "1",
            "producer.override.linger.ms", " 10 ",
            "producer.override.batch.size", "32768",
            "producer.override.compression.type", "lz4",
            "producer.override.enable.idempotence", "TRUE",
            "producer.override.bootstrap.servers", " a:1 , b:2 ,",
            "producer.override.ssl.key.password", "secret",
            "producer.override.client.id", "  spaced  ",
            "producer.override.partitioner.class",
            "org.apache.kafka.clients.producer.RoundRobinPartitioner",
            "producer.override.not.a.producer.key", "x",
            "producer.override.sasl.login.refresh.window.factor", "0.9",
            "producer.override.max.in.flight.requests.per.connection", "5",
            "producer.override.retries", "3",
            "producer.override.buffer.memory", "1048576",
            "consumer.override.max.poll.records", "10",
            "admin.override.request.timeout.ms", "1000"}});
        cases.add(new Object[] {"source_topic_creation_admin", "source", "All", new String[] {
            "topic.creation.default.replication.factor", "1",
            "topic.creation.default.partitions", "1",
            "admin.override.request.timeout.ms", "1000",
            "admin.override.unknown.admin.key", "y",
            "producer.override.acks", "all"}});
        cases.add(new Object[] {"source_admin_without_topic_creation", "source", "All", new String[] {
            "admin.override.request.timeout.ms", "1000"}});
        cases.add(new Object[] {"sink_consumer_all", "sink", "All", new String[] {
            "consumer.override.max.poll.records", "10",
            "consumer.override.auto.offset.reset", "latest",
            "consumer.override.isolation.level", "read_committed",
            "consumer.override.partition.assignment.strategy",
            "org.apache.kafka.clients.consumer.RangeAssignor",
            "consumer.override.session.timeout.ms", "45000",
            "consumer.override.group.id", "mine",
            "producer.override.acks", "1",
            "admin.override.request.timeout.ms", "1000"}});
        cases.add(new Object[] {"sink_dlq_all_clients", "sink", "All", new String[] {
            "errors.tolerance", "all",
            "errors.deadletterqueue.topic.name", "dlq",
            "consumer.override.max.poll.records", "10",
            "producer.override.acks", "1",
            "admin.override.request.timeout.ms", "1000"}});
        cases.add(new Object[] {"sink_dlq_blank", "sink", "All", new String[] {
            "errors.deadletterqueue.topic.name", "  ",
            "producer.override.acks", "1",
            "admin.override.request.timeout.ms", "1000"}});
        cases.add(new Object[] {"source_policy_none", "source", "None", new String[] {
            "producer.override.acks", "1",
            "producer.override.security.protocol", "PLAINTEXT",
            "producer.override.no.such.key", "z"}});
        cases.add(new Object[] {"sink_policy_principal", "sink", "Principal", new String[] {
            "consumer.override.security.protocol", "PLAINTEXT",
            "consumer.override.sasl.mechanism", "PLAIN",
            "consumer.override.sasl.jaas.config", "x required;",
            "consumer.override.max.poll.records", "10",
            "consumer.override.no.such.key", "z"}});
        cases.add(new Object[] {"source_no_overrides", "source", "All", new String[] {}});
        cases.add(new Object[] {"source_bad_long", "source", "All", new String[] {
            "producer.override.linger.ms", "soon"}});
        cases.add(new Object[] {"sink_bad_int", "sink", "None", new String[] {
            "consumer.override.max.poll.records", "many"}});
        try (PrintWriter out = new PrintWriter(path, "UTF-8")) {
            for (Object[] cs : cases) {
                String id = (String) cs[0];
                boolean sink = cs[1].equals("sink");
                String policyName = (String) cs[2];
                String[] kv = (String[]) cs[3];
                Map<String, String> props = new LinkedHashMap<>();
                props.put("name", id);
                props.put("connector.class", sink ? FileStreamSinkConnector.class.getName()
                        : FileStreamSourceConnector.class.getName());
                for (int i = 0; i < kv.length; i += 2) {
                    props.put(kv[i], kv[i + 1]);
                }
                ConnectorClientConfigOverridePolicy policy = policyName.equals("All")
                        ? new AllConnectorClientConfigOverridePolicy()
                        : policyName.equals("None") ? new NoneConnectorClientConfigOverridePolicy()
                        : new PrincipalConnectorClientConfigOverridePolicy();
                ConnectorType type = sink ? ConnectorType.SINK : ConnectorType.SOURCE;
                Class<? extends Connector> cls = sink ? FileStreamSinkConnector.class
                        : FileStreamSourceConnector.class;
                ObjectNode line = JSON.createObjectNode();
                line.put("id", id);
                line.put("kind", cs[1].toString());
                line.put("policy", policyName);
                ObjectNode config = line.putObject("config");
                props.forEach(config::put);
                /* AbstractHerder.connectorUses{Producer,Admin,Consumer}. */
                boolean dlq = SinkConnectorConfig.hasDlqTopicConfig(props);
                boolean usesProducer = !sink || dlq;
                boolean usesConsumer = sink;
                boolean usesAdmin = sink ? dlq : SourceConnectorConfig.usesTopicCreation(props);
                try {
                    ConfigInfos prod = usesProducer ? run("producer.override.", props,
                            ProducerConfig.configDef(), cls, type,
                            ConnectorClientConfigRequest.ClientType.PRODUCER, policy) : null;
                    ConfigInfos adm = usesAdmin ? run("admin.override.", props,
                            AdminClientConfig.configDef(), cls, type,
                            ConnectorClientConfigRequest.ClientType.ADMIN, policy) : null;
                    ConfigInfos cons = usesConsumer ? run("consumer.override.", props,
                            ConsumerConfig.configDef(), cls, type,
                            ConnectorClientConfigRequest.ClientType.CONSUMER, policy) : null;
                    /* AbstractHerder.mergeConfigInfos order. */
                    int errors = 0;
                    List<ConfigInfo> values = new ArrayList<>();
                    Set<String> groups = new LinkedHashSet<>();
                    for (ConfigInfos ci : new ConfigInfos[] {prod, cons, adm}) {
                        if (ci != null) {
                            errors += ci.errorCount();
                            values.addAll(ci.values());
                            groups.addAll(ci.groups());
                        }
                    }
                    ConfigInfos merged = new ConfigInfos("", errors, new ArrayList<>(groups), values);
                    ObjectNode ans = (ObjectNode) JSON.valueToTree(merged);
                    ans.remove("name");
                    /* Apache's documentation prose is not kept (house rule). */
                    ans.get("configs").forEach(e -> {
                        if (e.get("definition").isObject()) {
                            ((ObjectNode) e.get("definition")).remove("documentation");
                        }
                    });
                    line.set("expected", ans);
                } catch (Throwable t) {
                    ObjectNode ex = line.putObject("exception");
                    ex.put("class", t.getClass().getName());
                    ex.put("message", t.getMessage());
                }
                out.println(JSON.writeValueAsString(line));
            }
        }
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("defs")) {
            defs(args[1]);
        } else {
            golden(args[1]);
        }
    }
}
