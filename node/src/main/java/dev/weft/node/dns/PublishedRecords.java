package dev.weft.node.dns;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses {@code dns.records}: a list of maps as a YAML reader yields them, e.g.
 * {@code {name: _http._tcp.web, type: SRV, port: 8080}}. Errors name the item:
 * {@code dns.records[2]: SRV needs 'port'}.
 */
public final class PublishedRecords {
    /** At most this many records per node: they travel in its gossip record. */
    public static final int MAX_RECORDS = 64;

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");

    private PublishedRecords() {}

    /** The records in {@code items} (each a {@code Map<String, ?>}); null or empty gives none. */
    public static List<PublishedRecord> parse(List<?> items) {
        if (items == null) {
            return List.of();
        }
        if (items.size() > MAX_RECORDS) {
            throw new IllegalArgumentException("dns.records: at most " + MAX_RECORDS + " records, not " + items.size());
        }
        List<PublishedRecord> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            try {
                if (!(items.get(i) instanceof Map<?, ?> map)) {
                    throw new IllegalArgumentException("not a map like {name: web, type: A}");
                }
                out.add(parseOne(map));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("dns.records[" + i + "]: " + e.getMessage(), e);
            }
        }
        return List.copyOf(out);
    }

    private static PublishedRecord parseOne(Map<?, ?> map) {
        String type = string(map, "type").orElseThrow(() -> new IllegalArgumentException("'type' is required (A, AAAA, CNAME, SRV or TXT)"))
                .toUpperCase(Locale.ROOT);
        String name = string(map, "name").orElseThrow(() -> new IllegalArgumentException("'name' is required"));
        OptionalInt ttl = integer(map, "ttl");
        return switch (type) {
            case "A", "AAAA" -> {
                allowOnly(map, type, Set.of("name", "type", "ttl", "address"));
                boolean v6 = type.equals("AAAA");
                yield new PublishedRecord.Address(name, v6, string(map, "address").map(a -> address(a, v6)), ttl);
            }
            case "CNAME" -> {
                allowOnly(map, type, Set.of("name", "type", "ttl", "target"));
                yield new PublishedRecord.Cname(name, string(map, "target")
                        .orElseThrow(() -> new IllegalArgumentException("CNAME needs 'target'")), ttl);
            }
            case "SRV" -> {
                allowOnly(map, type, Set.of("name", "type", "ttl", "port", "target", "priority", "weight"));
                int port = integer(map, "port").orElseThrow(() -> new IllegalArgumentException("SRV needs 'port'"));
                yield new PublishedRecord.Srv(name, integer(map, "priority").orElse(0), integer(map, "weight").orElse(0),
                        port, string(map, "target"), ttl);
            }
            case "TXT" -> {
                allowOnly(map, type, Set.of("name", "type", "ttl", "text"));
                Object text = map.get("text");
                List<String> texts = new ArrayList<>();
                if (text instanceof String s) {
                    texts.add(s);
                } else if (text instanceof List<?> l) {
                    for (Object o : l) {
                        if (!(o instanceof String s)) {
                            throw new IllegalArgumentException("'text' must be a string or a list of strings");
                        }
                        texts.add(s);
                    }
                } else {
                    throw new IllegalArgumentException("TXT needs 'text' (a string or a list of strings)");
                }
                yield new PublishedRecord.Txt(name, texts, ttl);
            }
            default -> throw new IllegalArgumentException("type '" + type + "' is not one of A, AAAA, CNAME, SRV, TXT");
        };
    }

    private static void allowOnly(Map<?, ?> map, String type, Set<String> keys) {
        for (Object k : map.keySet()) {
            if (!keys.contains(String.valueOf(k))) {
                throw new IllegalArgumentException("unknown key '" + k + "' for " + type + " (known: " + String.join(", ", new java.util.TreeSet<>(keys)) + ")");
            }
        }
    }

    private static Optional<String> string(Map<?, ?> map, String key) {
        Object v = map.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException("'" + key + "' must be a string, not " + v);
        }
        return Optional.of(s);
    }

    private static OptionalInt integer(Map<?, ?> map, String key) {
        Object v = map.get(key);
        if (v == null) {
            return OptionalInt.empty();
        }
        if (!(v instanceof Integer || v instanceof Long || v instanceof Short) || ((Number) v).longValue() != ((Number) v).intValue()) {
            throw new IllegalArgumentException("'" + key + "' must be a whole number, not " + v);
        }
        return OptionalInt.of(((Number) v).intValue());
    }

    /** Address literals only: a name here would be looked up with the system resolver, perhaps with this very server. */
    private static InetAddress address(String s, boolean v6) {
        boolean literal = v6 ? s.indexOf(':') >= 0 && IPV6.matcher(s).matches() : IPV4.matcher(s).matches();
        if (literal && !v6) {
            for (String octet : s.split("\\.")) {
                literal &= Integer.parseInt(octet) <= 255;
            }
        }
        if (!literal) {
            throw new IllegalArgumentException("'address' must be an " + (v6 ? "IPv6" : "IPv4") + " address literal ('" + s + "')");
        }
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'address' is not an address ('" + s + "')");
        }
    }
}
