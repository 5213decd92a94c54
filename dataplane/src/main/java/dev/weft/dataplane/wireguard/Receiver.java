package dev.weft.dataplane.wireguard;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.net.InetSocketAddress;

/**
 * The inbound half: demultiplexes the four message types, runs the responder and
 * initiator handshake steps behind MAC1 (and MAC2 + cookies under load), and decrypts
 * transport messages in place, checking the replay window, the session's age and the
 * inner source address against the peer's allowed IPs. Never throws on bad input.
 */
final class Receiver {

    private final WireGuardDevice device;
    private final Timings timings;
    private final ThreadLocal<Keypair[]> retiredScratch = ThreadLocal.withInitial(() -> new Keypair[1]);

    Receiver(WireGuardDevice device, Timings timings) {
        this.device = device;
        this.timings = timings;
    }

    /** Handles one datagram; takes ownership. */
    void receive(ByteBuf datagram, InetSocketAddress from) {
        try {
            int length = datagram.readableBytes();
            if (length < 4 || from == null) {
                device.malformed.increment();
                datagram.release();
                return;
            }
            int type = datagram.getIntLE(datagram.readerIndex());
            switch (type) {
                case Messages.TYPE_TRANSPORT -> {
                    if (length < Messages.TRANSPORT_MIN_SIZE) {
                        device.malformed.increment();
                        datagram.release();
                    } else {
                        receiveTransport(datagram, from);
                    }
                }
                case Messages.TYPE_INITIATION -> receiveHandshake(datagram, from, Messages.INITIATION_SIZE);
                case Messages.TYPE_RESPONSE -> receiveHandshake(datagram, from, Messages.RESPONSE_SIZE);
                case Messages.TYPE_COOKIE_REPLY -> receiveHandshake(datagram, from, Messages.COOKIE_REPLY_SIZE);
                default -> {
                    device.malformed.increment();
                    datagram.release();
                }
            }
        } catch (RuntimeException e) {
            // Input was checked above; this guards the device against its own bugs on odd input.
            device.malformed.increment();
            if (datagram.refCnt() > 0) {
                try {
                    datagram.release();
                } catch (io.netty.util.IllegalReferenceCountException alreadyReleased) {
                    // Someone downstream released it before failing; nothing left to free.
                }
            }
        }
    }

    private void receiveHandshake(ByteBuf datagram, InetSocketAddress from, int expectedSize) {
        int length = datagram.readableBytes();
        if (length != expectedSize) {
            device.malformed.increment();
            datagram.release();
            return;
        }
        byte[] msg = ByteBufUtil.getBytes(datagram);
        datagram.release();
        switch (msg[0]) {
            case Messages.TYPE_INITIATION -> receiveInitiation(msg, from);
            case Messages.TYPE_RESPONSE -> receiveResponse(msg, from);
            default -> receiveCookieReply(msg);
        }
    }

    /**
     * MAC1 and, under load, MAC2 and the per-source rate limit. Returns true if the message
     * may be processed; sends a cookie reply when MAC2 is missing under load.
     */
    private boolean admit(byte[] msg, InetSocketAddress from, int senderIndexOffset) {
        LocalIdentity identity = device.identity;
        if (!CookieChecker.checkMac1(identity, msg)) {
            device.badMac.increment();
            return false;
        }
        if (!device.load.recordAndCheck()) {
            return true;
        }
        if (!device.cookieChecker.checkMac2(msg, from)) {
            byte[] reply = device.cookieChecker.createReply(identity, msg,
                    Messages.getIntLE(msg, senderIndexOffset), from);
            ByteBuf out = device.allocator.directBuffer(reply.length);
            out.writeBytes(reply);
            device.cookieRepliesSent.increment();
            device.sink.sendDatagram(out, from);
            return false;
        }
        if (!device.rateLimiter.allow(from.getAddress())) {
            device.rateLimited.increment();
            return false;
        }
        return true;
    }

    private void receiveInitiation(byte[] msg, InetSocketAddress from) {
        if (!admit(msg, from, Messages.INITIATION_SENDER)) {
            return;
        }
        LocalIdentity identity = device.identity;
        NoiseProtocol.ConsumedInitiation consumed = device.noise.consumeInitiation(identity, msg, device::peerByKey);
        Peer peer = consumed.peer();
        switch (consumed.result()) {
            case UNKNOWN_PEER -> device.unknownPeer.increment();
            case BAD_MAC_OR_KEY -> device.badMac.increment();
            case BAD_AUTH -> peer.rejectedBadMac.increment();
            case REPLAYED, FLOOD -> peer.rejectedOther.increment();
            case OK -> respond(identity, peer, msg, from);
            default -> throw new IllegalStateException("unhandled result " + consumed.result());
        }
    }

    private void respond(LocalIdentity identity, Peer peer, byte[] initiation, InetSocketAddress from) {
        peer.rxBytes.add(initiation.length);
        peer.timers.anyAuthenticatedPacketTraversal();
        peer.timers.anyAuthenticatedPacketReceived();
        peer.updateEndpoint(from);
        NoiseProtocol.Response response = device.noise.createResponse(identity, peer);
        if (response == null) {
            return;
        }
        device.installSession(peer, response.session());
        peer.cookies.addMacs(response.message());
        peer.timers.sessionDerived();
        peer.timers.anyAuthenticatedPacketTraversal();
        peer.timers.anyAuthenticatedPacketSent();
        device.sender.sendHandshakeMessage(peer, response.message(), peer.endpoint);
    }

