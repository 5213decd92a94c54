/** SWIM membership with Lifeguard, the signed record CRDT, anti-entropy. */
package dev.weft.gossip;
