package io.trinity.pool.server;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.trinity.pool.server.TestServers.ACME;
import static io.trinity.pool.server.TestServers.ADMIN;
import static io.trinity.pool.server.TestServers.GLOBEX;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.assertions.LocatorAssertions;
import io.trinity.pool.time.VirtualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The dashboard in a real browser: Debian's chromium driven by Playwright (no browser download).
 * The page asks for the key, shows the pool, and a task submitted over the API appears within
 * 2 s; it charts the replayed backlog at the events' own times, fills in a task whose submit it
 * never saw, drops what it showed of a server that restarted, is quiet while the server is down,
 * reads the dead letters once for a burst of them, and asks for /v1/cluster only behind a
 * cluster node's front. Outside CI a machine without {@code /usr/bin/chromium} skips this test with a message;
 * in CI ({@code CI=true}) it must run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DashboardBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final LocatorAssertions.HasTextOptions TWO_SECONDS = new LocatorAssertions.HasTextOptions().setTimeout(2_000);
    private static final LocatorAssertions.IsVisibleOptions VISIBLE_IN_TWO_SECONDS =
            new LocatorAssertions.IsVisibleOptions().setTimeout(2_000);

    private PoolServer server;
    private Http http;
    private Playwright playwright;
    private Browser browser;

    @BeforeAll
    void start() {
        if (!Files.isExecutable(CHROMIUM)) {
            String message = "browser test skipped: " + CHROMIUM + " is missing (apt-get install -y chromium; .ci/run"
                    + " installs it)";
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(message.replace("skipped", "cannot run in CI"));
            }
            System.err.println(message);
            Assumptions.abort(message);
        }
        server = TestServers.start(4, 100);
        http = new Http(server.url());
        playwright = Playwright.create(new Playwright.CreateOptions()
                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(CHROMIUM).setHeadless(true)
                .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--disable-background-networking", "--disable-component-update")));
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (playwright != null) {
            playwright.close();
        }
        if (server != null) {
            server.drain(Duration.ofSeconds(5));
        }
    }

    private Page login(String key) {
        return login(browser.newContext(new Browser.NewContextOptions().setViewportSize(1400, 1000)).newPage(),
                server, key);
    }

    private static Page login(Page page, PoolServer server, String key) {
        page.navigate(server.url());
        assertThat(page.locator("#login")).isVisible();
        page.locator("#key").fill(key);
        page.locator("#connect").click();
        assertThat(page.locator("#status")).hasText("live", new LocatorAssertions.HasTextOptions().setTimeout(10_000));
        return page;
    }

    /** A new page that records what went wrong on it: uncaught errors, console errors, failed requests. */
    private Page watched(List<String> problems, List<String> urls) {
        Page page = browser.newContext(new Browser.NewContextOptions().setViewportSize(1400, 1000)).newPage();
        page.onPageError(e -> problems.add("pageerror: " + e));
        page.onConsoleMessage(m -> {
            if (m.type().equals("error")) {
                problems.add("console.error: " + m.text());
            }
        });
        page.onRequest(r -> urls.add(r.method() + " " + r.url()));
        return page;
    }

    private String submit(String key, String body) {
        return submit(http, key, body);
    }

    private static String submit(Http http, String key, String body) {
        Http.Answer a = http.post("/v1/tasks", key, body);
        org.assertj.core.api.Assertions.assertThat(a.status()).as(a.toString()).isEqualTo(202);
        return a.json().get("id").asText();
    }

    @Test
    void thePageShowsThePoolAndFollowsASubmitWithinTwoSeconds() throws Exception {
        Page page = login(ADMIN);
        assertThat(page.locator("#who")).hasText("ops (admin)");
        assertThat(page.locator("#agents")).isVisible();
        assertThat(page.locator("#dead-section")).isVisible();

        String id = submit(ACME, "{\"type\": \"echo\", \"input\": {\"text\": \"from the browser test\"}}");
        Locator row = page.locator("#recent tr[data-task='" + id + "']");
        assertThat(row).isVisible(VISIBLE_IN_TWO_SECONDS);
        assertThat(row.locator("td").nth(1)).hasText("echo");
        assertThat(row.locator("td").nth(2)).hasText("acme");
        assertThat(row.locator("td").nth(3)).hasText("SUCCEEDED", TWO_SECONDS);
        // the agent that ran it is in the agents table, from /v1/pool
        assertThat(page.locator("#agents tr[data-type='echo']")).isVisible(VISIBLE_IN_TWO_SECONDS);
        assertThat(page.locator("#counters")).containsText("succeeded", new LocatorAssertions.ContainsTextOptions().setTimeout(2_000));

        Files.createDirectories(Path.of("target"));
        page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target", "dashboard.png")).setFullPage(true));
        org.assertj.core.api.Assertions.assertThat(Path.of("target", "dashboard.png")).isNotEmptyFile();
    }

    @Test
    void deadLettersCanBeResubmittedFromThePage() {
        Page page = login(ADMIN);
        String id = submit(ACME, "{\"type\": \"fail\"}");
        Locator letter = page.locator("#dead tr", new Page.LocatorOptions().setHasText("fails on purpose"))
                .filter(new Locator.FilterOptions().setHas(page.locator("td:text-is('" + id + "')")));
        assertThat(letter).isVisible(new LocatorAssertions.IsVisibleOptions().setTimeout(5_000));
        letter.locator("button").click();
        assertThat(letter).hasCount(0, new LocatorAssertions.HasCountOptions().setTimeout(5_000));
        // the resubmitted task is a new task of the same tenant, seen live
        assertThat(page.locator("#recent tr[data-state='DEAD_LETTERED']")).not().hasCount(0);
    }

    @Test
    void aTenantKeySeesItsOwnTasksAndNoAdminData() {
        Page page = login(ACME);
        assertThat(page.locator("#who")).hasText("acme (tenant)");
        assertThat(page.locator("#admin-only")).isVisible();
        assertThat(page.locator("#dead-section")).isHidden();
        String id = submit(ACME, "{\"type\": \"echo\"}");
        assertThat(page.locator("#recent tr[data-task='" + id + "']")).isVisible(VISIBLE_IN_TWO_SECONDS);
    }

    @Test
    void anUnknownKeyIsRefusedOnThePage() {
        Page page = browser.newPage();
        page.navigate(server.url());
        page.locator("#key").fill("wrong-key");
        page.locator("#connect").click();
        assertThat(page.locator("#login-error")).hasText("That key is not known.",
                new LocatorAssertions.HasTextOptions().setTimeout(5_000));
    }

    private static final String ECHO = "{\"type\": \"echo\"}";

    private Page newPage() {
        return browser.newContext(new Browser.NewContextOptions().setViewportSize(1400, 1000)).newPage();
    }

    private static void done(Http http, String key, String id) {
        Http.Answer a = http.get("/v1/tasks/" + id + "?wait=10s", key);
        org.assertj.core.api.Assertions.assertThat(a.json().get("state").asText()).as(a.toString())
                .isIn("SUCCEEDED", "FAILED", "DEAD_LETTERED");
    }

    @Test
    void onASingleServerThePageAsksForNoClusterAndLogsNoError() {
        List<String> problems = new CopyOnWriteArrayList<>();
        List<String> urls = new CopyOnWriteArrayList<>();
        Page page = login(watched(problems, urls), server, ADMIN);
        String id = submit(ACME, ECHO);
        assertThat(page.locator("#recent tr[data-task='" + id + "'] td").nth(3)).hasText("SUCCEEDED", TWO_SECONDS);
        // the page read /v1/me and /v1/pool before it went live; a single server has no /v1/cluster
        org.assertj.core.api.Assertions.assertThat(urls).anyMatch(u -> u.endsWith("/v1/pool"))
                .noneMatch(u -> u.contains("/v1/cluster"));
        org.assertj.core.api.Assertions.assertThat(problems).isEmpty();
        assertThat(page.locator("#cluster-section")).isHidden();
        // nor a /favicon.ico to 404 (a browser asks for it on its own, headless or not as it pleases)
        assertThat(page.locator("link[rel='icon']")).hasAttribute("href", "data:,");
    }

    @Test
    void behindAClusterNodesFrontThePageShowsTheCluster() {
        // a node's front relays the page and the API with X-Trinity-Origin, so /v1/me names the node,
        // and serves /v1/cluster itself: both stood in for here
        Page page = newPage();
        page.route("**/v1/me", route -> {
            com.microsoft.playwright.APIResponse r = route.fetch();
            try {
                com.fasterxml.jackson.databind.node.ObjectNode me =
                        (com.fasterxml.jackson.databind.node.ObjectNode) Http.JSON.readTree(r.text());
                me.put("node", "n2");
                route.fulfill(new Route.FulfillOptions().setResponse(r).setBody(me.toString()));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        page.route("**/v1/cluster", route -> route.fulfill(new Route.FulfillOptions().setStatus(200)
                .setContentType("application/json").setBody("{\"node\": \"n2\", \"scheduler\": false,"
                        + " \"schedulerNode\": {\"node\": \"n1\", \"epoch\": 3, \"leaseValid\": true},"
                        + " \"nodes\": [{\"node\": \"n1\", \"state\": \"up\", \"agents\": 2, \"maxAgents\": 8,"
                        + " \"busy\": 1, \"calls\": 5, \"heartbeatAgoMillis\": 400}], \"events\": []}")));
        login(page, server, ADMIN);
        assertThat(page.locator("#cluster-section")).isVisible(VISIBLE_IN_TWO_SECONDS);
        assertThat(page.locator("#cluster-scheduler")).hasText("scheduler n1 (epoch 3)");
        assertThat(page.locator("#cluster-nodes tr[data-node='n1']")).isVisible();
    }

    @Test
    void theChartsPlaceTheReplayedBacklogAtTheEventsOwnTimes() {
        // on a virtual clock: five tasks end at t = 0, three a minute later; then the page loads and
        // replays them all from the server's backlog
        VirtualClock clock = new VirtualClock();
        PoolServer timed = TestServers.builder(TestAgents.pool(2, 100).clock(clock)).clock(clock).build().start();
        try {
            Http h = new Http(timed.url());
            for (int i = 0; i < 5; i++) {
                done(h, ACME, submit(h, ACME, ECHO));
            }
            clock.advance(Duration.ofSeconds(60));
            for (int i = 0; i < 3; i++) {
                done(h, ACME, submit(h, ACME, ECHO));
            }
            Page page = login(newPage(), timed, ADMIN);
            Locator chart = page.locator("#chart-throughput");
            assertThat(chart).hasAttribute("data-series", java.util.regex.Pattern.compile(".*[1-9].*"),
                    new LocatorAssertions.HasAttributeOptions().setTimeout(5_000));
            int[] perSecond = java.util.Arrays.stream(chart.getAttribute("data-series").split(","))
                    .mapToInt(Integer::parseInt).toArray();
            int last = perSecond.length - 1;
            org.assertj.core.api.Assertions.assertThat(perSecond).hasSize(300);
            org.assertj.core.api.Assertions.assertThat(java.util.stream.IntStream.of(perSecond).sum()).isEqualTo(8);
            // the three of a moment ago are now, the five of a minute before sixty seconds back
            org.assertj.core.api.Assertions.assertThat(sum(perSecond, last - 10, last)).isEqualTo(3);
            org.assertj.core.api.Assertions.assertThat(sum(perSecond, last - 60 - 10, last - 60 + 1)).isEqualTo(5);
        } finally {
            timed.drain(Duration.ofSeconds(5));
        }
    }

    private static int sum(int[] values, int from, int to) {
        int sum = 0;
        for (int i = Math.max(0, from); i <= Math.min(values.length - 1, to); i++) {
            sum += values[i];
        }
        return sum;
    }

    @Test
    void aTaskWhoseSubmitLeftTheBacklogShowsItsTypeAndTenant() {
        String gate = java.util.UUID.randomUUID().toString();
        // a backlog of 16 events, and no stats events to fill it
        PoolServer small = TestServers.builder(TestAgents.register(io.trinity.pool.AgentPool.builder()
                .config(io.trinity.pool.PoolConfig.custom().maxAgents(2).warmPoolMin(0).warmPool(0).warmPoolMax(0)
                        .maxAttempts(1).statsInterval(Duration.ofHours(1)).build())))
                .eventBuffer(16).build().start();
        try {
            Http h = new Http(small.url());
            String slow = submit(h, ACME, "{\"type\": \"gate\", \"input\": {\"gate\": \"" + gate + "\"}}");
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
                    h.get("/v1/tasks/" + slow, ACME).json().get("state").asText().equals("RUNNING"));
            for (int i = 0; i < 8; i++) { // far more than 16 events: the slow task's task.submit leaves the backlog
                done(h, GLOBEX, submit(h, GLOBEX, ECHO));
            }
            TestAgents.open(gate);
            done(h, ACME, slow);

            Page page = login(newPage(), small, ADMIN);
            Locator row = page.locator("#recent tr[data-task='" + slow + "']");
            assertThat(row.locator("td").nth(1)).hasText("gate", new LocatorAssertions.HasTextOptions().setTimeout(5_000));
            assertThat(row.locator("td").nth(2)).hasText("acme");
            assertThat(row.locator("td").nth(3)).hasText("SUCCEEDED");
            assertThat(page.locator("#recent td:text-is('?')")).hasCount(0);
            @SuppressWarnings("unchecked")
            List<String> ids = (List<String>) page.locator("#recent tbody tr").evaluateAll("rows => rows.map(r => r.dataset.task)");
            org.assertj.core.api.Assertions.assertThat(ids.stream().map(Long::parseLong).toList()).as("newest first")
                    .isSortedAccordingTo(java.util.Comparator.reverseOrder());
        } finally {
            TestAgents.open(gate);
            small.drain(Duration.ofSeconds(5));
        }
    }

    @Test
    void whileTheServerIsDownThePageSaysReconnectingAndThrowsNothing() {
        PoolServer down = TestServers.start(1, 10);
        List<String> problems = new CopyOnWriteArrayList<>();
        List<String> urls = new CopyOnWriteArrayList<>();
        Page page = watched(problems, urls);
        java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
        page.onRequest(r -> open.incrementAndGet());
        page.onRequestFinished(r -> open.decrementAndGet());
        page.onRequestFailed(r -> open.decrementAndGet());
        page.clock().install(); // the page's timers run when the test says
        try {
            login(page, down, ADMIN);
        } finally {
            down.drain(Duration.ofSeconds(5));
        }
        assertThat(page.locator("#status")).hasText("reconnecting", new LocatorAssertions.HasTextOptions().setTimeout(10_000));
        page.clock().runFor(20_000); // ten 2-second refreshes and the page's retries, with nothing answering
        page.waitForCondition(() -> open.get() == 0); // every request those timers made has failed
        page.evaluate("() => 0"); // and whatever the page did about it has run
        org.assertj.core.api.Assertions.assertThat(problems).noneMatch(p -> p.startsWith("pageerror"));
        assertThat(page.locator("#status")).hasText("reconnecting");
    }

    @Test
    void aRestartedServerReplacesWhatThePageShowedOfTheOldOne() {
        PoolServer first = TestServers.start(2, 100);
        int port = first.port();
        List<String> problems = new CopyOnWriteArrayList<>();
        Page page;
        try {
            Http h = new Http(first.url());
            page = login(watched(problems, new CopyOnWriteArrayList<>()), first, ADMIN);
            for (int i = 0; i < 3; i++) {
                String id = submit(h, ACME, ECHO);
                assertThat(page.locator("#recent tr[data-task='" + id + "'] td").nth(3)).hasText("SUCCEEDED", TWO_SECONDS);
            }
        } finally {
            first.drain(Duration.ofSeconds(5));
        }
        assertThat(page.locator("#status")).hasText("reconnecting", new LocatorAssertions.HasTextOptions().setTimeout(10_000));
        // the same address, no journal: task and event ids start over
        PoolServer second = TestServers.builder(TestAgents.pool(2, 100)).port(port).build().start();
        try {
            String id = submit(new Http(second.url()), GLOBEX, "{\"type\": \"reject\"}");
            assertThat(page.locator("#status")).hasText("live", new LocatorAssertions.HasTextOptions().setTimeout(20_000));
            Locator row = page.locator("#recent tr[data-task='" + id + "']");
            assertThat(row.locator("td").nth(1)).hasText("reject", new LocatorAssertions.HasTextOptions().setTimeout(5_000));
            assertThat(row.locator("td").nth(2)).hasText("globex");
            assertThat(page.locator("#recent tbody tr")).hasCount(1);
            org.assertj.core.api.Assertions.assertThat(problems).noneMatch(p -> p.startsWith("pageerror"));
        } finally {
            second.drain(Duration.ofSeconds(5));
        }
    }

    @Test
    void aBurstOfDeadLettersIsReadOnceOrTwiceNotOncePerLetter() {
        PoolServer failing = TestServers.start(4, 100);
        try {
            Http h = new Http(failing.url());
            String thirty = "{\"tasks\": [" + String.join(", ", java.util.Collections.nCopies(30, "{\"type\": \"fail\"}")) + "]}";
            org.assertj.core.api.Assertions.assertThat(h.post("/v1/tasks/batch", ACME, thirty).json().get("accepted").asInt())
                    .isEqualTo(30);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
                    h.get("/v1/dead-letters", ADMIN).json().get("deadLetters").size() == 30);
            List<String> urls = new CopyOnWriteArrayList<>();
            // the page replays thirty task.deadletter events from the backlog at once
            Page page = login(watched(new CopyOnWriteArrayList<>(), urls), failing, ADMIN);
            assertThat(page.locator("#dead-count")).hasText("30", new LocatorAssertions.HasTextOptions().setTimeout(5_000));
            org.assertj.core.api.Assertions.assertThat(urls.stream().filter(u -> u.endsWith("/v1/dead-letters")).count())
                    .isBetween(1L, 3L);
        } finally {
            failing.drain(Duration.ofSeconds(5));
        }
    }
}
