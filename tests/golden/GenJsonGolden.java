/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Golden data for kconnect's JsonConverter (see make_cases.py).
 *
 * Write side: reads json_converter_cases.jsonl, builds each schema and value
 * with Apache Kafka's Connect API, runs Apache's JsonConverter and writes
 * json_converter_golden.jsonl: the case plus the exact bytes Apache
 * produced (base64, null for a Kafka null) or the error it raised.
 *
 * Read side: reads json_converter_read_cases.jsonl (raw JSON input), runs
 * toConnectData and writes json_converter_read_golden.jsonl: the case plus
 * the schema and value Apache made, in the same description, or the error.
 *
 * Run by tests/golden/generate; never by the build or the unit tests.
 */
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.SimpleHeaderConverter;

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
        generate(Path.of(args[0]), Path.of(args[1]), "write");
        generate(Path.of(args[2]), Path.of(args[3]), "read");
        if (args.length > 4) {
            generate(Path.of(args[4]), Path.of(args[5]), "header_read");
            generate(Path.of(args[6]), Path.of(args[7]), "header_write");
        }
    }

    private static void generate(Path in, Path out, String mode) throws Exception {
        int n = 0;
        try (BufferedReader r = Files.newBufferedReader(in, StandardCharsets.UTF_8);
             BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                ObjectNode c = (ObjectNode) MAPPER.readTree(line);
                switch (mode) {
                    case "read":
                        runReadCase(c);
                        break;
                    case "header_read":
                        runHeaderReadCase(c);
                        break;
                    case "header_write":
                        runHeaderWriteCase(c);
                        break;
                    default:
                        runCase(c);
                }
                w.write(MAPPER.writeValueAsString(c));
                w.write("\n");
                n++;
            }
        }
        System.err.println(n + " golden cases written to " + out);
    }

    private static JsonConverter converter(ObjectNode c) {
        Map<String, Object> config = new HashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = c.get("config").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            config.put(e.getKey(), e.getValue().asText());
        }
        JsonConverter conv = new JsonConverter();
        conv.configure(config, false);
        return conv;
    }

    private static void runReadCase(ObjectNode c) {
        JsonConverter conv = converter(c);
        try {
            byte[] input = c.get("input").asText().getBytes(StandardCharsets.UTF_8);
            SchemaAndValue sv = conv.toConnectData("golden", input);
            c.set("schema", describeSchema(sv.schema()));
            c.set("value", describeValue(sv.schema(), sv.value()));
            c.putNull("error");
        } catch (Exception e) {
            c.putNull("schema");
            c.putNull("value");
            c.put("error", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static void runHeaderReadCase(ObjectNode c) {
        SimpleHeaderConverter conv = new SimpleHeaderConverter();
        try {
            byte[] input = c.get("input").asText().getBytes(StandardCharsets.UTF_8);
            SchemaAndValue sv = conv.toConnectHeader("golden", "h", input);
            /* Values.parseString gives null (not SchemaAndValue.NULL) for "null". */
            c.set("schema", sv == null ? MAPPER.nullNode() : describeSchema(sv.schema()));
            c.set("value", sv == null ? describeValue(null, null) : describeValue(sv.schema(), sv.value()));
            c.putNull("error");
        } catch (Exception e) {
            c.putNull("schema");
            c.putNull("value");
            c.put("error", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static void runHeaderWriteCase(ObjectNode c) {
        SimpleHeaderConverter conv = new SimpleHeaderConverter();
        try {
            Schema schema = buildSchema(c.get("schema"));
            Object value = buildValue(schema, c.get("value"));
            byte[] bytes = conv.fromConnectHeader("golden", "h", schema, value);
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

    static JsonNode describeSchema(Schema s) {
        if (s == null) {
            return MAPPER.nullNode();
        }
        ObjectNode d = MAPPER.createObjectNode();
        d.put("type", s.type().name());
        d.put("optional", s.isOptional());
        if (s.name() != null) {
            d.put("name", s.name());
        }
        if (s.version() != null) {
            d.put("version", s.version());
        }
        if (s.doc() != null) {
            d.put("doc", s.doc());
        }
        if (s.parameters() != null && !s.parameters().isEmpty()) {
            ArrayNode ps = d.putArray("params");
            for (Map.Entry<String, String> e : s.parameters().entrySet()) {
                ps.addArray().add(e.getKey()).add(e.getValue());
            }
        }
        switch (s.type()) {
            case ARRAY:
                d.set("items", describeSchema(s.valueSchema()));
                break;
            case MAP:
                d.set("key", describeSchema(s.keySchema()));
                d.set("value", describeSchema(s.valueSchema()));
                break;
            case STRUCT: {
                ArrayNode fs = d.putArray("fields");
                for (org.apache.kafka.connect.data.Field f : s.fields()) {
                    fs.addArray().add(f.name()).add(describeSchema(f.schema()));
                }
                break;
            }
            default:
                break;
        }
        if (s.defaultValue() != null) {
            d.set("default", describeValue(s, s.defaultValue()));
        }
        return d;
    }

    static JsonNode describeValue(Schema s, Object v) {
        ArrayNode d = MAPPER.createArrayNode();
        String name = s == null ? null : s.name();
        if (v == null) {
            return d.add("null");
        } else if (v instanceof Byte) {
            return d.add("i8").add(v.toString());
        } else if (v instanceof Short) {
            return d.add("i16").add(v.toString());
        } else if (v instanceof Integer) {
            return d.add("i32").add(v.toString());
        } else if (v instanceof Long) {
            return d.add("i64").add(v.toString());
        } else if (v instanceof Float) {
            return d.add("f32").add(String.format("%08x", Float.floatToRawIntBits((Float) v)));
        } else if (v instanceof Double) {
            return d.add("f64").add(String.format("%016x", Double.doubleToRawLongBits((Double) v)));
        } else if (v instanceof Boolean) {
            return d.add("bool").add((Boolean) v);
        } else if (v instanceof String) {
            return d.add("str").add(Base64.getEncoder().encodeToString(
                    ((String) v).getBytes(StandardCharsets.UTF_8)));
        } else if (v instanceof byte[]) {
            return d.add("bytes").add(Base64.getEncoder().encodeToString((byte[]) v));
        } else if (v instanceof BigDecimal) {
            /* With its own scale: a JSON number read for a Decimal keeps
             * the number's scale (1.5 for a scale-4 schema). */
            BigDecimal b = (BigDecimal) v;
            return d.add("dec").add(Base64.getEncoder().encodeToString(
                    b.unscaledValue().toByteArray())).add(b.scale());
        } else if (v instanceof java.util.Date) {
            long ms = ((java.util.Date) v).getTime();
            if ("org.apache.kafka.connect.data.Date".equals(name)) {
                return d.add("i32").add(Long.toString(ms / 86400000L));
            }
            if ("org.apache.kafka.connect.data.Time".equals(name)) {
                return d.add("i32").add(Long.toString(ms));
            }
            return d.add("i64").add(Long.toString(ms));
        } else if (v instanceof List) {
            ArrayNode items = MAPPER.createArrayNode();
            for (Object o : (List<?>) v) {
                items.add(describeValue(s == null ? null : s.valueSchema(), o));
            }
            d.add("arr");
            d.add(items);
            return d;
        } else if (v instanceof Map) {
            ArrayNode pairs = MAPPER.createArrayNode();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                ArrayNode p = pairs.addArray();
                p.add(describeValue(s == null ? null : s.keySchema(), e.getKey()));
                p.add(describeValue(s == null ? null : s.valueSchema(), e.getValue()));
            }
            d.add("map");
            d.add(pairs);
            return d;
        } else if (v instanceof Struct) {
            Struct st = (Struct) v;
            ArrayNode fields = MAPPER.createArrayNode();
            for (org.apache.kafka.connect.data.Field f : st.schema().fields()) {
                fields.add(describeValue(f.schema(), st.getWithoutDefault(f.name())));
            }
            d.add("struct");
            d.add(fields);
            return d;
        }
        throw new IllegalArgumentException("cannot describe " + v.getClass());
    }

    private static void runCase(ObjectNode c) {
        JsonConverter conv = converter(c);
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
