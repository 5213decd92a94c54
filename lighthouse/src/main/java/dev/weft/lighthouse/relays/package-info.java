/**
 * Relays as the last resort: a member asks a relay (a verified channel peer with
 * {@code am_relay}) to bind it to another member; the relay answers both with an offer of a
 * binding id and forwards WireGuard ciphertext between them (dataplane's {@code relay}
 * package). Control messages ride the sealed control channel as kind
 * {@link dev.weft.lighthouse.channel.ChannelKind#RELAY}; wire format in lighthouse/README.md.
 */
package dev.weft.lighthouse.relays;
