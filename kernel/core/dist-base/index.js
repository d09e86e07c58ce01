import {
  ConfigError,
  KERNEL_VERSION,
  createKernel,
  ensureDemoErp,
  findProjectRoot,
  generateDemoErp,
  loadConfig
} from "./chunk-WWIU334N.js";
export {
  ConfigError,
  KERNEL_VERSION,
  createKernel,
  ensureDemoErp,
  findProjectRoot,
  generateDemoErp,
  loadConfig
};
//# sourceMappingURL=index.js.map