// SPDX-License-Identifier: Apache-2.0
// Golden data for kconnect's request signing (src/rest/kc_request_sig.c):
// what Apache Kafka Connect's own InternalRequestSignature (connect-runtime)
// puts in the X-Connect-Authorization / X-Connect-Request-Signature-Algorithm
// headers for a body and a session key, and what it makes of received
// headers (valid, invalid, or the exception it throws). Run by ./generate.
import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import jakarta.ws.rs.core.HttpHeaders;
import org.apache.kafka.connect.runtime.distributed.Crypto;
import org.apache.kafka.connect.runtime.rest.InternalRequestSignature;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;

public class GenRequestSignatureGolden {
    static String q(String s) {
        if (s == null) return "null";
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }

    static String hex(byte[] k) {
        StringBuilder b = new StringBuilder();
        for (byte x : k) b.append(String.format("%02x", x & 0xff));
        return b.toString();
    }

    static byte[] key(int n, int seed) {
        byte[] k = new byte[n];
        for (int i = 0; i < n; i++) k[i] = (byte) (i * 31 + seed);
        return k;
    }

    static HttpHeaders headers(Map<String, String> m) {
        return (HttpHeaders) Proxy.newProxyInstance(
            HttpHeaders.class.getClassLoader(), new Class<?>[] {HttpHeaders.class},
            (p, method, args) -> method.getName().equals("getHeaderString") ? m.get((String) args[0]) : null);
    }

    public static void main(String[] argv) throws Exception {
        HttpClient client = new HttpClient();
        List<String> out = new ArrayList<>();
        String[] algs = {"HmacSHA256", "HmacSHA1", "HmacSHA224", "HmacSHA384", "HmacSHA512", "HmacMD5"};
        // The session key kconnect reads from the config topic is any length.
        String[] bodies = {
            "[{\"task.class\":\"org.apache.kafka.connect.file.FileStreamSourceTask\",\"topic\":\"t\",\"file\":\"/tmp/in\"}]",
            "[]",
            "[{\"k\":\"caf\u00e9 \u65e5\u672c \ud83d\ude00\"},{\"k2\":\"v2\"}]",
            "x".repeat(300),
        };
        int[] keyLens = {32, 16, 1, 200};
        int n = 0;
        for (String alg : algs) {
            for (int bi = 0; bi < bodies.length; bi++) {
                int kl = keyLens[(bi + n) % keyLens.length];
                byte[] k = key(kl, n);
                n++;
                SecretKey sk = new SecretKeySpec(k, "HmacSHA256");
                byte[] body = bodies[bi].getBytes(StandardCharsets.UTF_8);
                Request req = client.newRequest("http://127.0.0.1:1/connectors/c/tasks");
                InternalRequestSignature.addToRequest(Crypto.SYSTEM, sk, body, alg, req);
                out.add("{\"kind\":\"sign\",\"algorithm\":" + q(alg) + ",\"key\":" + q(hex(k))
                    + ",\"body\":" + q(bodies[bi])
                    + ",\"signature_header\":" + q(req.getHeaders().get(InternalRequestSignature.SIGNATURE_HEADER))
                    + ",\"algorithm_header\":" + q(req.getHeaders().get(InternalRequestSignature.SIGNATURE_ALGORITHM_HEADER)) + "}");
            }
        }

        // Received headers: what fromHeaders + isValid make of them.
        byte[] k = key(32, 7);
        SecretKey sk = new SecretKeySpec(k, "HmacSHA256");
        String body = bodies[0];
        Request signed = client.newRequest("http://127.0.0.1:1/");
        InternalRequestSignature.addToRequest(Crypto.SYSTEM, sk, body.getBytes(StandardCharsets.UTF_8), "HmacSHA256", signed);
        String good = signed.getHeaders().get(InternalRequestSignature.SIGNATURE_HEADER);
        String[][] cases = {
            // algorithm header, signature header, body
            {"HmacSHA256", good, body},
            {"HmacSHA256", good, body + " "},
            {"hmacsha256", good, body},
            {"HmacSHA512", good, body},
            {"HmacFoo", good, body},
            {"", good, body},
            {"HmacSHA256", "!!!!", body},
            {"HmacSHA256", "abc", body},
            {"HmacSHA256", "ab-_", body},
            {"HmacSHA256", good.substring(0, good.length() - 1), body},
            {"HmacSHA256", good.replace("=", ""), body},
            {"HmacSHA256", "", body},
            {"HmacSHA256", "a", body},
            {"HmacSHA256", "abcde", body},
            {"HmacSHA256", "ab=c", body},
            {"HmacSHA256", "ab==x", body},
            {"HmacSHA256", "=abc", body},
            {"HmacSHA256", "abc=", body},
            {"HmacSHA256", "ab\u00e9d", body},
            {"HmacSHA256", good + " ", body},
            {null, good, body},
            {"HmacSHA256", null, body},
        };
        for (String[] c : cases) {
            Map<String, String> h = new HashMap<>();
            if (c[0] != null) h.put(InternalRequestSignature.SIGNATURE_ALGORITHM_HEADER, c[0]);
            if (c[1] != null) h.put(InternalRequestSignature.SIGNATURE_HEADER, c[1]);
            String line = "{\"kind\":\"verify\",\"key\":" + q(hex(k)) + ",\"algorithm_header\":" + q(c[0])
                + ",\"signature_header\":" + q(c[1]) + ",\"body\":" + q(c[2]);
            try {
                InternalRequestSignature s = InternalRequestSignature.fromHeaders(
                    Crypto.SYSTEM, c[2].getBytes(StandardCharsets.UTF_8), headers(h));
                if (s == null) {
                    line += ",\"result\":\"missing\"}";
                } else {
                    line += ",\"result\":" + q(s.isValid(sk) ? "valid" : "invalid")
                        + ",\"key_algorithm\":" + q(s.keyAlgorithm()) + "}";
                }
            } catch (Exception e) {
                line += ",\"result\":\"error\",\"error_class\":" + q(e.getClass().getName())
                    + ",\"error\":" + q(e.getMessage()) + "}";
            }
            out.add(line);
        }
        try (PrintWriter w = new PrintWriter(argv[0], StandardCharsets.UTF_8)) {
            for (String l : out) w.println(l);
        }
    }
}
