package io.digitstream.classifier;

import io.digitstream.classifier.stream.BatchSettings;
import io.digitstream.model.engine.EngineChoice;
import io.digitstream.schemas.topic.TopicNames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Everything one classifier instance needs to know.
 *
 * @param processingGuarantee {@code at_least_once} or {@code exactly_once_v2}
 * @param partitions          partitions of digits-in, predictions-out and digits-dlq if this instance creates them
 * @param createTopics        create missing topics at start-up
 * @param startupTimeout      how long to wait for the cluster at start-up before giving up
 * @param streamsOverrides    any further Kafka Streams properties, applied last
 */
public record ClassifierSettings(String bootstrapServers, String applicationId, TopicNames topics, String modelName,
                                 BatchSettings batch, String processingGuarantee, int streamThreads, Path stateDir,
                                 EngineChoice engine, int partitions, boolean createTopics, Duration startupTimeout,
                                 Map<String, Object> streamsOverrides) {
    public static final String DEFAULT_APPLICATION_ID = "digitstream-classifier";
    public static final String DEFAULT_MODEL_NAME = "mnist-cnn";
}
