package io.digitstream.schemas;

/** The shape every model and every image event agrees on. */
public final class Mnist {
    public static final int SIDE = 28;
    public static final int PIXELS = SIDE * SIDE;
    public static final int CLASSES = 10;

    private Mnist() {}
}
