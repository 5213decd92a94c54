package dev.weft.dataplane.wireguard;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The outbound half (whitepaper 5.4.6 and 6): encrypts IP packets into transport
 * messages with the current session, stages packets and starts a handshake when there
 * is none, sends initiations and keepalives, and starts rekeying when a session ages.
 * The transport path allocates nothing but the outgoing buffer when the packet has no
 * headroom, and the JDK cipher's 12-byte nonce copy.
 */
final class Sender {

    private final WireGuardDevice device;
    private final Timings timings;
    private final int mtu;

    Sender(WireGuardDevice device, Timings timings, int mtu) {
        this.device = device;
        this.timings = timings;
        this.mtu = mtu;
    }

    /** Sends one IP packet to {@code peer}; takes ownership of {@code packet}. */
    void send(Peer peer, ByteBuf packet) {
        if (peer.hasStaged()) {
            peer.stage(packet);
            flushStaged(peer);
            return;
        }
        Keypair keypair = peer.current;
        if (!isUsable(keypair) || !encryptAndSend(peer, keypair, packet)) {
            peer.stage(packet);
            sendInitiation(peer, false);
            return;
        }
        keepKeyFreshSending(peer, keypair);
    }

    /** Sends whatever is staged, or starts a handshake if there is no usable session. */
    void flushStaged(Peer peer) {
        Keypair keypair = peer.current;
        if (!isUsable(keypair)) {
            sendInitiation(peer, false);
            return;
        }
        List<ByteBuf> packets = new ArrayList<>();
        peer.drainStaged(packets);
        for (int i = 0; i < packets.size(); i++) {
            ByteBuf packet = packets.get(i);
            if (!encryptAndSend(peer, keypair, packet)) {
                for (int j = i; j < packets.size(); j++) {
                    peer.stage(packets.get(j));
                }
                sendInitiation(peer, false);
                return;
            }
        }
        keepKeyFreshSending(peer, keypair);
    }

    /** A keepalive (empty transport message), or the staged packets if there are some. */
    void sendKeepalive(Peer peer) {
        if (!peer.hasStaged()) {
            peer.stage(device.allocator.directBuffer(Messages.TRANSPORT_MIN_SIZE + 16)
                    .writerIndex(Messages.TRANSPORT_HEADER_SIZE).readerIndex(Messages.TRANSPORT_HEADER_SIZE));
        }
        flushStaged(peer);
    }

    /** Sends an initiation unless one went out less than REKEY_TIMEOUT ago. */
    void sendInitiation(Peer peer, boolean isRetry) {
        if (peer.removed) {
            return;
        }
        if (!isRetry) {
            peer.timers.resetAttempts();
        }
        if (!peer.mayInitiate(device.scheduler.nanoTime(), timings.rekeyTimeout())) {
            return;
        }
        byte[] msg = device.noise.createInitiation(device.identity, peer);
        if (msg == null) {
            return;
        }
        peer.cookies.addMacs(msg);
        peer.timers.anyAuthenticatedPacketTraversal();
        peer.timers.anyAuthenticatedPacketSent();
        sendHandshakeMessage(peer, msg, peer.endpoint);
        peer.timers.handshakeInitiated();
    }

    void sendHandshakeMessage(Peer peer, byte[] msg, InetSocketAddress to) {
        if (to == null) {
            return;
        }
        ByteBuf out = device.allocator.directBuffer(msg.length);
        out.writeBytes(msg);
        peer.txBytes.add(msg.length);
        device.sink.sendDatagram(out, to);
    }

    boolean isUsable(Keypair keypair) {
        return keypair != null && !keypair.isRetired()
                && device.scheduler.nanoTime() - keypair.createdNanos < timings.rejectAfterTime()
                && Long.compareUnsigned(keypair.sendCounter.get(), timings.rejectAfterMessages()) < 0;
    }

    /**
     * Encrypts {@code packet} (owned) into a transport message and sends it. Returns false,
     * keeping the packet, only when the session ran out of counters.
     */
    private boolean encryptAndSend(Peer peer, Keypair keypair, ByteBuf packet) {
        long counter = keypair.sendCounter.getAndIncrement();
        if (Long.compareUnsigned(counter, timings.rejectAfterMessages()) >= 0) {
            return false;
        }
        InetSocketAddress to = peer.endpoint;
        if (to == null) {
            packet.release();
            peer.rejectedOther.increment();
            return true;
        }
        int plainLength = packet.readableBytes();
        int padded = plainLength + paddingLength(plainLength);
        int total = Messages.TRANSPORT_HEADER_SIZE + padded + ChaChaPoly.TAG_SIZE;
        ByteBuf out;
        int start;
        if (packet.readerIndex() >= Messages.TRANSPORT_HEADER_SIZE
                && packet.capacity() - packet.readerIndex() >= padded + ChaChaPoly.TAG_SIZE
                && packet.refCnt() == 1 && !packet.isReadOnly() && packet.nioBufferCount() == 1) {
            out = packet;
            start = packet.readerIndex() - Messages.TRANSPORT_HEADER_SIZE;
        } else {
            out = device.allocator.directBuffer(total);
            start = 0;
            out.setBytes(Messages.TRANSPORT_HEADER_SIZE, packet, packet.readerIndex(), plainLength);
            packet.release();
        }
        int payload = start + Messages.TRANSPORT_HEADER_SIZE;
        out.setZero(payload + plainLength, padded - plainLength);
        out.setIntLE(start, Messages.TYPE_TRANSPORT);
        out.setIntLE(start + Messages.TRANSPORT_RECEIVER, keypair.remoteIndex);
        out.setLongLE(start + Messages.TRANSPORT_COUNTER, counter);
        device.aead.sealInPlace(keypair.sendKey, counter, out, payload, padded);
        if (keypair.isRetired()) {
            // Zeroed while we encrypted: never send what a zero key produced.
            out.release();
            return true;
        }
        out.setIndex(start, start + total);
        peer.txBytes.add(total);
        device.sink.sendDatagram(out, to);
        if (plainLength > 0) {
            peer.timers.dataSent();
        }
        peer.timers.anyAuthenticatedPacketTraversal();
        peer.timers.anyAuthenticatedPacketSent();
        return true;
    }

    /** wireguard-go's padding: to a multiple of 16, never beyond the MTU. */
    int paddingLength(int packetLength) {
        int lastUnit = packetLength;
        if (packetLength > mtu) {
            lastUnit %= mtu;
        }
        int paddedSize = (lastUnit + 15) & ~15;
        if (paddedSize > mtu) {
            paddedSize = mtu;
        }
        return paddedSize - lastUnit;
    }

    /** Whitepaper 6.2: the initiator of a session rekeys after REKEY_AFTER_MESSAGES or REKEY_AFTER_TIME. */
    private void keepKeyFreshSending(Peer peer, Keypair keypair) {
        if (keypair.initiator && (Long.compareUnsigned(keypair.sendCounter.get(), timings.rekeyAfterMessages()) > 0
                || device.scheduler.nanoTime() - keypair.createdNanos > timings.rekeyAfterTime())) {
            sendInitiation(peer, false);
        }
    }
}
