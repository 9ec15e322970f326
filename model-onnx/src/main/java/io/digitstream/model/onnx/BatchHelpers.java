package io.digitstream.model.onnx;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that run the other parts of a batch cut by {@link OnnxSettings.Parallelism#BATCH}:
 * one per core beside the caller's, shared by every engine of the process, so a hot swap starts no
 * thread and a retired engine leaves none behind. Daemons, idle ones ending after a minute: they
 * never hold a process open, and a process that serves nothing keeps none.
 */
public final class BatchHelpers {
    /** Names start so: the benchmarks count these threads' CPU as inference. */
    public static final String THREAD_PREFIX = "onnx-batch-";

    private static final AtomicInteger COUNT = new AtomicInteger();
    private static final ExecutorService POOL = pool();

    private BatchHelpers() {}

    static void execute(Runnable part) {
        POOL.execute(part);
    }

    private static ExecutorService pool() {
        int helpers = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
        var pool = new ThreadPoolExecutor(helpers, helpers, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(), part -> {
            var thread = new Thread(part, THREAD_PREFIX + COUNT.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
