/**
 * ed25519 keys for signing plugin packages, with node's crypto (no dependency, no network).
 * Public keys travel as text, `ed25519:<base64 of the raw 32-byte key>`, so an operator
 * can paste one into PLUGIN_TRUSTED_KEYS; a key id is the first 16 hex characters of the
 * SHA-256 of the raw key.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from "node:crypto";
import { PackageError } from "./errors.js";

export interface PackageKeyPair {
  /** `ed25519:<base64>`: give it to the servers that should trust this key. */
  publicKey: string;
  /** PKCS#8 PEM: keep it off the servers, readable only by the publisher. */
  privateKeyPem: string;
  keyId: string;
}

export interface TrustedKey {
  keyId: string;
  publicKey: KeyObject;
  /** The key as given: `ed25519:<base64>`. */
  text: string;
}

/** The DER prefix of an ed25519 SubjectPublicKeyInfo; the raw 32-byte key follows it. */
const ED25519_SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

function rawPublicKey(key: KeyObject): Buffer {
  const der = key.export({ format: "der", type: "spki" });
  return der.subarray(der.length - 32);
}

function keyIdOf(raw: Buffer): string {
  return createHash("sha256").update(raw).digest("hex").slice(0, 16);
}

function publicKeyText(raw: Buffer): string {
  return `ed25519:${raw.toString("base64")}`;
}

export function generatePackageKeyPair(): PackageKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const raw = rawPublicKey(publicKey);
  return {
    publicKey: publicKeyText(raw),
    privateKeyPem: privateKey.export({ format: "pem", type: "pkcs8" }).toString(),
    keyId: keyIdOf(raw),
  };
}

/** `ed25519:<base64>` → a key to verify with; a PACKAGE_BAD_KEY error on anything else. */
export function parseTrustedKey(text: string): TrustedKey {
  const trimmed = text.trim();
  const encoded = /^ed25519:([A-Za-z0-9+/]+={0,2})$/.exec(trimmed)?.[1];
  const raw = encoded === undefined ? undefined : Buffer.from(encoded, "base64");
  // Canonical base64 only: one text per key, so a key id is never ambiguous.
  if (raw?.length !== 32 || raw.toString("base64") !== encoded) {
    throw new PackageError(
      "PACKAGE_BAD_KEY",
      `"${trimmed.slice(0, 60)}" is not a public key: write it as ed25519:<base64 of 32 bytes>, as "roa2web plugin keygen" prints it`,
    );
  }
  const publicKey = createPublicKey({
    key: Buffer.concat([ED25519_SPKI_PREFIX, raw]),
    format: "der",
    type: "spki",
  });
  return { keyId: keyIdOf(raw), publicKey, text: publicKeyText(raw) };
}

export interface SigningKey {
  keyId: string;
  publicKey: string;
  privateKey: KeyObject;
}

/** A PKCS#8 PEM private key → the key and its id; PACKAGE_BAD_KEY if it is not ed25519. */
export function parseSigningKey(privateKeyPem: string): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: privateKeyPem, format: "pem" });
  } catch (error) {
    throw new PackageError(
      "PACKAGE_BAD_KEY",
      `the private key cannot be read (${(error as Error).message}): give the PEM file "roa2web plugin keygen" wrote`,
    );
  }
  if (privateKey.asymmetricKeyType !== "ed25519") {
    throw new PackageError(
      "PACKAGE_BAD_KEY",
      `the private key is ${privateKey.asymmetricKeyType ?? "unknown"}, not ed25519: make one with "roa2web plugin keygen"`,
    );
  }
  const raw = rawPublicKey(createPublicKey(privateKey));
  return { keyId: keyIdOf(raw), publicKey: publicKeyText(raw), privateKey };
}

export function signBytes(bytes: Buffer, key: SigningKey): string {
  return sign(null, bytes, key.privateKey).toString("base64");
}

export function verifyBytes(bytes: Buffer, signature: Buffer, key: TrustedKey): boolean {
  try {
    return verify(null, bytes, key.publicKey, signature);
  } catch {
    return false;
  }
}
