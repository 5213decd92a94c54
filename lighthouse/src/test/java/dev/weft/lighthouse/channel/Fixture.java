package dev.weft.lighthouse.channel;

import dev.weft.certs.CertificateVerifier;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/** Two nodes of one CA on an in-memory network, with a hand-driven clock. */
final class Fixture {
    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    static final InetSocketAddress A = Net.at("192.0.2.1", 4242);
    static final InetSocketAddress B = Net.at("198.51.100.2", 4242);

    final Pki pki = new Pki("acme", NOW);
    final ManualClock clock = new ManualClock(NOW.toEpochMilli());
    final Net net = new Net();
    final Pki.Node nodeA = pki.node("alpha");
    final Pki.Node nodeB = pki.node("beta");
    final Recorder recA = new Recorder();
    final Recorder recB = new Recorder();
    final ControlChannel a;
    final ControlChannel b;

    Fixture() {
        this(ChannelLimits.defaults(), Runnable::run);
    }

    Fixture(ChannelLimits limits, Executor executor) {
        Supplier<CertificateVerifier> verifier = pki::verifier;
        a = new ControlChannel(nodeA.keys(), nodeA.certificate(), verifier, clock, net.senderFor(A), executor, recA,
                limits);
        b = new ControlChannel(nodeB.keys(), nodeB.certificate(), verifier, clock, net.senderFor(B), executor, recB,
                limits);
        net.attach(A, a);
        net.attach(B, b);
    }

    /** A says hello to B; B answers; both know each other. */
    Fixture introduced() {
        a.hello(B);
        net.pump();
        return this;
    }

    /** A hello as {@code node} would sign it, over any certificate bytes. */
    static byte[] hello(Pki.Node node, byte[] certificate, long timestamp, int flags) {
        byte[] nonce = new byte[Wire.HELLO_NONCE];
        Pki.RANDOM.nextBytes(nonce);
        byte[] hello = Wire.helloPrefix(flags, timestamp, nonce, certificate);
        int signed = Wire.signedLength(certificate.length);
        System.arraycopy(node.keys().sign(Wire.signedMessage(hello, signed)), 0, hello, signed, Wire.SIGNATURE);
        return hello;
    }

    byte[] helloFrom(Pki.Node node) {
        return hello(node, node.certificate().der(), clock.wallMillis(), 0);
    }
}
