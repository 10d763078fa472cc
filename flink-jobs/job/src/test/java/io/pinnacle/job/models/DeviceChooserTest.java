package io.pinnacle.job.models;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;
import org.junit.jupiter.api.Test;

class DeviceChooserTest {
  private static ExternalResourceInfo gpu(String index) {
    Map<String, String> props = index == null ? Map.of() : Map.of("index", index);
    return new ExternalResourceInfo() {
      @Override
      public Optional<String> getProperty(String key) {
        return Optional.ofNullable(props.get(key));
      }

      @Override
      public Collection<String> getKeys() {
        return props.keySet();
      }
    };
  }

  @Test
  void cpuWithoutGpuResources() {
    assertEquals(Device.cpu(), DeviceChooser.choose(Set.of(), 0));
    assertEquals(Device.cpu(), DeviceChooser.choose(null, 3));
    assertEquals(Device.cpu(), DeviceChooser.choose(List.of(gpu(null)), 0));
  }

  @Test
  void gpuIndexFromTheExternalResourceSpreadBySubtask() {
    List<ExternalResourceInfo> gpus = List.of(gpu("3"), gpu("1"));
    assertEquals(Device.gpu(1), DeviceChooser.choose(gpus, 0));
    assertEquals(Device.gpu(3), DeviceChooser.choose(gpus, 1));
    assertEquals(Device.gpu(1), DeviceChooser.choose(gpus, 2));
  }
}
