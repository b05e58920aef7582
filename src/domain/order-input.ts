// The canonical order as every way in produces it: the API's createOrder, the
// source mappers (imports, webhooks, pulls) and the demo data.
import type { CancelReason, FulfillmentStatus, OrderSource, OrderStatus, OrderType, ShipmentStatus } from "../generated/prisma/enums.js";

export type AddressInput = {
  firstName?: string | null;
  lastName?: string | null;
  name?: string | null;
  company?: string | null;
  line1?: string | null;
  line2?: string | null;
  city?: string | null;
  state?: string | null;
  postalCode?: string | null;
  country?: string | null;
  countryCode?: string | null;
  phone?: string | null;
};

/** Units a weight is kept in: a weight is never stored without one. */
export const WEIGHT_UNITS = ["g", "kg", "oz", "lb"] as const;
export type WeightUnit = (typeof WEIGHT_UNITS)[number];

export type ScanEventInput = {
  scannedAt: Date;
  status: ShipmentStatus;
  rawStatus?: string | null;
  statusDetail?: string | null;
  carrierCode?: string | null;
  description?: string | null;
  message?: string | null;
  location?: AddressInput | null;
  source?: string | null;
};

export type ShipmentInput = {
  carrier: string;
  trackingCode: string;
  carrierService?: string | null;
  trackingUrl?: string | null;
  /** The source's own shipment status; the normalized status follows the latest scan when there are scans. */
  status?: ShipmentStatus | null;
  rawStatus?: string | null;
  isReturn?: boolean | null;
  estimatedDeliveryAt?: Date | null;
  deliveredAt?: Date | null;
  signedBy?: string | null;
  weight?: string | null;
  weightUnit?: WeightUnit | null;
  carrierName?: string | null;
  /** The source's own id of the shipment. */
  sourceShipmentId?: string | null;
  shippedAt?: Date | null;
  estimatedShipAt?: Date | null;
  guaranteedDeliveryAt?: Date | null;
  originalEstimatedDeliveryAt?: Date | null;
  /** Wall-clock values at the destination, without a zone ("2019-01-30T13:30:00", "2019-01-30"). */
  estimatedLocalDeliveryAt?: string | null;
  estimatedLocalDeliveryOn?: string | null;
  firstDeliveryAttemptAt?: Date | null;
  labelUrl?: string | null;
  origin?: AddressInput | null;
  destination?: AddressInput | null;
  scanEvents?: ScanEventInput[] | null;
};

export type LineItemInput = {
  sku?: string | null;
  name?: string | null;
  quantity: number;
  fulfilledQuantity?: number | null;
  unitPrice?: string | null;
  currency?: string | null;
  productId?: string | null;
  variantId?: string | null;
  weight?: string | null;
  weightUnit?: WeightUnit | null;
  barcode?: string | null;
  width?: string | null;
  height?: string | null;
  depth?: string | null;
};

export type OrderEventInput = {
  type: string;
  label?: string | null;
  linkBackUrl?: string | null;
  properties?: unknown;
  occurredAt?: Date | null;
};

export type CustomerInput = { email?: string | null; firstName?: string | null; lastName?: string | null };

export type ProcessingErrorInput = {
  code?: string | null;
  message: string;
  type?: string | null;
  retriable: boolean;
  /** The SKUs of the line items the error is about. */
  skus?: string[] | null;
};

export type OrderInput = {
  source: OrderSource;
  externalId?: string | null;
  /** The id the source system assigned, where it differs from externalId. */
  sourceOrderId?: string | null;
  number?: string | null;
  email?: string | null;
  phone?: string | null;
  /** The customer's note; `ownerNote` is the merchant's. */
  note?: string | null;
  ownerNote?: string | null;
  /** The source's own id of the customer. */
  customerId?: string | null;
  customer?: CustomerInput | null;
  orderType?: OrderType | null;
  status?: OrderStatus | null;
  rawStatus?: string | null;
  /** The source's display name of its status. */
  rawStatusTitle?: string | null;
  paymentStatus?: string | null;
  /** Used only when there are no line items to derive it from (a source that reports it without items). */
  fulfillmentStatus?: FulfillmentStatus | null;
  processingState?: string | null;
  processingError?: ProcessingErrorInput | null;
  currency?: string | null;
  subtotal?: string | null;
  discount?: string | null;
  total?: string | null;
  shippingCost?: string | null;
  discountCoupon?: string | null;
  discountGateway?: string | null;
  totalUsd?: string | null;
  shippingAddress?: AddressInput | null;
  billingAddress?: AddressInput | null;
  lineItems?: LineItemInput[] | null;
  shipments?: ShipmentInput[] | null;
  /** The source documents its shipment list as complete: a newer payload's list replaces the order's. */
  shipmentsComplete?: boolean;
  events?: OrderEventInput[] | null;
  promisedShipBy?: Date | null;
  promisedDeliveryBy?: Date | null;
  shipMethod?: string | null;
  paidAt?: Date | null;
  closedAt?: Date | null;
  shippedAt?: Date | null;
  deliveredAt?: Date | null;
  cancelledAt?: Date | null;
  cancelReason?: CancelReason | null;
  meta?: unknown;
  /** When the order was placed, as the source reports it; defaults to now. */
  createdAt?: Date | null;
  /** The source's own last-update time of this payload, to tell newer from older. */
  sourceUpdatedAt?: Date | null;
};
