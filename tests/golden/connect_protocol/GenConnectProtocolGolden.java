/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Golden data for kconnect's Connect group subprotocols: Apache's own
 * ConnectProtocol (eager, "default") and IncrementalCooperativeConnectProtocol
 * ("compatible", "sessioned") encode a fixed set of worker metadata and
 * assignments, and decode a fixed set of damaged inputs. One JSON line per
 * case; bytes as hex.
 *   java -cp <connect-runtime classpath> GenConnectProtocolGolden.java OUT
 */
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;

import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.connect.runtime.distributed.ConnectProtocol;
import org.apache.kafka.connect.runtime.distributed.ExtendedAssignment;
import org.apache.kafka.connect.runtime.distributed.ExtendedWorkerState;
import org.apache.kafka.connect.runtime.distributed.IncrementalCooperativeConnectProtocol;
import org.apache.kafka.connect.util.ConnectorTaskId;

public class GenConnectProtocolGolden {
    static PrintWriter out;
    static final HexFormat HEX = HexFormat.of();

    static String q(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    static String hex(ByteBuffer b) {
        if (b == null) {
            return "null";
        }
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return q(HEX.formatHex(a));
    }

    static String strs(Collection<String> l) {
        List<String> parts = new ArrayList<>();
        for (String s : l) {
            parts.add(q(s));
        }
        return "[" + String.join(",", parts) + "]";
    }

    static String tasks(Collection<ConnectorTaskId> l) {
        List<String> parts = new ArrayList<>();
        for (ConnectorTaskId t : l) {
            parts.add("[" + q(t.connector()) + "," + t.task() + "]");
        }
        return "[" + String.join(",", parts) + "]";
    }

    static List<ConnectorTaskId> ids(Object... pairs) {
        List<ConnectorTaskId> l = new ArrayList<>();
        for (int i = 0; i < pairs.length; i += 2) {
            l.add(new ConnectorTaskId((String) pairs[i], (Integer) pairs[i + 1]));
        }
        return l;
    }

    /* The fields of an assignment as a JSON object (the C test rebuilds it). */
    static String desc(ConnectProtocol.Assignment a) {
        StringBuilder b = new StringBuilder("{");
        b.append("\"error\":").append(a.error());
        b.append(",\"leader\":").append(q(a.leader()));
        b.append(",\"leader_url\":").append(q(a.leaderUrl()));
        b.append(",\"config_offset\":").append(a.offset());
        b.append(",\"connectors\":").append(strs(a.connectors()));
        b.append(",\"tasks\":").append(tasks(a.tasks()));
        if (a instanceof ExtendedAssignment e) {
            b.append(",\"version\":").append(e.version());
            b.append(",\"revoked_connectors\":").append(strs(e.revokedConnectors()));
            b.append(",\"revoked_tasks\":").append(tasks(e.revokedTasks()));
            b.append(",\"delay\":").append(e.delay());
        }
        return b.append("}").toString();
    }

    static ExtendedAssignment ext(short error, String leader, String url, long off,
                                  List<String> conns, List<ConnectorTaskId> tasks,
                                  List<String> rconns, List<ConnectorTaskId> rtasks,
                                  int delay) {
        return new ExtendedAssignment((short) 1, error, leader, url, off, conns, tasks,
                rconns, rtasks, delay);
    }

    static void assignmentCase(String id, ExtendedAssignment a) {
        /* eager: the same connectors and tasks through ConnectProtocol */
        ConnectProtocol.Assignment v0 = new ConnectProtocol.Assignment(a.error(),
                a.leader(), a.leaderUrl(), a.offset(), a.connectors(), a.tasks());
        out.println("{\"id\":" + q(id + "_eager") + ",\"kind\":\"assignment\","
                + "\"protocol\":\"eager\",\"value\":" + desc(v0) + ",\"bytes\":"
                + hex(ConnectProtocol.serializeAssignment(v0)) + "}");
        for (boolean sessioned : new boolean[] {false, true}) {
            String p = sessioned ? "sessioned" : "compatible";
            out.println("{\"id\":" + q(id + "_" + p) + ",\"kind\":\"assignment\","
                    + "\"protocol\":\"" + p + "\",\"value\":" + desc(a) + ",\"bytes\":"
                    + hex(IncrementalCooperativeConnectProtocol.serializeAssignment(a, sessioned))
                    + "}");
        }
    }

    static void metadataCase(String id, String url, long off, ExtendedAssignment a) {
        ConnectProtocol.WorkerState ws = new ConnectProtocol.WorkerState(url, off);
        out.println("{\"id\":" + q(id + "_eager") + ",\"kind\":\"metadata\","
                + "\"protocol\":\"eager\",\"url\":" + q(url) + ",\"config_offset\":"
                + off + ",\"bytes\":" + hex(ConnectProtocol.serializeMetadata(ws)) + "}");
        for (boolean sessioned : new boolean[] {false, true}) {
            String p = sessioned ? "sessioned" : "compatible";
            ExtendedWorkerState ews = new ExtendedWorkerState(url, off, a);
            out.println("{\"id\":" + q(id + "_" + p) + ",\"kind\":\"metadata\","
                    + "\"protocol\":\"" + p + "\",\"url\":" + q(url)
                    + ",\"config_offset\":" + off + ",\"assignment\":"
                    + (a == null ? "null" : desc(a)) + ",\"bytes\":"
                    + hex(IncrementalCooperativeConnectProtocol.serializeMetadata(ews, sessioned))
                    + "}");
        }
    }

    /* Apache's decoders on damaged or foreign input: what they read, or the
     * exception's class and text. */
    static void decodeCase(String id, String kind, String protocol, String hexIn) {
        ByteBuffer in = ByteBuffer.wrap(HEX.parseHex(hexIn));
        String result;
        try {
            if (kind.equals("metadata")) {
                if (protocol.equals("eager")) {
                    ConnectProtocol.WorkerState ws = ConnectProtocol.deserializeMetadata(in);
                    result = "\"url\":" + q(ws.url()) + ",\"config_offset\":" + ws.offset();
                } else {
                    ExtendedWorkerState ws =
                            IncrementalCooperativeConnectProtocol.deserializeMetadata(in);
                    result = "\"url\":" + q(ws.url()) + ",\"config_offset\":" + ws.offset()
                            + ",\"assignment\":" + desc(ws.assignment());
                }
            } else if (protocol.equals("eager")) {
                result = "\"value\":" + desc(ConnectProtocol.deserializeAssignment(in));
            } else {
                ExtendedAssignment a = IncrementalCooperativeConnectProtocol.deserializeAssignment(in);
                result = "\"value\":" + (a == null ? "null" : desc(a));
            }
        } catch (RuntimeException e) {
            result = "\"exception\":" + q(e.getClass().getName()) + ",\"message\":"
                    + q(e.getMessage());
        }
        out.println("{\"id\":" + q(id) + ",\"kind\":\"decode_" + kind + "\",\"protocol\":"
                + q(protocol) + ",\"input\":" + q(hexIn) + "," + result + "}");
    }

    /* A request as the Java client frames it, without the size: header
     * (v1 for these versions) and body. */
    static void requestCase(String id, ApiKeys key, short version, ApiMessage data) {
        RequestHeader h = new RequestHeader(key, version, "kc-golden", 7);
        ByteBuffer all = org.apache.kafka.common.requests.RequestUtils.serialize(h.data(), h.headerVersion(), data, version);
        out.println("{\"id\":" + q(id) + ",\"kind\":\"request\",\"api_key\":" + key.id
                + ",\"header_version\":" + h.headerVersion() + ",\"bytes\":" + hex(all) + "}");
    }

    /* A response body (after its header) as the broker writes it, with
     * the fields the C test expects to read. */
    static void responseCase(String id, String api, short version, Message data, String fields) {
        out.println("{\"id\":" + q(id) + ",\"kind\":\"response\",\"api\":" + q(api)
                + ",\"fields\":" + fields + ",\"bytes\":"
                + hex(MessageUtil.toByteBufferAccessor(data, version).buffer()) + "}");
    }

    static void wireCases() {
        requestCase("find_coordinator_v2", ApiKeys.FIND_COORDINATOR, (short) 2,
                new FindCoordinatorRequestData().setKey("connect-cluster").setKeyType((byte) 0));
        JoinGroupRequestData.JoinGroupRequestProtocolCollection protos =
                new JoinGroupRequestData.JoinGroupRequestProtocolCollection();
        protos.add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("sessioned")
                .setMetadata(new byte[] {0, 2, 0, 1, 'u', 0, 0, 0, 0, 0, 0, 0, 5, -1, -1, -1, -1}));
        protos.add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("compatible")
                .setMetadata(new byte[] {0, 1}));
        protos.add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("default")
                .setMetadata(new byte[0]));
        requestCase("join_group_v5_first", ApiKeys.JOIN_GROUP, (short) 5,
                new JoinGroupRequestData().setGroupId("connect-cluster").setSessionTimeoutMs(10000)
                        .setRebalanceTimeoutMs(60000).setMemberId("").setGroupInstanceId(null)
                        .setProtocolType("connect").setProtocols(protos));
        requestCase("sync_group_v3_leader", ApiKeys.SYNC_GROUP, (short) 3,
                new SyncGroupRequestData().setGroupId("connect-cluster").setGenerationId(3)
                        .setMemberId("m-1").setGroupInstanceId(null).setAssignments(List.of(
                                new SyncGroupRequestData.SyncGroupRequestAssignment()
                                        .setMemberId("m-1").setAssignment(new byte[] {1, 2, 3}),
                                new SyncGroupRequestData.SyncGroupRequestAssignment()
                                        .setMemberId("m-2").setAssignment(new byte[0]))));
        requestCase("sync_group_v3_follower", ApiKeys.SYNC_GROUP, (short) 3,
                new SyncGroupRequestData().setGroupId("g").setGenerationId(-1)
                        .setMemberId("m-2").setGroupInstanceId(null).setAssignments(List.of()));
        requestCase("heartbeat_v3", ApiKeys.HEARTBEAT, (short) 3,
                new HeartbeatRequestData().setGroupId("connect-cluster").setGenerationId(12)
                        .setMemberId("m-1").setGroupInstanceId(null));
        requestCase("leave_group_v3", ApiKeys.LEAVE_GROUP, (short) 3,
                new LeaveGroupRequestData().setGroupId("connect-cluster").setMembers(List.of(
                        new LeaveGroupRequestData.MemberIdentity().setMemberId("m-1")
                                .setGroupInstanceId(null))));
        requestCase("leave_group_v1", ApiKeys.LEAVE_GROUP, (short) 1,
                new LeaveGroupRequestData().setGroupId("connect-cluster").setMemberId("m-1"));

        ApiVersionsResponseData.ApiVersionCollection keys = new ApiVersionsResponseData.ApiVersionCollection();
        keys.add(new ApiVersionsResponseData.ApiVersion().setApiKey((short) 11)
                .setMinVersion((short) 2).setMaxVersion((short) 9));
        keys.add(new ApiVersionsResponseData.ApiVersion().setApiKey((short) 18)
                .setMinVersion((short) 0).setMaxVersion((short) 4));
        responseCase("api_versions_v0", "ApiVersions", (short) 0,
                new ApiVersionsResponseData().setErrorCode((short) 0).setApiKeys(keys),
                "{\"error\":0,\"apis\":[[11,2,9],[18,0,4]]}");
        responseCase("find_coordinator_v2", "FindCoordinator", (short) 2,
                new FindCoordinatorResponseData().setThrottleTimeMs(0).setErrorCode((short) 0)
                        .setErrorMessage(null).setNodeId(1).setHost("broker-1.local").setPort(9092),
                "{\"error\":0,\"error_message\":null,\"node_id\":1,\"host\":\"broker-1.local\",\"port\":9092}");
        responseCase("find_coordinator_v2_error", "FindCoordinator", (short) 2,
                new FindCoordinatorResponseData().setThrottleTimeMs(5).setErrorCode((short) 15)
                        .setErrorMessage("The coordinator is not available.").setNodeId(-1)
                        .setHost("").setPort(-1),
                "{\"error\":15,\"error_message\":\"The coordinator is not available.\",\"node_id\":-1,\"host\":\"\",\"port\":-1}");
        responseCase("join_group_v5_leader", "JoinGroup", (short) 5,
                new JoinGroupResponseData().setThrottleTimeMs(0).setErrorCode((short) 0)
                        .setGenerationId(4).setProtocolName("sessioned").setLeader("m-1")
                        .setMemberId("m-1").setMembers(List.of(
                                new JoinGroupResponseData.JoinGroupResponseMember().setMemberId("m-1")
                                        .setGroupInstanceId(null).setMetadata(new byte[] {0, 2}),
                                new JoinGroupResponseData.JoinGroupResponseMember().setMemberId("m-2")
                                        .setGroupInstanceId("static-2").setMetadata(new byte[0]))),
                "{\"error\":0,\"generation_id\":4,\"protocol_name\":\"sessioned\",\"leader\":\"m-1\","
                        + "\"member_id\":\"m-1\",\"members\":[[\"m-1\",null,\"0002\"],[\"m-2\",\"static-2\",\"\"]]}");
        responseCase("join_group_v5_member_id_required", "JoinGroup", (short) 5,
                new JoinGroupResponseData().setThrottleTimeMs(0).setErrorCode((short) 79)
                        .setGenerationId(-1).setProtocolName("").setLeader("")
                        .setMemberId("connect-1-abc").setMembers(List.of()),
                "{\"error\":79,\"generation_id\":-1,\"protocol_name\":\"\",\"leader\":\"\","
                        + "\"member_id\":\"connect-1-abc\",\"members\":[]}");
        responseCase("sync_group_v3", "SyncGroup", (short) 3,
                new SyncGroupResponseData().setThrottleTimeMs(0).setErrorCode((short) 0)
                        .setAssignment(new byte[] {0, 1, 0, 0}),
                "{\"error\":0,\"assignment\":\"00010000\"}");
        responseCase("heartbeat_v3_rebalancing", "Heartbeat", (short) 3,
                new HeartbeatResponseData().setThrottleTimeMs(0).setErrorCode((short) 27),
                "{\"error\":27}");
        /* SASL, as the group client authenticates (SCRAM's first token) */
        requestCase("sasl_handshake_v1", ApiKeys.SASL_HANDSHAKE, (short) 1,
                new SaslHandshakeRequestData().setMechanism("SCRAM-SHA-256"));
        requestCase("sasl_authenticate_v1", ApiKeys.SASL_AUTHENTICATE, (short) 1,
                new SaslAuthenticateRequestData().setAuthBytes(
                        "n,,n=kc,r=fyko+d2lbbFgONRv9qkxdawL".getBytes(StandardCharsets.UTF_8)));
        responseCase("sasl_handshake_v1_unsupported", "SaslHandshake", (short) 1,
                new SaslHandshakeResponseData().setErrorCode((short) 33)
                        .setMechanisms(List.of("PLAIN", "SCRAM-SHA-512")),
                "{\"error\":33,\"mechanisms\":[\"PLAIN\",\"SCRAM-SHA-512\"]}");
        responseCase("sasl_authenticate_v1_token", "SaslAuthenticate", (short) 1,
                new SaslAuthenticateResponseData().setErrorCode((short) 0).setErrorMessage(null)
                        .setAuthBytes(new byte[] {'r', '=', 'x', 0, (byte) 0xff})
                        .setSessionLifetimeMs(3600000L),
                "{\"error\":0,\"error_message\":null,\"auth\":\"723d7800ff\","
                        + "\"session_lifetime_ms\":3600000}");
        responseCase("sasl_authenticate_v1_failed", "SaslAuthenticate", (short) 1,
                new SaslAuthenticateResponseData().setErrorCode((short) 58)
                        .setErrorMessage("Authentication failed during authentication due to "
                                + "invalid credentials with SASL mechanism SCRAM-SHA-256")
                        .setAuthBytes(new byte[0]).setSessionLifetimeMs(0L),
                "{\"error\":58,\"error_message\":\"Authentication failed during authentication "
                        + "due to invalid credentials with SASL mechanism SCRAM-SHA-256\","
                        + "\"auth\":\"\",\"session_lifetime_ms\":0}");
    }

    public static void main(String[] args) throws Exception {
        out = new PrintWriter(args[0], "UTF-8");
        List<String> none = List.of();
        List<ConnectorTaskId> noTasks = List.of();

        assignmentCase("empty_lists", ext((short) 0, "member-1", "http://w1:8083/", 5,
                none, noTasks, none, noTasks, 0));
        assignmentCase("one_connector_two_tasks", ext((short) 0,
                "connect-1-6f9a0e5e-1c9b-4e8b-9d1e-0a0b0c0d0e0f", "http://10.0.0.1:8083/", 42,
                List.of("file-source"), ids("file-source", 0, "file-source", 1),
                none, noTasks, 0));
        assignmentCase("tasks_without_connector", ext((short) 0, "l", "http://l:1/", 0,
                none, ids("b", 2, "a", 0, "b", 0, "a", 1), none, noTasks, 0));
        /* connector names whose Java HashSet order differs from the list's */
        assignmentCase("hashset_order", ext((short) 0, "leader", "http://leader:8083/", 1234567890123L,
                List.of("zeta", "alpha", "mid-connector", "b", "a", "Aa", "BB", "jdbc-source-orders"),
                ids("alpha", 3, "zeta", 0, "other", 7, "alpha", 0, "BB", 1),
                none, noTasks, 0));
        assignmentCase("many_connectors", ext((short) 0, "leader", "http://leader:8083/", 77,
                List.of("c00", "c01", "c02", "c03", "c04", "c05", "c06", "c07", "c08", "c09",
                        "c10", "c11", "c12", "c13", "c14", "c15", "c16", "c17", "c18", "c19",
                        "connector-with-a-long-name-1", "connector-with-a-long-name-2", "x"),
                ids("c05", 0, "c05", 1, "x", 2), none, noTasks, 0));
        for (int size : new int[] {24, 25, 48}) {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                names.add("conn-" + (i * 7919 % 1000));
            }
            assignmentCase("set_of_" + size, ext((short) 0, "leader", "http://leader:8083/", size,
                    names, ids("conn-0", 0), none, noTasks, 0));
        }
        assignmentCase("duplicate_connector", ext((short) 0, "m", "http://m:8083/", 3,
                List.of("dup", "dup", "other"), ids("dup", 0), List.of("r", "r", "s"),
                ids("s", 1, "r", 0), 0));
        assignmentCase("revoked_and_delay", ext((short) 0, "leader-x", "http://x:8083/", 9,
                List.of("new-conn"), ids("new-conn", 0),
                List.of("old-b", "old-a"), ids("old-a", 2, "kept", 1, "old-b", 0), 300000));
        assignmentCase("config_mismatch", ext((short) 1, "leader-x", "http://x:8083/", -1,
                none, noTasks, none, noTasks, 0));
        assignmentCase("unicode_names", ext((short) 0, "l\u00e9ader", "http://h\u00f4te:8083/", 8,
                List.of("conn\u00e9cteur", "\u65e5\u672c"), ids("\u65e5\u672c", 0, "emoji\ud83d\ude00", 4),
                List.of("\u00fc"), noTasks, 12));
        assignmentCase("negative_delay_big_offset", ext((short) 7, "", "", Long.MAX_VALUE,
                none, ids("t", Integer.MAX_VALUE), none, ids("t", 0), -5));

        metadataCase("md_plain", "http://10.0.0.1:8083/", 41, null);
        metadataCase("md_no_offset", "http://localhost:8083/", -1, null);
        metadataCase("md_empty_url", "", 0, null);
        metadataCase("md_with_assignment", "http://w2:8083/", 1000,
                ext((short) 0, "member-1", "http://w1:8083/", 999, List.of("s", "r"),
                        ids("s", 0, "r", 1), List.of("q"), ids("q", 0), 0));
        metadataCase("md_unicode", "http://w\u00f6rker:8083/", Long.MIN_VALUE,
                ext((short) 0, "m", "u", 1, none, ids("\u00e9", 0), none, noTasks, 0));
        metadataCase("md_assignment_with_no_work", "http://w3:8083/", 5,
                ext((short) 0, "member-1", "http://w1:8083/", 5, none, noTasks, none, noTasks, 0));

        /* damaged and foreign inputs */
        String[] protos = {"eager", "compatible"};
        for (String p : protos) {
            decodeCase("empty_" + p, "metadata", p, "");
            decodeCase("one_byte_" + p, "metadata", p, "00");
            decodeCase("neg_version_" + p, "metadata", p, "ffff0000");
            decodeCase("short_url_" + p, "metadata", p, "0000000568747470");
            decodeCase("neg_url_len_" + p, "metadata", p, "0000fffe");
            decodeCase("no_offset_" + p, "metadata", p, "000000016100000000");
            decodeCase("v5_trailing_" + p, "metadata", p, "00050001610000000000000007deadbeef");
            decodeCase("v1_no_alloc_" + p, "metadata", p, "0001000161000000000000000a");
            decodeCase("v1_null_alloc_" + p, "metadata", p, "0001000161000000000000000affffffff");
            decodeCase("v1_alloc_too_long_" + p, "metadata", p, "0001000161000000000000000a00000010000100");
            decodeCase("v1_alloc_garbage_" + p, "metadata", p, "0001000161000000000000000a00000003000100");
            decodeCase("a_empty_" + p, "assignment", p, "");
            decodeCase("a_v0_" + p, "assignment", p,
                    "00000000000161000162000000000000000100000001000163000000020000000000000001");
            decodeCase("a_v1_no_trailing_" + p, "assignment", p, "00010000000161000162000000000000000100000000");
            decodeCase("a_v1_no_assignment_" + p, "assignment", p, "0001000000016100016200000000000000010000");
            decodeCase("a_v1_null_arrays_" + p, "assignment", p,
                    "000100000001610001620000000000000001ffffffffffffffff00000064");
            decodeCase("a_v1_delay_short_" + p, "assignment", p,
                    "0001000000016100016200000000000000010000000000000000000064");
            decodeCase("a_neg_count_" + p, "assignment", p, "000000000001610001620000000000000001fffffffe");
            decodeCase("a_huge_count_" + p, "assignment", p, "0000000000016100016200000000000000017fffffff");
            decodeCase("a_tasks_short_" + p, "assignment", p,
                    "00000000000161000162000000000000000100000001000163000000050000000000");
            decodeCase("a_null_tasks_" + p, "assignment", p,
                    "000000000001610001620000000000000001000000010001630000ffffffff");
            decodeCase("a_neg_version_" + p, "assignment", p, "80000000000161000162000000000000000100000000");
            decodeCase("a_bad_utf8_" + p, "assignment", p, "000000000002ff61000162000000000000000100000000");
        }
        wireCases();
        out.close();
    }
}
