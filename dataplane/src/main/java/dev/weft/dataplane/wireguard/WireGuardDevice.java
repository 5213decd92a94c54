package dev.weft.dataplane.wireguard;

import dev.weft.dataplane.crypto.Curve25519;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A userspace WireGuard interface: the protocol of the WireGuard whitepaper, exact on the
 * wire, between a UDP socket and a TUN device that the caller owns.
 *
 * <p>Feed it datagrams from the socket with {@link #receiveDatagram} and IP packets from the
 * TUN device with {@link #sendPacket}; it writes to its {@link PacketSink}. Buffers change
 * owner with each call. Both methods are thread-safe and may run on different threads.
 * For zero-copy encryption give {@code sendPacket} buffers with 16 bytes of headroom before
 * the packet (25 for a peer behind a relay: {@link Endpoint.Relayed#FRAME_HEADER} more) and
 * 32 bytes of room after it.
 */
public final class WireGuardDevice implements AutoCloseable {
    private final PacketSink sink;
    private final WireGuardClock clock;
    private final WireGuardOptions options;
    private final ByteBufAllocator allocator;
    private final SecureRandom random = new SecureRandom();
    private final IndexTable indexTable = new IndexTable(random);
    private final AllowedIps allowedIps = new AllowedIps();
    private final Map<ByteBuffer, Peer> peers = new ConcurrentHashMap<>();
    private final NoiseProtocol noise = new NoiseProtocol(this);
    private final SendPath sendPath;
    private final TransportCipher cipher;
    private final ReceivePath receivePath;
    private final LoadMonitor loadMonitor;
    private final HandshakeRateLimiter rateLimiter = new HandshakeRateLimiter();
    private final WireGuardClock.Cancellable ticker;
    private volatile StaticIdentity identity;
    private volatile boolean closed;

    private final AtomicLong unknownPeer = new AtomicLong();
    private final AtomicLong badMac = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong handshakeReplays = new AtomicLong();
    private final AtomicLong cookiesSent = new AtomicLong();
    private final AtomicLong rateLimited = new AtomicLong();
    private final AtomicLong noRoute = new AtomicLong();
    private final AtomicLong stagedDropped = new AtomicLong();
    private final AtomicLong internalErrors = new AtomicLong();

    /**
     * A device with the system clock, the standard protocol constants and Netty's pooled
     * allocator.
     */
    public WireGuardDevice(byte[] privateKey, PacketSink sink) {
        this(privateKey, sink, WireGuardClock.system(), WireGuardOptions.standard(), PooledByteBufAllocator.DEFAULT);
    }

    /**
     * A device with its own clock (timers), protocol constants and buffer allocator.
     *
     * @param privateKey the static X25519 private key (32 bytes)
     */
    public WireGuardDevice(byte[] privateKey, PacketSink sink, WireGuardClock clock, WireGuardOptions options,
                           ByteBufAllocator allocator) {
        this.sink = Objects.requireNonNull(sink, "sink");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.options = Objects.requireNonNull(options, "options");
        this.allocator = Objects.requireNonNull(allocator, "allocator");
        this.cipher = new TransportCipher();
        this.sendPath = new SendPath(this, cipher);
        this.receivePath = new ReceivePath(this, cipher);
        this.loadMonitor = new LoadMonitor(options.underLoadHandshakesPerSecond(), clock.nanoTime());
        setPrivateKey(privateKey);
        this.ticker = clock.repeat(options.tickInterval(), this::tick);
    }

    /**
     * A WireGuard message (types 1 to 4) from the UDP socket. Takes ownership. Bad input never
     * throws (it is refused and counted); an exception means a bug here or in the sink, is
     * counted in {@link DeviceCounters#internalErrors} and propagates.
     */
    public void receiveDatagram(ByteBuf datagram, InetSocketAddress from) {
        if (closed) {
            datagram.release();
            return;
        }
        receivePath.receive(datagram, from, null);
    }

    /**
     * A WireGuard datagram that arrived through a relay, unwrapped from its frame: processed as
     * if it came from the peer, and replies go back through {@code via}. An authenticated packet
     * moves the peer's endpoint to {@code via} (this instance: nothing is allocated per packet).
     * Handshake rate limiting under load keys on the relay's address. Takes ownership.
     */
    public void receiveDatagram(ByteBuf datagram, Endpoint.Relayed via) {
        if (closed || via == null) {
            datagram.release();
            return;
        }
        receivePath.receive(datagram, via.relay(), via);
    }

    /** An IP packet from the TUN device, routed to a peer by destination. Takes ownership. */
    public void sendPacket(ByteBuf ipPacket) {
        if (closed) {
            ipPacket.release();
            return;
        }
        sendPath.sendPacket(ipPacket);
    }

    /** Adds a peer; an existing peer with the same key is updated instead. */
    public void addPeer(PeerConfig config) {
        updatePeer(config);
    }

    /**
     * Creates or updates a peer: allowed IPs are replaced, the endpoint is set when given,
     * the preshared key and persistent keepalive are set.
     */
    public void updatePeer(PeerConfig config) {
        checkOpen();
        byte[] key = config.publicKey();
        StaticIdentity id = identity;
        if (java.security.MessageDigest.isEqual(key, id.publicKey())) {
            throw new IllegalArgumentException("a peer cannot have the device's own public key");
        }
        byte[] staticStatic = Curve25519.sharedSecret(id.privateKey(), key);
        if (staticStatic == null) {
            throw new IllegalArgumentException("peer public key is a low-order point: no handshake could succeed");
        }
        Peer peer = peers.computeIfAbsent(ByteBuffer.wrap(key), k -> {
            Peer p = new Peer(this, key, clock.nanoTime());
            synchronized (p.lock) {
                p.handshake.precomputedStaticStatic = staticStatic;
            }
            return p;
        });
        synchronized (peer.lock) {
            byte[] psk = config.presharedKey();
            peer.handshake.presharedKey = psk == null ? new byte[32] : psk;
        }
        if (config.endpoint() != null) {
            peer.setEndpoint(new Endpoint.Direct(config.endpoint()));
        }
        int oldKeepalive = peer.persistentKeepaliveSeconds;
        peer.persistentKeepaliveSeconds = config.persistentKeepaliveSeconds();
        allowedIps.replace(peer, config.allowedIps());
        if (oldKeepalive == 0 && config.persistentKeepaliveSeconds() > 0) {
            // As wg(8): turning persistent keepalive on sends one right away.
            sendPath.sendKeepalive(peer);
        }
    }

    /** Removes a peer, zeroing its keys. Returns false when there was no such peer. */
    public boolean removePeer(byte[] publicKey) {
        Peer peer = peers.remove(ByteBuffer.wrap(publicKey.clone()));
        if (peer == null) {
            return false;
        }
        synchronized (peer.lock) {
            peer.removed = true;
        }
        allowedIps.removePeer(peer);
        peer.timers.stop();
        peer.zeroAndFlushAll();
        return true;
    }

    /**
     * Changes the static private key: all sessions end and handshakes start over, and a peer
     * with the new public key is removed (as wireguard-go).
     */
    public void setPrivateKey(byte[] privateKey) {
        if (privateKey == null || privateKey.length != 32) {
            throw new IllegalArgumentException("private key must be 32 bytes");
        }
        byte[] priv = privateKey.clone();
        byte[] pub = Curve25519.publicKey(priv);
        StaticIdentity old = identity;
        identity = new StaticIdentity(priv, pub,
                new CookieChecker(pub, random, options.cookieRefreshTime().toNanos()));
        removePeer(pub);
        for (Peer peer : peers.values()) {
            synchronized (peer.lock) {
                peer.handshake.precomputedStaticStatic = Curve25519.sharedSecret(priv, peer.publicKey);
            }
            peer.zeroAndFlushAll();
        }
        if (old != null) {
            NoiseHelpers.zero(old.privateKey());
        }
    }

    /** The device's public key (32 bytes). */
    public byte[] publicKey() {
        return identity.publicKey().clone();
    }

    /** Snapshots of all peers. */
    public List<PeerStatus> peers() {
        List<PeerStatus> out = new ArrayList<>();
        for (Peer p : peers.values()) {
            Endpoint e = p.endpoint;
            out.add(new PeerStatus(p.publicKey, e == null ? null : e.address(), allowedIps.prefixesOf(p), p.persistentKeepaliveSeconds,
                    p.lastHandshake, p.rxBytes.get(), p.txBytes.get(), p.rejectedReplay.get(),
                    p.rejectedBadMac.get(), p.rejectedOther.get(), e));
        }
        return out;
    }

    /**
     * How the transport MAC runs now: {@code lanes} (Poly1305's vector lanes), {@code warming_up}
     * (their warm-up has begun), {@code cold} (they wait for bulk traffic to begin it) or
     * {@code scalar} (this JVM has no lanes, or they lost to the scalar code).
     */
    public String poly1305() {
        return cipher.poly1305();
    }

    /** Device-level counters of refused input. */
    public DeviceCounters counters() {
        return new DeviceCounters(unknownPeer.get(), badMac.get(), malformed.get(), handshakeReplays.get(),
                cookiesSent.get(), rateLimited.get(), noRoute.get(), internalErrors.get(), stagedDropped.get());
    }

    /** Stops the timers, zeroes all keys and drops staged packets. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ticker.cancel();
        for (Peer peer : peers.values()) {
            synchronized (peer.lock) {
                peer.removed = true;
                NoiseHelpers.zero(peer.handshake.precomputedStaticStatic);
                NoiseHelpers.zero(peer.handshake.presharedKey);
            }
            peer.timers.stop();
            peer.zeroAndFlushAll();
        }
        StaticIdentity id = identity;
        if (id != null) {
            NoiseHelpers.zero(id.privateKey());
        }
    }

    private void tick() {
        if (closed) {
            return;
        }
        long now = clock.nanoTime();
        for (Peer peer : peers.values()) {
            try {
                peer.timers.tick(now);
            } catch (RuntimeException e) {
                // A bug (or a failing sink) must not stop the timers of other peers, nor the
                // repeating tick itself (an executor cancels a task that throws): counted.
                countInternalError(e);
            }
        }
        try {
            sink.flush();
        } catch (RuntimeException e) {
            countInternalError(e);
        }
        rateLimiter.expire(now);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("device is closed");
        }
    }

    PacketSink sink() {
        return sink;
    }

    WireGuardClock clock() {
        return clock;
    }

    WireGuardOptions options() {
        return options;
    }

    ByteBufAllocator allocator() {
        return allocator;
    }

    SecureRandom random() {
        return random;
    }

    IndexTable indexTable() {
        return indexTable;
    }

    AllowedIps allowedIps() {
        return allowedIps;
    }

    NoiseProtocol noise() {
        return noise;
    }

    SendPath sendPath() {
        return sendPath;
    }

    LoadMonitor loadMonitor() {
        return loadMonitor;
    }

    HandshakeRateLimiter rateLimiter() {
        return rateLimiter;
    }

    StaticIdentity identity() {
        return identity;
    }

    Peer peerByKey(byte[] publicKey) {
        return peers.get(ByteBuffer.wrap(publicKey));
    }

    void countUnknownPeer() {
        unknownPeer.incrementAndGet();
    }

    void countBadMac() {
        badMac.incrementAndGet();
    }

    void countMalformed() {
        malformed.incrementAndGet();
    }

    void countHandshakeReplay() {
        handshakeReplays.incrementAndGet();
    }

    void countCookieSent() {
        cookiesSent.incrementAndGet();
    }

    void countRateLimited() {
        rateLimited.incrementAndGet();
    }

    private volatile RouteMissHandler routeMissHandler;
    private volatile PeerEvents events = new PeerEvents() {};

    /** Who hears of completed handshakes and endpoint changes (null: nobody). */
    public void setPeerEvents(PeerEvents events) {
        this.events = events == null ? new PeerEvents() {} : events;
    }

    PeerEvents events() {
        return events;
    }

    /**
     * Moves a peer's session to {@code endpoint} (path selection); false when there is no such
     * peer. Roaming may move it again when the peer's authenticated packets come from elsewhere,
     * except from a chosen direct endpoint to a relay: packets that still come through a relay mean
     * the other side has not switched yet, not that the direct path broke.
     * When the handshake has not completed yet (one in flight, or packets waiting), a new
     * initiation goes to the new endpoint at once (at most one per 100 ms per peer) instead of
     * waiting for the retry after REKEY_TIMEOUT: the first guess may have been a dead path.
     */
    public boolean setEndpoint(byte[] publicKey, Endpoint endpoint) {
        Peer p = peerByKey(publicKey);
        if (p == null) {
            return false;
        }
        if (p.choose(endpoint)) {
            sendPath.sendInitiationAfterMove(p);
        }
        return true;
    }
    private volatile UnknownPeerHandler unknownPeerHandler;

    /**
     * Who decides about an initiation from a static key that is not a peer (a mesh admits its
     * members as peers on demand); null refuses them all, counted as unknown peer.
     */
    public void setUnknownPeerHandler(UnknownPeerHandler handler) {
        this.unknownPeerHandler = handler;
    }

    /** The peer the handler admits for {@code publicKey}, added now; or null. */
    Peer admitUnknownPeer(byte[] publicKey) {
        UnknownPeerHandler h = unknownPeerHandler;
        PeerConfig config = h == null ? null : h.onUnknownPeer(publicKey.clone());
        if (config == null || !java.security.MessageDigest.isEqual(config.publicKey(), publicKey)) {
            return null;
        }
        try {
            addPeer(config);
        } catch (IllegalArgumentException e) {
            // added meanwhile (two initiations at once), or refused: look it up either way
        }
        return peerByKey(publicKey);
    }

    /**
     * Who hears of packets to addresses that no peer's allowed IPs cover (the node starts sessions
     * on demand from there); null drops them, counted as no-route.
     */
    public void setRouteMissHandler(RouteMissHandler handler) {
        this.routeMissHandler = handler;
    }

    RouteMissHandler routeMissHandler() {
        return routeMissHandler;
    }

    void countStagedDropped() {
        stagedDropped.incrementAndGet();
    }

    void countNoRoute() {
        noRoute.incrementAndGet();
    }

    /** A bug surfaced as an exception; the first one of a device is printed with its stack. */
    void countInternalError(RuntimeException e) {
        if (internalErrors.getAndIncrement() == 0) {
            System.err.println("weft: internal error in the WireGuard device (further ones are only counted): " + e);
            e.printStackTrace();
        }
    }
}
