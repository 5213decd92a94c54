package dev.weft.gossip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class BroadcastQueueTest {
  private static Update.Alive alive(int member, int incarnation) {
    byte[] key = new byte[NodeId.LENGTH];
    key[0] = (byte) member;
    key[1] = (byte) (member >> 8);
    return new Update.Alive(NodeId.of(key), incarnation, new byte[0]);
  }

  /** Encoded bytes that say which update they stand for, {@code size} long. */
  private static byte[] bytes(int tag, int size) {
    byte[] b = new byte[size];
    b[0] = (byte) tag;
    return b;
  }

  private static int[] tags(List<byte[]> sent) {
    int[] t = new int[sent.size()];
    for (int i = 0; i < t.length; i++) {
      t[i] = sent.get(i)[0];
    }
    return t;
  }

  @Test
  void leastSentFirstAndNewestFirstAmongEquals() {
    BroadcastQueue q = new BroadcastQueue(100);
    q.add(alive(1, 0), bytes(1, 40));
    q.add(alive(2, 0), bytes(2, 40));
    assertArrayEquals(new int[] {2}, tags(q.fill(60, 10)), "newest first, one fits");
    assertArrayEquals(new int[] {1}, tags(q.fill(60, 10)), "then the one sent fewer times");
    q.add(alive(3, 0), bytes(3, 40));
    assertArrayEquals(new int[] {3, 2, 1}, tags(q.fill(120, 10)));
  }

  @Test
  void retiresAnUpdateAfterItsLimit() {
    BroadcastQueue q = new BroadcastQueue(100);
    q.add(alive(1, 0), bytes(1, 40));
    for (int i = 0; i < 3; i++) {
      assertEquals(1, q.fill(1200, 3).size());
    }
    assertTrue(q.isEmpty());
    assertEquals(List.of(), q.fill(1200, 3));
  }

  @Test
  void aNewerUpdateAboutTheSameMemberReplacesTheOlder() {
    BroadcastQueue q = new BroadcastQueue(100);
    q.add(alive(1, 0), bytes(1, 40));
    q.fill(1200, 10);
    q.add(alive(1, 1), bytes(9, 40));
    assertEquals(1, q.size());
    List<byte[]> sent = q.fill(1200, 10);
    assertArrayEquals(new int[] {9}, tags(sent));
  }

  @Test
  void skipsWhatDoesNotFitAndTakesWhatDoes() {
    BroadcastQueue q = new BroadcastQueue(100);
    q.add(alive(1, 0), bytes(1, 100));
    q.add(alive(2, 0), bytes(2, 900));
    q.add(alive(3, 0), bytes(3, 300));
    List<byte[]> sent = q.fill(500, 10);
    assertArrayEquals(new int[] {3, 1}, tags(sent));
    assertEquals(3, q.size(), "the big one waits for a packet with room");
  }

  @Test
  void boundedByDroppingTheMostSent() {
    BroadcastQueue q = new BroadcastQueue(3);
    q.add(alive(1, 0), bytes(1, 40));
    q.fill(1200, 10); // 1 sent once
    q.add(alive(2, 0), bytes(2, 40));
    q.add(alive(3, 0), bytes(3, 40));
    q.add(alive(4, 0), bytes(4, 40));
    assertEquals(3, q.size());
    assertArrayEquals(new int[] {4, 3, 2}, tags(q.fill(1200, 10)), "the one already sent was dropped");
    q.add(alive(1, 1), bytes(5, 40));
    assertEquals(3, q.size(), "a dropped member's key is free again");
  }

  @Test
  void refusesAQueueThatHoldsNothing() {
    assertThrows(IllegalArgumentException.class, () -> new BroadcastQueue(0));
  }

  @Test
  void eachOfManyUpdatesIsSentExactlyItsLimit() {
    BroadcastQueue q = new BroadcastQueue(10_000);
    for (int i = 0; i < 5_000; i++) {
      q.add(alive(i, 0), bytes(i, 40));
    }
    int sent = 0;
    while (!q.isEmpty()) {
      sent += q.fill(1200, 2).size();
    }
    assertEquals(10_000, sent, "each sent exactly twice");
  }

  @Test
  void firstHandNewsGoesBeforeAnythingPassedOnAndTheBoundDropsSecondHandFirst() {
    BroadcastQueue q = new BroadcastQueue(3);
    q.add(alive(1, 0), bytes(1, 40));
    q.add(alive(2, 0), bytes(2, 40));
    q.add(alive(9, 1), bytes(9, 40), true); // a refutation: only this member can send it
    for (int i = 0; i < 3; i++) {
      q.fill(1200, 100); // everything sent three times: the refutation is no longer the least sent
    }
    q.add(alive(3, 0), bytes(3, 40));
    assertEquals(3, q.size(), "past the bound the most-sent second-hand update was dropped");
    assertArrayEquals(new int[] {9}, tags(q.fill(60, 100)), "the refutation still goes first");
    assertEquals(120, q.pendingBytes());
  }

  @Test
  void theGossipFanoutGrowsWithTheBacklogWithinTheByteBudget() {
    GossipConfig c = GossipConfig.defaults();
    assertEquals(c.gossipNodes(), c.gossipFanout(0));
    assertEquals(c.gossipNodes(), c.gossipFanout(3L * c.maxPacketBytes()));
    assertEquals(c.gossipNodes() + 1, c.gossipFanout(3L * c.maxPacketBytes() + 1));
    int ceiling = (int) ((long) c.gossipBytesPerSecond() * c.gossipIntervalMillis() / 1000 / c.maxPacketBytes());
    assertEquals(6, ceiling);
    assertEquals(ceiling, c.gossipFanout(1L << 40));
  }
}
