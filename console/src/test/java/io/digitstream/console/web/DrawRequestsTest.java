package io.digitstream.console.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DrawRequestsTest {
    @Test
    void theConsolesOwnPageAndClientsOutsideABrowserMayDraw() {
        assertThat(DrawRequests.refusal("http://localhost:8080", "localhost:8080", "image/png"))
                .isEmpty();
        assertThat(DrawRequests.refusal(null, "127.0.0.1:8080", "image/jpeg")).isEmpty();
        assertThat(DrawRequests.refusal("http://console.example", "console.example", "image/png; q=1"))
                .isEmpty();
    }

    @Test
    void anotherOriginIsForbidden() {
        assertThat(DrawRequests.refusal("http://evil.example", "localhost:8080", "image/png"))
                .hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(403));
        assertThat(DrawRequests.refusal("http://localhost:9999", "localhost:8080", "image/png"))
                .hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(403));
        assertThat(DrawRequests.refusal("null", "localhost:8080", "image/png"))
                .as("a sandboxed page's origin")
                .hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(403));
    }

    @Test
    void aBodyThatIsNotTypedAsAnImageIsRefused() {
        for (String type :
                new String[] {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data", ""}) {
            assertThat(DrawRequests.refusal(null, "localhost:8080", type))
                    .as(type)
                    .hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(415));
        }
        assertThat(DrawRequests.refusal(null, "localhost:8080", null)).isPresent();
    }
}
