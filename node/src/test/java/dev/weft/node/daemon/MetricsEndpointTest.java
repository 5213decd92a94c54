package dev.weft.node.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.node.cli.Main;
import dev.weft.node.config.NodeConfig;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running node serves {@code /metrics} on {@code metrics.listen}, and what it says agrees with
 * {@code weft status --json}: junk sent to the node's UDP port moves the same counters in both.
 */
class MetricsEndpointTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void pki() {
        weft("ca", "init", "--name", "lab", "--networks", "100.64.0.0/10", "--out-crt", p("ca.crt"), "--out-key", p("ca.key"));
        weft("cert", "sign", "--ca-crt", p("ca.crt"), "--ca-key", p("ca.key"), "--name", "m1", "--ip", "100.64.7.1/10",
                "--out-key", p("n.key"), "--out-crt", p("n.crt"));
    }

    @Test
    void statusAndMetricsAgreeAfterJunkArrives() throws Exception {
        assumeTrue(isRoot(), "skipped: a node needs root for its TUN interface");
        int port = freeTcpPort();
        try (NodeDaemon node = NodeDaemon.start(config("wtmet0", port), Clock.systemUTC())) {
            assertEquals(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), node.metricsAddress());
            int udp = node.dataplane().listenPort();
            try (DatagramSocket s = new DatagramSocket()) {
                send(s, udp, 3, new byte[] {9, 1, 2, 3});                  // no such message type
                byte[] transport = new byte[32];
                transport[0] = 4;                                          // a transport message
                transport[4] = 0x5a;                                       // for an index nobody has
                send(s, udp, 5, transport);
                send(s, udp, 2, new byte[] {1, 0, 0, 0, 7, 7, 7, 7, 7, 7}); // an initiation of the wrong size
            }
            Map<String, Double> m = waitFor(node, "weft_rejected_packets_total{reason=\"malformed\"}", 2);
            JsonNode s = node.status();
            assertEquals(3, s.get("udp_dropped_unknown_type").asLong());
            assertEquals(5, s.get("rejected_unknown_peer").asLong());
            assertEquals(2, s.get("rejected_malformed").asLong());
            assertEquals(s.get("udp_dropped_unknown_type").asDouble(), m.get("weft_udp_received_datagrams_total{kind=\"unknown\"}"));
            assertEquals(s.get("rejected_unknown_peer").asDouble(), m.get("weft_rejected_packets_total{reason=\"unknown_index\"}"));
            assertEquals(s.get("rejected_malformed").asDouble(), m.get("weft_rejected_packets_total{reason=\"malformed\"}"));
            assertEquals(s.get("members_alive").asDouble(), m.get("weft_members{state=\"alive\"}"));
            assertEquals(1.0, m.get("weft_members{state=\"alive\"}"));
            assertEquals(s.get("handshakes_completed").asDouble(), m.get("weft_handshakes_completed_total"));
            assertEquals(s.get("control").get("bytes_received").asDouble(), m.get("weft_control_received_bytes_total"));
            assertEquals(0.0, m.get("weft_dns_queries_total"));
            HttpResponse<String> healthy = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/-/healthy")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, healthy.statusCode(), "docs/metrics.md says /-/healthy answers");
        }
    }

    @Test
    void aTakenMetricsPortIsOneLineNamingTheKey() throws Exception {
        assumeTrue(isRoot(), "skipped: a node needs root for its TUN interface");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            NodeStartException e = assertThrows(NodeStartException.class,
                    () -> NodeDaemon.start(config("wtmet1", taken.getLocalPort()), Clock.systemUTC()));
            assertTrue(e.getMessage().startsWith("metrics.listen: cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": "),
                    e.getMessage());
            assertTrue(!Files.exists(Path.of("/sys/class/net/wtmet1")), "the interface was left behind");
        }
    }

    private static NodeConfig config(String dev, int metricsPort) throws Exception {
        String dns = dir.resolve(dev + "-dns").toString();
        return NodeConfig.parse("pki: {ca: ca.crt, cert: n.crt, key: n.key}\ntun: {dev: " + dev + "}\nlisten: {port: 0}\n"
                + "admin: {socket: " + dir.resolve(dev + ".sock") + "}\nstate_dir: " + dir.resolve(dev + "-state") + "\n"
                + "dns: {listen: [\"127.0.0.1:" + freeUdpPort() + "\"]}\n"
                + "metrics: {listen: \"127.0.0.1:" + metricsPort + "\"}\n", dir);
    }

    /** Scrapes until {@code key} reaches {@code value} (the packets are counted on the dataplane's thread). */
    private static Map<String, Double> waitFor(NodeDaemon node, String key, double value) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        Map<String, Double> m;
        do {
            m = scrape(node.metricsAddress());
            if (Double.valueOf(value).equals(m.get(key))) {
                return m;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        throw new AssertionError(key + " never reached " + value + ": " + m);
    }

    /** The samples of the text format, {@code name{labels}} → value. */
    static Map<String, Double> scrape(InetSocketAddress at) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + at.getPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/plain"), r.headers().toString());
        Map<String, Double> out = new HashMap<>();
        for (String line : r.body().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return out;
    }

    private static void send(DatagramSocket s, int port, int times, byte[] payload) throws Exception {
        for (int i = 0; i < times; i++) {
            s.send(new DatagramPacket(payload, payload.length, InetAddress.getLoopbackAddress(), port));
        }
    }

    private static int freeTcpPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static int freeUdpPort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static String p(String name) {
        return dir.resolve(name).toString();
    }

    private static void weft(String... args) {
        assertEquals(0, Main.commandLine().execute(args), String.join(" ", args));
    }
}
