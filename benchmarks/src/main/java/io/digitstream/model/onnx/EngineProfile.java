package io.digitstream.model.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.digitstream.benchmarks.InferenceBenchmark;
import io.digitstream.benchmarks.Machine;
import io.digitstream.cli.CommandLines;
import io.digitstream.mnist.data.MnistFixture;
import io.digitstream.model.engine.InferenceEngine;
import io.digitstream.model.engine.MnistTranslator;
import io.digitstream.schemas.Mnist;
import io.digitstream.schemas.snapshot.ModelSnapshot;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Where the engines' time goes (E1): ONNX Runtime's own per-node profile of the float32 graph and of
 * the int8 graph derived from it, each in a session set up as the engine's, then both engines as
 * the classifier loads them, alternating in one JVM: two threads sharing each operator, one thread,
 * and two threads each running half the batch. Not a test. In this package for
 * the int8 derivation and the session options, which are the engine's own.
 */
@Command(
        name = "engine-profile",
        mixinStandardHelpOptions = true,
        showDefaultValues = true,
        description = "ONNX Runtime's per-node profile of both graphs, then both engines alternating.")
public final class EngineProfile implements Callable<Integer> {
    public static void main(String[] args) {
        System.exit(CommandLines.of(new EngineProfile()).execute(args));
    }

    @Option(names = "--batch", defaultValue = "128", description = "Images per run.")
    int batch;

    @Option(names = "--profiled-runs", defaultValue = "400", description = "Runs per graph under the profiler.")
    int profiledRuns;

    @Option(names = "--rounds", defaultValue = "3", description = "Alternating rounds of the engines.")
    int rounds;

    @Option(names = "--seconds", defaultValue = "3", description = "Seconds per engine per round.")
    int seconds;

    @Override
    public Integer call() throws Exception {
        if (batch < 2 || batch % 2 != 0 || profiledRuns < 1 || rounds < 1 || seconds < 1) {
            throw new IllegalArgumentException("--batch must be even and 2 or more, the others 1 or more");
        }
        System.out.println("Machine: " + Machine.describe());
        // the int8 engine serves only a network that reads the canary as float32 does: briefly trained
        ModelSnapshot snapshot = InferenceBenchmark.brieflyTrained();
        byte[] float32 = snapshot.payload();
        var derived = (Int8Graph.Derived) Int8Graph.derive(
                OnnxGraph.admit(float32).orElseThrow(),
                float32,
                OnnxInt8Models.calibrationImages(),
                OnnxInt8Models.CALIBRATION_IMAGES);
        byte[] pixels = Arrays.copyOf(MnistFixture.test().rawPixels(), batch * Mnist.PIXELS);

        System.out.printf(
                Locale.ROOT, "%nONNX Runtime's profile, batch %d, 2 intra-op threads, µs per call:%n%n", batch);
        Map<String, Double> f32 = profile(float32, pixels);
        Map<String, Double> int8 = profile(derived.model(), pixels);
        printProfile("float32", f32);
        printProfile("int8", int8);

        var byOperator = new OnnxSettings(2, OnnxSettings.Parallelism.OPERATOR, false);
        var byBatch = new OnnxSettings(2, OnnxSettings.Parallelism.BATCH, false);
        var single = OnnxSettings.singleThreaded();
        Map<String, InferenceEngine> engines = new LinkedHashMap<>();
        for (var settings : List.of(byOperator, single, byBatch)) {
            engines.put(
                    "float32, " + settings.describe(),
                    new OnnxModels(settings).load(snapshot.header(), float32).orElseThrow());
        }
        for (var settings : List.of(byOperator, single, byBatch)) {
            engines.put(
                    "int8, " + settings.describe(),
                    new OnnxInt8Models(settings)
                            .load(snapshot.header(), float32)
                            .orElseThrow());
        }
        System.out.printf(
                Locale.ROOT,
                "%nThe engines alternating, %d s each per round, images/s (\"by batch\": %d images per thread, each"
                        + " through the whole graph):%n%n| round | %s |%n|---|%s%n",
                seconds,
                batch / 2,
                String.join(" | ", engines.keySet()),
                "---|".repeat(engines.size()));
        try {
            for (int round = 1; round <= rounds; round++) {
                StringBuilder row = new StringBuilder("| " + round + " |");
                for (InferenceEngine engine : engines.values()) {
                    row.append(String.format(Locale.ROOT, " %,.0f |", rate(() -> engine.predict(pixels, batch))));
                }
                System.out.println(row);
            }
        } finally {
            engines.values().forEach(InferenceEngine::close);
        }
        return 0;
    }

    /** Images per second of {@code run} (one batch) over {@link #seconds}. */
    private double rate(Runnable run) {
        long started = System.nanoTime();
        long end = started + seconds * 1_000_000_000L;
        long images = 0;
        while (System.nanoTime() < end) {
            run.run();
            images += batch;
        }
        return images / ((System.nanoTime() - started) / 1e9);
    }

    /** Mean µs per call of each node's kernel, by node name and operator, over the profiled runs. */
    private Map<String, Double> profile(byte[] model, byte[] pixels) throws Exception {
        Path dir = Files.createTempDirectory("engine-profile");
        Map<String, Double> micros = new LinkedHashMap<>();
        float[] input = MnistTranslator.input(pixels, batch);
        try (var options = OnnxEngine.sessionOptions(new OnnxSettings(2, OnnxSettings.Parallelism.OPERATOR, false))) {
            options.enableProfiling(dir.resolve("profile").toString());
            try (OrtSession session = OnnxEngine.environment().createSession(model, options);
                    OnnxTensor tensor =
                            OnnxTensor.createTensor(OnnxEngine.environment(), FloatBuffer.wrap(input), new long[] {
                                batch, 1, Mnist.SIDE, Mnist.SIDE
                            })) {
                String name = session.getInputNames().iterator().next();
                for (int i = 0; i < profiledRuns; i++) {
                    session.run(Map.of(name, tensor)).close();
                }
                JsonNode events = new ObjectMapper()
                        .readTree(Path.of(session.endProfiling()).toFile());
                for (JsonNode event : events) {
                    String node = event.path("name").asText();
                    if (event.path("cat").asText().equals("Node") && node.endsWith("_kernel_time")) {
                        String key = node.substring(0, node.length() - "_kernel_time".length()) + " ("
                                + event.path("args").path("op_name").asText() + ")";
                        micros.merge(key, event.path("dur").asDouble() / profiledRuns, Double::sum);
                    }
                }
            }
        }
        return micros;
    }

    private static void printProfile(String graph, Map<String, Double> micros) {
        System.out.printf(Locale.ROOT, "| %s graph: node (operator) | µs |%n|---|---|%n", graph);
        micros.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> System.out.printf(Locale.ROOT, "| %s | %,.0f |%n", e.getKey(), e.getValue()));
        System.out.printf(
                Locale.ROOT,
                "| all | %,.0f |%n%n",
                micros.values().stream().mapToDouble(Double::doubleValue).sum());
    }
}
