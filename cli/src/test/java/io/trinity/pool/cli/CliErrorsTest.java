package io.trinity.pool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every mistake a user can make ends with one clear message and exit code 2, no stack trace. */
class CliErrorsTest {

    @TempDir
    Path dir;

    private static void userError(Cli.Result r, String expected) {
        assertThat(r.code()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).as(r.toString()).contains(expected).doesNotContain("\tat ").doesNotContain("Exception:");
    }

    @Test
    void everyCommandHasHelpWithExamples() {
        for (String cmd : new String[] {"spawn", "spawn-bench", "simulate", "run"}) {
            Cli.Result r = Cli.run(cmd, "--help");
            assertThat(r.code()).as(cmd).isZero();
            assertThat(r.out()).as(cmd).contains("Usage: tri " + cmd).contains("Examples:");
        }
        assertThat(Cli.run("--help").out()).contains("spawn-bench").contains("simulate").contains("run");
        assertThat(Cli.run("pool-bench", "--help").out()).contains("Usage: tri spawn-bench");
        assertThat(Cli.run("spawn-demo", "--help").out()).contains("--max-agents").contains("--stuck-after")
                .contains("--spawn-strategy").contains("--duration").contains("--events-out");
    }

    @Test
    void unknownFlagsAndBadValues() {
        userError(Cli.run("spawn", "--bogus"), "tri spawn: Unknown option: '--bogus'");
        userError(Cli.run("spawn", "--idle-timeout", "5"), "'5' is not a duration; write a number and a unit");
        userError(Cli.run("spawn", "--max-agents", "0"), "--max-agents must be >= 1 (got 0)");
        userError(Cli.run("spawn", "--stuck-after", "0s"), "--stuck-after must be > 0 (got 0)");
        userError(Cli.run("spawn", "--max-agents", "2", "--warm", "3"), "--warm (3) must be <= --max-agents (2)");
        userError(Cli.run("spawn", "--warm", "2", "--warm-min", "3"), "--warm-min (3) must be <= --warm (2)");
        userError(Cli.run("spawn", "--warm-min", "-1"), "--warm-min must be >= 0 (got -1)");
        userError(Cli.run("spawn", "--balancer", "fastest"), "unknown balancer 'fastest'; choose one of round-robin");
        userError(Cli.run("spawn", "--spawn-strategy", "psychic"), "unknown spawn strategy 'psychic'; choose from");
        userError(Cli.run("spawn", "--tasks", "-1"), "--tasks must be >= 1 (got -1)");
        userError(Cli.run("spawn-bench", "--workload", "chaotic"), "unknown workload 'chaotic'");
        userError(Cli.run("simulate", "x.csv", "--hang-rate", "1.5"), "--hang-rate must be a probability between 0 and 1 (got 1.5)");
        userError(Cli.run("simulate", "x.csv", "--seed", "abc"), "Invalid value for option '--seed'");
        userError(Cli.run("run", "teleport"), "unknown agent type 'teleport'");
    }

    @Test
    void aBlankBalancerIsTheSameUsageMistakeAsAnUnknownOneOnEveryCommand() {
        for (String cmd : new String[] {"spawn", "spawn-demo", "pool", "spawn-bench", "pool-bench", "simulate"}) {
            for (String blank : new String[] {"", " "}) {
                Cli.Result r = cmd.equals("simulate") ? Cli.run(cmd, "x.csv", "--balancer", blank)
                        : Cli.run(cmd, "--balancer", blank);
                userError(r, "--balancer: unknown balancer '" + blank + "'; choose one of round-robin");
                assertThat(r.err()).as(cmd).doesNotContain("internal error");
            }
        }
    }

