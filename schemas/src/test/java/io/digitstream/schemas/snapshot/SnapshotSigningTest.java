package io.digitstream.schemas.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.digitstream.schemas.Decoded;
import io.digitstream.schemas.ErrorCode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who may change the model: only an envelope signed by a trusted key, over exactly its bytes, decodes. */
class SnapshotSigningTest {
    private static final SigningKey TRAINER = SigningKey.generate();
    private static final SigningKey STRANGER = SigningKey.generate();
    private static final SnapshotTrust TRUST = SnapshotTrust.requireSigned(TrustedKeys.of(TRAINER.publicKey()));

    private static ModelSnapshot snapshot(long version) {
        byte[] payload = "weights".getBytes(StandardCharsets.UTF_8);
        return new ModelSnapshot(
                new SnapshotHeader(
                        "mnist-cnn",
                        version,
                        1L,
                        SnapshotHeader.ONNX_GRAPH,
                        SnapshotCodec.sha256Hex(payload),
                        List.of(1, 28, 28),
                        10,
                        null),
                payload);
    }

    private static ErrorCode codeOf(Decoded<?> decoded) {
        assertThat(decoded).isInstanceOf(Decoded.Invalid.class);
        return ((Decoded.Invalid<?>) decoded).code();
    }

    @Test
    void aSnapshotSignedByATrustedKeyDecodesAndNamesItsSigner() {
        Decoded<ModelSnapshot> decoded = SnapshotCodec.decode(SnapshotCodec.encode(snapshot(3), TRAINER), TRUST);

        assertThat(decoded.orElseThrow().header().version()).isEqualTo(3);
        assertThat(decoded.orElseThrow().signer()).contains(TRAINER.keyId());
    }

    @Test
    void unsignedIsRefusedUnlessUnsignedSnapshotsAreAllowed() {
        byte[] unsigned = SnapshotCodec.encodeUnsigned(snapshot(3));

        assertThat(codeOf(SnapshotCodec.decode(unsigned, TRUST))).isEqualTo(ErrorCode.UNSIGNED_SNAPSHOT);
        assertThat(SnapshotCodec.decode(unsigned, SnapshotTrust.allowUnsigned(TrustedKeys.none()))
                        .orElseThrow()
                        .signer())
                .isEmpty();
    }

    @Test
    void formatsOneAndTwoAreRetiredWhateverTheTrust() {
        byte[] unsigned = SnapshotCodec.encodeUnsigned(snapshot(3));
        byte[] formatOne = Arrays.copyOf(unsigned, unsigned.length - 4); // it had no signature block
        ByteBuffer.wrap(formatOne).putShort(4, (short) 1);
        byte[] formatTwo = SnapshotCodec.encode(snapshot(3), TRAINER);
        ByteBuffer.wrap(formatTwo).putShort(4, (short) 2);

        for (byte[] retired : List.of(formatOne, formatTwo)) {
            assertThat(codeOf(SnapshotCodec.decode(retired, TRUST))).isEqualTo(ErrorCode.RETIRED_SNAPSHOT_FORMAT);
            assertThat(codeOf(SnapshotCodec.decode(retired, SnapshotTrust.unchecked())))
                    .isEqualTo(ErrorCode.RETIRED_SNAPSHOT_FORMAT);
        }
    }

    @Test
    void aKeyNobodyTrustsIsRefusedEvenWhenUnsignedOnesAreAllowed() {
        byte[] byStranger = SnapshotCodec.encode(snapshot(3), STRANGER);

        assertThat(codeOf(SnapshotCodec.decode(byStranger, TRUST))).isEqualTo(ErrorCode.UNKNOWN_SIGNING_KEY);
        assertThat(codeOf(SnapshotCodec.decode(
                        byStranger, SnapshotTrust.allowUnsigned(TrustedKeys.of(TRAINER.publicKey())))))
                .isEqualTo(ErrorCode.UNKNOWN_SIGNING_KEY);
    }

    @Test
    void aPayloadChangedAfterSigningIsRefused() {
        byte[] envelope = SnapshotCodec.encode(snapshot(3), TRAINER);
        int payloadEnd = envelope.length - 4 - TRAINER.keyId().length() - 64;
        envelope[payloadEnd - 1] ^= 0x01;

        assertThat(codeOf(SnapshotCodec.decode(envelope, TRUST))).isEqualTo(ErrorCode.BAD_SIGNATURE);
    }

    @Test
    void aVersionOrNameEditedInTheHeaderAfterSigningIsRefused() {
        byte[] envelope = SnapshotCodec.encode(snapshot(3), TRAINER);
        String text = new String(envelope, StandardCharsets.ISO_8859_1);

        byte[] newerVersion = text.replace("\"version\":3", "\"version\":9").getBytes(StandardCharsets.ISO_8859_1);
        byte[] otherName = text.replace("mnist-cnn", "mnist-cnx").getBytes(StandardCharsets.ISO_8859_1);

        assertThat(newerVersion).isNotEqualTo(envelope);
        assertThat(codeOf(SnapshotCodec.decode(newerVersion, TRUST))).isEqualTo(ErrorCode.BAD_SIGNATURE);
        assertThat(codeOf(SnapshotCodec.decode(otherName, TRUST))).isEqualTo(ErrorCode.BAD_SIGNATURE);
    }

    @Test
    void aSignatureMovedToAnotherSnapshotIsRefused() {
        byte[] v3 = SnapshotCodec.encode(snapshot(3), TRAINER);
        byte[] v4 = SnapshotCodec.encode(snapshot(4), TRAINER);
        int block = 4 + TRAINER.keyId().length() + 64;
        byte[] v4WithV3sSignature = v4.clone();
        System.arraycopy(v3, v3.length - block, v4WithV3sSignature, v4.length - block, block);

        assertThat(codeOf(SnapshotCodec.decode(v4WithV3sSignature, TRUST))).isEqualTo(ErrorCode.BAD_SIGNATURE);
    }

    @Test
    void keysSurviveTheirFilesAndTheKeyIdNamesThePublicHalf(@TempDir Path dir) throws Exception {
        SigningKey key = SigningKey.generate();
        Files.writeString(dir.resolve("trainer.key"), key.toPem());
        Files.writeString(dir.resolve("trainer.pub"), key.publicPem());

        SigningKey read = SigningKey.fromPem(Files.readString(dir.resolve("trainer.key")));
        TrustedKeys trusted = TrustedKeys.read(dir);

        assertThat(read.keyId()).isEqualTo(key.keyId()).hasSize(16);
        assertThat(trusted.ids()).containsExactly(key.keyId());
        assertThat(SnapshotCodec.decode(SnapshotCodec.encode(snapshot(1), read), SnapshotTrust.requireSigned(trusted))
                        .isValid())
                .isTrue();
        assertThatThrownBy(() -> SigningKey.fromPem(key.publicPem()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PRIVATE KEY");
        assertThatThrownBy(() -> TrustedKeys.read(dir.resolve("missing.pub")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing.pub");
    }
}
