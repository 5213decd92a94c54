package dev.weft.node.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.gossip.MemberState;
import dev.weft.ip.IpPrefix;
import dev.weft.lighthouse.Mesh;
import dev.weft.lighthouse.discovery.MeshDirectory;
import dev.weft.lighthouse.discovery.NodeRecord;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** The JSON of {@code weft members}, and the mesh's part of {@code weft status}. */
final class MeshReport {
  private MeshReport() {}

  /** {@code {"members": [{name, overlay_ips, state, incarnation, endpoints, roles}, ...]}}, this node first. */
  static ObjectNode members(Mesh mesh) {
    ObjectNode root = new ObjectMapper().createObjectNode();
    ArrayNode list = root.putArray("members");
    member(list.addObject(), mesh.self(), true);
    List<MeshDirectory.Member> others = new java.util.ArrayList<>(mesh.members());
    others.sort(Comparator.comparing(MeshDirectory.Member::name));
    for (MeshDirectory.Member m : others) {
      member(list.addObject(), m, false);
    }
    return root;
  }

  private static void member(ObjectNode o, MeshDirectory.Member m, boolean self) {
    o.put("name", m.name());
    ArrayNode ips = o.putArray("overlay_ips");
    for (IpPrefix ip : m.identity().ips()) {
      ips.add(StatusReport.address(ip.inetAddress()));
    }
    o.put("state", state(m.state()));
    o.put("incarnation", m.incarnation());
    ArrayNode endpoints = o.putArray("endpoints");
    if (m.record() != null) {
      for (NodeRecord.Candidate c : m.record().candidates()) {
        endpoints.add(StatusReport.endpoint(c.address()));
      }
    }
    ArrayNode roles = o.putArray("roles");
    if (m.record() != null) {
      for (NodeRecord.Role r : m.record().roles()) {
        roles.add(r.name().toLowerCase(Locale.ROOT));
      }
    }
    o.put("public_key", Base64.getEncoder().encodeToString(m.id().bytes()));
    if (self) {
      o.put("self", true);
    }
  }

  static String state(MemberState s) {
    return s.name().toLowerCase(Locale.ROOT);
  }

  /** Adds name, overlay_ips, via and rtt_ms to each peer of a status report that is a member. */
  static void annotatePeers(ObjectNode status, Mesh mesh) {
    List<MeshDirectory.Member> members = mesh.members(); // once: each call is a trip to the gossip thread
    for (var p : status.withArray("peers")) {
      ObjectNode peer = (ObjectNode) p;
      MeshDirectory.Member m = null;
      byte[] key = Base64.getDecoder().decode(peer.path("public_key").asText());
      for (MeshDirectory.Member candidate : members) {
        if (java.util.Arrays.equals(candidate.id().bytes(), key)) {
          m = candidate;
          break;
        }
      }
      if (m == null) {
        peer.putNull("name");
        peer.putArray("overlay_ips");
      } else {
        peer.put("name", m.name());
        ArrayNode ips = peer.putArray("overlay_ips");
        for (IpPrefix ip : m.identity().ips()) {
          ips.add(StatusReport.address(ip.inetAddress()));
        }
      }
      String path = peer.path("path").asText(); // the endpoint's own (StatusReport); a static peer's is direct
      dev.weft.lighthouse.paths.PathReport chosen = m == null ? null : mesh.path(m.id());
      if ("relay".equals(path) && chosen != null && chosen.relay() != null) {
        peer.put("via", chosen.relay());
      } else {
        peer.putNull("via");
      }
      peer.put("punching", chosen != null && chosen.punching());
      Double rtt = chosen != null && chosen.rttMillis() != null ? chosen.rttMillis() // over the session's path
          : m == null ? null : mesh.lastRttMillis(m.id());
      if (rtt == null) {
        peer.putNull("rtt_ms");
      } else {
        peer.put("rtt_ms", Math.round(rtt * 1000) / 1000.0);
      }
    }
    status.put("members_alive", members.stream().filter(m -> m.state() == MemberState.ALIVE).count() + 1);
    status.put("sessions_on_demand", mesh.sessions().sessions().size());
    status.put("nat_mapping", switch (mesh.natMapping()) {
      case INDEPENDENT -> "endpoint-independent";
      case VARIES -> "endpoint-dependent";
      case UNKNOWN -> "unknown";
    });
    Mesh.Traversal t = mesh.traversal();
    ObjectNode traversal = status.putObject("traversal");
    traversal.put("punch_rounds", t.punchRounds());
    traversal.put("direct_paths_found", t.directPathsFound());
    traversal.put("birthday_probes", t.birthdayProbes());
    traversal.put("birthday_hits", t.birthdayHits());
    traversal.put("relays_lost", t.relaysLost());
    traversal.put("relay_forwarded_bytes", mesh.relays().forwardedBytes());
    traversal.put("relay_bindings", mesh.relays().bindings());
    var relayed = mesh.relays().counters(); // this node as a relay's client: why a peer is not relayed
    traversal.put("relay_requests_sent", relayed.requestsSent());
    traversal.put("relay_offers_received", relayed.offersReceived());
    traversal.put("relay_refusals_received", relayed.refusalsReceived());
    status.put("handshakes_completed", mesh.sessionEvents().handshakes());
    ObjectNode control = status.putObject("control");
    for (var e : mesh.channel().counters().snapshot().entrySet()) {
      control.put(e.getKey().name().toLowerCase(Locale.ROOT), e.getValue());
    }
    status.put("endpoint_changes", mesh.sessionEvents().endpointChanges());
    ArrayNode lighthouses = status.putArray("lighthouses"); // lighthouse.hosts as in force (reload changes them)
    for (var e : mesh.lighthouses().entrySet()) {
      ObjectNode o = lighthouses.addObject();
      o.put("address", StatusReport.endpoint(e.getKey()));
      if (e.getValue() == null) {
        o.putNull("name"); // not answered yet
      } else {
        o.put("name", e.getValue());
      }
    }
  }

  /** {@code {"routes": [{prefix, via, state, reason}, ...]}}: what members advertise and what this node does with it. */
  static ObjectNode routes(Mesh mesh) {
    ObjectNode root = new ObjectMapper().createObjectNode();
    ArrayNode list = root.putArray("routes");
    for (dev.weft.lighthouse.routes.RouteTable.Route r : mesh.routes()) {
      ObjectNode o = list.addObject();
      o.put("prefix", r.prefix().toString());
      o.put("via", r.viaName());
      o.put("state", r.state().name().toLowerCase(Locale.ROOT));
      if (r.reason() == null) {
        o.putNull("reason");
      } else {
        o.put("reason", r.reason());
      }
    }
    return root;
  }

  static ObjectNode ping(Mesh.PingResult r) {
    ObjectNode o = new ObjectMapper().createObjectNode();
    o.put("name", r.name());
    o.put("path", r.path());
    if (r.via() == null) {
      o.putNull("via");
    } else {
      o.put("via", r.via());
    }
    o.put("endpoint", StatusReport.endpoint(r.endpoint()));
    o.put("rtt_ms", Math.round(r.rttMillis() * 1000) / 1000.0);
    return o;
  }
}
