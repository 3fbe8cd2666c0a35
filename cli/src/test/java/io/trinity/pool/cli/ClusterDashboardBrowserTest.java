package io.trinity.pool.cli;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.LocatorAssertions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard of a cluster node in Debian's chromium (Playwright, no browser download): it
 * shows the nodes, which one schedules and the agents per node, and follows a failover live
 * when the scheduler's process is killed.
 */
class ClusterDashboardBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final LocatorAssertions.HasTextOptions WITHIN_30_S = new LocatorAssertions.HasTextOptions().setTimeout(30_000);

    @TempDir
    Path dir;

    @Test
    void theNodesTheSchedulerAndAFailoverShowOnTheDashboard() throws Exception {
        if (!Files.isExecutable(CHROMIUM)) {
            String message = "browser test skipped: " + CHROMIUM + " is missing (.ci/run installs it)";
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(message.replace("skipped", "cannot run in CI"));
            }
            Assumptions.abort(message);
        }
        try (ClusterRig rig = new ClusterRig(dir);
             Playwright playwright = Playwright.create(new Playwright.CreateOptions()
                     .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
             Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                     .setExecutablePath(CHROMIUM).setHeadless(true)
                     .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage")))) {
            ClusterRig.Node a = rig.start("n1", "--max-agents", "2");
            ClusterRig.Node b = rig.start("n2", "--max-agents", "2");
            String scheduler = rig.awaitReady(a);
            ClusterRig.Node other = scheduler.equals("n1") ? b : a;
            String survivor = other.id();

            Page page = browser.newContext(new Browser.NewContextOptions().setViewportSize(1400, 1000)).newPage();
            page.navigate(other.url());
            page.locator("#key").fill(ClusterRig.ADMIN);
            page.locator("#connect").click();
            assertThat(page.locator("#cluster-section")).isVisible(new LocatorAssertions.IsVisibleOptions().setTimeout(10_000));
            assertThat(page.locator("#cluster-scheduler")).hasText("scheduler " + scheduler + " (epoch 1)", WITHIN_30_S);
            assertThat(page.locator("#cluster-nodes tr[data-node='n1'] td").nth(1)).hasText("up", WITHIN_30_S);
            assertThat(page.locator("#cluster-nodes tr[data-node='n2'] td").nth(1)).hasText("up", WITHIN_30_S);
            assertThat(page.locator("#cluster-nodes tr[data-node='" + scheduler + "'] td").first())
                    .hasText(scheduler + " \u2605");
            // a task through the page's node runs there: its agents column counts it
            rig.awaitFinal(other, "k-quiet", rig.submit(other, "k-quiet", "dash-1",
                    Map.of("type", "generic", "input", Map.of("op", "count", "text", "shown on the dashboard"))),
                    java.time.Duration.ofSeconds(30));
            assertThat(page.locator("#cluster-nodes tr[data-node='" + survivor + "'] td").nth(5)).not()
                    .hasText("0", WITHIN_30_S);

            rig.kill9(rig.node(scheduler));
            assertThat(page.locator("#cluster-scheduler")).hasText("scheduler " + survivor + " (epoch 2)", WITHIN_30_S);
            assertThat(page.locator("#cluster-events")).containsText("scheduler.takeover " + survivor,
                    new LocatorAssertions.ContainsTextOptions().setTimeout(30_000));
            Files.createDirectories(Path.of("target"));
            page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target", "cluster-dashboard.png")).setFullPage(true));
        }
    }
}
