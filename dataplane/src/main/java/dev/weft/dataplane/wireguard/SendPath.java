package dev.weft.dataplane.wireguard;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/**
 * Outbound side (wireguard-go's send.go): cryptokey routing of IP packets, transport
 * encryption, keepalives, staging while no session exists, and handshake initiations.
 */
final class SendPath {
    private final WireGuardDevice device;
    private final TransportCipher cipher;

    SendPath(WireGuardDevice device, TransportCipher cipher) {
        this.device = device;
        this.cipher = cipher;
    }

    /** Routes an IP packet by destination address and sends it. Takes ownership. */
    void sendPacket(ByteBuf packet) {
        Peer peer;
        int at = packet.readerIndex();
        int length = packet.readableBytes();
        int version = length > 0 ? (packet.getByte(at) >> 4) & 0xf : 0;
        if (version == 4 && length >= 20) {
            peer = device.allowedIps().lookupV4(packet.getInt(at + 16));
        } else if (version == 6 && length >= 40) {
            peer = device.allowedIps().lookupV6(packet.getLong(at + 24), packet.getLong(at + 32));
        } else {
            peer = null;
        }
        if (peer == null) {
            RouteMissHandler miss = device.routeMissHandler();
            if (miss != null && miss.onRouteMiss(packet)) {
                return; // it took the packet: a session may be on its way
            }
            device.countNoRoute();
            packet.release();
            return;
        }
        send(peer, packet);
    }

    /** Sends a packet (empty for a keepalive) to {@code peer}, staging it if no session is up. */
    void send(Peer peer, ByteBuf packet) {
        if (peer.hasStaged() || !trySend(peer, packet)) {
            peer.stage(packet);
            sendStaged(peer);
        }
    }

    void sendKeepalive(Peer peer) {
        if (!peer.hasStaged()) {
            ByteBuf empty = device.allocator().buffer(Messages.TRANSPORT_MIN_SIZE);
            empty.setIndex(Messages.TRANSPORT_HEADER_SIZE, Messages.TRANSPORT_HEADER_SIZE);
            peer.stage(empty);
        }
        sendStaged(peer);
    }

    /** Sends queued packets while a usable keypair exists; otherwise starts a handshake. */
    void sendStaged(Peer peer) {
        while (peer.hasStaged()) {
            Keypair keypair = peer.current;
            if (!usable(keypair, device.clock().nanoTime()) || peer.endpoint == null) {
                sendInitiation(peer, false);
                return;
            }
            ByteBuf packet = peer.pollStaged();
            if (packet == null) {
                return;
            }
            if (!trySend(peer, packet)) {
                peer.stage(packet);
                sendInitiation(peer, false);
                return;
            }
        }
    }

    private boolean usable(Keypair keypair, long now) {
        WireGuardOptions o = device.options();
        return keypair != null && !keypair.isDestroyed()
                && now - keypair.createdNanos < o.rejectAfterTime().toNanos()
                && Long.compareUnsigned(keypair.sendNonce.get(), o.rejectAfterMessages()) < 0;
    }

    /**
     * Encrypts and sends with the current keypair. Returns false, keeping the packet with the
     * caller, when there is no usable keypair; true when the packet was consumed.
     */
    private boolean trySend(Peer peer, ByteBuf packet) {
        long now;
        Keypair keypair;
        long nonce;
        int payload = packet.readableBytes();
        // Counter assignment, encryption and hand-off to the socket happen in counter order
        // per peer: concurrent senders could otherwise push a counter out of the receiver's
        // replay window (a thread stalled while others send 2000 packets).
        synchronized (peer.sendLock) {
            now = device.clock().nanoTime();
            keypair = peer.current;
            Endpoint endpoint = peer.endpoint;
            if (endpoint == null || !usable(keypair, now)) {
                return false;
            }
            nonce = keypair.sendNonce.getAndIncrement();
            if (Long.compareUnsigned(nonce, device.options().rejectAfterMessages()) >= 0) {
                keypair.sendNonce.set(device.options().rejectAfterMessages());
                return false;
            }
            Endpoint.Relayed via = endpoint instanceof Endpoint.Relayed r ? r : null;
            ByteBuf datagram = encrypt(keypair, nonce, packet, via == null ? 0 : Endpoint.Relayed.FRAME_HEADER);
            if (datagram == null) {
                peer.rejectedOther.incrementAndGet();
                return true;
            }
            peer.txBytes.addAndGet(datagram.readableBytes());
            transmit(datagram, endpoint.address(), via);
        }
        PeerTimers timers = peer.timers;
        timers.anyAuthenticatedPacketTraversal(now);
        timers.anyAuthenticatedPacketSent();
        if (payload > 0) {
            timers.dataSent(now);
        }
        keepKeyFreshSending(peer, keypair, nonce, now);
        return true;
    }

    private void keepKeyFreshSending(Peer peer, Keypair keypair, long nonce, long now) {
        WireGuardOptions o = device.options();
        if (keypair.initiator && (Long.compareUnsigned(nonce, o.rekeyAfterMessages()) > 0
                || now - keypair.createdNanos > o.rekeyAfterTime().toNanos())) {
            sendInitiation(peer, false);
        }
    }

