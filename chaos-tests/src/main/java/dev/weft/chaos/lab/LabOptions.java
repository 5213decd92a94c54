package dev.weft.chaos.lab;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How a lab is built.
 *
 * @param ipv6 whether every segment also gets an IPv6 /64 from 2001:db8::/32 (routed, never translated)
 * @param logRoot the directory under which each run keeps its process logs and node directories
 */
public record LabOptions(boolean ipv6, Path logRoot) {
  /** IPv4 only; logs under {@code target/lab} when run from a Maven module, else under the temp directory. */
  public static LabOptions defaults() {
    Path target = Path.of(System.getProperty("user.dir"), "target");
    Path root = Files.isDirectory(target) ? target.resolve("lab") : Path.of(System.getProperty("java.io.tmpdir"), "weft-lab");
    return new LabOptions(false, root);
  }

  /** These options with IPv6 beside IPv4. */
  public LabOptions withIpv6() {
    return new LabOptions(true, logRoot);
  }

  /** These options with another log root. */
  public LabOptions withLogRoot(Path root) {
    return new LabOptions(ipv6, root);
  }
}
