package io.trinity.pool.cli;

import io.trinity.pool.AgentPool;
import io.trinity.pool.AgentType;
import io.trinity.pool.PoolBuilder;
import io.trinity.pool.PoolConfig;
import io.trinity.pool.ShutdownReport;
import io.trinity.pool.agent.AgentTypes;
import io.trinity.pool.cluster.ClusterJournals;
import io.trinity.pool.cluster.ClusterNode;
import io.trinity.pool.journal.jdbc.Journals;
import io.trinity.pool.server.ApiKeys;
import io.trinity.pool.server.PoolServer;
import io.trinity.pool.server.ServerAgents;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tri serve}: the pool as a service (docs/service.md). Builds a pool of the built-in
 * agents from the seed defaults, {@code --config}, {@code --limits} and the pool flags (in
 * that order, later wins), serves it over HTTP, and on SIGTERM/SIGINT drains gracefully.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        header = "The pool as a service: HTTP API v1, live dashboard, Prometheus metrics.",
        description = {"Serves a pool of the built-in agents on 127.0.0.1:8080: the API under /v1 (tenant keys,",
                "tasks, events), the dashboard at /, /metrics, /healthz, /readyz. Without --keys it prints one",
                "generated admin key. SIGTERM or Ctrl-C drains: no new tasks, running ones finish for --drain,",
                "the rest are cancelled."},
        footerHeading = "%nExamples:%n",
        footer = {
                "  tri serve",
                "  tri serve --port 9000 --keys keys.json --limits limits.json",
                "  tri serve --bind 0.0.0.0 --keys keys.json --config pool.properties --drain 60s",
                "  curl -H \"Authorization: Bearer $KEY\" http://127.0.0.1:8080/v1/pool"})