    /**
     * Builds the transport message around {@code packet}: in place when the buffer has 16
     * bytes of headroom (plus {@code frameRoom} for a relay frame's header) and room for padding
     * and tag, else in a fresh pooled buffer that leaves {@code frameRoom} free before it.
     * Returns null (and releases) when encryption is impossible.
     */
    private ByteBuf encrypt(Keypair keypair, long nonce, ByteBuf packet, int frameRoom) {
        int length = packet.readableBytes();
        int padded = Messages.paddedLength(length, device.options().mtu());
        int total = Messages.TRANSPORT_HEADER_SIZE + padded + TransportCipher.TAG_SIZE;
        ByteBuf out;
        int start;
        int reader = packet.readerIndex();
        if (reader >= Messages.TRANSPORT_HEADER_SIZE + frameRoom && packet.capacity() - reader >= padded + 16
                && packet.unwrap() == null && packet.refCnt() == 1 && !packet.isReadOnly()) {
            out = packet;
            start = reader - Messages.TRANSPORT_HEADER_SIZE;
        } else {
            out = device.allocator().buffer(frameRoom + total);
            start = frameRoom;
            out.setBytes(start + Messages.TRANSPORT_HEADER_SIZE, packet, reader, length);
            packet.release();
        }
        out.setIntLE(start, Messages.TYPE_TRANSPORT);
        out.setIntLE(start + Messages.TRANSPORT_RECEIVER, keypair.remoteIndex);
        out.setLongLE(start + Messages.TRANSPORT_COUNTER, nonce);
        out.setZero(start + Messages.TRANSPORT_HEADER_SIZE + length, padded - length);
        if (!cipher.seal(keypair.sendKey, nonce, out, start + Messages.TRANSPORT_HEADER_SIZE, padded)) {
            out.release();
            return null;
        }
        out.setIndex(start, start + total);
        return out;
    }

    /** Sends a handshake initiation unless one went out less than REKEY_TIMEOUT ago. */
    void sendInitiation(Peer peer, boolean isRetry) {
        initiate(peer, isRetry ? RETRY : TRAFFIC);
    }

    /**
     * The peer moved to a new endpoint: if its handshake has not completed (one in flight, or
     * packets waiting for a session), initiate to the new endpoint now rather than after
     * REKEY_TIMEOUT, at most once per {@link #MOVE_INTERVAL_NANOS}.
     */
    void sendInitiationAfterMove(Peer peer) {
        initiate(peer, MOVE);
    }

    private static final int TRAFFIC = 0;
    private static final int RETRY = 1;
    private static final int MOVE = 2;
    static final long MOVE_INTERVAL_NANOS = 100_000_000L;

    private void initiate(Peer peer, int cause) {
        StaticIdentity identity = device.identity();
        long now = device.clock().nanoTime();
        byte[] msg;
        Endpoint endpoint;
        synchronized (peer.lock) {
            if (cause == TRAFFIC) {
                peer.timers.handshakeAttempts = 0;
                if (peer.timers.retransmitHandshake != PeerTimers.OFF) {
                    // A handshake is in flight and its jittered retry is scheduled. Letting
                    // traffic trigger un-jittered initiations instead can keep two peers that
                    // both send initiating in lockstep, each answering the other (a livelock).
                    return;
                }
            } else if (cause == MOVE) {
                boolean waiting = peer.timers.retransmitHandshake != PeerTimers.OFF || peer.hasStaged();
                if (usable(peer.current, now) || !waiting || now - peer.lastMoveInitiation < MOVE_INTERVAL_NANOS) {
                    return;
                }
            }
            endpoint = peer.endpoint;
            if (identity == null || peer.removed || endpoint == null
                    || (cause != MOVE && now - peer.handshake.lastSentHandshake < device.options().rekeyTimeout().toNanos())) {
                return;
            }
            if (cause == MOVE) {
                peer.lastMoveInitiation = now;
            }
            peer.handshake.lastSentHandshake = now;
            msg = device.noise().createInitiation(peer, identity);
            if (msg == null) {
                return;
            }
            peer.cookieGenerator.addMacs(msg, now);
        }
        peer.timers.anyAuthenticatedPacketTraversal(now);
        peer.timers.anyAuthenticatedPacketSent();
        sendBytes(peer, msg, endpoint.address(), endpoint instanceof Endpoint.Relayed r ? r : null);
        peer.timers.handshakeInitiated(now);
    }

    /** A handshake message or cookie reply to {@code to}, or through the relay {@code via} when not null. */
    void sendBytes(Peer peer, byte[] msg, InetSocketAddress to, Endpoint.Relayed via) {
        int room = via == null ? 0 : Endpoint.Relayed.FRAME_HEADER;
        ByteBuf buf = device.allocator().buffer(room + msg.length);
        buf.writerIndex(room);
        buf.readerIndex(room);
        buf.writeBytes(msg);
        if (peer != null) {
            peer.txBytes.addAndGet(msg.length);
        }
        transmit(buf, to, via);
    }

    /**
     * Hands a datagram to the sink: straight to {@code to}, or framed for the relay {@code via}.
     * The frame header goes into the headroom every caller leaves for it, so nothing is copied.
     */
    private void transmit(ByteBuf datagram, InetSocketAddress to, Endpoint.Relayed via) {
        if (via == null) {
            device.sink().sendDatagram(datagram, to);
            return;
        }
        int at = datagram.readerIndex() - Endpoint.Relayed.FRAME_HEADER;
        datagram.setByte(at, Endpoint.Relayed.FRAME_TYPE);
        datagram.setLong(at + 1, via.id());
        datagram.readerIndex(at);
        device.sink().sendDatagram(datagram, via.relay());
    }
}
