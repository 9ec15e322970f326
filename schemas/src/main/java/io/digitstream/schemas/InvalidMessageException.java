package io.digitstream.schemas;

/** A message or snapshot that breaks its contract, with the code that says why. */
public class InvalidMessageException extends RuntimeException {
    private final ErrorCode code;

    public InvalidMessageException(ErrorCode code, String reason) {
        super(code + ": " + reason);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
