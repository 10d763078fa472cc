package io.pinnacle.eval;

/**
 * One model's result on one stage: over users whose held-out item is cold (the headline), over all users, and over
 * users whose held-out item is warm (what a cold-start method must not cost).
 */
public record Evaluation(String model, Stage stage, MetricSet cold, MetricSet all, MetricSet warm) {}
