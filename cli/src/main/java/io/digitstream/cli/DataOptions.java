package io.digitstream.cli;

import io.digitstream.mnist.data.MnistStore;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the commands that read MNIST keep it. */
public final class DataOptions {
    @Option(
            names = "--data-dir",
            defaultValue = "${env:DIGITSTREAM_DATA_DIR}",
            description =
                    "Where MNIST is cached; fetched and verified on first use (env DIGITSTREAM_DATA_DIR; default ~/.digitstream/mnist).")
    Path dataDir;

    public Path dataDir() {
        return dataDir != null ? dataDir : MnistStore.defaultDirectory();
    }
}
