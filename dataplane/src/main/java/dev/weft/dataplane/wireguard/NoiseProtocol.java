package dev.weft.dataplane.wireguard;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The four steps of the Noise_IKpsk2 handshake (whitepaper 5.4.2–5.4.5), producing and
 * consuming message bytes without MACs (the cookie code adds and checks those).
 * Each step computes on local copies and commits to the peer's {@link Handshake} only
 * when everything authenticated, so forged messages leave no state behind.
 */
final class NoiseProtocol {

    private static final byte[] INITIAL_CHAIN_KEY = NoiseCrypto.initialChainKey();
    private static final byte[] INITIAL_HASH = NoiseCrypto.initialHash();
    private static final byte[] EMPTY = new byte[0];

    /** Finds a configured peer by static public key. */
    interface PeerLookup {
        Peer byPublicKey(byte[] publicKey);
    }

    /** Outcome of consuming an initiation. */
    enum InitiationResult { OK, BAD_MAC_OR_KEY, UNKNOWN_PEER, BAD_AUTH, REPLAYED, FLOOD }

    /** The peer an initiation came from (null unless OK) and the result. */
    record ConsumedInitiation(InitiationResult result, Peer peer) {
    }

    private final IndexTable indices;
    private final SecureRandom random;
    private final ChaChaPoly aead;
    private final Scheduler scheduler;
    /** Initiations from one peer closer together than this are refused (HandshakeInitationRate). */
    private final long initiationFloodNanos;

    NoiseProtocol(IndexTable indices, SecureRandom random, ChaChaPoly aead, Scheduler scheduler) {
        this.indices = indices;
        this.random = random;
        this.aead = aead;
        this.scheduler = scheduler;
        this.initiationFloodNanos = 20_000_000L;
    }

    static byte[] mixHash(byte[] hash, byte[] data) {
        return NoiseCrypto.hash(hash, data);
    }

    /** Builds an initiation to {@code peer} (148 bytes, MACs zero); null if a DH result is zero. */
    byte[] createInitiation(LocalIdentity identity, Peer peer) {
        Handshake hs = peer.handshake;
        synchronized (hs) {
            if (hs.precomputedStaticStatic == null) {
                return null;
            }
            byte[] chainKey = INITIAL_CHAIN_KEY.clone();
            byte[] hash = mixHash(INITIAL_HASH, peer.publicKey);
            byte[] ephemeralPrivate = Keys.generatePrivateKey(random);
            byte[] ephemeralPublic = Keys.publicKey(ephemeralPrivate);
            chainKey = NoiseCrypto.kdf(1, chainKey, ephemeralPublic)[0];
            hash = mixHash(hash, ephemeralPublic);
            byte[] es = NoiseCrypto.dh(ephemeralPrivate, peer.publicKey);
            if (es == null) {
                return null;
            }
            byte[][] ck = NoiseCrypto.kdf(2, chainKey, es);
            chainKey = ck[0];
            byte[] encryptedStatic = seal(ck[1], identity.publicKey, hash);
            hash = mixHash(hash, encryptedStatic);
            ck = NoiseCrypto.kdf(2, chainKey, hs.precomputedStaticStatic);
            chainKey = ck[0];
            byte[] encryptedTimestamp = seal(ck[1], Tai64n.stamp(scheduler.now()), hash);
            hash = mixHash(hash, encryptedTimestamp);
            NoiseCrypto.zero(es);

            if (hs.hasLocalIndex) {
                indices.remove(hs.localIndex, hs);
            }
            hs.clear();
            hs.localIndex = indices.register(hs);
            hs.hasLocalIndex = true;
            hs.chainKey = chainKey;
            hs.hash = hash;
            hs.localEphemeralPrivate = ephemeralPrivate;
            hs.state = Handshake.State.INITIATION_CREATED;

            byte[] msg = new byte[Messages.INITIATION_SIZE];
            msg[0] = Messages.TYPE_INITIATION;
            Messages.putIntLE(msg, Messages.INITIATION_SENDER, hs.localIndex);
            System.arraycopy(ephemeralPublic, 0, msg, Messages.INITIATION_EPHEMERAL, 32);
            System.arraycopy(encryptedStatic, 0, msg, Messages.INITIATION_STATIC, Messages.INITIATION_STATIC_SIZE);
            System.arraycopy(encryptedTimestamp, 0, msg, Messages.INITIATION_TIMESTAMP,
                    Messages.INITIATION_TIMESTAMP_SIZE);
            return msg;
        }
    }

