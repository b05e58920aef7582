import { builder } from "./builder.js";

export type CustomerShape = { email: string | null; firstName: string | null; lastName: string | null };

export const CustomerRef = builder.objectRef<CustomerShape>("Customer");

CustomerRef.implement({
  fields: (t) => ({
    email: t.exposeString("email", { nullable: true }),
    firstName: t.exposeString("firstName", { nullable: true }),
    lastName: t.exposeString("lastName", { nullable: true }),
  }),
});
