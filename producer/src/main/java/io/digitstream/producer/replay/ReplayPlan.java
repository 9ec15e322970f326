package io.digitstream.producer.replay;

import java.util.Random;

/**
 * Which images to send, in what order, how fast and in what form.
 *
 * @param from        first image index (inclusive)
 * @param count       how many images
 * @param shuffleSeed shuffle the selected images with this seed; null keeps their order
 * @param rate        images per second; 0 = as fast as possible
 * @param png         send each image as a PNG instead of raw pixels
 * @param idPrefix    ids are {@code idPrefix + index}
 */
public record ReplayPlan(int from, int count, Long shuffleSeed, double rate, boolean png, String idPrefix) {
    public ReplayPlan {
        if (from < 0 || count < 0 || rate < 0) {
            throw new IllegalArgumentException("from, count and rate must not be negative");
        }
    }

    /** The dataset indices in sending order. */
    public int[] order() {
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = from + i;
        }
        if (shuffleSeed != null) {
            var random = new Random(shuffleSeed);
            for (int i = order.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        return order;
    }
}
