package dev.weft.gossip;

/**
 * How gossip reaches other members. Production sends over the node's sealed control channel,
 * which authenticates the sender; the simulator delivers through a virtual network. Delivery is
 * unreliable and unordered, like UDP: gossip copes with loss.
 */
public interface Transport {
  /** Sends one datagram (at most {@link GossipConfig#maxPacketBytes()} bytes) to a member. */
  void send(NodeId to, byte[] datagram);
}
