package dev.weft.dataplane.wireguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.dataplane.crypto.Curve25519;
import dev.weft.ip.IpPrefix;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Our device against a real wireguard-go over real UDP: wireguard-go runs in a network
 * namespace of its own behind a veth pair (a random /30 of 203.0.113.0/24), its kernel answers ICMP
 * echo through the tunnel. Each side initiates once. Needs root, ip and wireguard-go.
 */
class WireGuardGoInteropTest {
    private final String suffix = Long.toHexString(System.nanoTime() & 0xffffff);
    private final String ns = "wgt" + suffix;
    private final String ifName = "wgt" + suffix;
    private final String vethRoot = "vwr" + suffix;
    private final String vethNs = "vwn" + suffix;
    // A random /30 of TEST-NET-3 per run, so concurrent runs in other worktrees do not collide.
    private final int block = 4 * java.util.concurrent.ThreadLocalRandom.current().nextInt(1, 63);
    private final String ourAddress = "203.0.113." + (block + 1);
    private final String goAddress = "203.0.113." + (block + 2);
    private final List<Process> processes = new ArrayList<>();
    private final LinkedBlockingQueue<byte[]> delivered = new LinkedBlockingQueue<>();
    private Path dir;
    private DatagramChannel channel;
    private WireGuardDevice device;
    private Thread reader;
    private boolean namespaceCreated;

    @BeforeEach
    void setUp() throws Exception {
        boolean root = "0".equals(run(false, "id", "-u").trim());
        Assumptions.assumeTrue(root && Files.isExecutable(Path.of("/usr/bin/wireguard-go"))
                        && Files.isExecutable(Path.of("/usr/bin/wg")),
                "wireguard-go interop test needs root, wireguard-go and wg; skipped");
        dir = Files.createTempDirectory("wgt", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        run(true, "ip", "netns", "add", ns);
        namespaceCreated = true;
        run(true, "ip", "link", "add", vethRoot, "type", "veth", "peer", "name", vethNs);
        run(true, "ip", "link", "set", vethNs, "netns", ns);
        run(true, "ip", "addr", "add", ourAddress + "/30", "dev", vethRoot);
        run(true, "ip", "link", "set", vethRoot, "up");
        inNs("ip", "addr", "add", goAddress + "/30", "dev", vethNs);
        inNs("ip", "link", "set", vethNs, "up");
        inNs("ip", "link", "set", "lo", "up");
        Process wg = new ProcessBuilder("ip", "netns", "exec", ns, "wireguard-go", "-f", ifName)
                .redirectErrorStream(true).redirectOutput(dir.resolve("wireguard-go.log").toFile()).start();
        processes.add(wg);
        Path sock = Path.of("/var/run/wireguard/" + ifName + ".sock");
        for (int i = 0; i < 100 && !Files.exists(sock); i++) {
            Thread.sleep(50);
        }
        assertTrue(Files.exists(sock), "wireguard-go started");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (device != null) {
            device.close();
        }
        if (channel != null) {
            channel.close();
        }
        if (reader != null) {
            reader.join(2000);
        }
        for (Process p : processes) {
            p.destroy();
            p.waitFor(5, TimeUnit.SECONDS);
        }
        if (namespaceCreated) {
            run(false, "ip", "netns", "del", ns);
            run(false, "ip", "link", "del", vethRoot);
        }
        if (dir != null) {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
    }

    private void startDevice(byte[] goPublic, boolean withEndpoint) throws IOException {
        channel = DatagramChannel.open();
        channel.bind(new InetSocketAddress(ourAddress, 0));
        PacketSink sink = new PacketSink() {
            @Override
            public void sendDatagram(ByteBuf datagram, InetSocketAddress to) {
                try {
                    channel.send(datagram.nioBuffer(), to);
                } catch (IOException e) {
                    // the test fails on the missing answer
                } finally {
                    datagram.release();
                }
            }

            @Override
            public void deliverPacket(ByteBuf ipPacket) {
                byte[] b = new byte[ipPacket.readableBytes()];
                ipPacket.readBytes(b);
                ipPacket.release();
                delivered.add(b);
            }
        };
        byte[] priv = Curve25519.generatePrivateKey(new java.security.SecureRandom());
        device = new WireGuardDevice(priv, sink, WireGuardClock.system(), WireGuardOptions.standard(),
                UnpooledByteBufAllocator.DEFAULT);
        device.addPeer(new PeerConfig(goPublic, null,
                withEndpoint ? new InetSocketAddress(goAddress, 51820) : null,
                List.of(IpPrefix.parse("100.64.0.2/32")), 0));
        reader = new Thread(() -> {
            ByteBuffer buf = ByteBuffer.allocate(65536);
            while (channel.isOpen()) {
                try {
                    buf.clear();
                    InetSocketAddress from = (InetSocketAddress) channel.receive(buf);
                    buf.flip();
                    ByteBuf d = Unpooled.buffer(buf.remaining());
                    d.writeBytes(buf);
                    device.receiveDatagram(d, from);
                } catch (IOException e) {
                    return;
                }
            }
        });
        reader.start();
    }

    /** Writes wireguard-go's private key file; returns its public key. */
    private byte[] goKey() throws Exception {
        byte[] goPrivate = Curve25519.generatePrivateKey(new java.security.SecureRandom());
        Path keyFile = dir.resolve("go.key");
        Files.writeString(keyFile, Base64.getEncoder().encodeToString(goPrivate) + "\n");
        return Curve25519.publicKey(goPrivate);
    }

    /** Configures wireguard-go with {@code wg set} only, as a user would. */
    private void finishGo(boolean withEndpoint) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("wg", "set", ifName, "private-key", dir.resolve("go.key").toString(),
                "listen-port", "51820", "peer", Base64.getEncoder().encodeToString(device.publicKey()),
                "allowed-ips", "100.64.0.1/32"));
        if (withEndpoint) {
            cmd.add("endpoint");
            cmd.add(ourAddress + ":" + ((InetSocketAddress) channel.getLocalAddress()).getPort());
        }
        inNs(cmd.toArray(String[]::new));
        inNs("ip", "addr", "add", "100.64.0.2/32", "dev", ifName);
        inNs("ip", "link", "set", ifName, "up");
        inNs("ip", "route", "add", "100.64.0.1/32", "dev", ifName);
    }

