package io.digitstream.model.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OnnxSettingsTest {
    @Test
    void aSmallBatchIsNotCutIntoPartsSmallerThanTheMinimum() {
        var byBatch = new OnnxSettings(2, OnnxSettings.Parallelism.BATCH, false);

        assertThat(byBatch.parts(1)).isEqualTo(1);
        assertThat(byBatch.parts(2)).isEqualTo(1);
        assertThat(byBatch.parts(2 * OnnxSettings.MIN_PART_IMAGES - 1)).isEqualTo(1);
        assertThat(byBatch.parts(2 * OnnxSettings.MIN_PART_IMAGES)).isEqualTo(2);
        assertThat(byBatch.parts(128)).isEqualTo(2);
        assertThat(new OnnxSettings(4, OnnxSettings.Parallelism.BATCH, false).parts(3 * OnnxSettings.MIN_PART_IMAGES))
                .isEqualTo(3);
        assertThat(new OnnxSettings(2, OnnxSettings.Parallelism.OPERATOR, false).parts(128))
                .isEqualTo(1);
    }
}
