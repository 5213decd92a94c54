package dev.weft.chaos.lab;

import java.net.InetSocketAddress;

/**
 * What a NAT classifier observed (RFC 4787 terms).
 *
 * @param local the inside socket's own address
 * @param mapped the public endpoint the first probe server saw
 * @param mapping how the public endpoint depends on the destination
 * @param filtering which outside endpoints may send to the public endpoint
 */
public record NatBehavior(InetSocketAddress local, InetSocketAddress mapped, Dependence mapping, Dependence filtering) {
  /** How a mapping or filter depends on the remote endpoint. */
  public enum Dependence {
    /** Not at all: the same for every remote endpoint. */
    ENDPOINT_INDEPENDENT,
    /** On the remote address only. */
    ADDRESS_DEPENDENT,
    /** On the remote address and port. */
    ADDRESS_AND_PORT_DEPENDENT
  }

  /** Whether the source address was translated at all. */
  public boolean translated() {
    return !local.getAddress().equals(mapped.getAddress());
  }
}
