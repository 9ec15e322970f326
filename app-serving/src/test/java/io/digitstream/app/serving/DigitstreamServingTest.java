package io.digitstream.app.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The serving-only launcher: every serving command, nothing that trains, and no training stack to load. */
class DigitstreamServingTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        var commandLine = DigitstreamServing.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Test
    void offersTheServingCommandsAndNothingThatTrains() {
        assertThat(DigitstreamServing.commandLine().getSubcommands().keySet())
                .containsExactlyInAnyOrder(
                        "topics", "model", "classifier", "producer", "accuracy", "console", "keys", "health");

        assertThat(run("--help")).isZero();
        assertThat(out.toString().lines().map(String::strip).map(line -> line.split(" ")[0]))
                .contains("classifier", "console")
                .doesNotContain("trainer", "demo", "broker");
    }

    @Test
    void withoutACommandSaysWhichThereAreInOneLine() {
        int exit = run();

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString().lines().findFirst().orElseThrow())
                .isEqualTo(
                        "digitstream-serving: a command is needed, one of: topics, model, classifier, producer, accuracy, console,"
                                + " keys, health");
        assertThat(err.toString()).doesNotContain("\tat ");
    }

    @Test
    void anUnknownCommandIsAMistakeNotADemo() {
        assertThat(run("trainer")).isEqualTo(2);
        assertThat(err.toString()).contains("trainer");
    }

    @Test
    void theTrainingStackIsNotThere() {
        // the install's classpath is this module's runtime classpath; the enforcer checks the tree,
        // this checks what a JVM started on it can load
        assertThatThrownBy(() -> Class.forName("org.deeplearning4j.nn.multilayer.MultiLayerNetwork"))
                .isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("org.nd4j.linalg.factory.Nd4j"))
                .isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void printsTheVersionAndTheSerialFilter() {
        assertThat(run("--version")).isZero();
        assertThat(out.toString()).startsWith("digitstream ");
    }
}
