package io.digitstream.model.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.mnist.data.MnistFixture;
import io.digitstream.model.network.ReferenceCnn;
import io.digitstream.model.onnx.OnnxExport;
import io.digitstream.model.onnx.OnnxSettings;
import io.digitstream.schemas.Mnist;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Stream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.learning.config.Adam;

/** What {@link InferenceEngine} promises, held to account for every engine: several threads at once, and closing. */
class InferenceEngineContractTest {
    private static final int THREADS = 4;
    private static final int ROUNDS = 25;

    static Stream<Function<MultiLayerNetwork, InferenceEngine>> engines() {
        return Stream.of(Dl4jEngine::new, network -> OnnxExport.engine(network, OnnxSettings.forStreaming()));
    }

    @ParameterizedTest
    @MethodSource("engines")
    void callsFromSeveralThreadsAtOnceGetWhatEachWouldGetAlone(Function<MultiLayerNetwork, InferenceEngine> create)
            throws Exception {
        MnistDataset test = MnistFixture.test();
        try (InferenceEngine engine = create.apply(ReferenceCnn.create(5, new Adam(1e-3)))) {
            // each thread its own images and batch size, answered alone first
            List<byte[]> batches = new ArrayList<>();
            List<float[]> alone = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int count = 1 + 13 * t;
                byte[] pixels =
                        Arrays.copyOfRange(test.rawPixels(), 100 * t * Mnist.PIXELS, (100 * t + count) * Mnist.PIXELS);
                batches.add(pixels);
                alone.add(engine.predict(pixels, count));
            }
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                var start = new CyclicBarrier(THREADS);
                List<Future<List<float[]>>> results = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    byte[] pixels = batches.get(t);
                    int count = pixels.length / Mnist.PIXELS;
                    results.add(pool.submit(() -> {
                        start.await();
                        List<float[]> answers = new ArrayList<>();
                        for (int round = 0; round < ROUNDS; round++) {
                            answers.add(engine.predict(pixels, count));
                        }
                        return answers;
                    }));
                }
                for (int t = 0; t < THREADS; t++) {
                    for (float[] answer : results.get(t).get()) {
                        assertThat(answer).containsExactly(alone.get(t), org.assertj.core.data.Offset.offset(1e-6f));
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("engines")
    void aClosedEngineRefusesCallsWithoutCrashing(Function<MultiLayerNetwork, InferenceEngine> create) {
        InferenceEngine engine = create.apply(ReferenceCnn.create(6, new Adam(1e-3)));
        byte[] image = MnistFixture.test().image(0);
        assertThat(engine.predict(image, 1)).hasSize(Mnist.CLASSES);

        engine.close();
        engine.close(); // twice is harmless

        assertThatThrownBy(() -> engine.predict(image, 1)).isInstanceOf(IllegalStateException.class);
    }
}
