package io.trinity.pool.spring;

import io.trinity.pool.PoolConfig;
import io.trinity.pool.PoolConfigLoader;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.origin.Origin;
import org.springframework.core.env.Environment;

/**
 * The {@code trinity.pool.*} properties of a Spring environment, as the kebab-case map
 * {@link PoolConfig#from(java.util.Map)} reads, so the core stays the one place that knows the
 * keys, parses the values and words the errors.
 *
 * <p>Spring's binder finds each key in every form Spring allows ({@code max-agents},
 * {@code maxAgents}, {@code TRINITY_POOL_MAX_AGENTS}), with Spring's precedence between sources.
 * A name under {@code trinity.pool} that matches no key is passed on as Spring names it, so the
 * core refuses it and names the closest key. Where each value came from (file and line, or
 * variable) is kept for the error message.
 *
 * @param values  by key
 * @param origins where each value came from, by the same key, when Spring knows
 */
record PoolProperties(Map<String, String> values, Map<String, Origin> origins) {

    private static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of("trinity.pool");
    private static final Set<String> KNOWN = PoolConfigLoader.keys().stream()
            .map(k -> canonical(k.name())).collect(Collectors.toUnmodifiableSet());

    static PoolProperties read(Environment environment) {
        Binder binder = Binder.get(environment);
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, Origin> origins = new LinkedHashMap<>();
        for (PoolConfigLoader.Key key : PoolConfigLoader.keys()) {
            BindHandler originOf = new BindHandler() {
                @Override
                public Object onSuccess(ConfigurationPropertyName name, Bindable<?> target, BindContext context,
                                        Object result) {
                    ConfigurationProperty p = context.getConfigurationProperty();
                    if (p != null && p.getOrigin() != null) {
                        origins.put(key.name(), p.getOrigin());
                    }
                    return result;
                }
            };
            binder.bind(key.name(), Bindable.of(String.class), originOf).ifBound(v -> values.put(key.name(), v));
        }
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (source instanceof IterableConfigurationPropertySource iterable) {
                iterable.stream().filter(ROOT::isAncestorOf).filter(n -> !KNOWN.contains(canonical(n.toString())))
                        .forEach(n -> {
                            ConfigurationProperty p = source.getConfigurationProperty(n);
                            values.putIfAbsent(n.toString(), p == null ? "" : String.valueOf(p.getValue()));
                            if (p != null && p.getOrigin() != null) {
                                origins.putIfAbsent(n.toString(), p.getOrigin());
                            }
                        });
            }
        }
        return new PoolProperties(values, origins);
    }

    /** {@code message} with where the property it names came from, when known. */
    String withOrigin(String message) {
        return origins.keySet().stream().filter(message::contains).max(Comparator.comparingInt(String::length))
                .map(key -> message + " [origin: " + origins.get(key) + "]").orElse(message);
    }

    /** The form in which Spring's spellings of one key agree: no case, dashes, dots or underscores. */
    private static String canonical(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[-._]", "");
    }
}
