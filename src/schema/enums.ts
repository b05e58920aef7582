// The canonical enums, shared by the database (Prisma) and the API.
import {
  CancelReason,
  DeliveryStatus,
  FulfillmentStatus,
  OrderSource,
  OrderStatus,
  OrderType,
  ShipmentStatus,
  SyncState,
  WebhookTopic,
} from "../generated/prisma/enums.js";
import { builder } from "./builder.js";

export const OrderSourceEnum = builder.enumType(OrderSource, { name: "OrderSource" });
export const OrderStatusEnum = builder.enumType(OrderStatus, { name: "OrderStatus" });
export const OrderTypeEnum = builder.enumType(OrderType, { name: "OrderType" });
export const FulfillmentStatusEnum = builder.enumType(FulfillmentStatus, { name: "FulfillmentStatus" });
export const ShipmentStatusEnum = builder.enumType(ShipmentStatus, { name: "ShipmentStatus" });
export const CancelReasonEnum = builder.enumType(CancelReason, { name: "CancelReason" });
export const SyncStateEnum = builder.enumType(SyncState, { name: "SyncState" });
export const WebhookTopicEnum = builder.enumType(WebhookTopic, { name: "WebhookTopic" });
export const WeightUnitEnum = builder.enumType("WeightUnit", {
  values: { G: { value: "g" }, KG: { value: "kg" }, OZ: { value: "oz" }, LB: { value: "lb" } } as const,
});
export const DeliveryStatusEnum = builder.enumType(DeliveryStatus, { name: "DeliveryStatus" });
