package io.digitstream.model.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.digitstream.model.engine.InferenceEngine;
import io.digitstream.model.engine.MnistTranslator;
import io.digitstream.schemas.Mnist;
import io.digitstream.schemas.snapshot.ModelOutput;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The serving engine: ONNX Runtime running a snapshot's graph once {@link OnnxGraph} has admitted it.
 * One ORT environment per process (a new one per reload leaks native memory, microsoft/onnxruntime#14641);
 * input buffers are direct and reused, so steady-state inference allocates only its results. Calls
 * from several threads run concurrently, as ORT sessions allow; with {@link OnnxSettings.Parallelism#BATCH}
 * one call cuts its batch into parts that run so too. Closing while a batch runs would
 * crash the JVM (microsoft/onnxruntime#21812): close waits for the batches in flight, and the model
 * registry only closes an engine once no batch holds it anyway.
 */
public final class OnnxEngine implements InferenceEngine {
    public static final String NAME = "onnx";

    private final String name;
    private final OrtSession session;
    private final String inputName;
    private final OnnxSettings settings;
    /** The graph gives logits: a softmax follows each run. */
    private final boolean logits;
    /** Calls hold the read lock (an ORT session runs concurrent calls), close the write lock. */
    private final ReadWriteLock running = new ReentrantReadWriteLock();
    /** Input buffers not in use: direct memory is slow to touch first, so calls reuse them. */
    private final ConcurrentLinkedDeque<FloatBuffer> idleInputs = new ConcurrentLinkedDeque<>();

    private boolean closed;
    /** How this engine came to serve, for the decision that admits it; set once, before it is handed out. */
    private volatile String note;

    /**
     * @param graph     the admitted graph, read from {@code onnxModel}
     * @param onnxModel the serialized graph ONNX Runtime loads
     */
    public OnnxEngine(OnnxGraph graph, byte[] onnxModel, OnnxSettings settings, ModelOutput output) {
        this(NAME, graph, onnxModel, settings, output);
    }

    /** @param name the engine's name in logs, metrics and decisions ({@code onnx-int8} for the derived graph) */
    OnnxEngine(String name, OnnxGraph graph, byte[] onnxModel, OnnxSettings settings, ModelOutput output) {
        this.name = name;
        this.inputName = graph.inputName();
        this.settings = settings;
        this.logits = output == ModelOutput.LOGITS;
        OrtEnvironment env = environment(); // first: it loads the native library
        try (var options = sessionOptions(settings)) {
            session = env.createSession(onnxModel, options);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime refused the graph: " + e.getMessage(), e);
        }
    }

    /** How every engine's session is set up; the caller closes the options once the session exists. */
    static OrtSession.SessionOptions sessionOptions(OnnxSettings settings) throws OrtException {
        var options = new OrtSession.SessionOptions();
        try {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setIntraOpNumThreads(settings.intraOpThreads());
            options.setInterOpNumThreads(1);
            options.addConfigEntry("session.intra_op.allow_spinning", settings.spinning() ? "1" : "0");
            // The int8 graph comes in QLinear form already. ONNX Runtime's QDQ passes would move its
            // QuantizeLinear above a float32 MaxPool and run that pool on uint8 in NCHW: 20x the pool's
            // time, and the int8 graph slower than float32 (docs/BENCHMARKS.md, E1). A float32 graph
            // has no QuantizeLinear for them to act on.
            options.addConfigEntry("session.disable_quant_qdq", "1");
            return options;
        } catch (OrtException | RuntimeException e) {
            options.close();
            throw e;
        }
    }

    /**
     * An engine on a graph of probabilities that must pass admission (benchmarks, tests).
     *
     * @throws IllegalArgumentException with admission's reason when it does not
     */
    public static OnnxEngine admitting(byte[] graph, OnnxSettings settings) {
        var admitted = OnnxGraph.admit(graph);
        if (admitted instanceof io.digitstream.schemas.Decoded.Invalid<OnnxGraph> refused) {
            throw new IllegalArgumentException(refused.code() + ": " + refused.reason());
        }
        return new OnnxEngine(admitted.orElseThrow(), graph, settings, ModelOutput.PROBABILITIES);
    }

    private static volatile OrtEnvironment environment;

    /**
     * The process's one ORT environment. Loading ONNX Runtime's native library takes more stack than
     * a default 1 MB Java thread may have left (seen here as a SIGSEGV with no hs_err file), so it is
     * created once on a thread of its own with a large stack.
     */
    static OrtEnvironment environment() {
        OrtEnvironment env = environment;
        if (env != null) {
            return env;
        }
        synchronized (OnnxEngine.class) {
            if (environment == null) {
                var created = new java.util.concurrent.atomic.AtomicReference<Throwable>();
                var loader = new Thread(
                        null,
                        () -> {
                            try {
                                environment = OrtEnvironment.getEnvironment();
                            } catch (Throwable e) {
                                created.set(e);
                            }
                        },
                        "onnxruntime-init",
                        64L * 1024 * 1024);
                loader.start();
                try {
                    loader.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while loading ONNX Runtime", e);
                }
                if (environment == null) {
                    throw new IllegalStateException("ONNX Runtime did not load", created.get());
                }
            }
            return environment;
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public java.util.Optional<String> note() {
        return java.util.Optional.ofNullable(note);
    }

    OnnxEngine noted(String note) {
        this.note = note;
        return this;
    }

    @Override
    public float[] predict(byte[] pixels, int count) {
        if (count < 1 || pixels.length < count * Mnist.PIXELS) {
            throw new IllegalArgumentException("need " + count + " images of " + Mnist.PIXELS + " pixels");
        }
        running.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("the model was closed");
            }
            float[] probabilities = new float[count * Mnist.CLASSES];
            int parts = settings.parts(count);
            if (parts == 1) {
                run(pixels, 0, count, probabilities);
            } else {
                runInParts(pixels, count, parts, probabilities);
            }
            if (logits) {
                softmaxRows(probabilities);
            }
            return probabilities;
        } finally {
            running.readLock().unlock();
        }
    }

    /**
     * The batch cut into {@code parts} runs at once: the first on the calling thread, the others
     * handed to {@link BatchHelpers}. A part no helper has started by the time the caller's own is
     * done, the caller runs itself, so a busy pool delays nothing. Returns only once every part has
     * finished: the caller holds the read lock that keeps the session open for all of them.
     */
    private void runInParts(byte[] pixels, int count, int parts, float[] probabilities) {
        List<FutureTask<Void>> others = new ArrayList<>(parts - 1);
        int ownSize = partSize(count, parts, 0);
        for (int part = 1, from = ownSize; part < parts; part++) {
            int size = partSize(count, parts, part);
            int start = from;
            var task = new FutureTask<Void>(() -> run(pixels, start, size, probabilities), null);
            others.add(task);
            BatchHelpers.execute(task);
            from += size;
        }
        RuntimeException failure = null;
        try {
            run(pixels, 0, ownSize, probabilities);
        } catch (RuntimeException e) {
            failure = e;
        }
        boolean interrupted = false;
        for (FutureTask<Void> task : others) {
            task.run(); // nothing if a helper has it already
            while (true) {
                try {
                    task.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // the part still runs on the session: wait for it all the same
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = e.getCause() instanceof RuntimeException r
                                ? r
                                : new IllegalStateException(e.getCause());
                    }
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Images in part {@code part} of {@code parts}: as equal as can be, the larger ones first. */
    static int partSize(int count, int parts, int part) {
        return count / parts + (part < count % parts ? 1 : 0);
    }

    /** Images {@code first .. first + count} through the graph, their outputs written into {@code probabilities} at their rows. */
    private void run(byte[] pixels, int first, int count, float[] probabilities) {
        FloatBuffer input = inputBuffer(count);
        try {
            MnistTranslator.input(pixels, first, count, input);
            input.flip();
            try (OnnxTensor tensor = OnnxTensor.createTensor(
                            environment(), input, new long[] {count, 1, Mnist.SIDE, Mnist.SIDE});
                    OrtSession.Result result = session.run(Map.of(inputName, tensor))) {
                FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
                if (out.remaining() != count * Mnist.CLASSES) {
                    throw new IllegalStateException("the graph gave " + out.remaining() + " values for " + count
                            + " images; " + Mnist.CLASSES + " per image are needed");
                }
                out.get(probabilities, first * Mnist.CLASSES, count * Mnist.CLASSES);
            } catch (OrtException e) {
                throw new IllegalStateException(
                        "ONNX Runtime failed on a batch of " + count + ": " + e.getMessage(), e);
            }
        } finally {
            idleInputs.push(input);
        }
    }

    /** Each row of ten logits turned into probabilities, in place; shifted by the row's maximum so exp cannot overflow. */
    static void softmaxRows(float[] values) {
        for (int row = 0; row < values.length; row += Mnist.CLASSES) {
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < Mnist.CLASSES; c++) {
                max = Math.max(max, values[row + c]);
            }
            double sum = 0;
            for (int c = 0; c < Mnist.CLASSES; c++) {
                sum += values[row + c] = (float) Math.exp(values[row + c] - max);
            }
            for (int c = 0; c < Mnist.CLASSES; c++) {
                values[row + c] /= (float) sum;
            }
        }
    }

    /** A direct input buffer of at least {@code count} images, cleared: a reused one when one is free and large enough. */
    private FloatBuffer inputBuffer(int count) {
        FloatBuffer buffer = idleInputs.poll();
        if (buffer == null || buffer.capacity() < count * Mnist.PIXELS) {
            int images = Math.max(count, buffer == null ? 0 : 2 * buffer.capacity() / Mnist.PIXELS);
            buffer = ByteBuffer.allocateDirect(images * Mnist.PIXELS * Float.BYTES)
                    .order(ByteOrder.nativeOrder())
                    .asFloatBuffer();
        }
        buffer.clear();
        return buffer;
    }

    /** Waits for the batches in flight, then closes the session: closing under a running batch crashes the JVM. */
    @Override
    public void close() {
        running.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                idleInputs.clear();
                session.close();
            }
        } catch (OrtException e) {
            throw new IllegalStateException("could not close the ONNX session", e);
        } finally {
            running.writeLock().unlock();
        }
    }
}
