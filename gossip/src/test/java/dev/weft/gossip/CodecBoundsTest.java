package dev.weft.gossip;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.esotericsoftware.kryo.io.Output;
import java.lang.ref.Reference;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, hole 2: a datagram must not reach Kryo's built-in registrations (String, the
 * primitives, class-by-name), whose readers allocate what the wire asks for and keep state per
 * packet. Kryo writes a class as varint(registration id + 2): 0 is null, 1 a class by name, 2 int,
 * 3 String.
 */
class CodecBoundsTest {
  private static final int KRYO_NAME = 1;
  private static final int KRYO_STRING = 3;

  private final Codec codec = new Codec(1000);

  private static Output header() {
    Output out = new Output(64, 1 << 16);
    out.writeByte(Codec.MAGIC);
    out.writeByte(Codec.FORMAT);
    out.writeBytes(CodecSamples.sender().bytes());
    return out;
  }

  /** A String whose UTF-8 length says {@code chars}: Kryo's reader makes a char[chars] first. */
  private static byte[] stringMessage(int chars) {
    Output out = header();
    out.writeVarInt(KRYO_STRING, true);
    out.writeVarIntFlag(true, chars + 1, true); // UTF-8 flag; Kryo stores length + 1 (0 is null)
    return out.toBytes();
  }

  /**
   * JUnit's assertThrows rethrows an OutOfMemoryError (and the fork dies with it): this reports
   * it, and any other escape, as this test's failure instead.
   */
  static void assertMalformed(Codec codec, byte[] datagram) {
    try {
      codec.decode(datagram);
      fail("decoded " + HexFormat.of().formatHex(datagram));
    } catch (MalformedPacketException expected) {
      // refused
    } catch (OutOfMemoryError | RuntimeException e) {
      throw new AssertionError("decode let " + e + " escape for " + HexFormat.of().formatHex(datagram), e);
    }
  }

  /**
   * The least of three decodes: the first decode in a fresh JVM also loads and links the classes
   * it touches (the exception, Kryo's readers), which counts as this thread's allocation (82 KB
   * once in CI), while the bug this guards against allocates what the wire asks for, every time.
   */
  private void refusedWithoutAllocating(byte[] datagram) {
    long allocated = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      long before = Heap.allocatedByThisThread();
      assertMalformed(codec, datagram);
      allocated = Math.min(allocated, Heap.allocatedByThisThread() - before);
    }
    assertTrue(allocated < 64 << 10, "a " + datagram.length + "-byte datagram made decode allocate " + allocated + " bytes");
  }

  @Test
  void aStringClassIdAskingForTwoGigacharsIsRefused() {
    // Before the fix: new char[2^31 - 2], an OutOfMemoryError that decode's catch let through.
    byte[] datagram = stringMessage(Integer.MAX_VALUE - 1);
    assertTrue(datagram.length <= 40);
    refusedWithoutAllocating(datagram);
  }

  @Test
  void aStringClassIdAskingForAQuarterGigacharIsRefusedWithoutAllocatingIt() {
    // Before the fix: 512 MiB allocated (the heap had room), then a buffer underflow reported as malformed.
    refusedWithoutAllocating(stringMessage(1 << 28));
  }

  @Test
  void aClassByNameIsRefusedWithoutAllocatingItsName() {
    Output out = header();
    out.writeVarInt(KRYO_NAME, true);
    out.writeVarInt(7, true); // the name's id in Kryo's per-connection table
    out.writeVarIntFlag(true, (1 << 28) + 1, true); // the name: a 2^28-char UTF-8 string
    refusedWithoutAllocating(out.toBytes());
  }

  @Test
  void classByNameIdsDoNotAccumulateState() {
    // Before the fix: each new name id added an entry to Kryo's name-id map (Class.forName, then
    // kept for good, since a registration-required Kryo never clears it): 4·10^5 packets, ~10 MiB.
    Output out = header();
    int start = out.position();
    long base = Heap.usedAfterGc();
    for (int nameId = 0; nameId < 400_000; nameId++) {
      out.setPosition(start);
      out.writeVarInt(KRYO_NAME, true);
      out.writeVarInt(nameId, true);
      out.writeString("java.lang.String");
      out.writeString("x");
      out.writeVarInt(0, true);
      byte[] datagram = out.toBytes();
      assertMalformed(codec, datagram);
    }
    long grown = Heap.usedAfterGc() - base;
    Reference.reachabilityFence(codec);
    assertTrue(grown < 2 << 20, "4·10^5 class-by-name packets left the heap " + grown + " bytes larger");
  }

  @Test
  void anIdOfTheOtherFamilyIsMalformed() {
    Codec c = new Codec(1000);
    byte[] ack = c.encodeMessage(new Message.Ack(1));
    byte[] alive = c.encodeUpdate(CodecSamples.updates().get(0));
    NodeId a = CodecSamples.sender();
    assertThrows(MalformedPacketException.class, () -> c.decode(Codec.assemble(a, ack, List.of(ack))));
    assertThrows(MalformedPacketException.class, () -> c.decode(Codec.assemble(a, alive, List.of(alive))));
    assertThrows(MalformedPacketException.class, () -> c.decode(Codec.assemble(a, alive, List.of())));
  }

  @Test
  void nullAndPrimitiveClassIdsAreMalformed() {
    for (int kryoId = 0; kryoId < 20; kryoId++) {
      Output out = header();
      out.writeVarInt(kryoId, true);
      out.writeBytes(new byte[16]);
      out.writeVarInt(0, true);
      byte[] datagram = out.toBytes();
      assertThrows(MalformedPacketException.class, () -> codec.decode(datagram), "class id " + kryoId);
    }
  }

  /** A Ranges message body: depth, complete, revocations, then {@code count} ranges of {@code prefix}. */
  private static byte[] ranges(int depth, long prefix, int count) {
    Output body = new Output(64, 1 << 16);
    body.writeByte(depth);
    body.writeBoolean(true);
    body.writeLong(0);
    body.writeVarInt(count, true);
    body.writeVarLong(prefix, true);
    body.writeVarInt(1, true);
    body.writeLong(0);
    Output out = header();
    out.writeVarInt(31 + 2, true);
    out.writeVarInt(body.position(), true);
    out.writeBytes(body.toBytes());
    out.writeVarInt(0, true);
    return out.toBytes();
  }

  @Test
  void rangeSummariesOutOfBoundsAreRefused() throws Exception {
    codec.decode(ranges(6, 63, 1)); // the well-formed one decodes
    assertMalformed(codec, ranges(6, 64, 1)); // a prefix longer than its depth
    assertMalformed(codec, ranges(61, 0, 1)); // deeper than any range
    assertMalformed(codec, ranges(-1, 0, 1));
    refusedWithoutAllocating(ranges(6, 0, 1 << 28)); // a count the datagram cannot hold
  }
}
