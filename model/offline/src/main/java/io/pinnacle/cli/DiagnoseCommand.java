package io.pinnacle.cli;

import io.pinnacle.base.BaseModelArtifact;
import io.pinnacle.eval.LeaveOneOutSplit;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "diagnose", mixinStandardHelpOptions = true,
    description = "How much taste a base model's scores carry (printed by evaluate too).")
final class DiagnoseCommand implements Callable<Integer> {
  @Mixin DataOptions data;

  @Option(names = "--artifact", required = true, description = "base model artifact directory")
  Path artifact;

  @Override
  public Integer call() throws Exception {
    BaseModelArtifact base = BaseModelArtifact.load(artifact);
    LeaveOneOutSplit split = data.trainingPeriod(base);
    Map<String, Object> out = new LinkedHashMap<>(PinnacleCli.JSON.convertValue(PinnacleCli.baseDiagnostics(split, base), Map.class));
    out.putAll(BaseRanking.of(split, base));
    System.out.println(PinnacleCli.JSON.writeValueAsString(out));
    return 0;
  }
}
