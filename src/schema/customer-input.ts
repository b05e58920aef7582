import { builder } from "./builder.js";

export const CustomerInput = builder.inputType("CustomerInput", {
  fields: (t) => ({
    email: t.string(),
    firstName: t.string(),
    lastName: t.string(),
  }),
});
