package io.digitstream.console.draw;

import io.digitstream.cluster.KafkaConnection;
import io.digitstream.console.feed.FeedListener;
import io.digitstream.console.models.ModelCatalog;
import io.digitstream.mnist.image.MnistStyle;
import io.digitstream.model.network.FirstConvolution;
import io.digitstream.schemas.Decoded;
import io.digitstream.schemas.ErrorCode;
import io.digitstream.schemas.message.Image;
import io.digitstream.schemas.message.ImageEvent;
import io.digitstream.schemas.message.MessageSerdes;
import io.digitstream.schemas.message.Prediction;
import io.digitstream.schemas.topic.TopicNames;
import io.digitstream.schemas.topic.TopicSpecs;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Drawings from the page, sent into the pipeline like any image and answered from its output: the
 * console writes an image event to digits-in and completes the drawing's future when the feed reads
 * its prediction or its dead letter (by id), or says that no answer came in time.
 */
public final class Drawings implements FeedListener, AutoCloseable {
    /** The prefix of a drawing's image id, so its records are recognisable on every topic. */
    public static final String ID_PREFIX = "console-draw-";
    /** Drawings waiting for their answer at once; more are refused rather than queued. */
    public static final int MAX_WAITING = 64;
    /** How long an answer may wait for the console to finish checking the version that gave it. */
    private static final Duration FEATURE_MAP_WAIT = Duration.ofSeconds(5);

    private final TopicNames topics;
    private final ModelCatalog catalog;
    private final Duration timeout;
    private final LongSupplier clock;
    private final KafkaProducer<String, ImageEvent> producer;
    private final Map<String, Waiting> waiting = new ConcurrentHashMap<>();
    private final Semaphore slots = new Semaphore(MAX_WAITING);
    private final Semaphore decoding = new Semaphore(1);
    private final Function<byte[], Decoded<byte[]>> preprocess;

    private record Waiting(long sentAt, int[] input, CompletableFuture<DrawOutcome> outcome) {}

    public Drawings(
            KafkaConnection cluster, TopicNames topics, ModelCatalog catalog, Duration timeout, LongSupplier clock) {
        this(cluster, topics, catalog, timeout, clock, MnistStyle::fromEncoded);
    }

    /** @param preprocess what the classifier does to an encoded image (replaceable to watch it run, in tests) */
    Drawings(
            KafkaConnection cluster,
            TopicNames topics,
            ModelCatalog catalog,
            Duration timeout,
            LongSupplier clock,
            Function<byte[], Decoded<byte[]>> preprocess) {
        this.preprocess = preprocess;
        this.topics = topics;
        this.catalog = catalog;
        this.timeout = timeout;
        this.clock = clock;
        this.producer = new KafkaProducer<>(
                cluster.clientConfig(Map.of(
                        ProducerConfig.CLIENT_ID_CONFIG, "digitstream-console-drawings",
                        ProducerConfig.ACKS_CONFIG, "all",
                        ProducerConfig.LINGER_MS_CONFIG, 0,
                        // a page waits on this: fail the send well before the drawing times out
                        ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000,
                        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000,
                        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000)),
                new StringSerializer(),
                MessageSerdes.imageEvent().serializer());
    }

