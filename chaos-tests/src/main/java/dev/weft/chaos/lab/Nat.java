package dev.weft.chaos.lab;

/** How a router translates and filters IPv4 traffic from its LAN to its upstream segment. */
public enum Nat {
  /** No translation: the LAN is routed, behind the same stateful firewall. */
  NONE,
  /**
   * Plain masquerade, like most home routers: endpoint-independent mapping (one public port per inside socket,
   * whatever the destination), address-and-port-dependent filtering.
   */
  PORT_RESTRICTED,
  /** {@code masquerade fully-random}: endpoint-dependent mapping (a new public port per destination). */
  SYMMETRIC,
  /**
   * Endpoint-independent mapping and endpoint-independent filtering: once an inside socket has sent anything,
   * anyone may reach it at its public port.
   */
  FULL_CONE,
  /**
   * Carrier-grade NAT: two port-restricted NATs in a row. The router returned is the customer's; its upstream
   * is a carrier router named {@code <name>-cgn} with a carrier segment between them.
   */
  CGNAT
}
