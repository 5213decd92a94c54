package dev.weft.certs;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;

/**
 * The public halves of a node's keys, as the CA receives them: a file of two {@code PUBLIC KEY}
 * (SubjectPublicKeyInfo) PEM blocks, X25519 and Ed25519.
 *
 * @param x25519 32 raw bytes
 * @param ed25519 32 raw bytes
 */
public record NodePublicKeys(byte[] x25519, byte[] ed25519) {
  public NodePublicKeys {
    if (x25519.length != 32 || ed25519.length != 32) {
      throw new IllegalArgumentException("keys are 32 bytes");
    }
    x25519 = x25519.clone();
    ed25519 = ed25519.clone();
  }

  @Override
  public byte[] x25519() {
    return x25519.clone();
  }

  @Override
  public byte[] ed25519() {
    return ed25519.clone();
  }

  public static NodePublicKeys load(Path file) throws CertsException {
    return parse(SecureFiles.read(file), file.toString());
  }

  static NodePublicKeys parse(byte[] pem, String what) throws CertsException {
    byte[] x = null;
    byte[] ed = null;
    for (byte[] der : Pem.readOfType(pem, what, "PUBLIC KEY")) {
      AsymmetricKeyParameter k = KeyCodec.publicKey(der, what);
      if (k instanceof X25519PublicKeyParameters p && x == null) {
        x = p.getEncoded();
      } else if (k instanceof Ed25519PublicKeyParameters p && ed == null) {
        ed = p.getEncoded();
      } else {
        throw new CertsException(what + ": more than one key of a kind");
      }
    }
    if (x == null || ed == null) {
      throw new CertsException(what + ": a node public key file needs an X25519 and an Ed25519 key");
    }
    return new NodePublicKeys(x, ed);
  }

  public void save(Path file, boolean force) throws CertsException {
    String pem =
        Pem.write("PUBLIC KEY", KeyCodec.spki(new X25519PublicKeyParameters(x25519)))
            + Pem.write("PUBLIC KEY", KeyCodec.spki(new Ed25519PublicKeyParameters(ed25519)));
    SecureFiles.write(file, pem.getBytes(StandardCharsets.US_ASCII), false, force);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NodePublicKeys k
        && java.util.Arrays.equals(k.x25519, x25519)
        && java.util.Arrays.equals(k.ed25519, ed25519);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(x25519);
  }

  @Override
  public String toString() {
    return "NodePublicKeys[" + Base64.getEncoder().encodeToString(x25519) + "]";
  }
}
