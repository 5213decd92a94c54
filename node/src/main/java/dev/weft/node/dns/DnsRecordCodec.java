package dev.weft.node.dns;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The DNS records a node publishes, as they travel in its gossip record: a JSON list of the maps
 * {@code dns.records} takes ({@code {"name":"web","type":"A"}}), read back with the same strict
 * parser, so a record from the network can hold nothing the config would refuse.
 */
public final class DnsRecordCodec {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DnsRecordCodec() {}

    public static byte[] encode(List<PublishedRecord> records) {
        if (records.isEmpty()) {
            return new byte[0];
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (PublishedRecord r : records) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", r.name());
            m.put("type", r.type());
            r.ttl().ifPresent(t -> m.put("ttl", t));
            switch (r) {
                case PublishedRecord.Address a -> a.address().ifPresent(ip -> m.put("address", ip.getHostAddress()));
                case PublishedRecord.Cname c -> m.put("target", c.target());
                case PublishedRecord.Srv s -> {
                    m.put("port", s.port());
                    m.put("priority", s.priority());
                    m.put("weight", s.weight());
                    s.target().ifPresent(t -> m.put("target", t));
                }
                case PublishedRecord.Txt t -> m.put("text", t.texts());
            }
            out.add(m);
        }
        try {
            return JSON.writeValueAsBytes(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The records in {@code bytes}; empty when there are none or they do not parse (a peer's mistake is its own). */
    public static List<PublishedRecord> decode(byte[] bytes) {
        if (bytes.length == 0) {
            return List.of();
        }
        try {
            Object parsed = JSON.readValue(new String(bytes, StandardCharsets.UTF_8), Object.class);
            return parsed instanceof List<?> list ? PublishedRecords.parse(list) : List.of();
        } catch (IOException | IllegalArgumentException e) {
            return List.of();
        }
    }
}
