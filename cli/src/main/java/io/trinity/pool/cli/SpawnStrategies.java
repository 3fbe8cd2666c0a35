package io.trinity.pool.cli;

import io.trinity.pool.spawn.OnDemandSpawning;
import io.trinity.pool.spawn.SpawnStrategy;
import io.trinity.pool.spawn.WarmPoolSpawning;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The spawning strategies the core ships, found by name: every public concrete class of
 * {@code io.trinity.pool.spawn} that implements {@link SpawnStrategy} and has a public no-arg
 * constructor. A strategy added to the core shows up here (in {@code --spawn-strategy} and in
 * the bench matrix) without editing the CLI.
 */
final class SpawnStrategies {

    /** What the pool runs when no strategy is named: on-demand spawning plus the warm pool. */
    static final List<String> POOL_DEFAULT = List.of(OnDemandSpawning.NAME, WarmPoolSpawning.NAME);

    private static volatile Map<String, Supplier<SpawnStrategy>> known;

    private SpawnStrategies() {
    }

    /** Strategy factories by name, sorted by name. */
    static Map<String, Supplier<SpawnStrategy>> available() {
        Map<String, Supplier<SpawnStrategy>> k = known;
        if (k == null) {
            k = Collections.unmodifiableMap(scan());
            known = k;
        }
        return k;
    }

    /** New instances of the named strategies; an unknown name is a {@link UserError}. */
    static List<SpawnStrategy> create(List<String> names) {
        List<SpawnStrategy> out = new ArrayList<>();
        for (String n : names) {
            Supplier<SpawnStrategy> s = available().get(n.trim());
            if (s == null) {
                throw new UserError("unknown spawn strategy '" + n + "'; choose from "
                        + String.join(", ", available().keySet()) + " (comma-separated for several)");
            }
            out.add(s.get());
        }
        return out;
    }

    private static Map<String, Supplier<SpawnStrategy>> scan() {
        Map<String, Supplier<SpawnStrategy>> found = new TreeMap<>();
        String pkg = SpawnStrategy.class.getPackageName();
        for (String className : classesOf(pkg)) {
            Class<?> c;
            try {
                c = Class.forName(className, false, SpawnStrategy.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                continue;
            }
            if (!SpawnStrategy.class.isAssignableFrom(c) || c.isInterface()
                    || Modifier.isAbstract(c.getModifiers()) || !Modifier.isPublic(c.getModifiers())) {
                continue;
            }
            Constructor<?> ctor;
            try {
                ctor = c.getConstructor();
            } catch (NoSuchMethodException e) {
                continue; // needs arguments the CLI cannot guess
            }
            Supplier<SpawnStrategy> supplier = () -> {
                try {
                    return (SpawnStrategy) ctor.newInstance();
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("cannot create spawn strategy " + c.getName(), e);
                }
            };
            found.put(supplier.get().name(), supplier);
        }
        // The two the CLI names in its defaults are always there, even if scanning found nothing.
        found.putIfAbsent(OnDemandSpawning.NAME, OnDemandSpawning::new);
        found.putIfAbsent(WarmPoolSpawning.NAME, WarmPoolSpawning::new);
        return found;
    }

    /** Class names directly in {@code pkg}, from the jar or folder the core was loaded from. */
    private static List<String> classesOf(String pkg) {
        String dir = pkg.replace('.', '/') + "/";
        List<String> names = new ArrayList<>();
        try {
            var source = SpawnStrategy.class.getProtectionDomain().getCodeSource();
            if (source == null) {
                return names;
            }
            Path location = Path.of(source.getLocation().toURI());
            if (Files.isDirectory(location)) {
                try (Stream<Path> files = Files.list(location.resolve(dir))) {
                    files.map(p -> p.getFileName().toString())
                            .filter(f -> f.endsWith(".class") && !f.contains("$"))
                            .forEach(f -> names.add(pkg + "." + f.substring(0, f.length() - 6)));
                }
            } else {
                try (JarFile jar = new JarFile(location.toFile())) {
                    jar.stream().map(JarEntry::getName)
                            .filter(n -> n.startsWith(dir) && n.endsWith(".class") && !n.contains("$")
                                    && n.indexOf('/', dir.length()) < 0)
                            .forEach(n -> names.add(n.substring(0, n.length() - 6).replace('/', '.')));
                }
            }
        } catch (IOException | URISyntaxException | SecurityException e) {
            // Scanning is a convenience; the defaults above still work.
        }
        Collections.sort(names);
        return names;
    }
}
