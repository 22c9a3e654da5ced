package io.forewarm.sim;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SweepTest {

    @Test
    void expandsTheListedParameterKeepingTheOthers() {
        Sweep s = Sweep.parse("hybrid:range=60;120,margin=0.2");
        assertThat(s.param()).isEqualTo("range");
        assertThat(s.specs()).isEqualTo(List.of("hybrid:range=60,margin=0.2", "hybrid:range=120,margin=0.2"));
        assertThat(Sweep.parse("fixed:1;5").specs()).isEqualTo(List.of("fixed:1", "fixed:5"));
    }

    @Test
    void rejectsSweepsWithoutOrWithTwoLists() {
        assertThatThrownBy(() -> Sweep.parse("fixed")).hasMessageContaining("fixed");
        assertThatThrownBy(() -> Sweep.parse("fixed:10")).hasMessageContaining("no ';'");
        assertThatThrownBy(() -> Sweep.parse("hybrid:range=1;2,margin=1;2")).hasMessageContaining("two");
        assertThatThrownBy(() -> Sweep.parse("fixed:1;;2")).hasMessageContaining("empty");
    }
}
