package io.digitstream.app.command;

import io.digitstream.schemas.snapshot.SigningKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code digitstream keys generate}: the key pair that signs model snapshots. */
@Command(
        name = "keys",
        mixinStandardHelpOptions = true,
        subcommands = KeysCommand.Generate.class,
        description = "Keys that sign model snapshots (the trainer) and verify them (every classifier).")
public final class KeysCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(
            name = "generate",
            mixinStandardHelpOptions = true,
            showDefaultValues = true,
            description = {
                "Writes NAME.key (private: the trainer's, readable by its owner only) and NAME.pub (public: give it",
                "to every classifier as --trusted-keys). Ed25519."
            })
    static final class Generate implements Callable<Integer> {
        @Option(
                names = "--out-dir",
                defaultValue = "${env:DIGITSTREAM_KEYS_DIR:-keys}",
                description = "Where to write them.")
        Path directory;

        @Option(
                names = "--public-out-dir",
                paramLabel = "DIR",
                defaultValue = "${env:DIGITSTREAM_PUBLIC_KEYS_DIR}",
                description = "Where to write NAME.pub instead, so that the private key's directory need not be"
                        + " shared with the classifiers (default: --out-dir).")
        Path publicDirectory;

        @Option(names = "--name", defaultValue = "trainer", description = "The files' name.")
        String name;

        @Option(
                names = "--if-absent",
                description = "Keep an existing key pair (and say so) instead of refusing to overwrite it.")
        boolean ifAbsent;

        @Override
        public Integer call() throws IOException {
            Path privateFile = directory.resolve(name + ".key");
            Path publicFile = (publicDirectory == null ? directory : publicDirectory).resolve(name + ".pub");
            if (Files.exists(privateFile)) {
                if (ifAbsent) {
                    SigningKey existing = SigningKey.fromPem(Files.readString(privateFile));
                    // the public key's volume may be new while the private key's is kept: write it again
                    if (!Files.exists(publicFile)
                            || !Files.readString(publicFile).equals(existing.publicPem())) {
                        Files.createDirectories(publicFile.getParent());
                        Files.writeString(publicFile, existing.publicPem());
                    }
                    System.out.println("Keeping the key pair " + privateFile + " and " + publicFile + " (key id "
                            + existing.keyId() + ")");
                    return 0;
                }
                System.err.println("keys generate: " + privateFile + " exists; remove it, or keep it with --if-absent");
                return 1;
            }
            Files.createDirectories(directory);
            Files.createDirectories(publicFile.getParent());
            SigningKey key = SigningKey.generate();
            Files.writeString(publicFile, key.publicPem());
            Path part = Files.createTempFile(directory, name, ".part");
            try {
                Files.setPosixFilePermissions(part, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: its own permissions apply
            }
            Files.writeString(part, key.toPem());
            Files.move(part, privateFile);
            System.out.println("Wrote " + privateFile + " (private, for the trainer) and " + publicFile
                    + " (public, for every classifier); key id " + key.keyId());
            return 0;
        }
    }
}
