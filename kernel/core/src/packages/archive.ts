/** Writes a staged `package/` folder as a package archive: gzip'd tar, plain files only, index first. */
import { rename, rm } from "node:fs/promises";
import path from "node:path";
import { create } from "tar";
import { INDEX_FILE, PACKAGE_ROOT, SIGNATURE_FILE } from "./format.js";

/**
 * `stagingDir` holds `package/`; `files` are paths under it (the index and signature are
 * added first). Written beside `target` and renamed over it: a reader never sees half a file.
 */
export async function writeArchive(
  stagingDir: string,
  files: readonly string[],
  signed: boolean,
  target: string,
): Promise<void> {
  const entries = [
    `${PACKAGE_ROOT}/${INDEX_FILE}`,
    ...(signed ? [`${PACKAGE_ROOT}/${SIGNATURE_FILE}`] : []),
    ...[...files].sort().map((file) => `${PACKAGE_ROOT}/${file}`),
  ];
  const partial = path.join(
    path.dirname(target),
    `.${path.basename(target)}.${process.pid}.partial`,
  );
  try {
    await create(
      { gzip: true, file: partial, cwd: stagingDir, portable: true, noDirRecurse: true },
      entries,
    );
    await rename(partial, target);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}
