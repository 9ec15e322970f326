package io.digitstream.classifier.model;

import io.digitstream.model.snapshot.LoadedModel;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model being served, published to the stream threads through one atomic reference.
 * A batch leases the current model once and uses it for every image in the batch. A swapped-out
 * model is closed only when the last batch that leased it returns the lease: closing a model
 * while it runs is how inference engines crash.
 */
public final class ModelRegistry implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ModelRegistry.class);

    private final AtomicReference<Served> current = new AtomicReference<>();

    /** What {@link #offer} did with a model. */
    public enum Outcome {
        SERVING,
        STALE
    }

    /**
     * Serves {@code model} if it is newer than the current one; otherwise closes it.
     * Called from the single global-store thread, so offers never race each other.
     */
    public synchronized Outcome offer(LoadedModel model) {
        Served old = current.get();
        if (old != null && old.model.version() >= model.version()) {
            model.close();
            return Outcome.STALE;
        }
        current.set(new Served(model));
        if (old != null) {
            old.release(); // the registry's own reference; in-flight batches hold theirs
        }
        log.info("Now serving {} (engine {})", model.label(), model.engine().name());
        return Outcome.SERVING;
    }

    /**
     * The model being served, to read its header and holdout score; its engine belongs to the
     * batches, which lease it ({@link #lease}).
     */
    public Optional<LoadedModel> served() {
        Served served = current.get();
        return served == null ? Optional.empty() : Optional.of(served.model);
    }

    /** The version being served, if any. */
    public Optional<Long> servingVersion() {
        Served served = current.get();
        return served == null ? Optional.empty() : Optional.of(served.model.version());
    }

    /**
     * Leases the current model for one batch, or returns empty when there is none yet.
     * The lease must be closed when the batch is done.
     */
    public Optional<Lease> lease() {
        while (true) {
            Served served = current.get();
            if (served == null) {
                return Optional.empty();
            }
            if (served.retain()) {
                return Optional.of(new Lease(served));
            }
            // lost a race with a swap that closed this one: read the reference again
        }
    }

    @Override
    public synchronized void close() {
        Served old = current.getAndSet(null);
        if (old != null) {
            old.release();
        }
    }

    /** One batch's hold on a model. */
    public static final class Lease implements AutoCloseable {
        private final Served served;
        private boolean closed;

        private Lease(Served served) {
            this.served = served;
        }

        public LoadedModel model() {
            return served.model;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                served.release();
            }
        }
    }

    private static final class Served {
        final LoadedModel model;
        /** 1 for the registry while current, plus 1 per open lease; 0 means closed. */
        final AtomicInteger references = new AtomicInteger(1);

        Served(LoadedModel model) {
            this.model = model;
        }

        boolean retain() {
            int n;
            do {
                n = references.get();
                if (n == 0) {
                    return false;
                }
            } while (!references.compareAndSet(n, n + 1));
            return true;
        }

        void release() {
            if (references.decrementAndGet() == 0) {
                log.info("Closing {}: no batch uses it any more", model.label());
                model.close();
            }
        }
    }
}
