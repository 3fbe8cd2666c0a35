package io.trinity.pool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.trinity.pool.server.PoolServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** tri serve: settings from --config, --limits and flags; the printed URL and key work; usage mistakes exit 2. */
class ServeCommandTest {

    @TempDir
    Path dir;

    /** Parses {@code args} as {@code tri serve ...} and starts the server without blocking. */
    private static Started start(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cl = Tri.commandLine();
        cl.setOut(new PrintWriter(out, true));
        boolean journal = java.util.Arrays.asList(args).contains("--journal");
        String[] full = new String[args.length + (journal ? 1 : 3)];
        full[0] = "serve";
        System.arraycopy(args, 0, full, 1, args.length);
        if (!journal) { // in memory unless a test asks for a journal: no ./data file from the suite
            full[args.length + 1] = "--journal";
            full[args.length + 2] = "none";
        }
        CommandLine.ParseResult parsed = cl.parseArgs(full);
        ServeCommand cmd = parsed.subcommand().commandSpec().commandLine().getCommand();
        return new Started(cmd.start(), out);
    }

    private record Started(PoolServer server, StringWriter out) {
    }

    private static HttpResponse<String> get(String url, String key) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
        if (key != null) {
            r.header("Authorization", "Bearer " + key);
        }
        return HttpClient.newHttpClient().send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesTheBuiltInAgentsAndPrintsTheUrlAndAGeneratedAdminKey() throws Exception {
        Started s = start("--port", "0", "--max-agents", "3", "--warm", "0");
        try {
            String printed = s.out().toString();
            assertThat(printed).contains("listening on " + s.server().url());
            Matcher m = Pattern.compile("admin key \\(shown once; use --keys FILE for your own\\): (\\S+)").matcher(printed);
            assertThat(m.find()).as(printed).isTrue();
            String key = m.group(1);
            assertThat(get(s.server().url() + "healthz", null).statusCode()).isEqualTo(200);
            HttpResponse<String> pool = get(s.server().url() + "v1/pool", key);
            assertThat(pool.statusCode()).isEqualTo(200);
            assertThat(s.server().pool().config().maxAgents()).isEqualTo(3);
            HttpResponse<String> badType = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(s.server().url() + "v1/tasks")).header("Authorization", "Bearer " + key)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"type\": \"nope\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(badType.statusCode()).isEqualTo(400);
            assertThat(badType.body()).contains("coordinator", "code", "vision", "voice", "data", "system", "generic");
        } finally {
            s.server().drain(Duration.ofSeconds(5));
        }
    }

    @Test
    void withAJournalATaskAndItsIdempotencyKeySurviveARestart() throws Exception {
        Path keys = Files.writeString(dir.resolve("keys.json"),
                "{\"keys\": [{\"key\": \"acme-secret\", \"tenant\": \"acme\", \"role\": \"tenant\"}]}");
        String journal = dir.resolve("serve.db").toString();
        String body = "{\"type\": \"data\", \"input\": {\"op\": \"stats\", \"csv\": \"a,b\\n1,2\\n3,4\\n\"}}";
        String id;
        Started first = start("--port", "0", "--warm", "0", "--keys", keys.toString(), "--journal", journal);
        try {
            assertThat(first.out().toString()).contains("journal " + journal);
            HttpResponse<String> made = post(first.server().url() + "v1/tasks", "acme-secret", body, "order-1");
            assertThat(made.statusCode()).isEqualTo(202);
            id = new com.fasterxml.jackson.databind.ObjectMapper().readTree(made.body()).get("id").asText();
            assertThat(get(first.server().url() + "v1/tasks/" + id + "?wait=30s", "acme-secret").body())
                    .contains("\"state\":\"SUCCEEDED\"");
        } finally {
            first.server().drain(Duration.ofSeconds(5));
        }
        Started second = start("--port", "0", "--warm", "0", "--keys", keys.toString(), "--journal", journal);
        try {
            // the ended task is still there, and the same key gives the same task, not a second one
            HttpResponse<String> again = get(second.server().url() + "v1/tasks/" + id, "acme-secret");
            assertThat(again.statusCode()).isEqualTo(200);
            assertThat(again.body()).contains("\"state\":\"SUCCEEDED\"");
            HttpResponse<String> retried = post(second.server().url() + "v1/tasks", "acme-secret", body, "order-1");
            assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(retried.body()).get("id").asText())
                    .isEqualTo(id);
        } finally {
            second.server().drain(Duration.ofSeconds(5));
        }
    }

    private static HttpResponse<String> post(String url, String key, String body, String idempotencyKey) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", "Bearer " + key).header("Idempotency-Key", idempotencyKey)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void configLimitsAndKeysFilesAreRead() throws Exception {
        Path config = Files.writeString(dir.resolve("pool.properties"), """
                # pool settings
                trinity.pool.max-agents=5
                trinity.pool.queue-capacity=7
                trinity.pool.idle-timeout=9s
                """);
        Path limits = Files.writeString(dir.resolve("limits.json"),
                "{\"tenants\": {\"acme\": {\"weight\": 3, \"maxQueued\": 4}}}");
        Path keys = Files.writeString(dir.resolve("keys.json"), "{\"keys\": [{\"key\": \"acme-secret\", \"tenant\": \"acme\","
                + " \"role\": \"tenant\"}, {\"sha256\": \"" + sha256("ops-secret") + "\", \"tenant\": \"ops\", \"role\": \"admin\"}]}");
        Started s = start("--port", "0", "--config", config.toString(), "--limits", limits.toString(),
                "--keys", keys.toString(), "--queue", "6", "--warm", "0");
        try {
            assertThat(s.out().toString()).contains("keys from " + keys).doesNotContain("admin key");
            var c = s.server().pool().config();
            assertThat(c.maxAgents()).isEqualTo(5);
            assertThat(c.queueCapacity()).as("the flag wins over the file").isEqualTo(6);
            assertThat(c.idleTimeout()).isEqualTo(Duration.ofSeconds(9));
            assertThat(c.tenant("acme").weight()).isEqualTo(3.0);
            assertThat(get(s.server().url() + "v1/me", "acme-secret").body()).contains("\"tenant\":\"acme\"");
            assertThat(get(s.server().url() + "v1/tenants", "ops-secret").statusCode()).isEqualTo(200);
            assertThat(get(s.server().url() + "v1/tenants", "acme-secret").statusCode()).isEqualTo(403);
        } finally {
            s.server().drain(Duration.ofSeconds(5));
        }
    }

    @Test
    void usageMistakesExitWithCode2AndOneClearLine() throws Exception {
        Cli.Result open = Cli.run("serve", "--journal", "none", "--bind", "0.0.0.0", "--port", "0");
        assertThat(open.code()).isEqualTo(2);
        assertThat(open.err()).contains("refusing to bind 0.0.0.0 without a keys file").doesNotContain("\tat ");

        Cli.Result noKeys = Cli.run("serve", "--journal", "none", "--keys", dir.resolve("missing.json").toString(), "--port", "0");
        assertThat(noKeys.code()).isEqualTo(2);
        assertThat(noKeys.err()).contains("--keys: keys file not found");

        Path badKeys = Files.writeString(dir.resolve("bad.json"), "{\"keys\": [{\"key\": \"k\", \"tenant\": \"a\", \"role\": \"root\"}]}");
        Cli.Result role = Cli.run("serve", "--journal", "none", "--keys", badKeys.toString(), "--port", "0");
        assertThat(role.code()).isEqualTo(2);
        assertThat(role.err()).contains("keys[0].role must be \"tenant\" or \"admin\" (got \"root\")");

        Path badConfig = Files.writeString(dir.resolve("bad.properties"), "trinity.pool.maxAgentz=3\n");
        Cli.Result config = Cli.run("serve", "--journal", "none", "--config", badConfig.toString(), "--port", "0");
        assertThat(config.code()).isEqualTo(2);
        assertThat(config.err()).contains("trinity.pool.maxAgentz");

        Path badValue = Files.writeString(dir.resolve("value.properties"), "trinity.pool.idle-timeout=soon\n");
        Cli.Result value = Cli.run("serve", "--journal", "none", "--config", badValue.toString(), "--port", "0");
        assertThat(value.code()).isEqualTo(2);
        assertThat(value.err()).contains("trinity.pool.idle-timeout", "soon");

        assertThat(Cli.run("serve", "--journal", "none", "--port", "70000").err()).contains("--port must be between 0 and 65535");
    }

    @Test
    void aPortInUseIsAClearError() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Cli.Result r = Cli.run("serve", "--journal", "none", "--port", String.valueOf(taken.getLocalPort()));
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
    }

    /**
     * The startup line names the journal with its password hidden, as cluster mode, tri journal
     * and tri chaos do (it used to print the URL as given). On PostgreSQL: TRINITY_TEST_PG_URL.
     */
    @Test
    void theStartupLineHidesTheJournalPassword() throws Exception {
        String base = System.getenv("TRINITY_TEST_PG_URL");
        if (base == null || base.isBlank()) {
            String why = "TRINITY_TEST_PG_URL is not set; run .ci/postgres and export what it prints";
            if ("true".equals(System.getenv("CI"))) {
                org.junit.jupiter.api.Assertions.fail("the PostgreSQL startup line must be checked in CI: " + why);
            }
            org.junit.jupiter.api.Assumptions.abort(why);
        }
        java.util.regex.Matcher pw = Pattern.compile("password=([^&]+)").matcher(base);
        assertThat(pw.find()).as("the test URL carries a password: " + base).isTrue();
        String password = pw.group(1);
        String schema = "serve_" + java.util.HexFormat.of().toHexDigits(java.util.concurrent.ThreadLocalRandom.current().nextLong());
        String url = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        Started s = start("--port", "0", "--warm", "0", "--journal", url);
        try {
            String printed = s.out().toString();
            assertThat(printed).contains("journal " + url.replace("password=" + password, "password=***"))
                    .doesNotContain("password=" + password);
        } finally {
            s.server().drain(Duration.ofSeconds(5));
        }
    }

    @Test
    void anUnreachableJournalIsAUsageErrorThatHidesThePassword() {
        Cli.Result r = Cli.run("serve", "--port", "0", "--journal",
                "jdbc:postgresql://127.0.0.1:1/x?user=u&password=s3cret&currentSchema=s");
        assertThat(r.code()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("password=***").contains("is unreachable").doesNotContain("s3cret");
        Cli.Result node = Cli.run("serve", "--port", "0", "--node-id", "a", "--journal",
                "jdbc:sqlite:x.db?password=s3cret");
        assertThat(node.code()).as(node.toString()).isEqualTo(2);
        assertThat(node.err()).contains("--node-id needs a shared --journal").doesNotContain("s3cret");
    }

    @Test
    void aClusterNodesFlagWithoutNodeIdIsAUsageError() {
        for (String[] flag : new String[][] {{"--node-timeout", "30s"}, {"--link-port", "9999"}}) {
            Cli.Result r = Cli.run("serve", "--journal", "none", "--port", "0", flag[0], flag[1]);
            assertThat(r.code()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).contains(flag[0] + " is a cluster node's setting and needs --node-id");
        }
    }

    private static String sha256(String s) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
