package io.digitstream.schemas.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the commands that read MNIST keep it. */
public final class DataOptions {
    @Option(names = "--data-dir", defaultValue = "${env:DIGITSTREAM_DATA_DIR:-${sys:user.home}/.digitstream/mnist}",
            description = "Where MNIST is cached; fetched and verified on first use (env DIGITSTREAM_DATA_DIR).")
    public Path dataDir;
}
