package dev.weft.certs.cli;

import dev.weft.certs.CertsException;
import dev.weft.ip.IpPrefix;
import dev.weft.ip.IpPrefixException;
import java.util.ArrayList;
import java.util.List;

/** Turns option values into values, with one-line refusals naming the option. */
final class Parsing {
  private Parsing() {}

  static List<IpPrefix> prefixes(List<String> values, String option) throws CertsException {
    List<IpPrefix> out = new ArrayList<>();
    for (String v : values) {
      if (v.isBlank()) {
        continue;
      }
      try {
        out.add(IpPrefix.parse(v));
      } catch (IpPrefixException e) {
        throw new CertsException(option + ": " + e.getMessage());
      }
    }
    return out;
  }

  static List<String> strings(List<String> values) {
    List<String> out = new ArrayList<>();
    for (String v : values) {
      if (!v.isBlank()) {
        out.add(v.strip());
      }
    }
    return out;
  }
}
