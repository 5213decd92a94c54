package dev.weft.dataplane.wireguard;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One WireGuard peer: its handshake, its up to three keypairs (previous, current, next),
 * endpoint, packets staged while no session exists, timers and counters.
 *
 * <p>{@link #lock} guards the handshake, keypair rotation and the staged queue. The keypair
 * and endpoint fields are volatile so the per-packet paths read them without locking.
 */
final class Peer {
    final WireGuardDevice device;
    final byte[] publicKey;
    final Object lock = new Object();
    /** Orders transport sends (counter, encryption, hand-off); never held with {@link #lock} first. */
    final Object sendLock = new Object();
    final Handshake handshake;
    final CookieGenerator cookieGenerator;
    final PeerTimers timers;

    volatile Keypair previous;
    volatile Keypair current;
    volatile Keypair next;
    volatile Endpoint endpoint;
    /** Whether path selection chose the direct endpoint (see {@link #choose}). */
    private volatile boolean directChosen;
    volatile int persistentKeepaliveSeconds;
    volatile Instant lastHandshake;
    volatile boolean removed;
    /** When {@link SendPath#sendInitiationAfterMove} last sent; guarded by {@link #lock}. */
    long lastMoveInitiation;
    private volatile int stagedCount;
    private final ArrayDeque<ByteBuf> staged = new ArrayDeque<>();

    final AtomicLong rxBytes = new AtomicLong();
    final AtomicLong txBytes = new AtomicLong();
    final AtomicLong rejectedReplay = new AtomicLong();
    final AtomicLong rejectedBadMac = new AtomicLong();
    final AtomicLong rejectedOther = new AtomicLong();

    Peer(WireGuardDevice device, byte[] publicKey, long now) {
        this.device = device;
        this.publicKey = publicKey.clone();
        this.handshake = new Handshake(publicKey);
        this.cookieGenerator = new CookieGenerator(publicKey, device.options().cookieRefreshTime().toNanos());
        this.timers = new PeerTimers(this);
        this.handshake.lastSentHandshake = now - device.options().rekeyTimeout().toNanos() - 1_000_000_000L;
        this.lastMoveInitiation = now - 1_000_000_000L;
    }

    /** Rotates keypairs after a handshake derived {@code keypair} (BeginSymmetricSession). Holds lock. */
    void installKeypair(Keypair keypair) {
        Keypair oldPrevious = previous;
        Keypair oldNext = next;
        Keypair oldCurrent = current;
        if (keypair.initiator) {
            if (oldNext != null) {
                next = null;
                previous = oldNext;
                delete(oldCurrent);
            } else {
                previous = oldCurrent;
            }
            delete(oldPrevious);
            current = keypair;
        } else {
            next = keypair;
            delete(oldNext);
            previous = null;
            delete(oldPrevious);
        }
    }

    /**
     * The responder's new keypair is confirmed by the first packet received with it: it
     * becomes current. Returns true when this rotation happened.
     */
    boolean receivedWithKeypair(Keypair keypair) {
        if (next != keypair) {
            return false;
        }
        synchronized (lock) {
            if (next != keypair) {
                return false;
            }
            Keypair old = previous;
            previous = current;
            delete(old);
            current = keypair;
            next = null;
            return true;
        }
    }

    /** Forgets every key and the handshake (ZeroAndFlushAll). */
    void zeroAndFlushAll() {
        synchronized (lock) {
            delete(previous);
            delete(current);
            delete(next);
            previous = null;
            current = null;
            next = null;
            if (handshake.hasLocalIndex) {
                device.indexTable().delete(handshake.localIndex);
                handshake.hasLocalIndex = false;
            }
            handshake.clear();
            clearStaged();
        }
    }

    private void delete(Keypair keypair) {
        if (keypair != null) {
            device.indexTable().delete(keypair.localIndex);
            keypair.destroy();
        }
    }

    /** Queues a packet until a session exists; the oldest is dropped when full. */
    void stage(ByteBuf packet) {
        ByteBuf dropped = null;
        synchronized (lock) {
            if (removed) {
                dropped = packet;
            } else {
                if (staged.size() >= device.options().maxStagedPackets()) {
                    dropped = staged.pollFirst();
                }
                staged.addLast(packet);
                stagedCount = staged.size();
            }
        }
        if (dropped != null) {
            dropped.release();
            device.countStagedDropped();
        }
    }

    ByteBuf pollStaged() {
        if (stagedCount == 0) {
            return null;
        }
        synchronized (lock) {
            ByteBuf b = staged.pollFirst();
            stagedCount = staged.size();
            return b;
        }
    }

    boolean hasStaged() {
        return stagedCount > 0;
    }

    void clearStaged() {
        synchronized (lock) {
            ByteBuf b;
            while ((b = staged.pollFirst()) != null) {
                b.release();
            }
            stagedCount = 0;
        }
    }

    /**
     * Roaming, as WireGuard does: the newest authenticated packet's path becomes the endpoint:
     * {@code via} when it came through a relay, else its source as a direct endpoint. Allocates
     * only when a direct address changes, which is rare; observers hear of every change.
     */
    void setEndpointFromPacket(InetSocketAddress from, Endpoint.Relayed via) {
        Endpoint before = endpoint;
        if (via != null) {
            if (directChosen && before instanceof Endpoint.Direct) {
                return; // the peer has not moved off the relay yet; our direct path stands
            }
            if (before != via && !via.equals(before)) {
                endpoint = via;
                device.events().endpointChanged(publicKey.clone(), before, via);
            }
        } else if (from != null && !(before instanceof Endpoint.Direct d && from.equals(d.address()))) {
            Endpoint after = new Endpoint.Direct(from);
            endpoint = after;
            device.events().endpointChanged(publicKey.clone(), before, after);
        }
    }

    /**
     * Path selection moved the session: to a direct path, which a packet that still comes through a
     * relay must not undo (the other side may not have switched yet, and would otherwise pull both
     * back onto the relay); or to a relay, which any direct packet may leave again. Observers hear
     * of it; true when it changed.
     */
    boolean choose(Endpoint to) {
        directChosen = to instanceof Endpoint.Direct;
        return setEndpoint(to);
    }

    boolean setEndpoint(Endpoint to) {
        Endpoint before = endpoint;
        endpoint = to;
        if (to != null && !to.equals(before)) {
            device.events().endpointChanged(publicKey.clone(), before, to);
            return true;
        }
        return false;
    }
}
