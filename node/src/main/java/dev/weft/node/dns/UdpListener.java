package dev.weft.node.dns;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/** Queries over UDP: each datagram one query, the answer to where it came from. */
@ChannelHandler.Sharable
final class UdpListener extends SimpleChannelInboundHandler<DatagramPacket> {
    private final QueryHandler handler;

    UdpListener(QueryHandler handler) {
        this.handler = handler;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        byte[] wire = ByteBufUtil.getBytes(packet.content());
        InetSocketAddress sender = packet.sender();
        CompletableFuture<byte[]> answer = handler.handle(wire, sender.getAddress(), false);
        if (answer.isDone() && !answer.isCompletedExceptionally()) {
            // Answered at once (the mesh, the cache): written now, flushed with the rest of this read
            // batch, so a burst of queries goes out in one sendmmsg instead of a syscall each.
            byte[] out = answer.getNow(null);
            if (out != null) {
                ctx.write(new DatagramPacket(Unpooled.wrappedBuffer(out), sender), ctx.voidPromise());
            }
            return;
        }
        answer.thenAccept(out -> {
            if (out != null) {
                ctx.channel().writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(out), sender), ctx.voidPromise());
            }
        });
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A failed send (no route, a full buffer) concerns one answer; the socket stays open for the next.
    }
}
