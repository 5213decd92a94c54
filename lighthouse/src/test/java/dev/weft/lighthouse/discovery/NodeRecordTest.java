package dev.weft.lighthouse.discovery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.weft.ip.IpPrefix;
import dev.weft.lighthouse.discovery.NodeRecord.Candidate;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NodeRecordTest {
  static NodeRecord sample() throws Exception {
    byte[] fp = new byte[32];
    fp[0] = 7;
    return new NodeRecord(List.of(
        new Candidate(new InetSocketAddress(InetAddress.getByName("192.0.2.10"), 4242), Candidate.Kind.LOCAL),
        new Candidate(new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 4242), Candidate.Kind.LOCAL),
        new Candidate(new InetSocketAddress(InetAddress.getByName("203.0.113.7"), 61000), Candidate.Kind.REFLEXIVE)),
        EnumSet.of(NodeRecord.Role.LIGHTHOUSE), fp,
        List.of(IpPrefix.parse("198.51.100.0/24"), IpPrefix.parse("fd00:99::/64")));
  }

  @Test
  void roundTrips() throws Exception {
    NodeRecord r = sample();
    NodeRecord back = NodeRecord.decode(r.encode());
    assertEquals(r.candidates(), back.candidates());
    assertEquals(r.roles(), back.roles());
    assertEquals(r.routes(), back.routes());
    assertArrayEquals(r.certificateFingerprint(), back.certificateFingerprint());
    assertEquals(Set.of(), NodeRecord.decode(new NodeRecord(List.of(), Set.of(), new byte[32]).encode()).roles());
  }

  @Test
  void theNatMappingRoundTripsAndIsAbsentWhenUnknown() throws Exception {
    NodeRecord r = sample();
    NodeRecord varies = new NodeRecord(r.candidates(), r.roles(), r.certificateFingerprint(), r.routes(), r.dns(),
        NodeRecord.Mapping.VARIES);
    assertEquals(NodeRecord.Mapping.VARIES, NodeRecord.decode(varies.encode()).mapping());
    assertEquals(NodeRecord.Mapping.UNKNOWN, NodeRecord.decode(r.encode()).mapping());
    assertEquals(r.encode().length + 3, varies.encode().length);
    byte[] bad = varies.encode();
    bad[bad.length - 1] = 3;
    assertThrows(MalformedRecordException.class, () -> NodeRecord.decode(bad));
  }

  @Test
  void fieldsOfANewerVersionAreSkipped() throws Exception {
    byte[] old = sample().encode();
    byte[] newer = new byte[old.length + 4];
    System.arraycopy(old, 0, newer, 0, old.length);
    newer[old.length] = 9; // tag 9
    newer[old.length + 1] = 2; // two bytes
    assertEquals(sample().candidates(), NodeRecord.decode(newer).candidates());
  }

  @Test
  void malformedRecordsAreRefused() {
    assertThrows(MalformedRecordException.class, () -> NodeRecord.decode(new byte[0]));
    assertThrows(MalformedRecordException.class, () -> NodeRecord.decode(new byte[] {2}));
    assertThrows(MalformedRecordException.class, () -> NodeRecord.decode(new byte[] {1})); // no fingerprint
    assertThrows(MalformedRecordException.class, () -> NodeRecord.decode(new byte[] {1, 3, 40})); // overruns
  }

  @Test
  void anIpv4MappedRouteIsMalformed() throws Exception {
    NodeRecord r = new NodeRecord(List.of(), Set.of(), new byte[32], List.of(IpPrefix.parse("::aaaa:6440:0/112")));
    byte[] b = r.encode();
    byte[] address = IpPrefix.parse("::aaaa:6440:0").address();
    int at = indexOf(b, address);
    b[at + 10] = (byte) 0xff; // ::ffff:100.64.0.0/112: 100.64.0.0/16 spelt as IPv6
    b[at + 11] = (byte) 0xff;
    MalformedRecordException e = assertThrows(MalformedRecordException.class, () -> NodeRecord.decode(b));
    assertEquals("bad route: ::ffff:6440:0 is an IPv4-mapped IPv6 address: write it as IPv4", e.getMessage());
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      if (java.util.Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    throw new AssertionError("not found");
  }

  /** Mutations of a valid record: nothing but MalformedRecordException, ever. */
  @Test
  void fuzzedRecordsDecodeOrAreRefused() throws Exception {
    byte[] valid = sample().encode();
    SplittableRandom random = new SplittableRandom(0x5eed);
    for (int i = 0; i < 1_000_000; i++) {
      byte[] b = mutate(valid, random);
      try {
        NodeRecord.decode(b);
      } catch (MalformedRecordException expected) {
        // refused
      } catch (RuntimeException e) {
        fail("input " + HexFormat.of().formatHex(b) + " threw " + e);
      }
    }
  }

  private static byte[] mutate(byte[] valid, SplittableRandom random) {
    switch (random.nextInt(4)) {
      case 0 -> {
        byte[] b = valid.clone();
        for (int k = random.nextInt(1, 4); k > 0; k--) {
          b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
        }
        return b;
      }
      case 1 -> {
        return java.util.Arrays.copyOf(valid, random.nextInt(valid.length + 8));
      }
      case 2 -> {
        byte[] b = valid.clone();
        b[random.nextInt(b.length)] = (byte) random.nextInt(256);
        return b;
      }
      default -> {
        byte[] b = new byte[random.nextInt(64)];
        random.nextBytes(b);
        if (b.length > 0) {
          b[0] = 1;
        }
        return b;
      }
    }
  }
}
