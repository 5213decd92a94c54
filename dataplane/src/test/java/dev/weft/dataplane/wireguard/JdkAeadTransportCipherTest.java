package dev.weft.dataplane.wireguard;

import io.netty.buffer.ByteBuf;

/** The benchmark's former transport cipher (the JDK's AEAD): the same bytes, and its ~2.2 KB per init. */
class JdkAeadTransportCipherTest extends TransportCipherTest {
    @Override
    Cipher implementation() {
        JdkAeadTransportCipher c = new JdkAeadTransportCipher();
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
        return 6000;
    }
}
