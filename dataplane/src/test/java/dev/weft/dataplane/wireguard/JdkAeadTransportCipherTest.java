package dev.weft.dataplane.wireguard;

/** The benchmark's former transport cipher (the JDK's AEAD): the same bytes, and its ~2.2 KB per init. */
class JdkAeadTransportCipherTest extends TransportCipherTest {
    @Override
    TransportAead implementation() {
        return TransportAead.of("jdk-aead");
    }

    @Override
    long allocationBudgetPerPacket() {
        return 6000;
    }
}
