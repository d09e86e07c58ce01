/**
 * The import rules between roa2web's packages, checked by `pnpm lint` (ADR 0019).
 * dependency-cruiser resolves every import to a file first, so a rule holds whether the
 * import names a package (`@roa2web/kernel`) or climbs there by a relative path
 * (`../../../kernel/core/src/…`). A workspace package resolves to its real folder
 * (`kernel/core/dist/…`); before a build, when there is no `dist/` yet, it stays its
 * name, so each rule matches both spellings.
 */

/** The kernel package, as a folder or by name (not the SDK: plugins build on that). */
const KERNEL = "^(kernel/core/|@roa2web/kernel(/|$))";
/** The kernel's public test kit, `@roa2web/kernel/testing`, built or not. */
const TEST_KIT = "^(kernel/core/dist/testing\\.|@roa2web/kernel/testing$)";
/** A plugin package, as a folder or by name. */
const PLUGIN = "^(plugins/|@roa2web/plugin-(?!sdk(/|$)))";
/** Test code: test files, their helpers, and whatever sits in a `test/` folder. */
const TEST = "(/test/|\\.test(-helper)?\\.[cm]?[jt]s$)";
/** Each package's own folder, captured as $1 (plugins/examples/<name> is one package). */
const PACKAGE = "^((?:plugins/examples|plugins|kernel|contracts)/[^/]+|ui-shell)/";
/** A package's source, as opposed to its built `dist/` (what a package name resolves to). */
const PACKAGE_SOURCE =
  "^(kernel/[^/]+/src/|plugins/(?:examples/)?[^/]+/src/|contracts/[^/]+/src/|ui-shell/src/)";
/** A package's test code: its test helpers and fixtures. */
const PACKAGE_TEST = "^(kernel|plugins|contracts|ui-shell)/.*/test/";
/**
 * A plugin's test support — its `src/test/` helpers and its `fake-*` stand-ins (a fake
 * Telegram Bot API) — that tests running the kernel and real plugins together (two
 * kernel processes, a browser on the shell) reuse rather than copy. Test code only:
 * production code reaching them is still caught by the kernel/shell/plugin rules.
 */
const PLUGIN_TEST_SUPPORT = "^plugins/(?:examples/)?[^/]+/src/(test/|fake-[^/]+$)";
/** A plugin the kernel's tests load from a fixture folder, captured as $1. */
const KERNEL_FIXTURE_PLUGIN = "^kernel/core/test/fixtures/([^/]+/[^/]+)/";

