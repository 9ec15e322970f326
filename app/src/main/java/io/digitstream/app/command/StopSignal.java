package io.digitstream.app.command;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGTERM or Ctrl-C for a command that runs until stopped. {@link #await} returns when the signal
 * comes; the command then closes what it runs (bounded, so a cluster that is already gone cannot
 * hold it) and closes this last, which lets the JVM finish exiting. The shutdown hook waits at most
 * {@code grace} for that, so a stop never hangs past Docker's stop timeout.
 */
public final class StopSignal implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StopSignal.class);

    /** What a command may spend closing: under Docker's default stop timeout of 10 s. */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(8);

    private final CountDownLatch signalled = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);
    private final String name;
    private volatile long signalledAt;

    private StopSignal(String name, Duration grace) {
        this.name = name;
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            signalledAt = System.nanoTime();
                            signalled.countDown();
                            try {
                                if (!closed.await(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                                    log.warn("{} did not close within {}; exiting anyway", name, grace);
                                }
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        name + "-stop"));
    }

    /** Installs the hook; close the result after everything the command runs. */
    public static StopSignal install(String name) {
        return new StopSignal(name, CLOSE_TIMEOUT.plusSeconds(1));
    }

    /** Blocks until the process is asked to stop. */
    public void await() throws InterruptedException {
        signalled.await();
        log.info("{}: stopping", name);
    }

    @Override
    public void close() {
        if (signalled.getCount() == 0) {
            log.info("{}: stopped in {} ms", name, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalledAt));
        }
        closed.countDown();
    }
}
