package io.digitstream.cluster;

import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/** What every Kafka Streams application of digitstream (the classifier, the accuracy application) sets alike. */
public final class StreamsDefaults {
    private StreamsDefaults() {}

    /**
     * Processing exceptions in global state go to the processing exception handler: Kafka 5's
     * default, set now. Kafka Streams 4.4 reads its configuration again from the main consumer's
     * settings (for the partition assignor) and warns at every start that this is off unless the
     * consumer's settings say so too, so both get it.
     */
    public static void handleGlobalProcessingExceptions(Properties props) {
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        props.put(
                StreamsConfig.mainConsumerPrefix(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG),
                true);
    }

    /**
     * Stops {@code streams} within {@code timeout}, leaving its consumer group. Kafka Streams stays
     * in the group on close by default, to spare a rolling restart a rebalance; then a stopped
     * instance's partitions wait for its session to time out (45 s) before another instance takes
     * them, and its successor's start waits as long. These applications' state is small, so the
     * extra rebalance is the cheaper cost.
     *
     * @return whether every thread stopped in time
     */
    public static boolean closeLeavingGroup(KafkaStreams streams, Duration timeout) {
        return streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(timeout));
    }
}
