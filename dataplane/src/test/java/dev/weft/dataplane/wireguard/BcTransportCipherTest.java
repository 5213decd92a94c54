package dev.weft.dataplane.wireguard;

/** The benchmark's allocation-free candidate: the same bytes as the JDK, and truly no allocation. */
class BcTransportCipherTest extends TransportCipherTest {
    @Override
    TransportAead implementation() {
        return TransportAead.of("bc");
    }

    @Override
    long allocationBudgetPerPacket() {
        return 0;
    }
}
