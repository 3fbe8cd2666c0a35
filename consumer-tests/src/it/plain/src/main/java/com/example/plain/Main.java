package com.example.plain;

import io.trinity.pool.AgentPool;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.Task;
import io.trinity.pool.agents.code.CodeAgent;
import java.util.List;
import java.util.Map;

/** Analyses one Java file with the code agent and prints what it found, one fact a line. */
public final class Main {

    /** The example of docs/agents/code.md: three methods, one type error on line 27. */
    static final String SOURCE = """
            package demo;

            import java.util.List;

            /** Finds the largest even number. */
            public class Evens {
                // returns -1 when there is none
                static int largestEven(List<Integer> xs) {
                    int best = -1;
                    for (int x : xs) {
                        if (x % 2 == 0 && x > best) {
                            best = x;
                        }
                    }
                    return best;
                }

                static String label(int n) {
                    return switch (n) {
                        case 0 -> "none";
                        case 1 -> "one";
                        default -> n > 9 ? "many" : "some";
                    };
                }

                int broken() {
                    return "x";
                }
            }
            """;

    private Main() {
    }

    public static void main(String[] args) {
        try (AgentPool pool = AgentPool.builder()
                .config(PoolConfig.custom().maxAgents(2).build())
                .register("code", CodeAgent::new)
                .build()) {
            Map<String, Object> out = pool.submit(Task.of("code", Map.of("source", SOURCE))).result().join().data();
            System.out.println("fileName=" + out.get("fileName"));
            System.out.println("compiled=" + out.get("compiled"));
            System.out.println("errors=" + out.get("errors"));
            for (Object d : (List<?>) out.get("diagnostics")) {
                Map<?, ?> m = (Map<?, ?>) d;
                System.out.println("diagnostic=" + m.get("kind") + " " + m.get("line") + ":" + m.get("column") + " " + m.get("code"));
            }
            System.out.println("methods=" + out.get("methods"));
            System.out.println("lines=" + out.get("lines"));
            for (Object mm : (List<?>) out.get("methodMetrics")) {
                Map<?, ?> m = (Map<?, ?>) mm;
                System.out.println("complexity." + m.get("name") + "=" + m.get("complexity"));
            }
        }
    }
}
