/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Golden data for whole pipeline steps: JSON in -> Apache's JsonConverter ->
 * one of Apache's transforms -> Apache's JsonConverter out, plus the text
 * FileStreamSink would write (String.valueOf) and, when a step throws, the
 * exception's class and message (what the dead letter queue headers
 * __connect.errors.exception.class.name / .message carry).
 *
 * Reads pipeline_cases.jsonl (one case per line, format below) and writes
 * pipeline_golden.jsonl: the case plus what Apache produced. Checked by
 * tests/unit/test_pipeline_golden.c. Run by tests/golden/generate; never by
 * the build or the unit tests.
 *
 * Case kinds:
 *   {"kind":"transform","class":..., "props":{...}, "schemas":bool,
 *    (or "chain":[[class, props], ...] instead of class and props)
 *    "input":"<json>", "write":{converter config added on the way out}}
 *   {"kind":"convert","config":{...}, "input":"<text>",
 *    "write":{config added on the way out}}
 *   Either may name "out_converter" (a Converter class, configured with
 *   "write") to write with instead of JsonConverter.
 *   {"kind":"header","literal":"<text>"}: Values.parseString (as
 *    InsertHeader's value.literal) then JsonConverter as header converter.
 * Result fields: "output" (UTF-8 text of the bytes written), "text"
 * (String.valueOf of the value after the step), or "error_class" and
 * "error_message" with "error_step" (read, apply, write).
 */
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Values;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.HeaderConverter;
import org.apache.kafka.connect.transforms.Transformation;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

public class GenPipelineGolden {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        try (BufferedReader r = Files.newBufferedReader(Path.of(args[0]), StandardCharsets.UTF_8);
             BufferedWriter w = Files.newBufferedWriter(Path.of(args[1]), StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                ObjectNode c = (ObjectNode) MAPPER.readTree(line);
                run(c);
                w.write(MAPPER.writeValueAsString(c));
                w.write('\n');
            }
        }
    }

    private static Map<String, String> props(JsonNode n) {
        Map<String, String> m = new HashMap<>();
        if (n != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                m.put(e.getKey(), e.getValue().asText());
            }
        }
        return m;
    }

    private static void fail(ObjectNode c, String step, Throwable e) {
        c.put("error_step", step);
        c.put("error_class", e.getClass().getName());
        c.put("error_message", e.getMessage());
    }

    private static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    private static void run(ObjectNode c) throws Exception {
        String kind = c.get("kind").asText();
        if (kind.equals("header")) {
            JsonConverter hc = new JsonConverter();
            hc.configure(Map.of("converter.type", "header"));
            SchemaAndValue sv = Values.parseString(c.get("literal").asText());
            c.put("text", String.valueOf(sv.value()));
            try {
                c.put("output", text(hc.fromConnectHeader("t", "h", sv.schema(), sv.value())));
            } catch (RuntimeException e) {
                fail(c, "write", e);
            }
            return;
        }
        Map<String, String> readConf = new HashMap<>();
        if (kind.equals("convert")) {
            readConf.putAll(props(c.get("config")));
        } else {
            readConf.put("schemas.enable", String.valueOf(c.get("schemas").asBoolean()));
        }
        readConf.put("converter.type", "value");
        Map<String, String> writeConf = new HashMap<>(readConf);
        writeConf.putAll(props(c.get("write")));
        JsonConverter in = new JsonConverter();
        in.configure(readConf);
        JsonConverter out = new JsonConverter();
        out.configure(writeConf);

        SchemaAndValue sv;
        try {
            sv = in.toConnectData("t", c.get("input").asText().getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            fail(c, "read", e);
            return;
        }
        ConnectRecord<?> rec = new SinkRecord("t", 0, null, null, sv.schema(), sv.value(), 0);
        if (kind.equals("transform")) {
            /* One transform, or a "chain" of [class, props] pairs. */
            JsonNode chain = c.has("chain") ? c.get("chain")
                : MAPPER.createArrayNode().add(MAPPER.createArrayNode()
                    .add(c.get("class")).add(c.get("props")));
            for (JsonNode step : chain) {
                @SuppressWarnings("unchecked")
                Transformation<SinkRecord> t = (Transformation<SinkRecord>)
                    Class.forName(step.get(0).asText()).getDeclaredConstructor().newInstance();
                try {
                    t.configure(props(step.get(1)));
                    rec = t.apply((SinkRecord) rec);
                } catch (RuntimeException e) {
                    fail(c, "apply", e);
                    return;
                }
            }
        }
        c.put("text", String.valueOf(rec.value()));
        Object writer = out;
        if (c.has("out_converter")) {
            writer = Class.forName(c.get("out_converter").asText())
                .getDeclaredConstructor().newInstance();
        }
        try {
            if (writer instanceof Converter conv) {
                if (writer != out) {
                    conv.configure(props(c.get("write")), false);
                }
                c.put("output", text(conv.fromConnectData("t", rec.valueSchema(), rec.value())));
            } else {
                HeaderConverter hc = (HeaderConverter) writer;
                hc.configure(props(c.get("write")));
                c.put("output", text(hc.fromConnectHeader("t", "h", rec.valueSchema(), rec.value())));
            }
        } catch (RuntimeException e) {
            fail(c, "write", e);
        }
    }
}