module.exports = {
  forbidden: [
    {
      name: "plugin-imports-kernel",
      comment:
        "A plugin builds on @roa2web/plugin-sdk and reaches the kernel only through what start() is given: never @roa2web/kernel or its source.",
      severity: "error",
      from: { path: "^plugins/", pathNot: TEST },
      to: { path: KERNEL },
    },
    {
      name: "test-imports-kernel-internals",
      comment:
        "Plugin and shell tests boot the kernel through its public test kit, @roa2web/kernel/testing, never through its source or its own test helpers.",
      severity: "error",
      from: { path: `^(?=(plugins|ui-shell)/).*${TEST}` },
      to: { path: KERNEL, pathNot: TEST_KIT },
    },
    {
      name: "plugin-imports-plugin",
      comment:
        "Plugins meet through declared services and events, with shared shapes in a contract package (@roa2web/*-contract): never another plugin's package or files.",
      severity: "error",
      from: { path: "^plugins/((?:examples/)?[^/]+)/" },
      to: { path: PLUGIN, pathNot: "^plugins/$1/" },
    },
    {
      name: "kernel-imports-plugin",
      comment:
        "The kernel knows plugins only through their manifests, found at run time: it never imports one by name or path.",
      severity: "error",
      from: { path: "^kernel/", pathNot: TEST },
      to: { path: PLUGIN },
    },
    {
      name: "kernel-test-imports-plugin",
      comment:
        "A kernel test runs plugins as the kernel does, from their folders; it may reuse a plugin's test support (src/test/, fake-*), nothing else of it.",
      severity: "error",
      from: { path: `^kernel/.*${TEST}` },
      to: { path: PLUGIN, pathNot: PLUGIN_TEST_SUPPORT },
    },
    {
      name: "shell-imports-plugin",
      comment:
        "The shell mounts plugin UIs from the list the server sends, by URL at run time: it never imports one.",
      severity: "error",
      from: { path: "^ui-shell/src/" },
      to: { path: PLUGIN },
    },
    {
      name: "contract-imports-plugin-or-kernel",
      comment:
        "A contract package holds types and references only, for providers and consumers alike: it builds on the SDK, never on a plugin or the kernel.",
      severity: "error",
      from: { path: "^contracts/" },
      to: { path: [PLUGIN, KERNEL] },
    },
    {
      name: "relative-import-leaves-package",
      comment:
        "A relative import stays inside its own package; another package is imported by its name and through its public entry.",
      severity: "error",
      from: { path: PACKAGE },
      to: {
        dependencyTypes: ["local"],
        path: "^(kernel|plugins|contracts|ui-shell)/",
        // A plugin's test support may be reused by other packages' tests (the rules
        // above keep production code away from it).
        pathNot: ["^$1/", PLUGIN_TEST_SUPPORT],
      },
    },
    {
      name: "fixture-plugin-imports-kernel",
      comment:
        "A test fixture plugin is written as an outside author writes one: it builds on @roa2web/plugin-sdk, never on the kernel that loads it (its source, its dist or its test helpers).",
      severity: "error",
      from: { path: [KERNEL_FIXTURE_PLUGIN, "^bench/fixtures/plugins/"] },
      to: { path: KERNEL, pathNot: "^kernel/core/test/fixtures/" },
    },
    {
      name: "fixture-plugin-imports-plugin",
      comment:
        "A test fixture plugin imports no workspace plugin, and of another fixture only its refs.js: the fixtures' stand-in for a contract package.",
      severity: "error",
      from: { path: KERNEL_FIXTURE_PLUGIN },
      to: {
        path: [PLUGIN, "^kernel/core/test/fixtures/"],
        pathNot: [
          "^kernel/core/test/fixtures/$1/",
          "^kernel/core/test/fixtures/[^/]+/[^/]+/refs\\.(d\\.ts|js)$",
        ],
      },
    },
    {
      name: "bench-imports-source",
      comment:
        "A process-level benchmark (bench/*.mjs, its servers and fixtures) runs the built system: packages by name (their dist: @roa2web/kernel, @roa2web/kernel/testing, the SDK), third-party packages and bench's own helpers; never a package's source. Only an in-process benchmark reads source, like a unit test: bench/*.bench.ts, and bench/report-hit-loop.ts, the in-process loop report-hit-instructions.mjs bundles and counts under callgrind.",
      severity: "error",
      from: { path: "^bench/", pathNot: "(\\.bench\\.ts|^bench/report-hit-loop\\.ts)$" },
      to: { path: PACKAGE_SOURCE },
    },
    {
      name: "bench-imports-test-code",
      comment:
        "A benchmark sets up what it measures itself (or through @roa2web/kernel/testing): never through a package's test helpers or fixtures, which change with the tests.",
      severity: "error",
      from: { path: "^bench/" },
      to: { path: PACKAGE_TEST },
    },
    {
      name: "scripts-import-source",
      comment:
        "Repository tooling (scripts/) runs the built packages, by name or their dist/: never their source or test code.",
      severity: "error",
      from: { path: "^scripts/", pathNot: TEST },
      to: { path: [PACKAGE_SOURCE, PACKAGE_TEST] },
    },
    {
      name: "imports-bench",
      comment:
        "Benchmarks are leaves: no package, test or script imports from bench/ (it is not built, published or kept stable).",
      severity: "error",
      from: { path: "^(kernel|plugins|contracts|ui-shell|scripts)/" },
      to: { path: "^bench/" },
    },
    {
      name: "bench-or-script-import-unresolvable",
      comment:
        "A relative import in bench/ or scripts/ that resolves to no file: nothing else type-checks or builds these folders, so a moved or deleted file would only show when someone runs them.",
      severity: "error",
      from: { path: "^(bench|scripts)/" },
      // Relative paths only: a benchmark may load a package another workspace package
      // installed (sharp, keyv) through that package's folder at run time.
      to: { couldNotResolve: true, path: "^\\.\\.?/" },
    },
  ],
  options: {
    // Built files and installed packages are where an import lands, not where one starts:
    // kept as leaves (so `@roa2web/kernel` → kernel/core/dist/… is seen), never read.
    doNotFollow: { path: "(^|/)(node_modules|dist)/" },
    exclude: { path: "(^|/)(data|test-artifacts|coverage)/" },
    // `import type` counts: a type from kernel source couples a plugin to it all the same.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.base.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["types", "import", "default"],
      mainFields: ["types", "module", "main"],
      extensions: [".ts", ".mts", ".js", ".mjs", ".cjs", ".d.ts"],
    },
  },
};
