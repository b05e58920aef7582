// The canonical order as every way in produces it: the API's createOrder, the
// source mappers (imports, webhooks, pulls) and the demo data.
import type {
  CancelReason,
  FulfillmentStatus,
  OrderSource,
  OrderStatus,
  OrderType,
  ShipmentStatus,
} from "../generated/prisma/enums.js";

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
};

export type OrderEventInput = {
  type: string;
  label?: string | null;
  linkBackUrl?: string | null;
  properties?: unknown;
  occurredAt?: Date | null;
};

export type CustomerInput = { email?: string | null; firstName?: string | null; lastName?: string | null };

export type ProcessingErrorInput = { code?: string | null; message: string; type?: string | null; retriable: boolean };

export type OrderInput = {
  source: OrderSource;
  externalId?: string | null;
  /** The id the source system assigned, where it differs from externalId. */
  sourceOrderId?: string | null;
  number?: string | null;
  email?: string | null;
  phone?: string | null;
  customer?: CustomerInput | null;
  orderType?: OrderType | null;
  status?: OrderStatus | null;
  rawStatus?: string | null;
  paymentStatus?: string | null;
  /** Used only when there are no line items to derive it from (a source that reports it without items). */
  fulfillmentStatus?: FulfillmentStatus | null;
  processingState?: string | null;
  processingError?: ProcessingErrorInput | null;
  currency?: string | null;
  subtotal?: string | null;
  discount?: string | null;
  total?: string | null;
  shippingAddress?: AddressInput | null;
  billingAddress?: AddressInput | null;
  lineItems?: LineItemInput[] | null;
  shipments?: ShipmentInput[] | null;
  events?: OrderEventInput[] | null;
  promisedShipBy?: Date | null;
  promisedDeliveryBy?: Date | null;
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
