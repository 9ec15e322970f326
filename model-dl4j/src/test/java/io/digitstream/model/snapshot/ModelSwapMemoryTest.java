package io.digitstream.model.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.digitstream.mnist.data.MnistFixture;
import io.digitstream.model.engine.EngineChoice;
import io.digitstream.model.engine.EngineKind;
import io.digitstream.model.evaluation.Holdout;
import io.digitstream.model.onnx.BrieflyTrained;
import io.digitstream.model.onnx.OnnxSettings;
import io.digitstream.schemas.snapshot.ModelSnapshot;
import io.digitstream.schemas.snapshot.TrainingFacts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * A hundred swaps: each loaded, used and closed model gives its native memory back; with the int8
 * engine too, which holds a second graph per model and builds a third to calibrate it.
 */
class ModelSwapMemoryTest {

    @ParameterizedTest
    @ValueSource(strings = {"onnx", "onnx-int8"})
    @EnabledOnOs(OS.LINUX) // reads the resident set from /proc
    void residentMemoryStaysFlatOverAHundredSwaps(String engine) throws Exception {
        // trained a little: the int8 graph serves only where it reads the canary as float32 does
        ModelSnapshot snapshot = Dl4jSnapshots.snapshot(
                BrieflyTrained.network(), "mnist-cnn", 1, new TrainingFacts("test", 0, 0, null, null));
        var verifier = new ModelVerifier(
                new EngineChoice(EngineKind.parse(engine), OnnxSettings.singleThreaded()).loader(),
                Holdout.fixture(100));
        byte[] batch = Arrays.copyOf(MnistFixture.test().rawPixels(), 128 * 784);

        long afterWarmUp = 0;
        for (int swap = 1; swap <= 100; swap++) {
            try (LoadedModel model = verifier.verify(snapshot).orElseThrow()) {
                assertThat(model.engine().name()).isEqualTo(engine);
                model.engine().predict(batch, 128);
            }
            if (swap == 20) {
                System.gc();
                afterWarmUp = residentKb();
            }
        }
        System.gc();
        long atEnd = residentKb();
        LoggerFactory.getLogger(ModelSwapMemoryTest.class)
                .info(
                        "{}: resident memory after 20 swaps {} MB, after 100 swaps {} MB",
                        engine,
                        afterWarmUp / 1024,
                        atEnd / 1024);
        // Measured here: models that are never closed grow the resident set by about 27 MB a swap (727 MB
        // to 2,878 MB over these 80 swaps). Closed ones do not grow it, but it swings: sampled every 50
        // of 400 swaps it went 326, 343, 277, 448, 318, 462, 499, 432 MB with the Java heap at 57 MB
        // throughout (the native allocator gives memory back when it will), and two samples have been
        // 281 MB apart. 512 MB is twenty leaked swaps, a quarter of what a leak adds.
        assertThat(atEnd - afterWarmUp).isLessThan(512 * 1024);
    }

    private static long residentKb() throws Exception {
        return Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("VmRSS:"))
                .map(l -> Long.parseLong(l.replaceAll("\\D", "")))
                .findFirst()
                .orElseThrow();
    }
}
