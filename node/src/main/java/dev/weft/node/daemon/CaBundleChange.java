package dev.weft.node.daemon;

import dev.weft.certs.CertificateVerifier;
import dev.weft.certs.CertsException;
import dev.weft.certs.RevocationSet;
import dev.weft.certs.TrustBundle;
import dev.weft.certs.Verdict;
import dev.weft.certs.WeftCertificate;
import dev.weft.node.config.NodeConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A change of {@code pki.ca} on reload, checked whole before anything moves: the new bundle
 * parses, holds at least one CA, and still trusts this node's own certificate (a node its own CAs
 * do not trust could not talk to anyone).
 *
 * @param bundle the bundle read from the files
 * @param added names of the CAs trusted from now on
 * @param removed names of the CAs no longer trusted
 */
record CaBundleChange(TrustBundle bundle, List<String> added, List<String> removed) {
    CaBundleChange {
        added = List.copyOf(added);
        removed = List.copyOf(removed);
    }

    /**
     * Reads {@code next}'s CA files. Throws {@link IllegalArgumentException} with one line naming
     * {@code pki.ca} when they are unreadable, hold no CA or do not trust {@code own}.
     */
    static CaBundleChange plan(NodeConfig next, TrustBundle current, WeftCertificate own, Instant now) {
        TrustBundle bundle;
        try {
            bundle = TrustBundle.load(next.caFiles());
        } catch (CertsException e) {
            throw new IllegalArgumentException(Reloader.REFUSED + "pki.ca: " + e.getMessage());
        }
        List<String> added = new ArrayList<>();
        for (WeftCertificate ca : bundle.cas()) {
            if (current.byFingerprint(ca.fingerprint()).isEmpty()) {
                added.add(ca.name());
            }
        }
        List<String> removed = new ArrayList<>();
        for (WeftCertificate ca : current.cas()) {
            if (bundle.byFingerprint(ca.fingerprint()).isEmpty()) {
                removed.add(ca.name());
            }
        }
        CaBundleChange change = new CaBundleChange(bundle, added, removed);
        // Only a new bundle is asked (an unchanged one cannot stop trusting this node), and only
        // about trust: a revocation of this node that arrived meanwhile is not pki.ca's doing.
        if (change.changes()
                && new CertificateVerifier(bundle, new RevocationSet()).verify(own, now) instanceof Verdict.Invalid invalid) {
            throw new IllegalArgumentException(Reloader.REFUSED + "pki.ca: the new CA bundle does not trust this node's "
                    + "own certificate (" + invalid.reason() + ")");
        }
        return change;
    }

    /** Whether the set of trusted CAs changes (the same CAs in other files or order change nothing). */
    boolean changes() {
        return !added.isEmpty() || !removed.isEmpty();
    }

    /** What {@code weft reload} prints for it. */
    String describe() {
        return "pki.ca: " + bundle.cas().size() + (bundle.cas().size() == 1 ? " CA" : " CAs") + " trusted ("
                + (added.isEmpty() ? "none" : quoted(added)) + " added, "
                + (removed.isEmpty() ? "none" : quoted(removed)) + " removed)";
    }

    private static String quoted(List<String> names) {
        List<String> q = new ArrayList<>();
        for (String n : names) {
            q.add("'" + n + "'");
        }
        return String.join(", ", q);
    }
}
