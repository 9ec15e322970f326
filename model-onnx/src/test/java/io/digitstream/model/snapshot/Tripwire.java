package io.digitstream.model.snapshot;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;

/**
 * An object that notices being deserialized: what an attacker's gadget would do (run code on
 * {@code readObject}), reduced to setting a flag a test can read.
 */
public final class Tripwire implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private static volatile boolean tripped;

    public static boolean tripped() {
        return tripped;
    }

    @Serial
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        tripped = true;
        in.defaultReadObject();
    }
}
