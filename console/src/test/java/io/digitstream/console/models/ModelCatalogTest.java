package io.digitstream.console.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.digitstream.classifier.TestModels;
import io.digitstream.schemas.ErrorCode;
import io.digitstream.schemas.message.ModelDecision;
import io.digitstream.schemas.snapshot.SigningKey;
import io.digitstream.schemas.snapshot.SnapshotCodec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ModelCatalogTest {
    private final ModelCatalog catalog = new ModelCatalog(TestModels.MODEL, TestModels.TRUST, TestModels.HOLDOUT);

    @AfterEach
    void close() {
        catalog.close();
    }

    private static ModelDecision decision(
            long version, String outcome, String code, long served, String instance, long at) {
        return new ModelDecision(
                TestModels.MODEL,
                version,
                outcome,
                code,
                code == null ? null : "because",
                0.9,
                300,
                served,
                null,
                null,
                null,
                instance,
                null,
                at,
                null,
                null);
    }

    private ModelView view(long version) {
        return catalog.models().stream()
                .filter(m -> m.version() == version)
                .findFirst()
                .orElseThrow();
    }

    private ModelView checked(long version) {
        await().atMost(Duration.ofSeconds(60))
                .until(() -> catalog.models().stream()
                        .anyMatch(m ->
                                m.version() == version && !m.check().status().equals("PENDING")));
        return view(version);
    }

    private TimelineEntry refusal() {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> catalog.timelineAfter(-1).stream().anyMatch(e -> e.kind() == TimelineEntry.Kind.REFUSED));
        return catalog.timelineAfter(-1).stream()
                .filter(e -> e.kind() == TimelineEntry.Kind.REFUSED)
                .findFirst()
                .orElseThrow();
    }

    @Test
    void aTrustedSnapshotIsScoredOnTheHoldoutAndKeepsItsFirstConvolution() throws Exception {
        catalog.snapshot(TestModels.MODEL, TestModels.snapshot(1), 1_000);

        ModelView v1 = checked(1);
        assertThat(catalog.firstConvolution(1).get(60, TimeUnit.SECONDS)).isPresent();
        assertThat(v1.trust()).isEqualTo("TRUSTED");
        assertThat(v1.signer()).isEqualTo(TestModels.KEY.keyId());
        assertThat(v1.publishedAt()).isEqualTo(1_000);
        assertThat(v1.check().status()).isEqualTo("VERIFIED");
        assertThat(v1.check().holdoutExamples()).isEqualTo(TestModels.HOLDOUT.size());
        int diagonal = 0;
        int total = 0;
        for (int label = 0; label < 10; label++) {
            for (int predicted = 0; predicted < 10; predicted++) {
                total += v1.check().confusion()[label][predicted];
            }
            diagonal += v1.check().confusion()[label][label];
        }
        assertThat(total).isEqualTo(TestModels.HOLDOUT.size());
        assertThat(v1.check().holdoutAccuracy())
                .isEqualTo((double) diagonal / total)
                .isGreaterThan(0.7);
    }

    @Test
    void anUntrustedSnapshotIsRefusedWithoutShowingWhatItClaims() throws Exception {
        byte[] forged =
                SnapshotCodec.encode(TestModels.modelSnapshot(5, TestModels.WELL_TRAINED), SigningKey.generate());
        catalog.snapshot(TestModels.MODEL, forged, 2_000);

        TimelineEntry refused = refusal();
        assertThat(refused.code()).isEqualTo(ErrorCode.UNKNOWN_SIGNING_KEY.name());
        assertThat(refused.version())
                .as("the version an untrusted header claims is not shown")
                .isZero();
        assertThat(catalog.models()).isEmpty();
        assertThat(catalog.firstConvolution(5).get()).isEmpty();
    }

    @Test
    void anUnsignedNextVersionSentFirstDoesNotHideTheRealOne() {
        var v2 = TestModels.modelSnapshot(2, TestModels.WELL_TRAINED);
        catalog.snapshot(TestModels.MODEL, SnapshotCodec.encodeUnsigned(v2), 1_000);
        catalog.snapshot(TestModels.MODEL, SnapshotCodec.encode(v2, TestModels.KEY), 1_001);

        ModelView real = checked(2);
        assertThat(real.trust()).isEqualTo("TRUSTED");
        assertThat(real.signer()).isEqualTo(TestModels.KEY.keyId());
        assertThat(real.check().status()).isEqualTo("VERIFIED");
        assertThat(refusal().code()).isEqualTo(ErrorCode.UNSIGNED_SNAPSHOT.name());
    }

    @Test
    void snapshotsUnderAnotherKeyAreNotThisModelsBusiness() {
        catalog.snapshot("junk-1", new byte[100], 1);
        catalog.snapshot(TestModels.MODEL, "not a snapshot".getBytes(java.nio.charset.StandardCharsets.UTF_8), 2);

        assertThat(refusal().code()).isEqualTo(ErrorCode.BAD_MAGIC.name());
        assertThat(catalog.timelineAfter(-1)).hasSize(1);
    }

    @Test
    void eachInstancesLatestDecisionSaysWhatItServes() {
        catalog.decision(decision(1, ModelDecision.SERVING, null, 0, "a", 10));
        catalog.decision(decision(1, ModelDecision.SERVING, null, 0, "b", 11));
        catalog.decision(decision(2, ModelDecision.SERVING, null, 1, "a", 20));
        catalog.decision(decision(3, ModelDecision.REJECTED, "ACCURACY_REGRESSION", 1, "b", 30));
        catalog.decision(decision(3, ModelDecision.REJECTED, "ACCURACY_REGRESSION", 2, "a", 31));

        Map<Long, List<String>> servedBy =
                catalog.models().stream().collect(Collectors.toMap(ModelView::version, ModelView::servedBy));
        assertThat(servedBy)
                .containsExactlyInAnyOrderEntriesOf(Map.of(1L, List.of("b"), 2L, List.of("a"), 3L, List.of()));
        assertThat(view(3).decisions()).extracting(ModelView.Decision::code).containsOnly("ACCURACY_REGRESSION");
        assertThat(view(3).check().status()).isEqualTo("NOT_LOADED"); // its snapshot was never seen
    }

    @Test
    void theTimelineResumesAfterAGivenEntry() {
        catalog.decision(decision(1, ModelDecision.SERVING, null, 0, "a", 10));
        catalog.firstPrediction(1, null, 12);
        catalog.snapshot(TestModels.MODEL, "not a snapshot".getBytes(java.nio.charset.StandardCharsets.UTF_8), 13);
        refusal();
        catalog.firstPrediction(2, 1L, 14);

        List<TimelineEntry> all = catalog.timelineAfter(-1);
        assertThat(all)
                .extracting(TimelineEntry::kind)
                .containsExactly(
                        TimelineEntry.Kind.SERVING,
                        TimelineEntry.Kind.FIRST_PREDICTION,
                        TimelineEntry.Kind.REFUSED,
                        TimelineEntry.Kind.FIRST_PREDICTION);
        assertThat(all.get(2).code()).isEqualTo(ErrorCode.BAD_MAGIC.name());
        assertThat(catalog.timelineAfter(all.get(1).sequence()))
                .extracting(TimelineEntry::text)
                .containsExactly(all.get(2).text(), "v2 made its first prediction (after v1)");
        long revision = catalog.revision();
        catalog.firstPrediction(3, 2L, 15);
        assertThat(catalog.revision()).isGreaterThan(revision);
        assertThat(catalog.timelineAfter(-1).get(4).at()).isEqualTo(15);
    }
}
