/**
 * JSON request bodies, parsed as Fastify does (secure-json-parse: `__proto__` and
 * `constructor.prototype` keys refused) but from the raw bytes, so a body that is not
 * valid UTF-8 is refused with a 400. Fastify's own parser decodes the stream as UTF-8
 * and turns every invalid byte into U+FFFD: a name sent in Latin-2 by an old client
 * would be stored with replacement characters instead of being sent back to be fixed.
 *
 * Fastify's `text/plain` parser is removed: a route that takes JSON would otherwise get
 * the text as a string and answer "body must be object" (a 400 that blames the body,
 * not the header). Any type no parser takes is a 415 in the kernel's error shape.
 */
import { isUtf8 } from "node:buffer";
import { BadRequestError } from "@roa2web/plugin-sdk";
import type { FastifyInstance } from "fastify";

export function installStrictJsonParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser(["application/json", "text/plain"]);
  app.addContentTypeParser(
    "application/json",
    { parseAs: "buffer" },
    (request, body: Buffer, done) => {
      if (!isUtf8(body)) {
        done(
          new BadRequestError("The request body is not valid UTF-8 (send JSON encoded as UTF-8)", {
            details: { reason: "invalid_utf8" },
          }),
          undefined,
        );
        return;
      }
      parseJson(request, body.toString("utf8"), done);
    },
  );
}
