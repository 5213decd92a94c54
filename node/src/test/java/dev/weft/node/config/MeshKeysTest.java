package dev.weft.node.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The keys of the mesh (lighthouse, advertise_addrs, state_dir, pki revocations, relay) and the strictness of every key's type. */
class MeshKeysTest {
    static final String PKI = NodeConfigTest.PKI;

    @Test
    void defaults() throws Exception {
        NodeConfig c = NodeConfig.parse(PKI, Path.of("/etc/weft"));
        assertEquals(LighthouseConfig.NONE, c.lighthouse());
        assertFalse(c.lighthouse().amLighthouse());
        assertTrue(c.advertiseAddrs().isEmpty());
        assertEquals(Path.of("/var/lib/weft/weft0"), c.stateDir());
        assertTrue(c.revocationFiles().isEmpty());
        assertNull(c.blocklistFile());
        assertEquals(new RelayConfig(false, true), c.relay());
        assertEquals(Path.of("/var/lib/weft/wt7"), NodeConfig.parse(PKI + "tun: {dev: wt7}\n", Path.of("/")).stateDir());
        assertEquals(RelayConfig.DEFAULT, NodeConfig.parse(PKI + "relay: {}\n", Path.of("/")).relay());
        assertEquals(LighthouseConfig.NONE, NodeConfig.parse(PKI + "lighthouse:\n", Path.of("/")).lighthouse());
    }

    @Test
    void everyMeshKey() throws Exception {
        NodeConfig c = NodeConfig.parse("""
                pki:
                  ca: ca.crt
                  cert: node.crt
                  key: node.key
                  revocations: [revoked/a.revoked, /etc/weft/b.revoked]
                  blocklist: blocklist.txt
                lighthouse:
                  am_lighthouse: true
                  hosts: ["192.0.2.1:4242", "[2001:db8::1]:4243", lh2.example.net:4242]
                advertise_addrs: ["203.0.113.7:4242", "[2001:db8::7]:4242"]
                state_dir: state
                relay: {am_relay: true, use_relays: false}
                """, Path.of("/etc/weft"));
        assertTrue(c.lighthouse().amLighthouse());
        assertEquals(List.of(new HostPort("192.0.2.1", 4242), new HostPort("2001:db8::1", 4243),
                new HostPort("lh2.example.net", 4242)), c.lighthouse().hosts());
        assertEquals("[2001:db8::1]:4243", c.lighthouse().hosts().get(1).toString());
        assertEquals(List.of(new HostPort("203.0.113.7", 4242), new HostPort("2001:db8::7", 4242)), c.advertiseAddrs());
        assertEquals(Path.of("/etc/weft/state"), c.stateDir());
        assertEquals(List.of(Path.of("/etc/weft/revoked/a.revoked"), Path.of("/etc/weft/b.revoked")), c.revocationFiles());
        assertEquals(Path.of("/etc/weft/blocklist.txt"), c.blocklistFile());
        assertEquals(new RelayConfig(true, false), c.relay());
    }

    @org.junit.jupiter.api.Test
    void exitNodeIsRead() throws Exception {
        assertEquals(java.util.Optional.of("gw"), NodeConfig.parse(PKI + "routes: {exit_node: gw}", Path.of("/")).routes().exitNode());
        assertEquals(java.util.Optional.empty(), NodeConfig.parse(PKI, Path.of("/")).routes().exitNode());
    }

