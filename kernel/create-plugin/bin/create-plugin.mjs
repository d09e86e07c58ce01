#!/usr/bin/env node
/**
 * Scaffolds a new roa2web plugin package from the notes example:
 *
 *   npx @roa2web/create-plugin <name> [target-dir] [--singular <word>]
 *   pnpm create @roa2web/plugin <name> [target-dir]
 *   pnpm create-plugin <name> [target-dir]            (in the roa2web workspace)
 *
 * <name> is the plugin name (lower-case words joined by dashes: `stock-count`). In the
 * roa2web workspace the package is created in [target-dir], by default
 * `plugins/<name>`; a package under `plugins/` or `plugins/examples/` is a workspace
 * package (`workspace:^` ranges). Anywhere else — and always when this script runs from
 * the published package — it is a standalone package: registry ranges of the published
 * `@roa2web/*` packages, its own toolchain, a tsconfig of its own, `pnpm test` and
 * `pnpm pack` that work where it lives. The default folder is then `./<name>`.
 *
 * The copy gets the new name everywhere the example says "notes": package name,
 * manifest name, prefix, permissions, UI tags and module (`<name>-app`, `<name>-form`,
 * `dist/ui/<name>-app.js` in the manifest and in vite.config.ts), message keys
 * (`<name>.…`), env namespace, service and event names, file and class names. The
 * singular "note" in code (`NoteEntity`, `noteCount`, `note-entity.ts`,
 * `note-created`) becomes `--singular` (by default the name without a final "s", or
 * `<name>-item`); words that only contain it (`annotate`, `notebook`) are left alone, and
 * so are sentences (comments and texts with spaces), where only the plural is renamed.
 * Plain Node, no dependencies.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
/** The roa2web checkout this script sits in (kernel/create-plugin), if it is one. */
const REPO_ROOT = path.resolve(PACKAGE_DIR, "..", "..");
const WORKSPACE_TEMPLATE = path.join(REPO_ROOT, "plugins", "examples", "notes");
const IN_CHECKOUT =
  existsSync(path.join(REPO_ROOT, "pnpm-workspace.yaml")) &&
  existsSync(path.join(WORKSPACE_TEMPLATE, "package.json"));
/** The published package carries its copy of the example (scripts/copy-template.mjs). */
const PACKED_TEMPLATE = path.join(PACKAGE_DIR, "template", "notes");
const TEMPLATE_DIR = IN_CHECKOUT ? WORKSPACE_TEMPLATE : PACKED_TEMPLATE;
const TEMPLATE_PACKAGE = "@roa2web/plugin-example-notes";

/** The same rule the kernel's manifest check applies to `roa2web.name`. */
const NAME_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const NAME_MAX_LENGTH = 40;
/** Names whose prefix `/api/<name>` the kernel owns, or folders the workspace uses. */
const RESERVED_NAMES = new Set(["auth", "kernel", "companies", "calendar", "docs", "examples"]);

/** Never copied: build output, installs. */
const SKIPPED = new Set(["dist", "node_modules", "coverage", "CHANGELOG.md", "README.md"]);
const TEXT_EXTENSIONS = new Set([".ts", ".mts", ".js", ".mjs", ".json", ".md"]);
const USAGE = "Usage: create-plugin <name> [target-dir] [--singular <word>]";

class ScaffoldError extends Error {}

export function validateName(name, what = "the plugin") {
  if (name === undefined || name === "") {
    throw new ScaffoldError(`Give ${what} a name: ${USAGE}`);
  }
  if (!NAME_PATTERN.test(name) || name.length > NAME_MAX_LENGTH) {
    throw new ScaffoldError(
      `"${name}" is not a valid plugin name: use lower-case letters and digits in words joined by dashes, starting with a letter, at most ${NAME_MAX_LENGTH} characters (for example "stock-count").`,
    );
  }
  if (RESERVED_NAMES.has(name)) {
    throw new ScaffoldError(
      `"${name}" is reserved: the kernel owns /api/${name} or the workspace uses plugins/${name}. Choose another name.`,
    );
  }
}

