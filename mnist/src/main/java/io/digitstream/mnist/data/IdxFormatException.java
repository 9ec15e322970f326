package io.digitstream.mnist.data;

import java.io.IOException;

/** An IDX file that is not what it claims to be: wrong magic number, wrong sizes, truncated. */
public class IdxFormatException extends IOException {
    public IdxFormatException(String message) {
        super(message);
    }
}
