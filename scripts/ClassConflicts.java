import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Lists every class that more than one jar in a directory holds: two versions of one library, or
 * one library under two names, of which the JVM would load whichever jar comes first. Run by
 * scripts/build-dist.sh with the JDK's source launcher (java ClassConflicts.java DIR), so the
 * check needs nothing the build image lacks. Exit 0: no conflict; 1: conflicts, or no class at all.
 */
public final class ClassConflicts {
    public static void main(String[] args) throws IOException {
        Path directory = Path.of(args[0]);
        Map<String, List<String>> jarsByClass = new TreeMap<>();
        List<Path> jars;
        try (Stream<Path> files = Files.list(directory)) {
            jars = files.filter(f -> f.toString().endsWith(".jar")).sorted().toList();
        }
        for (Path jar : jars) {
            try (var file = new JarFile(jar.toFile())) {
                file.stream()
                        .map(entry -> entry.getName())
                        .filter(name -> name.endsWith(".class") && !name.startsWith("META-INF/"))
                        .filter(name -> !name.endsWith("module-info.class"))
                        .forEach(name -> jarsByClass
                                .computeIfAbsent(name, n -> new ArrayList<>())
                                .add(jar.getFileName().toString()));
            }
        }
        if (jarsByClass.isEmpty()) {
            System.err.println("build-dist: no classes in " + directory);
            System.exit(1);
        }
        List<String> conflicts = jarsByClass.entrySet().stream()
                .filter(e -> e.getValue().size() > 1)
                .map(e -> String.join(" and ", e.getValue()) + ": " + e.getKey())
                .toList();
        if (!conflicts.isEmpty()) {
            System.err.println("build-dist: " + conflicts.size() + " classes on the classpath twice:");
            conflicts.stream().limit(20).forEach(System.err::println);
            System.exit(1);
        }
        System.out.println(jars.size() + " jars, " + jarsByClass.size() + " classes, no class twice");
    }
}