    private void receiveResponse(byte[] msg, InetSocketAddress from) {
        if (!admit(msg, from, Messages.RESPONSE_SENDER)) {
            return;
        }
        IndexTable.Entry entry = device.indices.lookup(Messages.getIntLE(msg, Messages.RESPONSE_RECEIVER));
        if (!(entry instanceof Handshake handshake)) {
            device.unknownPeer.increment();
            return;
        }
        Peer peer = handshake.peer();
        NoiseProtocol.SessionKeys session = device.noise.consumeResponse(device.identity, handshake, msg);
        if (session == null) {
            peer.rejectedBadMac.increment();
            return;
        }
        peer.rxBytes.add(msg.length);
        peer.updateEndpoint(from);
        peer.timers.anyAuthenticatedPacketTraversal();
        peer.timers.anyAuthenticatedPacketReceived();
        device.installSession(peer, session);
        peer.timers.sessionDerived();
        peer.timers.handshakeComplete();
        device.sender.sendKeepalive(peer);
    }

    private void receiveCookieReply(byte[] msg) {
        IndexTable.Entry entry = device.indices.lookup(Messages.getIntLE(msg, Messages.COOKIE_REPLY_RECEIVER));
        if (entry == null) {
            device.unknownPeer.increment();
            return;
        }
        if (!entry.peer().cookies.consumeReply(msg)) {
            device.badMac.increment();
        }
    }

    private void receiveTransport(ByteBuf datagram, InetSocketAddress from) {
        int start = datagram.readerIndex();
        int length = datagram.readableBytes();
        IndexTable.Entry entry = device.indices.lookup(datagram.getIntLE(start + Messages.TRANSPORT_RECEIVER));
        if (!(entry instanceof Keypair keypair)) {
            device.unknownPeer.increment();
            datagram.release();
            return;
        }
        Peer peer = keypair.peer();
        long counter = datagram.getLongLE(start + Messages.TRANSPORT_COUNTER);
        long now = device.scheduler.nanoTime();
        if (keypair.isRetired() || now - keypair.createdNanos >= timings.rejectAfterTime()
                || Long.compareUnsigned(counter, timings.rejectAfterMessages()) >= 0) {
            peer.rejectedOther.increment();
            datagram.release();
            return;
        }
        int payload = start + Messages.TRANSPORT_HEADER_SIZE;
        int cipherLength = length - Messages.TRANSPORT_HEADER_SIZE;
        int plainLength = device.aead.openInPlace(keypair.receiveKey, counter, datagram, payload, cipherLength);
        if (plainLength < 0) {
            peer.rejectedBadMac.increment();
            datagram.release();
            return;
        }
        if (!keypair.replayFilter.validate(counter, timings.rejectAfterMessages())) {
            peer.rejectedReplay.increment();
            datagram.release();
            return;
        }
        peer.updateEndpoint(from);
        peer.rxBytes.add(length);
        Keypair[] retired = retiredScratch.get();
        if (peer.receivedWith(keypair, retired)) {
            if (retired[0] != null) {
                device.retire(retired[0]);
                retired[0] = null;
            }
            peer.timers.handshakeComplete();
            device.sender.flushStaged(peer);
        }
        keepKeyFreshReceiving(peer, keypair, now);
        peer.timers.anyAuthenticatedPacketTraversal();
        peer.timers.anyAuthenticatedPacketReceived();
        if (plainLength == 0) {
            datagram.release();
            return;
        }
        peer.timers.dataReceived();
        int packetLength = innerPacketLength(datagram, payload, plainLength);
        if (packetLength < 0) {
            peer.rejectedOther.increment();
            datagram.release();
            return;
        }
        int version = (datagram.getByte(payload) & 0xff) >>> 4;
        Peer allowed = version == 4
                ? device.allowedIps.lookup(datagram, payload + 12, 4)
                : device.allowedIps.lookup(datagram, payload + 8, 16);
        if (allowed != peer) {
            peer.rejectedOther.increment();
            datagram.release();
            return;
        }
        datagram.setIndex(payload, payload + packetLength);
        device.sink.deliverPacket(datagram);
    }

    /** The IP packet's own length (dropping padding), or -1 if the plaintext is no IP packet. */
    private static int innerPacketLength(ByteBuf buf, int offset, int plainLength) {
        int version = (buf.getByte(offset) & 0xff) >>> 4;
        if (version == 4 && plainLength >= 20) {
            int total = buf.getUnsignedShort(offset + 2);
            return total >= 20 && total <= plainLength ? total : -1;
        }
        if (version == 6 && plainLength >= 40) {
            int total = 40 + buf.getUnsignedShort(offset + 4);
            return total <= plainLength ? total : -1;
        }
        return -1;
    }

    /**
     * Whitepaper 6.2: an initiator receiving on a session close to REJECT_AFTER_TIME starts a
     * new handshake once, so the session does not expire under the responder.
     */
    private void keepKeyFreshReceiving(Peer peer, Keypair keypair, long now) {
        if (keypair.initiator && keypair == peer.current
                && now - keypair.createdNanos > timings.rejectAfterTime() - timings.keepaliveTimeout()
                        - timings.rekeyTimeout()
                && peer.timers.claimLastMinuteHandshake()) {
            device.sender.sendInitiation(peer, false);
        }
    }
}
