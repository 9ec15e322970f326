package io.digitstream.schemas.snapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** The public keys whose signatures a classifier accepts, by key id. */
public final class TrustedKeys {
    private final Map<String, PublicKey> byId;

    private TrustedKeys(Map<String, PublicKey> byId) {
        this.byId = Map.copyOf(byId);
    }

    public static TrustedKeys of(PublicKey... keys) {
        Map<String, PublicKey> byId = new LinkedHashMap<>();
        for (PublicKey key : keys) {
            byId.put(keyId(key), key);
        }
        return new TrustedKeys(byId);
    }

    /** These keys and {@code key}. */
    public TrustedKeys with(PublicKey key) {
        Map<String, PublicKey> byId = new LinkedHashMap<>(this.byId);
        byId.put(keyId(key), key);
        return new TrustedKeys(byId);
    }

    /** No key: every signature is unknown. */
    public static TrustedKeys none() {
        return new TrustedKeys(Map.of());
    }

    /**
     * Every {@code PUBLIC KEY} block in a file, or in every {@code *.pub} file of a directory (a
     * signing key file counts for its public half).
     *
     * @throws IllegalArgumentException when there is no such file, or no key in it
     */
    public static TrustedKeys read(Path fileOrDirectory) {
        List<Path> files;
        try {
            if (Files.isDirectory(fileOrDirectory)) {
                try (Stream<Path> listing = Files.list(fileOrDirectory)) {
                    files = listing.filter(f -> f.getFileName().toString().endsWith(".pub"))
                            .sorted()
                            .toList();
                }
            } else if (Files.isRegularFile(fileOrDirectory)) {
                files = List.of(fileOrDirectory);
            } else {
                throw new IllegalArgumentException(
                        "no trusted keys at " + fileOrDirectory + ": no such file or directory");
            }
            Map<String, PublicKey> byId = new LinkedHashMap<>();
            for (Path file : files) {
                for (byte[] der : Pem.all(Files.readString(file), "PUBLIC KEY")) {
                    PublicKey key = publicKey(der);
                    byId.put(keyId(key), key);
                }
            }
            if (byId.isEmpty()) {
                throw new IllegalArgumentException("no public key in " + fileOrDirectory
                        + " (a .pub file written by 'digitstream keys generate')");
            }
            return new TrustedKeys(byId);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "cannot read trusted keys from " + fileOrDirectory + ": " + e.getMessage(), e);
        }
    }

    public Optional<PublicKey> get(String keyId) {
        return Optional.ofNullable(byId.get(keyId));
    }

    public java.util.Set<String> ids() {
        return byId.keySet();
    }

    public boolean isEmpty() {
        return byId.isEmpty();
    }

    static String keyId(PublicKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static PublicKey publicKey(byte[] der) {
        try {
            return KeyFactory.getInstance(SigningKey.ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an " + SigningKey.ALGORITHM + " public key: " + e.getMessage(), e);
        }
    }

    static boolean verify(PublicKey key, byte[] message, byte[] signature) {
        try {
            Signature verifier = Signature.getInstance(SigningKey.ALGORITHM);
            verifier.initVerify(key);
            verifier.update(message);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false; // a malformed signature is a bad one
        }
    }
}
