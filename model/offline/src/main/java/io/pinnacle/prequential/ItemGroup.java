package io.pinnacle.prequential;

/** What the base model knew of an item at the split: nothing (NEW), too little (COLD) or enough (WARM). */
public enum ItemGroup {
  NEW, COLD, WARM
}
