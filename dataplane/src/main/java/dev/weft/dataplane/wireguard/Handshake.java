package dev.weft.dataplane.wireguard;

/**
 * The Noise handshake state of one peer. Guarded by the peer's lock.
 */
final class Handshake {
    enum State { ZEROED, INITIATION_CREATED, INITIATION_CONSUMED, RESPONSE_CREATED, RESPONSE_CONSUMED }

    State state = State.ZEROED;
    byte[] hash;
    byte[] chainKey;
    byte[] localEphemeral;
    byte[] remoteEphemeral;
    int localIndex;
    boolean hasLocalIndex;
    int remoteIndex;
    final byte[] remoteStatic;
    byte[] presharedKey = new byte[32];
    byte[] precomputedStaticStatic;
    byte[] lastTimestamp = new byte[Tai64n.SIZE];
    long lastInitiationConsumption;
    boolean anyInitiationConsumed;
    long lastSentHandshake;

    Handshake(byte[] remoteStatic) {
        this.remoteStatic = remoteStatic.clone();
    }

    /** Forgets the ephemeral state (not the timestamp, which guards against replays). */
    void clear() {
        NoiseHelpers.zero(hash);
        NoiseHelpers.zero(chainKey);
        NoiseHelpers.zero(localEphemeral);
        NoiseHelpers.zero(remoteEphemeral);
        hash = null;
        chainKey = null;
        localEphemeral = null;
        remoteEphemeral = null;
        state = State.ZEROED;
    }
}
