package dev.weft.lighthouse.channel;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.weft.certs.CertificateVerifier;
import dev.weft.certs.NodeIdentity;
import dev.weft.certs.NodeKeys;
import dev.weft.certs.Verdict;
import dev.weft.certs.WeftCertificate;
import dev.weft.dataplane.crypto.Curve25519;
import dev.weft.dataplane.crypto.Hkdf;
import dev.weft.dataplane.crypto.XChaCha20Poly1305;
import dev.weft.dataplane.udp.ControlHandler;
import dev.weft.lighthouse.channel.ChannelCounters.Counter;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * weft's control channel on the node's UDP socket: hellos that prove a certificate, then sealed
 * messages between verified peers (wire format and security properties: lighthouse/README.md).
 *
 * <p>Nothing is kept for a sender before its hello verifies: certificate (chain, validity,
 * constraints, revocation), signature, timestamp and a fresh nonce. Hellos are rate-limited per
 * source and overall, and verified on the given executor behind a bounded queue, so a flood costs
 * the event loop only a copy and a decode. Thread-safe: {@link #onControl} runs on the socket's
 * event loop, the rest from any thread.
 */
public final class ControlChannel implements ControlHandler, AutoCloseable {
    private final NodeKeys keys;
    private final byte[] selfKey;
    private final byte[] certificate;
    private final Supplier<CertificateVerifier> verifier;
    private final ChannelClock clock;
    private final DatagramSender sender;
    private final Executor verifyExecutor;
    private final ChannelListener listener;
    private final ChannelLimits limits;
    private final long windowMillis;
    private final ChannelCounters counters = new ChannelCounters();
    private final SourceLimiter limiter;
    private final Cache<PeerKey, Peer> peers;
    private final Cache<HelloNonce, Boolean> helloNonces;
    private final Map<Long, PendingPing> pings = new ConcurrentHashMap<>();
    private final AtomicInteger pendingVerifications = new AtomicInteger();
    private final SecureRandom random = new SecureRandom();
    private volatile boolean closed;

    private record HelloNonce(long high, long low) {
    }

    private record PendingPing(PeerKey peer, long sentNanos, CompletableFuture<Pong> result, boolean relayed) {
    }

    /**
     * @param keys this node's keys; {@code certificate} must bind both of them
     * @param verifier asked for the current verifier at every verification (revocations change)
     * @param sender writes datagrams to the node's socket
     * @param verifyExecutor runs hello verification (Ed25519 and the certificate chain), off the event loop
     */
    public ControlChannel(NodeKeys keys, WeftCertificate certificate, Supplier<CertificateVerifier> verifier,
            ChannelClock clock, DatagramSender sender, Executor verifyExecutor, ChannelListener listener,
            ChannelLimits limits) {
        if (!MessageDigest.isEqual(certificate.publicKey(), keys.x25519Public())
                || !MessageDigest.isEqual(certificate.signingKey(), keys.ed25519Public())) {
            throw new IllegalArgumentException("certificate '" + certificate.name() + "' does not bind this node's keys");
        }
        if (certificate.der().length > Wire.MAX_CERT) {
            throw new IllegalArgumentException("certificate '" + certificate.name() + "' is " + certificate.der().length
                    + " bytes; a hello holds at most " + Wire.MAX_CERT + " (fewer groups, subnets or IPs)");
        }
        this.keys = keys;
        this.selfKey = keys.x25519Public();
        this.certificate = certificate.der();
        this.verifier = verifier;
        this.clock = clock;
        this.sender = sender;
        this.verifyExecutor = verifyExecutor;
        this.listener = listener;
        this.limits = limits;
        this.windowMillis = limits.timestampWindow().toMillis();
        this.limiter = new SourceLimiter(limits, clock);
        this.peers = Caffeine.newBuilder().maximumSize(limits.maxPeers()).executor(Runnable::run)
                .<PeerKey, Peer>removalListener((k, peer, cause) -> {
                    if (peer != null && cause != RemovalCause.REPLACED) {
                        peer.destroy();
                    }
                }).build();
        this.helloNonces = Caffeine.newBuilder().maximumSize(limits.helloNonces())
                .expireAfterWrite(Duration.ofMillis(2 * windowMillis)).executor(Runnable::run).build();
    }

    public ControlChannel(NodeKeys keys, WeftCertificate certificate, Supplier<CertificateVerifier> verifier,
            DatagramSender sender, Executor verifyExecutor, ChannelListener listener) {
        this(keys, certificate, verifier, ChannelClock.system(), sender, verifyExecutor, listener,
                ChannelLimits.defaults());
    }

    // ---------------------------------------------------------------- sending

    /** Sends a hello to {@code address} (first contact, e.g. a lighthouse known by address only). */
    public void hello(InetSocketAddress address) {
        sendHello(address, 0);
    }

    /**
     * Seals {@code payload} for a verified peer and sends it to {@code to}. False when the peer is
     * not (or no longer) verified.
     *
     * @throws IllegalArgumentException for kind 0, ping/pong (use {@link #ping}) or a payload over
     *     {@link #maxPayload()} bytes
     */
    public boolean send(NodeIdentity peer, InetSocketAddress to, int kind, byte[] payload) {
        if (!ChannelKind.isValid(kind) || kind == ChannelKind.PING || kind == ChannelKind.PONG) {
            throw new IllegalArgumentException("kind " + kind + " cannot be sent (1..255, not ping/pong)");
        }
        if (payload.length > Wire.MAX_PAYLOAD) {
            throw new IllegalArgumentException("payload of " + payload.length + " bytes; at most " + Wire.MAX_PAYLOAD);
        }
        Peer p = peers.getIfPresent(new PeerKey(peer.x25519PublicKey()));
        return p != null && seal(p, to, kind, payload);
    }

    /** As {@link #send(NodeIdentity, InetSocketAddress, int, byte[])}, to the peer's last address. */
    public boolean send(NodeIdentity peer, int kind, byte[] payload) {
        Peer p = peers.getIfPresent(new PeerKey(peer.x25519PublicKey()));
        return p != null && send(peer, p.address(), kind, payload);
    }

    /**
     * Pings a verified peer at {@code address}. Completes with the pong (also given to
     * {@link ChannelListener#onPong}), or exceptionally: {@link IllegalStateException} when the
     * peer is not verified or too many pings are pending, a timeout after {@code pingTimeout}.
     */
    public CompletableFuture<Pong> ping(NodeIdentity peer, InetSocketAddress address) {
        return ping(peer, false, sealed -> transmit(sealed, address));
    }

    /** Starts a tracked ping: {@code send} transmits the sealed datagram (directly or framed for a relay). */
    private CompletableFuture<Pong> ping(NodeIdentity peer, boolean relayed, java.util.function.Consumer<byte[]> send) {
        Peer p = peers.getIfPresent(new PeerKey(peer.x25519PublicKey()));
        if (p == null) {
            return CompletableFuture.failedFuture(new IllegalStateException(peer.name() + " is not a verified peer"));
        }
        if (pings.size() >= limits.maxPendingPings()) {
            return CompletableFuture.failedFuture(new IllegalStateException("too many pings pending"));
        }
        long id = random.nextLong();
        CompletableFuture<Pong> result = new CompletableFuture<>();
        pings.put(id, new PendingPing(p.key, clock.nanoTime(), result, relayed));
        result.orTimeout(limits.pingTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((pong, error) -> pings.remove(id));
        byte[] sealed = sealed(p, ChannelKind.PING, Wire.ping(id));
        if (sealed == null) {
            result.completeExceptionally(new IllegalStateException(peer.name() + " was forgotten"));
        } else {
            send.accept(sealed);
        }
        return result;
    }

    /**
     * A sealed ping to a verified peer at {@code address} that nobody waits for: birthday probing
     * sends a thousand of them to guessed ports, and the one that gets through is answered by a
     * ping of the peer's own. False when the peer is not verified.
     */
    public boolean probe(NodeIdentity peer, InetSocketAddress address) {
        Peer p = peers.getIfPresent(new PeerKey(peer.x25519PublicKey()));
        return p != null && seal(p, address, ChannelKind.PING, Wire.ping(random.nextLong()));
    }

    /**
     * Pings a verified peer through a relay ({@code via}: a binding the relay offered for it), for
     * a round trip over the path a relayed session takes. The pong completes the future only: it
     * says nothing about direct paths, so the listener does not hear of it.
     */
    public CompletableFuture<Pong> ping(NodeIdentity peer, dev.weft.dataplane.wireguard.Endpoint.Relayed via) {
        return ping(peer, true, sealed -> transmit(framed(sealed, via), via.relay()));
    }

    /**
     * A control message that came through a relay. Only pings and pongs are taken this way: the
     * sender is authenticated as any sealed sender is, but its address is not moved (the relay's
     * address is not the peer's), and the pong goes back through the same binding.
     */
    public void onRelayedControl(ByteBuf message, dev.weft.dataplane.wireguard.Endpoint.Relayed via) {
        byte[] datagram = copyOut(message);
        if (datagram == null) {
            return;
        }
        if (closed || datagram.length < Wire.MIN_SEALED || (datagram[0] & 0xFF) != Wire.TYPE_SEALED) {
            counters.increment(Counter.DROP_MALFORMED);
            return;
        }
        Wire.SealedHeader header;
        try {
            header = Wire.decodeSealedHeader(datagram);
        } catch (ChannelFormatException e) {
            counters.increment(Counter.DROP_MALFORMED);
            return;
        }
        Peer peer = peers.getIfPresent(new PeerKey(header.senderKey()));
        byte[] plain = peer == null ? null : open(peer, header, datagram);
        if (plain == null) {
            return;
        }
        try {
            switch (plain[0] & 0xFF) {
                case ChannelKind.PING -> {
                    long id = Wire.decodePing(Arrays.copyOfRange(plain, 1, plain.length));
                    byte[] pong = sealed(peer, ChannelKind.PONG, Wire.pong(id, via.relay()));
                    if (pong != null) {
                        transmit(framed(pong, via), via.relay());
                        counters.increment(Counter.PINGS_ANSWERED);
                    }
                }
                case ChannelKind.PONG -> receivePong(peer, via.relay(),
                        Wire.decodePong(Arrays.copyOfRange(plain, 1, plain.length)));
                default -> counters.increment(Counter.DROP_BAD_KIND);
            }
        } catch (ChannelFormatException e) {
            counters.increment(Counter.DROP_MALFORMED);
        }
    }

    private static byte[] framed(byte[] sealed, dev.weft.dataplane.wireguard.Endpoint.Relayed via) {
        byte[] frame = new byte[dev.weft.dataplane.wireguard.Endpoint.Relayed.FRAME_HEADER + sealed.length];
        ByteBuffer.wrap(frame).put((byte) dev.weft.dataplane.wireguard.Endpoint.Relayed.FRAME_TYPE).putLong(via.id())
                .put(sealed);
        return frame;
    }

    /** The largest payload {@link #send} takes. */
    public static int maxPayload() {
        return Wire.MAX_PAYLOAD;
    }

    // ---------------------------------------------------------------- peers

    /** The verified peers with their last address. */
    public List<PeerInfo> peers() {
        List<PeerInfo> out = new ArrayList<>();
        for (Peer p : peers.asMap().values()) {
            out.add(p.info());
        }
        return out;
    }

    /** The verified peer holding this X25519 key, if any. */
    public Optional<PeerInfo> peer(byte[] x25519PublicKey) {
        return Optional.ofNullable(peers.getIfPresent(new PeerKey(x25519PublicKey))).map(Peer::info);
    }

    /** The certificate (DER) a verified peer presented in its hello, if it is one. */
    public Optional<byte[]> certificateOf(byte[] x25519PublicKey) {
        return Optional.ofNullable(peers.getIfPresent(new PeerKey(x25519PublicKey))).map(p -> p.certificate().clone());
    }

    /** Forgets a peer: it must say hello again before anything it seals is accepted. */
    public void forget(NodeIdentity peer) {
        peers.invalidate(new PeerKey(peer.x25519PublicKey()));
    }

    /**
     * Verifies every peer's certificate again (after revocations arrive, and now and then for
     * expiry) and forgets those that fail. Returns the forgotten.
     */
    public List<NodeIdentity> revalidate() {
        CertificateVerifier v = verifier.get();
        Instant now = Instant.ofEpochMilli(clock.wallMillis());
        List<NodeIdentity> dropped = new ArrayList<>();
        for (Peer p : List.copyOf(peers.asMap().values())) {
            if (!(v.verify(p.certificate(), now) instanceof Verdict.Valid)) {
                if (peers.asMap().remove(p.key, p)) {
                    p.destroy();
                    dropped.add(p.identity());
                    counters.increment(Counter.PEERS_DROPPED_INVALID);
                }
            }
        }
        return dropped;
    }

    public ChannelCounters counters() {
        return counters;
    }

    /** The clock the channel stamps and judges {@link PeerInfo#lastSeenMillis} with. */
    public ChannelClock clock() {
        return clock;
    }

    /** Stops: later datagrams are dropped, pending pings fail, peer keys are zeroed. */
    @Override
    public void close() {
        closed = true;
        peers.invalidateAll();
        for (PendingPing p : List.copyOf(pings.values())) {
            p.result.completeExceptionally(new IllegalStateException("control channel closed"));
        }
    }

    // ---------------------------------------------------------------- receiving

    @Override
    public void onControl(ByteBuf message, InetSocketAddress from) {
        byte[] datagram = copyOut(message);
        if (datagram != null) {
            receive(datagram, from);
        }
    }

    /** The bytes of a received control datagram (counted), the buffer released; null when over the size bound. */
    private byte[] copyOut(ByteBuf message) {
        try {
            int length = message.readableBytes();
            counters.add(Counter.BYTES_RECEIVED, length);
            if (length > Wire.MAX_DATAGRAM) {
                counters.increment(Counter.DROP_MALFORMED);
                return null;
            }
            byte[] datagram = new byte[length];
            message.readBytes(datagram);
            return datagram;
        } finally {
            message.release();
        }
    }

    /** The same as {@link #onControl} for a datagram already in an array. */
    void receive(byte[] datagram, InetSocketAddress from) {
        if (closed) {
            counters.increment(Counter.DROP_CLOSED);
            return;
        }
        if (datagram.length == 0) {
            counters.increment(Counter.DROP_MALFORMED);
            return;
        }
        switch (datagram[0] & 0xFF) {
            case Wire.TYPE_HELLO -> receiveHello(datagram, from);
            case Wire.TYPE_SEALED -> receiveSealed(datagram, from);
            default -> counters.increment(Counter.DROP_UNKNOWN_TYPE);
        }
    }

    private void receiveHello(byte[] datagram, InetSocketAddress from) {
        counters.increment(Counter.HELLO_RECEIVED);
        if (!admit(from)) {
            return;
        }
        Wire.Hello hello;
        try {
            hello = Wire.decodeHello(datagram);
        } catch (ChannelFormatException e) {
            counters.increment(Counter.DROP_MALFORMED);
            return;
        }
        if (!fresh(hello.timestamp())) {
            counters.increment(Counter.DROP_HELLO_STALE);
            return;
        }
        if (helloNonces.getIfPresent(nonceOf(hello.nonce())) != null) {
            counters.increment(Counter.DROP_HELLO_REPLAYED);
            return;
        }
        verifyOffTheLoop(() -> verifyHello(hello, from));
    }

    /** Runs {@code work} (signatures, certificate chains) on the verify executor, behind the bound on pending verifications. */
    private void verifyOffTheLoop(Runnable work) {
        if (pendingVerifications.incrementAndGet() > limits.maxPendingVerifications()) {
            pendingVerifications.decrementAndGet();
            counters.increment(Counter.DROP_QUEUE_FULL);
            return;
        }
        try {
            verifyExecutor.execute(() -> {
                try {
                    work.run();
                } catch (RuntimeException e) {
                    counters.increment(Counter.DROP_VERIFY_ERROR); // a bug, but never the event loop's problem
                } finally {
                    pendingVerifications.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException e) {
            pendingVerifications.decrementAndGet();
            counters.increment(Counter.DROP_QUEUE_FULL);
        }
    }

    private void verifyHello(Wire.Hello hello, InetSocketAddress from) {
        if (closed) {
            counters.increment(Counter.DROP_CLOSED);
            return;
        }
        if (!fresh(hello.timestamp())) { // it may have waited in the queue
            counters.increment(Counter.DROP_HELLO_STALE);
            return;
        }
        long now = clock.wallMillis();
        if (!(verifier.get().verify(hello.certificate(), Instant.ofEpochMilli(now)) instanceof Verdict.Valid valid)) {
            counters.increment(Counter.DROP_BAD_CERTIFICATE);
            return;
        }
        NodeIdentity identity = valid.identity();
        if (!signatureValid(identity.ed25519PublicKey(), hello.signed(), hello.signature())) {
            counters.increment(Counter.DROP_BAD_SIGNATURE);
            return;
        }
        byte[] peerKey = identity.x25519PublicKey();
        if (MessageDigest.isEqual(peerKey, selfKey)) {
            counters.increment(Counter.DROP_SELF);
            return;
        }
        if (helloNonces.asMap().putIfAbsent(nonceOf(hello.nonce()), Boolean.TRUE) != null) {
            counters.increment(Counter.DROP_HELLO_REPLAYED);
            return;
        }
        // A hello is signed but not bound to its receiver, so a copy replayed from elsewhere could
        // otherwise move the peer; only sealed messages (bound to the pair) move a known peer.
        InetSocketAddress address = keep(hello.certificate(), identity, from, now);
        if (address == null) {
            return;
        }
        counters.increment(Counter.HELLO_VERIFIED);
        listener.onPeerVerified(identity, address);
        if (!hello.isReply()) {
            sendHello(from, Wire.FLAG_REPLY); // same size as what came: no amplification
            counters.increment(Counter.HELLO_ANSWERED);
        }
    }

    /**
     * Keeps a verified peer: a new one at {@code from}, or a known one renewed where it is. Returns
     * the peer's address, or null for a low-order key (counted).
     */
    private InetSocketAddress keep(byte[] certificate, NodeIdentity identity, InetSocketAddress from, long now) {
        PeerKey key = new PeerKey(identity.x25519PublicKey());
        Peer known = peers.getIfPresent(key);
        if (known != null) {
            known.renew(certificate, identity);
            return known.address();
        }
        byte[] sealingKey = sealingKey(key.bytes());
        if (sealingKey == null) {
            counters.increment(Counter.DROP_LOW_ORDER_KEY);
            return null;
        }
        Peer fresh = new Peer(key, sealingKey, certificate, identity, from, now, limits.replayEntriesPerPeer());
        Peer raced = peers.asMap().putIfAbsent(key, fresh);
        if (raced != null) {
            fresh.destroy();
            raced.renew(certificate, identity);
            return raced.address();
        }
        return from;
    }

    /**
     * Makes a member known without a hello: its certificate, verified here as a hello's would be,
     * and an address to send to until it is heard from elsewhere. Hole punching needs this: a
     * sealed ping gets through a NAT that a hello from the same place never crossed yet. The pair's
     * key comes from the two static keys alone, and every sealed message still carries a fresh
     * timestamp and nonce, so nothing is weaker than after a hello. False when the certificate does
     * not verify (or is our own). A peer already known keeps its address.
     */
    public boolean introduce(byte[] certificateDer, InetSocketAddress address) {
        if (closed || certificateDer.length > Wire.MAX_CERT) {
            return false;
        }
        long now = clock.wallMillis();
        if (!(verifier.get().verify(certificateDer, Instant.ofEpochMilli(now)) instanceof Verdict.Valid valid)) {
            counters.increment(Counter.DROP_BAD_CERTIFICATE);
            return false;
        }
        NodeIdentity identity = valid.identity();
        if (MessageDigest.isEqual(identity.x25519PublicKey(), selfKey)) {
            return false;
        }
        if (keep(certificateDer.clone(), identity, address, now) == null) {
            return false;
        }
        counters.increment(Counter.PEERS_INTRODUCED);
        return true;
    }

    /**
     * A sealed message from a sender that said no hello: when the owner vouches for the sender's
     * certificate, it is verified off the event loop (behind the same bound as hellos) and the
     * message is then received as any other.
     */
    private void introduceThenReceive(byte[] senderKey, byte[] datagram, InetSocketAddress from) {
        byte[] der = listener.knownCertificate(senderKey.clone());
        if (der == null) {
            counters.increment(Counter.DROP_SEALED_UNKNOWN_SENDER);
            return;
        }
        verifyOffTheLoop(() -> {
            Peer candidate = verifiedPeer(der, from);
            if (candidate == null) {
                return;
            }
            byte[] plain;
            try {
                plain = open(candidate, Wire.decodeSealedHeader(datagram), datagram);
            } catch (ChannelFormatException e) {
                plain = null; // decoded once already: cannot happen
            }
            if (plain == null) {
                candidate.destroy(); // not sealed by that member: nothing is kept, its address least of all
                return;
            }
            Peer peer = peers.asMap().putIfAbsent(candidate.key, candidate);
            if (peer == null) {
                peer = candidate;
                counters.increment(Counter.PEERS_INTRODUCED);
            } else {
                candidate.destroy();
            }
            peer.heard(from, clock.wallMillis());
            deliver(peer, from, plain);
        });
    }

    /** A peer for a certificate that verifies (not our own), at {@code address}; not kept yet. Null otherwise. */
    private Peer verifiedPeer(byte[] certificateDer, InetSocketAddress address) {
        long now = clock.wallMillis();
        if (closed || certificateDer.length > Wire.MAX_CERT
                || !(verifier.get().verify(certificateDer, Instant.ofEpochMilli(now)) instanceof Verdict.Valid valid)) {
            counters.increment(Counter.DROP_BAD_CERTIFICATE);
            return null;
        }
        NodeIdentity identity = valid.identity();
        if (MessageDigest.isEqual(identity.x25519PublicKey(), selfKey)) {
            return null;
        }
        byte[] sealingKey = sealingKey(identity.x25519PublicKey());
        if (sealingKey == null) {
            counters.increment(Counter.DROP_LOW_ORDER_KEY);
            return null;
        }
        return new Peer(new PeerKey(identity.x25519PublicKey()), sealingKey, certificateDer.clone(), identity, address, now,
                limits.replayEntriesPerPeer());
    }

    private void receiveSealed(byte[] datagram, InetSocketAddress from) {
        counters.increment(Counter.SEALED_RECEIVED);
        Wire.SealedHeader header;
        try {
            header = Wire.decodeSealedHeader(datagram);
        } catch (ChannelFormatException e) {
            counters.increment(Counter.DROP_MALFORMED);
            return;
        }
        Peer peer = peers.getIfPresent(new PeerKey(header.senderKey()));
        if (peer == null) {
            if (admit(from)) {
                introduceThenReceive(header.senderKey(), datagram, from);
            }
            return;
        }
        byte[] plain = open(peer, header, datagram);
        if (plain == null) {
            return;
        }
        peer.heard(from, clock.wallMillis());
        deliver(peer, from, plain);
    }

    /** An opened sealed message: ping and pong answered here, the rest to the listener. */
    private void deliver(Peer peer, InetSocketAddress from, byte[] plain) {
        int kind = plain[0] & 0xFF;
        byte[] payload = Arrays.copyOfRange(plain, 1, plain.length);
        try {
            switch (kind) {
                case 0 -> counters.increment(Counter.DROP_BAD_KIND);
                case ChannelKind.PING -> answerPing(peer, from, Wire.decodePing(payload));
                case ChannelKind.PONG -> receivePong(peer, from, Wire.decodePong(payload));
                default -> {
                    counters.increment(Counter.MESSAGES_DELIVERED);
                    listener.onMessage(peer.identity(), from, kind, payload);
                }
            }
        } catch (ChannelFormatException e) {
            counters.increment(Counter.DROP_MALFORMED);
        }
    }

    /** The plaintext of a sealed datagram from {@code peer}: fresh, authentic and not a replay; else null (counted). */
    private byte[] open(Peer peer, Wire.SealedHeader header, byte[] datagram) {
        if (!fresh(header.timestamp())) {
            counters.increment(Counter.DROP_SEALED_STALE);
            return null;
        }
        byte[] key = peer.sealingKey();
        if (key == null) {
            counters.increment(Counter.DROP_SEALED_UNKNOWN_SENDER);
            return null;
        }
        byte[] plain;
        try {
            plain = XChaCha20Poly1305.open(key, header.nonce(),
                    Arrays.copyOfRange(datagram, Wire.SEALED_HEADER, datagram.length), header.associatedData());
        } finally {
            Arrays.fill(key, (byte) 0);
        }
        if (plain == null) {
            counters.increment(Counter.DROP_SEALED_BAD_TAG);
            return null;
        }
        ByteBuffer nonce = ByteBuffer.wrap(header.nonce());
        if (!peer.replay.accept(header.timestamp(), nonce.getLong(), nonce.getLong())) {
            counters.increment(Counter.DROP_SEALED_REPLAYED);
            return null;
        }
        return plain;
    }

    private void answerPing(Peer peer, InetSocketAddress from, long id) {
        if (seal(peer, from, ChannelKind.PONG, Wire.pong(id, from))) {
            counters.increment(Counter.PINGS_ANSWERED);
        }
        listener.onPing(peer.identity(), from);
    }

    private void receivePong(Peer peer, InetSocketAddress from, Wire.PongBody pong) {
        PendingPing pending = pings.get(pong.id());
        if (pending == null || !pending.peer.equals(peer.key) || !pings.remove(pong.id(), pending)) {
            counters.increment(Counter.DROP_PONG_UNMATCHED);
            return;
        }
        long rtt = clock.nanoTime() - pending.sentNanos;
        counters.increment(Counter.PONGS_MATCHED);
        Pong result = new Pong(peer.identity(), from, pong.reflexive(), rtt);
        if (!pending.relayed) {
            listener.onPong(result.peer(), from, pong.reflexive(), rtt);
        }
        pending.result.complete(result);
    }

    // ---------------------------------------------------------------- helpers

    private boolean admit(InetSocketAddress from) {
        SourceLimiter.Refusal refusal = limiter.admit(from.getAddress());
        if (refusal == null) {
            return true;
        }
        counters.increment(refusal == SourceLimiter.Refusal.SOURCE ? Counter.DROP_RATE_SOURCE : Counter.DROP_RATE_GLOBAL);
        return false;
    }

    private boolean fresh(long timestamp) {
        long now = clock.wallMillis();
        return timestamp >= now - windowMillis && timestamp <= now + windowMillis;
    }

    private void sendHello(InetSocketAddress to, int flags) {
        byte[] nonce = new byte[Wire.HELLO_NONCE];
        random.nextBytes(nonce);
        byte[] hello = Wire.helloPrefix(flags, clock.wallMillis(), nonce, certificate);
        int signed = Wire.signedLength(certificate.length);
        byte[] signature = keys.sign(Wire.signedMessage(hello, signed));
        System.arraycopy(signature, 0, hello, signed, Wire.SIGNATURE);
        transmit(hello, to);
    }

    private boolean seal(Peer peer, InetSocketAddress to, int kind, byte[] payload) {
        byte[] datagram = sealed(peer, kind, payload);
        if (datagram == null) {
            return false;
        }
        transmit(datagram, to);
        return true;
    }

    /** A sealed datagram for {@code peer}, or null once it is forgotten. */
    private byte[] sealed(Peer peer, int kind, byte[] payload) {
        byte[] key = peer.sealingKey();
        if (key == null) {
            return null;
        }
        byte[] nonce = new byte[Wire.SEALED_NONCE];
        random.nextBytes(nonce);
        byte[] header = Wire.sealedHeader(selfKey, clock.wallMillis(), nonce);
        byte[] plain = new byte[1 + payload.length];
        plain[0] = (byte) kind;
        System.arraycopy(payload, 0, plain, 1, payload.length);
        byte[] sealed;
        try {
            sealed = XChaCha20Poly1305.seal(key, nonce, plain, header);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
        byte[] datagram = Arrays.copyOf(header, header.length + sealed.length);
        System.arraycopy(sealed, 0, datagram, header.length, sealed.length);
        return datagram;
    }

    private void transmit(byte[] datagram, InetSocketAddress to) {
        counters.increment(Counter.DATAGRAMS_SENT);
        counters.add(Counter.BYTES_SENT, datagram.length);
        sender.send(datagram, to);
    }

    /** HKDF(salt = label || lower key || higher key, input = X25519(self, peer)); null for a low-order key. */
    private byte[] sealingKey(byte[] peerKey) {
        byte[] own = keys.x25519Private();
        byte[] shared = Curve25519.sharedSecret(own, peerKey);
        Arrays.fill(own, (byte) 0);
        if (shared == null) {
            return null;
        }
        boolean selfFirst = Arrays.compareUnsigned(selfKey, peerKey) < 0;
        byte[] salt = concat(Wire.KEY_LABEL, selfFirst ? selfKey : peerKey, selfFirst ? peerKey : selfKey);
        try {
            return Hkdf.derive(salt, shared, 1)[0];
        } finally {
            Arrays.fill(shared, (byte) 0);
        }
    }

    private static boolean signatureValid(byte[] publicKey, byte[] message, byte[] signature) {
        Ed25519Signer signer = new Ed25519Signer();
        try {
            signer.init(false, new Ed25519PublicKeyParameters(publicKey, 0));
        } catch (IllegalArgumentException e) {
            return false; // not a point on the curve
        }
        signer.update(message, 0, message.length);
        return signer.verifySignature(signature);
    }

    private static HelloNonce nonceOf(byte[] nonce) {
        ByteBuffer b = ByteBuffer.wrap(nonce);
        return new HelloNonce(b.getLong(), b.getLong());
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    // ---------------------------------------------------------------- for tests

    int pendingVerifications() {
        return pendingVerifications.get();
    }

    long trackedSources() {
        return limiter.trackedSources();
    }

    long helloNoncesKept() {
        helloNonces.cleanUp();
        return helloNonces.estimatedSize();
    }

    int pendingPings() {
        return pings.size();
    }
}
