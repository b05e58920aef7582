import { AddressInput } from "./address-input.js";
import { builder } from "./builder.js";
import { WeightUnitEnum } from "./enums.js";
import { ScanEventInput } from "./scan-event-input.js";

export const ShipmentInput = builder.inputType("ShipmentInput", {
  fields: (t) => ({
    carrier: t.string({ required: true }),
    trackingCode: t.string({ required: true, description: "Unique per carrier within the workspace." }),
    carrierService: t.string(),
    trackingUrl: t.string(),
    isReturn: t.boolean(),
    estimatedDeliveryAt: t.field({ type: "DateTime" }),
    signedBy: t.string(),
    weight: t.string({ description: 'Decimal as a string ("12.5"); weightUnit is required with it.' }),
    weightUnit: t.field({ type: WeightUnitEnum }),
    origin: t.field({ type: AddressInput }),
    destination: t.field({ type: AddressInput }),
    scanEvents: t.field({ type: [ScanEventInput] }),
  }),
});
