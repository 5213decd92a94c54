package dev.weft.dataplane.wireguard;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** A sink that copies out and releases everything it gets. */
final class CapturingSink implements PacketSink {

    record Sent(byte[] bytes, InetSocketAddress to) {
    }

    final List<Sent> datagrams = new ArrayList<>();
    final List<byte[]> delivered = new ArrayList<>();
    int flushes;

    @Override
    public synchronized void sendDatagram(ByteBuf datagram, InetSocketAddress to) {
        byte[] bytes = new byte[datagram.readableBytes()];
        datagram.readBytes(bytes);
        datagram.release();
        datagrams.add(new Sent(bytes, to));
    }

    @Override
    public synchronized void deliverPacket(ByteBuf ipPacket) {
        byte[] bytes = new byte[ipPacket.readableBytes()];
        ipPacket.readBytes(bytes);
        ipPacket.release();
        delivered.add(bytes);
    }

    @Override
    public synchronized void flush() {
        flushes++;
    }

    synchronized byte[] takeLast() {
        return datagrams.remove(datagrams.size() - 1).bytes();
    }
}
