package io.digitstream.console.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.digitstream.console.feed.PredictionFacts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LiveStatsTest {
    private static final long NOW = 100_500; // in second 100: seconds 95..99 are the window

    private static PredictionFacts prediction(long version, Integer label, int digit, Long sentAt, long emittedAt) {
        return new PredictionFacts("id", digit, label, version, sentAt, emittedAt);
    }

    /** A prediction emitted in {@code second} that took {@code latency} ms from send to emission. */
    private static PredictionFacts timed(long second, long latency) {
        long emittedAt = second * 1000 + 100;
        return prediction(1, null, 0, emittedAt - latency, emittedAt);
    }

    @Test
    void rateAndPercentilesAreOverTheLastCompleteSeconds() {
        var stats = new LiveStats();
        for (int i = 1; i <= 10; i++) {
            stats.prediction(timed(97, i * 10L), 97_100, NOW);
        }
        for (int i = 0; i < 20; i++) {
            stats.prediction(timed(98, 5), 98_100, NOW);
        }
        for (int i = 0; i < 5; i++) {
            stats.prediction(timed(99, 1000), 99_100, NOW);
        }
        stats.prediction(timed(100, 1), 100_100, NOW); // the current second: not complete, not counted
        stats.prediction(timed(30, 1), 30_100, NOW); // older than the history: only in the totals

        LiveView view = stats.view(NOW);

        assertThat(view.imagesPerSecond()).isEqualTo(35.0 / LiveStats.WINDOW_SECONDS);
        // 35 latencies: twenty of 5 ms, then 10..100 ms, then five of 1 s
        assertThat(view.latencyP50Ms()).isEqualTo(5.0);
        assertThat(view.latencyP99Ms()).isCloseTo(1000.0, within(10.0));
        assertThat(view.predictions()).isEqualTo(37);

        long[] seconds = view.series().seconds();
        assertThat(seconds).hasSize(LiveStats.HISTORY_SECONDS);
        assertThat(seconds[seconds.length - 1]).isEqualTo(99);
        assertThat(view.series().images()[seconds.length - 3]).isEqualTo(10);
        assertThat(view.series().images()[seconds.length - 2]).isEqualTo(20);
        assertThat(view.series().images()[seconds.length - 1]).isEqualTo(5);
        assertThat(view.series().latencyP50Ms()[seconds.length - 2]).isEqualTo(5.0);
        assertThat(view.series().latencyP99Ms()[seconds.length - 3]).isCloseTo(100.0, within(1.0));
        assertThat(view.series().latencyP50Ms()[seconds.length - 4]).isNull();
    }

    @Test
    void aSecondsPercentilesFollowRecordsThatArriveAfterAView() {
        var stats = new LiveStats();
        for (int i = 0; i < 10; i++) {
            stats.prediction(timed(99, 5), 99_100, NOW);
        }
        assertThat(stats.view(NOW).series().latencyP99Ms()[LiveStats.HISTORY_SECONDS - 1])
                .isEqualTo(5.0);

        // a late record for a second already shown: the next view must see it
        for (int i = 0; i < 10; i++) {
            stats.prediction(timed(99, 400), 99_100, NOW);
        }
        LiveView view = stats.view(NOW);

        assertThat(view.series().latencyP99Ms()[LiveStats.HISTORY_SECONDS - 1]).isCloseTo(400.0, within(4.0));
        assertThat(view.latencyP99Ms()).isCloseTo(400.0, within(4.0));
        assertThat(view.latencyP50Ms()).isEqualTo(5.0);
    }

    @Test
    void deadLettersPerSecondByCode() {
        var stats = new LiveStats();
        for (int i = 0; i < 3; i++) {
            stats.deadLetter("BLANK_IMAGE", 99_000, NOW);
        }
        stats.deadLetter("UNDECODABLE_IMAGE", 96_000, NOW);
        stats.deadLetter("UNDECODABLE_IMAGE", 96_900, NOW);
        stats.deadLetter("UNDECODABLE_IMAGE", 80_000, NOW); // in the history, not in the window

        LiveView view = stats.view(NOW);

        assertThat(view.deadLettersPerSecond())
                .containsExactlyInAnyOrderEntriesOf(Map.of("BLANK_IMAGE", 0.6, "UNDECODABLE_IMAGE", 0.4));
        assertThat(view.deadLettersByCode())
                .containsExactlyInAnyOrderEntriesOf(Map.of("BLANK_IMAGE", 3L, "UNDECODABLE_IMAGE", 3L));
        assertThat(view.deadLetters()).isEqualTo(6);
        int last = LiveStats.HISTORY_SECONDS - 1;
        assertThat(view.series().deadLetters().get("BLANK_IMAGE")[last]).isEqualTo(3);
        assertThat(view.series().deadLetters().get("UNDECODABLE_IMAGE")[last - 3])
                .isEqualTo(2);
        assertThat(view.series().deadLetters().get("UNDECODABLE_IMAGE")[last - 19])
                .isEqualTo(1);
        assertThat(view.imagesPerSecond()).isZero();
        assertThat(view.latencyP50Ms()).isNull();
    }

    @Test
    void countsPerVersionAndTheServedVersionIsTheLatestPredictions() {
        List<String> swaps = new ArrayList<>();
        var stats = new LiveStats((version, previous, at) -> swaps.add(previous + "->" + version + "@" + at));
        for (int i = 0; i < 10; i++) {
            stats.prediction(prediction(1, 3, i < 9 ? 3 : 5, null, 96_000 + i), 96_000 + i, NOW);
        }
        stats.prediction(prediction(2, 4, 4, null, 98_000), 98_000, NOW);
        stats.prediction(prediction(2, null, 7, null, 98_001), 98_001, NOW);
        // a straggler from the old version, emitted before v2's: v2 stays served
        stats.prediction(prediction(1, 0, 0, null, 97_000), 99_000, NOW);

        LiveView view = stats.view(NOW);

        assertThat(view.servedVersion()).isEqualTo(2);
        assertThat(view.lastPredictionAt()).isEqualTo(98_001);
        assertThat(view.versions())
                .containsExactly(
                        new VersionCounts(1, 11, 11, 10, 96_000, 97_000),
                        new VersionCounts(2, 2, 1, 1, 98_000, 98_001));
        assertThat(view.versions().get(0).accuracy()).isCloseTo(10.0 / 11, within(1e-9));
        assertThat(swaps).containsExactly("null->1@96000", "1->2@98000");
    }

    @Test
    void consoleLagIsHowLateTheSlowestPredictionOfTheWindowWasRead() {
        var stats = new LiveStats();
        stats.prediction(timed(97, 1), 97_100, 97_150);
        stats.prediction(timed(98, 1), 98_100, 98_900);
        stats.prediction(timed(99, 1), 99_100, 99_130);
        assertThat(stats.view(NOW).consoleLagMs()).isEqualTo(800);
        assertThat(new LiveStats().view(NOW).consoleLagMs()).isNull();
    }

    @Test
    void aRecordStampedInTheFutureCountsInTheCurrentSecond() {
        var stats = new LiveStats();
        stats.prediction(timed(150, 1), 150_100, 99_900);
        LiveView view = stats.view(100_100);
        assertThat(view.series().images()[LiveStats.HISTORY_SECONDS - 1]).isEqualTo(1);
        assertThat(view.imagesPerSecond()).isEqualTo(1.0 / LiveStats.WINDOW_SECONDS);
    }
}
