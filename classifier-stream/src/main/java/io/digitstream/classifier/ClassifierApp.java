package io.digitstream.classifier;

import io.digitstream.model.network.Nd4jTuning;
import io.digitstream.classifier.metrics.MetricsServer;
import io.digitstream.classifier.stream.BatchSettings;
import io.digitstream.classifier.stream.NoModelPolicy;
import io.digitstream.model.engine.EngineChoice;
import io.digitstream.model.engine.EngineKind;
import io.digitstream.model.onnx.OnnxSettings;
import io.digitstream.schemas.cli.KafkaOptions;
import io.digitstream.schemas.topic.TopicSpecs;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code classifier}: serves predictions for digits-in until SIGTERM. */
@Command(name = "classifier", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Classifies image events from digits-in into predictions-out with the latest model snapshot.")
public final class ClassifierApp implements Callable<Integer> {
    static {
        Nd4jTuning.apply(); // before ND4J loads its natives
    }

    private static final Logger log = LoggerFactory.getLogger(ClassifierApp.class);

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--application-id", defaultValue = "${env:DIGITSTREAM_APPLICATION_ID:-"
            + ClassifierSettings.DEFAULT_APPLICATION_ID + "}",
            description = "Kafka Streams application id; instances with the same id share the work (env DIGITSTREAM_APPLICATION_ID).")
    String applicationId;

    @Option(names = "--model-name", defaultValue = "${env:DIGITSTREAM_MODEL_NAME:-" + ClassifierSettings.DEFAULT_MODEL_NAME + "}",
            description = "The model (snapshot key) to serve (env DIGITSTREAM_MODEL_NAME).")
    String modelName;

    @Option(names = "--max-batch", defaultValue = "${env:DIGITSTREAM_MAX_BATCH:-64}",
            description = "Run inference once this many images wait (env DIGITSTREAM_MAX_BATCH).")
    int maxBatch;

    @Option(names = "--max-delay-ms", defaultValue = "${env:DIGITSTREAM_MAX_DELAY_MS:-10}",
            description = "...or once the oldest has waited this long (env DIGITSTREAM_MAX_DELAY_MS).")
    long maxDelayMs;

    @Option(names = "--no-model", defaultValue = "${env:DIGITSTREAM_NO_MODEL:-WAIT}",
            description = "Before the first model: WAIT (bounded by --no-model-timeout-ms) or DEAD_LETTER (env DIGITSTREAM_NO_MODEL).")
    NoModelPolicy noModelPolicy;

    @Option(names = "--no-model-timeout-ms", defaultValue = "${env:DIGITSTREAM_NO_MODEL_TIMEOUT_MS:-300000}",
            description = "How long an image may wait for a first model (env DIGITSTREAM_NO_MODEL_TIMEOUT_MS).")
    long noModelTimeoutMs;

    @Option(names = "--max-pending", defaultValue = "${env:DIGITSTREAM_MAX_PENDING:-100000}",
            description = "How many images a task holds while waiting for a first model (env DIGITSTREAM_MAX_PENDING).")
    int maxPending;

    @Option(names = "--processing-guarantee", defaultValue = "${env:DIGITSTREAM_PROCESSING_GUARANTEE:-at_least_once}",
            description = "at_least_once or exactly_once_v2 (env DIGITSTREAM_PROCESSING_GUARANTEE).")
    String processingGuarantee;

    @Option(names = "--stream-threads", defaultValue = "${env:DIGITSTREAM_STREAM_THREADS:-1}",
            description = "Stream threads in this instance (env DIGITSTREAM_STREAM_THREADS).")
    int streamThreads;

    @Option(names = "--state-dir", defaultValue = "${env:DIGITSTREAM_STATE_DIR:-${sys:java.io.tmpdir}/digitstream-streams}",
            description = "Kafka Streams state directory (env DIGITSTREAM_STATE_DIR).")
    Path stateDir;

    @Option(names = "--engine", defaultValue = "${env:DIGITSTREAM_ENGINE:-onnx}",
            description = "Inference engine: onnx (ONNX Runtime on a graph derived from each snapshot; falls back to dl4j"
                    + " if it does not match DL4J on the canary batch) or dl4j (env DIGITSTREAM_ENGINE).")
    String engine;

    @Option(names = "--inference-threads", defaultValue = "${env:DIGITSTREAM_INFERENCE_THREADS:-0}",
            description = "Intra-op threads of the onnx engine; 0 = one per core (env DIGITSTREAM_INFERENCE_THREADS).")
    int inferenceThreads;

    @Option(names = "--inference-spinning", defaultValue = "${env:DIGITSTREAM_INFERENCE_SPINNING:-false}",
            description = "Let idle onnx threads spin between operators: faster inference alone, a slower pipeline on a"
                    + " small machine (docs/BENCHMARKS.md) (env DIGITSTREAM_INFERENCE_SPINNING).")
    boolean inferenceSpinning;

    @Option(names = "--partitions", defaultValue = "${env:DIGITSTREAM_PARTITIONS:-" + TopicSpecs.DEFAULT_PARTITIONS + "}",
            description = "Partitions for topics this instance creates (env DIGITSTREAM_PARTITIONS).")
    int partitions;

    @Option(names = "--metrics-port", defaultValue = "${env:DIGITSTREAM_METRICS_PORT:-9400}",
            description = "Port of the Prometheus /metrics and /health endpoint; 0 = any free port, -1 = none (env DIGITSTREAM_METRICS_PORT).")
    int metricsPort;

    @Option(names = "--startup-timeout-s", defaultValue = "${env:DIGITSTREAM_STARTUP_TIMEOUT_S:-300}",
            description = "How long to wait for the Kafka cluster at start-up (env DIGITSTREAM_STARTUP_TIMEOUT_S).")
    long startupTimeoutS;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ClassifierApp()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }

    ClassifierSettings settings() {
        if (!processingGuarantee.equals(StreamsConfig.AT_LEAST_ONCE) && !processingGuarantee.equals(StreamsConfig.EXACTLY_ONCE_V2)) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--processing-guarantee must be at_least_once or exactly_once_v2, not " + processingGuarantee);
        }
        EngineKind kind;
        try {
            kind = EngineKind.parse(engine);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--engine: " + e.getMessage());
        }
        if (inferenceThreads < 0) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--inference-threads must be 0 or more");
        }
        var onnx = new OnnxSettings(inferenceThreads == 0 ? Runtime.getRuntime().availableProcessors() : inferenceThreads,
                inferenceSpinning);
        var batch = new BatchSettings(maxBatch, Duration.ofMillis(maxDelayMs), noModelPolicy,
                Duration.ofMillis(noModelTimeoutMs), Math.max(maxPending, maxBatch));
        return new ClassifierSettings(kafka.bootstrapServers, applicationId, kafka.topics(), modelName, batch,
                processingGuarantee, streamThreads, stateDir, new EngineChoice(kind, onnx), partitions, true, Duration.ofSeconds(startupTimeoutS),
                Map.<String, Object>copyOf(kafka.connection().clientSettings()));
    }

    @Override
    public Integer call() throws Exception {
        ClassifierSettings settings = settings();
        var meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        log.info("Starting classifier {} for model '{}' on {} (engine {}, max-batch {}, max-delay {} ms, {})",
                settings.applicationId(), settings.modelName(), settings.bootstrapServers(), settings.engine(),
                maxBatch, maxDelayMs, settings.processingGuarantee());
        var stopped = new CountDownLatch(1);
        var closed = new CountDownLatch(1);
        try (Classifier classifier = Classifier.start(settings, meters);
             MetricsServer server = metricsPort < 0 ? null
                     : new MetricsServer(metricsPort, meters, () -> classifier.state() == KafkaStreams.State.RUNNING)) {
            if (server != null) {
                log.info("Metrics on http://localhost:{}/metrics, health on /health", server.port());
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                log.info("Shutting down: committing and closing");
                stopped.countDown();
                try {
                    closed.await(60, java.util.concurrent.TimeUnit.SECONDS); // let main close cleanly before the JVM halts
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "classifier-shutdown"));
            stopped.await();
        } finally {
            closed.countDown();
        }
        return 0;
    }
}
