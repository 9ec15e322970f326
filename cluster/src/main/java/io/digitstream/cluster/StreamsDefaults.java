package io.digitstream.cluster;

import java.util.Properties;
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
}
