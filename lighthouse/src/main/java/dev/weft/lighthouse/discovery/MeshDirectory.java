package dev.weft.lighthouse.discovery;

import dev.weft.certs.NodeIdentity;
import dev.weft.gossip.MemberState;
import dev.weft.gossip.NodeId;
import dev.weft.ip.IpPrefix;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The members a node knows, as the packet paths need them: by id and by overlay address, each
 * with its verified certificate, its published record and where it was last heard from.
 * Written by the gossip thread, read from any thread (the event loop looks up a destination on a
 * route miss): each change publishes new immutable maps.
 */
public final class MeshDirectory {
  /**
   * One member.
   *
   * @param record its published record, or null before the first arrives
   * @param lastHeard the underlay address its last authenticated control message came from, or null
   */
  public record Member(NodeId id, NodeIdentity identity, MemberState state, long incarnation, NodeRecord record,
                       InetSocketAddress lastHeard) {
    public boolean isUp() {
      return state == MemberState.ALIVE || state == MemberState.SUSPECT;
    }

    public String name() {
      return identity.name();
    }

    public Member with(MemberState state, long incarnation) {
      return new Member(id, identity, state, incarnation, record, lastHeard);
    }

    public Member with(NodeRecord record) {
      return new Member(id, identity, state, incarnation, record, lastHeard);
    }

    public Member heardFrom(InetSocketAddress address) {
      return new Member(id, identity, state, incarnation, record, address);
    }
  }

  private volatile Map<NodeId, Member> byId = Map.of();
  private volatile Map<InetAddress, Member> byAddress = Map.of();

  public Member get(NodeId id) {
    return byId.get(id);
  }

  /** The member whose certificate holds this overlay address, or null. */
  public Member byOverlayAddress(InetAddress address) {
    return byAddress.get(address);
  }

  /** The member with this certificate name, or null. */
  public Member byName(String name) {
    for (Member m : byId.values()) {
      if (m.identity.name().equals(name)) {
        return m;
      }
    }
    return null;
  }

  public Collection<Member> all() {
    return byId.values();
  }

  /** Adds or replaces a member. Call from one thread (the gossip thread). */
  public void put(Member m) {
    Map<NodeId, Member> ids = new HashMap<>(byId);
    Member old = ids.put(m.id, m);
    Map<InetAddress, Member> addresses = new HashMap<>(byAddress);
    if (old != null) {
      for (IpPrefix ip : old.identity.ips()) {
        addresses.remove(address(ip));
      }
    }
    for (IpPrefix ip : m.identity.ips()) {
      addresses.put(address(ip), m);
    }
    byId = Map.copyOf(ids);
    byAddress = Map.copyOf(addresses);
  }

  public void remove(NodeId id) {
    Member old = byId.get(id);
    if (old == null) {
      return;
    }
    Map<NodeId, Member> ids = new HashMap<>(byId);
    ids.remove(id);
    Map<InetAddress, Member> addresses = new HashMap<>(byAddress);
    for (IpPrefix ip : old.identity.ips()) {
      addresses.remove(address(ip), old);
    }
    byId = Map.copyOf(ids);
    byAddress = Map.copyOf(addresses);
  }

  static InetAddress address(IpPrefix ip) {
    return ip.inetAddress();
  }
}
