package dev.weft.gossip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** The open-addressed member index against a plain hash map, on random programs of puts and removes. */
class MemberIndexTest {
  @Property(tries = 200)
  void behavesAsAMap(@ForAll long seed) {
    Random r = new Random(seed);
    int universe = 1 + r.nextInt(300);
    NodeId[] ids = new NodeId[universe];
    for (int i = 0; i < universe; i++) {
      byte[] k = new byte[NodeId.LENGTH];
      r.nextBytes(k);
      if (i > 0 && r.nextInt(4) == 0) {
        k[0] = ids[i - 1].bytes()[0]; // some ids share leading bytes
      }
      ids[i] = NodeId.of(k);
    }
    MemberIndex index = new MemberIndex();
    Map<NodeId, Member> model = new HashMap<>();
    for (int step = 0; step < 2_000; step++) {
      NodeId id = ids[r.nextInt(universe)];
      if (r.nextInt(3) == 0) {
        assertSame(model.remove(id), index.remove(id));
      } else {
        Member m = new Member(id, new Update.Alive(id, step, new byte[0]), step);
        model.put(id, m);
        index.put(m);
      }
      assertEquals(model.size(), index.size());
      NodeId probe = ids[r.nextInt(universe)];
      assertSame(model.get(probe), index.get(probe));
    }
    for (NodeId id : ids) {
      assertSame(model.get(id), index.get(id));
    }
    assertEquals(new HashSet<>(model.values()), new HashSet<>(index.values()));
  }
}
