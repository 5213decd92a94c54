package dev.weft.certs;

import java.io.IOException;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;

/** Standard encodings of weft's keys: PKCS#8 for private keys, SubjectPublicKeyInfo for public ones. */
final class KeyCodec {
  private KeyCodec() {}

  /**
   * PKCS#8 version 1 as RFC 8410 shows it, without the optional public key: OpenSSL 3.0 refuses
   * the version 2 form that BouncyCastle writes by default.
   */
  static byte[] pkcs8(AsymmetricKeyParameter privateKey) {
    try {
      byte[] raw;
      org.bouncycastle.asn1.ASN1ObjectIdentifier oid;
      if (privateKey instanceof X25519PrivateKeyParameters x) {
        raw = x.getEncoded();
        oid = EdECObjectIdentifiers.id_X25519;
      } else if (privateKey instanceof Ed25519PrivateKeyParameters ed) {
        raw = ed.getEncoded();
        oid = EdECObjectIdentifiers.id_Ed25519;
      } else {
        throw new IllegalArgumentException("weft keys are X25519 or Ed25519");
      }
      var info =
          new PrivateKeyInfo(
              new org.bouncycastle.asn1.x509.AlgorithmIdentifier(oid),
              new org.bouncycastle.asn1.DEROctetString(raw));
      java.util.Arrays.fill(raw, (byte) 0);
      return info.getEncoded();
    } catch (IOException e) {
      throw new AssertionError(e); // encoding our own key does not fail
    }
  }

  static byte[] spki(AsymmetricKeyParameter publicKey) {
    try {
      return SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(publicKey).getEncoded();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static AsymmetricKeyParameter privateKey(byte[] der, String what) throws CertsException {
    try {
      PrivateKeyInfo info = PrivateKeyInfo.getInstance(der);
      var alg = info.getPrivateKeyAlgorithm().getAlgorithm();
      if (!alg.equals(EdECObjectIdentifiers.id_X25519) && !alg.equals(EdECObjectIdentifiers.id_Ed25519)) {
        throw new CertsException(what + ": unsupported key type " + alg + " (weft uses X25519 and Ed25519)");
      }
      return PrivateKeyFactory.createKey(info);
    } catch (IOException | RuntimeException e) {
      throw new CertsException(what + ": malformed private key");
    }
  }

  static AsymmetricKeyParameter publicKey(byte[] der, String what) throws CertsException {
    try {
      return publicKey(SubjectPublicKeyInfo.getInstance(der), what);
    } catch (RuntimeException e) {
      throw new CertsException(what + ": malformed public key");
    }
  }

  static AsymmetricKeyParameter publicKey(SubjectPublicKeyInfo info, String what) throws CertsException {
    try {
      var alg = info.getAlgorithm().getAlgorithm();
      if (!alg.equals(EdECObjectIdentifiers.id_X25519) && !alg.equals(EdECObjectIdentifiers.id_Ed25519)) {
        throw new CertsException(what + ": unsupported key type " + alg + " (weft uses X25519 and Ed25519)");
      }
      return PublicKeyFactory.createKey(info);
    } catch (IOException | RuntimeException e) {
      throw new CertsException(what + ": malformed public key");
    }
  }

  static boolean isX25519(AsymmetricKeyParameter k) {
    return k instanceof X25519PrivateKeyParameters || k instanceof X25519PublicKeyParameters;
  }

  static boolean isEd25519(AsymmetricKeyParameter k) {
    return k instanceof Ed25519PrivateKeyParameters || k instanceof Ed25519PublicKeyParameters;
  }
}
