import type { UserError } from "../domain/user-error.js";
import type { ImportResult } from "../services/imports.js";
import { builder } from "./builder.js";
import { ImportResultRef } from "./import-result.js";
import { UserErrorRef } from "./user-error.js";

export type ImportOrdersPayloadShape = { results: ImportResult[]; errors: UserError[] };

export const ImportOrdersPayload = builder.objectRef<ImportOrdersPayloadShape>("ImportOrdersPayload");

ImportOrdersPayload.implement({
  fields: (t) => ({
    results: t.expose("results", { type: [ImportResultRef], description: "One per payload, in order." }),
    errors: t.expose("errors", { type: [UserErrorRef], description: "Why the import as a whole was refused." }),
  }),
});
