package io.digitstream.model.dl4j;

import java.nio.FloatBuffer;
import java.util.stream.IntStream;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

/** Plain Java loops over ND4J float arrays, for the layers of ours that replace native ops. */
final class FloatArrays {
    private FloatArrays() {}

    /** Float elements in row-major order, one after the other, as {@link #floats} reads them. */
    static boolean isPlainRowMajorFloat(INDArray array) {
        return array.dataType() == DataType.FLOAT
                && array.ordering() == 'c'
                && Shape.hasDefaultStridesForShape(array)
                && array.length() <= Integer.MAX_VALUE;
    }

    /**
     * The array's elements, from its first, as a buffer over its own memory. ND4J's address pointer
     * already points at a view's first element (a view's offset added again reads past it).
     */
    static FloatBuffer floats(INDArray array) {
        var pointer = new FloatPointer(array.data().addressPointer());
        return pointer.position(0)
                .limit(array.length())
                .capacity(array.length())
                .asBuffer();
    }

    interface Range {
        void run(int from, int to);
    }

    /** Runs {@code work} over [0, count) in slices of {@code perTask}, shared among the common pool's threads. */
    static void inParallel(int count, int perTask, Range work) {
        int tasks = (count + perTask - 1) / perTask;
        if (tasks <= 1) {
            work.run(0, count);
            return;
        }
        IntStream.range(0, tasks).parallel().forEach(t -> work.run(t * perTask, Math.min(count, (t + 1) * perTask)));
    }
}
