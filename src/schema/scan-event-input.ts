import { AddressInput } from "./address-input.js";
import { builder } from "./builder.js";
import { ShipmentStatusEnum } from "./enums.js";

export const ScanEventInput = builder.inputType("ScanEventInput", {
  fields: (t) => ({
    scannedAt: t.field({ type: "DateTime", required: true }),
    status: t.field({ type: ShipmentStatusEnum, required: true }),
    statusDetail: t.string(),
    carrierCode: t.string(),
    description: t.string(),
    message: t.string(),
    location: t.field({ type: AddressInput }),
  }),
});
