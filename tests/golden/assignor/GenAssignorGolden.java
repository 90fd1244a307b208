/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Golden data for kconnect's Connect group assignors: Apache's own
 * EagerAssignor and IncrementalCooperativeAssignor (connect-runtime) run
 * over scripted and seeded-random rebalance sequences. Each round records
 * the leader's inputs (member metadata bytes in JoinGroup order, the config
 * snapshot, generations, the clock), the assignment bytes Apache wrote
 * for every member and the leader's state it left (every connector and
 * task with its owner). One JSON line per scenario; bytes as hex.
 *
 * The assignors are driven through their public performAssignment entry,
 * as WorkerCoordinator calls them; the coordinator is a real
 * WorkerCoordinator without a network client whose generation and config
 * snapshot are set the way a join would set them.
 *   java -cp <connect-runtime classpath> GenAssignorGolden.java OUT
 */
import java.io.PrintWriter;
import java.lang.reflect.Field;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Supplier;

import org.apache.kafka.clients.GroupRebalanceConfig;
import org.apache.kafka.clients.consumer.internals.AbstractCoordinator;
import org.apache.kafka.common.message.JoinGroupResponseData.JoinGroupResponseMember;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.utils.LogContext;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.runtime.TargetState;
import org.apache.kafka.connect.runtime.distributed.ConnectAssignor;
import org.apache.kafka.connect.runtime.distributed.ConnectProtocol;
import org.apache.kafka.connect.runtime.distributed.ConnectProtocolCompatibility;
import org.apache.kafka.connect.runtime.distributed.EagerAssignor;
import org.apache.kafka.connect.runtime.distributed.ExtendedAssignment;
import org.apache.kafka.connect.runtime.distributed.ExtendedWorkerState;
import org.apache.kafka.connect.runtime.distributed.IncrementalCooperativeAssignor;
import org.apache.kafka.connect.runtime.distributed.IncrementalCooperativeConnectProtocol;
import org.apache.kafka.connect.runtime.distributed.WorkerCoordinator;
import org.apache.kafka.connect.runtime.distributed.WorkerRebalanceListener;
import org.apache.kafka.connect.storage.ClusterConfigState;
import org.apache.kafka.connect.storage.ConfigBackingStore;
import org.apache.kafka.connect.util.ConnectorTaskId;

public class GenAssignorGolden {
    static final HexFormat HEX = HexFormat.of();

    static final class Clock implements Time {
        long now = 1_000_000;

        public long milliseconds() {
            return now;
        }

        public long nanoseconds() {
            return now * 1_000_000;
        }

        public void sleep(long ms) {
            now += ms;
        }

        public void waitObject(Object o, Supplier<Boolean> c, long t) {
        }
    }

    /* One worker as the simulation sees it: what it runs. */
    static final class Member {
        final String id;
        final String url;
        List<String> connectors = new ArrayList<>();
        List<ConnectorTaskId> tasks = new ArrayList<>();
        long offset = -1; /* -1: the config offset of the round */
        int lastCompleted = -1; /* the last generation it joined */
        ConnectAssignor assignor; /* its own, used while it leads */

        Member(String id) {
            this.id = id;
            this.url = "http://" + id + ":8083/";
        }
    }

    /* One scenario: an assignor, a group and a config, changed between
     * rounds by the script. */
    static final class Scenario {
        final String name;
        final String protocol;
        final int maxDelay;
        final Clock clock = new Clock();
        final LinkedHashMap<String, Member> members = new LinkedHashMap<>();
        final TreeMap<String, Integer> connectors = new TreeMap<>();
        long configOffset = 10;
        long freshOffset = -1; /* what a fresh read finds; -1: same */
        int gen = 0;
        int syncFailed = 0; /* rounds whose assignment the leader lost */
        String leader;
        final StringBuilder rounds = new StringBuilder();
        int nRounds = 0;

