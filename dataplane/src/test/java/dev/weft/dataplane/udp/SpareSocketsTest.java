package dev.weft.dataplane.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Spare sockets as birthday probing uses them, on loopback: openers from each, a reply to one, pinning. */
class SpareSocketsTest {
    @Test
    void theSpareThatHeardFromAPeerCarriesEverythingSentToItOnceItIsPinned() throws Exception {
        BlockingQueue<InetSocketAddress> control = new LinkedBlockingQueue<>();
        try (UdpEndpoint udp = UdpEndpoint.bind(0, 2048, (b, from) -> b.release(), (b, from) -> {
                b.release();
                control.add(from);
            });
             DatagramSocket peer = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            peer.setSoTimeout(5_000);
            InetSocketAddress peerAddress = (InetSocketAddress) peer.getLocalSocketAddress();
            SpareSockets spares = udp.openSpares(8);
            assertEquals(8, spares.size());
            spares.sendFromEach(new byte[] {SpareSockets.OPENER}, peerAddress);
            Set<Integer> ports = new HashSet<>();
            InetSocketAddress third = null;
            for (int i = 0; i < 8; i++) {
                DatagramPacket p = new DatagramPacket(new byte[16], 16);
                peer.receive(p);
                assertEquals(1, p.getLength());
                assertEquals(SpareSockets.OPENER, p.getData()[0]);
                ports.add(p.getPort());
                if (i == 2) {
                    third = (InetSocketAddress) p.getSocketAddress();
                }
            }
            assertEquals(8, ports.size(), "each from a socket of its own");
            assertTrue(!ports.contains(udp.port()));

            // the peer's probe reaches one spare: handled as on the main socket, and remembered
            peer.send(new DatagramPacket(new byte[] {(byte) 0xF1, 1}, 2, third));
            assertEquals(peerAddress, control.poll(5, TimeUnit.SECONDS));
            int index = spares.heardOn(peerAddress);
            assertTrue(index >= 0);
            assertEquals(-1, spares.heardOn(new InetSocketAddress(InetAddress.getLoopbackAddress(), 1)));

            spares.pin(index, peerAddress);
            spares.close(); // the others close; the pinned one stays
            ByteBuf out = Unpooled.wrappedBuffer(new byte[] {(byte) 0xF1, 2});
            udp.send(out, peerAddress);
            DatagramPacket p = new DatagramPacket(new byte[16], 16);
            peer.receive(p);
            assertEquals(third.getPort(), p.getPort(), "sent from the pinned spare, not the main socket");
            assertTrue(udp.pinnedDestinations().contains(peerAddress));

            udp.unpin(peerAddress);
            udp.send(Unpooled.wrappedBuffer(new byte[] {(byte) 0xF1, 3}), peerAddress);
            peer.receive(p);
            assertEquals(udp.port(), p.getPort(), "unpinned: from the main socket again");
            assertNotEquals(third.getPort(), udp.port());
        }
    }
}
