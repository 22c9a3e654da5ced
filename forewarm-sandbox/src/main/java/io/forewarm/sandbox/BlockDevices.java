package io.forewarm.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds the whole block device ("major:minor") under a path, the unit io throttling is configured in. */
final class BlockDevices {

    private BlockDevices() {
    }

    /** Linux dev_t decoding (glibc gnu_dev_major/minor). */
    static String majorMinor(long dev) {
        long major = ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
        long minor = (dev & 0xff) | ((dev >>> 12) & ~0xffL);
        return major + ":" + minor;
    }

    /** The disk holding {@code path}, or empty when it is not backed by a block device (overlay, tmpfs, nfs). */
    static Optional<String> of(Path path) {
        try {
            String id = majorMinor(((Number) Files.getAttribute(path, "unix:dev")).longValue());
            Path sys = Path.of("/sys/dev/block", id);
            if (!Files.exists(sys)) {
                return Optional.empty();
            }
            // throttling applies to whole disks: a partition's parent directory in sysfs is its disk
            Path real = sys.toRealPath();
            if (Files.exists(real.resolve("partition"))) {
                return Optional.of(Files.readString(real.getParent().resolve("dev")).trim());
            }
            return Optional.of(id);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
