package dev.weft.node.cli;

import dev.weft.certs.CertsException;
import dev.weft.certs.Revocation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code weft revoke [--dev DEV] FILE}: hands CA-signed revocations to a running node, which spreads them. */
@Command(name = "revoke", mixinStandardHelpOptions = true,
        description = {"Hand a CA-signed revocation to a running node, which spreads it.",
            "The revocation comes from `weft ca revoke`. The node checks it against its CAs and spreads it by gossip: every node closes the revoked certificate's sessions, refuses its hellos, and remembers the revocation across restarts."},
        footer = {"", "Example:", "  weft ca revoke --ca-crt ca.crt --ca-key ca.key --cert n2.crt --out n2.revoked",
            "  weft revoke --dev weft0 n2.revoked"})
public final class RevokeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "A revocation file (PEM, WEFT REVOCATION blocks).")
    Path file;

    @ArgGroup(exclusive = true)
    AdminTarget node;

    @Override
    public Integer call() {
        List<Revocation> revocations;
        try {
            revocations = Revocation.load(file);
        } catch (CertsException e) {
            spec.commandLine().getErr().println("weft revoke: " + e.getMessage());
            return 1;
        }
        for (Revocation r : revocations) {
            try {
                boolean fresh = AdminTarget.request(node, "revoke " + Base64.getEncoder().encodeToString(r.encoded()))
                        .path("accepted").asBoolean();
                spec.commandLine().getOut().println((fresh ? "revoked: " : "already revoked: ") + r.certFingerprint());
            } catch (IOException e) {
                spec.commandLine().getErr().println("weft revoke: " + e.getMessage());
                return 1;
            }
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
