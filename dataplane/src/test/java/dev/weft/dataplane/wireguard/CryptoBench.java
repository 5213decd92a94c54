package dev.weft.dataplane.wireguard;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints single-core encrypt/decrypt throughput for 1420-byte packets: the bare JDK
 * cipher (heap arrays and direct buffers) and the device's whole transport path (routing,
 * header, padding, encryption / index lookup, decryption, replay window, source check),
 * plus bytes allocated per packet. Not a test: run it by hand, e.g.
 * {@code scripts/bench-wireguard-crypto} or
 * {@code java -cp dataplane/target/test-classes:dataplane/target/classes:<deps> dev.weft.dataplane.wireguard.CryptoBench}.
 */
public final class CryptoBench {

    private static final int PACKET = 1420;
    private static final InetSocketAddress ADDR_A = new InetSocketAddress("192.0.2.1", 51820);
    private static final InetSocketAddress ADDR_B = new InetSocketAddress("192.0.2.2", 51820);

    private CryptoBench() {
    }

    public static void main(String[] args) {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        System.out.printf("java %s, %d-byte packets, one thread, %d s per row%n",
                System.getProperty("java.version"), PACKET, seconds);
        System.out.printf("%-44s %12s %10s %12s%n", "what", "packets/s", "MB/s", "alloc B/pkt");
        bareCipher(seconds);
        devicePath(seconds);
    }

