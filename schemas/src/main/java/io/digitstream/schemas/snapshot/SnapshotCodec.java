package io.digitstream.schemas.snapshot;

import io.digitstream.schemas.Decoded;
import io.digitstream.schemas.ErrorCode;
import io.digitstream.schemas.message.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The binary model-snapshot envelope, big-endian:
 * <pre>
 *   4 bytes  magic "DGSN"
 *   2 bytes  format version (1)
 *   4 bytes  header length H
 *   H bytes  header, UTF-8 JSON ({@link SnapshotHeader})
 *   8 bytes  payload length P
 *   P bytes  payload
 * </pre>
 * The lengths make a truncated record detectable before any JSON or zip parser sees it, and the
 * header's SHA-256 is checked before anything loads the payload.
 */
public final class SnapshotCodec {
    public static final int FORMAT_VERSION = 1;
    static final byte[] MAGIC = {'D', 'G', 'S', 'N'};
    static final int MAX_HEADER_BYTES = 64 * 1024;
    private static final int PREAMBLE = MAGIC.length + 2 + 4;

    private SnapshotCodec() {}

    public static byte[] encode(ModelSnapshot snapshot) {
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

    public static Decoded<ModelSnapshot> decode(byte[] bytes) {
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
        SnapshotHeader header;
        try {
            header = Json.MAPPER.readValue(bytes, in.position(), headerLength, SnapshotHeader.class);
        } catch (IOException | RuntimeException e) {
            return Decoded.invalid(
                    ErrorCode.BAD_HEADER,
                    "the header is not a valid snapshot header: "
                            + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
        in.position(in.position() + headerLength);
        long payloadLength = in.getLong();
        if (payloadLength < 0 || payloadLength > in.remaining()) {
            return Decoded.invalid(
                    ErrorCode.TRUNCATED_SNAPSHOT,
                    "the payload declares " + payloadLength + " bytes but " + in.remaining() + " follow");
        }
        if (payloadLength < in.remaining()) {
            return Decoded.invalid(
                    ErrorCode.BAD_HEADER, (in.remaining() - payloadLength) + " unexpected bytes after the payload");
        }
        byte[] payload = new byte[(int) payloadLength];
        in.get(payload);
        String actual = sha256Hex(payload);
        if (!actual.equalsIgnoreCase(header.payloadSha256())) {
            return Decoded.invalid(
                    ErrorCode.CHECKSUM_MISMATCH,
                    "payload SHA-256 is " + actual + " but the header says " + header.payloadSha256());
        }
        return Decoded.valid(new ModelSnapshot(header, payload));
    }

    public static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
