package io.digitstream.model.admission;

import io.digitstream.schemas.snapshot.ModelSnapshot;
import java.util.Objects;

/** What {@link Admission#screen} found: a snapshot to verify, or a refusal. */
public sealed interface Screening permits Screening.Passed, Verdict.Refused {

    /** Size, signature, name and version hold; the payload is not loaded yet. */
    record Passed(ModelSnapshot snapshot) implements Screening {
        public Passed {
            Objects.requireNonNull(snapshot, "snapshot");
        }
    }
}
