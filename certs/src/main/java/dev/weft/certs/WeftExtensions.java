package dev.weft.certs;

import dev.weft.ip.IpPrefix;
import dev.weft.ip.IpPrefixException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERUTF8String;

/**
 * weft's private X.509 extensions, all non-critical, under an arc derived from a UUID
 * ({@code 2.25.<uuid as integer>}, ITU-T X.667), so that no registration is needed and no clash is
 * possible. The layout is documented in {@code certs/README.md}; change it only by adding OIDs.
 */
final class WeftExtensions {
  static final ASN1ObjectIdentifier ARC =
      new ASN1ObjectIdentifier("2.25.116723299596797174010005505656122230647");

  /** OCTET STRING (32 bytes): the node's Ed25519 key that signs its gossip records. */
  static final ASN1ObjectIdentifier SIGNING_KEY = ARC.branch("1");
  /** SEQUENCE OF UTF8String: groups of a node, or the groups a CA may grant. */
  static final ASN1ObjectIdentifier GROUPS = ARC.branch("2");
  /** SEQUENCE OF OCTET STRING (address || prefix length): subnets a node may advertise, or a CA may grant. */
  static final ASN1ObjectIdentifier SUBNETS = ARC.branch("3");
  /** SEQUENCE OF OCTET STRING: a node's overlay addresses with prefix, or the overlay networks a CA may sign in. */
  static final ASN1ObjectIdentifier NETWORKS = ARC.branch("4");
  /** OCTET STRING (32 bytes): SHA-256 of the issuing CA certificate's DER. */
  static final ASN1ObjectIdentifier ISSUER_FINGERPRINT = ARC.branch("5");

  private WeftExtensions() {}

  static ASN1Encodable strings(List<String> values) {
    ASN1EncodableVector v = new ASN1EncodableVector();
    for (String s : values) {
      v.add(new DERUTF8String(s));
    }
    return new DERSequence(v);
  }

  static ASN1Encodable prefixes(List<IpPrefix> values) {
    ASN1EncodableVector v = new ASN1EncodableVector();
    for (IpPrefix p : values) {
      v.add(new DEROctetString(encode(p)));
    }
    return new DERSequence(v);
  }

  static List<String> decodeStrings(byte[] extnValue) throws CertsException {
    List<String> out = new ArrayList<>();
    for (ASN1Encodable e : sequence(extnValue)) {
      if (!(e instanceof ASN1String s)) {
        throw new CertsException("malformed weft extension: expected strings");
      }
      out.add(s.getString());
    }
    return List.copyOf(out);
  }

  static List<IpPrefix> decodePrefixes(byte[] extnValue) throws CertsException {
    List<IpPrefix> out = new ArrayList<>();
    for (ASN1Encodable e : sequence(extnValue)) {
      if (!(e instanceof ASN1OctetString o)) {
        throw new CertsException("malformed weft extension: expected prefixes");
      }
      out.add(decodePrefix(o.getOctets()));
    }
    return List.copyOf(out);
  }

  /** Address bytes followed by the prefix length: 5 or 17 bytes. */
  static byte[] encode(IpPrefix p) {
    byte[] address = p.address();
    byte[] out = Arrays.copyOf(address, address.length + 1);
    out[address.length] = (byte) p.length();
    return out;
  }

  static IpPrefix decodePrefix(byte[] encoded) throws CertsException {
    if (encoded.length != 5 && encoded.length != 17) {
      throw new CertsException("malformed prefix in certificate extension");
    }
    int length = encoded[encoded.length - 1] & 0xff;
    if (length > (encoded.length - 1) * 8) {
      throw new CertsException("malformed prefix length in certificate extension");
    }
    try {
      return new IpPrefix(Arrays.copyOf(encoded, encoded.length - 1), length);
    } catch (IpPrefixException e) { // an IPv4-mapped address: the CA tool never signs one
      throw new CertsException("malformed prefix in certificate extension: " + e.getMessage());
    }
  }

  static byte[] decodeOctets(byte[] extnValue, int length) throws CertsException {
    ASN1Primitive p = primitive(extnValue);
    if (!(p instanceof ASN1OctetString o) || o.getOctets().length != length) {
      throw new CertsException("malformed weft extension: expected " + length + " bytes");
    }
    return o.getOctets();
  }

  private static ASN1Sequence sequence(byte[] extnValue) throws CertsException {
    ASN1Primitive p = primitive(extnValue);
    if (!(p instanceof ASN1Sequence s)) {
      throw new CertsException("malformed weft extension: expected a sequence");
    }
    if (s.size() > 1024) {
      throw new CertsException("malformed weft extension: too many entries");
    }
    return s;
  }

  private static ASN1Primitive primitive(byte[] bytes) throws CertsException {
    try {
      return ASN1Primitive.fromByteArray(bytes);
    } catch (IOException | RuntimeException e) {
      throw new CertsException("malformed weft extension");
    }
  }
}