    @Test
    void weInitiateAndPingThroughWireGuardGo() throws Exception {
        byte[] goPublic = goKey();
        startDevice(goPublic, true);
        finishGo(false);
        device.sendPacket(Unpooled.wrappedBuffer(icmpEcho(8, "100.64.0.1", "100.64.0.2", 77)));
        byte[] reply = delivered.poll(10, TimeUnit.SECONDS);
        assertNotNull(reply, "echo reply through wireguard-go");
        assertEquals(0, reply[20], "ICMP echo reply");
        assertEquals("100.64.0.2", ipv4(reply, 12));
        assertNotNull(device.peers().get(0).lastHandshake());
    }

    @Test
    void wireGuardGoInitiatesAndPingsUs() throws Exception {
        byte[] goPublic = goKey();
        startDevice(goPublic, false);
        finishGo(true);
        Process ping = new ProcessBuilder("ip", "netns", "exec", ns, "ping", "-c", "1", "-W", "5", "100.64.0.1")
                .redirectErrorStream(true).start();
        processes.add(ping);
        byte[] request = delivered.poll(10, TimeUnit.SECONDS);
        assertNotNull(request, "echo request from wireguard-go");
        assertEquals(8, request[20], "ICMP echo request");
        // Answer as a host would: swap addresses, type 0, same id/sequence/payload.
        byte[] reply = request.clone();
        System.arraycopy(request, 12, reply, 16, 4);
        System.arraycopy(request, 16, reply, 12, 4);
        reply[20] = 0;
        reply[22] = 0;
        reply[23] = 0;
        int c = checksum(reply, 20, reply.length - 20);
        reply[22] = (byte) (c >>> 8);
        reply[23] = (byte) c;
        device.sendPacket(Unpooled.wrappedBuffer(reply));
        assertTrue(ping.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, ping.exitValue(), "ping through our device succeeded");
        assertEquals(new InetSocketAddress(goAddress, 51820), device.peers().get(0).endpoint(),
                "endpoint learned from the authenticated initiation");
    }

    static byte[] icmpEcho(int type, String src, String dst, int seq) {
        byte[] p = Packets.ipv4(src, dst, 8 + 32, seq);
        p[8] = 64;
        p[9] = 1;
        p[20] = (byte) type;
        p[21] = 0;
        p[22] = 0;
        p[23] = 0;
        p[24] = 0x12;
        p[25] = 0x34;
        p[26] = 0;
        p[27] = (byte) seq;
        int ic = checksum(p, 20, p.length - 20);
        p[22] = (byte) (ic >>> 8);
        p[23] = (byte) ic;
        p[10] = 0;
        p[11] = 0;
        int hc = checksum(p, 0, 20);
        p[10] = (byte) (hc >>> 8);
        p[11] = (byte) hc;
        return p;
    }

    static int checksum(byte[] b, int off, int len) {
        long sum = 0;
        for (int i = 0; i + 1 < len; i += 2) {
            sum += ((b[off + i] & 0xff) << 8) | (b[off + i + 1] & 0xff);
        }
        if ((len & 1) == 1) {
            sum += (b[off + len - 1] & 0xff) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    static String ipv4(byte[] p, int at) {
        return (p[at] & 0xff) + "." + (p[at + 1] & 0xff) + "." + (p[at + 2] & 0xff) + "." + (p[at + 3] & 0xff);
    }

    private void inNs(String... cmd) throws Exception {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(cmd));
        run(true, full.toArray(String[]::new));
    }

    private static String run(boolean check, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        int rc = p.waitFor();
        if (check && rc != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }
}
