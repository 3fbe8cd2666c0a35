package io.trinity.pool.bench.dispatch;

import io.trinity.pool.bench.report.Stats;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Runs JMH benchmarks with the report's settings and keeps every iteration's score. */
public final class JmhRun {

    /** One benchmark configuration: its method, parameters, and per-iteration scores (ops/s). */
    public record Score(String method, java.util.Map<String, String> params, double[] iterations, double mean,
                        double error) {

        public double median() {
            return Stats.median(iterations);
        }

        /** JMH's 99.9% confidence half-width relative to the mean. */
        public double relativeError() {
            return mean == 0 || Double.isNaN(error) ? Double.NaN : error / mean;
        }

        public String param(String name) {
            return params.get(name);
        }
    }

    /** Iteration settings: forks, warm-up and measured iterations with their lengths. */
    public record Settings(int forks, int warmups, TimeValue warmupTime, int iterations, TimeValue iterationTime) {
        public static final Settings REPORT = new Settings(1, 2, TimeValue.seconds(1), 8, TimeValue.milliseconds(500));
        public static final Settings QUICK = new Settings(1, 1, TimeValue.milliseconds(300), 3,
                TimeValue.milliseconds(200));
    }

    private JmhRun() {
    }

    public static List<Score> run(Class<?> benchmark, Settings s) {
        return run(benchmark, s, java.util.Map.of());
    }

    /** The same, with some of the benchmark's {@code @Param}s fixed to one value each. */
    public static List<Score> run(Class<?> benchmark, Settings s, java.util.Map<String, String> fixed) {
        ChainedOptionsBuilder b = new OptionsBuilder()
                .include("\\." + benchmark.getSimpleName() + "\\.")
                .forks(s.forks())
                .warmupIterations(s.warmups()).warmupTime(s.warmupTime())
                .measurementIterations(s.iterations()).measurementTime(s.iterationTime())
                .jvmArgsAppend("-Xmx2g")
                .shouldFailOnError(true);
        fixed.forEach((k, v) -> b.param(k, v));
        Collection<RunResult> results;
        try {
            results = new Runner(b.build()).run();
        } catch (RunnerException e) {
            throw new IllegalStateException("JMH run of " + benchmark.getSimpleName() + " failed: " + e.getMessage(), e);
        }
        List<Score> out = new ArrayList<>();
        for (RunResult r : results) {
            List<Double> its = new ArrayList<>();
            for (BenchmarkResult br : r.getBenchmarkResults()) {
                for (IterationResult ir : br.getIterationResults()) {
                    its.add(ir.getPrimaryResult().getScore());
                }
            }
            java.util.Map<String, String> params = new java.util.LinkedHashMap<>();
            for (String k : r.getParams().getParamsKeys()) {
                params.put(k, r.getParams().getParam(k));
            }
            String bench = r.getParams().getBenchmark();
            out.add(new Score(bench.substring(bench.lastIndexOf('.') + 1), params,
                    its.stream().mapToDouble(Double::doubleValue).toArray(),
                    r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError()));
        }
        return out;
    }
}
