package dev.weft.gossip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The bytes on the wire are those the codec wrote before decoding stopped going through Kryo's
 * class resolver and bodies stopped being written through a buffer each: members of both
 * versions interoperate. Long encodings are pinned by their SHA-256.
 */
class CodecWireTest {
  /**
   * What format 2 (64-bit incarnations, digests with a revocation summary) writes for {@link
   * CodecSamples#messages()}, in order; the other kinds are as the codec of commit 61ba4a6 wrote.
   */
  private static final List<String> MESSAGES = List.of(
      "1624010000003e454c535a61686f767d848b9299a0a7aeb5bcc3cad1d8dfe6edf4fb02091017",
      "1724feffffff5d646b727980878e959ca3aab1b8bfc6cdd4dbe2e9f0f7fe050c131a21282f36",
      "1804ffffff7f",
      "190404000000",
      "1a3c0103013e454c535a61686f767d848b9299a0a7aeb5bcc3cad1d8dfe6edf4fb0209101705000000000000000163000000000000000000000000000000",
      "995 sha256:461dfd42db68e73265225fcb1d50790725360dcb6357c2fc77cefd8206174403",
      "1b21017c838a91989fa6adb4bbc2c9d0d7dee5ecf3fa01080f161d242b323940474e55",
      "644 sha256:b78e4faa9df07fd68ddb28c8a9387f4c13f35022f74a585ffebbeea69a5538b4",
      "1c0100",
      "1c0101");

  /** What format 2 (64-bit incarnations) writes for {@link CodecSamples#updates()}, in order. */
  private static final List<String> UPDATES = List.of(
      "2a699ba2a9b0b7bec5ccd3dae1e8eff6fd040b121920272e353c434a51585f666d74040000000000000040010e1b2835424f"
          + "5c697683909daab7c4d1deebf805121f2c394653606d7a8794a1aebbc8d5e2effc091623303d4a5764717e8b98a5b2bfccd9"
          + "e6f3000d1a2734",
      "2b8901bac1c8cfd6dde4ebf2f900070e151c232a31383f464d545b626970777e858c930700000000000000d9e0e7eef5fc03"
          + "0a11181f262d343b424950575e656c737a81888f969da4abb240020f1c293643505d6a7784919eabb8c5d2dfecf90613202d"
          + "3a4754616e7b8895a2afbcc9d6e3f0fd0a1724313e4b5865727f8c99a6b3c0cddae7f4010e1b2835",
      "2c8a01f8ff060d141b222930373e454c535a61686f767d848b9299a0a7aeb5bcc3cad10900000000000000171e252c333a41"
          + "484f565d646b727980878e959ca3aab1b8bfc6cdd4dbe2e9f0004003101d2a3744515e6b7885929facb9c6d3e0edfa071421"
          + "2e3b4855626f7c8996a3b0bdcad7e4f1fe0b1825323f4c596673808d9aa7b4c1cedbe8f5020f1c2936",
      "2c8a01f8ff060d141b222930373e454c535a61686f767d848b9299a0a7aeb5bcc3cad10a00000000000000f8ff060d141b22"
          + "2930373e454c535a61686f767d848b9299a0a7aeb5bcc3cad1014004111e2b3845525f6c798693a0adbac7d4e1eefb081522"
          + "2f3c495663707d8a97a4b1becbd8e5f2ff0c192633404d5a6774818e9ba8b5c2cfdce9f603101d2a37",
      "2d6e555c636a71787f868d949ba2a9b0b7bec5ccd3dae1e8eff6fd040b121920272e4d00000000000000000305121f400613"
          + "202d3a4754616e7b8895a2afbcc9d6e3f0fd0a1724313e4b5865727f8c99a6b3c0cddae7f4010e1b2835424f5c697683909d"
          + "aab7c4d1deebf805121f2c39",
      "411 sha256:90cdfab81639e1f0ab667c4a0a2ac0c0f390af64396a56d60c8af5245fdcfd0e",
      "2d6b939aa1a8afb6bdc4cbd2d9e0e7eef5fc030a11181f262d343b424950575e656c4e00000000000000010040091623303d"
          + "4a5764717e8b98a5b2bfccd9e6f3000d1a2734414e5b6875828f9ca9b6c3d0ddeaf704111e2b3845525f6c798693a0adbac7"
          + "d4e1eefb0815222f3c",
      "20113 sha256:412df31e171b104968602e8745e701ded07d3610007deabf92a87918feec1a25");

