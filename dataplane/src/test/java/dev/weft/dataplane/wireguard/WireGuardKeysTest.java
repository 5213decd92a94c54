package dev.weft.dataplane.wireguard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class WireGuardKeysTest {

    @Test
    void roundTripsAndDerivesPublicKeys() {
        byte[] priv = WireGuardKeys.generatePrivateKey();
        assertEquals(0, priv[0] & 7, "clamped");
        String text = WireGuardKeys.toBase64(priv);
        assertEquals(44, text.length());
        assertArrayEquals(priv, WireGuardKeys.parse(" " + text + "\n"));
        // RFC 7748 section 6.1 Alice.
        assertEquals("hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=", WireGuardKeys.toBase64(WireGuardKeys.publicKey(
                Hex.of("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"))));
    }

    @Test
    void matchesWgPubkeyWhenAvailable() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/wg")), "wg not installed; skipped");
        String priv = WireGuardKeys.toBase64(WireGuardKeys.generatePrivateKey());
        Process p = new ProcessBuilder("wg", "pubkey").start();
        p.getOutputStream().write((priv + "\n").getBytes());
        p.getOutputStream().close();
        String pub = new String(p.getInputStream().readAllBytes()).trim();
        assertEquals(0, p.waitFor());
        assertEquals(pub, WireGuardKeys.toBase64(WireGuardKeys.publicKey(WireGuardKeys.parse(priv))));
    }

    @Test
    void refusesBadKeysWithoutEchoingThem() {
        String secretish = "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2U=";
        for (String bad : new String[] {"", "abc", secretish.substring(1), secretish.replace('=', 'A'),
                "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!=", "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2V="}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WireGuardKeys.parse(bad));
            assertFalse(!bad.isEmpty() && e.getMessage().contains(bad), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> WireGuardKeys.parse(null));
        assertThrows(IllegalArgumentException.class, () -> WireGuardKeys.toBase64(new byte[31]));
    }
}
