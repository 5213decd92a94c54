package dev.weft.dataplane.wireguard;

import static dev.weft.dataplane.wireguard.ReferenceNoise.concat;
import static dev.weft.dataplane.wireguard.ReferenceNoise.dh;
import static dev.weft.dataplane.wireguard.ReferenceNoise.hash;
import static dev.weft.dataplane.wireguard.ReferenceNoise.kdf;
import static dev.weft.dataplane.wireguard.ReferenceNoise.le32;
import static dev.weft.dataplane.wireguard.ReferenceNoise.le64;
import static dev.weft.dataplane.wireguard.ReferenceNoise.mac;
import static dev.weft.dataplane.wireguard.ReferenceNoise.open;
import static dev.weft.dataplane.wireguard.ReferenceNoise.seal;
import static dev.weft.dataplane.wireguard.ReferenceNoise.slice;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.dataplane.crypto.XChaCha20Poly1305;
import dev.weft.ip.IpPrefix;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The device against {@link ReferenceNoise}: every byte it sends is checked against values
 * computed independently from the whitepaper, in both roles, with and without a PSK.
 */
class HandshakeReferenceTest {
    final SecureRandom random = new SecureRandom();
    final ManualClock clock = new ManualClock();
    final List<byte[]> sent = new ArrayList<>();
    final List<byte[]> delivered = new ArrayList<>();
    final InetSocketAddress refAddress = new InetSocketAddress("192.0.2.10", 51820);
    WireGuardDevice device;

    final PacketSink sink = new PacketSink() {
        @Override
        public void sendDatagram(ByteBuf datagram, InetSocketAddress to) {
            assertEquals(refAddress, to);
            byte[] b = new byte[datagram.readableBytes()];
            datagram.readBytes(b);
            datagram.release();
            sent.add(b);
        }

        @Override
        public void deliverPacket(ByteBuf ipPacket) {
            byte[] b = new byte[ipPacket.readableBytes()];
            ipPacket.readBytes(b);
            ipPacket.release();
            delivered.add(b);
        }
    };

    @AfterEach
    void close() {
        device.close();
    }

    byte[] key() {
        byte[] k = new byte[32];
        random.nextBytes(k);
        k[0] &= (byte) 248;
        k[31] &= 127;
        k[31] |= 64;
        return k;
    }

    void receive(byte[] msg) {
        device.receiveDatagram(Unpooled.wrappedBuffer(msg), refAddress);
    }

