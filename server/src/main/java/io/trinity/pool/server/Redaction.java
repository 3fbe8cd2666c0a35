package io.trinity.pool.server;

import java.util.List;
import java.util.function.Function;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a tenant key may read of the pool's own texts (a task's reasons and error, an event's
 * detail): the pool writes them for operators and names other tenants in them, as in a shed
 * task's "gave way to task 8 of tenant 'beta'". For a tenant key every other tenant's name and
 * task id in such a text becomes "another tenant"; its own stay, and an admin key reads all.
 */
final class Redaction {

    private static final Pattern TASK_OF_TENANT = Pattern.compile("task (\\d+) of tenant '([^']*)'");
    private static final Pattern TENANT = Pattern.compile("tenant '([^']*)'");

    private Redaction() {
    }

    /** {@code text} as {@code viewer} may read it. */
    static String forViewer(String text, Principal viewer) {
        if (text == null || viewer.isAdmin() || !text.contains("tenant '")) {
            return text;
        }
        String out = replace(TASK_OF_TENANT, text, m -> m.group(2).equals(viewer.tenant()) ? m.group()
                : "a task of another tenant");
        return replace(TENANT, out, m -> m.group(1).equals(viewer.tenant()) ? m.group() : "another tenant");
    }

    static List<String> forViewer(List<String> texts, Principal viewer) {
        return viewer.isAdmin() ? texts : texts.stream().map(t -> forViewer(t, viewer)).toList();
    }

    private static String replace(Pattern p, String text, Function<MatchResult, String> with) {
        return p.matcher(text).replaceAll(m -> Matcher.quoteReplacement(with.apply(m)));
    }
}
