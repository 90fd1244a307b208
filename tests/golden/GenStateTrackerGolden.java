/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Golden data for kconnect's state tracker (src/metrics/kc_state_tracker.c):
 * Apache Connect's own StateTracker (connect-runtime) through a seeded
 * script of state changes, with the running, paused and failed ratios read
 * after each step. tests/unit/test_metrics.c replays it.
 *
 *   java -cp <connect-runtime:kafka-clients:...> GenStateTrackerGolden.java OUT
 *
 * Lines: {"t":ms,"state":"RUNNING"} (changeState) or
 * {"t":ms,"ratios":{"RUNNING":r,"PAUSED":p,"FAILED":f,"STOPPED":s}}.
 */
import java.io.PrintWriter;

import org.apache.kafka.connect.runtime.AbstractStatus.State;
import org.apache.kafka.connect.runtime.StateTracker;

public class GenStateTrackerGolden {
    static long seed = 777;

    static long next(long bound) {
        seed = seed * 6364136223846793005L + 1442695040888963407L;
        return ((seed >>> 33) % bound + bound) % bound;
    }

    public static void main(String[] args) throws Exception {
        State[] states = State.values();
        State[] read = {State.RUNNING, State.PAUSED, State.FAILED,
                        State.STOPPED};
        try (PrintWriter out = new PrintWriter(args[0], "UTF-8")) {
            for (int run = 0; run < 5; run++) {
                StateTracker t = new StateTracker();
                long now = 1_000_000L;
                out.println("{\"new\":true}");
                for (int i = 0; i < 60; i++) {
                    now += next(5000);
                    if (next(3) == 0) {
                        StringBuilder sb = new StringBuilder();
                        sb.append("{\"t\":").append(now)
                            .append(",\"ratios\":{");
                        for (int k = 0; k < read.length; k++) {
                            if (k > 0) {
                                sb.append(',');
                            }
                            sb.append('"').append(read[k].name()).append("\":")
                                .append(t.durationRatio(read[k], now));
                        }
                        out.println(sb.append("}}"));
                    } else {
                        State s = states[(int) next(states.length)];
                        t.changeState(s, now);
                        out.println("{\"t\":" + now + ",\"state\":\""
                            + s.name() + "\"}");
                    }
                }
            }
        }
    }
}
