/**
 * Keeps the hidden classes (V8 maps) of two per-request object literals alive for the
 * life of the process, so the code that builds them stays on V8's fast path.
 *
 * Node's `process.nextTick` builds each tick as `{ [async_id_symbol]: …,
 * [trigger_async_id_symbol]: …, callback, args }` (node:internal/process/task_queues),
 * and Fastify builds each request's log bindings as `{ [requestIdLogLabel]: reqId }`
 * (fastify/lib/logger-factory.js). An object literal with a computed key defines its
 * properties through one feedback slot per property, which remembers the map the
 * object had before the define. Those objects never outlive a request, and V8 holds the
 * maps only weakly (the literal map cache, the transitions, the feedback, the optimised
 * code): a few full garbage collections while no tick is queued — after a report's
 * reload, say — free the maps, deoptimise every function that inlined them, and the
 * next object finds its slot remembering a map that is gone. V8's runtime
 * (`Runtime_DefineKeyedOwnPropertyInLiteral`) then marks the slot megamorphic for good,
 * and from then on every property of every tick object is defined by a runtime call
 * instead of a store: measured on the cached dashboard, ~30 calls and ~38,000
 * instructions per request, a quarter of the request (docs/performance.md, session 11).
 *
 * One object of each shape kept alive keeps its map, and through the map's back
 * pointers every map before it, so the slots stay monomorphic and the optimised code
 * stores the properties inline.
 */
import { createHook } from "node:async_hooks";

/** Objects kept for their maps only: a tick object and the first request's log bindings. */
const kept: { tickObject?: object; logBindings?: object } = {};

/** Captures one `process.nextTick` tick object (once per process). */
export function keepTickObjectShape(): void {
  if (kept.tickObject !== undefined) return;
  // nextTick announces each tick to the init hooks synchronously, with the tick object
  // as its resource; the hook is enabled for this one call only.
  const hook = createHook({
    init(_asyncId, type, _triggerAsyncId, resource) {
      if (type === "TickObject") kept.tickObject = resource;
    },
  });
  hook.enable();
  try {
    process.nextTick(noop);
  } finally {
    hook.disable();
  }
}

/** Keeps the first request's log bindings (one check per request after that). */
export function keepLogBindingsShape(bindings: object): void {
  kept.logBindings ??= bindings;
}

function noop(): void {}
