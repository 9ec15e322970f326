package io.digitstream.mnist.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class IdxReaderTest {

    @Test
    void fixtureLoadsWithTheRightShapesAndLabels() {
        MnistDataset train = MnistFixture.train();
        MnistDataset test = MnistFixture.test();

        assertThat(train.size()).isEqualTo(4000);
        assertThat(test.size()).isEqualTo(1000);
        assertThat(train.rawPixels()).hasSize(4000 * 784);
        // the first labels of the original files
        assertThat(new int[] {train.label(0), train.label(1), train.label(2), train.label(3), train.label(4)})
                .containsExactly(5, 0, 4, 1, 9);
        assertThat(new int[] {test.label(0), test.label(1), test.label(2), test.label(3), test.label(4)})
                .containsExactly(7, 2, 1, 0, 4);
        // every digit occurs, and the images hold ink
        assertThat(test.rawLabels()).contains(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(maxOf(test.image(0))).isEqualTo(255);
    }

    @Test
    void rawAndGzipFilesReadTheSame() throws IOException {
        byte[] raw = labelFile(3, new byte[] {1, 2, 3});
        assertThat(IdxReader.readLabels(new ByteArrayInputStream(raw), "raw")).containsExactly(1, 2, 3);
        assertThat(IdxReader.readLabels(new ByteArrayInputStream(gzip(raw)), "gz"))
                .containsExactly(1, 2, 3);
    }

    @Test
    void corruptMagicIsNamed() {
        byte[] file = labelFile(3, new byte[] {1, 2, 3});
        file[3] = 0x03; // an image magic in a label file
        assertThatThrownBy(() -> IdxReader.readLabels(new ByteArrayInputStream(file), "labels.idx"))
                .isInstanceOf(IdxFormatException.class)
                .hasMessageContaining("labels.idx")
                .hasMessageContaining("magic number 0x803");
    }

    @Test
    void truncatedFileSaysHowMuchIsMissing() throws IOException {
        byte[] file = imageFile(2);
        byte[] truncated = Arrays.copyOf(file, file.length - 100);
        assertThatThrownBy(() -> IdxReader.readImages(new ByteArrayInputStream(gzip(truncated)), "images.gz"))
                .isInstanceOf(IdxFormatException.class)
                .hasMessageContaining("truncated")
                .hasMessageContaining("1568");
        assertThatThrownBy(() -> IdxReader.readImages(new ByteArrayInputStream(new byte[] {0, 0, 8}), "tiny"))
                .isInstanceOf(IdxFormatException.class)
                .hasMessageContaining("truncated inside the header");
    }

    @Test
    void imagesOfAnotherSizeAreRefused() {
        byte[] file = imageFile(1);
        ByteBuffer.wrap(file).putInt(8, 32);
        assertThatThrownBy(() -> IdxReader.readImages(new ByteArrayInputStream(file), "big"))
                .isInstanceOf(IdxFormatException.class)
                .hasMessageContaining("32x28");
    }

    @Test
    void labelsOutsideZeroToNineAreRefused() {
        assertThatThrownBy(() -> IdxReader.readLabels(new ByteArrayInputStream(labelFile(2, new byte[] {3, 12})), "l"))
                .isInstanceOf(IdxFormatException.class)
                .hasMessageContaining("label 1 is 12");
    }

    static byte[] labelFile(int count, byte[] labels) {
        return ByteBuffer.allocate(8 + labels.length)
                .putInt(IdxReader.LABELS_MAGIC)
                .putInt(count)
                .put(labels)
                .array();
    }

    static byte[] imageFile(int count) {
        return ByteBuffer.allocate(16 + count * 784)
                .putInt(IdxReader.IMAGES_MAGIC)
                .putInt(count)
                .putInt(28)
                .putInt(28)
                .array();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        var out = new ByteArrayOutputStream();
        try (var gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }

    private static int maxOf(byte[] pixels) {
        int max = 0;
        for (byte b : pixels) {
            max = Math.max(max, b & 0xFF);
        }
        return max;
    }
}
