package io.digitstream.mnist.data;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.zip.GZIPInputStream;

/** A public mirror serving the gzip files under their original names, as torchvision and TensorFlow use. */
public final class HttpMirrorSource implements MnistSource {
    private final URI base;
    private final Duration timeout;
    private final HttpClient client;

    public HttpMirrorSource(String base, Duration timeout) {
        this.base = URI.create(base.endsWith("/") ? base : base + "/");
        this.timeout = timeout;
        this.client = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    @Override
    public String describe() {
        return base.toString();
    }

    @Override
    public void fetch(MnistFile file, Path target) throws IOException {
        var request = HttpRequest.newBuilder(base.resolve(file.fileName() + ".gz"))
                .timeout(timeout)
                .GET()
                .build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (IOException e) {
            throw new IOException(
                    e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode() + " for " + request.uri());
            }
            try (InputStream in = new GZIPInputStream(body, 1 << 16)) {
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
