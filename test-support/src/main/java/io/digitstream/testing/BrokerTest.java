package io.digitstream.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;

/**
 * A test class (or one test method) that needs a real Kafka broker (in-process, in a process of
 * its own, or several): the second tier. {@code ./mvnw verify} runs both tiers; {@code -DexcludedGroups=broker} only the fast
 * one, {@code -Dgroups=broker} only this one. Each test method gets {@link #DEFAULT_MINUTES}
 * unless it says otherwise with its own {@code @Timeout}, so a broker that never answers fails
 * the test instead of hanging the build.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag(BrokerTest.TAG)
@Timeout(value = BrokerTest.DEFAULT_MINUTES, unit = TimeUnit.MINUTES)
public @interface BrokerTest {
    String TAG = "broker";

    /** A whole crash-and-recover scenario on 2 cores takes about 1.5 minutes; five is a hang. */
    long DEFAULT_MINUTES = 5;
}
