package io.digitstream.app.command;

import io.digitstream.classifier.Classifier;
import io.digitstream.classifier.ClassifierSettings;
import io.digitstream.classifier.metrics.MetricsServer;
import io.digitstream.classifier.stream.BatchSettings;
import io.digitstream.classifier.stream.NoModelPolicy;
import io.digitstream.cli.DataOptions;
import io.digitstream.cli.KafkaOptions;
import io.digitstream.cli.ModelNameOptions;
import io.digitstream.cli.TrustOptions;
import io.digitstream.model.admission.PromotionGate;
import io.digitstream.model.engine.EngineChoice;
import io.digitstream.model.engine.EngineKind;
import io.digitstream.model.engine.Int8Instructions;
import io.digitstream.model.onnx.OnnxSettings;
import io.digitstream.schemas.topic.TopicSpecs;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code digitstream classifier}: serves predictions for digits-in until stopped. */
@Command(
        name = "classifier",
        mixinStandardHelpOptions = true,
        showDefaultValues = true,
        description = "Classifies image events from digits-in into predictions-out with the latest model snapshot.")
public final class ClassifierCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ClassifierCommand.class);

    /** The port of /metrics and /health; docker compose's healthcheck asks it. */
    public static final int DEFAULT_METRICS_PORT = 9400;

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    TrustOptions trust;

    @Mixin
    DataOptions data;

    @Mixin
    HoldoutOptions holdout;

    @Option(
            names = "--max-accuracy-drop",
            defaultValue = "${env:DIGITSTREAM_MAX_ACCURACY_DROP:-" + PromotionGate.DEFAULT_TOLERANCE + "}",
            description = "How much lower (a fraction: 0.005 = half a point) a new model's holdout accuracy may be than"
                    + " the served one's and still replace it (env DIGITSTREAM_MAX_ACCURACY_DROP).")
    double maxAccuracyDrop;

    @Mixin
    AccuracyFloorOption floor;

    @Option(
            names = "--instance-id",
            defaultValue = "${env:DIGITSTREAM_INSTANCE_ID}",
            description = "Names this instance in its model decisions (env DIGITSTREAM_INSTANCE_ID; default: host name"
                    + " and process id).")
    String instanceId;

    @Option(
            names = "--application-id",
            defaultValue = "${env:DIGITSTREAM_APPLICATION_ID:-" + ClassifierSettings.DEFAULT_APPLICATION_ID + "}",
            description =
                    "Kafka Streams application id; instances with the same id share the work (env DIGITSTREAM_APPLICATION_ID).")
    String applicationId;

    @Mixin
    ModelNameOptions model;

    @Option(
            names = "--max-batch",
            defaultValue = "${env:DIGITSTREAM_MAX_BATCH:-" + BatchSettings.DEFAULT_MAX_BATCH + "}",
            description = "Run inference once this many images wait (env DIGITSTREAM_MAX_BATCH).")
    int maxBatch;

    @Option(
            names = "--max-delay-ms",
            defaultValue = "${env:DIGITSTREAM_MAX_DELAY_MS:-" + BatchSettings.DEFAULT_MAX_DELAY_MS + "}",
            description = "...or, without adaptive batching, once the oldest has waited this long"
                    + " (env DIGITSTREAM_MAX_DELAY_MS).")
    long maxDelayMs;

    @Option(
            names = "--adaptive-batching",
            negatable = true,
            defaultValue = "${env:DIGITSTREAM_ADAPTIVE_BATCHING:-" + BatchSettings.DEFAULT_ADAPTIVE + "}",
            fallbackValue = "true",
            description = "Run a partial batch as soon as the stream thread has handled what it polled (about a"
                    + " millisecond) instead of waiting --max-delay-ms for it to fill; --no-adaptive-batching waits"
                    + " (env DIGITSTREAM_ADAPTIVE_BATCHING).")
    boolean adaptiveBatching;

    @Option(
            names = "--no-model",
            defaultValue = "${env:DIGITSTREAM_NO_MODEL:-WAIT}",
            description =
                    "Before the first model: WAIT (bounded by --no-model-timeout-ms) or DEAD_LETTER (env DIGITSTREAM_NO_MODEL).")
    NoModelPolicy noModelPolicy;

    @Option(
            names = "--no-model-timeout-ms",
            defaultValue = "${env:DIGITSTREAM_NO_MODEL_TIMEOUT_MS:-" + BatchSettings.DEFAULT_NO_MODEL_TIMEOUT_MS + "}",
            description = "How long an image may wait for a first model (env DIGITSTREAM_NO_MODEL_TIMEOUT_MS).")
    long noModelTimeoutMs;

    @Option(
            names = "--max-pending",
            defaultValue = "${env:DIGITSTREAM_MAX_PENDING:-" + BatchSettings.DEFAULT_MAX_PENDING + "}",
            description = "How many images a task holds while waiting for a first model (env DIGITSTREAM_MAX_PENDING).")
    int maxPending;

    @Option(
            names = "--processing-guarantee",
            defaultValue =
                    "${env:DIGITSTREAM_PROCESSING_GUARANTEE:-" + ClassifierSettings.DEFAULT_PROCESSING_GUARANTEE + "}",
            description = "at_least_once or exactly_once_v2 (env DIGITSTREAM_PROCESSING_GUARANTEE).")
    String processingGuarantee;

    @Option(
            names = "--stream-threads",
            defaultValue = "${env:DIGITSTREAM_STREAM_THREADS:-" + ClassifierSettings.DEFAULT_STREAM_THREADS + "}",
            description = "Stream threads in this instance (env DIGITSTREAM_STREAM_THREADS).")
    int streamThreads;

    @Option(
            names = "--state-dir",
            defaultValue = "${env:DIGITSTREAM_STATE_DIR}",
            description =
                    "Kafka Streams state directory (env DIGITSTREAM_STATE_DIR; default: digitstream-streams in the temporary directory).")
    Path stateDir;

    @Option(
            names = "--engine",
            defaultValue = "${env:DIGITSTREAM_ENGINE:-" + EngineKind.AUTO + "}",
            description =
                    "Inference engine: onnx (ONNX Runtime on each snapshot's float32 graph), onnx-int8 (an int8"
                            + " graph derived from it at load, float32 where it reads the canary batch otherwise), or auto:"
                            + " onnx-int8 where the CPU has AVX2 or later (VNNI, AMX), onnx elsewhere (env DIGITSTREAM_ENGINE).")
    String engine;

    @Option(
            names = "--inference-threads",
            defaultValue = "${env:DIGITSTREAM_INFERENCE_THREADS:-0}",
            description = "Threads that share each batch of the onnx engines; 0 = one per core (env"
                    + " DIGITSTREAM_INFERENCE_THREADS).")
    int inferenceThreads;

    @Option(
            names = "--inference-parallelism",
            defaultValue = "${env:DIGITSTREAM_INFERENCE_PARALLELISM:-" + OnnxSettings.DEFAULT_PARALLELISM_NAME + "}",
            description = "How those threads share a batch: batch (cut into one part per thread, each part through"
                    + " the whole graph) or operator (ONNX Runtime shares out each operator) (env"
                    + " DIGITSTREAM_INFERENCE_PARALLELISM).")
    String inferenceParallelism;

    @Option(
            names = "--inference-spinning",
            defaultValue = "${env:DIGITSTREAM_INFERENCE_SPINNING:-false}",
            description = "With --inference-parallelism operator: let idle onnx threads spin between operators (faster"
                    + " inference alone, a slower pipeline on a small machine, docs/BENCHMARKS.md); by batch each part"
                    + " runs on one thread, so nothing spins (env DIGITSTREAM_INFERENCE_SPINNING).")
    boolean inferenceSpinning;

    @Option(
            names = "--warm-up",
            negatable = true,
            defaultValue = "${env:DIGITSTREAM_WARM_UP:-" + ClassifierSettings.DEFAULT_WARM_UP + "}",
            fallbackValue = "true",
            description = "Before taking traffic, run the decode/encode path, and each new model at every batch size up"
                    + " to --max-batch, on synthetic images; /health answers 200 only once a model serves."
                    + " --no-warm-up starts sooner and answers its first images slowly (env DIGITSTREAM_WARM_UP).")
    boolean warmUp;

    @Option(
            names = "--warm-up-images",
            defaultValue = "${env:DIGITSTREAM_WARM_UP_IMAGES:-" + ClassifierSettings.DEFAULT_WARM_UP_IMAGES + "}",
            description = "With --warm-up, send this many synthetic images through the classifier's own topology on"
                    + " topics of its own on the cluster before taking partitions, so Kafka's code is compiled"
                    + " when the first real images come; 0 leaves it out (env DIGITSTREAM_WARM_UP_IMAGES).")
    int warmUpImages;

    @Option(
            names = "--uncertain-below",
            defaultValue = "${env:DIGITSTREAM_UNCERTAIN_BELOW:-" + ClassifierSettings.DEFAULT_UNCERTAIN_BELOW + "}",
            description = "Flag a prediction as uncertain in predictions-out when its confidence is below this, from 0"
                    + " (never) to 1 (env DIGITSTREAM_UNCERTAIN_BELOW).")
    double uncertainBelow;

    @Option(
            names = "--partitions",
            defaultValue = "${env:DIGITSTREAM_PARTITIONS:-" + TopicSpecs.DEFAULT_PARTITIONS + "}",
            description = "Partitions for topics this instance creates (env DIGITSTREAM_PARTITIONS).")
    int partitions;

    @Option(
            names = "--metrics-port",
            defaultValue = "${env:DIGITSTREAM_METRICS_PORT:-" + DEFAULT_METRICS_PORT + "}",
            description =
                    "Port of the Prometheus /metrics and /health endpoint; 0 = any free port, -1 = none (env DIGITSTREAM_METRICS_PORT).")
    int metricsPort;

    @Option(
            names = "--startup-timeout-s",
            defaultValue =
                    "${env:DIGITSTREAM_STARTUP_TIMEOUT_S:-" + ClassifierSettings.DEFAULT_STARTUP_TIMEOUT_SECONDS + "}",
            description = "How long to wait for the Kafka cluster at start-up (env DIGITSTREAM_STARTUP_TIMEOUT_S).")
    long startupTimeoutS;

    /** The settings these flags describe; a value no classifier can run with is a command-line error. */
    ClassifierSettings settings() {
        try {
            EngineKind kind = EngineKind.parse(engine);
            if (inferenceThreads < 0) {
                throw new IllegalArgumentException("--inference-threads must be 0 or more");
            }
            ClassifierSettings.checkUncertainBelow(uncertainBelow);
            var onnx = new OnnxSettings(
                    inferenceThreads == 0 ? Runtime.getRuntime().availableProcessors() : inferenceThreads,
                    OnnxSettings.Parallelism.parse(inferenceParallelism),
                    inferenceSpinning);
            var batch = BatchSettings.DEFAULTS
                    .withMaxBatch(maxBatch)
                    .withMaxDelay(Duration.ofMillis(maxDelayMs))
                    .withAdaptive(adaptiveBatching)
                    .withNoModel(noModelPolicy, Duration.ofMillis(noModelTimeoutMs), maxPending);
            var builder = ClassifierSettings.builder(kafka.connection(), trust.trust())
                    .optApplicationId(applicationId)
                    .optTopics(kafka.topics())
                    .optModelName(model.modelName())
                    .optBatch(batch)
                    .optProcessingGuarantee(processingGuarantee)
                    .optStreamThreads(streamThreads)
                    .optEngine(new EngineChoice(kind, onnx))
                    .optPartitions(partitions)
                    .optWarmUp(warmUp)
                    .optWarmUpImages(warmUpImages)
                    .optUncertainBelow(uncertainBelow)
                    .optStartupTimeout(Duration.ofSeconds(startupTimeoutS))
                    .optHoldout(holdout.holdout(data.dataDir()))
                    .optGate(new PromotionGate(maxAccuracyDrop, floor.minAccuracy));
            if (instanceId != null && !instanceId.isBlank()) {
                builder.optInstanceId(instanceId);
            }
            if (stateDir != null) {
                builder.optStateDir(stateDir);
            }
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    @Override
    public Integer call() throws Exception {
        ClassifierSettings settings = settings();
        var meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        log.info(
                "Starting classifier {} for model '{}' on {} (engine {}, the CPU's int8 products: {}; max-batch {},"
                        + " max-delay {} ms, {})",
                settings.applicationId(),
                settings.modelName(),
                settings.cluster().bootstrapServers(),
                settings.engine(),
                Int8Instructions.ofThisCpu().description(),
                settings.batch().maxBatch(),
                settings.batch().maxDelay().toMillis(),
                settings.processingGuarantee());
        try (var stop = StopSignal.install("classifier");
                Classifier classifier = Classifier.start(settings, meters);
                MetricsServer server =
                        metricsPort < 0 ? null : new MetricsServer(metricsPort, meters, classifier::readiness)) {
            if (server != null) {
                log.info("Metrics on http://localhost:{}/metrics, health on /health", server.port());
            }
            stop.await();
            classifier.close(StopSignal.CLOSE_TIMEOUT);
        }
        return 0;
    }
}
