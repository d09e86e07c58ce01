/**
 * Keeps one plugin's fault from ending the process. An uncaught exception or an
 * unhandled promise rejection is attributed to the plugin whose code is on the
 * error's stack (the innermost frame inside a plugin's folder, async frames
 * included); that plugin is failed and stopped and the kernel carries on. A fault with
 * no plugin code on its stack is the kernel's own (or cannot be told apart: a rejection
 * with a string has no stack), and the process stops gracefully as before, because its
 * state can no longer be trusted. A plugin that calls `process.exit()` is failed the same
 * way and the call throws. See docs/adr/0012-contained-plugin-faults.md.
 */
import { realpathSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export interface PluginRoot {
  name: string;
  root: string;
}

export type FaultOrigin = "uncaughtException" | "unhandledRejection" | "process.exit";

export interface FaultGuardOptions {
  /** The plugins whose code may be on a stack (read at fault time). */
  roots(): readonly PluginRoot[];
  onPluginFault(plugin: string, error: unknown, origin: FaultOrigin): void;
  onKernelFault(error: unknown, origin: FaultOrigin): void;
}

/** `at fn (/path/file.js:1:2)`, `at /path/file.js:1:2`, `at async fn (file:///…)`. */
const FRAME = /^\s*at (?:.*?\()?((?:file:\/\/)?\/[^():]*|[A-Za-z]:\\[^():]*):\d+:\d+\)?\s*$/;

function framePaths(stack: string): string[] {
  const paths: string[] = [];
  for (const line of stack.split("\n")) {
    const match = FRAME.exec(line);
    if (!match?.[1]) continue;
    const location = match[1].replace(/\?[^/\\]*$/, "");
    paths.push(location.startsWith("file://") ? fileURLToPath(location) : location);
  }
  return paths;
}

function realRoot(root: string): string {
  try {
    return realpathSync(root);
  } catch {
    return path.resolve(root);
  }
}

/** The plugin whose code is innermost on the error's stack, or undefined. */
export function attributeFault(error: unknown, roots: readonly PluginRoot[]): string | undefined {
  const stack = error instanceof Error ? error.stack : undefined;
  if (!stack) return undefined;
  const folders = roots.map(({ name, root }) => ({ name, folder: realRoot(root) + path.sep }));
  // The deepest folder first, so a plugin nested in another's folder is told apart.
  folders.sort((a, b) => b.folder.length - a.folder.length);
  for (const file of framePaths(stack)) {
    const owner = folders.find(({ folder }) => file.startsWith(folder));
    if (owner) return owner.name;
  }
  return undefined;
}

/**
 * Installs the process handlers, and a `process.exit` that refuses to end the process
 * when a plugin's code calls it (that plugin is failed instead, and the call throws);
 * returns a function that undoes both.
 */
export function installFaultGuard(options: FaultGuardOptions): () => void {
  const realExit = process.exit;
  const guardedExit = (code?: number | string | null): never => {
    const caller = new Error(
      "A plugin called process.exit(); plugins cannot end the kernel's process",
    );
    const plugin = attributeFault(caller, options.roots());
    if (!plugin) return realExit.call(process, code as number);
    options.onPluginFault(plugin, caller, "process.exit");
    throw caller;
  };
  process.exit = guardedExit as typeof process.exit;
  const handle = (origin: FaultOrigin) => (error: unknown) => {
    let plugin: string | undefined;
    try {
      plugin = attributeFault(error, options.roots());
    } catch {
      plugin = undefined;
    }
    if (plugin) options.onPluginFault(plugin, error, origin);
    else options.onKernelFault(error, origin);
  };
  const onException = handle("uncaughtException");
  const onRejection = handle("unhandledRejection");
  process.on("uncaughtException", onException);
  process.on("unhandledRejection", onRejection);
  return () => {
    if (process.exit === guardedExit) process.exit = realExit;
    process.removeListener("uncaughtException", onException);
    process.removeListener("unhandledRejection", onRejection);
  };
}
