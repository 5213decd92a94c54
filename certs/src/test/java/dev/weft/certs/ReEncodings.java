package dev.weft.certs;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/** BER re-encodings of a DER certificate, for the tests of the canonical-encoding rule. */
public final class ReEncodings {
  private ReEncodings() {}

  /** Re-encodings of {@code der} that a BER reader reads as the same certificate. */
  public static Map<String, byte[]> of(byte[] der) {
    Map<String, UnaryOperator<Tlv>> edits = new LinkedHashMap<>();
    edits.put("outer SEQUENCE length in long form with a leading zero", t -> pad(t, 1));
    edits.put("TBS SEQUENCE length in long form with a leading zero", t -> pad(t.at(0), 1));
    edits.put("validity SEQUENCE length in long form", t -> pad(t.at(0, 4), 0));
    edits.put("serial INTEGER length in long form", t -> pad(t.at(0, 1), 0));
    edits.put("subject public key info length with two leading zeros", t -> pad(t.at(0, 6), 2));
    edits.put("outer SEQUENCE with indefinite length", t -> indefinite(t));
    edits.put("TBS SEQUENCE with indefinite length", t -> indefinite(t.at(0)));
    edits.put("extensions [3] with indefinite length", t -> indefinite(t.at(0, 7)));
    edits.put("signature algorithm with NULL parameters", t -> {
      t.at(1).children.add(Tlv.primitive(0x05, new byte[0]));
      return t;
    });
    Map<String, byte[]> out = new LinkedHashMap<>();
    for (var e : edits.entrySet()) {
      Tlv t = Tlv.parse(der);
      e.getValue().apply(t);
      out.put(e.getKey(), t.encode());
    }
    out.put("one trailing zero byte", concat(der, new byte[] {0}));
    out.put("a trailing empty SEQUENCE", concat(der, new byte[] {0x30, 0}));
    return out;
  }

  private static Tlv pad(Tlv t, int zeros) {
    t.lengthPadding = zeros;
    return t;
  }

  private static Tlv indefinite(Tlv t) {
    t.indefinite = true;
    return t;
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
