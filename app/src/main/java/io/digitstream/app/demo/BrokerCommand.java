package io.digitstream.app.demo;

import io.digitstream.app.command.StopSignal;
import io.digitstream.kafka.embedded.EmbeddedKafka;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A single-node KRaft broker from Kafka's own jars, in a process of its own, for running the parts
 * (or a benchmark) against a broker without Docker.
 */
@Command(
        name = "broker",
        mixinStandardHelpOptions = true,
        showDefaultValues = true,
        description = "Runs an embedded single-node Kafka broker until Ctrl-C; prints its bootstrap address.")
public final class BrokerCommand implements Callable<Integer> {
    @Option(
            names = "--port",
            defaultValue = "${env:DIGITSTREAM_BROKER_PORT:-9092}",
            description = "Port to listen on (0 = any free port). Env: DIGITSTREAM_BROKER_PORT.")
    int port;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        if (port < 0 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "--port must be 0..65535, not " + port);
        }
        try (var stop = StopSignal.install("broker");
                EmbeddedKafka kafka = EmbeddedKafka.create(port, Map.of()).start()) {
            System.out.println("Kafka broker listening on " + kafka.bootstrapServers() + " (Ctrl-C stops it)");
            stop.await();
        }
        return 0;
    }
}
