package io.digitstream.model.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.digitstream.model.network.ReferenceCnn;
import io.digitstream.schemas.Decoded;
import io.digitstream.schemas.ErrorCode;
import java.io.ByteArrayInputStream;
import java.io.InvalidClassException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;

/**
 * A snapshot's payload is untrusted input even when its signature checks out (a signing key can
 * leak): Deeplearning4j M2.1 deserializes a zip entry named {@code preprocessor.bin} with
 * {@code ObjectInputStream}. Such a payload is refused before Deeplearning4j sees it, and the JVM's
 * serialization filter refuses it even if something let it through.
 */
class UntrustedPayloadTest {
    private static final byte[] MODEL = Dl4jSnapshots.serialize(ReferenceCnn.create(7, new Adam(1e-3)));

    private static ErrorCode codeOf(Decoded<?> decoded) {
        assertThat(decoded).isInstanceOf(Decoded.Invalid.class);
        return ((Decoded.Invalid<?>) decoded).code();
    }

    @Test
    void aSerializedPreprocessorIsRefusedBeforeAnythingDeserializesIt() {
        byte[] hostile = HostileZips.withSerializedPreprocessor(MODEL);

        assertThat(codeOf(Dl4jSnapshots.restore(hostile))).isEqualTo(ErrorCode.FORBIDDEN_MODEL_ENTRY);
        assertThat(Tripwire.tripped()).isFalse();
    }

    @Test
    void onlyTheTwoEntriesANetworkNeedsAreAllowedEachOnce() {
        Map<String, byte[]> real = HostileZips.entries(MODEL);
        assertThat(real).containsOnlyKeys(ModelZip.CONFIGURATION, ModelZip.COEFFICIENTS);

        Map<String, byte[]> normalizer = new LinkedHashMap<>(real);
        normalizer.put("normalizer.bin", new byte[] {1});
        Map<String, byte[]> twice = new LinkedHashMap<>(real);
        twice.put(ModelZip.COEFFICIENTS + "#2", real.get(ModelZip.COEFFICIENTS));
        Map<String, byte[]> noWeights = new LinkedHashMap<>(real);
        noWeights.remove(ModelZip.COEFFICIENTS);

        assertThat(codeOf(ModelZip.allowedEntriesOf(HostileZips.zip(normalizer))))
                .isEqualTo(ErrorCode.FORBIDDEN_MODEL_ENTRY);
        assertThat(codeOf(ModelZip.allowedEntriesOf(HostileZips.zip(twice))))
                .isEqualTo(ErrorCode.FORBIDDEN_MODEL_ENTRY);
        assertThat(codeOf(ModelZip.allowedEntriesOf(HostileZips.zip(noWeights))))
                .isEqualTo(ErrorCode.MODEL_UNLOADABLE);
        assertThat(codeOf(ModelZip.allowedEntriesOf(new byte[] {1, 2, 3}))).isEqualTo(ErrorCode.MODEL_UNLOADABLE);
        // what passes is rewritten with exactly the two entries, and still loads
        assertThat(HostileZips.entries(ModelZip.allowedEntriesOf(MODEL).orElseThrow()))
                .containsOnlyKeys(ModelZip.CONFIGURATION, ModelZip.COEFFICIENTS);
        assertThat(Dl4jSnapshots.restore(MODEL).isValid()).isTrue();
    }

    @Test
    void aZipBombStopsAtTheEntrysLimit() {
        Map<String, byte[]> bomb = new LinkedHashMap<>(HostileZips.entries(MODEL));
        bomb.put(ModelZip.CONFIGURATION, new byte[8 * 1024 * 1024]); // compresses to a few KB

        assertThat(codeOf(ModelZip.allowedEntriesOf(HostileZips.zip(bomb)))).isEqualTo(ErrorCode.MODEL_UNLOADABLE);
    }

    @Test
    void evenPastTheZipCheckTheJvmRefusesToDeserializeAnything() {
        // every process of the project runs with a filter that admits no class (here: surefire's -Djdk.serialFilter)
        assertThat(JavaDeserialization.forbidden())
                .as("the test JVM runs with the serialization filter")
                .isTrue();

        byte[] hostile = HostileZips.withSerializedPreprocessor(MODEL);

        // the call the verifier would make, were the zip check not in front of it
        assertThatThrownBy(() -> ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(hostile), false))
                .isInstanceOf(InvalidClassException.class)
                .hasMessageContaining("REJECTED");
        assertThat(Tripwire.tripped()).isFalse();
    }
}
