package io.forewarm.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.forewarm.core.ResourceVector;
import io.forewarm.sandbox.CgroupSettings.Setting;
import io.forewarm.sandbox.SandboxConfig.Backend;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The pure parts: cgroup file values, stat parsers, naming, argv building, framing, backend choice. */
class PureDecisionsTest {

    private static final long MB = 1 << 20;

    @Test
    void netDevBytesAreReceivedPlusSentOverEveryInterface() {
        String netDev = """
                Inter-|   Receive                                                |  Transmit
                 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
                    lo: 1002460      47    0    0    0     0          0         0  1002460      47    0    0    0     0       0          0
                  eth0:123456789012 9 0 0 0 0 0 0 10 1 0 0 0 0 0 0
                """;
        assertThat(NetCounter.totalBytes(netDev)).isEqualTo(2 * 1_002_460L + 123_456_789_012L + 10);
        assertThat(NetCounter.totalBytes(netDev.lines().limit(2).reduce("", (a, b) -> a + b + "\n"))).isZero();
        assertThatThrownBy(() -> NetCounter.totalBytes("    lo: 1 2 3\n"))
                .hasMessageContaining("net/dev line has 3 fields").hasMessageContaining("lo: 1 2 3");
    }

    @Test
    void v1SettingsCoverCpuMemorySwapPidsAndIo() {
        List<Setting> s = CgroupSettings.v1(new ResourceVector(0.25, 64 * MB, 0, 1000, 0), 32, "254:0", true);
        assertThat(s).contains(new Setting("cpu", "cpu.cfs_period_us", "100000"),
                new Setting("cpu", "cpu.cfs_quota_us", "25000"),
                new Setting("memory", "memory.limit_in_bytes", Long.toString(64 * MB)),
                new Setting("memory", "memory.memsw.limit_in_bytes", Long.toString(64 * MB)),
                new Setting("pids", "pids.max", "32"),
                new Setting("blkio", "blkio.throttle.read_bps_device", "254:0 1000"),
                new Setting("blkio", "blkio.throttle.write_bps_device", "254:0 1000"));
    }

    @Test
    void v1UnlimitedAndUnknownDevice() {
        List<Setting> s = CgroupSettings.v1(ResourceVector.ZERO, 0, null, false);
        assertThat(s).containsExactly(new Setting("cpu", "cpu.cfs_period_us", "100000"),
                new Setting("cpu", "cpu.cfs_quota_us", "-1"), new Setting("memory", "memory.limit_in_bytes", "-1"),
                new Setting("pids", "pids.max", "max"));
    }

    @Test
    void v2SettingsUseUnifiedFiles() {
        assertThat(CgroupSettings.v2(new ResourceVector(1.5, 128 * MB, 0, 0, 0), 10, "8:0", true)).containsExactly(
                new Setting("", "cpu.max", "150000 100000"), new Setting("", "memory.max", Long.toString(128 * MB)),
                new Setting("", "memory.swap.max", "0"), new Setting("", "pids.max", "10"),
                new Setting("", "io.max", "8:0 rbps=max wbps=max"));
        assertThat(CgroupSettings.v2(ResourceVector.ZERO, 0, null, false)).containsExactly(
                new Setting("", "cpu.max", "max 100000"), new Setting("", "memory.max", "max"),
                new Setting("", "pids.max", "max"));
    }

    @Test
    void quotaNeverFallsUnderTheKernelMinimum() {
        Random random = new Random(42);
        for (int i = 0; i < 1000; i++) {
            double cores = random.nextDouble() * 4;
            long q = CgroupSettings.quotaMicros(cores);
            assertThat(q).isGreaterThanOrEqualTo(CgroupSettings.MIN_QUOTA_US);
            assertThat((double) q).isCloseTo(Math.max(1000, cores * 100_000), org.assertj.core.data.Offset.offset(1.0));
        }
        assertThat(CgroupSettings.quotaMicros(0)).isEqualTo(-1);
    }

