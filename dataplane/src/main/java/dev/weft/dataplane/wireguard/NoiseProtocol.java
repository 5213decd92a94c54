package dev.weft.dataplane.wireguard;

import static dev.weft.dataplane.wireguard.NoiseHelpers.kdf;
import static dev.weft.dataplane.wireguard.NoiseHelpers.mixHash;
import static dev.weft.dataplane.wireguard.NoiseHelpers.mixKey;

import dev.weft.dataplane.crypto.Curve25519;
import java.util.Arrays;

/**
 * The Noise_IKpsk2 handshake of the whitepaper (section 5.4.2 to 5.4.5): creating and
 * consuming initiation and response messages, and deriving transport keys. Messages are
 * built as byte arrays with zero mac fields; {@link CookieGenerator} fills those.
 */
final class NoiseProtocol {
    private final WireGuardDevice device;
    private final byte[] initialChainKey = NoiseHelpers.initialChainKey();
    private final byte[] initialHash = NoiseHelpers.initialHash();

    /** What an initiation proved before it touches the peer's state. */
    record ConsumedInitiation(Peer peer, byte[] hash, byte[] chainKey, byte[] remoteEphemeral, int senderIndex,
                              byte[] timestamp) {
    }

    NoiseProtocol(WireGuardDevice device) {
        this.device = device;
    }

    /** A new initiation for {@code peer}, or null when impossible. Caller holds peer.lock. */
    byte[] createInitiation(Peer peer, StaticIdentity identity) {
        Handshake hs = peer.handshake;
        if (hs.precomputedStaticStatic == null) {
            return null;
        }
        byte[] hash = mixHash(initialHash, hs.remoteStatic);
        byte[] ephemeral = Curve25519.generatePrivateKey(device.random());
        byte[] ephemeralPublic = Curve25519.publicKey(ephemeral);
        byte[] chainKey = mixKey(initialChainKey, ephemeralPublic);
        hash = mixHash(hash, ephemeralPublic);
        byte[] ss = Curve25519.sharedSecret(ephemeral, hs.remoteStatic);
        if (ss == null) {
            return null;
        }
        byte[][] ck = kdf(2, chainKey, ss);
        chainKey = ck[0];
        byte[] encryptedStatic = ChaChaPoly.seal(ck[1], 0, identity.publicKey(), hash);
        hash = mixHash(hash, encryptedStatic);
        ck = kdf(2, chainKey, hs.precomputedStaticStatic);
        chainKey = ck[0];
        java.time.Instant now = device.clock().now();
        byte[] timestamp = Tai64n.of(now.getEpochSecond(), now.getNano());
        byte[] encryptedTimestamp = ChaChaPoly.seal(ck[1], 0, timestamp, hash);
        hash = mixHash(hash, encryptedTimestamp);

        if (hs.hasLocalIndex) {
            device.indexTable().delete(hs.localIndex);
        }
        hs.clear();
        hs.localIndex = device.indexTable().newIndexForHandshake(peer);
        hs.hasLocalIndex = true;
        hs.hash = hash;
        hs.chainKey = chainKey;
        hs.localEphemeral = ephemeral;
        hs.state = Handshake.State.INITIATION_CREATED;

        byte[] msg = new byte[Messages.INITIATION_SIZE];
        msg[0] = Messages.TYPE_INITIATION;
        Messages.putIntLe(msg, Messages.INITIATION_SENDER, hs.localIndex);
        System.arraycopy(ephemeralPublic, 0, msg, Messages.INITIATION_EPHEMERAL, 32);
        System.arraycopy(encryptedStatic, 0, msg, Messages.INITIATION_STATIC, Messages.INITIATION_STATIC_SIZE);
        System.arraycopy(encryptedTimestamp, 0, msg, Messages.INITIATION_TIMESTAMP,
                Messages.INITIATION_TIMESTAMP_SIZE);
        return msg;
    }

