/**
 * Public cryptographic primitives shared by the WireGuard implementation and weft's control
 * channel: X25519, ChaCha20-Poly1305, XChaCha20-Poly1305 and HKDF over HMAC-BLAKE2s.
 */
package dev.weft.dataplane.crypto;