    @org.junit.jupiter.api.Test
    void configureHostIsReadAndOffByDefault() throws Exception {
        assertTrue(NodeConfig.parse(PKI + "dns: {configure_host: true}", Path.of("/")).dns().configureHost());
        assertFalse(NodeConfig.parse(PKI, Path.of("/")).dns().configureHost());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // lighthouse
        "lighthouse: {hosts: ['192.0.2.1:4242', 'nohostport']}|lighthouse.hosts[1]: not host:port ('nohostport')",
        "lighthouse: {hosts: ['2001:db8::1:4242']}|lighthouse.hosts[0]: not host:port ('2001:db8::1:4242'): write IPv6 as [address]:port",
        "lighthouse: {hosts: ['[192.0.2.1]:4242']}|lighthouse.hosts[0]: not host:port ('[192.0.2.1]:4242'): brackets are for IPv6",
        "lighthouse: {hosts: ['[2001:db8::zz]:4242']}|lighthouse.hosts[0]: not host:port ('[2001:db8::zz]:4242'): bad IPv6 address",
        "lighthouse: {hosts: ['192.0.2.1:0']}|lighthouse.hosts[0]: port 0 out of range 1..65535",
        "lighthouse: {hosts: ['192.0.2.1:4242', '192.0.2.1:4242']}|lighthouse.hosts[1]: 192.0.2.1:4242 again (same as lighthouse.hosts[0])",
        "lighthouse: {hosts: ['0.0.0.0:4242']}|lighthouse.hosts[0]: 0.0.0.0:4242 is not an address a node can be reached at",
        "lighthouse: {hosts: ['[::]:4242']}|lighthouse.hosts[0]: [::]:4242 is not an address a node can be reached at",
        "lighthouse: {hosts: ['224.0.0.1:4242']}|lighthouse.hosts[0]: 224.0.0.1:4242 is not an address",
        "lighthouse: {hosts: ['bad_name!:4242']}|lighthouse.hosts[0]: not host:port ('bad_name!:4242'): bad host",
        "lighthouse: {hosts: [~]}|lighthouse.hosts[0]: must be a string",
        "lighthouse: {hosts: [4242]}|lighthouse.hosts[0]: must be a string",
        "lighthouse: {hosts: '192.0.2.1:4242'}|lighthouse.hosts: must be a list",
        "lighthouse: {am_lighthouse: 1}|lighthouse.am_lighthouse: must be true or false",
        "lighthouse: {am_lighthouse: 'true'}|lighthouse.am_lighthouse: must be true or false",
        "lighthouse: {lighthouses: []}|lighthouse.lighthouses: unknown key (expected one of [am_lighthouse, hosts])",
        "lighthouse: [a]|lighthouse: must be a mapping",
        "lighthouse: true|lighthouse: must be a mapping",
        // advertise_addrs, state_dir, relay
        "advertise_addrs: ['203.0.113.7']|advertise_addrs[0]: not host:port ('203.0.113.7')",
        "advertise_addrs: ['203.0.113.7:4242', '203.0.113.7:99999']|advertise_addrs[1]: port 99999 out of range",
        "advertise_addrs: '203.0.113.7:4242'|advertise_addrs: must be a list",
        "state_dir: 5|state_dir: must be a string",
        "state_dir: ''|state_dir: empty path",
        "state_dir: [a]|state_dir: must be a string",
        "relay: {am_relay: 'true'}|relay.am_relay: must be true or false",
        "relay: {use_relays: 0}|relay.use_relays: must be true or false",
        "relay: {use_relay: true}|relay.use_relay: unknown key (expected one of [am_relay, use_relays])",
        // types are never converted
        "listen: {port: '4242'}|listen.port: must be a whole number",
        "listen: {port: 1.5}|listen.port: must be a whole number",
        "listen: {port: true}|listen.port: must be a whole number",
        "listen: {port: 99999999999}|listen.port: ",
        "tun: {dev: 5}|tun.dev: must be a string",
        "tun: {dev: true}|tun.dev: must be a string",
        "tun: {dev: no}|tun.dev: must be a string (quote it: YAML reads a bare yes, no, on, off, true or false as a boolean)",
        "tun: {mtu: '1400'}|tun.mtu: must be a whole number",
        "tun: 5|tun: must be a mapping",
        "wireguard: {peers: [~]}|wireguard.peers[0]: must be a mapping",
        "wireguard: {peers: [5]}|wireguard.peers[0]: must be a mapping",
        "wireguard: {peers: [{public_key: 5}]}|wireguard.peers[0].public_key: must be a string",
        "wireguard: {peers: [{public_key: KEY, allowed_ips: [5]}]}|wireguard.peers[0].allowed_ips[0]: must be a string",
        "wireguard: {peers: [{public_key: KEY, allowed_ips: '100.64.0.1/32, 100.64.0.1/40'}]}|wireguard.peers[0].allowed_ips[1]: not an IP prefix",
        "wireguard: {peers: [{public_key: KEY, persistent_keepalive: '25'}]}|wireguard.peers[0].persistent_keepalive: must be a whole number",
        // keys of later issues are not accepted before they work
        "routes: {advertise: [198.51.100.1/24]}|routes.advertise[0]: 198.51.100.1/24 has host bits set",
        "routes: {accept: yes_please}|routes.accept: must be true, false or a list of CIDRs",
        "routes: {accept: [5]}|routes.accept[0]: must be a CIDR string",
        "routes: {exit_node: ''}|routes.exit_node: must be the certificate name of a node",
        "routes: {exit_node: ' gw'}|routes.exit_node: must be the certificate name of a node",
        "routes: {exit_node: 5}|routes.exit_node: must be a string",
        "dns: {domain: 'a b'}|dns.domain: not a domain name",
        "dns: {configure_host: 'yes'}|dns.configure_host: must be true or false",
        "dns: {records: [{name: web}]}|dns.records[0]: 'type' is required",
    })
    void refusesWithTheKeyPath(String yaml, String expected) {
        String text = PKI + yaml.replace("KEY", NodeConfigTest.KEY);
        NodeConfigException e = assertThrows(NodeConfigException.class, () -> NodeConfig.parse(text, Path.of("/")));
        assertTrue(e.getMessage().startsWith(expected), () -> "expected '" + expected + "' but got: " + e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "pki: {ca: a, cert: b, key: c, revocations: x.revoked}|pki.revocations: must be a list",
        "pki: {ca: a, cert: b, key: c, revocations: [x, 5]}|pki.revocations[1]: must be a string",
        "pki: {ca: a, cert: b, key: c, revocations: [x, '']}|pki.revocations[1]: empty path",
        "pki: {ca: a, cert: b, key: c, blocklist: [x]}|pki.blocklist: must be a string",
        "pki: {ca: a, cert: b, key: c, blocklist: ''}|pki.blocklist: empty path",
        "pki: {ca: [a, 5], cert: b, key: c}|pki.ca[1]: must be a string",
        "pki: {ca: 5, cert: b, key: c}|pki.ca",
        "pki: {ca: a, cert: [b], key: c}|pki.cert: must be a string",
        "'- a'|the configuration: must be a mapping",
        "'pki: {ca: a, cert: b, key: c}\nlisten: {port: 1, port: 2}'|line 2, column ",
        "'pki: {ca: a, cert: b, key: c}\nlighthouse:\n  hosts: []\n  hosts: []'|line 4, column ",
    })
    void refusesBrokenPkiAndShapes(String yaml, String expected) {
        NodeConfigException e = assertThrows(NodeConfigException.class, () -> NodeConfig.parse(yaml, Path.of("/")));
        assertTrue(e.getMessage().startsWith(expected), () -> "expected '" + expected + "' but got: " + e.getMessage());
    }

    @Test
    void aDuplicateKeyInASectionIsNamed() {
        NodeConfigException e = assertThrows(NodeConfigException.class,
                () -> NodeConfig.parse(PKI + "relay: {am_relay: true, am_relay: false}\n", Path.of("/")));
        assertTrue(e.getMessage().contains("Duplicate field 'am_relay'"), e.getMessage());
        assertEquals(2, e.line());
    }

    @Test
    void yamlBooleansAreBooleans() throws Exception {
        // YAML 1.1 reads a bare yes/no as a boolean (the YAML parser decides, not weft); quoted, it is a string
        assertTrue(NodeConfig.parse(PKI + "lighthouse: {am_lighthouse: yes}\n", Path.of("/")).lighthouse().amLighthouse());
        assertThrows(NodeConfigException.class, () -> NodeConfig.parse(PKI + "lighthouse: {am_lighthouse: 'yes'}\n", Path.of("/")));
    }

    @Test
    void hostPortParsesAndPrintsAsWritten() {
        assertEquals("lh.example.net:4242", HostPort.parse("lh.example.net:4242").toString());
        assertEquals("[2001:db8::1]:1", HostPort.parse("[2001:db8::1]:1").toString());
        assertFalse(HostPort.parse("lh.example.net:4242").isLiteral());
        assertTrue(HostPort.parse("[2001:db8::1]:1").isLiteral());
        assertTrue(HostPort.parse("192.0.2.1:1").isLiteral());
    }
}
