package io.digitstream.cli;

import io.digitstream.schemas.snapshot.SnapshotTrust;
import io.digitstream.schemas.snapshot.TrustedKeys;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Whose model snapshots a command believes: signatures are required unless it is told otherwise. */
public final class TrustOptions {
    @Option(
            names = "--trusted-keys",
            paramLabel = "PATH",
            defaultValue = "${env:DIGITSTREAM_TRUSTED_KEYS}",
            description = "The public keys whose signed snapshots may serve: a .pub file, or a directory of them"
                    + " (env DIGITSTREAM_TRUSTED_KEYS).")
    Path trustedKeys;

    @Option(
            names = "--allow-unsigned",
            defaultValue = "${env:DIGITSTREAM_ALLOW_UNSIGNED:-false}",
            description = "Let unsigned snapshots serve too (env DIGITSTREAM_ALLOW_UNSIGNED): then anyone who can"
                    + " write to the snapshots topic decides what is predicted.")
    boolean allowUnsigned;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** @throws ParameterException when no key is trusted and unsigned snapshots are not allowed, or a key does not read */
    public SnapshotTrust trust() {
        try {
            TrustedKeys keys = trustedKeys == null ? TrustedKeys.none() : TrustedKeys.read(trustedKeys);
            if (allowUnsigned) {
                return SnapshotTrust.allowUnsigned(keys);
            }
            if (keys.isEmpty()) {
                throw new ParameterException(
                        command.commandLine(),
                        "no trusted keys: give --trusted-keys with the"
                                + " trainer's public key (digitstream keys generate writes one), or --allow-unsigned");
            }
            return SnapshotTrust.requireSigned(keys);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(command.commandLine(), "--trusted-keys: " + e.getMessage(), e);
        }
    }
}
