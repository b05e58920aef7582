// Fulfillment status from line items, as TrackMage computes it from qty and
// fulfilledQty: none shipped -> UNFULFILLED, all shipped -> FULFILLED, else
// PARTIALLY_FULFILLED. An order without line items (a tracking-only source
// such as Malomo) counts as FULFILLED once a shipment has left.
export type FulfillmentStatus = "UNFULFILLED" | "PARTIALLY_FULFILLED" | "FULFILLED";

export function deriveFulfillmentStatus(
  lineItems: ReadonlyArray<{ quantity: number; fulfilledQuantity: number }>,
  hasShipped = false,
): FulfillmentStatus {
  if (lineItems.length === 0) return hasShipped ? "FULFILLED" : "UNFULFILLED";
  const ordered = lineItems.reduce((sum, item) => sum + Math.max(0, item.quantity), 0);
  const fulfilled = lineItems.reduce((sum, item) => sum + Math.min(Math.max(0, item.fulfilledQuantity), Math.max(0, item.quantity)), 0);
  if (ordered === 0 || fulfilled === 0) return "UNFULFILLED";
  return fulfilled >= ordered ? "FULFILLED" : "PARTIALLY_FULFILLED";
}
