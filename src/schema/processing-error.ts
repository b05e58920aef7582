import { builder } from "./builder.js";

export type ProcessingErrorShape = {
  code: string | null;
  message: string;
  type: string | null;
  retriable: boolean;
  lineItemSkus: string[];
};

export const ProcessingErrorRef = builder.objectRef<ProcessingErrorShape>("ProcessingError");

ProcessingErrorRef.implement({
  description: "Why the fulfillment network could not process the order (Flexport's order error).",
  fields: (t) => ({
    code: t.exposeString("code", { nullable: true }),
    message: t.exposeString("message"),
    type: t.exposeString("type", { nullable: true }),
    retriable: t.exposeBoolean("retriable", { description: "Whether retryOrder may be called." }),
    lineItemSkus: t.exposeStringList("lineItemSkus", {
      description: "The SKUs of the line items the error is about (Flexport lineItemErrors).",
    }),
  }),
});
