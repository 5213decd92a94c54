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

    interface Seal {
        boolean seal(ChaChaKey key, long counter, ByteBuf buf, int offset, int length);
    }

    interface Open {
        int open(ChaChaKey key, long counter, ByteBuf buf, int offset, int length);
    }

    record Of(Seal sealer, Open opener) implements TransportAead {
        public boolean seal(ChaChaKey key, long counter, ByteBuf buf, int offset, int length) {
            return sealer.seal(key, counter, buf, offset, length);
        }

        public int open(ChaChaKey key, long counter, ByteBuf buf, int offset, int length) {
            return opener.open(key, counter, buf, offset, length);
        }
    }

    static TransportAead of(String implementation) {
        return switch (implementation) {
            case "weft" -> {
                TransportCipher c = new TransportCipher();
                yield new Of(c::seal, c::open);
            }
            case "jdk-aead" -> {
                JdkAeadTransportCipher c = new JdkAeadTransportCipher();
                yield new Of(c::seal, c::open);
            }
            case "bc" -> {
                BcTransportCipher c = new BcTransportCipher();
                yield new Of(c::seal, c::open);
            }
            default -> throw new IllegalArgumentException("no transport cipher " + implementation);
        };
    }
}
