package io.digitstream.benchmarks.pipeline;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** How the benchmark prints: Markdown tables, ready for docs/BENCHMARKS.md, and the medians in them. */
final class Tables {
    private Tables() {}

    static String partTitles() {
        return Arrays.stream(CpuLedger.Part.values()).map(p -> p.title).collect(Collectors.joining(" | "));
    }

    /** A Markdown table after its title; the header's columns give the separator row. */
    static void printTable(String title, String header, List<String> rows) {
        System.out.printf("%n%s%n%n", title);
        System.out.println(header);
        long columns = header.chars().filter(c -> c == '|').count() - 1;
        System.out.println("|---".repeat((int) columns) + "|");
        rows.forEach(System.out::println);
    }

    /** {@code value} rounded to a whole number, or "-" where it was not measured (NaN). */
    static String whole(double value) {
        return Double.isNaN(value) ? "-" : String.format(java.util.Locale.ROOT, "%.0f", value);
    }

    /** A ratio as "1.9x", or "-" where it was not measured (NaN). */
    static String times(double ratio) {
        return Double.isNaN(ratio) ? "-" : String.format(java.util.Locale.ROOT, "%.1fx", ratio);
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
