package dev.weft.dataplane.wireguard;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * An in-memory UDP network between devices: datagrams are queued and delivered when the
 * test pumps, so everything runs on the test thread. It can record, drop or rewrite
 * datagrams, and every delivered IP packet is collected per device.
 */
final class MemoryNetwork {

    record Datagram(byte[] bytes, InetSocketAddress from, InetSocketAddress to) {
    }

    final class Node implements PacketSink {
        final InetSocketAddress[] address = new InetSocketAddress[1];
        WireGuardDevice device;
        final List<byte[]> delivered = new ArrayList<>();

        Node(InetSocketAddress address) {
            this.address[0] = address;
        }

        InetSocketAddress address() {
            return address[0];
        }

        @Override
        public void sendDatagram(ByteBuf datagram, InetSocketAddress to) {
            byte[] bytes = new byte[datagram.readableBytes()];
            datagram.readBytes(bytes);
            datagram.release();
            Datagram d = new Datagram(bytes, address[0], to);
            sent.add(d);
            if (dropFilter.test(d)) {
                return;
            }
            queue.add(d);
        }

        @Override
        public void deliverPacket(ByteBuf ipPacket) {
            byte[] bytes = new byte[ipPacket.readableBytes()];
            ipPacket.readBytes(bytes);
            ipPacket.release();
            delivered.add(bytes);
        }
    }

    private final Map<InetSocketAddress, Node> nodes = new HashMap<>();
    private final ArrayDeque<Datagram> queue = new ArrayDeque<>();
    final List<Datagram> sent = new ArrayList<>();
    Predicate<Datagram> dropFilter = d -> false;

    Node node(InetSocketAddress address) {
        Node node = new Node(address);
        nodes.put(address, node);
        return node;
    }

    /** Moves a node to another underlay address (roaming). */
    void move(Node node, InetSocketAddress newAddress) {
        nodes.remove(node.address());
        node.address[0] = newAddress;
        nodes.put(newAddress, node);
    }

    /** Delivers queued datagrams (and whatever they cause) until the network is quiet. */
    int pump() {
        int delivered = 0;
        Datagram d;
        while ((d = queue.poll()) != null) {
            Node target = nodes.get(d.to());
            if (target == null) {
                continue;
            }
            delivered++;
            target.device.receiveDatagram(io.netty.buffer.Unpooled.copiedBuffer(d.bytes()), d.from());
        }
        return delivered;
    }

    void clearQueue() {
        queue.clear();
    }
}