final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    PoolOptions pool;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "PORT",
            description = "Port to listen on (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
            description = "Address to bind (default: ${DEFAULT-VALUE}); anything else needs --keys.")
    String bind;

    @Option(names = "--keys", paramLabel = "FILE",
            description = "API keys: {\"keys\": [{\"key\"|\"sha256\", \"tenant\", \"role\": \"tenant\"|\"admin\"}]}.")
    Path keys;


    @Option(names = "--limits", paramLabel = "FILE",
            description = "Tenants, provider limits and budgets (JSON, as tri simulate --limits; docs/fairness.md).")
    Path limits;

    @Option(names = "--drain", defaultValue = "30s", paramLabel = "DURATION",
            description = "On shutdown, how long running and queued tasks may finish (default: ${DEFAULT-VALUE}).")
    Duration drain;

    @Option(names = "--journal", defaultValue = "./data/trinity.db", paramLabel = "PATH|URL|none",
            description = "Where accepted tasks are kept so a restart loses none: a SQLite file, a jdbc:postgresql:// URL,"
                    + " or none for in memory only (default: ${DEFAULT-VALUE}).")
    String journal;

    @Option(names = "--rate-limit", defaultValue = "50", paramLabel = "N",
            description = "Requests a second each key may make, bursts of twice that (default: ${DEFAULT-VALUE}; 0: off).")
    double rateLimit;

    @Option(names = "--node-id", paramLabel = "NAME",
            description = "Join a cluster as this node: every node started with the same jdbc:postgresql:// --journal"
                    + " forms one pool (docs/cluster.md). Needs --keys, the same file on every node (a node with other keys refuses"
                    + " to join).")
    String nodeId;

    @Option(names = "--node-timeout", defaultValue = "10s", paramLabel = "DURATION",
            description = "With --node-id: a node silent this long is declared dead, its agents' tasks run elsewhere;"
                    + " the scheduler's lease is half of it. The same on every node (a node with another refuses to"
                    + " join); 500ms to 5m (default: ${DEFAULT-VALUE}).")
    Duration nodeTimeout;

    @Option(names = "--link-port", defaultValue = "0", paramLabel = "PORT",
            description = "With --node-id: the port (on --bind) where this node takes the scheduler's direct link for"
                    + " remote calls; 0 takes any free port, which the node registers (default: ${DEFAULT-VALUE}).")
    int linkPort;

    @Override
    public Integer call() {
        if (nodeId != null) {
            return serveNode();
        }
        PoolServer server = start();
        PrintWriter out = spec.commandLine().getOut();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("tri serve: draining for up to " + DurationConverter.format(drain) + " ...");
            out.flush();
            ShutdownReport r = server.drain(drain);
            out.println("tri serve: stopped; " + r.drained() + " tasks finished while draining, " + r.cancelled()
                    + " cancelled");
            out.flush();
        }, "tri-serve-shutdown"));
        server.stopped().join();
        return 0;
    }

    /** Builds and starts the server and prints where it is; the caller owns its shutdown. */
    PoolServer start() {
        for (String clusterOnly : List.of("--node-timeout", "--link-port")) {
            if (spec.commandLine().getParseResult().hasMatchedOption(clusterOnly)) {
                throw new UserError(clusterOnly + " is a cluster node's setting and needs --node-id NAME; without"
                        + " --node-id, tri serve runs a single pool. Add --node-id to join a cluster, or drop "
                        + clusterOnly);
            }
        }
        if (port < 0 || port > 65_535) {
            throw new UserError("--port must be between 0 and 65535 (got " + port + ")");
        }
        if (rateLimit < 0 || Double.isNaN(rateLimit)) {
            throw new UserError("--rate-limit must be >= 0 (got " + rateLimit + ")");
        }
        PoolConfig base = PoolConfig.ofDefaults(); // the shared --config file is read by the pool options
        Limits l = limits == null ? Limits.NONE : Limits.read(limits);
        PoolConfig settings = pool.toConfig(l.applyTo(base));
        PoolBuilder builder = AgentPool.builder().config(settings);
        String journalNote;
        refuseClusterJournal();
        try {
            journalNote = Journals.open(journal).map(j -> {
                builder.journal(j);
                return "journal " + Journals.redact(journal);
            }).orElse("no journal (in memory only: a restart loses queued tasks)");
        } catch (RuntimeException e) {
            refuseClusterJournal(); // a cluster's node may have taken the journal since (its lock is why this failed)
            throw new UserError("--journal: " + Journals.redact(e.getMessage()), e);
        }
        PoolOptions.applyStrategies(builder, pool.strategyNames(SpawnStrategies.POOL_DEFAULT));
        List<String> types = ServerAgents.registerBuiltIns(builder, t -> withResources(t, l.typeResources()));
        PoolServer.Builder b = PoolServer.builder().pool(builder, types).bind(bind).port(port)
                .rateLimit(rateLimit, (int) Math.max(1, Math.ceil(rateLimit * 2)));
        if (keys != null) {
            try {
                b.keys(ApiKeys.read(keys));
            } catch (IllegalArgumentException e) {
                throw new UserError("--keys: " + e.getMessage(), e);
            }
        }
        PoolServer server;
        try {
            server = b.build();
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new UserError(e.getMessage(), e);
        }
        try {
            server.start();
        } catch (RuntimeException e) {
            throw new UserError("cannot listen on " + bind + ":" + port + " (" + rootMessage(e)
                    + "); is another server there? Pick another --port", e);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("tri serve: " + types.size() + " agent types " + types + ", max " + settings.maxAgents()
                + " agents, queue " + settings.queueCapacity() + ", " + journalNote);
        out.println("tri serve: listening on " + server.url() + "  (dashboard " + server.url() + ", API "
                + server.url() + "v1, metrics " + server.url() + "metrics)");
        server.generatedAdminKey().ifPresentOrElse(
                k -> out.println("tri serve: admin key (shown once; use --keys FILE for your own): " + k),
                () -> out.println("tri serve: keys from " + keys));
        out.println("tri serve: Ctrl-C or SIGTERM drains for up to " + DurationConverter.format(drain) + " and stops");
        out.flush();
        return server;
    }

    /** A pool without --node-id must not recover a cluster's tasks (docs/cluster.md). */
    private void refuseClusterJournal() {
        try {
            ClusterJournals.refuseStandalone(journal);
        } catch (IllegalStateException e) {
            throw new UserError(e.getMessage(), e);
        }
    }

    private Integer serveNode() {
        ClusterNode node = startNode();
        PrintWriter out = spec.commandLine().getOut();
        java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger code = new java.util.concurrent.atomic.AtomicInteger();
        node.selfStopped().thenAccept(why -> { // its id taken by a newer process: it stopped rather than fight
            spec.commandLine().getErr().println("tri serve: " + why);
            spec.commandLine().getErr().flush();
            code.set(1);
            stopped.countDown();
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("tri serve: node " + node.node() + " leaving the cluster"
                    + (node.isScheduler() ? "; another node takes over its queue" : ""));
            out.flush();
            node.close();
            stopped.countDown();
        }, "tri-serve-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return code.get();
    }

    /** Joins the cluster as {@code --node-id}; the caller owns the node's shutdown. */
    ClusterNode startNode() {
        if (port < 0 || port > 65_535) {
            throw new UserError("--port must be between 0 and 65535 (got " + port + ")");
        }
        if (rateLimit < 0 || Double.isNaN(rateLimit)) {
            throw new UserError("--rate-limit must be >= 0 (got " + rateLimit + ")");
        }
        if (!journal.startsWith("jdbc:postgresql:")) {
            throw new UserError("--node-id needs a shared --journal jdbc:postgresql://... URL (got " + Journals.redact(journal)
                    + "); every node of a cluster uses the same database");
        }
        if (keys == null) {
            throw new UserError("--node-id needs --keys FILE, the same file on every node: a generated key would"
                    + " change whenever another node takes over");
        }
        ApiKeys apiKeys;
        try {
            apiKeys = ApiKeys.read(keys);
        } catch (IllegalArgumentException e) {
            throw new UserError("--keys: " + e.getMessage(), e);
        }
        Limits l = limits == null ? Limits.NONE : Limits.read(limits);
        PoolConfig settings = pool.toConfig(l.applyTo(PoolConfig.ofDefaults()));
        // the node's --max-agents is what it hosts; the pool's cap is what the live nodes allow together
        PoolConfig clusterConfig = PoolConfig.from(settings).maxAgents(Math.max(settings.maxAgents(), 4_096)).build();
        List<AgentType> types = ServerAgents.builtIns(t -> withResources(t, l.typeResources()));
        List<String> strategies = pool.strategyNames(SpawnStrategies.POOL_DEFAULT);
        ClusterNode.Settings cs;
        try {
            cs = ClusterNode.Settings.builder(nodeId, journal).bind(bind).port(port).linkPort(linkPort).maxAgents(settings.maxAgents())
                    .nodeTimeout(nodeTimeout).types(types).keys(apiKeys).localOnly(java.util.Set.of(AgentTypes.COORDINATOR))
                    .scheduler((j, placed, limit) -> {
                        PoolBuilder b = AgentPool.builder().config(clusterConfig).journal(j).agentLimit(limit);
                        PoolOptions.applyStrategies(b, strategies);
                        List<String> names = new java.util.ArrayList<>();
                        placed.forEach(t -> {
                            b.register(t);
                            names.add(t.name());
                        });
                        return PoolServer.builder().pool(b, names).bind(bind).port(0).keys(apiKeys)
                                .rateLimit(rateLimit, (int) Math.max(1, Math.ceil(rateLimit * 2))).build();
                    })
                    .build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new UserError(Journals.redact(e.getMessage()), e);
        }
        ClusterNode node;
        try {
            node = ClusterNode.start(cs);
        } catch (RuntimeException e) {
            // the node's own errors name the flag or the database and what to do; a bare cause would not
            String why = e instanceof IllegalStateException || e instanceof IllegalArgumentException
                    || e instanceof io.trinity.pool.journal.JournalException ? e.getMessage() : rootMessage(e);
            throw new UserError("node " + nodeId + ": " + Journals.redact(why), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("tri serve: node " + nodeId + " of the cluster in " + Journals.redact(journal)
                + ", hosts up to " + settings.maxAgents() + " agents of " + types.size() + " types, node timeout "
                + DurationConverter.format(nodeTimeout));
        out.println("tri serve: listening on " + node.url() + "  (API " + node.url() + "v1, cluster " + node.url()
                + "v1/cluster, metrics " + node.url() + "metrics)");
        out.println("tri serve: keys from " + keys);
        out.flush();
        return node;
    }

    private static AgentType withResources(AgentType t, Map<String, Map<String, Long>> typeResources) {
        for (Map.Entry<String, Long> r : typeResources.getOrDefault(t.name(), Map.of()).entrySet()) {
            t = t.withResource(r.getKey(), r.getValue());
        }
        return t;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }
}
