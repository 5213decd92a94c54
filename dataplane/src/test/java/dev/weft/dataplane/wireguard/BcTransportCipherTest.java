package dev.weft.dataplane.wireguard;

import io.netty.buffer.ByteBuf;

/** The benchmark's allocation-free candidate: the same bytes as the JDK, and truly no allocation. */
class BcTransportCipherTest extends TransportCipherTest {
    @Override
    Cipher implementation() {
        BcTransportCipher c = new BcTransportCipher();
        return new Cipher() {
            public boolean seal(ChaChaKey k, long n, ByteBuf b, int o, int l) {
                return c.seal(k, n, b, o, l);
            }

            public int open(ChaChaKey k, long n, ByteBuf b, int o, int l) {
                return c.open(k, n, b, o, l);
            }
        };
    }

    @Override
    long allocationBudgetPerPacket() {
        return 0;
    }
}
