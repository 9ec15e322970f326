package io.digitstream.classifier.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.digitstream.classifier.ClassifierSettings;
import io.digitstream.classifier.TestModels;
import io.digitstream.classifier.metrics.ClassifierMetrics;
import io.digitstream.classifier.model.ModelRegistry;
import io.digitstream.cluster.StreamsDefaults;
import io.digitstream.model.admission.Admission;
import io.digitstream.model.admission.HighWaterMark;
import io.digitstream.model.admission.PromotionGate;
import io.digitstream.model.engine.InferenceEngine;
import io.digitstream.model.engine.ModelLoader;
import io.digitstream.model.onnx.OnnxModels;
import io.digitstream.model.onnx.OnnxSettings;
import io.digitstream.model.snapshot.ModelVerifier;
import io.digitstream.schemas.Decoded;
import io.digitstream.schemas.ErrorCode;
import io.digitstream.schemas.message.ModelDecision;
import io.digitstream.schemas.snapshot.SnapshotCodec;
import io.digitstream.schemas.snapshot.SnapshotHeader;
import io.digitstream.schemas.topic.TopicNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A model runs at every batch size up to max-batch before it serves, so no user's batch is the
 * engine's first of its size; a model that fails there never serves, and the old one stays.
 */
class WarmUpTest {
    private static final int MAX_BATCH = 8;

    private final ModelRegistry registry = new ModelRegistry();
    private final List<ModelDecision> decisions = new ArrayList<>();
    /** Each call an engine saw after loading: its batch size, and the version serving meanwhile (0: none). */
    private final List<long[]> calls = new ArrayList<>();
    /** Whether engines fail where the test says (not while the first model is published). */
    private boolean failing = true;

