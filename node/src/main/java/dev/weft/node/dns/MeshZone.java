package dev.weft.node.dns;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The authoritative part: answers for names in the mesh domain and PTR for overlay addresses,
 * from {@link MeshNames}. Answers are built fresh each time, because the mesh changes under them.
 */
final class MeshZone {
    /** CNAMEs followed inside the zone before giving up (a loop of published CNAMEs ends here). */
    private static final int MAX_CHAIN = 8;

    private final Name domain;
    private final String suffix;
    private final MeshNames mesh;
    private final long ttl;
    private volatile boolean recursionAvailable; // follows the upstreams on reload
    private final SOARecord soa;

    MeshZone(String domain, MeshNames mesh, long ttlSeconds, boolean recursionAvailable) {
        this.domain = Name.fromConstantString(domain + ".");
        this.suffix = "." + domain;
        this.mesh = mesh;
        this.ttl = ttlSeconds;
        this.recursionAvailable = recursionAvailable;
        // The minimum field is the negative-caching TTL (RFC 2308): as short as the positive one,
        // so a node that joins is found as soon as it is gossiped.
        this.soa = new SOARecord(this.domain, DClass.IN, ttlSeconds, Name.fromConstantString("ns." + domain + "."),
                Name.fromConstantString("hostmaster." + domain + "."), 1, 3600, 600, 86400, ttlSeconds);
    }

    /** Whether answers say recursion is available (some upstream or forward is configured). */
    void recursionAvailable(boolean available) {
        recursionAvailable = available;
    }

    MeshNames mesh() {
        return mesh;
    }

    boolean contains(Name name) {
        return name.subdomain(domain);
    }

