package io.digitstream.demo;

import io.digitstream.kafka.embedded.EmbeddedKafka;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A single-node KRaft broker from Kafka's own jars, in a process of its own, for running the parts
 * (or a benchmark) against a broker without Docker.
 */
@Command(name = "broker", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Runs an embedded single-node Kafka broker until Ctrl-C; prints its bootstrap address.")
final class BrokerCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "${env:DIGITSTREAM_BROKER_PORT:-9092}",
            description = "Port to listen on (0 = any free port). Env: DIGITSTREAM_BROKER_PORT.")
    int port;

    @Override
    public Integer call() throws InterruptedException {
        var stopped = new CountDownLatch(1);
        try (EmbeddedKafka kafka = EmbeddedKafka.create(port, Map.of()).start()) {
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "broker-shutdown"));
            System.out.println("Kafka broker listening on " + kafka.bootstrapServers() + " (Ctrl-C stops it)");
            stopped.await();
        }
        return 0;
    }
}
