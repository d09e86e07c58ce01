export { CacheConfigurationError, type CreateCacheOptions, createCache } from "./create-cache.js";
export { NamespacedCache } from "./namespaced-cache.js";
export {
  type CacheLogger,
  TwoLevelCache,
  type TwoLevelCacheOptions,
  type TwoLevelCacheStats,
} from "./two-level-cache.js";
