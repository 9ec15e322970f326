package io.digitstream.mnist.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The small subset of MNIST committed with the code: the first 4,000 training and the first
 * 1,000 test images. Tests and the demo's short mode use it; it never touches the network.
 */
public final class MnistFixture {
    private static final String DIR = "/mnist-fixture/";

    private MnistFixture() {}

    public static MnistDataset train() {
        return load(MnistFile.TRAIN_IMAGES, MnistFile.TRAIN_LABELS);
    }

    public static MnistDataset test() {
        return load(MnistFile.TEST_IMAGES, MnistFile.TEST_LABELS);
    }

    private static MnistDataset load(MnistFile images, MnistFile labels) {
        String imageName = DIR + images.fileName() + ".gz";
        String labelName = DIR + labels.fileName() + ".gz";
        try (InputStream imageStream = MnistFixture.class.getResourceAsStream(imageName);
                InputStream labelStream = MnistFixture.class.getResourceAsStream(labelName)) {
            if (imageStream == null || labelStream == null) {
                throw new IllegalStateException("The MNIST fixture is missing from the classpath: " + imageName);
            }
            return IdxReader.read(imageStream, imageName, labelStream, labelName);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
