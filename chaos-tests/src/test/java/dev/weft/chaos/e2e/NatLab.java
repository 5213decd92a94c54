package dev.weft.chaos.e2e;

import dev.weft.chaos.lab.Host;
import dev.weft.chaos.lab.Lab;
import dev.weft.chaos.lab.Nat;
import dev.weft.chaos.lab.Router;
import dev.weft.chaos.lab.Segment;
import dev.weft.chaos.lab.Wire;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The NAT lab of issue 12, overlay-agnostic: an internet segment with two lighthouses (both meant to be relays)
 * and two sites of every kind, plus two hosts on one LAN behind one router. Routers drop unsolicited inbound
 * traffic (the lab's RouterRules). {@link #wire} counts what crosses the internet between two sites, so a
 * "direct" path is judged on the wire, not by what an overlay says.
 *
 * <pre>
 *   internet 203.0.113.0/24: lh1, lh2, pub1, pub2, and the WAN side of every router
 *   eim1, eim2   behind masquerade (endpoint-independent mapping, port-dependent filtering)
 *   sym1, sym2   behind masquerade fully-random (endpoint-dependent: "symmetric")
 *   dbl1, dbl2   behind two masquerading routers in a row (home router behind a carrier's)
 *   lana, lanb   on one LAN behind one masquerading router "lan"
 * </pre>
 */
final class NatLab {
    /** What stands between a site and the internet. */
    enum Kind {
        PUBLIC("public"), EIM("endpoint-independent NAT"), SYMMETRIC("symmetric NAT"), DOUBLE("double NAT"),
        SAME_LAN("same LAN behind one NAT");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    /** One host and the router in front of it (null on the internet). */
    record Site(String name, Kind kind, Host host, Router router) {
        /** The address the internet sees the site's traffic from. */
        InetAddress publicIpv4() {
            if (router == null) {
                return host.ipv4();
            }
            return router.upstreamRouter().orElse(router).publicIpv4();
        }

        /** Every router between the host and the internet, nearest first. */
        List<Router> routers() {
            List<Router> out = new ArrayList<>();
            for (Router r = router; r != null; r = r.upstreamRouter().orElse(null)) {
                out.add(r);
            }
            return out;
        }
    }

    /**
     * Two sites that should talk.
     *
     * @param endsDirect whether a good overlay ends on a direct path (all but symmetric to symmetric)
     * @param birthday whether that takes birthday probing (endpoint-independent or double NAT to symmetric)
     */
    record Pair(Site a, Site b, boolean endsDirect, boolean birthday) {
        String label() {
            return a.kind.label + " <-> " + b.kind.label + " (" + a.name + "-" + b.name + ")";
        }

        static Pair of(Site a, Site b) {
            boolean symA = a.kind == Kind.SYMMETRIC;
            boolean symB = b.kind == Kind.SYMMETRIC;
            boolean natA = a.kind != Kind.PUBLIC;
            boolean natB = b.kind != Kind.PUBLIC;
            boolean direct = !(symA && symB);
            // A public node answers a symmetric NAT's port whatever it is: only a NAT on both sides needs guessing.
            boolean birthday = direct && (symA && natB || symB && natA);
            return new Pair(a, b, direct, birthday);
        }
    }

    final Lab lab;
    final Segment internet;
    final Host lh1;
    final Host lh2;
    private final Map<String, Site> sites = new LinkedHashMap<>();
    private final Map<String, Wire> wires = new HashMap<>();
    private Router lanRouter;

    private NatLab(Lab lab) {
        this.lab = lab;
        this.internet = lab.internet();
        this.lh1 = lab.host("lh1", internet);
        this.lh2 = lab.host("lh2", internet);
    }

    /** Every site, in the order {@link #build(Lab, List)} takes them. */
    static final List<String> ALL = List.of("pub1", "eim1", "sym1", "dbl1", "pub2", "eim2", "sym2", "dbl2", "lana",
            "lanb");

    /** The whole topology above, in {@code lab}. */
    static NatLab build(Lab lab) {
        return build(lab, ALL);
    }

    /** Lighthouses and only the named sites (of {@link #ALL}), for a test that needs few. */
    static NatLab build(Lab lab, List<String> names) {
        NatLab n = new NatLab(lab);
        for (String name : names) {
            n.create(name);
        }
        return n;
    }

    private void create(String name) {
        Site s = switch (name.replaceAll("[0-9]+$", "")) {
            case "pub" -> new Site(name, Kind.PUBLIC, lab.host(name, internet), null);
            case "eim" -> site(name, Kind.EIM, lab.router(name + "-gw", internet, Nat.PORT_RESTRICTED));
            case "sym" -> site(name, Kind.SYMMETRIC, lab.router(name + "-gw", internet, Nat.SYMMETRIC));
            // CGNAT: a port-restricted home router behind a port-restricted carrier router ("dblN-gw-cgn").
            case "dbl" -> site(name, Kind.DOUBLE, lab.router(name + "-gw", internet, Nat.CGNAT));
            case "lana", "lanb" -> {
                if (lanRouter == null) {
                    lanRouter = lab.router("lan-gw", internet, Nat.PORT_RESTRICTED);
                }
                yield site(name, Kind.SAME_LAN, lanRouter);
            }
            default -> throw new IllegalArgumentException("no site kind for " + name);
        };
        add(s);
    }

    private Site site(String name, Kind kind, Router gw) {
        return new Site(name, kind, lab.host(name, gw.lan()), gw);
    }

    private void add(Site s) {
        sites.put(s.name, s);
    }

    Site site(String name) {
        Site s = sites.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no site " + name);
        }
        return s;
    }

    List<Site> sites() {
        return List.copyOf(sites.values());
    }

    /**
     * Every pair of kinds once, each pair on sites that have not talked to each other before (the first
     * ping of each starts a new session), same kinds on the two sites of that kind.
     */
    List<Pair> pairs() {
        String[][] names = {
            {"pub1", "pub2"}, {"pub1", "eim1"}, {"pub1", "sym1"}, {"pub1", "dbl1"},
            {"eim1", "eim2"}, {"eim1", "sym1"}, {"eim1", "dbl1"},
            {"sym1", "sym2"}, {"sym1", "dbl1"},
            {"dbl1", "dbl2"},
            {"lana", "lanb"},
        };
        List<Pair> out = new ArrayList<>();
        for (String[] p : names) {
            if (sites.containsKey(p[0]) && sites.containsKey(p[1])) {
                out.add(Pair.of(site(p[0]), site(p[1])));
            }
        }
        return out;
    }

    /**
     * The wire that a direct path between the pair's sites crosses: the internet between their public
     * addresses, or for two hosts on one LAN, that LAN between their own addresses.
     */
    synchronized Wire wire(Pair p) {
        if (p.a.router != null && p.a.router == p.b.router) {
            return wires.computeIfAbsent(p.a.name + "|" + p.b.name,
                    k -> p.a.router.lan().wire(p.a.host.ipv4(), p.b.host.ipv4()));
        }
        return wires.computeIfAbsent(p.a.name + "|" + p.b.name, k -> internet.wire(p.a.publicIpv4(), p.b.publicIpv4()));
    }

    /** The internet between the two hosts' own global IPv6 addresses (routed, never translated). */
    synchronized Wire wire6(Pair p) {
        return wires.computeIfAbsent(p.a.name + "|" + p.b.name + "|6", k -> internet.wire(p.a.host.ipv6().orElseThrow(),
                p.b.host.ipv6().orElseThrow()));
    }

    /** The internet between a site's public address and a relay. */
    synchronized Wire toRelay(Site s, Host relay) {
        return wires.computeIfAbsent(s.name + "|" + relay.name(), k -> internet.wire(s.publicIpv4(), relay.ipv4()));
    }

    /**
     * Runs {@code action} for every item at once, a thread each (the common pool has one thread on two cores,
     * which would run the pairs one after the other), and waits for all.
     */
    static <T> void atOnce(List<T> items, java.util.function.Consumer<T> action) {
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (T item : items) {
            threads.add(Thread.ofPlatform().daemon().start(() -> {
                try {
                    action.accept(item);
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        if (!failures.isEmpty()) {
            IllegalStateException e = new IllegalStateException(failures.size() + " of " + items.size()
                    + " failed; the first: " + failures.get(0), failures.get(0)); // the summary shows only this line
            failures.subList(1, failures.size()).forEach(e::addSuppressed);
            throw e;
        }
    }

    /** Forgets every NAT mapping and connection on every router, as if they had all been rebooted. */
    void forgetAllConnections() {
        for (Site s : sites.values()) {
            for (Router r : s.routers()) {
                r.forgetConnections();
            }
        }
    }
}
