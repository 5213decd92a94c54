package dev.weft.certs;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A DER tree that tests can write back in other (BER) ways: a long-form or padded length, or an
 * indefinite length, on any one element. Only single-byte tags, as X.509 uses.
 */
final class Tlv {
  final int tag;
  final byte[] content; // primitive elements
  final List<Tlv> children; // constructed elements
  int lengthPadding; // extra leading zero bytes in a long-form length; -1 = minimal
  boolean indefinite;

  private Tlv(int tag, byte[] content, List<Tlv> children) {
    this.tag = tag;
    this.content = content;
    this.children = children;
    this.lengthPadding = -1;
  }

  static Tlv primitive(int tag, byte[] content) {
    return new Tlv(tag, content.clone(), null);
  }

  static Tlv parse(byte[] der) {
    int[] pos = {0};
    Tlv t = parse(der, pos, der.length);
    if (pos[0] != der.length) {
      throw new IllegalArgumentException("trailing bytes");
    }
    return t;
  }

  private static Tlv parse(byte[] b, int[] pos, int end) {
    int tag = b[pos[0]++] & 0xff;
    int len = b[pos[0]++] & 0xff;
    if (len >= 0x80) {
      int n = len & 0x7f;
      len = 0;
      for (int i = 0; i < n; i++) {
        len = (len << 8) | (b[pos[0]++] & 0xff);
      }
    }
    int start = pos[0];
    int stop = start + len;
    if (stop > end) {
      throw new IllegalArgumentException("element runs past its parent");
    }
    if ((tag & 0x20) == 0) {
      pos[0] = stop;
      return new Tlv(tag, java.util.Arrays.copyOfRange(b, start, stop), null);
    }
    List<Tlv> kids = new ArrayList<>();
    while (pos[0] < stop) {
      kids.add(parse(b, pos, stop));
    }
    return new Tlv(tag, null, kids);
  }

  /** The element at {@code path} (child indices from this one). */
  Tlv at(int... path) {
    Tlv t = this;
    for (int i : path) {
      t = t.children.get(i);
    }
    return t;
  }

  /** This element and all below it, depth first. */
  List<Tlv> all() {
    List<Tlv> out = new ArrayList<>();
    out.add(this);
    if (children != null) {
      for (Tlv c : children) {
        out.addAll(c.all());
      }
    }
    return out;
  }

  byte[] encode() {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (children == null) {
      body.writeBytes(content);
    } else {
      for (Tlv c : children) {
        body.writeBytes(c.encode());
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int len = body.size();
    if (indefinite) {
      out.write(0x80);
      out.writeBytes(body.toByteArray());
      out.write(0);
      out.write(0);
      return out.toByteArray();
    }
    if (lengthPadding < 0 && len < 0x80) {
      out.write(len);
    } else {
      int n = len == 0 ? 0 : (32 - Integer.numberOfLeadingZeros(len) + 7) / 8;
      int pad = Math.max(0, lengthPadding);
      out.write(0x80 | (n + pad));
      for (int i = 0; i < pad; i++) {
        out.write(0);
      }
      for (int i = n - 1; i >= 0; i--) {
        out.write(len >>> (8 * i));
      }
    }
    out.writeBytes(body.toByteArray());
    return out.toByteArray();
  }
}
