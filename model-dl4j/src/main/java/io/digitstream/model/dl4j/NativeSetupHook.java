package io.digitstream.model.dl4j;

import org.nd4j.common.io.Resource;
import org.nd4j.linalg.factory.Environment;
import org.nd4j.linalg.factory.Nd4jBackend;

/**
 * Not a backend: the hook that runs {@link Dl4jRuntime#beforeNativesLoad} before ND4J loads its
 * natives. ND4J's {@code Nd4jBackend.load()} instantiates every {@code Nd4jBackend} listed in
 * {@code META-INF/services} before it asks any of them whether it is available, and only the
 * chosen one loads natives; so this class's initialiser runs first in every process that uses
 * ND4J, whichever class of ours (or of a test, or a benchmark) touches ND4J first. It ranks below
 * every real backend and says it is unavailable, so ND4J never picks it.
 */
public final class NativeSetupHook extends Nd4jBackend {
    static {
        Dl4jRuntime.beforeNativesLoad();
    }

    /** Far below ND4J's CPU backend (0) and CUDA's; ND4J sorts by subtracting priorities, so not MIN_VALUE. */
    private static final int PRIORITY = -1_000_000;

    @Override
    public boolean allowsOrder() {
        return false;
    }

    @Override
    public int getPriority() {
        return PRIORITY;
    }

    @Override
    public boolean isAvailable() {
        return false;
    }

    @Override
    public boolean canRun() {
        return false;
    }

    @Override
    public Resource getConfigurationResource() {
        throw new UnsupportedOperationException("not a backend");
    }

    @Override
    public Class<?> getNDArrayClass() {
        throw new UnsupportedOperationException("not a backend");
    }

    @Override
    public Environment getEnvironment() {
        throw new UnsupportedOperationException("not a backend");
    }

    @Override
    public String buildInfo() {
        return "digitstream native set-up hook (not a backend)";
    }

    @Override
    public void logBackendInit() {
        // never chosen, so never initialised
    }
}
