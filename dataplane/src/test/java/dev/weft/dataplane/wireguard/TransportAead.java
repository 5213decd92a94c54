package dev.weft.dataplane.wireguard;

import io.netty.buffer.ByteBuf;

/**
 * The transport cipher implementations behind one shape, for their tests and
 * {@link TransportCipherBenchmark}: {@code weft} ({@link TransportCipher}, in use), {@code jdk-aead}
 * ({@link JdkAeadTransportCipher}) and {@code bc} ({@link BcTransportCipher}).
 */
interface TransportAead {
    boolean seal(ChaChaKey key, long counter, ByteBuf buf, int offset, int length);

    int open(ChaChaKey key, long counter, ByteBuf buf, int offset, int length);

    static TransportAead of(String implementation) {
        return switch (implementation) {
            case "weft" -> {
                TransportCipher c = new TransportCipher(); // main code: it cannot implement a test interface
                yield new TransportAead() {
                    public boolean seal(ChaChaKey key, long counter, ByteBuf buf, int offset, int length) {
                        return c.seal(key, counter, buf, offset, length);
                    }

                    public int open(ChaChaKey key, long counter, ByteBuf buf, int offset, int length) {
                        return c.open(key, counter, buf, offset, length);
                    }
                };
            }
            case "jdk-aead" -> new JdkAeadTransportCipher();
            case "bc" -> new BcTransportCipher();
            default -> throw new IllegalArgumentException("no transport cipher " + implementation);
        };
    }
}
