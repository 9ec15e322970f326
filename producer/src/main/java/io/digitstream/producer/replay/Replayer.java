package io.digitstream.producer.replay;

import io.digitstream.cluster.KafkaConnection;
import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.mnist.image.MnistStyle;
import io.digitstream.schemas.message.Image;
import io.digitstream.schemas.message.ImageEvent;
import io.digitstream.schemas.message.ImageEventEncoding;
import io.digitstream.schemas.message.MessageSerdes;
import io.digitstream.schemas.topic.TopicSpecs;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** Sends labelled images to {@code digits-in} by a {@link ReplayPlan}, with an idempotent producer. */
public final class Replayer implements AutoCloseable {
    /** How long closing waits for images still in flight: within a stopping process's grace. */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    /** A producer's linger when it sends as fast as it can: Kafka's default, full batches, fewer requests. */
    public static final Duration FLOOD_LINGER = Duration.ofMillis(5);

    /**
     * A producer's linger when it sends at a low set rate, as a camera or a scanner does: an image
     * should not wait 5 ms for the few others that would come meanwhile.
     */
    public static final Duration PACED_LINGER = Duration.ofMillis(1);

    /**
     * From this rate on (images a second) a paced producer lingers as a flooding one does. Below
     * it, 1 ms: with the classifier in its own process as deployed, paced at 2,800-3,000 and at
     * 14,000-15,000 images a second, 1 ms of linger gave a p99 of 4-5 and 6-10 ms where 5 ms gave
     * 11 and 12 (docs/BENCHMARKS.md, P1). (With broker, classifier and producer sharing one JVM,
     * 5 ms had won at 9,000 a second: 18 against 78 ms.) Near 20,000 a second a replay is about a
     * flood on these machines, and batching as a flood does pays.
     */
    public static final double PACED_BATCHING_RATE = 20_000;

    /** Hears how the replay goes: after every image sent, so a listener that draws must pace itself. */
    public interface Progress {
        void sent(long sent, long total, double perSecond);
    }

    /** What a replay did. */
    public record Result(long sent, long failed, Duration elapsed) {
        public double perSecond() {
            return elapsed.isZero() ? 0 : sent / (elapsed.toNanos() / 1e9);
        }
    }

    private final Producer<String, ImageEvent> producer;
    private final String topic;

    public Replayer(String bootstrapServers, String topic) {
        this(KafkaConnection.to(bootstrapServers), topic);
    }

    public Replayer(KafkaConnection cluster, String topic) {
        this(cluster, topic, ImageEventEncoding.JSON);
    }

    /** Sending image events in this form (the classifier reads both), batched for throughput. */
    public Replayer(KafkaConnection cluster, String topic, ImageEventEncoding encoding) {
        this(cluster, topic, encoding, FLOOD_LINGER);
    }

    /**
     * Sending image events in this form, each batch waiting at most {@code linger} for more
     * ({@link #lingerFor(double)} picks it by rate); the cluster's client settings still win.
     */
    public Replayer(KafkaConnection cluster, String topic, ImageEventEncoding encoding, Duration linger) {
        this(
                new KafkaProducer<>(
                        producerConfig(cluster, linger),
                        new StringSerializer(),
                        MessageSerdes.imageEvent(encoding).serializer()),
                topic);
    }

    /** The linger for sending {@code rate} images a second (0: as fast as possible). */
    public static Duration lingerFor(double rate) {
        return rate > 0 && rate < PACED_BATCHING_RATE ? PACED_LINGER : FLOOD_LINGER;
    }

    Replayer(Producer<String, ImageEvent> producer, String topic) {
        this.producer = producer;
        this.topic = topic;
    }

    public static Map<String, Object> producerConfig(KafkaConnection cluster) {
        return producerConfig(cluster, FLOOD_LINGER);
    }

    static Map<String, Object> producerConfig(KafkaConnection cluster, Duration linger) {
        return cluster.clientConfig(Map.of(
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.LINGER_MS_CONFIG,
                (int) linger.toMillis(),
                ProducerConfig.BATCH_SIZE_CONFIG,
                256 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG,
                "lz4",
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                TopicSpecs.MAX_IMAGE_RECORD_BYTES,
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                30_000));
    }

    /**
     * Sends the plan's images and waits until every one is acknowledged. An interrupt of the calling
     * thread stops it early: what was sent is delivered when the replayer closes, within
     * {@link #CLOSE_TIMEOUT}, and the result counts it.
     *
     * @throws IllegalStateException when the broker refuses or does not answer
     */
    public Result replay(MnistDataset data, ReplayPlan plan, Progress progress) {
        if (plan.from() + plan.count() > data.size()) {
            throw new IllegalArgumentException("the data set has " + data.size() + " images; asked for " + plan.from()
                    + ".." + (plan.from() + plan.count() - 1));
        }
        int[] order = plan.order();
        long started = System.nanoTime();
        long interval = plan.rate() > 0 ? (long) (1e9 / plan.rate()) : 0;
        var failed = new AtomicLong();
        var firstError = new AtomicReference<Exception>();
        int sent = 0;
        // the first image the producer gives up on ends the replay: with the cluster gone, each send
        // would otherwise wait out max.block.ms on its own
        for (int i = 0; i < order.length && !Thread.currentThread().isInterrupted() && firstError.get() == null; i++) {
            if (interval > 0) {
                // pace against the start, not the previous send, so short stalls are caught up
                long due = started + i * interval;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
            int index = order[i];
            byte[] pixels = data.image(index);
            Image image = plan.png() ? new Image.Encoded(MnistStyle.toPng(pixels, 1, false)) : new Image.Pixels(pixels);
            String id = plan.idPrefix() + index;
            var event = new ImageEvent(id, image, data.label(index), System.currentTimeMillis());
            producer.send(new ProducerRecord<>(topic, id, event), (metadata, e) -> {
                if (e != null) {
                    failed.incrementAndGet();
                    firstError.compareAndSet(null, e);
                }
            });
            sent++;
            if (progress != null) {
                double seconds = (System.nanoTime() - started) / 1e9;
                progress.sent(i + 1, order.length, (i + 1) / Math.max(seconds, 1e-9));
            }
        }
        if (!Thread.currentThread().isInterrupted()) {
            producer.flush();
        }
        // stopped early: what is still in flight gets close()'s bounded wait, not flush's, which with
        // the broker gone would wait out the delivery timeout (two minutes)
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        if (firstError.get() != null) {
            throw new IllegalStateException(
                    failed.get() + " of " + sent + " images were not accepted by " + topic + ": "
                            + firstError.get().getMessage(),
                    firstError.get());
        }
        return new Result(sent, failed.get(), elapsed);
    }

    /** Sends what is still in flight, waiting at most {@link #CLOSE_TIMEOUT}. */
    @Override
    public void close() {
        producer.close(CLOSE_TIMEOUT);
    }
}