    /**
     * Decrypts and authenticates an initiation (mac1 already checked). Returns null and counts
     * the reason when it does not come from a known peer.
     */
    ConsumedInitiation consumeInitiation(byte[] msg, StaticIdentity identity) {
        byte[] hash = mixHash(initialHash, identity.publicKey());
        byte[] ephemeral = Arrays.copyOfRange(msg, Messages.INITIATION_EPHEMERAL, Messages.INITIATION_EPHEMERAL + 32);
        byte[] chainKey = mixKey(initialChainKey, ephemeral);
        hash = mixHash(hash, ephemeral);
        byte[] ss = Curve25519.sharedSecret(identity.privateKey(), ephemeral);
        if (ss == null) {
            device.countBadMac();
            return null;
        }
        byte[][] ck = kdf(2, chainKey, ss);
        chainKey = ck[0];
        byte[] encryptedStatic = Arrays.copyOfRange(msg, Messages.INITIATION_STATIC,
                Messages.INITIATION_STATIC + Messages.INITIATION_STATIC_SIZE);
        byte[] peerPublic = ChaChaPoly.open(ck[1], 0, encryptedStatic, hash);
        if (peerPublic == null) {
            device.countBadMac();
            return null;
        }
        hash = mixHash(hash, encryptedStatic);
        Peer peer = device.peerByKey(peerPublic);
        if (peer == null) {
            peer = device.admitUnknownPeer(peerPublic);
        }
        if (peer == null) {
            device.countUnknownPeer();
            return null;
        }
        byte[] precomputed;
        synchronized (peer.lock) {
            precomputed = peer.handshake.precomputedStaticStatic;
        }
        if (precomputed == null) {
            device.countBadMac();
            return null;
        }
        ck = kdf(2, chainKey, precomputed);
        chainKey = ck[0];
        byte[] encryptedTimestamp = Arrays.copyOfRange(msg, Messages.INITIATION_TIMESTAMP,
                Messages.INITIATION_TIMESTAMP + Messages.INITIATION_TIMESTAMP_SIZE);
        byte[] timestamp = ChaChaPoly.open(ck[1], 0, encryptedTimestamp, hash);
        if (timestamp == null) {
            peer.rejectedBadMac.incrementAndGet();
            return null;
        }
        hash = mixHash(hash, encryptedTimestamp);
        return new ConsumedInitiation(peer, hash, chainKey, ephemeral,
                Messages.getIntLe(msg, Messages.INITIATION_SENDER), timestamp);
    }

    /**
     * Adopts an authenticated initiation unless its timestamp is not newer than the last one
     * (a replay) or it comes faster than the initiation rate (a flood). Caller holds peer.lock.
     */
    boolean acceptInitiation(ConsumedInitiation c, long now) {
        Handshake hs = c.peer().handshake;
        boolean replay = !Tai64n.after(c.timestamp(), hs.lastTimestamp);
        boolean flood = hs.anyInitiationConsumed
                && now - hs.lastInitiationConsumption <= device.options().handshakeInitiationRate().toNanos();
        if (replay || flood) {
            return false;
        }
        hs.clear();
        hs.hash = c.hash();
        hs.chainKey = c.chainKey();
        hs.remoteEphemeral = c.remoteEphemeral();
        hs.remoteIndex = c.senderIndex();
        hs.lastTimestamp = c.timestamp();
        hs.lastInitiationConsumption = now;
        hs.anyInitiationConsumed = true;
        hs.state = Handshake.State.INITIATION_CONSUMED;
        return true;
    }

    /** The response to a consumed initiation, or null. Caller holds peer.lock. */
    byte[] createResponse(Peer peer) {
        Handshake hs = peer.handshake;
        if (hs.state != Handshake.State.INITIATION_CONSUMED) {
            return null;
        }
        byte[] ephemeral = Curve25519.generatePrivateKey(device.random());
        byte[] ephemeralPublic = Curve25519.publicKey(ephemeral);
        byte[] hash = mixHash(hs.hash, ephemeralPublic);
        byte[] chainKey = mixKey(hs.chainKey, ephemeralPublic);
        byte[] ss = Curve25519.sharedSecret(ephemeral, hs.remoteEphemeral);
        byte[] ss2 = Curve25519.sharedSecret(ephemeral, hs.remoteStatic);
        NoiseHelpers.zero(ephemeral);
        if (ss == null || ss2 == null) {
            return null;
        }
        chainKey = mixKey(chainKey, ss);
        chainKey = mixKey(chainKey, ss2);
        byte[][] k3 = kdf(3, chainKey, hs.presharedKey);
        chainKey = k3[0];
        hash = mixHash(hash, k3[1]);
        byte[] empty = ChaChaPoly.seal(k3[2], 0, new byte[0], hash);
        hash = mixHash(hash, empty);

        if (hs.hasLocalIndex) {
            device.indexTable().delete(hs.localIndex);
        }
        hs.localIndex = device.indexTable().newIndexForHandshake(peer);
        hs.hasLocalIndex = true;
        hs.hash = hash;
        hs.chainKey = chainKey;
        hs.state = Handshake.State.RESPONSE_CREATED;

        byte[] msg = new byte[Messages.RESPONSE_SIZE];
        msg[0] = Messages.TYPE_RESPONSE;
        Messages.putIntLe(msg, Messages.RESPONSE_SENDER, hs.localIndex);
        Messages.putIntLe(msg, Messages.RESPONSE_RECEIVER, hs.remoteIndex);
        System.arraycopy(ephemeralPublic, 0, msg, Messages.RESPONSE_EPHEMERAL, 32);
        System.arraycopy(empty, 0, msg, Messages.RESPONSE_EMPTY, Messages.RESPONSE_EMPTY_SIZE);
        return msg;
    }

