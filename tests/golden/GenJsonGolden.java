/*
 * Golden data for kconnect's JsonConverter: reads the case descriptions in
 * json_converter_cases.jsonl (see make_cases.py), builds each schema and
 * value with Apache Kafka's Connect API, runs Apache's JsonConverter and
 * writes json_converter_golden.jsonl: the case plus the exact bytes Apache
 * produced (base64, null for a Kafka null) or the error it raised.
 *
 * Run by tests/golden/generate; never by the build or the unit tests.
 */
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

public class GenJsonGolden {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        Path in = Path.of(args[0]);
        Path out = Path.of(args[1]);
        int n = 0;
        try (BufferedReader r = Files.newBufferedReader(in, StandardCharsets.UTF_8);
             BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                ObjectNode c = (ObjectNode) MAPPER.readTree(line);
                runCase(c);
                w.write(MAPPER.writeValueAsString(c));
                w.write("\n");
                n++;
            }
        }
        System.err.println(n + " golden cases written to " + out);
    }

    private static void runCase(ObjectNode c) {
        Map<String, Object> config = new HashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = c.get("config").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            config.put(e.getKey(), e.getValue().asText());
        }
        JsonConverter conv = new JsonConverter();
        conv.configure(config, false);
        try {
            Schema schema = buildSchema(c.get("schema"));
            Object value = buildValue(schema, c.get("value"));
            byte[] bytes = conv.fromConnectData("golden", schema, value);
            if (bytes == null) {
                c.putNull("expected");
            } else {
                c.put("expected", Base64.getEncoder().encodeToString(bytes));
            }
            c.putNull("error");
        } catch (Exception e) {
            c.putNull("expected");
            c.put("error", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    static Schema buildSchema(JsonNode d) {
        if (d == null || d.isNull()) {
            return null;
        }
        String type = d.get("type").asText();
        SchemaBuilder b;
        switch (type) {
            case "ARRAY":
                b = SchemaBuilder.array(buildSchema(d.get("items")));
                break;
            case "MAP":
                b = SchemaBuilder.map(buildSchema(d.get("key")), buildSchema(d.get("value")));
                break;
            case "STRUCT":
                b = SchemaBuilder.struct();
                for (JsonNode f : d.get("fields")) {
                    b.field(f.get(0).asText(), buildSchema(f.get(1)));
                }
                break;
            default:
                b = SchemaBuilder.type(Schema.Type.valueOf(type));
        }
        if (d.path("optional").asBoolean(false)) {
            b.optional();
        }
        if (d.has("name")) {
            b.name(d.get("name").asText());
        }
        if (d.has("version")) {
            b.version(d.get("version").asInt());
        }
        if (d.has("doc")) {
            b.doc(d.get("doc").asText());
        }
        if (d.has("params")) {
            for (JsonNode p : d.get("params")) {
                b.parameter(p.get(0).asText(), p.get(1).asText());
            }
        }
        if (d.has("default")) {
            b.defaultValue(buildValue(b, d.get("default")));
        }
        return b.build();
    }

    static Object buildValue(Schema schema, JsonNode d) {
        String tag = d.get(0).asText();
        String name = schema == null ? null : schema.name();
        switch (tag) {
            case "null":
                return null;
            case "i8":
                return Byte.parseByte(d.get(1).asText());
            case "i16":
                return Short.parseShort(d.get(1).asText());
            case "i32": {
                int v = Integer.parseInt(d.get(1).asText());
                if ("org.apache.kafka.connect.data.Date".equals(name)) {
                    return new java.util.Date(v * 86400000L);
                }
                if ("org.apache.kafka.connect.data.Time".equals(name)) {
                    return new java.util.Date(v);
                }
                return v;
            }
            case "i64": {
                long v = Long.parseLong(d.get(1).asText());
                if ("org.apache.kafka.connect.data.Timestamp".equals(name)) {
                    return new java.util.Date(v);
                }
                return v;
            }
            case "f32":
                return Float.intBitsToFloat((int) Long.parseLong(d.get(1).asText(), 16));
            case "f64":
                return Double.longBitsToDouble(Long.parseUnsignedLong(d.get(1).asText(), 16));
            case "bool":
                return d.get(1).asBoolean();
            case "str":
                return new String(Base64.getDecoder().decode(d.get(1).asText()), StandardCharsets.UTF_8);
            case "bytes":
                return Base64.getDecoder().decode(d.get(1).asText());
            case "dec":
                return new BigDecimal(new BigInteger(Base64.getDecoder().decode(d.get(1).asText())),
                        d.get(2).asInt());
            case "arr": {
                List<Object> list = new ArrayList<>();
                Schema items = schema == null ? null : schema.valueSchema();
                for (JsonNode e : d.get(1)) {
                    list.add(buildValue(items, e));
                }
                return list;
            }
            case "map": {
                Map<Object, Object> map = new LinkedHashMap<>();
                Schema ks = schema == null ? null : schema.keySchema();
                Schema vs = schema == null ? null : schema.valueSchema();
                for (JsonNode e : d.get(1)) {
                    map.put(buildValue(ks, e.get(0)), buildValue(vs, e.get(1)));
                }
                return map;
            }
            case "struct": {
                Struct s = new Struct(schema);
                int i = 0;
                for (JsonNode e : d.get(1)) {
                    org.apache.kafka.connect.data.Field f = schema.fields().get(i++);
                    Object v = buildValue(f.schema(), e);
                    /* Struct.put rejects null for required fields; a
                     * missing value is null anyway. */
                    if (v != null) {
                        s.put(f, v);
                    }
                }
                return s;
            }
            default:
                throw new IllegalArgumentException("unknown value tag " + tag);
        }
    }
}
