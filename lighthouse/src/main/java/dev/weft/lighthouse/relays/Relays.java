package dev.weft.lighthouse.relays;

import dev.weft.certs.NodeIdentity;
import dev.weft.dataplane.relay.RelayClients;
import dev.weft.dataplane.relay.RelayForwarder;
import dev.weft.dataplane.wireguard.Endpoint;
import dev.weft.gossip.NodeId;
import dev.weft.lighthouse.channel.ChannelKind;
import dev.weft.lighthouse.channel.ControlChannel;
import dev.weft.lighthouse.channel.PeerInfo;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Relay bindings over the control channel, in both roles.
 *
 * <p>As a relay ({@code forwarder} given, {@code am_relay}): a REQUEST from member A for member
 * B is granted only when B is a verified channel peer (certificate verified, not revoked, not
 * forgotten) heard within {@link #HEARD_MILLIS} (for a refresh of an existing binding: still
 * verified); per requester at most {@link #MAX_PER_REQUESTER}
 * bindings, overall at most the forwarder's bound, requests rate-limited per member. The pair
 * gets one id (a second request from either side returns it and refreshes both addresses: A's
 * from where the request came, B's from the channel) and both sides get an OFFER. Bindings
 * without frames or refresh for {@link #IDLE_NANOS}, or with a side the channel no longer knows,
 * are unbound and both sides told (CLOSE).
 *
 * <p>As a client ({@code clients} given, {@code use_relays}): {@link #request} asks a relay;
 * an OFFER from a relay (always a verified channel peer: nothing else gets through the channel)
 * attaches {@code Endpoint.Relayed(relay's address, id)} in {@link RelayClients} and tells the
 * listener, bounded per relay and overall. A request is repeated {@link #EARLY_REPEATS} times
 * {@link #EARLY_REPEAT_NANOS} apart, then refreshed every {@link #REFRESH_NANOS} until
 * {@link #release}; attachments not refreshed (no OFFER) for
 * {@link #IDLE_NANOS} or closed by the relay are detached.
 *
 * <p>Thread-safe: messages arrive on the socket's event loop, {@link #tick} from a timer, the
 * rest from anywhere; state changes under one lock (messages are rare), the listener is called
 * outside it.
 */
public final class Relays implements AutoCloseable {
    /** A peer must have been heard this recently for a relay to bind to it. */
    public static final long HEARD_MILLIS = 60_000;
    /** A binding or attachment without use or refresh this long is gone. */
    public static final long IDLE_NANOS = 60_000_000_000L;
    /** How often a client repeats its request while it uses a binding. */
    public static final long REFRESH_NANOS = 20_000_000_000L;
    /**
     * A new request is repeated this many times, {@link #EARLY_REPEAT_NANOS} apart, before the
     * refresh interval takes over. Each request brings both sides an OFFER, and the requester
     * cannot tell whether the other side's arrived: a datagram lost, or one that reached the other
     * side while it still verified the relay's hello (then it cannot be opened, and nothing is kept
     * for an unverified sender), would otherwise keep the peer unreachable through the relay until
     * the first refresh.
     */
    public static final int EARLY_REPEATS = 2;
    public static final long EARLY_REPEAT_NANOS = 2_000_000_000L;
    /** Bindings one member may have requested at a relay. */
    public static final int MAX_PER_REQUESTER = 32;
    /** Attachments one relay may make at a client. */
    public static final int MAX_PER_RELAY = 64;
    /** The byte rate of one binding (both directions together). */
    public static final long BYTES_PER_SECOND = 4L << 20;
    /** Requests per second one member may send a relay (burst {@link #REQUEST_BURST}). */
    public static final double REQUESTS_PER_SECOND = 1;
    public static final int REQUEST_BURST = 8;

    /** What happens to relayed endpoints; called on the thread that handled the message or tick. */
    public interface Listener {
        /** {@code relay} bound us to {@code peer}: sending to {@code endpoint} reaches it. */
        void offered(NodeId peer, Endpoint.Relayed endpoint, NodeIdentity relay);

        /** The relayed endpoint with {@code id} to {@code peer} is gone (closed by the relay or expired). */
        void closed(NodeId peer, long id);

        /** {@code relay} refused to bind us to {@code peer} ({@code reason}: see lighthouse/README.md). */
        default void refused(NodeId peer, NodeIdentity relay, int reason) {
        }
    }

    /** Counters for status and metrics. */
    public record Counters(long requestsSent, long offersReceived, long refusalsReceived, long closesReceived,
                           long requestsGranted, long requestsRefused, long requestsRateLimited, long malformed,
                           long offersIgnored, long bindingsExpired, long attachmentsExpired) {
    }

    private record Pair(NodeId low, NodeId high) {
        static Pair of(NodeId x, NodeId y) {
            return x.compareTo(y) < 0 ? new Pair(x, y) : new Pair(y, x);
        }
    }

    /** A binding this relay made: {@code a} requested it first. */
    private record Binding(long id, NodeId a, NodeId b, NodeIdentity aIdentity, NodeIdentity bIdentity) {
    }

    /** A relayed endpoint through {@code relay} to {@code peer}. */
    private record Use(NodeId relay, NodeId peer) {
    }

    private static final class Attachment {
        final Endpoint.Relayed endpoint;
        final NodeIdentity relay;
        long refreshed;

        Attachment(Endpoint.Relayed endpoint, NodeIdentity relay, long refreshed) {
            this.endpoint = endpoint;
            this.relay = relay;
            this.refreshed = refreshed;
        }
    }

    private static final class Wanted {
        final NodeIdentity relay;
        long lastRequest;
        int repeats;

        Wanted(NodeIdentity relay, long lastRequest) {
            this.relay = relay;
            this.lastRequest = lastRequest;
        }
    }

    private final ControlChannel channel;
    private final RelayForwarder forwarder;
    private final RelayClients clients;
    private final Listener listener;
    private final LongSupplier nanoClock;
    private final SecureRandom random = new SecureRandom();
    private final RequestLimiter limiter;
    private final Object lock = new Object();
    private final Map<Pair, Binding> byPair = new HashMap<>();
    private final Map<Long, Binding> byId = new HashMap<>();
    private final Map<NodeId, Integer> perRequester = new HashMap<>();
    private final Map<Use, Attachment> attachments = new HashMap<>();
    private final Map<NodeId, Integer> perRelay = new HashMap<>();
    private final Map<Use, Wanted> wanted = new HashMap<>();
    private boolean closed;

    private final AtomicLong requestsSent = new AtomicLong();
    private final AtomicLong offersReceived = new AtomicLong();
    private final AtomicLong refusalsReceived = new AtomicLong();
    private final AtomicLong closesReceived = new AtomicLong();
    private final AtomicLong requestsGranted = new AtomicLong();
    private final AtomicLong requestsRefused = new AtomicLong();
    private final AtomicLong requestsRateLimited = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong offersIgnored = new AtomicLong();
    private final AtomicLong bindingsExpired = new AtomicLong();
    private final AtomicLong attachmentsExpired = new AtomicLong();

    /**
     * @param forwarder the relay role's forwarder; null unless {@code am_relay}
     * @param clients where relayed endpoints are attached; null unless {@code use_relays}
     * @param nanoClock monotonic time, the forwarder's clock
     */
    public Relays(ControlChannel channel, RelayForwarder forwarder, RelayClients clients, Listener listener,
                  LongSupplier nanoClock) {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.forwarder = forwarder;
        this.clients = clients;
        this.listener = Objects.requireNonNull(listener, "listener");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        int members = forwarder == null ? 16 : Math.max(16, forwarder.maxBindings());
        this.limiter = new RequestLimiter(REQUESTS_PER_SECOND, REQUEST_BURST, members);
    }

    // ---------------------------------------------------------------- client role

    /**
     * Asks relay (a verified channel peer) to bind us to peer; the answer arrives through the
     * listener. False when not sent: relays not used here, the relay is not a verified peer (or
     * is {@code peer}), or too many bindings are wanted. Until {@link #release}, the request is
     * repeated every {@link #REFRESH_NANOS} by {@link #tick}.
     */
    public boolean request(NodeIdentity relay, NodeId peer) {
        if (clients == null) {
            return false;
        }
        NodeId relayId = NodeId.of(relay.x25519PublicKey());
        Optional<PeerInfo> info = channel.peer(relay.x25519PublicKey());
        if (info.isEmpty() || relayId.equals(peer)) {
            return false;
        }
        Use use = new Use(relayId, peer);
        synchronized (lock) {
            if (closed || (!wanted.containsKey(use) && wanted.size() >= clients.maxAttached())) {
                return false;
            }
            wanted.put(use, new Wanted(info.get().identity(), nanoClock.getAsLong()));
        }
        if (sendRequest(info.get(), peer)) {
            return true;
        }
        synchronized (lock) {
            wanted.remove(use); // forgotten meanwhile: nothing to refresh
        }
        return false;
    }

    /** Stops refreshing bindings to {@code peer}; they expire at the relay and here after {@link #IDLE_NANOS}. */
    public void release(NodeId peer) {
        synchronized (lock) {
            wanted.keySet().removeIf(u -> u.peer().equals(peer));
        }
    }

    private boolean sendRequest(PeerInfo relay, NodeId peer) {
        boolean sent = channel.send(relay.identity(), relay.address(), ChannelKind.RELAY,
                new RelayMessage.Request(peer.bytes()).encode());
        if (sent) {
            requestsSent.incrementAndGet();
        }
        return sent;
    }

    // ---------------------------------------------------------------- messages

    /** Control message of kind RELAY from the channel listener (any thread). */
    public void onMessage(NodeIdentity from, InetSocketAddress address, byte[] payload) {
        RelayMessage message;
        try {
            message = RelayMessage.decode(payload);
        } catch (RelayFormatException e) {
            malformed.incrementAndGet();
            return;
        }
        NodeId sender = NodeId.of(from.x25519PublicKey());
        List<Runnable> events = new ArrayList<>(1);
        switch (message) {
            case RelayMessage.Request r -> onRequest(from, sender, address, NodeId.of(r.peer()));
            case RelayMessage.Offer o -> onOffer(from, sender, address, o.id(), NodeId.of(o.peer()), events);
            case RelayMessage.Refuse f -> onRefuse(from, sender, NodeId.of(f.peer()), f.reason(), events);
            case RelayMessage.Close c -> onClose(sender, c.id(), events);
        }
        events.forEach(Runnable::run);
    }

    private void onRequest(NodeIdentity from, NodeId sender, InetSocketAddress address, NodeId peer) {
        if (forwarder == null) {
            refuse(from, address, peer, RelayMessage.NOT_A_RELAY);
            return;
        }
        if (!limiter.allow(sender, nanoClock.getAsLong())) {
            requestsRateLimited.incrementAndGet(); // no answer: a flood gets nothing back
            return;
        }
        if (peer.equals(sender)) {
            refuse(from, address, peer, RelayMessage.BAD_PEER);
            return;
        }
        Optional<PeerInfo> other = channel.peer(peer.bytes());
        if (other.isEmpty()) {
            refuse(from, address, peer, RelayMessage.PEER_UNKNOWN);
            return;
        }
        PeerInfo b = other.get();
        boolean heard = channel.clock().wallMillis() - b.lastSeenMillis() <= HEARD_MILLIS;
        long id;
        synchronized (lock) {
            if (closed) {
                return;
            }
            Pair pair = Pair.of(sender, peer);
            Binding existing = byPair.get(pair);
            // A new binding needs B heard lately; a refresh needs B still verified (the frames it
            // sends through the binding are what show it alive then, not control messages).
            if (!heard && (existing == null || !forwarder.isBound(existing.id()))) {
                refuse(from, address, peer, RelayMessage.PEER_UNKNOWN);
                return;
            }
            try {
                if (existing != null && forwarder.isBound(existing.id())) {
                    boolean senderIsA = existing.a().equals(sender);
                    forwarder.update(existing.id(), senderIsA ? address : b.address(), senderIsA ? b.address() : address);
                    id = existing.id();
                } else {
                    if (existing != null) {
                        forget(existing);
                    }
                    if (perRequester.getOrDefault(sender, 0) >= MAX_PER_REQUESTER) {
                        refuse(from, address, peer, RelayMessage.FULL);
                        return;
                    }
                    id = freshId();
                    if (!forwarder.bind(id, address, b.address(), BYTES_PER_SECOND)) {
                        refuse(from, address, peer, RelayMessage.FULL);
                        return;
                    }
                    Binding binding = new Binding(id, sender, peer, from, b.identity());
                    byPair.put(pair, binding);
                    byId.put(id, binding);
                    perRequester.merge(sender, 1, Integer::sum);
                }
            } catch (IllegalArgumentException e) {
                refuse(from, address, peer, RelayMessage.BAD_PEER); // both at one address: nothing to relay
                return;
            }
        }
        requestsGranted.incrementAndGet();
        channel.send(from, address, ChannelKind.RELAY, new RelayMessage.Offer(id, peer.bytes()).encode());
        channel.send(b.identity(), b.address(), ChannelKind.RELAY, new RelayMessage.Offer(id, sender.bytes()).encode());
    }

    private long freshId() {
        long id;
        do {
            id = random.nextLong();
        } while (id == 0 || byId.containsKey(id) || forwarder.isBound(id));
        return id;
    }

    private void refuse(NodeIdentity to, InetSocketAddress address, NodeId peer, int reason) {
        requestsRefused.incrementAndGet();
        channel.send(to, address, ChannelKind.RELAY, new RelayMessage.Refuse(peer.bytes(), reason).encode());
    }

    /** Drops a binding from the tables (lock held); the forwarder's entry too. */
    private void forget(Binding binding) {
        byPair.remove(Pair.of(binding.a(), binding.b()));
        byId.remove(binding.id());
        perRequester.computeIfPresent(binding.a(), (k, n) -> n <= 1 ? null : n - 1);
        forwarder.unbind(binding.id());
    }

    private void onOffer(NodeIdentity from, NodeId sender, InetSocketAddress address, long id, NodeId peer,
                         List<Runnable> events) {
        offersReceived.incrementAndGet();
        if (clients == null || peer.equals(sender)) {
            offersIgnored.incrementAndGet();
            return;
        }
        Use use = new Use(sender, peer);
        long now = nanoClock.getAsLong();
        Endpoint.Relayed endpoint;
        synchronized (lock) {
            if (closed) {
                return;
            }
            Attachment old = attachments.get(use);
            if (old != null && old.endpoint.id() == id && old.endpoint.relay().equals(address)) {
                old.refreshed = now;
                return;
            }
            Endpoint.Relayed taken = clients.attached(id);
            boolean ours = old != null && old.endpoint.id() == id;
            if (taken != null && !ours) {
                offersIgnored.incrementAndGet(); // another relay's id: never let one relay redirect another's
                return;
            }
            if (old == null && (perRelay.getOrDefault(sender, 0) >= MAX_PER_RELAY
                    || attachments.size() >= clients.maxAttached())) {
                offersIgnored.incrementAndGet();
                return;
            }
            endpoint = new Endpoint.Relayed(address, id);
            if (!clients.attach(endpoint)) {
                offersIgnored.incrementAndGet();
                return;
            }
            if (old != null && old.endpoint.id() != id) {
                clients.detach(old.endpoint.id());
                long gone = old.endpoint.id();
                events.add(() -> listener.closed(peer, gone));
            }
            if (old == null) {
                perRelay.merge(sender, 1, Integer::sum);
            }
            attachments.put(use, new Attachment(endpoint, from, now));
        }
        events.add(() -> listener.offered(peer, endpoint, from));
    }

    private void onRefuse(NodeIdentity from, NodeId sender, NodeId peer, int reason, List<Runnable> events) {
        refusalsReceived.incrementAndGet();
        synchronized (lock) {
            if (wanted.remove(new Use(sender, peer)) == null) {
                return; // not asked for
            }
        }
        events.add(() -> listener.refused(peer, from, reason));
    }

    private void onClose(NodeId sender, long id, List<Runnable> events) {
        closesReceived.incrementAndGet();
        synchronized (lock) {
            // from a relay: its binding to us is gone
            for (Iterator<Map.Entry<Use, Attachment>> it = attachments.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Use, Attachment> e = it.next();
                if (e.getKey().relay().equals(sender) && e.getValue().endpoint.id() == id) {
                    it.remove();
                    detach(e.getKey(), e.getValue(), events);
                }
            }
            // to us as the relay, from a side of the binding: it is done with it
            Binding binding = forwarder == null ? null : byId.get(id);
            if (binding != null && (binding.a().equals(sender) || binding.b().equals(sender))) {
                forget(binding);
                NodeIdentity other = binding.a().equals(sender) ? binding.bIdentity() : binding.aIdentity();
                sendClose(other, id);
            }
        }
    }

    /** Lock held; the attachment is already out of the table. */
    private void detach(Use use, Attachment a, List<Runnable> events) {
        clients.detach(a.endpoint.id());
        perRelay.computeIfPresent(use.relay(), (k, n) -> n <= 1 ? null : n - 1);
        long id = a.endpoint.id();
        events.add(() -> listener.closed(use.peer(), id));
    }

    private void sendClose(NodeIdentity to, long id) {
        channel.send(to, ChannelKind.RELAY, new RelayMessage.Close(id).encode());
    }

    // ---------------------------------------------------------------- timers

    /** Call every second: repeats new requests, refreshes used bindings, expires idle ones. */
    public void tick() {
        long now = nanoClock.getAsLong();
        List<Runnable> events = new ArrayList<>();
        List<Map.Entry<PeerInfo, NodeId>> refresh = new ArrayList<>();
        synchronized (lock) {
            if (closed) {
                return;
            }
            if (forwarder != null) {
                for (Binding b : List.copyOf(byId.values())) {
                    boolean aKnown = channel.peer(b.a().bytes()).isPresent();
                    boolean bKnown = channel.peer(b.b().bytes()).isPresent();
                    long last = forwarder.lastUsedNanos(b.id());
                    if (!aKnown || !bKnown || last == RelayForwarder.UNKNOWN || now - last > IDLE_NANOS) {
                        forget(b);
                        bindingsExpired.incrementAndGet();
                        if (aKnown) {
                            sendClose(b.aIdentity(), b.id());
                        }
                        if (bKnown) {
                            sendClose(b.bIdentity(), b.id());
                        }
                    }
                }
            }
            for (Iterator<Map.Entry<Use, Wanted>> it = wanted.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Use, Wanted> e = it.next();
                Optional<PeerInfo> relay = channel.peer(e.getKey().relay().bytes());
                if (relay.isEmpty()) {
                    it.remove();
                } else {
                    Wanted w = e.getValue();
                    long interval = w.repeats < EARLY_REPEATS ? EARLY_REPEAT_NANOS : REFRESH_NANOS;
                    if (now - w.lastRequest >= interval) {
                        w.lastRequest = now;
                        w.repeats++;
                        refresh.add(Map.entry(relay.get(), e.getKey().peer()));
                    }
                }
            }
            for (Iterator<Map.Entry<Use, Attachment>> it = attachments.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Use, Attachment> e = it.next();
                if (now - e.getValue().refreshed > IDLE_NANOS || channel.peer(e.getKey().relay().bytes()).isEmpty()) {
                    it.remove();
                    attachmentsExpired.incrementAndGet();
                    detach(e.getKey(), e.getValue(), events);
                }
            }
        }
        for (Map.Entry<PeerInfo, NodeId> r : refresh) {
            sendRequest(r.getKey(), r.getValue());
        }
        events.forEach(Runnable::run);
    }

    // ---------------------------------------------------------------- status

    /** Bytes this node forwarded as a relay. */
    public long forwardedBytes() {
        return forwarder == null ? 0 : forwarder.counters().bytesForwarded();
    }

    /** Bindings this node holds as a relay. */
    public int bindings() {
        synchronized (lock) {
            return byId.size();
        }
    }

    /** Relayed endpoints attached here (client role). */
    public int attached() {
        synchronized (lock) {
            return attachments.size();
        }
    }

    /** The relayed endpoints attached here that lead to {@code peer} (client role), with the relay of each. */
    public Map<Endpoint.Relayed, NodeIdentity> endpointsTo(NodeId peer) {
        Map<Endpoint.Relayed, NodeIdentity> out = new HashMap<>();
        synchronized (lock) {
            for (Map.Entry<Use, Attachment> e : attachments.entrySet()) {
                if (e.getKey().peer().equals(peer)) {
                    out.put(e.getValue().endpoint, e.getValue().relay);
                }
            }
        }
        return out;
    }

    public Counters counters() {
        return new Counters(requestsSent.get(), offersReceived.get(), refusalsReceived.get(), closesReceived.get(),
                requestsGranted.get(), requestsRefused.get(), requestsRateLimited.get(), malformed.get(),
                offersIgnored.get(), bindingsExpired.get(), attachmentsExpired.get());
    }

    /** Unbinds everything (telling both sides) and detaches every relayed endpoint. */
    @Override
    public void close() {
        List<Runnable> events = new ArrayList<>();
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            if (forwarder != null) {
                for (Binding b : List.copyOf(byId.values())) {
                    forget(b);
                    sendClose(b.aIdentity(), b.id());
                    sendClose(b.bIdentity(), b.id());
                }
            }
            for (Map.Entry<Use, Attachment> e : List.copyOf(attachments.entrySet())) {
                detach(e.getKey(), e.getValue(), events);
            }
            attachments.clear();
            wanted.clear();
        }
        events.forEach(Runnable::run);
    }
}
