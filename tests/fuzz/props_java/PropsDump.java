/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Differential oracle for kconnect's .properties reader: loads each file
 * given with java.util.Properties.load(Reader, UTF-8) and writes
 * <file>.java: one "hex(key) hex(value)" line per entry, sorted by key,
 * or "ERROR" when Java rejects the text.
 */
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

public class PropsDump {
    public static void main(String[] args) throws Exception {
        for (String f : args) {
            StringBuilder out = new StringBuilder();
            try (Reader r = Files.newBufferedReader(Paths.get(f),
                                                    StandardCharsets.UTF_8)) {
                Properties p = new Properties();
                p.load(r);
                TreeMap<String, String> sorted = new TreeMap<>();
                for (String k : p.stringPropertyNames()) {
                    sorted.put(k, p.getProperty(k));
                }
                for (Map.Entry<String, String> e : sorted.entrySet()) {
                    out.append(hex(e.getKey())).append(' ')
                       .append(hex(e.getValue())).append('\n');
                }
            } catch (IllegalArgumentException e) {
                out.append("ERROR\n");
            }
            Files.write(Paths.get(f + ".java"),
                        out.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    private static String hex(String s) {
        StringBuilder b = new StringBuilder("x");
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            b.append(String.format("%02x", x));
        }
        return b.toString();
    }
}
