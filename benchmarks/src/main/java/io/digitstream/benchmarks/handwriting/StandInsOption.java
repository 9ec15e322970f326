package io.digitstream.benchmarks.handwriting;

import io.digitstream.mnist.data.MnistDataset;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where the handwriting stand-ins are, for every command that scores on them. */
public final class StandInsOption {
    @Option(
            names = "--stand-ins",
            defaultValue = "target/stand-ins",
            description = "Where benchmarks/stand-ins/fetch.sh put the handwriting stand-ins (left out if absent);"
                    + " relative paths start in benchmarks/, where `exec:exec` runs.")
    Path dir;

    public Path dir() {
        return dir;
    }

    /** The stand-ins found there, by name. */
    public Map<String, MnistDataset> load() {
        return StandIns.in(dir);
    }
}
