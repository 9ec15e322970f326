package io.digitstream.app.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.digitstream.schemas.snapshot.SigningKey;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The compose file's keys service: the private key in one volume, the public key in another. */
class KeysCommandTest {
    @TempDir
    Path work;

    private int generate(String... args) {
        return new CommandLine(new KeysCommand()).execute(args);
    }

    @Test
    void thePublicKeyCanGoWhereThePrivateKeyIsNot() throws Exception {
        Path signing = work.resolve("signing");
        Path trusted = work.resolve("trusted");

        assertThat(generate("generate", "--out-dir", signing.toString(), "--public-out-dir", trusted.toString()))
                .isZero();

        try (var files = Files.list(signing)) {
            assertThat(files).containsExactly(signing.resolve("trainer.key"));
        }
        try (var files = Files.list(trusted)) {
            assertThat(files).containsExactly(trusted.resolve("trainer.pub"));
        }
        SigningKey key = SigningKey.fromPem(Files.readString(signing.resolve("trainer.key")));
        assertThat(Files.readString(trusted.resolve("trainer.pub"))).isEqualTo(key.publicPem());
    }

    @Test
    void keepingAKeyPairWritesItsPublicKeyIntoANewPublicDirectory() throws Exception {
        Path signing = work.resolve("signing");
        assertThat(generate(
                        "generate",
                        "--out-dir",
                        signing.toString(),
                        "--public-out-dir",
                        work.resolve("old").toString()))
                .isZero();
        String privatePem = Files.readString(signing.resolve("trainer.key"));
        Path fresh = work.resolve("fresh");

        assertThat(generate(
                        "generate",
                        "--out-dir",
                        signing.toString(),
                        "--public-out-dir",
                        fresh.toString(),
                        "--if-absent"))
                .isZero();

        assertThat(Files.readString(signing.resolve("trainer.key"))).isEqualTo(privatePem);
        assertThat(Files.readString(fresh.resolve("trainer.pub")))
                .isEqualTo(SigningKey.fromPem(privatePem).publicPem());
    }
}
