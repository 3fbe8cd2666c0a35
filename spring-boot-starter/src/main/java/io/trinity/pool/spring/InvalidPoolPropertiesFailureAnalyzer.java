package io.trinity.pool.spring;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a bad {@code trinity.pool.*} property into Spring Boot's short startup report instead of a stack trace. */
final class InvalidPoolPropertiesFailureAnalyzer extends AbstractFailureAnalyzer<InvalidPoolPropertiesException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidPoolPropertiesException cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Correct the trinity.pool.* property named above; every key, its default and the duration forms"
                        + " are listed in docs/configuration.md of Trinity Agent Pool.", cause);
    }
}
