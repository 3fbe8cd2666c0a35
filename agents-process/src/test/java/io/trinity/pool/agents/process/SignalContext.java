package io.trinity.pool.agents.process;

import io.trinity.pool.agents.testing.FakeTaskContext;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link FakeTaskContext} and a future completed by its first progress report, so a test can
 * act (kill, cancel) once the worker is really inside the task.
 */
final class SignalContext {

    final FakeTaskContext fake;
    final CompletableFuture<String> firstProgress = new CompletableFuture<>();

    SignalContext(FakeTaskContext fake) {
        this.fake = fake;
        fake.onProgress = firstProgress::complete;
    }
}
