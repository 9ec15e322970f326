package io.digitstream.benchmarks.pipeline;

import io.digitstream.classifier.Classifier;
import io.digitstream.classifier.ClassifierSettings;
import io.digitstream.schemas.message.Prediction;
import io.digitstream.schemas.message.PredictionCodec;
import io.digitstream.schemas.topic.TopicNames;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The limit any Kafka Streams classifier on this machine could reach: the same records from
 * digits-in, on the same broker and partitions, with the classifier's own Streams configuration,
 * turned into a record of a prediction's size each without decoding anything.
 */
final class PassThrough implements AutoCloseable {
    private final KafkaStreams streams;

    private PassThrough(KafkaStreams streams) {
        this.streams = streams;
    }

    /** What the pass-through writes for every image: a real prediction's bytes, so the output weighs the same. */
    static byte[] predictionSizedValue() {
        double[] probabilities = {1.2e-7, 3.4e-6, 0.0010581, 2.2e-5, 1.1e-6, 4.5e-7, 2.1e-9, 0.9981203, 1.5e-5, 7.8e-4};
        return PredictionCodec.encode(new Prediction(
                "r0-1234", 7, 0.9981203, probabilities, "mnist-cnn", 1L, 7, 1764336000000L, 1764336000031L, 64, false));
    }

    static Topology topology(TopicNames topics) {
        byte[] value = predictionSizedValue();
        var builder = new StreamsBuilder();
        builder.stream(
                        topics.digitsIn(),
                        Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("images"))
                .mapValues(image -> value, Named.as("as-prediction"))
                .to(
                        topics.predictionsOut(),
                        Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("predictions"));
        return builder.build();
    }

    /** Started with the classifier's configuration (these settings' application id), running. */
    static PassThrough start(ClassifierSettings settings) throws InterruptedException {
        Properties props = Classifier.streamsProperties(settings);
        var streams = new KafkaStreams(topology(settings.topics()), props);
        streams.start();
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline) {
                streams.close(Duration.ofSeconds(5));
                throw new IllegalStateException("the pass-through did not start within a minute");
            }
            Thread.sleep(20);
        }
        return new PassThrough(streams);
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(10));
    }
}
