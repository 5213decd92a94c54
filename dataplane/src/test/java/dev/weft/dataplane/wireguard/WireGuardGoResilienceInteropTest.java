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
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The parts of the protocol a plain handshake does not exercise, against a real
 * wireguard-go over real UDP (in a namespace of the test's own, TEST-NET addresses):
 * <ul>
 *   <li>under a handshake flood our device answers wireguard-go with a cookie reply;
 *       wireguard-go must decrypt it (XChaCha20-Poly1305 keyed by our public key, bound to
 *       its MAC1) and retry with a MAC2 we accept: the legitimate peer gets through;</li>
 *   <li>with shortened timers (the test-only setting) our device rekeys every two
 *       seconds under continuous traffic, and wireguard-go follows every new session
 *       without losing a packet;</li>
 *   <li>wireguard-go's underlay port changes mid-stream: we roam to it on its next
 *       authenticated packet;</li>
 *   <li>wireguard-go restarts mid-stream: our unanswered data triggers a new handshake
 *       and traffic resumes;</li>
 *   <li>we restart (same key, new port): wireguard-go accepts our new initiation and roams;</li>
 *   <li>a preshared key on both sides, over an IPv6 underlay, carrying IPv4 and IPv6.</li>
 * </ul>
 * Needs root, ip and wireguard-go; skipped otherwise.
 */
class WireGuardGoResilienceInteropTest {
    /**
     * A /30 of 198.51.100.0/24 (and a /64 of 2001:db8:4242::/48) per run, so that runs from
     * several checkouts on one machine never route into each other's veth (.0/30 is left to
     * {@link WireGuardGoInteropTest}).
     */
    private final int subnet = 1 + new SecureRandom().nextInt(63);
    private final String ourIp = "198.51.100." + (subnet * 4 + 1);
    private final String goIp = "198.51.100." + (subnet * 4 + 2);
    private final String ourIp6 = "2001:db8:4242:" + Integer.toHexString(subnet) + "::1";
    private final String goIp6 = "2001:db8:4242:" + Integer.toHexString(subnet) + "::2";
    private final InetSocketAddress go = new InetSocketAddress(goIp, 51820);
    private final InetSocketAddress go6 = new InetSocketAddress(goIp6, 51820);

    private final String suffix = Long.toHexString(System.nanoTime() & 0xffffff);
    private final String ns = "wgl" + suffix;
    private final String ifName = "wgl" + suffix;
    private final String vethRoot = "vlr" + suffix;
    private final String vethNs = "vln" + suffix;
    private final List<Process> processes = new ArrayList<>();
    private final LinkedBlockingQueue<byte[]> delivered = new LinkedBlockingQueue<>();
    /** Every datagram our device sent: first byte (type) and destination. */
    private final List<InetSocketAddress> cookieRepliesTo = new CopyOnWriteArrayList<>();
    private final AtomicInteger initiationsSent = new AtomicInteger();
    private Path dir;
    /** Optional preshared key for both sides; IPv6 underlay instead of IPv4. Set before startDevice. */
    private byte[] psk;
    private boolean ipv6Underlay;
    private Process goProcess;
    private byte[] ourKey;
    private DatagramChannel channel;
    private WireGuardDevice device;
    private Thread reader;
    private boolean namespaceCreated;

    @BeforeEach
    void setUp() throws Exception {
        boolean root = "0".equals(run(false, "id", "-u").trim());
        Assumptions.assumeTrue(root && Files.isExecutable(Path.of("/usr/bin/wireguard-go"))
                        && Files.isExecutable(Path.of("/usr/bin/wg")),
                "wireguard-go load/rekey interop test needs root, wireguard-go and wg; skipped");
        dir = Files.createTempDirectory("wgl", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        run(true, "ip", "netns", "add", ns);
        namespaceCreated = true;
        run(true, "ip", "link", "add", vethRoot, "type", "veth", "peer", "name", vethNs);
        run(true, "ip", "link", "set", vethNs, "netns", ns);
        run(true, "ip", "addr", "add", ourIp + "/30", "dev", vethRoot);
        run(true, "ip", "link", "set", vethRoot, "up");
        inNs("ip", "addr", "add", goIp + "/30", "dev", vethNs);
        run(true, "ip", "-6", "addr", "add", ourIp6 + "/64", "dev", vethRoot, "nodad");
        inNs("ip", "-6", "addr", "add", goIp6 + "/64", "dev", vethNs, "nodad");
        inNs("ip", "link", "set", vethNs, "up");
        inNs("ip", "link", "set", "lo", "up");
        goProcess = startGo(ifName);
    }

    private Process startGo(String name) throws Exception {
        Process wg = new ProcessBuilder("ip", "netns", "exec", ns, "wireguard-go", "-f", name)
                .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start();
        processes.add(wg);
        Path sock = Path.of("/var/run/wireguard/" + name + ".sock");
        for (int i = 0; i < 100 && !Files.exists(sock); i++) {
            Thread.sleep(50);
        }
        assertTrue(Files.exists(sock), "wireguard-go started");
        return wg;
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
            run(false, "ip", "netns", "exec", ns, "ip", "link", "del", "wgm" + suffix);
            run(false, "ip", "netns", "exec", ns, "ip", "link", "del", ifName);
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

    private byte[] startDevice(WireGuardOptions options, boolean withEndpoint) throws Exception {
        byte[] goPrivate = Curve25519.generatePrivateKey(new SecureRandom());
        Files.writeString(dir.resolve("go.key"), Base64.getEncoder().encodeToString(goPrivate) + "\n");
        ourKey = Curve25519.generatePrivateKey(new SecureRandom());
        launchOurSide(Curve25519.publicKey(goPrivate), options, withEndpoint);
        configureGo(ifName, !withEndpoint);
        return Curve25519.publicKey(goPrivate);
    }

    /** Our side: a UDP socket on a fresh port, a device with {@link #ourKey}, a reader thread. */
    private void launchOurSide(byte[] goPublic, WireGuardOptions options, boolean withEndpoint) throws Exception {
        channel = DatagramChannel.open();
        channel.bind(new InetSocketAddress(ipv6Underlay ? ourIp6 : ourIp, 0));
        PacketSink sink = new PacketSink() {
            @Override
            public void sendDatagram(ByteBuf datagram, InetSocketAddress to) {
                int type = datagram.getByte(datagram.readerIndex());
                if (type == Messages.TYPE_COOKIE_REPLY) {
                    cookieRepliesTo.add(to);
                } else if (type == Messages.TYPE_INITIATION) {
                    initiationsSent.incrementAndGet();
                }
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
        device = new WireGuardDevice(ourKey, sink, WireGuardClock.system(), options, UnpooledByteBufAllocator.DEFAULT);
        device.addPeer(new PeerConfig(goPublic, psk,
                withEndpoint ? (ipv6Underlay ? go6 : go) : null,
                List.of(IpPrefix.parse("100.64.0.2/32"), IpPrefix.parse("fd00:4242::2/128")), 0));
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

    /** Configures a wireguard-go interface with {@code wg set} only, as a user would. */
    private void configureGo(String name, boolean withOurEndpoint) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("wg", "set", name, "private-key", dir.resolve("go.key").toString(),
                "listen-port", "51820", "peer", Base64.getEncoder().encodeToString(device.publicKey()),
                "allowed-ips", "100.64.0.1/32,fd00:4242::1/128"));
        if (psk != null) {
            Path pskFile = dir.resolve("go.psk");
            Files.writeString(pskFile, Base64.getEncoder().encodeToString(psk) + "\n");
            cmd.add("preshared-key");
            cmd.add(pskFile.toString());
        }
        if (withOurEndpoint) {
            int port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
            cmd.add("endpoint");
            cmd.add(ipv6Underlay ? "[" + ourIp6 + "]:" + port : ourIp + ":" + port);
        }
        inNs(cmd.toArray(String[]::new));
        inNs("ip", "addr", "add", "100.64.0.2/32", "dev", name);
        inNs("ip", "-6", "addr", "add", "fd00:4242::2/128", "dev", name, "nodad");
        inNs("ip", "link", "set", name, "up");
        inNs("ip", "route", "add", "100.64.0.1/32", "dev", name);
        inNs("ip", "-6", "route", "add", "fd00:4242::1/128", "dev", name);
    }

    /** Answers every echo request the device delivers, as the host behind it would. */
    private Thread echoResponder(AtomicBoolean running, AtomicInteger answered) {
        Thread t = new Thread(() -> {
            while (running.get()) {
                byte[] request;
                try {
                    request = delivered.poll(100, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    return;
                }
                if (request == null || request[20] != 8) {
                    continue;
                }
                byte[] reply = request.clone();
                System.arraycopy(request, 12, reply, 16, 4);
                System.arraycopy(request, 16, reply, 12, 4);
                reply[20] = 0;
                reply[22] = 0;
                reply[23] = 0;
                int c = WireGuardGoInteropTest.checksum(reply, 20, reply.length - 20);
                reply[22] = (byte) (c >>> 8);
                reply[23] = (byte) c;
                device.sendPacket(Unpooled.wrappedBuffer(reply));
                answered.incrementAndGet();
            }
        });
        t.start();
        return t;
    }

    private String goLog() {
        try {
            return Files.readString(dir.resolve(ifName + ".log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static int received(String pingOutput) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+) received").matcher(pingOutput);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    @Test
    void weFollowWireGuardGoWhenItsUnderlayPortChangesMidStream() throws Exception {
        startDevice(WireGuardOptions.standard(), false);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger answered = new AtomicInteger();
        Thread responder = echoResponder(running, answered);
        try {
            // First a session (wireguard-go initiates on its first packet), then the stream.
            Process warmup = new ProcessBuilder("ip", "netns", "exec", ns, "ping", "-c", "1", "-W", "10",
                    "100.64.0.1").redirectErrorStream(true).start();
            processes.add(warmup);
            assertTrue(warmup.waitFor(15, TimeUnit.SECONDS) && warmup.exitValue() == 0,
                    "first ping through the tunnel; wireguard-go log: " + goLog());
            assertEquals(go, device.peers().get(0).endpoint());
            Process ping = new ProcessBuilder("ip", "netns", "exec", ns, "ping", "-c", "30", "-i", "0.2", "-W", "2",
                    "100.64.0.1").redirectErrorStream(true).start();
            processes.add(ping);
            Thread.sleep(3000);
            // wireguard-go moves to another port: its next authenticated packet must move us too.
            inNs("wg", "set", ifName, "listen-port", "51999");
            assertTrue(ping.waitFor(30, TimeUnit.SECONDS));
            String output = new String(ping.getInputStream().readAllBytes());
            int received = received(output);
            assertTrue(received >= 24, "at most a few replies lost around the move: " + output);
        } finally {
            running.set(false);
            responder.join(2000);
        }
        assertEquals(new InetSocketAddress(goIp, 51999), device.peers().get(0).endpoint(),
                "roamed to the new endpoint on authenticated packets");
    }

    @Test
    void weRecoverWhenWireGuardGoRestartsMidStream() throws Exception {
        WireGuardOptions fast = WireGuardOptions.standard().withTimers(Duration.ofSeconds(120), Duration.ofSeconds(180),
                Duration.ofSeconds(20), Duration.ofMillis(500), Duration.ofSeconds(1));
        startDevice(fast, true);
        int seq = 0;
        for (int i = 0; i < 5; i++) {
            device.sendPacket(Unpooled.wrappedBuffer(WireGuardGoInteropTest.icmpEcho(8, "100.64.0.1", "100.64.0.2", ++seq)));
            assertNotNull(delivered.poll(3, TimeUnit.SECONDS), "echo reply before the restart");
        }
        goProcess.destroy();
        assertTrue(goProcess.waitFor(5, TimeUnit.SECONDS));
        String restarted = "wgm" + suffix;
        startGo(restarted);
        configureGo(restarted, false);
        // Our session is now unknown to the new process: data gets no answer, so after
        // KEEPALIVE_TIMEOUT + REKEY_TIMEOUT we start a new handshake and traffic resumes.
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        byte[] reply = null;
        while (reply == null && System.nanoTime() < deadline) {
            device.sendPacket(Unpooled.wrappedBuffer(WireGuardGoInteropTest.icmpEcho(8, "100.64.0.1", "100.64.0.2", ++seq)));
            reply = delivered.poll(500, TimeUnit.MILLISECONDS);
        }
        assertNotNull(reply, "traffic resumed after wireguard-go restarted, " + initiationsSent.get() + " initiations");
        for (int i = 0; i < 5; i++) {
            device.sendPacket(Unpooled.wrappedBuffer(WireGuardGoInteropTest.icmpEcho(8, "100.64.0.1", "100.64.0.2", ++seq)));
            assertNotNull(delivered.poll(3, TimeUnit.SECONDS), "echo reply after the restart");
        }
    }

    /** An initiation from nobody: random content, but a valid MAC1, so only the load logic stops it. */
    private byte[] bogusInitiation(SecureRandom random) {
        byte[] msg = new byte[Messages.INITIATION_SIZE];
        random.nextBytes(msg);
        msg[0] = Messages.TYPE_INITIATION;
        msg[1] = 0;
        msg[2] = 0;
        msg[3] = 0;
        byte[] mac1Key = NoiseHelpers.hash(NoiseHelpers.LABEL_MAC1, device.publicKey());
        byte[] mac1 = NoiseHelpers.mac(mac1Key, msg, 0, 116);
        System.arraycopy(mac1, 0, msg, 116, 16);
        java.util.Arrays.fill(msg, 132, 148, (byte) 0);
        return msg;
    }

    @Test
    void underAFloodWireGuardGoFollowsOurCookieReplyAndGetsThrough() throws Exception {
        startDevice(WireGuardOptions.standard().withUnderLoadHandshakesPerSecond(5), false);
        AtomicBoolean flooding = new AtomicBoolean(true);
        // The flood claims to come from a port in wireguard-go's namespace: cookie replies to it stay in the lab.
        InetSocketAddress floodSource = new InetSocketAddress(goIp, 9);
        Thread flooder = new Thread(() -> {
            SecureRandom random = new SecureRandom();
            while (flooding.get()) {
                for (int i = 0; i < 4; i++) {
                    device.receiveDatagram(Unpooled.wrappedBuffer(bogusInitiation(random)), floodSource);
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        flooder.start();
        try {
            Thread.sleep(300);
            Process ping = new ProcessBuilder("ip", "netns", "exec", ns, "ping", "-c", "1", "-W", "20", "100.64.0.1")
                    .redirectErrorStream(true).start();
            processes.add(ping);
            byte[] request = delivered.poll(20, TimeUnit.SECONDS);
            assertNotNull(request, "wireguard-go's echo request arrived despite the flood");
            assertEquals(8, request[20], "ICMP echo request");
        } finally {
            flooding.set(false);
            flooder.join(2000);
        }
        DeviceCounters counters = device.counters();
        assertTrue(cookieRepliesTo.contains(go), "wireguard-go was sent a cookie reply first: " + cookieRepliesTo.size());
        assertTrue(counters.cookiesSent() > 50, "the flood was answered with cookies: " + counters);
        assertTrue(counters.unknownPeer() < 20, "the flood mostly never reached the DH work: " + counters);
        assertNotNull(device.peers().get(0).lastHandshake(), "the handshake with wireguard-go completed");
    }

    @Test
    void wireGuardGoFollowsEveryRekeyUnderContinuousTraffic() throws Exception {
        WireGuardOptions fast = WireGuardOptions.standard().withTimers(Duration.ofSeconds(2), Duration.ofSeconds(6),
                Duration.ofSeconds(5), Duration.ofMillis(500), Duration.ofSeconds(1));
        startDevice(fast, true);
        int pings = 0;
        long end = System.nanoTime() + Duration.ofSeconds(9).toNanos();
        int seq = 0;
        while (System.nanoTime() < end) {
            seq++;
            device.sendPacket(Unpooled.wrappedBuffer(WireGuardGoInteropTest.icmpEcho(8, "100.64.0.1", "100.64.0.2", seq)));
            byte[] reply = delivered.poll(3, TimeUnit.SECONDS);
            assertNotNull(reply, "echo reply " + seq + " after " + initiationsSent.get() + " initiations");
            assertEquals(0, reply[20], "ICMP echo reply");
            pings++;
            Thread.sleep(100);
        }
        assertTrue(pings > 40, "steady traffic: " + pings);
        assertTrue(initiationsSent.get() >= 4, "REKEY_AFTER_TIME of 2 s rekeyed repeatedly: " + initiationsSent.get());
        PeerStatus status = device.peers().get(0);
        assertEquals(0, status.rejectedBadMac() + status.rejectedReplay(), status.toString());
    }

    @Test
    void wireGuardGoAcceptsUsAfterWeRestartOnAnotherPort() throws Exception {
        byte[] goPublic = startDevice(WireGuardOptions.standard(), true);
        device.sendPacket(Unpooled.wrappedBuffer(WireGuardGoInteropTest.icmpEcho(8, "100.64.0.1", "100.64.0.2", 1)));
        assertNotNull(delivered.poll(10, TimeUnit.SECONDS), "echo reply before our restart");
        // A restart: all state gone, same static key, a new socket (another source port).
        device.close();
        channel.close();
        reader.join(2000);
        launchOurSide(goPublic, WireGuardOptions.standard(), true);
        device.sendPacket(Unpooled.wrappedBuffer(WireGuardGoInteropTest.icmpEcho(8, "100.64.0.1", "100.64.0.2", 2)));
        byte[] reply = delivered.poll(10, TimeUnit.SECONDS);
        assertNotNull(reply, "wireguard-go took our new initiation (a later TAI64N) and answered at the new port");
        assertEquals(0, reply[20], "ICMP echo reply");
        String peers = run(true, "ip", "netns", "exec", ns, "wg", "show", ifName, "endpoints");
        int port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
        assertTrue(peers.contains(":" + port), "wireguard-go roamed to our new port: " + peers);
    }

    @Test
    void presharedKeyOverAnIpv6UnderlayCarriesIpv4AndIpv6() throws Exception {
        psk = new byte[32];
        new SecureRandom().nextBytes(psk);
        ipv6Underlay = true;
        startDevice(WireGuardOptions.standard(), true);
        device.sendPacket(Unpooled.wrappedBuffer(icmpv6Echo(128, "fd00:4242::1", "fd00:4242::2", 1)));
        byte[] reply6 = delivered.poll(10, TimeUnit.SECONDS);
        assertNotNull(reply6, "ICMPv6 echo reply through wireguard-go (PSK, IPv6 underlay)");
        assertEquals(6, (reply6[0] >> 4) & 0xf);
        assertEquals(129 - 256, reply6[40], "ICMPv6 echo reply");
        device.sendPacket(Unpooled.wrappedBuffer(WireGuardGoInteropTest.icmpEcho(8, "100.64.0.1", "100.64.0.2", 2)));
        byte[] reply4 = delivered.poll(5, TimeUnit.SECONDS);
        assertNotNull(reply4, "IPv4 echo reply over the same session");
        assertEquals(0, reply4[20]);
        assertEquals(go6, device.peers().get(0).endpoint());
    }

    /** An ICMPv6 echo with a correct checksum over the IPv6 pseudo-header. */
    static byte[] icmpv6Echo(int type, String src, String dst, int seq) {
        int icmpLength = 8 + 32;
        byte[] p = Packets.ipv6(src, dst, icmpLength, seq);
        p[6] = 58;
        p[7] = 64;
        p[40] = (byte) type;
        p[41] = 0;
        p[42] = 0;
        p[43] = 0;
        p[44] = 0x12;
        p[45] = 0x34;
        p[46] = 0;
        p[47] = (byte) seq;
        byte[] pseudo = new byte[40 + icmpLength];
        System.arraycopy(p, 8, pseudo, 0, 32);
        pseudo[34] = (byte) (icmpLength >>> 8);
        pseudo[35] = (byte) icmpLength;
        pseudo[39] = 58;
        System.arraycopy(p, 40, pseudo, 40, icmpLength);
        int c = WireGuardGoInteropTest.checksum(pseudo, 0, pseudo.length);
        p[42] = (byte) (c >>> 8);
        p[43] = (byte) c;
        return p;
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
