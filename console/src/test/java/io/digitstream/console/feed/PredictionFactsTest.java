package io.digitstream.console.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.digitstream.schemas.message.MessageSerdes;
import io.digitstream.schemas.message.Prediction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PredictionFactsTest {
    private static byte[] encoded(Prediction p) {
        return MessageSerdes.prediction().serializer().serialize("predictions-out", p);
    }

    @Test
    void readsWhatTheClassifierWritesWithAndWithoutTheOptionalFields() throws IOException {
        double[] probabilities = {0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.6, 0.08, 0.04};
        var labelled = new Prediction("img-7", 7, 0.6, probabilities, "mnist-cnn", 12L, 3, 1_000L, 1_042L, 64, true);
        var bare = new Prediction("img-8", 7, 0.6, probabilities, "mnist-cnn", 12L, null, null, 1_042L, 1, null);

        assertThat(PredictionFacts.read(encoded(labelled))).isEqualTo(PredictionFacts.of(labelled));
        assertThat(PredictionFacts.read(encoded(bare))).isEqualTo(PredictionFacts.of(bare));
        assertThat(PredictionFacts.read(encoded(labelled)).latencyMillis()).isEqualTo(42);
        assertThat(PredictionFacts.read(encoded(labelled)).correct()).isFalse();
        assertThat(PredictionFacts.read(encoded(bare)).latencyMillis()).isNull();
    }

    @Test
    void refusesWhatIsNotAPrediction() {
        assertThatThrownBy(() -> PredictionFacts.read("[1,2]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> PredictionFacts.read("{\"id\":\"x\",\"digit\":3}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("modelVersion");
        assertThatThrownBy(() -> PredictionFacts.read("not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class);
    }
}
