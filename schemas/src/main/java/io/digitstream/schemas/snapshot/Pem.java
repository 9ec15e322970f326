package io.digitstream.schemas.snapshot;

import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** PEM text (RFC 7468): base64 between BEGIN and END lines. */
final class Pem {
    private Pem() {}

    static String encode(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n-----END " + label + "-----\n";
    }

    /** The first block with this label. */
    static Optional<byte[]> block(String pem, String label) {
        return all(pem, label).stream().findFirst();
    }

    static java.util.List<byte[]> all(String pem, String label) {
        Matcher matcher = Pattern.compile(
                        "-----BEGIN " + label + "-----([A-Za-z0-9+/=\\s]*)-----END " + label + "-----")
                .matcher(pem);
        var blocks = new java.util.ArrayList<byte[]>();
        while (matcher.find()) {
            blocks.add(Base64.getMimeDecoder().decode(matcher.group(1)));
        }
        return blocks;
    }
}
