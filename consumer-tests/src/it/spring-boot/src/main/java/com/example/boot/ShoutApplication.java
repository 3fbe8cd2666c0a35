package com.example.boot;

import io.trinity.pool.AgentType;
import io.trinity.pool.Payload;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/** The application of docs/spring-boot.md: one agent type, declared as a bean. */
@SpringBootApplication
public class ShoutApplication {

    @Bean
    AgentType shout() {
        return AgentType.of("shout", init -> ctx -> Payload.of(Map.of("text",
                ctx.data().get("text").toString().toUpperCase())));
    }

    public static void main(String[] args) {
        SpringApplication.run(ShoutApplication.class, args);
    }
}
