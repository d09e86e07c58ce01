/**
 * `/api/kernel/plugins/packages` and `/api/kernel/plugins/:name/package`: administrators
 * (`kernel:admin`) upload a plugin package to install or upgrade it, list what is
 * installed, and remove a package (ADR 0024). The work is the installer's
 * (plugins/package-installer.ts); these routes read the upload and shape the answers.
 */
import multipart from "@fastify/multipart";
import {
  BadRequestError,
  formField,
  type MultipartBodySchema,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  uploadsOf,
} from "@roa2web/plugin-sdk";
import type { FastifyInstance } from "fastify";
import type { KernelCradle } from "../../kernel-cradle.js";
import type { InstalledPackage } from "../../plugins/package-store.js";
import { Switchboard } from "../switchboard.js";
import {
  ADMIN_PERMISSION,
  packagesByPlugin,
  pluginView,
  problemsByPlugin,
  view,
} from "./plugin-admin-routes.js";
import { errorsAnswered } from "./schemas.js";

const uploadForm: MultipartBodySchema = {
  description:
    "A package made by `roa2web plugin pack` (`<name>-<version>.roa2web.tgz`). Send `force` before `file`.",
  required: ["file"],
  properties: {
    force: {
      type: "boolean",
      description: "`true` to install a version older than the installed one (a downgrade)",
    },
    file: { type: "string", format: "binary", description: "The package archive" },
  },
};

const installedView = {
  type: "object",
  properties: {
    name: { type: "string" },
    version: { type: "string" },
    status: {
      type: "string",
      enum: ["active", "previous", "failed"],
      description:
        "`active` serves; `previous` is kept for a rollback; `failed` did not activate (see `failure`)",
    },
    sha256: { type: "string" },
    signer_key_id: { type: "string", nullable: true },
    trusted: { type: "boolean" },
    failure: { type: "string", nullable: true },
    installed_by: { type: "string", nullable: true },
    installed_at: { type: "string", format: "date-time" },
  },
} as const;

function installedRow(row: InstalledPackage) {
  return {
    name: row.name,
    version: row.version,
    status: row.status,
    sha256: row.sha256,
    signer_key_id: row.signerKeyId ?? null,
    trusted: row.trusted,
    failure: row.failure ?? null,
    installed_by: row.installedBy ?? null,
    installed_at: row.installedAt,
  };
}

const nameParams = {
  type: "object",
  required: ["name"],
  properties: { name: { type: "string", pattern: "^[a-z0-9-]{1,60}$" } },
} as const;

export async function pluginPackageRoutes(
  app: FastifyInstance,
  kernel: KernelCradle,
): Promise<void> {
  app.get(
    "/api/kernel/plugins/packages",
    {
      config: { access: ADMIN_PERMISSION },
      schema: {
        tags: ["kernel"],
        summary:
          "Installed plugin packages: every version kept, which one is active, who installed it and what signed it",
        response: {
          200: { type: "object", properties: { items: { type: "array", items: installedView } } },
        },
      },
    },
    async () => ({ items: (await kernel.packages.list()).map(installedRow) }),
  );

  app.delete<{ Params: { name: string }; Querystring: { purge?: boolean } }>(
    "/api/kernel/plugins/:name/package",
    {
      config: { access: ADMIN_PERMISSION },
      schema: {
        tags: ["kernel"],
        summary:
          "Remove an installed plugin package: it stops, its routes, UI and services go; its data stays unless purge=true",
        params: nameParams,
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            purge: {
              type: "boolean",
              description:
                "Also delete its data (its database and files under DATA_DIR/plugins/<name>)",
            },
          },
        },
        response: {
          200: {
            type: "object",
            properties: {
              name: { type: "string" },
              versions: { type: "array", items: { type: "string" } },
              purged: { type: "boolean" },
            },
          },
          ...errorsAnswered(409),
        },
      },
    },
    async (request) => {
      Switchboard.excludeFromDrain(request.raw);
      return kernel.packages.uninstall(request.params.name, {
        purge: request.query.purge === true,
        by: request.user?.username,
      });
    },
  );

  // The upload needs a multipart parser, and only this route: its own context. The
  // archive's size is capped by the parser's file limit (PLUGIN_PACKAGE_MAX_BYTES);
  // Fastify's body limit applies only to bodies it reads itself (JSON).
  await app.register(async (scope) => {
    await scope.register(multipart, {
      limits: {
        fileSize: kernel.settings.plugins.maxPackageBytes,
        files: 1,
        fields: 5,
        parts: 6,
      },
    });
    scope.post(
      "/api/kernel/plugins/packages",
      {
        config: { access: ADMIN_PERMISSION },
        schema: {
          tags: ["kernel"],
          summary:
            "Install or upgrade a plugin package while the server runs: verified, unpacked, started, then switched in",
          description:
            "Refused with a 4xx before anything runs when the archive is damaged, unsigned or untrusted in production, built for another kernel, named like a workspace plugin, already installed (409), or older than the installed version (409 unless force). A package that fails to start leaves the version before serving (422 with the step).",
          multipartBody: uploadForm,
          response: {
            200: {
              type: "object",
              properties: {
                kind: { type: "string", enum: ["install", "upgrade", "downgrade", "rollback"] },
                name: { type: "string" },
                version: { type: "string" },
                previous_version: { type: "string", nullable: true },
                new_permissions: {
                  type: "object",
                  additionalProperties: { type: "string" },
                  description:
                    "Permissions this version adds: granted to nobody until an administrator does",
                },
                warnings: { type: "array", items: { type: "string" } },
                signature: {
                  type: "object",
                  nullable: true,
                  properties: { key_id: { type: "string" }, trusted: { type: "boolean" } },
                },
                sha256: { type: "string" },
                plugin: pluginView,
              },
            },
            ...errorsAnswered(403, 409, 413, 422),
          },
        },
      },
      async (request) => {
        Switchboard.excludeFromDrain(request.raw);
        const uploads = uploadsOf(request);
        if (!uploads.isMultipart())
          throw new UnsupportedMediaTypeError(
            "Send the package as multipart/form-data, the archive in the field `file`",
          );
        const file = await uploads.file();
        if (file?.fieldname !== "file")
          throw new BadRequestError("Send the package archive in the form field `file`", {
            details: { field: "file", location: "body" },
          });
        const force = formField(file.fields, "force");
        if (force !== undefined && force !== "true" && force !== "false")
          throw new BadRequestError("body.force must be true or false", {
            details: { field: "force", location: "body" },
          });
        const archive = await toBuffer(file.file);
        const result = await kernel.packages.install(archive, {
          force: force === "true",
          by: request.user?.username,
        });
        return {
          kind: result.kind,
          name: result.name,
          version: result.version,
          previous_version: result.previousVersion ?? null,
          new_permissions: result.newPermissions,
          warnings: result.warnings,
          signature: result.signature
            ? { key_id: result.signature.keyId, trusted: result.signature.trusted }
            : null,
          sha256: result.sha256,
          plugin:
            result.reported ??
            (result.plugin &&
              view(result.plugin, true, problemsByPlugin(kernel), await packagesByPlugin(kernel))),
        };
      },
    );
  });
}

/** The file's bytes; a part over the size limit rejects with the parser's 413. */
async function toBuffer(stream: NodeJS.ReadableStream & { truncated?: boolean }): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  if (stream.truncated)
    throw new PayloadTooLargeError(
      "The package is larger than this server takes (PLUGIN_PACKAGE_MAX_BYTES)",
    );
  return Buffer.concat(chunks);
}