        Scenario(String name, String protocol, int maxDelay) {
            this.name = name;
            this.protocol = protocol;
            this.maxDelay = maxDelay;
        }

        ConnectAssignor newAssignor() {
            return protocol.equals("eager")
                    ? new EagerAssignor(new LogContext())
                    : new IncrementalCooperativeAssignor(new LogContext(), clock, maxDelay);
        }

        Scenario join(String... ids) {
            for (String id : ids) {
                members.put(id, new Member(id));
            }
            return this;
        }

        Scenario leave(String... ids) {
            for (String id : ids) {
                members.remove(id);
            }
            return this;
        }

        Scenario connector(String name, int tasks) {
            connectors.put(name, tasks);
            configOffset++;
            return this;
        }

        Scenario delete(String name) {
            connectors.remove(name);
            configOffset++;
            return this;
        }

        Scenario advance(long ms) {
            clock.now += ms;
            return this;
        }
    }

    static ClusterConfigState snapshot(long offset, Map<String, Integer> connectors) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        Map<String, Map<String, String>> configs = new LinkedHashMap<>();
        Map<String, TargetState> states = new LinkedHashMap<>();
        Map<ConnectorTaskId, Map<String, String>> taskConfigs = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> e : connectors.entrySet()) {
            counts.put(e.getKey(), e.getValue());
            configs.put(e.getKey(), Map.of("name", e.getKey()));
            states.put(e.getKey(), TargetState.STARTED);
            for (int t = 0; t < e.getValue(); t++) {
                taskConfigs.put(new ConnectorTaskId(e.getKey(), t), Map.of());
            }
        }
        return new ClusterConfigState(offset, null, counts, configs, states, taskConfigs,
                Map.of(), Map.of(), Map.of(), Collections.emptySet(), Collections.emptySet());
    }

    static ClusterConfigState fresh;

    static WorkerCoordinator coordinator(Scenario s, int lastCompleted) throws Exception {
        GroupRebalanceConfig grc = new GroupRebalanceConfig(10000, 60000, 3000, "g",
                Optional.empty(), null, 100L, 1000L, true);
        ConfigBackingStore store = (ConfigBackingStore) Proxy.newProxyInstance(
                GenAssignorGolden.class.getClassLoader(),
                new Class<?>[] {ConfigBackingStore.class},
                (p, m, a) -> m.getName().equals("snapshot") ? fresh : null);
        WorkerRebalanceListener listener = (WorkerRebalanceListener) Proxy.newProxyInstance(
                GenAssignorGolden.class.getClassLoader(),
                new Class<?>[] {WorkerRebalanceListener.class}, (p, m, a) -> null);
        ConnectProtocolCompatibility compat = ConnectProtocolCompatibility.fromProtocol(
                s.protocol.equals("eager") ? "default" : s.protocol);
        WorkerCoordinator c = new WorkerCoordinator(grc, new LogContext(), null, new Metrics(),
                "connect", s.clock, "http://leader:8083/", store, listener, compat, s.maxDelay);
        Field g = AbstractCoordinator.class.getDeclaredField("generation");
        g.setAccessible(true);
        Class<?> gc = Class.forName(
                "org.apache.kafka.clients.consumer.internals.AbstractCoordinator$Generation");
        java.lang.reflect.Constructor<?> gk = gc.getDeclaredConstructor(int.class,
                String.class, String.class);
        gk.setAccessible(true);
        g.set(c, gk.newInstance(s.gen, s.leader, s.protocol));
        Field l = WorkerCoordinator.class.getDeclaredField("lastCompletedGenerationId");
        l.setAccessible(true);
        l.set(c, lastCompleted);
        return c;
    }

    static String q(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static String hex(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return q(HEX.formatHex(a));
    }

    /* Runs one rebalance round; the members apply what they were given. */
    static void round(Scenario s) throws Exception {
        s.gen++;
        if (s.leader == null || !s.members.containsKey(s.leader)) {
            s.leader = s.members.keySet().iterator().next();
        }
        boolean eager = s.protocol.equals("eager");
        boolean sessioned = s.protocol.equals("sessioned");
        ClusterConfigState cached = snapshot(s.configOffset, s.connectors);
        long freshOffset = s.freshOffset >= 0 ? s.freshOffset : s.configOffset;
        fresh = snapshot(freshOffset, s.connectors);
        /* the group coordinator's leader: the first member to have joined */
        Member lm = s.members.get(s.leader);
        boolean fresh = lm.assignor == null;
        if (fresh) {
            lm.assignor = s.newAssignor();
        }
        int lastCompleted = lm.lastCompleted;
        if (s.syncFailed > 0) {
            lastCompleted--;
            s.syncFailed--;
        }
        WorkerCoordinator c = coordinator(s, lastCompleted);
        c.configSnapshot(cached);
        List<JoinGroupResponseMember> joins = new ArrayList<>();
        StringBuilder in = new StringBuilder();
        for (Member m : s.members.values()) {
            long off = m.offset >= 0 ? m.offset : s.configOffset;
            ByteBuffer md;
            if (eager) {
                md = ConnectProtocol.serializeMetadata(new ConnectProtocol.WorkerState(m.url, off));
            } else {
                ExtendedAssignment cur = new ExtendedAssignment(sessioned ? (short) 2 : (short) 1,
                        (short) 0, s.leader, "http://" + s.leader + ":8083/", off,
                        m.connectors, m.tasks, List.of(), List.of(), 0);
                md = IncrementalCooperativeConnectProtocol.serializeMetadata(
                        new ExtendedWorkerState(m.url, off, cur), sessioned);
            }
            byte[] a = new byte[md.remaining()];
            md.duplicate().get(a);
            joins.add(new JoinGroupResponseMember().setMemberId(m.id).setMetadata(a));
            if (in.length() > 0) {
                in.append(',');
            }
            in.append("{\"id\":").append(q(m.id)).append(",\"metadata\":").append(hex(md)).append('}');
        }
        String proto = eager ? "default" : s.protocol;
        Map<String, ByteBuffer> out = lm.assignor.performAssignment(s.leader, proto, joins, c);
        String owners = leaderOwners(c);
        StringBuilder res = new StringBuilder();
        for (Member m : s.members.values()) {
            ByteBuffer b = out.get(m.id);
            if (res.length() > 0) {
                res.append(',');
            }
            res.append("{\"id\":").append(q(m.id)).append(",\"assignment\":").append(hex(b)).append('}');
            m.lastCompleted = s.gen;
            if (eager) {
                ConnectProtocol.Assignment a = ConnectProtocol.deserializeAssignment(b.duplicate());
                if (!a.failed()) {
                    m.connectors = new ArrayList<>(a.connectors());
                    m.tasks = new ArrayList<>(a.tasks());
                }
            } else {
                ExtendedAssignment a = IncrementalCooperativeConnectProtocol.deserializeAssignment(b.duplicate());
                if (!a.failed()) {
                    m.connectors.removeAll(a.revokedConnectors());
                    m.tasks.removeAll(a.revokedTasks());
                    for (String x : a.connectors()) {
                        if (!m.connectors.contains(x)) {
                            m.connectors.add(x);
                        }
                    }
                    for (ConnectorTaskId x : a.tasks()) {
                        if (!m.tasks.contains(x)) {
                            m.tasks.add(x);
                        }
                    }
                }
            }
        }
        StringBuilder conns = new StringBuilder();
        for (Map.Entry<String, Integer> e : s.connectors.entrySet()) {
            if (conns.length() > 0) {
                conns.append(',');
            }
            conns.append('[').append(q(e.getKey())).append(',').append(e.getValue()).append(']');
        }
        if (s.nRounds++ > 0) {
            s.rounds.append(',');
        }
        s.rounds.append("{\"now\":").append(s.clock.now)
                .append(",\"gen\":").append(s.gen)
                .append(",\"last_gen\":").append(lastCompleted)
                .append(",\"leader\":").append(q(s.leader))
                .append(",\"new_assignor\":").append(fresh)
                .append(",\"config_offset\":").append(s.configOffset)
                .append(",\"fresh_offset\":").append(freshOffset)
                .append(",\"connectors\":[").append(conns).append(']')
                .append(",\"members\":[").append(in).append(']')
                .append(",\"result\":[").append(res).append(']')
                .append(",\"owners\":").append(owners).append('}');
    }

    /* The leader's state the assignor left in the coordinator (what the
     * leader answers ownerUrl with): every connector (task -1) and task
     * with the member that runs it, sorted; null when the round set none
     * (CONFIG_MISMATCH). */
    @SuppressWarnings("unchecked")
    static String leaderOwners(WorkerCoordinator c) throws Exception {
        Field f = WorkerCoordinator.class.getDeclaredField("leaderState");
        f.setAccessible(true);
        Object st = f.get(c);
        if (st == null) {
            return "null";
        }
        Field cf = st.getClass().getDeclaredField("connectorOwners");
        Field tf = st.getClass().getDeclaredField("taskOwners");
        cf.setAccessible(true);
        tf.setAccessible(true);
        TreeMap<ConnectorTaskId, String> all = new TreeMap<>();
        for (Map.Entry<String, String> e : ((Map<String, String>) cf.get(st)).entrySet()) {
            all.put(new ConnectorTaskId(e.getKey(), -1), e.getValue());
        }
        all.putAll((Map<ConnectorTaskId, String>) tf.get(st));
        StringBuilder b = new StringBuilder("[");
        for (Map.Entry<ConnectorTaskId, String> e : all.entrySet()) {
            if (b.length() > 1) {
                b.append(',');
            }
            b.append('[').append(q(e.getKey().connector())).append(',')
                    .append(e.getKey().task()).append(',').append(q(e.getValue())).append(']');
        }
        return b.append(']').toString();
    }

    static PrintWriter pw;

    static void emit(Scenario s) {
        pw.println("{\"id\":" + q(s.name) + ",\"protocol\":" + q(s.protocol)
                + ",\"max_delay\":" + s.maxDelay + ",\"rounds\":[" + s.rounds + "]}");
    }

    static final String[] PROTOCOLS = {"eager", "compatible", "sessioned"};

    static void scripted() throws Exception {
        for (String p : PROTOCOLS) {
            /* one worker, then a second and a third join */
            Scenario s = new Scenario("grow_" + p, p, 300000);
            s.join("w1").connector("conn-a", 3).connector("conn-b", 1);
            round(s);
            s.join("w2");
            round(s);
            round(s);
            s.join("w3");
            round(s);
            round(s);
            round(s);
            emit(s);

            /* a worker leaves and comes back within the delay */
            s = new Scenario("bounce_within_delay_" + p, p, 300000);
            s.join("w1", "w2", "w3").connector("src", 4).connector("sink", 5);
            round(s);
            round(s);
            s.leave("w2").advance(1000);
            round(s);
            s.advance(60000);
            round(s);
            s.join("w2").advance(1000);
            round(s);
            s.advance(300000);
            round(s);
            round(s);
            emit(s);

            /* a worker dies for good: its work waits out the delay */
            s = new Scenario("lost_after_delay_" + p, p, 10000);
            s.join("w1", "w2", "w3").connector("a", 2).connector("b", 3).connector("c", 1);
            round(s);
            round(s);
            s.leave("w3").advance(500);
            round(s);
            s.advance(4000);
            round(s);
            s.advance(6000);
            round(s);
            round(s);
            emit(s);

            /* lost work with an empty newcomer as the candidate */
            s = new Scenario("lost_to_newcomer_" + p, p, 10000);
            s.join("w1", "w2").connector("a", 4).connector("b", 2);
            round(s);
            round(s);
            s.leave("w2").join("w9").advance(100);
            round(s);
            s.advance(10000);
            round(s);
            round(s);
            emit(s);

            /* no delay: lost work moves at once */
            s = new Scenario("no_delay_" + p, p, 0);
            s.join("w1", "w2", "w3").connector("a", 3).connector("b", 3);
            round(s);
            round(s);
            s.leave("w1");
            round(s);
            round(s);
            s.join("w1");
            round(s);
            round(s);
            emit(s);

            /* connectors added, deleted and resized */
            s = new Scenario("config_changes_" + p, p, 300000);
            s.join("w1", "w2").connector("a", 2).connector("b", 2);
            round(s);
            round(s);
            s.connector("c", 5);
            round(s);
            s.delete("a");
            round(s);
            s.connector("b", 1);
            round(s);
            s.connector("b", 6).connector("d", 0);
            round(s);
            round(s);
            emit(s);

            /* uneven task counts, many connectors, five workers */
            s = new Scenario("many_connectors_" + p, p, 300000);
            s.join("worker-1", "worker-2", "worker-3", "worker-4", "worker-5");
            for (int i = 0; i < 23; i++) {
                s.connector("connector-" + i, (i * 7) % 5);
            }
            round(s);
            round(s);
            s.leave("worker-3").advance(300001);
            round(s);
            round(s);
            s.join("worker-3");
            round(s);
            round(s);
            emit(s);

            /* the leader is behind: a fresh read catches up, or does not */
            s = new Scenario("leader_behind_" + p, p, 300000);
            s.join("w1", "w2").connector("a", 2);
            round(s);
            s.members.get("w2").offset = 40;
            s.freshOffset = 40;
            round(s);
            s.freshOffset = 20;
            round(s);
            s.freshOffset = -1;
            s.members.get("w2").offset = -1;
            round(s);
            emit(s);

            /* names outside ASCII: Java sorts by UTF-16 units (an emoji's
             * surrogates before U+FF71) and hashes UTF-16; member ids as
             * the broker makes them */
            s = new Scenario("unicode_names_" + p, p, 300000);
            s.join("connect-1-0b9e4c1a-64f3-4d6e-9d0a-7f3a2b1c9e01",
                    "connect-1-f1d2c3b4-a5e6-4f70-8a9b-0c1d2e3f4a5b");
            s.connector("zeta", 2).connector("\u00e9t\u00e9", 3)
                    .connector("\uff71", 1).connector("\ud83d\ude00", 2)
                    .connector("\u65e5\u672c", 4).connector("Zeta b", 1);
            round(s);
            round(s);
            s.join("connect-1-7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d");
            round(s);
            round(s);
            s.delete("\uff71");
            round(s);
            round(s);
            emit(s);

            /* the leader dies: the next one starts with no history */
            s = new Scenario("leader_dies_" + p, p, 300000);
            s.join("w1", "w2", "w3").connector("a", 3).connector("b", 4);
            round(s);
            round(s);
            s.leave("w1").advance(2000);
            round(s);
            s.advance(400000);
            round(s);
            s.join("w1");
            round(s);
            round(s);
            s.leave("w2").advance(100);
            round(s);
            s.advance(300000);
            round(s);
            round(s);
            emit(s);

            if (!p.equals("eager")) {
                /* the same task on two workers */
                s = new Scenario("duplicated_" + p, p, 300000);
                s.join("w1", "w2").connector("a", 2);
                round(s);
                round(s);
                s.members.get("w1").tasks.add(new ConnectorTaskId("a", 0));
                s.members.get("w2").tasks.add(new ConnectorTaskId("a", 0));
                s.members.get("w1").connectors.add("a");
                s.members.get("w2").connectors.add("a");
                round(s);
                round(s);
                round(s);
                emit(s);

                /* the leader's previous round never completed */
                s = new Scenario("sync_failed_" + p, p, 300000);
                s.join("w1", "w2").connector("a", 3);
                round(s);
                round(s);
                s.syncFailed = 1;
                s.join("w3");
                round(s);
                round(s);
                emit(s);

                /* workers join one per round: successive revocations back off */
                s = new Scenario("successive_revocations_" + p, p, 300000);
                s.join("w1").connector("a", 12).connector("b", 12);
                round(s);
                for (int i = 2; i <= 6; i++) {
                    s.join("w" + i).advance(10);
                    round(s);
                }
                s.advance(300000);
                round(s);
                round(s);
                emit(s);
            }
        }
    }

    /* Seeded random sequences of joins, leaves, bounces, config changes
     * and clock steps. */
    static void random(String prefix, int count, long seed, int maxMembers,
            int names, int maxTasks) throws Exception {
        Random r = new Random(seed);
        for (int n = 0; n < count; n++) {
            String p = PROTOCOLS[n % 3];
            int[] delays = {0, 1000, 300000};
            Scenario s = new Scenario(prefix + n + "_" + p, p, delays[r.nextInt(3)]);
            int next = 1;
            int nm = 1 + r.nextInt(maxMembers - 2);
            for (int i = 0; i < nm; i++) {
                s.join("w" + next++);
            }
            int nc = 1 + r.nextInt(names / 2);
            for (int i = 0; i < nc; i++) {
                s.connector("c" + r.nextInt(names), r.nextInt(maxTasks));
            }
            int rounds = 6 + r.nextInt(10);
            for (int i = 0; i < rounds; i++) {
                int ev = r.nextInt(10);
                if (ev == 0 && s.members.size() < maxMembers) {
                    s.join("w" + next++);
                } else if (ev == 1 && s.members.size() > 1) {
                    List<String> ids = new ArrayList<>(s.members.keySet());
                    s.leave(ids.get(r.nextInt(ids.size())));
                } else if (ev == 2) {
                    List<String> ids = new ArrayList<>(s.members.keySet());
                    String id = ids.get(r.nextInt(ids.size()));
                    s.leave(id).join(id);
                } else if (ev == 3) {
                    s.connector("c" + r.nextInt(names), r.nextInt(maxTasks));
                } else if (ev == 4 && s.connectors.size() > 0) {
                    List<String> ids = new ArrayList<>(s.connectors.keySet());
                    s.delete(ids.get(r.nextInt(ids.size())));
                } else if (ev == 5 && s.members.size() > 2) {
                    /* two workers die together */
                    List<String> ids = new ArrayList<>(s.members.keySet());
                    Collections.shuffle(ids, r);
                    s.leave(ids.get(0), ids.get(1));
                }
                Member lag = null;
                Member ahead = null;
                int sub = r.nextInt(8);
                List<Member> ms = new ArrayList<>(s.members.values());
                if (sub == 0) {
                    /* a worker behind the config topic */
                    lag = ms.get(r.nextInt(ms.size()));
                    lag.offset = s.configOffset - 1;
                } else if (sub == 1) {
                    /* a worker ahead of the leader, who may catch up */
                    ahead = ms.get(r.nextInt(ms.size()));
                    ahead.offset = s.configOffset + 2;
                    s.freshOffset = s.configOffset + r.nextInt(4);
                }
                s.advance(r.nextInt(4) == 0 ? 0 : r.nextInt(400000));
                round(s);
                if (lag != null) {
                    lag.offset = -1;
                }
                if (ahead != null) {
                    ahead.offset = -1;
                    s.freshOffset = -1;
                }
            }
            emit(s);
        }
    }

    public static void main(String[] args) throws Exception {
        pw = new PrintWriter(args[0], "UTF-8");
        scripted();
        random("random_", 60, 20261205L, 6, 20, 7);
        /* past 12 members, 12 connectors and 12 tasks per worker the
         * Java tables grow: other bucket orders */
        random("random_big_", 30, 20261206L, 16, 60, 14);
        pw.close();
    }
}
