package io.digitstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Command;

/** A failure is one line and exit 1; a file that is not there is named, with what is wrong. */
class CommandLinesTest {
    @TempDir
    Path directory;

    @Command(name = "write")
    static final class Write implements Callable<Integer> {
        Path target;

        @Override
        public Integer call() throws Exception {
            Files.writeString(target, "x");
            return 0;
        }
    }

    @Test
    void aDirectoryThatIsNotThereIsOneLineThatNamesIt() {
        var write = new Write();
        write.target = directory.resolve("missing").resolve("file");
        var err = new StringWriter();
        var commandLine = CommandLines.of(write);
        commandLine.setErr(new PrintWriter(err, true));

        int exit = commandLine.execute();

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString().strip())
                .isEqualTo("write: " + write.target + ": no such file or directory")
                .doesNotContain("\n");
    }
}
