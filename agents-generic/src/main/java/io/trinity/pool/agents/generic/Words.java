package io.trinity.pool.agents.generic;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Words, sentences and stop words of English text, shared by the text operations.
 *
 * <p>A word is a run of letters and digits, with inner apostrophes, hyphens and periods kept
 * ({@code don't}, {@code state-of-the-art}, {@code e.g}, {@code 3.14}), lower-cased. Sentences come from the JDK's
 * English {@link BreakIterator}, which knows that "e.g." does not end a sentence.
 */
final class Words {

    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+(?:['\u2019.-][\\p{L}\\p{N}]+)*");

    /**
     * Lucene's English stop set ({@code EnglishAnalyzer.ENGLISH_STOP_WORDS_SET}), copied rather
     * than depended on: 33 words are not worth 6 MB of Lucene in every user of this agent. A test
     * checks the copy against Lucene.
     */
    static final List<String> LUCENE_ENGLISH_STOP_WORDS = List.of("a", "an", "and", "are", "as", "at", "be",
            "but", "by", "for", "if", "in", "into", "is", "it", "no", "not", "of", "on", "or", "such", "that",
            "the", "their", "then", "there", "these", "they", "this", "to", "was", "will", "with");

    /**
     * Lucene's English stop set is tuned for search and keeps pronouns and auxiliaries, which
     * are noise in "top words" and keywords; these function words are added to it.
     */
    static final Set<String> STOP = Stream.concat(
            LUCENE_ENGLISH_STOP_WORDS.stream(),
            Stream.of(("i me my myself we our ours ourselves you your yours yourself yourselves he him his himself"
                    + " she her hers herself its itself them theirs themselves what which who whom whose"
                    + " am been being have has had having do does did doing would should could can may might must"
                    + " shall ought a about above after again against all also any because before below between"
                    + " both down during each few from further here how just more most much nor off once only other"
                    + " out over own same so some than too under until up very were when where while why upon"
                    + " i'm you're he's she's it's we're they're i've you've we've they've i'd you'd he'd she'd we'd"
                    + " they'd i'll you'll he'll she'll we'll they'll isn't aren't wasn't weren't hasn't haven't"
                    + " hadn't doesn't don't didn't won't wouldn't shan't shouldn't can't cannot couldn't mustn't"
                    + " let's that's who's what's here's there's when's where's why's how's").split(" ")))
            .collect(Collectors.toUnmodifiableSet());

    private Words() {
    }

    static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = WORD.matcher(text);
        while (m.find()) {
            out.add(normalize(m.group()));
        }
        return out;
    }

    static boolean isStop(String word) {
        return STOP.contains(word);
    }

    /** Counts as content: not a stop word, and not a bare number. */
    static boolean isContent(String word) {
        return !isStop(word) && !word.chars().allMatch(Character::isDigit);
    }

    static List<String> sentences(String text) {
        BreakIterator it = BreakIterator.getSentenceInstance(Locale.ENGLISH);
        String flat = text.replaceAll("\\s*\\R\\s*\\R\\s*", "\n\n");
        it.setText(flat);
        List<String> out = new ArrayList<>();
        for (int start = it.first(), end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
            // A paragraph break ends a sentence even without a full stop (headings, list items).
            for (String part : flat.substring(start, end).split("\n\n")) {
                String s = part.strip().replaceAll("\\s+", " ");
                if (!words(s).isEmpty()) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    private static String normalize(String word) {
        return word.toLowerCase(Locale.ROOT).replace('\u2019', '\'');
    }
}