    private static void row(String what, long packets, long nanos, long allocated) {
        double perSecond = packets * 1e9 / nanos;
        System.out.printf("%-44s %12.0f %10.1f %12.1f%n", what, perSecond, perSecond * PACKET / 1e6,
                (double) allocated / packets);
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    private static void bareCipher(int seconds) {
        ChaChaPoly aead = new ChaChaPoly();
        byte[] keyBytes = new byte[32];
        new SecureRandom().nextBytes(keyBytes);
        ChaChaKey key = new ChaChaKey(keyBytes);
        byte[] array = new byte[PACKET + 16];
        long end;
        for (int pass = 0; pass < 2; pass++) {
            long counter = 0;
            long start = System.nanoTime();
            long alloc = allocatedBytes();
            end = start + seconds * 1_000_000_000L;
            while (System.nanoTime() < end) {
                for (int i = 0; i < 256; i++) {
                    aead.sealTransport(key, counter++, array, 0, PACKET, array, 0);
                }
            }
            if (pass == 1) {
                row("JDK ChaCha20-Poly1305 seal, heap array", counter, System.nanoTime() - start, allocatedBytes() - alloc);
            }
        }
        byte[] sealed = new byte[PACKET + 16];
        aead.sealTransport(key, 0, new byte[PACKET], 0, PACKET, sealed, 0);
        byte[] scratch = new byte[PACKET + 16];
        for (int pass = 0; pass < 2; pass++) {
            long n = 0;
            long start = System.nanoTime();
            long alloc = allocatedBytes();
            end = start + seconds * 1_000_000_000L;
            while (System.nanoTime() < end) {
                for (int i = 0; i < 256; i++) {
                    System.arraycopy(sealed, 0, scratch, 0, sealed.length);
                    if (aead.openTransport(key, 0, scratch, 0, sealed.length, scratch, 0) != PACKET) {
                        throw new IllegalStateException("decrypt failed");
                    }
                    n++;
                }
            }
            if (pass == 1) {
                row("JDK ChaCha20-Poly1305 open, heap array", n, System.nanoTime() - start, allocatedBytes() - alloc);
            }
        }
        ByteBuffer direct = ByteBuffer.allocateDirect(PACKET + 16);
        for (int pass = 0; pass < 2; pass++) {
            long counter = 1L << 32;
            long start = System.nanoTime();
            long alloc = allocatedBytes();
            end = start + seconds * 1_000_000_000L;
            long n = 0;
            while (System.nanoTime() < end) {
                for (int i = 0; i < 256; i++) {
                    ByteBuffer in = direct.duplicate().limit(PACKET).position(0);
                    ByteBuffer out = direct.duplicate().clear();
                    aead.sealTransport(key, counter++, in, out);
                    n++;
                }
            }
            if (pass == 1) {
                row("JDK ChaCha20-Poly1305 seal, direct buffer", n, System.nanoTime() - start, allocatedBytes() - alloc);
            }
        }
    }

    /** A sink that keeps what it is told to keep, and releases everything else at once. */
    private static final class BenchSink implements PacketSink {
        final List<ByteBuf> kept = new ArrayList<>();
        boolean keep;
        long datagrams;
        long delivered;

        @Override
        public void sendDatagram(ByteBuf datagram, InetSocketAddress to) {
            datagrams++;
            if (keep) {
                kept.add(datagram);
            } else {
                datagram.release();
            }
        }

        @Override
        public void deliverPacket(ByteBuf ipPacket) {
            delivered++;
            ipPacket.release();
        }
    }

    private static void devicePath(int seconds) {
        SecureRandom random = new SecureRandom();
        byte[] keyA = Keys.generatePrivateKey(random);
        byte[] keyB = Keys.generatePrivateKey(random);
        BenchSink sinkA = new BenchSink();
        BenchSink sinkB = new BenchSink();
        try (SystemScheduler scheduler = new SystemScheduler("bench-timers");
             WireGuardDevice a = new WireGuardDevice(keyA, sinkA, scheduler);
             WireGuardDevice b = new WireGuardDevice(keyB, sinkB, scheduler)) {
            a.addPeer(new PeerConfig(Keys.publicKey(keyB), null, ADDR_B, List.of(IpPrefix.parse("100.64.0.2/32")), 0));
            b.addPeer(new PeerConfig(Keys.publicKey(keyA), null, ADDR_A, List.of(IpPrefix.parse("100.64.0.1/32")), 0));
            // Handshake by hand through the kept lists.
            sinkA.keep = true;
            sinkB.keep = true;
            a.sendPacket(Unpooled.wrappedBuffer(Packets.ipv4("100.64.0.1", "100.64.0.2", 10)));
            b.receiveDatagram(sinkA.kept.remove(0), ADDR_A);
            a.receiveDatagram(sinkB.kept.remove(0), ADDR_B);
            b.receiveDatagram(sinkA.kept.remove(0), ADDR_A);
            sinkA.keep = false;
            sinkB.keep = false;
            sinkA.kept.forEach(ByteBuf::release);
            sinkA.kept.clear();

            byte[] packet = Packets.ipv4("100.64.0.1", "100.64.0.2", PACKET - 20);
            PooledByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
            for (int pass = 0; pass < 2; pass++) {
                long n = 0;
                long start = System.nanoTime();
                long allocated = allocatedBytes();
                long end = start + seconds * 1_000_000_000L;
                while (System.nanoTime() < end) {
                    for (int i = 0; i < 256; i++) {
                        ByteBuf buf = alloc.directBuffer(16 + PACKET + 32);
                        buf.writerIndex(16).readerIndex(16);
                        buf.writeBytes(packet);
                        a.sendPacket(buf);
                        n++;
                    }
                }
                if (pass == 1) {
                    row("device send (route+pad+seal), pooled direct", n, System.nanoTime() - start,
                            allocatedBytes() - allocated);
                }
            }
            int batch = 50_000;
            for (int pass = 0; pass < 2; pass++) {
                sinkA.keep = true;
                for (int i = 0; i < batch; i++) {
                    ByteBuf buf = alloc.directBuffer(16 + PACKET + 32);
                    buf.writerIndex(16).readerIndex(16);
                    buf.writeBytes(packet);
                    a.sendPacket(buf);
                }
                sinkA.keep = false;
                List<ByteBuf> datagrams = new ArrayList<>(sinkA.kept);
                sinkA.kept.clear();
                long before = sinkB.delivered;
                long start = System.nanoTime();
                long allocated = allocatedBytes();
                for (ByteBuf datagram : datagrams) {
                    b.receiveDatagram(datagram, ADDR_A);
                }
                long nanos = System.nanoTime() - start;
                if (sinkB.delivered - before != batch) {
                    throw new IllegalStateException("lost packets: " + (sinkB.delivered - before));
                }
                if (pass == 1) {
                    row("device receive (open+replay+route), direct", batch, nanos, allocatedBytes() - allocated);
                }
            }
        }
    }
}
