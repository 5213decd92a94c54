/**
 * Relays: frames {@code [0xF2][binding id, 8 bytes big-endian][WireGuard datagram]} that carry
 * WireGuard ciphertext between two members that cannot reach each other directly. The relay
 * role ({@link dev.weft.dataplane.relay.RelayForwarder}) forwards frames between the two
 * addresses of a binding and sees no plaintext; {@link dev.weft.dataplane.relay.RelayClients}
 * unwraps frames for the local WireGuard device. Which bindings exist is decided by the control
 * protocol (lighthouse/).
 */
package dev.weft.dataplane.relay;