    /**
     * Consumes a response to our initiation (mac1 already checked). Returns the peer with its
     * handshake in RESPONSE_CONSUMED state, or null. Takes peer.lock itself.
     */
    Peer consumeResponse(byte[] msg, StaticIdentity identity) {
        int receiver = Messages.getIntLe(msg, Messages.RESPONSE_RECEIVER);
        IndexTable.Entry entry = device.indexTable().lookup(receiver);
        if (entry == null || entry.keypair() != null) {
            device.countUnknownPeer();
            return null;
        }
        Peer peer = entry.peer();
        synchronized (peer.lock) {
            Handshake hs = peer.handshake;
            if (hs.state != Handshake.State.INITIATION_CREATED || !hs.hasLocalIndex || hs.localIndex != receiver) {
                return null;
            }
            byte[] ephemeral = Arrays.copyOfRange(msg, Messages.RESPONSE_EPHEMERAL, Messages.RESPONSE_EPHEMERAL + 32);
            byte[] hash = mixHash(hs.hash, ephemeral);
            byte[] chainKey = mixKey(hs.chainKey, ephemeral);
            byte[] ss = Curve25519.sharedSecret(hs.localEphemeral, ephemeral);
            byte[] ss2 = Curve25519.sharedSecret(identity.privateKey(), ephemeral);
            if (ss == null || ss2 == null) {
                peer.rejectedBadMac.incrementAndGet();
                return null;
            }
            chainKey = mixKey(chainKey, ss);
            chainKey = mixKey(chainKey, ss2);
            byte[][] k3 = kdf(3, chainKey, hs.presharedKey);
            chainKey = k3[0];
            hash = mixHash(hash, k3[1]);
            byte[] empty = Arrays.copyOfRange(msg, Messages.RESPONSE_EMPTY,
                    Messages.RESPONSE_EMPTY + Messages.RESPONSE_EMPTY_SIZE);
            if (ChaChaPoly.open(k3[2], 0, empty, hash) == null) {
                peer.rejectedBadMac.incrementAndGet();
                return null;
            }
            hash = mixHash(hash, empty);
            NoiseHelpers.zero(hs.localEphemeral);
            hs.localEphemeral = null;
            hs.hash = hash;
            hs.chainKey = chainKey;
            hs.remoteIndex = Messages.getIntLe(msg, Messages.RESPONSE_SENDER);
            hs.state = Handshake.State.RESPONSE_CONSUMED;
        }
        return peer;
    }

    /**
     * Derives the transport keypair from a completed handshake, zeroes the handshake state and
     * rotates the peer's keypairs. Caller holds peer.lock. Returns null when not ready.
     */
    Keypair beginSymmetricSession(Peer peer, long now) {
        Handshake hs = peer.handshake;
        boolean initiator;
        if (hs.state == Handshake.State.RESPONSE_CONSUMED) {
            initiator = true;
        } else if (hs.state == Handshake.State.RESPONSE_CREATED) {
            initiator = false;
        } else {
            return null;
        }
        byte[][] keys = kdf(2, hs.chainKey, new byte[0]);
        byte[] send = initiator ? keys[0] : keys[1];
        byte[] receive = initiator ? keys[1] : keys[0];
        Keypair keypair = new Keypair(peer, send, receive, now, initiator, hs.localIndex, hs.remoteIndex);
        NoiseHelpers.zero(keys[0]);
        NoiseHelpers.zero(keys[1]);
        hs.clear();
        hs.hasLocalIndex = false;
        device.indexTable().swapForKeypair(keypair.localIndex, keypair);
        peer.installKeypair(keypair);
        return keypair;
    }
}