    @Test
    void parsesCgroupStatFiles() {
        assertThat(CgroupStats.keyed("oom_kill_disable 0\nunder_oom 0\noom_kill 3\n", "oom_kill")).isEqualTo(3);
        assertThat(CgroupStats.keyed("low 0\nhigh 0\nmax 7\noom 2\noom_kill 1\n", "oom_kill")).isEqualTo(1);
        assertThat(CgroupStats.keyed("usage_usec 1234\nuser_usec 1000\n", "usage_usec")).isEqualTo(1234);
        assertThat(CgroupStats.keyed("x 1\n", "absent")).isEqualTo(-1);
        assertThat(CgroupStats.single("max\n")).isEqualTo(-1);
        assertThat(CgroupStats.single("42\n")).isEqualTo(42);
        assertThat(CgroupStats.v1Io("254:0 Read 100\n254:0 Write 50\n254:0 Sync 1\n254:0 Total 150\n"
                + "8:0 Read 1\nTotal 151\n")).containsExactly(101, 50);
        assertThat(CgroupStats.v2Io("254:0 rbytes=10 wbytes=20 rios=1 wios=2\n8:0 rbytes=1 wbytes=2\n"))
                .containsExactly(11, 22);
    }

    @Test
    void parsesProcFiles() {
        String stat = "1234 (my (odd) name) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 1 0 100";
        assertThat(ProcStats.cpuTicks(stat)).isEqualTo(300);
        assertThat(ProcStats.statusBytes("Name:\tx\nVmHWM:\t  2048 kB\nVmRSS:\t  1024 kB\n", "VmRSS"))
                .isEqualTo(1024 * 1024);
        assertThat(ProcStats.statusBytes("Name:\tx\n", "VmRSS")).isEqualTo(-1);
    }

    @Test
    void decodesDeviceNumbers() {
        assertThat(BlockDevices.majorMinor(0xfe00)).isEqualTo("254:0");
        assertThat(BlockDevices.majorMinor(0x0801)).isEqualTo("8:1");
        assertThat(BlockDevices.majorMinor((259L << 8) | 3)).isEqualTo("259:3");
    }

    @Test
    void leftoversAreSandboxesOfDeadOwnersOnly() {
        String id = Names.id(77, 3, "fn.x");
        assertThat(id).isEqualTo("fw-77-3-fn.x");
        assertThat(Names.isLeftover(id, pid -> false)).isTrue();
        assertThat(Names.isLeftover(id, pid -> pid == 77)).isFalse();
        assertThat(Names.isLeftover("system.slice", pid -> false)).isFalse();
        assertThat(Names.isLeftover("fw-x-1-a", pid -> false)).isFalse();
    }

    @Test
    void wrapperScriptIsConstantAndArgvFollowsAsArguments() {
        List<String> argv = List.of("python3", "a b", "$(rm -rf /)");
        List<String> cmd = Launch.joinCgroups(List.of(Path.of("/cg/a/cgroup.procs"), Path.of("/cg/b/cgroup.procs")),
                argv);
        assertThat(cmd.subList(0, 5)).containsExactly("/bin/sh", "-c", Launch.JOIN_CGROUPS, "sh", "2");
        assertThat(cmd.subList(5, 7)).containsExactly("/cg/a/cgroup.procs", "/cg/b/cgroup.procs");
        assertThat(cmd.subList(7, 10)).isEqualTo(argv);
        assertThat(Launch.unshare(true, argv)).endsWith("--net", "--", "python3", "a b", "$(rm -rf /)");
        assertThat(Launch.rlimits(new ResourceVector(0, 100, 200, 0, 0), 5, argv))
                .containsExactly("prlimit", "--data=100", "--fsize=200", "--nproc=5", "--", "python3", "a b",
                        "$(rm -rf /)");
    }

