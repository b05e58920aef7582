import type { ImportResult } from "../services/imports.js";
import { builder } from "./builder.js";
import { OrderRef } from "./order.js";
import { UserErrorRef } from "./user-error.js";

export const ImportOutcomeEnum = builder.enumType("ImportOutcome", {
  values: ["CREATED", "UPDATED", "UNCHANGED", "ERROR"] as const,
});

export const ImportResultRef = builder.objectRef<ImportResult>("ImportResult");

ImportResultRef.implement({
  description: "What became of one payload of an import.",
  fields: (t) => ({
    index: t.exposeInt("index", { description: "The payload's position in the request, from 0." }),
    outcome: t.expose("outcome", { type: ImportOutcomeEnum }),
    order: t.expose("order", { type: OrderRef, nullable: true }),
    errors: t.expose("errors", { type: [UserErrorRef] }),
  }),
});
