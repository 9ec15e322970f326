package io.digitstream.mnist.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Just enough of the ustar format to find one regular file in a tar stream. */
final class TarReader {
    private static final int BLOCK = 512;

    private TarReader() {}

    /** Positions {@code in} at the start of {@code name} and returns a stream bounded to its size, or null. */
    static InputStream find(InputStream in, String name) throws IOException {
        byte[] header = new byte[BLOCK];
        while (in.readNBytes(header, 0, BLOCK) == BLOCK) {
            if (header[0] == 0) {
                return null; // end-of-archive marker
            }
            String entryName = field(header, 0, 100);
            String prefix = field(header, 345, 155);
            String fullName = prefix.isEmpty() ? entryName : prefix + "/" + entryName;
            String octalSize = field(header, 124, 12).trim();
            long size = octalSize.isEmpty() ? 0 : Long.parseLong(octalSize, 8);
            if (fullName.equals(name)) {
                return new BoundedInputStream(in, size);
            }
            long padded = (size + BLOCK - 1) / BLOCK * BLOCK;
            in.skipNBytes(padded);
        }
        return null;
    }

    private static String field(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.US_ASCII);
    }

    private static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        private long remaining;

        BoundedInputStream(InputStream in, long size) {
            this.in = in;
            this.remaining = size;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }
    }
}