/** Every name the workspace's plugins already use (plugins/* and plugins/examples/*). */
function workspacePluginNames() {
  const names = new Map();
  if (!IN_CHECKOUT) return names;
  for (const folder of [path.join(REPO_ROOT, "plugins"), path.dirname(WORKSPACE_TEMPLATE)]) {
    if (!existsSync(folder)) continue;
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const file = path.join(folder, entry.name, "package.json");
      if (!existsSync(file)) continue;
      try {
        const manifestName = JSON.parse(readFileSync(file, "utf8")).roa2web?.name;
        if (typeof manifestName === "string") names.set(manifestName, path.dirname(file));
      } catch {
        // A package.json that does not parse is not ours to judge here.
      }
    }
  }
  return names;
}

function wordForms(name) {
  const words = name.split("-");
  const snake = words.join("_");
  const capitalised = words.map((word) => word[0].toUpperCase() + word.slice(1));
  return {
    kebab: name,
    snake,
    upper: snake.toUpperCase(),
    pascal: capitalised.join(""),
    camel: words[0] + capitalised.slice(1).join(""),
    title: capitalised.join(" "),
  };
}

/** The singular a plural-looking name suggests: `invoices` → `invoice`, else `<name>-item`. */
export function defaultSingular(name) {
  const stripped = name.endsWith("s") ? name.slice(0, -1) : "";
  return NAME_PATTERN.test(stripped) && !stripped.endsWith("-") ? stripped : `${name}-item`;
}

/** The forms of the plugin's name ("notes") and of its singular ("note"). */
export function nameForms(name, singular = defaultSingular(name)) {
  return { ...wordForms(name), one: wordForms(singular) };
}

/**
 * The example's words: `NOTES` (env namespace), `Notes`/`Note` inside identifiers
 * (`NotesStore`, `toNoteView`, but not `Notebook`), `notes`/`note` as whole words or
 * identifier heads (`notes:read`, `noteCount`, `note-entity`, but not `annotate`).
 */
const WORD =
  /(?<![A-Za-z0-9])NOTES(?![A-Z0-9])|Notes?(?![a-z])|(?<![A-Za-z0-9])notes?(?![a-z0-9])/g;

/**
 * @param {boolean} inCode  In code every "note" is renamed; in sentences (comments,
 *   texts with a space in them) only where it is part of a compound name
 *   (`note-created`, `noteTitle`, `NoteView`): "a note" stays a note.
 */
function replaceWord(forms, inCode) {
  return (match, offset, whole) => {
    const before = whole[offset - 1] ?? "";
    const after = whole[offset + match.length] ?? "";
    if (match === "NOTES") return forms.upper;
    if (match === "Notes") return forms.pascal;
    if (match === "notes") {
      // Quoted identifiers (table names, OpenAPI tags) cannot take a dash comfortably.
      if (before === '"' && after === '"') return forms.snake;
      return before === "_" || after === "_" ? forms.snake : forms.kebab;
    }
    const compound = /[A-Za-z_-]/.test(before) || /[A-Z_-]/.test(after);
    if (!inCode && !compound) return match;
    if (match === "Note") return forms.one.pascal;
    // A lone "note": a file name or tag part, a quoted or snake identifier, or code.
    if (before === '"' && after === '"') return forms.one.snake;
    if (before === "_" || after === "_") return forms.one.snake;
    if (before === "-" || before === "/" || after === "-") return forms.one.kebab;
    return forms.one.camel;
  };
}

/**
 * Rewrites the example's "notes" (and "note") in source text. A small scanner tells
 * code from sentences: comments, and string or template texts with a space in them,
 * are sentences; a template's `${…}` is code again.
 */
