package dev.weft.node.dns;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One DNS-over-TCP connection (RFC 7766): messages framed by a two-byte length, several may be
 * in flight and are answered as they complete. Reading pauses while {@link #MAX_PENDING} are
 * unanswered, idle connections close after {@link #IDLE_SECONDS}, and at most a shared number
 * are open at once, so a client holding many connections cannot hold the server's memory.
 */
final class TcpConnection extends ChannelInboundHandlerAdapter {
    static final int MAX_PENDING = 16;
    static final int IDLE_SECONDS = 10;

    private final QueryHandler handler;
    private final AtomicInteger open;
    private final int maxOpen;
    private ByteBuf buffer;
    private int pending;
    private boolean counted;
    private ScheduledFuture<?> idle;

    TcpConnection(QueryHandler handler, AtomicInteger open, int maxOpen) {
        this.handler = handler;
        this.open = open;
        this.maxOpen = maxOpen;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        counted = true;
        if (open.incrementAndGet() > maxOpen) {
            ctx.close();
            return;
        }
        buffer = ctx.alloc().buffer(512);
        rearm(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            if (buffer == null) {
                return;
            }
            buffer.writeBytes(in);
        } finally {
            in.release();
        }
        while (buffer.readableBytes() >= 2) {
            int length = buffer.getUnsignedShort(buffer.readerIndex());
            if (buffer.readableBytes() < 2 + length) {
                break;
            }
            buffer.skipBytes(2);
            byte[] wire = new byte[length];
            buffer.readBytes(wire);
            dispatch(ctx, wire);
        }
        buffer.discardReadBytes(); // what stays is less than one message: at most 2 + 65535 bytes
    }

    private void dispatch(ChannelHandlerContext ctx, byte[] wire) {
        rearm(ctx);
        if (++pending >= MAX_PENDING) {
            ctx.channel().config().setAutoRead(false);
        }
        InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
        handler.handle(wire, remote.getAddress(), true).thenAccept(out -> ctx.executor().execute(() -> {
            if (out != null && ctx.channel().isActive()) {
                ByteBuf frame = ctx.alloc().buffer(2 + out.length);
                frame.writeShort(out.length).writeBytes(out);
                ctx.writeAndFlush(frame, ctx.voidPromise());
            }
            if (--pending < MAX_PENDING) {
                ctx.channel().config().setAutoRead(true);
            }
            rearm(ctx);
        }));
    }

    private void rearm(ChannelHandlerContext ctx) {
        if (idle != null) {
            idle.cancel(false);
        }
        idle = ctx.executor().schedule(() -> {
            if (pending == 0) {
                ctx.close();
            }
        }, IDLE_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (counted) {
            open.decrementAndGet();
        }
        if (idle != null) {
            idle.cancel(false);
        }
        if (buffer != null) {
            buffer.release();
            buffer = null;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // a reset or a broken pipe: the client is gone
    }
}