  private final Codec codec = new Codec(CodecSamples.MAX_RECORD_BYTES);

  private static String pinned(byte[] b) {
    if (b.length < 300) {
      return HexFormat.of().formatHex(b);
    }
    try {
      return b.length + " sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void encodingsAreTheBytesOfThePreviousCodec() {
    List<String> messages = new ArrayList<>();
    for (Message m : CodecSamples.messages()) {
      messages.add(pinned(codec.encodeMessage(m)));
    }
    List<String> updates = new ArrayList<>();
    for (Update u : CodecSamples.updates()) {
      updates.add(pinned(codec.encodeUpdate(u)));
    }
    assertEquals(MESSAGES, messages);
    assertEquals(UPDATES, updates);
  }

  /** What format 3 added: push-pull by ranges ({@link CodecSamples#rangeMessages()}). */
  private static final List<String> RANGES = List.of(
      "212006010807060504030201020011ffffffffffffffff3fac028877665544332211",
      "21160a00000000000000000001ff07000000000000000000",
      "22350aff07013e454c535a61686f767d848b9299a0a7aeb5bcc3cad1d8dfe6edf4fb02091017050000000000000002ffffffffffffffff");

  @Test
  void rangeMessagesAreTheBytesOfFormat3() {
    List<String> ranges = new ArrayList<>();
    for (Message m : CodecSamples.rangeMessages()) {
      ranges.add(pinned(codec.encodeMessage(m)));
    }
    assertEquals(RANGES, ranges);
    // Format 3 changed what members say in push-pull: a packet of format 2 is refused, not misread.
    assertEquals(3, Codec.assemble(CodecSamples.sender(), codec.encodeMessage(new Message.Ack(1)), List.of())[1]);
  }

  @Test
  void aBodyIsWrittenWithoutABufferOfItsOwn() {
    // An Ack's body is one int: all an encoding needs to allocate is the returned 6-byte array
    // (24 bytes with its header). The previous codec wrote each body into a new Output and its
    // 64-byte buffer first (~130 bytes an encoding).
    Message ack = new Message.Ack(7);
    for (int i = 0; i < 20_000; i++) {
      codec.encodeMessage(ack); // warm up, so the JIT's code is what is measured
    }
    int n = 10_000;
    long before = Heap.allocatedByThisThread();
    for (int i = 0; i < n; i++) {
      codec.encodeMessage(ack);
    }
    double perEncoding = (Heap.allocatedByThisThread() - before) / (double) n;
    assertTrue(perEncoding <= 40, "an Ack encoding allocated " + perEncoding + " bytes");
  }

  @Test
  void everyKindRoundTripsToTheSameValueAndBytes() throws Exception {
    NodeId sender = CodecSamples.sender();
    List<byte[]> encodedUpdates = new ArrayList<>();
    for (Update u : CodecSamples.allUpdates()) {
      encodedUpdates.add(codec.encodeUpdate(u));
    }
    for (Message m : CodecSamples.allMessages()) {
      byte[] packet = Codec.assemble(sender, codec.encodeMessage(m), encodedUpdates);
      Codec.Packet p = codec.decode(packet);
      assertEquals(sender, p.sender());
      assertArrayEquals(codec.encodeMessage(m), codec.encodeMessage(p.message()));
      assertEquals(CodecSamples.allUpdates().size(), p.updates().size());
      List<byte[]> again = new ArrayList<>();
      for (int i = 0; i < p.updates().size(); i++) {
        Update expected = CodecSamples.allUpdates().get(i);
        Update decoded = p.updates().get(i);
        assertEquals(expected.getClass(), decoded.getClass());
        assertEquals(expected.key(), decoded.key());
        if (expected instanceof Update.RecordUpdate r) {
          assertEquals(r.record(), ((Update.RecordUpdate) decoded).record());
        }
        again.add(codec.encodeUpdate(decoded)); // signatures are arrays: compare them as bytes
      }
      assertArrayEquals(packet, Codec.assemble(p.sender(), codec.encodeMessage(p.message()), again));
    }
  }
}