    /** The PTR answer for {@code query} if its name is the reverse name of a live node's overlay address. */
    Optional<Message> reverse(Message query) {
        Record question = query.getQuestion();
        Optional<InetAddress> address = ReverseNames.parse(question.getName());
        if (address.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> node = mesh.nameOf(address.get());
        if (node.isEmpty()) {
            return Optional.empty();
        }
        Message r = response(query);
        if (question.getType() == Type.PTR || question.getType() == Type.ANY) {
            r.addRecord(new PTRRecord(question.getName(), DClass.IN, ttl, absolute(node.get())), Section.ANSWER);
        }
        return Optional.of(r);
    }

    /** The answer for a query whose name {@link #contains} is in the domain. */
    Message answer(Message query) {
        Record question = query.getQuestion();
        Message r = response(query);
        if (question.getDClass() != DClass.IN && question.getDClass() != DClass.ANY) {
            r.getHeader().setRcode(Rcode.REFUSED);
            r.getHeader().unsetFlag(Flags.AA);
            return r;
        }
        int type = question.getType();
        Name owner = question.getName();
        String rel = relative(owner);
        if (rel.isEmpty()) {
            if (type == Type.SOA || type == Type.ANY) {
                r.addRecord(soa, Section.ANSWER);
            } else {
                r.addRecord(soa, Section.AUTHORITY);
            }
            return r;
        }
        Set<Record> additional = new LinkedHashSet<>();
        for (int hop = 0; ; hop++) {
            if (!mesh.exists(rel)) {
                r.getHeader().setRcode(Rcode.NXDOMAIN);
                r.addRecord(soa, Section.AUTHORITY);
                return r;
            }
            List<Record> cname = rrset(rel, owner, Type.CNAME, additional);
            if (cname.isEmpty() || type == Type.CNAME || type == Type.ANY) {
                List<Record> answers = new ArrayList<>();
                if (type == Type.ANY) {
                    for (int t : new int[] {Type.CNAME, Type.A, Type.AAAA, Type.SRV, Type.TXT}) {
                        answers.addAll(rrset(rel, owner, t, additional));
                    }
                } else {
                    answers.addAll(rrset(rel, owner, type, additional));
                }
                answers.forEach(a -> r.addRecord(a, Section.ANSWER));
                if (answers.isEmpty()) {
                    r.addRecord(soa, Section.AUTHORITY);
                } else {
                    additional.forEach(a -> r.addRecord(a, Section.ADDITIONAL));
                }
                return r;
            }
            // A name with a CNAME has no other data (RFC 1034 3.6.2); one CNAME, the same on every ask.
            Record c = cname.get(0);
            r.addRecord(c, Section.ANSWER);
            Name target = ((CNAMERecord) c).getTarget();
            if (!contains(target) || hop + 1 >= MAX_CHAIN || relative(target).isEmpty()) {
                return r; // the client's resolver follows names outside the zone
            }
            owner = target;
            rel = relative(target);
        }
    }

    /** The records of one type at {@code rel}, owned by {@code owner}; SRV targets' addresses go to {@code additional}. */
    private List<Record> rrset(String rel, Name owner, int type, Set<Record> additional) {
        Set<Record> out = new LinkedHashSet<>(); // several nodes may publish the same data: one copy
        if (type == Type.A || type == Type.AAAA) {
            boolean v6 = type == Type.AAAA;
            for (InetAddress a : mesh.addresses(rel)) {
                if (PublishedRecord.family(a, v6)) {
                    out.add(address(owner, a, ttl));
                }
            }
        }
        List<MeshRecord> published = type == Type.A || type == Type.AAAA || type == Type.CNAME || type == Type.SRV
                || type == Type.TXT ? mesh.records(rel) : List.of();
        List<Record> cnames = new ArrayList<>();
        for (MeshRecord m : published) {
            PublishedRecord p = m.record();
            long t = p.ttl().isPresent() ? p.ttl().getAsInt() : ttl;
            switch (p) {
                case PublishedRecord.Address a when (type == Type.A && !a.ipv6()) || (type == Type.AAAA && a.ipv6()) -> {
                    if (a.address().isPresent()) {
                        out.add(address(owner, a.address().get(), t));
                    } else {
                        for (InetAddress x : mesh.addresses(m.node())) {
                            if (PublishedRecord.family(x, a.ipv6())) {
                                out.add(address(owner, x, t));
                            }
                        }
                    }
                }
                case PublishedRecord.Cname c when type == Type.CNAME -> cnames.add(new CNAMERecord(owner, DClass.IN, t, fqdn(c.target())));
                case PublishedRecord.Srv s when type == Type.SRV -> {
                    Name target = s.target().map(MeshZone::fqdn).orElseGet(() -> absolute(m.node()));
                    out.add(new SRVRecord(owner, DClass.IN, t, s.priority(), s.weight(), s.port(), target));
                    if (s.target().isEmpty()) {
                        for (InetAddress x : mesh.addresses(m.node())) {
                            additional.add(address(target, x, ttl));
                        }
                    }
                }
                case PublishedRecord.Txt x when type == Type.TXT -> out.add(new TXTRecord(owner, DClass.IN, t, escaped(x.texts())));
                default -> { }
            }
        }
        if (type == Type.CNAME) {
            // Several publishers of different CNAMEs: the smallest target, so every node and every ask agree.
            cnames.sort((x, y) -> ((CNAMERecord) x).getTarget().compareTo(((CNAMERecord) y).getTarget()));
            return cnames.isEmpty() ? List.of() : List.of(cnames.get(0));
        }
        return new ArrayList<>(out);
    }

    private Message response(Message query) {
        Message r = new Message(query.getHeader().getID());
        r.getHeader().setFlag(Flags.QR);
        r.getHeader().setFlag(Flags.AA);
        if (query.getHeader().getFlag(Flags.RD)) {
            r.getHeader().setFlag(Flags.RD);
        }
        if (recursionAvailable) {
            r.getHeader().setFlag(Flags.RA);
        }
        r.addRecord(query.getQuestion(), Section.QUESTION);
        return r;
    }

    /** The name relative to the domain, lower case ({@code ""} for the domain itself). */
    private String relative(Name name) {
        String s = name.toString(true).toLowerCase(Locale.ROOT);
        return s.length() == suffix.length() - 1 ? "" : s.substring(0, s.length() - suffix.length());
    }

    private Name absolute(String relative) {
        return fqdn(relative + suffix);
    }

    private static Name fqdn(String name) {
        try {
            return Name.fromString(name + ".");
        } catch (TextParseException e) {
            throw new IllegalArgumentException(e); // names are checked when records are made
        }
    }

    private static Record address(Name owner, InetAddress a, long ttl) {
        return a instanceof Inet4Address ? new ARecord(owner, DClass.IN, ttl, a) : new AAAARecord(owner, DClass.IN, ttl, a);
    }

    /** TXTRecord reads its strings in master-file syntax, where '\' and '"' are special. */
    private static List<String> escaped(List<String> texts) {
        List<String> out = new ArrayList<>(texts.size());
        for (String t : texts) {
            out.add(t.replace("\\", "\\\\").replace("\"", "\\\""));
        }
        return out;
    }
}
