/** Argon2id password hashing (OWASP's first choice), through prebuilt N-API binaries. */
import { hash, verify } from "@node-rs/argon2";

// OWASP minimum for argon2id: 19 MiB, 2 iterations, 1 lane.
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/** Spends the same time as a real check, so unknown user names cannot be told apart by timing. */
export async function spendPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword("roa2web-timing-equaliser");
  await verifyPassword(await dummyHash, password);
}
