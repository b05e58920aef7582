// The fields CreateOrderInput and UpdateOrderInput share (all of them but
// source and externalId, which only creation takes).
import type { InputFieldBuilder } from "@pothos/core";
import { AddressInput } from "./address-input.js";
import type { builder } from "./builder.js";
import { CustomerInput } from "./customer-input.js";
import { OrderTypeEnum } from "./enums.js";
import { LineItemInput } from "./line-item-input.js";
import { ShipmentInput } from "./shipment-input.js";

type Types = typeof builder.$inferSchemaTypes;

export function orderInputFields(t: InputFieldBuilder<Types, "InputObject">) {
  return {
    number: t.string(),
    email: t.string(),
    phone: t.string(),
    customer: t.field({ type: CustomerInput }),
    orderType: t.field({ type: OrderTypeEnum, description: "Default CUSTOMER." }),
    currency: t.string({ description: "ISO 4217; default USD." }),
    subtotal: t.string(),
    discount: t.string(),
    total: t.string(),
    paymentStatus: t.string(),
    note: t.string({ description: "The customer's note about the order." }),
    ownerNote: t.string({ description: "The merchant's own note." }),
    promisedShipBy: t.field({ type: "DateTime", description: "Sent to Flexport on write-through (promisedShipByTime)." }),
    promisedDeliveryBy: t.field({ type: "DateTime", description: "Sent to Flexport on write-through (promisedDeliveryByTime)." }),
    shipMethod: t.string({ description: "Flexport's ship method, sent on write-through." }),
    shippingAddress: t.field({ type: AddressInput }),
    billingAddress: t.field({ type: AddressInput }),
    lineItems: t.field({ type: [LineItemInput] }),
    shipments: t.field({ type: [ShipmentInput] }),
    meta: t.field({ type: "JSON" }),
  };
}
