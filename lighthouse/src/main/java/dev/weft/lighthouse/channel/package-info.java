/**
 * The sealed control channel on the node's UDP socket: hellos that prove a certificate, sealed
 * messages between verified peers (XChaCha20-Poly1305 under an X25519 static-static key), replay
 * protection, rate limits for the unauthenticated, ping/pong with the reflexive address.
 */
package dev.weft.lighthouse.channel;
