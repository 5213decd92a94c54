package dev.weft.certs;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.operator.ContentSigner;

/** Signs certificates with BouncyCastle's Ed25519 directly, without registering a JCA provider. */
final class Ed25519ContentSigner implements ContentSigner {
  private static final AlgorithmIdentifier ED25519 = new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519);
  private final Ed25519PrivateKeyParameters key;
  private final ByteArrayOutputStream tbs = new ByteArrayOutputStream();

  Ed25519ContentSigner(Ed25519PrivateKeyParameters key) {
    this.key = key;
  }

  @Override
  public AlgorithmIdentifier getAlgorithmIdentifier() {
    return ED25519;
  }

  @Override
  public OutputStream getOutputStream() {
    return tbs;
  }

  @Override
  public byte[] getSignature() {
    Ed25519Signer signer = new Ed25519Signer();
    signer.init(true, key);
    byte[] data = tbs.toByteArray();
    signer.update(data, 0, data.length);
    return signer.generateSignature();
  }
}
