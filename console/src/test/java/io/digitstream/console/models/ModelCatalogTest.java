package io.digitstream.console.models;

import static org.assertj.core.api.Assertions.assertThat;

import io.digitstream.classifier.TestModels;
import io.digitstream.schemas.ErrorCode;
import io.digitstream.schemas.message.ModelDecision;
import io.digitstream.schemas.snapshot.SigningKey;
import io.digitstream.schemas.snapshot.SnapshotCodec;
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
                at);
    }

    private ModelView view(long version) {
        return catalog.models().stream()
                .filter(m -> m.version() == version)
                .findFirst()
                .orElseThrow();
    }

    @Test
    void aTrustedSnapshotIsScoredOnTheHoldoutAndKeepsItsFirstConvolution() throws Exception {
        catalog.snapshot(TestModels.snapshot(1), 1_000);

        assertThat(catalog.firstConvolution(1).get(60, TimeUnit.SECONDS)).isPresent();
        ModelView v1 = view(1);
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
    void anUntrustedSnapshotIsShownButNeverLoaded() throws Exception {
        byte[] forged =
                SnapshotCodec.encode(TestModels.modelSnapshot(5, TestModels.WELL_TRAINED), SigningKey.generate());
        catalog.snapshot(forged, 2_000);

        ModelView v5 = view(5);
        assertThat(v5.trust()).isEqualTo(ErrorCode.UNKNOWN_SIGNING_KEY.name());
        assertThat(v5.check().status()).isEqualTo("NOT_LOADED");
        assertThat(v5.check().confusion()).isNull();
        assertThat(catalog.firstConvolution(5).get()).isEmpty();
        assertThat(catalog.timelineAfter(-1))
                .singleElement()
                .satisfies(
                        entry -> assertThat(entry.text()).contains("v5 published", "not trusted: UNKNOWN_SIGNING_KEY"));
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
        catalog.snapshot("not a snapshot".getBytes(java.nio.charset.StandardCharsets.UTF_8), 13);
        catalog.firstPrediction(2, 1L, 14);

        List<TimelineEntry> all = catalog.timelineAfter(-1);
        assertThat(all)
                .extracting(TimelineEntry::kind)
                .containsExactly(
                        TimelineEntry.Kind.SERVING,
                        TimelineEntry.Kind.FIRST_PREDICTION,
                        TimelineEntry.Kind.UNREADABLE,
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
