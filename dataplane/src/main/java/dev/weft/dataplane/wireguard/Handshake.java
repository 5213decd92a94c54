package dev.weft.dataplane.wireguard;

/**
 * A peer's Noise handshake state (whitepaper 5.4.2–5.4.4). Guarded by its own monitor.
 * Secrets are zeroed as soon as the session keys are derived.
 */
final class Handshake implements IndexTable.Entry {

    enum State { ZEROED, INITIATION_CREATED, INITIATION_CONSUMED, RESPONSE_CREATED, RESPONSE_CONSUMED }

    private final Peer peer;
    State state = State.ZEROED;
    byte[] hash;
    byte[] chainKey;
    byte[] localEphemeralPrivate;
    byte[] remoteEphemeral;
    int localIndex;
    int remoteIndex;
    boolean hasLocalIndex;
    /** DH(our static, peer static), computed once per key change; null if it is all zero. */
    byte[] precomputedStaticStatic;
    byte[] presharedKey = new byte[32];
    /** Greatest TAI64N seen in an accepted initiation from this peer. */
    byte[] latestTimestamp = new byte[Tai64n.SIZE];
    long lastInitiationConsumedNanos;
    boolean consumedAnyInitiation;

    Handshake(Peer peer) {
        this.peer = peer;
    }

    @Override
    public Peer peer() {
        return peer;
    }

    /** Forgets the ephemeral state (not the timestamp memory, which guards against replays). */
    void clear() {
        NoiseCrypto.zero(hash, chainKey, localEphemeralPrivate, remoteEphemeral);
        hash = null;
        chainKey = null;
        localEphemeralPrivate = null;
        remoteEphemeral = null;
        remoteIndex = 0;
        state = State.ZEROED;
    }
}
