/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Prints what java.util.Properties.load(InputStream) makes of a file, one
 * "[key]=[value]" line per key in key order (UTF-8). Captures the
 * expectations of tests/unit/test_rest_auth.c:
 *   java tests/golden/basic_auth/PropertiesLoad.java \
 *       tests/golden/basic_auth/users.properties \
 *       > tests/golden/basic_auth/users.expected
 */
import java.io.FileInputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.TreeSet;

public class PropertiesLoad {
    public static void main(String[] args) throws Exception {
        Properties props = new Properties();
        try (FileInputStream in = new FileInputStream(args[0])) {
            props.load(in);
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        for (String key : new TreeSet<>(props.stringPropertyNames())) {
            out.println("[" + key + "]=[" + props.getProperty(key) + "]");
        }
    }
}
