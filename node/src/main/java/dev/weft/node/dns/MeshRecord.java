package dev.weft.node.dns;

import java.util.Objects;

/**
 * A record as the mesh holds it: what a node published and which node published it (the
 * publisher's address is the default of A, AAAA and SRV records).
 *
 * @param node the publishing node's name (relative to the domain, as {@link MeshNames#addresses} takes it)
 * @param record what it published
 */
public record MeshRecord(String node, PublishedRecord record) {
    public MeshRecord {
        Objects.requireNonNull(record, "record");
        PublishedRecord.checkRelativeName(Objects.requireNonNull(node, "node"), "node");
    }
}
