package com.example.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.trinity.pool.AgentPool;
import io.trinity.pool.Payload;
import io.trinity.pool.Task;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;

/** The whole application context, as it starts in production: properties, actuator, Micrometer. */
@SpringBootTest
class ShoutApplicationTest {

    @Autowired
    AgentPool pool;

    @Autowired
    HealthEndpoint health;

    @Autowired
    MeterRegistry registry;

    @Test
    void aTaskThroughTheAutoConfiguredPoolWithHealthAndMeters() throws Exception {
        assertThat(pool.config().maxAgents()).as("trinity.pool.max-agents from application.properties").isEqualTo(4);

        Payload result = pool.submit(Task.of("shout", Map.of("text", "hello"))).result().get(30, TimeUnit.SECONDS);
        assertThat(result.data()).containsEntry("text", "HELLO");

        HealthDescriptor up = health.healthForPath("trinityPool");
        assertThat(up).isNotNull();
        assertThat(up.getStatus()).isEqualTo(Status.UP);
        assertThat(((IndicatedHealthDescriptor) up).getDetails()).containsKeys("agents", "states", "queue", "running");

        // Listeners are fed off the pool's control loop; once shutdown completes, every event has been delivered.
        pool.shutdown(Duration.ofSeconds(10)).join();
        assertThat(registry.get("trinity.pool.tasks").tags("type", "shout", "outcome", "succeeded").functionCounter().count())
                .isEqualTo(1.0);
        assertThat(health.healthForPath("trinityPool").getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
    }
}
