package io.xdppacket.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds capture files byte by byte, in either byte order, with the blocks and options our writers
 * never produce (other resolutions, Simple and obsolete Packet Blocks, unknown blocks, several
 * sections), so that the pcap reader meets them. Layouts follow the pcap and pcapng drafts
 * (draft-ietf-opsawg-pcap, draft-ietf-opsawg-pcapng); tshark reads the results as a cross-check.
 */
public final class CaptureBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private ByteOrder order;

    private CaptureBytes(ByteOrder order) {
        this.order = order;
    }

    /** A classic pcap file header. */
    public static CaptureBytes pcap(ByteOrder order, boolean nanos, int snaplen, int linkType) {
        CaptureBytes c = new CaptureBytes(order);
        c.put(buffer(24, order).putInt(nanos ? 0xA1B23C4D : 0xA1B2C3D4).putShort((short) 2).putShort((short) 4)
                .putInt(0).putInt(0).putInt(snaplen).putInt(linkType));
        return c;
    }

    /** A pcap record; {@code fraction} is µs or ns as the header says. */
    public CaptureBytes pcapRecord(long seconds, long fraction, byte[] data, int originalLength) {
        put(buffer(16, order).putInt((int) seconds).putInt((int) fraction).putInt(data.length).putInt(originalLength));
        out.writeBytes(data);
        return this;
    }

    /** An empty pcapng file; start it with {@link #section}. */
    public static CaptureBytes pcapng() {
        return new CaptureBytes(ByteOrder.LITTLE_ENDIAN);
    }

    /** A Section Header Block in {@code sectionOrder}, which the following blocks use too. */
    public CaptureBytes section(ByteOrder sectionOrder) {
        order = sectionOrder;
        return block(0x0A0D0D0A, buffer(16, order).putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0)
                .putLong(-1L).array());
    }

    /**
     * An Interface Description Block.
     *
     * @param tsresol  if_tsresol byte, or -1 for none (microseconds)
     * @param tsoffset if_tsoffset seconds, or 0 for none
     */
    public CaptureBytes interfaceDescription(int linkType, int snaplen, int tsresol, long tsoffset) {
        ByteBuffer b = buffer(64, order).putShort((short) linkType).putShort((short) 0).putInt(snaplen);
        b.putShort((short) 2).putShort((short) 5).put("veth0".getBytes(StandardCharsets.US_ASCII)).put(new byte[3]);
        if (tsresol != -1) b.putShort((short) 9).putShort((short) 1).put((byte) tsresol).put(new byte[3]);
        if (tsoffset != 0) b.putShort((short) 14).putShort((short) 8).putLong(tsoffset);
        b.putInt(0); // opt_endofopt
        return block(1, used(b));
    }

    /** An Enhanced Packet Block; with a comment option if {@code comment} is not null. */
    public CaptureBytes enhancedPacket(int interfaceId, long ticks, byte[] data, int originalLength, String comment) {
        ByteBuffer b = buffer(20 + data.length + 3 + 64, order).putInt(interfaceId).putInt((int) (ticks >>> 32))
                .putInt((int) ticks).putInt(data.length).putInt(originalLength).put(data);
        pad(b, data.length);
        if (comment != null) {
            byte[] text = comment.getBytes(StandardCharsets.UTF_8);
            b.putShort((short) 1).putShort((short) text.length).put(text);
            pad(b, text.length);
            b.putInt(0);
        }
        return block(6, used(b));
    }

    /** The obsolete Packet Block (type 2): an EPB with a 16-bit interface id and a drop count. */
    public CaptureBytes obsoletePacket(int interfaceId, long ticks, byte[] data, int originalLength) {
        ByteBuffer b = buffer(20 + data.length + 3, order).putShort((short) interfaceId).putShort((short) 0)
                .putInt((int) (ticks >>> 32)).putInt((int) ticks).putInt(data.length).putInt(originalLength).put(data);
        pad(b, data.length);
        return block(2, used(b));
    }

    /** A Simple Packet Block: {@code data} is what was captured of a frame of {@code originalLength}. */
    public CaptureBytes simplePacket(byte[] data, int originalLength) {
        ByteBuffer b = buffer(4 + data.length + 3, order).putInt(originalLength).put(data);
        pad(b, data.length);
        return block(3, used(b));
    }

    /** Any block, framed with type and both lengths; the body is padded to 4. */
    public CaptureBytes block(int type, byte[] body) {
        int total = 12 + ((body.length + 3) & ~3);
        ByteBuffer b = buffer(total, order).putInt(type).putInt(total).put(body);
        pad(b, body.length);
        b.putInt(total);
        put(b);
        return this;
    }

    /** Raw bytes, e.g. to truncate or corrupt on purpose. */
    public CaptureBytes raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    public byte[] bytes() {
        return out.toByteArray();
    }

    public Path writeTo(Path file) throws IOException {
        Files.write(file, bytes());
        return file;
    }

    private void put(ByteBuffer b) {
        out.write(b.array(), 0, b.position());
    }

    private static ByteBuffer buffer(int size, ByteOrder order) {
        return ByteBuffer.allocate(size).order(order);
    }

    private static byte[] used(ByteBuffer b) {
        byte[] a = new byte[b.position()];
        b.get(0, a);
        return a;
    }

    private static void pad(ByteBuffer b, int length) {
        for (int i = length; (i & 3) != 0; i++) b.put((byte) 0);
    }
}
