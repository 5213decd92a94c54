package dev.weft.node.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class NodeConfigTest {
    static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);
    static final String KEY2 = Base64.getEncoder().encodeToString(filled(32, 7));
    static final String PKI = "pki: {ca: ca.crt, cert: node.crt, key: /etc/weft/node.key}\n";

    @Test
    void minimalConfigGetsDefaults() throws Exception {
        NodeConfig c = NodeConfig.parse(PKI, Path.of("/etc/weft"));
        assertEquals(Path.of("/etc/weft/ca.crt"), c.caFiles().get(0));
        assertEquals(Path.of("/etc/weft/node.crt"), c.certFile());
        assertEquals(Path.of("/etc/weft/node.key"), c.keyFile());
        assertEquals(4242, c.listenPort());
        assertEquals("weft0", c.tunDev());
        assertEquals(1420, c.tunMtu());
        assertEquals(Path.of("/run/weft/weft0.sock"), c.adminSocket());
        assertTrue(c.peers().isEmpty());
    }

    @Test
    void fullConfig() throws Exception {
        NodeConfig c = NodeConfig.parse(PKI + """
                listen: {port: 51820}
                tun: {dev: wt1, mtu: 1380}
                admin: {socket: /tmp/x.sock}
                wireguard:
                  peers:
                    - public_key: %s
                      endpoint: 198.51.100.2:51821
                      allowed_ips: [100.64.0.2/32, "fd00::2/128"]
                      persistent_keepalive: 25
                      preshared_key: %s
                    - public_key: %s
                      endpoint: "[2001:db8::5]:4242"
                      allowed_ips: 100.64.1.0/24, 100.64.2.0/24
                """.formatted(KEY, KEY2, KEY2), Path.of("/"));
        assertEquals(51820, c.listenPort());
        assertEquals("wt1", c.tunDev());
        assertEquals(1380, c.tunMtu());
        assertEquals(Path.of("/tmp/x.sock"), c.adminSocket());
        StaticPeer p = c.peers().get(0);
        assertEquals(new InetSocketAddress("198.51.100.2", 51821), p.endpoint());
        assertEquals(2, p.allowedIps().size());
        assertEquals(25, p.persistentKeepalive());
        assertArrayEquals(filled(32, 7), p.presharedKey());
        StaticPeer q = c.peers().get(1);
        assertEquals(new InetSocketAddress("2001:db8::5", 4242), q.endpoint());
        assertEquals("100.64.2.0/24", q.allowedIps().get(1).toString());
        assertNull(q.presharedKey());
        assertTrue(!p.toString().contains(KEY2), "no preshared key in toString");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "colour: blue|colour: unknown key",
        "listen: {port: 70000}|listen.port: 70000 out of range 0..65535",
        "listen: {port: abc}|listen.port: must be a whole number",
        "listen: {prot: 1}|listen.prot: unknown key",
        "tun: {dev: 'a name with spaces'}|tun.dev:",
        "tun: {dev: abcdefghijklmnop}|tun.dev:",
        "tun: {mtu: 100}|tun.mtu: 100 out of range 1280..65535",
        "admin: {socket: 5}|admin.socket: must be a string",
        "wireguard: {peers: {a: 1}}|wireguard.peers: must be a list",
        "wireguard: {peers: [{endpoint: '198.51.100.1:1'}]}|wireguard.peers[0].public_key: required",
        "wireguard: {peers: [{public_key: 'not base64!'}]}|wireguard.peers[0].public_key: not base64",
        "wireguard: {peers: [{public_key: 'AAAA'}]}|wireguard.peers[0].public_key: 3 bytes",
        "wireguard: {peers: [{public_key: KEY, endpoint: 'nohostport'}]}|wireguard.peers[0].endpoint: not host:port",
        "wireguard: {peers: [{public_key: KEY, endpoint: '198.51.100.1:0'}]}|wireguard.peers[0].endpoint: port 0 out of range",
        "wireguard: {peers: [{public_key: KEY, endpoint: '198.51.100.1:x'}]}|wireguard.peers[0].endpoint: not host:port",
        "wireguard: {peers: [{public_key: KEY, endpoint: '300.1.1.1:5'}]}|wireguard.peers[0].endpoint: not host:port",
        "wireguard: {peers: [{public_key: KEY, endpoint: '2001:db8::1:5'}]}|wireguard.peers[0].endpoint: not host:port",
        "wireguard: {peers: [{public_key: KEY, allowed_ips: [100.64.0.1/33]}]}|wireguard.peers[0].allowed_ips[0]: not an IP prefix",
        "wireguard: {peers: [{public_key: KEY, allowed_ips: [bogus]}]}|wireguard.peers[0].allowed_ips[0]: not an IP prefix",
        "wireguard: {peers: [{public_key: KEY, allowed_ips: [100.64.0.2/24]}]}|wireguard.peers[0].allowed_ips[0]: 100.64.0.2/24 has host bits set (the network is 100.64.0.0/24; 100.64.0.2/32 is the address alone)",
        "wireguard: {peers: [{public_key: KEY, allowed_ips: '100.64.0.2/32, fd00::2/64'}]}|wireguard.peers[0].allowed_ips[1]: fd00::2/64 has host bits set (the network is fd00::/64",
        "wireguard: {peers: [{public_key: KEY, allowed_ips: ['::ffff:100.64.0.2']}]}|wireguard.peers[0].allowed_ips[0]: not an IP prefix ('::ffff:100.64.0.2'): '::ffff:100.64.0.2' is an IPv4-mapped IPv6 address: write it as IPv4",
        "routes: {advertise: ['::ffff:198.51.100.0/120']}|routes.advertise[0]: not a CIDR prefix ('::ffff:198.51.100.0/120'): '::ffff:198.51.100.0/120' is an IPv4-mapped IPv6 address: write it as IPv4",
        "routes: {accept: [198.51.100.3/24]}|routes.accept[0]: 198.51.100.3/24 has host bits set (the network is 198.51.100.0/24",
        "wireguard: {peers: [{public_key: KEY, persistent_keepalive: -1}]}|wireguard.peers[0].persistent_keepalive: -1 out of range",
        "wireguard: {peers: [{public_key: KEY, preshared_key: AAAA}]}|wireguard.peers[0].preshared_key: 3 bytes",
        "wireguard: {peers: [{public_key: KEY, colour: red}]}|wireguard.peers[0].colour: unknown key",
        "wireguard: {peers: [{public_key: KEY}, {public_key: KEY}]}|wireguard.peers[1].public_key: same key as wireguard.peers[0]",
        "wireguard: {peers: [{public_key: KEY}, {public_key: KEY2, endpoint: 'x:y:z'}]}|wireguard.peers[1].endpoint: not host:port",
        "metrics: {listen: 'localhost:9642'}|metrics.listen: 'localhost:9642' needs an IP address",
        "metrics: {listen: '127.0.0.1'}|metrics.listen: not host:port",
        "metrics: {listen: '127.0.0.1:0'}|metrics.listen: port 0 out of range",
        "metrics: {listen: '[ff02::1]:9642'}|metrics.listen: [ff02::1]:9642 is a multicast address",
        "metrics: {port: 9642}|metrics.port: unknown key",
        "logging: {level: verbose}|logging.level: 'verbose' is not one of error, warn, info, debug, trace",
        "logging: {format: xml}|logging.format: 'xml' is not text or json",
        "logging: {level: 3}|logging.level: ",
        "tun: {offloads: 3}|tun.offloads: must be true or false",
        "tun: {offloads: maybe}|tun.offloads: must be true or false",
        "tun: {gro: 'on'}|tun.gro: must be true or false",
        "tun: {tso: false}|tun.tso: unknown key",
        "tun: {offloads: false, gro: true}|tun.gro: needs tun.offloads",
        "listen: {gso: 1}|listen.gso: must be true or false",
        "listen: {gro: [true]}|listen.gro: must be true or false",
        "listen: {uso: false}|listen.uso: unknown key",
    })
    void refusesWithTheKeyPath(String yaml, String expected) {
        String text = PKI + yaml.replace("KEY2", KEY2).replace("KEY", KEY);
        NodeConfigException e = assertThrows(NodeConfigException.class, () -> NodeConfig.parse(text, Path.of("/")));
        assertTrue(e.getMessage().startsWith(expected), () -> "expected '" + expected + "' but got: " + e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''|the configuration is empty",
        "listen: {port: 1}|pki: required",
        "pki: {cert: a, key: b}|pki.ca: required",
        "pki: {ca: a, key: b}|pki.cert: required",
        "pki: {ca: a, cert: b}|pki.key: required",
        "pki: {ca: [], cert: a, key: b}|pki.ca: at least one",
        "pki: {ca: a, cert: b, key: c, extra: d}|pki.extra: unknown key",
        "pki: [a]|pki: must be a mapping",
        "'pki: {ca: a'|line 1, column 12: not valid YAML: expected",
    })
    void refusesMissingOrBrokenPki(String yaml, String expected) {
        NodeConfigException e = assertThrows(NodeConfigException.class, () -> NodeConfig.parse(yaml, Path.of("/")));
        assertTrue(e.getMessage().startsWith(expected), () -> "expected '" + expected + "' but got: " + e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''|true|true|true|true",
        "tun: {offloads: false}|false|false|true|true",
        "tun: {gro: false}|true|false|true|true",
        "tun: {offloads: true, gro: true}|true|true|true|true",
        "listen: {gso: false}|true|true|false|true",
        "listen: {gro: false}|true|true|true|false",
        "listen: {port: 1, gso: false, gro: false}|true|true|false|false",
        "'tun: {offloads: false}\nlisten: {gso: false, gro: false}'|false|false|false|false",
    })
    void eachOffloadIsOnUnlessTurnedOff(String yaml, boolean tun, boolean tunGro, boolean udpGso, boolean udpGro)
            throws Exception {
        NodeConfig c = NodeConfig.parse(PKI + yaml, Path.of("/"));
        assertEquals(new dev.weft.dataplane.DataplaneSettings.Offloads(tun, tunGro, udpGso, udpGro), c.offloads());
    }

    @Test
    void metricsAreOffUnlessListenIsSet() throws Exception {
        assertTrue(!NodeConfig.parse(PKI, Path.of("/")).metrics().enabled());
        assertTrue(!NodeConfig.parse(PKI + "metrics: {}\n", Path.of("/")).metrics().enabled());
        var on = NodeConfig.parse(PKI + "metrics: {listen: '[::1]:9642'}\n", Path.of("/")).metrics().listen();
        assertEquals(new java.net.InetSocketAddress("::1", 9642), on);
    }

    @Test
    void loggingDefaultsToInfoText() throws Exception {
        assertEquals(LoggingConfig.DEFAULT, NodeConfig.parse(PKI, Path.of("/")).logging());
        assertEquals(new LoggingConfig("debug", true),
                NodeConfig.parse(PKI + "logging: {level: DEBUG, format: json}\n", Path.of("/")).logging());
    }

    @Test
    void missingFileIsAClearError(@org.junit.jupiter.api.io.TempDir Path dir) {
        NodeConfigException e = assertThrows(NodeConfigException.class, () -> NodeConfig.load(dir.resolve("nope.yml")));
        assertTrue(e.getMessage().endsWith("no such file"), e.getMessage());
    }

    static byte[] filled(int n, int v) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) v);
        return b;
    }
}
