/**
 * Node identity for weft: the CA, node key pairs, X.509 certificates with weft's extensions,
 * and verification of peer certificates against a bundle of trusted CAs.
 *
 * <p>Entry points for other modules: {@link dev.weft.certs.NodeKeys}, {@link
 * dev.weft.certs.TrustBundle}, {@link dev.weft.certs.RevocationSet} and the {@link
 * dev.weft.certs.Revocation}s it takes, {@link
 * dev.weft.certs.CertificateVerifier} and the {@link dev.weft.certs.NodeIdentity} it yields.
 */
package dev.weft.certs;
