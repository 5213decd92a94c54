package dev.weft.dataplane;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.dataplane.tun.NetnsThread;
import dev.weft.dataplane.udp.ControlHandler;
import dev.weft.dataplane.wireguard.WireGuardKeys;
import dev.weft.dataplane.wireguard.PeerConfig;
import dev.weft.dataplane.wireguard.WireGuardOptions;
import dev.weft.ip.IpPrefix;
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
 * Two dataplanes in two network namespaces over a veth pair (root only), with every offload off
 * and with every offload on (TUN TSO/USO with GRO on write, UDP GSO and GRO): TCP streams over
 * IPv4 and IPv6 arrive with the same SHA-256, UDP datagrams of every size around the MTU (and
 * fragmented ones beyond it) arrive intact, and the offloaded run really used each offload.
 */
class DataplaneOffloadTest {
    private static final int BYTES = 16 << 20;
    /** Inner MTU 1420: the largest unfragmented UDP payload is 1392 (IPv4) and 1372 (IPv6). */
    private static final int[] UDP_SIZES = {1, 64, 1371, 1372, 1373, 1391, 1392, 1393, 1420, 1452, 2800, 2841, 8000,
        30_000, 65_000};

    @Test
    void streamsAndDatagramsArriveTheSameWithAndWithoutOffloads() throws Exception {
        Assumptions.assumeTrue(NetnsThread.isRoot(), "skipped: needs root");
        byte[] sent = new byte[BYTES];
        new Random(42).nextBytes(sent);
        byte[] expected = MessageDigest.getInstance("SHA-256").digest(sent);
        for (boolean offloads : new boolean[] {false, true}) {
            long t0 = System.nanoTime();
            Run r = transfer(offloads, sent);
            // Not asserted (a shared VM): printed for a look at what offloads buy.
            System.out.printf("offloads %s: 2 x %d MiB through the tunnel in %d ms (set-up included), %d super-packets, "
                    + "%d TUN GRO writes of %d segments, sender %s, receiver %s%n", offloads, BYTES >> 20,
                    (System.nanoTime() - t0) / 1_000_000, r.superPackets(), r.groWrites(), r.groSegments(), r.udp(),
                    r.rxUdp());
            assertArrayEquals(expected, r.digest4(), "the IPv4 stream arrived intact, offloads " + offloads);
            assertArrayEquals(expected, r.digest6(), "the IPv6 stream arrived intact, offloads " + offloads);
            assertEquals(offloads, r.superPackets() > 0, "super-packets read: " + r.superPackets());
            assertEquals(0, r.refused());
            assertEquals(offloads, r.udp().gsoWrites() > 0, "GSO writes: " + r.udp());
            assertEquals(0, r.udp().gsoFailures());
            assertEquals(offloads, r.rxUdp().groReads() > 0, "GRO reads: " + r.rxUdp());
            assertEquals(offloads, r.groWrites() > 0, "TUN GRO writes: " + r.groWrites());
            assertTrue(r.groSegments() >= 2 * r.groWrites());
        }
    }

