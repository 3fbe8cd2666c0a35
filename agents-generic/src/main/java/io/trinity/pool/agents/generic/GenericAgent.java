package io.trinity.pool.agents.generic;

import io.trinity.pool.Attachment;
import io.trinity.pool.Payload;
import io.trinity.pool.agent.Agent;
import io.trinity.pool.agent.AgentFactory;
import io.trinity.pool.agent.AgentInit;
import io.trinity.pool.agent.AgentSnapshot;
import io.trinity.pool.agent.NonRetryableException;
import io.trinity.pool.agent.TaskContext;
import io.trinity.pool.agents.common.Inputs;
import io.trinity.pool.agents.llm.LlmClient;
import io.trinity.pool.agents.llm.LlmReply;
import io.trinity.pool.agents.llm.LlmSettings;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code generic} agent, the fallback type: text utilities on field {@code text} (or a
 * {@code text/*} attachment {@code file}), chosen by {@code op}:
 *
 * <ul>
 *   <li>{@code count}: characters, words, sentences, lines, and the top {@code k} (default 10)
 *       words without stop words;</li>
 *   <li>{@code keywords}: the top {@code k} (default 10) key phrases, RAKE-scored;</li>
 *   <li>{@code summarize}: the best {@code sentences} (default 3) sentences, in original order;</li>
 *   <li>{@code vocabulary}: what this agent type has read for the task's tenant: how many texts,
 *       and the top {@code k} (default 10) content words by the number of texts they appeared
 *       in;</li>
 *   <li>{@code answer}: answers {@code question} about {@code text} (optional) with the LLM
 *       adapter; needs an LLM configured (environment {@code TRINITY_LLM_*} or
 *       {@link #factory(LlmSettings)}), and says how to configure one otherwise.</li>
 * </ul>
 *
 * <p><b>State handed on.</b> The text ops count, per tenant and content word, the texts it
 * appeared in (document frequency, the corpus statistic behind TF-IDF), at most
 * {@value #MAX_VOCABULARY} words per tenant (the rarest are dropped first) and
 * {@value Vocabulary#MAX_TENANTS} tenants (the least recently active dropped first). A tenant's
 * tasks see only that tenant's vocabulary. The agent hands the vocabularies on in its
 * {@link #snapshot()}: the pool offers them to the next agent of the type (and, with a journal,
 * after a restart), so the statistics outlive any one agent.
 *
 * See docs/agents/generic.md.
 */
public final class GenericAgent implements Agent {

    static final List<String> OPS = List.of("count", "keywords", "summarize", "vocabulary", "answer");
    /** The most words the vocabulary keeps per tenant; past it, it keeps the most frequent half. */
    static final int MAX_VOCABULARY = Vocabulary.MAX_WORDS;
    static final String ANSWER_SYSTEM = "You answer questions concisely. When a text is given, answer from that"
            + " text only, and say so if the text does not contain the answer.";

    private final AgentInit init;
    private final LlmClient llm;
    /** Why there is no LLM, for the answer op's message; null when there is one. */
    private final String noLlmReason;
    /** Per tenant: texts read and, per content word, how many of them contained it. */
    private final Vocabulary vocabulary = new Vocabulary();

    /** Uses an LLM when the environment configures one ({@code TRINITY_LLM_BASE_URL}, {@code TRINITY_LLM_MODEL}). */
    public GenericAgent(AgentInit init) {
        this(init, System.getenv());
    }

    /** Uses the LLM these settings describe for the {@code answer} op. */
    public GenericAgent(AgentInit init, LlmSettings llm) {
        this.init = Objects.requireNonNull(init, "init");
        this.llm = new LlmClient(Objects.requireNonNull(llm, "llm"));
        this.noLlmReason = null;
        init.snapshot().ifPresent(this::restore);
    }

    GenericAgent(AgentInit init, Map<String, String> env) {
        this.init = Objects.requireNonNull(init, "init");
        LlmClient client = null;
        String reason;
        try {
            client = LlmSettings.configuredIn(env).map(LlmClient::new).orElse(null);
            reason = client == null ? "no LLM is configured" : null;
        } catch (IllegalArgumentException e) {
            // A half-configured LLM must not stop the text ops; the answer op reports it.
            reason = "the LLM configuration is incomplete (" + e.getMessage() + ")";
        }
        this.llm = client;
        this.noLlmReason = reason;
        init.snapshot().ifPresent(this::restore);
    }

    /** A factory whose agents answer with the LLM these settings describe. */
    public static AgentFactory factory(LlmSettings llm) {
        Objects.requireNonNull(llm, "llm");
        return init -> new GenericAgent(init, llm);
    }

    @Override
    public Payload execute(TaskContext ctx) throws Exception {
        String op = Inputs.requireString(ctx, "op");
        if (!OPS.contains(op)) {
            throw Inputs.bad("op", "unknown operation for agent " + init.agentId() + "; valid ops: "
                    + String.join(", ", OPS), op);
        }
        ctx.progress(0.0, op);
        Map<String, Object> out = switch (op) {
            case "count" -> count(read(ctx, text(ctx)), (int) Inputs.optLong(ctx, "k", 10, 1, 1_000));
            case "keywords" -> Map.of("keywords", Keywords.extract(read(ctx, text(ctx)), (int) Inputs.optLong(ctx, "k", 10, 1, 1_000)));
            case "summarize" -> summarize(read(ctx, text(ctx)), (int) Inputs.optLong(ctx, "sentences", 3, 1, 1_000));
            case "vocabulary" -> vocabulary.summary(ctx.task().tenant(), (int) Inputs.optLong(ctx, "k", 10, 1, 1_000));
            default -> answer(ctx);
        };
        ctx.progress(1.0, "done");
        return Payload.of(out);
    }

    /** Counts the text's distinct content words into the vocabulary of the task's tenant; returns the text. */
    private String read(TaskContext ctx, String text) {
        java.util.Set<String> distinct = new java.util.HashSet<>();
        for (String w : Words.words(text)) {
            if (Words.isContent(w)) {
                distinct.add(w);
            }
        }
        vocabulary.read(ctx.task().tenant(), distinct);
        return text;
    }

    @Override
    public Optional<AgentSnapshot> snapshot() {
        if (vocabulary.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new AgentSnapshot(init.agentId(), init.type(), vocabulary.toState()));
    }

    /** Takes over a predecessor's vocabularies ({@link Vocabulary#restore}). */
    private void restore(AgentSnapshot snapshot) {
        vocabulary.restore(snapshot.state());
    }

    private static Map<String, Object> count(String text, int k) {
        List<String> words = Words.words(text);
        Map<String, Long> frequency = new HashMap<>();
        for (String w : words) {
            if (Words.isContent(w)) {
                frequency.merge(w, 1L, Long::sum);
            }
        }
        List<Map<String, Object>> top = frequency.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(k)
                .map(e -> wordCount(e.getKey(), e.getValue()))
                .toList();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("chars", (long) text.codePointCount(0, text.length()));
        out.put("charsNoSpaces", text.codePoints().filter(c -> !Character.isWhitespace(c)).count());
        out.put("words", (long) words.size());
        out.put("sentences", (long) Words.sentences(text).size());
        out.put("lines", text.lines().count());
        out.put("topWords", top);
        return out;
    }

    /** Insertion-ordered: Map.of iterates in an order that changes from one JVM run to the next. */
    private static Map<String, Object> wordCount(String word, long count) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("word", word);
        m.put("count", count);
        return m;
    }

    private static Map<String, Object> summarize(String text, int count) {
        List<Summarizer.Scored> scored = Summarizer.score(Words.sentences(text));
        List<Summarizer.Scored> picked = Summarizer.pick(scored, count);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("summary", String.join(" ", picked.stream().map(Summarizer.Scored::text).toList()));
        out.put("totalSentences", (long) scored.size());
        out.put("sentences", picked.stream().map(Summarizer::toData).toList());
        return out;
    }

    private Map<String, Object> answer(TaskContext ctx) throws InterruptedException {
        String question = Inputs.requireString(ctx, "question");
        if (llm == null) {
            throw new NonRetryableException("op 'answer' needs an LLM but " + noLlmReason + ": set "
                    + LlmSettings.ENV_BASE_URL + " (e.g. https://YOUR-ENDPOINT/v1, or http://localhost:11434/v1 for"
                    + " Ollama) and " + LlmSettings.ENV_MODEL + " (and " + LlmSettings.ENV_API_KEY
                    + " if the endpoint needs one), or register GenericAgent.factory(LlmSettings)");
        }
        String context = Inputs.optString(ctx, "text").filter(t -> !t.isBlank()).orElse(null);
        String prompt = context == null ? question : "Text:\n" + context + "\n\nQuestion: " + question;
        Integer maxTokens = ctx.data().get("maxTokens") == null ? null : (int) Inputs.optLong(ctx, "maxTokens", 0, 1, 1_000_000);
        Double temperature = ctx.data().get("temperature") == null ? null : Inputs.optDouble(ctx, "temperature", 0, 0, 2);
        LlmReply reply = llm.chat(ctx, ANSWER_SYSTEM, prompt, maxTokens, temperature);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("answer", reply.text());
        out.putAll(reply.toData());
        out.remove("text");
        return out;
    }

    /** The text to work on: field {@code text}, else a {@code text/*} attachment {@code file}. */
    private static String text(TaskContext ctx) {
        if (ctx.data().get("text") != null || ctx.attachment("file").isEmpty()) {
            return Inputs.requireString(ctx, "text");
        }
        Attachment file = ctx.attachment("file").orElseThrow();
        if (!file.mediaType().startsWith("text/")) {
            throw new NonRetryableException("input.file: must be a text/* attachment (got '" + file.mediaType()
                    + "'); send the text in field 'text' instead");
        }
        return new String(file.bytes(), StandardCharsets.UTF_8);
    }
}