    @Test
    void referenceInitiatesDeviceResponds() {
        byte[] psk = new byte[32];
        random.nextBytes(psk);
        byte[] srPriv = key();
        device = new WireGuardDevice(srPriv, sink, clock, WireGuardOptions.standard(), UnpooledByteBufAllocator.DEFAULT);
        byte[] srPub = ReferenceNoise.publicKey(srPriv);
        assertArrayEquals(srPub, device.publicKey());
        byte[] siPriv = key();
        byte[] siPub = ReferenceNoise.publicKey(siPriv);
        device.addPeer(new PeerConfig(siPub, psk, null, List.of(IpPrefix.parse("100.64.0.10/32")), 0));

        // Initiator, whitepaper 5.4.2.
        byte[] ci = hash(ReferenceNoise.CONSTRUCTION);
        byte[] hi = hash(ci, ReferenceNoise.IDENTIFIER);
        hi = hash(hi, srPub);
        byte[] eiPriv = key();
        byte[] eiPub = ReferenceNoise.publicKey(eiPriv);
        ci = kdf(1, ci, eiPub)[0];
        hi = hash(hi, eiPub);
        byte[][] t = kdf(2, ci, dh(eiPriv, srPub));
        ci = t[0];
        byte[] encStatic = seal(t[1], 0, siPub, hi);
        hi = hash(hi, encStatic);
        t = kdf(2, ci, dh(siPriv, srPub));
        ci = t[0];
        byte[] tai = Hex.of("400000006a01234500000000");
        byte[] encTs = seal(t[1], 0, tai, hi);
        hi = hash(hi, encTs);
        byte[] init = new byte[148];
        init[0] = 1;
        int senderIndex = 0x11223344;
        ReferenceNoise.putLe32(init, 4, senderIndex);
        System.arraycopy(eiPub, 0, init, 8, 32);
        System.arraycopy(encStatic, 0, init, 40, 48);
        System.arraycopy(encTs, 0, init, 88, 28);
        System.arraycopy(mac(hash(ReferenceNoise.LABEL_MAC1, srPub), init, 116), 0, init, 116, 16);
        receive(init);

        assertEquals(1, sent.size(), "one response");
        byte[] resp = sent.get(0);
        assertEquals(92, resp.length);
        assertArrayEquals(new byte[] {2, 0, 0, 0}, slice(resp, 0, 4));
        assertEquals(senderIndex, le32(resp, 8), "receiver is our sender index");
        assertArrayEquals(mac(hash(ReferenceNoise.LABEL_MAC1, siPub), resp, 60), slice(resp, 60, 16), "mac1");
        assertArrayEquals(new byte[16], slice(resp, 76, 16), "mac2 zero without cookie");
        // Responder formulas, 5.4.3, verified from the initiator's side.
        byte[] erPub = slice(resp, 12, 32);
        byte[] cr = kdf(1, ci, erPub)[0];
        byte[] hr = hash(hi, erPub);
        cr = kdf(1, cr, dh(eiPriv, erPub))[0];
        cr = kdf(1, cr, dh(siPriv, erPub))[0];
        t = kdf(3, cr, psk);
        cr = t[0];
        hr = hash(hr, t[1]);
        assertEquals(0, open(t[2], 0, slice(resp, 44, 16), hr).length);
        // 5.4.5: initiator sends with the first key, receives with the second.
        t = kdf(2, cr, new byte[0]);
        byte[] sendKey = t[0];
        byte[] recvKey = t[1];
        int responderIndex = le32(resp, 4);

        byte[] packet = Packets.ipv4("100.64.0.10", "100.64.0.1", 33, 5);
        byte[] padded = java.util.Arrays.copyOf(packet, 64);
        byte[] data = new byte[16];
        data[0] = 4;
        ReferenceNoise.putLe32(data, 4, responderIndex);
        receive(concat(data, seal(sendKey, 0, padded, new byte[0])));
        assertEquals(1, delivered.size());
        assertArrayEquals(packet, delivered.get(0));

        device.addPeer(new PeerConfig(siPub, psk, null, List.of(IpPrefix.parse("100.64.0.10/32")), 0));
        byte[] back = Packets.ipv4("100.64.0.1", "100.64.0.10", 100, 6);
        device.sendPacket(Unpooled.wrappedBuffer(back));
        byte[] msg = sent.get(sent.size() - 1);
        assertArrayEquals(new byte[] {4, 0, 0, 0}, slice(msg, 0, 4));
        assertEquals(senderIndex, le32(msg, 4));
        assertEquals(0, le64(msg, 8), "first counter is 0");
        assertEquals(16 + 128 + 16, msg.length, "120 bytes padded to 128");
        byte[] plain = open(recvKey, 0, slice(msg, 16, msg.length - 16), new byte[0]);
        assertArrayEquals(java.util.Arrays.copyOf(back, 128), plain);
    }

