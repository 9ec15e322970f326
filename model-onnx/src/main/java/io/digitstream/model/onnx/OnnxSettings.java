package io.digitstream.model.onnx;

/**
 * How ONNX Runtime runs a session.
 *
 * @param intraOpThreads threads that share the work of one operator (the caller's thread included)
 * @param spinning       whether idle intra-op threads spin for the next operator instead of sleeping.
 *                       Measured here (docs/BENCHMARKS.md): spinning makes the engine alone faster,
 *                       most at batch 1, and makes the whole pipeline slower, since the spinning
 *                       thread takes the core the Kafka threads of the same process need between batches
 */
public record OnnxSettings(int intraOpThreads, boolean spinning) {
    public OnnxSettings {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intra-op threads must be at least 1, not " + intraOpThreads);
        }
    }

    /** One thread per core, no spinning: the right choice inside a stream processor. */
    public static OnnxSettings forStreaming() {
        return new OnnxSettings(Runtime.getRuntime().availableProcessors(), false);
    }

    public static OnnxSettings singleThreaded() {
        return new OnnxSettings(1, false);
    }
}
