// SPDX-License-Identifier: Apache-2.0
/*
 * SCRAM client messages as Apache Kafka's own ScramFormatter and
 * ScramMessages (kafka-clients) make them, for kconnect's SCRAM client
 * (src/distributed/kc_scram.c, tests/unit/test_group_security.c): for a
 * fixed client nonce, server nonce, salt and iteration count, the client's
 * first message, the server's first message, the client's final message
 * (with its proof) and the server's final message (its signature). One
 * JSON object per line.
 */
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.apache.kafka.common.security.scram.internals.ScramFormatter;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;
import org.apache.kafka.common.security.scram.internals.ScramMessages;

public class GenScramGolden {
    static String q(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.append('"').toString();
    }

    static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    static void scramCase(PrintWriter out, String id, ScramMechanism mech, String user,
            String password, String clientNonce, String serverNonce, byte[] salt,
            int iterations) throws Exception {
        ScramFormatter f = new ScramFormatter(mech);
        ScramMessages.ClientFirstMessage cf =
                new ScramMessages.ClientFirstMessage(ScramFormatter.saslName(user), clientNonce, Map.of());
        ScramMessages.ServerFirstMessage sf =
                new ScramMessages.ServerFirstMessage(clientNonce, serverNonce, salt, iterations);
        ScramMessages.ClientFinalMessage cfin =
                new ScramMessages.ClientFinalMessage("n,,".getBytes(StandardCharsets.UTF_8), sf.nonce());
        byte[] salted = f.saltedPassword(password, salt, iterations);
        cfin.proof(f.clientProof(salted, cf, sf, cfin));
        ScramMessages.ServerFinalMessage sfin =
                new ScramMessages.ServerFinalMessage(null, f.serverSignature(f.serverKey(salted), cf, sf, cfin));
        out.println("{\"id\":" + q(id) + ",\"mechanism\":" + q(mech.mechanismName())
                + ",\"user\":" + q(user) + ",\"password\":" + q(password)
                + ",\"client_nonce\":" + q(clientNonce)
                + ",\"client_first\":" + q(str(cf.toBytes()))
                + ",\"server_first\":" + q(str(sf.toBytes()))
                + ",\"client_final\":" + q(str(cfin.toBytes()))
                + ",\"server_final\":" + q(str(sfin.toBytes())) + "}");
    }

    public static void main(String[] args) throws Exception {
        try (PrintWriter out = new PrintWriter(args[0], "UTF-8")) {
            byte[] salt = "kconnect-golden-salt".getBytes(StandardCharsets.UTF_8);
            scramCase(out, "sha256", ScramMechanism.SCRAM_SHA_256, "kc", "kc-secret",
                    "fyko+d2lbbFgONRv9qkxdawL", "3rfcNHYJY1ZVvWVs7j", salt, 4096);
            scramCase(out, "sha512", ScramMechanism.SCRAM_SHA_512, "kc", "kc-secret",
                    "fyko+d2lbbFgONRv9qkxdawL", "3rfcNHYJY1ZVvWVs7j", salt, 4096);
            /* ',' and '=' in the user name are escaped, UTF-8 passes */
            scramCase(out, "sha512_escaped_user", ScramMechanism.SCRAM_SHA_512, "adm=in,ops",
                    "pässword \"quoted\"", "Jz3Q8ZkVbqeBfXTvnGAmYhQd", "server-part-2", salt, 8192);
        }
    }
}
