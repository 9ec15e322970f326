package io.digitstream.benchmarks;

import io.digitstream.cli.CommandLines;
import io.digitstream.model.network.ReferenceCnn;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs {@link InferenceBenchmark} under JMH and prints images/s per engine and batch size as a
 * Markdown table, each engine's GFLOP/s beside a float32 matrix product measured in the same run.
 */
@Command(
        name = "inference-bench",
        mixinStandardHelpOptions = true,
        showDefaultValues = true,
        description = "JMH: images/s of each inference engine at several batch sizes.")
public final class InferenceBench implements Callable<Integer> {

    @Option(names = "--engines", split = ",", defaultValue = "dl4j,onnx,onnx-spinning")
    String[] engines;

    @Option(names = "--batches", split = ",", defaultValue = "1,32,128,512")
    String[] batches;

    @Option(names = "--forks", defaultValue = "2", description = "Fresh JVMs per engine and batch size.")
    int forks;

    @Option(names = "--warmup", defaultValue = "3", description = "Warm-up iterations of --seconds each.")
    int warmup;

    @Option(names = "--iterations", defaultValue = "5", description = "Measured iterations of --seconds each.")
    int iterations;

    @Option(names = "--seconds", defaultValue = "2")
    int seconds;

    @Option(
            names = "--peak",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description =
                    "Also measure a 1024x1024 float32 matrix product (PeakFlopsBenchmark) and give each engine's share of it.")
    boolean peak;

    public static void main(String[] args) {
        // no JavaDeserialization.forbid() here, unlike every other digitstream process: JMH's host
        // and its forked JVMs talk by Java serialization, and with the filter every fork failed at
        // its handshake (EOFException) and the run printed an empty table
        System.exit(CommandLines.of(new InferenceBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        var builder = new OptionsBuilder().include(InferenceBenchmark.class.getName());
        if (peak) {
            builder.include(PeakFlopsBenchmark.class.getName());
        }
        var options = builder.param("engine", engines)
                .param("batch", batches)
                .forks(forks)
                .warmupIterations(warmup)
                .warmupTime(TimeValue.seconds(seconds))
                .measurementIterations(iterations)
                .measurementTime(TimeValue.seconds(seconds))
                .jvmArgsAppend("-Xmx2g")
                .build();
        Collection<RunResult> results = new Runner(options).run();

        // batch -> engine -> [images/s, error]
        Map<Integer, Map<String, double[]>> table = new TreeMap<>();
        double peakFlops = Double.NaN;
        for (RunResult run : results) {
            if (run.getParams().getBenchmark().startsWith(PeakFlopsBenchmark.class.getName())) {
                int size = Integer.parseInt(run.getParams().getParam("size"));
                peakFlops = run.getPrimaryResult().getScore() * PeakFlopsBenchmark.flopsPerCall(size);
                continue;
            }
            int batch = Integer.parseInt(run.getParams().getParam("batch"));
            String engine = run.getParams().getParam("engine");
            var score = run.getPrimaryResult();
            table.computeIfAbsent(batch, b -> new LinkedHashMap<>())
                    .put(engine, new double[] {score.getScore() * batch, score.getScoreError() * batch});
        }
        System.out.println();
        System.out.println("Machine: " + Machine.describe());
        System.out.println("int8 products: " + Machine.int8Instructions());
        System.out.printf(
                Locale.ROOT,
                "JMH: %d fork(s), %d x %d s warm-up, %d x %d s measured; images/s ± 99.9%% error%n%n",
                forks,
                warmup,
                seconds,
                iterations,
                seconds);
        var header = new StringBuilder("| batch |");
        var rule = new StringBuilder("|---|");
        for (String engine : engines) {
            header.append(' ').append(engine).append(" |");
            rule.append("---|");
        }
        header.append(
                " fastest float32 onnx / dl4j | its GFLOP/s | share of sgemm | fastest onnx-int8 / fastest float32 onnx"
                        + " | fastest onnx-int8 / sgemm-equivalent |");
        rule.append("---|---|---|---|---|");
        System.out.println(header);
        System.out.println(rule);
        for (var row : table.entrySet()) {
            int batch = row.getKey();
            var line = new StringBuilder("| ").append(batch).append(" |");
            for (String engine : engines) {
                double[] score = row.getValue().get(engine);
                if (score == null) {
                    line.append(" - |");
                } else if (Double.isFinite(score[1])) {
                    line.append(String.format(Locale.ROOT, " %,.0f ± %,.0f |", score[0], score[1]));
                } else {
                    line.append(String.format(Locale.ROOT, " %,.0f |", score[0]));
                }
            }
            double fastest = fastest(row.getValue(), e -> e.startsWith("onnx") && !e.startsWith(INT8));
            double[] dl4j = row.getValue().get("dl4j");
            line.append(ratio(fastest, dl4j == null ? Double.NaN : dl4j[0]));
            double flops = fastest * 2.0 * ReferenceCnn.MULTIPLY_ADDS_PER_IMAGE;
            line.append(Double.isNaN(flops) ? " - |" : String.format(Locale.ROOT, " %.0f |", flops / 1e9));
            line.append(
                    Double.isNaN(flops) || Double.isNaN(peakFlops)
                            ? " - |"
                            : String.format(Locale.ROOT, " %.1f %% |", 100 * flops / peakFlops));
            double int8Rate = fastest(row.getValue(), e -> e.startsWith(INT8));
            line.append(ratio(int8Rate, fastest));
            // the images/s a float32 engine would reach at the same run's sgemm rate: int8 above 1.0x beats any
            line.append(ratio(int8Rate, peakFlops / (2.0 * ReferenceCnn.MULTIPLY_ADDS_PER_IMAGE)));
            System.out.println(line);
        }
        if (!Double.isNaN(peakFlops)) {
            double perImage = 2.0 * ReferenceCnn.MULTIPLY_ADDS_PER_IMAGE;
            System.out.printf(
                    Locale.ROOT,
                    "%nsgemm 1024x1024 through ND4J's OpenBLAS, same run: %.0f GFLOP/s. The reference CNN is"
                            + " %.2f MFLOP per image, so at that rate it would run %,.0f images/s (the"
                            + " sgemm-equivalent).%n",
                    peakFlops / 1e9,
                    perImage / 1e6,
                    peakFlops / perImage);
        }
        return 0;
    }

    private static final String INT8 = "onnx-int8";

    /** The best images/s among the engines {@code which} names, NaN if it names none measured. */
    private static double fastest(Map<String, double[]> scores, java.util.function.Predicate<String> which) {
        return scores.entrySet().stream()
                .filter(e -> which.test(e.getKey()))
                .mapToDouble(e -> e.getValue()[0])
                .max()
                .orElse(Double.NaN);
    }

    /** "1.5x", or "-" where either side was not measured. */
    private static String ratio(double numerator, double denominator) {
        return Double.isNaN(numerator) || Double.isNaN(denominator)
                ? " - |"
                : String.format(Locale.ROOT, " %.1fx |", numerator / denominator);
    }
}
