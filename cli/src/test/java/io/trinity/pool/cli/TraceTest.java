package io.trinity.pool.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

class TraceTest {

    private static List<Arrival> parse(String text) throws IOException {
        return Trace.parse("t.csv", new BufferedReader(new StringReader(text)));
    }

    @Test
    void readsLinesWithAndWithoutAffinityAndTheOptionalTenant() throws IOException {
        List<Arrival> a = parse("# comment\narrival_ms,type,duration_ms,priority,affinity,tenant\n"
                + "0,code,120,0,,acme\n\n15,vision,800,5,user-1,globex\n15,data,20,-3,,acme\n");
        assertThat(a).containsExactly(new Arrival(0, "code", 120, 0, null, "acme"),
                new Arrival(15, "vision", 800, 5, "user-1", "globex"), new Arrival(15, "data", 20, -3, null, "acme"));
        assertThat(parse("arrival_ms,type,duration_ms,priority,affinity,tenant\n7,code,1,0,,\n"))
                .containsExactly(new Arrival(7, "code", 1, 0, null, null));
        assertThat(parse("arrival_ms,type,duration_ms,priority,affinity\n7,code,1,0,\n"))
                .containsExactly(new Arrival(7, "code", 1, 0, null));
    }

    @Test
    void namesTheLineOfEveryMistake() {
        String h = "arrival_ms,type,duration_ms,priority,affinity\n";
        assertThatThrownBy(() -> parse(h + "10,code,5,0,\n5,code,5,0,\n"))
                .hasMessage("t.csv:3: arrival_ms 5 is before the previous line's 10; arrivals must be in"
                        + " non-decreasing order (sort the file by its first column)");
        assertThatThrownBy(() -> parse(h + "0,code,abc,0,\n")).hasMessage("t.csv:2: duration_ms must be a whole number, got 'abc'");
        assertThatThrownBy(() -> parse(h + "0,code,0,0,\n")).hasMessageStartingWith("t.csv:2: duration_ms must be between 1 and");
        assertThatThrownBy(() -> parse(h + "0,code,5\n")).hasMessageStartingWith("t.csv:2: expected 5 comma-separated fields");
        assertThatThrownBy(() -> parse(h + "0,,5,0,\n")).hasMessageStartingWith("t.csv:2: type is empty");
        assertThatThrownBy(() -> parse(h + "0,code,5,5000,\n")).hasMessageStartingWith("t.csv:2: priority must be between -1000 and 1000");
        assertThatThrownBy(() -> parse("time,type\n")).hasMessageStartingWith("t.csv:1: expected the header");
        assertThatThrownBy(() -> parse("")).hasMessageStartingWith("t.csv:1: the file is empty");
    }

    @Test
    void scanCountsTheWholeFileAndOpenReadsALineAtATime() throws IOException {
        java.nio.file.Path f = java.nio.file.Files.createTempFile("trace", ".csv");
        try {
            java.nio.file.Files.writeString(f, "arrival_ms,type,duration_ms,priority,affinity,tenant\n"
                    + "0,code,5,0,,acme\n3,vision,5,0,k,\n9,code,5,0,,acme\n");
            Trace.Stats s = Trace.scan(f);
            assertThat(s.tasks()).isEqualTo(3);
            assertThat(s.tasksByType()).containsExactly(java.util.Map.entry("code", 2L), java.util.Map.entry("vision", 1L));
            assertThat(s.lastArrivalMs()).isEqualTo(9);
            try (Trace.Reader r = Trace.open(f)) {
                Arrival first = r.next();
                Arrival third = null;
                r.next();
                third = r.next();
                assertThat(r.hasNext()).isFalse();
                assertThat(first.tenant()).isSameAs(third.tenant()).isEqualTo("acme"); // one instance per name
                assertThat(first.type()).isSameAs(third.type());
            }
        } finally {
            java.nio.file.Files.delete(f);
        }
    }

    @Test
    void aBadLineIsReportedWhenTheReaderReachesItNotBefore() {
        StringBuilder text = new StringBuilder("arrival_ms,type,duration_ms,priority,affinity\n");
        for (int i = 0; i < 1000; i++) {
            text.append(i).append(",code,5,0,\n");
        }
        text.append("1000,code,oops,0,\n");
        Trace.Reader r = new Trace.Reader("t.csv", new BufferedReader(new StringReader(text.toString())));
        for (int i = 0; i < 1000; i++) {
            assertThat(r.next().atMs()).isEqualTo(i);
        }
        assertThatThrownBy(r::hasNext).hasMessage("t.csv:1002: duration_ms must be a whole number, got 'oops'");
    }
}
