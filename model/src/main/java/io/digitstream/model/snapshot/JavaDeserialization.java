package io.digitstream.model.snapshot;

import java.io.ObjectInputFilter;

/**
 * The process-wide backstop against Java deserialization (JEP 290): nothing in this project needs
 * it, so the filter admits no class at all, and any path that would deserialize (one the model-zip
 * check missed, or a library's) fails closed with {@code InvalidClassException} before an object
 * is built. {@code Digitstream.main} installs it first thing; the Docker image and the tests also
 * set {@code -Djdk.serialFilter=!*}, which this respects.
 */
public final class JavaDeserialization {
    /** The filter's pattern: no class, at any depth. */
    public static final String FORBID_ALL = "!*";

    private JavaDeserialization() {}

    /**
     * Installs the refuse-everything filter for the whole JVM, unless one is set already (by
     * {@code jdk.serialFilter}); then that one must refuse everything too.
     *
     * @throws IllegalStateException when an existing filter would admit classes
     */
    public static void forbid() {
        ObjectInputFilter existing = ObjectInputFilter.Config.getSerialFilter();
        if (existing == null) {
            ObjectInputFilter.Config.setSerialFilter(ObjectInputFilter.Config.createFilter(FORBID_ALL));
        } else if (!forbidden()) {
            throw new IllegalStateException("a JDK serialization filter is set (jdk.serialFilter) that admits classes;"
                    + " digitstream needs none: use " + FORBID_ALL);
        }
    }

    /**
     * The JVM's state in one line, for {@code digitstream --version}: whether Java deserialization is
     * refused, and whether by {@code -Djdk.serialFilter} (the Docker image's {@code JAVA_OPTS}) or by
     * {@link #forbid} at start. Read from the JVM, so a launcher that lost either shows it.
     */
    public static String describe() {
        if (!forbidden()) {
            return "Java deserialization: NOT refused (no JDK serialization filter is set)";
        }
        String property = System.getProperty("jdk.serialFilter");
        return property != null
                ? "Java deserialization: refused (-Djdk.serialFilter=" + property + ")"
                : "Java deserialization: refused (filter " + FORBID_ALL + " installed at start)";
    }

    /** Whether the JVM-wide filter refuses an ordinary class: the state {@link #forbid} leaves. */
    public static boolean forbidden() {
        ObjectInputFilter filter = ObjectInputFilter.Config.getSerialFilter();
        if (filter == null) {
            return false;
        }
        ObjectInputFilter.FilterInfo probe = new ObjectInputFilter.FilterInfo() {
            @Override
            public Class<?> serialClass() {
                return java.util.ArrayList.class;
            }

            @Override
            public long arrayLength() {
                return -1;
            }

            @Override
            public long depth() {
                return 1;
            }

            @Override
            public long references() {
                return 0;
            }

            @Override
            public long streamBytes() {
                return 0;
            }
        };
        return filter.checkInput(probe) == ObjectInputFilter.Status.REJECTED;
    }
}
