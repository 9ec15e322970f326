package io.digitstream.model.onnx;

import java.util.Locale;

/**
 * How ONNX Runtime runs a session.
 *
 * @param threads     threads that share the work of one batch (the caller's thread included)
 * @param parallelism how they share it
 * @param spinning    whether idle intra-op threads spin for the next operator instead of sleeping
 *                    ({@link Parallelism#OPERATOR} only). Measured here (docs/BENCHMARKS.md): spinning
 *                    makes the engine alone faster, most at batch 1, and makes the whole pipeline
 *                    slower, since the spinning thread takes the core the Kafka threads of the same
 *                    process need between batches
 */
public record OnnxSettings(int threads, Parallelism parallelism, boolean spinning) {
    /**
     * How the threads of one call share a batch.
     *
     * <ul>
     *   <li>{@code BATCH}: the batch is cut into one part per thread and each part runs through the
     *       whole graph on one thread, all parts at once. One hand-over per batch, and each thread
     *       keeps its part's activations in its own core's cache.</li>
     *   <li>{@code OPERATOR}: ONNX Runtime's intra-op pool shares out the work of each operator in
     *       turn: a hand-over per operator, which a network this small feels (docs/BENCHMARKS.md, E1).</li>
     * </ul>
     */
    public enum Parallelism {
        BATCH,
        OPERATOR;

        /** @throws IllegalArgumentException naming the values there are */
        public static Parallelism parse(String name) {
            try {
                return valueOf(name.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "inference parallelism must be batch or operator, not '" + name + "'");
            }
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What a serving engine uses unless told otherwise (docs/BENCHMARKS.md, E1 and P1 say why), as flags spell it. */
    public static final String DEFAULT_PARALLELISM_NAME = "batch";

    public static final Parallelism DEFAULT_PARALLELISM = Parallelism.parse(DEFAULT_PARALLELISM_NAME);

    public OnnxSettings {
        if (threads < 1) {
            throw new IllegalArgumentException("inference threads must be at least 1, not " + threads);
        }
        if (parallelism == null) {
            throw new IllegalArgumentException("no inference parallelism given");
        }
    }

    /** One thread per core, the default parallelism, no spinning: the right choice inside a stream processor. */
    public static OnnxSettings forStreaming() {
        return new OnnxSettings(Runtime.getRuntime().availableProcessors(), DEFAULT_PARALLELISM, false);
    }

    public static OnnxSettings singleThreaded() {
        return new OnnxSettings(1, DEFAULT_PARALLELISM, false);
    }

    /** Threads in ONNX Runtime's own intra-op pool, the caller's included. */
    int intraOpThreads() {
        return parallelism == Parallelism.OPERATOR ? threads : 1;
    }

    /**
     * A part of a batch cut by {@link Parallelism#BATCH} holds at least this many images. Handing a
     * part to another thread wakes it, and each part pays ONNX Runtime's cost per call: with fewer
     * images a part costs more than it saves. Measured on a Zen 5 (docs/BENCHMARKS.md, P1): the
     * int8 engine cut into parts of one image ran 0.58-0.74x the images a second of one thread at
     * batch 2, in parts of two 0.72-0.94x at batch 4, in parts of four 1.06-1.33x at batch 8. Paced
     * traffic comes in batches that small, and there every wake-up is CPU that the broker and the
     * stream thread wait for. float32, twice the work per image, gains 1.05-1.45x from parts of one
     * or two; below four images it now runs on one thread too, for the same CPU's sake.
     */
    static final int MIN_PART_IMAGES = 4;

    /** Parts one batch of {@code images} is cut into: one per thread, each of at least {@link #MIN_PART_IMAGES}. */
    int parts(int images) {
        return parallelism == Parallelism.BATCH ? Math.max(1, Math.min(threads, images / MIN_PART_IMAGES)) : 1;
    }

    /** As people read it in logs and decisions: "2 threads by batch". */
    public String describe() {
        return threads
                + (threads == 1 ? " thread" : " threads by " + parallelism)
                + (spinning && intraOpThreads() > 1 ? ", spinning" : "");
    }
}
