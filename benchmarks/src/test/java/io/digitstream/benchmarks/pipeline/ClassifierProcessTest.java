package io.digitstream.benchmarks.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClassifierProcessTest {
    @Test
    void aSettingSplitsWhereTheNextFlagStartsSoAJvmFlagKeepsItsPlus() {
        assertThat(ClassifierProcess.flagsOf("--warm-up+jvm:-XX:+PrintCompilation+--inference-threads=1"))
                .containsExactly("--warm-up", "jvm:-XX:+PrintCompilation", "--inference-threads=1");
        assertThat(ClassifierProcess.flagsOf("--kafka-property=a.b=1+--kafka-property=c=2"))
                .containsExactly("--kafka-property=a.b=1", "--kafka-property=c=2");
        assertThat(ClassifierProcess.flagsOf(" ")).isEmpty();
    }
}
