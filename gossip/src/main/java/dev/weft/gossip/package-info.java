/**
 * Membership and replicated state for weft, in the manner of HashiCorp memberlist: SWIM failure
 * detection with the Lifeguard refinements, and a store of signed per-origin records (a
 * last-writer-wins CRDT) spread by piggybacked gossip and push-pull anti-entropy.
 *
 * <p>The library sees no socket and no clock of its own: it talks through {@link
 * dev.weft.gossip.Transport} and runs on a {@link dev.weft.gossip.Scheduler}, so that the same
 * code runs over the node's control channel and inside the deterministic simulator. Every call
 * into a {@link dev.weft.gossip.Gossip} instance must come from its scheduler's thread.
 */
package dev.weft.gossip;
