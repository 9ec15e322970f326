package io.digitstream.producer.images;

import io.digitstream.cluster.KafkaConnection;
import io.digitstream.mnist.image.MnistStyle;
import io.digitstream.producer.replay.Replayer;
import io.digitstream.schemas.Decoded;
import io.digitstream.schemas.message.Image;
import io.digitstream.schemas.message.ImageEvent;
import io.digitstream.schemas.message.MessageSerdes;
import io.digitstream.schemas.message.Prediction;
import io.digitstream.schemas.topic.TopicNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends a user's own PNG/JPEG files to {@code digits-in} and waits for their predictions, matched
 * by id. Each file succeeds or fails on its own: a missing file or a non-image is reported and the
 * rest are still sent. The files are checked locally with the same preprocessing the classifier
 * applies, so a bad file is named here rather than only in the dead-letter topic.
 */
public final class ImageSender {

    /** The outcome for one file. */
    public sealed interface Outcome permits Predicted, Failed {
        Path file();
    }

    public record Predicted(Path file, String id, Prediction prediction) implements Outcome {}

    public record Failed(Path file, String reason) implements Outcome {}

    private final KafkaConnection cluster;
    private final TopicNames topics;

    public ImageSender(String bootstrapServers, TopicNames topics) {
        this(KafkaConnection.to(bootstrapServers), topics);
    }

    public ImageSender(KafkaConnection cluster, TopicNames topics) {
        this.cluster = cluster;
        this.topics = topics;
    }

    /** Sends every readable image, then waits up to {@code timeout} for the predictions; in file order. */
    public List<Outcome> send(List<Path> files, Duration timeout) {
        Map<Path, Outcome> outcomes = new LinkedHashMap<>();
        Map<String, Path> waiting = new LinkedHashMap<>();
        try (var consumer = new KafkaConsumer<>(
                        cluster.clientConfig(Map.of(
                                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                                false,
                                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                                (int) Math.min(timeout.toMillis(), 60_000))),
                        new StringDeserializer(),
                        MessageSerdes.prediction().deserializer());
                var producer = new KafkaProducer<>(
                        Replayer.producerConfig(cluster),
                        new StringSerializer(),
                        MessageSerdes.imageEvent().serializer())) {
            // start reading predictions before sending, so none can be missed
            List<TopicPartition> partitions = consumer.partitionsFor(topics.predictionsOut(), timeout).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(p -> consumer.position(p, timeout));

            for (Path file : files) {
                outcomes.put(file, null);
                byte[] bytes;
                try {
                    bytes = Files.readAllBytes(file);
                } catch (NoSuchFileException e) {
                    outcomes.put(file, new Failed(file, "no such file"));
                    continue;
                } catch (IOException e) {
                    outcomes.put(file, new Failed(file, "cannot read it: " + e.getMessage()));
                    continue;
                }
                if (MnistStyle.fromEncoded(bytes) instanceof Decoded.Invalid<byte[]> invalid) {
                    outcomes.put(file, new Failed(file, invalid.code() + ": " + invalid.reason()));
                    continue;
                }
                String id =
                        file.getFileName() + "-" + UUID.randomUUID().toString().substring(0, 8);
                var event = new ImageEvent(id, new Image.Encoded(bytes), null, System.currentTimeMillis());
                try {
                    producer.send(new ProducerRecord<>(topics.digitsIn(), id, event))
                            .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    waiting.put(id, file);
                } catch (ExecutionException | TimeoutException e) {
                    outcomes.put(
                            file,
                            new Failed(
                                    file,
                                    "not accepted by " + topics.digitsIn() + ": "
                                            + (e.getCause() == null ? e : e.getCause()).getMessage()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    outcomes.put(file, new Failed(file, "interrupted"));
                }
            }

            long deadline = System.nanoTime() + timeout.toNanos();
            while (!waiting.isEmpty() && System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    Path file = waiting.remove(record.key());
                    if (file != null && record.value() != null) {
                        outcomes.put(file, new Predicted(file, record.key(), record.value()));
                    }
                }
            }
            waiting.forEach((id, file) -> outcomes.put(
                    file,
                    new Failed(
                            file,
                            "sent as " + id + " but no prediction came within " + timeout
                                    + " (is a classifier running? see " + topics.deadLetters() + ")")));
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            for (Path file : files) {
                outcomes.putIfAbsent(file, null);
                if (outcomes.get(file) == null || waiting.containsValue(file)) {
                    outcomes.put(
                            file,
                            new Failed(
                                    file,
                                    "the Kafka cluster at " + cluster.bootstrapServers() + " did not answer: "
                                            + e.getMessage()));
                }
            }
        }
        return new ArrayList<>(outcomes.values());
    }
}
