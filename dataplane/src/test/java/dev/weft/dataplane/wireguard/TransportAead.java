package dev.weft.dataplane.wireguard;

import io.netty.buffer.ByteBuf;

/**
 * The transport cipher implementations behind one shape, for their tests and
 * {@link TransportCipherBenchmark}: {@code weft} ({@link TransportCipher}, in use), {@code weft-scalar}
 * (the same without Poly1305's vector lanes), {@code weft-lanes} (with them from the first packet on,
 * no warm-up), {@code jdk-aead}
 * ({@link JdkAeadTransportCipher}) and {@code bc} ({@link BcTransportCipher}).
 */
interface TransportAead {
    boolean seal(ChaChaKey key, long counter, ByteBuf buf, int offset, int length);

    int open(ChaChaKey key, long counter, ByteBuf buf, int offset, int length);

    static TransportAead of(String implementation) {
        return switch (implementation) {
            case "weft" -> of(new TransportCipher());
            case "weft-scalar" -> of(new TransportCipher(LaneWarmUp.never()));
            case "weft-lanes" -> of(new TransportCipher(LaneWarmUp.skipped()));
            case "jdk-aead" -> new JdkAeadTransportCipher();
            case "bc" -> new BcTransportCipher();
            default -> throw new IllegalArgumentException("no transport cipher " + implementation);
        };
    }

    private static TransportAead of(TransportCipher c) {
        // main code: it cannot implement a test interface
        return new TransportAead() {
            public boolean seal(ChaChaKey key, long counter, ByteBuf buf, int offset, int length) {
                return c.seal(key, counter, buf, offset, length);
            }

            public int open(ChaChaKey key, long counter, ByteBuf buf, int offset, int length) {
                return c.open(key, counter, buf, offset, length);
            }
        };
    }
}
