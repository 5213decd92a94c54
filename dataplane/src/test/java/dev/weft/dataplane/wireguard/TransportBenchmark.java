package dev.weft.dataplane.wireguard;

import dev.weft.dataplane.crypto.Curve25519;
import dev.weft.ip.IpPrefix;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Transport throughput per core for 1420-byte packets: encryption ({@code sendPacket}) and
 * decryption ({@code receiveDatagram}) on one thread each, with pooled direct and heap
 * buffers. A benchmark, not a test; run with
 * the command below (prints a table):
 * <pre>
 mvn -q -pl dataplane -am test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 java -cp "$(cat dataplane/target/cp.txt):dataplane/target/classes:dataplane/target/test-classes" \
     dev.weft.dataplane.wireguard.TransportBenchmark
 </pre>
 */
public final class TransportBenchmark {
    private static final int PACKET = 1420;
    private static final int BATCH = 8192;

    private TransportBenchmark() {
    }

    /** Collects or discards the device's output. */
    private static final class Sink implements PacketSink {
        final List<ByteBuf> datagrams = new ArrayList<>();
        long delivered;

        @Override
        public void sendDatagram(ByteBuf datagram, InetSocketAddress to) {
            datagrams.add(datagram);
        }

        @Override
        public void deliverPacket(ByteBuf ipPacket) {
            delivered += ipPacket.readableBytes();
            ipPacket.release();
        }
    }

    public static void main(String[] args) {
        System.out.printf("%-8s %-9s %12s %12s %14s%n", "buffers", "direction", "MB/s", "packets/s", "alloc B/packet");
        for (int round = 0; round < 2; round++) {
            boolean print = round == 1; // the first round warms up the JIT
            baseline(print);
            for (boolean direct : new boolean[] {true, false}) {
                run(direct, print);
            }
        }
    }

    private static void run(boolean direct, boolean print) {
        ByteBufAllocator alloc = new PooledByteBufAllocator(direct);
        ManualClock clock = new ManualClock();
        Sink sinkA = new Sink();
        Sink sinkB = new Sink();
        byte[] keyA = Curve25519.generatePrivateKey(new java.security.SecureRandom());
        byte[] keyB = Curve25519.generatePrivateKey(new java.security.SecureRandom());
        InetSocketAddress addrA = new InetSocketAddress("192.0.2.1", 1);
        InetSocketAddress addrB = new InetSocketAddress("192.0.2.2", 1);
        WireGuardOptions options = WireGuardOptions.standard();
        try (WireGuardDevice a = new WireGuardDevice(keyA, sinkA, clock, options, alloc);
             WireGuardDevice b = new WireGuardDevice(keyB, sinkB, clock, options, alloc)) {
            a.addPeer(new PeerConfig(b.publicKey(), null, addrB, List.of(IpPrefix.parse("100.64.0.2/32")), 0));
            b.addPeer(new PeerConfig(a.publicKey(), null, addrA, List.of(IpPrefix.parse("100.64.0.1/32")), 0));
            byte[] packet = Packets.ipv4("100.64.0.1", "100.64.0.2", PACKET - 20, 1);
            a.sendPacket(packetBuf(alloc, packet));
            shuttle(a, b, sinkA, sinkB, addrA, addrB); // the handshake
            sinkB.delivered = 0;

            int batches = 40;
            long encNanos = 0;
            long decNanos = 0;
            long encAlloc = 0;
            long decAlloc = 0;
            long bytes = 0;
            for (int i = 0; i < batches; i++) {
                ByteBuf[] inputs = new ByteBuf[BATCH];
                for (int j = 0; j < BATCH; j++) {
                    inputs[j] = packetBuf(alloc, packet);
                }
                long a0 = allocated();
                long t0 = System.nanoTime();
                for (int j = 0; j < BATCH; j++) {
                    a.sendPacket(inputs[j]);
                }
                long t1 = System.nanoTime();
                long a1 = allocated();
                for (ByteBuf d : sinkA.datagrams) {
                    b.receiveDatagram(d, addrA);
                }
                long t2 = System.nanoTime();
                long a2 = allocated();
                encAlloc += a1 - a0;
                decAlloc += a2 - a1;
                sinkA.datagrams.clear();
                encNanos += t1 - t0;
                decNanos += t2 - t1;
                bytes += (long) BATCH * PACKET;
            }
            if (sinkB.delivered < bytes) {
                throw new IllegalStateException("lost packets: " + sinkB.delivered + " < " + bytes);
            }
            if (print) {
                long packets = (long) batches * BATCH;
                System.out.printf("%-8s %-9s %12.0f %12.0f %14d%n", direct ? "direct" : "heap", "encrypt",
                        bytes / (encNanos / 1e9) / 1e6, packets / (encNanos / 1e9), encAlloc / packets);
                System.out.printf("%-8s %-9s %12.0f %12.0f %14d%n", direct ? "direct" : "heap", "decrypt",
                        bytes / (decNanos / 1e9) / 1e6, packets / (decNanos / 1e9), decAlloc / packets);
            }
        }
    }

    /** The JDK cipher alone on arrays, re-initialised per packet: the ceiling for the rows below. */
    private static void baseline(boolean print) {
        try {
            javax.crypto.Cipher cipher = javax.crypto.Cipher.getInstance("ChaCha20-Poly1305");
            javax.crypto.spec.SecretKeySpec key = new javax.crypto.spec.SecretKeySpec(new byte[32], "ChaCha20");
            byte[] buf = new byte[PACKET + 16];
            byte[] nonce = new byte[12];
            int packets = 40 * BATCH;
            long a0 = allocated();
            long t0 = System.nanoTime();
            for (int i = 0; i < packets; i++) {
                nonce[4] = (byte) i;
                nonce[5] = (byte) (i >>> 8);
                nonce[6] = (byte) (i >>> 16);
                cipher.init(javax.crypto.Cipher.ENCRYPT_MODE, key, new javax.crypto.spec.IvParameterSpec(nonce));
                cipher.doFinal(buf, 0, PACKET, buf, 0);
            }
            long nanos = System.nanoTime() - t0;
            long bytesAllocated = allocated() - a0;
            if (print) {
                System.out.printf("%-8s %-9s %12.0f %12.0f %14d%n", "jdk-raw", "encrypt",
                        (double) packets * PACKET / (nanos / 1e9) / 1e6, packets / (nanos / 1e9),
                        bytesAllocated / packets);
            }
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Heap bytes this thread allocated so far (the JDK's per-thread counter). */
    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean())
                .getCurrentThreadAllocatedBytes();
    }

    /** What a TUN reader would produce: the packet with headroom for the header and room for the tag. */
    private static ByteBuf packetBuf(ByteBufAllocator alloc, byte[] packet) {
        ByteBuf b = alloc.buffer(16 + packet.length + 32);
        b.setIndex(16, 16);
        b.writeBytes(packet);
        return b;
    }

    private static void shuttle(WireGuardDevice a, WireGuardDevice b, Sink sinkA, Sink sinkB,
                                InetSocketAddress addrA, InetSocketAddress addrB) {
        while (!sinkA.datagrams.isEmpty() || !sinkB.datagrams.isEmpty()) {
            List<ByteBuf> fromA = new ArrayList<>(sinkA.datagrams);
            List<ByteBuf> fromB = new ArrayList<>(sinkB.datagrams);
            sinkA.datagrams.clear();
            sinkB.datagrams.clear();
            fromA.forEach(d -> b.receiveDatagram(d, addrA));
            fromB.forEach(d -> a.receiveDatagram(d, addrB));
        }
    }
}
