package io.digitstream.console.draw;

import io.digitstream.model.network.FirstConvolution;
import io.digitstream.schemas.Mnist;
import java.util.Base64;

/**
 * The activations of each first-layer kernel on one drawing, ready to draw: each map scaled so its
 * strongest activation is 255, as base64 of 784 grey bytes, with the activation that 255 stands for.
 *
 * @param maps    per kernel, base64 of 28x28 bytes, row-major
 * @param peaks   per kernel, the strongest activation (0 = the kernel ignores this drawing)
 * @param kernels per kernel, its 3x3 weights, row-major
 */
public record FeatureMaps(long version, String[] maps, float[] peaks, float[][] kernels) {

    public static FeatureMaps of(long version, FirstConvolution conv, byte[] grey) {
        float[][] activations = conv.featureMaps(grey);
        String[] maps = new String[activations.length];
        float[] peaks = new float[activations.length];
        float[][] kernels = new float[activations.length][];
        for (int k = 0; k < activations.length; k++) {
            float peak = 0;
            for (float a : activations[k]) {
                peak = Math.max(peak, a);
            }
            byte[] scaled = new byte[Mnist.PIXELS];
            if (peak > 0) {
                for (int i = 0; i < Mnist.PIXELS; i++) {
                    scaled[i] = (byte) Math.round(255 * activations[k][i] / peak);
                }
            }
            maps[k] = Base64.getEncoder().encodeToString(scaled);
            peaks[k] = peak;
            kernels[k] = conv.kernel(k);
        }
        return new FeatureMaps(version, maps, peaks, kernels);
    }
}
