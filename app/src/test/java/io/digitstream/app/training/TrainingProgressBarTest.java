package io.digitstream.app.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TrainingProgressBarTest {
    private static final long SECOND = 1_000_000_000L;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final AtomicLong clock = new AtomicLong();

    /** One epoch of 100 batches, a batch every half second. */
    private String train(boolean terminal) {
        var bar = new TrainingProgressBar(out, 2, 100, terminal, clock::get);
        for (int batch = 0; batch < 100; batch++) {
            clock.addAndGet(SECOND / 2);
            bar.onBatch(0, batch, 100, 0.5, 1000);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void offATerminalItWritesPlainLinesEveryTenSecondsAndAtTheEpochsEnd() {
        String written = train(false);

        assertThat(written).doesNotContain("\r");
        assertThat(written.lines())
                .hasSize(5) // after 10, 20, 30 and 40 s, and the last batch at 50 s
                .allMatch(line -> line.startsWith("epoch 1/2 batch "))
                .last()
                .asString()
                .startsWith("epoch 1/2 batch 100/100 loss 0.5000");
    }

    @Test
    void onATerminalItRedrawsOneBarInPlace() {
        String written = train(true);

        assertThat(written).startsWith("\repoch 1/2 [").endsWith("\n");
        assertThat(written.chars().filter(c -> c == '\n')).hasSize(1); // one line, redrawn in place
        assertThat(written.chars().filter(c -> c == '\r').count()).isGreaterThan(5);
    }
}