    private TopologyTestDriver driver;

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
        registry.close();
    }

    @Test
    void aModelRunsAtEveryBatchSizeBeforeItServes() {
        start(count -> false);

        publish(1);

        assertThat(registry.servingVersion()).contains(1L);
        List<Long> sizesBeforeServing =
                calls.stream().filter(call -> call[1] == 0).map(call -> call[0]).toList();
        assertThat(sizesBeforeServing)
                .as("batch sizes run while nothing served yet")
                .containsAll(IntStream.rangeClosed(1, MAX_BATCH)
                        .mapToObj(Long::valueOf)
                        .toList());

        calls.clear();
        publish(2);

        assertThat(registry.servingVersion()).contains(2L);
        assertThat(calls.stream().filter(call -> call[1] == 1).map(call -> call[0]))
                .as("version 2 warmed up while version 1 still served")
                .containsAll(IntStream.rangeClosed(1, MAX_BATCH)
                        .mapToObj(Long::valueOf)
                        .toList());
    }

    @Test
    void aModelThatFailsItsWarmUpIsRefusedAndTheServedOneStays() {
        // the holdout runs in batches of a hundred or so and the canary is 16 images: only the warm-up asks for 3
        start(count -> count == 3);
        publishWithoutFailures(1);

        publish(2);

        ModelDecision last = decisions.get(decisions.size() - 1);
        assertThat(last.outcome()).isEqualTo(ModelDecision.REJECTED);
        assertThat(last.code()).isEqualTo(ErrorCode.MODEL_UNLOADABLE.name());
        assertThat(last.reason()).contains("warm-up");
        assertThat(last.version()).isEqualTo(2L);
        assertThat(registry.servingVersion()).contains(1L);
    }

    @Test
    void aLargeMaxBatchWarmsEverySmallSizeThenPowersOfTwo() {
        assertThat(WarmUp.upTo(3).batchSizes()).containsExactly(1, 2, 3);
        List<Integer> large = WarmUp.upTo(10_000).batchSizes();
        assertThat(large).startsWith(1, 2, 3).contains(63, 64, 128, 256, 8192).endsWith(8192, 10_000);
        assertThat(large).hasSize(WarmUp.EVERY_SIZE_UP_TO + 7 + 1);
        assertThat(WarmUp.NONE.batchSizes()).isEmpty();
    }

    @Test
    void theDecodeAndEncodePathWarmsUpWithoutAModel() {
        assertThat(WarmUp.upTo(MAX_BATCH).path()).isPositive();
        assertThat(WarmUp.NONE.path()).isZero();
        assertThat(WarmUp.NONE.enabled()).isFalse();
        assertThatThrownBy(() -> WarmUp.upTo(0)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * The JIT compiles only the branches it saw: the path's synthetic traffic must take the ones
     * real traffic takes, or the first real images run the interpreter while their methods compile
     * again (one event and one answer of 0.02s and an 0.82 did: the uncertain flag, an unlabelled
     * image and probabilities of 1e-9 all waited for the first user).
     */
    @Test
    void thePathsSyntheticTrafficTakesTheBranchesRealTrafficTakes() {
        var traffic = WarmUp.SyntheticTraffic.generate(new java.util.Random(2));

        assertThat(traffic.events()).anyMatch(event -> event.label() == null);
        assertThat(traffic.events()).anyMatch(event -> event.label() != null);
        assertThat(traffic.events()).anyMatch(event -> event.sentAt() == null);
        assertThat(traffic.events()).anyMatch(event -> event.sentAt() != null);
        var flags = new java.util.HashSet<Boolean>();
        float smallest = 1;
        for (float[] probabilities : traffic.probabilities()) {
            var prediction = MicroBatchProcessor.prediction(
                    new PendingImage("a", new byte[io.digitstream.schemas.Mnist.PIXELS], null, null, 0, 0, 0),
                    probabilities,
                    0,
                    "m",
                    1,
                    1,
                    0,
                    ClassifierSettings.DEFAULT_UNCERTAIN_BELOW);
            flags.add(prediction.uncertain());
            for (float p : probabilities) {
                smallest = Math.min(smallest, p);
            }
        }
        assertThat(flags).as("uncertain and certain predictions").containsExactlyInAnyOrder(true, false);
        assertThat(smallest).as("a probability as small as a trained network's").isLessThan(1e-6f);
        assertThat(traffic.rounds(0, 2 * WarmUp.VARIANTS)).isPositive();
    }

    /** A topology whose engines fail at the batch sizes {@code failsAt} names. */
    private void start(IntPredicate failsAt) {
        ModelLoader onnx = new OnnxModels(OnnxSettings.singleThreaded());
        ModelLoader recording = new ModelLoader() {
            @Override
            public String name() {
                return onnx.name();
            }

            @Override
            public Decoded<InferenceEngine> load(SnapshotHeader header, byte[] payload) {
                return onnx.load(header, payload).map(engine -> recorded(engine, failsAt));
            }
        };
        var admission = new Admission(
                TestModels.MODEL,
                TestModels.TRUST,
                new ModelVerifier(recording, TestModels.HOLDOUT),
                PromotionGate.DEFAULT,
                HighWaterMark.inMemory());
        var topology = ClassifierTopology.build(
                TopicNames.DEFAULTS,
                BatchSettings.DEFAULTS.withMaxBatch(MAX_BATCH),
                ClassifierSettings.DEFAULT_UNCERTAIN_BELOW,
                registry,
                admission,
                TestModels.decisions(decisions::add),
                new ClassifierMetrics(new SimpleMeterRegistry(), onnx.name()),
                WarmUp.upTo(MAX_BATCH));
        var props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "warm-up-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        StreamsDefaults.handleGlobalProcessingExceptions(props);
        driver = new TopologyTestDriver(topology, props, Instant.ofEpochMilli(10_000));
    }

    private void publishWithoutFailures(long version) {
        failing = false;
        publish(version);
        failing = true;
    }

    private void publish(long version) {
        driver.createInputTopic(TopicNames.DEFAULTS.modelSnapshots(), new StringSerializer(), new ByteArraySerializer())
                .pipeInput(
                        TestModels.MODEL,
                        SnapshotCodec.encode(
                                TestModels.modelSnapshot(version, TestModels.WELL_TRAINED), TestModels.KEY));
    }

    private InferenceEngine recorded(InferenceEngine engine, IntPredicate failsAt) {
        return new InferenceEngine() {
            @Override
            public String name() {
                return engine.name();
            }

            @Override
            public float[] predict(byte[] pixels, int count) {
                calls.add(new long[] {count, registry.servingVersion().orElse(0L)});
                if (failing && failsAt.test(count)) {
                    throw new IllegalStateException("no kernel for a batch of " + count);
                }
                return engine.predict(pixels, count);
            }

            @Override
            public Optional<String> note() {
                return engine.note();
            }

            @Override
            public void close() {
                engine.close();
            }
        };
    }
}
