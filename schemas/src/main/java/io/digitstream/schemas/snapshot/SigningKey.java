package io.digitstream.schemas.snapshot;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Objects;

/**
 * The key a trainer signs snapshots with: Ed25519 (RFC 8032) from the JDK, so signing needs no
 * library and the key files are the standard PKCS#8 and X.509 forms that OpenSSL reads too.
 * Its file holds the private key and then its public key, so the file alone signs and names itself;
 * the public key goes to every classifier (see {@link TrustedKeys}).
 */
public final class SigningKey {
    static final String ALGORITHM = "Ed25519";

    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final String keyId;

    private SigningKey(PrivateKey privateKey, PublicKey publicKey) {
        this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
        this.publicKey = Objects.requireNonNull(publicKey, "publicKey");
        this.keyId = TrustedKeys.keyId(publicKey);
    }

    /** A new random key pair. */
    public static SigningKey generate() {
        try {
            KeyPair pair = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
            return new SigningKey(pair.getPrivate(), pair.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no " + ALGORITHM, e);
        }
    }

    /**
     * Reads what {@link #toPem()} wrote: a {@code PRIVATE KEY} block, then its {@code PUBLIC KEY}.
     *
     * @throws IllegalArgumentException when the text holds no Ed25519 key pair
     */
    public static SigningKey fromPem(String pem) {
        byte[] privateBytes = Pem.block(pem, "PRIVATE KEY")
                .orElseThrow(() -> new IllegalArgumentException("no PRIVATE KEY block: not a signing key"));
        byte[] publicBytes = Pem.block(pem, "PUBLIC KEY")
                .orElseThrow(() -> new IllegalArgumentException(
                        "no PUBLIC KEY block after the private key (write keys with 'digitstream keys generate')"));
        try {
            PrivateKey privateKey =
                    KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(privateBytes));
            var key = new SigningKey(privateKey, TrustedKeys.publicKey(publicBytes));
            // the two halves must belong together, or every signature would be refused later
            if (!TrustedKeys.verify(key.publicKey, "check".getBytes(), key.sign("check".getBytes()))) {
                throw new IllegalArgumentException("the public key in the file does not belong to its private key");
            }
            return key;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an " + ALGORITHM + " private key: " + e.getMessage(), e);
        }
    }

    /** The private key, then the public key, as PEM. */
    public String toPem() {
        return Pem.encode("PRIVATE KEY", privateKey.getEncoded()) + Pem.encode("PUBLIC KEY", publicKey.getEncoded());
    }

    /** The public key alone, as PEM: what classifiers trust. */
    public String publicPem() {
        return Pem.encode("PUBLIC KEY", publicKey.getEncoded());
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    /** A short name for the key in logs and events: the first 8 bytes of the SHA-256 of its public key, in hex. */
    public String keyId() {
        return keyId;
    }

    byte[] sign(byte[] message) {
        try {
            Signature signature = Signature.getInstance(ALGORITHM);
            signature.initSign(privateKey);
            signature.update(message);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not sign with " + keyId, e);
        }
    }
}
