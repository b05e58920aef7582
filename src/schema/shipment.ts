import { formatDecimal } from "../domain/money.js";
import type { WeightUnit } from "../domain/order-input.js";
import { LIST_CAPS } from "../domain/pagination.js";
import type { Shipment } from "../generated/prisma/client.js";
import { prefetchedScanEvents } from "../loaders/prefetch.js";
import { AddressRef } from "./address.js";
import { builder } from "./builder.js";
import { window } from "./cost.js";
import { ShipmentStatusEnum, WeightUnitEnum } from "./enums.js";
import { OrderRef } from "./order.js";
import { ScanEventRef } from "./scan-event.js";

export const ShipmentRef = builder.objectRef<Shipment>("Shipment");

builder.node(ShipmentRef, {
  id: { resolve: (shipment) => shipment.id },
  loadMany: (ids, ctx) => Promise.all(ids.map((id) => ctx.loaders.shipmentById.load(id))),
  fields: (t) => ({
    carrier: t.exposeString("carrier"),
    carrierName: t.exposeString("carrierName", { nullable: true, description: "The carrier's display name (Malomo carrier_name)." }),
    sourceShipmentId: t.exposeString("sourceShipmentId", {
      nullable: true,
      description: "The source's own id (Malomo shipment id, Flexport package id).",
    }),
    trackingCode: t.exposeString("trackingCode"),
    carrierService: t.exposeString("carrierService", { nullable: true }),
    trackingUrl: t.exposeString("trackingUrl", { nullable: true }),
    status: t.expose("status", { type: ShipmentStatusEnum, description: "Follows the latest scan event." }),
    rawStatus: t.exposeString("rawStatus", { nullable: true, description: "The status as the source reported it." }),
    isReturn: t.exposeBoolean("isReturn"),
    estimatedDeliveryAt: t.expose("estimatedDeliveryAt", { type: "DateTime", nullable: true }),
    originalEstimatedDeliveryAt: t.expose("originalEstimatedDeliveryAt", {
      type: "DateTime",
      nullable: true,
      description: "The first estimate the carrier gave.",
    }),
    guaranteedDeliveryAt: t.expose("guaranteedDeliveryAt", { type: "DateTime", nullable: true }),
    estimatedLocalDeliveryAt: t.exposeString("estimatedLocalDeliveryAt", {
      nullable: true,
      description: 'The estimate as wall-clock time at the destination, without a zone ("2019-01-30T13:30:00"), as the source gives it.',
    }),
    estimatedLocalDeliveryOn: t.exposeString("estimatedLocalDeliveryOn", {
      nullable: true,
      description: 'The estimated delivery day at the destination ("2019-01-30").',
    }),
    estimatedShipAt: t.expose("estimatedShipAt", { type: "DateTime", nullable: true }),
    shippedAt: t.expose("shippedAt", { type: "DateTime", nullable: true, description: "When the source reports this shipment shipped." }),
    firstDeliveryAttemptAt: t.expose("firstDeliveryAttemptAt", { type: "DateTime", nullable: true }),
    deliveredAt: t.expose("deliveredAt", { type: "DateTime", nullable: true }),
    signedBy: t.exposeString("signedBy", { nullable: true }),
    weight: t.string({
      nullable: true,
      description: "Decimal as a string, in `weightUnit`.",
      resolve: (shipment) => formatDecimal(shipment.weight),
    }),
    weightUnit: t.field({ type: WeightUnitEnum, nullable: true, resolve: (shipment) => shipment.weightUnit as WeightUnit | null }),
    labelUrl: t.exposeString("labelUrl", { nullable: true }),
    origin: t.field({
      type: AddressRef,
      nullable: true,
      resolve: (shipment, _args, ctx) => (shipment.originId ? ctx.loaders.addressById.load(shipment.originId) : null),
    }),
    destination: t.field({
      type: AddressRef,
      nullable: true,
      resolve: (shipment, _args, ctx) => (shipment.destinationId ? ctx.loaders.addressById.load(shipment.destinationId) : null),
    }),
    order: t.field({
      type: OrderRef,
      resolve: async (shipment, _args, ctx) => (await ctx.loaders.orderById.load(shipment.orderId))!,
    }),
    scanEvents: t.field({
      type: [ScanEventRef],
      description: `Oldest first; at most the latest ${LIST_CAPS.scanEvents}. \`last: 5\` gives the five most recent, \`first\` the earliest (and each costs less).`,
      args: { first: t.arg.int(), last: t.arg.int() },
      resolve: (shipment, args, ctx) =>
        window(prefetchedScanEvents(shipment) ?? ctx.loaders.scanEventsByShipmentId.load(shipment.id), args, LIST_CAPS.scanEvents, true),
    }),
  }),
});
