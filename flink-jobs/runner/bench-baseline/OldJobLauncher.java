import io.pinnacle.job.PinnacleJob;
import io.pinnacle.job.config.PinnacleJobConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Runs today's streaming job (before the job/runner split) on a local MiniCluster in this JVM, the way the embedded
 * runner's StreamRun.start did, until the process is killed: the stream benchmark's way to run the job of commit
 * 7d53432 beside this build's. Not part of the build (it compiles against that commit only): see build.sh.
 *
 * usage: OldJobLauncher --work DIR [--set key=value ...]
 */
public final class OldJobLauncher {
  private OldJobLauncher() {}

  public static void main(String[] args) throws Exception {
    Path work = null;
    PinnacleJobConfig config = PinnacleJobConfig.defaults();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--work") && i + 1 < args.length) {
        work = Path.of(args[++i]);
      } else if (args[i].equals("--set") && i + 1 < args.length) {
        String kv = args[++i];
        int eq = kv.indexOf('=');
        config = config.with(kv.substring(0, eq), kv.substring(eq + 1));
      } else {
        throw new IllegalArgumentException("usage: OldJobLauncher --work DIR [--set key=value ...], not " + args[i]);
      }
    }
    if (work == null) {
      throw new IllegalArgumentException("--work DIR is required");
    }
    Files.createDirectories(work);
    Configuration conf = Configuration.fromMap(PinnacleJob.flinkSettings(config));
    conf.setString("execution.checkpointing.dir", work.resolve("checkpoints").toUri().toString());
    conf.setString("io.tmp.dirs", work.resolve("tmp").toAbsolutePath().toString());
    conf.setString("state.backend.rocksdb.localdir", work.resolve("rocksdb").toAbsolutePath().toString());
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(conf);
    PinnacleJob.build(env, config, PinnacleJob.rulesFor(config.get("feedback.rules")), false);
    System.err.println("old job: starting with " + config.asMap());
    env.execute("pinnacle-updater-old");
  }
}
