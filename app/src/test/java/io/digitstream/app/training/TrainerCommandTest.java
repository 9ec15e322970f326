package io.digitstream.app.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.digitstream.cli.CommandLines;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's mistakes with the trainer: one line, exit 2, decided before anything is loaded. The
 * data directory is empty, so a trainer that loaded MNIST first would go and fetch it, and answer
 * about that instead (or after minutes).
 */
@Timeout(60)
class TrainerCommandTest {
    private final StringWriter err = new StringWriter();

    @TempDir
    Path emptyDataDir;

    private int run(String... args) {
        var commandLine = CommandLines.of(new TrainerCommand());
        commandLine.setErr(new PrintWriter(err, true));
        String[] withData = new String[args.length + 3];
        System.arraycopy(args, 0, withData, 0, args.length);
        withData[args.length] = "--data-dir";
        withData[args.length + 1] = emptyDataDir.toString();
        withData[args.length + 2] = "--no-publish";
        return commandLine.execute(withData);
    }

    private String firstLine() {
        return err.toString().lines().findFirst().orElseThrow();
    }

    @Test
    void anUnknownRecipeIsOneLineNotAStackTrace() {
        long started = System.nanoTime();

        int exit = run("--recipe", "nope", "--unsigned");

        assertThat(exit).isEqualTo(2);
        assertThat(firstLine()).isEqualTo("trainer: --recipe: unknown recipe 'nope' (seed, default)");
        assertThat(err.toString()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aNumberThatCannotBeIsNamed() {
        assertThat(run("--epochs", "0", "--unsigned")).isEqualTo(2);
        assertThat(firstLine()).isEqualTo("trainer: --epochs: 0 is not a positive number");
    }

    @Test
    void aMissingSigningKeyIsSaidBeforeMnistIsLoaded() {
        int exit = run("--signing-key", emptyDataDir.resolve("missing.key").toString());

        assertThat(exit).isEqualTo(2);
        assertThat(firstLine())
                .startsWith("trainer: --signing-key: cannot use ")
                .contains("missing.key");
    }
}
