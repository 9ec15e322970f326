package io.digitstream.schemas;

/**
 * Why a message or a model snapshot was refused. The code travels in the dead-letter
 * header {@link DeadLetterHeaders#ERROR_CODE}, so its names are part of the contract:
 * add codes, never rename them.
 */
public enum ErrorCode {
    // Envelope of an image event
    NULL_VALUE("the record has no value"),
    MISSING_KEY("the record has no key; the key must be the image id"),
    KEY_MISMATCH("the record key differs from the event id"),
    NOT_JSON("the value is not valid JSON"),
    NOT_AN_OBJECT("the JSON value is not an object"),
    MISSING_FIELD("a required field is missing"),
    WRONG_TYPE("a field has the wrong JSON type"),
    EMPTY_ID("the id is empty"),
    ID_TOO_LONG("the id is longer than allowed"),
    DUPLICATE_FIELD("a field appears twice in the event"),
    TRAILING_CONTENT("something follows the event's JSON object"),
    // The image itself
    NO_IMAGE("the event has neither 'pixels' nor 'image'"),
    AMBIGUOUS_IMAGE("the event has both 'pixels' and 'image'"),
    BAD_PIXEL_COUNT("'pixels' must hold exactly 784 values"),
    PIXEL_OUT_OF_RANGE("a pixel value is outside 0..255"),
    BAD_BASE64("a base64 field does not decode"),
    UNDECODABLE_IMAGE("'image' is not a PNG or JPEG that can be decoded"),
    IMAGE_TOO_LARGE("the encoded image is larger than allowed"),
    IMAGE_TOO_SMALL("the image is too small to hold a digit"),
    BLANK_IMAGE("the image holds no ink"),
    BAD_LABEL("the label is not an integer 0..9"),
    BAD_TIMESTAMP("sentAt is not a non-negative epoch-millisecond integer"),
    UNKNOWN_ENCODING("the digitstream.encoding header names no image event encoding this build reads"),
    // Serving
    NO_MODEL("no model was available to classify the image in time"),
    INFERENCE_FAILED("the model failed on this image"),
    // Model snapshots
    TRUNCATED_SNAPSHOT("the snapshot ends before its declared length"),
    BAD_MAGIC("the bytes are not a digitstream model snapshot"),
    UNKNOWN_FORMAT_VERSION("the snapshot envelope has a format version this build does not read"),
    RETIRED_SNAPSHOT_FORMAT(
            "the snapshot is in envelope format 1 or 2 (a Deeplearning4j zip), which serving no longer reads; republish it with this version's trainer"),
    BAD_HEADER("the snapshot header is malformed"),
    CHECKSUM_MISMATCH("the snapshot payload does not match its SHA-256"),
    MODEL_UNLOADABLE("the snapshot payload is not a loadable model"),
    MODEL_SHAPE_MISMATCH("the model does not take 1x28x28 images to 10 probabilities"),
    MODEL_WEIGHTS_INVALID("the model has NaN or infinite weights"),
    MODEL_OUTPUT_INVALID("the model gives non-finite or non-normalised probabilities on the canary batch"),
    STALE_VERSION("the snapshot is not newer than the model being served, or below the highest version ever admitted"),
    SNAPSHOT_TOO_LARGE("the snapshot record is larger than a snapshot may be"),
    FOREIGN_MODEL("the snapshot is signed for another model than the one this instance serves"),
    UNSIGNED_SNAPSHOT("the snapshot carries no signature and this instance requires one"),
    UNKNOWN_SIGNING_KEY("the snapshot is signed by a key this instance does not trust"),
    BAD_SIGNATURE("the snapshot's signature does not match its bytes (changed after signing, or forged)"),
    FORBIDDEN_MODEL_ENTRY("the model zip holds an entry a model does not need (Java-serialized objects are refused)"),
    GRAPH_OPERATOR_FORBIDDEN("the ONNX graph uses an operator, domain or construct outside the allowed list"),
    GRAPH_EXTERNAL_DATA("the ONNX graph refers to data outside the snapshot (external data files are refused)"),
    GRAPH_INITIALIZER_TOO_LARGE("an ONNX initializer or constant is larger than a model of this size needs"),
    GRAPH_CYCLE("the ONNX graph's nodes read values no earlier node wrote (a cycle, or not in topological order)"),
    ACCURACY_BELOW_FLOOR("the model's accuracy on the holdout set is below the configured floor"),
    ACCURACY_REGRESSION("the model is less accurate on the holdout set than the one being served");

    private final String meaning;

    ErrorCode(String meaning) {
        this.meaning = meaning;
    }

    /** One sentence a user can act on, without the details of the particular case. */
    public String meaning() {
        return meaning;
    }
}
