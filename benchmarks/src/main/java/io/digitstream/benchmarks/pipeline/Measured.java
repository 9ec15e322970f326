package io.digitstream.benchmarks.pipeline;

/** A run in the CPU and allocation tables, under its name. */
record Measured(String name, Run run) {}
