package io.digitstream.console.live;

import java.util.List;
import java.util.Map;

/**
 * The live view at one moment: the headline figures over the last {@link LiveStats#WINDOW_SECONDS}
 * complete seconds, totals, and a minute of per-second series for the charts.
 *
 * @param imagesPerSecond      predictions per second
 * @param latencyP50Ms         median send-to-prediction latency of the images that said when they were sent
 * @param deadLettersPerSecond by error code
 * @param consoleLagMs         how long after its record was written the console read the slowest
 *                             prediction: what the page is behind the topic
 * @param servedVersion        the version that made the latest prediction
 * @param lastPredictionAt     when that prediction was emitted (epoch milliseconds)
 */
public record LiveView(
        long at,
        double imagesPerSecond,
        Double latencyP50Ms,
        Double latencyP99Ms,
        Map<String, Double> deadLettersPerSecond,
        Long consoleLagMs,
        Long servedVersion,
        Long lastPredictionAt,
        long predictions,
        long deadLetters,
        Map<String, Long> deadLettersByCode,
        Series series,
        List<VersionCounts> versions) {

    /**
     * One value per second, oldest first; a latency is null in a second without samples.
     *
     * @param seconds     epoch seconds
     * @param deadLetters per error code
     */
    public record Series(
            long[] seconds,
            long[] images,
            Double[] latencyP50Ms,
            Double[] latencyP99Ms,
            Map<String, long[]> deadLetters) {}
}