    /** Sends one PNG or JPEG; the future always completes, within the timeout and a few seconds. */
    public CompletableFuture<DrawOutcome> submit(byte[] image) {
        String id = ID_PREFIX + UUID.randomUUID();
        if (image == null || image.length == 0) {
            return CompletableFuture.completedFuture(
                    new DrawOutcome.NotSent(id, ErrorCode.NO_IMAGE.name(), "the request carried no image"));
        }
        if (image.length > TopicSpecs.MAX_ENCODED_IMAGE_BYTES) {
            return CompletableFuture.completedFuture(new DrawOutcome.NotSent(
                    id,
                    ErrorCode.IMAGE_TOO_LARGE.name(),
                    "the image is " + image.length + " bytes; the limit is " + TopicSpecs.MAX_ENCODED_IMAGE_BYTES));
        }
        // a slot is taken before the image is decoded, so at most MAX_WAITING decodes are ever
        // owed, and they run one at a time: a burst of large images cannot take every core and heap
        if (!slots.tryAcquire()) {
            return CompletableFuture.completedFuture(new DrawOutcome.NotSent(
                    id,
                    DrawOutcome.NotSent.BUSY,
                    MAX_WAITING + " drawings are waiting for their answers; try again in a moment"));
        }
        var outcome = new CompletableFuture<DrawOutcome>();
        outcome.whenComplete((result, error) -> slots.release());
        int[] input;
        try {
            input = seenByTheClassifier(image);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome.complete(new DrawOutcome.NotSent(id, DrawOutcome.NotSent.BUSY, "the console is shutting down"));
            return outcome;
        }

        long sentAt = clock.getAsLong();
        waiting.put(id, new Waiting(sentAt, input, outcome));
        outcome.completeOnTimeout(
                        new DrawOutcome.NoAnswer(
                                id,
                                timeout.toMillis(),
                                "no prediction or dead letter came back within " + timeout.toSeconds()
                                        + " s: is a classifier running, and has it a model?"),
                        timeout.toMillis(),
                        TimeUnit.MILLISECONDS)
                .whenComplete((result, error) -> waiting.remove(id));
        try {
            producer.send(
                    new ProducerRecord<>(
                            topics.digitsIn(), id, new ImageEvent(id, new Image.Encoded(image), null, sentAt)),
                    (metadata, error) -> {
                        if (error != null) {
                            outcome.complete(new DrawOutcome.NotSent(
                                    id,
                                    DrawOutcome.NotSent.SEND_FAILED,
                                    "could not write to " + topics.digitsIn() + ": " + error.getMessage()));
                        }
                    });
        } catch (RuntimeException e) {
            outcome.complete(new DrawOutcome.NotSent(
                    id,
                    DrawOutcome.NotSent.SEND_FAILED,
                    "could not write to " + topics.digitsIn() + ": " + e.getMessage()));
        }
        return outcome;
    }

    /** What the classifier will see: the same preprocessing, run here so the page can show it; null if refused. */
    private int[] seenByTheClassifier(byte[] image) throws InterruptedException {
        decoding.acquire();
        try {
            Decoded<byte[]> seen = preprocess.apply(image);
            return seen instanceof Decoded.Valid<byte[]> valid ? unsigned(valid.value()) : null;
        } finally {
            decoding.release();
        }
    }

    /** Drawings sent and not yet answered. */
    public int waiting() {
        return waiting.size();
    }

    /** Whether a prediction's id is a drawing's: the feed decodes those whole. */
    public static boolean isDrawing(String id) {
        return id != null && id.startsWith(ID_PREFIX);
    }

    @Override
    public void wholePrediction(Prediction prediction, long readAt) {
        if (!isDrawing(prediction.id())) {
            return;
        }
        Waiting drawing = waiting.get(prediction.id());
        if (drawing == null) {
            return; // another console's drawing, or one that timed out
        }
        long roundTrip = readAt - drawing.sentAt();
        // the feed's thread must not wait for the model check: finish the answer elsewhere
        catalog.firstConvolution(prediction.modelVersion())
                .copy()
                .completeOnTimeout(Optional.empty(), FEATURE_MAP_WAIT.toMillis(), TimeUnit.MILLISECONDS)
                .thenAccept(conv -> drawing.outcome()
                        .complete(new DrawOutcome.Predicted(
                                prediction.id(),
                                prediction.digit(),
                                prediction.confidence(),
                                prediction.uncertain(),
                                prediction.probabilities(),
                                prediction.modelVersion(),
                                roundTrip,
                                drawing.input(),
                                featureMaps(prediction.modelVersion(), conv, drawing.input()))));
    }

    private static FeatureMaps featureMaps(long version, Optional<FirstConvolution> conv, int[] input) {
        if (conv.isEmpty() || input == null) {
            return null;
        }
        byte[] grey = new byte[input.length];
        for (int i = 0; i < input.length; i++) {
            grey[i] = (byte) input[i];
        }
        return FeatureMaps.of(version, conv.get(), grey);
    }

    @Override
    public void deadLetter(String key, String code, String message, long recordTimestamp, long readAt) {
        if (!isDrawing(key)) {
            return;
        }
        Waiting drawing = waiting.get(key);
        if (drawing != null) {
            drawing.outcome()
                    .complete(new DrawOutcome.DeadLettered(
                            key, code, message, readAt - drawing.sentAt(), drawing.input()));
        }
    }

    private static int[] unsigned(byte[] grey) {
        int[] values = new int[grey.length];
        for (int i = 0; i < grey.length; i++) {
            values[i] = grey[i] & 0xFF;
        }
        return values;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        waiting.values()
                .forEach(w -> w.outcome().complete(new DrawOutcome.NoAnswer("", 0, "the console is shutting down")));
    }
}
