package io.digitstream.benchmarks;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A float32 matrix product through ND4J's BLAS (OpenBLAS, both cores): about as many floating-point
 * operations per second as this machine gives anyone, measured beside the engines so that their
 * speed can be read as a share of it. {@link InferenceBench} turns the score into GFLOP/s.
 */
@State(Scope.Benchmark)
public class PeakFlopsBenchmark {
    @Param({"1024"})
    public int size;

    private INDArray a;
    private INDArray b;
    private INDArray c;

    @Setup(Level.Trial)
    public void setUp() {
        a = Nd4j.rand(DataType.FLOAT, size, size);
        b = Nd4j.rand(DataType.FLOAT, size, size);
        c = Nd4j.create(DataType.FLOAT, size, size);
    }

    @Benchmark
    public INDArray multiply() {
        return Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
    }

    static double flopsPerCall(int size) {
        return 2.0 * size * size * size;
    }
}
