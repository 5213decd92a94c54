package dev.weft.certs;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.bouncycastle.util.io.pem.PemWriter;

/** PEM blocks in and out, with a clear error for anything that is not PEM. */
final class Pem {
  /** One {@code -----BEGIN type-----} block and its decoded bytes. */
  record Block(String type, byte[] der) {}

  private Pem() {}

  /**
   * Every PEM block in {@code bytes}. {@code what} names the input in error messages, e.g. the
   * file name.
   */
  static List<Block> read(byte[] bytes, String what) throws CertsException {
    String text = new String(bytes, StandardCharsets.US_ASCII);
    List<Block> blocks = new ArrayList<>();
    try (PemReader reader = new PemReader(new StringReader(text))) {
      PemObject o;
      while ((o = reader.readPemObject()) != null) {
        blocks.add(new Block(o.getType(), o.getContent()));
        if (blocks.size() > 64) {
          throw new CertsException(what + ": too many PEM blocks");
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new CertsException(what + ": malformed PEM (" + firstLine(e) + ")");
    }
    if (blocks.isEmpty()) {
      throw new CertsException(what + ": no PEM block found");
    }
    return blocks;
  }

  /** The blocks of the given type; refuses input with none. */
  static List<byte[]> readOfType(byte[] bytes, String what, String type) throws CertsException {
    List<byte[]> out = new ArrayList<>();
    for (Block b : read(bytes, what)) {
      if (b.type().equals(type)) {
        out.add(b.der());
      }
    }
    if (out.isEmpty()) {
      throw new CertsException(what + ": no '" + type + "' PEM block found");
    }
    return out;
  }

  static String write(String type, byte[] der) {
    StringWriter s = new StringWriter();
    try (PemWriter w = new PemWriter(s)) {
      w.writeObject(new PemObject(type, der));
    } catch (IOException e) {
      throw new AssertionError(e); // a StringWriter does not fail
    }
    return s.toString();
  }

  private static String firstLine(Exception e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = m.indexOf('\n');
    return DnsLabel.printable(nl < 0 ? m : m.substring(0, nl));
  }
}
