import { lexicographicSortSchema } from "graphql";
import { builder } from "./builder.js";
import "./scalars.js";
import "./enums.js";
import "./address.js";
import "./customer.js";
import "./processing-error.js";
import "./line-item.js";
import "./scan-event.js";
import "./order-event.js";
import "./shipment.js";
import "./order.js";
import "./order-filter.js";
import "./query.js";
import "./user-error.js";
import "./address-input.js";
import "./customer-input.js";
import "./line-item-input.js";
import "./scan-event-input.js";
import "./shipment-input.js";
import "./create-order-input.js";
import "./update-order-input.js";
import "./create-order-event-input.js";
import "./payloads.js";
import "./order-mutations.js";

export const schema = builder.toSchema();
/** The schema as printed to schema.graphql: sorted, so diffs stay readable. */
export const sortedSchema = lexicographicSortSchema(schema);
