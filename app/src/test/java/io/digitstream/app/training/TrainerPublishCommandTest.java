package io.digitstream.app.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.digitstream.classifier.TestModels;
import io.digitstream.cli.CommandLines;
import io.digitstream.model.network.ReferenceCnn;
import io.digitstream.model.snapshot.Dl4jSnapshots;
import io.digitstream.schemas.snapshot.SigningKey;
import io.digitstream.schemas.snapshot.SnapshotCodec;
import io.digitstream.schemas.snapshot.TrainingFacts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.learning.config.Adam;

/**
 * {@code trainer publish FILE} re-signs only what it verified: a file its own (or a trusted) key
 * signed, unchanged since, holding a model that meets the floor, rollback or not. Each refusal is
 * decided before anything connects (the cluster named here does not answer).
 */
@Timeout(120)
class TrainerPublishCommandTest {
    @TempDir
    Path dir;

    private final StringWriter usage = new StringWriter();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalErr;
    private Path keyFile;

    @BeforeEach
    void keys() throws Exception {
        originalErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        keyFile = dir.resolve("trainer.key");
        Files.writeString(keyFile, TestModels.KEY.toPem());
    }

    @AfterEach
    void restore() {
        System.setErr(originalErr);
    }

    private int publish(Path file, String... more) throws Exception {
        String bootstrap;
        try (var socket = new ServerSocket(0)) {
            bootstrap = "127.0.0.1:" + socket.getLocalPort();
        }
        var args = new java.util.ArrayList<>(java.util.List.of(
                "publish",
                file.toString(),
                "--signing-key",
                keyFile.toString(),
                "--bootstrap-servers",
                bootstrap,
                "--timeout-s",
                "1"));
        args.addAll(java.util.List.of(more));
        var commandLine = CommandLines.of(new TrainerCommand());
        commandLine.setErr(new PrintWriter(usage, true));
        return commandLine.execute(args.toArray(String[]::new));
    }

    private String said() {
        return err.toString(StandardCharsets.UTF_8) + usage;
    }

    private Path file(String name, byte[] envelope) throws Exception {
        return Files.write(dir.resolve(name), envelope);
    }

    @Test
    void aFileChangedOnDiskAfterSigningIsNotSignedAnew() throws Exception {
        byte[] envelope = TestModels.snapshot(3);
        envelope[envelope.length - 300] ^= 1;

        assertThat(publish(file("changed.dgsn", envelope))).isEqualTo(1);
        assertThat(said()).contains("is not republished: BAD_SIGNATURE").doesNotContain("\tat ");
    }

    @Test
    void aFileSignedBySomeoneElseNeedsTheirKeyTrusted() throws Exception {
        byte[] theirs =
                SnapshotCodec.encode(TestModels.modelSnapshot(3, TestModels.WELL_TRAINED), SigningKey.generate());

        assertThat(publish(file("theirs.dgsn", theirs))).isEqualTo(1);
        assertThat(said()).contains("is not republished: UNKNOWN_SIGNING_KEY");
    }

    @Test
    void aRollbackToAModelBelowTheFloorIsRefused() throws Exception {
        var random = Dl4jSnapshots.snapshot(
                ReferenceCnn.create(3, new Adam(1e-3)),
                TestModels.MODEL,
                3,
                new TrainingFacts("untrained", 0, 0, null, null));

        assertThat(publish(file("random.dgsn", SnapshotCodec.encode(random, TestModels.KEY)), "--rollback"))
                .isEqualTo(1);
        assertThat(said()).contains("below the floor of 50.00 %", "a rollback too must meet it");
    }

    @Test
    void aMissingFileIsOneLine() throws Exception {
        assertThat(publish(dir.resolve("missing.dgsn"))).isEqualTo(2);
        assertThat(said().lines().findFirst().orElseThrow()).endsWith("missing.dgsn: no such file");
    }
}