export function rewriteText(text, forms) {
  const code = (part) =>
    part
      .replaceAll(TEMPLATE_PACKAGE, forms.packageName ?? `@roa2web/plugin-${forms.kebab}`)
      .replace(WORD, replaceWord(forms, true));
  const prose = (part) => part.replace(WORD, replaceWord(forms, false));
  const literal = (part) => (/\s/.test(part) ? prose(part) : code(part));

  /** Code from `start`, up to the `}` that closes a template's `${` when `inTemplate`. */
  function scanCode(start, inTemplate) {
    let output = "";
    let index = start;
    let from = start;
    let depth = 0;
    const take = (end, rewrite) => {
      output += code(text.slice(from, index)) + rewrite(text.slice(index, end));
      index = end;
      from = end;
    };
    while (index < text.length) {
      const char = text[index];
      const next = text[index + 1];
      if (char === "/" && next === "*") {
        const close = text.indexOf("*/", index + 2);
        take(close < 0 ? text.length : close + 2, prose);
      } else if (char === "/" && next === "/") {
        const close = text.indexOf("\n", index);
        take(close < 0 ? text.length : close, prose);
      } else if (char === '"' || char === "'") {
        let end = index + 1;
        while (end < text.length && text[end] !== char && text[end] !== "\n") {
          end += text[end] === "\\" ? 2 : 1;
        }
        take(Math.min(end + 1, text.length), literal);
      } else if (char === "`") {
        output += code(text.slice(from, index));
        const [template, end] = scanTemplate(index);
        output += template;
        index = end;
        from = end;
      } else {
        if (inTemplate && char === "{") depth++;
        if (inTemplate && char === "}") {
          if (depth === 0) break;
          depth--;
        }
        index++;
      }
    }
    output += code(text.slice(from, index));
    return [output, index];
  }

  /** A template literal from its opening backtick: rewritten, and where it ends. */
  function scanTemplate(start) {
    let output = "`";
    let index = start + 1;
    let from = index;
    while (index < text.length) {
      const char = text[index];
      if (char === "\\") {
        index += 2;
      } else if (char === "`") {
        return [`${output}${literal(text.slice(from, index))}\``, index + 1];
      } else if (char === "$" && text[index + 1] === "{") {
        output += `${literal(text.slice(from, index))}\${`;
        const [inner, end] = scanCode(index + 2, true);
        output += `${inner}}`;
        index = end + 1;
        from = index;
      } else index++;
    }
    return [output + literal(text.slice(from)), text.length];
  }

  return scanCode(0, false)[0];
}

function rewritePath(relative, forms) {
  return relative
    .split(path.sep)
    .map((part) =>
      part
        .replace(/(?<![A-Za-z0-9])notes(?![a-z0-9])/g, forms.kebab)
        .replace(/(?<![A-Za-z0-9])note(?![a-z0-9])/g, forms.one.kebab),
    )
    .join(path.sep);
}

function isInside(parent, child) {
  const relative = path.relative(parent, child);
  return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative);
}

/** A relative module specifier from one folder to a file, always with forward slashes. */
function specifier(fromDir, toFile) {
  const relative = path.relative(fromDir, toFile).split(path.sep).join("/");
  return relative.startsWith(".") ? relative : `./${relative}`;
}

/**
 * The versions a standalone package depends on: the published `@roa2web/*` packages
 * and the toolchain. In a checkout they are read from it; the published package
 * carries them in template/versions.json, written when it was built.
 */
export function publishedVersions() {
  if (!IN_CHECKOUT) {
    return JSON.parse(readFileSync(path.join(PACKAGE_DIR, "template", "versions.json"), "utf8"));
  }
  const read = (folder) =>
    JSON.parse(readFileSync(path.join(REPO_ROOT, folder, "package.json"), "utf8"));
  const root = read(".");
  const kernel = read("kernel/core");
  const toolchain = {};
  for (const name of ["@types/node", "fastify", "tsup", "typescript", "vitest"]) {
    const range = root.devDependencies?.[name] ?? kernel.dependencies?.[name];
    if (range) toolchain[name] = range;
  }
  return {
    packages: {
      "@roa2web/plugin-sdk": `^${read("kernel/plugin-sdk").version}`,
      "@roa2web/kernel": `^${kernel.version}`,
      "@roa2web/ui-shell": `^${read("ui-shell").version}`,
    },
    toolchain,
  };
}

