package dev.weft.node.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * A node's configuration, read from YAML strictly: unknown keys, wrong types and bad values
 * are refused with the key's path ({@code wireguard.peers[1].endpoint: not host:port}).
 *
 * <pre>
 * pki:       { ca: ca.crt, cert: node.crt, key: node.key }   # paths relative to the file
 * listen:    { port: 4242 }
 * tun:       { dev: weft0, mtu: 1420 }
 * admin:     { socket: /run/weft/weft0.sock }
 * wireguard:
 *   peers:
 *     - public_key: base64 (as wg prints it)
 *       endpoint: 198.51.100.2:51820      # or [2001:db8::2]:51820, optional
 *       allowed_ips: [100.64.0.2/32]      # or "a, b" as wg accepts
 *       persistent_keepalive: 25          # seconds, optional
 *       preshared_key: base64             # optional
 * </pre>
 *
 * @param caFiles trusted CA certificates ({@code pki.ca}: one path or a list)
 * @param certFile this node's certificate
 * @param keyFile this node's key file (its X25519 key is the WireGuard key)
 * @param listenPort the UDP port
 * @param tunDev the TUN interface name
 * @param tunMtu the TUN MTU
 * @param adminSocket the admin socket path
 * @param peers static WireGuard peers
 */
public record NodeConfig(List<Path> caFiles, Path certFile, Path keyFile, int listenPort, String tunDev, int tunMtu,
                         Path adminSocket, List<StaticPeer> peers) {
    /** Default UDP port. */
    public static final int DEFAULT_PORT = 4242;
    /** Default TUN interface name. */
    public static final String DEFAULT_DEV = "weft0";
    /** Default TUN MTU (1500 minus the IPv6 + UDP + WireGuard overhead). */
    public static final int DEFAULT_MTU = 1420;
    /** Where admin sockets live by default: {@code /run/weft/<tun.dev>.sock}. */
    public static final Path ADMIN_DIR = Path.of("/run/weft");

    /** Copies lists. */
    public NodeConfig {
        caFiles = List.copyOf(caFiles);
        peers = List.copyOf(peers);
    }

    /**
     * Reads and validates a file; relative paths in it are relative to its directory. Refusals
     * name the file first ({@code node.yml:3:7: not valid YAML: ...}, {@code node.yml: no such file}).
     */
    public static NodeConfig load(Path file) throws NodeConfigException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new NodeConfigException(file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new NodeConfigException(file + ": permission denied");
        } catch (IOException e) {
            throw new NodeConfigException(file + ": cannot read: " + reason(e));
        }
        Path base = file.toAbsolutePath().getParent();
        try {
            return parse(text, base);
        } catch (NodeConfigException e) {
            throw e.in(file);
        }
    }

    /** The reason without the file name, which the caller has already printed. */
    private static String reason(IOException e) {
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Parses YAML text; relative paths resolve against {@code base}. A key given twice is refused. */
    public static NodeConfig parse(String yaml, Path base) throws NodeConfigException {
        JsonNode root;
        try {
            ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
            mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            root = mapper.readTree(yaml);
        } catch (JacksonException e) {
            throw YamlSyntax.refusal(e);
        }
        return new ConfigReader(base).read(root);
    }

    /** The admin socket's default path for an interface name. */
    public static Path defaultAdminSocket(String dev) {
        return ADMIN_DIR.resolve(dev + ".sock");
    }
}
