package io.pinnacle.tuning;

/**
 * Everything one item brings to a tuning batch, as plain vectors so that tuning needs no global lookup: its base
 * embedding, its pinnacle and negative users' vectors, its labelled samples (user vector, label, the sample user's
 * position in the pinnacle list or -1, the user's mean score on warm items) and its prompt state.
 */
public record ItemTuningInput(long itemId, float[] base, float[][] pinnacle, float[][] negatives,
                              float[][] sampleUsers, float[] labels, int[] sampleSelf, float[] warmScore,
                              PromptState state) {
  public int samples() {
    return labels.length;
  }
}
