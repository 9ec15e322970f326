package io.digitstream.classifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.digitstream.classifier.stream.BatchSettings;
import io.digitstream.classifier.stream.TrafficWarmUp;
import io.digitstream.cluster.KafkaConnection;
import io.digitstream.cluster.TopicAdmin;
import io.digitstream.kafka.embedded.EmbeddedKafka;
import io.digitstream.kafka.embedded.SaslUsers;
import io.digitstream.mnist.data.MnistFixture;
import io.digitstream.producer.replay.ReplayPlan;
import io.digitstream.producer.replay.Replayer;
import io.digitstream.publish.SnapshotPublisher;
import io.digitstream.schemas.message.Prediction;
import io.digitstream.schemas.topic.TopicLayout;
import io.digitstream.schemas.topic.TopicNames;
import io.digitstream.schemas.topic.TopicSpecs;
import io.digitstream.testing.BrokerTest;
import io.digitstream.testing.KafkaTestSupport;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline on a cluster that authenticates everyone (SASL/SCRAM) and authorizes every request
 * by ACL, each part as its own principal with only what it needs: the classifier reads images and
 * snapshots and writes predictions, dead letters, decisions and its own internal topics; only the
 * trainer writes snapshots; the producer writes images and nothing else. What is not allowed is
 * refused, and predictions keep flowing.
 */
@BrokerTest
class ClassifierOnSecuredClusterTest {
    private static final String APPLICATION_ID = "secured-classifier";
    private static final SaslUsers USERS = SaslUsers.of(
            "admin-secret",
            Map.of("classifier", "classifier-secret", "trainer", "trainer-secret", "producer", "producer-secret"));

    @TempDir
    Path work;

