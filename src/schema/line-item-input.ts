import { builder } from "./builder.js";

export const LineItemInput = builder.inputType("LineItemInput", {
  fields: (t) => ({
    sku: t.string(),
    name: t.string(),
    quantity: t.int({ required: true, description: "At least 1." }),
    fulfilledQuantity: t.int({ description: "How many have shipped, 0 to quantity; default 0." }),
    unitPrice: t.string({ description: 'Decimal as a string, such as "19.99".' }),
    productId: t.string(),
    variantId: t.string(),
  }),
});
