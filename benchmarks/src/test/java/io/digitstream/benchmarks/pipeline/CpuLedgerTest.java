package io.digitstream.benchmarks.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CpuLedgerTest {
    private static final long BUSY_CPU_NANOS = 200_000_000L;

    @Test
    void threadsAreSortedIntoTheirParts() {
        assertEquals(CpuLedger.Part.STREAM_THREAD, CpuLedger.partOf("bench-256-1b2c-StreamThread-1"));
        assertEquals(
                CpuLedger.Part.CLASSIFIER_PRODUCER,
                CpuLedger.partOf("kafka-producer-network-thread | bench-256-1b2c-StreamThread-1-producer"));
        assertEquals(CpuLedger.Part.BENCH_PRODUCER, CpuLedger.partOf("kafka-producer-network-thread | producer-3"));
        assertEquals(CpuLedger.Part.BENCH_PRODUCER, CpuLedger.partOf("bench-producer"));
        assertEquals(CpuLedger.Part.MODEL_LOADING, CpuLedger.partOf("bench-256-1b2c-GlobalStreamThread"));
        assertEquals(CpuLedger.Part.ONNX_RUNTIME, CpuLedger.partOf("onnx-batch-1"));
        assertEquals(CpuLedger.Part.BROKER, CpuLedger.partOf("data-plane-kafka-request-handler-3"));
    }

    @Test
    void aThreadThatEndedIsCountedFromItsOwnReport() throws InterruptedException {
        CpuLedger ledger = CpuLedger.start(() -> 0);
        Thread busy = new Thread(
                () -> {
                    // spin until this thread has had its CPU: wall time says nothing on a busy machine
                    var threads = ManagementFactory.getThreadMXBean();
                    long x = 0;
                    while (threads.getCurrentThreadCpuTime() < BUSY_CPU_NANOS) {
                        x += Long.numberOfTrailingZeros(x + System.nanoTime());
                    }
                    ledger.ended(CpuLedger.Part.BENCH_PRODUCER, threads.getCurrentThreadCpuTime() + (x & 0), 0);
                },
                "bench-producer");
        busy.start();
        busy.join();
        Map<CpuLedger.Part, Long> spent = ledger.stop();
        long producer = spent.get(CpuLedger.Part.BENCH_PRODUCER);
        assertTrue(producer >= BUSY_CPU_NANOS, "the busy thread's 200 ms of CPU, counted: " + producer + " ns");
        long total = spent.values().stream().mapToLong(Long::longValue).sum();
        assertTrue(total >= producer, "every part is part of the process total");
    }

    @Test
    void whatTheDrainingThreadAllocatesIsTheBenchConsumers() {
        CpuLedger ledger = CpuLedger.start(() -> 0);
        byte[][] kept = new byte[64][];
        for (int i = 0; i < kept.length; i++) {
            kept[i] = new byte[128 * 1024];
        }
        ledger.stop();
        long consumer = ledger.allocatedBytes().get(CpuLedger.Part.BENCH_CONSUMER);
        assertTrue(consumer >= 8L * 1024 * 1024, "the 8 MB this thread allocated, counted: " + consumer + " bytes");
        assertEquals(64, kept.length);
    }

    @Test
    void aBrokerInItsOwnProcessIsCountedAsTheBroker() {
        var brokerCpu = new java.util.concurrent.atomic.AtomicLong(3_000_000_000L); // used before the run
        CpuLedger ledger = CpuLedger.start(brokerCpu::get);
        brokerCpu.addAndGet(250_000_000L); // what the broker used during the run

        long broker = ledger.stop().get(CpuLedger.Part.BROKER);

        // this JVM's own threads may add to the part; the broker process's run is all in it, its past is not
        assertTrue(broker >= 250_000_000L, "the broker process's 250 ms, counted: " + broker + " ns");
        assertTrue(broker < 3_000_000_000L, "the broker's CPU before the run is not: " + broker + " ns");
    }
}
