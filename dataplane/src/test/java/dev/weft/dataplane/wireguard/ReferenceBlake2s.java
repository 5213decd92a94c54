package dev.weft.dataplane.wireguard;

import java.util.Arrays;

/**
 * An independent BLAKE2s (RFC 7693) written from the RFC for tests, so the handshake
 * reference does not share a single line of hashing code with the implementation.
 */
final class ReferenceBlake2s {

    private static final int[] IV = {
        0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A, 0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19,
    };
    private static final int[][] SIGMA = {
        {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
        {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
        {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
        {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
        {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
        {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
        {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
        {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
        {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
        {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
    };

    private ReferenceBlake2s() {
    }

    static byte[] hash(int outLength, byte[] key, byte[] data) {
        int[] h = IV.clone();
        int keyLength = key == null ? 0 : key.length;
        h[0] ^= 0x01010000 ^ (keyLength << 8) ^ outLength;
        byte[] input;
        if (keyLength > 0) {
            input = new byte[64 + data.length];
            System.arraycopy(key, 0, input, 0, keyLength);
            System.arraycopy(data, 0, input, 64, data.length);
        } else {
            input = data;
        }
        int blocks = Math.max(1, (input.length + 63) / 64);
        long counter = 0;
        for (int b = 0; b < blocks; b++) {
            byte[] block = Arrays.copyOfRange(input, b * 64, b * 64 + 64);
            boolean last = b == blocks - 1;
            counter += last ? input.length - b * 64L : 64;
            compress(h, block, counter, last);
        }
        byte[] out = new byte[32];
        for (int i = 0; i < 8; i++) {
            for (int j = 0; j < 4; j++) {
                out[i * 4 + j] = (byte) (h[i] >>> (8 * j));
            }
        }
        return Arrays.copyOf(out, outLength);
    }

    private static void compress(int[] h, byte[] block, long counter, boolean last) {
        int[] m = new int[16];
        for (int i = 0; i < 16; i++) {
            m[i] = (block[i * 4] & 0xff) | (block[i * 4 + 1] & 0xff) << 8 | (block[i * 4 + 2] & 0xff) << 16
                    | (block[i * 4 + 3] & 0xff) << 24;
        }
        int[] v = new int[16];
        System.arraycopy(h, 0, v, 0, 8);
        System.arraycopy(IV, 0, v, 8, 8);
        v[12] ^= (int) counter;
        v[13] ^= (int) (counter >>> 32);
        if (last) {
            v[14] = ~v[14];
        }
        for (int r = 0; r < 10; r++) {
            int[] s = SIGMA[r];
            g(v, 0, 4, 8, 12, m[s[0]], m[s[1]]);
            g(v, 1, 5, 9, 13, m[s[2]], m[s[3]]);
            g(v, 2, 6, 10, 14, m[s[4]], m[s[5]]);
            g(v, 3, 7, 11, 15, m[s[6]], m[s[7]]);
            g(v, 0, 5, 10, 15, m[s[8]], m[s[9]]);
            g(v, 1, 6, 11, 12, m[s[10]], m[s[11]]);
            g(v, 2, 7, 8, 13, m[s[12]], m[s[13]]);
            g(v, 3, 4, 9, 14, m[s[14]], m[s[15]]);
        }
        for (int i = 0; i < 8; i++) {
            h[i] ^= v[i] ^ v[i + 8];
        }
    }

    private static void g(int[] v, int a, int b, int c, int d, int x, int y) {
        v[a] = v[a] + v[b] + x;
        v[d] = Integer.rotateRight(v[d] ^ v[a], 16);
        v[c] = v[c] + v[d];
        v[b] = Integer.rotateRight(v[b] ^ v[c], 12);
        v[a] = v[a] + v[b] + y;
        v[d] = Integer.rotateRight(v[d] ^ v[a], 8);
        v[c] = v[c] + v[d];
        v[b] = Integer.rotateRight(v[b] ^ v[c], 7);
    }

    /** HMAC (RFC 2104) over BLAKE2s-256 with its 64-byte block. */
    static byte[] hmac(byte[] key, byte[] data) {
        byte[] k = key.length > 64 ? hash(32, null, key) : key;
        byte[] ipad = new byte[64 + data.length];
        byte[] opad = new byte[64 + 32];
        for (int i = 0; i < 64; i++) {
            byte kb = i < k.length ? k[i] : 0;
            ipad[i] = (byte) (kb ^ 0x36);
            opad[i] = (byte) (kb ^ 0x5c);
        }
        System.arraycopy(data, 0, ipad, 64, data.length);
        byte[] inner = hash(32, null, ipad);
        System.arraycopy(inner, 0, opad, 64, 32);
        return hash(32, null, opad);
    }
}