    @Test
    void deviceInitiatesReferenceResponds() {
        byte[] siPriv = key();
        device = new WireGuardDevice(siPriv, sink, clock, WireGuardOptions.standard(), UnpooledByteBufAllocator.DEFAULT);
        byte[] siPub = ReferenceNoise.publicKey(siPriv);
        byte[] srPriv = key();
        byte[] srPub = ReferenceNoise.publicKey(srPriv);
        device.addPeer(new PeerConfig(srPub, null, refAddress, List.of(IpPrefix.parse("fd00::10/128")), 0));

        byte[] packet = Packets.ipv6("fd00::1", "fd00::10", 64, 9);
        device.sendPacket(Unpooled.wrappedBuffer(packet));
        assertEquals(1, sent.size());
        byte[] init = sent.get(0);
        assertEquals(148, init.length);
        assertArrayEquals(new byte[] {1, 0, 0, 0}, slice(init, 0, 4));
        assertArrayEquals(mac(hash(ReferenceNoise.LABEL_MAC1, srPub), init, 116), slice(init, 116, 16), "mac1");
        assertArrayEquals(new byte[16], slice(init, 132, 16), "mac2");

        // Responder consuming, 5.4.2 from the other side.
        byte[] cr = hash(ReferenceNoise.CONSTRUCTION);
        byte[] hr = hash(cr, ReferenceNoise.IDENTIFIER);
        hr = hash(hr, srPub);
        byte[] eiPub = slice(init, 8, 32);
        cr = kdf(1, cr, eiPub)[0];
        hr = hash(hr, eiPub);
        byte[][] t = kdf(2, cr, dh(srPriv, eiPub));
        cr = t[0];
        assertArrayEquals(siPub, open(t[1], 0, slice(init, 40, 48), hr), "static key");
        hr = hash(hr, slice(init, 40, 48));
        t = kdf(2, cr, dh(srPriv, siPub));
        cr = t[0];
        byte[] tai = open(t[1], 0, slice(init, 88, 28), hr);
        long seconds = java.nio.ByteBuffer.wrap(tai, 0, 8).getLong() - 0x400000000000000aL;
        assertEquals(clock.now().getEpochSecond(), seconds, "TAI64N timestamp");
        hr = hash(hr, slice(init, 88, 28));

        // Response, 5.4.3.
        byte[] erPriv = key();
        byte[] erPub = ReferenceNoise.publicKey(erPriv);
        cr = kdf(1, cr, erPub)[0];
        hr = hash(hr, erPub);
        cr = kdf(1, cr, dh(erPriv, eiPub))[0];
        cr = kdf(1, cr, dh(erPriv, siPub))[0];
        t = kdf(3, cr, new byte[32]);
        cr = t[0];
        hr = hash(hr, t[1]);
        byte[] empty = seal(t[2], 0, new byte[0], hr);
        byte[] resp = new byte[92];
        resp[0] = 2;
        ReferenceNoise.putLe32(resp, 4, 0x55667788);
        System.arraycopy(init, 4, resp, 8, 4);
        System.arraycopy(erPub, 0, resp, 12, 32);
        System.arraycopy(empty, 0, resp, 44, 16);
        System.arraycopy(mac(hash(ReferenceNoise.LABEL_MAC1, siPub), resp, 60), 0, resp, 60, 16);
        t = kdf(2, cr, new byte[0]);
        byte[] recvKey = t[0];
        byte[] sendKey = t[1];
        receive(resp);

        assertEquals(2, sent.size(), "the staged packet follows the handshake");
        byte[] msg = sent.get(1);
        assertEquals(0x55667788, le32(msg, 4));
        assertEquals(0, le64(msg, 8));
        assertArrayEquals(java.util.Arrays.copyOf(packet, 112), open(recvKey, 0, slice(msg, 16, msg.length - 16),
                new byte[0]));

        byte[] reply = Packets.ipv6("fd00::10", "fd00::1", 20, 4);
        byte[] header = new byte[16];
        header[0] = 4;
        System.arraycopy(init, 4, header, 4, 4);
        header[8] = 0;
        receive(concat(header, seal(sendKey, 0, java.util.Arrays.copyOf(reply, 64), new byte[0])));
        assertEquals(1, delivered.size());
        assertArrayEquals(reply, delivered.get(0));
        assertTrue(device.peers().get(0).lastHandshake() != null);
    }

