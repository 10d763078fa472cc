package io.pinnacle.runner;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shape the redesign set, checked on every build (this module sees every other one): no cycle between any two
 * packages of the project, and the job (what a cluster runs) and the retrieval service depend on nothing offline or
 * local.
 */
class ArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.pinnacle");
  }

  @Test
  void noPackageCycle() {
    slices().matching("io.pinnacle.(**)").should().beFreeOfCycles().check(classes);
  }

  @Test
  void theJobDependsOnTheServingModelOnly() {
    noClasses().that().resideInAPackage("io.pinnacle.job..")
        .should().dependOnClassesThat().resideInAnyPackage("io.pinnacle.cli..", "io.pinnacle.eval..",
            "io.pinnacle.pipeline..", "io.pinnacle.prequential..", "io.pinnacle.report..", "io.pinnacle.training..",
            "io.pinnacle.bench..", "io.pinnacle.data..", "io.pinnacle.runner..")
        .check(classes);
  }

  @Test
  void theRetrievalServiceDependsOnTheServingModelOnly() {
    noClasses().that().resideInAPackage("io.pinnacle.retrieval..")
        .should().dependOnClassesThat().resideInAnyPackage("io.pinnacle.cli..", "io.pinnacle.eval..",
            "io.pinnacle.pipeline..", "io.pinnacle.prequential..", "io.pinnacle.report..", "io.pinnacle.training..",
            "io.pinnacle.bench..", "io.pinnacle.data..", "io.pinnacle.runner..", "io.pinnacle.job..")
        .check(classes);
  }
}
