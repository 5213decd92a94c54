package dev.weft.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The words {@code weft status} prints for the states of {@code crypto.poly1305}. */
class StatusWordsTest {
    @Test
    void eachStateOfTheMacInWords() {
        assertEquals("vector lanes", StatusCommand.poly1305("lanes"));
        assertEquals("scalar (the vector lanes are warming up)", StatusCommand.poly1305("warming_up"));
        assertEquals("scalar (vector lanes once bulk traffic flows)", StatusCommand.poly1305("cold"));
        assertEquals("scalar", StatusCommand.poly1305("scalar"));
    }
}
