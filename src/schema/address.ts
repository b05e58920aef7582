import type { AddressInput } from "../domain/order-input.js";
import { builder } from "./builder.js";

/** An address as the API shows it: the canonical order's address. */
export type AddressShape = AddressInput;

export const AddressRef = builder.objectRef<AddressShape>("Address");

AddressRef.implement({
  fields: (t) => ({
    firstName: t.exposeString("firstName", { nullable: true }),
    lastName: t.exposeString("lastName", { nullable: true }),
    name: t.string({
      nullable: true,
      description: "Full name as the source gave it, or first and last name joined.",
      resolve: (a) => a.name ?? ([a.firstName, a.lastName].filter(Boolean).join(" ") || null),
    }),
    company: t.exposeString("company", { nullable: true }),
    line1: t.exposeString("line1", { nullable: true }),
    line2: t.exposeString("line2", { nullable: true }),
    city: t.exposeString("city", { nullable: true }),
    state: t.exposeString("state", { nullable: true }),
    postalCode: t.exposeString("postalCode", { nullable: true }),
    country: t.exposeString("country", { nullable: true }),
    countryCode: t.exposeString("countryCode", { nullable: true }),
    phone: t.exposeString("phone", { nullable: true }),
  }),
});
