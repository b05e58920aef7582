import type { GraphQLScalarSerializer } from "graphql";
import { DateTimeResolver, JSONResolver } from "graphql-scalars";
import { builder } from "./builder.js";

// graphql-scalars' DateTime validates input, but its serialize returns a
// Date, which JSON.stringify then converts with a call per value. Returning
// the ISO string itself (the same text) keeps responses on the fast path.
const serializeDateTime = (value: unknown) => {
  const date = value instanceof Date ? value : DateTimeResolver.serialize(value);
  return date instanceof Date ? date.toISOString() : date;
};

builder.addScalarType("DateTime", DateTimeResolver, {
  serialize: serializeDateTime as unknown as GraphQLScalarSerializer<Date>,
});
builder.addScalarType("JSON", JSONResolver, {});
