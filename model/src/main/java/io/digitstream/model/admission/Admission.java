package io.digitstream.model.admission;

import io.digitstream.model.snapshot.LoadedModel;
import io.digitstream.model.snapshot.ModelVerifier;
import io.digitstream.schemas.Decoded;
import io.digitstream.schemas.ErrorCode;
import io.digitstream.schemas.snapshot.ModelSnapshot;
import io.digitstream.schemas.snapshot.SnapshotCodec;
import io.digitstream.schemas.snapshot.SnapshotHeader;
import io.digitstream.schemas.snapshot.SnapshotTrust;
import io.digitstream.schemas.topic.TopicSpecs;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether a snapshot record may serve as the model {@code modelName}: the one decision, taken
 * alike by every classifier instance and by the console. Each envelope is decoded once, and the
 * checks run cheapest and least trusting first:
 * <ol>
 *   <li>its size, before anything of it is kept or parsed ({@code SNAPSHOT_TOO_LARGE});</li>
 *   <li>its signature, before its header is parsed ({@link SnapshotCodec#decode});</li>
 *   <li>the signed model name equal to the served one ({@code FOREIGN_MODEL});</li>
 *   <li>its version above the {@link HighWaterMark}, which survives restarts and compaction, and
 *       above the served version ({@code STALE_VERSION});</li>
 *   <li>the payload verified and scored on the holdout ({@link ModelVerifier}), then the
 *       {@link PromotionGate} against the served model.</li>
 * </ol>
 * An admitted version raises the mark. Not thread-safe for concurrent admissions of one model:
 * each caller admits from one thread (the classifier's global thread, the console's scoring thread).
 */
public final class Admission {
    private final String modelName;
    private final SnapshotTrust trust;
    private final ModelVerifier verifier;
    private final PromotionGate gate;
    private final HighWaterMark mark;
    private final int maxSnapshotBytes;

    public Admission(
            String modelName, SnapshotTrust trust, ModelVerifier verifier, PromotionGate gate, HighWaterMark mark) {
        this(modelName, trust, verifier, gate, mark, TopicSpecs.MAX_SNAPSHOT_BYTES);
    }

    Admission(
            String modelName,
            SnapshotTrust trust,
            ModelVerifier verifier,
            PromotionGate gate,
            HighWaterMark mark,
            int maxSnapshotBytes) {
        this.modelName = Objects.requireNonNull(modelName, "modelName");
        this.trust = Objects.requireNonNull(trust, "trust");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.gate = Objects.requireNonNull(gate, "gate");
        this.mark = Objects.requireNonNull(mark, "mark");
        this.maxSnapshotBytes = maxSnapshotBytes;
    }

    public String modelName() {
        return modelName;
    }

    public SnapshotTrust trust() {
        return trust;
    }

    /** Every check, from the record's bytes to the gate. */
    public Verdict admit(byte[] envelope, Optional<LoadedModel> served) {
        Screening screening = screen(envelope, served);
        if (screening instanceof Verdict.Refused refused) {
            return refused;
        }
        return judge(((Screening.Passed) screening).snapshot(), served);
    }

    /**
     * The cheap checks (size, signature, name, versions), without loading the model: what a
     * caller that verifies later, on another thread, can tell at once.
     */
    public Screening screen(byte[] envelope, Optional<LoadedModel> served) {
        if (envelope == null) {
            return Verdict.Refused.of(ErrorCode.NULL_VALUE, "the snapshot record has no value");
        }
        if (envelope.length > maxSnapshotBytes) {
            return Verdict.Refused.of(
                    ErrorCode.SNAPSHOT_TOO_LARGE,
                    envelope.length + " bytes; a snapshot may have at most " + maxSnapshotBytes);
        }
        Decoded<ModelSnapshot> decoded = SnapshotCodec.decode(envelope, trust);
        if (decoded instanceof Decoded.Invalid<ModelSnapshot> invalid) {
            return Verdict.Refused.of(invalid.code(), invalid.reason());
        }
        ModelSnapshot snapshot = decoded.orElseThrow();
        SnapshotHeader header = snapshot.header();
        if (!modelName.equals(header.modelName())) {
            // the record key is not signed, the header is: a trusted key's snapshot of another
            // model, written under this model's key, must not serve in its place
            return Verdict.Refused.of(
                    snapshot,
                    ErrorCode.FOREIGN_MODEL,
                    "signed for model '" + header.modelName() + "', read as '" + modelName + "'");
        }
        Optional<HighWaterMark.Mark> highest = mark.highest(modelName);
        if (highest.isPresent() && !highest.get().admits(header.version(), header.payloadSha256())) {
            return Verdict.Refused.of(
                    snapshot,
                    ErrorCode.STALE_VERSION,
                    "version " + header.version() + " is below the highest version ever admitted, "
                            + highest.get().version()
                            + (header.version() == highest.get().version() ? " (with another payload)" : ""));
        }
        long serving = served.map(LoadedModel::version).orElse(0L);
        if (header.version() <= serving) {
            return Verdict.Refused.of(
                    snapshot,
                    ErrorCode.STALE_VERSION,
                    "version " + header.version() + " is not newer than the served version " + serving);
        }
        return new Screening.Passed(snapshot);
    }

    /**
     * A record under another model's key: not this instance's to serve, but junk written there
     * (oversized, unsigned, untrusted, or a snapshot whose signed name is not its key) is refused
     * all the same, so every record on the topic has its decision.
     *
     * @return the refusal, or empty for a trusted snapshot of the model its key names
     */
    public Optional<Verdict.Refused> screenOtherModel(String key, byte[] envelope) {
        Screening screening = new Admission(key, trust, verifier, gate, HighWaterMark.inMemory(), maxSnapshotBytes)
                .screen(envelope, Optional.empty());
        return screening instanceof Verdict.Refused refused ? Optional.of(refused) : Optional.empty();
    }

    /** Verification and the gate, for a snapshot that passed {@link #screen}. */
    public Verdict judge(ModelSnapshot snapshot, Optional<LoadedModel> served) {
        Decoded<LoadedModel> verified = verifier.verify(snapshot);
        if (verified instanceof Decoded.Invalid<LoadedModel> invalid) {
            return Verdict.Refused.of(snapshot, invalid.code(), invalid.reason());
        }
        LoadedModel candidate = verified.orElseThrow();
        Decoded<LoadedModel> judged = gate.judge(candidate, served);
        if (judged instanceof Decoded.Invalid<LoadedModel> invalid) {
            candidate.close();
            return new Verdict.Refused(invalid.code(), invalid.reason(), Optional.of(snapshot), Optional.of(candidate));
        }
        mark.raise(
                modelName,
                new HighWaterMark.Mark(candidate.version(), snapshot.header().payloadSha256()));
        return new Verdict.Admitted(candidate);
    }
}
