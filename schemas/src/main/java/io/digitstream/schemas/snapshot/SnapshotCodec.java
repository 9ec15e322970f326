package io.digitstream.schemas.snapshot;

import io.digitstream.schemas.Decoded;
import io.digitstream.schemas.ErrorCode;
import io.digitstream.schemas.message.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The binary model-snapshot envelope, big-endian:
 * <pre>
 *   4 bytes  magic "DGSN"
 *   2 bytes  format version, 3 (formats 1 and 2 carried a Deeplearning4j zip: refused, see below)
 *   4 bytes  header length H
 *   H bytes  header, UTF-8 JSON ({@link SnapshotHeader})
 *   8 bytes  payload length P
 *   P bytes  payload: an ONNX graph ({@link SnapshotHeader#ONNX_GRAPH})
 *   2 bytes  key id length K (0 = unsigned)       } the signature block: an Ed25519 signature
 *   K bytes  key id, UTF-8                        } by the key named, over every byte above,
 *   2 bytes  signature length S                   } so the header (name, version, digest) and
 *   S bytes  signature                            } the payload are both covered
 * </pre>
 * Format 3 has format 2's layout; what changed is the payload: an ONNX graph instead of a
 * Deeplearning4j zip, so that serving processes need no Deeplearning4j. They do not read the old
 * formats ({@link ErrorCode#RETIRED_SNAPSHOT_FORMAT}); the trainer publishes a new version.
 * The lengths make a truncated record detectable before any parser sees it. Decoding checks the
 * signature before it parses the header, and the header's SHA-256 before anything loads the payload.
 */
public final class SnapshotCodec {
    public static final int FORMAT_VERSION = 3;
    /** Formats 1 (unsigned) and 2 (signed) carried a Deeplearning4j zip. */
    private static final int LAST_RETIRED_FORMAT_VERSION = 2;

    static final byte[] MAGIC = {'D', 'G', 'S', 'N'};
    static final int MAX_HEADER_BYTES = 64 * 1024;
    private static final int MAX_KEY_ID_BYTES = 256;
    private static final int MAX_SIGNATURE_BYTES = 1024;
    private static final int PREAMBLE = MAGIC.length + 2 + 4;

    private SnapshotCodec() {}

    /** The envelope, signed with {@code key}. */
    public static byte[] encode(ModelSnapshot snapshot, SigningKey key) {
        byte[] signed = signedPart(snapshot);
        byte[] keyId = key.keyId().getBytes(StandardCharsets.UTF_8);
        byte[] signature = key.sign(signed);
        return ByteBuffer.allocate(signed.length + 2 + keyId.length + 2 + signature.length)
                .put(signed)
                .putShort((short) keyId.length)
                .put(keyId)
                .putShort((short) signature.length)
                .put(signature)
                .array();
    }

    /** Signed with the key if there is one, else unsigned. */
    public static byte[] encode(ModelSnapshot snapshot, java.util.Optional<SigningKey> key) {
        return key.map(k -> encode(snapshot, k)).orElseGet(() -> encodeUnsigned(snapshot));
    }

    /** The envelope without a signature: only classifiers told to allow unsigned snapshots serve it. */
    public static byte[] encodeUnsigned(ModelSnapshot snapshot) {
        byte[] signed = signedPart(snapshot);
        return ByteBuffer.allocate(signed.length + 4)
                .put(signed)
                .putShort((short) 0)
                .putShort((short) 0)
                .array();
    }

    private static byte[] signedPart(ModelSnapshot snapshot) {
        byte[] header;
        try {
            header = Json.MAPPER.writeValueAsBytes(snapshot.header());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] payload = snapshot.payload();
        return ByteBuffer.allocate(PREAMBLE + header.length + 8 + payload.length)
                .put(MAGIC)
                .putShort((short) FORMAT_VERSION)
                .putInt(header.length)
                .put(header)
                .putLong(payload.length)
                .put(payload)
                .array();
    }

    /**
     * Reads an envelope as {@code trust} says: under a checked trust, the signature is verified
     * against the trusted keys before the header is parsed, and an unsigned envelope is refused
     * unless unsigned ones are allowed.
     */
    public static Decoded<ModelSnapshot> decode(byte[] bytes, SnapshotTrust trust) {
        if (bytes == null) {
            return Decoded.invalid(ErrorCode.NULL_VALUE, "the snapshot record has a null value");
        }
        if (bytes.length < MAGIC.length) {
            return Decoded.invalid(
                    ErrorCode.TRUNCATED_SNAPSHOT, "only " + bytes.length + " bytes; not even the magic number");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        for (byte expected : MAGIC) {
            if (in.get() != expected) {
                return Decoded.invalid(ErrorCode.BAD_MAGIC, "the bytes do not start with 'DGSN'");
            }
        }
        if (in.remaining() < 6) {
            return Decoded.invalid(ErrorCode.TRUNCATED_SNAPSHOT, "the envelope ends inside its preamble");
        }
        int format = Short.toUnsignedInt(in.getShort());
        if (format >= 1 && format <= LAST_RETIRED_FORMAT_VERSION) {
            return Decoded.invalid(
                    ErrorCode.RETIRED_SNAPSHOT_FORMAT,
                    "envelope format " + format + " carries a Deeplearning4j zip; this build serves format "
                            + FORMAT_VERSION + " (an ONNX graph): republish the model with this version's trainer");
        }
        if (format != FORMAT_VERSION) {
            return Decoded.invalid(
                    ErrorCode.UNKNOWN_FORMAT_VERSION,
                    "envelope format " + format + "; this build reads format " + FORMAT_VERSION);
        }
        int headerLength = in.getInt();
        if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES) {
            return Decoded.invalid(
                    ErrorCode.BAD_HEADER, "header length " + headerLength + " is outside 1.." + MAX_HEADER_BYTES);
        }
        if (in.remaining() < headerLength + 8) {
            return Decoded.invalid(ErrorCode.TRUNCATED_SNAPSHOT, "the envelope ends inside its header");
        }
        int headerStart = in.position();
        in.position(headerStart + headerLength);
        long payloadLength = in.getLong();
        if (payloadLength < 0 || payloadLength > in.remaining()) {
            return Decoded.invalid(
                    ErrorCode.TRUNCATED_SNAPSHOT,
                    "the payload declares " + payloadLength + " bytes but " + in.remaining() + " follow");
        }
        int payloadStart = in.position();
        int signedEnd = payloadStart + (int) payloadLength;
        in.position(signedEnd);

        Decoded<String> signer = signatureBlock(bytes, in, signedEnd, trust);
        if (signer instanceof Decoded.Invalid<String> invalid) {
            return invalid.retype();
        }
        String keyId = ((Decoded.Valid<String>) signer).value();
        if (keyId.isEmpty() && trust.checked() && !trust.unsignedAllowed()) {
            return Decoded.invalid(
                    ErrorCode.UNSIGNED_SNAPSHOT,
                    "the snapshot is not signed; sign it with the trainer's key, or run the classifier with --allow-unsigned");
        }

        SnapshotHeader header;
        try {
            header = Json.MAPPER.readValue(bytes, headerStart, headerLength, SnapshotHeader.class);
        } catch (IOException | RuntimeException e) {
            return Decoded.invalid(
                    ErrorCode.BAD_HEADER,
                    "the header is not a valid snapshot header: "
                            + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
        byte[] payload = Arrays.copyOfRange(bytes, payloadStart, signedEnd);
        String actual = sha256Hex(payload);
        if (!actual.equalsIgnoreCase(header.payloadSha256())) {
            return Decoded.invalid(
                    ErrorCode.CHECKSUM_MISMATCH,
                    "payload SHA-256 is " + actual + " but the header says " + header.payloadSha256());
        }
        return Decoded.valid(new ModelSnapshot(header, payload, keyId.isEmpty() ? null : keyId));
    }

    /** The signer's key id ("" when unsigned), checked against {@code trust} when it is checked. */
    private static Decoded<String> signatureBlock(byte[] bytes, ByteBuffer in, int signedEnd, SnapshotTrust trust) {
        if (in.remaining() < 4) {
            return Decoded.invalid(ErrorCode.TRUNCATED_SNAPSHOT, "the envelope ends before its signature block");
        }
        int keyIdLength = Short.toUnsignedInt(in.getShort());
        if (keyIdLength > MAX_KEY_ID_BYTES || in.remaining() < keyIdLength + 2) {
            return Decoded.invalid(ErrorCode.TRUNCATED_SNAPSHOT, "the envelope ends inside its signature block");
        }
        byte[] keyIdBytes = new byte[keyIdLength];
        in.get(keyIdBytes);
        int signatureLength = Short.toUnsignedInt(in.getShort());
        if (signatureLength > MAX_SIGNATURE_BYTES || in.remaining() != signatureLength) {
            return Decoded.invalid(
                    ErrorCode.BAD_HEADER,
                    "the signature block declares " + signatureLength + " bytes but " + in.remaining() + " follow");
        }
        byte[] signature = new byte[signatureLength];
        in.get(signature);
        String keyId = new String(keyIdBytes, StandardCharsets.UTF_8);
        if (keyId.isEmpty() != (signatureLength == 0)) {
            return Decoded.invalid(
                    ErrorCode.BAD_SIGNATURE, "a key id without a signature, or a signature without a key id");
        }
        if (keyId.isEmpty() || !trust.checked()) {
            return Decoded.valid(keyId);
        }
        var key = trust.keys().get(keyId);
        if (key.isEmpty()) {
            return Decoded.invalid(
                    ErrorCode.UNKNOWN_SIGNING_KEY,
                    "signed by key " + keyId + ", which this instance does not trust (trusted: "
                            + trust.keys().ids() + ")");
        }
        if (!TrustedKeys.verify(key.get(), Arrays.copyOfRange(bytes, 0, signedEnd), signature)) {
            return Decoded.invalid(
                    ErrorCode.BAD_SIGNATURE,
                    "the signature by key " + keyId + " does not match the snapshot's bytes: changed after signing");
        }
        return Decoded.valid(keyId);
    }

    public static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
