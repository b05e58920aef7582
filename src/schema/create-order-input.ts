import { builder } from "./builder.js";
import { OrderSourceEnum } from "./enums.js";
import { orderInputFields } from "./order-input-fields.js";

export const CreateOrderInput = builder.inputType("CreateOrderInput", {
  fields: (t) => ({
    source: t.field({ type: OrderSourceEnum, description: "Default API." }),
    externalId: t.string({ description: "Unique per source within the workspace." }),
    ...orderInputFields(t),
  }),
});
