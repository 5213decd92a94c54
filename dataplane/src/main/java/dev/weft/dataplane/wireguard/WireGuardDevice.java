package dev.weft.dataplane.wireguard;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * A userspace WireGuard interface: the protocol of the WireGuard whitepaper, speaking
 * exactly its wire format, between a TUN device ({@link #sendPacket}, and
 * {@link PacketSink#deliverPacket}) and a UDP socket ({@link #receiveDatagram}, and
 * {@link PacketSink#sendDatagram}).
 *
 * <p>Thread-safe: packets may arrive on several threads at once; timers run on the
 * {@link Scheduler}'s thread. Buffers passed in are owned by the device from then on.
 */
public final class WireGuardDevice implements AutoCloseable {

    final PacketSink sink;
    final Scheduler scheduler;
    final ByteBufAllocator allocator;
    final SecureRandom random = new SecureRandom();
    final ChaChaPoly aead = new ChaChaPoly();
    final IndexTable indices = new IndexTable(random);
    final AllowedIps allowedIps = new AllowedIps();
    final NoiseProtocol noise;
    final CookieChecker cookieChecker;
    final HandshakeLoad load;
    final HandshakeRateLimiter rateLimiter;
    final Sender sender;
    final Receiver receiver;
    private final WireGuardOptions options;
    private final PeerTimers.Actions timerActions;

    volatile LocalIdentity identity;
    private final Map<KeyBytes, Peer> peers = new HashMap<>();
    private volatile boolean closed;

    final LongAdder unknownPeer = new LongAdder();
    final LongAdder badMac = new LongAdder();
    final LongAdder malformed = new LongAdder();
    final LongAdder noRoute = new LongAdder();
    final LongAdder cookieRepliesSent = new LongAdder();
    final LongAdder rateLimited = new LongAdder();

    /** A device with the standard protocol settings. */
    public WireGuardDevice(byte[] privateKey, PacketSink sink, Scheduler scheduler) {
        this(privateKey, sink, scheduler, WireGuardOptions.defaults());
    }

    /**
     * A device with the static private key {@code privateKey} (32 bytes, copied), sending
     * through {@code sink} and timing through {@code scheduler}.
     */
    public WireGuardDevice(byte[] privateKey, PacketSink sink, Scheduler scheduler, WireGuardOptions options) {
        if (sink == null || scheduler == null || options == null) {
            throw new IllegalArgumentException("sink, scheduler and options are required");
        }
        this.sink = sink;
        this.scheduler = scheduler;
        this.options = options;
        this.allocator = options.allocator();
        this.identity = new LocalIdentity(privateKey);
        this.noise = new NoiseProtocol(indices, random, aead, scheduler);
        this.cookieChecker = new CookieChecker(random, scheduler, options.timings().cookieRefreshTime());
        this.load = new HandshakeLoad(scheduler, options.handshakesPerSecondLoad());
        this.rateLimiter = new HandshakeRateLimiter(scheduler);
        this.sender = new Sender(this, options.timings(), options.mtu());
        this.receiver = new Receiver(this, options.timings());
        this.timerActions = new TimerActions();
    }

    /** Our static public key. */
    public byte[] publicKey() {
        return identity.publicKey.clone();
    }

    /**
     * Handles one datagram from the UDP socket (WireGuard types 1–4). Takes ownership of
     * {@code datagram}; never throws on malformed or hostile input.
     */
    public void receiveDatagram(ByteBuf datagram, InetSocketAddress from) {
        if (closed) {
            datagram.release();
            return;
        }
        receiver.receive(datagram, from);
        sink.flush();
    }

    /**
     * Encrypts one IP packet from the TUN device to the peer whose allowed IPs cover its
     * destination. Takes ownership of {@code ipPacket}. If the buffer has 16 bytes of
     * headroom before its reader index and room after it for padding and the 16-byte tag,
     * the packet is encrypted in place and the same buffer goes to the sink.
     */
    public void sendPacket(ByteBuf ipPacket) {
        route(ipPacket);
        sink.flush();
    }

    /** {@link #sendPacket} for a batch, with one flush of the sink at the end. */
    public void sendPackets(List<ByteBuf> ipPackets) {
        for (int i = 0; i < ipPackets.size(); i++) {
            route(ipPackets.get(i));
        }
        sink.flush();
    }

    private void route(ByteBuf packet) {
        if (closed) {
            packet.release();
            return;
        }
        Peer peer = destinationPeer(packet);
        if (peer == null) {
            noRoute.increment();
            packet.release();
            return;
        }
        sender.send(peer, packet);
    }

    private Peer destinationPeer(ByteBuf packet) {
        int offset = packet.readerIndex();
        int length = packet.readableBytes();
        if (length < 1) {
            return null;
        }
        int version = (packet.getByte(offset) & 0xff) >>> 4;
        if (version == 4 && length >= 20) {
            return allowedIps.lookup(packet, offset + 16, 4);
        }
        if (version == 6 && length >= 40) {
            return allowedIps.lookup(packet, offset + 24, 16);
        }
        return null;
    }

    /**
     * Adds a peer. Its allowed IPs are taken from any other peer that had them.
     *
     * @throws IllegalArgumentException if the peer exists or is our own key
     */
    public void addPeer(PeerConfig config) {
        Peer peer;
        synchronized (peers) {
            ensureOpen();
            KeyBytes key = new KeyBytes(config.publicKey());
            if (peers.containsKey(key)) {
                throw new IllegalArgumentException("peer " + Keys.toBase64(config.publicKey()) + " exists");
            }
            if (NoiseCrypto.equal(config.publicKey(), identity.publicKey)) {
                throw new IllegalArgumentException("a peer cannot have our own public key");
            }
            peer = new Peer(config, scheduler, options.timings(), options.stagedPacketsPerPeer());
            peer.timers = new PeerTimers(peer, options.timings(), scheduler, timerActions);
            precompute(peer, identity);
            peers.put(key, peer);
            allowedIps.replace(peer, config.allowedIps());
        }
        startPersistentKeepalive(peer);
    }

    /**
     * Replaces a peer's preshared key, endpoint, allowed IPs and persistent keepalive;
     * sessions stay up (a changed preshared key applies from the next handshake).
     *
     * @throws IllegalArgumentException if there is no such peer
     */
    public void updatePeer(PeerConfig config) {
        Peer peer;
        synchronized (peers) {
            ensureOpen();
            peer = peers.get(new KeyBytes(config.publicKey()));
            if (peer == null) {
                throw new IllegalArgumentException("no peer " + Keys.toBase64(config.publicKey()));
            }
            peer.setPresharedKey(config.presharedKey());
            if (config.endpoint() != null) {
                peer.endpoint = config.endpoint();
            }
            peer.persistentKeepaliveSeconds = config.persistentKeepaliveSeconds();
            allowedIps.replace(peer, config.allowedIps());
        }
        startPersistentKeepalive(peer);
    }

    /** Removes a peer, zeroing its keys and dropping its staged packets. Returns false if unknown. */
    public boolean removePeer(byte[] publicKey) {
        Peer peer;
        synchronized (peers) {
            peer = peers.remove(new KeyBytes(publicKey));
            if (peer == null) {
                return false;
            }
            allowedIps.removePeer(peer);
        }
        peer.removed = true;
        peer.timers.stopAll();
        zeroKeyMaterial(peer);
        return true;
    }

    /**
     * Replaces our static private key: sessions and handshakes with every peer are dropped
     * and will be re-established with the new key. A peer with the new public key is removed.
     */
    public void setPrivateKey(byte[] privateKey) {
        LocalIdentity next = new LocalIdentity(privateKey);
        List<Peer> all;
        synchronized (peers) {
            ensureOpen();
            Peer self = peers.get(new KeyBytes(next.publicKey));
            LocalIdentity old = identity;
            identity = next;
            old.zero();
            all = new ArrayList<>(peers.values());
            if (self != null) {
                removePeer(self.publicKey);
                all.remove(self);
            }
        }
        for (Peer peer : all) {
            zeroKeyMaterial(peer);
            precompute(peer, next);
            peer.forgetLastInitiation();
        }
    }

    /** A snapshot of every peer's state and counters. */
    public List<PeerStatus> peers() {
        List<PeerStatus> out = new ArrayList<>();
        List<Peer> all;
        synchronized (peers) {
            all = new ArrayList<>(peers.values());
        }
        for (Peer peer : all) {
            out.add(peer.status(allowedIps.prefixesOf(peer)));
        }
        return out;
    }

    /** Device-level counters. */
    public DeviceCounters counters() {
        return new DeviceCounters(unknownPeer.sum(), badMac.sum(), malformed.sum(), noRoute.sum(),
                cookieRepliesSent.sum(), rateLimited.sum());
    }

    /** Stops all timers, zeroes every key and drops staged packets. Idempotent. */
    @Override
    public void close() {
        List<Peer> all;
        synchronized (peers) {
            if (closed) {
                return;
            }
            closed = true;
            all = new ArrayList<>(peers.values());
            peers.clear();
        }
        for (Peer peer : all) {
            peer.removed = true;
            peer.timers.stopAll();
            zeroKeyMaterial(peer);
            allowedIps.removePeer(peer);
        }
        identity.zero();
    }

    Peer peerByKey(byte[] publicKey) {
        synchronized (peers) {
            return peers.get(new KeyBytes(publicKey));
        }
    }

    /** Turns derived session keys into a keypair in the index table and the peer's slots. */
    void installSession(Peer peer, NoiseProtocol.SessionKeys session) {
        Keypair keypair = new Keypair(peer, session.sendKey(), session.receiveKey(), session.localIndex(),
                session.remoteIndex(), session.initiator(), scheduler.nanoTime());
        NoiseCrypto.zero(session.sendKey(), session.receiveKey());
        indices.replace(keypair.localIndex, keypair);
        for (Keypair old : peer.installKeypair(keypair)) {
            retire(old);
        }
    }

    void retire(Keypair keypair) {
        indices.remove(keypair.localIndex, keypair);
        keypair.retire();
    }

    /** Zeroes all of a peer's sessions and handshake state. */
    void zeroKeyMaterial(Peer peer) {
        for (Keypair keypair : peer.takeAllKeypairs()) {
            retire(keypair);
        }
        Handshake hs = peer.handshake;
        synchronized (hs) {
            if (hs.hasLocalIndex) {
                indices.remove(hs.localIndex, hs);
                hs.hasLocalIndex = false;
            }
            hs.clear();
        }
        peer.dropStaged();
    }

    private void precompute(Peer peer, LocalIdentity id) {
        Handshake hs = peer.handshake;
        synchronized (hs) {
            NoiseCrypto.zero(hs.precomputedStaticStatic);
            hs.precomputedStaticStatic = NoiseCrypto.dh(id.privateKey, peer.publicKey);
        }
    }

    private void startPersistentKeepalive(Peer peer) {
        if (peer.persistentKeepaliveSeconds > 0 && peer.endpoint != null && !closed) {
            sender.sendKeepalive(peer);
            sink.flush();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("device is closed");
        }
    }

    /** Timer callbacks; each ends with a flush, since timers run outside any batch. */
    private final class TimerActions implements PeerTimers.Actions {
        @Override
        public void sendInitiation(Peer peer, boolean isRetry) {
            if (!closed && !peer.removed) {
                sender.sendInitiation(peer, isRetry);
                sink.flush();
            }
        }

        @Override
        public void sendKeepalive(Peer peer) {
            if (!closed && !peer.removed) {
                sender.sendKeepalive(peer);
                sink.flush();
            }
        }

        @Override
        public void zeroKeyMaterial(Peer peer) {
            WireGuardDevice.this.zeroKeyMaterial(peer);
            peer.timers.clearHandshakeTimers();
        }

        @Override
        public void giveUpHandshake(Peer peer) {
            peer.dropStaged();
        }
    }

    /** A 32-byte key usable as a map key. */
    private record KeyBytes(ByteBuffer bytes) {
        KeyBytes(byte[] key) {
            this(ByteBuffer.wrap(key.clone()));
        }
    }
}
