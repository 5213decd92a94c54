package dev.weft.chaos.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.certs.CertsException;
import dev.weft.certs.NodeKeys;
import dev.weft.node.cli.Main;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A CA and node certificates made with the weft CLI (in-process), as a user would make them. */
final class Pki {
    private final Path dir;
    /** {@code pki.ca} as the configurations written say it (YAML). */
    private final String caFiles;

    private Pki(Path dir, String caFiles) {
        this.dir = dir;
        this.caFiles = caFiles;
    }

    static Pki create(Path dir) {
        return create(dir, new String[0]);
    }

    /** A CA with more {@code weft ca init} options (e.g. {@code --subnets 198.51.100.0/24}). */
    static Pki create(Path dir, String... caOptions) {
        return named(dir, "lab", caOptions);
    }

    /** A CA called {@code caName} (a second network's, to be trusted beside the first). */
    static Pki named(Path dir, String caName, String... caOptions) {
        Pki pki = new Pki(dir, "ca.crt");
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("ca", "init", "--name", caName, "--networks",
                "100.64.0.0/10,fd00:77::/48", "--out-crt", dir.resolve("ca.crt").toString(), "--out-key",
                dir.resolve("ca.key").toString()));
        args.addAll(java.util.List.of(caOptions));
        pki.weft(args.toArray(String[]::new));
        return pki;
    }

    /** The same CA, with configurations that trust {@code caFiles} ({@code pki.ca} in YAML, e.g. {@code [ca.crt, /x/ca.crt]}). */
    Pki trusting(String caFiles) {
        return new Pki(dir, caFiles);
    }

    /** The CA's certificate. */
    Path caCertificate() {
        return dir.resolve("ca.crt");
    }

    /** As {@link #node(String, String)}, allowed to advertise {@code subnets}. */
    String node(String name, String ips, String subnets) {
        weft("cert", "sign", "--ca-crt", dir.resolve("ca.crt").toString(), "--ca-key", dir.resolve("ca.key").toString(),
                "--name", name, "--ip", ips, "--subnets", subnets, "--out-key", dir.resolve(name + ".key").toString(),
                "--out-crt", dir.resolve(name + ".crt").toString());
        try {
            return NodeKeys.load(dir.resolve(name + ".key")).x25519PublicBase64();
        } catch (CertsException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Signs {@code name} with the given overlay IPs; returns the node's WireGuard public key (base64). */
    String node(String name, String ips) {
        weft("cert", "sign", "--ca-crt", dir.resolve("ca.crt").toString(), "--ca-key", dir.resolve("ca.key").toString(),
                "--name", name, "--ip", ips, "--out-key", dir.resolve(name + ".key").toString(),
                "--out-crt", dir.resolve(name + ".crt").toString());
        try {
            return NodeKeys.load(dir.resolve(name + ".key")).x25519PublicBase64();
        } catch (CertsException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@code <name>.revoked}, the CA's revocation of {@code name}'s certificate; returns its path. */
    Path revoke(String name) {
        Path out = dir.resolve(name + ".revoked");
        weft("ca", "revoke", "--ca-crt", dir.resolve("ca.crt").toString(), "--ca-key", dir.resolve("ca.key").toString(),
                "--cert", dir.resolve(name + ".crt").toString(), "--out", out.toString());
        return out;
    }

    /** Writes {@code <name>.yml} with the PKI files and the given extra YAML; returns its path. */
    Path config(String name, String yaml) {
        Path file = dir.resolve(name + ".yml");
        String pki = "pki: {ca: " + caFiles + ", cert: " + name + ".crt, key: " + name + ".key}\n";
        try {
            Files.writeString(file, pki + yaml);
            // weft node refuses a config that group or others can read (it may hold keys)
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private void weft(String... args) {
        picocli.CommandLine cl = Main.commandLine();
        cl.setOut(new java.io.PrintWriter(java.io.Writer.nullWriter())); // errors still go to stderr
        int code = cl.execute(args);
        if (code != 0) {
            throw new IllegalStateException("weft " + String.join(" ", args) + " exited " + code);
        }
    }

    static final ObjectMapper JSON = new ObjectMapper();
}
