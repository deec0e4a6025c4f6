package dev.fastnn.network.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * The frame fastnn's binary files share (model files, checkpoints): an 8-byte magic, an {@code i32} version,
 * an {@code i64} payload length, the payload, and a CRC-32 of every byte before it, all big-endian. A reader
 * checks the magic, the version, the length and the checksum, in that order, before it trusts a single size
 * inside the payload.
 *
 * @param magic  what the file starts with; {@code \x89}, three letters and PNG's {@code \r \n \x1a \n}
 * @param kind   what the file is called in messages ("model file", "checkpoint")
 * @param oldest the oldest version a reader still reads
 * @param newest the version writers write
 */
record FileFrame(byte[] magic, String kind, int oldest, int newest) {
    static final int MAGIC_BYTES = 8;
    /** Magic, version and payload length. */
    static final int HEADER_BYTES = MAGIC_BYTES + 4 + 8;
    static final int CHECKSUM_BYTES = 4;
    /** A file is read into one array. */
    static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 8;

    FileFrame {
        if (magic.length != MAGIC_BYTES) {
            throw new IllegalArgumentException("a magic has " + MAGIC_BYTES + " bytes");
        }
    }

    /** A payload and the version of the file it came from. */
    record Payload(int version, ByteBuffer in) {
    }

    /** A buffer for a whole file with {@code payloadBytes} of payload, the header already in it. */
    ByteBuffer allocate(long payloadBytes) {
        long total = HEADER_BYTES + payloadBytes + CHECKSUM_BYTES;
        if (total > MAX_FILE_BYTES) {
            throw new IllegalArgumentException("the " + kind + " needs " + total + " bytes, more than a " + kind
                    + " holds (" + MAX_FILE_BYTES + ")");
        }
        ByteBuffer out = ByteBuffer.allocate((int) total);
        out.put(magic).putInt(newest).putLong(payloadBytes);
        return out;
    }

    /** Appends the checksum to a buffer from {@link #allocate} whose payload is complete; returns the file. */
    byte[] seal(ByteBuffer out) {
        CRC32 crc = new CRC32();
        crc.update(out.array(), 0, out.position());
        out.putInt((int) crc.getValue());
        if (out.hasRemaining()) {
            throw new IllegalStateException(kind + " size computed as " + out.capacity() + " but " + out.position()
                    + " bytes were written");
        }
        return out.array();
    }

    /** The whole file, its header checked before the rest is read. */
    byte[] read(Path file) throws IOException {
        // One channel for size, header and body: a concurrent save renames a new file over the path, and an
        // open channel keeps reading the file it opened, so all three describe the same file.
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
            while (header.hasRemaining() && channel.read(header) >= 0) {
                // read until the header is complete or the file ends
            }
            checkHeader(file, header.array(), header.position(), size);
            ByteBuffer bytes = ByteBuffer.allocate((int) size);
            bytes.put(header.flip());
            while (bytes.hasRemaining()) {
                if (channel.read(bytes) < 0) {
                    throw new ModelFileException(file, "truncated while being read: " + bytes.position() + " of "
                            + size + " bytes");
                }
            }
            return bytes.array();
        }
    }

    /** Checks the header and the checksum of a whole file in memory and returns its payload. */
    Payload open(byte[] bytes, Path file) throws ModelFileException {
        int version = checkHeader(file, bytes, Math.min(bytes.length, HEADER_BYTES), bytes.length);
        int end = bytes.length - CHECKSUM_BYTES;
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, end);
        int stored = ByteBuffer.wrap(bytes, end, CHECKSUM_BYTES).getInt();
        if (stored != (int) crc.getValue()) {
            throw new ModelFileException(file, String.format("checksum mismatch: stored CRC-32 0x%08x, computed 0x%08x;"
                    + " the file is corrupt", stored, (int) crc.getValue()));
        }
        return new Payload(version, ByteBuffer.wrap(bytes, HEADER_BYTES, end - HEADER_BYTES));
    }

    /** Checks the first {@code read} bytes of a file of {@code size} bytes; returns its version. */
    private int checkHeader(Path file, byte[] header, int read, long size) throws ModelFileException {
        int magicRead = Math.min(read, MAGIC_BYTES);
        if (!Arrays.equals(header, 0, magicRead, magic, 0, magicRead)) {
            throw new ModelFileException(file, "not a fastnn " + kind + ": it starts with " + hex(header, magicRead)
                    + ", a " + kind + " with " + hex(magic, MAGIC_BYTES));
        }
        if (read < MAGIC_BYTES + 4) {
            throw truncated(file, size);
        }
        ByteBuffer in = ByteBuffer.wrap(header, MAGIC_BYTES, read - MAGIC_BYTES);
        int version = in.getInt();
        if (version < oldest || version > newest) {
            throw new ModelFileException(file, "unsupported format version " + Integer.toUnsignedLong(version)
                    + "; this fastnn reads " + (oldest == newest ? "version " + newest : "versions " + oldest + " to " + newest)
                    + (version > newest ? " (the file was written by a newer fastnn)" : ""));
        }
        if (read < HEADER_BYTES) {
            throw truncated(file, size);
        }
        long payload = in.getLong();
        if (payload < 0 || payload > MAX_FILE_BYTES - HEADER_BYTES - CHECKSUM_BYTES) {
            throw new ModelFileException(file, "corrupt header: payload length " + payload + " is impossible");
        }
        long expected = HEADER_BYTES + payload + CHECKSUM_BYTES;
        if (size < expected) {
            throw new ModelFileException(file, "truncated: " + size + " bytes, the header says " + expected);
        }
        if (size > expected) {
            throw new ModelFileException(file, size + " bytes, the header says " + expected + " ("
                    + (size - expected) + " bytes of trailing data)");
        }
        return version;
    }

    private ModelFileException truncated(Path file, long size) {
        return new ModelFileException(file, "truncated: " + size + " bytes, a " + kind + " has at least "
                + (HEADER_BYTES + CHECKSUM_BYTES));
    }

    private static String hex(byte[] bytes, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append(i == 0 ? "" : " ").append(String.format("%02x", bytes[i]));
        }
        return n == 0 ? "nothing (empty file)" : s.toString();
    }
}
