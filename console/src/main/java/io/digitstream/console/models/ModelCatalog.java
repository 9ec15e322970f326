package io.digitstream.console.models;

import io.digitstream.model.admission.Admission;
import io.digitstream.model.admission.HighWaterMark;
import io.digitstream.model.admission.PromotionGate;
import io.digitstream.model.admission.Screening;
import io.digitstream.model.admission.Verdict;
import io.digitstream.model.evaluation.Evaluation;
import io.digitstream.model.evaluation.Holdout;
import io.digitstream.model.network.FirstConvolution;
import io.digitstream.model.onnx.OnnxGraph;
import io.digitstream.model.onnx.OnnxModels;
import io.digitstream.model.snapshot.LoadedModel;
import io.digitstream.schemas.message.AccuracyReport;
import io.digitstream.schemas.message.ModelDecision;
import io.digitstream.schemas.snapshot.ModelSnapshot;
import io.digitstream.schemas.snapshot.SnapshotHeader;
import io.digitstream.schemas.snapshot.SnapshotTrust;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every version of one model the console has heard of, from three topics: snapshots (what was
 * published, checked and scored by the console itself), decisions (what each classifier instance
 * did with it) and accuracy reports (how it does on labelled live traffic); and the timeline of
 * those events.
 *
 * <p>The console runs each snapshot through the classifier's own {@link Admission}, so it lists
 * exactly what a classifier would admit, scored on the same holdout images (every version's
 * figure compares with every other's), and keeps its first convolution to draw feature maps.
 * Admission happens on one background thread, one snapshot at a time, so a burst of
 * publications costs the pipeline's machine one core at most.
 */
public final class ModelCatalog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ModelCatalog.class);
    /** The timeline keeps this many entries; the page shows the latest. */
    public static final int TIMELINE_LIMIT = 500;

    private static final String TRUSTED = "TRUSTED";
    private static final String UNSIGNED = "UNSIGNED";

    private final String modelName;
    private final Admission admission;
    private final ExecutorService scoring;
    /** The newest version the console admitted (engine closed): what the gate compares with. Scoring thread only. */
    private Optional<LoadedModel> latestAdmitted = Optional.empty();

    private final Map<Long, Entry> entries = new TreeMap<>(Comparator.reverseOrder());
    private final Map<String, ModelDecision> latestByInstance = new TreeMap<>();
    private final Deque<TimelineEntry> timeline = new ArrayDeque<>();
    private long sequence;
    private long revision;

    public ModelCatalog(String modelName, SnapshotTrust trust, Holdout holdout) {
        this.modelName = modelName;
        // the classifier's admission with its default gate; the mark lives as long as the console,
        // which re-reads the whole compacted topic at every start
        this.admission = new Admission(
                modelName,
                trust,
                OnnxModels.singleThreadedVerifier(holdout),
                PromotionGate.DEFAULT,
                HighWaterMark.inMemory());
        this.scoring = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "console-model-check");
            thread.setDaemon(true);
            thread.setPriority(Thread.MIN_PRIORITY);
            return thread;
        });
    }

    /**
     * A snapshot record as read from the topic. Records under other keys are another model's
     * business (as in the classifier); the others are admitted in order on the scoring thread.
     */
    public void snapshot(String key, byte[] envelope, long publishedAt) {
        if (modelName.equals(key) && envelope != null) {
            scoring.execute(() -> admit(envelope, publishedAt));
        }
    }

    /**
     * The classifier's admission, run by the console: a refusal before verification is a timeline
     * entry only (nothing of an untrusted envelope is shown, so a forged "next version" cannot
     * take the real one's place in the list); a snapshot that passes is listed, then verified and
     * scored on the holdout.
     */
    private void admit(byte[] envelope, long publishedAt) {
        Screening screening = admission.screen(envelope, latestAdmitted);
        if (screening instanceof Verdict.Refused refused) {
            synchronized (this) {
                addToTimeline(
                        publishedAt,
                        TimelineEntry.Kind.REFUSED,
                        refused.version(),
                        null,
                        refused.code().name(),
                        (refused.version() == 0 ? "A snapshot record" : "v" + refused.version())
                                + " refused by the console: " + refused.code() + " (" + refused.reason() + ")");
            }
            return;
        }
        ModelSnapshot snapshot = ((Screening.Passed) screening).snapshot();
        SnapshotHeader header = snapshot.header();
        Entry entry;
        synchronized (this) {
            entry = entries.computeIfAbsent(header.version(), Entry::new);
            entry.header = header;
            entry.publishedAt = publishedAt;
            entry.signer = snapshot.signerKeyId();
            entry.trust = snapshot.signerKeyId() == null ? UNSIGNED : TRUSTED;
            entry.check = ModelView.Check.pending();
            addToTimeline(
                    publishedAt,
                    TimelineEntry.Kind.PUBLISHED,
                    header.version(),
                    null,
                    null,
                    published(header, entry.trust));
        }
        score(entry, snapshot);
    }

    private static String published(SnapshotHeader header, String trust) {
        var text = new StringBuilder("v" + header.version() + " published");
        if (header.rollbackOf() != null) {
            text.append(" as a rollback to v").append(header.rollbackOf());
        }
        if (header.training() != null) {
            var facts = header.training();
            text.append(String.format(Locale.ROOT, " (%s recipe, %.2f epochs", facts.recipe(), facts.epochs()));
            if (facts.testAccuracy() != null) {
                text.append(String.format(Locale.ROOT, ", test %.2f %%", 100 * facts.testAccuracy()));
            }
            text.append(')');
        }
        if (trust.equals(UNSIGNED)) {
            text.append(", unsigned");
        }
        return text.toString();
    }

    /** Verifies and scores a snapshot that passed the screening, off the feed's thread. */
    private void score(Entry entry, ModelSnapshot snapshot) {
        ModelView.Check check;
        Optional<FirstConvolution> firstConvolution = Optional.empty();
        try {
            Verdict verdict = admission.judge(snapshot, latestAdmitted);
            if (verdict instanceof Verdict.Admitted admitted) {
                LoadedModel model = admitted.model();
                model.close(); // the console keeps its header and holdout figures, not its engine
                latestAdmitted = Optional.of(model);
                Evaluation holdout = model.holdout();
                check = new ModelView.Check(
                        "VERIFIED", null, null, holdout.accuracy(), holdout.examples(), holdout.confusion());
                // admitted, so its graph reads; a graph without a 3x3 first convolution shows no maps
                firstConvolution =
                        OnnxGraph.admit(snapshot.payload()).orElseThrow().firstConvolution();
            } else {
                var refused = (Verdict.Refused) verdict;
                Evaluation scored =
                        refused.candidate().map(LoadedModel::holdout).orElse(null);
                check = new ModelView.Check(
                        "REJECTED",
                        refused.code().name(),
                        refused.reason(),
                        scored == null ? null : scored.accuracy(),
                        scored == null ? null : scored.examples(),
                        scored == null ? null : scored.confusion());
            }
        } catch (RuntimeException | LinkageError e) {
            log.warn("Could not check v{}: {}", snapshot.header().version(), e.toString());
            check = new ModelView.Check("REJECTED", "MODEL_UNLOADABLE", e.toString(), null, null, null);
        }
        synchronized (this) {
            entry.check = check;
            revision++;
        }
        entry.firstConvolution.complete(firstConvolution);
    }

    /** A classifier instance's decision. */
    public synchronized void decision(ModelDecision decision) {
        if (!decision.modelName().equals(modelName)) {
            return;
        }
        if (decision.version() > 0) { // 0: a refusal of an envelope nobody trusted enough to read its version
            Entry entry = entries.computeIfAbsent(decision.version(), Entry::new);
            entry.decisions.put(decision.instanceId(), decision);
        }
        ModelDecision previous = latestByInstance.get(decision.instanceId());
        if (previous == null || decision.decidedAt() >= previous.decidedAt()) {
            latestByInstance.put(decision.instanceId(), decision);
        }
        String text = decision.serving()
                ? String.format(
                        Locale.ROOT,
                        "v%d serving on %s%s%s",
                        decision.version(),
                        decision.instanceId(),
                        decision.holdoutAccuracy() == null
                                ? ""
                                : String.format(Locale.ROOT, " (holdout %.2f %%)", 100 * decision.holdoutAccuracy()),
                        engine(decision))
                : String.format(
                        Locale.ROOT,
                        "v%d rejected by %s: %s, %s",
                        decision.version(),
                        decision.instanceId(),
                        decision.code(),
                        decision.reason());
        addToTimeline(
                decision.decidedAt(),
                decision.serving() ? TimelineEntry.Kind.SERVING : TimelineEntry.Kind.REJECTED,
                decision.version(),
                decision.instanceId(),
                decision.code(),
                text);
    }

    /** Which engine serves, and why float32 when int8 was asked for; nothing from an instance that does not say. */
    private static String engine(ModelDecision decision) {
        if (decision.engine() == null) {
            return "";
        }
        String note = decision.engineNote();
        return " with " + decision.engine() + (note != null && note.startsWith("float32") ? " (" + note + ")" : "");
    }

    /** The latest accuracy report of a version. */
    public synchronized void accuracy(AccuracyReport report) {
        if (!report.modelName().equals(modelName)) {
            return;
        }
        Entry entry = entries.computeIfAbsent(report.modelVersion(), Entry::new);
        if (entry.live == null || report.updatedAt() >= entry.live.updatedAt()) {
            entry.live = report;
            revision++;
        }
    }

    /** A version made its first prediction the console saw. */
    public synchronized void firstPrediction(long version, Long previousVersion, long at) {
        entries.computeIfAbsent(version, Entry::new);
        addToTimeline(
                at,
                TimelineEntry.Kind.FIRST_PREDICTION,
                version,
                null,
                null,
                previousVersion == null
                        ? "v" + version + " made the first prediction the console saw"
                        : "v" + version + " made its first prediction (after v" + previousVersion + ")");
    }

    /**
     * The first convolution of a version, once the console has checked it; empty if the version
     * is unknown, untrusted or failed its check.
     */
    public synchronized CompletableFuture<Optional<FirstConvolution>> firstConvolution(long version) {
        Entry entry = entries.get(version);
        return entry == null ? CompletableFuture.completedFuture(Optional.empty()) : entry.firstConvolution;
    }

    /** Grows whenever anything the models page shows changes. */
    public synchronized long revision() {
        return revision;
    }

    /** Every known version, newest first. */
    public synchronized List<ModelView> models() {
        Map<Long, List<String>> servedBy = new TreeMap<>();
        latestByInstance.values().forEach(decision -> {
            long served = decision.serving() ? decision.version() : decision.servedVersion();
            if (served > 0) {
                servedBy.computeIfAbsent(served, v -> new ArrayList<>()).add(decision.instanceId());
            }
        });
        List<ModelView> views = new ArrayList<>();
        for (Entry entry : entries.values()) {
            views.add(entry.view(servedBy.getOrDefault(entry.version, List.of())));
        }
        return views;
    }

    /** Timeline entries after {@code sequence} (all of them for -1), oldest first. */
    public synchronized List<TimelineEntry> timelineAfter(long sequence) {
        return timeline.stream().filter(e -> e.sequence() > sequence).toList();
    }

    private void addToTimeline(
            long at, TimelineEntry.Kind kind, long version, String instance, String code, String text) {
        timeline.addLast(new TimelineEntry(++sequence, at, kind, version, instance, code, text));
        while (timeline.size() > TIMELINE_LIMIT) {
            timeline.removeFirst();
        }
        revision++;
    }

    @Override
    public void close() {
        scoring.shutdownNow();
        try {
            scoring.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What the catalog knows of one version; guarded by the catalog's lock. */
    private static final class Entry {
        final long version;
        SnapshotHeader header;
        Long publishedAt;
        String signer;
        String trust;
        ModelView.Check check;
        final Map<String, ModelDecision> decisions = new TreeMap<>();
        AccuracyReport live;
        final CompletableFuture<Optional<FirstConvolution>> firstConvolution = new CompletableFuture<>();

        Entry(long version) {
            this.version = version;
        }

        ModelView view(List<String> servedBy) {
            ModelView.Training training = header == null || header.training() == null
                    ? null
                    : new ModelView.Training(
                            header.training().recipe(),
                            header.training().epochs(),
                            header.training().examplesSeen(),
                            header.training().testAccuracy(),
                            header.training().testExamples());
            List<ModelView.Decision> decided = decisions.values().stream()
                    .map(d -> new ModelView.Decision(
                            d.instanceId(), d.outcome(), d.code(), d.reason(), d.holdoutAccuracy(), d.decidedAt()))
                    .toList();
            return new ModelView(
                    version,
                    publishedAt,
                    header == null ? null : header.createdAt(),
                    training,
                    signer,
                    header == null ? null : header.rollbackOf(),
                    trust,
                    check != null
                            ? check
                            : ModelView.Check.notLoaded(
                                    "the console has not seen this version's snapshot (a newer one replaced it"
                                            + " on the compacted topic before the console started)"),
                    decided,
                    List.copyOf(servedBy),
                    live);
        }
    }
}
