package dev.weft.dataplane.wireguard;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * One peer: its handshake, its three keypair slots (previous, current, next as in
 * whitepaper 6.1 and wireguard-go), packets waiting for a session, timers and counters.
 */
final class Peer {

    final byte[] publicKey;
    final Handshake handshake;
    final CookieGenerator cookies;
    PeerTimers timers;

    volatile InetSocketAddress endpoint;
    volatile int persistentKeepaliveSeconds;

    private final Object keypairLock = new Object();
    private Keypair previous;
    volatile Keypair current;
    volatile Keypair next;

    private final ArrayDeque<ByteBuf> staged = new ArrayDeque<>();
    private final int stagedLimit;
    private volatile int stagedCount;

    /** Guarded by {@code this}: when the last initiation was sent, for REKEY_TIMEOUT spacing. */
    private long lastSentHandshakeNanos;
    private boolean sentAnyHandshake;
    volatile Instant lastHandshake;
    volatile boolean removed;

    final LongAdder rxBytes = new LongAdder();
    final LongAdder txBytes = new LongAdder();
    final LongAdder rejectedReplay = new LongAdder();
    final LongAdder rejectedBadMac = new LongAdder();
    final LongAdder rejectedOther = new LongAdder();

    Peer(PeerConfig config, Scheduler scheduler, Timings timings, int stagedLimit) {
        this.publicKey = config.publicKey();
        this.handshake = new Handshake(this);
        this.cookies = new CookieGenerator(publicKey, scheduler, timings.cookieRefreshTime());
        this.stagedLimit = stagedLimit;
        this.endpoint = config.endpoint();
        this.persistentKeepaliveSeconds = config.persistentKeepaliveSeconds();
        setPresharedKey(config.presharedKey());
    }

    void setPresharedKey(byte[] presharedKey) {
        synchronized (handshake) {
            NoiseCrypto.zero(handshake.presharedKey);
            handshake.presharedKey = presharedKey == null ? new byte[32] : presharedKey.clone();
        }
    }

    /** Roams to {@code from} after an authenticated message. */
    void updateEndpoint(InetSocketAddress from) {
        if (from != null && !from.equals(endpoint)) {
            endpoint = from;
        }
    }

    /** True if enough time passed since the last initiation; records now as the last one. */
    synchronized boolean mayInitiate(long now, long rekeyTimeout) {
        if (sentAnyHandshake && now - lastSentHandshakeNanos < rekeyTimeout) {
            return false;
        }
        sentAnyHandshake = true;
        lastSentHandshakeNanos = now;
        return true;
    }

    synchronized void forgetLastInitiation() {
        sentAnyHandshake = false;
    }

    /**
     * Installs a fresh session (whitepaper 6.1): an initiator's session is usable at once;
     * a responder's waits in "next" until the initiator's first message confirms it.
     * Returns the keypairs that were displaced and must be retired.
     */
    List<Keypair> installKeypair(Keypair keypair) {
        List<Keypair> retired = new ArrayList<>(2);
        synchronized (keypairLock) {
            if (keypair.initiator) {
                Keypair oldNext = next;
                if (oldNext != null) {
                    next = null;
                    addIfPresent(retired, previous);
                    addIfPresent(retired, current);
                    previous = oldNext;
                } else {
                    addIfPresent(retired, previous);
                    previous = current;
                }
                current = keypair;
            } else {
                addIfPresent(retired, next);
                addIfPresent(retired, previous);
                previous = null;
                next = keypair;
            }
        }
        return retired;
    }

    /**
     * Called for every authenticated transport message: if it came on the "next" session,
     * that session is confirmed and becomes current. Returns the retired keypair (or null)
     * through {@code retiredOut[0]} and true if a rotation happened.
     */
    boolean receivedWith(Keypair keypair, Keypair[] retiredOut) {
        if (next != keypair) {
            return false;
        }
        synchronized (keypairLock) {
            if (next != keypair) {
                return false;
            }
            retiredOut[0] = previous;
            previous = current;
            current = keypair;
            next = null;
            return true;
        }
    }

    /** Removes every keypair (for zeroing); returns them for retirement. */
    List<Keypair> takeAllKeypairs() {
        List<Keypair> all = new ArrayList<>(3);
        synchronized (keypairLock) {
            addIfPresent(all, previous);
            addIfPresent(all, current);
            addIfPresent(all, next);
            previous = null;
            current = null;
            next = null;
        }
        return all;
    }

    /** True while packets wait for a session. */
    boolean hasStaged() {
        return stagedCount > 0;
    }

    /** Queues {@code packet} until a session exists; drops the oldest when full. */
    void stage(ByteBuf packet) {
        ByteBuf dropped = null;
        synchronized (staged) {
            if (staged.size() >= stagedLimit) {
                dropped = staged.pollFirst();
            }
            staged.addLast(packet);
            stagedCount = staged.size();
        }
        if (dropped != null) {
            dropped.release();
        }
    }

    /** Takes all staged packets, oldest first. */
    void drainStaged(List<ByteBuf> into) {
        synchronized (staged) {
            ByteBuf packet;
            while ((packet = staged.pollFirst()) != null) {
                into.add(packet);
            }
            stagedCount = 0;
        }
    }

    void dropStaged() {
        List<ByteBuf> packets = new ArrayList<>();
        drainStaged(packets);
        for (ByteBuf packet : packets) {
            packet.release();
        }
    }

    PeerStatus status(List<IpPrefix> allowedIps) {
        return new PeerStatus(publicKey, endpoint, allowedIps, persistentKeepaliveSeconds, lastHandshake,
                rxBytes.sum(), txBytes.sum(), rejectedReplay.sum(), rejectedBadMac.sum(), rejectedOther.sum());
    }

    private static void addIfPresent(List<Keypair> list, Keypair keypair) {
        if (keypair != null) {
            list.add(keypair);
        }
    }
}
