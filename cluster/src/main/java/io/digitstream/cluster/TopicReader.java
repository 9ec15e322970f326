package io.digitstream.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a whole topic, from its beginning to the end it has when the reading starts: how a
 * process learns what a compacted topic holds (the trainer its newest version, a classifier its
 * high-water mark) before it acts.
 */
public final class TopicReader {
    private TopicReader() {}

    /**
     * Hands every record of {@code topic} to {@code each}, with a consumer that belongs to no group;
     * nothing for a topic that does not exist.
     *
     * @throws IllegalStateException when the topic cannot be read to its end within {@code timeout}
     * @throws org.apache.kafka.common.errors.TimeoutException when the cluster does not answer
     */
    public static <K, V> void readToEnd(
            org.apache.kafka.clients.consumer.Consumer<K, V> consumer,
            String topic,
            Duration timeout,
            Consumer<ConsumerRecord<K, V>> each) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        if (partitions.isEmpty()) {
            return; // no such topic (yet): nothing in it
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (partitions.stream().anyMatch(tp -> consumer.position(tp, timeout) < end.get(tp))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Could not read " + topic + " to its end within " + timeout);
            }
            consumer.poll(Duration.ofMillis(200)).forEach(each);
        }
    }
}
