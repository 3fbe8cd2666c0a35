package io.trinity.pool.agents.coordinator;

import static io.trinity.pool.agents.common.Inputs.bad;

import io.trinity.pool.agent.AgentTypes;
import io.trinity.pool.agent.NonRetryableException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A validated DAG of subtasks, read from a coordinator task's {@code graph} input. Validation
 * happens before anything is submitted, so a bad graph costs no pool work: ids unique and
 * well-formed, every reference known, no cycles. Each message names the offending entry.
 */
final class TaskGraph {

    static final int MAX_SUBTASKS = 1000;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    /**
     * Where a subtask input field comes from: {@code field} of subtask {@code from}'s output
     * data, following dots into nested maps; an empty path means the whole output data.
     */
    record Ref(String from, List<String> path, String text) {
    }

    /**
     * One subtask. {@code after} holds every dependency, including those implied by
     * {@code inputFrom}; {@code attach} names coordinator input attachments passed along.
     */
    record Node(int index, String id, String type, Map<String, Object> input, Set<String> after,
                Map<String, Ref> inputFrom, List<String> attach) {
    }

    /**
     * What a subtask's type is checked against, exactly as the pool compares type names.
     *
     * @param registered the pool's registered type names; null when not known
     * @param own        the type this coordinator runs as
     */
    record Types(Set<String> registered, String own) {
        static final Types UNKNOWN = new Types(null, AgentTypes.COORDINATOR);
    }

    private final Map<String, Node> nodes;
    private final Map<String, List<String>> dependants;

    private TaskGraph(Map<String, Node> nodes) {
        this.nodes = Collections.unmodifiableMap(nodes);
        Map<String, List<String>> deps = new LinkedHashMap<>();
        nodes.keySet().forEach(id -> deps.put(id, new ArrayList<>()));
        nodes.values().forEach(n -> n.after().forEach(a -> deps.get(a).add(n.id())));
        this.dependants = deps;
    }

    /** Nodes in input order. */
    Map<String, Node> nodes() {
        return nodes;
    }

    /** The subtasks that wait on {@code id}, in input order. */
    List<String> dependantsOf(String id) {
        return dependants.get(id);
    }

    /**
     * Reads and validates the graph.
     *
     * @param graph       the {@code graph} input value
     * @param attachments names of the coordinator task's input attachments
     */
    static TaskGraph parse(Object graph, Set<String> attachments) {
        return parse(graph, attachments, Types.UNKNOWN);
    }

