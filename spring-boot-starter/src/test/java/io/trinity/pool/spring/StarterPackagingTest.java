package io.trinity.pool.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.PoolConfigLoader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.io.support.SpringFactoriesLoader;

/** What Spring Boot finds in the jar: the auto-configurations, the failure analyzer, the IDE metadata. */
class StarterPackagingTest {

    private final ClassLoader loader = getClass().getClassLoader();

    @Test
    void theAutoConfigurationsAreRegistered() {
        List<String> imports = ImportCandidates.load(AutoConfiguration.class, loader).getCandidates();
        assertThat(imports).contains(TrinityPoolAutoConfiguration.class.getName(),
                TrinityPoolHealthAutoConfiguration.class.getName(), TrinityPoolMetricsAutoConfiguration.class.getName());
    }

    @Test
    void theFailureAnalyzerIsRegistered() throws IOException {
        List<String> analyzers = new java.util.ArrayList<>();
        for (java.net.URL url : java.util.Collections.list(loader.getResources(SpringFactoriesLoader.FACTORIES_RESOURCE_LOCATION))) {
            java.util.Properties p = new java.util.Properties();
            try (InputStream in = url.openStream()) {
                p.load(in);
            }
            String names = p.getProperty(FailureAnalyzer.class.getName());
            if (names != null) {
                analyzers.addAll(List.of(names.split("\\s*,\\s*")));
            }
        }
        assertThat(analyzers).contains(InvalidPoolPropertiesFailureAnalyzer.class.getName());
    }

    /** The IDE completes what the core reads: the metadata must list exactly the core's keys, with their defaults. */
    @Test
    void theConfigurationMetadataMatchesTheCoresKeys() throws IOException {
        String json;
        try (InputStream in = loader.getResourceAsStream("META-INF/spring-configuration-metadata.json")) {
            assertThat(in).isNotNull();
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Matcher m = Pattern.compile("\"name\": \"(trinity\\.pool\\.[a-z0-9-]+)\",\\s*\"type\": \"[^\"]+\",\\s*"
                + "\"description\": \"[^\"]+\",\\s*\"defaultValue\": \"?([^\"\\n]+?)\"?\\s*}").matcher(json);
        List<String> listed = m.results().map(r -> r.group(1) + "=" + r.group(2)).toList();
        List<String> keys = PoolConfigLoader.keys().stream().map(k -> k.name() + "=" + k.defaultValue()).toList();
        assertThat(listed).containsExactlyElementsOf(keys);
    }
}
