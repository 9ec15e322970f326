package io.digitstream.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import io.digitstream.classifier.Classifier;
import io.digitstream.classifier.TestModels;
import io.digitstream.cluster.KafkaConnection;
import io.digitstream.kafka.embedded.EmbeddedKafka;
import io.digitstream.schemas.message.Prediction;
import io.digitstream.schemas.topic.TopicNames;
import io.digitstream.testing.BrokerTest;
import io.digitstream.testing.KafkaTestSupport;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The console in a real headless Chromium (Debian's chromium and chromium-driver) against a real
 * broker, a running classifier and trained models: a 7 drawn with pointer events comes back as the
 * classifier's prediction, a newer model shows up as a swap, a blank drawing shows its dead-letter
 * reason, and a stopped classifier and an unreachable cluster show on the page. Screenshots go to
 * {@code target/console-*.png}. Skipped where no Chromium is installed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@BrokerTest
class ConsoleBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final TopicNames TOPICS = TopicNames.DEFAULTS;
    private static final Duration ANSWER = Duration.ofSeconds(60);

    private static EmbeddedKafka kafka;
    private static Classifier classifier;
    private static Console console;
    private static ChromeDriver browser;

    @TempDir
    static Path streamsState;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "needs Debian's chromium and chromium-driver (.ci/run installs them)");
        kafka = EmbeddedKafka.onFreePort().start();
        KafkaTestSupport.createTopics(kafka, TOPICS);
        var cluster = KafkaConnection.to(kafka.bootstrapServers());
        classifier = Classifier.start(
                TestModels.settings(cluster)
                        .optStateDir(streamsState)
                        .optInstanceId("classifier-1")
                        // every prediction short of certainty is flagged: the page must say so
                        .optUncertainBelow(1.0)
                        .build(),
                new SimpleMeterRegistry());
        TestModels.publish(kafka, TOPICS, 1);
        console = Console.start(ConsoleSettings.of(cluster, TestModels.TRUST, TestModels.HOLDOUT)
                .withAddress("127.0.0.1", 0)
                .withDrawTimeout(Duration.ofSeconds(20)));

        var options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--window-size=1400,1600");
        var logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        var service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
        browser.get(console.url());
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.manage().logs().get(LogType.BROWSER).forEach(entry -> System.out.println("browser: " + entry));
            browser.quit();
        }
        for (AutoCloseable part : new AutoCloseable[] {console, classifier, kafka}) {
            try {
                if (part != null) {
                    part.close();
                }
            } catch (Exception e) {
                System.err.println("closing " + part + ": " + e);
            }
        }
    }

    @Test
    @Order(1)
    void aDrawnSevenComesBackAsTheClassifiersPrediction() throws Exception {
        // the model is known to the page once the classifier has said it serves it
        await().atMost(ANSWER).until(() -> text(By.id("timeline")).contains("v1 serving on classifier-1"));

        click("tab-draw");
        drawSeven();
        awaitOutcome("PREDICTED");
        screenshot("draw-7");

        String id = element("result-status").getAttribute("data-id");
        Prediction published = predictionOf(id);
        assertThat(text(By.id("result-digit"))).isEqualTo(Integer.toString(published.digit()));
        assertThat(text(By.id("result-version"))).isEqualTo("v" + published.modelVersion());
        assertThat(published.modelVersion()).isEqualTo(1);
        assertThat(published.digit())
                .as("the model's answer for a plainly drawn 7")
                .isEqualTo(7);
        assertThat(published.uncertain())
                .as("confidence %s, below 1.0", published.confidence())
                .isTrue();
        assertThat(text(By.id("result-uncertain"))).isEqualTo("uncertain: below the classifier's threshold");
        assertThat(element("result-prediction").getAttribute("class")).contains("uncertain");

        // what the model saw: ink in the 28x28 input, and 32 feature maps of v1
        long ink = ((Number) script("const d = document.getElementById('seen-input').getContext('2d')"
                        + ".getImageData(0, 0, 28, 28).data; let s = 0;"
                        + " for (let i = 0; i < d.length; i += 4) s += d[i]; return s;"))
                .longValue();
        assertThat(ink).isGreaterThan(255L * 40);
        assertThat(browser.findElements(By.cssSelector("#feature-maps canvas"))).hasSize(32);
        assertThat(text(By.id("maps-version"))).contains("v1");
        assertThat(browser.findElements(By.cssSelector("#chart-probabilities canvas")))
                .isNotEmpty();
    }

    @Test
    @Order(2)
    void aNewerSnapshotShowsAsAHotSwap() throws Exception {
        TestModels.publish(kafka, TOPICS, 2);
        click("tab-live");
        await().atMost(ANSWER).until(() -> text(By.id("timeline")).contains("v2 serving on classifier-1"));

        // the next drawing is answered by the new model, and the page says it is served
        click("tab-draw");
        click("send");
        await().atMost(ANSWER).until(() -> text(By.id("result-version")).equals("v2"));
        assertThat(element("result-status").getAttribute("data-status")).isEqualTo("PREDICTED");
        await().atMost(ANSWER).until(() -> text(By.id("served-version")).equals("v2"));
        click("tab-live");
        await().atMost(ANSWER).until(() -> text(By.id("timeline")).contains("v2 made its first prediction (after v1)"));
        screenshot("swap-to-v2");

        click("tab-models");
        await().atMost(ANSWER)
                .until(() -> browser.findElements(By.cssSelector("#models-table tr[data-version]"))
                                .size()
                        == 2);
        await().atMost(ANSWER)
                .until(() ->
                        browser.findElements(By.cssSelector("#confusion div")).size() == 121);
        assertThat(text(By.cssSelector("#models-table tr[data-version='2']"))).contains("classifier-1: accepted");
        screenshot("models");
    }

    @Test
    @Order(3)
    void aBlankDrawingShowsItsDeadLetterReason() throws Exception {
        click("tab-draw");
        click("clear");
        click("send");
        awaitOutcome("DEAD_LETTER");
        assertThat(text(By.id("deadletter-code"))).isEqualTo("BLANK_IMAGE");
        assertThat(text(By.id("deadletter-reason"))).contains("no ink");
        screenshot("blank");

        click("tab-live");
        assertThat(browser.findElements(By.cssSelector("#chart-rate canvas"))).isNotEmpty();
        await().atMost(ANSWER).until(() -> text(By.id("dlq-codes")).contains("BLANK_IMAGE: 1"));
        assertThat(text(By.id("total"))).isEqualTo("2");
        screenshot("live");
    }

    @Test
    @Order(4)
    void anotherSitesPageCannotSendADrawing() throws Exception {
        long before = digitsInEnd();
        byte[] seven = png();
        String page = "<!doctype html><title>evil</title><script>"
                + "const png = Uint8Array.from(atob('" + Base64.getEncoder().encodeToString(seven)
                + "'), c => c.charCodeAt(0));"
                + "Promise.allSettled(["
                // a "simple" request: no preflight, so only the console's own check stands in its way
                + "fetch('" + console.url() + "api/draw', {method: 'POST', mode: 'no-cors',"
                + " headers: {'Content-Type': 'text/plain'}, body: png}),"
                + "fetch('" + console.url() + "api/draw', {method: 'POST', mode: 'no-cors',"
                + " headers: {'Content-Type': 'image/png'}, body: png}),"
                + "fetch('" + console.url() + "api/draw', {method: 'POST',"
                + " headers: {'Content-Type': 'image/png'}, body: png})"
                + "]).then(() => document.title = 'done');"
                + "</script>";
        HttpServer elsewhere = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        elsewhere.createContext("/", exchange -> {
            byte[] body = page.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        elsewhere.start();
        try {
            browser.get("http://127.0.0.1:" + elsewhere.getAddress().getPort() + "/");
            // each request has had its answer: an accepted drawing's only after its prediction
            await().atMost(ANSWER).until(() -> "done".equals(browser.getTitle()));
            assertThat(digitsInEnd()).as("nothing written to digits-in").isEqualTo(before);
        } finally {
            elsewhere.stop(0);
            browser.get(console.url());
        }
    }

    @Test
    @Order(5)
    void aStoppedClassifierAndAnUnreachableClusterShowOnThePage() throws Exception {
        classifier.close(Duration.ofSeconds(10));
        await().atMost(ANSWER).until(() -> element("banner-stale").isDisplayed());
        assertThat(text(By.id("banner-stale"))).contains("No fresh predictions: the last one was emitted at");

        kafka.stop();
        await().atMost(ANSWER).until(() -> element("banner-cluster").isDisplayed());
        assertThat(text(By.id("cluster-pill"))).isEqualTo("cluster unreachable");
        screenshot("cluster-down");

        kafka.start();
        await().atMost(ANSWER).until(() -> !element("banner-cluster").isDisplayed());
        assertThat(text(By.id("cluster-pill"))).startsWith("cluster up");
    }

    @Test
    @Order(6)
    void aScriptIsLimitedToAPersonsRateOfDrawings() throws Exception {
        var client = HttpClient.newHttpClient();
        var request = HttpRequest.newBuilder(URI.create(console.url() + "api/draw"))
                .header("Content-Type", "image/png")
                .POST(HttpRequest.BodyPublishers.noBody()) // answered at once (NO_IMAGE): no cluster needed
                .build();
        Map<Integer, Integer> statuses = new HashMap<>();
        // two limits' worth: the counter's window may turn once during the burst, not twice
        for (int i = 0; i <= 2 * 120; i++) {
            statuses.merge(
                    client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode(), 1, Integer::sum);
        }
        assertThat(statuses).containsKey(429);
        // the page's own drawings above count towards this address's limit too
        assertThat(statuses.get(200)).isLessThanOrEqualTo(2 * 120);
    }

    // ---- helpers

    private static long digitsInEnd() {
        try (var consumer = new KafkaConsumer<>(
                Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            var partitions = consumer.partitionsFor(TOPICS.digitsIn()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            return consumer.endOffsets(partitions).values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
        }
    }

    /** A 7 as a PNG: an image the console would send on if it took the request. */
    private static byte[] png() throws IOException {
        var image = new BufferedImage(56, 56, BufferedImage.TYPE_BYTE_GRAY);
        var g = image.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, 56, 56);
        g.setColor(java.awt.Color.BLACK);
        g.setStroke(new java.awt.BasicStroke(5));
        g.drawLine(12, 12, 44, 12);
        g.drawLine(44, 12, 22, 48);
        g.dispose();
        var out = new java.io.ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    /** A 7 in one stroke, as a person draws it: the bar left to right, then down to the lower left. */
    private static void drawSeven() {
        WebElement canvas = element("draw-canvas");
        var stroke = new Actions(browser).moveToElement(canvas, -70, -85).clickAndHold();
        for (int i = 0; i < 7; i++) {
            stroke = stroke.moveByOffset(20, 0);
        }
        for (int i = 0; i < 9; i++) {
            stroke = stroke.moveByOffset(-9, 20);
        }
        stroke.release().perform();
    }

    private static void awaitOutcome(String status) {
        await().atMost(ANSWER)
                .until(() -> status.equals(element("result-status").getAttribute("data-status")));
    }

    /** The prediction the classifier wrote for this image id. */
    private static Prediction predictionOf(String id) {
        try (var reader = KafkaTestSupport.predictionReader(kafka, TOPICS)) {
            Map<String, Prediction> seen = new HashMap<>();
            await().atMost(ANSWER).until(() -> {
                reader.poll(Duration.ofMillis(200)).forEach(r -> seen.put(r.key(), r.value()));
                return seen.containsKey(id);
            });
            return seen.get(id);
        }
    }

    private static WebElement element(String id) {
        return browser.findElement(By.id(id));
    }

    private static String text(By by) {
        List<WebElement> found = browser.findElements(by);
        return found.isEmpty() ? "" : found.get(0).getText();
    }

    private static void click(String id) {
        element(id).click();
    }

    private static Object script(String code) {
        return ((JavascriptExecutor) browser).executeScript(code);
    }

    private static void screenshot(String name) throws IOException {
        File shot = browser.getScreenshotAs(OutputType.FILE);
        Path target = Path.of("target", "console-" + name + ".png");
        Files.createDirectories(target.getParent());
        Files.copy(shot.toPath(), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
