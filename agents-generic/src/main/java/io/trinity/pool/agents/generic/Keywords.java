package io.trinity.pool.agents.generic;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Keyword extraction after RAKE (Rose et al., "Automatic Keyword Extraction from Individual
 * Documents", 2010): candidate phrases are the runs of content words between stop words and
 * punctuation; each word scores degree / frequency (degree: the total length of the phrases it
 * occurs in), so words that mostly appear inside longer phrases rank high; a phrase scores the
 * sum of its words. Phrases longer than {@value #MAX_PHRASE_WORDS} words are dropped as
 * run-ons, as the paper suggests for short texts.
 */
final class Keywords {

    static final int MAX_PHRASE_WORDS = 4;
    // Punctuation that ends a phrase; apostrophes and inner hyphens are part of words.
    private static final Pattern PHRASE_BREAK = Pattern.compile("[.,;:!?()\\[\\]{}\"\u201C\u201D\u2018\u2026\u2013\u2014/|]|\\s-+\\s|\\R");

    private Keywords() {
    }

    static List<Map<String, Object>> extract(String text, int k) {
        List<List<String>> phrases = new ArrayList<>();
        for (String fragment : PHRASE_BREAK.split(text)) {
            List<String> current = new ArrayList<>();
            for (String w : Words.words(fragment)) {
                if (Words.isContent(w)) {
                    current.add(w);
                } else {
                    flush(current, phrases);
                    current = new ArrayList<>();
                }
            }
            flush(current, phrases);
        }
        Map<String, Integer> frequency = new HashMap<>();
        Map<String, Integer> degree = new HashMap<>();
        for (List<String> phrase : phrases) {
            for (String w : phrase) {
                frequency.merge(w, 1, Integer::sum);
                degree.merge(w, phrase.size(), Integer::sum);
            }
        }
        Map<String, double[]> scored = new LinkedHashMap<>(); // phrase -> {score, occurrences}
        for (List<String> phrase : phrases) {
            String key = String.join(" ", phrase);
            double[] s = scored.computeIfAbsent(key, x -> {
                double score = 0;
                for (String w : phrase) {
                    score += (double) degree.get(w) / frequency.get(w);
                }
                return new double[] {score, 0};
            });
            s[1]++;
        }
        return scored.entrySet().stream()
                .sorted((a, b) -> {
                    int c = Double.compare(b.getValue()[0], a.getValue()[0]);
                    c = c != 0 ? c : Double.compare(b.getValue()[1], a.getValue()[1]);
                    return c != 0 ? c : a.getKey().compareTo(b.getKey());
                })
                .limit(k)
                .map(e -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("phrase", e.getKey());
                    m.put("score", e.getValue()[0]);
                    m.put("count", (long) e.getValue()[1]);
                    return m;
                })
                .toList();
    }

    private static void flush(List<String> phrase, List<List<String>> phrases) {
        if (!phrase.isEmpty() && phrase.size() <= MAX_PHRASE_WORDS) {
            phrases.add(List.copyOf(phrase));
        }
    }
}
