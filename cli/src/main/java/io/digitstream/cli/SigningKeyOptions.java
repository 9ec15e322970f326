package io.digitstream.cli;

import io.digitstream.schemas.snapshot.SigningKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The key a command signs model snapshots with; unsigned only when asked for. */
public final class SigningKeyOptions {
    @Option(
            names = "--signing-key",
            paramLabel = "FILE",
            defaultValue = "${env:DIGITSTREAM_SIGNING_KEY_FILE}",
            description = "The key that signs every snapshot ('digitstream keys generate' writes one; env"
                    + " DIGITSTREAM_SIGNING_KEY_FILE, or the key itself in DIGITSTREAM_SIGNING_KEY).")
    Path keyFile;

    @Option(
            names = "--unsigned",
            description = "Publish unsigned snapshots: only classifiers run with --allow-unsigned serve them.")
    boolean unsigned;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /**
     * The key from the file or the environment, or empty with {@code --unsigned}.
     *
     * @throws ParameterException when there is neither, or the key cannot be read
     */
    public Optional<SigningKey> key() {
        String inEnvironment = System.getenv("DIGITSTREAM_SIGNING_KEY");
        if (unsigned) {
            return Optional.empty();
        }
        try {
            if (keyFile != null) {
                return Optional.of(SigningKey.fromPem(Files.readString(keyFile)));
            }
            if (inEnvironment != null && !inEnvironment.isBlank()) {
                return Optional.of(SigningKey.fromPem(inEnvironment));
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new ParameterException(
                    command.commandLine(),
                    "--signing-key: cannot use " + (keyFile != null ? keyFile : "DIGITSTREAM_SIGNING_KEY") + ": "
                            + e.getMessage(),
                    e);
        }
        throw new ParameterException(
                command.commandLine(),
                "no signing key: give --signing-key FILE (write one with"
                        + " 'digitstream keys generate'), or --unsigned to publish snapshots only --allow-unsigned classifiers serve");
    }
}