    @Test
    void joinScriptReallyPassesArgvThrough() throws IOException {
        Path procs = Path.of(System.getProperty("java.io.tmpdir"), "fw-procs-" + ProcessHandle.current().pid());
        try {
            String out = Launch.run(Launch.joinCgroups(List.of(procs), List.of("printf", "%s|", "a b", "$(x)", "")));
            assertThat(out).isEqualTo("a b|$(x)||");
            assertThat(java.nio.file.Files.readString(procs).trim()).matches("\\d+");
        } finally {
            java.nio.file.Files.deleteIfExists(procs);
        }
    }

    @Test
    void framesRoundTripAndRejectBadInput() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Frames.write(new DataOutputStream(bytes), Frames.RESULT, new byte[] {0, (byte) 200});
        Frames.Frame f = Frames.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), 1024);
        assertThat(f.type()).isEqualTo(Frames.RESULT);
        assertThat(f.payload()).containsExactly(0, (byte) 200);
        assertThat(Frames.read(new DataInputStream(new ByteArrayInputStream(new byte[0])), 10)).isNull();
        assertThatThrownBy(() -> Frames.read(stream(9, 0), 10)).isInstanceOf(Frames.ProtocolException.class)
                .hasMessageContaining("type 9");
        assertThatThrownBy(() -> Frames.read(stream(Frames.RESULT, 11), 10))
                .isInstanceOf(Frames.ProtocolException.class).hasMessageContaining("11");
        assertThatThrownBy(() -> Frames.read(stream(Frames.RESULT, -1), 10))
                .isInstanceOf(Frames.ProtocolException.class).hasMessageContaining("4294967295");
        assertThatThrownBy(() -> Frames.read(stream(Frames.RESULT, 5), 10)).isInstanceOf(EOFException.class);
    }

    private static DataInputStream stream(int type, int length) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(type);
        out.writeInt(length);
        return new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 100, 5000})
    void ringLogKeepsTheLastBytes(int chunks) {
        RingLog log = new RingLog(1024);
        StringBuilder all = new StringBuilder();
        Random random = new Random(chunks);
        for (int i = 0; i < chunks; i++) {
            String s = Integer.toString(random.nextInt(1_000_000)) + "\n";
            all.append(s);
            byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            log.append(b, 0, b.length);
        }
        String expected = all.length() <= 1024 ? all.toString() : all.substring(all.length() - 1024);
        assertThat(log.text()).isEqualTo(expected);
        assertThat(log.written()).isEqualTo(all.length());
    }

    @Test
    void backendChoiceFollowsTheHostAndFailsLoudlyWhenForcedWrongly() {
        assertThat(SandboxFactories.choose(Backend.AUTO, true, true).backend()).isEqualTo(Backend.CGROUP_V2);
        assertThat(SandboxFactories.choose(Backend.AUTO, false, true).backend()).isEqualTo(Backend.CGROUP_V1);
        assertThat(SandboxFactories.choose(Backend.AUTO, false, false))
                .isEqualTo(new SandboxFactories.Choice(Backend.PROCESS, "no cgroup hierarchy found"));
        assertThat(SandboxFactories.choose(Backend.PROCESS, true, true).reason()).isEqualTo("forced by configuration");
        assertThatThrownBy(() -> SandboxFactories.choose(Backend.CGROUP_V2, false, true))
                .hasMessageContaining("CGROUP_V2").hasMessageContaining("cgroup.controllers");
        assertThatThrownBy(() -> SandboxFactories.choose(Backend.CGROUP_V1, true, false))
                .hasMessageContaining("CGROUP_V1");
    }

    @Test
    void configRejectsBadValuesNamingThem() {
        SandboxConfig d = SandboxConfig.defaults();
        assertThatThrownBy(() -> d.withPlace("a/b", Path.of("/tmp"))).hasMessageContaining("cgroupParent")
                .hasMessageContaining("'a/b'");
        assertThatThrownBy(() -> d.withPlace("ok", Path.of("rel"))).hasMessageContaining("scratchRoot")
                .hasMessageContaining("'rel'");
    }
}
