import { builder } from "./builder.js";
import { orderInputFields } from "./order-input-fields.js";

export const UpdateOrderInput = builder.inputType("UpdateOrderInput", {
  description:
    "Fields left out stay as they are; null clears a field. `customer: null` removes the customer. " +
    "`lineItems` and `shipments`, when given, are the complete lists: shipments (by carrier and tracking code) " +
    "left out are removed, new ones added, and ones kept keep their scan history.",
  fields: (t) => orderInputFields(t),
});
