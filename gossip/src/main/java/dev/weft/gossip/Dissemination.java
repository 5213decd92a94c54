package dev.weft.gossip;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything that leaves this member: updates queued for piggybacking (each sent about λ·log n
 * times), packets filled up to the datagram budget, and the gossip tick that pushes pending
 * updates to a few random members.
 */
final class Dissemination {
  private final NodeId self;
  private final GossipConfig config;
  private final Codec codec;
  private final Transport transport;
  private final BroadcastQueue broadcasts;
  private final MemberTable table;
  private final GossipStats stats;

  Dissemination(NodeId self, GossipConfig config, Codec codec, Transport transport, MemberTable table, GossipStats stats) {
    this.self = self;
    this.config = config;
    this.codec = codec;
    this.transport = transport;
    this.broadcasts = new BroadcastQueue(config.maxQueuedUpdates());
    this.table = table;
    this.stats = stats;
  }

  /** Members this member considers up (alive or suspect), itself included. */
  int liveCount() {
    return table.upCount() + 1;
  }

  boolean hasPending() {
    return !broadcasts.isEmpty();
  }

  /** Spreads an update learned from {@code in}, unless it is second-hand news from a solicited push. */
  void spread(Update u, boolean news, Inbound in) {
    if (in == null || in.spreads(u, news)) {
      enqueue(u);
    }
  }

  void enqueue(Update u) {
    switch (u) {
      case Update.Alive a -> stats.alivesQueued++;
      case Update.Suspect x -> stats.suspectsQueued++;
      case Update.Dead d -> stats.deadsQueued++;
      case Update.RecordUpdate r -> stats.recordsQueued++;
      case Update.Revocation r -> stats.revocationsQueued++;
      case Update.RecordNotice n -> stats.recordsQueued++;
    }
    byte[] encoded = codec.encodeUpdate(u);
    boolean firstHand = firstHand(u);
    if (u instanceof Update.RecordUpdate r && encoded.length > LargeRecords.INLINE_MAX) {
      Update.RecordNotice notice = new Update.RecordNotice(r.record().origin(), r.record().version());
      broadcasts.add(notice, codec.encodeUpdate(notice), firstHand);
    } else {
      broadcasts.add(u, encoded, firstHand);
    }
  }

  /**
   * News this member is the source of: its own alive (a refutation), leave and record, and its own
   * accusations. These go out before anything passed on: a refutation that waits behind the
   * suspicions of others reaches their timers too late, and only this member can send it.
   */
  private boolean firstHand(Update u) {
    return switch (u) {
      case Update.Suspect s -> s.accuser().equals(self);
      case Update.Dead d -> d.accuser().equals(self);
      case Update.Revocation r -> false;
      default -> self.equals(u.subject());
    };
  }

  /** The bytes that carry {@code u} in a packet: a large record travels as its notice. */
  byte[] encodeForPacket(Update u) {
    byte[] encoded = codec.encodeUpdate(u);
    if (u instanceof Update.RecordUpdate r && encoded.length > LargeRecords.INLINE_MAX) {
      return codec.encodeUpdate(new Update.RecordNotice(r.record().origin(), r.record().version()));
    }
    return encoded;
  }

  /**
   * How many members this gossip tick pushes to: more while the queue is deep, within the
   * configured byte budget (see {@link GossipConfig#gossipFanout}).
   */
  int fanout() {
    return config.gossipFanout(broadcasts.pendingBytes());
  }

  /** Pushes pending updates to a few random members (up, or dead only a short while). */
  void gossipTo(List<Member> targets) {
    for (Member m : targets) {
      if (broadcasts.isEmpty()) {
        return;
      }
      send(m.id, new Message.Push(false));
    }
  }

  void send(NodeId to, Message message) {
    send(to, message, null);
  }

  /**
   * Sends {@code message} with {@code first} (when not null) and as many pending updates as fit
   * the datagram budget.
   */
  void send(NodeId to, Message message, Update first) {
    byte[] msg = codec.encodeMessage(message);
    List<byte[]> updates = new ArrayList<>();
    int budget = config.maxPacketBytes() - Codec.packetSize(msg.length, 0, 0) - 4;
    if (first != null) {
      byte[] b = codec.encodeUpdate(first);
      updates.add(b);
      budget -= b.length;
    }
    updates.addAll(broadcasts.fill(budget, config.retransmitLimit(liveCount())));
    transmit(to, Codec.assemble(self, msg, updates));
  }

  /** Sends {@code message} with nothing piggybacked. */
  void sendBare(NodeId to, Message message) {
    transmit(to, Codec.assemble(self, codec.encodeMessage(message), List.of()));
  }

  /** Sends updates (already encoded) as solicited pushes, as many packets as they need. */
  void sendSolicited(NodeId to, List<byte[]> updates) {
    byte[] push = codec.encodeMessage(new Message.Push(true));
    int budget = config.maxPacketBytes() - Codec.packetSize(push.length, 0, 0) - 4;
    List<byte[]> batch = new ArrayList<>();
    int used = 0;
    for (byte[] u : updates) {
      if (used + u.length > budget && !batch.isEmpty()) {
        transmit(to, Codec.assemble(self, push, batch));
        batch = new ArrayList<>();
        used = 0;
      }
      batch.add(u);
      used += u.length;
    }
    if (!batch.isEmpty()) {
      transmit(to, Codec.assemble(self, push, batch));
    }
  }

  byte[] encode(Update u) {
    return codec.encodeUpdate(u);
  }

  private void transmit(NodeId to, byte[] datagram) {
    stats.packetsSent++;
    stats.bytesSent += datagram.length;
    transport.send(to, datagram);
  }
}
