package io.digitstream.classifier.stream;

import io.digitstream.classifier.metrics.ClassifierMetrics;
import io.digitstream.classifier.model.ModelRegistry;
import io.digitstream.mnist.image.MnistStyle;
import io.digitstream.model.engine.MnistTranslator;
import io.digitstream.model.snapshot.LoadedModel;
import io.digitstream.schemas.DeadLetter;
import io.digitstream.schemas.DeadLetterHeaders;
import io.digitstream.schemas.Decoded;
import io.digitstream.schemas.ErrorCode;
import io.digitstream.schemas.Mnist;
import io.digitstream.schemas.message.Image;
import io.digitstream.schemas.message.ImageEvent;
import io.digitstream.schemas.message.ImageEventCodec;
import io.digitstream.schemas.message.Prediction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dynamic batcher. Each accepted image goes into a changelogged buffer store before its
 * input offset can be committed, so a crash loses nothing: a restarted task finds the images in
 * the restored store and classifies them. The store's keys are slots, reused last-freed-first:
 * the store's cache keeps only each slot's latest state, so a commit writes at most one record
 * per slot in use (an image still waiting, or a tombstone) rather than an image and a tombstone
 * for every image that passed through. A batch runs when {@code maxBatch} images wait, or on
 * a wall-clock punctuation (stream-time would stall on an idle partition): the next one, at most a
 * millisecond later, when batching is adaptive (the default), else once the oldest has waited
 * {@code maxDelay}. A batch leases one model, so all its predictions carry one version.
 * Bad input never throws: it becomes a dead letter with a reason code.
 */
final class MicroBatchProcessor implements Processor<byte[], byte[], byte[], byte[]> {
    private static final Logger log = LoggerFactory.getLogger(MicroBatchProcessor.class);

    private final String inputTopic;
    private final String bufferStoreName;
    private final BatchSettings settings;
    private final ModelRegistry registry;
    private final ClassifierMetrics metrics;
    private final Serializer<Prediction> predictionSerializer;

    private ProcessorContext<byte[], byte[]> context;
    /** The durable buffer, slot to image: changelogged, restored after a crash. */
    private KeyValueStore<Long, PendingImage> buffer;
    /**
     * The same entries in arrival order, derived from the store at init and kept in step with it,
     * so taking a batch or looking at the oldest image never iterates the store (a cached store's
     * iterator copies its keys: too slow for every punctuation).
     */
    private final ArrayDeque<KeyValue<Long, PendingImage>> waiting = new ArrayDeque<>();
    /** Released slots below {@link #nextSlot}, the most recently freed on top. */
    private final ArrayDeque<Long> freeSlots = new ArrayDeque<>();

    private long nextSlot;
    private byte[] batchPixels;
    /** A prediction less confident than this is flagged uncertain. */
    private final double uncertainBelow;

    MicroBatchProcessor(
            String inputTopic,
            String bufferStoreName,
            BatchSettings settings,
            double uncertainBelow,
            ModelRegistry registry,
            ClassifierMetrics metrics,
            Serializer<Prediction> predictionSerializer) {
        this.inputTopic = inputTopic;
        this.bufferStoreName = bufferStoreName;
        this.settings = settings;
        this.uncertainBelow = uncertainBelow;
        this.registry = registry;
        this.metrics = metrics;
        this.predictionSerializer = predictionSerializer;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.buffer = context.getStateStore(bufferStoreName);
        this.batchPixels = new byte[settings.maxBatch() * Mnist.PIXELS];
        // a restored buffer: what waits, in arrival order (a task reads one partition, so offset
        // order). New slots start above the highest restored one; gaps below it stay unused (a
        // buffer written with a key per image can have keys in the millions), and restored slots
        // are reused once their images are done.
        List<KeyValue<Long, PendingImage>> restored = new ArrayList<>();
        try (KeyValueIterator<Long, PendingImage> it = buffer.all()) {
            it.forEachRemaining(restored::add);
        }
        restored.sort(Comparator.comparingLong((KeyValue<Long, PendingImage> e) -> e.value.offset())
                .thenComparingLong(e -> e.value.bufferedAt()));
        waiting.addAll(restored);
        for (KeyValue<Long, PendingImage> entry : restored) {
            nextSlot = Math.max(nextSlot, entry.key + 1);
        }
        if (!waiting.isEmpty()) {
            log.info(
                    "Task {} restored {} buffered images; they are classified first", context.taskId(), waiting.size());
        }
        Duration tick = settings.adaptive()
                ? BatchSettings.ADAPTIVE_TICK
                : Duration.ofMillis(Math.max(1, settings.maxDelay().toMillis() / 2));
        context.schedule(tick, PunctuationType.WALL_CLOCK_TIME, this::onTick);
    }

