/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Golden data for kconnect's primitive converters: runs Apache's own
 * org.apache.kafka.connect.converters.{Boolean,Short,Integer,Long,Float,
 * Double}Converter on a fixed list of values and byte strings and writes
 * one JSON line per case (bytes as hex, floats as their bit patterns, the
 * DataException text and its cause's text on failure).
 *   java -cp <connect-runtime classpath> GenNumberConverterGolden.java OUT
 */
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.converters.BooleanConverter;
import org.apache.kafka.connect.converters.DoubleConverter;
import org.apache.kafka.connect.converters.FloatConverter;
import org.apache.kafka.connect.converters.IntegerConverter;
import org.apache.kafka.connect.converters.LongConverter;
import org.apache.kafka.connect.converters.ShortConverter;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.storage.Converter;

public class GenNumberConverterGolden {
    static PrintWriter out;

    static String q(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    /* [tag, text] of a Java value, as the C test rebuilds it. */
    static String[] describe(Object v) {
        if (v == null) return new String[] {"null", null};
        if (v instanceof Short) return new String[] {"i16", v.toString()};
        if (v instanceof Integer) return new String[] {"i32", v.toString()};
        if (v instanceof Long) return new String[] {"i64", v.toString()};
        if (v instanceof Float f)
            return new String[] {"f32", Integer.toHexString(Float.floatToRawIntBits(f))};
        if (v instanceof Double d)
            return new String[] {"f64", Long.toHexString(Double.doubleToRawLongBits(d))};
        if (v instanceof Boolean) return new String[] {"bool", v.toString()};
        if (v instanceof String) return new String[] {"str", (String) v};
        throw new IllegalArgumentException(v.getClass().toString());
    }

    static Converter make(String name) {
        Converter c = switch (name) {
            case "BooleanConverter" -> new BooleanConverter();
            case "ShortConverter" -> new ShortConverter();
            case "IntegerConverter" -> new IntegerConverter();
            case "LongConverter" -> new LongConverter();
            case "FloatConverter" -> new FloatConverter();
            default -> new DoubleConverter();
        };
        Map<String, Object> conf = new HashMap<>();
        c.configure(conf, false);
        return c;
    }

    static String errorFields(Exception e) {
        Throwable cause = e.getCause();
        return "\"error\":" + q(e.getMessage()) + ",\"cause\":"
            + q(cause != null && !(cause instanceof ClassCastException) ? cause.getMessage() : null);
    }

    static void write(String conv, Schema schema, Object value) {
        String[] d = describe(value);
        String head = "{\"converter\":" + q(conv) + ",\"op\":\"write\",\"schema\":"
            + q(schema == null ? null : schema.type().name()) + ",\"type\":" + q(d[0])
            + ",\"value\":" + q(d[1]) + ",";
        try {
            byte[] b = make(conv).fromConnectData("t", schema, value);
            out.println(head + "\"bytes\":" + q(b == null ? null : HexFormat.of().formatHex(b)) + "}");
        } catch (Exception e) {
            out.println(head + errorFields(e) + "}");
        }
    }

    static void read(String conv, byte[] bytes) {
        String head = "{\"converter\":" + q(conv) + ",\"op\":\"read\",\"bytes\":"
            + q(bytes == null ? null : HexFormat.of().formatHex(bytes)) + ",";
        try {
            SchemaAndValue sv = make(conv).toConnectData("t", bytes);
            String[] d = describe(sv.value());
            out.println(head + "\"schema\":" + q(sv.schema().type().name()) + ",\"optional\":"
                + sv.schema().isOptional() + ",\"type\":" + q(d[0]) + ",\"value\":" + q(d[1]) + "}");
        } catch (Exception e) {
            out.println(head + errorFields(e) + "}");
        }
    }

    public static void main(String[] args) throws Exception {
        out = new PrintWriter(args[0], "UTF-8");
        Map<String, List<Object>> values = new java.util.LinkedHashMap<>();
        values.put("ShortConverter", List.of((short) 0, (short) 1, (short) -1, Short.MAX_VALUE,
            Short.MIN_VALUE, (short) 0x1234));
        values.put("IntegerConverter", List.of(0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE,
            123456789, -98765));
        values.put("LongConverter", List.of(0L, 1L, -1L, Long.MAX_VALUE, Long.MIN_VALUE,
            1234567890123L));
        values.put("FloatConverter", List.of(0.0f, -0.0f, 1.5f, -3.25f, Float.NaN,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, Float.MAX_VALUE,
            0.1f));
        values.put("DoubleConverter", List.of(0.0, -0.0, 1.5, -3.25, Double.NaN,
            Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE,
            Double.MAX_VALUE, 0.1, 5.684341886080802E-14));
        values.put("BooleanConverter", List.of(true, false));
        Map<String, Schema> schemas = Map.of("ShortConverter", Schema.INT16_SCHEMA,
            "IntegerConverter", Schema.INT32_SCHEMA, "LongConverter", Schema.INT64_SCHEMA,
            "FloatConverter", Schema.FLOAT32_SCHEMA, "DoubleConverter", Schema.FLOAT64_SCHEMA,
            "BooleanConverter", Schema.BOOLEAN_SCHEMA);
        /* A value of each Connect primitive type, for the wrong-type cases. */
        List<Object> others = List.of((short) 7, 7, 7L, 7.0f, 7.0, true, "7");
        List<Schema> otherSchemas = List.of(Schema.INT16_SCHEMA, Schema.INT32_SCHEMA,
            Schema.INT64_SCHEMA, Schema.FLOAT32_SCHEMA, Schema.FLOAT64_SCHEMA,
            Schema.BOOLEAN_SCHEMA, Schema.STRING_SCHEMA);
        for (String conv : values.keySet()) {
            for (Object v : values.get(conv)) {
                write(conv, schemas.get(conv), v);
                write(conv, null, v);
                byte[] b = make(conv).fromConnectData("t", null, v);
                read(conv, b);
            }
            write(conv, schemas.get(conv), null);
            write(conv, null, null);
            read(conv, null);
            for (int i = 0; i < others.size(); i++) {
                write(conv, null, others.get(i));
                write(conv, otherSchemas.get(i), others.get(i));
            }
            for (int n : new int[] {0, 1, 2, 3, 4, 5, 8, 9}) {
                byte[] b = new byte[n];
                for (int i = 0; i < n; i++) {
                    b[i] = (byte) (0x80 + i);
                }
                read(conv, b);
            }
        }
        read("BooleanConverter", new byte[] {2});
        read("BooleanConverter", new byte[] {(byte) 0xff});
        read("BooleanConverter", new byte[] {1});
        read("BooleanConverter", new byte[] {0});
        out.close();
    }
}
