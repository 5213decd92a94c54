package dev.weft.certs.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.certs.CertsException;
import dev.weft.certs.SecureFiles;
import dev.weft.certs.WeftCertificate;
import dev.weft.ip.IpPrefix;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code weft cert print}: everything a certificate says. */
@Command(
    name = "print",
    mixinStandardHelpOptions = true,
    description = {
      "Print a certificate (node or CA).",
      "With --json: one object per certificate, an array when the file holds several;",
      "public_key is the X25519 key exactly as 'wg pubkey' prints it."
    })
final class PrintCommand extends CertsCommand {
  @Parameters(paramLabel = "FILE", description = "PEM certificate file.")
  Path file;

  @Option(names = "--json", description = "Machine-readable output.")
  boolean json;

  PrintCommand(CliEnv env) {
    super(env);
  }

  @Override
  int execute() throws CertsException {
    List<WeftCertificate> certs = WeftCertificate.fromPem(SecureFiles.read(file), file.toString());
    if (json) {
      List<Map<String, Object>> all = new ArrayList<>();
      for (WeftCertificate c : certs) {
        all.add(toJson(c));
      }
      try {
        ObjectMapper m = new ObjectMapper();
        out().println(m.writerWithDefaultPrettyPrinter().writeValueAsString(all.size() == 1 ? all.get(0) : all));
      } catch (JsonProcessingException e) {
        throw new CertsException("cannot write JSON: " + e.getMessage());
      }
    } else {
      for (WeftCertificate c : certs) {
        printText(c);
      }
    }
    return 0;
  }

  static Map<String, Object> toJson(WeftCertificate c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", c.name());
    m.put("is_ca", c.isCa());
    m.put("ips", cidrs(c.ips()));
    m.put("groups", c.groups());
    m.put("subnets", cidrs(c.subnets()));
    if (c.isCa()) {
      m.put("networks", c.constraints().networks().map(PrintCommand::cidrs).orElse(null));
      m.put("allowed_groups", c.constraints().groups().orElse(null));
      m.put("allowed_subnets", c.constraints().grantedSubnets().map(PrintCommand::cidrs).orElse(null));
    }
    m.put("not_before", rfc3339(c.notBefore()));
    m.put("not_after", rfc3339(c.notAfter()));
    m.put("fingerprint", c.fingerprint());
    m.put("ca_fingerprint", c.caFingerprint());
    if (!c.isCa()) {
      m.put("public_key", Base64.getEncoder().encodeToString(c.publicKey()));
    }
    m.put("signing_key", Base64.getEncoder().encodeToString(c.signingKey()));
    m.put("serial", c.serial().toString(16));
    return m;
  }

  private void printText(WeftCertificate c) {
    var o = out();
    o.printf("%s certificate%n", c.isCa() ? "CA" : "Node");
    o.printf("  name:           %s%n", c.name());
    if (c.isCa()) {
      o.printf("  networks:       %s%n", c.constraints().networks().map(PrintCommand::cidrs).map(Object::toString).orElse("any"));
      o.printf("  groups:         %s%n", c.constraints().groups().map(Object::toString).orElse("any"));
      o.printf("  subnets:        %s%n", c.constraints().grantedSubnets().map(PrintCommand::cidrs)
          .map(l -> l.isEmpty() ? "none (the CA limits networks and lists no subnets)" : l.toString()).orElse("any"));
    } else {
      o.printf("  ips:            %s%n", String.join(", ", cidrs(c.ips())));
      o.printf("  groups:         %s%n", String.join(", ", c.groups()));
      o.printf("  subnets:        %s%n", String.join(", ", cidrs(c.subnets())));
      o.printf("  public key:     %s%n", Base64.getEncoder().encodeToString(c.publicKey()));
    }
    o.printf("  signing key:    %s%n", Base64.getEncoder().encodeToString(c.signingKey()));
    o.printf("  not before:     %s%n", rfc3339(c.notBefore()));
    o.printf("  not after:      %s%n", rfc3339(c.notAfter()));
    o.printf("  fingerprint:    %s%n", c.fingerprint());
    o.printf("  CA fingerprint: %s%n", c.caFingerprint());
  }

  private static List<String> cidrs(List<IpPrefix> prefixes) {
    List<String> out = new ArrayList<>();
    for (IpPrefix p : prefixes) {
      out.add(p.toString());
    }
    return out;
  }

  private static String rfc3339(Instant t) {
    return DateTimeFormatter.ISO_INSTANT.format(t);
  }
}
