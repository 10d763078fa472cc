package io.pinnacle.runner.bench;

import io.pinnacle.runner.KafkaClientConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;

/**
 * Who the secured local cluster lets in: the client configured like the job (the cluster's
 * {@code pinnacle.kafka.properties.*}) must be accepted; clients without credentials, over TLS without SASL, with a
 * wrong password or as an unknown user, and (given the controller's address) one without a client certificate on
 * the controller listener, must be refused. Prints one line per client; true when every one went as expected.
 */
final class AuthCheck {
  private static final String JAAS = "sasl.jaas.config";
  private static final String SCRAM = "org.apache.kafka.common.security.scram.ScramLoginModule required "
      + "username=\"%s\" password=\"%s\";";

  private AuthCheck() {}

  static boolean run(String bootstrap, String controller) {
    Properties configured = KafkaClientConfig.properties(bootstrap);
    Map<String, Properties> refused = new LinkedHashMap<>();
    Properties none = new Properties();
    none.put("bootstrap.servers", bootstrap);
    refused.put("no credentials, plaintext", none);
    Properties tlsOnly = tlsWithoutSasl(configured);
    tlsOnly.put("bootstrap.servers", bootstrap);
    refused.put("TLS without SASL", tlsOnly);
    Properties wrong = copy(configured);
    wrong.put(JAAS, SCRAM.formatted("pinnacle", UUID.randomUUID()));
    refused.put("the job's user, a wrong password", wrong);
    Properties unknown = copy(configured);
    unknown.put(JAAS, SCRAM.formatted("intruder", UUID.randomUUID()));
    refused.put("an unknown user", unknown);
    if (controller != null) {
      Properties noCertificate = tlsWithoutSasl(configured);
      noCertificate.put("bootstrap.controllers", controller);
      refused.put("the controller listener, no client certificate", noCertificate);
    }
    boolean ok = probe("the job's credentials", configured, true);
    for (Map.Entry<String, Properties> e : refused.entrySet()) {
      ok &= probe(e.getKey(), e.getValue(), false);
    }
    return ok;
  }

  /** The configured client's TLS settings alone: no SASL mechanism, no JAAS login, no bootstrap address. */
  private static Properties tlsWithoutSasl(Properties configured) {
    Properties p = new Properties();
    configured.forEach((k, v) -> {
      String key = (String) k;
      if (key.startsWith("ssl.") || key.startsWith("config.providers")) {
        p.put(key, v);
      }
    });
    p.put("security.protocol", "SSL");
    return p;
  }

  private static Properties copy(Properties p) {
    Properties c = new Properties();
    c.putAll(p);
    return c;
  }

  private static boolean probe(String who, Properties p, boolean shouldPass) {
    Properties c = copy(p);
    c.put("request.timeout.ms", "5000");
    c.put("default.api.timeout.ms", "15000");
    c.put("reconnect.backoff.max.ms", "1000");
    String outcome;
    boolean passed;
    try (Admin admin = Admin.create(c)) {
      String cluster = admin.describeCluster().clusterId().get(20, TimeUnit.SECONDS);
      passed = true;
      outcome = "let in (cluster " + cluster + ")";
    } catch (ExecutionException e) {
      passed = false;
      outcome = "refused: " + e.getCause().getClass().getSimpleName() + ": " + firstLine(e.getCause().getMessage());
    } catch (TimeoutException e) {
      passed = false;
      outcome = "refused: no answer in 20 s";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (RuntimeException e) {
      passed = false;
      outcome = "refused: " + e.getClass().getSimpleName() + ": " + firstLine(e.getMessage());
    }
    boolean expected = passed == shouldPass;
    System.out.printf("%-48s %s %s%n", who + ":", outcome, expected ? "(as it must)" : "(WRONG)");
    return expected;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    String line = message.lines().findFirst().orElse("");
    return line.length() > 160 ? line.substring(0, 160) + "..." : line;
  }
}
