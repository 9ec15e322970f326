package org.nd4j.nativeblas;

/**
 * Makes Deeplearning4j 1.0.0-M2.1's oneDNN layer helpers loadable. Its
 * {@code BaseMKLDNNHelper.mklDnnEnabled()} asks {@code org.nd4j.nativeblas.Nd4jCpu$Environment}
 * (by name, through reflection) whether oneDNN is in use, but in M2.1 that class lives at
 * {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment}, so the lookup fails and the
 * helpers never load, even with natives built with oneDNN. This class answers the old name with the
 * real environment's answer; it changes nothing where the natives have no oneDNN. See
 * {@code io.digitstream.model.dl4j.Dl4jRuntime}, the compatibility unit it belongs to.
 */
public final class Nd4jCpu {
    private Nd4jCpu() {}

    public static final class Environment {
        private static final Environment INSTANCE = new Environment();

        private Environment() {}

        public static Environment getInstance() {
            return INSTANCE;
        }

        public boolean isUseMKLDNN() {
            return org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment.getInstance()
                    .isUseONEDNN();
        }
    }
}
