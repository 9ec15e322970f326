package io.digitstream.accuracy;

import static org.assertj.core.api.Assertions.assertThat;

import io.digitstream.cluster.KafkaConnection;
import io.digitstream.schemas.message.AccuracyReport;
import io.digitstream.schemas.message.MessageSerdes;
import io.digitstream.schemas.message.Prediction;
import io.digitstream.schemas.topic.TopicNames;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;

class AccuracyTopologyTest {
    private static final TopicNames TOPICS = TopicNames.DEFAULTS;

    private static Prediction prediction(String id, int digit, Integer label, long version, long latency) {
        double[] p = new double[10];
        p[digit] = 1.0;
        return new Prediction(id, digit, 1.0, p, "mnist-cnn", version, label, 1000L, 1000L + latency, 8, false);
    }

    @Test
    void accuracyIsTalliedPerModelVersionOverLabelledPredictionsOnly() {
        var props = AccuracyTopology.streamsProperties(
                KafkaConnection.to("unused:9092"), "accuracy-test", Path.of("/tmp/unused"));
        try (var driver = new TopologyTestDriver(AccuracyTopology.build(TOPICS, 4), props)) {
            var in = driver.createInputTopic(
                    TOPICS.predictionsOut(),
                    new StringSerializer(),
                    MessageSerdes.prediction().serializer());
            var out = driver.createOutputTopic(
                    TOPICS.accuracyOut(),
                    new StringDeserializer(),
                    MessageSerdes.accuracyReport().deserializer());

            in.pipeInput("a", prediction("a", 3, 3, 1, 5));
            in.pipeInput("b", prediction("b", 4, 9, 1, 7));
            in.pipeInput("c", prediction("c", 1, null, 1, 2)); // unlabelled: not scored
            in.pipeInput("d", prediction("d", 7, 7, 2, 3));
            for (int i = 0; i < 5; i++) { // fills v1's window of 4 with hits
                in.pipeInput("e" + i, prediction("e" + i, 2, 2, 1, 100));
            }

            Map<String, AccuracyReport> latest = out.readKeyValuesToMap();
            AccuracyReport v1 = latest.get("1");
            assertThat(v1.seen()).isEqualTo(7);
            assertThat(v1.correct()).isEqualTo(6);
            assertThat(v1.accuracy()).isEqualTo(6.0 / 7);
            assertThat(v1.windowSeen()).isEqualTo(4);
            assertThat(v1.windowCorrect()).isEqualTo(4);
            assertThat(v1.latencyP50Ms()).isEqualTo(100.0);
            assertThat(v1.latencyP99Ms()).isEqualTo(100.0);
            AccuracyReport v2 = latest.get("2");
            assertThat(v2.seen()).isEqualTo(1);
            assertThat(v2.accuracy()).isEqualTo(1.0);
            assertThat(v2.modelName()).isEqualTo("mnist-cnn");
        }
    }

    @Test
    void latencyBucketsAreFineWhereLatenciesAreSmall() {
        assertThat(AccuracyState.lowerBound(AccuracyState.bucket(7))).isEqualTo(7.0);
        assertThat(AccuracyState.lowerBound(AccuracyState.bucket(137))).isEqualTo(130.0);
        assertThat(AccuracyState.lowerBound(AccuracyState.bucket(2_345))).isEqualTo(2_300.0);
        assertThat(AccuracyState.lowerBound(AccuracyState.bucket(9_999))).isEqualTo(9_900.0);
        assertThat(AccuracyState.bucket(60_000)).isEqualTo(AccuracyState.LATENCY_BUCKETS - 1);
    }

    @Test
    void theBoardKeepsTheNewestReportOfEachVersion() {
        var board = new AccuracyBoard();
        board.update(new AccuracyReport("m", 1L, 10L, 9L, 4, 4, 4, null, null, 1L));
        board.update(new AccuracyReport("m", 1L, 5L, 5L, 4, 4, 4, null, null, 2L)); // late, older
        board.update(new AccuracyReport("m", 2L, 3L, 1L, 4, 3, 1, 2.0, 9.0, 3L));

        assertThat(board.reports().get(1L).seen()).isEqualTo(10);
        assertThat(board.totalSeen()).isEqualTo(13);
        assertThat(board.render())
                .contains("v1")
                .contains("90.00%")
                .contains("v2")
                .contains("33.33%");
    }
}