    /**
     * Reads and validates the graph.
     *
     * @param graph       the {@code graph} input value
     * @param attachments names of the coordinator task's input attachments
     * @param types       what each subtask's type is checked against
     */
    static TaskGraph parse(Object graph, Set<String> attachments, Types types) {
        if (!(graph instanceof List<?> list) || list.isEmpty()) {
            throw bad("graph", "a non-empty list of subtasks {id, type, input, after, inputFrom, attach} is required", graph);
        }
        if (list.size() > MAX_SUBTASKS) {
            throw bad("graph", "at most " + MAX_SUBTASKS + " subtasks are allowed; split the work", list.size() + " subtasks");
        }
        Map<String, Map<?, ?>> raw = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            String at = "graph[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> m)) {
                throw bad(at, "each subtask must be an object {id, type, ...}", list.get(i));
            }
            Object id = m.get("id");
            if (!(id instanceof String s) || !ID.matcher(s).matches()) {
                throw bad(at + ".id", "must be 1 to 64 letters, digits, '_' or '-'", id);
            }
            if (raw.put(s, m) != null) {
                throw bad(at + ".id", "two subtasks have this id; ids must be unique", s);
            }
        }
        Map<String, Node> nodes = new LinkedHashMap<>();
        int i = 0;
        for (Map.Entry<String, Map<?, ?>> e : raw.entrySet()) {
            nodes.put(e.getKey(), node(i++, e.getKey(), e.getValue(), raw.keySet(), attachments, types));
        }
        TaskGraph g = new TaskGraph(nodes);
        g.checkAcyclic();
        return g;
    }

    @SuppressWarnings("unchecked")
    private static Node node(int index, String id, Map<?, ?> m, Set<String> ids, Set<String> attachments,
                             Types types) {
        String at = "graph[" + index + "]";
        Object type = m.get("type");
        if (!(type instanceof String t) || t.isBlank()) {
            throw bad(at + ".type", "the agent type of subtask '" + id + "' is required", type);
        }
        // Exactly as the pool matches a task's type to a registered type.
        if (t.equals(AgentTypes.COORDINATOR) || t.equals(types.own())) {
            // A coordinator holds its agent while it waits; nested ones could wait on each other
            // for agents forever once the coordinator type is at its maximum.
            throw bad(at + ".type", "a coordinator cannot submit coordinator subtasks; flatten the graph", t);
        }
        checkRegistered(at + ".type", t, types.registered());
        Object input = m.get("input");
        if (input != null && !(input instanceof Map)) {
            throw bad(at + ".input", "must be an object", input);
        }
        Set<String> after = new LinkedHashSet<>();
        for (String dep : strings(m.get("after"), at + ".after")) {
            after.add(known(dep, id, ids, at + ".after"));
        }
        Map<String, Ref> inputFrom = new LinkedHashMap<>();
        Object from = m.get("inputFrom");
        if (from != null) {
            if (!(from instanceof Map<?, ?> fm)) {
                throw bad(at + ".inputFrom", "must be an object {inputField: \"subtaskId.outputField\"}", from);
            }
            for (Map.Entry<?, ?> f : fm.entrySet()) {
                String where = at + ".inputFrom." + f.getKey();
                if (!(f.getValue() instanceof String ref) || ref.isEmpty()) {
                    throw bad(where, "must be \"subtaskId\" or \"subtaskId.outputField\"", f.getValue());
                }
                List<String> parts = List.of(ref.split("\\.", -1));
                if (parts.stream().anyMatch(String::isEmpty)) {
                    throw bad(where, "empty part in the reference; write \"subtaskId.outputField\"", ref);
                }
                String source = known(parts.get(0), id, ids, where);
                after.add(source);
                inputFrom.put((String) f.getKey(), new Ref(source, parts.subList(1, parts.size()), ref));
            }
        }
        List<String> attach = strings(m.get("attach"), at + ".attach");
        for (int k = 0; k < attach.size(); k++) {
            if (!attachments.contains(attach.get(k))) {
                throw bad(at + ".attach[" + k + "]", "the coordinator task has no such attachment (it has "
                        + attachments + ")", attach.get(k));
            }
        }
        return new Node(index, id, t, input == null ? Map.of() : (Map<String, Object>) input,
                Collections.unmodifiableSet(after), Collections.unmodifiableMap(inputFrom), attach);
    }

    /**
     * Refuses a type the pool has not registered: the pool would run it on its generic fallback,
     * which fails it on input meant for another agent. Without the registered names, refuses a
     * built-in type's name written in another case, which the pool would not run as that type.
     */
    private static void checkRegistered(String where, String type, Set<String> registered) {
        if (registered != null && !registered.contains(type)) {
            String near = registered.stream().filter(r -> r.equalsIgnoreCase(type)).sorted().findFirst()
                    .map(r -> ": did you mean '" + r + "'?").orElse("");
            throw bad(where, "no agent type of this name is registered in the pool (it has "
                    + String.join(", ", new java.util.TreeSet<>(registered)) + "); type names are case-sensitive"
                    + near, type);
        }
        if (registered == null) {
            for (String builtIn : AgentTypes.BUILT_IN) {
                if (!builtIn.equals(type) && builtIn.equalsIgnoreCase(type)) {
                    throw bad(where, "type names are case-sensitive, and this is not the built-in type '" + builtIn
                            + "': the pool would not run it as one", type);
                }
            }
        }
    }

    private static List<String> strings(Object value, String where) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw bad(where, "must be a list of strings", value);
        }
        List<String> out = new ArrayList<>();
        for (int k = 0; k < list.size(); k++) {
            if (!(list.get(k) instanceof String s)) {
                throw bad(where + "[" + k + "]", "must be a string", list.get(k));
            }
            out.add(s);
        }
        return List.copyOf(out);
    }

    private static String known(String dep, String self, Set<String> ids, String where) {
        if (dep.equals(self)) {
            throw bad(where, "subtask '" + self + "' cannot depend on itself", dep);
        }
        if (!ids.contains(dep)) {
            throw bad(where, "no subtask has this id (ids are " + String.join(", ", ids) + ")", dep);
        }
        return dep;
    }

    /** Depth-first search; on a back edge, reports the cycle it closes, in dependency order. */
    private void checkAcyclic() {
        Map<String, Integer> mark = new HashMap<>(); // absent: unseen, 1: on the path, 2: done
        for (String start : nodes.keySet()) {
            if (!mark.containsKey(start)) {
                List<String> path = new ArrayList<>();
                visit(start, mark, path);
            }
        }
    }

    private void visit(String id, Map<String, Integer> mark, List<String> path) {
        mark.put(id, 1);
        path.add(id);
        for (String dep : nodes.get(id).after()) {
            Integer m = mark.get(dep);
            if (m == null) {
                visit(dep, mark, path);
            } else if (m == 1) {
                List<String> cycle = new ArrayList<>(path.subList(path.indexOf(dep), path.size()));
                Collections.reverse(cycle); // "x -> y" reads "y runs after x"
                cycle.add(0, cycle.get(cycle.size() - 1));
                throw new NonRetryableException("input.graph: subtasks wait on each other in a cycle "
                        + String.join(" -> ", cycle) + " (subtask '" + dep + "' waits on itself through it); "
                        + "remove one of these dependencies");
            }
        }
        path.remove(path.size() - 1);
        mark.put(id, 2);
    }
}
