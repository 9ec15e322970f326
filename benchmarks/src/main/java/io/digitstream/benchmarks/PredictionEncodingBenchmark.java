package io.digitstream.benchmarks;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.digitstream.schemas.message.Json;
import io.digitstream.schemas.message.Prediction;
import io.digitstream.schemas.message.PredictionCodec;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The stream thread's cost of writing one prediction: {@link PredictionCodec} (what the classifier
 * uses) against Jackson's data binding of the same record (what it used before). Scores are
 * nanoseconds per prediction, to set beside the pipeline's CPU per image (bench pipeline).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PredictionEncodingBenchmark {
    /** codec: the classifier's streaming writer; databind: Jackson's bean serializer. */
    @Param({"codec", "databind"})
    public String writer;

    private Prediction prediction;

    @Setup
    public void setUp() {
        // a float32 softmax, as the network gives it: every probability is exactly a float
        float[] logits = {-3.1f, 0.4f, 2.2f, -1.7f, 0.9f, -0.2f, -4.0f, 9.6f, 1.3f, 0.1f};
        double[] probabilities = new double[logits.length];
        float sum = 0;
        for (float logit : logits) {
            sum += (float) Math.exp(logit);
        }
        int best = 0;
        for (int i = 0; i < logits.length; i++) {
            probabilities[i] = (float) Math.exp(logits[i]) / sum;
            best = probabilities[i] > probabilities[best] ? i : best;
        }
        prediction = new Prediction(
                "r0-58213",
                best,
                probabilities[best],
                probabilities,
                "mnist-cnn",
                12L,
                best,
                1764336000000L,
                1764336000031L,
                64,
                false);
    }

    @Benchmark
    public byte[] encode() throws JsonProcessingException {
        return writer.equals("codec") ? PredictionCodec.encode(prediction) : Json.MAPPER.writeValueAsBytes(prediction);
    }
}
