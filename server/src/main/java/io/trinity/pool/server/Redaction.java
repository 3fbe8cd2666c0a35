package io.trinity.pool.server;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a tenant key may read of the pool's own texts (a task's reasons and error, an event's
 * reason, detail or cause): the pool writes them for operators and names other tenants and their
 * tasks in them. For a tenant key every other tenant's name and task id in such a text goes; its
 * own stay, and an admin key reads all. The texts of the pool that name a task or a tenant:
 *
 * <ul>
 *   <li>a shed task's "gave way to task 8 of tenant 'beta'" and "task 8 of tenant 'beta' was shed":
 *       "a task of another tenant";</li>
 *   <li>a preempted attempt's "preempted by task 15 (priority 900)": "preempted by a higher-priority
 *       task of another tenant";</li>
 *   <li>a stuck agent's "stuck: attempt 2 of task 15 ended ...", which reaches every task that agent
 *       ran and the pool-level events every tenant sees (agent.state, health.restart,
 *       health.circuit_open): "an attempt of a task of another tenant";</li>
 *   <li>any other "tenant 'beta'" (a budget's, a shed tenant's): "another tenant".</li>
 * </ul>
 *
 * A task the server no longer knows (past its retention) counts as another tenant's.
 */
final class Redaction {

    private static final Pattern TASK_OF_TENANT = Pattern.compile("task (\\d+) of tenant '([^']*)'");
    private static final Pattern PREEMPTED_BY = Pattern.compile("preempted by task (\\d+) \\(priority -?\\d+\\)");
    private static final Pattern ATTEMPT_OF_TASK = Pattern.compile("attempt \\d+ of task (\\d+)");
    private static final Pattern TENANT = Pattern.compile("tenant '([^']*)'");

    private final LongFunction<String> tenantOfTask;

    /** @param tenantOfTask the tenant of a task id, or null when the server does not know the task */
    Redaction(LongFunction<String> tenantOfTask) {
        this.tenantOfTask = Objects.requireNonNull(tenantOfTask, "tenantOfTask");
    }

    /** {@code text} as {@code viewer} may read it. */
    String forViewer(String text, Principal viewer) {
        if (text == null || viewer.isAdmin() || !(text.contains("tenant '") || text.contains("task "))) {
            return text;
        }
        String out = replace(TASK_OF_TENANT, text, m -> m.group(2).equals(viewer.tenant()) ? m.group()
                : "a task of another tenant");
        out = replace(PREEMPTED_BY, out, m -> isOwn(m.group(1), viewer) ? m.group()
                : "preempted by a higher-priority task of another tenant");
        out = replace(ATTEMPT_OF_TASK, out, m -> isOwn(m.group(1), viewer) ? m.group()
                : "an attempt of a task of another tenant");
        return replace(TENANT, out, m -> m.group(1).equals(viewer.tenant()) ? m.group() : "another tenant");
    }

    List<String> forViewer(List<String> texts, Principal viewer) {
        return viewer.isAdmin() ? texts : texts.stream().map(t -> forViewer(t, viewer)).toList();
    }

    private boolean isOwn(String taskId, Principal viewer) {
        try {
            return viewer.tenant().equals(tenantOfTask.apply(Long.parseLong(taskId)));
        } catch (NumberFormatException e) {
            return false; // more digits than an id has: not a task of this tenant's
        }
    }

    private static String replace(Pattern p, String text, Function<MatchResult, String> with) {
        return p.matcher(text).replaceAll(m -> Matcher.quoteReplacement(with.apply(m)));
    }
}
