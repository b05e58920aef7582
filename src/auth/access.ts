// What narrow credentials may ask, checked when a document is validated:
// a publishable key reads the public view of one order, a customer's token
// reads their own orders. Fields are allowed by name, so a field added to the
// schema stays out of these views until it is listed here.
import { type ASTVisitor, type FieldNode, GraphQLError, type ValidationContext, type ValidationRule } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { AccessScope, Caller } from "./caller.js";
import { callerOf } from "./door.js";

const names = (...list: string[]) => new Set(list);

/** The public view: what a tracking page shows. No email, phone, street address, payment or meta. */
export const PUBLIC_VIEW: Readonly<Record<string, ReadonlySet<string>>> = {
  Query: names("orderByNumber", "orderByTrackingCode"),
  Order: names(
    "id",
    "number",
    "status",
    "fulfillmentStatus",
    "createdAt",
    "shippedAt",
    "deliveredAt",
    "cancelledAt",
    "closedAt",
    "promisedShipBy",
    "promisedDeliveryBy",
    "shipMethod",
    "shippingAddress",
    "lineItems",
    "shipments",
  ),
  LineItem: names("id", "name", "quantity", "fulfilledQuantity"),
  Shipment: names(
    "id",
    "carrier",
    "carrierName",
    "carrierService",
    "trackingCode",
    "trackingUrl",
    "status",
    "isReturn",
    "shippedAt",
    "deliveredAt",
    "estimatedShipAt",
    "estimatedDeliveryAt",
    "estimatedLocalDeliveryAt",
    "estimatedLocalDeliveryOn",
    "originalEstimatedDeliveryAt",
    "guaranteedDeliveryAt",
    "firstDeliveryAttemptAt",
    "origin",
    "destination",
    "scanEvents",
  ),
  ScanEvent: names("id", "scannedAt", "status", "statusDetail", "description", "message", "location"),
  Address: names("city", "country", "countryCode"),
};

/** The root fields a customer's token may use: their own orders, found any way, and their changes. */
export const CUSTOMER_ROOTS: Readonly<Record<string, ReadonlySet<string>>> = {
  Query: names("orders", "order", "node", "nodes", "orderByNumber", "orderByTrackingCode", "orderByExternalId", "orderBySourceId"),
  Subscription: names("orderUpdated", "orderEvents"),
};

/** The merchant's own notes on an order, which its customer does not see. */
const CUSTOMER_HIDDEN: Readonly<Record<string, ReadonlySet<string>>> = { Order: names("ownerNote", "meta", "sourceSync") };

const ROOT_TYPES = new Set(["Query", "Mutation", "Subscription"]);

function refusal(message: string, node: FieldNode) {
  return new GraphQLError(message, { nodes: node, extensions: { code: "FORBIDDEN", http: { status: 403 } } });
}

// Named functions: Yoga caches validation per document and by the rules' names.
function PublicViewRule(context: ValidationContext): ASTVisitor {
  return {
    Field(node) {
      const parent = context.getParentType()?.name;
      const field = node.name.value;
      if (!parent || field === "__typename" || PUBLIC_VIEW[parent]?.has(field)) return;
      const message = ROOT_TYPES.has(parent)
        ? `A publishable key may only run the public lookups (orderByNumber, orderByTrackingCode), not ${parent === "Query" ? "" : `${parent}.`}${field}.`
        : `A publishable key may not read ${parent}.${field}: it sees the public view of an order.`;
      context.reportError(refusal(message, node));
    },
  };
}

function CustomerViewRule(context: ValidationContext): ASTVisitor {
  return {
    Field(node) {
      const parent = context.getParentType()?.name;
      const field = node.name.value;
      if (!parent || field === "__typename") return;
      if (ROOT_TYPES.has(parent) && !CUSTOMER_ROOTS[parent]?.has(field)) {
        context.reportError(refusal(`A customer's token may only read their own orders, not ${field}.`, node));
      } else if (CUSTOMER_HIDDEN[parent]?.has(field)) {
        context.reportError(refusal(`A customer's token may not read ${parent}.${field}.`, node));
      }
    },
  };
}

/** The validation rule that narrows a scope, if it is a narrow one. */
export function accessRule(scope: AccessScope): ValidationRule | null {
  if (scope === "PUBLIC") return PublicViewRule;
  if (scope === "CUSTOMER") return CustomerViewRule;
  return null;
}

/** Adds the caller's narrowing rule to validation (HTTP requests carry their caller; WebSocket operations bring it). */
export function accessRules(): Plugin {
  return {
    onValidate({ context, addValidationRule }) {
      const { caller, request } = context as { caller?: Caller; request?: Request };
      const rule = accessRule((caller ?? (request && callerOf(request)))?.scope ?? "READ");
      if (rule) addValidationRule(rule);
    },
  };
}
