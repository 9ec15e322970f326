package io.digitstream.benchmarks.pipeline;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Warming a session's subject until it runs as it would after serving a while, and saying when it did. */
final class WarmUp {
    private static final Logger log = LoggerFactory.getLogger(WarmUp.class);
    private static final double WARM_UP_AGREEMENT = 0.05;
    /** Settled also means the JIT compiled for less than this share of a round's wall time. */
    private static final double JIT_QUIET = 0.10;

    private WarmUp() {}

    /**
     * Untimed rounds on the session until the JIT has settled, as it has in a classifier that has
     * served for a while: on two cores C2 takes most of a core for the first minute or more, in
     * every JVM the images pass through ({@link Session#compilingNanos()}). Settled: the JIT
     * compiled for under a tenth of the last round and, flooded, two rounds in a row agree within
     * 5 %. Prints what it saw.
     */
    static void settle(Session session, Plan round, String what, int warmUpRounds) throws Exception {
        double previous = 0;
        for (int r = 1; r <= warmUpRounds; r++) {
            long compiledBefore = session.compilingNanos();
            long started = System.nanoTime();
            double rate = session.round(round).perSecond();
            double wallMs = (System.nanoTime() - started) / 1e6;
            double compiledMs = (session.compilingNanos() - compiledBefore) / 1e6;
            log.info(
                    "Warm-up of {}, round {}: {} img/s; JIT compiled {} ms of {} ms",
                    what,
                    r,
                    Math.round(rate),
                    Math.round(compiledMs),
                    Math.round(wallMs));
            boolean agreed = round.rate() > 0 || previous > 0 && Math.abs(rate / previous - 1) <= WARM_UP_AGREEMENT;
            if (agreed && compiledMs < JIT_QUIET * wallMs) {
                System.out.printf(
                        Locale.ROOT,
                        "Warm-up, %s: settled after %d rounds (%s; the JIT compiled %.0f ms of the last round's %.1f"
                                + " s)%n",
                        what,
                        r,
                        round.rate() > 0
                                ? String.format(Locale.ROOT, "%,.0f img/s paced", round.rate())
                                : String.format(
                                        Locale.ROOT,
                                        "the last two within %.1f %%: %,.0f and %,.0f img/s",
                                        100 * Math.abs(rate / previous - 1),
                                        previous,
                                        rate),
                        compiledMs,
                        wallMs / 1000);
                return;
            }
            previous = rate;
        }
        System.out.printf(
                Locale.ROOT,
                "Warm-up, %s: not settled in %d rounds (two in a row within 5 %% and the JIT under a tenth of a"
                        + " round); its timed run includes JIT compilation (see the JIT column)%n",
                what,
                warmUpRounds);
    }
}
