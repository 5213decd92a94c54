package dev.weft.gossip;

import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class ClaimInternerTest {
  @Test
  void claimsEqualInContentShareOneCopy() {
    ClaimInterner interner = new ClaimInterner();
    Update.Alive a = new Update.Alive(CodecTest.id(1), 7, new byte[] {1, 2, 3});
    Update.Alive same = new Update.Alive(CodecTest.id(1), 7, new byte[] {1, 2, 3});
    Update.Alive otherSignature = new Update.Alive(CodecTest.id(1), 7, new byte[] {1, 2, 4});
    assertSame(a, interner.alive(a));
    assertSame(a, interner.alive(same));
    assertSame(otherSignature, interner.alive(otherSignature), "a different signature is a different claim");
  }
}