    /** Consumes an initiation whose MACs were already checked. */
    ConsumedInitiation consumeInitiation(LocalIdentity identity, byte[] msg, PeerLookup peers) {
        byte[] chainKey = INITIAL_CHAIN_KEY.clone();
        byte[] hash = mixHash(INITIAL_HASH, identity.publicKey);
        byte[] ephemeral = Arrays.copyOfRange(msg, Messages.INITIATION_EPHEMERAL, Messages.INITIATION_EPHEMERAL + 32);
        chainKey = NoiseCrypto.kdf(1, chainKey, ephemeral)[0];
        hash = mixHash(hash, ephemeral);
        byte[] es = NoiseCrypto.dh(identity.privateKey, ephemeral);
        if (es == null) {
            return new ConsumedInitiation(InitiationResult.BAD_MAC_OR_KEY, null);
        }
        byte[][] ck = NoiseCrypto.kdf(2, chainKey, es);
        NoiseCrypto.zero(es);
        chainKey = ck[0];
        byte[] peerPublic = open(ck[1], msg, Messages.INITIATION_STATIC, Messages.INITIATION_STATIC_SIZE, hash);
        if (peerPublic == null) {
            return new ConsumedInitiation(InitiationResult.BAD_MAC_OR_KEY, null);
        }
        hash = mixHash(hash, Arrays.copyOfRange(msg, Messages.INITIATION_STATIC,
                Messages.INITIATION_STATIC + Messages.INITIATION_STATIC_SIZE));
        Peer peer = peers.byPublicKey(peerPublic);
        if (peer == null) {
            return new ConsumedInitiation(InitiationResult.UNKNOWN_PEER, null);
        }
        Handshake hs = peer.handshake;
        synchronized (hs) {
            if (hs.precomputedStaticStatic == null) {
                return new ConsumedInitiation(InitiationResult.BAD_MAC_OR_KEY, peer);
            }
            ck = NoiseCrypto.kdf(2, chainKey, hs.precomputedStaticStatic);
            chainKey = ck[0];
            byte[] timestamp = open(ck[1], msg, Messages.INITIATION_TIMESTAMP, Messages.INITIATION_TIMESTAMP_SIZE, hash);
            if (timestamp == null) {
                return new ConsumedInitiation(InitiationResult.BAD_AUTH, peer);
            }
            hash = mixHash(hash, Arrays.copyOfRange(msg, Messages.INITIATION_TIMESTAMP,
                    Messages.INITIATION_TIMESTAMP + Messages.INITIATION_TIMESTAMP_SIZE));
            if (!Tai64n.isAfter(timestamp, hs.latestTimestamp)) {
                return new ConsumedInitiation(InitiationResult.REPLAYED, peer);
            }
            long now = scheduler.nanoTime();
            if (hs.consumedAnyInitiation && now - hs.lastInitiationConsumedNanos <= initiationFloodNanos) {
                return new ConsumedInitiation(InitiationResult.FLOOD, peer);
            }
            if (hs.hasLocalIndex) {
                indices.remove(hs.localIndex, hs);
                hs.hasLocalIndex = false;
            }
            hs.clear();
            hs.hash = hash;
            hs.chainKey = chainKey;
            hs.remoteIndex = Messages.getIntLE(msg, Messages.INITIATION_SENDER);
            hs.remoteEphemeral = ephemeral;
            hs.latestTimestamp = timestamp;
            hs.lastInitiationConsumedNanos = now;
            hs.consumedAnyInitiation = true;
            hs.state = Handshake.State.INITIATION_CONSUMED;
            return new ConsumedInitiation(InitiationResult.OK, peer);
        }
    }