    @Override
    public void close() {
        if (!waiting.isEmpty()) {
            log.info(
                    "Task {} closing with {} images buffered: they stay in the buffer's changelog (or their offsets"
                            + " stay uncommitted), so whoever takes the task over classifies them",
                    context.taskId(),
                    waiting.size());
        }
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        Decoded<PendingImage> accepted =
                ImageEventCodec.decode(key, record.headers(), record.value()).flatMap(this::toPending);
        if (accepted instanceof Decoded.Invalid<PendingImage> invalid) {
            deadLetter(record, invalid.code(), invalid.reason());
            return;
        }
        if (registry.servingVersion().isEmpty()) {
            if (settings.noModelPolicy() == NoModelPolicy.DEAD_LETTER) {
                deadLetter(record, ErrorCode.NO_MODEL, "no model is loaded yet (no-model policy: dead-letter)");
                return;
            }
            if (waiting.size() >= settings.maxPending()) {
                deadLetter(
                        record, ErrorCode.NO_MODEL, waiting.size() + " images already wait for a model (max-pending)");
                return;
            }
        }
        long slot = freeSlots.isEmpty() ? nextSlot++ : freeSlots.pop();
        PendingImage image = accepted.orElseThrow();
        buffer.put(slot, image);
        waiting.add(KeyValue.pair(slot, image));
        while (waiting.size() >= settings.maxBatch() && runBatch()) {
            // full batches run at once
        }
    }

    private Decoded<PendingImage> toPending(ImageEvent event) {
        Decoded<byte[]> pixels = pixelsOf(event);
        Optional<RecordMetadata> metadata = context.recordMetadata();
        int partition = metadata.map(RecordMetadata::partition).orElse(-1);
        long offset = metadata.map(RecordMetadata::offset).orElse(-1L);
        long now = context.currentSystemTimeMs();
        return pixels.map(
                grey -> new PendingImage(event.id(), grey, event.label(), event.sentAt(), now, partition, offset));
    }

    /** An event's image as MNIST-style grey pixels: as sent, or decoded and brought to MNIST style. */
    static Decoded<byte[]> pixelsOf(ImageEvent event) {
        if (event.image() instanceof Image.Pixels raw) {
            return Decoded.valid(raw.grey());
        }
        return MnistStyle.fromEncoded(((Image.Encoded) event.image()).bytes());
    }

    private void onTick(long now) {
        KeyValue<Long, PendingImage> first = waiting.peekFirst();
        if (first == null) {
            return;
        }
        PendingImage oldest = first.value;
        if (registry.servingVersion().isPresent()) {
            // Kafka Streams punctuates between the chunks of records it processes: a tick comes
            // once the thread has handled what it had, so an adaptive batcher runs what waits
            if (settings.adaptive()
                    || now - oldest.bufferedAt() >= settings.maxDelay().toMillis()) {
                while (!waiting.isEmpty() && runBatch()) {
                    // drain everything that waits: it is all at least as urgent as a new arrival
                }
            }
        } else if (now - oldest.bufferedAt() >= settings.noModelTimeout().toMillis()) {
            expireWaitingForModel(now);
        }
    }

    /** Runs one batch of up to maxBatch images. Returns false when no model is available. */
    private boolean runBatch() {
        Optional<ModelRegistry.Lease> leased = registry.lease();
        if (leased.isEmpty()) {
            return false;
        }
        try (ModelRegistry.Lease lease = leased.get()) {
            List<KeyValue<Long, PendingImage>> batch = take(settings.maxBatch());
            int n = batch.size();
            if (n == 0) {
                return false;
            }
            for (int i = 0; i < n; i++) {
                System.arraycopy(batch.get(i).value.pixels(), 0, batchPixels, i * Mnist.PIXELS, Mnist.PIXELS);
            }
            LoadedModel model = lease.model();
            float[] probabilities;
            long started = System.nanoTime();
            try {
                probabilities = model.engine().predict(batchPixels, n);
            } catch (RuntimeException e) {
                log.error(
                        "Inference failed for a batch of {} on {}; the images go to the dead-letter topic",
                        n,
                        model.label(),
                        e);
                for (KeyValue<Long, PendingImage> entry : batch) {
                    deadLetter(entry.value, ErrorCode.INFERENCE_FAILED, model.label() + " failed: " + e.getMessage());
                    release(entry.key);
                }
                return true;
            }
            metrics.batch(n, System.nanoTime() - started);
            // the clock itself: the stream thread's cached time was read before this batch's inference,
            // and latency measured from it would leave the inference out
            long emittedAt = System.currentTimeMillis();
            for (int i = 0; i < n; i++) {
                KeyValue<Long, PendingImage> entry = batch.get(i);
                Prediction prediction = prediction(
                        entry.value, probabilities, i, model.name(), model.version(), n, emittedAt, uncertainBelow);
                if (prediction.label() != null) {
                    metrics.labelled(prediction.modelVersion(), prediction.correct());
                }
                byte[] key = entry.value.id().getBytes(StandardCharsets.UTF_8);
                context.forward(
                        new Record<>(key, predictionSerializer.serialize(null, prediction), emittedAt),
                        ClassifierTopology.PREDICTIONS_SINK);
                release(entry.key);
            }
            return true;
        }
    }

