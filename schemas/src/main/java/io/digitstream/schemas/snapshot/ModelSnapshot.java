package io.digitstream.schemas.snapshot;

import java.util.Arrays;
import java.util.Objects;

/** A verified snapshot: the header and the payload whose SHA-256 matched it. */
public record ModelSnapshot(SnapshotHeader header, byte[] payload) {
    public ModelSnapshot {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(payload, "payload");
    }

    /** "name v7", for logs. */
    public String label() {
        return header.modelName() + " v" + header.version();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelSnapshot s && header.equals(s.header) && Arrays.equals(payload, s.payload);
    }

    @Override
    public int hashCode() {
        return 31 * header.hashCode() + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "ModelSnapshot[" + label() + ", " + payload.length + " bytes]";
    }
}
