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
        String topicPrefix) {}