    /**
     * Builds the response to the consumed initiation (92 bytes, MACs zero) and derives the
     * session; null if the state does not allow it or a DH result is zero.
     */
    Response createResponse(LocalIdentity identity, Peer peer) {
        Handshake hs = peer.handshake;
        synchronized (hs) {
            if (hs.state != Handshake.State.INITIATION_CONSUMED) {
                return null;
            }
            byte[] ephemeralPrivate = Keys.generatePrivateKey(random);
            byte[] ephemeralPublic = Keys.publicKey(ephemeralPrivate);
            byte[] chainKey = NoiseCrypto.kdf(1, hs.chainKey, ephemeralPublic)[0];
            byte[] hash = mixHash(hs.hash, ephemeralPublic);
            byte[] ee = NoiseCrypto.dh(ephemeralPrivate, hs.remoteEphemeral);
            byte[] se = NoiseCrypto.dh(ephemeralPrivate, peer.publicKey);
            NoiseCrypto.zero(ephemeralPrivate);
            if (ee == null || se == null) {
                hs.clear();
                return null;
            }
            chainKey = NoiseCrypto.kdf(1, chainKey, ee)[0];
            chainKey = NoiseCrypto.kdf(1, chainKey, se)[0];
            NoiseCrypto.zero(ee, se);
            byte[][] ck = NoiseCrypto.kdf(3, chainKey, hs.presharedKey);
            chainKey = ck[0];
            hash = mixHash(hash, ck[1]);
            byte[] empty = seal(ck[2], EMPTY, hash);
            hash = mixHash(hash, empty);

            hs.localIndex = indices.register(hs);
            hs.hasLocalIndex = true;
            byte[] msg = new byte[Messages.RESPONSE_SIZE];
            msg[0] = Messages.TYPE_RESPONSE;
            Messages.putIntLE(msg, Messages.RESPONSE_SENDER, hs.localIndex);
            Messages.putIntLE(msg, Messages.RESPONSE_RECEIVER, hs.remoteIndex);
            System.arraycopy(ephemeralPublic, 0, msg, Messages.RESPONSE_EPHEMERAL, 32);
            System.arraycopy(empty, 0, msg, Messages.RESPONSE_EMPTY, 16);

            byte[][] keys = NoiseCrypto.kdf(2, chainKey, EMPTY);
            // The responder receives with the initiator's sending key (the first output).
            SessionKeys session = new SessionKeys(keys[1], keys[0], hs.localIndex, hs.remoteIndex, false);
            NoiseCrypto.zero(chainKey, hash);
            hs.clear();
            // The index now belongs to the session's keypair, which the caller registers.
            hs.hasLocalIndex = false;
            return new Response(msg, session);
        }
    }

    /** A response message and the session it derived. */
    record Response(byte[] message, SessionKeys session) {
    }

    /** Keys and indices of a freshly derived session, before it becomes a {@link Keypair}. */
    record SessionKeys(byte[] sendKey, byte[] receiveKey, int localIndex, int remoteIndex, boolean initiator) {
    }

    /**
     * Consumes a response (MACs already checked) to the initiation pending in {@code hs};
     * returns the derived session or null if it does not authenticate.
     */
    SessionKeys consumeResponse(LocalIdentity identity, Handshake hs, byte[] msg) {
        Peer peer = hs.peer();
        synchronized (hs) {
            if (hs.state != Handshake.State.INITIATION_CREATED
                    || hs.localIndex != Messages.getIntLE(msg, Messages.RESPONSE_RECEIVER)) {
                return null;
            }
            byte[] ephemeral = Arrays.copyOfRange(msg, Messages.RESPONSE_EPHEMERAL, Messages.RESPONSE_EPHEMERAL + 32);
            byte[] chainKey = NoiseCrypto.kdf(1, hs.chainKey, ephemeral)[0];
            byte[] hash = mixHash(hs.hash, ephemeral);
            byte[] ee = NoiseCrypto.dh(hs.localEphemeralPrivate, ephemeral);
            byte[] se = NoiseCrypto.dh(identity.privateKey, ephemeral);
            if (ee == null || se == null) {
                return null;
            }
            chainKey = NoiseCrypto.kdf(1, chainKey, ee)[0];
            chainKey = NoiseCrypto.kdf(1, chainKey, se)[0];
            NoiseCrypto.zero(ee, se);
            byte[][] ck = NoiseCrypto.kdf(3, chainKey, hs.presharedKey);
            chainKey = ck[0];
            hash = mixHash(hash, ck[1]);
            byte[] empty = open(ck[2], msg, Messages.RESPONSE_EMPTY, 16, hash);
            if (empty == null) {
                return null;
            }
            byte[][] keys = NoiseCrypto.kdf(2, chainKey, EMPTY);
            SessionKeys session = new SessionKeys(keys[0], keys[1], hs.localIndex,
                    Messages.getIntLE(msg, Messages.RESPONSE_SENDER), true);
            NoiseCrypto.zero(chainKey, hash);
            hs.clear();
            hs.hasLocalIndex = false;
            return session;
        }
    }

    private byte[] seal(byte[] key, byte[] plaintext, byte[] hash) {
        ChaChaKey chachaKey = new ChaChaKey(key);
        try {
            return aead.seal(chachaKey, 0, plaintext, hash);
        } finally {
            chachaKey.destroy();
            NoiseCrypto.zero(key);
        }
    }

    private byte[] open(byte[] key, byte[] msg, int offset, int length, byte[] hash) {
        ChaChaKey chachaKey = new ChaChaKey(key);
        try {
            return aead.open(chachaKey, 0, msg, offset, length, hash);
        } finally {
            chachaKey.destroy();
            NoiseCrypto.zero(key);
        }
    }
}
