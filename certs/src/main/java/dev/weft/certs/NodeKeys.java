package dev.weft.certs;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;

/**
 * A node's two private keys: X25519 (its WireGuard static key, the subject key of its
 * certificate) and Ed25519 (signs its gossip records). Made on the node; only {@link #publicKeys()}
 * travels to the CA. The key file holds two PKCS#8 {@code PRIVATE KEY} PEM blocks, mode 0600.
 */
public final class NodeKeys {
  private final X25519PrivateKeyParameters x25519;
  private final Ed25519PrivateKeyParameters ed25519;

  private NodeKeys(X25519PrivateKeyParameters x25519, Ed25519PrivateKeyParameters ed25519) {
    this.x25519 = x25519;
    this.ed25519 = ed25519;
  }

  public static NodeKeys generate(SecureRandom random) {
    return new NodeKeys(new X25519PrivateKeyParameters(random), new Ed25519PrivateKeyParameters(random));
  }

  /** Reads a key file written by {@code weft cert keygen} or {@code weft cert sign --out-key}. */
  public static NodeKeys load(Path keyFile) throws CertsException {
    return parse(SecureFiles.read(keyFile), keyFile.toString());
  }

  static NodeKeys parse(byte[] pem, String what) throws CertsException {
    X25519PrivateKeyParameters x = null;
    Ed25519PrivateKeyParameters ed = null;
    for (byte[] der : Pem.readOfType(pem, what, "PRIVATE KEY")) {
      AsymmetricKeyParameter k = KeyCodec.privateKey(der, what);
      if (k instanceof X25519PrivateKeyParameters p && x == null) {
        x = p;
      } else if (k instanceof Ed25519PrivateKeyParameters p && ed == null) {
        ed = p;
      } else {
        throw new CertsException(what + ": more than one key of a kind");
      }
    }
    if (x == null || ed == null) {
      throw new CertsException(what + ": a node key file needs an X25519 and an Ed25519 private key");
    }
    return new NodeKeys(x, ed);
  }

  /** Writes the key file with mode 0600. */
  public void save(Path keyFile, boolean force) throws CertsException {
    String pem = Pem.write("PRIVATE KEY", KeyCodec.pkcs8(x25519)) + Pem.write("PRIVATE KEY", KeyCodec.pkcs8(ed25519));
    SecureFiles.write(keyFile, pem.getBytes(StandardCharsets.US_ASCII), true, force);
  }

  public NodePublicKeys publicKeys() {
    return new NodePublicKeys(x25519.generatePublicKey().getEncoded(), ed25519.generatePublicKey().getEncoded());
  }

  /** The raw 32-byte X25519 private key (a copy; the caller should zero it after use). */
  public byte[] x25519Private() {
    return x25519.getEncoded();
  }

  public byte[] x25519Public() {
    return x25519.generatePublicKey().getEncoded();
  }

  /** The raw 32-byte Ed25519 private key seed (a copy; the caller should zero it after use). */
  public byte[] ed25519Private() {
    return ed25519.getEncoded();
  }

  public byte[] ed25519Public() {
    return ed25519.generatePublicKey().getEncoded();
  }

  /** The X25519 public key in base64, exactly as {@code wg pubkey} prints it. */
  public String x25519PublicBase64() {
    return Base64.getEncoder().encodeToString(x25519Public());
  }

  /** Signs {@code message} with the Ed25519 key (record signing). */
  public byte[] sign(byte[] message) {
    var signer = new org.bouncycastle.crypto.signers.Ed25519Signer();
    signer.init(true, ed25519);
    signer.update(message, 0, message.length);
    return signer.generateSignature();
  }

  @Override
  public String toString() {
    return "NodeKeys[" + x25519PublicBase64() + "]"; // never the private halves
  }
}