    /** An initiation built by the reference, with the state the initiator keeps. */
    record RefInit(byte[] msg, byte[] chainKey, byte[] hash, byte[] ephemeralPrivate) {
    }

    RefInit initiation(byte[] siPriv, byte[] siPub, byte[] srPub, byte[] tai, int senderIndex) {
        byte[] ci = hash(ReferenceNoise.CONSTRUCTION);
        byte[] hi = hash(hash(ci, ReferenceNoise.IDENTIFIER), srPub);
        byte[] eiPriv = key();
        byte[] eiPub = ReferenceNoise.publicKey(eiPriv);
        ci = kdf(1, ci, eiPub)[0];
        hi = hash(hi, eiPub);
        byte[][] t = kdf(2, ci, dh(eiPriv, srPub));
        ci = t[0];
        byte[] encStatic = seal(t[1], 0, siPub, hi);
        hi = hash(hi, encStatic);
        t = kdf(2, ci, dh(siPriv, srPub));
        ci = t[0];
        byte[] encTs = seal(t[1], 0, tai, hi);
        hi = hash(hi, encTs);
        byte[] init = new byte[148];
        init[0] = 1;
        ReferenceNoise.putLe32(init, 4, senderIndex);
        System.arraycopy(eiPub, 0, init, 8, 32);
        System.arraycopy(encStatic, 0, init, 40, 48);
        System.arraycopy(encTs, 0, init, 88, 28);
        System.arraycopy(mac(hash(ReferenceNoise.LABEL_MAC1, srPub), init, 116), 0, init, 116, 16);
        return new RefInit(init, ci, hi, eiPriv);
    }

    @Test
    void cookieReplyUnderLoadAndMac2() {
        byte[] srPriv = key();
        device = new WireGuardDevice(srPriv, sink, clock, WireGuardOptions.standard().withUnderLoadHandshakesPerSecond(1),
                UnpooledByteBufAllocator.DEFAULT);
        byte[] srPub = ReferenceNoise.publicKey(srPriv);
        byte[] siPriv = key();
        byte[] siPub = ReferenceNoise.publicKey(siPriv);
        device.addPeer(new PeerConfig(siPub, null, null, List.of(IpPrefix.parse("100.64.0.10/32")), 0));

        receive(initiation(siPriv, siPub, srPub, Hex.of("400000006a01234500000000"), 1).msg());
        assertEquals(2, sent.get(0)[0], "below the threshold: a response");
        clock.advance(java.time.Duration.ofMillis(100), () -> { });
        RefInit second = initiation(siPriv, siPub, srPub, Hex.of("400000006a01234600000000"), 2);
        receive(second.msg());
        assertEquals(2, sent.size());
        byte[] reply = sent.get(1);
        assertEquals(64, reply.length, "under load: a cookie reply");
        assertArrayEquals(new byte[] {3, 0, 0, 0}, slice(reply, 0, 4));
        assertEquals(2, le32(reply, 4), "receiver is the initiation's sender");
        // XChaCha20-Poly1305: HChaCha20 subkey, then ChaCha20-Poly1305 with nonce 0^4 || nonce[16..24).
        byte[] nonce = slice(reply, 8, 24);
        byte[] subkey = XChaCha20Poly1305.hChaCha20(hash("cookie--".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                srPub), nonce);
        long counter = le64(nonce, 16);
        byte[] cookie = open(subkey, counter, slice(reply, 32, 32), slice(second.msg(), 116, 16));
        assertEquals(16, cookie.length);

        clock.advance(java.time.Duration.ofMillis(100), () -> { });
        byte[] withMac2 = second.msg().clone();
        System.arraycopy(mac(cookie, withMac2, 132), 0, withMac2, 132, 16);
        receive(withMac2);
        assertEquals(3, sent.size());
        assertEquals(2, sent.get(2)[0], "a valid mac2 gets a response while under load");
        assertEquals(2, le32(sent.get(2), 8));
        assertEquals(1, device.counters().cookiesSent());
    }
}
