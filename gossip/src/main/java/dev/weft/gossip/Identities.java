package dev.weft.gossip;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Certificates as a node learns them. A claim whose signer's certificate is unknown is held
 * (bounded, for a short while) and the certificate is fetched from the member that passed the
 * claim on: it verified that claim, so it holds the certificate. Once the certificate verifies,
 * the held claims are applied; nothing unverified changes state. Only certificates this member
 * asked for are verified, so a member pushing certificates costs nothing.
 */
final class Identities {
  static final int IDS_PER_FETCH = 4;
  static final int MAX_HELD = 512;
  static final int MAX_HELD_PER_SIGNER = 8;
  static final int MAX_CERTIFICATE_BYTES = 4096;
  /** Held claims are dropped after this; gossip retransmits and push-pull repairs what mattered. */
  static final long HOLD_MILLIS = 10_000;
  /** A certificate asked for and not yet received is asked for again after this. */
  static final long REASK_MILLIS = 1_000;

  /** A claim waiting for its signer's certificate, with the packet it came in. */
  record Held(Update update, Inbound in, long since) {}

  private final NodeId self;
  private final MemberAuthority authority;
  private final Dissemination out;
  private final Scheduler scheduler;
  private final GossipStats stats;
  private final Map<NodeId, List<Held>> held = new HashMap<>();
  private final Map<NodeId, Long> asked = new HashMap<>();
  private int heldCount;

  Identities(NodeId self, MemberAuthority authority, Dissemination out, Scheduler scheduler, GossipStats stats) {
    this.self = self;
    this.authority = authority;
    this.out = out;
    this.scheduler = scheduler;
    this.stats = stats;
  }

  /** The member whose certificate verifies {@code u}, or null when none is needed up front. */
  static NodeId signer(Update u) {
    return switch (u) {
      case Update.Alive a -> a.id();
      case Update.Suspect s -> s.accuser();
      case Update.Dead d -> d.accuser();
      case Update.RecordUpdate r -> r.record().origin();
      case Update.Revocation r -> null; // verified against the CAs, not a member
      case Update.RecordNotice n -> null; // unsigned: the record it announces is verified when it arrives
    };
  }

  /** Whether the certificate that verifies {@code u} is at hand. */
  boolean canVerify(Update u) {
    NodeId signer = signer(u);
    return signer == null || signer.equals(self) || authority.knows(signer);
  }

  /** Holds {@code u} until its signer's certificate arrives, and asks the sender for it. */
  void hold(Update u, Inbound in) {
    NodeId signer = signer(u);
    long now = scheduler.nowMillis();
    List<Held> list = held.get(signer);
    if (heldCount >= MAX_HELD || (list != null && list.size() >= MAX_HELD_PER_SIGNER)) {
      stats.claimsDropped++;
    } else {
      held.computeIfAbsent(signer, k -> new ArrayList<>(2)).add(new Held(u, in, now));
      heldCount++;
      stats.claimsHeld++;
    }
    Long before = asked.get(signer);
    if ((before == null || now - before >= REASK_MILLIS) && asked.size() < MAX_HELD) {
      asked.put(signer, now);
      out.sendBare(in.from(), new Message.CertFetch(List.of(signer)));
    }
  }

  /** Answers a fetch with the certificates held, one datagram each. */
  void onFetch(NodeId from, Message.CertFetch f) {
    int n = Math.min(IDS_PER_FETCH, f.ids().size());
    for (int i = 0; i < n; i++) {
      NodeId id = f.ids().get(i);
      byte[] cert = authority.certificate(id); // this member's own included
      if (cert != null) {
        out.sendBare(from, new Message.CertPush(id, cert));
      }
    }
  }

  /**
   * A certificate arrived: verified only if this member asked for it. Returns the claims that
   * waited for it, to be applied now (none when it did not verify). When the certificate became
   * known meanwhile (its member's hello), the claims are released all the same.
   */
  List<Held> onCertificate(Message.CertPush p) {
    if (asked.remove(p.id()) == null) {
      return List.of();
    }
    if (!authority.knows(p.id())) {
      if (!authority.learn(p.id(), p.certificate())) {
        stats.rejectedClaims++;
        return List.of();
      }
      stats.certificatesLearned++;
    }
    return release(p.id());
  }

  /** The claims held for {@code signer}, now removed (its certificate became known meanwhile). */
  List<Held> release(NodeId signer) {
    List<Held> list = held.remove(signer);
    if (list == null) {
      return List.of();
    }
    heldCount -= list.size();
    return list;
  }

  /** Drops claims held too long and forgets fetches that went unanswered. */
  void expire() {
    long now = scheduler.nowMillis();
    for (Iterator<List<Held>> it = held.values().iterator(); it.hasNext(); ) {
      List<Held> list = it.next();
      int before = list.size();
      list.removeIf(h -> now - h.since() >= HOLD_MILLIS);
      heldCount -= before - list.size();
      stats.claimsDropped += before - list.size();
      if (list.isEmpty()) {
        it.remove();
      }
    }
    asked.values().removeIf(t -> now - t >= HOLD_MILLIS);
  }
}
