package io.pinnacle.eval;

/** One model's result on one stage: over users whose held-out item is cold (the headline) and over all users. */
public record Evaluation(String model, Stage stage, MetricSet cold, MetricSet all) {}
