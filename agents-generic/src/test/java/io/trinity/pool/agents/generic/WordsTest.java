package io.trinity.pool.agents.generic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.junit.jupiter.api.Test;

class WordsTest {

    @Test
    void theCopiedStopWordsAreLucenesEnglishStopSet() {
        Set<String> lucene = new HashSet<>();
        EnglishAnalyzer.ENGLISH_STOP_WORDS_SET.forEach(o -> lucene.add(o instanceof char[] c ? new String(c) : o.toString()));

        assertThat(Words.LUCENE_ENGLISH_STOP_WORDS).containsExactlyInAnyOrderElementsOf(lucene);
        assertThat(Words.STOP).containsAll(lucene).contains("we", "would", "don't");
    }
}
