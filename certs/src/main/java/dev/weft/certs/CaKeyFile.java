package dev.weft.certs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfoBuilder;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcePKCSPBEInputDecryptorProviderBuilder;
import org.bouncycastle.pkcs.jcajce.JcePKCSPBEOutputEncryptorBuilder;

/**
 * The CA's Ed25519 private key on disk: PKCS#8 PEM, mode 0600, optionally encrypted with a
 * passphrase (PBES2: PBKDF2-HMAC-SHA256 and AES-256-CBC, which {@code openssl pkey} also reads).
 */
public final class CaKeyFile {
  /** OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256. */
  static final int PBKDF2_ITERATIONS = 600_000;
  /** Iterations from a file are attacker-controlled work: refuse absurd counts. */
  private static final int MAX_ITERATIONS = 10_000_000;

  /** Supplies the passphrase when, and only when, a key turns out to be encrypted. */
  @FunctionalInterface
  public interface Passphrase {
    char[] get() throws CertsException;
  }

  /**
   * An instance handed to the builders, never registered: the JDK's providers lack the PBES2 cipher
   * OIDs, and a global registration would be hidden mutable state.
   */
  private static final java.security.Provider BC = new org.bouncycastle.jce.provider.BouncyCastleProvider();

  private CaKeyFile() {}

  public static void save(
      Ed25519PrivateKeyParameters key, Path path, char[] passphrase, SecureRandom random, boolean force)
      throws CertsException {
    byte[] pkcs8 = KeyCodec.pkcs8(key);
    String pem;
    if (passphrase == null) {
      pem = Pem.write("PRIVATE KEY", pkcs8);
    } else {
      try {
        var encryptor =
            new JcePKCSPBEOutputEncryptorBuilder(NISTObjectIdentifiers.id_aes256_CBC)
                .setPRF(new AlgorithmIdentifier(PKCSObjectIdentifiers.id_hmacWithSHA256, DERNull.INSTANCE))
                .setIterationCount(PBKDF2_ITERATIONS)
                .setRandom(random)
                .setProvider(BC)
                .build(passphrase);
        var encrypted = new PKCS8EncryptedPrivateKeyInfoBuilder(PrivateKeyInfo.getInstance(pkcs8)).build(encryptor);
        pem = Pem.write("ENCRYPTED PRIVATE KEY", encrypted.getEncoded());
      } catch (OperatorCreationException | IOException | RuntimeException e) {
        throw new CertsException(path + ": cannot encrypt the key (" + e.getMessage() + ")", e);
      }
    }
    SecureFiles.write(path, pem.getBytes(StandardCharsets.US_ASCII), true, force);
  }

  public static Ed25519PrivateKeyParameters load(Path path, Passphrase passphrase) throws CertsException {
    return parse(SecureFiles.read(path), path.toString(), passphrase);
  }

  static Ed25519PrivateKeyParameters parse(byte[] pem, String what, Passphrase passphrase)
      throws CertsException {
    for (Pem.Block block : Pem.read(pem, what)) {
      switch (block.type()) {
        case "PRIVATE KEY" -> {
          return ed25519(KeyCodec.privateKey(block.der(), what), what);
        }
        case "ENCRYPTED PRIVATE KEY" -> {
          return ed25519(KeyCodec.privateKey(decrypt(block.der(), what, passphrase), what), what);
        }
        default -> {
          // other blocks (e.g. a certificate kept in the same file) are skipped
        }
      }
    }
    throw new CertsException(what + ": no private key found");
  }

  private static byte[] decrypt(byte[] der, String what, Passphrase passphrase) throws CertsException {
    PKCS8EncryptedPrivateKeyInfo info;
    try {
      info = new PKCS8EncryptedPrivateKeyInfo(der);
      checkIterations(info, what);
    } catch (IOException | RuntimeException e) {
      throw new CertsException(what + ": malformed encrypted private key");
    }
    char[] pass = passphrase.get();
    try {
      return info.decryptPrivateKeyInfo(new JcePKCSPBEInputDecryptorProviderBuilder().setProvider(BC).build(pass)).getEncoded();
    } catch (PKCSException | IOException | RuntimeException e) {
      throw new CertsException(what + ": wrong passphrase (or a damaged key file)");
    } finally {
      java.util.Arrays.fill(pass, '\0');
    }
  }

  private static void checkIterations(PKCS8EncryptedPrivateKeyInfo info, String what) throws CertsException {
    var alg = info.getEncryptionAlgorithm();
    if (!alg.getAlgorithm().equals(PKCSObjectIdentifiers.id_PBES2)) {
      throw new CertsException(what + ": unsupported key encryption " + alg.getAlgorithm() + " (expected PBES2)");
    }
    var params = org.bouncycastle.asn1.pkcs.PBES2Parameters.getInstance(alg.getParameters());
    var kdf = params.getKeyDerivationFunc();
    if (kdf.getAlgorithm().equals(PKCSObjectIdentifiers.id_PBKDF2)) {
      var p = org.bouncycastle.asn1.pkcs.PBKDF2Params.getInstance(kdf.getParameters());
      if (p.getIterationCount().bitLength() > 31 || p.getIterationCount().intValue() > MAX_ITERATIONS) {
        throw new CertsException(what + ": key encryption iteration count is unreasonably high");
      }
    }
  }

  private static Ed25519PrivateKeyParameters ed25519(AsymmetricKeyParameter key, String what) throws CertsException {
    if (key instanceof Ed25519PrivateKeyParameters ed) {
      return ed;
    }
    throw new CertsException(what + ": a CA key must be Ed25519");
  }
}
