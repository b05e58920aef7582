import { builder } from "./builder.js";

export const AddressInput = builder.inputType("AddressInput", {
  fields: (t) => ({
    firstName: t.string(),
    lastName: t.string(),
    company: t.string(),
    line1: t.string(),
    line2: t.string(),
    city: t.string(),
    state: t.string(),
    postalCode: t.string(),
    country: t.string(),
    countryCode: t.string({ description: "ISO 3166 two-letter code." }),
    phone: t.string(),
  }),
});
