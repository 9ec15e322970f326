package io.digitstream.schemas.snapshot;

import java.util.Objects;

/**
 * What a reader of snapshots believes.
 *
 * @param keys            whose signatures count
 * @param unsignedAllowed whether a snapshot without a signature may serve (an explicit choice, warned about)
 * @param checked         false only for {@link #unchecked()}
 */
public record SnapshotTrust(TrustedKeys keys, boolean unsignedAllowed, boolean checked) {
    public SnapshotTrust {
        Objects.requireNonNull(keys, "keys");
    }

    /** Signed by one of these keys, or refused: the default. */
    public static SnapshotTrust requireSigned(TrustedKeys keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("signatures are required but no key is trusted");
        }
        return new SnapshotTrust(keys, false, true);
    }

    /** Unsigned snapshots serve too; signed ones must still be signed by one of these keys. */
    public static SnapshotTrust allowUnsigned(TrustedKeys keys) {
        return new SnapshotTrust(keys, true, true);
    }

    /**
     * Signatures not looked at: for reading one's own files and a topic's version numbers, never
     * for deciding what serves.
     */
    public static SnapshotTrust unchecked() {
        return new SnapshotTrust(TrustedKeys.none(), true, false);
    }
}
