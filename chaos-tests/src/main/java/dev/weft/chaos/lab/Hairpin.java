package dev.weft.chaos.lab;

/** Whether a NAT router lets its LAN hosts reach each other through its public address and mapped ports. */
public enum Hairpin {
  /** Packets from the LAN to the public address are translated back into the LAN. */
  ON,
  /** Packets from the LAN to the public address end at the router (as with plain Linux masquerade). */
  OFF
}
