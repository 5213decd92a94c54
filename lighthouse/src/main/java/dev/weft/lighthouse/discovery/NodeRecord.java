package dev.weft.lighthouse.discovery;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import dev.weft.ip.IpPrefix;
import dev.weft.ip.IpPrefixException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What a node publishes about itself in its gossip record: where it can be reached (its
 * candidates), its roles, and the fingerprint of its certificate. Later fields (routes, DNS
 * records, NAT behaviour) are added as new tags.
 *
 * <pre>
 * record = version(1) field*            ; version 1
 * field  = tag(varint) length(varint) bytes[length]   ; unknown tags are skipped
 * tag 1  candidate: kind(1) family(1: 4 or 16) address port(2, big-endian)   ; repeated
 * tag 2  roles: varint bit set (bit 0 lighthouse, bit 1 relay)
 * tag 3  certificate fingerprint: 32 bytes (SHA-256 of its DER)
 * tag 4  advertised route: family(1: 4 or 16) network address, prefix length(1)   ; repeated
 * tag 5  DNS records the node publishes: opaque to this module (the node's DNS layer encodes them)
 * tag 6  NAT mapping: 1 byte (1 endpoint-independent, 2 endpoint-dependent); absent when unknown
 * </pre>
 *
 * Decoding is bounded (at most {@link #MAX_CANDIDATES} candidates, every length checked against
 * what is left) and refuses anything malformed with a {@link MalformedRecordException}.
 */
public record NodeRecord(List<Candidate> candidates, Set<Role> roles, byte[] certificateFingerprint, List<IpPrefix> routes,
                         byte[] dns, Mapping mapping) {
  static final int VERSION = 1;
  public static final int MAX_CANDIDATES = 16;
  public static final int MAX_ROUTES = 64;
  public static final int MAX_DNS_BYTES = 12 * 1024;
  private static final int TAG_CANDIDATE = 1;
  private static final int TAG_ROLES = 2;
  private static final int TAG_FINGERPRINT = 3;
  private static final int TAG_ROUTE = 4;
  private static final int TAG_DNS = 5;
  private static final int TAG_MAPPING = 6;

  /**
   * How the node's NAT maps its socket, as the node found out by comparing the addresses that
   * different peers saw it at: one public port for every destination (endpoint-independent, what
   * most home routers do), or a new one per destination (endpoint-dependent, "symmetric"), which
   * only birthday probing gets through.
   */
  public enum Mapping {
    UNKNOWN,
    INDEPENDENT,
    VARIES
  }

  /** What a node does for others. */
  public enum Role {
    LIGHTHOUSE,
    RELAY
  }

  /** Where a node may be reached, and how it knows. */
  public record Candidate(InetSocketAddress address, Kind kind) {
    public enum Kind {
      /** An address of one of the host's interfaces. */
      LOCAL,
      /** The address a lighthouse saw this node's packets come from. */
      REFLEXIVE,
      /** Configured ({@code advertise_addrs}). */
      STATIC
    }

    public Candidate {
      if (address.isUnresolved()) {
        throw new IllegalArgumentException("a candidate is an address, not a name: " + address);
      }
    }
  }

  public NodeRecord {
    if (candidates.size() > MAX_CANDIDATES) {
      throw new IllegalArgumentException("at most " + MAX_CANDIDATES + " candidates");
    }
    if (certificateFingerprint.length != 32) {
      throw new IllegalArgumentException("a certificate fingerprint has 32 bytes");
    }
    if (routes.size() > MAX_ROUTES) {
      throw new IllegalArgumentException("at most " + MAX_ROUTES + " routes");
    }
    if (dns.length > MAX_DNS_BYTES) {
      throw new IllegalArgumentException("DNS records of " + dns.length + " bytes; at most " + MAX_DNS_BYTES);
    }
    candidates = List.copyOf(candidates);
    routes = List.copyOf(routes);
    dns = dns.clone();
    roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
    certificateFingerprint = certificateFingerprint.clone();
    mapping = mapping == null ? Mapping.UNKNOWN : mapping;
  }

  /** A record whose NAT mapping is not known. */
  public NodeRecord(List<Candidate> candidates, Set<Role> roles, byte[] certificateFingerprint, List<IpPrefix> routes,
                    byte[] dns) {
    this(candidates, roles, certificateFingerprint, routes, dns, Mapping.UNKNOWN);
  }

  /** A record without routes. */
  public NodeRecord(List<Candidate> candidates, Set<Role> roles, byte[] certificateFingerprint) {
    this(candidates, roles, certificateFingerprint, List.of(), new byte[0]);
  }

  /** A record without DNS records. */
  public NodeRecord(List<Candidate> candidates, Set<Role> roles, byte[] certificateFingerprint, List<IpPrefix> routes) {
    this(candidates, roles, certificateFingerprint, routes, new byte[0]);
  }

  @Override
  public byte[] dns() {
    return dns.clone();
  }

  @Override
  public byte[] certificateFingerprint() {
    return certificateFingerprint.clone();
  }

  public boolean has(Role role) {
    return roles.contains(role);
  }

  public byte[] encode() {
    Output out = new Output(64, 4096);
    out.writeByte(VERSION);
    for (Candidate c : candidates) {
      byte[] a = c.address().getAddress().getAddress();
      out.writeVarInt(TAG_CANDIDATE, true);
      out.writeVarInt(2 + a.length + 2, true);
      out.writeByte(c.kind().ordinal());
      out.writeByte(a.length);
      out.writeBytes(a);
      out.writeShort(c.address().getPort());
    }
    int bits = 0;
    for (Role r : roles) {
      bits |= 1 << r.ordinal();
    }
    Output roleBits = new Output(5);
    roleBits.writeVarInt(bits, true);
    out.writeVarInt(TAG_ROLES, true);
    out.writeVarInt(roleBits.position(), true);
    out.writeBytes(roleBits.getBuffer(), 0, roleBits.position());
    out.writeVarInt(TAG_FINGERPRINT, true);
    out.writeVarInt(32, true);
    out.writeBytes(certificateFingerprint);
    for (IpPrefix r : routes) {
      byte[] a = r.network().address();
      out.writeVarInt(TAG_ROUTE, true);
      out.writeVarInt(1 + a.length + 1, true);
      out.writeByte(a.length);
      out.writeBytes(a);
      out.writeByte(r.length());
    }
    if (dns.length > 0) {
      out.writeVarInt(TAG_DNS, true);
      out.writeVarInt(dns.length, true);
      out.writeBytes(dns);
    }
    if (mapping != Mapping.UNKNOWN) {
      out.writeVarInt(TAG_MAPPING, true);
      out.writeVarInt(1, true);
      out.writeByte(mapping.ordinal());
    }
    return out.toBytes();
  }

  public static NodeRecord decode(byte[] bytes) throws MalformedRecordException {
    if (bytes.length < 1 || bytes[0] != VERSION) {
      throw new MalformedRecordException("not a version " + VERSION + " node record");
    }
    Input in = new Input(bytes);
    in.setPosition(1);
    List<Candidate> candidates = new ArrayList<>();
    EnumSet<Role> roles = EnumSet.noneOf(Role.class);
    byte[] fingerprint = null;
    List<IpPrefix> routes = new ArrayList<>();
    byte[] dns = new byte[0];
    Mapping mapping = Mapping.UNKNOWN;
    try {
      while (in.position() < bytes.length) {
        int tag = in.readVarInt(true);
        int length = in.readVarInt(true);
        if (length < 0 || length > bytes.length - in.position()) {
          throw new MalformedRecordException("field length out of bounds");
        }
        int end = in.position() + length;
        switch (tag) {
          case TAG_CANDIDATE -> {
            if (candidates.size() == MAX_CANDIDATES) {
              throw new MalformedRecordException("more than " + MAX_CANDIDATES + " candidates");
            }
            candidates.add(candidate(in, length));
          }
          case TAG_ROLES -> {
            int bits = in.readVarInt(true);
            for (Role r : Role.values()) {
              if ((bits & (1 << r.ordinal())) != 0) {
                roles.add(r);
              }
            }
          }
          case TAG_FINGERPRINT -> {
            if (length != 32) {
              throw new MalformedRecordException("a certificate fingerprint has 32 bytes");
            }
            fingerprint = in.readBytes(32);
          }
          case TAG_ROUTE -> {
            if (routes.size() == MAX_ROUTES) {
              throw new MalformedRecordException("more than " + MAX_ROUTES + " routes");
            }
            routes.add(route(in, length));
          }
          case TAG_DNS -> {
            if (length > MAX_DNS_BYTES) {
              throw new MalformedRecordException("DNS records too long");
            }
            dns = in.readBytes(length);
          }
          case TAG_MAPPING -> {
            int m = length == 1 ? in.readByte() : -1;
            if (m != 1 && m != 2) {
              throw new MalformedRecordException("NAT mapping must be 1 byte, 1 or 2");
            }
            mapping = Mapping.values()[m];
          }
          default -> { } // a field of a newer version
        }
        if (in.position() > end) {
          throw new MalformedRecordException("field overran its length");
        }
        in.setPosition(end);
      }
    } catch (KryoException e) {
      throw new MalformedRecordException("truncated node record");
    }
    if (fingerprint == null) {
      throw new MalformedRecordException("no certificate fingerprint");
    }
    return new NodeRecord(candidates, roles, fingerprint, routes, dns, mapping);
  }

  private static IpPrefix route(Input in, int length) throws MalformedRecordException {
    int family = length < 1 ? -1 : in.readByte();
    if ((family != 4 && family != 16) || length != 1 + family + 1) {
      throw new MalformedRecordException("bad route");
    }
    byte[] address = in.readBytes(family);
    int prefixLength = in.readByte() & 0xff;
    if (prefixLength > family * 8) {
      throw new MalformedRecordException("route prefix length " + prefixLength + " too long");
    }
    IpPrefix p;
    try {
      p = new IpPrefix(address, prefixLength);
    } catch (IpPrefixException e) { // an IPv4-mapped address: not a route, whatever the length
      throw new MalformedRecordException("bad route: " + e.getMessage());
    }
    if (!p.isNetwork()) {
      throw new MalformedRecordException("route " + p + " has host bits set");
    }
    return p;
  }

  private static Candidate candidate(Input in, int length) throws MalformedRecordException {
    if (length < 2) {
      throw new MalformedRecordException("candidate too short");
    }
    int kind = in.readByte();
    int family = in.readByte();
    if (kind < 0 || kind >= Candidate.Kind.values().length) {
      throw new MalformedRecordException("unknown candidate kind " + kind);
    }
    if ((family != 4 && family != 16) || length != 2 + family + 2) {
      throw new MalformedRecordException("bad candidate address");
    }
    byte[] address = in.readBytes(family);
    int port = in.readShortUnsigned();
    if (port == 0) {
      throw new MalformedRecordException("candidate port 0");
    }
    try {
      return new Candidate(new InetSocketAddress(InetAddress.getByAddress(address), port), Candidate.Kind.values()[kind]);
    } catch (UnknownHostException e) {
      throw new AssertionError("4 or 16 bytes are an address", e);
    }
  }
}
