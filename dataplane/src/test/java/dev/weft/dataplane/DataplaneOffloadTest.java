package dev.weft.dataplane;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.dataplane.tun.NetnsThread;
import dev.weft.dataplane.udp.ControlHandler;
import dev.weft.dataplane.wireguard.WireGuardKeys;
import dev.weft.dataplane.wireguard.IpPrefix;
import dev.weft.dataplane.wireguard.PeerConfig;
import dev.weft.dataplane.wireguard.WireGuardOptions;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Two dataplanes in two network namespaces over a veth pair (root only): a TCP stream through
 * the tunnel arrives intact with TUN offloads on (super-packets cut before encryption) and off,
 * and the offloaded run really read super-packets.
 */
class DataplaneOffloadTest {
    private static final int BYTES = 24 << 20;

    @Test
    void aTcpStreamArrivesTheSameWithAndWithoutOffloads() throws Exception {
        Assumptions.assumeTrue(NetnsThread.isRoot(), "skipped: needs root");
        byte[] sent = new byte[BYTES];
        new Random(42).nextBytes(sent);
        byte[] expected = MessageDigest.getInstance("SHA-256").digest(sent);
        for (boolean offloads : new boolean[] {false, true}) {
            long t0 = System.nanoTime();
            Run r = transfer(offloads, sent);
            // Not asserted (a shared VM): printed for a look at what offloads buy.
            System.out.printf("offloads %s: %d MiB through the tunnel in %d ms (set-up included), %d super-packets, "
                    + "sender %s, receiver %s%n", offloads, BYTES >> 20, (System.nanoTime() - t0) / 1_000_000,
                    r.superPackets(), r.udp(), r.rxUdp());
            assertArrayEquals(expected, r.digest(), "the stream arrived intact, offloads " + offloads);
            assertEquals(offloads, r.superPackets() > 0, "super-packets read: " + r.superPackets());
            assertEquals(offloads, r.udp().gsoWrites() > 0, "GSO writes: " + r.udp());
            assertEquals(0, r.udp().gsoFailures());
            assertEquals(offloads, r.rxUdp().groReads() > 0, "GRO reads: " + r.rxUdp());
            assertEquals(0, r.refused());
        }
    }

    record Run(byte[] digest, long superPackets, long refused, dev.weft.dataplane.udp.UdpOffloadCounters udp,
               dev.weft.dataplane.udp.UdpOffloadCounters rxUdp) {
    }

    private static Run transfer(boolean offloads, byte[] data) throws Exception {
        long id = ProcessHandle.current().pid() % 10000;
        int block = 4 * (int) (System.nanoTime() & 63); // a random /30 of 203.0.113.0/24
        String a = "wdoa" + id + (offloads ? "o" : "p");
        String b = "wdob" + id + (offloads ? "o" : "p");
        String ua = "203.0.113." + (block + 1);
        String ub = "203.0.113." + (block + 2);
        try (NetnsThread na = NetnsThread.create(a); NetnsThread nb = NetnsThread.create(b)) {
            check(NetnsThread.run("ip", "link", "add", "vd" + id + "a", "netns", a, "type", "veth",
                    "peer", "name", "vd" + id + "b", "netns", b));
            check(NetnsThread.run("ip", "-n", a, "addr", "add", ua + "/30", "dev", "vd" + id + "a"));
            check(NetnsThread.run("ip", "-n", b, "addr", "add", ub + "/30", "dev", "vd" + id + "b"));
            check(NetnsThread.run("ip", "-n", a, "link", "set", "vd" + id + "a", "up"));
            check(NetnsThread.run("ip", "-n", b, "link", "set", "vd" + id + "b", "up"));
            byte[] ka = WireGuardKeys.generatePrivateKey();
            byte[] kb = WireGuardKeys.generatePrivateKey();
            Dataplane da = na.call(() -> Dataplane.start(settings(ka, "100.64.9.1", offloads)));
            Dataplane db = null;
            try {
                db = nb.call(() -> Dataplane.start(settings(kb, "100.64.9.2", offloads)));
                assertEquals(offloads, da.tunOffloads());
                da.device().addPeer(new PeerConfig(db.device().publicKey(), null,
                        new InetSocketAddress(ub, db.listenPort()), List.of(IpPrefix.parse("100.64.9.2/32")), 0));
                db.device().addPeer(new PeerConfig(da.device().publicKey(), null,
                        new InetSocketAddress(ua, da.listenPort()), List.of(IpPrefix.parse("100.64.9.1/32")), 0));
                ServerSocket server = nb.call(() -> new ServerSocket(5201, 1, InetAddress.getByName("100.64.9.2")));
                java.util.concurrent.ExecutorService reader = java.util.concurrent.Executors.newSingleThreadExecutor();
                Future<byte[]> received = reader.submit(() -> {
                    try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
                        MessageDigest md = MessageDigest.getInstance("SHA-256");
                        byte[] buf = new byte[1 << 16];
                        int n;
                        while ((n = in.read(buf)) > 0) {
                            md.update(buf, 0, n);
                        }
                        return md.digest();
                    } finally {
                        server.close();
                    }
                });
                Socket client = na.call(() -> {
                    Socket s = new Socket();
                    s.connect(new InetSocketAddress("100.64.9.2", 5201), 10_000);
                    return s;
                });
                try (OutputStream out = client.getOutputStream()) {
                    out.write(data);
                }
                client.close();
                byte[] digest = received.get(60, TimeUnit.SECONDS);
                reader.shutdown();
                return new Run(digest, da.tunSuperPackets(), da.tunRefusedSuperPackets() + db.tunRefusedSuperPackets(),
                        da.udpOffloadCounters(), db.udpOffloadCounters());
            } finally {
                if (db != null) {
                    db.close();
                }
                da.close();
            }
        }
    }

    private static DataplaneSettings settings(byte[] key, String address, boolean offloads) throws Exception {
        return new DataplaneSettings(key, "wdo0", 1420, 0,
                List.of(new DataplaneSettings.InterfaceAddress(InetAddress.getByName(address), 24)),
                WireGuardOptions.standard(), ControlHandler.discarding(), offloads);
    }

    private static void check(NetnsThread.Result r) {
        assertTrue(r.exit() == 0, r.output());
    }
}
