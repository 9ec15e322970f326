package io.digitstream.benchmarks.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Watches, while a round runs, the two things on a shared machine that hold an image without any
 * process doing it: other threads on the cores it needs, and the virtual machine itself not
 * running. The first is Linux's CPU pressure ({@code /proc/pressure/cpu}: how long at least one
 * runnable thread waited for a core), sampled every {@link #PRESSURE_SAMPLE_MS}. The second is a
 * thread that sleeps a millisecond at a time: a wake-up {@link #STALL_MS} or more late that its own
 * wait for a core (its {@code schedstat}) does not explain happened while no thread of the guest
 * could run, which on a virtual machine means the host did not run its virtual CPU (hypervisors
 * that report no steal time show it no other way). Linux only; elsewhere it watches nothing.
 */
final class SchedulerWatch {
    /** A wake-up at least this late counts as a stall; a millisecond or two is timer slack. */
    static final long STALL_MS = 5;

    static final long PRESSURE_SAMPLE_MS = 10;

    private static final Path PRESSURE = Path.of("/proc/pressure/cpu");
    private static final Path OWN_SCHEDSTAT = Path.of("/proc/thread-self/schedstat");
    private static final Pattern SOME_TOTAL = Pattern.compile("^some .*total=(\\d+)$", Pattern.MULTILINE);

    /**
     * What was watched.
     *
     * @param sampledAtMs    when the CPU pressure was read (epoch ms), in order
     * @param pressureMicros at each, the pressure's running total: microseconds in which a
     *                       runnable thread waited for a core
     * @param machineStalls  intervals in which the watching thread was late to wake, not waiting in
     *                       the guest's run queue
     */
    record Trace(long[] sampledAtMs, long[] pressureMicros, List<GcPauses.Pause> machineStalls) {
        static final Trace NONE = new Trace(new long[0], new long[0], List.of());

        boolean hasPressure() {
            return sampledAtMs.length >= 2;
        }

        /**
         * The share of {@code [fromMs, toMs]} in which a runnable thread waited for a core, the
         * running total read between samples by straight lines; NaN outside the samples.
         */
        double pressureShare(long fromMs, long toMs) {
            if (!hasPressure()
                    || toMs <= fromMs
                    || fromMs < sampledAtMs[0]
                    || toMs > sampledAtMs[sampledAtMs.length - 1]) {
                return Double.NaN;
            }
            return (totalAt(toMs) - totalAt(fromMs)) / (1_000.0 * (toMs - fromMs));
        }

        private double totalAt(long ms) {
            int i = 1;
            while (sampledAtMs[i] < ms) {
                i++;
            }
            long t0 = sampledAtMs[i - 1];
            long t1 = sampledAtMs[i];
            double along = t1 == t0 ? 1 : (double) (ms - t0) / (t1 - t0);
            return pressureMicros[i - 1] + along * (pressureMicros[i] - pressureMicros[i - 1]);
        }
    }

    /**
     * Whether a wake-up {@code lateMicros} late, of which {@code queuedMicros} were spent runnable
     * in the guest's run queue, is a stall of the machine: late by {@link #STALL_MS} or more, and
     * not mostly waiting for a core inside the guest.
     */
    static boolean machineStall(long lateMicros, long queuedMicros) {
        return lateMicros >= STALL_MS * 1_000 && queuedMicros < lateMicros / 2;
    }

    /** The running total in a {@code /proc/pressure/cpu} text, if it has one. */
    static Optional<Long> someTotal(String pressure) {
        Matcher m = SOME_TOTAL.matcher(pressure);
        return m.find() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
    }

    private final Thread watcher;
    private final List<Long> sampledAtMs = new ArrayList<>();
    private final List<Long> pressureMicros = new ArrayList<>();
    private final List<GcPauses.Pause> stalls = new ArrayList<>();
    private volatile boolean watching = true;

    private SchedulerWatch() {
        watcher = new Thread(this::watch, "bench-scheduler-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** Watches from now until {@link #stop()}; on a machine without the kernel's files, nothing. */
    static SchedulerWatch start() {
        return new SchedulerWatch();
    }

    private void watch() {
        if (!Files.isReadable(PRESSURE) || !Files.isReadable(OWN_SCHEDSTAT)) {
            return;
        }
        try {
            long lastSampleMs = 0;
            long queued = queuedNanos();
            while (watching) {
                long nowMs = System.currentTimeMillis();
                if (nowMs - lastSampleMs >= PRESSURE_SAMPLE_MS) {
                    Optional<Long> total = someTotal(Files.readString(PRESSURE));
                    if (total.isEmpty()) {
                        return;
                    }
                    sampledAtMs.add(nowMs);
                    pressureMicros.add(total.get());
                    lastSampleMs = nowMs;
                }
                long before = System.nanoTime();
                Thread.sleep(1);
                long lateMicros = (System.nanoTime() - before) / 1_000 - 1_000;
                long queuedNow = queuedNanos();
                if (machineStall(lateMicros, (queuedNow - queued) / 1_000)) {
                    long endMs = System.currentTimeMillis();
                    stalls.add(new GcPauses.Pause(endMs - lateMicros / 1_000, endMs));
                }
                queued = queuedNow;
            }
        } catch (IOException e) {
            // the kernel's files went away: what was watched so far stands
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** This thread's time runnable but waiting for a core, from its schedstat's second field. */
    private static long queuedNanos() throws IOException {
        return Long.parseLong(Files.readString(OWN_SCHEDSTAT).trim().split(" ")[1]);
    }

    /** Stops watching and returns what was seen. */
    Trace stop() throws InterruptedException {
        watching = false;
        watcher.join();
        long[] at = sampledAtMs.stream().mapToLong(Long::longValue).toArray();
        long[] total = pressureMicros.stream().mapToLong(Long::longValue).toArray();
        return new Trace(at, total, List.copyOf(stalls));
    }
}
