package io.digitstream.app.compose;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a container of the Dockerfile's final stage starts with: its {@code ENV} and {@code ENTRYPOINT}.
 * Enough of the Dockerfile for the rehearsal; the image's layers themselves are not rehearsed.
 */
record DockerImage(Map<String, String> environment, List<String> entrypoint) {
    private static final Pattern ASSIGNMENT = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|\\S*)");
    private static final Pattern JSON_STRING = Pattern.compile("\"([^\"]*)\"");

    static DockerImage read(Path dockerfile) throws IOException {
        // instructions, continuation lines joined, comments dropped; only the last stage counts
        List<String> instructions = new ArrayList<>();
        var current = new StringBuilder();
        for (String line : Files.readAllLines(dockerfile)) {
            if (line.trim().startsWith("#")) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            current.append(line);
            if (!current.toString().isBlank()) {
                instructions.add(current.toString().trim());
            }
            current.setLength(0);
        }
        int lastStage = 0;
        for (int i = 0; i < instructions.size(); i++) {
            if (instructions.get(i).startsWith("FROM ")) {
                lastStage = i;
            }
        }
        Map<String, String> environment = new LinkedHashMap<>();
        List<String> entrypoint = List.of();
        for (String instruction : instructions.subList(lastStage, instructions.size())) {
            if (instruction.startsWith("ENV ")) {
                Matcher matcher = ASSIGNMENT.matcher(instruction.substring(4));
                while (matcher.find()) {
                    String value = matcher.group(2);
                    environment.put(
                            matcher.group(1), value.startsWith("\"") ? value.substring(1, value.length() - 1) : value);
                }
            } else if (instruction.startsWith("ENTRYPOINT ")) {
                List<String> parts = new ArrayList<>();
                Matcher matcher = JSON_STRING.matcher(instruction);
                while (matcher.find()) {
                    parts.add(matcher.group(1));
                }
                entrypoint = List.copyOf(parts);
            }
        }
        return new DockerImage(environment, entrypoint);
    }
}
