package com.example.modular;

import io.trinity.pool.AgentPool;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.Task;
import io.trinity.pool.agents.code.CodeAgent;
import java.util.Map;

/** Runs the code agent from a named module and prints which modules did the work. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        String source = """
                package demo;

                public class Hello {
                    static String greet(String name) {
                        return name == null || name.isBlank() ? "hello" : "hello " + name;
                    }
                }
                """;
        try (AgentPool pool = AgentPool.builder()
                .config(PoolConfig.custom().maxAgents(2).build())
                .register("code", CodeAgent::new)
                .build()) {
            Map<String, Object> out = pool.submit(Task.of("code", Map.of("source", source))).result().join().data();
            System.out.println("app.module=" + Main.class.getModule().getName());
            System.out.println("core.module=" + AgentPool.class.getModule().getName());
            System.out.println("agent.module=" + CodeAgent.class.getModule().getName());
            System.out.println("compiled=" + out.get("compiled"));
            System.out.println("classFiles=" + out.get("classFiles"));
            System.out.println("complexity=" + ((Map<?, ?>) out.get("complexity")).get("max"));
        }
    }
}
