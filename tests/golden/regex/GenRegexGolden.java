/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Golden data for kconnect's Java regex layer (src/util/kc_java_regex.c):
 * runs each case of cases.jsonl through java.util.regex (compile,
 * matches(), find(), replaceFirst()) and through Apache's own RegexRouter
 * and TopicNameMatches, and writes what Java answered to golden.jsonl.
 * Run by tests/golden/regex/generate; never by the build.
 */
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.RegexRouter;
import org.apache.kafka.connect.transforms.predicates.TopicNameMatches;

public class GenRegexGolden {
    public static void main(String[] args) throws Exception {
        ObjectMapper om = new ObjectMapper();
        try (BufferedReader in = Files.newBufferedReader(Paths.get(args[0]), StandardCharsets.UTF_8);
             BufferedWriter out = Files.newBufferedWriter(Paths.get(args[1]), StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode c = om.readTree(line);
                String pattern = c.get("pattern").asText();
                String input = c.get("input").asText();
                String replacement = c.get("replacement").asText();
                ObjectNode g = (ObjectNode) c.deepCopy();
                Pattern p = null;
                try {
                    p = Pattern.compile(pattern);
                } catch (PatternSyntaxException e) {
                    g.put("compile_error", e.getDescription());
                    g.put("compile_error_index", e.getIndex());
                    g.put("compile_message", e.getMessage());
                }
                if (p != null) {
                    g.put("groups", p.matcher("").groupCount());
                    g.put("matches", p.matcher(input).matches());
                    g.put("find", p.matcher(input).find());
                    try {
                        g.put("replace_first", p.matcher(input).replaceFirst(replacement));
                    } catch (RuntimeException e) {
                        g.put("replace_error", e.getMessage());
                    }
                }
                /* Apache's classes, as a connector config would use them. */
                Map<String, String> conf = new HashMap<>();
                conf.put("regex", pattern);
                conf.put("replacement", replacement);
                try (RegexRouter<SourceRecord> router = new RegexRouter<>()) {
                    router.configure(conf);
                    SourceRecord rec = new SourceRecord(null, null, input, 0, null, null);
                    g.put("router", router.apply(rec).topic());
                } catch (org.apache.kafka.common.config.ConfigException e) {
                    g.put("router_config_error", e.getMessage());
                } catch (RuntimeException e) {
                    g.put("router_error", e.getMessage());
                }
                try (TopicNameMatches<SourceRecord> pred = new TopicNameMatches<>()) {
                    pred.configure(Map.of("pattern", pattern));
                    g.put("topic_name_matches", pred.test(new SourceRecord(null, null, input, 0, null, null)));
                } catch (org.apache.kafka.common.config.ConfigException e) {
                    g.put("topic_name_matches_error", e.getMessage());
                }
                out.write(om.writeValueAsString(g));
                out.write('\n');
            }
        }
    }
}
