package io.digitstream.app.demo;

import io.digitstream.app.command.LogFile;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code digitstream demo}: the whole pipeline in one process; exits 0 when every replayed image was predicted. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        showDefaultValues = true,
        description = {
            "The whole pipeline in one process: an embedded broker (or --bootstrap-servers), a trainer that",
            "keeps publishing better models, the classifier hot-swapping them, the MNIST replay and live accuracy."
        })
public final class DemoCommand implements Callable<Integer> {
    @Mixin
    DemoOptions options;

    @Override
    public Integer call() throws Exception {
        return run(options);
    }

    public static int run(DemoOptions options) throws Exception {
        DemoSettings settings = options.settings();
        DemoView view = DemoView.onStandardStreams();
        settings.logFile().ifPresent(file -> LogFile.redirectTo(file, view::warning));
        DemoSummary summary = new Demo(settings, view).run();
        return summary.everyImagePredicted() ? 0 : 1;
    }
}
