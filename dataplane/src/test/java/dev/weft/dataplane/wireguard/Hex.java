package dev.weft.dataplane.wireguard;

import java.util.HexFormat;

final class Hex {
    private Hex() {
    }

    static byte[] of(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    static String of(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
