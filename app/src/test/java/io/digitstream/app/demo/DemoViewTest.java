package io.digitstream.app.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DemoViewTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void onATerminalTheBlockIsRedrawnInPlaceBelowTheLines() {
        var view = new DemoView(out, out, true);
        view.block("a\nb\n");
        view.block("c\nd\n");
        view.line("event");
        view.warning("WARN  something");

        // the second block moves up over the two lines of the first and clears them; the event and the
        // warning do the same, so the block stays whole below them
        assertThat(printed())
                .isEqualTo("a\nb\n" + "\033[2F\033[J" + "c\nd\n" + "\033[2F\033[J" + "event\n" + "c\nd\n"
                        + "\033[2F\033[J" + "WARN  something\n" + "c\nd\n");
    }

    @Test
    void pipedThereAreNoEscapeCodesAndTheBlockIsThrottled() {
        var view = new DemoView(out, out, false);
        view.block("a\nb\n");
        view.block("c\nd\n"); // within the interval: not printed again
        view.line("event");
        view.release();
        view.line("summary");

        assertThat(printed()).isEqualTo("a\nb\nevent\nsummary\n");
    }
}
