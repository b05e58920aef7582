import { AddressInput } from "./address-input.js";
import { builder } from "./builder.js";
import { CustomerInput } from "./customer-input.js";
import { OrderSourceEnum, OrderTypeEnum } from "./enums.js";
import { LineItemInput } from "./line-item-input.js";
import { ShipmentInput } from "./shipment-input.js";

export const CreateOrderInput = builder.inputType("CreateOrderInput", {
  fields: (t) => ({
    source: t.field({ type: OrderSourceEnum, description: "Default API." }),
    externalId: t.string({ description: "Unique per source within the workspace." }),
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
    shippingAddress: t.field({ type: AddressInput }),
    billingAddress: t.field({ type: AddressInput }),
    lineItems: t.field({ type: [LineItemInput] }),
    shipments: t.field({ type: [ShipmentInput] }),
    meta: t.field({ type: "JSON" }),
  }),
});
