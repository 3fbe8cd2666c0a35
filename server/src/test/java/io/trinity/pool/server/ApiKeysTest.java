package io.trinity.pool.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeysTest {

    @TempDir
    Path dir;

    private static ApiKeys parse(String json) throws Exception {
        return ApiKeys.parse("keys.json", new ObjectMapper().readTree(json));
    }

    @Test
    void keysAndDigestsAuthenticateToTheirTenantAndRole() throws Exception {
        Path file = Files.writeString(dir.resolve("keys.json"), "{\"keys\": ["
                + "{\"key\": \"acme-secret\", \"tenant\": \"acme\", \"role\": \"tenant\"},"
                + "{\"sha256\": \"" + ApiKeys.sha256("ops-secret").toUpperCase() + "\", \"tenant\": \"ops\", \"role\": \"admin\"}]}");
        ApiKeys keys = ApiKeys.read(file);
        Principal acme = keys.authenticate("acme-secret").orElseThrow();
        assertThat(acme.tenant()).isEqualTo("acme");
        assertThat(acme.isAdmin()).isFalse();
        assertThat(acme.keyId()).hasSize(12).isEqualTo(ApiKeys.sha256("acme-secret").substring(0, 12));
        assertThat(keys.authenticate("ops-secret").orElseThrow().isAdmin()).isTrue();
        assertThat(keys.authenticate("acme-secret ")).isEmpty();
        assertThat(keys.authenticate("")).isEmpty();
        assertThat(keys.authenticate(null)).isEmpty();
        assertThat(keys.tenants()).containsExactlyInAnyOrder("acme", "ops");
        assertThat(keys.isGenerated()).isFalse();
    }

    @Test
    void aGeneratedKeyIsAnAdminKeyShownOnce() {
        ApiKeys keys = ApiKeys.generated("admin");
        String key = keys.generatedAdminKey().orElseThrow();
        assertThat(key).startsWith("tri_").hasSizeGreaterThan(30);
        assertThat(keys.authenticate(key).orElseThrow().isAdmin()).isTrue();
        assertThat(ApiKeys.generated("admin").generatedAdminKey()).isNotEqualTo(keys.generatedAdminKey());
    }

    @Test
    void mistakesNameTheEntryAndTheField() {
        assertThatThrownBy(() -> parse("{\"keys\": [{\"key\": \"a\", \"sha256\": \"" + "0".repeat(64)
                + "\", \"tenant\": \"t\", \"role\": \"tenant\"}]}"))
                .hasMessageContaining("keys[0]: give exactly one of \"key\" and \"sha256\"");
        assertThatThrownBy(() -> parse("{\"keys\": [{\"key\": \"a\", \"tenant\": \"t\", \"role\": \"boss\"}]}"))
                .hasMessageContaining("keys[0].role must be \"tenant\" or \"admin\" (got \"boss\")");
        assertThatThrownBy(() -> parse("{\"keys\": [{\"key\": \"a\", \"tenant\": \"\", \"role\": \"tenant\"}]}"))
                .hasMessageContaining("keys[0].tenant must be a non-blank string");
        assertThatThrownBy(() -> parse("{\"keys\": [{\"sha256\": \"abc\", \"tenant\": \"t\", \"role\": \"tenant\"}]}"))
                .hasMessageContaining("sha256 must be 64 hex digits");
        assertThatThrownBy(() -> parse("{\"keys\": [{\"key\": \"a\", \"tenant\": \"t\", \"role\": \"tenant\", \"x\": 1}]}"))
                .hasMessageContaining("unknown field 'x'");
        assertThatThrownBy(() -> parse("{\"keys\": [{\"key\": \"a\", \"tenant\": \"t\", \"role\": \"tenant\"},"
                + "{\"key\": \"a\", \"tenant\": \"u\", \"role\": \"admin\"}]}"))
                .hasMessageContaining("keys[1]: the same key is listed twice");
        assertThatThrownBy(() -> parse("{\"keys\": []}")).hasMessageContaining("\"keys\" is empty");
        assertThatThrownBy(() -> parse("[]")).hasMessageContaining("expected an object with a \"keys\" array");
        assertThatThrownBy(() -> ApiKeys.read(dir.resolve("none.json"))).hasMessageContaining("keys file not found");
    }

    @Test
    void aFileThatIsNotJsonSaysWhere() throws Exception {
        Path file = Files.writeString(dir.resolve("broken.json"), "{\"keys\": [\n{oops}]}");
        assertThatThrownBy(() -> ApiKeys.read(file)).hasMessageContaining("is not valid JSON").hasMessageContaining("line 2");
    }
}
