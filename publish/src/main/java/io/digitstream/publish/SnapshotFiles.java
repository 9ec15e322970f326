package io.digitstream.publish;

import io.digitstream.schemas.snapshot.ModelSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A snapshot envelope on disk, byte for byte what goes on the topic ({@code .dgsn}), and beside it
 * the network as a Deeplearning4j zip ({@code .dl4j.zip}), the checkpoint training continues from.
 */
public final class SnapshotFiles {
    public static final String EXTENSION = ".dgsn";
    public static final String CHECKPOINT = ".dl4j.zip";

    private SnapshotFiles() {}

    /** Writes {@code envelope} (the snapshot, encoded and signed) as {@code <model>-v<version>.dgsn}. */
    public static Path write(ModelSnapshot snapshot, byte[] envelope, Path directory) throws IOException {
        Files.createDirectories(directory);
        return writeTo(
                envelope,
                directory.resolve(
                        snapshot.header().modelName() + "-v" + snapshot.header().version() + EXTENSION));
    }

    /** Writes {@code envelope} as {@code target}, whole or not at all (a reader never sees half a file). */
    public static Path writeTo(byte[] envelope, Path target) throws IOException {
        Path directory = target.toAbsolutePath().getParent();
        Path part = Files.createTempFile(directory, "snapshot", ".part");
        Files.write(part, envelope);
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }
}
