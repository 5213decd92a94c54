package dev.weft.lighthouse;

import dev.weft.certs.CertificateVerifier;
import dev.weft.certs.CertsException;
import dev.weft.certs.NodeIdentity;
import dev.weft.certs.NodeKeys;
import dev.weft.certs.RevocationSet;
import dev.weft.certs.TrustAnchors;
import dev.weft.certs.TrustBundle;
import dev.weft.certs.WeftCertificate;
import dev.weft.dataplane.udp.ControlHandler;
import dev.weft.dataplane.wireguard.WireGuardDevice;
import dev.weft.gossip.CertificateDirectory;
import dev.weft.gossip.ClaimInterner;
import dev.weft.gossip.ExecutorScheduler;
import dev.weft.gossip.Gossip;
import dev.weft.gossip.GossipConfig;
import dev.weft.gossip.GossipListener;
import dev.weft.gossip.MemberState;
import dev.weft.gossip.NodeId;
import dev.weft.gossip.PersistedState;
import dev.weft.gossip.Record;
import dev.weft.ip.IpPrefix;
import dev.weft.lighthouse.channel.ChannelKind;
import dev.weft.lighthouse.channel.ChannelListener;
import dev.weft.lighthouse.channel.ControlChannel;
import dev.weft.lighthouse.channel.DatagramSender;
import dev.weft.lighthouse.channel.PeerInfo;
import dev.weft.lighthouse.channel.Pong;
import dev.weft.lighthouse.discovery.LocalAddresses;
import dev.weft.lighthouse.discovery.MalformedRecordException;
import dev.weft.lighthouse.discovery.MeshDirectory;
import dev.weft.lighthouse.discovery.NodeRecord;
import dev.weft.lighthouse.discovery.NodeRecord.Candidate;
import dev.weft.lighthouse.gossip.ChannelTransport;
import dev.weft.lighthouse.paths.PathReport;
import dev.weft.lighthouse.paths.Paths;
import dev.weft.lighthouse.punching.CallMeMaybe;
import dev.weft.lighthouse.punching.Introducer;
import dev.weft.lighthouse.sessions.OnDemandSessions;
import dev.weft.lighthouse.state.StateStore;
import dev.weft.lighthouse.routes.RouteTable;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A node's part in the mesh: the sealed control channel on the node's socket, gossip over it
 * (membership, records, revocations), the lighthouses it registers with, the candidates it
 * publishes, and WireGuard sessions started on demand. Gossip and everything that follows from it
 * runs on one thread ("weft-gossip"); hello verification on another; the channel's datagrams
 * arrive on the socket's event loop and are handed to the gossip thread.
 *
 * <p>Start order: the channel (so hellos can be answered), gossip with the remembered state, the
 * lighthouse registrations, the periodic tasks. {@link #close} undoes it in reverse, leaving the
 * cluster gracefully and saving the state.
 */
public final class Mesh implements ControlHandler, AutoCloseable {
  /**
   * What the mesh needs to know.
   *
   * @param lighthouses underlay addresses of lighthouses (who they are is learned from their hello)
   * @param advertiseAddrs static addresses to publish as candidates
   * @param overlayInterface the TUN interface (its addresses are never candidates)
   * @param localCandidates whether the host's interface addresses are published as candidates
   *     (tests on a shared host publish only {@code advertiseAddrs})
   * @param stateDir where {@link StateStore} keeps what a restart needs; null to keep nothing
   * @param sessionIdle an on-demand session idle this long is closed
   */
  public record Settings(NodeKeys keys, WeftCertificate certificate, TrustBundle trust, RevocationSet revocations,
                         boolean amLighthouse, boolean amRelay, List<InetSocketAddress> lighthouses,
                         List<InetSocketAddress> advertiseAddrs, boolean localCandidates, int listenPort,
                         String overlayInterface, Path stateDir, Duration sessionIdle, GossipConfig gossip,
                         List<IpPrefix> advertiseRoutes, RouteTable.Policy routePolicy,
                         RouteTable.Installer routeInstaller, byte[] dnsRecords, boolean useRelays) {
    public Settings {
      lighthouses = List.copyOf(lighthouses);
      advertiseAddrs = List.copyOf(advertiseAddrs);
      advertiseRoutes = List.copyOf(advertiseRoutes);
      dnsRecords = dnsRecords.clone();
    }

    /** Without routes (advertised or installed). */
    public Settings(NodeKeys keys, WeftCertificate certificate, TrustBundle trust, RevocationSet revocations,
                    boolean amLighthouse, boolean amRelay, List<InetSocketAddress> lighthouses,
                    List<InetSocketAddress> advertiseAddrs, boolean localCandidates, int listenPort,
                    String overlayInterface, Path stateDir, Duration sessionIdle, GossipConfig gossip) {
      this(keys, certificate, trust, revocations, amLighthouse, amRelay, lighthouses, advertiseAddrs, localCandidates,
          listenPort, overlayInterface, stateDir, sessionIdle, gossip, List.of(), RouteTable.Policy.ALL, null, new byte[0],
          true);
    }
  }

  /**
   * The answer to {@link #ping}.
   *
   * @param path {@code "direct"} or {@code "relay"}
   * @param via the relay's name when relayed, else null
   */
  public record PingResult(String name, String path, String via, InetSocketAddress endpoint, double rttMillis) {}

  private static final System.Logger LOG = System.getLogger("weft.mesh");

  private final Settings settings;
  /** The CAs trusted now: the one holder the channel, gossip and revocation checks read ({@link #replaceTrust}). */
  private final TrustAnchors trust;
  private final NodeId self;
  private final NodeIdentity selfIdentity;
  private final byte[] fingerprint;
  private final ScheduledExecutorService gossipThread;
  private final ExecutorService verifyThread;
  private final CertificateDirectory certificates;
  private final MeshDirectory members = new MeshDirectory();
  private final ControlChannel channel;
  private final dev.weft.lighthouse.relays.Relays relays;
  private final ChannelTransport transport;
  private final Gossip gossip;
  private final OnDemandSessions sessions;
  private final Paths paths;
  private final Introducer introducer;
  private final dev.weft.lighthouse.punching.Birthday birthday;
  private final dev.weft.lighthouse.discovery.MappingObserver mapping = new dev.weft.lighthouse.discovery.MappingObserver();
  private volatile NodeRecord.Mapping ourMapping = NodeRecord.Mapping.UNKNOWN;
  /** What the record advertises: from the settings, then from reloads ({@link #republish}). */
  private volatile List<IpPrefix> advertised;
  private volatile byte[] dnsRecords;
  /** The node's socket, for the spare sockets of birthday probing; null without (tests). */
  private volatile dev.weft.dataplane.udp.UdpEndpoint udp;
  /** Certificates (DER) of members, readable from the socket's thread (sealed messages before a hello). */
  private final Map<NodeId, byte[]> memberCertificates = new ConcurrentHashMap<>();
  private final RouteTable routes;
  private final dev.weft.lighthouse.sessions.SessionEvents events = new dev.weft.lighthouse.sessions.SessionEvents();
  /** The last round trip a pong measured per member, in nanoseconds (any thread). */
  private final Map<NodeId, Long> lastRtt = new ConcurrentHashMap<>();
  private final WireGuardDevice device;
  private final StateStore store;
  /** The lighthouses to register with: from the settings, then from reloads ({@link #useLighthouses}). */
  private volatile List<InetSocketAddress> lighthouses;
  /** Lighthouse address → its member id, once its hello verified (gossip thread). */
  private final Map<InetSocketAddress, NodeId> lighthouseIds = new ConcurrentHashMap<>();
  /** Push-pulls with a lighthouse so far, to take them in turn (gossip thread only). */
  private long lighthouseSyncs;
  /** Our address as each lighthouse sees it (gossip thread). */
  private final Map<NodeId, InetSocketAddress> reflexive = new LinkedHashMap<>();
  private List<Candidate> published = List.of();
  /** Members remembered from the last run (gossip thread): greeted while no member is up, so a restart rejoins without lighthouses. */
  private List<StateStore.KnownMember> remembered = List.of();
  private volatile boolean closed;
  /** Kernel address notifications, when this node publishes its interfaces' addresses. */
  private dev.weft.dataplane.netlink.AddressEvents addressEvents;
  private final java.util.concurrent.atomic.AtomicBoolean refreshPending = new java.util.concurrent.atomic.AtomicBoolean();

  private Mesh(Settings settings, WireGuardDevice device, DatagramSender sender, NodeIdentity selfIdentity,
               dev.weft.dataplane.relay.RelayForwarder relayForwarder, dev.weft.dataplane.relay.RelayClients relayClients) {
    this.settings = settings;
    this.device = device;
    this.selfIdentity = selfIdentity;
    this.self = NodeId.of(settings.keys().x25519Public());
    this.fingerprint = sha256(settings.certificate().der());
    this.gossipThread = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "weft-gossip"));
    this.verifyThread = Executors.newSingleThreadExecutor(r -> daemon(r, "weft-verify"));
    this.trust = new TrustAnchors(settings.trust());
    this.certificates = new CertificateDirectory(settings.keys(), settings.certificate(), trust,
        settings.revocations(), Clock.systemUTC());
    CertificateVerifier verifier = new CertificateVerifier(trust, settings.revocations());
    this.channel = new ControlChannel(settings.keys(), settings.certificate(), () -> verifier, sender, verifyThread,
        new Listener());
    this.relays = new dev.weft.lighthouse.relays.Relays(channel, settings.amRelay() ? relayForwarder : null, relayClients,
        new dev.weft.lighthouse.relays.Relays.Listener() {
          @Override
          public void offered(NodeId peer, dev.weft.dataplane.wireguard.Endpoint.Relayed e, NodeIdentity relay) {
            post(() -> paths.relayOffered(peer, e, relay.name()));
          }

          @Override
          public void closed(NodeId peer, long id) {
            post(() -> paths.relayClosed(peer, id));
          }
        }, System::nanoTime);
    this.transport = new ChannelTransport(channel, certificates, members, System::nanoTime);
    this.gossip = new Gossip(self, settings.gossip(), transport, new ExecutorScheduler(gossipThread), certificates,
        new Membership(), new SplittableRandom(), new ClaimInterner());
    this.sessions = new OnDemandSessions(device, members, System::nanoTime, settings.sessionIdle().toNanos(), 64);
    this.paths = new Paths(members, new PathNetwork(), System::nanoTime, settings.useRelays(), this::underlay);
    this.introducer = new Introducer(channel, System::nanoTime);
    this.birthday = new dev.weft.lighthouse.punching.Birthday(new BirthdaySockets(), System::nanoTime,
        new SplittableRandom());
    sessions.usePaths(paths::firstEndpoint, new OnDemandSessions.Lifecycle() {
      @Override
      public void started(NodeId id) {
        post(() -> paths.sessionStarted(id));
      }

      @Override
      public void closed(NodeId id) {
        post(() -> paths.sessionClosed(id));
      }
    });
    RouteTable.Installer installer = settings.routeInstaller();
    this.routes = new RouteTable(self, settings.routePolicy(), installer != null ? installer : new RouteTable.Installer() {
      @Override
      public void install(IpPrefix prefix) {}

      @Override
      public void remove(IpPrefix prefix) {}
    });
    sessions.useRoutes(routes);
    this.store = settings.stateDir() == null ? null : new StateStore(settings.stateDir());
    this.advertised = settings.advertiseRoutes();
    this.dnsRecords = settings.dnsRecords();
    this.lighthouses = settings.lighthouses();
  }

  /**
   * Registers with {@code next} from now on (a reload of {@code lighthouse.hosts}): new ones are
   * greeted at once and joined through; removed ones are no longer asked to introduce, pinged or
   * believed about our reflexive address, but the member and any session to it stay.
   */
  public void useLighthouses(List<InetSocketAddress> next) {
    List<InetSocketAddress> copy = List.copyOf(next);
    onGossipThread(() -> {
      lighthouses = copy;
      boolean reflexiveChanged = false;
      for (InetSocketAddress old : List.copyOf(lighthouseIds.keySet())) {
        if (!copy.contains(old)) {
          NodeId id = lighthouseIds.remove(old);
          if (id != null && !lighthouseIds.containsValue(id)) {
            reflexiveChanged |= reflexive.remove(id) != null;
          }
        }
      }
      if (reflexiveChanged) {
        refreshCandidates(true);
      }
      greetLighthouses();
      return null;
    });
  }

  /** The lighthouses this node registers with, and which of them answered (member name, or null). */
  public Map<InetSocketAddress, String> lighthouses() {
    return onGossipThread(() -> {
      Map<InetSocketAddress, String> out = new LinkedHashMap<>();
      for (InetSocketAddress a : lighthouses) {
        NodeId id = lighthouseIds.get(a);
        NodeIdentity identity = id == null ? null : certificates.identity(id);
        out.put(a, identity == null ? null : identity.name());
      }
      return out;
    });
  }

  /**
   * Publishes new advertised routes and DNS records (a config reload): the record's version moves
   * and gossip spreads it; sessions are not touched. Throws IllegalArgumentException when the
   * record would exceed its bounds (nothing changes then).
   */
  public void republish(List<IpPrefix> routes, byte[] dns) {
    new NodeRecord(published, Set.of(), fingerprint, routes, dns); // the bounds, checked before anything moves
    onGossipThread(() -> {
      advertised = List.copyOf(routes);
      dnsRecords = dns.clone();
      gossip.publish(record().encode());
      return null;
    });
  }

  /**
   * Starts the mesh on a running dataplane: {@code sender} writes to its socket, and the node must
   * hand this mesh every control datagram ({@link #onControl}).
   */
  public static Mesh start(Settings settings, WireGuardDevice device, DatagramSender sender, NodeIdentity selfIdentity) {
    return start(settings, device, sender, selfIdentity, null, null);
  }

  /**
   * As {@link #start(Settings, WireGuardDevice, DatagramSender, NodeIdentity)}, with the dataplane's relay forwarder
   * (used when {@code amRelay}) and relay clients (null unless {@code use_relays}).
   */
  public static Mesh start(Settings settings, WireGuardDevice device, DatagramSender sender, NodeIdentity selfIdentity,
                           dev.weft.dataplane.relay.RelayForwarder relayForwarder,
                           dev.weft.dataplane.relay.RelayClients relayClients) {
    Mesh mesh = new Mesh(settings, device, sender, selfIdentity, relayForwarder, relayClients);
    if (relayClients != null) {
      relayClients.setControlHandler(mesh.channel::onRelayedControl);
    }
    device.setRouteMissHandler(mesh.sessions);
    device.setUnknownPeerHandler(mesh.sessions);
    device.setPeerEvents(mesh.events);
    try {
      mesh.gossipThread.submit(mesh::startOnGossipThread).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      mesh.close();
      throw new IllegalStateException("the mesh did not start: " + e.getMessage(), e);
    }
    return mesh;
  }

  private void startOnGossipThread() {
    StateStore.State remembered = StateStore.State.EMPTY;
    if (store != null) {
      try {
        remembered = store.load();
      } catch (IOException e) {
        LOG.log(System.Logger.Level.WARNING, "state_dir: " + e.getMessage() + "; starting from the lighthouses only");
      }
    }
    this.remembered = remembered.members();
    List<NodeId> known = new ArrayList<>();
    for (StateStore.KnownMember k : remembered.members()) {
      NodeId id = remember(k);
      if (id != null) {
        known.add(id);
      }
    }
    refreshCandidates(false);
    gossip.publish(record().encode());
    PersistedState persisted = remembered.incarnation() < 0 && remembered.revocations().isEmpty()
        ? PersistedState.EMPTY
        : new PersistedState(Math.max(0, remembered.incarnation()), known, remembered.revocations());
    gossip.start(List.of(), persisted);
    greetLighthouses();
    every(Duration.ofSeconds(2), this::greetLighthouses);
    every(Duration.ofSeconds(10), this::pingLighthouses);
    every(Duration.ofSeconds(10), this::pushPullWithALighthouse);
    every(Duration.ofSeconds(15), () -> refreshCandidates(true)); // also catches what events missed
    if (settings.localCandidates()) {
      try {
        addressEvents = dev.weft.dataplane.netlink.AddressEvents.start(this::addressesChanged);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "no address notifications (" + e.getMessage()
            + "): candidates are refreshed every 15 s");
      }
    }
    every(Duration.ofSeconds(5), sessions::closeIdle);
    every(Duration.ofMillis(100), () -> {
      paths.tick();
      birthday.tick();
    });
    every(Duration.ofSeconds(10), this::saveState);
    every(Duration.ofSeconds(60), this::revalidate);
    every(Duration.ofSeconds(1), relays::tick);
  }

  /** A member from the state file: its certificate verified again, its last address noted. */
  private NodeId remember(StateStore.KnownMember k) {
    try {
      WeftCertificate cert = WeftCertificate.fromDer(k.certificate());
      NodeId id = NodeId.of(cert.publicKey());
      if (id.equals(self) || !certificates.introduce(id, k.certificate())) {
        return null;
      }
      members.put(new MeshDirectory.Member(id, certificates.identity(id), MemberState.DEAD, -1, null, k.address()));
      return id;
    } catch (CertsException | IllegalArgumentException e) {
      return null;
    }
  }

  // ---------------------------------------------------------------- what the node asks

  /** This node's own entry, as others see it. */
  public MeshDirectory.Member self() {
    NodeRecord r = record();
    return new MeshDirectory.Member(self, selfIdentity, MemberState.ALIVE, gossip.incarnation(), r, null);
  }

  /** The other members this node knows of (any state). */
  public List<MeshDirectory.Member> members() {
    return onGossipThread(() -> {
      List<MeshDirectory.Member> out = new ArrayList<>();
      for (MeshDirectory.Member m : members.all()) {
        MemberState s = gossip.stateOf(m.id());
        if (s != null) {
          out.add(m.with(s, gossip.incarnationOf(m.id())));
        }
      }
      return out;
    });
  }

  /** The member with this name or overlay address, or null. */
  public MeshDirectory.Member find(String nameOrAddress) {
    MeshDirectory.Member m = members.byName(nameOrAddress);
    if (m == null) {
      try {
        if (nameOrAddress.matches("[0-9a-fA-F.:]+")) {
          m = members.byOverlayAddress(InetAddress.getByName(nameOrAddress));
        }
      } catch (java.net.UnknownHostException e) {
        return null;
      }
    }
    return m;
  }

  /**
   * Pings a member over the control channel at the address WireGuard would use: which endpoint
   * answered and the round trip. Greets it first when the channel does not know it yet.
   */
  public CompletableFuture<PingResult> ping(MeshDirectory.Member m) {
    post(() -> paths.explore(m.id())); // no direct path known yet: look for one, as a session would
    PathReport chosen = paths.report(m.id());
    PeerInfo peer = channel.peer(m.id().bytes()).orElse(null);
    InetSocketAddress address = chosen != null && chosen.direct() != null ? chosen.direct()
        : peer != null ? peer.address() : bestAddress(m);
    if (address == null) {
      return CompletableFuture.failedFuture(new IllegalStateException(m.name() + " has no known address"));
    }
    if ((chosen == null || chosen.direct() == null) && chosen != null && chosen.relayEndpoint() != null && peer != null) {
      String relay = chosen.relay();
      return channel.ping(m.identity(), chosen.relayEndpoint())
          .thenApply(p -> new PingResult(m.name(), "relay", relay, p.from(), p.rttNanos() / 1e6));
    }
    CompletableFuture<Void> greeted = peer != null ? CompletableFuture.completedFuture(null) : greet(m, address);
    return greeted.thenCompose(v -> channel.ping(m.identity(), address))
        .thenApply(p -> new PingResult(m.name(), "direct", null, p.from(), p.rttNanos() / 1e6));
  }

  /** The members as the packet paths see them (thread-safe snapshots; the DNS server reads it). */
  public MeshDirectory directory() {
    return members;
  }

  /** The routes members advertise and what this node does with each. */
  public List<RouteTable.Route> routes() {
    return onGossipThread(routes::all);
  }

  /**
   * Re-evaluates every advertised route under another {@code routes.accept} (a reload): routes no
   * longer accepted are removed from the kernel and the sessions, routes newly accepted installed.
   * Returns the routes as they stand then.
   */
  public List<RouteTable.Route> acceptRoutes(boolean acceptAll, List<IpPrefix> acceptOnly) {
    return onGossipThread(() -> {
      routes.usePolicy(routes.policy().withAccept(acceptAll, acceptOnly));
      updateRoutes();
      return routes.all();
    });
  }

  /** Membership or records changed: recompute the routes; sessions follow the advertiser used. */
  private void updateRoutes() {
    if (routes.update(members.all())) {
      sessions.refreshAllowedIps();
    }
  }

  /** The CA bundle trusted now. */
  public TrustBundle trust() {
    return trust.current();
  }

  /**
   * Trusts {@code next} from now on (a reload of {@code pki.ca}; the caller checked that it still
   * trusts this node's own certificate). Members of a newly trusted CA are accepted at once; members
   * whose certificates no longer verify lose their membership, their sessions and their records,
   * as a revocation would end them. Returns the names of the members ended.
   */
  public List<String> replaceTrust(TrustBundle next) {
    return onGossipThread(() -> {
      Map<NodeId, String> names = new java.util.HashMap<>();
      for (MeshDirectory.Member m : members.all()) {
        names.put(m.id(), m.name());
      }
      trust.replace(next);
      List<String> ended = new ArrayList<>();
      for (NodeId id : gossip.dropDistrusted()) { // memberDistrusted closed each one's session
        ended.add(names.getOrDefault(id, id.toString()));
      }
      for (NodeIdentity dropped : channel.revalidate()) { // peers gossip did not know yet
        NodeId id = NodeId.of(dropped.x25519PublicKey());
        sessions.close(id);
        if (!ended.contains(dropped.name())) {
          ended.add(dropped.name());
        }
        endMember(id);
      }
      return ended;
    });
  }

  /** Hands a CA-signed revocation to gossip; false when it does not verify or is known already. */
  public boolean revoke(byte[] revocation) {
    return onGossipThread(() -> gossip.revoke(revocation));
  }

  /** Where a WireGuard session to {@code id} sends, if one exists; for status reports. */
  public OnDemandSessions sessions() {
    return sessions;
  }

  public ControlChannel channel() {
    return channel;
  }

  /** Endpoints and counts the dataplane reported about sessions. */
  public dev.weft.lighthouse.sessions.SessionEvents sessionEvents() {
    return events;
  }

  /** The last round trip measured to {@code id} over the control channel, in ms, or null. */
  public Double lastRttMillis(NodeId id) {
    Long n = lastRtt.get(id);
    return n == null ? null : n / 1e6;
  }

  // ---------------------------------------------------------------- control datagrams

  @Override
  public void onControl(ByteBuf message, InetSocketAddress from) {
    if (closed) {
      message.release();
      return;
    }
    channel.onControl(message, from);
  }

  private final class Listener implements ChannelListener {
    @Override
    public void onPeerVerified(NodeIdentity peer, InetSocketAddress address) {
      post(() -> {
        NodeId id = NodeId.of(peer.x25519PublicKey());
        introduce(id, address);
        boolean lighthouse = lighthouses.contains(address);
        if (lighthouse && !id.equals(lighthouseIds.put(address, id))) {
          gossip.join(List.of(id)); // (re)registered: pull the cluster's state from it
          pingLighthouse(address, id);
        } else if (!lighthouse && !isUp(gossip.stateOf(id))) {
          gossip.join(List.of(id)); // a member back, or one remembered: exchange state with it now
        }
      });
    }

    @Override
    public void onMessage(NodeIdentity peer, InetSocketAddress from, int kind, byte[] payload) {
      switch (kind) {
        case ChannelKind.GOSSIP -> post(() -> {
          NodeId id = NodeId.of(peer.x25519PublicKey());
          introduce(id, from);
          gossip.receive(id, payload);
        });
        case ChannelKind.CALL_ME_MAYBE -> callMeMaybe(peer, from, payload);
        case ChannelKind.RELAY -> relays.onMessage(peer, from, payload);
        default -> {
        }
      }
    }

    @Override
    public void onPing(NodeIdentity peer, InetSocketAddress from) {
      NodeId id = NodeId.of(peer.x25519PublicKey());
      post(() -> {
        birthday.authenticated(id, from); // before the ping back: it must leave from the spare that was hit
        paths.pinged(id, from);
      });
    }

    @Override
    public byte[] knownCertificate(byte[] x25519PublicKey) {
      byte[] der = memberCertificates.get(NodeId.of(x25519PublicKey));
      return der == null ? null : der.clone();
    }

    @Override
    public void onPong(NodeIdentity peer, InetSocketAddress from, InetSocketAddress seen, long rttNanos) {
      lastRtt.put(NodeId.of(peer.x25519PublicKey()), rttNanos);
      post(() -> {
        NodeId id = NodeId.of(peer.x25519PublicKey());
        paths.pong(id, from, rttNanos);
        observeMapping(id, seen);
        if (lighthouseIds.containsValue(id) && !seen.equals(reflexive.put(id, seen))) {
          refreshCandidates(true);
        }
      });
    }
  }

  /** The control channel verified {@code id}: its certificate goes to gossip, its address to the directory. */
  private void introduce(NodeId id, InetSocketAddress address) {
    if (!certificates.knows(id)) {
      byte[] der = channel.certificateOf(id.bytes()).orElse(null);
      if (der == null || !certificates.introduce(id, der)) {
        return;
      }
    }
    MeshDirectory.Member m = members.get(id);
    if (m == null) {
      members.put(new MeshDirectory.Member(id, certificates.identity(id), MemberState.DEAD, -1, null, address));
    } else if (!address.equals(m.lastHeard())) {
      members.put(m.heardFrom(address)); // only on change: the directory copies on write
    }
  }

  private final class Membership implements GossipListener {
    @Override
    public void memberUp(NodeId id) {
      NodeIdentity identity = certificates.identity(id);
      if (identity == null) {
        return;
      }
      MeshDirectory.Member old = members.get(id);
      NodeRecord record = gossip.records().get(id).map(Mesh::decode).orElse(old == null ? null : old.record());
      InetSocketAddress heard = channel.peer(id.bytes()).map(PeerInfo::address).orElse(old == null ? null : old.lastHeard());
      members.put(new MeshDirectory.Member(id, identity, MemberState.ALIVE, gossip.incarnationOf(id), record, heard));
      byte[] der = certificates.certificate(id);
      if (der != null) {
        memberCertificates.put(id, der);
      }
      updateRoutes();
    }

    @Override
    public void memberDown(NodeId id, MemberState state) {
      MeshDirectory.Member m = members.get(id);
      if (m != null) {
        members.put(m.with(state, gossip.incarnationOf(id)));
        LOG.log(System.Logger.Level.INFO, "member " + m.name() + " is " + state.name().toLowerCase(java.util.Locale.ROOT)
            + (sessions.sessions().contains(id) ? ": its session is closed" : ""));
      }
      sessions.close(id);
      updateRoutes();
    }

    @Override
    public void memberRevoked(NodeId id) {
      MeshDirectory.Member m = endMember(id);
      LOG.log(System.Logger.Level.INFO, "member " + (m == null ? id : m.name()) + " revoked: its sessions are closed");
    }

    @Override
    public void memberDistrusted(NodeId id) {
      MeshDirectory.Member m = endMember(id);
      LOG.log(System.Logger.Level.INFO, "member " + (m == null ? id : m.name())
          + ": its CA is no longer trusted (pki.ca): its sessions are closed");
    }

    @Override
    public void recordChanged(Record record) {
      MeshDirectory.Member m = members.get(record.origin());
      NodeRecord r = decode(record);
      if (m != null && r != null) {
        members.put(m.with(r));
        updateRoutes();
      }
    }
  }

  /**
   * A member revoked or no longer trusted: out of the directory, the channel and the routes, its
   * session closed. Returns its entry as it was (null when unknown). Gossip thread.
   */
  private MeshDirectory.Member endMember(NodeId id) {
    MeshDirectory.Member m = members.get(id);
    members.remove(id);
    memberCertificates.remove(id);
    sessions.close(id);
    if (m != null) {
      channel.forget(m.identity());
    }
    updateRoutes();
    return m;
  }

  private static NodeRecord decode(Record r) {
    if (r.tombstone()) {
      return null;
    }
    try {
      return NodeRecord.decode(r.payload());
    } catch (MalformedRecordException e) {
      return null;
    }
  }

  // ---------------------------------------------------------------- punching and paths

  /**
   * A call-me-maybe. An ask is passed on when this node is a lighthouse. A punch is obeyed only
   * when a lighthouse passed it on and the member who asked is known: anyone else could make this
   * node probe addresses of its choosing.
   */
  private void callMeMaybe(NodeIdentity from, InetSocketAddress address, byte[] payload) {
    CallMeMaybe call;
    try {
      call = CallMeMaybe.decode(payload);
    } catch (CallMeMaybe.MalformedCallException e) {
      return;
    }
    if (call.type() == CallMeMaybe.Type.ASK) {
      if (settings.amLighthouse()) {
        introducer.onAsk(from, address, call);
      }
      return;
    }
    NodeId lighthouse = NodeId.of(from.x25519PublicKey());
    NodeId origin = NodeId.of(call.peer());
    post(() -> {
      MeshDirectory.Member relayer = members.get(lighthouse);
      boolean fromLighthouse = lighthouseIds.containsValue(lighthouse) || relayer != null && relayer.record() != null
          && relayer.record().roles().contains(NodeRecord.Role.LIGHTHOUSE);
      if (fromLighthouse && memberCertificates.containsKey(origin)) {
        paths.punchRequested(origin, call.endpoints());
      }
    });
  }

  /** What path selection does to the world: pings, asks, and moving sessions. Gossip thread. */
  private final class PathNetwork implements Paths.Network {
    @Override
    public void ping(NodeId peer, InetSocketAddress address) {
      NodeIdentity identity = certificates.identity(peer);
      if (identity == null) {
        return;
      }
      if (channel.peer(peer.bytes()).isEmpty()) {
        byte[] der = memberCertificates.get(peer);
        MeshDirectory.Member m = members.get(peer);
        InetSocketAddress until = m != null && m.lastHeard() != null ? m.lastHeard() : address;
        if (der == null || !channel.introduce(der, until)) {
          return;
        }
      }
      channel.ping(identity, address).exceptionally(e -> null); // the pong arrives through the listener
    }

    @Override
    public void askToPunch(NodeId peer) {
      List<InetSocketAddress> ours = new ArrayList<>();
      for (Candidate c : published) {
        if (ours.size() < CallMeMaybe.MAX_ENDPOINTS - 1) {
          ours.add(c.address());
        }
      }
      byte[] ask = new CallMeMaybe(CallMeMaybe.Type.ASK, peer.bytes(), ours).encode();
      for (Map.Entry<InetSocketAddress, NodeId> lh : lighthouseIds.entrySet()) {
        NodeIdentity identity = certificates.identity(lh.getValue());
        if (identity != null && !lh.getValue().equals(peer)) {
          channel.send(identity, lh.getKey(), ChannelKind.CALL_ME_MAYBE, ask);
        }
      }
    }

    @Override
    public boolean move(NodeId peer, dev.weft.dataplane.wireguard.Endpoint endpoint) {
      return device.setEndpoint(peer.bytes(), endpoint);
    }

    @Override
    public void birthday(NodeId peer) {
      MeshDirectory.Member m = members.get(peer);
      if (m == null || m.record() == null) {
        return;
      }
      NodeRecord.Mapping theirs = m.record().mapping();
      List<InetSocketAddress> outside = new ArrayList<>();
      for (Candidate c : m.record().candidates()) {
        if (c.kind() != Candidate.Kind.LOCAL) {
          outside.add(c.address());
        }
      }
      if (outside.isEmpty()) {
        return;
      }
      if (ourMapping == NodeRecord.Mapping.VARIES && theirs != NodeRecord.Mapping.VARIES) {
        birthday.openSpares(peer, outside);
      } else if (theirs == NodeRecord.Mapping.VARIES && ourMapping != NodeRecord.Mapping.VARIES) {
        birthday.spray(peer, outside.get(0).getAddress());
      }
    }

    @Override
    public void settled(NodeId peer) {
      birthday.done(peer);
    }

    @Override
    public void forgotten(NodeId peer) {
      birthday.forget(peer);
    }

    /**
     * Asks the relay that answered our pings fastest among the members that offer relaying and
     * that this node talks to (a lighthouse, typically): both sides must reach it.
     */
    @Override
    public boolean requestRelay(NodeId peer, InetSocketAddress avoid) {
      NodeIdentity best = null;
      long bestRtt = Long.MAX_VALUE;
      long recent = System.currentTimeMillis() - 15_000; // heard lately: lighthouses are pinged every 10 s
      for (MeshDirectory.Member m : members.all()) {
        PeerInfo info = channel.peer(m.id().bytes()).orElse(null);
        if (m.isUp() && !m.id().equals(peer) && m.record() != null && m.record().has(NodeRecord.Role.RELAY)
            && info != null && info.lastSeenMillis() >= recent && !info.address().equals(avoid)) {
          long rtt = lastRtt.getOrDefault(m.id(), Long.MAX_VALUE - 1);
          if (rtt < bestRtt) {
            bestRtt = rtt;
            best = m.identity();
          }
        }
      }
      return best != null && relays.request(best, peer);
    }

    @Override
    public void releaseRelay(NodeId peer) {
      relays.release(peer);
    }

    @Override
    public void pingRelayed(NodeId peer, dev.weft.dataplane.wireguard.Endpoint.Relayed via) {
      NodeIdentity identity = certificates.identity(peer);
      if (identity != null) {
        channel.ping(identity, via).thenAccept(pong -> post(() -> paths.relayPong(peer, via, pong.rttNanos())))
            .exceptionally(e -> null);
      }
    }
  }

  /** Spare sockets from the node's socket; probes through the channel. Gossip thread. */
  private final class BirthdaySockets implements dev.weft.lighthouse.punching.Birthday.Sockets {
    @Override
    public dev.weft.dataplane.udp.SpareSockets open(int count) {
      dev.weft.dataplane.udp.UdpEndpoint u = udp;
      if (u == null) {
        throw new IllegalStateException("no socket to open spares beside");
      }
      return u.openSpares(count);
    }

    @Override
    public void unpin(InetSocketAddress address) {
      dev.weft.dataplane.udp.UdpEndpoint u = udp;
      if (u != null) {
        u.unpin(address);
      }
    }

    @Override
    public void probe(NodeId peer, InetSocketAddress address) {
      NodeIdentity identity = certificates.identity(peer);
      if (identity != null) {
        channel.probe(identity, address);
      }
    }
  }

  /**
   * A pong said where {@code observer} saw us. Pongs over a spare socket say nothing about the
   * main socket's mapping and are left out.
   */
  private void observeMapping(NodeId observer, InetSocketAddress seen) {
    if (birthday.pinnedFor(observer) != null) {
      return;
    }
    long now = System.nanoTime();
    mapping.observed(observer, seen, now);
    NodeRecord.Mapping m = mapping.mapping(now);
    if (m != ourMapping) {
      ourMapping = m;
      LOG.log(System.Logger.Level.INFO, "NAT mapping: " + switch (m) {
        case VARIES -> "a new public port per destination (endpoint-dependent); birthday probing for direct paths";
        case INDEPENDENT -> "one public port for all destinations (endpoint-independent)";
        case UNKNOWN -> "unknown";
      });
      gossip.publish(record().encode());
    }
  }

  /** Whether {@code address} lies outside every overlay network of this node (so it may carry a path). */
  private boolean underlay(InetSocketAddress address) {
    for (IpPrefix overlay : selfIdentity.ips()) {
      if (overlay.contains(address.getAddress())) {
        return false;
      }
    }
    return true;
  }

  /** The node's socket: birthday probing opens spare sockets beside it. */
  public void useSocket(dev.weft.dataplane.udp.UdpEndpoint socket) {
    this.udp = socket;
  }

  /** Counts of NAT traversal, for status and metrics. */
  public record Traversal(long punchRounds, long directPathsFound, long birthdayProbes, long birthdayHits,
                          long relaysLost) {}

  /** What punching and birthday probing did so far (asks the gossip thread). */
  public Traversal traversal() {
    return onGossipThread(() -> new Traversal(paths.punchRounds(), paths.directPathsFound(), birthday.probesSent(),
        birthday.hits(), paths.relaysLost()));
  }

  /** How this node's NAT maps its socket, as far as pongs tell. */
  public NodeRecord.Mapping natMapping() {
    return ourMapping;
  }


  /** What path selection chose for {@code id}, or null without a session. */
  public PathReport path(NodeId id) {
    return paths.report(id);
  }

  // ---------------------------------------------------------------- lighthouses and candidates

  private static boolean isUp(MemberState s) {
    return s == MemberState.ALIVE || s == MemberState.SUSPECT;
  }

  private void greetLighthouses() {
    if (gossip.liveCount() == 1) {
      for (StateStore.KnownMember k : remembered) {
        channel.hello(k.address()); // alone: the members of the last run may still be there
      }
    }
    for (InetSocketAddress lh : lighthouses) {
      NodeId id = lighthouseIds.get(lh);
      MemberState s = id == null ? null : gossip.stateOf(id);
      if (id == null || s == null || !s.equals(MemberState.ALIVE) && !s.equals(MemberState.SUSPECT)
          || channel.peer(id.bytes()).isEmpty()) {
        lighthouseIds.remove(lh); // say hello until it answers: it may be new, or back from a restart
        channel.hello(lh);
      }
    }
  }

  private void pingLighthouses() {
    for (Map.Entry<InetSocketAddress, NodeId> e : lighthouseIds.entrySet()) {
      pingLighthouse(e.getKey(), e.getValue());
    }
  }

  /**
   * A push-pull with one lighthouse, a different one each time, every 10 s. Gossip's own push-pull
   * picks a random member every 30 s or more, and for a node behind a NAT that admits only those it
   * sent to lately a random partner behind another NAT never answers: of twelve members that
   * started together, eight behind NATs, not all knew each other after two minutes in three of
   * five simulated starts (gossip's {@code SimultaneousJoinBehindNatsTest}); in the namespace
   * suite's NAT lab a node behind a NAT did not list a public one when the first pings started. Every node reaches its
   * lighthouses, which know every member. It costs a node one datagram of range summary per 10 s;
   * the lighthouse answers only the ranges that differ.
   */
  private void pushPullWithALighthouse() {
    List<NodeId> ids = List.copyOf(new java.util.LinkedHashSet<>(lighthouseIds.values()));
    if (!ids.isEmpty()) {
      gossip.pushPullWith(ids.get((int) Long.remainderUnsigned(lighthouseSyncs++, ids.size())));
    }
  }

  private void pingLighthouse(InetSocketAddress address, NodeId id) {
    NodeIdentity identity = certificates.identity(id);
    if (identity != null) {
      channel.ping(identity, address).exceptionally(e -> null); // the pong arrives through the listener
    }
  }

  /** Recomputes the candidates; republishes the record when they changed. */
  private void refreshCandidates(boolean publish) {
    Set<InetAddress> overlay = new java.util.HashSet<>();
    for (var ip : selfIdentity.ips()) {
      overlay.add(ip.inetAddress());
    }
    List<Candidate> c = new ArrayList<>();
    if (settings.localCandidates()) {
      for (InetAddress a : LocalAddresses.find(settings.overlayInterface(), overlay)) {
        add(c, new Candidate(new InetSocketAddress(a, settings.listenPort()), Candidate.Kind.LOCAL));
      }
    }
    for (InetSocketAddress r : reflexive.values()) {
      add(c, new Candidate(r, Candidate.Kind.REFLEXIVE));
    }
    for (InetSocketAddress s : settings.advertiseAddrs()) {
      add(c, new Candidate(s, Candidate.Kind.STATIC));
    }
    if (!c.equals(published)) {
      published = List.copyOf(c);
      if (publish) {
        gossip.publish(record().encode());
      }
    }
  }

  /** An address came or went: republish soon (a burst of changes costs one refresh). */
  private void addressesChanged() {
    if (refreshPending.compareAndSet(false, true)) {
      try {
        gossipThread.schedule(() -> {
          refreshPending.set(false);
          refreshCandidates(true);
        }, 200, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // closing
      }
    }
  }

  private static void add(List<Candidate> list, Candidate c) {
    for (Candidate o : list) {
      if (o.address().equals(c.address())) {
        return;
      }
    }
    if (list.size() < NodeRecord.MAX_CANDIDATES) {
      list.add(c);
    }
  }

  private NodeRecord record() {
    EnumSet<NodeRecord.Role> roles = EnumSet.noneOf(NodeRecord.Role.class);
    if (settings.amLighthouse()) {
      roles.add(NodeRecord.Role.LIGHTHOUSE);
    }
    if (settings.amRelay()) {
      roles.add(NodeRecord.Role.RELAY);
    }
    return new NodeRecord(published, roles, fingerprint, advertised, dnsRecords, ourMapping);
  }

  private static InetSocketAddress bestAddress(MeshDirectory.Member m) {
    if (m.lastHeard() != null) {
      return m.lastHeard();
    }
    return m.record() == null || m.record().candidates().isEmpty() ? null : m.record().candidates().get(0).address();
  }

  /** Says hello and completes once the channel verified the member (or after a second). */
  private CompletableFuture<Void> greet(MeshDirectory.Member m, InetSocketAddress address) {
    channel.hello(address);
    CompletableFuture<Void> done = new CompletableFuture<>();
    long deadline = System.nanoTime() + 1_000_000_000L;
    Runnable[] check = new Runnable[1];
    check[0] = () -> {
      if (channel.peer(m.id().bytes()).isPresent() || System.nanoTime() > deadline) {
        done.complete(null);
      } else {
        gossipThread.schedule(check[0], 20, TimeUnit.MILLISECONDS);
      }
    };
    gossipThread.execute(check[0]);
    return done;
  }

  // ---------------------------------------------------------------- state and upkeep

  private void saveState() {
    if (store == null) {
      return;
    }
    PersistedState p = gossip.persistentState();
    List<StateStore.KnownMember> known = new ArrayList<>();
    for (NodeId id : p.knownMembers()) {
      byte[] der = certificates.certificate(id);
      MeshDirectory.Member m = members.get(id);
      InetSocketAddress a = m == null ? null : bestAddress(m);
      if (der != null && a != null) {
        known.add(new StateStore.KnownMember(der, a));
      }
    }
    if (known.isEmpty()) {
      known = remembered; // alone now: keep whom to try next time rather than forget them
    } else {
      remembered = known;
    }
    try {
      store.save(new StateStore.State(p.incarnation(), known, p.revocations()));
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "state_dir: cannot save " + store.file() + ": " + e.getMessage());
    }
  }

  private void revalidate() {
    for (NodeIdentity dropped : channel.revalidate()) {
      sessions.close(NodeId.of(dropped.x25519PublicKey()));
    }
  }

  private void every(Duration period, Runnable task) {
    gossipThread.scheduleWithFixedDelay(() -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "mesh upkeep failed: " + e, e);
      }
    }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void post(Runnable task) {
    if (!closed) {
      try {
        gossipThread.execute(task);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // closing
      }
    }
  }

  private <T> T onGossipThread(java.util.concurrent.Callable<T> task) {
    try {
      return gossipThread.submit(task).get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the gossip thread did not answer: " + e.getMessage(), e);
    }
  }

  /** Leaves the cluster (a signed leave, then a moment for it to spread), saves the state, stops. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    try {
      gossipThread.submit(() -> {
        saveState();
        gossip.leave();
        routes.removeAll(); // this node's installed routes go before the node does
      }).get(2, TimeUnit.SECONDS);
      Thread.sleep(300);
      gossipThread.submit(gossip::stop).get(2, TimeUnit.SECONDS);
    } catch (Exception e) {
      // stopping anyway
    }
    closed = true;
    if (addressEvents != null) {
      addressEvents.close();
    }
    device.setRouteMissHandler(null);
    device.setUnknownPeerHandler(null);
    device.setPeerEvents(null);
    gossipThread.shutdownNow();
    verifyThread.shutdownNow();
    relays.close();
    channel.close();
  }

  /** Relay bindings (this node as a relay) and relayed endpoints (this node using relays). */
  public dev.weft.lighthouse.relays.Relays relays() {
    return relays;
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private static byte[] sha256(byte[] der) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(der);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

}
