/** TUN, the UDP socket, WireGuard, demux, relay framing. */
package dev.weft.dataplane;
