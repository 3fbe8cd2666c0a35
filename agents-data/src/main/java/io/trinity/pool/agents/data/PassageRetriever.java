package io.trinity.pool.agents.data;

import io.trinity.pool.agent.NonRetryableException;
import io.trinity.pool.agent.TaskContext;
import java.io.IOException;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;

/**
 * BM25 passage retrieval over documents given with the task, in an in-memory Lucene index that
 * lives only for the task.
 *
 * <p>Documents are cut into passages so that a hit points at the paragraph that answers, not a
 * whole file: one passage per paragraph (split on blank lines), and a paragraph longer than
 * {@value #MAX_WORDS} words is cut into windows of whole sentences of up to that many words,
 * each window starting with the previous window's last sentence, so that a sentence pair that
 * answers together always shares at least one passage.
 */
final class PassageRetriever {

    static final int MAX_WORDS = 120;
    private static final String TEXT = "text";

    record Passage(String docId, int index, String text) {
    }

    private PassageRetriever() {
    }

    static List<Map<String, Object>> retrieve(TaskContext ctx, List<Passage> passages, String query, int k)
            throws IOException {
        // EnglishAnalyzer stems and drops stop words, so "running costs" also finds "cost of running".
        try (Analyzer analyzer = new EnglishAnalyzer(); ByteBuffersDirectory dir = new ByteBuffersDirectory()) {
            Query parsed = parse(analyzer, query);
            BM25Similarity bm25 = new BM25Similarity();
            try (IndexWriter writer = new IndexWriter(dir, new IndexWriterConfig(analyzer).setSimilarity(bm25))) {
                for (int i = 0; i < passages.size(); i++) {
                    Passage p = passages.get(i);
                    Document doc = new Document();
                    doc.add(new StoredField("id", p.docId()));
                    doc.add(new StoredField("passage", p.index()));
                    doc.add(new TextField(TEXT, p.text(), Field.Store.YES));
                    writer.addDocument(doc);
                    if (i % 256 == 0) {
                        ctx.checkCancelled();
                        ctx.progress(0.1 + 0.8 * i / passages.size(), "indexed " + i + " of " + passages.size() + " passages");
                    }
                }
            }
            try (DirectoryReader reader = DirectoryReader.open(dir)) {
                IndexSearcher searcher = new IndexSearcher(reader);
                searcher.setSimilarity(bm25);
                TopDocs top = searcher.search(parsed, k);
                StoredFields stored = searcher.storedFields();
                List<Map<String, Object>> out = new ArrayList<>();
                for (ScoreDoc hit : top.scoreDocs) {
                    Document doc = stored.document(hit.doc);
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", doc.get("id"));
                    m.put("passage", (long) doc.getField("passage").numericValue().intValue());
                    m.put("score", (double) hit.score);
                    m.put("text", doc.get(TEXT));
                    out.add(m);
                }
                return out;
            }
        }
    }

    private static Query parse(Analyzer analyzer, String query) {
        Query parsed;
        try {
            // Escaped: the query is the user's words, not Lucene syntax, so "C++ (fast)" must not fail.
            parsed = new QueryParser(TEXT, analyzer).parse(QueryParser.escape(query));
        } catch (ParseException e) {
            throw new NonRetryableException("input.query: could not be searched (got '" + query + "'): "
                    + e.getMessage(), e);
        }
        if (parsed instanceof MatchNoDocsQuery || parsed instanceof BooleanQuery b && b.clauses().isEmpty()) {
            throw new NonRetryableException("input.query: has no searchable words once stop words are removed (got '"
                    + query + "'); add content words");
        }
        return parsed;
    }

    /** Splits one document into passages: paragraphs, and sentence windows for long paragraphs. */
    static List<Passage> split(String docId, String text) {
        List<Passage> out = new ArrayList<>();
        for (String paragraph : text.split("\\R\\s*\\R")) {
            String p = paragraph.strip().replaceAll("\\s+", " ");
            if (p.isEmpty()) {
                continue;
            }
            if (words(p) <= MAX_WORDS) {
                out.add(new Passage(docId, out.size(), p));
                continue;
            }
            List<String> sentences = sentences(p);
            int start = 0;
            while (start < sentences.size()) {
                int end = start;
                int words = 0;
                StringBuilder window = new StringBuilder();
                while (end < sentences.size() && (end == start || words + words(sentences.get(end)) <= MAX_WORDS)) {
                    words += words(sentences.get(end));
                    if (!window.isEmpty()) {
                        window.append(' ');
                    }
                    window.append(sentences.get(end));
                    end++;
                }
                out.add(new Passage(docId, out.size(), window.toString()));
                if (end >= sentences.size()) {
                    break;
                }
                // Overlap by one sentence, but always move forward.
                start = end - 1 > start ? end - 1 : end;
            }
        }
        return out;
    }

    private static List<String> sentences(String text) {
        BreakIterator it = BreakIterator.getSentenceInstance(Locale.ENGLISH);
        it.setText(text);
        List<String> out = new ArrayList<>();
        for (int start = it.first(), end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
            String s = text.substring(start, end).strip();
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    private static int words(String s) {
        String t = s.strip();
        return t.isEmpty() ? 0 : t.split("\\s+").length;
    }
}
