package io.trinity.pool.agents.generic;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Extractive summary: picks whole sentences and returns them in their original order.
 *
 * <p>Each content word weighs its frequency divided by the top frequency (Luhn's idea: the
 * words a text repeats are what it is about). A sentence scores the sum of its content-word
 * weights divided by the square root of its content-word count, which favours dense sentences
 * without letting a one-word sentence win, times a position factor that falls linearly from
 * {@value #LEAD_BONUS} for the first sentence to 1 for the last, since texts tend to open
 * with their point. Ties go to the earlier sentence.
 */
final class Summarizer {

    static final double LEAD_BONUS = 1.25;

    private Summarizer() {
    }

    record Scored(int index, String text, double score) {
    }

    static List<Scored> score(List<String> sentences) {
        Map<String, Integer> frequency = new HashMap<>();
        List<List<String>> content = new ArrayList<>();
        for (String s : sentences) {
            List<String> words = Words.words(s).stream().filter(Words::isContent).toList();
            content.add(words);
            words.forEach(w -> frequency.merge(w, 1, Integer::sum));
        }
        double top = frequency.values().stream().mapToInt(Integer::intValue).max().orElse(1);
        int n = sentences.size();
        List<Scored> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            List<String> words = content.get(i);
            double sum = 0;
            for (String w : words) {
                sum += frequency.get(w) / top;
            }
            double density = words.isEmpty() ? 0 : sum / Math.sqrt(words.size());
            double position = n == 1 ? LEAD_BONUS : LEAD_BONUS - (LEAD_BONUS - 1) * i / (n - 1);
            out.add(new Scored(i, sentences.get(i), density * position));
        }
        return out;
    }

    /** The best {@code count} sentences, in original order. */
    static List<Scored> pick(List<Scored> scored, int count) {
        return scored.stream()
                .sorted(Comparator.comparingDouble(Scored::score).reversed().thenComparingInt(Scored::index))
                .limit(count)
                .sorted(Comparator.comparingInt(Scored::index))
                .toList();
    }

    static Map<String, Object> toData(Scored s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("index", (long) s.index());
        m.put("score", s.score());
        m.put("text", s.text());
        return m;
    }
}
