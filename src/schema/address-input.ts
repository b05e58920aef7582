import { builder } from "./builder.js";

export const AddressInput = builder.inputType("AddressInput", {
  fields: (t) => ({
    name: t.string({ description: "The full name as one line, for sources that keep it so (Flexport, storefront)." }),
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
