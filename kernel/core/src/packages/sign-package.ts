/** Signs (or re-signs) an existing package: checks it first, then rewrites it with a signature. */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { writeArchive } from "./archive.js";
import { INDEX_FILE, type PackageSignature, SIGNATURE_FILE } from "./format.js";
import { parseSigningKey, signBytes } from "./keys.js";
import { openPackage } from "./open-package.js";

export async function signPackage(file: string, privateKeyPem: string): Promise<{ keyId: string }> {
  const key = parseSigningKey(privateKeyPem);
  // Only a whole, unchanged package is signed: the hashes are checked as an installer would.
  const opened = await openPackage(file, { trustedKeys: [], requireSignature: false });
  try {
    const root = opened.manifest.root;
    const index = await readFile(path.join(root, INDEX_FILE));
    const signature: PackageSignature = {
      algorithm: "ed25519",
      keyId: key.keyId,
      signature: signBytes(index, key),
    };
    await writeFile(path.join(root, SIGNATURE_FILE), `${JSON.stringify(signature, null, 2)}\n`);
    await writeArchive(path.dirname(root), Object.keys(opened.index.files), true, file);
    return { keyId: key.keyId };
  } finally {
    await opened.dispose();
  }
}
