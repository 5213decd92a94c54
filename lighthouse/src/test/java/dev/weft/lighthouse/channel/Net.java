package dev.weft.lighthouse.channel;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An in-memory network of channels: every datagram is recorded (for tampering, replay and the
 * amplification count) and delivered when the test pumps; addresses without a channel swallow.
 */
final class Net {
    record Datagram(InetSocketAddress from, InetSocketAddress to, byte[] bytes) {
    }

    final List<Datagram> sent = new ArrayList<>();
    private final Map<InetSocketAddress, ControlChannel> channels = new HashMap<>();
    private final ArrayDeque<Datagram> queue = new ArrayDeque<>();

    DatagramSender senderFor(InetSocketAddress self) {
        return (bytes, to) -> {
            Datagram d = new Datagram(self, to, bytes.clone());
            synchronized (this) {
                sent.add(d);
                queue.add(d);
            }
        };
    }

    void attach(InetSocketAddress address, ControlChannel channel) {
        channels.put(address, channel);
    }

    /** Delivers until nothing is in flight. */
    void pump() {
        while (true) {
            Datagram d;
            synchronized (this) {
                d = queue.poll();
            }
            if (d == null) {
                return;
            }
            ControlChannel c = channels.get(d.to);
            if (c != null) {
                c.receive(d.bytes, d.from);
            }
        }
    }

    /** Drops what is in flight without delivering it. */
    synchronized void discard() {
        queue.clear();
    }

    synchronized List<Datagram> sentTo(InetSocketAddress to) {
        return sent.stream().filter(d -> d.to.equals(to)).toList();
    }

    synchronized long bytesTo(InetSocketAddress to) {
        return sentTo(to).stream().mapToLong(d -> d.bytes.length).sum();
    }

    static InetSocketAddress at(String ip, int port) {
        try {
            return new InetSocketAddress(java.net.InetAddress.getByName(ip), port); // a literal: no lookup
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
