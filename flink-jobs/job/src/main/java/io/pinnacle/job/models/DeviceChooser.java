package io.pinnacle.job.models;

import ai.djl.Device;
import java.util.Collection;
import java.util.Optional;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;

/**
 * CPU unless the TaskManager offers Flink's external resource {@code gpu} (GPUDriverFactory): then the GPU whose
 * index the resource reports, spreading subtasks over several GPUs by subtask index.
 */
public final class DeviceChooser {
  public static final String RESOURCE = "gpu";

  private DeviceChooser() {}

  public static Device choose(Collection<ExternalResourceInfo> gpus, int subtaskIndex) {
    if (gpus == null || gpus.isEmpty()) {
      return Device.cpu();
    }
    ExternalResourceInfo[] all = gpus.stream()
        .sorted(java.util.Comparator.comparing(g -> g.getProperty("index").orElse("")))
        .toArray(ExternalResourceInfo[]::new);
    Optional<String> index = all[subtaskIndex % all.length].getProperty("index");
    if (index.isEmpty()) {
      return Device.cpu();
    }
    return Device.gpu(Integer.parseInt(index.get().trim()));
  }
}
