package io.digitstream.schemas.message;

import io.digitstream.schemas.Mnist;
import java.util.Arrays;

/** The image inside an event: ready 28x28 grey pixels, or an encoded PNG/JPEG of any size. */
public sealed interface Image permits Image.Pixels, Image.Encoded {

    /** 784 grey values, row-major, 0 = background, 255 = ink (MNIST's convention), as unsigned bytes. */
    record Pixels(byte[] grey) implements Image {
        public Pixels {
            if (grey == null || grey.length != Mnist.PIXELS) {
                throw new IllegalArgumentException("expected " + Mnist.PIXELS + " pixels");
            }
        }

        /** The value of pixel {@code i}, 0..255. */
        public int at(int i) {
            return grey[i] & 0xFF;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Pixels other && Arrays.equals(grey, other.grey);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(grey);
        }

        @Override
        public String toString() {
            return "Pixels[784]";
        }
    }

    /** A PNG or JPEG, decoded and brought to MNIST style by the classifier. */
    record Encoded(byte[] bytes) implements Image {
        public Encoded {
            if (bytes == null || bytes.length == 0) {
                throw new IllegalArgumentException("encoded image must not be empty");
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Encoded other && Arrays.equals(bytes, other.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Encoded[" + bytes.length + " bytes]";
        }
    }
}
