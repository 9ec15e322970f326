package io.digitstream.benchmarks.pipeline;

import io.digitstream.kafka.embedded.EmbeddedKafka;
import io.digitstream.model.snapshot.JavaDeserialization;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's broker in a JVM of its own, as a deployment has it: the broker's code then
 * neither shares the benchmark's JIT (whose type profiles it would keep disturbing) nor its
 * collector. Its CPU is still counted, from /proc, under the broker's part.
 */
final class BrokerProcess implements AutoCloseable {
    private static final String READY = "broker-ready ";

    private final Process process;
    private final String bootstrapServers;
    private final Path gcLog;

    private BrokerProcess(Process process, String bootstrapServers, Path gcLog) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
        this.gcLog = gcLog;
    }

    /** Starts the embedded broker in a child JVM on this classpath and waits until it listens. */
    static BrokerProcess start() throws IOException {
        return start(null);
    }

    /** As {@link #start()}, the child logging its collections to {@code gcLog} (none if null) for {@link #gcPauses}. */
    static BrokerProcess start(Path gcLog) throws IOException {
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (gcLog != null) {
            command.add(GcPauses.logFlag(gcLog));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), BrokerProcess.class.getName()));
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        var lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = lines.readLine()) != null; ) {
            if (line.startsWith(READY)) {
                return new BrokerProcess(process, line.substring(READY.length()).strip(), gcLog);
            }
        }
        process.destroyForcibly();
        throw new IOException("the broker process ended before it listened");
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    /** The broker's stop-the-world pauses that ended between the two times (none unless started with a GC log). */
    List<GcPauses.Pause> gcPauses(long fromMs, long toMs) throws IOException {
        return gcLog == null ? List.of() : GcPauses.fromLog(gcLog, fromMs, toMs);
    }

    /** CPU nanoseconds the broker's process has used so far, or 0 where /proc is not there. */
    long cpuNanos() {
        return ProcStat.cpuNanos(process.pid());
    }

    /** CPU nanoseconds its JIT compilers have used so far (0 where /proc is not there). */
    long compilerNanos() {
        return ProcStat.compilerNanos(process.pid());
    }

    @Override
    public void close() throws InterruptedException {
        try {
            process.getOutputStream().close(); // the child stops when its input ends
        } catch (IOException e) {
            process.destroy();
        }
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    /** The child: a broker until standard input closes. */
    public static void main(String[] args) throws IOException {
        JavaDeserialization.forbid(); // as every digitstream process: nothing here deserializes Java objects
        try (EmbeddedKafka kafka = EmbeddedKafka.onFreePort().start(Duration.ofMinutes(1))) {
            System.out.println(READY + kafka.bootstrapServers());
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the parent to close our input (or to die)
            }
        }
    }
}
