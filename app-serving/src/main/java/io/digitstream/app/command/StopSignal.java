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

    /** What a command may spend closing its clients: well under Docker's default stop timeout of 10 s. */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final CountDownLatch signalled = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);
    private final String name;
    private volatile long signalledAt;
    private volatile Thread worker;

    private StopSignal(String name, Duration grace) {
        this.name = name;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> onSignal(grace), name + "-stop"));
    }

    /** In the shutdown hook: wake the command, then give it {@code grace} to close before the JVM goes. */
    private void onSignal(Duration grace) {
        signalledAt = System.nanoTime();
        signalled.countDown();
        Thread interrupted = worker;
        if (interrupted != null) {
            interrupted.interrupt();
        }
        try {
            if (!closed.await(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("{} did not close within {}; exiting anyway", name, grace);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Installs the hook; close the result after everything the command runs. */
    public static StopSignal install(String name) {
        return new StopSignal(name, CLOSE_TIMEOUT.plusSeconds(2));
    }

    /** For a command that works rather than waits: the signal interrupts {@code thread}. */
    public StopSignal interrupting(Thread thread) {
        this.worker = thread;
        return this;
    }

    public boolean signalled() {
        return signalled.getCount() == 0;
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
