package dev.weft.node.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** {@code /metrics} over HTTP on {@code metrics.listen}, served by the Prometheus client's own server. */
public final class MetricsServer implements AutoCloseable {
    private final HTTPServer server;
    private final InetSocketAddress address;

    private MetricsServer(HTTPServer server, InetSocketAddress address) {
        this.server = server;
        this.address = address;
    }

    /** Listens on {@code listen}; one thread answers, since a scrape is rare and reads only counters. */
    public static MetricsServer start(InetSocketAddress listen, PrometheusRegistry registry) throws IOException {
        ExecutorService one = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "weft-metrics");
            t.setDaemon(true);
            return t;
        });
        try {
            HTTPServer server = HTTPServer.builder().inetAddress(listen.getAddress()).port(listen.getPort())
                    .registry(registry).executorService(one).buildAndStart();
            return new MetricsServer(server, new InetSocketAddress(listen.getAddress(), server.getPort()));
        } catch (IOException | RuntimeException e) {
            one.shutdownNow();
            throw e;
        }
    }

    /** Where it listens. */
    public InetSocketAddress address() {
        return address;
    }

    @Override
    public void close() {
        server.close();
    }
}
