package io.trinity.pool.agents.generic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trinity.pool.Task;
import io.trinity.pool.agent.Agent;
import io.trinity.pool.agent.AgentInit;
import io.trinity.pool.agent.NonRetryableException;
import io.trinity.pool.agents.llm.LlmSettings;
import io.trinity.pool.agents.testing.FakeOpenAiServer;
import io.trinity.pool.agents.testing.FakeTaskContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GenericAgentTest {

    private static final AgentInit INIT = new AgentInit("generic-1", "generic", Optional.empty());
    /** No LLM in this environment, whatever the machine running the tests has configured. */
    private final GenericAgent agent = new GenericAgent(INIT, Map.of());

    // The abstract RAKE's authors used to present it (Rose et al. 2010).
    static final String RAKE_ABSTRACT = "Compatibility of systems of linear constraints over the set of natural"
            + " numbers. Criteria of compatibility of a system of linear Diophantine equations, strict inequations,"
            + " and nonstrict inequations are considered. Upper bounds for components of a minimal set of solutions"
            + " and algorithms of construction of minimal generating sets of solutions for all types of systems are"
            + " given. These criteria and the corresponding algorithms for constructing a minimal supporting set of"
            + " solutions can be used in solving all the considered types systems and systems of mixed types.";

    private Map<String, Object> run(Agent a, Map<String, ?> input) throws Exception {
        FakeTaskContext ctx = FakeTaskContext.of("generic", input);
        Map<String, Object> out = a.execute(ctx).data();
        assertThat(ctx.progress).last().isEqualTo(1.0);
        return out;
    }

    @Test
    void countsCharsWordsSentencesLinesAndTopWords() throws Exception {
        String text = "The cat sat on the mat. The cat was happy!\nDogs don't bark at cats, e.g. quiet ones.";
        Map<String, Object> out = run(agent, Map.of("op", "count", "text", text, "k", 3L));
        assertThat(out).containsEntry("chars", 84L).containsEntry("charsNoSpaces", 67L)
                .containsEntry("words", 18L) // "don't" and "e.g." are one word each
                .containsEntry("sentences", 3L).containsEntry("lines", 2L);
        assertThat(out.get("topWords")).isEqualTo(List.of(
                Map.of("word", "cat", "count", 2L), Map.of("word", "bark", "count", 1L),
                Map.of("word", "cats", "count", 1L)));
    }

    @Test
    @SuppressWarnings("unchecked")
    void keywordsRankTheLongTechnicalPhrasesFirst() throws Exception {
        Map<String, Object> out = run(agent, Map.of("op", "keywords", "text", RAKE_ABSTRACT, "k", 5L));
        List<Map<String, Object>> keywords = (List<Map<String, Object>>) out.get("keywords");
        assertThat(keywords).hasSize(5);
        List<Object> phrases = keywords.stream().map(k -> k.get("phrase")).toList();
        assertThat(phrases).contains("minimal generating sets", "linear diophantine equations", "minimal supporting set");
        assertThat(keywords).extracting(k -> (Double) k.get("score")).isSortedAccordingTo((a, b) -> Double.compare(b, a));
        // "minimal": 3 phrases of lengths 3, 3, 2 -> degree 8, frequency 3; "generating", "sets": 3/1 each.
        Map<String, Object> generating = keywords.stream()
                .filter(k -> k.get("phrase").equals("minimal generating sets")).findFirst().orElseThrow();
        assertThat((double) generating.get("score")).isCloseTo(8.0 / 3 + 3 + 3, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    @SuppressWarnings("unchecked")
    void summaryPicksTheOnTopicSentencesInOriginalOrder() throws Exception {
        String text = "Solar panels turn sunlight into electricity. My neighbour keeps three goats. "
                + "Modern solar panels convert about a fifth of the sunlight into electricity. "
                + "The weather was nice on Tuesday. Cheap solar panels made electricity from sunlight affordable.";
        Map<String, Object> out = run(agent, Map.of("op", "summarize", "text", text, "sentences", 3L));
        List<Map<String, Object>> picked = (List<Map<String, Object>>) out.get("sentences");
        assertThat(out.get("totalSentences")).isEqualTo(5L);
        assertThat(picked).extracting(s -> s.get("index")).containsExactly(0L, 2L, 4L);
        assertThat(out.get("summary")).isEqualTo("Solar panels turn sunlight into electricity."
                + " Modern solar panels convert about a fifth of the sunlight into electricity."
                + " Cheap solar panels made electricity from sunlight affordable.");
        // Sentences 2 and 4 are equally dense (7 content words, the same 4 topic words); the
        // earlier one gets the larger position factor, so it is kept when only two are asked for.
        Map<String, Object> two = run(agent, Map.of("op", "summarize", "text", text, "sentences", 2L));
        assertThat((List<Map<String, Object>>) two.get("sentences")).extracting(s -> s.get("index")).containsExactly(0L, 2L);
    }

    @Test
    void answerUsesTheConfiguredLlm() throws Exception {
        try (FakeOpenAiServer server = new FakeOpenAiServer()) {
            LlmSettings settings = LlmSettings.builder().provider("local").baseUrl(server.baseUrl()).model("mini").build();
            Agent withLlm = GenericAgent.factory(settings).create(INIT);
            FakeTaskContext ctx = FakeTaskContext.of("generic", Map.of("op", "answer",
                    "question", "What colour is the sky?", "text", "The sky is blue."));
            Map<String, Object> out = withLlm.execute(ctx).data();

            assertThat(server.messageContent(0, 0)).isEqualTo(GenericAgent.ANSWER_SYSTEM);
            String prompt = server.messageContent(0, 1);
            assertThat(prompt).isEqualTo("Text:\nThe sky is blue.\n\nQuestion: What colour is the sky?");
            assertThat(out.get("answer")).isEqualTo(FakeOpenAiServer.reverseWords(prompt));
            assertThat(out.get("model")).isEqualTo("mini-served");
            long total = FakeOpenAiServer.words(GenericAgent.ANSWER_SYSTEM) + 2L * FakeOpenAiServer.words(prompt);
            assertThat(ctx.usage).containsExactly(Map.entry("local:mini", total));
        }
    }

    @Test
    void answerWithoutLlmSaysHowToConfigureOne() {
        assertThatThrownBy(() -> run(agent, Map.of("op", "answer", "question", "Why?")))
                .isInstanceOf(NonRetryableException.class)
                .hasMessageStartingWith("op 'answer' needs an LLM but no LLM is configured: set TRINITY_LLM_BASE_URL")
                .hasMessageContaining("TRINITY_LLM_MODEL");
        GenericAgent half = new GenericAgent(INIT, Map.of("TRINITY_LLM_BASE_URL", "http://127.0.0.1:1/v1"));
        assertThatThrownBy(() -> run(half, Map.of("op", "answer", "question", "Why?")))
                .isInstanceOf(NonRetryableException.class)
                .hasMessageContaining("the LLM configuration is incomplete (LLM model is missing: set TRINITY_LLM_MODEL");
    }

    @Test
    void badInputIsNonRetryableAndSaysWhy() {
        assertThatThrownBy(() -> run(agent, Map.of("op", "translate", "text", "hi")))
                .isInstanceOf(NonRetryableException.class)
                .hasMessage("input.op: unknown operation for agent generic-1; valid ops: count, keywords, summarize,"
                        + " vocabulary, answer (got 'translate')");
        assertThatThrownBy(() -> run(agent, Map.of("op", "count")))
                .isInstanceOf(NonRetryableException.class)
                .hasMessage("input.text: a non-empty string is required (got nothing)");
        assertThatThrownBy(() -> run(agent, Map.of("op", "summarize", "text", "x", "sentences", 0L)))
                .isInstanceOf(NonRetryableException.class)
                .hasMessage("input.sentences: must be between 1 and 1000 (got 0)");
    }

    @Test
    void theVocabularyCountsTextsPerWordAndIsHandedToTheNextAgentThroughItsSnapshot() throws Exception {
        assertThat(agent.snapshot()).isEmpty(); // nothing read yet: nothing to hand on
        run(agent, Map.of("op", "count", "text", "Cats chase mice. Cats sleep."));
        run(agent, Map.of("op", "keywords", "text", "Cats and dogs share the garden."));
        run(agent, Map.of("op", "summarize", "text", "Dogs bark at night. Dogs sleep by day."));
        Map<String, Object> vocabulary = run(agent, Map.of("op", "vocabulary", "k", 2));
        assertThat(vocabulary).containsEntry("documents", 3L);
        // "cats" and "dogs" each appear in two of the three texts (counted once per text)
        assertThat(vocabulary.get("common")).isEqualTo(List.of(Map.of("word", "cats", "documents", 2L),
                Map.of("word", "dogs", "documents", 2L)));

        var snapshot = agent.snapshot().orElseThrow();
        assertThat(snapshot.type()).isEqualTo("generic");
        GenericAgent next = new GenericAgent(new AgentInit("generic-2", "generic", Optional.of(snapshot)), Map.of());
        run(next, Map.of("op", "count", "text", "Cats again."));
        Map<String, Object> after = run(next, Map.of("op", "vocabulary", "k", 1));
        assertThat(after).containsEntry("documents", 4L);
        assertThat(after.get("common")).isEqualTo(List.of(Map.of("word", "cats", "documents", 3L)));
    }

    @Test
    void aSnapshotItCannotReadIsIgnored() throws Exception {
        var foreign = new io.trinity.pool.agent.AgentSnapshot("x-1", "generic", Map.of("documents", "many"));
        GenericAgent a = new GenericAgent(new AgentInit("generic-3", "generic", Optional.of(foreign)), Map.of());
        assertThat(run(a, Map.of("op", "vocabulary"))).containsEntry("documents", 0L);
    }

    @Test
    void theVocabularyStaysBounded() throws Exception {
        for (int i = 0; i < GenericAgent.MAX_VOCABULARY + 10; i++) {
            run(agent, Map.of("op", "count", "text", "word" + i + " shared"));
        }
        Map<String, Object> v = run(agent, Map.of("op", "vocabulary", "k", 1));
        assertThat((Long) v.get("words")).isLessThanOrEqualTo(GenericAgent.MAX_VOCABULARY);
        assertThat(v.get("common")).isEqualTo(List.of(Map.of("word", "shared",
                "documents", (long) GenericAgent.MAX_VOCABULARY + 10)));
    }

    private Map<String, Object> runAs(Agent a, String tenant, Map<String, ?> input) throws Exception {
        return a.execute(new FakeTaskContext(io.trinity.pool.Task.builder("generic").input(input).tenant(tenant).build()))
                .data();
    }

    @Test
    void oneTenantsWordsNeverReachAnotherTenant() throws Exception {
        // The probe: beta's vocabulary listed acme's confidential words, also after a restart.
        runAs(agent, "acme", Map.of("op", "count", "text", "Project Zanzibar is confidential. Zanzibar closes Friday."));
        runAs(agent, "beta", Map.of("op", "count", "text", "Beta ships widgets."));

        Map<String, Object> beta = runAs(agent, "beta", Map.of("op", "vocabulary", "k", 20));
        assertThat(beta).containsEntry("documents", 1L).containsEntry("words", 3L);
        assertThat(beta.get("common").toString()).doesNotContain("zanzibar", "confidential");
        assertThat(runAs(agent, "gamma", Map.of("op", "vocabulary", "k", 20)))
                .isEqualTo(Map.of("documents", 0L, "words", 0L, "common", List.of()));
        assertThat(runAs(agent, "acme", Map.of("op", "vocabulary", "k", 20)).get("common").toString())
                .contains("word=zanzibar", "word=confidential");

        // handed on through the snapshot (a clone, a replacement, a restart with a journal): still apart
        var snapshot = agent.snapshot().orElseThrow();
        GenericAgent next = new GenericAgent(new AgentInit("generic-2", "generic", Optional.of(snapshot)), Map.of());
        Map<String, Object> betaAfter = runAs(next, "beta", Map.of("op", "vocabulary", "k", 20));
        assertThat(betaAfter).containsEntry("documents", 1L);
        assertThat(betaAfter.get("common").toString()).doesNotContain("zanzibar", "confidential");
        assertThat(runAs(next, "acme", Map.of("op", "vocabulary", "k", 20)).get("common").toString())
                .contains("word=zanzibar", "word=confidential");
        assertThat(runAs(next, Task.DEFAULT_TENANT, Map.of("op", "vocabulary"))).containsEntry("documents", 0L);
    }

    @Test
    void anOldSnapshotThatMixedEveryTenantsWordsIsNotRestored() throws Exception {
        var old = new io.trinity.pool.agent.AgentSnapshot("generic-9", "generic", Map.of("documents", 5L,
                "documentFrequency", Map.of("zanzibar", 3L, "confidential", 2L)));
        GenericAgent a = new GenericAgent(new AgentInit("generic-4", "generic", Optional.of(old)), Map.of());
        assertThat(runAs(a, "beta", Map.of("op", "vocabulary"))).containsEntry("documents", 0L);
        assertThat(runAs(a, Task.DEFAULT_TENANT, Map.of("op", "vocabulary"))).containsEntry("documents", 0L);
        assertThat(a.snapshot()).isEmpty();
    }

    @Test
    void theTenantsKeptAreBoundedLeastRecentlyActiveFirst() throws Exception {
        for (int i = 0; i <= Vocabulary.MAX_TENANTS; i++) {
            runAs(agent, "t" + i, Map.of("op", "count", "text", "word" + i));
        }
        assertThat(runAs(agent, "t0", Map.of("op", "vocabulary"))).containsEntry("documents", 0L);
        assertThat(runAs(agent, "t1", Map.of("op", "vocabulary"))).containsEntry("documents", 1L);
        @SuppressWarnings("unchecked")
        Map<String, Object> tenants = (Map<String, Object>) agent.snapshot().orElseThrow().state().get("tenants");
        assertThat(tenants).hasSize(Vocabulary.MAX_TENANTS).doesNotContainKey("t0");
    }
}
