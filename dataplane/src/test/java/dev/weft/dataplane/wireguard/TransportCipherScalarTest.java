package dev.weft.dataplane.wireguard;

/** {@link TransportCipherTest} with the scalar Poly1305 alone, as on a JVM without the Vector API. */
class TransportCipherScalarTest extends TransportCipherTest {
    @Override
    TransportAead implementation() {
        return TransportAead.of("weft-scalar");
    }
}
