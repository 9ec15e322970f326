package io.digitstream.mnist.data;

import java.io.IOException;
import java.nio.file.Path;

/** One place the original MNIST files can come from. */
public interface MnistSource {

    /** Where this source fetches from, for logs and error messages. */
    String describe();

    /**
     * Writes the uncompressed file to {@code target}. The caller verifies the checksum and owns
     * {@code target}, which may hold a partial file when this throws.
     *
     * @throws IOException with a message that says why this source could not deliver
     */
    void fetch(MnistFile file, Path target) throws IOException;
}
