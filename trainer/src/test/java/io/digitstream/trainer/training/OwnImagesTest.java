package io.digitstream.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.mnist.data.MnistFixture;
import io.digitstream.mnist.image.MnistStyle;
import io.digitstream.model.engine.Dl4jEngine;
import io.digitstream.model.engine.MnistTranslator;
import io.digitstream.schemas.Decoded;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Digits as users send them (other sizes, inverted, on paper) classify as the MNIST originals do. */
class OwnImagesTest {
    private static final Pattern NAME = Pattern.compile("test(\\d{3})-label(\\d).*");
    private static Dl4jEngine engine;

    @BeforeAll
    static void train() {
        engine = new Dl4jEngine(new Trainer(Recipe.SEED.withEpochs(1), 0)
                .train(MnistFixture.train().slice(0, 2000), new TrainingListener() {}));
    }

    @Test
    void ownImagesClassifyLikeTheOriginalsTheyWereDrawnFrom() throws Exception {
        MnistDataset test = MnistFixture.test();
        List<Path> files;
        try (Stream<Path> listing = Files.list(resource("/own-images"))) {
            files = listing.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
                    .sorted()
                    .toList();
        }
        assertThat(files).hasSize(12);
        for (Path file : files) {
            Matcher m = NAME.matcher(file.getFileName().toString());
            assertThat(m.matches()).isTrue();
            int index = Integer.parseInt(m.group(1));
            assertThat(test.label(index)).isEqualTo(Integer.parseInt(m.group(2)));

            Decoded<byte[]> pixels = MnistStyle.fromEncoded(Files.readAllBytes(file));
            assertThat(pixels.isValid()).as(file.toString()).isTrue();

            int own = MnistTranslator.digit(engine.predict(pixels.orElseThrow(), 1), 0);
            int original = MnistTranslator.digit(engine.predict(test.image(index), 1), 0);
            assertThat(own)
                    .as("%s classified as %d, its original as %d", file.getFileName(), own, original)
                    .isEqualTo(original);
        }
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(OwnImagesTest.class.getResource(name).toURI());
    }
}
