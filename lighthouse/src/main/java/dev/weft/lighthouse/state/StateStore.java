package dev.weft.lighthouse.state;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * What a node keeps in {@code state_dir} across restarts, so that it rejoins when no lighthouse
 * answers: its gossip incarnation, some members it knew (certificate and last address, enough to
 * greet them), and the revocations it accepted. One text file, {@code mesh.state}, written
 * atomically with mode 0600; a file that does not parse is ignored (the node starts afresh from
 * its lighthouses) and reported.
 *
 * <pre>
 * weft-state 1
 * incarnation 7
 * member BASE64(certificate DER) host port
 * revocation BASE64(revocation)
 * </pre>
 */
public final class StateStore {
  private static final String MAGIC = "weft-state 1";
  static final int MAX_MEMBERS = 64;
  static final int MAX_REVOCATIONS = 4096;

  /** A member remembered: its certificate and where it was last heard from. */
  public record KnownMember(byte[] certificate, InetSocketAddress address) {}

  /** The remembered state. */
  public record State(long incarnation, List<KnownMember> members, List<byte[]> revocations) {
    public static final State EMPTY = new State(-1, List.of(), List.of());

    public State {
      members = List.copyOf(members);
      revocations = List.copyOf(revocations);
    }
  }

  private final Path file;

  public StateStore(Path dir) {
    this.file = dir.resolve("mesh.state");
  }

  public Path file() {
    return file;
  }

  /** The state last saved; {@link State#EMPTY} when there is none. Throws when it is damaged. */
  public State load() throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      return State.EMPTY;
    }
    if (lines.isEmpty() || !lines.get(0).equals(MAGIC)) {
      throw new IOException(file + ": not a weft state file");
    }
    long incarnation = -1;
    List<KnownMember> members = new ArrayList<>();
    List<byte[]> revocations = new ArrayList<>();
    Base64.Decoder b64 = Base64.getDecoder();
    for (int i = 1; i < lines.size(); i++) {
      String[] f = lines.get(i).split(" ");
      try {
        switch (f[0]) {
          case "incarnation" -> incarnation = Long.parseLong(f[1]);
          case "member" -> {
            if (members.size() < MAX_MEMBERS) {
              members.add(new KnownMember(b64.decode(f[1]),
                  new InetSocketAddress(InetAddress.getByName(f[2]), Integer.parseInt(f[3]))));
            }
          }
          case "revocation" -> {
            if (revocations.size() < MAX_REVOCATIONS) {
              revocations.add(b64.decode(f[1]));
            }
          }
          default -> { } // a line of a newer version
        }
      } catch (RuntimeException e) {
        throw new IOException(file + ":" + (i + 1) + ": damaged line");
      }
    }
    return new State(incarnation, members, revocations);
  }

  /** Saves atomically (a temporary file renamed over the old one), readable by the owner only. */
  public void save(State state) throws IOException {
    StringBuilder b = new StringBuilder(MAGIC).append('\n');
    b.append("incarnation ").append(state.incarnation()).append('\n');
    Base64.Encoder b64 = Base64.getEncoder();
    int n = 0;
    for (KnownMember m : state.members()) {
      if (n++ == MAX_MEMBERS) {
        break;
      }
      b.append("member ").append(b64.encodeToString(m.certificate())).append(' ')
          .append(m.address().getAddress().getHostAddress()).append(' ').append(m.address().getPort()).append('\n');
    }
    for (byte[] r : state.revocations()) {
      b.append("revocation ").append(b64.encodeToString(r)).append('\n');
    }
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, b, StandardCharsets.US_ASCII);
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
