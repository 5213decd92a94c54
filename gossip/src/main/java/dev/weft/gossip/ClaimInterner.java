package dev.weft.gossip;

import com.github.benmanes.caffeine.cache.Interner;

/**
 * One copy of each alive claim (with its signature and node id) for all the members of one
 * process that hold it. A node runs one member and gains little; a simulator runs thousands,
 * each holding a claim for every other, and without sharing ten thousand members need about
 * 25 GB. Weak: a claim no member holds any more is forgotten. Thread-safe.
 */
public final class ClaimInterner {
  private final Interner<Update.Alive> alives = Interner.newWeakInterner();

  /** The shared copy of a verified claim. */
  Update.Alive alive(Update.Alive claim) {
    return alives.intern(claim);
  }
}
