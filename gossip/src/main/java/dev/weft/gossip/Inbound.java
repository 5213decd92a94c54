package dev.weft.gossip;

/**
 * The packet being applied: who sent it and whether it answers this member's own fetch.
 *
 * <p>Second-hand news learned from a solicited push is not re-spread: a joiner that pulls the
 * whole cluster would otherwise broadcast every member to everyone. First-hand news (about the
 * responder itself) and revivals of members held dead are spread, or a seed that pulls a joiner's
 * state would keep the join to itself.
 */
record Inbound(NodeId from, boolean solicited) {
  /** Whether an update learned from this packet goes on to others ({@code news}: spread anyway). */
  boolean spreads(Update u, boolean news) {
    return news || !solicited || from.equals(u.subject());
  }
}
