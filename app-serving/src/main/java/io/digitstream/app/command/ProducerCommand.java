package io.digitstream.app.command;

import io.digitstream.cli.DataOptions;
import io.digitstream.cli.KafkaOptions;
import io.digitstream.mnist.data.MnistDataset;
import io.digitstream.mnist.data.MnistFixture;
import io.digitstream.mnist.data.MnistStore;
import io.digitstream.producer.images.ImageSender;
import io.digitstream.producer.replay.ReplayPlan;
import io.digitstream.producer.replay.Replayer;
import io.digitstream.schemas.message.ImageEventEncoding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code producer replay} and {@code producer send}: what feeds digits-in. */
@Command(
        name = "producer",
        mixinStandardHelpOptions = true,
        subcommands = {ProducerCommand.Replay.class, ProducerCommand.Send.class},
        description = "Feeds digits-in: replays the MNIST test set, or sends your own images.")
public final class ProducerCommand implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    @Command(
            name = "replay",
            mixinStandardHelpOptions = true,
            showDefaultValues = true,
            description = "Sends MNIST test images with their labels to digits-in.")
    static final class Replay implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Option(names = "--count", description = "How many images (default: all from --from on).")
        Integer count;

        @Option(names = "--from", defaultValue = "0", description = "First image index.")
        int from;

        @Option(names = "--shuffle-seed", description = "Send in an order shuffled by this seed.")
        Long shuffleSeed;

        @Option(
                names = "--rate",
                defaultValue = "0",
                description = "Images per second; 0 = as fast as possible. Below " + (long) Replayer.PACED_BATCHING_RATE
                        + " a second each image leaves"
                        + " within 1 ms (linger.ms 1); faster, the producer batches for 5 ms.")
        double rate;

        @Option(names = "--png", description = "Send each image as a PNG instead of raw pixels.")
        boolean png;

        @Option(
                names = "--fixture",
                defaultValue = "${env:DIGITSTREAM_FIXTURE:-false}",
                description =
                        "Replay the committed 1,000-image fixture instead of the MNIST test set (env DIGITSTREAM_FIXTURE).")
        boolean fixture;

        @Option(
                names = "--loop",
                defaultValue = "${env:DIGITSTREAM_REPLAY_LOOP:-false}",
                description =
                        "Replay again and again until stopped; round N's ids get 'rN-' after the prefix (env DIGITSTREAM_REPLAY_LOOP).")
        boolean loop;

        @Mixin
        DataOptions data;

        @Option(
                names = "--encoding",
                defaultValue = "${env:DIGITSTREAM_IMAGE_ENCODING:-json}",
                description = "json (schemas/image-event.schema.json) or binary (the image's bytes with label and send"
                        + " time in headers: schemas/image-event.binary.md); the classifier reads both"
                        + " (env DIGITSTREAM_IMAGE_ENCODING).")
        String encoding;

        @Option(
                names = "--id-prefix",
                defaultValue = "test-",
                description = "Event ids are this prefix plus the image index.")
        String idPrefix;

        @Spec
        CommandSpec spec;

        private ImageEventEncoding imageEncoding() {
            try {
                return ImageEventEncoding.parse(encoding);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--encoding: " + e.getMessage());
            }
        }

        @Override
        public Integer call() {
            if (!(rate >= 0) || Double.isInfinite(rate)) {
                throw new ParameterException(
                        spec.commandLine(), "--rate: " + rate + " images a second cannot be (0 = as fast as possible)");
            }
            MnistDataset test = fixture
                    ? MnistFixture.test()
                    : MnistStore.withDefaults(data.dataDir()).test();
            // a range past the data set is the user's mistake: said before anything connects
            if (count == null && (from < 0 || from >= test.size())) {
                throw new ParameterException(
                        spec.commandLine(),
                        String.format(
                                Locale.ROOT,
                                "the data set has %,d images (0..%d); --from %d is outside it",
                                test.size(),
                                test.size() - 1,
                                from));
            }
            int n = count == null ? test.size() - from : count;
            if (from < 0 || from >= test.size() || n < 1 || (long) from + n > test.size()) {
                throw new ParameterException(
                        spec.commandLine(),
                        String.format(
                                Locale.ROOT,
                                "the data set has %,d images (0..%d); --from %d --count %d asks for %s",
                                test.size(),
                                test.size() - 1,
                                from,
                                n,
                                n < 1 ? "none" : from + ".." + ((long) from + n - 1)));
            }
            ImageEventEncoding chosenEncoding = imageEncoding();
            var progress = new ReplayProgress(System.err);
            long sent = 0;
            long started = System.nanoTime();
            try (var stop = StopSignal.install("producer").interrupting(Thread.currentThread());
                    var replayer = new Replayer(
                            kafka.connection(), kafka.topics().digitsIn(), chosenEncoding, Replayer.lingerFor(rate))) {
                for (int round = 0; round == 0 || (loop && !stop.signalled()); round++) {
                    String prefix = round == 0 ? idPrefix : idPrefix + "r" + round + "-";
                    var plan = new ReplayPlan(from, n, shuffleSeed, rate, png, prefix);
                    sent += replayer.replay(test, plan, progress).sent();
                }
            }
            progress.done();
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf(
                    Locale.ROOT,
                    "Sent %,d images to %s in %.1f s (%,.0f images/s)%n",
                    sent,
                    kafka.topics().digitsIn(),
                    seconds,
                    sent / Math.max(seconds, 1e-9));
            return 0;
        }
    }

    @Command(
            name = "send",
            mixinStandardHelpOptions = true,
            showDefaultValues = true,
            description = "Sends your own PNG/JPEG files and prints each prediction as it comes back.")
    static final class Send implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Parameters(
                paramLabel = "FILE",
                arity = "1..*",
                description = "Images of any size and colour, on a light or dark background.")
        Path[] files;

        @Option(names = "--timeout-s", defaultValue = "30", description = "How long to wait for predictions.")
        long timeoutS;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            // a file that is not there is the user's mistake: said before anything connects
            for (Path file : files) {
                if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                    throw new ParameterException(
                            spec.commandLine(),
                            file + ": " + (Files.exists(file) ? "not a readable file" : "no such file"));
                }
            }
            List<ImageSender.Outcome> outcomes = new ImageSender(kafka.connection(), kafka.topics())
                    .send(Arrays.asList(files), Duration.ofSeconds(timeoutS));
            int failures = 0;
            for (ImageSender.Outcome outcome : outcomes) {
                if (outcome instanceof ImageSender.Predicted p) {
                    System.out.printf(
                            Locale.ROOT,
                            "%s: %d (confidence %.1f %%, model v%d)%n",
                            p.file(),
                            p.prediction().digit(),
                            100 * p.prediction().confidence(),
                            p.prediction().modelVersion());
                } else {
                    var f = (ImageSender.Failed) outcome;
                    System.out.printf("%s: error: %s%n", f.file(), f.reason());
                    failures++;
                }
            }
            return failures == 0 ? 0 : 1;
        }
    }
}
