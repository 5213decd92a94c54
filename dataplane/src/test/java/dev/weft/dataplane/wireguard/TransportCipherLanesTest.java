package dev.weft.dataplane.wireguard;

/**
 * {@link TransportCipherTest} with Poly1305's vector lanes from the first packet on (where the JVM
 * has them, {@link Poly1305LanesTest}): the same bytes, the same refusals, and once compiled the
 * lanes allocate nothing either (every vector kept in registers).
 */
class TransportCipherLanesTest extends TransportCipherTest {
    @Override
    TransportAead implementation() {
        return TransportAead.of("weft-lanes");
    }
}
