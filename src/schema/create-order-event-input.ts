import { builder } from "./builder.js";

export const CreateOrderEventInput = builder.inputType("CreateOrderEventInput", {
  fields: (t) => ({
    type: t.string({ required: true, description: "Keep it the same for the same kind of event." }),
    label: t.string(),
    linkBackUrl: t.string(),
    properties: t.field({ type: "JSON" }),
    timestamp: t.int({ description: "Unix seconds when it happened; default now." }),
  }),
});
