package io.forewarm.sandbox;

import java.io.File;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

/**
 * A sandbox's scratch directory. Privileged backends mount a tmpfs with {@code size=} on it, so the kernel caps it
 * (and its pages are charged to the memory cgroup of whoever writes them); the process fallback uses a plain
 * directory whose per-file size is capped by RLIMIT_FSIZE.
 */
final class Scratch {

    private final Path dir;
    private final boolean mounted;
    /** The directory as java.io.File, whose space queries are a bare statfs: no mount table scan, no file open. */
    private final File file;
    /** Set before the unmount, so a statfs that lands on the host's file system underneath is not reported. */
    private volatile boolean removed;
    /** The tmpfs's size in bytes, read by the first {@link #usedBytes()}; 0 until then. */
    private volatile long totalBytes;

    private Scratch(Path dir, boolean mounted) {
        this.dir = dir;
        this.mounted = mounted;
        this.file = dir.toFile();
    }

    /** Creates {@code root/id}, mounting a tmpfs capped at {@code sizeBytes} (0: tmpfs default) when asked. */
    static Scratch create(Path root, String id, long sizeBytes, boolean mount) throws IOException {
        Files.createDirectories(root);
        Path dir = root.resolve(id);
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        if (!mount) {
            return new Scratch(dir, false);
        }
        String options = "mode=0700" + (sizeBytes > 0 ? ",size=" + sizeBytes : "");
        try {
            Launch.run(List.of("mount", "-t", "tmpfs", "-o", options, "forewarm-scratch", dir.toString()));
        } catch (IOException e) {
            Files.deleteIfExists(dir);
            throw e;
        }
        return new Scratch(dir, true);
    }

    /** The directory. */
    Path dir() {
        return dir;
    }

    /** Copies the warm-up files in; a missing source fails naming it. */
    void preload(Map<String, Path> files) throws IOException {
        for (var e : files.entrySet()) {
            if (!Files.isRegularFile(e.getValue())) {
                throw new IOException("warmupFiles '" + e.getKey() + "': source '" + e.getValue()
                        + "' is not a readable file");
            }
            Path target = dir.resolve(e.getKey()).normalize();
            Files.createDirectories(target.getParent());
            Files.copy(e.getValue(), target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Bytes in use on the scratch's own tmpfs: its size minus its free blocks (one statfs, exact to the page,
     * preloaded files included); -1 for a plain directory, whose file system is the host's, and once removed.
     */
    long usedBytes() {
        if (!mounted || removed) {
            return -1;
        }
        if (totalBytes == 0) {
            totalBytes = file.getTotalSpace(); // its size: fixed once mounted, so one statfs a read suffices
        }
        long free = file.getFreeSpace();
        // the flag is set before the unmount: re-checked here, a statfs of what lay under the mount never counts
        return totalBytes == 0 || removed ? -1 : Math.max(0, totalBytes - free);
    }

    /** Unmounts (if mounted) and deletes the directory. */
    void remove() throws IOException {
        removed = true;
        remove(dir, mounted);
    }

    /** Removes a scratch directory left by a crashed run: unmount if it is a mount point, then delete. */
    static void removeLeftover(Path dir) throws IOException {
        remove(dir, isMountPoint(dir));
    }

    private static void remove(Path dir, boolean mounted) throws IOException {
        if (mounted) {
            try {
                Launch.run(List.of("umount", dir.toString()));
            } catch (IOException busy) {
                // a process we could not kill still holds it open: detach now, the kernel frees it later
                Launch.run(List.of("umount", "-l", dir.toString()));
            }
        }
        deleteTree(dir);
    }

    static boolean isMountPoint(Path dir) throws IOException {
        String target = dir.toAbsolutePath().normalize().toString();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ");
            if (f.length > 4 && f[4].replace("\\040", " ").equals(target)) {
                return true;
            }
        }
        return false;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                if (exc instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw exc;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
