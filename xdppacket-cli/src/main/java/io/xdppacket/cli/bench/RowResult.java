package io.xdppacket.cli.bench;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * A row's rounds and their medians (the VM is noisy: single runs vary by up to 40%; the median of
 * the rounds, and for the comparison the median of the per-round ratios, are what the table shows).
 */
record RowResult(BenchRow row, List<Round> rounds) {

    double oursMedian(ToDoubleFunction<Measure> f) {
        return median(rounds.stream().mapToDouble(r -> f.applyAsDouble(r.ours())).toArray());
    }

    boolean hasC() {
        return !rounds.isEmpty() && rounds.getFirst().c() != null;
    }

    double cMedian(ToDoubleFunction<Measure> f) {
        return hasC() ? median(rounds.stream().mapToDouble(r -> f.applyAsDouble(r.c())).toArray()) : Double.NaN;
    }

    /** Median of the per-round ratios ours/C (each round's pair ran at the same time). */
    double ratio() {
        return hasC() ? median(rounds.stream().mapToDouble(Round::ratio).toArray()) : Double.NaN;
    }

    /** Total receive-side kernel drops of ours over the windows. */
    long oursRxDrops() {
        return rounds.stream().mapToLong(r -> r.ours().rxDrops()).sum();
    }

    long cRxDrops() {
        return hasC() ? rounds.stream().mapToLong(r -> r.c().rxDrops()).sum() : -1;
    }

    /** Whether every round accounted for every frame (see {@link Round#accounted()}). */
    boolean accounted() {
        return rounds.stream().allMatch(Round::accounted);
    }

    static double median(double[] v) {
        if (v.length == 0) return Double.NaN;
        double[] s = v.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }
}
