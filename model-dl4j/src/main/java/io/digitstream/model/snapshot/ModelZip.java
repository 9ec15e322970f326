package io.digitstream.model.snapshot;

import io.digitstream.schemas.Decoded;
import io.digitstream.schemas.ErrorCode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * The gate in front of Deeplearning4j's {@code ModelSerializer}, which reads a zip entry named
 * {@code preprocessor.bin} with {@code ObjectInputStream.readObject()} (and {@code normalizer.bin}
 * likewise): Java deserialization of whatever the zip holds. A snapshot's payload may hold exactly
 * the two entries a network needs, each once and bounded in size; anything else is refused before
 * Deeplearning4j sees a byte. What passes is written into a new zip holding only those two entries,
 * so Deeplearning4j reads exactly what was checked (a zip's local headers and its central directory
 * can disagree; this reads the one and writes a fresh other).
 */
final class ModelZip {
    static final String CONFIGURATION = "configuration.json";
    static final String COEFFICIENTS = "coefficients.bin";
    /** What each allowed entry may hold at most, uncompressed: far above the reference CNN's 8 KB and 200 KB. */
    private static final Map<String, Integer> ALLOWED =
            Map.of(CONFIGURATION, 1024 * 1024, COEFFICIENTS, 64 * 1024 * 1024);

    private ModelZip() {}

    /** The payload reduced to its two allowed entries, or why not. */
    static Decoded<byte[]> allowedEntriesOf(byte[] payload) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (var zip = new ZipInputStream(new ByteArrayInputStream(payload))) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                String name = entry.getName();
                Integer limit = ALLOWED.get(name);
                if (limit == null) {
                    return Decoded.invalid(
                            ErrorCode.FORBIDDEN_MODEL_ENTRY,
                            "the model zip holds '" + abbreviate(name) + "'; only " + CONFIGURATION + " and "
                                    + COEFFICIENTS
                                    + " are allowed (Deeplearning4j would deserialize other entries as Java objects)");
                }
                if (entries.containsKey(name)) {
                    return Decoded.invalid(ErrorCode.FORBIDDEN_MODEL_ENTRY, "the model zip holds '" + name + "' twice");
                }
                byte[] content = readAtMost(zip, limit);
                if (content == null) {
                    return Decoded.invalid(
                            ErrorCode.MODEL_UNLOADABLE,
                            "'" + name + "' is larger than " + limit + " bytes uncompressed");
                }
                entries.put(name, content);
            }
        } catch (IOException | RuntimeException e) {
            return Decoded.invalid(ErrorCode.MODEL_UNLOADABLE, "the payload is not a readable zip: " + e.getMessage());
        }
        for (String required : ALLOWED.keySet()) {
            if (!entries.containsKey(required)) {
                return Decoded.invalid(ErrorCode.MODEL_UNLOADABLE, "the model zip has no " + required);
            }
        }
        return Decoded.valid(rewritten(entries));
    }

    /** The entries as a new zip, stored uncompressed: Deeplearning4j reads it once, at once. */
    private static byte[] rewritten(Map<String, byte[]> entries) {
        var out = new ByteArrayOutputStream();
        try (var zip = new ZipOutputStream(out)) {
            for (var entry : entries.entrySet()) {
                var stored = new ZipEntry(entry.getKey());
                var crc = new CRC32();
                crc.update(entry.getValue());
                stored.setMethod(ZipEntry.STORED);
                stored.setSize(entry.getValue().length);
                stored.setCrc(crc.getValue());
                zip.putNextEntry(stored);
                zip.write(entry.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new IllegalStateException("writing a zip in memory failed", e);
        }
        return out.toByteArray();
    }

    /** The stream's remaining bytes, or null if there are more than {@code limit} (a zip bomb stops here). */
    private static byte[] readAtMost(InputStream in, int limit) throws IOException {
        var out = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = in.read(buffer)) > 0) {
            if (out.size() + n > limit) {
                return null;
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
