package io.trinity.pool.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The API keys a server accepts, each naming its tenant and role. Only SHA-256 digests are
 * held: a presented key is hashed and looked up, so no key is kept in memory and the lookup
 * does not compare secrets character by character.
 *
 * <p>The keys file is JSON:
 * <pre>{@code
 * {"keys": [{"key": "s3cret-acme", "tenant": "acme", "role": "tenant"},
 *           {"sha256": "9f86d0...", "tenant": "ops", "role": "admin"}]}
 * }</pre>
 */
public final class ApiKeys {

    private static final Pattern HEX64 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Set<String> ENTRY_FIELDS = Set.of("key", "sha256", "tenant", "role");

    private final Map<String, Principal> byDigest;
    private final String generatedAdminKey;

    private ApiKeys(Map<String, Principal> byDigest, String generatedAdminKey) {
        this.byDigest = Map.copyOf(byDigest);
        this.generatedAdminKey = generatedAdminKey;
    }

    /** One fresh random admin key for {@code tenant}, for a server started without a keys file. */
    public static ApiKeys generated(String tenant) {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        String key = "tri_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        return builder().key(key, tenant, Role.ADMIN).generated(key);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Reads a keys file; the message of the exception names the file, the entry and the field. */
    public static ApiKeys read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("keys file not found: " + file
                    + " (expected JSON like {\"keys\": [{\"key\": \"...\", \"tenant\": \"acme\", \"role\": \"tenant\"}]})");
        }
        try {
            return parse(file.toString(), new ObjectMapper().readTree(file.toFile()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("keys file " + file + " is not valid JSON (" + e.getOriginalMessage()
                    + ", line " + e.getLocation().getLineNr() + ")", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read keys file " + file + " (" + e.getMessage() + ")", e);
        }
    }

    static ApiKeys parse(String name, JsonNode root) {
        if (root == null || !root.isObject() || !root.path("keys").isArray()) {
            throw new IllegalArgumentException("keys file " + name + ": expected an object with a \"keys\" array");
        }
        Builder b = builder();
        JsonNode keys = root.get("keys");
        for (int i = 0; i < keys.size(); i++) {
            String where = "keys file " + name + ": keys[" + i + "]";
            JsonNode e = keys.get(i);
            if (!e.isObject()) {
                throw new IllegalArgumentException(where + " must be an object with key (or sha256), tenant and role");
            }
            e.fieldNames().forEachRemaining(f -> {
                if (!ENTRY_FIELDS.contains(f)) {
                    throw new IllegalArgumentException(where + ": unknown field '" + f + "'; expected key or sha256,"
                            + " tenant, role");
                }
            });
            String tenant = text(where, e, "tenant");
            Role role = role(where, text(where, e, "role"));
            boolean hasKey = e.has("key");
            boolean hasDigest = e.has("sha256");
            if (hasKey == hasDigest) {
                throw new IllegalArgumentException(where + ": give exactly one of \"key\" and \"sha256\"");
            }
            try {
                if (hasKey) {
                    b.key(text(where, e, "key"), tenant, role);
                } else {
                    b.digest(text(where, e, "sha256"), tenant, role);
                }
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException(where + ": " + bad.getMessage(), bad);
            }
        }
        if (b.byDigest.isEmpty()) {
            throw new IllegalArgumentException("keys file " + name + ": \"keys\" is empty; add at least one admin key");
        }
        return b.build();
    }

    /** The caller a presented key stands for, if it is one of ours. */
    public Optional<Principal> authenticate(String presentedKey) {
        if (presentedKey == null || presentedKey.isEmpty() || presentedKey.length() > 1024) {
            return Optional.empty();
        }
        return Optional.ofNullable(byDigest.get(sha256(presentedKey)));
    }

    /** The admin key made by {@link #generated}, to print once at start. */
    public Optional<String> generatedAdminKey() {
        return Optional.ofNullable(generatedAdminKey);
    }

    /** True when no keys file was given (the key was generated at start). */
    public boolean isGenerated() {
        return generatedAdminKey != null;
    }

    /** The tenants that have a key. */
    public Set<String> tenants() {
        return byDigest.values().stream().map(Principal::tenant).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /**
     * A digest of every key with its tenant and role (the keys only as their SHA-256, in a fixed
     * order): equal for two key sets that grant the same, whatever the files' layout. A cluster
     * records it so that nodes with different keys files refuse to join (docs/cluster.md).
     */
    public String fingerprint() {
        StringBuilder b = new StringBuilder();
        new java.util.TreeMap<>(byDigest).forEach((digest, p) -> b.append(digest).append(' ').append(p.tenant())
                .append(' ').append(p.role()).append('\n'));
        return sha256(b.toString());
    }

    static String sha256(String key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static String text(String where, JsonNode e, String field) {
        JsonNode v = e.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new IllegalArgumentException(where + "." + field + " must be a non-blank string (got " + v + ")");
        }
        return v.asText();
    }

    private static Role role(String where, String value) {
        return switch (value) {
            case "tenant" -> Role.TENANT;
            case "admin" -> Role.ADMIN;
            default -> throw new IllegalArgumentException(where + ".role must be \"tenant\" or \"admin\" (got \""
                    + value + "\")");
        };
    }

    /** Collects keys; for tests and embedding. */
    public static final class Builder {
        private final Map<String, Principal> byDigest = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder key(String key, String tenant, Role role) {
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("key must be a non-blank string");
            }
            return digest(sha256(key), tenant, role);
        }

        public Builder digest(String sha256Hex, String tenant, Role role) {
            if (sha256Hex == null || !HEX64.matcher(sha256Hex).matches()) {
                throw new IllegalArgumentException("sha256 must be 64 hex digits (got " + sha256Hex + ")");
            }
            if (tenant == null || tenant.isBlank()) {
                throw new IllegalArgumentException("tenant must be a non-blank string (got " + tenant + ")");
            }
            if (role != Role.TENANT && role != Role.ADMIN) {
                throw new IllegalArgumentException("role must be TENANT or ADMIN (got " + role + ")");
            }
            String digest = sha256Hex.toLowerCase(java.util.Locale.ROOT);
            if (byDigest.putIfAbsent(digest, new Principal(tenant, role, digest.substring(0, 12))) != null) {
                throw new IllegalArgumentException("the same key is listed twice (sha256 " + digest.substring(0, 12)
                        + "...); give each key once");
            }
            return this;
        }

        public ApiKeys build() {
            return new ApiKeys(byDigest, null);
        }

        private ApiKeys generated(String key) {
            return new ApiKeys(byDigest, key);
        }
    }
}