    record Run(byte[] digest4, byte[] digest6, long superPackets, long refused,
               dev.weft.dataplane.udp.UdpOffloadCounters udp, dev.weft.dataplane.udp.UdpOffloadCounters rxUdp,
               long groWrites, long groSegments) {
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
            Dataplane da = na.call(() -> Dataplane.start(settings(ka, "100.64.9.1", "fd00:9::1", offloads)));
            Dataplane db = null;
            try {
                db = nb.call(() -> Dataplane.start(settings(kb, "100.64.9.2", "fd00:9::2", offloads)));
                assertEquals(offloads, da.tunOffloads());
                assertEquals(offloads, db.tunGro());
                da.device().addPeer(new PeerConfig(db.device().publicKey(), null,
                        new InetSocketAddress(ub, db.listenPort()),
                        List.of(IpPrefix.parse("100.64.9.2/32"), IpPrefix.parse("fd00:9::2/128")), 0));
                db.device().addPeer(new PeerConfig(da.device().publicKey(), null,
                        new InetSocketAddress(ua, da.listenPort()),
                        List.of(IpPrefix.parse("100.64.9.1/32"), IpPrefix.parse("fd00:9::1/128")), 0));
                waitForDad(na, nb);
                byte[] d4 = stream(na, nb, "100.64.9.2", data);
                byte[] d6 = stream(na, nb, "fd00:9::2", data);
                datagrams(na, nb, "100.64.9.2");
                datagrams(na, nb, "fd00:9::2");
                return new Run(d4, d6, da.tunSuperPackets(), da.tunRefusedSuperPackets() + db.tunRefusedSuperPackets(),
                        da.udpOffloadCounters(), db.udpOffloadCounters(), db.tunGroWrites(), db.tunGroSegments());
            } finally {
                if (db != null) {
                    db.close();
                }
                da.close();
            }
        }
    }

    /** IPv6 addresses are usable once duplicate address detection is done (or turned off). */
    private static void waitForDad(NetnsThread... namespaces) throws Exception {
        for (NetnsThread n : namespaces) {
            for (int i = 0; i < 50; i++) {
                NetnsThread.Result r = NetnsThread.run("ip", "-n", n.name(), "-6", "addr", "show", "tentative");
                if (r.output().isBlank()) {
                    break;
                }
                Thread.sleep(100);
            }
        }
    }

    /** A TCP stream from a to b; returns the SHA-256 of what b read. */
    private static byte[] stream(NetnsThread na, NetnsThread nb, String to, byte[] data) throws Exception {
        InetAddress address = InetAddress.getByName(to);
        ServerSocket server = nb.call(() -> new ServerSocket(5201, 1, address));
        java.util.concurrent.ExecutorService reader = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
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
                s.connect(new InetSocketAddress(address, 5201), 10_000);
                return s;
            });
            try (OutputStream out = client.getOutputStream()) {
                out.write(data);
            }
            client.close();
            return received.get(60, TimeUnit.SECONDS);
        } finally {
            reader.shutdownNow();
            server.close();
        }
    }

    /**
     * Datagrams of every size in {@link #UDP_SIZES}, each in a burst of equal ones (one GSO run on
     * the underlay) and a pattern of its index: every one arrives whole and unchanged.
     */
    private static void datagrams(NetnsThread na, NetnsThread nb, String to) throws Exception {
        InetAddress address = InetAddress.getByName(to);
        java.net.DatagramSocket rx = nb.call(() -> {
            java.net.DatagramSocket s = new java.net.DatagramSocket(new InetSocketAddress(address, 5300));
            s.setReceiveBufferSize(8 << 20);
            s.setSoTimeout(5000);
            return s;
        });
        java.net.DatagramSocket tx = na.call(() -> new java.net.DatagramSocket());
        int burst = 8;
        try {
            java.util.Set<Integer> seen = new java.util.HashSet<>();
            for (int k = 0; k < UDP_SIZES.length; k++) {
                int size = UDP_SIZES[k];
                for (int j = 0; j < burst; j++) {
                    tx.send(new java.net.DatagramPacket(pattern(k * burst + j, size), size,
                            new InetSocketAddress(address, 5300)));
                }
                for (int j = 0; j < burst; j++) {
                    java.net.DatagramPacket p = new java.net.DatagramPacket(new byte[65_536], 65_536);
                    rx.receive(p);
                    byte[] got = java.util.Arrays.copyOf(p.getData(), p.getLength());
                    int index = k * burst + j;
                    if (size >= 4) { // the index is in the datagram: order within a burst may change
                        index = java.nio.ByteBuffer.wrap(got).getInt();
                        assertTrue(index >= 0 && index < UDP_SIZES.length * burst, "index " + index);
                        assertArrayEquals(pattern(index, got.length), got, "datagram " + index + " to " + to);
                    }
                    assertEquals(UDP_SIZES[index / burst], got.length, "datagram " + index + " to " + to);
                    seen.add(index);
                }
            }
            assertEquals(UDP_SIZES.length * burst, seen.size(), "every datagram once, to " + to);
        } finally {
            tx.close();
            rx.close();
        }
    }

    private static byte[] pattern(int index, int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (i * 31 + index);
        }
        if (size >= 4) {
            java.nio.ByteBuffer.wrap(b).putInt(index);
        }
        return b;
    }

    private static DataplaneSettings settings(byte[] key, String address, String address6, boolean offloads)
            throws Exception {
        return new DataplaneSettings(key, "wdo0", 1420, 0,
                List.of(new DataplaneSettings.InterfaceAddress(InetAddress.getByName(address), 24),
                        new DataplaneSettings.InterfaceAddress(InetAddress.getByName(address6), 64)),
                WireGuardOptions.standard(), ControlHandler.discarding(), offloads);
    }

    private static void check(NetnsThread.Result r) {
        assertTrue(r.exit() == 0, r.output());
    }
}