    @Test
    void eachPrincipalMayDoItsJobOnlyAndTheStrangerNothing() throws Exception {
        TopicNames topics = TopicNames.DEFAULTS;
        try (EmbeddedKafka kafka = EmbeddedKafka.secured(USERS).start();
                Admin admin = Admin.create(clientConfig(kafka, "admin"))) {
            TopicAdmin.ensureTopics(admin, TopicSpecs.all(topics, TopicLayout.DEFAULT), Duration.ofSeconds(30));
            List<AclBinding> acls = acls(topics);
            admin.createAcls(acls).all().get();
            // the broker applies new ACLs from the cluster's metadata a moment after the controller commits them
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> admin.describeAcls(AclBindingFilter.ANY)
                                    .values()
                                    .get()
                                    .size()
                            >= acls.size());

            // the trainer publishes a signed model; the classifier (as itself) serves it
            try (var publisher = new SnapshotPublisher(connection(kafka, "trainer"), topics, Duration.ofSeconds(30))) {
                var snapshot = TestModels.modelSnapshot(1, TestModels.WELL_TRAINED);
                publisher.publish(
                        snapshot, io.digitstream.schemas.snapshot.SnapshotCodec.encode(snapshot, TestModels.KEY));
            }
            var settings = TestModels.settings(connection(kafka, "classifier"))
                    .optApplicationId(APPLICATION_ID)
                    .optTopics(topics)
                    .optBatch(BatchSettings.DEFAULTS.withMaxBatch(16))
                    .optStateDir(work.resolve("state"))
                    .optStartupTimeout(Duration.ofSeconds(60))
                    .build();
            try (var classifier = Classifier.start(settings, new SimpleMeterRegistry());
                    var producer = new Replayer(connection(kafka, "producer"), topics.digitsIn());
                    var reader = KafkaTestSupport.predictionReader(
                            kafka.bootstrapServers(), topics, kafka.adminSettings())) {
                // its warm-up's topics and group fall under the classifier's prefix ACLs
                assertThat(classifier.trafficWarmUp())
                        .hasValueSatisfying(
                                outcome -> assertThat(outcome).isInstanceOf(TrafficWarmUp.Outcome.Warmed.class));
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> classifier.models().servingVersion().isPresent());
                producer.replay(MnistFixture.test(), new ReplayPlan(0, 100, null, 0, false, "before-"), null);
                Set<String> predicted = new HashSet<>();
                await().atMost(Duration.ofSeconds(60)).until(() -> read(reader, predicted) >= 100);

                // the producer's principal may not change the model
                try (var rogue = new KafkaProducer<>(
                        clientConfig(kafka, "producer"), new StringSerializer(), new ByteArraySerializer())) {
                    assertThatThrownBy(() -> rogue.send(new ProducerRecord<>(
                                            topics.modelSnapshots(), TestModels.MODEL, TestModels.snapshot(2)))
                                    .get())
                            .isInstanceOf(ExecutionException.class)
                            .hasCauseInstanceOf(TopicAuthorizationException.class);
                }
                // nobody gets in without credentials, nor with wrong ones
                Map<String, Object> anonymous = new HashMap<>(Map.of(
                        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000,
                        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000));
                try (Admin stranger = Admin.create(anonymous)) {
                    assertThatThrownBy(() -> stranger.listTopics().names().get())
                            .isInstanceOf(ExecutionException.class);
                }
                Map<String, Object> wrongPassword = new HashMap<>(anonymous);
                wrongPassword.putAll(SaslUsers.of("not-the-password", Map.of()).clientSettings("admin"));
                try (Admin impostor = Admin.create(wrongPassword)) {
                    assertThatThrownBy(() -> impostor.listTopics().names().get())
                            .hasCauseInstanceOf(SaslAuthenticationException.class);
                }

                // and predictions keep flowing, still from the model the trainer published
                producer.replay(MnistFixture.test(), new ReplayPlan(100, 100, null, 0, false, "after-"), null);
                await().atMost(Duration.ofSeconds(60)).until(() -> read(reader, predicted) >= 200);
                assertThat(classifier.models().servingVersion()).contains(1L);
            }
        }
    }

    private static int read(KafkaConsumer<String, Prediction> reader, Set<String> predicted) {
        reader.poll(Duration.ofMillis(200)).forEach(r -> predicted.add(r.key()));
        return predicted.size();
    }

    private static KafkaConnection connection(EmbeddedKafka kafka, String user) {
        return new KafkaConnection(kafka.bootstrapServers(), USERS.clientSettings(user));
    }

    private static Map<String, Object> clientConfig(EmbeddedKafka kafka, String user) {
        Map<String, Object> config = new HashMap<>(USERS.clientSettings(user));
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        return config;
    }

    /** What each principal may do: its job, and nothing else. */
    private static List<AclBinding> acls(TopicNames topics) {
        List<AclBinding> acls = new ArrayList<>();
        // the classifier: read images and snapshots, write what it produces, own its internal topics and group
        allow(
                acls,
                "classifier",
                ResourceType.TOPIC,
                topics.digitsIn(),
                PatternType.LITERAL,
                AclOperation.READ,
                AclOperation.DESCRIBE);
        allow(
                acls,
                "classifier",
                ResourceType.TOPIC,
                topics.modelSnapshots(),
                PatternType.LITERAL,
                AclOperation.READ,
                AclOperation.DESCRIBE);
        for (String output : List.of(topics.predictionsOut(), topics.deadLetters(), topics.modelDecisions())) {
            allow(
                    acls,
                    "classifier",
                    ResourceType.TOPIC,
                    output,
                    PatternType.LITERAL,
                    AclOperation.WRITE,
                    AclOperation.DESCRIBE);
        }
        allow(acls, "classifier", ResourceType.TOPIC, APPLICATION_ID, PatternType.PREFIXED, AclOperation.ALL);
        allow(acls, "classifier", ResourceType.GROUP, APPLICATION_ID, PatternType.PREFIXED, AclOperation.ALL);
        allow(
                acls,
                "classifier",
                ResourceType.TRANSACTIONAL_ID,
                APPLICATION_ID,
                PatternType.PREFIXED,
                AclOperation.ALL);
        // the trainer alone writes snapshots (and reads them, for the next version number)
        allow(
                acls,
                "trainer",
                ResourceType.TOPIC,
                topics.modelSnapshots(),
                PatternType.LITERAL,
                AclOperation.WRITE,
                AclOperation.READ,
                AclOperation.DESCRIBE);
        // the producer writes images
        allow(
                acls,
                "producer",
                ResourceType.TOPIC,
                topics.digitsIn(),
                PatternType.LITERAL,
                AclOperation.WRITE,
                AclOperation.DESCRIBE);
        return acls;
    }

    private static void allow(
            List<AclBinding> acls,
            String user,
            ResourceType type,
            String name,
            PatternType pattern,
            AclOperation... operations) {
        for (AclOperation operation : operations) {
            acls.add(new AclBinding(
                    new ResourcePattern(type, name, pattern),
                    new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW)));
        }
    }
}
