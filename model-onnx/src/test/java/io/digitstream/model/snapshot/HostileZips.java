package io.digitstream.model.snapshot;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/** Model payloads as an attacker would write them, for the tests of what the verifier lets through. */
public final class HostileZips {
    private HostileZips() {}

    /** A real model's payload with a {@code preprocessor.bin} holding a serialized {@link Tripwire}: DL4J would readObject it. */
    public static byte[] withSerializedPreprocessor(byte[] modelPayload) {
        Map<String, byte[]> entries = entries(modelPayload);
        entries.put("preprocessor.bin", serialized(new Tripwire()));
        return zip(entries);
    }

    /** A zip holding only a {@code preprocessor.bin} with a serialized {@link Tripwire}: what Deeplearning4j-era payloads could smuggle. */
    public static byte[] carryingSerializedObject() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("preprocessor.bin", serialized(new Tripwire()));
        return zip(entries);
    }

    /** The payload's entries, in order. */
    public static Map<String, byte[]> entries(byte[] payload) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (var in = new ZipInputStream(new ByteArrayInputStream(payload))) {
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                entries.put(entry.getName(), in.readAllBytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }

    /**
     * A zip of these entries. A key {@code name#2} writes a second entry called {@code name}:
     * Java's ZipOutputStream refuses that, so it is written under a stand-in name of the same
     * length, which is then replaced in the bytes (local header and central directory alike).
     */
    public static byte[] zip(Map<String, byte[]> entries) {
        var out = new ByteArrayOutputStream();
        try (var zip = new ZipOutputStream(out)) {
            for (var entry : entries.entrySet()) {
                String name = entry.getKey();
                zip.putNextEntry(new ZipEntry(name.endsWith("#2") ? standIn(name) : name));
                zip.write(entry.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String bytes = out.toString(StandardCharsets.ISO_8859_1);
        for (String name : entries.keySet()) {
            if (name.endsWith("#2")) {
                bytes = bytes.replace(standIn(name), name.substring(0, name.length() - 2));
            }
        }
        return bytes.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String standIn(String duplicate) {
        String name = duplicate.substring(0, duplicate.length() - 2);
        return name.substring(0, name.length() - 1) + "~";
    }

    private static byte[] serialized(Object object) {
        var out = new ByteArrayOutputStream();
        try (var objects = new ObjectOutputStream(out)) {
            objects.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
