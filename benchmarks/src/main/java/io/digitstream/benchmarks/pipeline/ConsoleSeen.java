package io.digitstream.benchmarks.pipeline;

/**
 * What an attached console showed during a run.
 *
 * @param lagSamplesMs its lag behind predictions-out as its page showed it, sampled, sorted
 * @param pageUpdates  state events its page received
 * @param predictions  predictions the console counted
 */
record ConsoleSeen(long[] lagSamplesMs, long pageUpdates, long predictions) {}
