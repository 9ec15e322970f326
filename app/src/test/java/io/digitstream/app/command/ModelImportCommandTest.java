package io.digitstream.app.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.digitstream.classifier.Classifier;
import io.digitstream.classifier.TestModels;
import io.digitstream.cli.CommandLines;
import io.digitstream.cluster.KafkaConnection;
import io.digitstream.kafka.embedded.EmbeddedKafka;
import io.digitstream.mnist.data.MnistFixture;
import io.digitstream.model.onnx.OnnxGraph;
import io.digitstream.schemas.message.ImageEvent;
import io.digitstream.schemas.message.MessageSerdes;
import io.digitstream.schemas.message.Prediction;
import io.digitstream.schemas.snapshot.ModelOutput;
import io.digitstream.schemas.snapshot.SnapshotCodec;
import io.digitstream.schemas.topic.TopicNames;
import io.digitstream.testing.BrokerTest;
import io.digitstream.testing.KafkaTestSupport;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code model import}: a graph produced outside the project's code path, served by a classifier.
 *
 * <p>The graph, {@code external-models/torch-mlp-logits.onnx}, is a two-layer perceptron trained
 * with PyTorch on the repository's MNIST fixture and exported by {@code torch.onnx.export}, with
 * logits out: written by {@code scripts/external-model/torch_mlp.py} (PyTorch 1.13.1, Debian's
 * python3-torch), not by the project's ONNX export. It scores 90.3 % on the fixture's 1,000 test
 * images there.
 */
@Timeout(60)
class ModelImportCommandTest {
    @TempDir
    Path dir;

    private final StringWriter usage = new StringWriter();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private PrintStream originalErr;
    private PrintStream originalOut;
    private Path keyFile;
    private Path graph;

    @BeforeEach
    void files() throws Exception {
        originalErr = System.err;
        originalOut = System.out;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        keyFile = Files.writeString(dir.resolve("trainer.key"), TestModels.KEY.toPem());
        graph = dir.resolve("torch-mlp-logits.onnx");
        try (InputStream in = getClass().getResourceAsStream("/external-models/torch-mlp-logits.onnx")) {
            Files.copy(in, graph);
        }
    }

    @AfterEach
    void restore() {
        System.setErr(originalErr);
        System.setOut(originalOut);
    }

    private int run(String... args) {
        var commandLine = CommandLines.of(new ModelCommand());
        commandLine.setErr(new PrintWriter(usage, true));
        return commandLine.execute(args);
    }

    private static String unreachable() throws Exception {
        try (var socket = new ServerSocket(0)) {
            return "127.0.0.1:" + socket.getLocalPort();
        }
    }

    private String said() {
        return err.toString(StandardCharsets.UTF_8) + usage;
    }

    @Test
    void theExternalGraphPassesAdmissionAsExportedByPyTorch() throws Exception {
        OnnxGraph admitted = OnnxGraph.admit(Files.readAllBytes(graph)).orElseThrow();
        assertThat(admitted.operators()).containsExactly("Flatten", "Gemm", "Relu", "Gemm");
        assertThat(admitted.inputName()).isEqualTo("input");
    }

    @Test
    void mistakesAreOneLineBeforeAnythingConnects() throws Exception {
        assertThat(run("import", dir.resolve("missing.onnx").toString(), "--signing-key", keyFile.toString()))
                .isEqualTo(2);
        assertThat(said().lines().findFirst().orElseThrow()).endsWith("missing.onnx: no such file");

        assertThat(run("import", graph.toString(), "--outputs", "scores", "--signing-key", keyFile.toString()))
                .isEqualTo(2);
        assertThat(said()).contains("--outputs: 'scores' is neither probabilities nor logits");

        Path notOnnx = Files.writeString(dir.resolve("notes.onnx"), "not a graph");
        assertThat(run(
                        "import",
                        notOnnx.toString(),
                        "--signing-key",
                        keyFile.toString(),
                        "--publish",
                        "--bootstrap-servers",
                        unreachable(),
                        "--timeout-s",
                        "1"))
                .isEqualTo(1);
        assertThat(said())
                .contains("notes.onnx is not imported: MODEL_UNLOADABLE")
                .doesNotContain("\tat ");
    }

    @Test
    void logitsReadAsProbabilitiesAreRefusedByTheCanary() throws Exception {
        assertThat(run("import", graph.toString(), "--signing-key", keyFile.toString()))
                .isEqualTo(1);
        assertThat(said()).contains("is not imported: MODEL_OUTPUT_INVALID");
    }

    @Test
    @BrokerTest
    void anImportedGraphIsPublishedAndServedByAClassifier() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.onFreePort().start()) {
            TopicNames topics = TopicNames.DEFAULTS;
            KafkaTestSupport.createTopics(kafka, topics);
            assertThat(run(
                            "import",
                            graph.toString(),
                            "--outputs",
                            "logits",
                            "--signing-key",
                            keyFile.toString(),
                            "--publish",
                            "--output-dir",
                            dir.resolve("models").toString(),
                            "--bootstrap-servers",
                            kafka.bootstrapServers()))
                    .as(said())
                    .isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("as mnist-cnn v1");
            Path written = dir.resolve("models/torch-mlp-logits.dgsn");
            var onDisk = SnapshotCodec.decode(Files.readAllBytes(written), TestModels.TRUST)
                    .orElseThrow();
            assertThat(onDisk.header().outputKind()).isEqualTo(ModelOutput.LOGITS);

            var settings = TestModels.settings(KafkaConnection.to(kafka.bootstrapServers()))
                    .optApplicationId("imported")
                    .optStateDir(dir.resolve("state"))
                    .build();
            try (var classifier = Classifier.start(settings, new SimpleMeterRegistry());
                    var images = new KafkaProducer<>(
                            Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                            new StringSerializer(),
                            MessageSerdes.imageEvent().serializer());
                    var reader = KafkaTestSupport.predictionReader(kafka, topics)) {
                int count = 200;
                for (int i = 0; i < count; i++) {
                    ImageEvent event = TestModels.event(i);
                    images.send(new ProducerRecord<>(topics.digitsIn(), event.id(), event));
                }
                images.flush();
                Map<String, Prediction> seen = new HashMap<>();
                await().atMost(Duration.ofMinutes(2)).until(() -> {
                    reader.poll(Duration.ofMillis(200)).forEach(r -> seen.put(r.key(), r.value()));
                    return seen.size() == count;
                });
                assertThat(classifier.models().servingVersion()).contains(1L);
                List<Prediction> predictions = new ArrayList<>(seen.values());
                assertThat(predictions).allMatch(p -> p.modelVersion() == 1L);
                // probabilities, not logits: the classifier applied the softmax the header asks for
                assertThat(predictions)
                        .allSatisfy(p -> assertThat(java.util.Arrays.stream(p.probabilities())
                                        .sum())
                                .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-3)));
                long right = predictions.stream()
                        .filter(p -> p.digit() == MnistFixture.test().label(Integer.parseInt(p.id().substring(4))))
                        .count();
                assertThat(right).as("correct of %d", count).isGreaterThan(count * 8L / 10);
            }
        }
    }
}
