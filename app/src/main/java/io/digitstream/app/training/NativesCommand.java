package io.digitstream.app.training;

import io.digitstream.model.dl4j.Dl4jRuntime;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code digitstream natives}: loads Deeplearning4j's natives and says which build loaded. Loading
 * unpacks them (about 0.4 GB) into JavaCPP's cache; the Docker image runs this once while it is
 * built, so no container unpacks them into its own writable layer at start.
 */
@Command(
        name = "natives",
        hidden = true,
        mixinStandardHelpOptions = true,
        description = "Loads Deeplearning4j's natives into JavaCPP's cache and prints which build loaded.")
public final class NativesCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        boolean oneDnn = Dl4jRuntime.oneDnnLoaded();
        System.out.println("Deeplearning4j " + Dl4jRuntime.deeplearning4jVersion() + " natives loaded ("
                + (oneDnn ? "oneDNN build" : "generic build") + ")");
        return 0;
    }
}