    @Test
    void missingFilesAndMalformedTraces() throws IOException {
        userError(Cli.run("simulate", dir.resolve("nope.csv").toString()), "trace file not found");
        userError(Cli.run("run", "data", "--input", dir.resolve("nope.csv").toString()), "--input: file not found");
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "arrival_ms,type,duration_ms,priority,affinity\n0,code,10,0,\n5,code,ten,0,\n");
        userError(Cli.run("simulate", bad.toString()), bad + ":3: duration_ms must be a whole number, got 'ten'");
        userError(Cli.run("simulate"), "give a trace file to replay");
    }

    @Test
    void numbersPastTheirRangeSayTheRange() throws IOException {
        Path huge = dir.resolve("huge.csv");
        Files.writeString(huge, "arrival_ms,type,duration_ms,priority,affinity\n99999999999999999999,code,10,0,\n");
        userError(Cli.run("simulate", huge.toString()),
                huge + ":2: arrival_ms 99999999999999999999 is out of range; it must be between 0 and 31622400000 (366d)");
        Path late = dir.resolve("late.csv");
        Files.writeString(late, "arrival_ms,type,duration_ms,priority,affinity\n31622400001,code,10,0,\n");
        userError(Cli.run("simulate", late.toString()),
                late + ":2: arrival_ms must be between 0 and 31622400000 (366d), got 31622400001");
        userError(Cli.run("simulate", "x.csv", "--spawn-delay", "2d"),
                "--spawn-delay must be between 0 and 1d (got 2d)");
        userError(Cli.run("spawn-bench", "--spawn-delay", "2d"), "--spawn-delay must be between 0 and 1d (got 2d)");
    }

    /** Generation takes time by tasks, not by period: the longest period is refused at once, a year is quick. */
    @Test
    @org.junit.jupiter.api.Timeout(value = 30, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void aCyclicPeriodIsBoundedAndGenerationDoesNotScaleWithIt() {
        Path out = dir.resolve("g.csv");
        userError(Cli.run("simulate", "--generate", "cyclic", "--out", out.toString(), "--tasks", "10", "--period", "106751d"),
                "--period must be between 1s and 366d (got 106751d)");
        Cli.Result r = Cli.run("simulate", "--generate", "cyclic", "--out", out.toString(), "--tasks", "10", "--period", "366d");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(Trace.read(out)).hasSize(10);
        Path tooMany = dir.resolve("too-many.csv");
        userError(Cli.run("simulate", "--generate", "cyclic-burst", "--out", tooMany.toString(), "--tasks", "50000000",
                "--period", "366d"), "50000000 tasks would arrive over more than 366d");
        assertThat(tooMany).doesNotExist();
    }

    @Test
    void anEmptyNameInAListIsAUsageMistake() {
        userError(Cli.run("simulate", "x.csv", "--spawn-strategy", ","),
                "--spawn-strategy has an empty name in ','; give one or more names separated by commas");
        userError(Cli.run("spawn", "--spawn-strategy", "on-demand,,warm-pool"), "--spawn-strategy has an empty name in");
        userError(Cli.run("spawn-bench", "--spawn-strategy", ","), "--spawn-strategy has an empty name in ','");
        userError(Cli.run("spawn-bench", "--workload", ","), "--workload has an empty name in ','");
        userError(Cli.run("pool-bench", "--workload", "steady,,bursty"), "--workload has an empty name in 'steady,,bursty'");
    }

    @Test
    void flagsThatDoNothingInThisModeAreRefused() {
        Path out = dir.resolve("g.csv");
        userError(Cli.run("simulate", "x.csv", "--out", out.toString(), "--tasks", "5"),
                "--out, --tasks are for writing a trace with --generate KIND; to replay x.csv, leave them out");
        userError(Cli.run("simulate", "x.csv", "--period", "5m"), "--period is for writing a trace with --generate KIND");
        userError(Cli.run("simulate", "--generate", "bursty", "--out", out.toString(), "x.csv"),
                "--generate writes a trace to --out and replays nothing, but a TRACE to replay was given too (x.csv)");
        userError(Cli.run("simulate", "--generate", "bursty", "--out", out.toString(), "--period", "5m"),
                "--period is the cycle of --generate cyclic, cyclic-square or cyclic-burst; the kind bursty has none");
        userError(Cli.run("simulate", "--generate", "bursty", "--out", out.toString(), "--max-agents", "4", "--json"),
                "--max-agents, --json do nothing with --generate");
        assertThat(out).doesNotExist();
    }

    @Test
    void aFileThatCannotBeWrittenSaysWhy() throws IOException {
        Path trace = dir.resolve("t.csv");
        Files.writeString(trace, "arrival_ms,type,duration_ms,priority,affinity\n0,code,10,0,\n");
        userError(Cli.run("simulate", trace.toString(), "--events-out", trace.resolve("x").toString()),
                "--events-out: cannot write " + trace.resolve("x") + " (" + trace + ": a file of that name is in the way)");
        userError(Cli.run("simulate", "--generate", "bursty", "--out", trace.resolve("x").toString()),
                "--out: cannot write " + trace.resolve("x") + " (" + trace + ": a file of that name is in the way)");
    }
}
