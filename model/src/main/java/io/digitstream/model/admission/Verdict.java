package io.digitstream.model.admission;

import io.digitstream.model.snapshot.LoadedModel;
import io.digitstream.schemas.ErrorCode;
import io.digitstream.schemas.snapshot.ModelSnapshot;
import java.util.Objects;
import java.util.Optional;

/** What {@link Admission} decided about one snapshot record. */
public sealed interface Verdict permits Verdict.Admitted, Verdict.Refused {

    /** The model may serve; the caller owns it (and closes it when it no longer serves). */
    record Admitted(LoadedModel model) implements Verdict {
        public Admitted {
            Objects.requireNonNull(model, "model");
        }
    }

    /**
     * The snapshot may not serve.
     *
     * @param signed    the snapshot, when its signature (or the explicit absence of one, where
     *                  unsigned snapshots are allowed) was accepted; nothing of an untrusted
     *                  envelope is parsed, so a refusal before that names no version
     * @param candidate the verified model, when the refusal came after verification (the gate);
     *                  already closed, kept for its holdout figures
     */
    record Refused(ErrorCode code, String reason, Optional<ModelSnapshot> signed, Optional<LoadedModel> candidate)
            implements Verdict, Screening {
        public Refused {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(signed, "signed");
            Objects.requireNonNull(candidate, "candidate");
        }

        /** A refusal that names no snapshot: nothing of the record was trusted. */
        public static Refused of(ErrorCode code, String reason) {
            return new Refused(code, reason, Optional.empty(), Optional.empty());
        }

        static Refused of(ModelSnapshot signed, ErrorCode code, String reason) {
            return new Refused(code, reason, Optional.of(signed), Optional.empty());
        }

        /** The signed version, or 0 when the envelope was not trusted far enough to read one. */
        public long version() {
            return signed.map(s -> s.header().version()).orElse(0L);
        }

        public String signerKeyId() {
            return signed.map(ModelSnapshot::signerKeyId).orElse(null);
        }

        public Long rollbackOf() {
            return signed.map(s -> s.header().rollbackOf()).orElse(null);
        }
    }
}
