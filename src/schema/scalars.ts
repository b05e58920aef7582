import type { GraphQLScalarSerializer } from "graphql";
import { DateTimeResolver, JSONResolver } from "graphql-scalars";
import { builder } from "./builder.js";

// graphql-scalars' DateTime validates input, but its serialize returns a
// Date, which JSON.stringify then converts with a call per value. Returning
// the ISO string itself (the same text) keeps responses on the fast path.
// Relations fetched as JSON already hold that text (isoTimestamp).
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const serializeDateTime = (value: unknown) => {
  if (typeof value === "string" && ISO_UTC.test(value)) return value;
  const date = value instanceof Date ? value : DateTimeResolver.serialize(value);
  return date instanceof Date ? date.toISOString() : date;
};

builder.addScalarType("DateTime", DateTimeResolver, {
  serialize: serializeDateTime as unknown as GraphQLScalarSerializer<Date>,
});
builder.addScalarType("JSON", JSONResolver, {});
