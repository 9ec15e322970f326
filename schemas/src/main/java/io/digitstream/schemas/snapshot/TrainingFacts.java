package io.digitstream.schemas.snapshot;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What the trainer knows about how a snapshot was made.
 *
 * @param recipe        the training recipe's name ("seed", "default", ...)
 * @param epochs        epochs completed, fractional for snapshots taken mid-epoch
 * @param examplesSeen  training examples processed so far
 * @param testAccuracy  accuracy on the test set at snapshot time, when it was evaluated
 * @param testExamples  how many test images that accuracy was measured on
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrainingFacts(
        String recipe, double epochs, long examplesSeen, Double testAccuracy, Integer testExamples) {}
