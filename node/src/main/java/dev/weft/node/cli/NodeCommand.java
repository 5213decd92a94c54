package dev.weft.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.dataplane.wireguard.WireGuardOptions;
import dev.weft.node.config.NodeConfig;
import dev.weft.node.config.NodeConfigException;
import dev.weft.node.daemon.NodeDaemon;
import dev.weft.node.daemon.NodeStartException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code weft node --config node.yml}: runs a node until SIGTERM or SIGINT (SIGHUP reloads the configuration). */
@Command(name = "node", mixinStandardHelpOptions = true,
        description = {"Run a weft node until SIGTERM or SIGINT.",
            "The node joins the mesh through its lighthouses, starts WireGuard sessions on demand, installs the routes members advertise and answers DNS for the mesh; its admin socket serves the other commands. SIGHUP does not stop it: it reloads the configuration file as weft reload does (what changed is applied without dropping sessions; a change that needs a restart is refused and printed). Every config key, its default and an example: docs/config.md; examples/node.yml and examples/lighthouse.yml."})
public final class NodeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The node's YAML configuration.")
    Path config;

    @Override
    public Integer call() throws InterruptedException {
        NodeConfig cfg;
        try {
            cfg = NodeConfig.load(config);
        } catch (NodeConfigException e) {
            spec.commandLine().getErr().println("weft node: " + e.getMessage()); // it names the file
            return 1;
        }
        dev.weft.node.logging.Logging.configure(cfg.logging(), System.err);
        WireGuardOptions options;
        try {
            options = TestTimers.fromEnvironment(System.getenv(TestTimers.VARIABLE), WireGuardOptions.standard());
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("weft node: " + TestTimers.VARIABLE + ": " + e.getMessage());
            return 1;
        }
        if (!options.equals(WireGuardOptions.standard())) {
            spec.commandLine().getErr().println("weft node: " + TestTimers.VARIABLE + " is set: shortened WireGuard "
                    + "timers for tests (rekey after " + options.rekeyAfterTime().toMillis() + " ms); never use this in production");
        }
        Hangup hangup = Hangup.install(spec.commandLine().getErr());
        NodeDaemon daemon;
        try {
            daemon = NodeDaemon.start(cfg, Clock.systemUTC(), options, config);
        } catch (NodeStartException e) {
            spec.commandLine().getErr().println("weft node: " + e.getMessage());
            return 1;
        }
        NodeDaemon running = daemon;
        hangup.reloadWith(() -> {
            try {
                return "SIGHUP: " + ReloadCommand.summary(running.reload());
            } catch (IllegalArgumentException e) {
                return "SIGHUP: " + e.getMessage();
            }
        });
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM and SIGINT run shutdown hooks: the interface and the admin socket go away
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            daemon.close();
            stopped.countDown();
        }, "weft-shutdown"));
        JsonNode status = daemon.status();
        System.out.println("weft node: " + daemon.dataplane().interfaceName() + " up, UDP port "
                + daemon.dataplane().listenPort() + ", admin socket " + cfg.adminSocket() + ", public key "
                + status.get("public_key").asText());
        System.out.println("weft node: offloads in use: " + StatusCommand.offloads(status.path("offloads")));
        System.out.flush();
        stopped.await();
        return 0;
    }
}