function rewritePackageJson(text, forms, inWorkspace) {
  const pkg = JSON.parse(text);
  const manifest = pkg.roa2web;
  pkg.name = forms.packageName;
  pkg.version = "0.1.0";
  pkg.description = `The ${forms.kebab} plugin for roa2web.`;
  manifest.name = forms.kebab;
  manifest.displayName = forms.title;
  manifest.description = `${forms.title}: describe what this plugin does.`;
  manifest.prefix = `/api/${forms.kebab}`;
  manifest.permissions = {
    [`${forms.kebab}:read`]: `Read ${forms.title}`,
    [`${forms.kebab}:write`]: `Change ${forms.title}`,
  };
  manifest.ui = {
    ...manifest.ui,
    tag: `${forms.kebab}-app`,
    module: `dist/ui/${forms.kebab}-app.js`,
  };
  manifest.ui.titles = { ro: forms.title, en: forms.title };
  // Service and event ids start with the plugin's name (the kernel refuses others).
  for (const key of ["provides", "consumes"]) {
    if (manifest[key]) {
      manifest[key] = Object.fromEntries(
        Object.entries(manifest[key]).map(([id, version]) => [rewriteText(id, forms), version]),
      );
    }
  }
  for (const key of ["emits", "subscribes"]) {
    if (manifest[key]) manifest[key] = manifest[key].map((id) => rewriteText(id, forms));
  }
  if (inWorkspace) return `${JSON.stringify(pkg, null, 2)}\n`;

  // Standalone: registry ranges of the published packages, its own toolchain, scripts
  // that work where it lives, and no `private` (it is packed and shipped).
  const { packages, toolchain } = publishedVersions();
  delete pkg.private;
  const fromRegistry = (deps) =>
    Object.fromEntries(
      Object.entries(deps ?? {}).map(([name, range]) => [
        name,
        String(range).startsWith("workspace:") ? packages[name] : range,
      ]),
    );
  const missing = [
    ...Object.entries(pkg.dependencies ?? {}),
    ...Object.entries(pkg.devDependencies ?? {}),
  ]
    .filter(([name, range]) => String(range).startsWith("workspace:") && !packages[name])
    .map(([name]) => name);
  if (missing.length > 0) {
    throw new ScaffoldError(`No published version is known for ${missing.join(", ")}.`);
  }
  pkg.dependencies = fromRegistry(pkg.dependencies);
  pkg.devDependencies = sortKeys({ ...toolchain, ...fromRegistry(pkg.devDependencies) });
  pkg.scripts = {
    build: pkg.scripts.build,
    typecheck: "tsc --noEmit",
    // The API test boots a real kernel on the BUILT plugin (dist/).
    test: "pnpm run build && vitest run",
  };
  // The test kit's kernel stores in SQLite (better-sqlite3, a native module whose
  // install script pnpm runs only when allowed); esbuild is tsup's and vite's.
  pkg.pnpm = { onlyBuiltDependencies: ["better-sqlite3", "esbuild"] };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

function sortKeys(object) {
  return Object.fromEntries(Object.entries(object).sort(([a], [b]) => a.localeCompare(b)));
}

/** The workspace's base compiler options (or, published, the copy the template carries). */
function baseCompilerOptions() {
  const file = IN_CHECKOUT
    ? path.join(REPO_ROOT, "tsconfig.base.json")
    : path.join(PACKAGE_DIR, "template", "tsconfig.base.json");
  return JSON.parse(readFileSync(file, "utf8")).compilerOptions;
}

function rewriteTsconfig(text, target, inWorkspace) {
  if (inWorkspace) {
    // Keep the file (and its comments) as it is; only the way to the base changes.
    const base = path.join(REPO_ROOT, "tsconfig.base.json");
    return text.replace(/"extends":\s*"[^"]*"/, `"extends": "${specifier(target, base)}"`);
  }
  // A standalone package carries the compiler options itself. It type-checks only
  // (tsup builds the JavaScript): declarations would have to name types from the
  // SDK's and TypeORM's folders inside node_modules, which tsc refuses (TS2742).
  const tsconfig = JSON.parse(text.replace(/^\s*\/\/.*$/gm, ""));
  delete tsconfig.extends;
  tsconfig.compilerOptions = {
    ...baseCompilerOptions(),
    ...tsconfig.compilerOptions,
    declaration: false,
    noEmit: true,
  };
  return `${JSON.stringify(tsconfig, null, 2)}\n`;
}

/** vitest's defaults are for unit tests: the API test boots a kernel in a fork. */
const STANDALONE_VITEST_CONFIG = `import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Native SQLite handles and real HTTP servers: forks isolate them best.
    pool: "forks",
  },
});
`;

function workspaceReadme(forms, target) {
  const where = path.relative(REPO_ROOT, target);
  return `# ${forms.packageName}

Scaffolded from the notes example (\`plugins/examples/notes\`). The guide is
\`docs/plugin-authoring.md\` in the roa2web repository.

\`\`\`sh
npx -y pnpm@10.34.9 install                                    # link the new package
npx -y pnpm@10.34.9 --filter ${forms.packageName} run build    # tsup, then vite (web UI) → dist/
MODULE_${forms.upper}_ENABLED=true npx -y pnpm@10.34.9 start   # serve it under /api/${forms.kebab}
                                                               # and its web UI at /${forms.kebab}
npx vitest run ${where}                                        # its tests
\`\`\`
`;
}

function standaloneReadme(forms) {
  return `# ${forms.packageName}

A roa2web plugin, scaffolded from the notes example by \`@roa2web/create-plugin\`.
The guide is \`docs/plugin-authoring.md\` in the roa2web repository ("Outside the
repository").

\`\`\`sh
pnpm install     # the published @roa2web packages and the toolchain
pnpm typecheck   # tsc --noEmit
pnpm test        # builds, then runs src/**/*.test.ts; the API test boots a real
                 # kernel on the built plugin (@roa2web/kernel/testing)
pnpm build       # tsup (server half) and vite (web UI) → dist/
pnpm pack        # → the package a roa2web server installs
\`\`\`

| where                        | what                                                            |
| ---------------------------- | --------------------------------------------------------------- |
| \`package.json\` → \`roa2web\`   | the manifest: name, prefix \`/api/${forms.kebab}\`, permissions, services, events, UI |
| \`src/plugin.ts\`              | \`definePlugin\`: database, routes, \`start\`, \`health\`            |
| \`src/routes/\`                | the HTTP routes                                                 |
| \`src/ui/\`                    | the web UI (\`<${forms.kebab}-app>\`), built by Vite               |
| \`src/*.test.ts\`              | unit tests and the API test against a real kernel               |
`;
}

function copyTree(source, target, forms, context) {
  mkdirSync(target, { recursive: true });
  for (const entry of readdirSync(source, { withFileTypes: true })) {
    if (SKIPPED.has(entry.name) || entry.name.endsWith(".tsbuildinfo")) continue;
    const from = path.join(source, entry.name);
    const to = path.join(target, rewritePath(entry.name, forms));
    if (entry.isDirectory()) {
      copyTree(from, to, forms, context);
      continue;
    }
    if (!TEXT_EXTENSIONS.has(path.extname(entry.name))) {
      copyFileSync(from, to);
      continue;
    }
    const text = readFileSync(from, "utf8");
    const relative = path.relative(TEMPLATE_DIR, from);
    let output;
    if (relative === "package.json") output = rewritePackageJson(text, forms, context.inWorkspace);
    else if (relative === "tsconfig.json") {
      output = rewriteTsconfig(text, context.root, context.inWorkspace);
    } else output = rewriteText(text, forms);
    writeFileSync(to, output);
  }
}

/**
 * @param {string} name
 * @param {string} [targetDir]
 * @param {{ singular?: string; cwd?: string }} [options]
 */
export function createPlugin(name, targetDir, options = {}) {
  validateName(name);
  const singular = options.singular ?? defaultSingular(name);
  validateName(singular, "the singular");
  if (singular === name) {
    throw new ScaffoldError(
      `The singular must differ from the name "${name}" (a list and one item get different identifiers).`,
    );
  }
  // `pnpm create-plugin` runs in the workspace root; INIT_CWD is where it was typed.
  const cwd = options.cwd ?? process.env.INIT_CWD ?? process.cwd();
  const defaultTarget = IN_CHECKOUT ? path.join(REPO_ROOT, "plugins", name) : path.join(cwd, name);
  const target = path.resolve(cwd, targetDir ?? defaultTarget);
  if (existsSync(target)) {
    throw new ScaffoldError(`${target} already exists: choose another name or target folder.`);
  }
  const taken = workspacePluginNames().get(name);
  if (taken) {
    throw new ScaffoldError(`A plugin named "${name}" already exists in ${taken}.`);
  }
  if (!existsSync(path.join(TEMPLATE_DIR, "package.json"))) {
    throw new ScaffoldError(
      `The template is missing (${TEMPLATE_DIR}): this copy of create-plugin was not built.`,
    );
  }
  // pnpm-workspace.yaml lists plugins/* and plugins/examples/*.
  const parent = path.dirname(target);
  const inWorkspace =
    IN_CHECKOUT &&
    (parent === path.join(REPO_ROOT, "plugins") || parent === path.dirname(WORKSPACE_TEMPLATE));
  const forms = {
    ...nameForms(name, singular),
    packageName: inWorkspace ? `@roa2web/plugin-${name}` : `roa2web-plugin-${name}`,
  };
  copyTree(TEMPLATE_DIR, target, forms, { root: target, inWorkspace });
  if (inWorkspace) {
    writeFileSync(path.join(target, "README.md"), workspaceReadme(forms, target));
  } else {
    writeFileSync(path.join(target, "README.md"), standaloneReadme(forms));
    writeFileSync(path.join(target, "vitest.config.ts"), STANDALONE_VITEST_CONFIG);
    writeFileSync(path.join(target, ".gitignore"), "node_modules/\ndist/\n*.tgz\n");
  }
  return { target, forms, inWorkspace };
}

/** `<name> [target-dir] [--singular <word>]`, or a ScaffoldError. */
function parseArguments(argv) {
  const positional = [];
  let singular;
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    if (argument === "--singular") {
      singular = argv[++index];
      if (singular === undefined) throw new ScaffoldError(`--singular needs a word. ${USAGE}`);
    } else if (argument.startsWith("--singular=")) {
      singular = argument.slice("--singular=".length);
    } else if (argument.startsWith("-")) {
      throw new ScaffoldError(`Unknown option ${argument}. ${USAGE}`);
    } else positional.push(argument);
  }
  if (positional.length > 2) throw new ScaffoldError(`Too many arguments. ${USAGE}`);
  return { name: positional[0], targetDir: positional[1], singular };
}

