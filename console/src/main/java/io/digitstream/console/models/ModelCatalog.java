package io.digitstream.console.models;

import io.digitstream.model.engine.EngineKind;
import io.digitstream.model.evaluation.Evaluation;
import io.digitstream.model.evaluation.Holdout;
import io.digitstream.model.network.FirstConvolution;
import io.digitstream.model.onnx.OnnxSettings;
import io.digitstream.model.snapshot.Dl4jSnapshots;
import io.digitstream.model.snapshot.LoadedModel;
import io.digitstream.model.snapshot.ModelVerifier;
import io.digitstream.schemas.Decoded;
import io.digitstream.schemas.message.AccuracyReport;
import io.digitstream.schemas.message.ModelDecision;
import io.digitstream.schemas.snapshot.ModelSnapshot;
import io.digitstream.schemas.snapshot.SnapshotCodec;
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
 * <p>The console scores each trusted snapshot on the same holdout images the classifiers use, so
 * every version's figure compares with every other's, and keeps its first convolution to draw
 * feature maps. It loads nothing its trust settings do not admit, and through the same checks the
 * classifier runs ({@link ModelVerifier}). Scoring happens on one background thread, one
 * snapshot at a time, so a burst of publications costs the pipeline's machine one core at most.
 */
public final class ModelCatalog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ModelCatalog.class);
    /** The timeline keeps this many entries; the page shows the latest. */
    public static final int TIMELINE_LIMIT = 500;

    private static final String TRUSTED = "TRUSTED";
    private static final String UNSIGNED = "UNSIGNED";

    private final String modelName;
    private final SnapshotTrust trust;
    private final ModelVerifier verifier;
    private final ExecutorService scoring;
    private final Map<Long, Entry> entries = new TreeMap<>(Comparator.reverseOrder());
    private final Map<String, ModelDecision> latestByInstance = new TreeMap<>();
    private final Deque<TimelineEntry> timeline = new ArrayDeque<>();
    private long sequence;
    private long revision;

    public ModelCatalog(String modelName, SnapshotTrust trust, Holdout holdout) {
        this.modelName = modelName;
        this.trust = trust;
        this.verifier = new ModelVerifier(EngineKind.DL4J, OnnxSettings.singleThreaded(), holdout);
        this.scoring = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "console-model-check");
            thread.setDaemon(true);
            thread.setPriority(Thread.MIN_PRIORITY);
            return thread;
        });
    }

    /** A snapshot record as read from the topic. */
    public void snapshot(byte[] envelope, long publishedAt) {
        Decoded<ModelSnapshot> checked = SnapshotCodec.decode(envelope, trust);
        Decoded<ModelSnapshot> readable =
                checked.isValid() ? checked : SnapshotCodec.decode(envelope, SnapshotTrust.unchecked());
        if (!(readable instanceof Decoded.Valid<ModelSnapshot> valid)) {
            var invalid = (Decoded.Invalid<ModelSnapshot>) readable;
            synchronized (this) {
                addToTimeline(
                        publishedAt,
                        TimelineEntry.Kind.UNREADABLE,
                        0,
                        null,
                        invalid.code().name(),
                        "A snapshot record that does not decode: " + invalid.reason());
            }
            return;
        }
        ModelSnapshot snapshot = valid.value();
        SnapshotHeader header = snapshot.header();
        if (!header.modelName().equals(modelName)) {
            return;
        }
        Entry entry;
        synchronized (this) {
            entry = entries.computeIfAbsent(header.version(), Entry::new);
            if (entry.header != null) {
                return; // the same version again (a compacted topic re-read): already known
            }
            entry.header = header;
            entry.publishedAt = publishedAt;
            entry.signer = snapshot.signerKeyId();
            if (checked instanceof Decoded.Invalid<ModelSnapshot> refused) {
                entry.trust = refused.code().name();
                entry.check = ModelView.Check.notLoaded(
                        "the console does not load an untrusted snapshot: " + refused.reason());
                entry.firstConvolution.complete(Optional.empty());
            } else {
                entry.trust = snapshot.signerKeyId() == null ? UNSIGNED : TRUSTED;
                entry.check = ModelView.Check.pending();
            }
            addToTimeline(
                    publishedAt,
                    TimelineEntry.Kind.PUBLISHED,
                    header.version(),
                    null,
                    checked instanceof Decoded.Invalid<ModelSnapshot> refused
                            ? refused.code().name()
                            : null,
                    published(header, entry.trust));
        }
        if (checked.isValid()) {
            scoring.execute(() -> score(entry, snapshot));
        }
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
        if (!trust.equals(TRUSTED)) {
            text.append(trust.equals(UNSIGNED) ? ", unsigned" : ", not trusted: " + trust);
        }
        return text.toString();
    }

    /** Verifies and scores one trusted snapshot, off the feed's thread. */
    private void score(Entry entry, ModelSnapshot snapshot) {
        ModelView.Check check;
        Optional<FirstConvolution> firstConvolution = Optional.empty();
        try {
            Decoded<LoadedModel> loaded = verifier.verify(snapshot);
            if (loaded instanceof Decoded.Valid<LoadedModel> valid) {
                try (LoadedModel model = valid.value()) {
                    Evaluation holdout = model.holdout();
                    check = new ModelView.Check(
                            "VERIFIED", null, null, holdout.accuracy(), holdout.examples(), holdout.confusion());
                }
                firstConvolution = Optional.of(FirstConvolution.of(
                        Dl4jSnapshots.restore(snapshot.payload()).orElseThrow()));
            } else {
                var invalid = (Decoded.Invalid<LoadedModel>) loaded;
                check = new ModelView.Check("REJECTED", invalid.code().name(), invalid.reason(), null, null, null);
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
        Entry entry = entries.computeIfAbsent(decision.version(), Entry::new);
        entry.decisions.put(decision.instanceId(), decision);
        ModelDecision previous = latestByInstance.get(decision.instanceId());
        if (previous == null || decision.decidedAt() >= previous.decidedAt()) {
            latestByInstance.put(decision.instanceId(), decision);
        }
        String text = decision.serving()
                ? String.format(
                        Locale.ROOT,
                        "v%d serving on %s%s",
                        decision.version(),
                        decision.instanceId(),
                        decision.holdoutAccuracy() == null
                                ? ""
                                : String.format(Locale.ROOT, " (holdout %.2f %%)", 100 * decision.holdoutAccuracy()))
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
