package dev.weft.dataplane.wireguard;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/**
 * Inbound side (wireguard-go's receive.go): validates and dispatches the four message
 * types, answers initiations, applies cookies, decrypts transport messages with replay
 * protection, checks inner source addresses against the allowed IPs and delivers.
 * Never throws on bad input: every refusal is counted. An exception is a bug; it is counted
 * as an internal error and propagates.
 */
final class ReceivePath {
    private final WireGuardDevice device;
    private final TransportCipher cipher;

    ReceivePath(WireGuardDevice device, TransportCipher cipher) {
        this.device = device;
        this.cipher = cipher;
    }

    /**
     * Takes ownership of {@code datagram}. {@code via} is the relay it came through (then
     * {@code from} is the relay's address), or null for a datagram straight from its sender.
     */
    void receive(ByteBuf datagram, InetSocketAddress from, Endpoint.Relayed via) {
        boolean handedOver = false;
        boolean deliver = false;
        try {
            int size = datagram.readableBytes();
            int type = size >= 4 ? datagram.getIntLE(datagram.readerIndex()) : -1;
            switch (type) {
                case Messages.TYPE_TRANSPORT -> {
                    if (size < Messages.TRANSPORT_MIN_SIZE) {
                        device.countMalformed();
                        return;
                    }
                    deliver = receiveTransport(datagram, from, via);
                }
                case Messages.TYPE_INITIATION, Messages.TYPE_RESPONSE, Messages.TYPE_COOKIE_REPLY -> {
                    int expected = type == Messages.TYPE_INITIATION ? Messages.INITIATION_SIZE
                            : type == Messages.TYPE_RESPONSE ? Messages.RESPONSE_SIZE : Messages.COOKIE_REPLY_SIZE;
                    if (size != expected || from == null) {
                        device.countMalformed();
                        return;
                    }
                    byte[] msg = new byte[size];
                    datagram.getBytes(datagram.readerIndex(), msg);
                    datagram.release();
                    handedOver = true;
                    if (type == Messages.TYPE_COOKIE_REPLY) {
                        receiveCookieReply(msg);
                    } else {
                        receiveHandshake(type, msg, from, via);
                    }
                }
                default -> device.countMalformed();
            }
        } catch (RuntimeException e) {
            // Every malformed input is refused above by a length or type check, so nothing a
            // peer can send throws: this is a bug (ours or the sink's). Counted apart from
            // malformed input and passed on, not hidden.
            device.countInternalError(e);
            throw e;
        } finally {
            if (!handedOver && !deliver) {
                datagram.release();
            }
        }
        if (deliver) {
            device.sink().deliverPacket(datagram);
        }
    }

    private void receiveHandshake(int type, byte[] msg, InetSocketAddress from, Endpoint.Relayed via) {
        StaticIdentity identity = device.identity();
        if (identity == null) {
            return;
        }
        long now = device.clock().nanoTime();
        boolean underLoad = device.loadMonitor().recordAndCheck(now);
        if (!identity.cookieChecker().checkMac1(msg)) {
            device.countBadMac();
            return;
        }
        if (underLoad) {
            if (!identity.cookieChecker().checkMac2(msg, from, now)) {
                int sender = Messages.getIntLe(msg, 4);
                byte[] reply = identity.cookieChecker().createReply(msg, sender, from, now);
                device.countCookieSent();
                device.sendPath().sendBytes(null, reply, from, via);
                return;
            }
            if (from.getAddress() == null || !device.rateLimiter().allow(from.getAddress(), now)) {
                device.countRateLimited();
                return;
            }
        }
        if (type == Messages.TYPE_INITIATION) {
            receiveInitiation(msg, from, via, identity, now);
        } else {
            receiveResponse(msg, from, via, identity, now);
        }
    }

    private void receiveInitiation(byte[] msg, InetSocketAddress from, Endpoint.Relayed via, StaticIdentity identity,
                                   long now) {
        NoiseProtocol.ConsumedInitiation consumed = device.noise().consumeInitiation(msg, identity);
        if (consumed == null) {
            return;
        }
        Peer peer = consumed.peer();
        byte[] response;
        synchronized (peer.lock) {
            if (peer.removed) {
                return;
            }
            if (!device.noise().acceptInitiation(consumed, now)) {
                device.countHandshakeReplay();
                return;
            }
            response = device.noise().createResponse(peer);
            if (response == null) {
                return;
            }
            peer.cookieGenerator.addMacs(response, now);
            if (device.noise().beginSymmetricSession(peer, now) == null) {
                return;
            }
        }
        peer.rxBytes.addAndGet(msg.length);
        peer.setEndpointFromPacket(from, via);
        PeerTimers timers = peer.timers;
        timers.anyAuthenticatedPacketTraversal(now);
        timers.anyAuthenticatedPacketReceived();
        timers.sessionDerived(now);
        timers.anyAuthenticatedPacketSent();
        device.sendPath().sendBytes(peer, response, from, via);
    }

