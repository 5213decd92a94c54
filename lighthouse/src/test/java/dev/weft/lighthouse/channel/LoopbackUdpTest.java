package dev.weft.lighthouse.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.certs.NodeIdentity;
import dev.weft.dataplane.udp.ControlHandler;
import dev.weft.dataplane.udp.UdpEndpoint;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Two channels on the dataplane's real UDP sockets over loopback: hello, ping/pong, a gossip message. */
class LoopbackUdpTest {
    private static final class Node implements AutoCloseable {
        final Recorder recorder = new Recorder();
        final UdpEndpoint udp;
        final ControlChannel channel;
        final InetSocketAddress address;

        Node(Pki pki, String name, ExecutorService verify) {
            Pki.Node n = pki.node(name);
            AtomicReference<ControlChannel> ref = new AtomicReference<>();
            ControlHandler forward = (message, from) -> ref.get().onControl(message, from);
            udp = UdpEndpoint.bind(0, 2048, (b, f) -> b.release(), forward);
            channel = new ControlChannel(n.keys(), n.certificate(), pki::verifier, DatagramSender.udp(udp), verify,
                    recorder);
            ref.set(channel);
            address = new InetSocketAddress(InetAddress.getLoopbackAddress(), udp.port());
        }

        @Override
        public void close() {
            channel.close();
            udp.close();
        }
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out");
            Thread.sleep(5);
        }
    }

    @Test
    void helloPingAndGossipOverRealSockets() throws Exception {
        Pki pki = new Pki("acme", Instant.now());
        ExecutorService verify = Executors.newSingleThreadExecutor();
        try (Node a = new Node(pki, "alpha", verify); Node b = new Node(pki, "beta", verify)) {
            a.channel.hello(b.address);
            await(() -> a.channel.peers().size() == 1 && b.channel.peers().size() == 1);
            NodeIdentity beta = a.recorder.verified.get(0);
            assertEquals("beta", beta.name());

            Pong pong = a.channel.ping(beta, b.address).get(10, TimeUnit.SECONDS);
            assertEquals(a.address, pong.reflexive(), "beta saw alpha at its own socket address");
            assertEquals(b.address, pong.from());
            assertTrue(pong.rttNanos() > 0);

            byte[] gossip = "members: alpha, beta".getBytes(StandardCharsets.US_ASCII);
            assertTrue(a.channel.send(beta, ChannelKind.GOSSIP, gossip));
            await(() -> b.recorder.messages.size() == 1);
            assertArrayEquals(gossip, b.recorder.messages.get(0).payload());
            assertEquals(a.address, b.recorder.messages.get(0).from());
            assertEquals(0, a.channel.counters().dropped() + b.channel.counters().dropped(),
                    a.channel.counters().snapshot() + " / " + b.channel.counters().snapshot());
        } finally {
            verify.shutdownNow();
        }
    }
}
