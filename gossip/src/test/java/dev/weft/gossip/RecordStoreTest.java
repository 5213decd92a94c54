package dev.weft.gossip;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The record CRDT's laws, and that unverified records never get in. */
class RecordStoreTest {
  static final MemberAuthority TRUSTING = new KeysKnownAuthority() {
    public byte[] sign(byte[] m) {
      return new byte[0];
    }

    public boolean verify(NodeId s, byte[] m, byte[] sig) {
      return true;
    }
  };

  @Provide
  Arbitrary<List<Record>> records() {
    Arbitrary<Record> one = Combinators.combine(
            Arbitraries.integers().between(1, 4), Arbitraries.longs().between(1, 6), Arbitraries.of(true, false),
            Arbitraries.bytes().array(byte[].class).ofMaxSize(3))
        .as((origin, version, tomb, payload) -> new Record(CodecTest.id(origin), version, tomb, tomb ? new byte[0] : payload, new byte[] {1}));
    return one.list().ofMaxSize(20);
  }

  static Map<NodeId, Record> state(List<Record> rs) {
    RecordStore s = new RecordStore();
    for (Record r : rs) {
      s.merge(r, TRUSTING, 0);
    }
    Map<NodeId, Record> m = new HashMap<>();
    for (Record r : s.all()) {
      m.put(r.origin(), r);
    }
    return m;
  }

  @Property
  void mergeIsCommutativeAndAssociative(@ForAll("records") List<Record> rs, @ForAll long seed) {
    List<Record> shuffled = new ArrayList<>(rs);
    Collections.shuffle(shuffled, new Random(seed));
    assertEquals(state(rs), state(shuffled));
  }

  @Property
  void mergeIsIdempotent(@ForAll("records") List<Record> rs) {
    List<Record> twice = new ArrayList<>(rs);
    twice.addAll(rs);
    assertEquals(state(rs), state(twice));
  }

  @Property
  void mergingTwoReplicasEqualsMergingEverything(@ForAll("records") List<Record> a, @ForAll("records") List<Record> b) {
    // Replica A then the state of B merged in = everything merged at once.
    List<Record> ab = new ArrayList<>(state(a).values());
    ab.addAll(state(b).values());
    List<Record> all = new ArrayList<>(a);
    all.addAll(b);
    assertEquals(state(all), state(ab));
  }

  @Test
  void refusesRecordsThatDoNotVerifyOrClaimTooMuch() {
    MemberAuthority strict = new KeysKnownAuthority() {
      public byte[] sign(byte[] m) {
        return new byte[0];
      }

      public boolean verify(NodeId s, byte[] m, byte[] sig) {
        return sig.length == 1 && sig[0] == 7;
      }

      public boolean allowsRecord(NodeId origin, byte[] payload) {
        return payload.length < 3;
      }
    };
    RecordStore s = new RecordStore();
    NodeId o = CodecTest.id(9);
    assertEquals(RecordStore.Merge.REJECTED, s.merge(new Record(o, 1, false, new byte[1], new byte[] {6}), strict, 0));
    assertEquals(RecordStore.Merge.REJECTED, s.merge(new Record(o, 1, false, new byte[5], new byte[] {7}), strict, 0));
    assertEquals(RecordStore.Merge.NEWER, s.merge(new Record(o, 1, false, new byte[1], new byte[] {7}), strict, 0));
    assertEquals(RecordStore.Merge.NOT_NEWER, s.merge(new Record(o, 1, false, new byte[1], new byte[] {7}), strict, 0));
  }

  @Test
  void tombstonesAreCollectedAfterTheHorizon() {
    RecordStore s = new RecordStore();
    NodeId o = CodecTest.id(9);
    s.merge(new Record(o, 1, false, new byte[1], new byte[1]), TRUSTING, 0);
    s.merge(new Record(o, 2, true, new byte[0], new byte[1]), TRUSTING, 1_000);
    assertEquals(0, s.collectGarbage(5_000, 10_000));
    assertEquals(1, s.size());
    assertEquals(1, s.collectGarbage(11_000, 10_000));
    assertEquals(0, s.size());
  }
}
