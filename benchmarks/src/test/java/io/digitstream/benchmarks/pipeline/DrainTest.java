package io.digitstream.benchmarks.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DrainTest {
    @Test
    void anImageIsNumberedByItsPassAndItsIndexInTheDataSet() {
        String first = Drain.passPrefix("s3-", 0);
        String third = Drain.passPrefix("s3-", 2);

        assertThat(Drain.imageNumber(first + 0, "s3-", 10_000)).isZero();
        assertThat(Drain.imageNumber(first + 9_999, "s3-", 10_000)).isEqualTo(9_999);
        assertThat(Drain.imageNumber(third + 5, "s3-", 10_000)).isEqualTo(20_005);
    }

    @Test
    void keysOfOtherRoundsAndOtherShapesAreNoImageOfThisRound() {
        assertThat(Drain.imageNumber(Drain.passPrefix("s4-", 0) + 1, "s3-", 10_000))
                .isEqualTo(-1);
        assertThat(Drain.imageNumber(Drain.passPrefix("s31-", 0) + 1, "s3-", 10_000))
                .isEqualTo(-1);
        assertThat(Drain.imageNumber("s3-r0-", "s3-", 10_000)).isEqualTo(-1);
        assertThat(Drain.imageNumber("s3-r-1", "s3-", 10_000)).isEqualTo(-1);
        assertThat(Drain.imageNumber("s3-r0-12x", "s3-", 10_000)).isEqualTo(-1);
        assertThat(Drain.imageNumber("s3-r0-10000", "s3-", 10_000))
                .as("an index past the pass")
                .isEqualTo(-1);
        assertThat(Drain.imageNumber(null, "s3-", 10_000)).isEqualTo(-1);
    }
}
