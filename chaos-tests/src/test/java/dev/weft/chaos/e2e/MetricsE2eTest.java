package dev.weft.chaos.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.chaos.e2e.MeshLab.Member;
import dev.weft.chaos.lab.Host;
import dev.weft.chaos.lab.Lab;
import dev.weft.chaos.lab.LabProcess;
import dev.weft.chaos.lab.RequiresLab;
import dev.weft.chaos.lab.Segment;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A real Prometheus (Debian's {@code prometheus}) in its own lab host scrapes two running nodes
 * over the underlay: its HTTP API sees the members gauge equal to the mesh's size on both, and the
 * traffic counters rise after a ping through the overlay.
 */
@RequiresLab
class MetricsE2eTest {
    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @Test
    void prometheusScrapesTwoNodesAndSeesTheMeshAndItsTraffic(Lab lab) throws Exception {
        assumeTrue(Files.isExecutable(PROMETHEUS), "skipped: Debian's prometheus package is not installed");
        Segment net = lab.internet();
        Host lhHost = lab.host("lh", net);
        Host n2Host = lab.host("n2", net);
        Host promHost = lab.host("prom", net);
        Pki pki = Pki.create(Files.createDirectories(lhHost.dir().resolve("pki")));
        MeshLab mesh = new MeshLab(lab, pki);
        Member lh = mesh.start(lhHost, "lh", 1, MeshLab.LIGHTHOUSE + metrics(lhHost));
        Member n2 = mesh.start(n2Host, "n2", 2, MeshLab.registersWith(lhHost) + metrics(n2Host));
        mesh.await(() -> MeshLab.aliveSeenBy(lh) == 1 && MeshLab.aliveSeenBy(n2) == 1, DEADLINE, "both nodes see each other");

        String prom = promHost.ipv4().getHostAddress() + ":9090";
        Path config = promHost.dir().resolve("prometheus.yml");
        Files.writeString(config, """
                global: {scrape_interval: 1s, scrape_timeout: 900ms}
                scrape_configs:
                  - job_name: weft
                    static_configs:
                      - targets: ["%s", "%s"]
                """.formatted(target(lhHost), target(n2Host)));
        LabProcess prometheus = promHost.start("prometheus", PROMETHEUS.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + promHost.dir().resolve("tsdb"), "--web.listen-address=" + prom);
        try {
            mesh.await(() -> value(promHost, prom, "count(up == 1)") == 2, DEADLINE, "Prometheus scrapes both nodes"
                    + " (prometheus: " + prometheus.tail(5) + ")");
            mesh.await(() -> value(promHost, prom, "min(weft_members{state=\"alive\"})") == 2
                            && value(promHost, prom, "max(weft_members{state=\"alive\"})") == 2,
                    DEADLINE, "both nodes report 2 alive members (the mesh's size)");

            String received = "weft_received_bytes_total{instance=\"" + target(n2Host) + "\"}";
            String sent = "weft_sent_bytes_total{instance=\"" + target(lhHost) + "\"}";
            double receivedBefore = value(promHost, prom, received);
            double sentBefore = value(promHost, prom, sent);
            lhHost.exec("ping", "-c", "20", "-i", "0.05", "-s", "1000", "-W", "2", n2.v4().getHostAddress()).requireOk();
            mesh.await(() -> value(promHost, prom, received) >= receivedBefore + 20 * 1000
                            && value(promHost, prom, sent) >= sentBefore + 20 * 1000,
                    DEADLINE, "Prometheus sees at least 20 kB more received on n2 and sent by lh after a ping");
            JsonNode status = MeshLab.admin(n2, "status");
            assertEquals(2, status.path("members_alive").asLong());
            // the node's own view agrees with what Prometheus last scraped, to within the traffic since
            long rx = 0;
            for (JsonNode p : status.path("peers")) {
                rx += p.path("rx_bytes").asLong();
            }
            assertTrue(rx >= value(promHost, prom, received), "status rx_bytes " + rx + " behind /metrics");
        } finally {
            prometheus.stop(Duration.ofSeconds(5));
        }
    }

    private static String metrics(Host h) {
        return "metrics: {listen: \"" + target(h) + "\"}\n";
    }

    private static String target(Host h) {
        return h.ipv4().getHostAddress() + ":9642";
    }

    /** The value of an instant query through Prometheus's HTTP API, or -1 when it has no sample yet. */
    private static double value(Host promHost, String prom, String query) {
        JsonNode result = promHost.call(() -> get("http://" + prom + "/api/v1/query?query="
                + URLEncoder.encode(query, StandardCharsets.UTF_8))).path("data").path("result");
        if (result.isEmpty()) {
            return -1;
        }
        return Double.parseDouble(result.get(0).path("value").get(1).asText());
    }

    /** Plain HttpURLConnection: it connects from the calling thread, which is in the lab host's namespace. */
    private static JsonNode get(String url) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        c.setConnectTimeout(2000);
        c.setReadTimeout(5000);
        try {
            if (c.getResponseCode() != 200) {
                return Pki.JSON.createObjectNode();
            }
            try (InputStream in = c.getInputStream()) {
                return Pki.JSON.readTree(in);
            }
        } catch (IOException e) {
            return Pki.JSON.createObjectNode(); // not up yet
        } finally {
            c.disconnect();
        }
    }
}
