package io.digitstream.console.web;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which {@code POST /api/draw} requests the console takes. A drawing is written to
 * {@code digits-in}, so a request must come from the console's own page: any other web page the
 * user has open could otherwise post images to it (cross-site request forgery). A browser names
 * the page's origin on every cross-origin POST, and a body typed {@code image/png} or
 * {@code image/jpeg} is not a "simple" request, so a browser asks the console first (a CORS
 * preflight, which it never allows) before another origin's script may send one at all. Clients
 * outside a browser (curl, scripts) send no Origin and are not a forgery risk.
 */
final class DrawRequests {
    /** Drawings per client address per minute: a person draws a few; a script is stopped. */
    static final int PER_MINUTE = 120;

    private static final Set<String> IMAGE_TYPES = Set.of("image/png", "image/jpeg");

    record Refusal(int status, String reason) {}

    private DrawRequests() {}

    /**
     * @param origin      the request's Origin header, if any
     * @param host        its Host header: the console's own address as the page reached it
     * @param contentType its Content-Type header
     */
    static Optional<Refusal> refusal(String origin, String host, String contentType) {
        if (origin != null && !sameAuthority(origin, host)) {
            return Optional.of(
                    new Refusal(403, "drawings are taken from the console's own page only, not from " + origin));
        }
        String type =
                contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!IMAGE_TYPES.contains(type)) {
            return Optional.of(new Refusal(
                    415, "a drawing is a PNG or JPEG body (Content-Type image/png or image/jpeg), not '" + type + "'"));
        }
        return Optional.empty();
    }

    /** Whether an Origin ("http://host:port", or "null" from a sandboxed page) names {@code host}. */
    private static boolean sameAuthority(String origin, String host) {
        if (host == null) {
            return false;
        }
        try {
            String authority = URI.create(origin).getRawAuthority();
            return authority != null && authority.equalsIgnoreCase(host);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
