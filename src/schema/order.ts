import { formatMoney } from "../domain/money.js";
import { customerOf, processingErrorOf } from "../domain/order-fields.js";
import { LIST_CAPS } from "../domain/pagination.js";
import type { Order } from "../generated/prisma/client.js";
import { prefetchedAddress, prefetchedEvents, prefetchedLineItems, prefetchedShipments } from "../loaders/prefetch.js";
import { AddressRef } from "./address.js";
import { builder } from "./builder.js";
import { window } from "./cost.js";
import { CustomerRef } from "./customer.js";
import { CancelReasonEnum, FulfillmentStatusEnum, OrderSourceEnum, OrderStatusEnum, OrderTypeEnum } from "./enums.js";
import { LineItemRef } from "./line-item.js";
import { OrderEventRef } from "./order-event.js";
import { ProcessingErrorRef } from "./processing-error.js";
import { ShipmentRef } from "./shipment.js";

export const OrderRef = builder.objectRef<Order>("Order");

builder.node(OrderRef, {
  id: { resolve: (order) => order.id },
  loadMany: (ids, ctx) => Promise.all(ids.map((id) => ctx.loaders.orderById.load(id))),
  fields: (t) => ({
    source: t.expose("source", { type: OrderSourceEnum }),
    externalId: t.exposeString("externalId", {
      nullable: true,
      description: "The source's own reference (Malomo alternate_id, Flexport externalOrderId, storefront id, ...).",
    }),
    sourceOrderId: t.exposeString("sourceOrderId", {
      nullable: true,
      description: "The id the source system itself assigned (Malomo id, Flexport id, storefront id, TrackMage id).",
    }),
    number: t.exposeString("number", { nullable: true }),
    email: t.exposeString("email", { nullable: true }),
    phone: t.exposeString("phone", { nullable: true }),
    note: t.exposeString("note", { nullable: true, description: "The customer's note about the order." }),
    ownerNote: t.exposeString("ownerNote", { nullable: true, description: "The merchant's own note (storefront owner_note)." }),
    customerId: t.exposeString("customerId", { nullable: true, description: "The source's id of the customer (storefront customer.id)." }),
    customer: t.field({
      type: CustomerRef,
      nullable: true,
      resolve: customerOf,
    }),
    orderType: t.expose("orderType", { type: OrderTypeEnum }),
    status: t.expose("status", { type: OrderStatusEnum }),
    rawStatus: t.exposeString("rawStatus", { nullable: true, description: "The status as the source reported it." }),
    rawStatusTitle: t.exposeString("rawStatusTitle", {
      nullable: true,
      description: "The source's name for that status (TrackMage orderStatus.title).",
    }),
    paymentStatus: t.exposeString("paymentStatus", { nullable: true }),
    fulfillmentStatus: t.expose("fulfillmentStatus", {
      type: FulfillmentStatusEnum,
      description:
        "Derived from line items (quantity against fulfilledQuantity); for an order without line items, the source's own word (TrackMage) or whether a shipment has left.",
    }),
    processingState: t.exposeString("processingState", { nullable: true }),
    processingError: t.field({
      type: ProcessingErrorRef,
      nullable: true,
      resolve: processingErrorOf,
    }),
    currency: t.exposeString("currency"),
    subtotal: t.string({ nullable: true, description: "Decimal as a string.", resolve: (o) => formatMoney(o.subtotal) }),
    discount: t.string({ nullable: true, description: "Decimal as a string.", resolve: (o) => formatMoney(o.discount) }),
    total: t.string({ nullable: true, description: "Decimal as a string.", resolve: (o) => formatMoney(o.total) }),
    shippingCost: t.string({
      nullable: true,
      description: "What the customer pays for shipping. Decimal as a string.",
      resolve: (o) => formatMoney(o.shippingCost),
    }),
    discountCoupon: t.string({
      nullable: true,
      description: "The part of `discount` from coupons. Decimal as a string.",
      resolve: (o) => formatMoney(o.discountCoupon),
    }),
    discountGateway: t.string({
      nullable: true,
      description: "The part of `discount` from the payment gateway. Decimal as a string.",
      resolve: (o) => formatMoney(o.discountGateway),
    }),
    totalUsd: t.string({
      nullable: true,
      description: "The total in US dollars, as the source converted it. Decimal as a string.",
      resolve: (o) => formatMoney(o.totalUsd),
    }),
    shippingAddress: t.field({
      type: AddressRef,
      nullable: true,
      resolve: (o, _args, ctx) =>
        prefetchedAddress(o, "shippingAddress") ?? (o.shippingAddressId ? ctx.loaders.addressById.load(o.shippingAddressId) : null),
    }),
    billingAddress: t.field({
      type: AddressRef,
      nullable: true,
      resolve: (o, _args, ctx) =>
        prefetchedAddress(o, "billingAddress") ?? (o.billingAddressId ? ctx.loaders.addressById.load(o.billingAddressId) : null),
    }),
    lineItems: t.field({
      type: [LineItemRef],
      description: `In order; at most ${LIST_CAPS.lineItems}. \`first\` takes fewer (and costs less).`,
      args: { first: t.arg.int() },
      resolve: (o, args, ctx) => window(prefetchedLineItems(o) ?? ctx.loaders.lineItemsByOrderId.load(o.id), args, LIST_CAPS.lineItems),
    }),
    shipments: t.field({
      type: [ShipmentRef],
      description: `At most ${LIST_CAPS.shipments}. \`first\` takes fewer (and costs less).`,
      args: { first: t.arg.int() },
      resolve: (o, args, ctx) => window(prefetchedShipments(o) ?? ctx.loaders.shipmentsByOrderId.load(o.id), args, LIST_CAPS.shipments),
    }),
    events: t.connection(
      {
        type: OrderEventRef,
        description: "The order's history, oldest first; `last: 5` gives the five most recent.",
        resolve: (o, { first, after, last, before }, ctx) =>
          prefetchedEvents(o, { first, after, last, before }) ??
          ctx.loaders.orderEventsPage.load({ orderId: o.id, first, after, last, before }),
      },
      { name: "OrderEventConnection" },
      { name: "OrderEventEdge" },
    ),
    meta: t.expose("meta", { type: "JSON", nullable: true }),
    cancelReason: t.expose("cancelReason", { type: CancelReasonEnum, nullable: true }),
    cancelledAt: t.expose("cancelledAt", { type: "DateTime", nullable: true }),
    promisedShipBy: t.expose("promisedShipBy", { type: "DateTime", nullable: true }),
    promisedDeliveryBy: t.expose("promisedDeliveryBy", { type: "DateTime", nullable: true }),
    shipMethod: t.exposeString("shipMethod", {
      nullable: true,
      description: "The fulfillment network's ship method (Flexport shipMethod).",
    }),
    paidAt: t.expose("paidAt", { type: "DateTime", nullable: true }),
    closedAt: t.expose("closedAt", { type: "DateTime", nullable: true }),
    cancellationRequestedAt: t.expose("cancellationRequestedAt", {
      type: "DateTime",
      nullable: true,
      description: "A cancel sent to the source (Flexport) that it has not yet accepted; the status changes once it does.",
    }),
    sourceUpdatedAt: t.expose("sourceUpdatedAt", {
      type: "DateTime",
      nullable: true,
      description: "When the source last changed the order, as it reports it.",
    }),
    shippedAt: t.expose("shippedAt", { type: "DateTime", nullable: true }),
    deliveredAt: t.expose("deliveredAt", { type: "DateTime", nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
    version: t.exposeInt("version", { description: "Bumped by every change; pass it as expectedVersion to updateOrder." }),
  }),
});
