package io.digitstream.app.command;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code digitstream health [URL]}: asks a running part whether it is healthy; exit 0 if it answers
 * 200, 1 otherwise. Docker's healthchecks run it: the runtime image has no curl, and a shell's
 * {@code /dev/tcp} is a bash feature that Debian's and Ubuntu's {@code /bin/sh} (dash) lacks.
 */
@Command(
        name = "health",
        mixinStandardHelpOptions = true,
        showDefaultValues = true,
        description = "Exits 0 if URL answers 200 within the timeout, else 1 (a Docker healthcheck).")
public final class HealthCommand implements Callable<Integer> {
    @Parameters(
            arity = "0..1",
            paramLabel = "URL",
            defaultValue = "http://127.0.0.1:${env:DIGITSTREAM_METRICS_PORT:-" + ClassifierCommand.DEFAULT_METRICS_PORT
                    + "}/health",
            description = "What to ask (default: this container's classifier, on DIGITSTREAM_METRICS_PORT).")
    URI url;

    @Option(names = "--timeout-ms", defaultValue = "3000", description = "How long to wait for the answer.")
    long timeoutMs;

    @Override
    public Integer call() throws InterruptedException {
        var client = HttpClient.newBuilder()
                .connectTimeout(Duration.ofMillis(timeoutMs))
                .build();
        var request = HttpRequest.newBuilder(url)
                .timeout(Duration.ofMillis(timeoutMs))
                .GET()
                .build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            String answer = response.body().lines().findFirst().orElse("");
            System.out.println(url + ": " + response.statusCode() + " " + answer);
            return response.statusCode() == 200 ? 0 : 1;
        } catch (IOException e) {
            System.out.println(url + ": no answer (" + e.getClass().getSimpleName() + ")");
            return 1;
        }
    }
}
