package io.digitstream.benchmarks.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import org.junit.jupiter.api.Test;

class ClassifierProcessTest {
    @Test
    void aSettingSplitsWhereTheNextFlagStartsSoAJvmFlagKeepsItsPlus() {
        assertThat(ClassifierProcess.flagsOf("--warm-up+jvm:-XX:+PrintCompilation+--inference-threads=1"))
                .containsExactly("--warm-up", "jvm:-XX:+PrintCompilation", "--inference-threads=1");
        assertThat(ClassifierProcess.flagsOf("--kafka-property=a.b=1+--kafka-property=c=2"))
                .containsExactly("--kafka-property=a.b=1", "--kafka-property=c=2");
        assertThat(ClassifierProcess.flagsOf("java:/opt/jdk+25/bin/java+--warm-up"))
                .containsExactly("java:/opt/jdk+25/bin/java", "--warm-up");
        assertThat(ClassifierProcess.flagsOf(" ")).isEmpty();
    }

    @Test
    void theClassifiersClassPathPutsTheServingLauncherFirstAndLeavesTheBenchmarksOwnClassesOut() {
        String own = ClassifierProcess.BENCHMARK_CLASSES.toString();
        String classPath = String.join(File.pathSeparator, "kafka-clients.jar", own, "app-serving-0.1.0.jar");

        assertThat(ClassifierProcess.servingFirst(classPath))
                .isEqualTo(String.join(File.pathSeparator, "app-serving-0.1.0.jar", "kafka-clients.jar"));
    }
}
