package io.forewarm.predict;

import io.forewarm.core.Window;
import io.forewarm.predict.policy.FixedKeepAlive;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PoliciesTest {

    @Test
    void aBareValueIsThePositionalParameter() {
        Policy p = Policies.create("fixed:20");
        assertThat(p.spec()).isEqualTo("fixed:20");
        assertThat(((FixedKeepAlive) p).window()).isEqualTo(Window.keepAliveMinutes(20));
        assertThat(((FixedKeepAlive) Policies.create("fixed:keep=0.5")).window()).isEqualTo(new Window(0, 30_000));
    }

    @Test
    void fixedDefaultsToTenMinutesAndNoneToNothing() {
        assertThat(((FixedKeepAlive) Policies.create("fixed")).window()).isEqualTo(Window.keepAliveMinutes(10));
        assertThat(((FixedKeepAlive) Policies.create("none")).window()).isEqualTo(Window.NONE);
    }

    @Test
    void badSpecsFailNamingKeyAndValue() {
        assertThatThrownBy(() -> Policies.create("fixed:ten")).hasMessageContaining("keep=ten")
                .hasMessageContaining("not a number");
        assertThatThrownBy(() -> Policies.create("fixed:keep=-1")).hasMessageContaining("keep=-1");
        assertThatThrownBy(() -> Policies.create("fixed:kep=5")).hasMessageContaining("unknown parameter kep=5");
        assertThatThrownBy(() -> Policies.create("lru")).hasMessageContaining("unknown policy 'lru'")
                .hasMessageContaining("fixed");
        assertThatThrownBy(() -> Policies.create("none:5")).hasMessageContaining("key=value");
        assertThatThrownBy(() -> Policies.create("fixed:keep=1,keep=2")).hasMessageContaining("twice");
        assertThatThrownBy(() -> Policies.create(":5")).hasMessageContaining("no policy name");
    }

    @Test
    void oracleNeedsForesightOutsideTheSimulator() {
        Policy oracle = Policies.create("oracle");
        assertThat(oracle.needsForesight()).isTrue();
        UnitPolicy unit = oracle.newUnit(UnitProfile.of("f", 128, 0));
        assertThatThrownBy(() -> unit.onArrival(0)).isInstanceOf(UnsupportedOperationException.class);
    }
}
