package dev.weft.node.cli;

import static dev.weft.node.cli.WeftCli.weft;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A mistyped option is named (with picocli's suggestion) before any missing required option. */
class UnknownOptionTest {
    @Test
    void aMistypedRequiredOptionIsNamedWithTheSuggestion() {
        WeftCli.Run r = weft("node", "--conifg", "x.yml");
        assertEquals(2, r.exit());
        assertEquals("Unknown option: '--conifg'", r.errLines().get(0), r.err());
        assertTrue(r.err().contains("Possible solutions: --config"), r.err());
        assertFalse(r.err().contains("Missing required option"), r.err());
    }

    @Test
    void theEqualsFormToo() {
        WeftCli.Run r = weft("node", "--conifg=x.yml");
        assertEquals(2, r.exit());
        assertEquals("Unknown option: '--conifg=x.yml'", r.errLines().get(0), r.err());
        assertTrue(r.err().contains("Possible solutions: --config"), r.err());
    }

    @Test
    void inTheCertificateCommandsToo() {
        WeftCli.Run r = weft("cert", "sign", "--nmae", "web1", "--ip", "100.64.0.9/10", "--out-key", "k", "--out-crt", "c");
        assertEquals(2, r.exit());
        assertEquals("Unknown option: '--nmae'", r.errLines().get(0), r.err());
        assertFalse(r.err().contains("Missing required option"), r.err());
    }

    @Test
    void aMissingRequiredOptionIsStillReported() {
        WeftCli.Run r = weft("node");
        assertEquals(2, r.exit());
        assertEquals("Missing required option: '--config=FILE'", r.errLines().get(0), r.err());
    }
}
