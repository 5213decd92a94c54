package dev.weft.node.dns;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** An in-memory mesh: nodes with addresses, each publishing records; nodes can die. */
final class TestMesh implements MeshNames {
    private final Map<String, List<InetAddress>> nodes = new ConcurrentHashMap<>();
    private final Map<String, List<PublishedRecord>> published = new ConcurrentHashMap<>();
    /** A new object on every change, as {@link MeshNames#version} asks. */
    private volatile Object version = new Object();

    TestMesh node(String name, String... addresses) {
        List<InetAddress> list = new ArrayList<>();
        for (String a : addresses) {
            try {
                list.add(InetAddress.getByName(a));
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(e);
            }
        }
        nodes.put(name, List.copyOf(list));
        version = new Object();
        return this;
    }

    TestMesh publish(String node, List<PublishedRecord> records) {
        published.put(node, List.copyOf(records));
        version = new Object();
        return this;
    }

    void kill(String node) {
        nodes.remove(node);
        published.remove(node);
        version = new Object();
    }

    @Override
    public Object version() {
        return version;
    }

    @Override
    public List<InetAddress> addresses(String nodeName) {
        return nodes.getOrDefault(nodeName, List.of());
    }

    @Override
    public Optional<String> nameOf(InetAddress overlayAddress) {
        return nodes.entrySet().stream().filter(e -> e.getValue().contains(overlayAddress)).map(Map.Entry::getKey).findFirst();
    }

    @Override
    public List<MeshRecord> records(String relativeName) {
        List<MeshRecord> out = new ArrayList<>();
        published.forEach((node, records) -> records.stream().filter(r -> r.name().equals(relativeName))
                .forEach(r -> out.add(new MeshRecord(node, r))));
        return out;
    }

    @Override
    public boolean exists(String relativeName) {
        String below = "." + relativeName;
        return nodes.keySet().stream().anyMatch(n -> n.equals(relativeName) || n.endsWith(below))
                || published.values().stream().flatMap(List::stream)
                        .anyMatch(r -> r.name().equals(relativeName) || r.name().endsWith(below));
    }
}
