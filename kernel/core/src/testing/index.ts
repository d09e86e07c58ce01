/**
 * @roa2web/kernel/testing — a real kernel for a plugin's HTTP tests. Works with any test
 * runner: it imports none. See "Testing your plugin" in docs/plugin-authoring.md.
 */

export {
  type CreatedTestUser,
  type PluginHealthEntry,
  type StartTestKernelOptions,
  startTestKernel,
  type TestInjectOptions,
  type TestKernel,
  type TestUser,
} from "./test-kernel.js";
export {
  type CreateTestCacheOptions,
  createTestCache,
  type OpenedPluginDatabase,
  type OpenPluginDatabaseOptions,
  openPluginDatabase,
  type PluginDatabaseWhere,
  type TestCache,
} from "./units.js";
