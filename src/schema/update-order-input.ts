import { AddressInput } from "./address-input.js";
import { builder } from "./builder.js";
import { CustomerInput } from "./customer-input.js";
import { OrderTypeEnum } from "./enums.js";
import { LineItemInput } from "./line-item-input.js";
import { ShipmentInput } from "./shipment-input.js";

export const UpdateOrderInput = builder.inputType("UpdateOrderInput", {
  description:
    "Fields left out stay as they are; null clears a field. `customer: null` removes the customer. " +
    "`lineItems` and `shipments`, when given, are the complete lists: shipments (by carrier and tracking code) " +
    "left out are removed, new ones added, and ones kept keep their scan history.",
  fields: (t) => ({
    number: t.string(),
    email: t.string(),
    phone: t.string(),
    customer: t.field({ type: CustomerInput }),
    orderType: t.field({ type: OrderTypeEnum }),
    currency: t.string(),
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
