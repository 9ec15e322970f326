package io.digitstream.model.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.digitstream.mnist.data.MnistFixture;
import io.digitstream.model.evaluation.Holdout;
import io.digitstream.model.network.ReferenceCnn;
import io.digitstream.model.onnx.OnnxModels;
import io.digitstream.schemas.snapshot.ModelSnapshot;
import io.digitstream.schemas.snapshot.TrainingFacts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Verifying and closing models (what every hot swap does) never calls System.gc(): Deeplearning4j's
 * and ND4J's close paths do, and each call is a full stop-the-world collection of the classifier.
 */
class NoFullGcOnSwapTest {
    @TempDir
    Path dir;

    @Test
    void verifyingAndClosingModelsCallsNoSystemGc() throws Exception {
        ModelSnapshot snapshot = Dl4jSnapshots.snapshot(
                ReferenceCnn.create(777, new Adam(1e-3)), "mnist-cnn", 1, new TrainingFacts("test", 0, 0, null, null));
        byte[] batch = Arrays.copyOf(MnistFixture.test().rawPixels(), 32 * 784);
        Path file = dir.resolve("swaps.jfr");
        try (Recording recording = new Recording()) {
            recording.enable("jdk.SystemGC").withStackTrace();
            recording.start();
            var verifier = OnnxModels.singleThreadedVerifier(Holdout.fixture(100));
            for (int swap = 0; swap < 3; swap++) {
                try (LoadedModel model = verifier.verify(snapshot).orElseThrow()) {
                    model.engine().predict(batch, 32);
                }
            }
            recording.stop();
            recording.dump(file);
        }
        assertThat(Files.size(file)).isPositive();
        List<String> callers = RecordingFile.readAllEvents(file).stream()
                .filter(e -> e.getEventType().getName().equals("jdk.SystemGC"))
                .map(NoFullGcOnSwapTest::caller)
                .toList();
        assertThat(callers).as("System.gc() callers").isEmpty();
    }

    private static String caller(RecordedEvent event) {
        return event.getStackTrace() == null
                ? "?"
                : event.getStackTrace().getFrames().stream()
                        .map(RecordedFrame::getMethod)
                        .map(m -> m.getType().getName() + "." + m.getName())
                        .filter(name -> !name.startsWith("java."))
                        .findFirst()
                        .orElse("?");
    }
}
