package io.digitstream.mnist.data;

import io.digitstream.schemas.Mnist;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads MNIST's IDX files, raw or gzip-compressed (recognised by content, not by name).
 * Images are magic 0x00000803 (unsigned bytes, 3 dimensions), labels 0x00000801.
 */
public final class IdxReader {
    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;

    private IdxReader() {}

    public static MnistDataset read(Path images, Path labels) throws IOException {
        try (InputStream imageStream = Files.newInputStream(images);
                InputStream labelStream = Files.newInputStream(labels)) {
            return read(imageStream, images.toString(), labelStream, labels.toString());
        }
    }

    public static MnistDataset read(InputStream images, String imagesName, InputStream labels, String labelsName)
            throws IOException {
        byte[] pixels = readImages(images, imagesName);
        byte[] labelBytes = readLabels(labels, labelsName);
        if (pixels.length / Mnist.PIXELS != labelBytes.length) {
            throw new IdxFormatException(imagesName + " holds " + pixels.length / Mnist.PIXELS + " images but "
                    + labelsName + " holds " + labelBytes.length + " labels");
        }
        return new MnistDataset(pixels, labelBytes);
    }

    static byte[] readImages(InputStream raw, String name) throws IOException {
        DataInputStream in = new DataInputStream(decompressed(raw));
        int magic = header(in, name);
        if (magic != IMAGES_MAGIC) {
            throw new IdxFormatException(name + ": magic number 0x" + Integer.toHexString(magic)
                    + " is not that of an IDX image file (0x00000803)");
        }
        int count = header(in, name);
        int rows = header(in, name);
        int cols = header(in, name);
        if (rows != Mnist.SIDE || cols != Mnist.SIDE) {
            throw new IdxFormatException(name + ": images are " + rows + "x" + cols + ", expected 28x28");
        }
        if (count < 0 || (long) count * Mnist.PIXELS > Integer.MAX_VALUE - 16) {
            throw new IdxFormatException(name + ": implausible image count " + count);
        }
        return body(in, count * Mnist.PIXELS, name);
    }

    static byte[] readLabels(InputStream raw, String name) throws IOException {
        DataInputStream in = new DataInputStream(decompressed(raw));
        int magic = header(in, name);
        if (magic != LABELS_MAGIC) {
            throw new IdxFormatException(name + ": magic number 0x" + Integer.toHexString(magic)
                    + " is not that of an IDX label file (0x00000801)");
        }
        int count = header(in, name);
        if (count < 0) {
            throw new IdxFormatException(name + ": negative label count " + count);
        }
        byte[] labels = body(in, count, name);
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] > 9) {
                throw new IdxFormatException(name + ": label " + i + " is " + labels[i] + ", not a digit");
            }
        }
        return labels;
    }

    private static int header(DataInputStream in, String name) throws IOException {
        try {
            return in.readInt();
        } catch (EOFException e) {
            throw new IdxFormatException(name + ": truncated inside the header");
        }
    }

    private static byte[] body(DataInputStream in, int length, String name) throws IOException {
        byte[] bytes = new byte[length];
        int read = in.readNBytes(bytes, 0, length);
        if (read != length) {
            throw new IdxFormatException(
                    name + ": truncated: the header promises " + length + " bytes of data but " + read + " follow");
        }
        return bytes;
    }

    private static InputStream decompressed(InputStream raw) throws IOException {
        var in = new BufferedInputStream(raw, 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        boolean gzip = b0 == 0x1f && b1 == 0x8b;
        return gzip ? new GZIPInputStream(in, 1 << 16) : in;
    }
}
