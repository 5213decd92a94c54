package dev.weft.dataplane.wireguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.weft.dataplane.crypto.Curve25519;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Packets no peer routes go to the route-miss handler (sessions on demand) or are dropped and counted. */
class RouteMissTest {
    private final List<ByteBuf> sent = new ArrayList<>();
    private final WireGuardDevice device = new WireGuardDevice(Curve25519.generatePrivateKey(new SecureRandom()), new PacketSink() {
        @Override
        public void sendDatagram(ByteBuf datagram, InetSocketAddress to) {
            sent.add(datagram);
        }

        @Override
        public void deliverPacket(ByteBuf ipPacket) {
            ipPacket.release();
        }
    });

    private static ByteBuf ipv4To(int a, int b, int c, int d) {
        ByteBuf p = Unpooled.buffer(28);
        p.writeByte(0x45).writeByte(0).writeShort(28).writeInt(0).writeByte(64).writeByte(17).writeShort(0);
        p.writeBytes(new byte[] {100, 64, 0, 1}).writeBytes(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        p.writeLong(0);
        return p;
    }

    @Test
    void aHandlerThatTakesThePacketOwnsItAndNothingIsCountedAsNoRoute() {
        List<ByteBuf> taken = new ArrayList<>();
        device.setRouteMissHandler(packet -> taken.add(packet));
        ByteBuf packet = ipv4To(100, 64, 0, 9);
        device.sendPacket(packet);
        assertEquals(1, taken.size());
        assertSame(packet, taken.get(0));
        assertEquals(1, packet.refCnt(), "the handler owns it now");
        assertEquals(0, device.counters().noRoute());
        packet.release();
    }

    @Test
    void aHandlerThatDeclinesLeavesThePacketToBeDroppedAndCounted() {
        device.setRouteMissHandler(packet -> false);
        ByteBuf packet = ipv4To(100, 64, 0, 9);
        device.sendPacket(packet);
        assertEquals(0, packet.refCnt());
        assertEquals(1, device.counters().noRoute());
        device.setRouteMissHandler(null);
        device.sendPacket(ipv4To(100, 64, 0, 10));
        assertEquals(2, device.counters().noRoute());
        assertEquals(0, sent.size());
    }
}
