package io.digitstream.app.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * @param bootstrapServers an existing cluster; empty = start an embedded broker
 * @param quick            the committed fixture instead of MNIST, and a short run: what CI runs
 * @param replayCount      test images to replay (capped by the data)
 * @param replayRate       images per second; 0 = as fast as possible
 * @param snapshotEvery    the trainer publishes a snapshot every this many batches
 * @param epochs           epochs the trainer runs while the demo lasts
 * @param keepServing      after the summary, keep serving until interrupted
 * @param timeout          give up waiting for predictions after this long
 * @param consolePort      the web console's port: 0 = any free port, -1 = no console; a busy port falls
 *                         back to a free one
 * @param logFile          where the log goes, when it goes to a file (it is printed at the start)
 */
public record DemoSettings(
        Optional<String> bootstrapServers,
        boolean quick,
        Path dataDir,
        Path workDir,
        int replayCount,
        double replayRate,
        int snapshotEvery,
        int epochs,
        int maxBatch,
        boolean keepServing,
        Duration timeout,
        String topicPrefix,
        int consolePort,
        Optional<Path> logFile) {}
