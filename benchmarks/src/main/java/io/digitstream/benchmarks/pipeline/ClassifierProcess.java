package io.digitstream.benchmarks.pipeline;

import io.digitstream.app.serving.DigitstreamServing;
import io.digitstream.kafka.embedded.FreePorts;
import io.digitstream.schemas.topic.TopicNames;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A classifier as each container runs one: {@code digitstream-serving classifier} in a JVM of its
 * own with the image's JVM flags, told everything by its command line. The benchmark reads what it
 * needs the way an operator would: readiness from {@code /health}, counters from {@code /metrics},
 * CPU and resident memory from /proc, its GC pauses from the log it writes beside its own.
 */
final class ClassifierProcess implements AutoCloseable {
    /** The Dockerfile's JAVA_OPTS, but for the cache directory of natives the serving install never unpacks. */
    static final List<String> IMAGE_JVM_FLAGS = List.of("-XX:MaxRAMPercentage=50", "-Djdk.serialFilter=!*");

    /** Marks an item of {@code flags} as one for the JVM, after the image's: {@code jvm:-XX:+PrintCompilation}. */
    static final String JVM_FLAG = "jvm:";

    /**
     * Marks an item of {@code flags} as the Java launcher to run the classifier with, instead of
     * this JVM's: {@code java:/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}.
     */
    static final String JAVA = "java:";

    /** Where this class was loaded from: the benchmark's own classes. */
    static final Path BENCHMARK_CLASSES = codeSource();

    private final Process process;
    private final int metricsPort;
    private final Path log;
    private final long startedNanos = System.nanoTime();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** Stops the classifier if the benchmark itself is stopped (Ctrl-C) before closing it. */
    private final Thread orphanGuard;

    private ClassifierProcess(Process process, int metricsPort, Path log) {
        this.process = process;
        this.metricsPort = metricsPort;
        this.log = log;
        this.orphanGuard = new Thread(process::destroy, "classifier-process-guard");
        Runtime.getRuntime().addShutdownHook(orphanGuard);
    }

    /**
     * The flags of one setting written as one word, joined by {@code +}:
     * {@code --warm-up+jvm:-XX:+PrintCompilation} is {@code --warm-up} and a JVM flag. A {@code +}
     * joins only where the next flag starts, so a JVM flag keeps its own; {@code java:} names the
     * launcher.
     */
    static List<String> flagsOf(String setting) {
        return setting.isBlank() ? List.of() : List.of(setting.trim().split("\\+(?=-|" + JVM_FLAG + "|" + JAVA + ")"));
    }

    /** The items of {@code flags} that start with {@code mark}, without it. */
    private static List<String> marked(List<String> flags, String mark) {
        return flags.stream()
                .filter(f -> f.startsWith(mark))
                .map(f -> f.substring(mark.length()))
                .toList();
    }

    /**
     * Starts a classifier on {@code topics}, trusting the public key in {@code trustedKey}, with the
     * serving command's defaults except for {@code flags} (for example {@code --no-warm-up}).
     */
    static ClassifierProcess start(
            String bootstrapServers,
            TopicNames topics,
            Path trustedKey,
            String applicationId,
            Path stateDir,
            List<String> flags,
            Path log)
            throws IOException {
        int port = FreePorts.next();
        List<String> command = new ArrayList<>();
        List<String> launchers = marked(flags, JAVA);
        command.add(
                launchers.isEmpty()
                        ? Path.of(System.getProperty("java.home"), "bin", "java")
                                .toString()
                        : launchers.get(launchers.size() - 1));
        command.addAll(IMAGE_JVM_FLAGS);
        command.addAll(marked(flags, JVM_FLAG));
        command.add(GcPauses.logFlag(gcLog(log)));
        command.addAll(List.of(
                "-cp", servingFirst(System.getProperty("java.class.path")), DigitstreamServing.class.getName()));
        command.addAll(List.of(
                "classifier",
                "--bootstrap-servers",
                bootstrapServers,
                "--trusted-keys",
                trustedKey.toString(),
                "--application-id",
                applicationId,
                "--state-dir",
                stateDir.toString(),
                "--metrics-port",
                Integer.toString(port),
                "--digits-topic",
                topics.digitsIn(),
                "--predictions-topic",
                topics.predictionsOut(),
                "--snapshots-topic",
                topics.modelSnapshots(),
                "--dlq-topic",
                topics.deadLetters(),
                "--accuracy-topic",
                topics.accuracyOut(),
                "--decisions-topic",
                topics.modelDecisions()));
        flags.stream()
                .filter(f -> !f.startsWith(JVM_FLAG) && !f.startsWith(JAVA))
                .forEach(command::add);
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new ClassifierProcess(process, port, log);
    }