    private void receiveResponse(byte[] msg, InetSocketAddress from, Endpoint.Relayed via, StaticIdentity identity,
                                 long now) {
        Peer peer = device.noise().consumeResponse(msg, identity);
        if (peer == null) {
            return;
        }
        synchronized (peer.lock) {
            if (peer.removed || device.noise().beginSymmetricSession(peer, now) == null) {
                return;
            }
        }
        peer.rxBytes.addAndGet(msg.length);
        peer.setEndpointFromPacket(from, via);
        PeerTimers timers = peer.timers;
        timers.anyAuthenticatedPacketTraversal(now);
        timers.anyAuthenticatedPacketReceived();
        timers.sessionDerived(now);
        timers.handshakeComplete();
        // Confirms the session to the responder, which only starts using it on our first packet.
        device.sendPath().sendKeepalive(peer);
    }

    private void receiveCookieReply(byte[] msg) {
        IndexTable.Entry entry = device.indexTable().lookup(Messages.getIntLe(msg, Messages.COOKIE_RECEIVER));
        if (entry == null) {
            device.countUnknownPeer();
            return;
        }
        if (!entry.peer().cookieGenerator.consumeReply(msg, device.clock().nanoTime())) {
            device.countBadMac();
        }
    }

    /** Returns true when the buffer now holds an authenticated IP packet to deliver. */
    private boolean receiveTransport(ByteBuf buf, InetSocketAddress from, Endpoint.Relayed via) {
        int start = buf.readerIndex();
        int size = buf.readableBytes();
        IndexTable.Entry entry = device.indexTable().lookup(buf.getIntLE(start + Messages.TRANSPORT_RECEIVER));
        Keypair keypair = entry == null ? null : entry.keypair();
        if (keypair == null) {
            device.countUnknownPeer();
            return false;
        }
        Peer peer = keypair.peer;
        WireGuardOptions o = device.options();
        long counter = buf.getLongLE(start + Messages.TRANSPORT_COUNTER);
        long now = device.clock().nanoTime();
        if (now - keypair.createdNanos >= o.rejectAfterTime().toNanos()
                || Long.compareUnsigned(counter, o.rejectAfterMessages()) >= 0) {
            peer.rejectedOther.incrementAndGet();
            return false;
        }
        int payloadAt = start + Messages.TRANSPORT_HEADER_SIZE;
        int plain = cipher.open(keypair.receiveKey, counter, buf, payloadAt, size - Messages.TRANSPORT_HEADER_SIZE);
        if (plain < 0) {
            peer.rejectedBadMac.incrementAndGet();
            return false;
        }
        if (!keypair.replayFilter.validate(counter, o.rejectAfterMessages())) {
            peer.rejectedReplay.incrementAndGet();
            return false;
        }
        PeerTimers timers = peer.timers;
        if (peer.receivedWithKeypair(keypair)) {
            timers.handshakeComplete();
            device.sendPath().sendStaged(peer);
        }
        peer.setEndpointFromPacket(from, via);
        peer.rxBytes.addAndGet(size);
        timers.anyAuthenticatedPacketTraversal(now);
        timers.anyAuthenticatedPacketReceived();
        keepKeyFreshReceiving(peer, now);
        if (plain == 0) {
            return false; // keepalive
        }
        timers.dataReceived(now);
        return deliver(peer, buf, payloadAt, plain);
    }

    private void keepKeyFreshReceiving(Peer peer, long now) {
        PeerTimers timers = peer.timers;
        if (timers.sentLastMinuteHandshake) {
            return;
        }
        Keypair keypair = peer.current;
        WireGuardOptions o = device.options();
        long limit = o.rejectAfterTime().toNanos() - o.keepaliveTimeout().toNanos() - o.rekeyTimeout().toNanos();
        if (keypair != null && keypair.initiator && now - keypair.createdNanos > limit) {
            timers.sentLastMinuteHandshake = true;
            device.sendPath().sendInitiation(peer, false);
        }
    }

    /** Checks the inner packet and its source address (cryptokey routing); frames it for delivery. */
    private boolean deliver(Peer peer, ByteBuf buf, int at, int plain) {
        int version = (buf.getByte(at) >> 4) & 0xf;
        int length;
        Peer owner;
        if (version == 4 && plain >= 20) {
            length = buf.getUnsignedShort(at + 2);
            owner = device.allowedIps().lookupV4(buf.getInt(at + 12));
            if (length < 20) {
                length = -1;
            }
        } else if (version == 6 && plain >= 40) {
            length = 40 + buf.getUnsignedShort(at + 4);
            owner = device.allowedIps().lookupV6(buf.getLong(at + 8), buf.getLong(at + 16));
        } else {
            length = -1;
            owner = null;
        }
        if (length < 0 || length > plain || owner != peer) {
            peer.rejectedOther.incrementAndGet();
            return false;
        }
        buf.setIndex(at, at + length);
        return true;
    }
}
