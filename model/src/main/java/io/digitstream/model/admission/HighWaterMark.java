package io.digitstream.model.admission;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The highest version of each model ever admitted, kept where a restarted or newly started
 * instance reads it before it serves. Without it, "newer than what serves" means nothing after a
 * restart: once compaction has removed the newer snapshots, an old signed snapshot re-sent under
 * the model's key would serve again.
 */
public interface HighWaterMark {

    /**
     * A version and the digest of the payload it was admitted with: the same snapshot read again
     * (a restart re-reads the compacted topic) passes, another payload under that version does not.
     */
    record Mark(long version, String payloadSha256) {
        public Mark {
            Objects.requireNonNull(payloadSha256, "payloadSha256");
        }

        /** Whether a snapshot of {@code version} with this payload digest may still be admitted. */
        public boolean admits(long candidateVersion, String candidateSha256) {
            return candidateVersion > version
                    || (candidateVersion == version && payloadSha256.equalsIgnoreCase(candidateSha256));
        }
    }

    /** The mark of {@code modelName}, if a version of it was ever admitted. */
    Optional<Mark> highest(String modelName);

    /** Records an admitted version; a lower one than the mark changes nothing. */
    void raise(String modelName, Mark mark);

    /** A mark that lives as long as this process: for a reader that re-reads everything at start (the console, tests). */
    static HighWaterMark inMemory() {
        return new InMemory();
    }

    /** The in-memory mark; also the cache behind a persistent one. */
    final class InMemory implements HighWaterMark {
        private final Map<String, Mark> marks = new ConcurrentHashMap<>();

        @Override
        public Optional<Mark> highest(String modelName) {
            return Optional.ofNullable(marks.get(modelName));
        }

        @Override
        public void raise(String modelName, Mark mark) {
            marks.merge(modelName, mark, (old, candidate) -> candidate.version() > old.version() ? candidate : old);
        }

        @Override
        public String toString() {
            return marks.toString();
        }
    }
}
