package io.digitstream.model.dl4j;

import java.lang.reflect.Field;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Puts layer implementations of ours in place of Deeplearning4j's in an initialised network, by
 * index and by name, leaving its configuration (and so its snapshots) as they were.
 */
final class LayerReplacement {
    private static final Field LAYER_MAP = field(MultiLayerNetwork.class, "layerMap");

    private LayerReplacement() {}

    /** Each layer becomes what {@code replace} returns for it (the same layer to keep it). */
    static MultiLayerNetwork replace(MultiLayerNetwork network, UnaryOperator<Layer> replace) {
        Layer[] layers = network.getLayers();
        for (int i = 0; i < layers.length; i++) {
            layers[i] = replace.apply(layers[i]);
        }
        network.setLayers(layers);
        try {
            @SuppressWarnings("unchecked")
            var byName = (Map<String, Layer>) LAYER_MAP.get(network);
            for (var entry : byName.entrySet()) {
                entry.setValue(layers[entry.getValue().getIndex()]);
            }
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot reach the network's layers by name", e);
        }
        return network;
    }

    private static Field field(Class<?> owner, String name) {
        try {
            Field field = owner.getDeclaredField(name);
            field.setAccessible(true);
            return field;
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("this Deeplearning4j has no " + owner.getSimpleName() + "." + name, e);
        }
    }
}
