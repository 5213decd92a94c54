/**
 * A deterministic simulator for gossip: virtual time, seeded randomness, a network with loss,
 * latency, partitions, and members that crash, restart or run slow. Same seed, same run.
 */
package dev.weft.gossip.sim;