    static Prediction prediction(
            PendingImage image,
            float[] probabilities,
            int index,
            String modelName,
            long modelVersion,
            int batchSize,
            long emittedAt,
            double uncertainBelow) {
        MnistTranslator.Reading reading = MnistTranslator.read(probabilities, index);
        return new Prediction(
                image.id(),
                reading.digit(),
                reading.confidence(),
                reading.probabilities(),
                modelName,
                modelVersion,
                image.label(),
                image.sentAt(),
                emittedAt,
                batchSize,
                // in float32, the network's precision: a reader parsing the written confidence as a
                // float sees the same comparison
                (float) reading.confidence() < (float) uncertainBelow);
    }

    private void expireWaitingForModel(long now) {
        while (!waiting.isEmpty()
                && now - waiting.peekFirst().value.bufferedAt()
                        >= settings.noModelTimeout().toMillis()) {
            KeyValue<Long, PendingImage> entry = waiting.pollFirst();
            deadLetter(entry.value, ErrorCode.NO_MODEL, "no model was loaded within " + settings.noModelTimeout());
            release(entry.key);
        }
    }

    /** An image is done with: its slot is emptied and will be the next one filled. */
    private void release(long slot) {
        // put(slot, null) deletes as delete(slot) does, without reading and decoding the old image
        // to return it (a copy of its pixels per image, for nothing)
        buffer.put(slot, null);
        freeSlots.push(slot);
    }

    /** Takes up to {@code max} of the oldest waiting images off the in-memory queue (the caller releases their slots). */
    private List<KeyValue<Long, PendingImage>> take(int max) {
        List<KeyValue<Long, PendingImage>> batch = new ArrayList<>(Math.min(max, waiting.size()));
        while (!waiting.isEmpty() && batch.size() < max) {
            batch.add(waiting.pollFirst());
        }
        return batch;
    }

    /** A refused input record: original key and value untouched (unless too large), reasons in headers. */
    private void deadLetter(Record<byte[], byte[]> record, ErrorCode code, String reason) {
        Optional<RecordMetadata> metadata = context.recordMetadata();
        DeadLetter letter = DeadLetter.of(
                record.key(),
                record.value(),
                record.headers(),
                code,
                reason,
                metadata.map(RecordMetadata::topic).orElse(""),
                metadata.map(RecordMetadata::partition).orElse(-1),
                metadata.map(RecordMetadata::offset).orElse(-1L));
        context.forward(
                new Record<>(letter.key(), letter.value(), record.timestamp(), letter.headers()),
                ClassifierTopology.DEAD_LETTER_SINK);
        metrics.deadLetter(code);
        log.debug("Dead letter {}: {}", code, reason);
    }

    /**
     * An accepted image that could not be classified. Its original bytes were not kept (the buffer
     * holds decoded pixels), so the value is the event in canonical form, ready to be replayed.
     */
    private void deadLetter(PendingImage image, ErrorCode code, String reason) {
        var event = new ImageEvent(image.id(), new Image.Pixels(image.pixels()), image.label(), image.sentAt());
        Headers headers = new RecordHeaders();
        DeadLetterHeaders.write(headers, code, reason, inputTopic, image.partition(), image.offset());
        context.forward(
                new Record<>(
                        image.id().getBytes(StandardCharsets.UTF_8),
                        ImageEventCodec.encode(event),
                        context.currentSystemTimeMs(),
                        headers),
                ClassifierTopology.DEAD_LETTER_SINK);
        metrics.deadLetter(code);
    }
}