function nextSteps({ target, forms, inWorkspace }) {
  const shown =
    IN_CHECKOUT && isInside(REPO_ROOT, target) ? path.relative(REPO_ROOT, target) : target;
  const lines = [`Created ${forms.packageName} in ${shown}`, "", "Next:"];
  if (inWorkspace) {
    lines.push(
      "  npx -y pnpm@10.34.9 install",
      `  npx -y pnpm@10.34.9 --filter ${forms.packageName} run build`,
      `  MODULE_${forms.upper}_ENABLED=true npx -y pnpm@10.34.9 start`,
      `  then open http://localhost:8000/${forms.kebab} (demo / demo)`,
    );
  } else {
    lines.push(
      `  cd ${path.relative(process.env.INIT_CWD ?? process.cwd(), target) || "."}`,
      "  pnpm install",
      "  pnpm typecheck",
      "  pnpm test      (builds, then tests it against a real kernel)",
      "  pnpm build",
      "  pnpm pack",
    );
  }
  lines.push("");
  return lines.join("\n");
}

function main(argv) {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    const { name, targetDir, singular } = parseArguments(argv);
    process.stdout.write(nextSteps(createPlugin(name, targetDir, { singular })));
    return 0;
  } catch (error) {
    if (error instanceof ScaffoldError) {
      process.stderr.write(`create-plugin: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

// npx runs it through a symlink in node_modules/.bin.
if (
  process.argv[1] &&
  realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))
) {
  process.exitCode = main(process.argv.slice(2));
}
