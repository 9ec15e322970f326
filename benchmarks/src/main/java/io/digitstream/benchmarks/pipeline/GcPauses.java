package io.digitstream.benchmarks.pipeline;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ListenerNotFoundException;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The stop-the-world collections of this JVM while it listens, each with its wall-clock start and
 * end, so a run can tell whether its slowest images were in flight during one. Collectors' beans
 * that count concurrent cycles (ZGC's "Cycles", G1's "Concurrent GC") stop nothing and are left
 * out.
 */
final class GcPauses implements AutoCloseable {
    /** One pause, in epoch milliseconds. */
    record Pause(long startMs, long endMs) {
        long millis() {
            return endMs - startMs;
        }

        boolean overlaps(long fromMs, long toMs) {
            return startMs <= toMs && endMs >= fromMs;
        }
    }

    private final List<Pause> pauses = new CopyOnWriteArrayList<>();
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener listener = (notification, handback) -> {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            return;
        }
        var info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
        if (stopsNothing(info.getGcName())) {
            return;
        }
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        pauses.add(new Pause(
                jvmStart + info.getGcInfo().getStartTime(),
                jvmStart + info.getGcInfo().getEndTime()));
    };

    private final long countedBefore = counted();

    private GcPauses() {
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (collector instanceof NotificationEmitter emitter && !stopsNothing(collector.getName())) {
                emitter.addNotificationListener(listener, null, null);
                emitters.add(emitter);
            }
        }
    }

    /** How long {@code pauses} held their JVM in all, in milliseconds. */
    static long totalMillis(List<Pause> pauses) {
        return pauses.stream().mapToLong(Pause::millis).sum();
    }

    /** Listens from now until {@link #close()}. */
    static GcPauses listen() {
        return new GcPauses();
    }

    /** A pause in a log written with {@code -Xlog:gc:file=...:timemillis}: logged as it ends, with its length. */
    private static final Pattern LOGGED_PAUSE =
            Pattern.compile("^\\[(\\d+)ms\\] GC\\(\\d+\\) Pause .* (\\d+(?:\\.\\d+)?)ms$");

    /** The JVM flag that makes another JVM log its pauses where {@link #fromLog} reads them. */
    static String logFlag(Path log) {
        return "-Xlog:gc:file=" + log + ":timemillis";
    }

    /**
     * Another JVM's stop-the-world pauses that ended between {@code fromMs} and {@code toMs}, read
     * from the log {@link #logFlag} had it write (empty if there is none).
     */
    static List<Pause> fromLog(Path log, long fromMs, long toMs) throws IOException {
        if (!Files.exists(log)) {
            return List.of();
        }
        List<Pause> logged = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            Matcher pause = LOGGED_PAUSE.matcher(line.strip());
            if (pause.matches()) {
                long endMs = Long.parseLong(pause.group(1));
                long millis = Math.round(Double.parseDouble(pause.group(2)));
                if (endMs >= fromMs && endMs <= toMs) {
                    logged.add(new Pause(endMs - millis, endMs));
                }
            }
        }
        return logged;
    }

    private static boolean stopsNothing(String collector) {
        return collector.contains("Cycles") || collector.contains("Concurrent");
    }

    /** Stop-the-world collections so far by the collectors' own counts. */
    private static long counted() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .filter(collector -> !stopsNothing(collector.getName()))
                .mapToLong(collector -> Math.max(0, collector.getCollectionCount()))
                .sum();
    }

    /**
     * The pauses since {@link #listen()}, in the order they began. Notifications come on a thread
     * of their own shortly after each pause: this waits (at most a second) until every pause the
     * collectors counted meanwhile has been heard of.
     */
    List<Pause> pauses() throws InterruptedException {
        long deadline = System.nanoTime() + 1_000_000_000L;
        while (pauses.size() < counted() - countedBefore && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        return pauses.stream().sorted(Comparator.comparingLong(Pause::startMs)).toList();
    }

    @Override
    public void close() {
        for (NotificationEmitter emitter : emitters) {
            try {
                emitter.removeNotificationListener(listener);
            } catch (ListenerNotFoundException e) {
                // not listening: nothing to remove
            }
        }
    }
}
