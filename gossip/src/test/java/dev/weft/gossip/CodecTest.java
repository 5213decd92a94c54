package dev.weft.gossip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.esotericsoftware.kryo.io.Output;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class CodecTest {
  static final NodeId A = id(1);
  static final NodeId B = id(2);

  static NodeId id(int b) {
    byte[] k = new byte[32];
    java.util.Arrays.fill(k, (byte) b);
    return NodeId.of(k);
  }

  final Codec codec = new Codec(1000);

  byte[] packet(Message m, Update... updates) {
    List<byte[]> us = new java.util.ArrayList<>();
    for (Update u : updates) {
      us.add(codec.encodeUpdate(u));
    }
    return Codec.assemble(A, codec.encodeMessage(m), us);
  }

  @Test
  void roundTripsEveryMessageAndUpdate() throws Exception {
    Record r = new Record(B, 77, false, new byte[] {1, 2, 3}, new byte[64]);
    byte[] p =
        packet(
            new Message.Digest(true, 3, List.of(new Message.DigestEntry(B, 5, MemberState.SUSPECT, 99))),
            new Update.Alive(B, 4, new byte[64]),
            new Update.Suspect(B, 4, A, new byte[64]),
            new Update.Dead(B, 4, A, false, new byte[64]),
            new Update.RecordUpdate(r));
    Codec.Packet d = codec.decode(p);
    assertEquals(A, d.sender());
    var digest = assertInstanceOf(Message.Digest.class, d.message());
    assertEquals(3, digest.chunk());
    assertEquals(new Message.DigestEntry(B, 5, MemberState.SUSPECT, 99), digest.entries().get(0));
    assertEquals(4, d.updates().size());
    assertEquals(r, assertInstanceOf(Update.RecordUpdate.class, d.updates().get(3)).record());
    for (Message m : List.of(new Message.Ping(1, B), new Message.PingReq(2, B), new Message.Ack(3), new Message.Nack(4),
        new Message.Fetch(List.of(A, B)), new Message.Push(false))) {
      assertEquals(m.getClass(), codec.decode(packet(m)).message().getClass());
    }
  }

  @Test
  void aNewerVersionsExtraFieldsAreSkipped() throws Exception {
    // An Ack from a future version carries one more field after seq: this version must still read it.
    Output out = new Output(64);
    out.writeByte(Codec.MAGIC);
    out.writeByte(Codec.FORMAT);
    out.writeBytes(A.bytes());
    out.writeVarInt(22 + 2, true); // Kryo writes registration id + 2
    out.writeVarInt(4 + 8, true); // body: seq + a new 8-byte field
    out.writeInt(41);
    out.writeLong(123456789L);
    out.writeVarInt(0, true);
    Codec.Packet p = codec.decode(out.toBytes());
    assertEquals(new Message.Ack(41), p.message());
  }

  @Test
  void refusesOversizedRecordsAndUnknownClasses() {
    Codec small = new Codec(10);
    byte[] big = packet(new Message.Push(false), new Update.RecordUpdate(new Record(B, 1, false, new byte[100], new byte[64])));
    assertThrows(MalformedPacketException.class, () -> small.decode(big));
    byte[] p = packet(new Message.Ack(1));
    p[2 + 32] = 90; // a class id nobody registered
    assertThrows(MalformedPacketException.class, () -> codec.decode(p));
  }

  @Provide
  Arbitrary<byte[]> mutated() {
    byte[] valid =
        packet(new Message.Digest(false, 0, List.of(new Message.DigestEntry(B, 1, MemberState.ALIVE, 5))),
            new Update.Alive(B, 1, new byte[64]), new Update.RecordUpdate(new Record(B, 1, false, new byte[20], new byte[64])));
    return Arbitraries.integers().between(0, valid.length - 1).list().ofMinSize(1).ofMaxSize(6).flatMap(pos ->
        Arbitraries.bytes().list().ofSize(pos.size()).map(vals -> {
          byte[] c = valid.clone();
          for (int i = 0; i < pos.size(); i++) {
            c[pos.get(i)] = vals.get(i);
          }
          return c;
        }));
  }

  @Property(tries = 3000)
  void mutatedPacketsFailCleanly(@ForAll("mutated") byte[] bytes) {
    decodeOrRefuse(bytes);
  }

  @Property(tries = 2000)
  void randomBytesFailCleanly(@ForAll @Size(max = 1500) byte[] bytes) {
    decodeOrRefuse(bytes);
    byte[] withHeader = new byte[bytes.length + 2];
    withHeader[0] = Codec.MAGIC;
    withHeader[1] = Codec.FORMAT;
    System.arraycopy(bytes, 0, withHeader, 2, bytes.length);
    decodeOrRefuse(withHeader);
  }

  private void decodeOrRefuse(byte[] bytes) {
    try {
      codec.decode(bytes);
    } catch (MalformedPacketException expected) {
      // refused cleanly
    }
  }
}