    /** Waits until {@code /health} answers 200; returns how long after the process started that was. */
    Duration awaitReady(Duration timeout) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("the classifier ended (exit " + process.exitValue() + "); its log: " + log);
            }
            if (ready()) {
                return Duration.ofNanos(System.nanoTime() - startedNanos);
            }
            Thread.sleep(10);
        }
        throw new IOException("the classifier was not ready within " + timeout + "; its log: " + log);
    }

    boolean ready() throws InterruptedException {
        try {
            return http.send(request("/health"), HttpResponse.BodyHandlers.discarding())
                            .statusCode()
                    == 200;
        } catch (IOException e) {
            return false; // not listening yet
        }
    }

    /** The untagged samples of {@code /metrics} by name ({@code digitstream_batch_size_count} and so on). */
    Map<String, Double> metrics() throws IOException, InterruptedException {
        Map<String, Double> samples = new HashMap<>();
        for (String line : http.send(request("/metrics"), HttpResponse.BodyHandlers.ofString())
                .body()
                .split("\n")) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            String name = line.substring(0, space);
            int brace = name.indexOf('{');
            samples.merge(
                    brace < 0 ? name : name.substring(0, brace),
                    Double.parseDouble(line.substring(space + 1)),
                    Double::sum);
        }
        return samples;
    }

    /** Its stop-the-world GC pauses that ended between the two times (epoch ms). */
    List<GcPauses.Pause> gcPauses(long fromMs, long toMs) throws IOException {
        return GcPauses.fromLog(gcLog(log), fromMs, toMs);
    }

    static Path gcLog(Path log) {
        return log.resolveSibling(log.getFileName() + ".gc");
    }

    /** CPU nanoseconds the process has used so far (0 where /proc is not there). */
    long cpuNanos() {
        return ProcStat.cpuNanos(process.pid());
    }

    /** CPU nanoseconds its JIT compilers have used so far (0 where /proc is not there). */
    long compilerNanos() {
        return ProcStat.compilerNanos(process.pid());
    }

    /** Resident memory in bytes (0 where /proc is not there). */
    long residentBytes() {
        return ProcStat.residentBytes(process.pid());
    }

    private HttpRequest request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + path))
                .timeout(Duration.ofSeconds(5))
                .build();
    }

    /**
     * The benchmark's class path with the serving launcher's jar (or classes) first, so the
     * classifier logs with the launcher's logging configuration, as deployed, not the benchmark's;
     * without the benchmark's own classes, which a classifier never runs, and which as a directory
     * would keep JDK 25's ahead-of-time cache ({@code jvm:-XX:AOTCache=}) from being made or used.
     */
    static String servingFirst(String classPath) {
        List<String> entries = new ArrayList<>(List.of(classPath.split(java.io.File.pathSeparator)));
        entries.removeIf(entry -> Path.of(entry).toAbsolutePath().equals(BENCHMARK_CLASSES));
        entries.sort(java.util.Comparator.comparing(entry -> !entry.contains("app-serving")));
        return String.join(java.io.File.pathSeparator, entries);
    }

    private static Path codeSource() {
        try {
            return Path.of(ClassifierProcess.class
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .toAbsolutePath();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** SIGTERM, as {@code docker compose down} sends; the classifier commits and exits. */
    @Override
    public void close() throws InterruptedException {
        try {
            Runtime.getRuntime().removeShutdownHook(orphanGuard);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the guard stops it anyway
        }
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    /** The last lines of the process's log, for a failure message. */
    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log at " + log + ")";
        }
    }
}
