package io.digitstream.classifier.stream;

/** What happens to images that arrive before any model has been loaded. */
public enum NoModelPolicy {
    /** Keep them buffered (bounded in time and count), then dead-letter them with {@code NO_MODEL}. */
    WAIT,
    /** Dead-letter them with {@code NO_MODEL} at once. */
    DEAD_LETTER
}
