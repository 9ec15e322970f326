package io.digitstream.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CalibrationTest {
    @Test
    void mistakesAreListedMostFrequentFirstAndRightAnswersAreNotMistakes() {
        int[][] readAs = new int[10][10];
        readAs[9][9] = 500;
        readAs[9][3] = 31;
        readAs[1][9] = 15;
        readAs[4][6] = 18;
        readAs[7][2] = 1;

        assertThat(Calibration.mostConfused(readAs, 3)).isEqualTo("9 read as 3: 31, 4 read as 6: 18, 1 read as 9: 15");
        assertThat(Calibration.mostConfused(readAs, 10)).endsWith("7 read as 2: 1");
        assertThat(Calibration.mostConfused(new int[10][10], 3)).isEqualTo("none");
    }
}
