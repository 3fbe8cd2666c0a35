package io.trinity.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlainDataTest {

    @Test
    void aMapThatContainsItselfIsRefusedWithThePathOfTheCycle() {
        Map<String, Object> top = new LinkedHashMap<>();
        Map<String, Object> inner = new LinkedHashMap<>();
        top.put("name", "x");
        top.put("inner", inner);
        inner.put("back", top);

        assertThatThrownBy(() -> Task.builder("t").input(top))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("data.inner.back: a cycle: this map is data, which contains it;");
    }

    @Test
    void aListThatContainsItselfIsRefusedWithThePathOfTheCycle() {
        List<Object> items = new ArrayList<>();
        items.add("first");
        items.add(items);

        assertThatThrownBy(() -> Task.of("t", Map.of("items", items)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("data.items[1]: a cycle: this list is data.items, which contains it;");
    }

    @Test
    void twentyThousandLevelsOfNestingAreRefusedAtTheLimitNotWithAStackOverflow() {
        Object deep = "leaf";
        for (int i = 0; i < 20_000; i++) {
            deep = i % 2 == 0 ? List.of(deep) : Map.of("a", deep);
        }
        Map<String, Object> input = Map.of("a", deep);

        assertThatThrownBy(() -> Task.of("t", input))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("data.a.a[0].a[0]")
                .hasMessageContaining("more levels)")
                .hasMessageContaining("maps and lists nest 101 levels deep here, more than the 100 allowed"
                        + " (PlainData.MAX_DEPTH)");
    }

    @Test
    void exactlyMaxDepthLevelsAreAccepted() {
        Object deep = "leaf";
        for (int i = 1; i < PlainData.MAX_DEPTH; i++) {
            deep = Map.of("a", deep);
        }
        Map<String, Object> ok = Map.of("a", deep);
        assertThat(Task.of("t", ok).input().data()).isEqualTo(ok);

        assertThatThrownBy(() -> Task.of("t", Map.of("one-more", ok))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("101 levels");
    }

    @Test
    void anArrayWithANullElementBecomesAListWithNullLikeACollectionDoes() {
        Object[] array = {1, null, "b"};
        Map<String, Object> data = Task.of("t", Map.of("xs", array, "ys", Arrays.asList(1, null, "b")))
                .input().data();

        assertThat(data.get("xs")).isEqualTo(Arrays.asList(1L, null, "b"));
        assertThat(data.get("ys")).isEqualTo(data.get("xs"));
        assertThat(PlainData.copyValue(new String[] {null}, "v")).isEqualTo(Arrays.asList((Object) null));
    }

    @Test
    void numbersFollowJsonWholeNumbersAreLongAndFractionsDouble() {
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("int", 7);
        in.put("short", (short) 8);
        in.put("byte", (byte) 9);
        in.put("long", 10L);
        in.put("float", 0.5f);
        in.put("double", 0.25);
        in.put("big", new BigInteger("123456789012345678901234567890"));
        Map<String, Object> data = Task.of("t", in).input().data();

        // The documented rule (PlainData javadoc, docs/architecture.md): an Integer reads back as a Long.
        assertThat(data.get("int")).isInstanceOf(Long.class).isEqualTo(7L);
        assertThat(data.get("short")).isEqualTo(8L);
        assertThat(data.get("byte")).isEqualTo(9L);
        assertThat(data.get("long")).isEqualTo(10L);
        assertThat(data.get("float")).isInstanceOf(Double.class).isEqualTo(0.5);
        assertThat(data.get("double")).isEqualTo(0.25);
        assertThat(data.get("big")).isEqualTo(new BigInteger("123456789012345678901234567890"));
        assertThatThrownBy(() -> Task.of("t", Map.of("n", new java.util.concurrent.atomic.AtomicLong(1))))
                .hasMessageStartingWith("data.n: only maps, lists, strings, numbers, booleans and null")
                .hasMessageContaining("java.util.concurrent.atomic.AtomicLong");
    }

    @Test
    void aSharedBranchIsCopiedOnceAndStaysShared() {
        List<Object> shared = new ArrayList<>(List.of("x"));
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("left", shared);
        in.put("right", List.of(shared));

        Map<String, Object> data = Task.of("t", in).input().data();

        assertThat(data.get("left")).isEqualTo(List.of("x"));
        assertThat(((List<?>) data.get("right")).get(0)).isSameAs(data.get("left"));
        shared.add("changed later");
        assertThat(data.get("left")).isEqualTo(List.of("x"));
    }

    @Test
    void aSharedBranchCountsItsDepthWhereverItIsUsed() {
        Object branch = "leaf";
        for (int i = 0; i < 60; i++) {
            branch = List.of(branch);
        }
        Object deepUse = branch;
        for (int i = 0; i < 45; i++) {
            deepUse = List.of(deepUse);
        }
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("shallow", branch);
        in.put("deep", deepUse);

        assertThatThrownBy(() -> Task.of("t", in)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nest 106 levels deep here");
    }

    @Test
    void otherValuesAreRefusedWithTheirPathAndReadableType() {
        assertThatThrownBy(() -> Task.of("t", Map.of("a", List.of(Map.of("b", new int[] {1})))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("data.a[0].b: only maps, lists, strings, numbers, booleans and null may travel with a task"
                        + " (got int[]); put binary data in an Attachment");
        Map<Object, Object> badKey = new LinkedHashMap<>();
        badKey.put(1, "x");
        assertThatThrownBy(() -> Task.of("t", Map.of("m", badKey)))
                .hasMessage("data.m: map keys must be strings (got java.lang.Integer)");
        assertThatThrownBy(() -> Task.of("t", Map.of("x", List.of(1.0, Double.NaN))))
                .hasMessage("data.x[1]: numbers must be finite (got NaN)");
    }
}
