import { builder } from "./builder.js";
import { ScanEventInput } from "./scan-event-input.js";

export const ShipmentInput = builder.inputType("ShipmentInput", {
  fields: (t) => ({
    carrier: t.string({ required: true }),
    trackingCode: t.string({ required: true, description: "Unique per carrier within the workspace." }),
    carrierService: t.string(),
    trackingUrl: t.string(),
    isReturn: t.boolean(),
    scanEvents: t.field({ type: [ScanEventInput] }),
  }),
});
