package io.digitstream.model.network;

import io.digitstream.model.engine.MnistTranslator;
import io.digitstream.schemas.Mnist;

/**
 * A served graph's first convolution (the reference network's: 32 kernels of 3x3 over one channel,
 * padding 1, then ReLU), read out of the ONNX graph by {@code OnnxGraph.firstConvolution()} so that what each kernel picks out of an image can be shown
 * without a native engine: the maps are computed here in plain Java, a few hundred thousand
 * multiply-adds per image.
 *
 * @param weights {@code [kernel][row][column]} flattened: {@code kernels * 9} values
 * @param bias    one per kernel
 */
public record FirstConvolution(float[] weights, float[] bias) {
    public static final int KERNEL_SIDE = 3;
    private static final int KERNEL_SIZE = KERNEL_SIDE * KERNEL_SIDE;

    public FirstConvolution {
        if (bias.length == 0 || weights.length != bias.length * KERNEL_SIZE) {
            throw new IllegalArgumentException(
                    "expected " + KERNEL_SIZE + " weights per kernel, got " + weights.length + " for " + bias.length);
        }
        weights = weights.clone();
        bias = bias.clone();
    }

    public int kernels() {
        return bias.length;
    }

    /** The 3x3 weights of kernel {@code k}, row-major. */
    public float[] kernel(int k) {
        return java.util.Arrays.copyOfRange(weights, k * KERNEL_SIZE, (k + 1) * KERNEL_SIZE);
    }

    /**
     * The activations (after ReLU) of every kernel on one 28x28 image of grey bytes, scaled as the
     * network sees it: {@code maps[kernel][row * 28 + column]}.
     */
    public float[][] featureMaps(byte[] grey) {
        if (grey.length != Mnist.PIXELS) {
            throw new IllegalArgumentException("expected " + Mnist.PIXELS + " pixels, got " + grey.length);
        }
        int side = Mnist.SIDE;
        float[] input = MnistTranslator.input(grey, 1);
        float[][] maps = new float[kernels()][Mnist.PIXELS];
        for (int k = 0; k < kernels(); k++) {
            float[] map = maps[k];
            int w = k * KERNEL_SIZE;
            for (int y = 0; y < side; y++) {
                for (int x = 0; x < side; x++) {
                    float sum = bias[k];
                    for (int dy = -1; dy <= 1; dy++) {
                        int row = y + dy;
                        if (row < 0 || row >= side) {
                            continue;
                        }
                        for (int dx = -1; dx <= 1; dx++) {
                            int column = x + dx;
                            if (column >= 0 && column < side) {
                                sum += weights[w + (dy + 1) * KERNEL_SIDE + dx + 1] * input[row * side + column];
                            }
                        }
                    }
                    map[y * side + x] = Math.max(0f, sum);
                }
            }
        }
        return maps;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FirstConvolution c
                && java.util.Arrays.equals(weights, c.weights)
                && java.util.Arrays.equals(bias, c.bias);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Arrays.hashCode(weights) + java.util.Arrays.hashCode(bias);
    }

    @Override
    public String toString() {
        return "FirstConvolution[" + kernels() + " kernels of 3x3]";
    }
}
